/* test-hostile.c: the hostile table. A Graph that answers with the documented shapes but
 * hostile contents and timing — control characters in device names, bodies nested 100 000
 * deep, a nextLink that loops, a server that never answers or trickles a byte at a time, gzip
 * answers and gzip bombs, redirects elsewhere, absurd tokens on standard input — against the
 * real latchkey-cli (and so the real Graph client) over loopback HTTP to the sandbox.
 *
 * Each row asserts what the admin is told (a message and an exit code) and how many Graph
 * requests the sandbox saw (nothing followed that must not be, nothing sent twice). Its time
 * is reported, not asserted (no test asserts a duration: a busy machine is slow, not broken):
 * a wait row proves its bound by the message of the timeout that ended it, against a server
 * stalled for ten minutes, and a CLI that did not bound its wait would hang into meson's
 * timeout. Every
 * plain-text output of every row is checked to be terminal-safe. The window's rows (markup)
 * are in tests/ui/test-hostile-window.c.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "../lk-test-common.h"
#include "lk-sandbox.h"

#define ALL_SCOPES "DeviceManagementManagedDevices.Read.All DeviceManagementManagedDevices.PrivilegedOperations.All"
/* A demo tenant device: Android Enterprise dedicated (its reset returns a passcode). */
#define DEVICE_ID  "5c863eed-470d-5454-9fff-63101a20618c"
#define DEVICES    "deviceManagement/managedDevices"
/* A name a device's user could give it: OSC 52 (write the admin's clipboard), clear screen,
 * BEL, backspace, DEL, a C1 CSI, a forged table row and a right-to-left override. */
#define EVIL_NAME  "Evil\033]52;c;cHduZWQ=\007\033[2J\b\177\302\233" "31m\nFORGED  row\342\200\256di4"

static const char *cli_path;

typedef struct
{
  LkSandbox *sandbox;
  char      *base_url;
  char      *graph_url;
  char      *token;
  char      *state_dir;
  GString   *input;       /* standard input for the CLI (the token, by default) */
} Hostile;

typedef void (*SetupFunc) (Hostile *h);
typedef void (*CheckFunc) (Hostile *h, const char *out, const char *err);

typedef struct
{
  const char *name;
  SetupFunc   setup;
  const char *command;     /* search, show, status, history */
  const char *arg;         /* NULL: DEVICE_ID (search: "") */
  gboolean    json;
  gboolean    jsonl;       /* search --jsonl: the stream-only listing */
  const char *timeouts;    /* LATCHKEY_GRAPH_TIMEOUTS for this row, or NULL */
  gboolean    terminal;    /* run on a pseudo-terminal (script(1)): stdout and stderr merged */
  int         exit_code;
  const char *message;     /* in stdout or stderr; NULL: none asserted */
  guint       min_requests; /* Graph requests the sandbox saw */
  guint       max_requests;
  CheckFunc   check;
} Row;

/* --- helpers ----------------------------------------------------------------------------- */

static char *
http (guint       status,
      const char *headers,
      const char *body)
{
  return g_strdup_printf ("HTTP/1.1 %u Hostile\r\nContent-Type: application/json\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n%s\r\n%s",
                          status, strlen (body), headers != NULL ? headers : "", body);
}

static void
add_raw (Hostile    *h,
         const char *path_contains,
         guint       skip,
         const char *answer,
         gsize       size,
         guint       delay_ms)
{
  LkFault fault = { .kind = LK_FAULT_RAW, .method = "GET", .path_contains = path_contains,
                    .skip = skip, .body = answer, .size = size, .delay_ms = delay_ms };

  lk_sandbox_add_fault (h->sandbox, &fault);
}

static char *
nested (guint depth)
{
  GString *text = g_string_new ("{\"id\":\"" DEVICE_ID "\",\"deviceName\":");

  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

static char *
device_json (const char *id,
             const char *name)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"deviceName\":\"%s\",\"operatingSystem\":\"Android\","
                          "\"osVersion\":\"14\",\"managedDeviceOwnerType\":\"company\"}", id, name);
}

static char *
page (const char *devices,
      const char *next_link)
{
  if (next_link == NULL)
    return g_strdup_printf ("{\"value\":[%s]}", devices);
  return g_strdup_printf ("{\"value\":[%s],\"@odata.nextLink\":\"%s\"}", devices, next_link);
}

