/* lk-account-manager.h: the signed-in accounts (a GListModel of LkAccount).
 *
 * Loads accounts from the keyring, signs in (browser PKCE or device code) and out, and keeps
 * the active account. Without a usable keyring it runs "session-only": accounts live in
 * memory and are gone when the app quits; secrets are never written anywhere else.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-account.h"
#include "lk-cloud.h"
#include "lk-open-uri.h"
#include "lk-token-store.h"

G_BEGIN_DECLS

typedef struct
{
  LkCloud  cloud;
  char    *authority;   /* the cloud's, or the custom one */
  char    *graph_url;
  char    *tenant;      /* tenant id, domain, or "organizations" */
  char    *client_id;
} LkSignInConfig;

/* @custom_authority/@custom_graph_url are used only for LK_CLOUD_CUSTOM. */
LkSignInConfig *lk_sign_in_config_new  (LkCloud     cloud,
                                        const char *custom_authority,
                                        const char *custom_graph_url,
                                        const char *tenant,
                                        const char *client_id);
/* Where @account signed in: its authority, Graph URL, tenant id, client id and cloud. */
LkSignInConfig *lk_sign_in_config_new_for_account (LkAccount *account);
void            lk_sign_in_config_free (LkSignInConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkSignInConfig, lk_sign_in_config_free)

#define LK_TYPE_ACCOUNT_MANAGER (lk_account_manager_get_type ())
G_DECLARE_FINAL_TYPE (LkAccountManager, lk_account_manager, LK, ACCOUNT_MANAGER, GObject)

LkAccountManager *lk_account_manager_new                (void);

/* The browser opener for sign_in_browser (default: the system browser / OpenURI portal). */
void              lk_account_manager_set_open_uri_func  (LkAccountManager *self,
                                                         LkOpenUriFunc     func,
                                                         gpointer          user_data,
                                                         GDestroyNotify    destroy);
void              lk_account_manager_set_store_flags    (LkAccountManager *self,
                                                         LkTokenStoreFlags flags);
/* Keeps the demo tenant's accounts apart from real ones; call before load. @client_id is the
 * demo's app registration. Without @authority (a real session) demo accounts are never
 * listed. With the running demo sandbox's @authority and @graph_url only demo accounts are
 * listed, pointed there whatever port it has, and sign-ins are saved as demo accounts. Either
 * way load deletes what earlier versions saved for the demo (that client id on a loopback
 * authority, tied to a port long gone). */
void              lk_account_manager_set_demo           (LkAccountManager *self,
                                                         const char       *client_id,
                                                         const char       *authority,
                                                         const char       *graph_url);

gboolean          lk_account_manager_get_session_only   (LkAccountManager *self);
/* Callers switch this on when the user accepts a session-only sign-in. */
void              lk_account_manager_set_session_only   (LkAccountManager *self,
                                                         gboolean          session_only);
/* Why the manager went session-only (KEYRING_UNAVAILABLE/LOCKED), or NULL. */
const GError     *lk_account_manager_get_keyring_error  (LkAccountManager *self);

LkAccount        *lk_account_manager_get_active_account (LkAccountManager *self);
void              lk_account_manager_set_active_account (LkAccountManager *self,
                                                         LkAccount        *account);
LkAccount        *lk_account_manager_find_account       (LkAccountManager *self,
                                                         const char       *key);

/* Reads the keyring. On KEYRING_UNAVAILABLE/LOCKED the manager turns session-only and
 * the error is returned so the UI can say so. */
void              lk_account_manager_load_async   (LkAccountManager    *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean          lk_account_manager_load_finish  (LkAccountManager    *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* Both end with the account stored (or, if the keyring fails, kept session-only: see
 * lk_account_get_session_only()) and active. */
void              lk_account_manager_sign_in_browser_async      (LkAccountManager     *self,
                                                                 const LkSignInConfig *config,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
LkAccount        *lk_account_manager_sign_in_browser_finish     (LkAccountManager     *self,
                                                                 GAsyncResult         *result,
                                                                 GError              **error);
/* Browser sign-in: @keep_waiting keeps listening when no browser could be opened (the CLI
 * prints the address instead); @patience_ms and @timeout_ms as in LkBrowserFlow (0: its
 * defaults). The flow's "waiting" and "still-waiting" are relayed as "browser-waiting"
 * (authorize_uri, browser_error or NULL) and "browser-still-waiting" (seconds_left). */
void              lk_account_manager_set_browser_options (LkAccountManager *self,
                                                          gboolean          keep_waiting,
                                                          guint             patience_ms,
                                                          guint             timeout_ms);
/* Emits "device-code" (user_code, verification_uri, message) for the UI/CLI to show. */
void              lk_account_manager_sign_in_device_code_async  (LkAccountManager     *self,
                                                                 const LkSignInConfig *config,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
LkAccount        *lk_account_manager_sign_in_device_code_finish (LkAccountManager     *self,
                                                                 GAsyncResult         *result,
                                                                 GError              **error);

/* Incremental consent: makes sure @account may use the delegated permissions in @scopes
 * (space-separated, e.g. "BitLockerKey.Read.All"), asked for only when a feature first needs
 * them. Already granted: returns @account at once. Otherwise emits "consent-needed" (account,
 * the "Latchkey needs permission to …" sentence) and signs the same account in again in the
 * browser — same tenant, client id and cloud, named by login_hint — asking for what it had
 * plus @scopes; the account that comes back replaces @account. Refused: LK_AUTH_ERROR_ACCESS_DENIED
 * (or Entra's error) and @account stays as it was. */
void              lk_account_manager_request_scopes_async  (LkAccountManager    *self,
                                                            LkAccount           *account,
                                                            const char          *scopes,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
LkAccount        *lk_account_manager_request_scopes_finish (LkAccountManager    *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

/* Deletes the keyring item, wipes the tokens, removes the account from the model. */
void              lk_account_manager_sign_out_async  (LkAccountManager    *self,
                                                      LkAccount           *account,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean          lk_account_manager_sign_out_finish (LkAccountManager    *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
