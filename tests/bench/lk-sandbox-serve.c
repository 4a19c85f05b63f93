/* lk-sandbox-serve.c: the sandbox in a process of its own, for benchmarks.
 *
 *   lk-sandbox-serve N_DEVICES [LATENCY_MS] [--next-link-first] [--full-devices [--ignore-select]]
 *                    [--render-each]
 *
 * --full-devices: every device a full managedDevice (every documented member, ~3.5–4 kB),
 * still trimmed by $select as Graph does; --ignore-select: sent whole whatever the $select,
 * as the fake Graph of issue 18's benchmark did (real Graph honours $select).
 *
 * Pages are served from memory, rendered once (lk_sandbox_set_page_cache): the listing Latchkey
 * asks for (and the Node peer, which asks the same) is walked before the first line is
 * printed, so no client measured pays for the sandbox's JSON writing and curl against it is a
 * floor near the wire, as curl against the fake Graph was. --render-each renders every
 * answer again (what the sandbox does for tests), which makes the server the bottleneck.
 *
 * Prints "GRAPH_URL TOKEN" on one line, then serves until standard input closes, so the
 * client measured (Latchkey or the Node peer) carries none of the server's memory or CPU.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <libsoup/soup.h>

#include "lk-device.h"
#include "lk-page-reader.h"
#include "lk-sandbox.h"

/* Renders every page of the listing Latchkey asks for into the page cache: the same URL as
 * LkGraphClient's first page (lk-graph-client.c), then each nextLink. */
static gboolean
warm_page_cache (const char  *graph_url,
                 const char  *token,
                 GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autofree char *url = g_strdup_printf ("%s/beta/deviceManagement/managedDevices?$select=%s&$top=1000&$count=true",
                                          graph_url, LK_DEVICE_SELECT_BETA);

  while (url != NULL)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) body = NULL;
      const char *data;
      gsize len;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
      body = soup_session_send_and_read (session, msg, NULL, error);
      if (body == NULL)
        return FALSE;
      if (soup_message_get_status (msg) != SOUP_STATUS_OK)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the sandbox answered %u", soup_message_get_status (msg));
          return FALSE;
        }
      data = g_bytes_get_data (body, &len);
      g_free (url);
      url = lk_page_reader_find_next_link (data, len);
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LkSandbox) sandbox = lk_sandbox_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *graph_url = NULL;
  g_autofree char *token = NULL;
  char buffer[64];
  gboolean full = FALSE;
  gboolean render_each = FALSE;
  guint pages, hits;
  guint n_devices = argc > 1 ? (guint) atoi (argv[1]) : 100000;

  for (int i = 3; i < argc; i++)
    {
      /* Graph writes the link after "value"; the benchmark measures both. */
      if (g_str_equal (argv[i], "--next-link-first"))
        lk_sandbox_set_next_link_first (sandbox, TRUE);
      else if (g_str_equal (argv[i], "--full-devices"))
        full = TRUE;
      else if (g_str_equal (argv[i], "--ignore-select"))
        lk_sandbox_set_ignore_select (sandbox, TRUE);
      else if (g_str_equal (argv[i], "--render-each"))
        render_each = TRUE;
      else
        {
          g_printerr ("lk-sandbox-serve: unknown option %s\n", argv[i]);
          return 2;
        }
    }
  if (full)
    lk_sandbox_generate_full_devices (sandbox, n_devices, 42);
  else
    lk_sandbox_generate_devices (sandbox, n_devices, 42);
  /* Graph answers a page in 100–500 ms; the default measures the client, not the wait. */
  if (argc > 2)
    lk_sandbox_set_latency (sandbox, (guint) atoi (argv[2]), (guint) atoi (argv[2]));
  if (!lk_sandbox_start (sandbox, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  graph_url = lk_sandbox_get_graph_url (sandbox);
  token = lk_sandbox_mint_access_token (sandbox, "DeviceManagementManagedDevices.Read.All", 86400);
  if (!render_each)
    {
      lk_sandbox_set_page_cache (sandbox, TRUE);
      if (!warm_page_cache (graph_url, token, &error))
        {
          g_printerr ("lk-sandbox-serve: %s\n", error->message);
          return 1;
        }
    }
  printf ("%s %s\n", graph_url, token);
  fflush (stdout);
  while (fgets (buffer, sizeof buffer, stdin) != NULL)
    ;
  lk_sandbox_get_page_cache_stats (sandbox, &pages, &hits);
  if (g_getenv ("LK_BENCH_VERBOSE") != NULL)
    g_printerr ("lk-sandbox-serve: %u pages kept, %u answers from them\n", pages, hits);
  lk_sandbox_stop (sandbox);
  return 0;
}
