/* lk-unlock-client.c: reading and rotating unlock secrets over the Graph client.
 *
 * Every request goes through lk_graph_client_get_json_async() (the one send path: token,
 * throttling, caps, nextLink host check). Paths and facts: src/core/lk-unlock-options.c.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-graph-error.h"
#include "lk-json.h"
#include "lk-unlock-client.h"

/* A device has a handful of keys; a listing longer than this is a loop, not a device. */
#define MAX_KEY_PAGES 50

struct _LkUnlockClient
{
  GObject        parent_instance;
  LkGraphClient *graph;
};

G_DEFINE_FINAL_TYPE (LkUnlockClient, lk_unlock_client, G_TYPE_OBJECT)

static void
lk_unlock_client_finalize (GObject *object)
{
  LkUnlockClient *self = LK_UNLOCK_CLIENT (object);

  g_clear_object (&self->graph);
  G_OBJECT_CLASS (lk_unlock_client_parent_class)->finalize (object);
}

static void
lk_unlock_client_class_init (LkUnlockClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lk_unlock_client_finalize;
}

static void
lk_unlock_client_init (LkUnlockClient *self)
{
}

LkUnlockClient *
lk_unlock_client_new (LkGraphClient *graph)
{
  LkUnlockClient *self;

  g_return_val_if_fail (LK_IS_GRAPH_CLIENT (graph), NULL);

  self = g_object_new (LK_TYPE_UNLOCK_CLIENT, NULL);
  self->graph = g_object_ref (graph);
  return self;
}

LkDeviceAction
lk_unlock_kind_device_action (LkUnlockKind kind)
{
  switch (kind)
    {
    case LK_UNLOCK_BITLOCKER:
      return LK_DEVICE_ACTION_ROTATE_BITLOCKER_KEYS;
    case LK_UNLOCK_FILEVAULT:
      return LK_DEVICE_ACTION_ROTATE_FILEVAULT_KEY;
    case LK_UNLOCK_LAPS:
    case LK_UNLOCK_MACOS_ADMIN:
    case LK_UNLOCK_N_KINDS:
    default:
      return LK_DEVICE_ACTION_ROTATE_LOCAL_ADMIN_PASSWORD;
    }
}

const char *
lk_unlock_kind_reveal_action (LkUnlockKind kind)
{
  switch (kind)
    {
    case LK_UNLOCK_LAPS:
      return "revealLocalAdminPassword";
    case LK_UNLOCK_BITLOCKER:
      return "revealBitLockerKey";
    case LK_UNLOCK_FILEVAULT:
      return "revealFileVaultKey";
    case LK_UNLOCK_MACOS_ADMIN:
    case LK_UNLOCK_N_KINDS:
    default:
      return "revealMacOSAdminPassword";
    }
}

LkHistoryEntry *
lk_unlock_journal_entry_new (LkDevice   *device,
                             const char *admin,
                             const char *tenant,
                             const char *action,
                             const char *outcome,
                             const char *detail,
                             const char *request_id,
                             const char *client_request_id)
{
  LkHistoryEntry *entry = lk_history_entry_new ();

  entry->admin = g_strdup (admin);
  entry->tenant = g_strdup (tenant);
  entry->device_id = g_strdup (lk_device_get_id (device));
  entry->device_name = g_strdup (lk_device_get_device_name (device));
  entry->action = g_strdup (action);
  entry->outcome = g_strdup (outcome);
  entry->detail = g_strdup (detail);
  entry->request_id = g_strdup (request_id);
  entry->client_request_id = g_strdup (client_request_id);
  return entry;
}

static gboolean
return_if_invalid (GTask      *task,
                   const char *id)
{
  if (lk_device_id_is_valid (id))
    return FALSE;
  g_task_return_error (task, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_BAD_REQUEST,
                                                              _("That is not a valid ID. Nothing was sent."),
                                                              0, NULL, NULL, NULL));
  return TRUE;
}

/* --- the Entra device id ----------------------------------------------------------------- */

static void
entra_id_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(JsonNode) root = lk_graph_client_get_json_finish (LK_GRAPH_CLIENT (source), result, NULL, NULL, &error);
  JsonObject *object;
  JsonObject *value;
  const char *id;

  if (root == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  object = json_node_get_object (root);
  value = lk_json_get_object (object, "value");
  id = lk_json_get_string (value != NULL ? value : object, "azureADDeviceId", NULL);
  g_task_return_pointer (task, lk_entra_device_id_is_set (id) ? g_strdup (id) : NULL, g_free);
}

