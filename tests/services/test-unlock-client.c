/* test-unlock-client.c: LAPS, BitLocker, FileVault and the macOS admin account, read and rotated
 * through the real Graph client against the sandbox over loopback HTTP.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "lk-action-journal.h"
#include "lk-graph-error.h"
#include "lk-sandbox.h"
#include "lk-unlock-client.h"

#define BASE_SCOPES "DeviceManagementManagedDevices.Read.All DeviceManagementManagedDevices.PrivilegedOperations.All"
#define ALL_SCOPES  BASE_SCOPES " DeviceManagementManagedDevices.ReadWrite.All DeviceLocalCredential.Read.All BitLockerKey.Read.All"

/* Demo tenant devices (src/sandbox/demo-tenant.json, demo-unlock.json). */
#define WIN_JOINED       "76beaaf6-5c5d-5f09-bc21-b96db427b165"   /* LAPS (UTF-8), two keys */
#define WIN_JOINED_ENTRA "9ba0d918-e727-5ddc-b309-57030960e3c6"
#define WIN_HYBRID_ENTRA "cb9d36c7-621f-5949-86e8-c3107973cc4d"   /* LAPS (UTF-16LE), three keys */
#define WIN_NO_LAPS_ENTRA "60ab4352-1eeb-580d-8da4-62d05caadac9"  /* nothing escrowed */
#define WIN_REGISTERED   "a3e1c0d2-7b4f-5e8a-9c61-2f0d8b7e4a19"   /* all-zero Entra device id */
#define MAC_ADE          "35fcdb7f-dcca-5ea8-91e1-1253fdf5964e"   /* FileVault + admin account */
#define MAC_PERSONAL     "b32e0e1a-9ab3-50cc-baa4-3af81b076a44"   /* nothing escrowed */
#define HYBRID_KEY       "c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f"

typedef struct
{
  LkSandbox      *sandbox;
  LkGraphClient  *graph;
  LkUnlockClient *unlock;
  GAsyncResult   *result;
} Fixture;

static void
connect_with (Fixture    *fixture,
              const char *scopes)
{
  g_autofree char *graph_url = lk_sandbox_get_graph_url (fixture->sandbox);
  g_autofree char *token = lk_sandbox_mint_access_token (fixture->sandbox, scopes, 3600);
  g_autoptr(LkStaticToken) tokens = lk_static_token_new (token);

  g_clear_object (&fixture->unlock);
  g_clear_object (&fixture->graph);
  fixture->graph = lk_graph_client_new (graph_url, "beta", LK_TOKEN_PROVIDER (tokens));
  lk_graph_client_set_backoff (fixture->graph, 10, 50);
  fixture->unlock = lk_unlock_client_new (fixture->graph);
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->sandbox = lk_sandbox_new ();
  lk_sandbox_load_demo_tenant (fixture->sandbox);
  lk_sandbox_set_action_timing (fixture->sandbox, 200, 100);
  g_assert_true (lk_sandbox_start (fixture->sandbox, &error));
  connect_with (fixture, ALL_SCOPES);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  g_clear_object (&fixture->result);
  g_assert_finalize_object (fixture->unlock);
  g_assert_finalize_object (fixture->graph);
  lk_sandbox_stop (fixture->sandbox);
  g_assert_finalize_object (fixture->sandbox);
}

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Fixture *fixture = user_data;

  fixture->result = g_object_ref (result);
}

static GAsyncResult *
wait_result (Fixture *fixture)
{
  g_clear_object (&fixture->result);
  while (fixture->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return fixture->result;
}

static LkUnlockSecret *
reveal (Fixture       *fixture,
        LkUnlockKind   kind,
        const char    *id,
        GError       **error)
{
  lk_unlock_client_reveal_async (fixture->unlock, kind, id, NULL, store_cb, fixture);
  return lk_unlock_client_reveal_finish (fixture->unlock, wait_result (fixture), error);
}

static char *
entra_id (Fixture    *fixture,
          const char *managed_id)
{
  g_autoptr(GError) error = NULL;
  char *id;

  lk_unlock_client_get_entra_id_async (fixture->unlock, managed_id, NULL, store_cb, fixture);
  id = lk_unlock_client_get_entra_id_finish (fixture->unlock, wait_result (fixture), &error);
  g_assert_no_error (error);
  return id;
}

static void
test_entra_id (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *joined = entra_id (fixture, WIN_JOINED);
  g_autofree char *registered = entra_id (fixture, WIN_REGISTERED);

  g_assert_cmpstr (joined, ==, WIN_JOINED_ENTRA);
  /* Intune's all-zero GUID: not known to Entra ID. */
  g_assert_null (registered);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "managedDevices/" WIN_JOINED), ==, 1);
}

