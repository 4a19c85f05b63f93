/* lk-bench-private.h: what lk-bench.c (the driver, the listing and CLI rows) shares with
 * lk-bench-window.c (the window's rows and its start). */
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
gboolean    have_program (const char         *name);

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
