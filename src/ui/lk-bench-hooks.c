/* lk-bench-hooks.c: what tests/bench measures of the window (README, "Performance").
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lk-bench-hooks.h"

/* Benchmark hooks (tests/bench/run.sh): report the time from start to the first painted frame
 * or the first search result on stdout, then quit. Off unless the variable is set. */
static gint64 started_at;

static void
bench_report (const char *what)
{
  g_print ("{\"%s_seconds\": %.4f}\n", what, (g_get_monotonic_time () - started_at) / 1e6);
  g_application_quit (g_application_get_default ());
}

static void
bench_after_paint_cb (GdkFrameClock *clock,
                      gpointer       user_data)
{
  g_signal_handlers_disconnect_by_func (clock, bench_after_paint_cb, user_data);
  bench_report ("first_frame");
}

static void
bench_state_cb (GtkStack   *stack,
                GParamSpec *pspec,
                gpointer    user_data)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "results") == 0)
    bench_report ("first_result");
}

static void
bench_mapped_cb (GtkWidget *window,
                 gpointer   user_data)
{
  if (g_getenv ("LATCHKEY_BENCH_FIRST_FRAME") != NULL)
    g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                      G_CALLBACK (bench_after_paint_cb), NULL);
}

void
lk_bench_hooks_mark_start (void)
{
  started_at = g_get_monotonic_time ();
}

void
lk_bench_hooks_watch (LkWindow *window)
{
  if (g_getenv ("LATCHKEY_BENCH_FIRST_FRAME") != NULL)
    g_signal_connect (window, "map", G_CALLBACK (bench_mapped_cb), NULL);
  if (g_getenv ("LATCHKEY_BENCH_FIRST_RESULT") != NULL)
    g_signal_connect (lk_window_get_stack (window), "notify::visible-child-name",
                      G_CALLBACK (bench_state_cb), NULL);
}
