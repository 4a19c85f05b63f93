/* lk-reset-wizard.h: remove or reset a passcode — a wizard that cannot be misfired.
 *
 * Device → what will happen → type the device name → sent exactly once → tracking → result.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-action-tracker.h"

G_BEGIN_DECLS

#define LK_TYPE_RESET_WIZARD (lk_reset_wizard_get_type ())
G_DECLARE_FINAL_TYPE (LkResetWizard, lk_reset_wizard, LK, RESET_WIZARD, AdwWindow)

/* NULL when the device's capability offers no action: there is no wizard to misfire.
 * @granted_scopes: the account's scopes, or NULL when unknown (then nothing is blocked). */
LkResetWizard   *lk_reset_wizard_new         (LkGraphClient   *client,
                                              LkDevice        *device,
                                              LkActionHistory *history,
                                              const char      *admin,
                                              const char      *tenant,
                                              const char      *granted_scopes,
                                              GtkWindow       *parent);
/* Reopens a running action's tracking (from the device page, after the wizard was closed). */
LkResetWizard   *lk_reset_wizard_new_for_tracker (LkGraphClient   *client,
                                                  LkActionTracker *tracker,
                                                  GtkWindow       *parent);
/* The open wizard that shows @tracker, or NULL when it was closed. */
LkResetWizard   *lk_reset_wizard_find_for_tracker (LkActionTracker *tracker);
/* The tracker once the action was confirmed, else NULL. */
LkActionTracker *lk_reset_wizard_get_tracker (LkResetWizard   *self);
/* "device", "explain", "confirm", "tracking" or "result". */
const char      *lk_reset_wizard_get_page    (LkResetWizard   *self);

/* How long a copied passcode stays on the clipboard (default 60 s); tests shorten it. */
void             lk_reset_wizard_set_clipboard_timeout (LkResetWizard *self,
                                                        guint          ms);

G_END_DECLS
