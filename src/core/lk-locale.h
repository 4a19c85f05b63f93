/* lk-locale.h: the locale and the translations, for both programs.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* setlocale() and the text domain. A program run from its meson build tree (build-aux/demo.sh,
 * `LANGUAGE=it _build/src/ui/latchkey --demo`) reads the catalogues built there, which the
 * install prefix does not hold yet; an installed one reads LOCALEDIR. */
void  lk_locale_init        (void);
/* The folder lk_locale_init() bound the text domain to, for @exe_path (NULL: this process). */
char *lk_locale_dir_for_exe (const char *exe_path);

G_END_DECLS
