/* lk-account-private.h: making an LkAccount, which takes transport types the UI never sees
 * (the account manager, and tests).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "lk-account.h"
#include "lk-oidc.h"

G_BEGIN_DECLS

/* @stored: the keyring view (copied). @session_only: never touch the keyring. */
LkAccount  *lk_account_new              (SoupSession           *session,
                                         const LkStoredAccount *stored,
                                         gboolean               session_only);
/* Seeds the access token obtained at sign-in (@response's tokens are copied). */
void        lk_account_set_tokens       (LkAccount             *self,
                                         const LkTokenResponse *response);

G_END_DECLS
