/* test-account.c: LkAccount as a token provider (session-only, no keyring needed): refresh,
 * rotation, one refresh at a time, force refresh after a 401, invalid_grant; and the
 * manager's sign-in paths.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lk-account-manager-private.h"
#include "lk-device-code-flow.h"
#include "test-identity-common.h"

typedef struct
{
  LkSandbox        *sandbox;
  LkAccountManager *manager;
  LkSignInConfig   *config;
  FakeBrowser      *browser;
  LkAccount        *account;
} Fixture;

static LkAccount *
sign_in_browser (LkAccountManager *manager, LkSignInConfig *config, GError **error)
{
  AsyncWait w = { 0 };
  LkAccount *account;

  lk_account_manager_sign_in_browser_async (manager, config, NULL, async_wait_cb, &w);
  account = lk_account_manager_sign_in_browser_finish (manager, async_wait (&w), error);
  g_object_unref (w.result);
  return account;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *authority = NULL;
  g_autofree char *graph = NULL;
  g_autoptr(GError) error = NULL;

  f->sandbox = start_sandbox ();
  authority = lk_sandbox_get_authority_url (f->sandbox);
  graph = lk_sandbox_get_graph_url (f->sandbox);
  f->config = lk_sign_in_config_new (LK_CLOUD_CUSTOM, authority, graph,
                                     lk_sandbox_get_tenant_id (f->sandbox),
                                     lk_sandbox_get_client_id (f->sandbox));
  f->manager = lk_account_manager_new ();
  lk_account_manager_set_session_only (f->manager, TRUE);
  f->browser = fake_browser_new (BROWSER_NORMAL);
  lk_account_manager_set_open_uri_func (f->manager, fake_browser_open, f->browser, NULL);

  f->account = sign_in_browser (f->manager, f->config, &error);
  g_assert_no_error (error);
  g_assert_true (LK_IS_ACCOUNT (f->account));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->account);
  g_assert_finalize_object (f->manager);
  lk_sign_in_config_free (f->config);
  lk_sandbox_stop (f->sandbox);
  g_assert_finalize_object (f->sandbox);
  fake_browser_free (f->browser);
}

static char *
get_token (LkAccount *account, gboolean force, GError **error)
{
  AsyncWait w = { 0 };
  char *token;

  lk_token_provider_get_token_async (LK_TOKEN_PROVIDER (account), force, NULL, async_wait_cb, &w);
  token = lk_token_provider_get_token_finish (LK_TOKEN_PROVIDER (account), async_wait (&w), error);
  g_object_unref (w.result);
  return token;
}

static char *
dup_refresh_token (LkAccount *account)
{
  g_autoptr(LkStoredAccount) stored = lk_account_dup_stored (account);

  return g_strdup (stored->refresh_token);
}

static void
test_signed_in (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  guint before = lk_sandbox_count_requests (f->sandbox, "POST", "oauth2/v2.0/token");

  g_assert_cmpstr (lk_account_get_username (f->account), ==, lk_sandbox_get_username (f->sandbox));
  g_assert_cmpstr (lk_account_get_tenant_id (f->account), ==, lk_sandbox_get_tenant_id (f->sandbox));
  g_assert_true (lk_account_get_session_only (f->account));
  g_assert_false (lk_account_get_needs_sign_in (f->account));
  g_assert_cmpint (lk_account_get_cloud (f->account), ==, LK_CLOUD_CUSTOM);
  g_assert_true (lk_account_has_scope (f->account, LK_SCOPE_PRIVILEGED));
  g_assert_true (lk_account_manager_get_active_account (f->manager) == f->account);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 1);

  /* A fresh token is served from memory, no request. */
  token = get_token (f->account, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "POST", "oauth2/v2.0/token"), ==, before);
}

