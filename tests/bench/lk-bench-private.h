/* lk-bench-private.h: what lk-bench's files share: lk-bench.c (the driver),
 * lk-bench-children.c (what its children measure), lk-bench-report.c (the statistics, the
 * table and --check) and lk-bench-window.c (the window's rows and its start).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TOKEN_ENV "LK_BENCH_TOKEN"

typedef struct
{
  char       *self_path;
  char       *graph_url;
  char       *token;
  /* A second sandbox that writes each page's @odata.nextLink before "value" (Graph writes it
   * after): the listing rows are measured against both. */
  char       *graph_url_first;
  char       *token_first;
  GHashTable *samples;   /* "series/key" -> GArray of double */
  /* --tenant: "lean" (the ~21 members Latchkey reads), "full" (every documented member,
   * trimmed by $select as Graph does) or "full-ignore-select" (issue 18's fake Graph). */
  const char *tenant;
  guint       latency_ms;
  guint       n_devices;
} Bench;

typedef struct
{
  double median, min, max, q1, q3;
  guint  n;
} Stats;

/* lk-bench.c */
void        record       (Bench              *bench,
                          const char         *series,
                          const char         *key,
                          double              value);
JsonObject *run_json     (Bench              *bench,
                          const char         *cwd,
                          const char * const *argv);
gboolean    measure_argv (Bench              *bench,
                          const char         *series,
                          const char * const *argv);
gboolean    have_program (const char         *name);

/* lk-bench-children.c: "--child MODE", the measurement one child makes. */
int         child_main   (const char         *mode,
                          const char         *graph_url,
                          const char         *text);

/* lk-bench-report.c */
gboolean    stats        (Bench              *bench,
                          const char         *series,
                          const char         *key,
                          Stats              *out);
double      show         (Bench              *bench,
                          const char         *label,
                          const char         *series,
                          const char         *key,
                          const char         *unit,
                          double              scale);
void        report       (Bench              *bench,
                          guint               n_devices,
                          guint               runs,
                          char              **picked);
gboolean    check        (Bench              *bench,
                          guint               n_devices,
                          gboolean            cli_rows,
                          gboolean            breakdown);

/* lk-bench-window.c */
int      lk_bench_window_child_cold   (const char *hook,
                                       const char *latchkey);
gboolean lk_bench_window_measure      (Bench      *bench,
                                       const char *latchkey,
                                       guint       runs,
                                       gboolean    cold_start,
                                       gboolean    window);
void     lk_bench_window_report       (Bench      *bench);
void     lk_bench_window_report_goals (Bench      *bench);
gboolean lk_bench_window_check        (Bench      *bench);

G_END_DECLS
