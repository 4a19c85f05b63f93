/* lk-account-manager.c: accounts, sign-in and sign-out, keyring or session-only.
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

enum
{
  PROP_0,
  PROP_ACTIVE_ACCOUNT,
  PROP_SESSION_ONLY,
  N_PROPS
};

static GParamSpec *props[N_PROPS];
guint lk_account_manager_signals[LK_ACCOUNT_MANAGER_N_SIGNALS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LkAccountManager, lk_account_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

LkSignInConfig *
lk_sign_in_config_new (LkCloud     cloud,
                       const char *custom_authority,
                       const char *custom_graph_url,
                       const char *tenant,
                       const char *client_id)
{
  LkSignInConfig *config = g_new0 (LkSignInConfig, 1);

  config->cloud = cloud;
  if (cloud == LK_CLOUD_CUSTOM)
    {
      config->authority = g_strdup (custom_authority);
      config->graph_url = g_strdup (custom_graph_url);
    }
  else
    {
      config->authority = g_strdup (lk_cloud_get_authority (cloud));
      config->graph_url = g_strdup (lk_cloud_get_graph_url (cloud));
    }
  config->tenant = g_strdup (tenant != NULL && *tenant != '\0' ? tenant : "organizations");
  config->client_id = g_strdup (client_id);
  return config;
}

LkSignInConfig *
lk_sign_in_config_new_for_account (LkAccount *account)
{
  LkSignInConfig *config;

  g_return_val_if_fail (LK_IS_ACCOUNT (account), NULL);

  config = lk_sign_in_config_new (LK_CLOUD_CUSTOM, lk_account_get_authority (account),
                                  lk_account_get_graph_url (account),
                                  lk_account_get_tenant_id (account), lk_account_get_client_id (account));
  config->cloud = lk_account_get_cloud (account);
  return config;
}

LkSignInConfig *
lk_account_manager_sign_in_config_copy (const LkSignInConfig *config)
{
  LkSignInConfig *copy = g_new0 (LkSignInConfig, 1);

  copy->cloud = config->cloud;
  copy->authority = g_strdup (config->authority);
  copy->graph_url = g_strdup (config->graph_url);
  copy->tenant = g_strdup (config->tenant);
  copy->client_id = g_strdup (config->client_id);
  return copy;
}

void
lk_sign_in_config_free (LkSignInConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->authority);
  g_free (config->graph_url);
  g_free (config->tenant);
  g_free (config->client_id);
  g_free (config);
}

/* ---- GListModel ---- */

static GType
get_item_type (GListModel *model)
{
  return LK_TYPE_ACCOUNT;
}

