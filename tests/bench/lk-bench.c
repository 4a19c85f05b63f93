/* lk-bench.c: Latchkey's benchmarks, side by side with Microsoft's Graph SDK, in one run.
 *
 *   lk-bench [--devices N] [--runs R] [--no-peer] [--no-cold-start] [--latchkey PATH] …
 *
 * The driver starts the sandbox with N generated devices in a process of its own
 * (lk-sandbox-serve, next to this program), so whatever is measured carries none of the
 * server's memory or CPU. Every measurement then runs R times, each in a fresh child process
 * (this program again, with --child MODE) so that peak RSS (VmHWM) is per run and nothing is
 * warm from the previous run; the Node peer (tests/bench/peer) lists the same devices from the
 * same server in the same rounds. Medians, min–max, IQR and the ratios are printed at the end.
 *
 * Besides the listing it times what an admin runs: latchkey-cli search "" with --json, the table
 * and --jsonl (LK_BENCH_CLI overrides the binary), its output copied into a file; the peer
 * listing and then writing the same JSON; and curl fetching the same pages as the floor.
 *
 * The sandbox's token reaches the children and the peer in the environment (LK_BENCH_TOKEN),
 * never on a command line other users of the machine could read in /proc.
 */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "lk-capability.h"
#include "lk-page-reader.h"
#include "lk-device-list.h"
#include "lk-graph-client.h"
#include "lk-memory.h"
#include "lk-sandbox.h"
#include "lk-bench-cli.h"

#include "lk-bench-private.h"
#include "lk-bench-proc.h"

#define CHILD_TIMEOUT_S 600

/* --- what a child measures ------------------------------------------------------------------ */

typedef struct
{
  GAsyncResult *result;
  gint64        start;
  guint         pages;
  guint         matched;
  gint64        first_page_us;    /* the first page with at least one device */
  LkDeviceList *store;
  /* the stall probe */
  gint64        last_tick;
  gint64        last_tick_cpu;
  gint64        max_stall;
  gint64        max_stall_cpu;    /* main-thread CPU time inside the longest gap */
  gint64        max_stall_at;     /* when it ended, from the start */
  guint         ticks;
} Run;


static void
page_cb (GPtrArray *devices,
         guint      total,
         gint64     expected,
         gpointer   user_data)
{
  Run *run = user_data;

  run->pages++;
  /* LK_BENCH_TRACE=1: when each page reached the caller, for looking into a slow listing. */
  if (g_getenv ("LK_BENCH_TRACE") != NULL)
    g_printerr ("page %u: %u devices at %.4f s (main-thread CPU %.4f s)\n", run->pages, devices->len,
                (g_get_monotonic_time () - run->start) / 1e6, thread_cpu_us () / 1e6);
  if (run->matched == 0 && devices->len > 0)
    run->first_page_us = g_get_monotonic_time ();
  run->matched += devices->len;
  /* As the window does: each page appended to its list model in one step. */
  if (run->store != NULL && devices->len > 0)
    lk_device_list_append (run->store, devices);
}

/* Fires every millisecond; the largest gap between two dispatches is the longest stall. The
 * main thread's CPU time inside that gap tells our own work (busy) from the scheduler giving
 * the core to another thread or process (2 cores, three busy threads while streaming). */
static gboolean
tick_cb (gpointer user_data)
{
  Run *run = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();

  if (run->last_tick > 0 && now - run->last_tick > run->max_stall)
    {
      run->max_stall = now - run->last_tick;
      run->max_stall_cpu = cpu - run->last_tick_cpu;
      run->max_stall_at = now - run->start;
    }
  run->last_tick = now;
  run->last_tick_cpu = cpu;
  run->ticks++;
  return G_SOURCE_CONTINUE;
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  /* The gap up to the answer counts too: the client's last work (the final ranking) runs
   * just before it, and no tick follows once the loop stops. */
  if (run->store != NULL)
    tick_cb (run);
  run->result = g_object_ref (result);
}

