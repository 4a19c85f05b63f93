/* lk-sandbox-serve.c: the sandbox in a process of its own, for benchmarks.
 *
 *   lk-sandbox-serve N_DEVICES [LATENCY_MS] [--next-link-first] [--full-devices [--ignore-select]]
 *
 * --full-devices: every device a full managedDevice (every documented member, ~3.5–4 kB),
 * still trimmed by $select as Graph does; --ignore-select: sent whole whatever the $select,
 * as the fake Graph of issue 18's benchmark did (real Graph honours $select).
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

#include "lk-sandbox.h"

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
  printf ("%s %s\n", graph_url, token);
  fflush (stdout);
  while (fgets (buffer, sizeof buffer, stdin) != NULL)
    ;
  lk_sandbox_stop (sandbox);
  return 0;
}
