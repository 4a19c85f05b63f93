/* test-cli-unlock.c: latchkey-cli's unlock options — LAPS, BitLocker, FileVault — revealed and
 * rotated against the sandbox.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"


#include "cli-fixture.h"

/* --- unlock options ------------------------------------------------------------------------ */

#define UNLOCK_SCOPES ALL_SCOPES " DeviceManagementManagedDevices.ReadWrite.All DeviceLocalCredential.Read.All BitLockerKey.Read.All"
#define WIN_JOINED_ID "76beaaf6-5c5d-5f09-bc21-b96db427b165"
#define WIN_HYBRID_ID "7ca9331a-f11f-5185-bcc2-445033f92167"
#define WIN_REGISTERED_ID "a3e1c0d2-7b4f-5e8a-9c61-2f0d8b7e4a19"
#define MAC_ADE_ID "35fcdb7f-dcca-5ea8-91e1-1253fdf5964e"
#define LINUX_ID "0691faa4-30ee-53e8-bf0a-e993d144303f"
#define WIN_JOINED_LAPS "Vk7#qL2x!mP9wRt4"

static char *
unlock_input (Fixture    *fixture,
              const char *rest)
{
  g_autofree char *token = lk_sandbox_mint_access_token (fixture->sandbox, UNLOCK_SCOPES, 3600);

  return g_strconcat (token, "\n", rest, NULL);
}

static void
test_unlock_options (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *input = unlock_input (fixture, "");
  g_autofree char *out = NULL;
  g_autofree char *registered = NULL;
  g_autoptr(JsonArray) options = NULL;
  g_autoptr(JsonArray) none = NULL;

  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--json", "unlock", WIN_JOINED_ID, NULL), ==, 0);
  options = parse_array (out);
  g_assert_cmpuint (json_array_get_length (options), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (options, 0), "kind"), ==, "laps");
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (options, 1), "available"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (options, 1), "permission"), ==, "BitLockerKey.Read.All");

  g_assert_cmpint (run_cli (input, &registered, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "unlock", WIN_REGISTERED_ID, NULL), ==, 0);
  g_assert_nonnull (strstr (registered, "not available"));
  g_assert_nonnull (strstr (registered, "Entra joined or hybrid joined"));

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--json", "unlock", LINUX_ID, NULL), ==, 7);
  none = parse_array (out);
  g_assert_cmpuint (json_array_get_length (none), ==, 0);
  /* Listing options reads no secret. */
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, NULL, "deviceLocalCredentials"), ==, 0);
}

/* Without --reveal nothing secret is fetched; with it, the secret once, journaled without it. */
static void
test_unlock_laps_reveal (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *input = unlock_input (fixture, "");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *history_text = NULL;
  g_autofree char *history_path = g_build_filename (state_home, "latchkey", "history.jsonl", NULL);
  g_autoptr(JsonObject) secret = NULL;
  g_autoptr(JsonArray) history = NULL;

  g_assert_cmpint (run_cli (input, &out, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "laps", WIN_JOINED_ID, NULL), ==, 0);
  g_assert_null (strstr (out, WIN_JOINED_LAPS));
  g_assert_nonnull (strstr (err, "--reveal"));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, NULL, "deviceLocalCredentials"), ==, 0);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--reveal", "--json", "--reason", "INC-4711", "laps", WIN_JOINED_ID, NULL), ==, 0);
  secret = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (secret, "secret"), ==, WIN_JOINED_LAPS);
  g_assert_cmpstr (json_object_get_string_member (secret, "account"), ==, "ContosoAdmin");
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "deviceLocalCredentials"), ==, 1);

  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "action"), ==, "revealLocalAdminPassword");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "outcome"), ==, "revealed");
  g_assert_true (g_file_get_contents (history_path, &history_text, NULL, NULL));
  g_assert_nonnull (strstr (history_text, "INC-4711"));
  g_assert_null (strstr (history_text, WIN_JOINED_LAPS));
}

static void
test_unlock_bitlocker (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *input = unlock_input (fixture, "");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonArray) keys = NULL;
  g_autoptr(JsonObject) key = NULL;
  const char *key_id;

  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--json", "bitlocker", WIN_HYBRID_ID, NULL), ==, 0);
  keys = parse_array (out);
  g_assert_cmpuint (json_array_get_length (keys), ==, 3);
  g_assert_cmpuint (lk_sandbox_count_key_reads (fixture->sandbox), ==, 0);
  key_id = json_object_get_string_member (json_array_get_object_element (keys, 1), "keyId");

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (input, &out, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--json", "--reveal", "bitlocker", WIN_HYBRID_ID, key_id, NULL), ==, 0);
  key = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (key, "keyId"), ==, key_id);
  g_assert_true (g_regex_match_simple ("^([0-9]{6}-){7}[0-9]{6}$", json_object_get_string_member (key, "secret"), 0, 0));
  g_assert_nonnull (strstr (err, "audit log"));
  g_assert_cmpuint (lk_sandbox_count_key_reads (fixture->sandbox), ==, 1);

  /* Not Entra joined: said so, nothing asked of Graph's directory. */
  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "bitlocker", WIN_REGISTERED_ID, NULL), ==, 7);
}

