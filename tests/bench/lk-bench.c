/* lk-bench.c: one measurement of Latchkey against a running sandbox, printed as JSON.
 *
 *   lk-bench GRAPH_URL TOKEN list|raw|search TEXT|classify|stall
 *
 * run.sh starts the sandbox (lk-sandbox-serve), runs every mode several times in fresh
 * processes (so peak RSS is per run), runs the Node peer against the same sandbox, and
 * prints medians and ratios.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <libsoup/soup.h>

#include "lk-capability.h"
#include "lk-graph-client.h"

static gint64
peak_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmHWM:");
  return line != NULL ? g_ascii_strtoll (line + 6, NULL, 10) : -1;
}

typedef struct
{
  GAsyncResult *result;
  guint         pages;
  gint64        first_page_us;
  GListStore   *store;
  gint64        last_tick;
  gint64        max_stall;
} Run;

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ((Run *) user_data)->result = g_object_ref (result);
}

static void
page_cb (GPtrArray *devices,
         guint      total,
         gint64     expected,
         gpointer   user_data)
{
  Run *run = user_data;

  if (run->pages++ == 0)
    run->first_page_us = g_get_monotonic_time ();
  /* As the window does: one splice per page into the list model. */
  if (run->store != NULL && devices->len > 0)
    g_list_store_splice (run->store, g_list_model_get_n_items (G_LIST_MODEL (run->store)), 0,
                         devices->pdata, devices->len);
}

/* Fires every millisecond; the largest gap between two dispatches is the longest stall. */
static gboolean
tick_cb (gpointer user_data)
{
  Run *run = user_data;
  gint64 now = g_get_monotonic_time ();

  if (run->last_tick > 0)
    run->max_stall = MAX (run->max_stall, now - run->last_tick);
  run->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static int
list (LkGraphClient *client,
      const char    *text,
      gboolean       measure_stall)
{
  g_autoptr(LkDeviceQuery) query = lk_device_query_new (text);
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };
  gint64 start = g_get_monotonic_time ();
  guint tick = 0;

  if (measure_stall)
    {
      run.store = g_list_store_new (LK_TYPE_DEVICE);
      tick = g_timeout_add (1, tick_cb, &run);
    }
  lk_graph_client_list_devices_async (client, query, page_cb, &run, NULL, NULL, done_cb, &run);
  while (run.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  devices = lk_graph_client_list_devices_finish (client, run.result, &error);
  g_clear_object (&run.result);
  if (devices == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf ("{\"seconds\": %.4f, \"devices\": %u, \"first_page_seconds\": %.4f, \"peak_rss_kb\": %" G_GINT64_FORMAT,
          (g_get_monotonic_time () - start) / 1e6, devices->len,
          (run.first_page_us - start) / 1e6, peak_rss_kb ());
  if (measure_stall)
    printf (", \"max_stall_ms\": %.2f", run.max_stall / 1000.0);
  printf ("}\n");
  if (tick != 0)
    g_source_remove (tick);
  g_clear_object (&run.store);
  return 0;
}

/* The floor: the same pages, bytes only, no JSON parsing; the nextLink found by a string search. */
static int
raw (const char *graph_url,
     const char *token)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autofree char *url = g_strconcat (graph_url, "/beta/deviceManagement/managedDevices?$select="
                                      LK_DEVICE_SELECT_BETA "&$top=1000", NULL);
  gint64 start = g_get_monotonic_time ();
  guint64 bytes = 0;
  guint pages = 0;

  while (url != NULL)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = NULL;
      const char *data, *link, *end;
      gsize len;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
      body = soup_session_send_and_read (session, msg, NULL, NULL);
      g_clear_pointer (&url, g_free);
      if (body == NULL)
        return 1;
      data = g_bytes_get_data (body, &len);
      bytes += len;
      pages++;
      link = g_strstr_len (data, (gssize) len, "\"@odata.nextLink\":\"");
      if (link != NULL && (end = strchr (link + 19, '"')) != NULL)
        url = g_strndup (link + 19, end - (link + 19));
    }
  printf ("{\"seconds\": %.4f, \"pages\": %u, \"bytes\": %" G_GUINT64_FORMAT ", \"peak_rss_kb\": %" G_GINT64_FORMAT "}\n",
          (g_get_monotonic_time () - start) / 1e6, pages, bytes, peak_rss_kb ());
  return 0;
}

static int
classify (LkGraphClient *client)
{
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("");
  g_autoptr(GPtrArray) devices = NULL;
  Run run = { 0 };
  gint64 start;
  guint rounds = 5;

  lk_graph_client_list_devices_async (client, query, NULL, NULL, NULL, NULL, done_cb, &run);
  while (run.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  devices = lk_graph_client_list_devices_finish (client, run.result, NULL);
  g_clear_object (&run.result);
  start = g_get_monotonic_time ();
  for (guint r = 0; r < rounds; r++)
    for (guint i = 0; i < devices->len; i++)
      {
        g_autoptr(LkCapability) capability = lk_capability_new_for_device (g_ptr_array_index (devices, i));
        (void) capability;
      }
  printf ("{\"devices_per_second\": %.0f}\n",
          rounds * devices->len / ((g_get_monotonic_time () - start) / 1e6));
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LkStaticToken) tokens = NULL;
  g_autoptr(LkGraphClient) client = NULL;

  if (argc < 4)
    {
      g_printerr ("usage: %s GRAPH_URL TOKEN list|raw|search TEXT|classify|stall\n", argv[0]);
      return 2;
    }
  tokens = lk_static_token_new (argv[2]);
  client = lk_graph_client_new (argv[1], "beta", LK_TOKEN_PROVIDER (tokens));
  /* The benchmark itself must not be slowed by the client's Intune rate limiter. */
  lk_graph_client_set_rate_limit (client, 100000, 100000, 20000);

  if (g_str_equal (argv[3], "list"))
    return list (client, "", FALSE);
  if (g_str_equal (argv[3], "stall"))
    return list (client, "", TRUE);
  if (g_str_equal (argv[3], "search") && argc > 4)
    return list (client, argv[4], FALSE);
  if (g_str_equal (argv[3], "raw"))
    return raw (argv[1], argv[2]);
  if (g_str_equal (argv[3], "classify"))
    return classify (client);
  return 2;
}
