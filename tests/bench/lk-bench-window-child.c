/* lk-bench-window-child.c: the real window with every device of lk-bench's sandbox.
 *
 *   lk-bench-window-child --url GRAPH_URL --devices N     (the token in LK_BENCH_TOKEN)
 *
 * lk-bench runs it in cold-start.sh's private X server. It opens an LkWindow, lists every
 * device as `latchkey --demo` does for an empty query, then toggles a platform filter, scrolls
 * (a flick, then the scrollbar dragged) and types a query, and prints one JSON line: for each phase the longest main-loop stall (a
 * 1 ms probe on the main context, as lk-bench's "stall" row), the p99 frame (the frame clock
 * from before-paint to after-paint, a tick callback keeping it running) and the phase's
 * length; then the devices shown and the memory each held device costs. With
 * LK_BENCH_STALL_LOG=FILE it also appends to FILE every stall over 10 ms, when it came and how
 * much of it was the main thread's CPU and its wait for a core (the rest: blocked, or polling).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <adwaita.h>

#include "../lk-test-widgets.h"

#include "lk-bench-proc.h"

#include "lk-device.h"
#include "lk-gl-choice.h"
#include "lk-graph-client.h"
#include "lk-memory.h"
#include "lk-window.h"

#define TOKEN_ENV "LK_BENCH_TOKEN"

typedef struct
{
  gint64  last_tick;
  gint64  last_tick_cpu;
  gint64  max_stall;
  gint64  max_stall_cpu;
  gint64  frame_start;
  GArray *frames;        /* gint64 µs from before-paint to after-paint */
  gint64  started;
  GString *json;
  FILE   *log;           /* LK_BENCH_STALL_LOG=FILE: every stall over 10 ms, with what it was made of */
  gint64  last_tick_wait;
} Probe;

/* The time this thread has waited for a core, in µs (the run queue; 0 without schedstats). */
static gint64
thread_wait_us (void)
{
  g_autofree char *text = NULL;
  const char *wait;

  if (!g_file_get_contents ("/proc/thread-self/schedstat", &text, NULL, NULL)
      || (wait = strchr (text, ' ')) == NULL)
    return 0;
  return g_ascii_strtoll (wait + 1, NULL, 10) / 1000;
}

static gboolean
tick_cb (gpointer user_data)
{
  Probe *probe = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();
  gint64 wait = probe->log != NULL ? thread_wait_us () : 0;

  if (probe->last_tick > 0 && now - probe->last_tick > probe->max_stall)
    {
      probe->max_stall = now - probe->last_tick;
      probe->max_stall_cpu = cpu - probe->last_tick_cpu;
    }
  if (probe->log != NULL && probe->last_tick > 0 && now - probe->last_tick > 10000)
    fprintf (probe->log, "stall at %.6f (%.3f s): %.1f ms, %.1f ms CPU, %.1f ms waiting for a core\n",
             probe->last_tick / 1e6, (probe->last_tick - probe->started) / 1e6, (now - probe->last_tick) / 1000.0,
             (cpu - probe->last_tick_cpu) / 1000.0, (wait - probe->last_tick_wait) / 1000.0);
  probe->last_tick = now;
  probe->last_tick_cpu = cpu;
  probe->last_tick_wait = wait;
  return G_SOURCE_CONTINUE;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Probe         *probe)
{
  probe->frame_start = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Probe         *probe)
{
  gint64 took;

  if (probe->frame_start == 0)
    return;
  took = g_get_monotonic_time () - probe->frame_start;
  g_array_append_val (probe->frames, took);
  probe->frame_start = 0;
}

