/* lk-gl-choice.c: no GL without a GPU.
 *
 * Without a GPU, GL is Mesa drawing on the CPU: loading it (LLVM) took half of the start (first
 * frame 0.72 s → 0.27 s, README "Performance"), and GTK's cairo renderer draws this window
 * faster anyway. GTK 4.8 takes the choice only from the environment, and setenv() is not
 * thread-safe, so this runs first in main(), before anything can start a thread; it is never
 * undone (that would be after threads exist): the browser a sign-in opens is launched without
 * it instead (lk-browser-flow.c).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lk-gl-choice.h"

/* TRUE when the kernel shows a GPU (a DRM render node or card) to this process. */
static gboolean
has_gpu (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/dev/dri", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD") || g_str_has_prefix (name, "card"))
      return TRUE;
  return FALSE;
}

void
lk_gl_choice_init (void)
{
  /* The user's own choice stands. */
  if (g_getenv ("GDK_DEBUG") == NULL && g_getenv ("GSK_RENDERER") == NULL && !has_gpu ())
    g_setenv ("GDK_DEBUG", LK_GL_CHOICE_GDK_DEBUG, TRUE);
}
