/* lk-sandbox-unlock.c: the sandbox's unlock options, answered as Microsoft documents them.
 *
 *   GET  /v1.0/directory/deviceLocalCredentials/{Entra device id}[?$select=credentials]
 *        (also /v1.0/deviceLocalCredentials/{id}, as the v1.0 page's example writes it)
 *        deviceLocalCredentialInfo wrapped in "value"; credentials only with $select=credentials
 *        (then DeviceLocalCredential.Read.All, not ReadBasic.All); 404 when nothing is backed up.
 *   GET  /v1.0/informationProtection/bitlocker/recoveryKeys[?$filter=deviceId eq '…']
 *        a collection without keys, paged by @odata.nextLink ($top is not supported: 400).
 *   GET  /v1.0/informationProtection/bitlocker/recoveryKeys/{id}[?$select=key]
 *        one key in "value"; the key only with $select=key (BitLockerKey.Read.All), and each such
 *        read is counted as an audit record.
 *   GET  /beta/deviceManagement/managedDevices/{id}/getFileVaultKey          {"value": "<key>"}
 *   GET  /beta/deviceManagement/managedDevices/{id}/retrieveMacOSManagedDeviceLocalAdminAccountDetail
 *   POST /beta/deviceManagement/managedDevices/{id}/rotateLocalAdminPassword | rotateBitLockerKeys |
 *        rotateFileVaultKey   → 204; the new secret exists once the device checks in (the
 *        sandbox's pending time).
 * The directory endpoints also need the signed-in user to hold a directory role (Cloud Device
 * Administrator, Helpdesk Administrator…): without one, 403 Authorization_RequestDenied.
 * Sources: the Graph pages cited in src/core/lk-unlock-options.c.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "lk-sandbox-private.h"
#include "lk-sandbox-resources.h"

/* Graph documents no page size for recoveryKeys; a small one makes every demo device with
 * three keys page, so paging is always exercised. */
#define BITLOCKER_PAGE 2

#define SCOPE_READ       "DeviceManagementManagedDevices.Read.All"
#define SCOPE_READ_WRITE "DeviceManagementManagedDevices.ReadWrite.All"
#define SCOPE_PRIVILEGED "DeviceManagementManagedDevices.PrivilegedOperations.All"
#define SCOPE_CONFIG     "DeviceManagementConfiguration.Read.All"

typedef struct
{
  char    *account_name;
  char    *account_sid;
  char    *password;
  gboolean utf16;        /* passwordBase64 holds UTF-16LE (the documentation's example) */
  gint64   backup;       /* unix seconds */
} SbCredential;

typedef struct
{
  char      *device_name;
  GPtrArray *credentials;   /* of SbCredential, newest first */
} SbLaps;

typedef struct
{
  char  *id;
  char  *device_id;
  char  *volume_type;
  char  *key;
  gint64 created;
} SbRecoveryKey;

typedef struct
{
  char  *password;
  gint64 rotated;
} SbMacAdmin;

typedef struct
{
  char  *managed_id;
  char  *action;
  gint64 due_us;        /* real time the device checks in and the new secret exists */
} SbRotation;

struct _SbUnlockStore
{
  GMutex      lock;
  GHashTable *laps;        /* Entra device id → SbLaps */
  GPtrArray  *keys;        /* of SbRecoveryKey, in listing order */
  GHashTable *filevault;   /* managed device id → key */
  GHashTable *mac_admin;   /* managed device id → SbMacAdmin */
  GPtrArray  *rotations;   /* of SbRotation, not yet applied */
  char       *role;        /* the signed-in user's directory role, NULL: none */
  guint       audit_reads; /* BitLocker key reads ($select=key) */
  guint       rotations_queued;
  guint32     counter;     /* for new secrets after a rotation */
};

static void
wipe (char *text)
{
  if (text != NULL)
    explicit_bzero (text, strlen (text));
  g_free (text);
}

static void
credential_free (SbCredential *credential)
{
  g_free (credential->account_name);
  g_free (credential->account_sid);
  wipe (credential->password);
  g_free (credential);
}

