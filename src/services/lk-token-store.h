/* lk-token-store.h: accounts and their refresh tokens in the keyring (libsecret).
 *
 * Schema "io.github.latchkey.Account"; attributes authority, tenant, client-id, username,
 * graph-url (never a secret); the secret is a small JSON blob with the refresh token. There
 * is no plaintext fallback: without a usable keyring the errors are
 * LK_AUTH_ERROR_KEYRING_UNAVAILABLE or LK_AUTH_ERROR_KEYRING_LOCKED and callers offer a
 * session-only sign-in.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  /* attributes: identify the item */
  char *authority;
  char *tenant;          /* the tenant id (GUID) the account signed in to */
  char *client_id;
  char *username;
  char *graph_url;
  /* in the secret */
  char *refresh_token;   /* secret: wiped on free */
  char *tenant_id;
  char *home_account_id; /* "oid.tid" when the id_token had both, else NULL */
  char *scopes;
  char *cloud;           /* LkCloud nick */
  /* The demo tenant's: saved with LK_TOKEN_STORE_DEMO_ENDPOINT as authority and graph-url,
   * which come back NULL from load (the sandbox's port changes from run to run). */
  gboolean demo;
} LkStoredAccount;

#define LK_TOKEN_STORE_DEMO_ENDPOINT "latchkey:demo"

LkStoredAccount *lk_stored_account_new  (void);
LkStoredAccount *lk_stored_account_copy (const LkStoredAccount *account);
void             lk_stored_account_free (LkStoredAccount       *account);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkStoredAccount, lk_stored_account_free)

typedef enum
{
  LK_TOKEN_STORE_FLAGS_NONE      = 0,
  /* Do not ask to unlock a locked collection: report LK_AUTH_ERROR_KEYRING_LOCKED instead. */
  LK_TOKEN_STORE_FLAGS_NO_PROMPT = 1 << 0,
} LkTokenStoreFlags;

/* Creates or replaces (same attributes) the item. The rotated refresh token is therefore
 * swapped atomically by the Secret Service. */
void       lk_token_store_save_async      (const LkStoredAccount *account,
                                           GCancellable          *cancellable,
                                           GAsyncReadyCallback    callback,
                                           gpointer               user_data);
gboolean   lk_token_store_save_finish     (GAsyncResult          *result,
                                           GError               **error);

/* Every Latchkey account (element-type LkStoredAccount). Items whose secret is unreadable
 * are skipped; if every item is locked the error is LK_AUTH_ERROR_KEYRING_LOCKED. */
void       lk_token_store_load_all_async  (LkTokenStoreFlags      flags,
                                           GCancellable          *cancellable,
                                           GAsyncReadyCallback    callback,
                                           gpointer               user_data);
GPtrArray *lk_token_store_load_all_finish (GAsyncResult          *result,
                                           GError               **error);

void       lk_token_store_delete_async    (const LkStoredAccount *account,
                                           GCancellable          *cancellable,
                                           GAsyncReadyCallback    callback,
                                           gpointer               user_data);
gboolean   lk_token_store_delete_finish   (GAsyncResult          *result,
                                           GError               **error);

/* Maps a libsecret/D-Bus error to LK_AUTH_ERROR_KEYRING_*; cancellation stays as it is. */
GError    *lk_token_store_map_error       (const GError          *error);

G_END_DECLS
