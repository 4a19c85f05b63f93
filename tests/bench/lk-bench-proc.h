/* lk-bench-proc.h: what a benchmark child reads of itself: /proc/self/status fields and precise
 * CPU times. Shared by lk-bench's children and lk-bench-window-child.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>
#include <time.h>
#include <glib.h>

G_GNUC_UNUSED static gint64
status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, field);
  return line != NULL ? g_ascii_strtoll (line + strlen (field), NULL, 10) : -1;
}

/* Precise, unlike getrusage()'s tick-sampled times. */
G_GNUC_UNUSED static double
process_cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

G_GNUC_UNUSED static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}
