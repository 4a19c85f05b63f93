/* lk-bench-window.c: lk-bench's rows for the window: a million devices streamed, ranked,
 * filtered, searched and scrolled in the real LkWindow (lk-bench-window-child, under
 * cold-start.sh's Xvfb), and `latchkey --demo`'s start to its first frame and first result.
 * The driver is in lk-bench.c, the table's other rows in lk-bench-report.c (README, "Performance").
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lk-bench-private.h"

/* --- the start of latchkey --demo ------------------------------------------------------------ */

/* Inside cold-start.sh's X server: from spawning `latchkey --demo` to its benchmark hook's
 * line (it prints the time since its main() and quits). */
int
lk_bench_window_child_cold (const char *hook,
                            const char *latchkey)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *line = NULL;
  const char *variable = g_str_equal (hook, "cold-frame") ? "LATCHKEY_BENCH_FIRST_FRAME"
                                                          : "LATCHKEY_BENCH_FIRST_RESULT";
  gint64 start;
  double wall;

  g_subprocess_launcher_unsetenv (launcher, TOKEN_ENV);
  g_subprocess_launcher_setenv (launcher, variable, "1", TRUE);
  start = g_get_monotonic_time ();
  /* timeout(1) bounds a window that never reaches its hook. */
  process = g_subprocess_launcher_spawn (launcher, &error, "timeout", "60", latchkey, "--demo", NULL);
  if (process == NULL)
    {
      g_printerr ("lk-bench: %s\n", error->message);
      return 1;
    }
  input = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  while ((line = g_data_input_stream_read_line (input, NULL, NULL, &error)) != NULL && line[0] != '{')
    g_clear_pointer (&line, g_free);
  wall = (g_get_monotonic_time () - start) / 1e6;
  g_subprocess_wait (process, NULL, NULL);
  if (line == NULL || !json_parser_load_from_data (parser, line, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_printerr ("lk-bench: %s gave no %s line\n", latchkey, variable);
      return 1;
    }
  *strrchr (line, '}') = '\0';
  printf ("%s, \"%s_wall_seconds\": %.4f}\n", line,
          g_str_equal (hook, "cold-frame") ? "first_frame" : "first_result", wall);
  return 0;
}

/* Cold start, in a private X server, session bus and keyring (tests/bench/cold-start.sh runs
 * this program again with --child cold-frame/cold-result inside them, one fresh set per run). */
static void
measure_cold_start (Bench      *bench,
                    const char *latchkey,
                    guint       runs)
{
  g_autofree char *script = g_build_filename (LK_BENCH_SOURCE_DIR, "cold-start.sh", NULL);
  g_autofree char *cache = g_dir_make_tmp ("lk-bench-cache-XXXXXX", NULL);

  /* Caches persist across the runs, as for an app that has started before on this desktop;
   * one start that is not counted warms them (Mesa's shader cache is ~1.2 s on llvmpipe). */
  if (cache != NULL)
    g_setenv ("LK_BENCH_CACHE_DIR", cache, TRUE);
  for (guint i = 0; i <= runs; i++)
    for (guint hook = 0; hook < 2; hook++)
      {
        const char *argv[] = { "sh", script, bench->self_path, "--child",
                               hook == 0 ? "cold-frame" : "cold-result", "--url", latchkey, NULL };

        if (!measure_argv (bench, i == 0 ? "warm-up" : "cold", argv))
          break;
      }
  g_unsetenv ("LK_BENCH_CACHE_DIR");
  if (cache != NULL)
    {
      const char *rm[] = { "rm", "-rf", cache, NULL };
      g_autoptr(GSubprocess) remove = g_subprocess_newv (rm, G_SUBPROCESS_FLAGS_NONE, NULL);

      if (remove != NULL)
        g_subprocess_wait (remove, NULL, NULL);
    }
}

/* --- the window with every device ----------------------------------------------------------- */

/* One run of lk-bench-window-child (next to this program) in a private X server: it prints
 * one JSON line with the stalls, frame times and memory of each phase. */
static gboolean
measure_window (Bench *bench)
{
  g_autofree char *script = g_build_filename (LK_BENCH_SOURCE_DIR, "cold-start.sh", NULL);
  g_autofree char *dir = g_path_get_dirname (bench->self_path);
  g_autofree char *child = g_build_filename (dir, "lk-bench-window-child", NULL);
  g_autofree char *devices = g_strdup_printf ("%u", bench->n_devices);
  const char *argv[] = { "sh", script, child, "--url", bench->graph_url, "--devices", devices, NULL };

  return measure_argv (bench, "window", argv);
}