static char *
list_link (Hostile    *h,
           const char *token)
{
  return g_strdup_printf ("%s/beta/" DEVICES "?$skiptoken=%s", h->graph_url, token);
}

static GBytes *
gzip (const void *data,
      gsize       len)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autoptr(GError) error = NULL;

  g_assert_true (g_output_stream_write_all (out, data, len, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (out, NULL, &error));
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* A 200 whose gzip body decodes to @plain; Content-Length is the compressed size, as on the
 * wire. */
static void
add_gzip (Hostile    *h,
          const void *plain,
          gsize       plain_len)
{
  g_autoptr(GBytes) body = gzip (plain, plain_len);
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                           "Content-Encoding: gzip\r\nContent-Length: %" G_GSIZE_FORMAT
                                           "\r\nConnection: close\r\n\r\n", g_bytes_get_size (body));
  GByteArray *answer = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;

  g_byte_array_append (answer, (const guint8 *) head, strlen (head));
  g_byte_array_append (answer, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  bytes = g_byte_array_free_to_bytes (answer);
  add_raw (h, DEVICES "/" DEVICE_ID, 0, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), 0);
}

/* Terminal-safe: no ESC, BEL, BS, DEL, C1 or bidi control, no invalid UTF-8, whatever came in. */
static void
assert_inert (const char *text)
{
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' || c == '\t' || (c == '\r' && p[1] == '\n'))
        continue;
      if (c == '\r' && p[1] == '\033' && p[2] == '[' && p[3] == 'K')
        {
          p += 3;   /* the CLI's own progress line clearing */
          continue;
        }
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x061c || c == 0x200e
          || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
        g_error ("raw control character U+%04X in output: %s", c, text);
    }
}

/* build-aux/valgrind.sh runs the CLI under valgrind too (it preloads its own library into
 * every process it traces). */
static gboolean
under_valgrind (void)
{
  const char *preload = g_getenv ("LD_PRELOAD");

  return preload != NULL && strstr (preload, "vgpreload") != NULL;
}

static guint
count_lines_with (const char *text,
                  const char *needle)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL)
      n++;
  return n;
}

/* --- setups -------------------------------------------------------------------------------- */

static void
setup_evil_name (Hostile *h)
{
  g_assert_true (lk_sandbox_set_device_string (h->sandbox, DEVICE_ID, "deviceName", EVIL_NAME));
  g_assert_true (lk_sandbox_set_device_string (h->sandbox, DEVICE_ID, "model", "Pixel\033[8m hidden"));
}

/* The reset's preview and name prompt; the typed answer does not match, nothing is sent. */
static void
setup_evil_prompt (Hostile *h)
{
  setup_evil_name (h);
  g_string_append (h->input, "not the name\n");
}

static void
setup_evil_passcode (Hostile *h)
{
  g_autofree char *answer = http (200, NULL,
                                  "{\"id\":\"" DEVICE_ID "\",\"deviceActionResults\":[{"
                                  "\"@odata.type\":\"#microsoft.graph.resetPasscodeActionResult\","
                                  "\"actionName\":\"resetPasscode\",\"actionState\":\"done\","
                                  "\"passcode\":\"12\\u001b[2J34\\u202e\"}]}");

  add_raw (h, DEVICES "/" DEVICE_ID, 0, answer, 0, 0);
}

static void
setup_evil_error (Hostile *h)
{
  g_autofree char *answer = http (400, "request-id: r\033[2Jq\r\n",
                                  "{\"error\":{\"code\":\"BadRequest\",\"message\":\"Bad \\u001b]52;c;eA==\\u0007 thing\\nFAKE: line\","
                                  "\"innerError\":{\"request-id\":\"id\\u001b[2J\"}}}");

  add_raw (h, DEVICES "/" DEVICE_ID, 0, answer, 0, 0);
}

