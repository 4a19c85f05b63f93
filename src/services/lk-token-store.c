/* lk-token-store.c: the keyring item of each account, through libsecret's async API.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lk-json.h"
#include "lk-auth-error.h"
#include "lk-token-store.h"
#include "lk-token-store-private.h"

static const SecretSchema schema = {
  "io.github.latchkey.Account", SECRET_SCHEMA_NONE,
  {
    { "authority", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "tenant", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "client-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "graph-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
  0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
};

const SecretSchema *
lk_token_store_get_schema (void)
{
  return &schema;
}

LkStoredAccount *
lk_stored_account_new (void)
{
  return g_new0 (LkStoredAccount, 1);
}

LkStoredAccount *
lk_stored_account_copy (const LkStoredAccount *account)
{
  LkStoredAccount *copy = lk_stored_account_new ();

  copy->authority = g_strdup (account->authority);
  copy->tenant = g_strdup (account->tenant);
  copy->client_id = g_strdup (account->client_id);
  copy->username = g_strdup (account->username);
  copy->graph_url = g_strdup (account->graph_url);
  copy->refresh_token = g_strdup (account->refresh_token);
  copy->tenant_id = g_strdup (account->tenant_id);
  copy->home_account_id = g_strdup (account->home_account_id);
  copy->scopes = g_strdup (account->scopes);
  copy->cloud = g_strdup (account->cloud);
  copy->demo = account->demo;
  return copy;
}

void
lk_stored_account_free (LkStoredAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->authority);
  g_free (account->tenant);
  g_free (account->client_id);
  g_free (account->username);
  g_free (account->graph_url);
  lk_secret_string_free (account->refresh_token);
  g_free (account->tenant_id);
  g_free (account->home_account_id);
  g_free (account->scopes);
  g_free (account->cloud);
  g_free (account);
}

GError *
lk_token_store_map_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      error->domain == LK_AUTH_ERROR)
    return g_error_copy (error);

  /* libsecret's messages carry no secrets; keep them for whoever debugs a broken keyring. */
  g_debug ("Keyring error: %s (%s %d)", error->message, g_quark_to_string (error->domain), error->code);

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    return g_error_new_literal (LK_AUTH_ERROR, LK_AUTH_ERROR_KEYRING_LOCKED,
                                _("The keyring is locked. Unlock it to keep your sign-in, or sign in for this session only."));

  /* No bus, no Secret Service on it, no default collection: all mean "nowhere safe to
   * keep a token", and the answer is the same — never a file. */
  return g_error_new_literal (LK_AUTH_ERROR, LK_AUTH_ERROR_KEYRING_UNAVAILABLE,
                              _("No keyring (Secret Service) is available, so Latchkey cannot remember your sign-in. You can sign in for this session only."));
}

/* ---- save ---- */

/* A demo account is one item whatever port its sandbox had: the endpoints are not part of
 * what identifies it. */
static const char *
attribute_authority (const LkStoredAccount *account)
{
  if (account->demo)
    return LK_TOKEN_STORE_DEMO_ENDPOINT;
  return account->authority ? account->authority : "";
}

static const char *
attribute_graph_url (const LkStoredAccount *account)
{
  if (account->demo)
    return LK_TOKEN_STORE_DEMO_ENDPOINT;
  return account->graph_url ? account->graph_url : "";
}

static char *
account_to_secret (const LkStoredAccount *account)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
#define ADD(name, value) \
  if ((value) != NULL) { json_builder_set_member_name (builder, name); json_builder_add_string_value (builder, value); }
  ADD ("refresh_token", account->refresh_token);
  ADD ("tenant_id", account->tenant_id);
  ADD ("home_account_id", account->home_account_id);
  ADD ("scopes", account->scopes);
  ADD ("cloud", account->cloud);
#undef ADD
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  /* json-glib's intermediate buffers are freed unwiped; that cannot be helped from here. */
  return json_generator_to_data (generator, NULL);
}

static void
save_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, lk_token_store_map_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
lk_token_store_save_async (const LkStoredAccount *account,
                           GCancellable          *cancellable,
                           GAsyncReadyCallback    callback,
                           gpointer               user_data)
{
  GTask *task;
  g_autofree char *label = NULL;
  char *secret;

  /* Checked before the task exists: a failed check must not leave one behind. */
  g_return_if_fail (account != NULL && account->username != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_token_store_save_async);
  /* Translators: the keyring item label; %s is the account's user name. */
  label = g_strdup_printf (_("Latchkey account %s"), account->username);
  secret = account_to_secret (account);
  secret_password_store (&schema, SECRET_COLLECTION_DEFAULT, label, secret, cancellable,
                         save_cb, task,
                         "authority", attribute_authority (account),
                         "tenant", account->tenant ? account->tenant : "",
                         "client-id", account->client_id ? account->client_id : "",
                         "username", account->username,
                         "graph-url", attribute_graph_url (account),
                         NULL);
  /* libsecret copied it into its own (wiped) SecretValue. */
  lk_secret_string_free (secret);
}

gboolean
lk_token_store_save_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- delete ---- */

