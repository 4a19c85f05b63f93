/* lk-account.c: an account's tokens: in memory, refreshed one at a time, rotated safely.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-account.h"
#include "lk-account-private.h"
#include "lk-auth-error.h"

#define DEFAULT_REFRESH_MARGIN_S (5 * 60)

struct _LkAccount
{
  GObject          parent_instance;

  SoupSession     *session;
  LkStoredAccount *stored;         /* holds the refresh token (secret) */
  char            *key;
  LkCloud          cloud;
  gboolean         session_only;
  gboolean         needs_sign_in;

  char            *access_token;   /* secret, memory only */
  gint64           expires_at_us;  /* monotonic */
  guint            refresh_margin_s;

  LkOidcConfig    *oidc;
  GQueue           waiters;        /* GTask of get_token_async waiting on the refresh */
  gboolean         refreshing;
  GCancellable    *cancellable;
};

enum
{
  PROP_0,
  PROP_USERNAME,
  PROP_TENANT_ID,
  PROP_GRAPH_URL,
  PROP_SCOPES,
  PROP_SESSION_ONLY,
  PROP_NEEDS_SIGN_IN,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void lk_account_provider_init (LkTokenProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LkAccount, lk_account, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (LK_TYPE_TOKEN_PROVIDER,
                                                      lk_account_provider_init))

void
lk_account_wipe_tokens (LkAccount *self)
{
  g_return_if_fail (LK_IS_ACCOUNT (self));

  lk_secret_string_clear (&self->access_token);
  lk_secret_string_clear (&self->stored->refresh_token);
  self->expires_at_us = 0;
}

static void
lk_account_dispose (GObject *object)
{
  LkAccount *self = LK_ACCOUNT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (lk_account_parent_class)->dispose (object);
}

static void
lk_account_finalize (GObject *object)
{
  LkAccount *self = LK_ACCOUNT (object);

  lk_secret_string_free (self->access_token);
  lk_stored_account_free (self->stored);
  lk_oidc_config_free (self->oidc);
  g_free (self->key);

  G_OBJECT_CLASS (lk_account_parent_class)->finalize (object);
}

static void
lk_account_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LkAccount *self = LK_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_USERNAME:
      g_value_set_string (value, self->stored->username);
      break;
    case PROP_TENANT_ID:
      g_value_set_string (value, self->stored->tenant_id);
      break;
    case PROP_GRAPH_URL:
      g_value_set_string (value, self->stored->graph_url);
      break;
    case PROP_SCOPES:
      g_value_set_string (value, self->stored->scopes);
      break;
    case PROP_SESSION_ONLY:
      g_value_set_boolean (value, self->session_only);
      break;
    case PROP_NEEDS_SIGN_IN:
      g_value_set_boolean (value, self->needs_sign_in);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_account_class_init (LkAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lk_account_dispose;
  object_class->finalize = lk_account_finalize;
  object_class->get_property = lk_account_get_property;

  props[PROP_USERNAME] = g_param_spec_string ("username", NULL, NULL, NULL,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_TENANT_ID] = g_param_spec_string ("tenant-id", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_GRAPH_URL] = g_param_spec_string ("graph-url", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_SCOPES] = g_param_spec_string ("scopes", NULL, NULL, NULL,
                                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                            G_PARAM_STATIC_STRINGS);
  props[PROP_SESSION_ONLY] = g_param_spec_boolean ("session-only", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_NEEDS_SIGN_IN] = g_param_spec_boolean ("needs-sign-in", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                                    G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
lk_account_init (LkAccount *self)
{
  self->refresh_margin_s = DEFAULT_REFRESH_MARGIN_S;
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->waiters);
}

LkAccount *
lk_account_new (SoupSession           *session,
                const LkStoredAccount *stored,
                gboolean               session_only)
{
  LkAccount *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (stored != NULL && stored->username != NULL, NULL);

  self = g_object_new (LK_TYPE_ACCOUNT, NULL);
  self->session = g_object_ref (session);
  self->stored = lk_stored_account_copy (stored);
  self->session_only = session_only;
  if (self->stored->cloud == NULL || !lk_cloud_from_nick (self->stored->cloud, &self->cloud))
    self->cloud = lk_cloud_from_authority (self->stored->authority);
  self->key = g_strdup_printf ("%s|%s|%s|%s", stored->authority ? stored->authority : "",
                               stored->tenant ? stored->tenant : "",
                               stored->client_id ? stored->client_id : "", stored->username);
  return self;
}

static void
set_scopes (LkAccount  *self,
            const char *scopes)
{
  if (scopes == NULL || g_strcmp0 (scopes, self->stored->scopes) == 0)
    return;
  g_free (self->stored->scopes);
  self->stored->scopes = g_strdup (scopes);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SCOPES]);
}