/* Keeps the frame clock running, so every phase is measured frame by frame. */
static gboolean
keep_painting_cb (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

static void
phase_begin (Probe *probe)
{
  probe->max_stall = probe->max_stall_cpu = 0;
  probe->last_tick = g_get_monotonic_time ();
  probe->last_tick_cpu = thread_cpu_us ();
  probe->frame_start = 0;
  g_array_set_size (probe->frames, 0);
  probe->started = g_get_monotonic_time ();
}

static int
compare_us (gconstpointer a,
            gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
phase_end (Probe      *probe,
           const char *phase)
{
  double p99 = 0;

  /* The gap up to now counts too. */
  tick_cb (probe);
  if (probe->frames->len > 0)
    {
      g_array_sort (probe->frames, compare_us);
      p99 = g_array_index (probe->frames, gint64, (guint) floor (0.99 * (probe->frames->len - 1))) / 1000.0;
    }
  if (probe->log != NULL)
    fprintf (probe->log, "--- %s ended at %.3f s\n", phase, (g_get_monotonic_time () - probe->started) / 1e6);
  g_string_append_printf (probe->json,
                          "\"%s_max_stall_ms\": %.2f, \"%s_max_stall_cpu_ms\": %.2f, "
                          "\"%s_p99_frame_ms\": %.2f, \"%s_frames\": %u, \"%s_seconds\": %.3f, ",
                          phase, probe->max_stall / 1000.0, phase, probe->max_stall_cpu / 1000.0, phase, p99,
                          phase, probe->frames->len, phase, (g_get_monotonic_time () - probe->started) / 1e6);
}

static void
run_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
wait_until (gboolean (*check) (gpointer),
            gpointer  data,
            guint     timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;

  while (!check (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, TRUE);
    }
  return TRUE;
}

/* The progress line's revealer, found once: walking the window's widgets at every turn of
 * the main loop while waiting would be the benchmark measuring itself. */
static GtkRevealer *
progress_revealer (LkWindow *window)
{
  GtkRevealer *revealer = g_object_get_data (G_OBJECT (window), "lk-bench-progress");

  if (revealer == NULL)
    {
      GtkWidget *bar = lk_test_find_widget (GTK_WIDGET (window), lk_test_is_type, GSIZE_TO_POINTER (GTK_TYPE_PROGRESS_BAR));

      revealer = GTK_REVEALER (gtk_widget_get_ancestor (bar, GTK_TYPE_REVEALER));
      g_object_set_data (G_OBJECT (window), "lk-bench-progress", revealer);
    }
  return revealer;
}

static gboolean
search_complete (gpointer data)
{
  const char *state = lk_window_get_state (data);

  return !gtk_revealer_get_reveal_child (progress_revealer (data))
         && (g_strcmp0 (state, "results") == 0 || g_strcmp0 (state, "no-results") == 0
             || g_strcmp0 (state, "filtered-empty") == 0 || g_strcmp0 (state, "error") == 0);
}

typedef struct
{
  GListModel *model;
  guint       n;
} Count;

static gboolean
has_count (gpointer data)
{
  Count *count = data;

  return g_list_model_get_n_items (count->model) == count->n;
}

static guint
count_platform (GListModel *model,
                LkPlatform  platform)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (model, i);

      n += lk_platform_from_operating_system (lk_device_get_operating_system (device)) == platform;
    }
  return n;
}

/* LK_BENCH_WINDOW_SHOT=FILE.png: the screen after Android is first turned off (ImageMagick's
 * `import`, in the benchmark's X server), and the first devices the list holds in FILE.png.txt,
 * to compare with the rows in the picture. Nothing without it. */
static void
shoot (LkWindow *window)
{
  const char *path = g_getenv ("LK_BENCH_WINDOW_SHOT");
  GListModel *results = lk_window_get_results (window);
  const char *argv[] = { "import", "-window", "root", path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) shown = g_string_new (NULL);
  g_autofree char *list = NULL;

  if (path == NULL)
    return;
  run_for (1500);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, &error))
    g_printerr ("lk-bench-window-child: %s\n", error->message);
  for (guint i = 0; i < MIN (g_list_model_get_n_items (results), 12); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);

      g_string_append_printf (shown, "%u: %s, %s, %s %s\n", i, lk_device_get_device_name (device),
                              lk_device_get_user_display_name (device), lk_device_get_operating_system (device),
                              lk_device_get_os_version (device));
    }
  list = g_strconcat (path, ".txt", NULL);
  if (!g_file_set_contents (list, shown->str, -1, &error))
    g_printerr ("lk-bench-window-child: %s\n", error->message);
}