static void
test_refresh_rotation (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old_token = get_token (f->account, FALSE, NULL);
  g_autofree char *old_refresh = dup_refresh_token (f->account);
  g_autofree char *new_token = NULL;
  g_autofree char *new_refresh = NULL;
  g_autoptr(LkOidcConfig) oidc = NULL;
  g_autoptr(LkTokenResponse) replay = NULL;
  AsyncWait w = { 0 };
  const char *params[] = { "grant_type", "refresh_token",
                           "client_id", lk_sandbox_get_client_id (f->sandbox),
                           "refresh_token", old_refresh, NULL };

  /* Inside the refresh margin: every token "expires soon". */
  lk_account_set_refresh_margin (f->account, 1000000);
  new_token = get_token (f->account, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (new_token, !=, old_token);
  new_refresh = dup_refresh_token (f->account);
  g_assert_nonnull (new_refresh);
  g_assert_cmpstr (new_refresh, !=, old_refresh);

  /* The sandbox rotates: the old refresh token is dead there. */
  oidc = discover (lk_account_manager_get_session (f->manager), f->sandbox);
  lk_oidc_token_request_async (lk_account_manager_get_session (f->manager), oidc->token_endpoint,
                               params, NULL, async_wait_cb, &w);
  replay = lk_oidc_token_request_finish (async_wait (&w), &error);
  g_object_unref (w.result);
  g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_GRANT);
  g_assert_null (replay);
}

typedef struct
{
  guint  pending;
  char  *tokens[3];
} Concurrent;

static void
concurrent_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Concurrent *c = data;
  g_autoptr(GError) error = NULL;
  char *token = lk_token_provider_get_token_finish (LK_TOKEN_PROVIDER (source), result, &error);

  g_assert_no_error (error);
  c->tokens[--c->pending] = token;
}

static void
test_single_refresh (Fixture *f, gconstpointer data)
{
  Concurrent c = { .pending = 3 };
  guint before = lk_sandbox_count_requests (f->sandbox, "POST", "oauth2/v2.0/token");
  gboolean done = FALSE;

  lk_account_set_refresh_margin (f->account, 1000000);
  for (guint i = 0; i < 3; i++)
    lk_token_provider_get_token_async (LK_TOKEN_PROVIDER (f->account), i == 2, NULL, concurrent_cb, &c);
  while (!done)
    {
      g_main_context_iteration (NULL, TRUE);
      done = c.pending == 0;
    }
  /* Three callers (one forcing), one refresh. */
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "POST", "oauth2/v2.0/token"), ==, before + 1);
  g_assert_cmpstr (c.tokens[0], ==, c.tokens[1]);
  g_assert_cmpstr (c.tokens[1], ==, c.tokens[2]);
  for (guint i = 0; i < 3; i++)
    g_free (c.tokens[i]);
}

static void
test_force_refresh_after_401 (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old_token = get_token (f->account, FALSE, NULL);
  g_autofree char *new_token = NULL;
  guint before = lk_sandbox_count_requests (f->sandbox, "POST", "oauth2/v2.0/token");

  /* The Graph client saw a 401 for a token that still looks valid. */
  lk_sandbox_expire_access_tokens (f->sandbox);
  new_token = get_token (f->account, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (new_token, !=, old_token);
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "POST", "oauth2/v2.0/token"), ==, before + 1);
}

static void
test_invalid_grant (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again = NULL;
  g_autofree char *token = NULL;
  guint before;

  lk_sandbox_revoke_refresh_tokens (f->sandbox);
  token = get_token (f->account, TRUE, &error);
  g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_GRANT);
  g_assert_null (token);
  g_assert_true (lk_account_get_needs_sign_in (f->account));

  /* No more requests for a dead account. */
  before = lk_sandbox_count_requests (f->sandbox, "POST", "oauth2/v2.0/token");
  token = get_token (f->account, FALSE, &again);
  g_assert_error (again, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_GRANT);
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "POST", "oauth2/v2.0/token"), ==, before);
}

static void
device_code_cb (LkAccountManager *manager, const char *user_code, const char *uri,
                const char *message, gpointer data)
{
  *(gboolean *) data = user_code != NULL && uri != NULL;
}

