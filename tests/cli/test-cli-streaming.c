/* test-cli-streaming.c: latchkey-cli's search output, written device by device, is byte for byte
 * the document the json-glib tree and the cell-by-cell table made before (issue 18). The old
 * way is kept here as the reference, fed the same devices through the same client.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "../lk-test-common.h"

#include "lk-capability.h"
#include "lk-cli-chunks.h"
#include "lk-cli-output.h"
#include "lk-device-query.h"
#include "lk-graph-client.h"
#include "lk-sandbox.h"
#include "lk-text.h"
#include "lk-token-provider.h"

static const char *cli_path;

typedef struct
{
  LkSandbox *sandbox;
  char      *graph_url;
  char      *token;
} Tenant;

typedef enum
{
  TENANT_DEMO,
  TENANT_LEAN,                /* generated: the members Latchkey reads */
  TENANT_FULL_IGNORE_SELECT,  /* the same devices, every documented member, $select ignored */
} TenantKind;

static void
tenant_start_n (Tenant     *tenant,
                TenantKind  kind,
                guint       n_generated)
{
  g_autoptr(GError) error = NULL;

  tenant->sandbox = lk_sandbox_new ();
  if (kind == TENANT_DEMO)
    lk_sandbox_load_demo_tenant (tenant->sandbox);
  else if (kind == TENANT_LEAN)
    lk_sandbox_generate_devices (tenant->sandbox, n_generated, 18);
  else
    {
      lk_sandbox_generate_full_devices (tenant->sandbox, n_generated, 18);
      lk_sandbox_set_ignore_select (tenant->sandbox, TRUE);
    }
  g_assert_true (lk_sandbox_start (tenant->sandbox, &error));
  tenant->graph_url = lk_sandbox_get_graph_url (tenant->sandbox);
  tenant->token = lk_sandbox_mint_access_token (tenant->sandbox, "DeviceManagementManagedDevices.Read.All", 3600);
}

static void
tenant_start (Tenant     *tenant,
              TenantKind  kind)
{
  tenant_start_n (tenant, kind, 2500);
}

static void
tenant_stop (Tenant *tenant)
{
  lk_sandbox_stop (tenant->sandbox);
  g_assert_finalize_object (tenant->sandbox);
  g_free (tenant->graph_url);
  g_free (tenant->token);
}

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
arrival_cb (GPtrArray *devices,
            guint      total,
            gint64     expected,
            gpointer   user_data)
{
  g_ptr_array_extend (user_data, devices, (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
}

/* The ranked devices as the CLI's client sees them; @arrived: in the order they came. With
 * @stream_only, the client keeps none (what --jsonl asks of it). */
static GPtrArray *
list_devices_full (Tenant     *tenant,
                   const char *text,
                   GPtrArray  *arrived,
                   gboolean    stream_only)
{
  g_autoptr(LkStaticToken) tokens = lk_static_token_new (tenant->token);
  g_autoptr(LkGraphClient) client = lk_graph_client_new (tenant->graph_url, "beta", LK_TOKEN_PROVIDER (tokens));
  g_autoptr(LkDeviceQuery) query = lk_device_query_new (text);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *devices;

  lk_graph_client_set_stream_only (client, stream_only);
  lk_graph_client_list_devices_async (client, query, arrived != NULL ? arrival_cb : NULL, arrived,
                                      NULL, NULL, store_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  devices = lk_graph_client_list_devices_finish (client, result, &error);
  g_assert_no_error (error);
  return devices;
}

static GPtrArray *
list_devices (Tenant     *tenant,
              const char *text,
              GPtrArray  *arrived)
{
  return list_devices_full (tenant, text, arrived, FALSE);
}

/* A stream-only listing hands over every device once, in Graph's order, and holds none after. */
static void
assert_stream_only (Tenant     *tenant,
                    const char *text,
                    GPtrArray  *arrived)
{
  g_autoptr(GPtrArray) streamed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) kept = list_devices_full (tenant, text, streamed, TRUE);

  g_assert_cmpuint (kept->len, ==, 0);
  g_assert_cmpuint (streamed->len, ==, arrived->len);
  for (guint i = 0; i < streamed->len; i++)
    {
      g_assert_cmpstr (lk_device_get_id (g_ptr_array_index (streamed, i)), ==,
                       lk_device_get_id (g_ptr_array_index (arrived, i)));
      /* Only the test's reference holds it now. */
      g_assert_cmpuint (G_OBJECT (g_ptr_array_index (streamed, i))->ref_count, ==, 1);
    }
}

/* --- the reference: what lk-cli-output.c did before it streamed ------------------------------ */

static JsonNode *
reference_capability (LkCapability *capability)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *const *caveats = lk_capability_get_caveats (capability);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "support");
  json_builder_add_string_value (builder, lk_cli_support_id (lk_capability_get_support (capability)));
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, lk_action_kind_to_string (lk_capability_get_action_kind (capability)));
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, lk_capability_get_label (capability));
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, lk_capability_get_reason (capability));
  json_builder_set_member_name (builder, "caveats");
  json_builder_begin_array (builder);
  for (guint i = 0; caveats != NULL && caveats[i] != NULL; i++)
    json_builder_add_string_value (builder, caveats[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "rule");
  json_builder_add_string_value (builder, lk_capability_get_rule_id (capability));
  json_builder_set_member_name (builder, "documentation");
  json_builder_add_string_value (builder, lk_capability_get_doc_url (capability));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
reference_device (LkDevice *device)
{
  g_autoptr(LkCapability) capability = lk_capability_new_for_device (device);
  JsonObject *object = lk_device_to_json (device);
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_member (object, "capability", reference_capability (capability));
  json_node_take_object (node, object);
  return node;
}

static char *
reference_text (JsonNode *root,
                gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  g_autofree char *safe = NULL;

  json_generator_set_pretty (generator, pretty);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  safe = lk_text_json_inert (text);
  return g_strconcat (safe, "\n", NULL);
}

static char *
reference_json (GPtrArray *devices)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_sized_new (devices->len);

  for (guint i = 0; i < devices->len; i++)
    json_array_add_element (array, reference_device (g_ptr_array_index (devices, i)));
  json_node_take_array (root, array);
  return reference_text (root, TRUE);
}

