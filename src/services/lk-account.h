/* lk-account.h: one signed-in account; an LkTokenProvider that refreshes from the keyring.
 *
 * The access token lives only in memory (wiped on finalize). Tokens are refreshed 5 minutes
 * before expiry, one refresh at a time (concurrent callers wait for the one in flight); a
 * rotated refresh token is saved to the keyring before the old one is dropped; invalid_grant
 * marks the account "needs-sign-in" and removes its keyring item.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-cloud.h"
#include "lk-token-provider.h"
#include "lk-token-store.h"

G_BEGIN_DECLS

#define LK_TYPE_ACCOUNT (lk_account_get_type ())
G_DECLARE_FINAL_TYPE (LkAccount, lk_account, LK, ACCOUNT, GObject)

/* "authority|tenant|client-id|username": stable, never secret (GSettings active-account). */
const char *lk_account_get_key          (LkAccount *self);
const char *lk_account_get_username     (LkAccount *self);
const char *lk_account_get_tenant_id    (LkAccount *self);
const char *lk_account_get_authority    (LkAccount *self);
const char *lk_account_get_client_id    (LkAccount *self);
LkCloud     lk_account_get_cloud        (LkAccount *self);
const char *lk_account_get_graph_url    (LkAccount *self);
/* TRUE for an account of the built-in demo tenant (kept apart from real ones). */
gboolean    lk_account_get_demo         (LkAccount *self);
/* Space-separated, as granted by the last token answer. */
const char *lk_account_get_scopes       (LkAccount *self);
/* TRUE when @scope (e.g. LK_SCOPE_PRIVILEGED) was granted. */
gboolean    lk_account_has_scope        (LkAccount  *self,
                                         const char *scope);
gboolean    lk_account_get_session_only (LkAccount *self);
gboolean    lk_account_get_needs_sign_in (LkAccount *self);
/* The keyring view, with the current refresh token (a copy: free it). */
LkStoredAccount *lk_account_dup_stored  (LkAccount *self);

/* Drops every token from memory (sign-out). */
void        lk_account_wipe_tokens      (LkAccount *self);

/* Tests: how long before expiry to refresh (default 300 s). */
void        lk_account_set_refresh_margin (LkAccount *self,
                                           guint      seconds);

G_END_DECLS
