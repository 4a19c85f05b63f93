/* lk-locale.c: the locale and the translations, for both programs.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "lk-locale.h"

char *
lk_locale_dir_for_exe (const char *exe_path)
{
  g_autofree char *own = exe_path == NULL ? g_file_read_link ("/proc/self/exe", NULL) : NULL;
  g_autofree char *bin_dir = NULL;
  g_autofree char *root = NULL;
  g_autofree char *marker = NULL;

  if (exe_path == NULL)
    exe_path = own;
  if (exe_path == NULL)
    return g_strdup (LOCALEDIR);
  /* The programs are built in src/ui and src/cli of the build tree, whose root meson marks with
   * its meson-private folder; an installed program is nowhere near one. */
  bin_dir = g_path_get_dirname (exe_path);
  root = g_build_filename (bin_dir, "..", "..", NULL);
  marker = g_build_filename (root, "meson-private", NULL);
  if (g_file_test (marker, G_FILE_TEST_IS_DIR))
    return g_build_filename (root, "po", NULL);
  return g_strdup (LOCALEDIR);
}

void
lk_locale_init (void)
{
  g_autofree char *dir = lk_locale_dir_for_exe (NULL);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
