/* lk-account-manager-private.h: the manager's HTTP session, for the services and tests that
 * speak to the identity platform themselves.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "lk-account-manager.h"
#include "lk-token-store.h"

G_BEGIN_DECLS

SoupSession      *lk_account_manager_get_session        (LkAccountManager *self);

/* What lk-account-manager.c and lk-account-manager-sign-in.c share. */
struct _LkAccountManager
{
  GObject            parent_instance;

  SoupSession       *session;
  GPtrArray         *accounts;        /* LkAccount */
  LkAccount         *active;
  gboolean           session_only;
  GError            *keyring_error;
  LkTokenStoreFlags  store_flags;
  char              *demo_client_id;
  char              *demo_authority;  /* non-NULL: this is a --demo session */
  char              *demo_graph_url;

  gboolean           keep_waiting;
  guint              patience_ms;
  guint              timeout_ms;

  LkOpenUriFunc      open_uri;
  gpointer           open_uri_data;
  GDestroyNotify     open_uri_destroy;

  GCancellable      *cancellable;     /* cancelled in dispose */
};

enum
{
  DEVICE_CODE,
  CONSENT_NEEDED,
  BROWSER_WAITING,
  BROWSER_STILL_WAITING,
  LK_ACCOUNT_MANAGER_N_SIGNALS
};

extern guint lk_account_manager_signals[LK_ACCOUNT_MANAGER_N_SIGNALS];

LkSignInConfig *lk_account_manager_sign_in_config_copy (const LkSignInConfig *config);
void lk_account_manager_add_account (LkAccountManager *self, LkAccount *account);
void lk_account_manager_remember_keyring_error (LkAccountManager *self, const GError *error);
gboolean lk_account_manager_is_keyring_error (const GError *error);

G_END_DECLS