static void
set_access_token (LkAccount             *self,
                  const LkTokenResponse *response)
{
  lk_secret_string_clear (&self->access_token);
  self->access_token = g_strdup (response->access_token);
  /* expires_in is the server's number: cap it so the multiplication cannot overflow. */
  self->expires_at_us = g_get_monotonic_time () + CLAMP (response->expires_in, 0, G_MAXINT32) * G_USEC_PER_SEC;
  set_scopes (self, response->scope);
}

void
lk_account_set_tokens (LkAccount             *self,
                       const LkTokenResponse *response)
{
  g_return_if_fail (LK_IS_ACCOUNT (self));
  g_return_if_fail (response != NULL);

  set_access_token (self, response);
  if (response->refresh_token != NULL)
    {
      lk_secret_string_clear (&self->stored->refresh_token);
      self->stored->refresh_token = g_strdup (response->refresh_token);
    }
}

const char *lk_account_get_key (LkAccount *self) { return self->key; }
const char *lk_account_get_username (LkAccount *self) { return self->stored->username; }
const char *lk_account_get_tenant_id (LkAccount *self) { return self->stored->tenant_id; }
const char *lk_account_get_authority (LkAccount *self) { return self->stored->authority; }
const char *lk_account_get_client_id (LkAccount *self) { return self->stored->client_id; }
LkCloud lk_account_get_cloud (LkAccount *self) { return self->cloud; }
const char *lk_account_get_graph_url (LkAccount *self) { return self->stored->graph_url; }
gboolean lk_account_get_demo (LkAccount *self) { return self->stored->demo; }
const char *lk_account_get_scopes (LkAccount *self) { return self->stored->scopes; }
gboolean lk_account_get_session_only (LkAccount *self) { return self->session_only; }
gboolean lk_account_get_needs_sign_in (LkAccount *self) { return self->needs_sign_in; }

gboolean
lk_account_has_scope (LkAccount  *self,
                      const char *scope)
{
  g_return_val_if_fail (LK_IS_ACCOUNT (self), FALSE);
  return lk_scopes_contain (self->stored->scopes, scope);
}

LkStoredAccount *
lk_account_dup_stored (LkAccount *self)
{
  g_return_val_if_fail (LK_IS_ACCOUNT (self), NULL);
  return lk_stored_account_copy (self->stored);
}

void
lk_account_set_refresh_margin (LkAccount *self,
                               guint      seconds)
{
  g_return_if_fail (LK_IS_ACCOUNT (self));
  self->refresh_margin_s = seconds;
}

/* ---- refresh ---- */

static void
finish_refresh (LkAccount    *self,
                const GError *error)
{
  GTask *task;

  self->refreshing = FALSE;
  while ((task = g_queue_pop_head (&self->waiters)) != NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else if (!g_task_return_error_if_cancelled (task))
        g_task_return_pointer (task, g_strdup (self->access_token), (GDestroyNotify) lk_secret_string_free);
      g_object_unref (task);
    }
}

static void
invalid_grant_deleted_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(LkAccount) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) grant_error = lk_auth_error_from_oauth ("invalid_grant");

  if (!lk_token_store_delete_finish (result, &error))
    g_debug ("Could not remove the keyring item of a revoked account: %s", error->message);
  finish_refresh (self, grant_error);
}

static void
mark_needs_sign_in (LkAccount *self)
{
  g_autoptr(LkStoredAccount) stored = lk_stored_account_copy (self->stored);

  g_debug ("Refresh token rejected (invalid_grant): the account needs sign-in again");
  lk_account_wipe_tokens (self);
  self->needs_sign_in = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_NEEDS_SIGN_IN]);

  if (self->session_only)
    {
      g_autoptr(GError) error = lk_auth_error_from_oauth ("invalid_grant");

      finish_refresh (self, error);
      return;
    }
  /* A dead refresh token is worthless: remove the item so no one trips over it again. */
  lk_token_store_delete_async (stored, NULL, invalid_grant_deleted_cb, g_object_ref (self));
}

typedef struct
{
  LkAccount *self;
  char      *refresh_token;   /* the rotated one, secret */
} RotateData;