static void
laps_free (SbLaps *laps)
{
  g_free (laps->device_name);
  g_ptr_array_unref (laps->credentials);
  g_free (laps);
}

static void
recovery_key_free (SbRecoveryKey *key)
{
  g_free (key->id);
  g_free (key->device_id);
  g_free (key->volume_type);
  wipe (key->key);
  g_free (key);
}

static void
mac_admin_free (SbMacAdmin *admin)
{
  wipe (admin->password);
  g_free (admin);
}

static void
rotation_free (SbRotation *rotation)
{
  g_free (rotation->managed_id);
  g_free (rotation->action);
  g_free (rotation);
}

SbUnlockStore *
sb_unlock_store_new (void)
{
  SbUnlockStore *store = g_new0 (SbUnlockStore, 1);

  g_mutex_init (&store->lock);
  store->laps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) laps_free);
  store->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) recovery_key_free);
  store->filevault = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) wipe);
  store->mac_admin = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) mac_admin_free);
  store->rotations = g_ptr_array_new_with_free_func ((GDestroyNotify) rotation_free);
  store->role = g_strdup ("Cloud Device Administrator");
  return store;
}

void
sb_unlock_store_free (SbUnlockStore *store)
{
  if (store == NULL)
    return;
  g_hash_table_unref (store->laps);
  g_ptr_array_unref (store->keys);
  g_hash_table_unref (store->filevault);
  g_hash_table_unref (store->mac_admin);
  g_ptr_array_unref (store->rotations);
  g_free (store->role);
  g_mutex_clear (&store->lock);
  g_free (store);
}

/* --- the demo's secrets (demo-unlock.json) ----------------------------------------------- */

static void
load_laps (SbUnlockStore *store, JsonObject *laps, gint64 now)
{
  g_autoptr(GList) ids = json_object_get_members (laps);

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *entry = json_object_get_object_member (laps, l->data);
      JsonArray *credentials = json_object_get_array_member (entry, "credentials");
      SbLaps *item = g_new0 (SbLaps, 1);

      item->device_name = g_strdup (json_object_get_string_member (entry, "deviceName"));
      item->credentials = g_ptr_array_new_with_free_func ((GDestroyNotify) credential_free);
      for (guint i = 0; i < json_array_get_length (credentials); i++)
        {
          JsonObject *c = json_array_get_object_element (credentials, i);
          SbCredential *credential = g_new0 (SbCredential, 1);

          credential->account_name = g_strdup (json_object_get_string_member (c, "accountName"));
          credential->account_sid = g_strdup (json_object_get_string_member (c, "accountSid"));
          credential->password = g_strdup (json_object_get_string_member (c, "password"));
          credential->utf16 = g_strcmp0 (json_object_get_string_member_with_default (c, "encoding", ""), "utf-16le") == 0;
          credential->backup = now - json_object_get_int_member (c, "backupDaysAgo") * 86400;
          g_ptr_array_add (item->credentials, credential);
        }
      g_hash_table_replace (store->laps, g_strdup (l->data), item);
    }
}

static void
load_keys (SbUnlockStore *store, JsonArray *keys, gint64 now)
{
  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      JsonObject *k = json_array_get_object_element (keys, i);
      SbRecoveryKey *key = g_new0 (SbRecoveryKey, 1);

      key->id = g_strdup (json_object_get_string_member (k, "id"));
      key->device_id = g_strdup (json_object_get_string_member (k, "deviceId"));
      key->volume_type = g_strdup (json_object_get_string_member (k, "volumeType"));
      key->key = g_strdup (json_object_get_string_member (k, "key"));
      key->created = now - json_object_get_int_member (k, "createdDaysAgo") * 86400;
      g_ptr_array_add (store->keys, key);
    }
}