static char *
reference_jsonl (GPtrArray *devices)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < devices->len; i++)
    {
      g_autoptr(JsonNode) node = reference_device (g_ptr_array_index (devices, i));
      g_autofree char *line = reference_text (node, FALSE);

      g_string_append (out, line);
    }
  return g_string_free (out, FALSE);
}

static char *
inert_or_dash (const char *text)
{
  return lk_text_inert (text != NULL && *text != '\0' ? text : "—");
}

static char **
reference_row (LkDevice *device)
{
  g_autoptr(LkCapability) capability = lk_capability_new_for_device (device);
  const char *os = lk_device_get_operating_system (device);
  const char *version = lk_device_get_os_version (device);
  const char *upn = lk_device_get_user_principal_name (device);
  g_autofree char *platform = g_strjoin (" ", os != NULL && *os != '\0' ? os : "—",
                                         version != NULL ? version : "", NULL);
  char **row = g_new0 (char *, 6);

  row[0] = inert_or_dash (lk_device_get_device_name (device));
  row[1] = inert_or_dash (upn != NULL ? upn : lk_device_get_user_display_name (device));
  row[2] = lk_text_inert (platform);
  row[3] = g_strdup (lk_capability_get_label (capability));
  row[4] = inert_or_dash (lk_device_get_id (device));
  return row;
}