static void
test_manager_device_code_and_sign_out (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkAccount) account = NULL;
  gboolean got_code = FALSE;
  AsyncWait w = { 0 };
  AsyncWait out = { 0 };

  lk_sandbox_set_device_code_timing (f->sandbox, 0, 60);
  g_signal_connect (f->manager, "device-code", G_CALLBACK (device_code_cb), &got_code);
  lk_account_manager_sign_in_device_code_async (f->manager, f->config, NULL, async_wait_cb, &w);
  account = lk_account_manager_sign_in_device_code_finish (f->manager, async_wait (&w), &error);
  g_object_unref (w.result);
  g_assert_no_error (error);
  g_assert_true (got_code);
  /* Same user, tenant and app: it replaces the first account. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 1);
  g_assert_true (lk_account_manager_get_active_account (f->manager) == account);

  lk_account_manager_sign_out_async (f->manager, account, NULL, async_wait_cb, &out);
  g_assert_true (lk_account_manager_sign_out_finish (f->manager, async_wait (&out), &error));
  g_object_unref (out.result);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 0);
  g_assert_null (lk_account_manager_get_active_account (f->manager));
}

/* An id_token from another issuer, for another client or another tenant names no account. */
static void
test_id_token_checked (Fixture *f, gconstpointer data)
{
  static const char *const claims[][2] = {
    { "iss", "https://login.microsoftonline.com/8b1f3c52-6d4e-4a7b-9c2d-1e5f7a9b3c4d/v2.0" },
    { "aud", "00000000-0000-0000-0000-000000000000" },
    { "tid", "11111111-2222-3333-4444-555555555555" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (claims); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LkAccount) account = NULL;

      lk_sandbox_set_id_token_claim (f->sandbox, claims[i][0], claims[i][1]);
      account = sign_in_browser (f->manager, f->config, &error);
      g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_RESPONSE);
      g_assert_null (account);
      g_assert_nonnull (strstr (error->message, "did not trust it"));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 1);
      g_assert_true (lk_account_manager_get_active_account (f->manager) == f->account);
      lk_sandbox_set_id_token_claim (f->sandbox, claims[i][0], NULL);
    }
}

/* "organizations" discovers an issuer with {tenantid}: the token's tid fills it in, so the
 * right token passes and one whose tid and iss disagree does not. */
static void
test_id_token_multi_tenant (Fixture *f, gconstpointer data)
{
  g_autofree char *authority = lk_sandbox_get_authority_url (f->sandbox);
  g_autofree char *graph = lk_sandbox_get_graph_url (f->sandbox);
  g_autoptr(LkSignInConfig) config = lk_sign_in_config_new (LK_CLOUD_CUSTOM, authority, graph, NULL,
                                                            lk_sandbox_get_client_id (f->sandbox));
  g_autoptr(LkAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (config->tenant, ==, "organizations");
  account = sign_in_browser (f->manager, config, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lk_account_get_tenant_id (account), ==, lk_sandbox_get_tenant_id (f->sandbox));
  g_clear_object (&account);

  lk_sandbox_set_id_token_claim (f->sandbox, "tid", "11111111-2222-3333-4444-555555555555");
  account = sign_in_browser (f->manager, config, &error);
  g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_RESPONSE);
  g_assert_null (account);
}

static void
consent_needed_cb (LkAccountManager *manager, LkAccount *account, const char *need, gpointer data)
{
  g_free (*(char **) data);
  *(char **) data = g_strdup (need);
}

static LkAccount *
request_scopes (Fixture *f, const char *scopes, GError **error)
{
  AsyncWait w = { 0 };
  LkAccount *account;

  lk_account_manager_request_scopes_async (f->manager, f->account, scopes, NULL, async_wait_cb, &w);
  account = lk_account_manager_request_scopes_finish (f->manager, async_wait (&w), error);
  g_object_unref (w.result);
  return account;
}

/* Incremental consent: a permission is asked for only when a feature first needs it, with the
 * "needs permission" step, for the same account; it then survives refreshes. */