static void
load_macs (SbUnlockStore *store, JsonObject *filevault, JsonObject *admins, gint64 now)
{
  g_autoptr(GList) fv = json_object_get_members (filevault);
  g_autoptr(GList) ad = json_object_get_members (admins);

  for (GList *l = fv; l != NULL; l = l->next)
    g_hash_table_replace (store->filevault, g_strdup (l->data),
                          g_strdup (json_object_get_string_member (filevault, l->data)));
  for (GList *l = ad; l != NULL; l = l->next)
    {
      JsonObject *a = json_object_get_object_member (admins, l->data);
      SbMacAdmin *admin = g_new0 (SbMacAdmin, 1);

      admin->password = g_strdup (json_object_get_string_member (a, "password"));
      admin->rotated = now - json_object_get_int_member (a, "rotatedDaysAgo") * 86400;
      g_hash_table_replace (store->mac_admin, g_strdup (l->data), admin);
    }
}

void
sb_unlock_store_load_demo (SbUnlockStore *store, gint64 now)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  bytes = g_resource_lookup_data (lk_sandbox_fixtures_get_resource (),
                                  "/io/github/latchkey/Latchkey/sandbox/demo-unlock.json",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL
      || !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    g_error ("The sandbox's demo-unlock.json is broken: %s", error->message);
  root = json_node_get_object (json_parser_get_root (parser));

  g_mutex_lock (&store->lock);
  g_hash_table_remove_all (store->laps);
  g_ptr_array_set_size (store->keys, 0);
  g_hash_table_remove_all (store->filevault);
  g_hash_table_remove_all (store->mac_admin);
  g_ptr_array_set_size (store->rotations, 0);
  load_laps (store, json_object_get_object_member (root, "laps"), now);
  load_keys (store, json_object_get_array_member (root, "bitlocker"), now);
  load_macs (store, json_object_get_object_member (root, "filevault"),
             json_object_get_object_member (root, "macosAdmin"), now);
  g_mutex_unlock (&store->lock);
}

void
sb_unlock_store_set_role (SbUnlockStore *store, const char *role)
{
  g_mutex_lock (&store->lock);
  g_free (store->role);
  store->role = g_strdup (role);
  g_mutex_unlock (&store->lock);
}

guint
sb_unlock_store_count (SbUnlockStore *store, gboolean rotations)
{
  guint n;

  g_mutex_lock (&store->lock);
  n = rotations ? store->rotations_queued : store->audit_reads;
  g_mutex_unlock (&store->lock);
  return n;
}

char **
sb_unlock_store_dup_secrets (SbUnlockStore *store)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GHashTableIter iter;
  gpointer value;

  g_mutex_lock (&store->lock);
  g_hash_table_iter_init (&iter, store->laps);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    for (guint i = 0; i < ((SbLaps *) value)->credentials->len; i++)
      g_strv_builder_add (builder, ((SbCredential *) g_ptr_array_index (((SbLaps *) value)->credentials, i))->password);
  for (guint i = 0; i < store->keys->len; i++)
    g_strv_builder_add (builder, ((SbRecoveryKey *) g_ptr_array_index (store->keys, i))->key);
  g_hash_table_iter_init (&iter, store->filevault);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_strv_builder_add (builder, value);
  g_hash_table_iter_init (&iter, store->mac_admin);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_strv_builder_add (builder, ((SbMacAdmin *) value)->password);
  g_mutex_unlock (&store->lock);
  return g_strv_builder_end (builder);
}

/* --- routing ------------------------------------------------------------------------------- */

static const char *const laps_scopes[] = { "DeviceLocalCredential.ReadBasic.All", "DeviceLocalCredential.Read.All", NULL };
static const char *const bitlocker_scopes[] = { "BitLockerKey.ReadBasic.All", "BitLockerKey.Read.All", NULL };
/* getFileVaultKey: Read.All or ReadWrite.All; the macOS admin detail and rotateLocalAdminPassword:
 * DeviceManagementConfiguration.Read.All or DeviceManagementManagedDevices.Read.All. */
static const char *const filevault_scopes[] = { SCOPE_READ, SCOPE_READ_WRITE, NULL };
static const char *const intune_read_scopes[] = { SCOPE_CONFIG, SCOPE_READ, NULL };
static const char *const bitlocker_rotate_scopes[] = { SCOPE_READ_WRITE, NULL };
static const char *const filevault_rotate_scopes[] = { SCOPE_PRIVILEGED, NULL };

