/* main.c: latchkey, the window.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "lk-application.h"
#include "lk-bench-hooks.h"
#include "lk-gl-choice.h"
#include "lk-locale.h"
#include "lk-memory.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LkApplication) app = NULL;

  lk_bench_hooks_mark_start ();
  lk_gl_choice_init ();
  lk_memory_init ();
  lk_locale_init ();

  app = lk_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