/* Android off, then on again, twice; each time the list must show the right count. */
static gboolean
phase_filter (LkWindow *window,
              Probe    *probe)
{
  GListModel *results = lk_window_get_results (window);
  GtkCheckButton *android = lk_test_find_check_button (GTK_WIDGET (window), "Android");
  guint all = g_list_model_get_n_items (results);
  Count without = { results, all - count_platform (results, LK_PLATFORM_ANDROID) };
  Count with = { results, all };

  phase_begin (probe);
  for (guint i = 0; i < 2; i++)
    {
      gtk_check_button_set_active (android, FALSE);
      if (!wait_until (has_count, &without, 60))
        return FALSE;
      if (i == 0)
        shoot (window);
      run_for (300);
      gtk_check_button_set_active (android, TRUE);
      if (!wait_until (has_count, &with, 60))
        return FALSE;
      run_for (300);
    }
  phase_end (probe, "filter");
  return TRUE;
}

/* A flick (a third of a screen a frame, as a fast touchpad swipe) or a scrollbar dragged
 * (a jump far into the list every frame). */
typedef struct
{
  GtkAdjustment *adjustment;
  gboolean       jumps;
  guint          step;
} Scroll;

static gboolean
scroll_step_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  Scroll *scroll = user_data;
  double page = gtk_adjustment_get_page_size (scroll->adjustment);
  double span = gtk_adjustment_get_upper (scroll->adjustment) - page;

  scroll->step++;
  if (scroll->jumps)
    gtk_adjustment_set_value (scroll->adjustment, span * ((scroll->step * 7919) % 1000) / 1000.0);
  else
    gtk_adjustment_set_value (scroll->adjustment, gtk_adjustment_get_value (scroll->adjustment) + page / 3);
  return G_SOURCE_CONTINUE;
}

static gboolean
phase_scroll (LkWindow   *window,
              Probe      *probe,
              gboolean    jumps,
              const char *phase)
{
  GtkWidget *list = lk_test_find_widget (GTK_WIDGET (window), lk_test_is_type, GSIZE_TO_POINTER (GTK_TYPE_LIST_VIEW));
  Scroll scroll = { NULL, jumps, 0 };
  guint tick;

  if (list == NULL)
    return FALSE;
  scroll.adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));
  gtk_adjustment_set_value (scroll.adjustment, 0);
  run_for (300);
  phase_begin (probe);
  tick = gtk_widget_add_tick_callback (list, scroll_step_cb, &scroll, NULL);
  run_for (3000);
  gtk_widget_remove_tick_callback (list, tick);
  phase_end (probe, phase);
  return scroll.step > 0;
}

/* A name from the middle of the list, typed a character at a time (faster than the entry's
 * delay, as a person types), until its search has ended. */
static gboolean
phase_query (LkWindow *window,
             Probe    *probe)
{
  GListModel *results = lk_window_get_results (window);
  g_autoptr(LkDevice) device = g_list_model_get_item (results, g_list_model_get_n_items (results) / 2);
  GtkWidget *entry = lk_test_find_widget (GTK_WIDGET (window), lk_test_is_type, GSIZE_TO_POINTER (GTK_TYPE_SEARCH_ENTRY));
  g_autofree char *name = NULL;
  glong length;

  if (device == NULL || entry == NULL || lk_device_get_device_name (device) == NULL)
    return FALSE;
  name = g_strdup (lk_device_get_device_name (device));
  length = MIN (g_utf8_strlen (name, -1), 12);
  /* As before each scroll: the last phase's frames are not this one's. */
  run_for (300);
  phase_begin (probe);
  for (glong i = 1; i <= length; i++)
    {
      g_autofree char *typed = g_utf8_substring (name, 0, i);

      gtk_editable_set_text (GTK_EDITABLE (entry), typed);
      run_for (60);
    }
  run_for (400);
  if (!wait_until (search_complete, window, 120))
    return FALSE;
  run_for (300);
  phase_end (probe, "query");
  return g_list_model_get_n_items (results) > 0;
}