static GPtrArray *
list_all (LkGraphClient *client,
          const char    *text,
          Run           *run,
          GError       **error)
{
  g_autoptr(LkDeviceQuery) query = lk_device_query_new (text);
  GPtrArray *devices;

  run->start = g_get_monotonic_time ();
  lk_graph_client_list_devices_async (client, query, page_cb, run, NULL, NULL, done_cb, run);
  while (run->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  devices = lk_graph_client_list_devices_finish (client, run->result, error);
  g_clear_object (&run->result);
  return devices;
}

static int
child_list (LkGraphClient *client,
            const char    *mode,
            const char    *text)
{
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  gboolean stall = g_str_equal (mode, "stall");
  gint64 base_rss = status_kb ("VmRSS:");
  gint64 main_cpu = thread_cpu_us ();
  double cpu = process_cpu_seconds ();
  Run run = { 0 };
  guint tick = 0;
  double seconds;

  if (stall)
    {
      run.store = lk_device_list_new ();
      tick = g_timeout_add_full (G_PRIORITY_HIGH, 1, tick_cb, &run, NULL);
    }
  devices = list_all (client, text, &run, &error);
  if (run.store != NULL && devices != NULL)
    {
      /* As the window does: the ranked list replaces the streamed one; the gap since the last
       * tick (the answer's) counts as a stall. */
      lk_device_list_take_all (run.store, devices);
      tick_cb (&run);
    }
  seconds = (g_get_monotonic_time () - run.start) / 1e6;
  main_cpu = thread_cpu_us () - main_cpu;
  cpu = process_cpu_seconds () - cpu;
  if (tick != 0)
    g_source_remove (tick);
  if (devices == NULL)
    {
      g_printerr ("lk-bench: %s\n", error->message);
      g_clear_object (&run.store);
      return 1;
    }
  printf ("{\"seconds\": %.4f, \"devices\": %u, \"pages\": %u, \"first_page_seconds\": %.4f, "
          "\"cpu_seconds\": %.4f, \"main_cpu_seconds\": %.4f, "
          "\"peak_rss_kb\": %" G_GINT64_FORMAT ", \"base_rss_kb\": %" G_GINT64_FORMAT,
          seconds, devices->len, run.pages,
          run.matched > 0 ? (run.first_page_us - run.start) / 1e6 : -1.0, cpu, main_cpu / 1e6,
          status_kb ("VmHWM:"), base_rss);
  if (stall)
    printf (", \"max_stall_ms\": %.2f, \"max_stall_cpu_ms\": %.2f, \"max_stall_at_seconds\": %.3f, "
            "\"ticks\": %u",
            run.max_stall / 1000.0, run.max_stall_cpu / 1000.0, run.max_stall_at / 1e6, run.ticks);
  printf ("}\n");
  g_clear_object (&run.store);
  return 0;
}

char *
first_page_url (const char *graph_url,
                const char *select,
                guint       top)
{
  return g_strdup_printf ("%s/beta/deviceManagement/managedDevices?$select=%s&$top=%u&$count=true",
                          graph_url, select, top);
}

/* GETs *@url and replaces it with the page's nextLink (NULL after the last), found by a string
 * search (the sandbox writes it after "value", as Graph does); adds the body's size to @bytes. */
gboolean
raw_page (SoupSession  *session,
          const char   *authorization,
          char        **url,
          guint64      *bytes)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", *url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  const char *data, *link, *end;
  gsize len;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_clear_pointer (url, g_free);
  if (body == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      g_printerr ("lk-bench: raw page: %s\n", error != NULL ? error->message : soup_message_get_reason_phrase (msg));
      return FALSE;
    }
  data = g_bytes_get_data (body, &len);
  *bytes += len;
  link = g_strstr_len (data, (gssize) len, "\"@odata.nextLink\":\"");
  if (link != NULL && (end = memchr (link + 19, '"', len - (link + 19 - data))) != NULL)
    *url = g_strndup (link + 19, end - (link + 19));
  return TRUE;
}

/* The floor: the same pages, bytes only, no JSON parsing. */
static int
child_raw (const char *graph_url,
           const char *token)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autofree char *url = first_page_url (graph_url, LK_DEVICE_SELECT_BETA, 1000);
  gint64 base_rss = status_kb ("VmRSS:");
  gint64 start = g_get_monotonic_time ();
  guint64 bytes = 0;
  guint pages = 0;

  while (url != NULL)
    {
      if (!raw_page (session, authorization, &url, &bytes))
        return 1;
      pages++;
    }
  printf ("{\"seconds\": %.4f, \"pages\": %u, \"bytes\": %" G_GUINT64_FORMAT ", "
          "\"peak_rss_kb\": %" G_GINT64_FORMAT ", \"base_rss_kb\": %" G_GINT64_FORMAT "}\n",
          (g_get_monotonic_time () - start) / 1e6, pages, bytes, status_kb ("VmHWM:"), base_rss);
  return 0;
}

/* --- breakdown: the client's CPU per stage (README "Performance") ------------------------- */

static const char *
find_next_link (const char *data,
                gsize       len,
                gsize      *link_len)
{
  const char *link = g_strstr_len (data, (gssize) len, "\"@odata.nextLink\":\"");
  const char *end;

  if (link == NULL || (end = memchr (link + 19, '"', len - (link + 19 - data))) == NULL)
    return NULL;
  *link_len = end - (link + 19);
  return link + 19;
}

/* Every page fetched first, then parsed with the client's page reader and ranked as the client
 * does: the CPU cost (thread CPU time, so a busy machine does not inflate it) of the parsing
 * alone, without the network. */
static int
child_parse_only (const char *graph_url,
                  const char *token)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autofree char *url = first_page_url (graph_url, LK_DEVICE_SELECT_BETA, 1000);
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) rankings = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_device_ranking_free);
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("");
  gint64 start, parse_us = 0, sort_us = 0;

  while (url != NULL)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      GBytes *body;
      const char *link;
      gsize len, link_len;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
      body = soup_session_send_and_read (session, msg, NULL, NULL);
      g_clear_pointer (&url, g_free);
      if (body == NULL)
        return 1;
      g_ptr_array_add (bodies, body);
      link = find_next_link (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &len);
      if (link != NULL)
        url = g_strndup (link, len);
      (void) link_len;
    }
  for (guint i = 0; i < bodies->len; i++)
    {
      LkPageContents page = { 0 };
      gsize len;
      const char *data = g_bytes_get_data (g_ptr_array_index (bodies, i), &len);
      g_autoptr(GError) error = NULL;

      start = thread_cpu_us ();
      if (!lk_page_reader_parse (data, len, &page, &error))
        {
          g_printerr ("lk-bench: %s\n", error->message);
          return 1;
        }
      parse_us += thread_cpu_us () - start;
      start = thread_cpu_us ();
      g_ptr_array_add (rankings, lk_device_query_rank (query, page.devices));
      sort_us += thread_cpu_us () - start;
      for (guint j = 0; j < page.devices->len; j++)
        g_ptr_array_add (all, g_object_ref (g_ptr_array_index (page.devices, j)));
      lk_page_contents_clear (&page);
    }
  /* As the client does: a merge of the pages' rankings. */
  start = thread_cpu_us ();
  lk_device_query_merge (query, rankings, all);
  printf ("{\"parse_cpu_seconds\": %.4f, \"page_sort_cpu_seconds\": %.4f, \"final_sort_cpu_seconds\": %.4f, "
          "\"devices\": %u, \"peak_rss_kb\": %" G_GINT64_FORMAT "}\n",
          parse_us / 1e6, sort_us / 1e6, (thread_cpu_us () - start) / 1e6, all->len,
          status_kb ("VmHWM:"));
  return 0;
}

