/* lk-bench-children.c: what lk-bench's children measure, each in a fresh process (lk-bench
 * --child MODE): the listing through LkGraphClient and its stalls, searches, the raw floor, the
 * page reader and ranking alone (--breakdown), the capability classification, and the devices
 * picked for the searches. Each prints one JSON line for the driver in lk-bench.c; the CLI and
 * curl children are in lk-bench-cli.c, the window's in lk-bench-window-child.c.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "lk-capability.h"
#include "lk-page-reader.h"
#include "lk-device-list.h"
#include "lk-graph-client.h"
#include "lk-memory.h"
#include "lk-bench-cli.h"

#include "lk-bench-private.h"
#include "lk-bench-proc.h"

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

int
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
  /* The listing as `latchkey-cli search` runs it; "stall" measures a main loop like the
   * window's, which keeps the default. */
  if (!g_str_equal (mode, "stall"))
    lk_graph_client_set_pages_ahead (client, LK_GRAPH_BATCH_PAGES_AHEAD);
  if (g_str_equal (mode, "list") || g_str_equal (mode, "stall"))
    return child_list (client, mode, "");
  if (g_str_equal (mode, "search") && text != NULL)
    return child_list (client, mode, text);
  if (g_str_equal (mode, "classify"))
    return child_classify (client);
  g_printerr ("lk-bench: unknown child mode %s\n", mode);
  return 2;
}