void
lk_unlock_client_get_entra_id_async (LkUnlockClient      *self,
                                     const char          *managed_device_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *path = NULL;

  g_task_set_source_tag (task, lk_unlock_client_get_entra_id_async);
  if (return_if_invalid (task, managed_device_id))
    return;
  /* The listing no longer selects azureADDeviceId: one member of one device, read when needed. */
  path = g_strconcat ("/deviceManagement/managedDevices/", managed_device_id, "?$select=id,azureADDeviceId", NULL);
  lk_graph_client_get_json_async (self->graph, lk_graph_client_get_api_version (self->graph), path,
                                  cancellable, entra_id_cb, g_steal_pointer (&task));
}

char *
lk_unlock_client_get_entra_id_finish (LkUnlockClient  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- errors in the admin's words ----------------------------------------------------------- */

static const char *
not_found_text (LkUnlockKind kind)
{
  switch (kind)
    {
    case LK_UNLOCK_LAPS:
      return _("Microsoft Entra ID holds no LAPS password for this device: LAPS is not configured, or the device never backed one up.");
    case LK_UNLOCK_BITLOCKER:
      return _("That BitLocker recovery key is not in Microsoft Entra ID.");
    case LK_UNLOCK_FILEVAULT:
      return _("Intune holds no FileVault recovery key for this Mac: no FileVault policy escrowed one.");
    case LK_UNLOCK_MACOS_ADMIN:
    case LK_UNLOCK_N_KINDS:
    default:
      return _("Intune manages no local administrator account on this Mac.");
    }
}

static const char *
forbidden_text (LkUnlockKind kind)
{
  switch (kind)
    {
    case LK_UNLOCK_LAPS:
      return _("Reading LAPS passwords needs the DeviceLocalCredential.Read.All permission and a Microsoft Entra role such as Cloud Device Administrator or Helpdesk Administrator.");
    case LK_UNLOCK_BITLOCKER:
      return _("Reading BitLocker keys needs the BitLockerKey.Read.All permission and a Microsoft Entra role such as Cloud Device Administrator, Helpdesk Administrator or Intune Administrator.");
    case LK_UNLOCK_FILEVAULT:
    case LK_UNLOCK_MACOS_ADMIN:
    case LK_UNLOCK_N_KINDS:
    default:
      return NULL;   /* Intune's own 403 already names the permission */
    }
}

/* The same error with a message the admin can act on; code and request ids kept. */
static GError *
explain (GError       *error,
         LkUnlockKind  kind)
{
  const char *text = NULL;
  GError *better;

  if (g_error_matches (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_NOT_FOUND))
    text = not_found_text (kind);
  else if (g_error_matches (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_FORBIDDEN))
    text = forbidden_text (kind);
  if (text == NULL)
    return error;
  better = lk_graph_error_new_literal_full (error->code, text, lk_graph_error_get_http_status (error),
                                            lk_graph_error_get_graph_code (error),
                                            lk_graph_error_get_request_id (error),
                                            lk_graph_error_get_client_request_id (error));
  g_error_free (error);
  return better;
}

/* --- BitLocker listing --------------------------------------------------------------------- */

typedef struct
{
  GPtrArray  *keys;
  GHashTable *seen_links;
  guint       pages;
} Listing;

static void
listing_free (Listing *listing)
{
  g_ptr_array_unref (listing->keys);
  g_hash_table_unref (listing->seen_links);
  g_free (listing);
}

static void
keys_page_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Listing *listing = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) root = lk_graph_client_get_json_finish (LK_GRAPH_CLIENT (source), result, NULL, NULL, &error);
  g_autofree char *next = NULL;
  GCancellable *cancellable;

  if (root == NULL || !lk_unlock_parse_bitlocker_page (root, listing->keys, &next, &error))
    {
      g_task_return_error (task, explain (error, LK_UNLOCK_BITLOCKER));
      return;
    }
  if (next == NULL)
    {
      g_task_return_pointer (task, g_ptr_array_ref (listing->keys), (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  /* A nextLink seen before, or endless pages: a loop, never followed forever. */
  if (g_hash_table_contains (listing->seen_links, next) || ++listing->pages >= MAX_KEY_PAGES)
    {
      g_task_return_error (task, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INVALID_RESPONSE,
                                                                  _("Microsoft Graph kept sending more pages of BitLocker keys; the listing was stopped."),
                                                                  200, NULL, NULL, NULL));
      return;
    }
  g_hash_table_add (listing->seen_links, g_strdup (next));
  cancellable = g_task_get_cancellable (task);
  lk_graph_client_get_json_async (LK_GRAPH_CLIENT (source), NULL, next, cancellable,
                                  keys_page_cb, g_steal_pointer (&task));
}

void
lk_unlock_client_list_bitlocker_async (LkUnlockClient      *self,
                                       const char          *entra_device_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Listing *listing = g_new0 (Listing, 1);
  g_autofree char *path = NULL;

  g_task_set_source_tag (task, lk_unlock_client_list_bitlocker_async);
  listing->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_bitlocker_key_info_free);
  listing->seen_links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_task_set_task_data (task, listing, (GDestroyNotify) listing_free);
  /* A GUID only: it goes inside a quoted $filter literal. */
  if (!lk_entra_device_id_is_set (entra_device_id) || !g_uuid_string_is_valid (entra_device_id))
    {
      g_task_return_error (task, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_BAD_REQUEST,
                                                                  _("This device has no Microsoft Entra device ID. Nothing was sent."),
                                                                  0, NULL, NULL, NULL));
      return;
    }
  /* [BLLIST] $top is not supported: Graph pages by itself. */
  path = g_strconcat ("/informationProtection/bitlocker/recoveryKeys?$filter=deviceId%20eq%20%27",
                      entra_device_id, "%27", NULL);
  lk_graph_client_get_json_async (self->graph, "v1.0", path, cancellable, keys_page_cb,
                                  g_steal_pointer (&task));
}