static void
rotate_saved_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RotateData *data = user_data;
  LkAccount *self = data->self;
  g_autoptr(GError) error = NULL;

  /* Even if saving failed the new token is the one the server honours now: keep it for
   * this session rather than the old one. */
  if (!lk_token_store_save_finish (result, &error))
    g_debug ("Could not save the rotated refresh token: %s", error->message);
  lk_secret_string_clear (&self->stored->refresh_token);
  self->stored->refresh_token = g_steal_pointer (&data->refresh_token);
  finish_refresh (self, NULL);

  g_object_unref (data->self);
  g_free (data);
}

static void
refresh_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LkAccount) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkTokenResponse) response = NULL;
  g_autoptr(LkStoredAccount) rotated = NULL;
  RotateData *data;

  response = lk_oidc_token_request_finish (result, &error);
  if (g_error_matches (error, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_GRANT))
    {
      mark_needs_sign_in (self);
      return;
    }
  if (response == NULL)
    {
      finish_refresh (self, error);
      return;
    }

  g_debug ("Access token refreshed for an account");
  set_access_token (self, response);
  if (response->refresh_token == NULL ||
      g_strcmp0 (response->refresh_token, self->stored->refresh_token) == 0)
    {
      finish_refresh (self, NULL);   /* no rotation: keep the old one */
      return;
    }
  if (self->session_only)
    {
      lk_secret_string_clear (&self->stored->refresh_token);
      self->stored->refresh_token = g_steal_pointer (&response->refresh_token);
      finish_refresh (self, NULL);
      return;
    }

  /* Save the rotated token first; only then drop the old one. */
  rotated = lk_stored_account_copy (self->stored);
  lk_secret_string_clear (&rotated->refresh_token);
  rotated->refresh_token = g_strdup (response->refresh_token);
  data = g_new0 (RotateData, 1);
  data->self = g_object_ref (self);
  data->refresh_token = g_steal_pointer (&response->refresh_token);
  lk_token_store_save_async (rotated, NULL, rotate_saved_cb, data);
}

static void
send_refresh (LkAccount *self)
{
  /* What was granted stays asked for: permissions added later by incremental consent too. */
  g_autofree char *scopes = lk_cloud_build_scopes_with (self->stored->graph_url, self->stored->scopes);
  const char *params[] = {
    "grant_type", "refresh_token",
    "client_id", self->stored->client_id ? self->stored->client_id : "",
    "refresh_token", self->stored->refresh_token,
    scopes ? "scope" : NULL, scopes,
    NULL
  };

  lk_oidc_token_request_async (self->session, self->oidc->token_endpoint, params,
                               self->cancellable, refresh_cb, g_object_ref (self));
}

static void
discover_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LkAccount) self = user_data;
  g_autoptr(GError) error = NULL;

  self->oidc = lk_oidc_discover_finish (result, &error);
  if (self->oidc == NULL)
    {
      finish_refresh (self, error);
      return;
    }
  send_refresh (self);
}

static void
start_refresh (LkAccount *self)
{
  const char *tenant;

  self->refreshing = TRUE;
  if (self->stored->refresh_token == NULL)
    {
      g_autoptr(GError) error = lk_auth_error_from_oauth ("invalid_grant");

      finish_refresh (self, error);
      return;
    }
  if (self->oidc != NULL)
    {
      send_refresh (self);
      return;
    }
  tenant = self->stored->tenant_id ? self->stored->tenant_id : self->stored->tenant;
  lk_oidc_discover_async (self->session, self->stored->authority, tenant, self->cancellable,
                          discover_cb, g_object_ref (self));
}

static void
account_get_token_async (LkTokenProvider     *provider,
                         gboolean             force_refresh,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  LkAccount *self = LK_ACCOUNT (provider);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, account_get_token_async);

  if (self->needs_sign_in)
    {
      g_task_return_error (task, lk_auth_error_from_oauth ("invalid_grant"));
      return;
    }
  if (!force_refresh && !self->refreshing && self->access_token != NULL &&
      g_get_monotonic_time () + (gint64) self->refresh_margin_s * G_USEC_PER_SEC < self->expires_at_us)
    {
      g_task_return_pointer (task, g_strdup (self->access_token), (GDestroyNotify) lk_secret_string_free);
      return;
    }

  /* One refresh at a time: everyone else waits for the one in flight. */
  g_queue_push_tail (&self->waiters, g_steal_pointer (&task));
  if (!self->refreshing)
    start_refresh (self);
}

static char *
account_get_token_finish (LkTokenProvider  *provider,
                          GAsyncResult     *result,
                          GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, provider), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lk_account_provider_init (LkTokenProviderInterface *iface)
{
  iface->get_token_async = account_get_token_async;
  iface->get_token_finish = account_get_token_finish;
}
