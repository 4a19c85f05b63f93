/* lk-history-window.h: the passcode actions sent from this computer, exportable as CSV.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-action-history.h"

G_BEGIN_DECLS

#define LK_TYPE_HISTORY_WINDOW (lk_history_window_get_type ())
G_DECLARE_FINAL_TYPE (LkHistoryWindow, lk_history_window, LK, HISTORY_WINDOW, AdwWindow)

LkHistoryWindow *lk_history_window_new       (LkActionHistory *history,
                                              GtkWindow       *parent);
/* Rows shown, for tests. */
guint            lk_history_window_get_n_rows (LkHistoryWindow *self);

G_END_DECLS