/* Both encodings Microsoft's world uses, each decoded right, and the headers the page asks for. */
static void
test_laps (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkUnlockSecret) utf8 = reveal (fixture, LK_UNLOCK_LAPS, WIN_JOINED_ENTRA, &error);
  g_autoptr(LkUnlockSecret) utf16 = NULL;
  g_autofree char *agent = NULL;
  g_autofree char *client_name = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (utf8->secret, ==, "Vk7#qL2x!mP9wRt4");
  g_assert_cmpstr (utf8->account_name, ==, "ContosoAdmin");
  g_assert_nonnull (utf8->backup_time);
  g_assert_nonnull (utf8->request_id);
  g_assert_nonnull (utf8->client_request_id);
  utf16 = reveal (fixture, LK_UNLOCK_LAPS, WIN_HYBRID_ENTRA, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (utf16->secret, ==, "Hy8&nQ3z-Ks6Jd");
  g_assert_cmpstr (utf16->account_name, ==, "Administrator");

  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "/v1.0/directory/deviceLocalCredentials/"), ==, 2);
  agent = lk_sandbox_get_last_header (fixture->sandbox, "deviceLocalCredentials", "User-Agent");
  client_name = lk_sandbox_get_last_header (fixture->sandbox, "deviceLocalCredentials", "ocp-client-name");
  g_assert_true (g_str_has_prefix (agent, "Latchkey/"));
  g_assert_cmpstr (client_name, ==, "Latchkey");
}

static void
test_not_escrowed (Fixture       *fixture,
                   gconstpointer  data)
{
  static const struct { LkUnlockKind kind; const char *id; } cases[] = {
    { LK_UNLOCK_LAPS, WIN_NO_LAPS_ENTRA },
    { LK_UNLOCK_BITLOCKER, "0badc0de-0000-4000-8000-000000000000" },
    { LK_UNLOCK_FILEVAULT, MAC_PERSONAL },
    { LK_UNLOCK_MACOS_ADMIN, MAC_PERSONAL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(LkUnlockSecret) secret = reveal (fixture, cases[i].kind, cases[i].id, &error);

      g_assert_null (secret);
      g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_NOT_FOUND);
      g_assert_cmpuint (lk_graph_error_get_http_status (error), ==, 404);
      g_assert_nonnull (lk_graph_error_get_request_id (error));
    }
}

static GPtrArray *
list_keys (Fixture     *fixture,
           const char  *entra,
           GError     **error)
{
  lk_unlock_client_list_bitlocker_async (fixture->unlock, entra, NULL, store_cb, fixture);
  return lk_unlock_client_list_bitlocker_finish (fixture->unlock, wait_result (fixture), error);
}

/* Three keys come in two pages; the listing never holds a key, and reading one is audited. */
static void
test_bitlocker (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = list_keys (fixture, WIN_HYBRID_ENTRA, &error);
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(LkUnlockSecret) key = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 3);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "recoveryKeys"), ==, 2);
  g_assert_cmpuint (lk_sandbox_count_key_reads (fixture->sandbox), ==, 0);
  for (guint i = 0; i < keys->len; i++)
    g_assert_cmpstr (((LkBitLockerKeyInfo *) keys->pdata[i])->device_id, ==, WIN_HYBRID_ENTRA);
  g_assert_cmpstr (((LkBitLockerKeyInfo *) keys->pdata[2])->volume_type, ==, "3");

  key = reveal (fixture, LK_UNLOCK_BITLOCKER, HYBRID_KEY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key->secret, ==, "284163-516582-692879-035431-372746-145013-707146-433719");
  g_assert_cmpstr (key->key_id, ==, HYBRID_KEY);
  g_assert_cmpuint (lk_sandbox_count_key_reads (fixture->sandbox), ==, 1);

  none = list_keys (fixture, WIN_NO_LAPS_ENTRA, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_bitlocker_bad_id (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = list_keys (fixture, "x' or deviceId ne '", &error);

  g_assert_null (keys);
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_BAD_REQUEST);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, NULL, "recoveryKeys"), ==, 0);
}

