/* lk-sign-in-dialog.h: sign in to a tenant — browser (PKCE) first, a device code as fallback.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-account-manager.h"

G_BEGIN_DECLS

#define LK_TYPE_SIGN_IN_DIALOG (lk_sign_in_dialog_get_type ())
G_DECLARE_FINAL_TYPE (LkSignInDialog, lk_sign_in_dialog, LK, SIGN_IN_DIALOG, AdwWindow)

/* Emits "signed-in" (LkAccount *) and closes once an account is signed in. Starts from
 * @settings (the application's, lk_application_get_settings()) and saves what was used there. */
LkSignInDialog *lk_sign_in_dialog_new (LkAccountManager *accounts,
                                       GSettings        *settings,
                                       GtkWindow        *parent);

G_END_DECLS