GPtrArray *
lk_unlock_client_list_bitlocker_finish (LkUnlockClient  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- one secret ---------------------------------------------------------------------------- */

static void
reveal_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LkUnlockKind kind = GPOINTER_TO_UINT (g_task_get_task_data (task));
  GError *error = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *client_request_id = NULL;
  g_autoptr(JsonNode) root = lk_graph_client_get_json_finish (LK_GRAPH_CLIENT (source), result, &request_id,
                                                              &client_request_id, &error);
  LkUnlockSecret *secret = NULL;

  if (root != NULL)
    {
      switch (kind)
        {
        case LK_UNLOCK_LAPS:
          secret = lk_unlock_parse_laps (root, &error);
          break;
        case LK_UNLOCK_BITLOCKER:
          secret = lk_unlock_parse_bitlocker_key (root, &error);
          break;
        case LK_UNLOCK_FILEVAULT:
          secret = lk_unlock_parse_filevault (root, &error);
          break;
        case LK_UNLOCK_MACOS_ADMIN:
        case LK_UNLOCK_N_KINDS:
        default:
          secret = lk_unlock_parse_macos_admin (root, &error);
          break;
        }
    }
  if (secret == NULL)
    {
      /* A well-formed answer without a secret is "nothing escrowed", with the answer's ids. */
      if (g_error_matches (error, LK_UNLOCK_PARSE_ERROR, LK_UNLOCK_PARSE_ERROR_EMPTY))
        {
          GError *empty = lk_graph_error_new_literal_full (LK_GRAPH_ERROR_NOT_FOUND, NULL, 200, NULL,
                                                           request_id, client_request_id);

          g_clear_error (&error);
          error = empty;
        }
      else if (error->domain == LK_UNLOCK_PARSE_ERROR)
        {
          GError *invalid = lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INVALID_RESPONSE, error->message,
                                                             200, NULL, request_id, client_request_id);

          g_clear_error (&error);
          error = invalid;
        }
      g_task_return_error (task, explain (error, kind));
      return;
    }
  secret->request_id = g_steal_pointer (&request_id);
  secret->client_request_id = g_steal_pointer (&client_request_id);
  g_task_return_pointer (task, secret, (GDestroyNotify) lk_unlock_secret_free);
}

static char *
reveal_path (LkUnlockKind  kind,
             const char   *id,
             const char  **version)
{
  switch (kind)
    {
    case LK_UNLOCK_LAPS:
      *version = "v1.0";
      return g_strconcat ("/directory/deviceLocalCredentials/", id, "?$select=credentials", NULL);
    case LK_UNLOCK_BITLOCKER:
      *version = "v1.0";
      return g_strconcat ("/informationProtection/bitlocker/recoveryKeys/", id, "?$select=key", NULL);
    case LK_UNLOCK_FILEVAULT:
      *version = "beta";
      return g_strconcat ("/deviceManagement/managedDevices/", id, "/getFileVaultKey", NULL);
    case LK_UNLOCK_MACOS_ADMIN:
    case LK_UNLOCK_N_KINDS:
    default:
      *version = "beta";
      return g_strconcat ("/deviceManagement/managedDevices/", id,
                          "/retrieveMacOSManagedDeviceLocalAdminAccountDetail", NULL);
    }
}

void
lk_unlock_client_reveal_async (LkUnlockClient      *self,
                               LkUnlockKind         kind,
                               const char          *id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *path = NULL;
  const char *version = NULL;

  g_return_if_fail (kind < LK_UNLOCK_N_KINDS);

  g_task_set_source_tag (task, lk_unlock_client_reveal_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (kind), NULL);
  if (return_if_invalid (task, id))
    return;
  path = reveal_path (kind, id, &version);
  g_debug ("Reading the %s secret of %s", lk_unlock_kind_to_string (kind), id);
  lk_graph_client_get_json_async (self->graph, version, path, cancellable, reveal_cb,
                                  g_steal_pointer (&task));
}

LkUnlockSecret *
lk_unlock_client_reveal_finish (LkUnlockClient  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