static void
test_macs (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkUnlockSecret) filevault = reveal (fixture, LK_UNLOCK_FILEVAULT, MAC_ADE, &error);
  g_autoptr(LkUnlockSecret) admin = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (filevault->secret, ==, "K7QJ-M2XW-9PRT-4HVN-B6CZ-3LDF");
  admin = reveal (fixture, LK_UNLOCK_MACOS_ADMIN, MAC_ADE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (admin->secret, ==, "fT4-vQ9m-Zx2s-Lp7");
  g_assert_nonnull (admin->backup_time);
  /* Intune's functions exist only in beta, whatever version lists are read from. */
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "/beta/deviceManagement/managedDevices/" MAC_ADE "/getFileVaultKey"), ==, 1);
}

/* A token with only the passcode permissions: 403, and the error names what is missing. */
static void
test_missing_permission (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) laps_error = NULL;
  g_autoptr(GError) key_error = NULL;
  g_autoptr(LkUnlockSecret) laps = NULL;
  g_autoptr(LkUnlockSecret) key = NULL;

  connect_with (fixture, BASE_SCOPES);
  laps = reveal (fixture, LK_UNLOCK_LAPS, WIN_JOINED_ENTRA, &laps_error);
  g_assert_error (laps_error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (laps_error->message, "DeviceLocalCredential.Read.All"));
  g_assert_cmpstr (lk_graph_error_get_graph_code (laps_error), ==, "Authorization_RequestDenied");
  key = reveal (fixture, LK_UNLOCK_BITLOCKER, HYBRID_KEY, &key_error);
  g_assert_error (key_error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (key_error->message, "BitLockerKey.Read.All"));
  g_assert_cmpuint (lk_sandbox_count_key_reads (fixture->sandbox), ==, 0);

  /* ReadBasic lists keys and LAPS metadata, but never a secret. */
  connect_with (fixture, BASE_SCOPES " DeviceLocalCredential.ReadBasic.All");
  g_clear_error (&laps_error);
  g_clear_pointer (&laps, lk_unlock_secret_free);
  laps = reveal (fixture, LK_UNLOCK_LAPS, WIN_JOINED_ENTRA, &laps_error);
  g_assert_error (laps_error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_FORBIDDEN);
}

/* The permission granted, but no directory role: 403 too, with the role named. */
static void
test_missing_role (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkUnlockSecret) laps = NULL;
  g_autoptr(GPtrArray) keys = NULL;

  lk_sandbox_set_directory_role (fixture->sandbox, NULL);
  laps = reveal (fixture, LK_UNLOCK_LAPS, WIN_JOINED_ENTRA, &error);
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (error->message, "Cloud Device Administrator"));
  g_clear_error (&error);
  keys = list_keys (fixture, WIN_HYBRID_ENTRA, &error);
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_FORBIDDEN);
}

static gboolean
post (Fixture         *fixture,
      const char      *id,
      LkDeviceAction   action,
      GError         **error)
{
  lk_graph_client_post_action_async (fixture->graph, id, action, NULL, store_cb, fixture);
  return lk_graph_client_post_action_finish (fixture->graph, wait_result (fixture), error);
}