static void
setup_evil_history (Hostile *h)
{
  g_autofree char *dir = g_build_filename (h->state_dir, "latchkey", NULL);
  g_autofree char *path = g_build_filename (dir, "history.jsonl", NULL);
  g_autofree char *deep = nested (100000);
  g_autofree char *text = g_strconcat ("{\"time\":\"2026-01-01T00:00:00Z\",\"deviceName\":\"hist\\u001b[2J\\u202eX\","
                                       "\"action\":\"resetPasscode\",\"outcome\":\"done\\u0007\",\"admin\":\"a\\nb\"}\n",
                                       deep, "\n",
                                       "{\"time\":\"2026-01-02T00:00:00Z\",\"deviceName\":\"after\",\"action\":\"resetPasscode\",\"outcome\":\"done\"}\n",
                                       NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
setup_deep_device (Hostile *h)
{
  g_autofree char *body = nested (100000);
  g_autofree char *answer = http (200, NULL, body);

  add_raw (h, DEVICES "/" DEVICE_ID, 0, answer, 0, 0);
}

static void
setup_deep_error (Hostile *h)
{
  g_autofree char *body = nested (100000);
  g_autofree char *answer = http (500, NULL, body);

  add_raw (h, DEVICES "/" DEVICE_ID, 0, answer, 0, 0);
}

static void
setup_deep_page (Hostile *h)
{
  g_autofree char *deep = nested (100000);
  g_autofree char *body = page (deep, NULL);
  g_autofree char *answer = http (200, NULL, body);

  add_raw (h, DEVICES, 0, answer, 0, 0);
}

/* Page 1 links to A, A links to itself. */
static void
setup_self_loop (Hostile *h)
{
  g_autofree char *link = list_link (h, "A");
  g_autofree char *one = device_json ("loop-1", "Loop one");
  g_autofree char *two = device_json ("loop-2", "Loop two");
  g_autofree char *first = page (one, link);
  g_autofree char *again = page (two, link);
  g_autofree char *answer1 = http (200, NULL, first);
  g_autofree char *answer2 = http (200, NULL, again);

  add_raw (h, DEVICES, 0, answer1, 0, 0);
  add_raw (h, DEVICES, 1, answer2, 0, 0);
}

/* A page naming two different links, one before "value" and one after it (not at its end),
 * large enough to be read on a worker: the one before is asked for at a glance, the full
 * reader keeps the last; which Graph meant cannot be told, so the listing stops. */
static void
setup_two_links (Hostile *h)
{
  g_autofree char *link_a = list_link (h, "A");
  g_autofree char *link_b = list_link (h, "B");
  g_autoptr(GString) devices = g_string_new (NULL);
  g_autofree char *two = device_json ("two-2", "Page A");
  g_autofree char *first = NULL;

  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *id = g_strdup_printf ("two-1-%u", i);
      g_autofree char *one = device_json (id, "Two links");

      g_string_append_printf (devices, "%s%s", i > 0 ? "," : "", one);
    }
  first = g_strdup_printf ("{\"@odata.nextLink\":\"%s\",\"value\":[%s],\"@odata.nextLink\":\"%s\",\"x\":1}",
                           link_a, devices->str, link_b);
  g_autofree char *second = page (two, NULL);
  g_autofree char *answer1 = http (200, NULL, first);
  g_autofree char *answer2 = http (200, NULL, second);

  add_raw (h, DEVICES, 0, answer1, 0, 0);
  add_raw (h, DEVICES, 1, answer2, 0, 0);
}

/* Page 1 → A → B → A. */
static void
setup_back_loop (Hostile *h)
{
  g_autofree char *link_a = list_link (h, "A");
  g_autofree char *link_b = list_link (h, "B");
  g_autofree char *one = device_json ("loop-1", "Loop one");
  g_autofree char *two = device_json ("loop-2", "Loop two");
  g_autofree char *three = device_json ("loop-3", "Loop three");
  g_autofree char *p1 = page (one, link_a);
  g_autofree char *pa = page (two, link_b);
  g_autofree char *pb = page (three, link_a);
  g_autofree char *a1 = http (200, NULL, p1);
  g_autofree char *a2 = http (200, NULL, pa);
  g_autofree char *a3 = http (200, NULL, pb);

  add_raw (h, DEVICES, 0, a1, 0, 0);
  add_raw (h, DEVICES, 1, a2, 0, 0);
  add_raw (h, DEVICES, 2, a3, 0, 0);
}

/* The same device on two pages (one search plan: the case that skipped the check). */
static void
setup_duplicate (Hostile *h)
{
  g_autofree char *link = list_link (h, "A");
  g_autofree char *dup = device_json ("dup-1", "Duplicated tablet");
  g_autofree char *other = device_json ("dup-2", "Other tablet");
  g_autofree char *both = g_strconcat (other, ",", dup, NULL);
  g_autofree char *p1 = page (dup, link);
  g_autofree char *p2 = page (both, NULL);
  g_autofree char *a1 = http (200, NULL, p1);
  g_autofree char *a2 = http (200, NULL, p2);

  add_raw (h, DEVICES, 0, a1, 0, 0);
  add_raw (h, DEVICES, 1, a2, 0, 0);
}

/* Graph holds the answer 4 s, then gives it. */
static void
setup_slow (Hostile *h)
{
  LkFault fault = { .kind = LK_FAULT_DELAY, .method = "GET", .path_contains = DEVICES,
                    .delay_ms = 4000 };

  lk_sandbox_add_fault (h->sandbox, &fault);
}

static void
setup_silent (Hostile *h)
{
  LkFault fault = { .kind = LK_FAULT_DELAY, .method = "GET", .path_contains = DEVICES,
                    .delay_ms = 600000, .times = 10 };

  lk_sandbox_add_fault (h->sandbox, &fault);
}

/* A valid answer, one byte every 200 ms: never idle, never done. */
static void
setup_trickle (Hostile *h)
{
  g_autofree char *body = device_json (DEVICE_ID, "Slow device");
  g_autofree char *answer = http (200, NULL, body);

  add_raw (h, DEVICES "/" DEVICE_ID, 0, answer, 0, 200);
}

/* A small answer: gzip makes it longer (77 bytes, 96 on the wire), as Graph's small answers. */
static void
setup_gzip (Hostile *h)
{
  const char *body = "{\"id\":\"" DEVICE_ID "\",\"deviceName\":\"Compressed phone\"}";

  add_gzip (h, body, strlen (body));
}

/* 80 MB of spaces before "{}": about 80 kB on the wire. */
static void
setup_gzip_bomb (Hostile *h)
{
  gsize len = 80 * 1024 * 1024;
  g_autofree char *plain = g_malloc (len);

  memset (plain, ' ', len - 2);
  memcpy (plain + len - 2, "{}", 2);
  add_gzip (h, plain, len);
}

static void
setup_huge_length (Hostile *h)
{
  const char *answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                       "Content-Length: 999999999999\r\nConnection: close\r\n\r\n{\"value\":[";

  add_raw (h, DEVICES, 0, answer, 0, 0);
}

static void
setup_redirect_foreign (Hostile *h)
{
  g_autofree char *answer = http (302, "Location: https://evil.example.com/beta/" DEVICES "/" DEVICE_ID "\r\n", "");

  add_raw (h, DEVICES "/" DEVICE_ID, 0, answer, 0, 0);
}

/* Same origin, another device: still not followed, nothing read from there. */
static void
setup_redirect_same (Hostile *h)
{
  g_autofree char *location = g_strdup_printf ("Location: %s/beta/" DEVICES "/19f39ef7-4727-513c-9c1b-fcff63aeccf3\r\n",
                                               h->graph_url);
  g_autofree char *answer = http (301, location, "");

  add_raw (h, DEVICES "/" DEVICE_ID, 0, answer, 0, 0);
}

static void
setup_foreign_link (Hostile *h)
{
  LkFault fault = { .kind = LK_FAULT_FOREIGN_NEXT_LINK, .method = "GET", .path_contains = DEVICES };

  lk_sandbox_add_fault (h->sandbox, &fault);
}

/* Every link different, every page the demo tenant's devices again, for ever. */
static void
setup_endless_chain (Hostile *h)
{
  LkFault fault = { .kind = LK_FAULT_ENDLESS_NEXT_LINK, .method = "GET", .path_contains = DEVICES,
                    .times = 1000 };

  lk_sandbox_add_fault (h->sandbox, &fault);
}

/* Graph ignoring the search's filters (what it does with a filter it does not support): each
 * plan pages through every one of 10 000 devices, which the client-side re-check drops. */
static void
setup_ignored_filter (Hostile *h)
{
  LkFault fault = { .kind = LK_FAULT_IGNORE_FILTER, .method = "GET", .path_contains = DEVICES,
                    .times = 1000 };

  lk_sandbox_generate_devices (h->sandbox, 10000, 7);
  lk_sandbox_add_fault (h->sandbox, &fault);
}

/* http://127.0.0.1:PORT@evil.example.com/…: the host is evil.example.com. */
static void
setup_userinfo_link (Hostile *h)
{
  g_autofree char *link = g_strdup_printf ("%s@evil.example.com/graph/beta/" DEVICES "?$skiptoken=A",
                                           h->base_url);
  g_autofree char *one = device_json ("u-1", "Userinfo phone");
  g_autofree char *body = page (one, link);
  g_autofree char *answer = http (200, NULL, body);

  add_raw (h, DEVICES, 0, answer, 0, 0);
}

static void
setup_lone_surrogate (Hostile *h)
{
  g_autofree char *one = device_json ("s-1", "Half \\ud800 pair");
  g_autofree char *body = page (one, NULL);
  g_autofree char *answer = http (200, NULL, body);

  add_raw (h, DEVICES, 0, answer, 0, 0);
}

static void
setup_nul_escape (Hostile *h)
{
  g_autofree char *body = device_json (DEVICE_ID, "Nul\\u0000After");
  g_autofree char *answer = http (200, NULL, body);

  add_raw (h, DEVICES "/" DEVICE_ID, 0, answer, 0, 0);
}

static void
setup_token_huge (Hostile *h)
{
  g_string_truncate (h->input, 0);
  for (guint i = 0; i < 1048579; i++)
    g_string_append_c (h->input, 'a' + i % 26);
}

/* 20 000 bytes, no newline at the end: all of it goes (a token is not cut). */
static void
setup_token_long (Hostile *h)
{
  g_string_truncate (h->input, 0);
  for (guint i = 0; i < 20000; i++)
    g_string_append_c (h->input, 'a' + i % 26);
}

/* --- checks -------------------------------------------------------------------------------- */

static void
check_evil_table (Hostile *h, const char *out, const char *err)
{
  g_assert_nonnull (strstr (out, "\\x1b]52;c;cHduZWQ=\\x07\\x1b[2J\\x08\\x7f\\u009b31m\\nFORGED  row\\u202edi4"));
  /* One line per device: the newline did not forge a row. */
  g_assert_cmpuint (count_lines_with (out, "FORGED"), ==, 1);
  g_assert_cmpuint (count_lines_with (out, DEVICE_ID), ==, 1);
}

static void
check_evil_details (Hostile *h, const char *out, const char *err)
{
  g_assert_nonnull (strstr (out, "Evil\\x1b]52"));
  g_assert_nonnull (strstr (out, "Pixel\\x1b[8m hidden"));
}

static void
check_evil_prompt (Hostile *h, const char *out, const char *err)
{
  /* The prompt is for the person at the terminal: on stderr, stdout stays the command's output. */
  g_assert_cmpuint (count_lines_with (err, "Type the device name (Evil\\x1b]52"), ==, 1);
  g_assert_cmpuint (lk_sandbox_count_requests (h->sandbox, "POST", "resetPasscode"), ==, 0);
}

static void
check_evil_json (Hostile *h, const char *out, const char *err)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *devices;

  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  devices = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (devices), ==, 1);
  /* --json keeps the exact string (escaped as JSON, so the terminal is safe too). */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (devices, 0), "deviceName"),
                   ==, EVIL_NAME);
}

