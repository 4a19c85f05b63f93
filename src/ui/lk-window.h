/* lk-window.h: the main window: search, results with capability badges, the device page.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-action-tracker.h"
#include "lk-graph-client.h"

G_BEGIN_DECLS

#define LK_TYPE_WINDOW (lk_window_get_type ())
G_DECLARE_FINAL_TYPE (LkWindow, lk_window, LK, WINDOW, AdwApplicationWindow)

LkWindow      *lk_window_new               (GtkApplication *application);

/* The client searches go through; NULL shows the "not signed in" page. */
LkGraphClient *lk_window_get_client        (LkWindow      *self);
void           lk_window_set_client        (LkWindow      *self,
                                            LkGraphClient *client);
/* Shows the demo-tenant banner; an empty search then lists every device. */
void           lk_window_set_demo          (LkWindow      *self,
                                            gboolean       demo);
/* e.g. "giulia.bianchi@contoso.com" under the title. */
void           lk_window_set_account_label (LkWindow      *self,
                                            const char    *label);
/* Shows "Signing in…" until a client is set (or a sign-in error). */
void           lk_window_show_connecting   (LkWindow      *self);
void           lk_window_show_error        (LkWindow      *self,
                                            const GError  *error);
void           lk_window_add_toast         (LkWindow      *self,
                                            const char    *message);
/* The toast for a finished action (lk_toast_new_for_tracker()). */
void           lk_window_add_tracker_toast (LkWindow        *self,
                                            LkActionTracker *tracker);

/* Puts @text in the search entry and searches at once (no debounce). */
void           lk_window_search            (LkWindow      *self,
                                            const char    *text);
/* The devices shown (after the platform/ownership filters), element-type LkDevice. */
GListModel    *lk_window_get_results       (LkWindow      *self);
/* The visible state: "signed-out", "connecting", "empty", "searching", "no-results",
 * "error", "throttled", "offline" or "results". For tests and accessibility checks. */
const char    *lk_window_get_state         (LkWindow      *self);
/* The stack of state pages ("results" once devices show), for the benchmark hook. */
GtkStack      *lk_window_get_stack         (LkWindow      *self);
/* The primary menu's account switcher, filled by the application. */
GMenu         *lk_window_get_accounts_menu (LkWindow      *self);
/* Opens the device page. */
void           lk_window_show_device       (LkWindow      *self,
                                            LkDevice      *device);

G_END_DECLS