static int
child_classify (LkGraphClient *client)
{
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };
  guint counts[8] = { 0 };
  guint rounds = 5;
  gint64 start;
  double seconds;

  devices = list_all (client, "", &run, &error);
  if (devices == NULL)
    {
      g_printerr ("lk-bench: %s\n", error->message);
      return 1;
    }
  start = g_get_monotonic_time ();
  for (guint r = 0; r < rounds; r++)
    for (guint i = 0; i < devices->len; i++)
      {
        g_autoptr(LkCapability) capability = lk_capability_new_for_device (g_ptr_array_index (devices, i));

        /* Used, so the classification cannot be optimised away. */
        counts[lk_capability_get_support (capability) & 7]++;
      }
  seconds = (g_get_monotonic_time () - start) / 1e6;
  printf ("{\"devices_per_second\": %.0f, \"devices\": %u, \"supported_kind_0\": %u}\n",
          rounds * devices->len / seconds, devices->len, counts[0]);
  return 0;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : "";
}

/* Real values to search for: a device from the middle of the first page. */
static int
child_pick (const char *graph_url,
            const char *token)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autofree char *url = first_page_url (graph_url, "deviceName,userPrincipalName,serialNumber", 1000);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonArray *value;
  JsonObject *device;
  g_autoptr(JsonBuilder) out = json_builder_new ();
  g_autoptr(JsonNode) out_root = NULL;
  g_autofree char *text = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  if (body == NULL
      || !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error))
    {
      g_printerr ("lk-bench: pick: %s\n", error->message);
      return 1;
    }
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root)
      || json_object_get_array_member (json_node_get_object (root), "value") == NULL)
    return 1;
  value = json_object_get_array_member (json_node_get_object (root), "value");
  if (json_array_get_length (value) == 0)
    return 1;
  device = json_array_get_object_element (value, json_array_get_length (value) * 3 / 4);
  json_builder_begin_object (out);
  json_builder_set_member_name (out, "name");
  json_builder_add_string_value (out, member_string (device, "deviceName"));
  json_builder_set_member_name (out, "upn");
  json_builder_add_string_value (out, member_string (device, "userPrincipalName"));
  json_builder_set_member_name (out, "serial");
  json_builder_add_string_value (out, member_string (device, "serialNumber"));
  json_builder_end_object (out);
  out_root = json_builder_get_root (out);
  text = json_to_string (out_root, FALSE);
  printf ("%s\n", text);
  return 0;
}

static int
child_main (const char *mode,
            const char *graph_url,
            const char *text)
{
  const char *token = g_getenv (TOKEN_ENV);
  g_autoptr(LkStaticToken) tokens = NULL;
  g_autoptr(LkGraphClient) client = NULL;

  /* As latchkey and latchkey-cli do in main(). */
  lk_memory_init ();
  if (g_str_has_prefix (mode, "cold-") && graph_url != NULL)
    return lk_bench_window_child_cold (mode, graph_url);
  if (token == NULL || graph_url == NULL)
    {
      g_printerr ("lk-bench: --child needs --url and %s\n", TOKEN_ENV);
      return 2;
    }
  if (g_str_equal (mode, "raw"))
    return child_raw (graph_url, token);
  if (g_str_equal (mode, "pick"))
    return child_pick (graph_url, token);
  if (g_str_equal (mode, "cli") && text != NULL)
    return lk_bench_child_cli (graph_url, token, text);
  if (g_str_equal (mode, "curl"))
    return lk_bench_child_curl (graph_url, token);
  if (g_str_equal (mode, "parse-only"))
    return child_parse_only (graph_url, token);

  tokens = lk_static_token_new (token);
  client = lk_graph_client_new (graph_url, "beta", LK_TOKEN_PROVIDER (tokens));
  /* The benchmark must not be slowed by the client's own Intune rate limiter (100 pages). */
  lk_graph_client_set_rate_limit (client, 100000, 100000, 20000);
  if (g_str_equal (mode, "list") || g_str_equal (mode, "stall"))
    return child_list (client, mode, "");
  if (g_str_equal (mode, "search") && text != NULL)
    return child_list (client, mode, text);
  if (g_str_equal (mode, "classify"))
    return child_classify (client);
  g_printerr ("lk-bench: unknown child mode %s\n", mode);
  return 2;
}

/* --- the driver ----------------------------------------------------------------------------- */

void
record (Bench      *bench,
        const char *series,
        const char *key,
        double      value)
{
  g_autofree char *name = g_strdup_printf ("%s/%s", series, key);
  GArray *values = g_hash_table_lookup (bench->samples, name);

  if (values == NULL)
    {
      values = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_insert (bench->samples, g_steal_pointer (&name), values);
    }
  g_array_append_val (values, value);
}