static void
check_evil_passcode (Hostile *h, const char *out, const char *err)
{
  g_assert_nonnull (strstr (out, "12\\x1b[2J34\\u202e"));
}

static void
check_evil_error (Hostile *h, const char *out, const char *err)
{
  /* Graph's message is not shown (Latchkey branches on the code), so it forges no line. */
  g_assert_cmpuint (count_lines_with (err, "FAKE: line"), ==, 0);
  g_assert_nonnull (strstr (err, "rejected the request"));
}

static void
check_history (Hostile *h, const char *out, const char *err)
{
  g_assert_nonnull (strstr (out, "hist\\x1b[2J\\u202eX"));
  g_assert_nonnull (strstr (out, "a\\nb"));
  /* The line nested 100 000 deep is skipped, the ones around it are read. */
  g_assert_nonnull (strstr (out, "after"));
}

static void
check_two_devices (Hostile *h, const char *out, const char *err)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *devices;

  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  devices = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (devices), ==, 2);
}

static void
check_gzip (Hostile *h, const char *out, const char *err)
{
  g_assert_nonnull (strstr (out, "Compressed phone"));
}

static void
check_nul (Hostile *h, const char *out, const char *err)
{
  g_assert_nonnull (strstr (out, "Nul"));
}

static void
check_long_token_sent (Hostile *h, const char *out, const char *err)
{
  g_autofree char *authorization = lk_sandbox_get_last_header (h->sandbox, DEVICES, "Authorization");

  g_assert_nonnull (authorization);
  g_assert_cmpuint (strlen (authorization), ==, strlen ("Bearer ") + 20000);
}