/* A rotation is queued (204); the new secret exists only after the device checks in. */
static void
test_rotate (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkUnlockSecret) before = reveal (fixture, LK_UNLOCK_FILEVAULT, MAC_ADE, &error);
  g_autoptr(LkUnlockSecret) soon = NULL;
  g_autoptr(LkUnlockSecret) after = NULL;

  g_assert_no_error (error);
  g_assert_true (post (fixture, MAC_ADE, lk_unlock_kind_device_action (LK_UNLOCK_FILEVAULT), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_sandbox_count_rotations (fixture->sandbox), ==, 1);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "/beta/deviceManagement/managedDevices/" MAC_ADE "/rotateFileVaultKey"), ==, 1);
  soon = reveal (fixture, LK_UNLOCK_FILEVAULT, MAC_ADE, &error);
  g_assert_cmpstr (soon->secret, ==, before->secret);
  g_usleep (250 * 1000);
  after = reveal (fixture, LK_UNLOCK_FILEVAULT, MAC_ADE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after->secret, !=, before->secret);

  /* rotateBitLockerKeys needs ReadWrite.All (its page): without it Intune refuses, nothing queued. */
  connect_with (fixture, BASE_SCOPES);
  g_assert_false (post (fixture, WIN_JOINED, LK_DEVICE_ACTION_ROTATE_BITLOCKER_KEYS, &error));
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_FORBIDDEN);
  g_assert_cmpuint (lk_sandbox_count_rotations (fixture->sandbox), ==, 1);
}

/* The POST policy of a reset holds for a rotation: a 5xx is "outcome unknown", sent once. */
static void
test_rotate_outcome_unknown (Fixture       *fixture,
                             gconstpointer  data)
{
  LkFault fault = { LK_FAULT_STATUS, "POST", "rotateLocalAdminPassword", .status = 503, .processed = TRUE };
  g_autoptr(GError) error = NULL;

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  g_assert_false (post (fixture, WIN_JOINED, LK_DEVICE_ACTION_ROTATE_LOCAL_ADMIN_PASSWORD, &error));
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_OUTCOME_UNKNOWN);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "rotateLocalAdminPassword"), ==, 1);
  g_assert_cmpuint (lk_sandbox_count_rotations (fixture->sandbox), ==, 1);
}

/* Recovery keys through the fault matrix: a throttled page is waited for, a broken one refused. */
static void
test_bitlocker_faults (Fixture       *fixture,
                       gconstpointer  data)
{
  LkFault throttle = { LK_FAULT_STATUS, "GET", "recoveryKeys", .status = 429, .retry_after = "0.05", .skip = 1 };
  LkFault malformed = { LK_FAULT_MALFORMED, "GET", "recoveryKeys", .skip = 1 };
  LkFault foreign = { LK_FAULT_FOREIGN_NEXT_LINK, "GET", "recoveryKeys" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = NULL;

  lk_sandbox_add_fault (fixture->sandbox, &throttle);
  keys = list_keys (fixture, WIN_HYBRID_ENTRA, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 3);
  g_clear_pointer (&keys, g_ptr_array_unref);

  lk_sandbox_add_fault (fixture->sandbox, &malformed);
  keys = list_keys (fixture, WIN_HYBRID_ENTRA, &error);
  g_assert_null (keys);
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);

  /* A nextLink to another host: refused before any token goes there. */
  lk_sandbox_clear_faults (fixture->sandbox);
  lk_sandbox_reset_log (fixture->sandbox);
  lk_sandbox_add_fault (fixture->sandbox, &foreign);
  keys = list_keys (fixture, WIN_HYBRID_ENTRA, &error);
  g_assert_null (keys);
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INSECURE);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "recoveryKeys"), ==, 1);
}

/* A rotation or a reveal is journaled beside the passcode actions, but never taken for one: it
 * does not hold a reset back, nor answer for it. */