typedef struct
{
  GMainLoop *loop;
  char      *out;
  GError    *error;
  gboolean   timed_out;
} Wait;

static void
communicate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Wait *wait = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &wait->out, NULL, &wait->error);
  g_main_loop_quit (wait->loop);
}

static gboolean
child_timeout_cb (gpointer user_data)
{
  GSubprocess *process = user_data;

  g_object_set_data (G_OBJECT (process), "lk-timed-out", GINT_TO_POINTER (1));
  g_subprocess_force_exit (process);
  return G_SOURCE_REMOVE;
}

/* Runs @argv (in @cwd, with the token in the environment) and returns its last stdout line
 * parsed as a JSON object, or NULL with a message on stderr. Bounded by CHILD_TIMEOUT_S. */
JsonObject *
run_json (Bench              *bench,
          const char         *cwd,
          const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  Wait wait = { loop, NULL, NULL, FALSE };
  const char *last = NULL;
  guint timeout;

  g_subprocess_launcher_setenv (launcher, TOKEN_ENV, bench->token, TRUE);
  if (cwd != NULL)
    g_subprocess_launcher_set_cwd (launcher, cwd);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (process == NULL)
    {
      g_printerr ("lk-bench: %s: %s\n", argv[0], error->message);
      return NULL;
    }
  timeout = g_timeout_add_seconds (CHILD_TIMEOUT_S, child_timeout_cb, process);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicate_cb, &wait);
  g_main_loop_run (loop);
  g_subprocess_wait (process, NULL, NULL);
  if (g_object_get_data (G_OBJECT (process), "lk-timed-out") == NULL)
    g_source_remove (timeout);
  out = g_steal_pointer (&wait.out);
  if (wait.error != NULL || !g_subprocess_get_successful (process))
    {
      g_printerr ("lk-bench: %s %s failed%s%s\n", argv[0], argv[1] != NULL ? argv[1] : "",
                  wait.error != NULL ? ": " : "", wait.error != NULL ? wait.error->message : "");
      g_clear_error (&wait.error);
      return NULL;
    }
  lines = g_strsplit (out != NULL ? out : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] == '{')
      last = lines[i];
  if (last == NULL || !json_parser_load_from_data (parser, last, -1, &error)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_printerr ("lk-bench: %s %s: no JSON result\n", argv[0], argv[1] != NULL ? argv[1] : "");
      return NULL;
    }
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Runs one child measurement and records every numeric member under @series. */
gboolean
measure_argv (Bench              *bench,
              const char         *series,
              const char * const *argv)
{
  g_autoptr(JsonObject) result = run_json (bench, NULL, argv);
  g_autoptr(GList) members = NULL;

  if (result == NULL)
    return FALSE;
  members = json_object_get_members (result);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (result, l->data);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) != G_TYPE_STRING)
        record (bench, series, l->data, json_node_get_double (node));
    }
  return TRUE;
}

static gboolean
measure (Bench      *bench,
         const char *series,
         const char *mode,
         const char *text)
{
  const char *argv[] = { bench->self_path, "--child", mode, "--url", bench->graph_url,
                         text != NULL ? "--text" : NULL, text, NULL };

  return measure_argv (bench, series, argv);
}