static gboolean
is_device_function (char **parts, guint n, const char *name)
{
  return n == 5 && g_str_equal (parts[1], "deviceManagement") && g_str_equal (parts[2], "managedDevices")
         && g_str_equal (parts[4], name);
}

SbUnlockRoute
sb_unlock_route (char **parts, guint n, const char *const **scopes)
{
  *scopes = NULL;
  if (n == 4 && g_str_equal (parts[1], "directory") && g_str_equal (parts[2], "deviceLocalCredentials"))
    *scopes = laps_scopes;
  else if (n == 3 && g_str_equal (parts[1], "deviceLocalCredentials"))
    *scopes = laps_scopes;
  else if ((n == 4 || n == 5) && g_str_equal (parts[1], "informationProtection")
           && g_str_equal (parts[2], "bitlocker") && g_str_equal (parts[3], "recoveryKeys"))
    *scopes = bitlocker_scopes;
  else if (is_device_function (parts, n, "getFileVaultKey"))
    *scopes = filevault_scopes;
  else if (is_device_function (parts, n, "retrieveMacOSManagedDeviceLocalAdminAccountDetail")
           || is_device_function (parts, n, "rotateLocalAdminPassword"))
    *scopes = intune_read_scopes;
  else if (is_device_function (parts, n, "rotateBitLockerKeys"))
    *scopes = bitlocker_rotate_scopes;
  else if (is_device_function (parts, n, "rotateFileVaultKey"))
    *scopes = filevault_rotate_scopes;
  if (*scopes == NULL)
    return SB_UNLOCK_NONE;
  return *scopes == laps_scopes || *scopes == bitlocker_scopes ? SB_UNLOCK_DIRECTORY : SB_UNLOCK_INTUNE;
}

/* --- answers ------------------------------------------------------------------------------- */

static void
set_error (SbUnlockAnswer *answer, guint status, const char *code, const char *message)
{
  answer->status = status;
  answer->code = code;
  answer->message = message;
}

static gboolean
scope_granted (char **scopes, const char *wanted)
{
  for (guint i = 0; scopes != NULL && scopes[i] != NULL; i++)
    {
      const char *slash = strrchr (scopes[i], '/');

      if (g_ascii_strcasecmp (slash != NULL ? slash + 1 : scopes[i], wanted) == 0)
        return TRUE;
    }
  return FALSE;
}

static char *
password_base64 (const SbCredential *credential)
{
  if (credential->utf16)
    {
      glong n = 0;
      g_autofree gunichar2 *units = g_utf8_to_utf16 (credential->password, -1, NULL, &n, NULL);
      g_autofree guint8 *bytes = g_new (guint8, 2 * n + 1);
      char *text;

      for (glong i = 0; i < n; i++)
        {
          bytes[2 * i] = units[i] & 0xff;
          bytes[2 * i + 1] = units[i] >> 8;
        }
      text = g_base64_encode (bytes, 2 * n);
      explicit_bzero (bytes, 2 * n);
      explicit_bzero (units, n * sizeof (gunichar2));
      return text;
    }
  return g_base64_encode ((const guchar *) credential->password, strlen (credential->password));
}