/* Every row's cells first, then each cell followed by its padding, as print_cell() did. */
static char *
reference_table (GPtrArray *devices)
{
  const char *headers[] = { "NAME", "USER", "PLATFORM", "PASSCODE ACTION", "ID", NULL };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  GString *out = g_string_new (NULL);
  glong widths[5] = { 0 };

  if (devices->len == 0)
    return g_string_free (out, FALSE);
  g_ptr_array_add (rows, g_strdupv ((char **) headers));
  for (guint i = 0; i < devices->len; i++)
    g_ptr_array_add (rows, reference_row (g_ptr_array_index (devices, i)));
  for (guint r = 0; r < rows->len; r++)
    for (guint c = 0; c < 5; c++)
      widths[c] = MAX (widths[c], g_utf8_strlen (((char **) g_ptr_array_index (rows, r))[c], -1));
  for (guint r = 0; r < rows->len; r++)
    {
      char **row = g_ptr_array_index (rows, r);

      for (guint c = 0; c < 5; c++)
        {
          g_string_append (out, row[c]);
          for (glong i = g_utf8_strlen (row[c], -1); c + 1 < 5 && i < widths[c] + 2; i++)
            g_string_append_c (out, ' ');
        }
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* --- the CLI as run -------------------------------------------------------------------------- */

/* The CLI's stdout; its exit status into *@status, its stderr into *@err. */
static char *
run_cli_full (Tenant      *tenant,
              const char  *mode,
              const char  *command,
              const char  *arg,
              int         *status,
              char       **err)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input = g_strconcat (tenant->token, "\n", NULL);
  g_autoptr(GBytes) in = g_bytes_new (input, strlen (input));
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err_bytes = NULL;
  const char *argv[] = { cli_path, "--graph-url", tenant->graph_url, "--access-token-stdin",
                         mode != NULL ? mode : command, mode != NULL ? command : arg,
                         mode != NULL ? arg : NULL, NULL };

  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (process, in, NULL, &out, &err_bytes, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  *status = g_subprocess_get_exit_status (process);
  *err = g_strndup (g_bytes_get_data (err_bytes, NULL), g_bytes_get_size (err_bytes));
  return g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
}

static char *
run_cli (Tenant     *tenant,
         const char *mode,
         const char *command,
         const char *arg)
{
  int status;
  g_autofree char *err = NULL;
  char *out = run_cli_full (tenant, mode, command, arg, &status, &err);

  g_assert_cmpint (status, ==, 0);
  return out;
}

static void
assert_same_search (Tenant     *tenant,
                    const char *text)
{
  g_autoptr(GPtrArray) arrived = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) devices = list_devices (tenant, text, arrived);
  g_autofree char *json = run_cli (tenant, "--json", "search", text);
  g_autofree char *jsonl = run_cli (tenant, "--jsonl", "search", text);
  g_autofree char *table = run_cli (tenant, NULL, "search", text);
  g_autofree char *want_json = reference_json (devices);
  g_autofree char *want_jsonl = reference_jsonl (arrived);
  g_autofree char *want_table = reference_table (devices);

  g_assert_cmpuint (devices->len, >, 0);
  g_assert_cmpuint (arrived->len, ==, devices->len);
  assert_stream_only (tenant, text, arrived);
  g_assert_cmpstr (json, ==, want_json);
  g_assert_cmpstr (table, ==, want_table);
  g_assert_cmpstr (jsonl, ==, want_jsonl);
  /* Nothing a terminal would obey, in any mode. */
  g_assert_null (strstr (json, "\x1b"));
  g_assert_null (strstr (jsonl, "\xe2\x80\xae"));
  g_assert_null (strstr (table, "\x1b"));
}

/* `show` reads the single-device GET, which has hardwareInformation too. */
static void
assert_same_show (Tenant     *tenant,
                  const char *id)
{
  g_autoptr(LkStaticToken) tokens = lk_static_token_new (tenant->token);
  g_autoptr(LkGraphClient) client = lk_graph_client_new (tenant->graph_url, "beta", LK_TOKEN_PROVIDER (tokens));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) device = NULL;
  g_autofree char *json = run_cli (tenant, "--json", "show", id);
  g_autoptr(JsonNode) node = NULL;

  lk_graph_client_get_device_async (client, id, NULL, store_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  device = lk_graph_client_get_device_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lk_device_get_is_shared_device (device), >=, 0);
  node = reference_device (device);
  g_autofree char *want = reference_text (node, TRUE);

  g_assert_cmpstr (json, ==, want);
}

static void
test_demo_tenant (void)
{
  Tenant tenant = { 0 };

  tenant_start (&tenant, TENANT_DEMO);
  assert_same_search (&tenant, "");
  assert_same_search (&tenant, "ana");
  tenant_stop (&tenant);
}

/* Text a device's user typed, hostile to terminals and to a hand-written escaper alike. */
static const char *const hostile[] = {
  "Città \"quoted\" back\\slash /slash",
  "esc\x1b[2J bell\x07 us\x1f del\x7f tab\t nl\n cr\r bs\b ff\f",
  "c1\xc2\x85\xc2\x9b bidi\xe2\x80\xae rtl\xe2\x81\xa6 ls\xe2\x80\xa8 ps\xe2\x80\xa9 ok",
  "emoji \xf0\x9f\x94\x91 and \xe2\x80\x94 dash",
};

