/* lk-window-size.h: a window that opens at the size it was closed at.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Sizes @window from @settings' "window-width", "window-height" and "window-maximized" now,
 * and writes them back when it is closed. */
void lk_window_size_remember (GtkWindow *window,
                              GSettings *settings);

G_END_DECLS