gboolean
lk_bench_window_measure (Bench      *bench,
                         const char *latchkey,
                         guint       runs,
                         gboolean    cold_start,
                         gboolean    window)
{
  g_autofree char *schemas = g_build_filename (g_getenv ("GSETTINGS_SCHEMA_DIR"), "gschemas.compiled", NULL);
  gboolean ok = TRUE;

  if ((cold_start || window) && (!have_program ("xvfb-run") || !g_file_test (schemas, G_FILE_TEST_EXISTS)))
    {
      g_printerr ("lk-bench: no compiled schemas or xvfb-run: no window\n");
      return TRUE;
    }
  for (guint i = 0; window && ok && i < runs; i++)
    {
      g_printerr ("lk-bench: the window with %u devices, run %u of %u\n", bench->n_devices, i + 1, runs);
      ok = measure_window (bench);
    }
  if (!cold_start)
    return ok;
  if (latchkey == NULL)
    latchkey = LK_BENCH_LATCHKEY;
  if (!g_file_test (latchkey, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("lk-bench: no GUI binary: no start of the window\n");
      return ok;
    }
  g_printerr ("lk-bench: cold start of %s\n", latchkey);
  measure_cold_start (bench, latchkey, runs);
  return ok;
}

/* --- the report ------------------------------------------------------------------------------ */

static void
report_phase (Bench      *bench,
              const char *title,
              const char *phase)
{
  g_autofree char *stall = g_strdup_printf ("%s_max_stall_ms", phase);
  g_autofree char *cpu = g_strdup_printf ("%s_max_stall_cpu_ms", phase);
  g_autofree char *p99 = g_strdup_printf ("%s_p99_frame_ms", phase);
  g_autofree char *frames = g_strdup_printf ("%s_frames", phase);
  g_autofree char *seconds = g_strdup_printf ("%s_seconds", phase);

  printf ("  %s\n", title);
  show (bench, "  longest main-loop stall", "window", stall, "ms", 1);
  show (bench, "    main-thread CPU inside it", "window", cpu, "ms", 1);
  show (bench, "  p99 frame (frame clock: update to painted)", "window", p99, "ms", 1);
  show (bench, "  frames", "window", frames, "", 1);
  show (bench, "  duration", "window", seconds, "s", 1);
}

void
lk_bench_window_report (Bench *bench)
{
  printf ("\nStreaming into the window's list model, then the ranked list (1 ms probe on the main context)\n");
  show (bench, "longest main-loop stall", "stall", "max_stall_ms", "ms", 1);
  show (bench, "  main-thread CPU inside that stall", "stall", "max_stall_cpu_ms", "ms", 1);
  show (bench, "  when it happened", "stall", "max_stall_at_seconds", "s", 1);
  show (bench, "listing time with the probe and the store", "stall", "seconds", "s", 1);

  if (g_hash_table_contains (bench->samples, "window/devices"))
    {
      printf ("\nThe window (LkWindow under Xvfb) with every device: 1 ms probe, frame clock\n");
      show (bench, "devices shown after the listing", "window", "devices", "", 1);
      report_phase (bench, "streaming and ranking every device", "stream");
      report_phase (bench, "platform filter toggled off and on (twice)", "filter");
      report_phase (bench, "typing a query (the listed devices dropped)", "query");
      report_phase (bench, "scrolling: a flick (a third of a screen a frame)", "scroll");
      report_phase (bench, "scrolling: the scrollbar dragged (a jump a frame)", "jump");
      show (bench, "held memory per device (malloc in use)", "window", "held_bytes_per_device", "B", 1);
      show (bench, "RSS per device (after the listing)", "window", "rss_bytes_per_device", "B", 1);
    }

  printf ("\nStart of latchkey --demo under Xvfb, not running before, caches warm (from main() / from exec)\n");
  show (bench, "to the first painted frame, empty caches (1 run)", "warm-up", "first_frame_seconds", "s", 1);
  show (bench, "to the first painted frame", "cold", "first_frame_seconds", "s", 1);
  show (bench, "  from exec", "cold", "first_frame_wall_seconds", "s", 1);
  show (bench, "to the first search result", "cold", "first_result_seconds", "s", 1);
  show (bench, "  from exec", "cold", "first_result_wall_seconds", "s", 1);
}

void
lk_bench_window_report_goals (Bench *bench)
{
  static const char *keys[][2] = {
    { "stall", "max_stall_ms" },
    { "window", "stream_max_stall_ms" }, { "window", "stream_p99_frame_ms" },
    { "window", "filter_max_stall_ms" }, { "window", "filter_p99_frame_ms" },
    { "window", "query_max_stall_ms" }, { "window", "query_p99_frame_ms" },
    { "window", "scroll_max_stall_ms" }, { "window", "scroll_p99_frame_ms" },
    { "window", "jump_max_stall_ms" }, { "window", "jump_p99_frame_ms" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *label = g_strdup_printf ("worst %s %s", keys[i][0], keys[i][1]);
      Stats s;

      if (stats (bench, keys[i][0], keys[i][1], &s))
        printf ("  %-48s %12.2f ms      goal ≤ 16 ms in every run: %s\n", label, s.max,
                s.max <= 16 ? "met" : "NOT MET");
    }
}

/* --check: the window showed every device after its listing. */
gboolean
lk_bench_window_check (Bench *bench)
{
  Stats s;

  if (!stats (bench, "window", "devices", &s))
    return TRUE;
  if (s.min != bench->n_devices || s.max != bench->n_devices)
    {
      g_printerr ("lk-bench: check: the window showed %g–%g devices, expected %u\n", s.min, s.max,
                  bench->n_devices);
      return FALSE;
    }
  return TRUE;
}
