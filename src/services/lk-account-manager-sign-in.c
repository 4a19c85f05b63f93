/* lk-account-manager-sign-in.c: LkAccountManager's sign-ins (browser, device code) and
 * incremental consent.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-json.h"
#include "lk-account-manager.h"
#include "lk-account-manager-private.h"
#include "lk-account-private.h"
#include "lk-browser-flow.h"
#include "lk-auth-error.h"
#include "lk-device-code-flow.h"
#include "lk-oidc.h"

/* ---- sign-in ---- */

typedef struct
{
  LkSignInConfig *config;
  gboolean        device_code;
  char           *extra_scopes;  /* incremental consent: asked for on top of the base */
  char           *login_hint;    /* incremental consent: the account it is for */
  char           *issuer;        /* as discovered */
  LkAccount      *account;
} SignInData;

static void
sign_in_data_free (SignInData *data)
{
  lk_sign_in_config_free (data->config);
  g_free (data->extra_scopes);
  g_free (data->login_hint);
  g_free (data->issuer);
  g_clear_object (&data->account);
  g_free (data);
}

static gboolean
audience_is (JsonObject *claims,
             const char *client_id)
{
  JsonNode *aud = json_object_get_member (claims, "aud");
  JsonArray *array;

  if (aud != NULL && JSON_NODE_HOLDS_VALUE (aud))
    return g_strcmp0 (lk_json_get_string (claims, "aud", NULL), client_id) == 0;
  if (aud == NULL || !JSON_NODE_HOLDS_ARRAY (aud))
    return FALSE;
  /* OpenID Connect allows a list; then the client must be in it. */
  array = json_node_get_array (aud);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
          && g_strcmp0 (json_node_get_string (node), client_id) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Before its claims name the account, the id_token must come from the issuer discovery named
 * (its "{tenantid}" filled with the token's tid, as Entra's multi-tenant documents say), for
 * this client, and — when the sign-in named a tenant id — for that tenant. A misconfigured
 * custom authority then fails here rather than sign in as whoever the token says. The
 * signature is not checked: the token came over TLS straight from the discovered endpoint. */
static gboolean
check_id_token (const LkSignInConfig  *config,
                const char            *issuer,
                JsonObject            *claims,
                GError               **error)
{
  const char *tid = lk_json_get_string (claims, "tid", NULL);
  g_autofree char *expected = NULL;
  const char *wrong = NULL;

  if (issuer != NULL && strstr (issuer, "{tenantid}") != NULL && tid != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (issuer, "{tenantid}", -1);

      expected = g_strjoinv (tid, parts);
    }
  else
    expected = g_strdup (issuer);

  if (expected == NULL || g_strcmp0 (lk_json_get_string (claims, "iss", NULL), expected) != 0)
    wrong = _("The sign-in answer came from another issuer than the sign-in service Latchkey discovered, so Latchkey did not trust it. Check the authority and the tenant.");
  else if (!audience_is (claims, config->client_id))
    wrong = _("The sign-in answer was meant for another application (client) ID, so Latchkey did not trust it. Check the client ID.");
  else if (lk_is_guid (config->tenant) && g_ascii_strcasecmp (tid != NULL ? tid : "", config->tenant) != 0)
    wrong = _("The sign-in answer was for another tenant than the one set, so Latchkey did not trust it. Check the tenant.");
  if (wrong == NULL)
    return TRUE;
  g_set_error_literal (error, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_RESPONSE, wrong);
  return FALSE;
}

static LkStoredAccount *
stored_from_response (const LkSignInConfig   *config,
                      const char             *issuer,
                      const LkTokenResponse  *response,
                      GError                **error)
{
  g_autoptr(JsonObject) claims = lk_oidc_decode_jwt_claims (response->id_token);
  g_autoptr(LkStoredAccount) stored = lk_stored_account_new ();
  const char *username = NULL;
  const char *tid = NULL;
  const char *oid = NULL;

  if (claims != NULL && !check_id_token (config, issuer, claims, error))
    return NULL;
  if (claims != NULL)
    {
      username = lk_json_get_string (claims, "preferred_username",
                 lk_json_get_string (claims, "upn",
                 lk_json_get_string (claims, "email",
                 lk_json_get_string (claims, "unique_name", NULL))));
      tid = lk_json_get_string (claims, "tid", NULL);
      oid = lk_json_get_string (claims, "oid", NULL);
    }
  if (username == NULL || response->refresh_token == NULL)
    {
      g_set_error_literal (error, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_RESPONSE,
                           _("The sign-in service did not say who signed in, or gave no refresh token (is offline_access allowed?)."));
      return NULL;
    }

  stored->authority = g_strdup (config->authority);
  stored->tenant = g_strdup (tid != NULL ? tid : config->tenant);
  stored->tenant_id = g_strdup (tid != NULL ? tid : config->tenant);
  stored->client_id = g_strdup (config->client_id);
  stored->username = g_strdup (username);
  stored->graph_url = g_strdup (config->graph_url);
  stored->refresh_token = g_strdup (response->refresh_token);
  stored->home_account_id = (oid && tid) ? g_strdup_printf ("%s.%s", oid, tid) : NULL;
  stored->scopes = g_strdup (response->scope);
  stored->cloud = g_strdup (lk_cloud_to_nick (config->cloud));
  return g_steal_pointer (&stored);
}

static gboolean
is_demo_config (LkAccountManager     *self,
                const LkSignInConfig *config)
{
  return self->demo_authority != NULL && g_strcmp0 (config->authority, self->demo_authority) == 0;
}

static void
sign_in_done (GTask     *task,
              LkAccount *account)
{
  LkAccountManager *self = g_task_get_source_object (task);

  lk_account_manager_add_account (self, account);
  lk_account_manager_set_active_account (self, account);
  g_task_return_pointer (task, g_object_ref (account), g_object_unref);
}

static void
sign_in_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkAccountManager *self = g_task_get_source_object (task);
  SignInData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(LkAccount) account = NULL;
  g_autoptr(LkStoredAccount) stored = NULL;

  if (lk_token_store_save_finish (result, &error))
    {
      sign_in_done (task, data->account);
      return;
    }
  if (!lk_account_manager_is_keyring_error (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The sign-in itself worked: keep it for this session rather than make the admin do it
   * again, and say why through the keyring error and the account's session-only flag. */
  g_debug ("Keeping the new account for this session only: the keyring is not usable");
  lk_account_manager_remember_keyring_error (self, error);
  stored = lk_account_dup_stored (data->account);
  account = lk_account_new (self->session, stored, TRUE);
  lk_account_wipe_tokens (data->account);
  g_set_object (&data->account, account);
  sign_in_done (task, account);
}

static void
got_tokens (GTask           *task,
            LkTokenResponse *response,
            GError          *error)
{
  LkAccountManager *self = g_task_get_source_object (task);
  SignInData *data = g_task_get_task_data (task);
  g_autoptr(LkStoredAccount) stored = NULL;

  if (response == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  stored = stored_from_response (data->config, data->issuer, response, &error);
  /* More permissions for one account must not quietly sign in another. */
  if (stored != NULL && data->login_hint != NULL
      && g_ascii_strcasecmp (stored->username, data->login_hint) != 0)
    {
      g_clear_pointer (&stored, lk_stored_account_free);
      error = g_error_new (LK_AUTH_ERROR, LK_AUTH_ERROR_FAILED,
                           _("Permission was asked for %s, but the browser signed in as someone else. Try again and choose %s."),
                           data->login_hint, data->login_hint);
    }
  if (stored == NULL)
    {
      lk_token_response_free (response);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  stored->demo = is_demo_config (self, data->config);
  data->account = lk_account_new (self->session, stored, self->session_only);
  lk_account_set_tokens (data->account, response);
  lk_token_response_free (response);

  if (self->session_only)
    {
      sign_in_done (task, data->account);
      g_object_unref (task);
      return;
    }
  lk_token_store_save_async (stored, g_task_get_cancellable (task), sign_in_saved_cb, task);
}

static void
browser_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError *error = NULL;
  LkTokenResponse *response = lk_browser_flow_run_finish (LK_BROWSER_FLOW (source), result, &error);

  got_tokens (user_data, response, error);
}

static void
device_code_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError *error = NULL;
  LkTokenResponse *response = lk_device_code_flow_run_finish (LK_DEVICE_CODE_FLOW (source), result, &error);

  got_tokens (user_data, response, error);
}

static void
code_received_cb (LkDeviceCodeFlow *flow,
                  const char       *user_code,
                  const char       *verification_uri,
                  const char       *message,
                  gpointer          user_data)
{
  g_signal_emit (user_data, lk_account_manager_signals[DEVICE_CODE], 0, user_code, verification_uri, message);
}

static void
browser_waiting_cb (LkBrowserFlow *flow,
                    const char    *authorize_uri,
                    const char    *browser_error,
                    gpointer       user_data)
{
  g_signal_emit (user_data, lk_account_manager_signals[BROWSER_WAITING], 0, authorize_uri, browser_error);
}

static void
browser_still_waiting_cb (LkBrowserFlow *flow,
                          guint          seconds_left,
                          gpointer       user_data)
{
  g_signal_emit (user_data, lk_account_manager_signals[BROWSER_STILL_WAITING], 0, seconds_left);
}

static void
sign_in_discovered_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  LkAccountManager *self = g_task_get_source_object (task);
  SignInData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(LkOidcConfig) oidc = NULL;
  g_autofree char *scopes = lk_cloud_build_scopes_with (data->config->graph_url, data->extra_scopes);
  GError *error = NULL;

  oidc = lk_oidc_discover_finish (result, &error);
  if (oidc == NULL)
    {
      got_tokens (task, NULL, error);
      return;
    }
  data->issuer = g_strdup (oidc->issuer);

  if (data->device_code)
    {
      g_autoptr(LkDeviceCodeFlow) flow = lk_device_code_flow_new (self->session, oidc,
                                                                  data->config->client_id, scopes);

      g_signal_connect_object (flow, "code-received", G_CALLBACK (code_received_cb), self, 0);
      lk_device_code_flow_run_async (flow, cancellable, device_code_cb, task);
    }
  else
    {
      g_autoptr(LkBrowserFlow) flow = lk_browser_flow_new (self->session, oidc,
                                                           data->config->client_id, scopes);

      if (self->open_uri != NULL)
        lk_browser_flow_set_open_uri_func (flow, self->open_uri, self->open_uri_data, NULL);
      lk_browser_flow_set_keep_waiting (flow, self->keep_waiting);
      lk_browser_flow_set_login_hint (flow, data->login_hint);
      lk_browser_flow_set_patience_ms (flow, self->patience_ms);
      lk_browser_flow_set_timeout_ms (flow, self->timeout_ms);
      g_signal_connect_object (flow, "waiting", G_CALLBACK (browser_waiting_cb), self, 0);
      g_signal_connect_object (flow, "still-waiting", G_CALLBACK (browser_still_waiting_cb), self, 0);
      lk_browser_flow_run_async (flow, cancellable, browser_cb, task);
    }
}

static GTask *
sign_in_task (LkAccountManager     *self,
              const LkSignInConfig *config,
              gboolean              device_code,
              gpointer              source_tag,
              GCancellable         *cancellable,
              GAsyncReadyCallback   callback,
              gpointer              user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  SignInData *data = g_new0 (SignInData, 1);

  g_task_set_source_tag (task, source_tag);
  data->config = lk_account_manager_sign_in_config_copy (config);
  data->device_code = device_code;
  g_task_set_task_data (task, data, (GDestroyNotify) sign_in_data_free);
  return task;
}

/* Takes the reference to @task. */
static void
sign_in_start (LkAccountManager *self,
               GTask            *task)
{
  SignInData *data = g_task_get_task_data (task);
  const LkSignInConfig *config = data->config;

  if (config->client_id == NULL || *config->client_id == '\0' || config->graph_url == NULL)
    {
      g_task_return_new_error (task, LK_AUTH_ERROR, LK_AUTH_ERROR_FAILED,
                               _("Set the application (client) ID and the Microsoft Graph URL on the sign-in page first."));
      g_object_unref (task);
      return;
    }
  lk_oidc_discover_async (self->session, config->authority, config->tenant,
                          g_task_get_cancellable (task), sign_in_discovered_cb, task);
}

void
lk_account_manager_sign_in_browser_async (LkAccountManager     *self,
                                          const LkSignInConfig *config,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data)
{
  g_return_if_fail (LK_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (config != NULL);
  sign_in_start (self, sign_in_task (self, config, FALSE, lk_account_manager_sign_in_browser_async,
                                     cancellable, callback, user_data));
}

LkAccount *
lk_account_manager_sign_in_browser_finish (LkAccountManager  *self,
                                           GAsyncResult      *result,
                                           GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
lk_account_manager_sign_in_device_code_async (LkAccountManager     *self,
                                              const LkSignInConfig *config,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data)
{
  g_return_if_fail (LK_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (config != NULL);
  sign_in_start (self, sign_in_task (self, config, TRUE, lk_account_manager_sign_in_device_code_async,
                                     cancellable, callback, user_data));
}

LkAccount *
lk_account_manager_sign_in_device_code_finish (LkAccountManager  *self,
                                               GAsyncResult      *result,
                                               GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- incremental consent ---- */

static void
scopes_signed_in_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  LkAccount *account = g_task_propagate_pointer (G_TASK (result), &error);

  if (account == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, account, g_object_unref);
}

static gboolean
has_all_scopes (LkAccount  *account,
                const char *scopes)
{
  g_auto(GStrv) parts = g_strsplit_set (scopes, " \t", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0' && !lk_account_has_scope (account, parts[i]))
      return FALSE;
  return TRUE;
}

void
lk_account_manager_request_scopes_async (LkAccountManager    *self,
                                         LkAccount           *account,
                                         const char          *scopes,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(LkSignInConfig) config = NULL;
  g_autofree char *need = NULL;
  GTask *sign_in;
  SignInData *data;

  g_return_if_fail (LK_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (LK_IS_ACCOUNT (account));
  g_return_if_fail (scopes != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_account_manager_request_scopes_async);
  if (has_all_scopes (account, scopes))
    {
      g_task_return_pointer (task, g_object_ref (account), g_object_unref);
      return;
    }

  need = lk_scopes_describe_need (scopes);
  g_signal_emit (self, lk_account_manager_signals[CONSENT_NEEDED], 0, account, need);
  config = lk_sign_in_config_new_for_account (account);
  sign_in = sign_in_task (self, config, FALSE, lk_account_manager_sign_in_browser_async, cancellable,
                          scopes_signed_in_cb, g_steal_pointer (&task));
  data = g_task_get_task_data (sign_in);
  data->extra_scopes = g_strjoin (" ", lk_account_get_scopes (account) ? lk_account_get_scopes (account) : "",
                                  scopes, NULL);
  data->login_hint = g_strdup (lk_account_get_username (account));
  sign_in_start (self, sign_in);
}

LkAccount *
lk_account_manager_request_scopes_finish (LkAccountManager  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_account_manager_request_scopes_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