static void
test_journal_not_a_passcode_action (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("latchkey-unlock-journal-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.jsonl", NULL);
  g_autoptr(LkActionHistory) history = lk_action_history_new (path);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) device = NULL;
  g_autoptr(LkHistoryEntry) rotation = NULL;
  g_autoptr(LkHistoryEntry) reveal = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, "{\"id\":\"" MAC_ADE "\",\"deviceName\":\"Mac\"}", -1, NULL));
  device = lk_device_new_from_json (json_node_get_object (json_parser_get_root (parser)), &error);
  g_assert_no_error (error);
  rotation = lk_unlock_journal_entry_new (device, "admin@contoso", "tenant", "rotateFileVaultKey", "sent",
                                          "INC-1", NULL, "0f9e6c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b");
  reveal = lk_unlock_journal_entry_new (device, "admin@contoso", "tenant",
                                        lk_unlock_kind_reveal_action (LK_UNLOCK_FILEVAULT), "revealed", NULL, "r", "c");
  g_assert_true (lk_action_history_append (history, rotation, &error));
  g_assert_true (lk_action_history_append (history, reveal, &error));
  entries = lk_action_history_load (history, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_true (lk_history_entry_is_unlock (g_ptr_array_index (entries, 0)));
  g_assert_null (lk_history_find_latest (entries, MAC_ADE));
  g_assert_cmpint (lk_action_in_flight (entries, NULL, MAC_ADE, now, NULL), ==, LK_IN_FLIGHT_NONE);
  g_assert_cmpstr (lk_history_outcome_label ("revealed"), ==, "Secret shown");
  g_unlink (path);
  g_rmdir (dir);
}

/* The fault matrix's rows for a secret read (a GET, retried where a GET may be) and a rotation
 * (a POST: sent once; after processing, "outcome unknown"). @code -1: the secret comes back. */
typedef struct
{
  const char *name;
  LkFault     fault;
  int         code;
  guint       requests;
  guint       rotations;   /* POST rows: rotations Intune queued */
} FaultRow;

#define LAPS_GET(...)    { .method = "GET", .path_contains = "deviceLocalCredentials", __VA_ARGS__ }
#define ROTATE_POST(...) { .method = "POST", .path_contains = "rotateFileVaultKey", __VA_ARGS__ }

static const FaultRow read_rows[] = {
  { "429-retry-after", LAPS_GET (.status = 429, .retry_after = "0.05"), -1, 2 },
  { "503", LAPS_GET (.status = 503, .retry_after = "0.05"), -1, 2 },
  { "504", LAPS_GET (.status = 504, .retry_after = "0.05"), -1, 2 },
  { "500", LAPS_GET (.status = 500), LK_GRAPH_ERROR_SERVER, 1 },
  { "drop-mid-body", LAPS_GET (.kind = LK_FAULT_DROP_MID_BODY), -1, 2 },
  { "truncated", LAPS_GET (.kind = LK_FAULT_TRUNCATE), LK_GRAPH_ERROR_INVALID_RESPONSE, 1 },
  { "malformed", LAPS_GET (.kind = LK_FAULT_MALFORMED), LK_GRAPH_ERROR_INVALID_RESPONSE, 1 },
  { "huge-body", LAPS_GET (.kind = LK_FAULT_HUGE_BODY, .size = 4 * 1024 * 1024), LK_GRAPH_ERROR_TOO_LARGE, 1 },
  { "token-expires", LAPS_GET (.kind = LK_FAULT_EXPIRE_TOKEN), LK_GRAPH_ERROR_UNAUTHORIZED, 1 },
  { "conditional-access", LAPS_GET (.kind = LK_FAULT_FORBIDDEN, .graph_code = "insufficient_claims"), LK_GRAPH_ERROR_FORBIDDEN, 1 },
};

static const FaultRow rotate_rows[] = {
  { "429", ROTATE_POST (.status = 429, .retry_after = "0.05"), -1, 2, 1 },
  { "500", ROTATE_POST (.status = 500), LK_GRAPH_ERROR_OUTCOME_UNKNOWN, 1, 0 },
  { "500-processed", ROTATE_POST (.status = 500, .processed = TRUE), LK_GRAPH_ERROR_OUTCOME_UNKNOWN, 1, 1 },
  { "503-processed", ROTATE_POST (.status = 503, .processed = TRUE), LK_GRAPH_ERROR_OUTCOME_UNKNOWN, 1, 1 },
  { "drop-processed", ROTATE_POST (.kind = LK_FAULT_DROP_MID_BODY), LK_GRAPH_ERROR_OUTCOME_UNKNOWN, 1, 1 },
  { "approval-required", ROTATE_POST (.kind = LK_FAULT_FORBIDDEN, .graph_code = "ApprovalRequired"), LK_GRAPH_ERROR_FORBIDDEN, 1, 0 },
};

