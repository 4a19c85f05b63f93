/* lk-bench-cli.c: lk-bench's children that time another program as an admin runs it:
 * latchkey-cli search "" into a file, and curl fetching the same pages (the floor). Each
 * prints one JSON line for the driver in lk-bench.c.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "lk-device.h"
#include "lk-bench-cli.h"

typedef struct
{
  double seconds;       /* fork to exit */
  double first_byte;    /* fork to the first byte on stdout; -1: none */
  double peak_rss_kb;   /* the kernel's, for that process alone */
  double cpu_seconds;   /* user + system, for that process alone: what the load does not move */
  double bytes;
} Timed;

/* Waits for @pid while its stdout is @out_path, noting when the file first changed (a write
 * to it) on @watch, an inotify descriptor watching it. */
static gboolean
wait_writing (pid_t          pid,
              int            watch,
              gint64         start,
              Timed         *timed,
              int           *status,
              struct rusage *usage)
{
  timed->first_byte = -1;
  for (;;)
    {
      struct pollfd fds = { watch, POLLIN, 0 };
      pid_t done = wait4 (pid, status, timed->first_byte < 0 ? WNOHANG : 0, usage);

      if (done == pid)
        return TRUE;
      if (done < 0)
        return FALSE;
      /* A write wakes this at once; the timeout only notices a child that never writes. */
      if (poll (&fds, 1, 5) > 0)
        {
          char events[4096];

          if (read (watch, events, sizeof events) > 0 && timed->first_byte < 0)
            timed->first_byte = (g_get_monotonic_time () - start) / 1e6;
        }
    }
}

/* Runs @argv with @input (small) on stdin and its stdout the file @out_path itself, as an
 * admin's `> file` does (a pipe through this program would add two copies of every byte and a
 * switch of process each 64 kB to the child's time). Called before any thread exists, so fork
 * is safe. */
static gboolean
run_timed (const char *const *argv,
           const char        *input,
           const char        *out_path,
           Timed             *timed)
{
  gint64 start;
  struct rusage usage;
  struct stat written;
  int in[2], out, watch, status;
  pid_t pid;
  gboolean waited;

  out = open (out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  watch = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
  if (out < 0 || watch < 0 || inotify_add_watch (watch, out_path, IN_MODIFY) < 0 || pipe (in) != 0)
    {
      if (out >= 0)
        close (out);
      if (watch >= 0)
        close (watch);
      return FALSE;
    }
  start = g_get_monotonic_time ();
  pid = fork ();
  if (pid == 0)
    {
      dup2 (in[0], STDIN_FILENO);
      dup2 (out, STDOUT_FILENO);
      close (in[1]);
      execvp (argv[0], (char *const *) argv);
      _exit (127);
    }
  close (in[0]);
  if (write (in[1], input, strlen (input)) < 0)
    g_printerr ("lk-bench: could not write to %s\n", argv[0]);
  close (in[1]);
  waited = pid > 0 && wait_writing (pid, watch, start, timed, &status, &usage);
  timed->seconds = (g_get_monotonic_time () - start) / 1e6;
  close (watch);
  timed->bytes = fstat (out, &written) == 0 ? (double) written.st_size : 0;
  close (out);
  if (!waited)
    return FALSE;
  timed->peak_rss_kb = usage.ru_maxrss;
  timed->cpu_seconds = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
                       + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

/* latchkey-cli as an admin runs it, its output written to a file: "json", "table" or "jsonl". */
int
lk_bench_child_cli (const char *graph_url,
                    const char *token,
                    const char *mode)
{
  const char *cli = g_getenv ("LK_BENCH_CLI") != NULL ? g_getenv ("LK_BENCH_CLI") : LK_BENCH_CLI;
  const char *flag = g_str_equal (mode, "json") ? "--json" : g_str_equal (mode, "jsonl") ? "--jsonl" : "--access-token-stdin";
  const char *argv[] = { cli, "--graph-url", graph_url, "--access-token-stdin", flag, "search", "", NULL };
  g_autofree char *input = g_strconcat (token, "\n", NULL);
  g_autofree char *out = g_build_filename (g_get_tmp_dir (), "lk-bench-cli-XXXXXX", NULL);
  Timed timed = { 0 };
  gboolean ok;
  int fd = g_mkstemp (out);

  if (fd < 0)
    return 1;
  close (fd);
  ok = run_timed (argv, input, out, &timed);
  g_unlink (out);
  if (!ok)
    {
      g_printerr ("lk-bench: %s search failed\n", cli);
      return 1;
    }
  printf ("{\"seconds\": %.4f, \"first_row\": %.4f, \"peak_rss_kb\": %.0f, \"bytes\": %.0f, "
          "\"cpu_seconds\": %.4f}\n",
          timed.seconds, timed.first_byte, timed.peak_rss_kb, timed.bytes, timed.cpu_seconds);
  return 0;
}

/* curl, the thinnest reader there is, fetching the same pages over one connection. The page
 * URLs come from a walk first (not timed): curl cannot find a nextLink itself. The token goes
 * in curl's config on stdin, never on its command line. */
int
lk_bench_child_curl (const char *graph_url,
                     const char *token)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autofree char *url = first_page_url (graph_url, LK_DEVICE_SELECT_BETA, 1000);
  g_autoptr(GString) config = g_string_new ("globoff\nsilent\nfail\n");
  const char *argv[] = { "curl", "--config", "-", NULL };
  Timed timed = { 0 };
  guint64 bytes = 0;
  guint pages = 0;

  g_string_append_printf (config, "header = \"Authorization: %s\"\n", authorization);
  while (url != NULL)
    {
      g_string_append_printf (config, "url = \"%s\"\noutput = \"/dev/null\"\n", url);
      pages++;
      if (!raw_page (session, authorization, &url, &bytes))
        return 1;
    }
  g_clear_object (&session);
  if (!run_timed (argv, config->str, "/dev/null", &timed))
    {
      g_printerr ("lk-bench: curl failed (is it installed?)\n");
      return 1;
    }
  explicit_bzero (config->str, config->len);
  /* The walk read the same bodies curl then reads: the bytes on the wire (bodies, envelopes
   * included, headers not), which say what the tenant and the $select made of each device. */
  printf ("{\"seconds\": %.4f, \"peak_rss_kb\": %.0f, \"pages\": %u, \"wire_bytes\": %" G_GUINT64_FORMAT "}\n",
          timed.seconds, timed.peak_rss_kb, pages, bytes);
  return 0;
}
