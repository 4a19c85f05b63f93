/* lk-application.h: Latchkey's application: accounts, the session, and the window.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-account-manager.h"

G_BEGIN_DECLS

#define LK_TYPE_APPLICATION (lk_application_get_type ())
G_DECLARE_FINAL_TYPE (LkApplication, lk_application, LK, APPLICATION, AdwApplication)

LkApplication    *lk_application_new          (void);
LkAccountManager *lk_application_get_accounts (LkApplication *self);
/* The one GSettings of the running program: every window and dialog reads and writes this
 * one, so a change made in Preferences is seen everywhere at once. */
GSettings        *lk_application_get_settings (LkApplication *self);
/* Connects the window to @account (NULL: signed out). */
void              lk_application_use_account  (LkApplication *self,
                                               LkAccount     *account);

/* Escape and Ctrl+W close a window of @widget_class (a dialog: the wizard, sign-in, History),
 * as the Shortcuts window advertises. */
void              lk_add_close_shortcuts      (GtkWidgetClass *widget_class);

/* Called first thing in main(): the benchmark hooks measure from here. */

G_END_DECLS