static void
test_fault_rows (Fixture       *fixture,
                 gconstpointer  data)
{
  lk_graph_client_set_max_body_size (fixture->graph, 1024 * 1024);
  for (guint i = 0; i < G_N_ELEMENTS (read_rows); i++)
    {
      const FaultRow *row = &read_rows[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(LkUnlockSecret) secret = NULL;

      g_test_message ("read row %s", row->name);
      connect_with (fixture, ALL_SCOPES);
      lk_graph_client_set_max_body_size (fixture->graph, 1024 * 1024);
      lk_graph_client_set_backoff (fixture->graph, 10, 50);
      lk_sandbox_clear_faults (fixture->sandbox);
      lk_sandbox_reset_log (fixture->sandbox);
      lk_sandbox_add_fault (fixture->sandbox, &row->fault);
      secret = reveal (fixture, LK_UNLOCK_LAPS, WIN_JOINED_ENTRA, &error);
      if (row->code < 0)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (secret->secret, ==, "Vk7#qL2x!mP9wRt4");
        }
      else
        {
          g_assert_null (secret);
          g_assert_error (error, LK_GRAPH_ERROR, row->code);
        }
      g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "deviceLocalCredentials"), ==, row->requests);
    }
  for (guint i = 0; i < G_N_ELEMENTS (rotate_rows); i++)
    {
      const FaultRow *row = &rotate_rows[i];
      g_autoptr(GError) error = NULL;
      guint before = lk_sandbox_count_rotations (fixture->sandbox);
      gboolean sent;

      g_test_message ("rotate row %s", row->name);
      lk_sandbox_clear_faults (fixture->sandbox);
      lk_sandbox_reset_log (fixture->sandbox);
      lk_sandbox_add_fault (fixture->sandbox, &row->fault);
      sent = post (fixture, MAC_ADE, LK_DEVICE_ACTION_ROTATE_FILEVAULT_KEY, &error);
      if (row->code < 0)
        g_assert_no_error (error);
      else
        g_assert_error (error, LK_GRAPH_ERROR, row->code);
      g_assert_cmpint (sent, ==, row->code < 0);
      g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "rotateFileVaultKey"), ==, row->requests);
      g_assert_cmpuint (lk_sandbox_count_rotations (fixture->sandbox) - before, ==, row->rotations);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/unlock-client/entra-id", Fixture, NULL, setup, test_entra_id, teardown);
  g_test_add ("/unlock-client/laps", Fixture, NULL, setup, test_laps, teardown);
  g_test_add ("/unlock-client/not-escrowed", Fixture, NULL, setup, test_not_escrowed, teardown);
  g_test_add ("/unlock-client/bitlocker", Fixture, NULL, setup, test_bitlocker, teardown);
  g_test_add ("/unlock-client/bitlocker-bad-id", Fixture, NULL, setup, test_bitlocker_bad_id, teardown);
  g_test_add ("/unlock-client/bitlocker-faults", Fixture, NULL, setup, test_bitlocker_faults, teardown);
  g_test_add ("/unlock-client/macs", Fixture, NULL, setup, test_macs, teardown);
  g_test_add ("/unlock-client/missing-permission", Fixture, NULL, setup, test_missing_permission, teardown);
  g_test_add ("/unlock-client/missing-role", Fixture, NULL, setup, test_missing_role, teardown);
  g_test_add ("/unlock-client/rotate", Fixture, NULL, setup, test_rotate, teardown);
  g_test_add ("/unlock-client/rotate-outcome-unknown", Fixture, NULL, setup, test_rotate_outcome_unknown, teardown);
  g_test_add ("/unlock-client/journal-not-a-passcode-action", Fixture, NULL, setup, test_journal_not_a_passcode_action, teardown);
  g_test_add ("/unlock-client/fault-rows", Fixture, NULL, setup, test_fault_rows, teardown);
  return g_test_run ();
}