/* --- the table ----------------------------------------------------------------------------- */

#define TIMEOUTS_SHORT "1:3"

static const Row rows[] = {
  /* 1. terminal injection: shown visibly, one row per device; --json exact */
  { "terminal/search", setup_evil_name, "search", "Evil", .exit_code = 0,
    .min_requests = 1, .max_requests = 2, .check = check_evil_table },
  { "terminal/search-json", setup_evil_name, "search", "Evil", .json = TRUE, .exit_code = 0,
    .min_requests = 1, .max_requests = 2, .check = check_evil_json },
  { "terminal/show", setup_evil_name, "show", .exit_code = 0,
    .min_requests = 1, .max_requests = 1, .check = check_evil_details },
  /* Before its prompt, reset reads the device and, to refuse a second send, its action results. */
  { "terminal/reset-prompt", setup_evil_prompt, "reset", .exit_code = 8, .message = "Nothing was sent",
    .min_requests = 1, .max_requests = 2, .check = check_evil_prompt },
  { "terminal/status-passcode", setup_evil_passcode, "status", .exit_code = 0,
    .min_requests = 1, .max_requests = 1, .check = check_evil_passcode },
  { "terminal/error-message", setup_evil_error, "show", .exit_code = 1, .message = "Request ID: id\\x1b[2J",
    .min_requests = 1, .max_requests = 1, .check = check_evil_error },
  { "terminal/history", setup_evil_history, "history", .exit_code = 0,
    .min_requests = 0, .max_requests = 0, .check = check_history },
  /* 3. nesting: refused before json-glib recurses, not retried */
  { "json/deep-device", setup_deep_device, "show", .exit_code = 1, .message = "nested deeper than 64",
    .min_requests = 1, .max_requests = 1 },
  { "json/deep-action-results", setup_deep_device, "status", .exit_code = 1, .message = "nested deeper than 64",
    .min_requests = 1, .max_requests = 1 },
  { "json/deep-error", setup_deep_error, "show", .exit_code = 6, .message = "Microsoft Graph had an internal error",
    .min_requests = 1, .max_requests = 1 },
  { "json/deep-page", setup_deep_page, "search", "", .exit_code = 1, .message = "nested too deeply",
    .min_requests = 1, .max_requests = 1 },
  /* 4. nextLink loops end; a device twice is listed once */
  { "paging/self-loop", setup_self_loop, "search", "", .exit_code = 1, .message = "already read",
    .min_requests = 2, .max_requests = 2 },
  { "paging/back-loop", setup_back_loop, "search", "", .exit_code = 1, .message = "already read",
    .min_requests = 3, .max_requests = 3 },
  { "paging/two-links", setup_two_links, "search", "", .exit_code = 1, .message = "could not read",
    .min_requests = 1, .max_requests = 2 },
  /* A chain of distinct links ends after 8 pages in a row bring no new device: the first page
   * and 8 more, and at most 3 more of the 4 latchkey-cli search asks for ahead. */
  { "paging/endless-chain", setup_endless_chain, "search", "", .exit_code = 1,
    .message = "sent 8 pages in a row without a new device", .min_requests = 9, .max_requests = 12 },
  { "paging/endless-chain-jsonl", setup_endless_chain, "search", "", .jsonl = TRUE, .exit_code = 1,
    .message = "sent 8 pages in a row without a new device", .min_requests = 9, .max_requests = 12 },
  /* ... but pages of devices not seen before are no loop, even when none of them matches. */
  { "paging/ignored-filter", setup_ignored_filter, "search", "zzqq-no-such-device", .exit_code = 3,
    .message = "No device matches", .min_requests = 20, .max_requests = 30 },
  { "paging/ignored-filter-jsonl", setup_ignored_filter, "search", "zzqq-no-such-device", .jsonl = TRUE,
    .exit_code = 3, .min_requests = 20, .max_requests = 30 },
  { "paging/duplicate-device", setup_duplicate, "search", "", .json = TRUE, .exit_code = 0,
    .min_requests = 2, .max_requests = 2, .check = check_two_devices },
  /* 5. bounded waits: 1 s idle, 3 s budget (LATCHKEY_GRAPH_TIMEOUTS) */
  { "wait/silent-server", setup_silent, "show", .timeouts = TIMEOUTS_SHORT, .exit_code = 6,
    .message = "did not answer within", .min_requests = 1, .max_requests = 3 },
  { "wait/trickle", setup_trickle, "show", .timeouts = TIMEOUTS_SHORT, .exit_code = 6,
    .message = "did not answer within", .min_requests = 1, .max_requests = 1 },
  { "wait/terminal-progress", setup_slow, "show", .timeouts = "10:30", .terminal = TRUE, .exit_code = 0,
    .message = "Waiting for Microsoft Graph… 2 s (giving up after 30 s)", .min_requests = 1, .max_requests = 1 },
  /* 6. gzip: judged by the bytes on the wire; a bomb is capped */
  { "gzip/small-answer", setup_gzip, "show", .exit_code = 0,
    .min_requests = 1, .max_requests = 1, .check = check_gzip },
  { "gzip/bomb", setup_gzip_bomb, "show", .exit_code = 1, .message = "larger than Latchkey accepts",
    .min_requests = 1, .max_requests = 1 },
  { "size/huge-content-length", setup_huge_length, "search", "", .exit_code = 1, .message = "larger than Latchkey accepts",
    .min_requests = 1, .max_requests = 1 },
  /* 7. --access-token-stdin */
  { "token/over-64-kib", setup_token_huge, "show", .exit_code = 1, .message = "more than 64 KiB",
    .min_requests = 0, .max_requests = 0 },
  { "token/long-read-whole", setup_token_long, "show", .exit_code = 4,
    .min_requests = 1, .max_requests = 1, .check = check_long_token_sent },
  /* 8. redirects: never followed, the host named */
  { "redirect/foreign-host", setup_redirect_foreign, "show", .exit_code = 1, .message = "evil.example.com",
    .min_requests = 1, .max_requests = 1 },
  { "redirect/same-host", setup_redirect_same, "show", .exit_code = 1, .message = "does not follow redirects",
    .min_requests = 1, .max_requests = 1 },
  /* covered before, kept in the table */
  { "link/foreign-next-link", setup_foreign_link, "search", "", .exit_code = 1, .message = "evil.example.com",
    .min_requests = 1, .max_requests = 1 },
  { "link/userinfo-trick", setup_userinfo_link, "search", "", .exit_code = 1, .message = "evil.example.com",
    .min_requests = 1, .max_requests = 1 },
  { "json/lone-surrogate", setup_lone_surrogate, "search", "", .exit_code = 1, .message = "lone surrogate",
    .min_requests = 1, .max_requests = 1 },
  { "json/nul-escape", setup_nul_escape, "show", .exit_code = 0,
    .min_requests = 1, .max_requests = 1, .check = check_nul },
};