static void
delete_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without error means there was nothing to delete: fine. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, lk_token_store_map_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
lk_token_store_delete_async (const LkStoredAccount *account,
                             GCancellable          *cancellable,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  GTask *task;

  g_return_if_fail (account != NULL && account->username != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_token_store_delete_async);

  secret_password_clear (&schema, cancellable, delete_cb, task,
                         "authority", attribute_authority (account),
                         "tenant", account->tenant ? account->tenant : "",
                         "client-id", account->client_id ? account->client_id : "",
                         "username", account->username,
                         "graph-url", attribute_graph_url (account),
                         NULL);
}

gboolean
lk_token_store_delete_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- load ---- */

typedef struct
{
  GList     *items;      /* SecretRetrievable, still to read */
  GPtrArray *accounts;
  guint      n_locked;
  guint      n_items;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_list_free_full (data->items, g_object_unref);
  g_clear_pointer (&data->accounts, g_ptr_array_unref);
  g_free (data);
}

static LkStoredAccount *
account_from_item (SecretRetrievable *item,
                   SecretValue       *value)
{
  g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (item);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(LkStoredAccount) account = NULL;
  const char *text;
  gsize len = 0;
  JsonObject *object;

  text = secret_value_get (value, &len);
  if (text == NULL || (root = lk_json_parse_object (text, (gssize) len, NULL)) == NULL)
    return NULL;
  object = json_node_get_object (root);

  account = lk_stored_account_new ();
  account->authority = g_strdup (g_hash_table_lookup (attributes, "authority"));
  account->tenant = g_strdup (g_hash_table_lookup (attributes, "tenant"));
  account->client_id = g_strdup (g_hash_table_lookup (attributes, "client-id"));
  account->username = g_strdup (g_hash_table_lookup (attributes, "username"));
  account->graph_url = g_strdup (g_hash_table_lookup (attributes, "graph-url"));
  account->refresh_token = g_strdup (lk_json_get_string (object, "refresh_token", NULL));
  account->tenant_id = g_strdup (lk_json_get_string (object, "tenant_id", account->tenant));
  account->home_account_id = g_strdup (lk_json_get_string (object, "home_account_id", NULL));
  account->scopes = g_strdup (lk_json_get_string (object, "scopes", NULL));
  account->cloud = g_strdup (lk_json_get_string (object, "cloud", NULL));

  if (account->username == NULL || account->refresh_token == NULL)
    return NULL;
  if (g_strcmp0 (account->authority, LK_TOKEN_STORE_DEMO_ENDPOINT) == 0)
    {
      account->demo = TRUE;
      g_clear_pointer (&account->authority, g_free);
      g_clear_pointer (&account->graph_url, g_free);
    }
  return g_steal_pointer (&account);
}

static void load_next (GTask *task);

static void
retrieve_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SecretValue *value;

  value = secret_retrievable_retrieve_secret_finish (SECRET_RETRIEVABLE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (value == NULL)
    {
      if (error != NULL)
        g_debug ("Skipping a keyring item whose secret could not be read: %s", error->message);
      data->n_locked++;
    }
  else
    {
      LkStoredAccount *account = account_from_item (SECRET_RETRIEVABLE (source), value);

      if (account != NULL)
        g_ptr_array_add (data->accounts, account);
      else
        g_debug ("Skipping a keyring item that is not a Latchkey account");
      secret_value_unref (value);   /* SecretValue wipes its buffer */
    }
  load_next (g_steal_pointer (&task));
}

static void
load_next (GTask *task)
{
  LoadData *data = g_task_get_task_data (task);
  GList *link = data->items;
  SecretRetrievable *item;

  if (link == NULL)
    {
      if (data->n_items > 0 && data->n_locked == data->n_items)
        {
          g_task_return_new_error (task, LK_AUTH_ERROR, LK_AUTH_ERROR_KEYRING_LOCKED,
                                   _("The keyring is locked. Unlock it to use your saved accounts, or sign in for this session only."));
          g_object_unref (task);
          return;
        }
      g_task_return_pointer (task, g_steal_pointer (&data->accounts), (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }

  data->items = g_list_remove_link (data->items, link);
  item = link->data;
  g_list_free_1 (link);

  if (SECRET_IS_ITEM (item) && secret_item_get_locked (SECRET_ITEM (item)))
    {
      data->n_locked++;
      g_object_unref (item);
      load_next (task);
      return;
    }
  secret_retrievable_retrieve_secret (item, g_task_get_cancellable (task), retrieve_cb, task);
  g_object_unref (item);
}

static void
search_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, lk_token_store_map_error (error));
      g_object_unref (task);
      return;
    }
  data->n_items = g_list_length (data->items);
  load_next (task);
}

void
lk_token_store_load_all_async (LkTokenStoreFlags    flags,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  LoadData *data = g_new0 (LoadData, 1);
  SecretSearchFlags search_flags = SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS;

  g_task_set_source_tag (task, lk_token_store_load_all_async);
  data->accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_stored_account_free);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  if (!(flags & LK_TOKEN_STORE_FLAGS_NO_PROMPT))
    search_flags |= SECRET_SEARCH_UNLOCK;
  secret_password_search (&schema, search_flags, cancellable, search_cb, task, NULL);
}

GPtrArray *
lk_token_store_load_all_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
