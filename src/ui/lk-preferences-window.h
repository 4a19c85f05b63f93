/* lk-preferences-window.h: the settings an admin may change (API version, sign-in defaults,
 * clipboard delay), bound to the application's GSettings.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LK_TYPE_PREFERENCES_WINDOW (lk_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (LkPreferencesWindow, lk_preferences_window, LK, PREFERENCES_WINDOW, AdwPreferencesWindow)

LkPreferencesWindow *lk_preferences_window_new (GSettings *settings,
                                                GtkWindow *parent);

G_END_DECLS