/* --- running ------------------------------------------------------------------------------- */

static void
hostile_setup (Hostile *h)
{
  g_autoptr(GError) error = NULL;

  h->sandbox = lk_sandbox_new ();
  lk_sandbox_load_demo_tenant (h->sandbox);
  g_assert_true (lk_sandbox_start (h->sandbox, &error));
  g_assert_no_error (error);
  h->base_url = lk_sandbox_get_base_url (h->sandbox);
  h->graph_url = lk_sandbox_get_graph_url (h->sandbox);
  h->token = lk_sandbox_mint_access_token (h->sandbox, ALL_SCOPES, 3600);
  h->state_dir = g_dir_make_tmp ("latchkey-hostile-XXXXXX", &error);
  g_assert_no_error (error);
  h->input = g_string_new (h->token);
  g_string_append_c (h->input, '\n');
}

static void
hostile_teardown (Hostile *h)
{
  lk_sandbox_stop (h->sandbox);
  g_assert_finalize_object (h->sandbox);
  lk_test_remove_tree (h->state_dir);
  g_free (h->state_dir);
  g_free (h->base_url);
  g_free (h->graph_url);
  g_free (h->token);
  g_string_free (h->input, TRUE);
}

static int
run_cli (Hostile    *h,
         const Row  *row,
         char      **out,
         char      **err)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                      | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  /* From a file, not a pipe: the CLI may rightly stop reading a megabyte it refuses. */
  g_autofree char *input = g_build_filename (h->state_dir, "stdin", NULL);
  g_autofree char *command = NULL;
  g_autoptr(GBytes) stdout_bytes = NULL;
  g_autoptr(GBytes) stderr_bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg = row->arg != NULL ? row->arg : DEVICE_ID;
  const char *argv[] = { cli_path, "--graph-url", h->graph_url, "--access-token-stdin",
                         row->command, arg, NULL, NULL };

  if (g_str_equal (row->command, "history"))
    {
      argv[1] = "history";
      argv[2] = NULL;
    }
  else if (row->json || row->jsonl)
    {
      argv[4] = row->jsonl ? "--jsonl" : "--json";
      argv[5] = row->command;
      argv[6] = arg;
    }
  g_assert_true (g_file_set_contents (input, h->input->str, (gssize) h->input->len, NULL));
  g_subprocess_launcher_set_stdin_file_path (launcher, input);
  if (row->terminal)
    {
      /* script(1) gives the CLI a terminal; -e keeps its exit status. No argument here needs
       * quoting for its shell. */
      command = g_strjoinv (" ", (char **) argv);
      argv[0] = "script";
      argv[1] = "-qefc";
      argv[2] = command;
      argv[3] = "/dev/null";
      argv[4] = NULL;
    }
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", h->state_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  if (row->timeouts != NULL)
    g_subprocess_launcher_setenv (launcher, "LATCHKEY_GRAPH_TIMEOUTS", row->timeouts, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (process, NULL, NULL, &stdout_bytes, &stderr_bytes, &error));
  g_assert_no_error (error);
  /* An empty GBytes may have no data pointer at all. */
  *out = g_strndup (g_bytes_get_size (stdout_bytes) > 0 ? g_bytes_get_data (stdout_bytes, NULL) : "",
                    g_bytes_get_size (stdout_bytes));
  *err = g_strndup (g_bytes_get_size (stderr_bytes) > 0 ? g_bytes_get_data (stderr_bytes, NULL) : "",
                    g_bytes_get_size (stderr_bytes));
  if (g_test_verbose ())
    g_printerr ("stdout: %s\nstderr: %s\n", *out, *err);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static void
