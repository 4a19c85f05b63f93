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
 *
 * This file is the driver: the sandbox, the rounds of children and the peer. What the children
 * measure is in lk-bench-children.c (the CLI and curl ones in lk-bench-cli.c), the statistics,
 * the table and --check in lk-bench-report.c, the window's rows in lk-bench-window.c.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lk-bench-private.h"

#define CHILD_TIMEOUT_S 600

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

/* The sandbox in a process of its own: "GRAPH_URL TOKEN" on its first line, once its pages are
 * rendered (lk-sandbox-serve.c); it serves until its standard input closes. */
static GSubprocess *
spawn_server (Bench     *bench,
              guint      n_devices,
              guint      latency_ms,
              gboolean   next_link_first,
              GError   **error)
{
  g_autofree char *dir = g_path_get_dirname (bench->self_path);
  g_autofree char *serve = g_build_filename (dir, "lk-sandbox-serve", NULL);
  g_autofree char *count = g_strdup_printf ("%u", n_devices);
  g_autofree char *latency = g_strdup_printf ("%u", latency_ms);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, serve);
  g_ptr_array_add (argv, count);
  g_ptr_array_add (argv, latency);
  if (next_link_first)
    g_ptr_array_add (argv, "--next-link-first");
  if (g_str_has_prefix (bench->tenant, "full"))
    g_ptr_array_add (argv, "--full-devices");
  if (g_str_equal (bench->tenant, "full-ignore-select"))
    g_ptr_array_add (argv, "--ignore-select");
  g_ptr_array_add (argv, NULL);
  return g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, error);
}

/* Waits for @process's first line and keeps its URL and token. */
static gboolean
server_ready (Bench        *bench,
              GSubprocess  *process,
              gboolean      next_link_first,
              GError      **error)
{
  g_autoptr(GDataInputStream) input = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_autofree char *line = g_data_input_stream_read_line (input, NULL, NULL, error);
  char *space;

  if (line == NULL || (space = strchr (line, ' ')) == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "lk-sandbox-serve did not start");
      g_subprocess_force_exit (process);
      return FALSE;
    }
  *space = '\0';
  *(next_link_first ? &bench->graph_url_first : &bench->graph_url) = g_strdup (line);
  *(next_link_first ? &bench->token_first : &bench->token) = g_strdup (space + 1);
  explicit_bzero (space + 1, strlen (space + 1));
  return TRUE;
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
  if (json_object_has_member (result, "base_rss_kb"))
    record (bench, series, "base_rss_kb", json_object_get_double_member (result, "base_rss_kb"));
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
  g_autofree char *tenant = NULL;
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
    { "tenant", 0, 0, G_OPTION_ARG_STRING, &tenant, "lean (the default: the members Latchkey reads), full (every documented managedDevice member, ~4 kB; $select honoured as Graph does) or full-ignore-select (full devices whatever the $select, as issue 18's fake Graph)", "KIND" },
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
  if (tenant != NULL && !g_str_equal (tenant, "lean") && !g_str_equal (tenant, "full")
      && !g_str_equal (tenant, "full-ignore-select"))
    {
      g_printerr ("lk-bench: --tenant is lean, full or full-ignore-select\n");
      return 2;
    }
  bench.tenant = tenant != NULL ? tenant : "lean";

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

  g_printerr ("lk-bench: generating %d devices (%s tenant) and rendering their pages...\n", n_devices, bench.tenant);
  /* Both at once: each renders its pages before it answers (lk-sandbox-serve.c). */
  server = spawn_server (&bench, (guint) n_devices, (guint) latency_ms, FALSE, &error);
  if (server != NULL)
    server_first = spawn_server (&bench, (guint) n_devices, (guint) latency_ms, TRUE, &error);
  if (server == NULL || server_first == NULL || !server_ready (&bench, server, FALSE, &error)
      || !server_ready (&bench, server_first, TRUE, &error))
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