/* The same measurement against the sandbox that writes the nextLink first. */
static gboolean
measure_next_link_first (Bench      *bench,
                         const char *series,
                         const char *mode)
{
  char *url = bench->graph_url, *token = bench->token;
  gboolean ok;

  bench->graph_url = bench->graph_url_first;
  bench->token = bench->token_first;
  ok = measure (bench, series, mode, NULL);
  bench->graph_url = url;
  bench->token = token;
  return ok;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Linear interpolation between closest ranks, as numpy's default. */
static double
quantile (GArray *sorted,
          double  q)
{
  double position = q * (sorted->len - 1);
  guint below = (guint) floor (position);
  guint above = MIN (below + 1, sorted->len - 1);
  double fraction = position - below;

  return g_array_index (sorted, double, below) * (1 - fraction)
         + g_array_index (sorted, double, above) * fraction;
}

gboolean
stats (Bench      *bench,
       const char *series,
       const char *key,
       Stats      *out)
{
  g_autofree char *name = g_strdup_printf ("%s/%s", series, key);
  GArray *values = g_hash_table_lookup (bench->samples, name);
  g_autoptr(GArray) sorted = NULL;

  if (values == NULL || values->len == 0)
    return FALSE;
  sorted = g_array_copy (values);
  g_array_sort (sorted, compare_doubles);
  out->n = sorted->len;
  out->median = quantile (sorted, 0.5);
  out->q1 = quantile (sorted, 0.25);
  out->q3 = quantile (sorted, 0.75);
  out->min = g_array_index (sorted, double, 0);
  out->max = g_array_index (sorted, double, sorted->len - 1);
  return TRUE;
}

/* Prints one line of the table and returns the median (NAN when not measured). */
double
show (Bench      *bench,
      const char *label,
      const char *series,
      const char *key,
      const char *unit,
      double      scale)
{
  Stats s;

  if (!stats (bench, series, key, &s))
    {
      printf ("  %-48s %12s\n", label, "not measured");
      return NAN;
    }
  printf ("  %-48s %12.3f %-6s  min–max %.3f–%.3f  IQR %.3f–%.3f\n", label, s.median * scale, unit,
          s.min * scale, s.max * scale, s.q1 * scale, s.q3 * scale);
  return s.median;
}

/* devices/s per run, from each run's own time. */
static void
derive_rate (Bench      *bench,
             const char *series,
             guint       n_devices)
{
  g_autofree char *name = g_strdup_printf ("%s/seconds", series);
  GArray *values = g_hash_table_lookup (bench->samples, name);

  for (guint i = 0; values != NULL && i < values->len; i++)
    record (bench, series, "devices_per_second", n_devices / g_array_index (values, double, i));
}

static void
derive_increase (Bench      *bench,
                 const char *series)
{
  g_autofree char *peak_name = g_strdup_printf ("%s/peak_rss_kb", series);
  g_autofree char *base_name = g_strdup_printf ("%s/base_rss_kb", series);
  GArray *peak = g_hash_table_lookup (bench->samples, peak_name);
  GArray *base = g_hash_table_lookup (bench->samples, base_name);

  for (guint i = 0; peak != NULL && base != NULL && i < MIN (peak->len, base->len); i++)
    {
      double increase = g_array_index (peak, double, i) - g_array_index (base, double, i);

      record (bench, series, "rss_increase_kb", increase);
      /* What holding one device costs: the listing's own increase over the devices it holds. */
      record (bench, series, "bytes_per_device", increase * 1024 / bench->n_devices);
    }
}

static void
print_ratio (const char *label,
             double      ratio,
             double      goal)
{
  if (isnan (ratio))
    printf ("  %-48s %12s\n", label, "not measured");
  else
    printf ("  %-48s %12.2f         goal ≤ %.2f: %s\n", label, ratio, goal,
            ratio <= goal ? "met" : "NOT MET");
}

static void
report (Bench *bench,
        guint  n_devices,
        guint  runs,
        char **picked)
{
  double t_lk, t_raw, t_peer, rss_lk, rss_peer;
  double t_curl, t_json, t_table, rss_json, rss_table, t_peer_json, rss_peer_json;
  double t_lk_first, t_curl_first, cpu_json, cpu_table, cpu_peer_json;

  derive_rate (bench, "latchkey", n_devices);
  derive_rate (bench, "raw", n_devices);
  derive_rate (bench, "peer", n_devices);
  derive_increase (bench, "latchkey");
  derive_increase (bench, "raw");

  printf ("\nLatchkey benchmarks: %u devices, %u runs each; median, min–max, IQR\n\n", n_devices, runs);
  if (bench->latency_ms > 0)
    printf ("The sandbox waits %u ms before each answer.\n\n", bench->latency_ms);
  printf ("Full listing (sandbox in its own process)\n");
  t_lk = show (bench, "Latchkey (LkGraphClient)", "latchkey", "seconds", "s", 1);
  t_raw = show (bench, "raw floor (SoupSession, no parsing)", "raw", "seconds", "s", 1);
  t_peer = show (bench, "@microsoft/microsoft-graph-client (Node)", "peer", "seconds", "s", 1);
  t_curl = show (bench, "curl floor (one connection, to /dev/null)", "curl", "seconds", "s", 1);
  t_lk_first = show (bench, "Latchkey, nextLink before value", "latchkey-first", "seconds", "s", 1);
  t_curl_first = show (bench, "curl floor, nextLink before value", "curl-first", "seconds", "s", 1);
  printf ("\nlatchkey-cli search \"\" as run, output to a file\n");
  t_json = show (bench, "--json", "cli-json", "seconds", "s", 1);
  t_table = show (bench, "table", "cli-table", "seconds", "s", 1);
  show (bench, "--jsonl", "cli-jsonl", "seconds", "s", 1);
  rss_json = show (bench, "peak RSS, --json", "cli-json", "peak_rss_kb", "MB", 1 / 1024.0);
  rss_table = show (bench, "peak RSS, table", "cli-table", "peak_rss_kb", "MB", 1 / 1024.0);
  show (bench, "peak RSS, --jsonl", "cli-jsonl", "peak_rss_kb", "MB", 1 / 1024.0);
  show (bench, "first row, --jsonl", "cli-jsonl", "first_row", "s", 1);
  show (bench, "first row, --json (after the ranking)", "cli-json", "first_row", "s", 1);
  t_peer_json = show (bench, "Graph SDK, then JSON.stringify into a file", "peer-json", "seconds", "s", 1);
  rss_peer_json = show (bench, "peak RSS, Graph SDK printing", "peer-json", "peak_rss_kb", "MB", 1 / 1024.0);
  show (bench, "Graph SDK: first page", "peer", "first_page", "s", 1);
  cpu_json = show (bench, "CPU time, --json (whole process)", "cli-json", "cpu_seconds", "s", 1);
  cpu_table = show (bench, "CPU time, table", "cli-table", "cpu_seconds", "s", 1);
  cpu_peer_json = show (bench, "CPU time, Graph SDK printing", "peer-json", "cpu_seconds", "s", 1);
  show (bench, "peak RSS, curl", "curl", "peak_rss_kb", "MB", 1 / 1024.0);
  show (bench, "devices/s, Latchkey", "latchkey", "devices_per_second", "k/s", 1e-3);
  show (bench, "devices/s, raw floor", "raw", "devices_per_second", "k/s", 1e-3);
  show (bench, "devices/s, peer", "peer", "devices_per_second", "k/s", 1e-3);
  show (bench, "Latchkey: first page", "latchkey", "first_page_seconds", "s", 1);
  show (bench, "Latchkey: CPU time, whole process", "latchkey", "cpu_seconds", "s", 1);
  show (bench, "Latchkey: CPU time, main thread", "latchkey", "main_cpu_seconds", "s", 1);
  rss_lk = show (bench, "peak RSS, Latchkey", "latchkey", "peak_rss_kb", "MB", 1 / 1024.0);
  show (bench, "  of which the listing (VmHWM - VmRSS before)", "latchkey", "rss_increase_kb", "MB", 1 / 1024.0);
  show (bench, "  per held device (that increase / devices)", "latchkey", "bytes_per_device", "B", 1);
  show (bench, "peak RSS, raw floor", "raw", "peak_rss_kb", "MB", 1 / 1024.0);
  rss_peer = show (bench, "peak RSS, peer (maxRSS)", "peer", "peak_rss_kb", "MB", 1 / 1024.0);

  lk_bench_window_report (bench);

  printf ("\nSearch: query -> first page with a match (and the whole search)\n");
  for (guint i = 0; i < 3; i++)
    {
      static const char *series[] = { "search-name", "search-upn", "search-serial" };
      g_autofree char *label = g_strdup_printf ("%s '%s'", series[i] + 7, picked[i]);

      show (bench, label, series[i], "first_page_seconds", "s", 1);
      show (bench, "  whole search", series[i], "seconds", "s", 1);
      show (bench, "  devices found", series[i], "devices", "", 1);
    }

  printf ("\nCapability classification (lk_capability_new_for_device)\n");
  show (bench, "throughput", "classify", "devices_per_second", "M/s", 1e-6);

  if (g_hash_table_contains (bench->samples, "parse-only/parse_cpu_seconds"))
    {
      printf ("\nBreakdown (--breakdown): the client's CPU per stage, without the network\n");
      show (bench, "page reader alone, CPU (all pages)", "parse-only", "parse_cpu_seconds", "s", 1);
      show (bench, "ranking each page, CPU", "parse-only", "page_sort_cpu_seconds", "s", 1);
      show (bench, "final ranking of all devices, CPU", "parse-only", "final_sort_cpu_seconds", "s", 1);
    }

  printf ("\nRatios (same machine, same run)\n");
  print_ratio ("time Latchkey/peer", t_lk / t_peer, 1 / 3.0);
  print_ratio ("time Latchkey/raw floor", t_lk / t_raw, 1.5);
  print_ratio ("peak RSS Latchkey/peer", rss_lk / rss_peer, 0.5);
  print_ratio ("time listing/curl floor (nextLink after value)", t_lk / t_curl, 2);
  print_ratio ("time listing/curl floor (nextLink before value)", t_lk_first / t_curl_first, 2);
  print_ratio ("time latchkey-cli --json/peer", t_json / t_peer, 1 / 3.0);
  print_ratio ("time latchkey-cli table/peer", t_table / t_peer, 1 / 3.0);
  print_ratio ("peak RSS latchkey-cli --json/peer", rss_json / rss_peer, 0.5);
  print_ratio ("peak RSS latchkey-cli table/peer", rss_table / rss_peer, 0.5);
  print_ratio ("time latchkey-cli --json/SDK printing", t_json / t_peer_json, 1 / 3.0);
  print_ratio ("peak RSS latchkey-cli --json/SDK printing", rss_json / rss_peer_json, 0.5);
  lk_bench_window_report_goals (bench);
  print_ratio ("CPU time latchkey-cli --json/SDK printing", cpu_json / cpu_peer_json, 1 / 3.0);
  print_ratio ("CPU time latchkey-cli table/SDK printing", cpu_table / cpu_peer_json, 1 / 3.0);
}

/* --check: every listing saw every device, every search found its device, nothing is missing
 * (tests/bench/test-bench.c runs a small benchmark with it). */
static gboolean
check_series (Bench      *bench,
              const char *series,
              const char *key,
              double      low,
              double      high)
{
  Stats s;

  if (!stats (bench, series, key, &s))
    {
      g_printerr ("lk-bench: check: no %s/%s\n", series, key);
      return FALSE;
    }
  if (s.min < low || s.max > high)
    {
      g_printerr ("lk-bench: check: %s/%s is %g–%g, expected %g–%g\n", series, key, s.min, s.max,
                  low, high);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check (Bench    *bench,
       guint     n_devices,
       gboolean  cli_rows,
       gboolean  breakdown)
{
  static const char *listings[] = { "latchkey", "stall", "classify" };
  static const char *searches[] = { "search-name", "search-upn", "search-serial" };
  double pages = ceil (n_devices / 1000.0);
  gboolean ok = TRUE;

  ok &= check_series (bench, "latchkey", "devices", n_devices, n_devices);
  ok &= check_series (bench, "latchkey", "pages", pages, pages);
  ok &= check_series (bench, "latchkey-first", "devices", n_devices, n_devices);
  ok &= check_series (bench, "latchkey-first", "pages", pages, pages);
  if (g_hash_table_contains (bench->samples, "peer/devices"))
    ok &= check_series (bench, "peer", "devices", n_devices, n_devices);
  if (cli_rows)
    return ok;
  for (guint i = 0; i < G_N_ELEMENTS (listings); i++)
    ok &= check_series (bench, listings[i], "devices", n_devices, n_devices);
  ok &= check_series (bench, "raw", "pages", pages, pages);
  ok &= check_series (bench, "stall", "ticks", 1, G_MAXDOUBLE);
  ok &= check_series (bench, "classify", "devices_per_second", 1, G_MAXDOUBLE);
  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      ok &= check_series (bench, searches[i], "devices", 1, n_devices);
      ok &= check_series (bench, searches[i], "first_page_seconds", 0, G_MAXDOUBLE);
    }
  if (breakdown)
    {
      ok &= check_series (bench, "parse-only", "devices", n_devices, n_devices);
    }
  ok &= lk_bench_window_check (bench);
  return ok;
}

/* The sandbox in a process of its own: "GRAPH_URL TOKEN" on its first line; it serves until
 * its standard input closes. */
static GSubprocess *
start_server (Bench     *bench,
              guint      n_devices,
              guint      latency_ms,
              gboolean   next_link_first,
              GError   **error)
{
  g_autofree char *dir = g_path_get_dirname (bench->self_path);
  g_autofree char *serve = g_build_filename (dir, "lk-sandbox-serve", NULL);
  g_autofree char *count = g_strdup_printf ("%u", n_devices);
  g_autofree char *latency = g_strdup_printf ("%u", latency_ms);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) input = NULL;
  g_autofree char *line = NULL;
  char *space;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, error,
                              serve, count, latency, next_link_first ? "--next-link-first" : NULL, NULL);
  if (process == NULL)
    return NULL;
  input = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line (input, NULL, NULL, error);
  if (line == NULL || (space = strchr (line, ' ')) == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "lk-sandbox-serve did not start");
      g_subprocess_force_exit (process);
      return NULL;
    }
  *space = '\0';
  *(next_link_first ? &bench->graph_url_first : &bench->graph_url) = g_strdup (line);
  *(next_link_first ? &bench->token_first : &bench->token) = g_strdup (space + 1);
  explicit_bzero (space + 1, strlen (space + 1));
  return g_steal_pointer (&process);
}