test_row (gconstpointer data)
{
  const Row *row = data;
  Hostile h = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *all = NULL;
  gint64 start;
  double seconds;
  guint requests;
  int status;

  /* valgrind would trace script(1) itself, which leaks by design at exit. */
  if (row->terminal && under_valgrind ())
    {
      g_test_skip ("script(1) under valgrind");
      return;
    }
  hostile_setup (&h);
  row->setup (&h);
  lk_sandbox_reset_log (h.sandbox);

  start = g_get_monotonic_time ();
  status = run_cli (&h, row, &out, &err);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  requests = lk_sandbox_count_requests (h.sandbox, NULL, "/graph/");
  g_test_message ("%s: exit %d in %.2f s, %u Graph requests", row->name, status, seconds, requests);

  if (status != row->exit_code)
    g_error ("%s: exit %d, expected %d\nstdout: %s\nstderr: %s", row->name, status, row->exit_code, out, err);
  all = g_strconcat (out, err, NULL);
  if (row->message != NULL && strstr (all, row->message) == NULL)
    g_error ("%s: “%s” not said\nstdout: %s\nstderr: %s", row->name, row->message, out, err);
  g_assert_cmpuint (requests, >=, row->min_requests);
  g_assert_cmpuint (requests, <=, row->max_requests);
  assert_inert (out);
  assert_inert (err);
  if (row->check != NULL)
    row->check (&h, out, err);
  hostile_teardown (&h);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, >=, 2);
  cli_path = argv[1];

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *path = g_strdup_printf ("/hostile/%s", rows[i].name);

      g_test_add_data_func (path, &rows[i], test_row);
    }
  return g_test_run ();
}