static void
test_generated_tenant (void)
{
  Tenant tenant = { 0 };
  g_autoptr(GPtrArray) devices = NULL;
  const char *members[] = { "deviceName", "userDisplayName", "model", "serialNumber", "osVersion" };

  tenant_start (&tenant, TENANT_LEAN);
  devices = list_devices (&tenant, "", NULL);
  g_assert_cmpuint (devices->len, ==, 2500);
  for (guint i = 0; i < 40; i++)
    g_assert_true (lk_sandbox_set_device_string (tenant.sandbox,
                                                 lk_device_get_id (g_ptr_array_index (devices, i * 53)),
                                                 members[i % G_N_ELEMENTS (members)],
                                                 hostile[i % G_N_ELEMENTS (hostile)]));
  g_clear_pointer (&devices, g_ptr_array_unref);

  /* 2500 devices: three pages, and more than one of the CLI's output chunks. */
  assert_same_search (&tenant, "");
  {
    g_autofree char *json = run_cli (&tenant, "--json", "search", "");
    g_autofree char *table = run_cli (&tenant, NULL, "search", "");

    g_assert_nonnull (strstr (json, "\\u202e"));
    g_assert_nonnull (strstr (json, "us\\u001f del\\u007f"));
    g_assert_nonnull (strstr (table, "esc\\x1b[2J"));
    g_assert_cmpuint (strlen (json), >, 3 * 64 * 1024);
  }
  devices = list_devices (&tenant, "", NULL);
  assert_same_show (&tenant, lk_device_get_id (g_ptr_array_index (devices, 0)));
  assert_same_show (&tenant, lk_device_get_id (g_ptr_array_index (devices, 53)));
  tenant_stop (&tenant);
}

/* --json and the table are formatted in chunks of LK_CLI_CHUNK_ITEMS devices on several
 * threads: an odd number of devices in several chunks, the last holding one, is still the one
 * document, and so is a search matching some of them. */
static void
test_chunked (void)
{
  Tenant tenant = { 0 };
  guint n = 3 * LK_CLI_CHUNK_ITEMS + 1;
  g_autoptr(GPtrArray) devices = NULL;

  tenant_start_n (&tenant, TENANT_LEAN, n);
  devices = list_devices (&tenant, "", NULL);
  g_assert_cmpuint (devices->len, ==, n);
  g_assert_cmpuint (lk_cli_chunk_count (n), ==, 4);
  assert_same_search (&tenant, "");
  assert_same_search (&tenant, "a");
  tenant_stop (&tenant);
}

/* Issue 18's benchmark sent every member of every device (~4 kB each) whatever the $select:
 * the CLI reads only what it needs, so its documents are the lean tenant's, byte for byte. */
static void
test_full_tenant (void)
{
  Tenant lean = { 0 }, full = { 0 };
  g_autofree char *lean_json = NULL, *full_json = NULL;
  g_autofree char *lean_table = NULL, *full_table = NULL;
  g_autofree char *lean_show = NULL, *full_show = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  const char *id;

  /* Made in the same second, so their dates (seconds from now) are the same. Two pages and a
   * half: the lean tenant's documents are checked against the reference above. */
  for (;;)
    {
      gint64 before = g_get_real_time () / G_USEC_PER_SEC;

      tenant_start_n (&lean, TENANT_LEAN, 1500);
      tenant_start_n (&full, TENANT_FULL_IGNORE_SELECT, 1500);
      if (g_get_real_time () / G_USEC_PER_SEC == before)
        break;
      tenant_stop (&lean);
      tenant_stop (&full);
    }
  lean_json = run_cli (&lean, "--json", "search", "");
  full_json = run_cli (&full, "--json", "search", "");
  g_assert_cmpuint (strlen (lean_json), >, 3 * 64 * 1024);
  g_assert_nonnull (strstr (lean_json, "\"id\""));
  g_assert_cmpstr (full_json, ==, lean_json);
  lean_table = run_cli (&lean, NULL, "search", "");
  full_table = run_cli (&full, NULL, "search", "");
  g_assert_cmpstr (full_table, ==, lean_table);

  devices = list_devices (&full, "", NULL);
  id = lk_device_get_id (g_ptr_array_index (devices, 7));
  lean_show = run_cli (&lean, "--json", "show", id);
  full_show = run_cli (&full, "--json", "show", id);
  g_assert_cmpstr (full_show, ==, lean_show);
  tenant_stop (&lean);
  tenant_stop (&full);
}

/* --- --jsonl's stream: pages formatted on workers, written in the order they came ----------- */

#define STREAM_PAGES 12

typedef struct
{
  gint  formatted[STREAM_PAGES];   /* set once a page's text is made */
  gint  freed;                     /* pages written and let go */
  gint  pushed;
  gint  most_held;                 /* pushed and not let go, at the most */
  gint  first_waited;              /* page 0 saw page 1 made before its own */
} StreamLog;

static StreamLog stream_log;

/* Page 0 is made last of the first two: it waits until page 1's text is made, so a stream
 * writing pages as they are made, not in their order, shows it. */