static guint
get_n_items (GListModel *model)
{
  return LK_ACCOUNT_MANAGER (model)->accounts->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  LkAccountManager *self = LK_ACCOUNT_MANAGER (model);

  if (position >= self->accounts->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->accounts, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ---- object ---- */

static void
lk_account_manager_dispose (GObject *object)
{
  LkAccountManager *self = LK_ACCOUNT_MANAGER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->active);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_clear_object (&self->session);
  if (self->open_uri_destroy != NULL)
    g_clear_pointer (&self->open_uri_data, self->open_uri_destroy);

  G_OBJECT_CLASS (lk_account_manager_parent_class)->dispose (object);
}

static void
lk_account_manager_finalize (GObject *object)
{
  LkAccountManager *self = LK_ACCOUNT_MANAGER (object);

  g_clear_error (&self->keyring_error);
  g_free (self->demo_client_id);
  g_free (self->demo_authority);
  g_free (self->demo_graph_url);

  G_OBJECT_CLASS (lk_account_manager_parent_class)->finalize (object);
}

static void
lk_account_manager_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LkAccountManager *self = LK_ACCOUNT_MANAGER (object);

  switch (prop_id)
    {
    case PROP_ACTIVE_ACCOUNT:
      g_value_set_object (value, self->active);
      break;
    case PROP_SESSION_ONLY:
      g_value_set_boolean (value, self->session_only);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_account_manager_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LkAccountManager *self = LK_ACCOUNT_MANAGER (object);

  switch (prop_id)
    {
    case PROP_ACTIVE_ACCOUNT:
      lk_account_manager_set_active_account (self, g_value_get_object (value));
      break;
    case PROP_SESSION_ONLY:
      lk_account_manager_set_session_only (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_account_manager_class_init (LkAccountManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lk_account_manager_dispose;
  object_class->finalize = lk_account_manager_finalize;
  object_class->get_property = lk_account_manager_get_property;
  object_class->set_property = lk_account_manager_set_property;

  props[PROP_ACTIVE_ACCOUNT] =
    g_param_spec_object ("active-account", NULL, NULL, LK_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_SESSION_ONLY] =
    g_param_spec_boolean ("session-only", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  lk_account_manager_signals[DEVICE_CODE] =
    g_signal_new ("device-code", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  lk_account_manager_signals[CONSENT_NEEDED] =
    g_signal_new ("consent-needed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, LK_TYPE_ACCOUNT, G_TYPE_STRING);
  lk_account_manager_signals[BROWSER_WAITING] =
    g_signal_new ("browser-waiting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  lk_account_manager_signals[BROWSER_STILL_WAITING] =
    g_signal_new ("browser-still-waiting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
lk_account_manager_init (LkAccountManager *self)
{
  self->accounts = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->session = soup_session_new_with_options ("user-agent", "Latchkey/" PACKAGE_VERSION,
                                                 "timeout", 60,
                                                 NULL);
}

LkAccountManager *
lk_account_manager_new (void)
{
  return g_object_new (LK_TYPE_ACCOUNT_MANAGER, NULL);
}

SoupSession *
lk_account_manager_get_session (LkAccountManager *self)
{
  g_return_val_if_fail (LK_IS_ACCOUNT_MANAGER (self), NULL);
  return self->session;
}

void
lk_account_manager_set_open_uri_func (LkAccountManager *self,
                                      LkOpenUriFunc     func,
                                      gpointer          user_data,
                                      GDestroyNotify    destroy)
{
  g_return_if_fail (LK_IS_ACCOUNT_MANAGER (self));

  if (self->open_uri_destroy != NULL)
    g_clear_pointer (&self->open_uri_data, self->open_uri_destroy);
  self->open_uri = func;
  self->open_uri_data = user_data;
  self->open_uri_destroy = destroy;
}

void
lk_account_manager_set_browser_options (LkAccountManager *self,
                                        gboolean          keep_waiting,
                                        guint             patience_ms,
                                        guint             timeout_ms)
{
  g_return_if_fail (LK_IS_ACCOUNT_MANAGER (self));
  self->keep_waiting = !!keep_waiting;
  self->patience_ms = patience_ms;
  self->timeout_ms = timeout_ms;
}

void
lk_account_manager_set_store_flags (LkAccountManager  *self,
                                    LkTokenStoreFlags  flags)
{
  g_return_if_fail (LK_IS_ACCOUNT_MANAGER (self));
  self->store_flags = flags;
}

void
lk_account_manager_set_demo (LkAccountManager *self,
                             const char       *client_id,
                             const char       *authority,
                             const char       *graph_url)
{
  g_return_if_fail (LK_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (client_id != NULL);
  g_return_if_fail ((authority == NULL) == (graph_url == NULL));

  g_free (self->demo_client_id);
  g_free (self->demo_authority);
  g_free (self->demo_graph_url);
  self->demo_client_id = g_strdup (client_id);
  self->demo_authority = g_strdup (authority);
  self->demo_graph_url = g_strdup (graph_url);
}

gboolean
lk_account_manager_get_session_only (LkAccountManager *self)
{
  g_return_val_if_fail (LK_IS_ACCOUNT_MANAGER (self), FALSE);
  return self->session_only;
}

void
lk_account_manager_set_session_only (LkAccountManager *self,
                                     gboolean          session_only)
{
  g_return_if_fail (LK_IS_ACCOUNT_MANAGER (self));

  session_only = !!session_only;
  if (self->session_only == session_only)
    return;
  self->session_only = session_only;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SESSION_ONLY]);
}

const GError *
lk_account_manager_get_keyring_error (LkAccountManager *self)
{
  g_return_val_if_fail (LK_IS_ACCOUNT_MANAGER (self), NULL);
  return self->keyring_error;
}

LkAccount *
lk_account_manager_get_active_account (LkAccountManager *self)
{
  g_return_val_if_fail (LK_IS_ACCOUNT_MANAGER (self), NULL);
  return self->active;
}

void
lk_account_manager_set_active_account (LkAccountManager *self,
                                       LkAccount        *account)
{
  g_return_if_fail (LK_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (account == NULL || LK_IS_ACCOUNT (account));

  if (g_set_object (&self->active, account))
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ACTIVE_ACCOUNT]);
}

static gboolean
find_position (LkAccountManager *self,
               const char       *key,
               guint            *position)
{
  for (guint i = 0; i < self->accounts->len; i++)
    {
      if (g_strcmp0 (lk_account_get_key (g_ptr_array_index (self->accounts, i)), key) == 0)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

LkAccount *
lk_account_manager_find_account (LkAccountManager *self,
                                 const char       *key)
{
  guint position;

  g_return_val_if_fail (LK_IS_ACCOUNT_MANAGER (self), NULL);
  if (!find_position (self, key, &position))
    return NULL;
  return g_ptr_array_index (self->accounts, position);
}

/* Adds @account, replacing the one with the same key (a second sign-in). */
void
lk_account_manager_add_account (LkAccountManager *self,
             LkAccount        *account)
{
  guint position;

  if (find_position (self, lk_account_get_key (account), &position))
    {
      LkAccount *old = g_ptr_array_index (self->accounts, position);

      lk_account_wipe_tokens (old);
      g_ptr_array_index (self->accounts, position) = g_object_ref (account);
      g_object_unref (old);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
      return;
    }
  g_ptr_array_add (self->accounts, g_object_ref (account));
  g_list_model_items_changed (G_LIST_MODEL (self), self->accounts->len - 1, 0, 1);
}

void
lk_account_manager_remember_keyring_error (LkAccountManager *self,
                        const GError     *error)
{
  g_clear_error (&self->keyring_error);
  self->keyring_error = g_error_copy (error);
  lk_account_manager_set_session_only (self, TRUE);
}

gboolean
lk_account_manager_is_keyring_error (const GError *error)
{
  return g_error_matches (error, LK_AUTH_ERROR, LK_AUTH_ERROR_KEYRING_UNAVAILABLE) ||
         g_error_matches (error, LK_AUTH_ERROR, LK_AUTH_ERROR_KEYRING_LOCKED);
}

/* ---- load ---- */

/* What versions before the demo mark saved for the demo tenant: its app registration on a
 * plain-HTTP loopback authority (the sandbox), at a port no later run will have. */
static gboolean
is_legacy_demo (LkAccountManager      *self,
                const LkStoredAccount *stored)
{
  return !stored->demo && self->demo_client_id != NULL
         && g_strcmp0 (stored->client_id, self->demo_client_id) == 0
         && stored->authority != NULL && g_str_has_prefix (stored->authority, "http://")
         && lk_oidc_url_is_acceptable (stored->authority);
}

static void delete_legacy_next (GTask *task);

static void
legacy_deleted_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* Hidden either way; a later load tries again. */
  if (!lk_token_store_delete_finish (result, &error))
    g_debug ("Could not remove a stale demo account from the keyring: %s", error->message);
  delete_legacy_next (g_steal_pointer (&task));
}

/* Takes the reference to @task; its data is the array of stale items still to delete. */
static void
delete_legacy_next (GTask *task)
{
  GPtrArray *legacy = g_task_get_task_data (task);
  g_autoptr(LkStoredAccount) stored = NULL;

  if (legacy->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  stored = g_ptr_array_steal_index (legacy, legacy->len - 1);
  lk_token_store_delete_async (stored, g_task_get_cancellable (task), legacy_deleted_cb, task);
}

/* Adds @stored unless it belongs to the other side of the demo/real divide. */
static void
add_loaded (LkAccountManager *self,
            LkStoredAccount  *stored)
{
  g_autoptr(LkAccount) account = NULL;

  if (stored->demo != (self->demo_authority != NULL))
    return;
  if (stored->demo)
    {
      g_free (stored->authority);
      g_free (stored->graph_url);
      stored->authority = g_strdup (self->demo_authority);
      stored->graph_url = g_strdup (self->demo_graph_url);
    }
  account = lk_account_new (self->session, stored, FALSE);
  lk_account_manager_add_account (self, account);
}

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  LkAccountManager *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  GPtrArray *legacy;

  stored = lk_token_store_load_all_finish (result, &error);
  if (stored == NULL)
    {
      if (lk_account_manager_is_keyring_error (error))
        lk_account_manager_remember_keyring_error (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  g_debug ("Loaded %u account(s) from the keyring", stored->len);
  legacy = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_stored_account_free);
  for (guint i = 0; i < stored->len; i++)
    {
      LkStoredAccount *item = g_ptr_array_index (stored, i);

      if (is_legacy_demo (self, item))
        g_ptr_array_add (legacy, lk_stored_account_copy (item));
      else
        add_loaded (self, item);
    }
  if (self->active == NULL && self->accounts->len > 0)
    lk_account_manager_set_active_account (self, g_ptr_array_index (self->accounts, 0));
  g_debug ("Removing %u stale demo account(s) from the keyring", legacy->len);
  g_task_set_task_data (task, legacy, (GDestroyNotify) g_ptr_array_unref);
  delete_legacy_next (task);
}

void
lk_account_manager_load_async (LkAccountManager    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (LK_IS_ACCOUNT_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_account_manager_load_async);
  lk_token_store_load_all_async (self->store_flags, cancellable, load_cb, task);
}

gboolean
lk_account_manager_load_finish (LkAccountManager  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- sign-out ---- */

static void
forget_account (LkAccountManager *self,
                LkAccount        *account)
{
  guint position;

  lk_account_wipe_tokens (account);
  if (find_position (self, lk_account_get_key (account), &position) &&
      g_ptr_array_index (self->accounts, position) == account)
    {
      g_ptr_array_remove_index (self->accounts, position);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
    }
  if (self->active == account)
    lk_account_manager_set_active_account (self, self->accounts->len > 0 ?
                                           g_ptr_array_index (self->accounts, 0) : NULL);
}

static void
sign_out_deleted_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkAccountManager *self = g_task_get_source_object (task);
  LkAccount *account = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* Forget it in memory whatever the keyring says: the user asked to be signed out. */
  lk_token_store_delete_finish (result, &error);
  forget_account (self, account);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
lk_account_manager_sign_out_async (LkAccountManager    *self,
                                   LkAccount           *account,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  g_autoptr(LkStoredAccount) stored = NULL;

  g_return_if_fail (LK_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (LK_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_account_manager_sign_out_async);
  g_task_set_task_data (task, g_object_ref (account), g_object_unref);

  if (lk_account_get_session_only (account))
    {
      forget_account (self, account);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  stored = lk_account_dup_stored (account);
  lk_token_store_delete_async (stored, cancellable, sign_out_deleted_cb, task);
}

gboolean
lk_account_manager_sign_out_finish (LkAccountManager  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