/* A rotated secret: new text of the same shape, once the device has checked in. */
static void
apply_rotations (SbUnlockStore *store, SbDeviceSet *devices)
{
  gint64 now = g_get_real_time ();

  for (guint i = store->rotations->len; i > 0; i--)
    {
      SbRotation *rotation = g_ptr_array_index (store->rotations, i - 1);
      SbDevice *dev = sb_device_set_lookup (devices, rotation->managed_id);
      const char *entra = dev != NULL ? dev->s[SB_F_AZURE_AD_DEVICE_ID] : NULL;
      guint32 n = ++store->counter;

      if (rotation->due_us > now)
        continue;
      if (g_str_equal (rotation->action, "rotateFileVaultKey") && g_hash_table_contains (store->filevault, rotation->managed_id))
        g_hash_table_replace (store->filevault, g_strdup (rotation->managed_id),
                              g_strdup_printf ("RT%02u-ABCD-EFGH-JKLM-NPQR-STUV", n % 100));
      else if (g_str_equal (rotation->action, "rotateLocalAdminPassword"))
        {
          SbLaps *laps = entra != NULL ? g_hash_table_lookup (store->laps, entra) : NULL;
          SbMacAdmin *admin = g_hash_table_lookup (store->mac_admin, rotation->managed_id);

          if (laps != NULL && laps->credentials->len > 0)
            {
              SbCredential *c = g_ptr_array_index (laps->credentials, 0);

              wipe (c->password);
              c->password = g_strdup_printf ("Rotated#%04u-Lx", n % 10000);
              c->backup = now / G_USEC_PER_SEC;
            }
          if (admin != NULL)
            {
              wipe (admin->password);
              admin->password = g_strdup_printf ("MacRotated-%04u", n % 10000);
              admin->rotated = now / G_USEC_PER_SEC;
            }
        }
      else if (g_str_equal (rotation->action, "rotateBitLockerKeys") && entra != NULL)
        for (guint k = 0; k < store->keys->len; k++)
          {
            SbRecoveryKey *key = g_ptr_array_index (store->keys, k);

            if (g_strcmp0 (key->device_id, entra) != 0)
              continue;
            wipe (key->key);
            key->key = g_strdup_printf ("%06u-111111-222222-333333-444444-555555-666666-777777", (n * 11u) % 1000000);
            key->created = now / G_USEC_PER_SEC;
          }
      g_ptr_array_remove_index (store->rotations, i - 1);
    }
}