static void
format_stream_page (guint    chunk,
                    guint    start,
                    guint    end,
                    GString *out,
                    gpointer user_data)
{
  guint page = GPOINTER_TO_UINT (user_data) - 1;

  if (page == 0)
    {
      gint64 deadline = lk_test_deadline ();

      while (!g_atomic_int_get (&stream_log.formatted[1]) && g_get_monotonic_time () < deadline)
        g_usleep (1000);
      g_atomic_int_set (&stream_log.first_waited, g_atomic_int_get (&stream_log.formatted[1]));
    }
  for (guint i = start; i < end; i++)
    g_string_append_printf (out, "{\"page\":%u,\"item\":%u}\n", page, i);
  g_atomic_int_set (&stream_log.formatted[page], TRUE);
}

static void
stream_page_free (gpointer items)
{
  g_atomic_int_inc (&stream_log.freed);
}

static void
test_stream_order (void)
{
  g_autofree char *path = NULL;
  g_autofree char *written = NULL;
  g_autoptr(GString) want = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  int fd = g_file_open_tmp ("lk-stream-XXXXXX", &path, &error);
  int saved;
  LkCliStream *stream;

  g_assert_no_error (error);
  memset (&stream_log, 0, sizeof stream_log);
  fflush (stdout);
  saved = dup (STDOUT_FILENO);
  g_assert_cmpint (dup2 (fd, STDOUT_FILENO), ==, STDOUT_FILENO);

  stream = lk_cli_stream_new (format_stream_page);
  for (guint page = 0; page < STREAM_PAGES; page++)
    {
      gint held;

      lk_cli_stream_push (stream, 3 + page, GUINT_TO_POINTER (page + 1), stream_page_free);
      held = ++stream_log.pushed - g_atomic_int_get (&stream_log.freed);
      stream_log.most_held = MAX (stream_log.most_held, held);
    }
  lk_cli_stream_finish (stream);

  fflush (stdout);
  g_assert_cmpint (dup2 (saved, STDOUT_FILENO), ==, STDOUT_FILENO);
  close (saved);
  close (fd);
  g_assert_true (g_file_get_contents (path, &written, NULL, &error));
  g_assert_no_error (error);
  g_unlink (path);

  for (guint page = 0; page < STREAM_PAGES; page++)
    for (guint i = 0; i < 3 + page; i++)
      g_string_append_printf (want, "{\"page\":%u,\"item\":%u}\n", page, i);
  g_assert_true (stream_log.first_waited);
  g_assert_cmpstr (written, ==, want->str);
  g_assert_cmpint (stream_log.freed, ==, STREAM_PAGES);
  /* Memory stays at a few pages: the pusher waited while LK_CLI_STREAM_AHEAD were in hand. */
  g_assert_cmpint (stream_log.most_held, <=, LK_CLI_STREAM_AHEAD);
  g_assert_cmpint (stream_log.most_held, >=, 2);
}

/* A listing that fails at its third page: --jsonl has written the pages that came, whole lines
 * in their order, and says what failed, with a failure's exit status. */
static void
test_jsonl_error_mid_listing (void)
{
  Tenant tenant = { 0 };
  g_autoptr(GPtrArray) arrived = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) devices = NULL;
  g_autofree char *written = NULL;
  g_autofree char *err = NULL;
  g_autofree char *want = NULL;
  g_auto(GStrv) lines = NULL;
  int status;
  LkFault forbidden = { .kind = LK_FAULT_FORBIDDEN, .method = "GET", .path_contains = "managedDevices",
                        .skip = 2, .times = 1, .graph_code = "Forbidden" };

  tenant_start (&tenant, TENANT_LEAN);
  devices = list_devices (&tenant, "", arrived);
  g_assert_cmpuint (arrived->len, ==, 2500);
  lk_sandbox_add_fault (tenant.sandbox, &forbidden);
  written = run_cli_full (&tenant, "--jsonl", "search", "", &status, &err);
  g_assert_cmpint (status, !=, 0);
  g_assert_cmpstr (err, !=, "");

  /* The two pages before the failure (1000 devices each), as Graph sent them. */
  g_ptr_array_set_size (arrived, 2000);
  want = reference_jsonl (arrived);
  g_assert_cmpstr (written, ==, want);
  lines = g_strsplit (written, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2001);
  tenant_stop (&tenant);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, ==, 2);
  cli_path = argv[1];

  g_test_add_func ("/cli/streaming/demo-tenant", test_demo_tenant);
  g_test_add_func ("/cli/streaming/generated-tenant", test_generated_tenant);
  g_test_add_func ("/cli/streaming/chunked", test_chunked);
  g_test_add_func ("/cli/streaming/full-tenant", test_full_tenant);
  g_test_add_func ("/cli/streaming/stream-order", test_stream_order);
  g_test_add_func ("/cli/streaming/jsonl-error-mid-listing", test_jsonl_error_mid_listing);
  return g_test_run ();
}