/* A token with only the passcode permissions: exit 5, the permission named, nothing revealed. */
static void
test_unlock_forbidden (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli (input, &out, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--reveal", "laps", WIN_JOINED_ID, NULL), ==, 5);
  g_assert_nonnull (strstr (err, "DeviceLocalCredential.Read.All"));
  g_assert_null (strstr (out, WIN_JOINED_LAPS));
  /* The FileVault key needs only what the passcode features already have. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--reveal", "filevault", MAC_ADE_ID, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "K7QJ-M2XW-9PRT-4HVN-B6CZ-3LDF"));
}

/* rotate: the same typed-name confirmation, journal and exit codes as reset. */
static void
test_unlock_rotate (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *wrong = unlock_input (fixture, "not the name\n");
  g_autofree char *right = unlock_input (fixture, "DESKTOP-7QK2L9M\n");
  LkFault fault = { LK_FAULT_STATUS, "POST", "rotateBitLockerKeys", .status = 502 };
  g_autoptr(JsonArray) history = NULL;

  g_assert_cmpint (run_cli (wrong, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "rotate", "laps", WIN_JOINED_ID, NULL), ==, 8);
  g_assert_cmpuint (lk_sandbox_count_rotations (fixture->sandbox), ==, 0);
  g_assert_cmpint (run_cli (right, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "rotate", "laps", WIN_JOINED_ID, NULL), ==, 0);
  g_assert_cmpuint (lk_sandbox_count_rotations (fixture->sandbox), ==, 1);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "rotateLocalAdminPassword"), ==, 1);

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  g_assert_cmpint (run_cli (right, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "rotate", "bitlocker", WIN_JOINED_ID, NULL), ==, 9);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "rotateBitLockerKeys"), ==, 1);

  g_assert_cmpint (run_cli (right, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "rotate", "filevault", WIN_JOINED_ID, NULL), ==, 7);
  g_assert_cmpint (run_cli (right, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "rotate", "passcode", WIN_JOINED_ID, NULL), ==, 2);

  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "action"), ==, "rotateLocalAdminPassword");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "outcome"), ==, "sent");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 1), "outcome"), ==, "unknown");
}

/* rotate refuses (exit 10) while a rotation of the same kind may be on its way, as reset does;
 * another kind is not held back, and --force sends anyway. */
static void
test_unlock_rotate_in_flight (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *right = unlock_input (fixture, "DESKTOP-7QK2L9M\n");
  LkFault fault = { LK_FAULT_STATUS, "POST", "rotateBitLockerKeys", .status = 500 };
  g_autofree char *err = NULL;
  g_autoptr(JsonArray) history = NULL;

  g_assert_cmpint (run_cli (right, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "rotate", "laps", WIN_JOINED_ID, NULL), ==, 0);
  g_assert_cmpint (run_cli (right, NULL, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "rotate", "laps", WIN_JOINED_ID, NULL), ==, 10);
  g_assert_nonnull (strstr (err, "Nothing was sent"));
  g_assert_nonnull (strstr (err, "--force"));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "rotateLocalAdminPassword"), ==, 1);

  /* Outcome unknown after a 5xx: never resent by a second command either. */
  lk_sandbox_add_fault (fixture->sandbox, &fault);
  g_assert_cmpint (run_cli (right, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "rotate", "bitlocker", WIN_JOINED_ID, NULL), ==, 9);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (right, NULL, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "rotate", "bitlocker", WIN_JOINED_ID, NULL), ==, 10);
  g_assert_nonnull (strstr (err, "may have reached Intune"));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "rotateBitLockerKeys"), ==, 1);

  g_assert_cmpint (run_cli (right, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "--force", "rotate", "laps", WIN_JOINED_ID, NULL), ==, 0);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "rotateLocalAdminPassword"), ==, 2);

  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "outcome"), ==, "sent");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 1), "outcome"), ==, "unknown");
}

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);

  g_test_add ("/cli/unlock/options", Fixture, NULL, setup, test_unlock_options, teardown);
  g_test_add ("/cli/unlock/laps-reveal", Fixture, NULL, setup, test_unlock_laps_reveal, teardown);
  g_test_add ("/cli/unlock/bitlocker", Fixture, NULL, setup, test_unlock_bitlocker, teardown);
  g_test_add ("/cli/unlock/forbidden", Fixture, NULL, setup, test_unlock_forbidden, teardown);
  g_test_add ("/cli/unlock/rotate", Fixture, NULL, setup, test_unlock_rotate, teardown);
  g_test_add ("/cli/unlock/rotate-in-flight", Fixture, NULL, setup, test_unlock_rotate_in_flight, teardown);

  return g_test_run ();
}
