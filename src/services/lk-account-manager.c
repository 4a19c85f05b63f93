/* lk-account-manager.c: accounts, sign-in and sign-out, keyring or session-only. */
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
  PROP_0,
  PROP_ACTIVE_ACCOUNT,
  PROP_SESSION_ONLY,
  N_PROPS
};

enum
{
  DEVICE_CODE,
  CONSENT_NEEDED,
  BROWSER_WAITING,
  BROWSER_STILL_WAITING,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

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

static LkSignInConfig *
sign_in_config_copy (const LkSignInConfig *config)
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

  signals[DEVICE_CODE] =
    g_signal_new ("device-code", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  signals[CONSENT_NEEDED] =
    g_signal_new ("consent-needed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, LK_TYPE_ACCOUNT, G_TYPE_STRING);
  signals[BROWSER_WAITING] =
    g_signal_new ("browser-waiting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[BROWSER_STILL_WAITING] =
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
static void
add_account (LkAccountManager *self,
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

static void
remember_keyring_error (LkAccountManager *self,
                        const GError     *error)
{
  g_clear_error (&self->keyring_error);
  self->keyring_error = g_error_copy (error);
  lk_account_manager_set_session_only (self, TRUE);
}

static gboolean
is_keyring_error (const GError *error)
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
  add_account (self, account);
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
      if (is_keyring_error (error))
        remember_keyring_error (self, error);
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

  add_account (self, account);
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
  if (!is_keyring_error (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The sign-in itself worked: keep it for this session rather than make the admin do it
   * again, and say why through the keyring error and the account's session-only flag. */
  g_debug ("Keeping the new account for this session only: the keyring is not usable");
  remember_keyring_error (self, error);
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
  g_signal_emit (user_data, signals[DEVICE_CODE], 0, user_code, verification_uri, message);
}

static void
browser_waiting_cb (LkBrowserFlow *flow,
                    const char    *authorize_uri,
                    const char    *browser_error,
                    gpointer       user_data)
{
  g_signal_emit (user_data, signals[BROWSER_WAITING], 0, authorize_uri, browser_error);
}

static void
browser_still_waiting_cb (LkBrowserFlow *flow,
                          guint          seconds_left,
                          gpointer       user_data)
{
  g_signal_emit (user_data, signals[BROWSER_STILL_WAITING], 0, seconds_left);
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
  data->config = sign_in_config_copy (config);
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
  g_signal_emit (self, signals[CONSENT_NEEDED], 0, account, need);
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