static void
stop_server (GSubprocess *server)
{
  g_output_stream_close (g_subprocess_get_stdin_pipe (server), NULL, NULL);
  g_subprocess_wait (server, NULL, NULL);
}

gboolean
have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

static gboolean
peer_ready (const char *peer_dir)
{
  g_autofree char *modules = g_build_filename (peer_dir, "node_modules", "@microsoft",
                                               "microsoft-graph-client", NULL);
  const char *argv[] = { "npm", "ci", "--no-audit", "--no-fund", NULL };
  g_autoptr(GSubprocess) npm = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  if (!have_program ("node"))
    {
      g_printerr ("lk-bench: node is not installed: no peer\n");
      return FALSE;
    }
  if (g_file_test (modules, G_FILE_TEST_IS_DIR))
    return TRUE;
  g_printerr ("lk-bench: installing the peer (npm ci in %s)\n", peer_dir);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_cwd (launcher, peer_dir);
  npm = g_subprocess_launcher_spawnv (launcher, argv, NULL);
  return npm != NULL && g_subprocess_wait_check (npm, NULL, NULL)
         && g_file_test (modules, G_FILE_TEST_IS_DIR);
}

static void
measure_peer (Bench      *bench,
              const char *peer_dir,
              gboolean    print)
{
  g_autofree char *out = g_build_filename (g_get_tmp_dir (), "lk-bench-peer-XXXXXX", NULL);
  const char *argv[] = { "node", "list-devices.mjs", bench->graph_url, print ? out : NULL, NULL };
  g_autoptr(JsonObject) result = NULL;
  const char *series = print ? "peer-json" : "peer";
  int fd = g_mkstemp (out);

  if (fd >= 0)
    close (fd);
  result = run_json (bench, peer_dir, argv);
  g_unlink (out);
  if (result == NULL)
    return;
  record (bench, series, "seconds", json_object_get_double_member (result, "seconds"));
  record (bench, series, "first_page", json_object_get_double_member_with_default (result, "first_page", 0));
  record (bench, series, "devices", json_object_get_double_member (result, "devices"));
  record (bench, series, "peak_rss_kb", json_object_get_double_member (result, "peak_rss_kb"));
  if (json_object_has_member (result, "cpu_seconds"))
    record (bench, series, "cpu_seconds", json_object_get_double_member (result, "cpu_seconds"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *child = NULL;
  g_autofree char *url = NULL;
  g_autofree char *text = NULL;
  g_autofree char *latchkey = NULL;
  g_autofree char *peer_dir = NULL;
  int n_devices = 100000, runs = 5, latency_ms = 0;
  gboolean no_peer = FALSE, no_cold = FALSE, breakdown = FALSE, checked = FALSE, cli_rows = FALSE;
  gboolean no_window = FALSE, window_only = FALSE;
  GOptionEntry entries[] = {
    { "devices", 'n', 0, G_OPTION_ARG_INT, &n_devices, "Devices in the sandbox (100000)", "N" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Runs of each measurement (5)", "R" },
    { "latency", 0, 0, G_OPTION_ARG_INT, &latency_ms, "The sandbox's answer delay in ms (0)", "MS" },
    { "no-peer", 0, 0, G_OPTION_ARG_NONE, &no_peer, "Do not run the Node peer", NULL },
    { "no-cold-start", 0, 0, G_OPTION_ARG_NONE, &no_cold, "Do not measure latchkey --demo's start", NULL },
    { "no-window", 0, 0, G_OPTION_ARG_NONE, &no_window, "Do not measure the window with every device", NULL },
    { "window-only", 0, 0, G_OPTION_ARG_NONE, &window_only, "Measure only the window (its rows and its start)", NULL },
    { "check", 0, 0, G_OPTION_ARG_NONE, &checked, "Fail unless every measurement saw every device", NULL },
    { "breakdown", 0, 0, G_OPTION_ARG_NONE, &breakdown, "Also measure the page reader and the ranking alone", NULL },
    { "cli-rows", 0, 0, G_OPTION_ARG_NONE, &cli_rows, "Only the listing, curl, CLI and peer rows (no window, search, classification or start)", NULL },
    { "latchkey", 0, 0, G_OPTION_ARG_FILENAME, &latchkey, "The GUI binary for the cold start", "PATH" },
    { "peer-dir", 0, 0, G_OPTION_ARG_FILENAME, &peer_dir, "Where the Node peer is", "DIR" },
    { "child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &child, NULL, NULL },
    { "url", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &url, NULL, NULL },
    { "text", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &text, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- Latchkey's benchmarks");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GSubprocess) server_first = NULL;
  g_auto(GStrv) picked = g_new0 (char *, 4);
  Bench bench = { 0 };
  int status = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("lk-bench: %s\n", error->message);
      return 2;
    }
  if (child != NULL)
    return child_main (child, url, text);
  if (n_devices < 1 || runs < 1 || latency_ms < 0)
    {
      g_printerr ("lk-bench: --devices and --runs must be positive\n");
      return 2;
    }

  bench.self_path = g_file_read_link ("/proc/self/exe", NULL);
  bench.latency_ms = (guint) latency_ms;
  bench.n_devices = (guint) n_devices;
  /* The build's compiled schemas, for the cold start of the window. */
  g_setenv ("GSETTINGS_SCHEMA_DIR", LK_BENCH_SCHEMA_DIR, FALSE);
  bench.samples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  if (peer_dir == NULL)
    peer_dir = g_build_filename (LK_BENCH_SOURCE_DIR, "peer", NULL);
  if (!no_peer && !peer_ready (peer_dir))
    no_peer = TRUE;

  g_printerr ("lk-bench: generating %d devices...\n", n_devices);
  server = start_server (&bench, (guint) n_devices, (guint) latency_ms, FALSE, &error);
  if (server != NULL)
    server_first = start_server (&bench, (guint) n_devices, (guint) latency_ms, TRUE, &error);
  if (server == NULL || server_first == NULL)
    {
      g_printerr ("lk-bench: %s\n", error != NULL ? error->message : "no sandbox");
      status = 1;
      goto out;
    }

  {
    const char *pick_argv[] = { bench.self_path, "--child", "pick", "--url", bench.graph_url, NULL };
    g_autoptr(JsonObject) values = run_json (&bench, NULL, pick_argv);

    if (values == NULL)
      {
        status = 1;
        goto out;
      }
    picked[0] = g_strdup (json_object_get_string_member (values, "name"));
    picked[1] = g_strdup (json_object_get_string_member (values, "upn"));
    picked[2] = g_strdup (json_object_get_string_member (values, "serial"));
  }

  for (int i = 0; i < runs && !window_only; i++)
    {
      gboolean ok = TRUE;

      g_printerr ("lk-bench: run %d of %d\n", i + 1, runs);
      /* Interleaved, so a drift of the machine touches every series alike. */
      ok &= measure (&bench, "latchkey", "list", NULL);
      if (!cli_rows)
        ok &= measure (&bench, "raw", "raw", NULL);
      ok &= measure (&bench, "curl", "curl", NULL);
      ok &= measure_next_link_first (&bench, "latchkey-first", "list");
      ok &= measure_next_link_first (&bench, "curl-first", "curl");
      if (!no_peer)
        measure_peer (&bench, peer_dir, FALSE);
      ok &= measure (&bench, "cli-json", "cli", "json");
      if (!no_peer)
        measure_peer (&bench, peer_dir, TRUE);
      ok &= measure (&bench, "cli-table", "cli", "table");
      ok &= measure (&bench, "cli-jsonl", "cli", "jsonl");
      if (!ok)
        status = 1;
      if (cli_rows)
        continue;
      ok &= measure (&bench, "stall", "stall", NULL);
      ok &= measure (&bench, "search-name", "search", picked[0]);
      ok &= measure (&bench, "search-upn", "search", picked[1]);
      ok &= measure (&bench, "search-serial", "search", picked[2]);
      ok &= measure (&bench, "classify", "classify", NULL);
      if (breakdown)
        {
          ok &= measure (&bench, "parse-only", "parse-only", NULL);
        }
      if (!ok)
        status = 1;
    }

  if (latchkey == NULL)
    latchkey = g_strdup (LK_BENCH_LATCHKEY);
  /* --cli-rows: the CLI and its peers only, no window. */
  if (!lk_bench_window_measure (&bench, latchkey, (guint) runs, !no_cold && !cli_rows, !no_window && !cli_rows))
    status = 1;

  report (&bench, (guint) n_devices, (guint) runs, picked);
  if (checked && !check (&bench, (guint) n_devices, cli_rows, breakdown))
    status = 1;

out:
  if (server != NULL)
    stop_server (server);
  if (server_first != NULL)
    stop_server (server_first);
  if (bench.token_first != NULL)
    explicit_bzero (bench.token_first, strlen (bench.token_first));
  g_free (bench.token_first);
  g_free (bench.graph_url_first);
  if (bench.token != NULL)
    explicit_bzero (bench.token, strlen (bench.token));
  g_free (bench.token);
  g_free (bench.graph_url);
  g_free (bench.self_path);
  g_clear_pointer (&bench.samples, g_hash_table_unref);
  return status;
}