static gboolean
phase_stream (LkWindow      *window,
              LkGraphClient *client,
              guint          n_devices,
              Probe         *probe)
{
  GListModel *results = lk_window_get_results (window);
  struct mallinfo2 before, after;
  gint64 rss_before;
  Count all = { results, n_devices };

  before = mallinfo2 ();
  rss_before = status_kb ("VmRSS:");
  phase_begin (probe);
  lk_window_set_client (window, client);
  if (!wait_until (search_complete, window, 600) || !wait_until (has_count, &all, 10))
    return FALSE;
  /* The streamed list's references are dropped in idle turns after the ranked one is shown. */
  run_for (1000);
  phase_end (probe, "stream");
  after = mallinfo2 ();
  g_string_append_printf (probe->json, "\"devices\": %u, \"held_bytes_per_device\": %.1f, "
                          "\"rss_bytes_per_device\": %.1f, ",
                          g_list_model_get_n_items (results),
                          ((double) after.uordblks - (double) before.uordblks) / n_devices,
                          (status_kb ("VmRSS:") - rss_before) * 1024.0 / n_devices);
  return TRUE;
}

static gboolean
failed (const char *phase)
{
  g_printerr ("lk-bench-window-child: %s did not end as expected in time\n", phase);
  return FALSE;
}

static gboolean
run (LkWindow      *window,
     LkGraphClient *client,
     guint          n_devices,
     Probe         *probe)
{
  GdkFrameClock *clock;

  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), probe);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), probe);
  gtk_widget_add_tick_callback (GTK_WIDGET (window), keep_painting_cb, NULL, NULL);
  progress_revealer (window);
  run_for (500);

  if (!phase_stream (window, client, n_devices, probe))
    return failed ("streaming");
  if (!phase_filter (window, probe))
    return failed ("the filter");
  if (!phase_scroll (window, probe, FALSE, "scroll") || !phase_scroll (window, probe, TRUE, "jump"))
    return failed ("scrolling");
  if (!phase_query (window, probe))
    return failed ("typing");
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *url = NULL;
  int n_devices = 0;
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "The sandbox's Graph URL", "URL" },
    { "devices", 0, 0, G_OPTION_ARG_INT, &n_devices, "Devices it holds", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- the window with every device");
  g_autoptr(GError) error = NULL;
  g_autoptr(LkStaticToken) tokens = NULL;
  g_autoptr(LkGraphClient) client = NULL;
  LkWindow *window;
  Probe probe = { 0 };
  gboolean ok;
  guint tick;

  /* As latchkey does in main(). */
  lk_gl_choice_init ();
  lk_memory_init ();
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || url == NULL || n_devices < 1
      || g_getenv (TOKEN_ENV) == NULL)
    {
      g_printerr ("lk-bench-window-child: needs --url, --devices and %s\n", TOKEN_ENV);
      return 2;
    }
  gtk_init ();
  adw_init ();
  tokens = lk_static_token_new (g_getenv (TOKEN_ENV));
  client = lk_graph_client_new (url, "beta", LK_TOKEN_PROVIDER (tokens));
  lk_graph_client_set_rate_limit (client, 100000, 100000, 20000);

  probe.frames = g_array_new (FALSE, FALSE, sizeof (gint64));
  probe.json = g_string_new ("{");
  if (g_getenv ("LK_BENCH_STALL_LOG") != NULL)
    probe.log = fopen (g_getenv ("LK_BENCH_STALL_LOG"), "a");
  tick = g_timeout_add_full (G_PRIORITY_HIGH, 1, tick_cb, &probe, NULL);
  window = lk_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  lk_window_set_demo (window, TRUE);
  ok = run (window, client, (guint) n_devices, &probe);
  g_source_remove (tick);
  gtk_window_destroy (GTK_WINDOW (window));
  if (ok)
    {
      g_string_truncate (probe.json, probe.json->len - 2);
      printf ("%s}\n", probe.json->str);
    }
  else
    g_printerr ("lk-bench-window-child: the window did not show every device in time\n");
  g_string_free (probe.json, TRUE);
  g_array_unref (probe.frames);
  if (probe.log != NULL)
    fclose (probe.log);
  return ok ? 0 : 1;
}
