/* lk-cli-search.c: finding devices (search, --json, --jsonl) and showing one.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-cli-chunks.h"
#include "lk-cli-common.h"
#include "lk-cli-output.h"
#include "lk-text.h"

static void
progress_cb (GPtrArray *devices,
             guint      total,
             gint64     expected,
             gpointer   user_data)
{
  Cli *cli = user_data;

  if (!cli->progress)
    return;
  /* Back to the start of the line and clear it, so the count updates in place. */
  g_printerr ("\r\033[K");
  if (expected > 0)
    /* Translators: a progress line while a device list downloads. */
    g_printerr (_("Loading devices… %u of %u"), total, (guint) expected);
  else
    g_printerr (_("Loading devices… %u"), total);
}

/* The table: each page's devices are measured for the columns' widths while the next comes. */
typedef struct
{
  Cli               *cli;
  LkCliTableMeasure *measure;
} Measuring;

static void
measure_page_cb (GPtrArray *devices,
                 guint      total,
                 gint64     expected,
                 gpointer   user_data)
{
  Measuring *measuring = user_data;

  lk_cli_table_measure_add (measuring->measure, devices);
  progress_cb (devices, total, expected, measuring->cli);
}

/* --jsonl: each page's devices go out as they arrive, and nothing is kept. */
typedef struct
{
  LkCliStream *stream;
  guint        printed;
} Streaming;

static void
print_page_cb (GPtrArray *devices,
               guint      total,
               gint64     expected,
               gpointer   user_data)
{
  Streaming *streaming = user_data;

  lk_cli_jsonl_stream_push (streaming->stream, devices);
  streaming->printed += devices->len;
}

/* The listing holds every device it found, a million for a big tenant; freed one by one once
 * the output is written, they took a sixth of a 0.6 s `search --json` of 100 000 devices
 * (tests/bench/HISTORY.md, tenth session). The process ends right after the search: they stay
 * referenced from here (so leak checkers see them reachable, not lost) and the system takes
 * their memory back at once. */
static void
keep_until_exit (Cli       *cli,
                 GPtrArray *devices)
{
  static GPtrArray *kept_devices;
  static GAsyncResult *kept_listing;

  g_clear_pointer (&kept_devices, g_ptr_array_unref);
  g_clear_object (&kept_listing);
  kept_devices = devices;
  kept_listing = g_steal_pointer (&cli->result);
}

int
cmd_search (Cli        *cli,
            const char *text)
{
  g_autoptr(LkDeviceQuery) query = lk_device_query_new (text);
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  guint found;
  g_autoptr(LkCliTableMeasure) measure = !cli->json ? lk_cli_table_measure_new () : NULL;
  Measuring measuring = { cli, measure };
  Streaming streaming = { cli->jsonl ? lk_cli_jsonl_stream_new () : NULL, 0 };
  LkDevicePageFunc page_func = cli->jsonl ? print_page_cb : measure != NULL ? measure_page_cb : progress_cb;
  gpointer page_data = cli->jsonl ? (gpointer) &streaming : measure != NULL ? (gpointer) &measuring : cli;

  lk_graph_client_set_stream_only (cli->client, cli->jsonl);
  /* No frames to draw: every core may read pages (lk_graph_client_set_pages_ahead()). */
  lk_graph_client_set_pages_ahead (cli->client, LK_GRAPH_BATCH_PAGES_AHEAD);
  lk_graph_client_list_devices_async (cli->client, query, page_func, page_data, NULL, NULL,
                                      store_result_cb, cli);
  devices = lk_graph_client_list_devices_finish (cli->client, cli_wait (cli), &error);
  /* Every page that came is written, an error or not, before anything else is said. */
  if (streaming.stream != NULL)
    lk_cli_stream_finish (streaming.stream);
  if (cli->progress)
    g_printerr ("\r\033[K");
  if (devices == NULL)
    return report_error (cli, error);

  /* The ranking needs every device before the first goes out; each is then written in turn. */
  if (cli->json && !cli->jsonl)
    lk_cli_print_devices_json (devices);
  else if (!cli->json)
    lk_cli_print_devices_table_measured (devices, measure);
  found = devices->len;
  keep_until_exit (cli, g_steal_pointer (&devices));

  if (found == 0 && streaming.printed == 0)
    {
      g_autofree char *shown = lk_text_inert (text);

      if (!cli->json)
        g_printerr (_("No device matches “%s”.\n"), shown);
      return EXIT_NOT_FOUND;
    }
  return EXIT_OK;
}

int
cmd_show (Cli        *cli,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) device = fetch_device (cli, id, &error);

  if (device == NULL)
    return report_error (cli, error);
  if (cli->json)
    lk_cli_print_device_json (device);
  else
    lk_cli_print_device_details (device);
  return EXIT_OK;
}
