/* lk-clipboard.h: copying a secret so that it does not stay on the clipboard.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Puts @secret on @widget's clipboard and takes it off again after @clear_ms, unless the
 * clipboard holds something else by then (never wipe what the admin copied since). */
void lk_clipboard_set_secret (GtkWidget  *widget,
                              const char *secret,
                              guint       clear_ms);

G_END_DECLS