static void
answer_laps (SbUnlockStore *store, const char *id, GHashTable *query, SbUnlockAnswer *answer)
{
  const char *select = query != NULL ? g_hash_table_lookup (query, "$select") : NULL;
  gboolean credentials = select != NULL && strstr (select, "credentials") != NULL;
  SbLaps *laps = g_hash_table_lookup (store->laps, id);
  GString *body;

  if (laps == NULL)
    {
      set_error (answer, 404, "Request_ResourceNotFound",
                 "The device local credential for the specified device was not found.");
      return;
    }
  if (credentials && !scope_granted (answer->token_scopes, "DeviceLocalCredential.Read.All"))
    {
      set_error (answer, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
      return;
    }
  body = g_string_new ("{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#directory/deviceLocalCredentials/$entity\","
                       "\"value\":{\"@odata.type\":\"#microsoft.graph.deviceLocalCredentialInfo\",\"id\":");
  sb_json_append_string (body, id);
  g_string_append (body, ",\"deviceName\":");
  sb_json_append_string (body, laps->device_name);
  g_string_append (body, ",\"lastBackupDateTime\":");
  sb_append_iso8601 (body, laps->credentials->len > 0 ? ((SbCredential *) g_ptr_array_index (laps->credentials, 0))->backup : 0);
  g_string_append (body, ",\"refreshDateTime\":");
  sb_append_iso8601 (body, (laps->credentials->len > 0 ? ((SbCredential *) g_ptr_array_index (laps->credentials, 0))->backup : 0) + 30 * 86400);
  if (credentials)
    {
      g_string_append (body, ",\"credentials\":[");
      for (guint i = 0; i < laps->credentials->len; i++)
        {
          SbCredential *c = g_ptr_array_index (laps->credentials, i);
          g_autofree char *b64 = password_base64 (c);

          g_string_append (body, i > 0 ? ",{\"accountName\":" : "{\"accountName\":");
          sb_json_append_string (body, c->account_name);
          g_string_append (body, ",\"accountSid\":");
          sb_json_append_string (body, c->account_sid);
          g_string_append (body, ",\"backupDateTime\":");
          sb_append_iso8601 (body, c->backup);
          g_string_append (body, ",\"passwordBase64\":");
          sb_json_append_string (body, b64);
          g_string_append_c (body, '}');
          explicit_bzero (b64, strlen (b64));
        }
      g_string_append_c (body, ']');
    }
  g_string_append (body, "}}");
  answer->status = 200;
  answer->body = body;
}

static void
append_key (GString *body, const SbRecoveryKey *key, gboolean with_key)
{
  g_string_append (body, "{\"@odata.type\":\"#microsoft.graph.bitlockerRecoveryKey\",\"id\":");
  sb_json_append_string (body, key->id);
  g_string_append (body, ",\"createdDateTime\":");
  sb_append_iso8601 (body, key->created);
  g_string_append (body, ",\"volumeType\":");
  sb_json_append_string (body, key->volume_type);
  g_string_append (body, ",\"deviceId\":");
  sb_json_append_string (body, key->device_id);
  if (with_key)
    {
      g_string_append (body, ",\"key\":");
      sb_json_append_string (body, key->key);
    }
  g_string_append_c (body, '}');
}

/* $filter=deviceId eq '<id>' is the one filter the list supports. */
static gboolean
parse_device_filter (const char *filter, char **device_id)
{
  const char *p;
  const char *end;

  *device_id = NULL;
  if (filter == NULL)
    return TRUE;
  if (!g_str_has_prefix (filter, "deviceId eq '"))
    return FALSE;
  p = filter + strlen ("deviceId eq '");
  end = strchr (p, '\'');
  if (end == NULL || end[1] != '\0')
    return FALSE;
  *device_id = g_strndup (p, end - p);
  return TRUE;
}

static void
answer_key_list (SbUnlockStore *store, GHashTable *query, const char *base, SbUnlockAnswer *answer)
{
  const char *filter = query != NULL ? g_hash_table_lookup (query, "$filter") : NULL;
  const char *skip_text = query != NULL ? g_hash_table_lookup (query, "$skiptoken") : NULL;
  g_autofree char *device_id = NULL;
  guint skip = skip_text != NULL ? (guint) g_ascii_strtoull (skip_text, NULL, 10) : 0;
  guint matched = 0, written = 0;
  GString *body;

  if (query != NULL && g_hash_table_contains (query, "$top"))
    {
      set_error (answer, 400, "BadRequest", "The query specified in the URI is not valid. Query option 'Top' is not allowed.");
      return;
    }
  if (!parse_device_filter (filter, &device_id))
    {
      set_error (answer, 400, "BadRequest", "Invalid filter clause: only deviceId eq '<id>' is supported.");
      return;
    }
  body = g_string_new ("{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#informationProtection/bitlocker/recoveryKeys\",\"value\":[");
  for (guint i = 0; i < store->keys->len; i++)
    {
      SbRecoveryKey *key = g_ptr_array_index (store->keys, i);

      if (device_id != NULL && g_ascii_strcasecmp (key->device_id, device_id) != 0)
        continue;
      if (matched++ < skip)
        continue;
      if (written == BITLOCKER_PAGE)
        {
          g_autofree char *escaped = device_id != NULL ? g_uri_escape_string (device_id, NULL, FALSE) : NULL;

          g_string_append_printf (body, "],\"@odata.nextLink\":\"%s/v1.0/informationProtection/bitlocker/recoveryKeys?%s%s%s$skiptoken=%u\"}",
                                  base, escaped != NULL ? "$filter=deviceId%20eq%20%27" : "",
                                  escaped != NULL ? escaped : "", escaped != NULL ? "%27&" : "", skip + written);
          answer->status = 200;
          answer->body = body;
          return;
        }
      g_string_append (body, written > 0 ? "," : "");
      append_key (body, key, FALSE);
      written++;
    }
  g_string_append (body, "]}");
  answer->status = 200;
  answer->body = body;
}

static void
answer_key (SbUnlockStore *store, const char *id, GHashTable *query, SbUnlockAnswer *answer)
{
  const char *select = query != NULL ? g_hash_table_lookup (query, "$select") : NULL;
  gboolean with_key = select != NULL && strstr (select, "key") != NULL;
  SbRecoveryKey *found = NULL;

  for (guint i = 0; i < store->keys->len && found == NULL; i++)
    if (g_str_equal (((SbRecoveryKey *) g_ptr_array_index (store->keys, i))->id, id))
      found = g_ptr_array_index (store->keys, i);
  if (found == NULL)
    {
      set_error (answer, 404, "Request_ResourceNotFound", "The BitLocker recovery key was not found.");
      return;
    }
  if (with_key && !scope_granted (answer->token_scopes, "BitLockerKey.Read.All"))
    {
      set_error (answer, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
      return;
    }
  if (with_key)
    store->audit_reads++;
  answer->body = g_string_new ("{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#informationProtection/bitlocker/recoveryKeys/$entity\",\"value\":");
  append_key (answer->body, found, with_key);
  g_string_append_c (answer->body, '}');
  answer->status = 200;
}

static void
answer_intune (SbUnlockStore *store, SbDevice *dev, const char *method, const char *function,
               guint pending_ms, SbUnlockAnswer *answer)
{
  const char *id = dev->s[SB_F_ID];

  if (g_str_equal (method, "POST"))
    {
      SbRotation *rotation = g_new0 (SbRotation, 1);

      rotation->managed_id = g_strdup (id);
      rotation->action = g_strdup (function);
      rotation->due_us = g_get_real_time () + (gint64) pending_ms * 1000;
      g_ptr_array_add (store->rotations, rotation);
      store->rotations_queued++;
      answer->status = 204;
      return;
    }
  if (g_str_equal (function, "getFileVaultKey"))
    {
      const char *key = g_hash_table_lookup (store->filevault, id);

      if (key == NULL)
        {
          set_error (answer, 404, "ResourceNotFound", "No FileVault recovery key is escrowed for this device.");
          return;
        }
      answer->body = g_string_new ("{\"@odata.context\":\"https://graph.microsoft.com/beta/$metadata#Edm.String\",\"value\":");
      sb_json_append_string (answer->body, key);
      g_string_append_c (answer->body, '}');
    }
  else
    {
      SbMacAdmin *admin = g_hash_table_lookup (store->mac_admin, id);

      if (admin == NULL)
        {
          set_error (answer, 404, "ResourceNotFound", "No managed local admin account exists for this device.");
          return;
        }
      answer->body = g_string_new ("{\"value\":{\"@odata.type\":\"microsoft.graph.macOSManagedDeviceLocalAdminAccountDetail\",\"adminAccountPassword\":");
      sb_json_append_string (answer->body, admin->password);
      g_string_append (answer->body, ",\"passwordLastRotatedDateTime\":");
      sb_append_iso8601 (answer->body, admin->rotated);
      g_string_append (answer->body, "}}");
    }
  answer->status = 200;
}

void
sb_unlock_answer (SbUnlockStore *store, SbDeviceSet *devices, const char *method, char **parts,
                  guint n, GHashTable *query, const char *graph_base, guint pending_ms,
                  SbUnlockAnswer *answer)
{
  gboolean directory = !g_str_equal (parts[1], "deviceManagement");
  gboolean post = g_str_equal (method, "POST");

  answer->status = 0;
  answer->body = NULL;
  /* The Intune functions exist only in beta. */
  if (directory ? !g_str_equal (parts[0], "v1.0") && !g_str_equal (parts[0], "beta") : !g_str_equal (parts[0], "beta"))
    {
      set_error (answer, 400, "BadRequest", "Resource not found for the segment.");
      return;
    }
  if (post != (directory ? FALSE : g_str_has_prefix (parts[4], "rotate")))
    {
      set_error (answer, 405, "MethodNotAllowed", "The method is not allowed on this resource.");
      return;
    }

  g_mutex_lock (&store->lock);
  apply_rotations (store, devices);
  if (directory && store->role == NULL)
    set_error (answer, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  else if (directory && g_str_equal (parts[1], "informationProtection"))
    {
      if (n == 4)
        answer_key_list (store, query, graph_base, answer);
      else
        answer_key (store, parts[4], query, answer);
    }
  else if (directory)
    answer_laps (store, parts[n - 1], query, answer);
  else
    {
      SbDevice *dev = sb_device_set_lookup (devices, parts[3]);

      if (dev == NULL)
        set_error (answer, 404, "ResourceNotFound", "Resource not found");
      else
        answer_intune (store, dev, method, parts[4], pending_ms, answer);
    }
  g_mutex_unlock (&store->lock);
}