static void
test_incremental_consent (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkAccount) same = NULL;
  g_autoptr(LkAccount) wider = NULL;
  g_autofree char *need = NULL;
  g_autofree char *token = NULL;
  g_autofree char *refresh = dup_refresh_token (f->account);
  g_autofree char *scope_param = NULL;
  g_autofree char *graph = lk_sandbox_get_graph_url (f->sandbox);
  g_autoptr(LkOidcConfig) oidc = discover (lk_account_manager_get_session (f->manager), f->sandbox);
  g_autoptr(LkTokenResponse) sneaked = NULL;
  guint authorizations = lk_sandbox_count_requests (f->sandbox, "GET", "oauth2/v2.0/authorize");
  AsyncWait w = { 0 };

  g_signal_connect (f->manager, "consent-needed", G_CALLBACK (consent_needed_cb), &need);

  /* Held already: no step, no browser. */
  same = request_scopes (f, LK_SCOPE_READ, &error);
  g_assert_no_error (error);
  g_assert_true (same == f->account);
  g_assert_null (need);
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "GET", "oauth2/v2.0/authorize"), ==, authorizations);

  /* Not consented: a refresh cannot widen the grant (Entra's AADSTS65001). */
  scope_param = lk_cloud_build_scopes_with (graph, "BitLockerKey.Read.All");
  {
    const char *params[] = { "grant_type", "refresh_token", "client_id", lk_sandbox_get_client_id (f->sandbox),
                             "refresh_token", refresh, "scope", scope_param, NULL };

    lk_oidc_token_request_async (lk_account_manager_get_session (f->manager), oidc->token_endpoint,
                                 params, NULL, async_wait_cb, &w);
    sneaked = lk_oidc_token_request_finish (async_wait (&w), &error);
    g_clear_object (&w.result);
    g_assert_null (sneaked);
    g_assert_nonnull (strstr (error->message, "\nAADSTS65001: "));
    g_clear_error (&error);
  }

  wider = request_scopes (f, "BitLockerKey.Read.All", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (need, ==, "Latchkey needs permission to read BitLocker recovery keys. Your browser opens to ask for it; your organization may need an administrator to approve it first.");
  g_assert_nonnull (strstr (f->browser->location, "login_hint=giulia.bianchi%40contoso-demo.onmicrosoft.com"));
  g_assert_null (strstr (f->browser->location, "prompt=select_account"));
  g_assert_nonnull (strstr (f->browser->location, "BitLockerKey.Read.All"));
  g_assert_true (lk_account_has_scope (wider, "BitLockerKey.Read.All"));
  g_assert_true (lk_account_has_scope (wider, LK_SCOPE_PRIVILEGED));
  g_assert_cmpstr (lk_account_get_key (wider), ==, lk_account_get_key (f->account));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 1);
  g_assert_true (lk_account_manager_get_active_account (f->manager) == wider);

  /* A refresh keeps what was consented. */
  lk_sandbox_expire_access_tokens (f->sandbox);
  token = get_token (wider, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (lk_account_has_scope (wider, "BitLockerKey.Read.All"));
  g_signal_handlers_disconnect_by_func (f->manager, consent_needed_cb, &need);
}

/* Refused in the browser: the account stays as it was. */
static void
test_incremental_consent_declined (Fixture *f, gconstpointer data)
{
  LkFault declined = { .kind = LK_FAULT_OAUTH_ERROR, .path_contains = "authorize", .graph_code = "AADSTS65004" };
  g_autoptr(GError) error = NULL;
  g_autoptr(LkAccount) account = NULL;

  lk_sandbox_add_fault (f->sandbox, &declined);
  account = request_scopes (f, "DeviceLocalCredential.Read.All", &error);
  g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "AADSTS65004"));
  g_assert_null (account);
  g_assert_false (lk_account_has_scope (f->account, "DeviceLocalCredential.Read.All"));
  g_assert_true (lk_account_manager_get_active_account (f->manager) == f->account);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/account/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("id-token/checked", test_id_token_checked);
  ADD ("incremental-consent", test_incremental_consent);
  ADD ("incremental-consent/declined", test_incremental_consent_declined);
  ADD ("id-token/multi-tenant", test_id_token_multi_tenant);
  ADD ("signed-in", test_signed_in);
  ADD ("refresh-rotation", test_refresh_rotation);
  ADD ("single-refresh", test_single_refresh);
  ADD ("force-refresh-after-401", test_force_refresh_after_401);
  ADD ("invalid-grant", test_invalid_grant);
  ADD ("manager-device-code-sign-out", test_manager_device_code_and_sign_out);
#undef ADD
  return g_test_run ();
}
