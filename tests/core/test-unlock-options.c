/* test-unlock-options.c: the unlock options table, and Microsoft's example bodies parsed.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"
#include "../lk-test-common.h"

#include <string.h>

#include "lk-capability.h"
#include "lk-json.h"
#include "lk-unlock-options.h"

#define ENTRA_ID "1ab40ab2-32a8-4b00-b6b5-ba724e407de9"
#define ZERO_ID  "00000000-0000-0000-0000-000000000000"

typedef struct
{
  const char *json;
  const char *entra_id;
  const char *rules;      /* the rule ids, space-separated, in order; "" for none */
  gboolean    says_none;  /* an empty answer comes with a reason */
} Case;

static const Case cases[] = {
  { "\"operatingSystem\":\"Windows\",\"joinType\":\"azureADJoined\"", ENTRA_ID, "windows-laps windows-bitlocker", FALSE },
  { "\"operatingSystem\":\"Windows\",\"joinType\":\"hybridAzureADJoined\"", ENTRA_ID, "windows-laps windows-bitlocker", FALSE },
  /* v1.0 has no joinType: an Entra device id is enough to ask; Graph says whether anything is there. */
  { "\"operatingSystem\":\"windows\"", ENTRA_ID, "windows-laps windows-bitlocker", FALSE },
  { "\"operatingSystem\":\"Windows\",\"joinType\":\"azureADRegistered\"", ENTRA_ID, "windows-laps-not-joined windows-bitlocker-not-joined", FALSE },
  { "\"operatingSystem\":\"Windows\",\"joinType\":\"azureADJoined\"", ZERO_ID, "windows-laps-not-joined windows-bitlocker-not-joined", FALSE },
  { "\"operatingSystem\":\"Windows\"", NULL, "windows-laps-not-joined windows-bitlocker-not-joined", FALSE },
  { "\"operatingSystem\":\"macOS\",\"deviceEnrollmentType\":\"appleBulkWithUser\"", ENTRA_ID, "macos-filevault macos-admin", FALSE },
  { "\"operatingSystem\":\"macOS\",\"deviceEnrollmentType\":\"appleBulkWithoutUser\"", NULL, "macos-filevault macos-admin", FALSE },
  { "\"operatingSystem\":\"macOS\",\"deviceEnrollmentType\":\"userEnrollment\"", ENTRA_ID, "macos-filevault macos-admin-not-ade", FALSE },
  { "\"operatingSystem\":\"iOS\"", ENTRA_ID, "", TRUE },
  { "\"operatingSystem\":\"Android\"", ENTRA_ID, "", TRUE },
  { "\"operatingSystem\":\"Linux\"", ENTRA_ID, "", TRUE },
  { "\"operatingSystem\":\"ChromeOS\"", NULL, "", TRUE },
  { "\"operatingSystem\":\"Plan 9\"", NULL, "", TRUE },
};

static void
test_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LkDevice) device = lk_test_device_from (cases[i].json);
      const char *none = NULL;
      g_autoptr(GArray) options = lk_unlock_options_for_device (device, cases[i].entra_id, &none);
      g_autoptr(GString) rules = g_string_new (NULL);

      for (guint j = 0; j < options->len; j++)
        {
          LkUnlockOption *option = &g_array_index (options, LkUnlockOption, j);

          g_string_append_printf (rules, "%s%s", j > 0 ? " " : "", option->rule_id);
          g_assert_true (g_str_has_prefix (option->doc_url, "https://learn.microsoft.com/"));
          g_assert_nonnull (option->reason);
          g_assert_nonnull (option->read_scope);
          g_assert_nonnull (option->rotate_scope);
          g_assert_cmpint (option->availability == LK_UNLOCK_AVAILABLE, ==,
                           strstr (option->rule_id, "not-") == NULL);
        }
      g_test_message ("case %u: %s", i, cases[i].json);
      g_assert_cmpstr (rules->str, ==, cases[i].rules);
      g_assert_cmpint (none != NULL, ==, cases[i].says_none);
    }
}

/* The passcode badge of a PC or a Mac points at the unlock options instead of ending at "Not
 * supported". */
static void
test_capability_points_here (void)
{
  const char *const systems[] = { "\"operatingSystem\":\"Windows\"", "\"operatingSystem\":\"macOS\"" };

  for (guint i = 0; i < G_N_ELEMENTS (systems); i++)
    {
      g_autoptr(LkDevice) device = lk_test_device_from (systems[i]);
      g_autoptr(LkCapability) capability = lk_capability_new_for_device (device);
      const char *const *caveats = lk_capability_get_caveats (capability);

      g_assert_cmpint (lk_capability_get_support (capability), ==, LK_SUPPORT_NOT_SUPPORTED);
      g_assert_nonnull (caveats[0]);
      g_assert_nonnull (strstr (caveats[0], "unlock options"));
    }
}

/* The list badge: a state per device from the listing's facts alone; the options that apply
 * named; phones and unknown systems keep their passcode badge. */
static void
test_badge_state (void)
{
  const struct { const char *json; const char *state; const char *names; const char *missing; } badges[] = {
    { "\"operatingSystem\":\"Windows\",\"joinType\":\"azureADJoined\"", "Unlock options", "Windows LAPS", NULL },
    /* The listing reads no Entra device id: the page checks, the badge does not guess "none". */
    { "\"operatingSystem\":\"Windows\"", "Unlock options", "BitLocker recovery key", NULL },
    { "\"operatingSystem\":\"Windows\",\"joinType\":\"azureADRegistered\"", "Not Entra joined", "hybrid joined", NULL },
    { "\"operatingSystem\":\"Windows\",\"azureADDeviceId\":\"" ZERO_ID "\"", "Not Entra joined", "Entra joined", NULL },
    { "\"operatingSystem\":\"macOS\",\"deviceEnrollmentType\":\"appleBulkWithUser\"", "Unlock options", "Managed local administrator", NULL },
    { "\"operatingSystem\":\"macOS\",\"deviceEnrollmentType\":\"userEnrollment\"", "Unlock options", "FileVault recovery key", "Managed local administrator" },
    { "\"operatingSystem\":\"Linux\"", "No unlock option", "Linux", NULL },
    { "\"operatingSystem\":\"ChromeOS\"", "No unlock option", "ChromeOS", NULL },
    { "\"operatingSystem\":\"iOS\"", NULL, NULL, NULL },
    { "\"operatingSystem\":\"Android\"", NULL, NULL, NULL },
    { "\"operatingSystem\":\"Plan 9\"", NULL, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (badges); i++)
    {
      g_autoptr(LkDevice) device = lk_test_device_from (badges[i].json);
      g_autofree char *summary = NULL;
      const char *state = lk_unlock_badge_state (device, &summary);

      g_test_message ("badge %u: %s", i, badges[i].json);
      g_assert_cmpstr (state, ==, badges[i].state);
      if (badges[i].state == NULL)
        {
          g_assert_null (summary);
          continue;
        }
      g_assert_nonnull (strstr (summary, badges[i].names));
      if (badges[i].missing != NULL)
        g_assert_null (strstr (summary, badges[i].missing));
      if (g_str_equal (state, "Unlock options"))
        g_assert_nonnull (strstr (summary, "checked when you open the device"));
    }
}

static void
test_kinds (void)
{
  for (LkUnlockKind kind = 0; kind < LK_UNLOCK_N_KINDS; kind++)
    {
      LkUnlockKind back;

      g_assert_true (lk_unlock_kind_from_string (lk_unlock_kind_to_string (kind), &back));
      g_assert_cmpint (back, ==, kind);
      g_assert_nonnull (lk_unlock_kind_label (kind));
      g_assert_true (g_str_has_prefix (lk_unlock_kind_rotate_action (kind), "rotate"));
    }
  g_assert_false (lk_unlock_kind_from_string ("passcode", &(LkUnlockKind) { 0 }));
  g_assert_false (lk_entra_device_id_is_set (ZERO_ID));
  g_assert_false (lk_entra_device_id_is_set (""));
  g_assert_true (lk_entra_device_id_is_set (ENTRA_ID));
}

/* The documentation's example is UTF-16LE; Windows LAPS backs up UTF-8. Both decode right. */
static void
test_laps_encodings (void)
{
  static const struct { const char *base64; const char *password; } ok[] = {
    { "UQBRAEAAZAA4AGYAOABnAFkA", "QQ@d8f8gY" },      /* Microsoft's example, UTF-16LE */
    { "UVFAZDhmOGdZ", "QQ@d8f8gY" },                  /* the same password as UTF-8 */
    { "w6lsw6h2ZTEhIw==", "élève1!#" },              /* UTF-8 beyond ASCII */
    { "6QBsAOgAdgBlADEAIQAjAA==", "élève1!#" },      /* and as UTF-16LE */
    { "QQ==", "A" },
  };
  static const char *const bad[] = {
    "", "not base64!", "QUJD\n", "/w==", /* 0xFF: neither */ "QQBCAA=", "AEEA", /* NUL at even offsets */
  };

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *password = lk_laps_decode_password (ok[i].base64, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (password, ==, ok[i].password);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *password = lk_laps_decode_password (bad[i], &error);

      g_test_message ("bad %u: %s", i, bad[i]);
      g_assert_null (password);
      g_assert_error (error, LK_UNLOCK_PARSE_ERROR, LK_UNLOCK_PARSE_ERROR_INVALID);
    }
}

static void
test_bitlocker_format (void)
{
  g_autofree char *a = lk_bitlocker_format_key ("123456-231453-873456-213546-654678-765689-123456-324565");
  g_autofree char *b = lk_bitlocker_format_key ("123456231453873456213546654678765689123456324565");
  g_autofree char *c = lk_bitlocker_format_key ("123456 231453 873456 213546 654678 765689 123456 324565");

  g_assert_cmpstr (a, ==, "123456-231453-873456-213546-654678-765689-123456-324565");
  g_assert_cmpstr (b, ==, a);
  g_assert_cmpstr (c, ==, a);
  g_assert_null (lk_bitlocker_format_key ("123456-231453"));
  g_assert_null (lk_bitlocker_format_key ("123456-231453-873456-213546-654678-765689-123456-32456A"));
  g_assert_null (lk_bitlocker_format_key ("123456-231453-873456-213546-654678-765689-123456-3245651"));
  g_assert_null (lk_bitlocker_format_key (NULL));
}

static void
test_phonetic (void)
{
  g_auto(GStrv) words = lk_phonetic_spell ("Qq7#");
  g_auto(GStrv) none = lk_phonetic_spell ("\xff");

  g_assert_cmpuint (g_strv_length (words), ==, 4);
  g_assert_cmpstr (words[0], ==, "Q: capital Quebec");
  g_assert_cmpstr (words[1], ==, "q: small Quebec");
  g_assert_cmpstr (words[2], ==, "7: digit seven");
  g_assert_cmpstr (words[3], ==, "#: symbol");
  g_assert_cmpuint (g_strv_length (none), ==, 0);
}

static JsonNode *
load_fixture (const char *name)
{
  g_autofree char *path = g_build_filename (FIXTURES_DIR, "unlock", name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  root = lk_json_parse_object (text, -1, &error);
  g_assert_no_error (error);
  return root;
}

/* Microsoft's own example bodies (tests/core/fixtures/unlock/README.md). */
static void
test_documented_bodies (void)
{
  g_autoptr(JsonNode) laps = load_fixture ("laps-credentials.json");
  g_autoptr(JsonNode) laps_info = load_fixture ("laps-info.json");
  g_autoptr(JsonNode) key = load_fixture ("bitlocker-key.json");
  g_autoptr(JsonNode) key_info = load_fixture ("bitlocker-key-info.json");
  g_autoptr(JsonNode) list = load_fixture ("bitlocker-list.json");
  g_autoptr(JsonNode) filevault = load_fixture ("filevault-key.json");
  g_autoptr(JsonNode) admin = load_fixture ("macos-admin.json");
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_bitlocker_key_info_free);
  g_autoptr(LkUnlockSecret) secret = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *next = NULL;

  /* The newest credential by backupDateTime. */
  secret = lk_unlock_parse_laps (laps, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret->secret, ==, "QQ@d8f8gY");
  g_assert_cmpstr (secret->account_name, ==, "ContosoLocalAdminAccount");
  g_assert_cmpstr (secret->backup_time, ==, "2023-04-21T13:45:30.0000000Z");
  g_clear_pointer (&secret, lk_unlock_secret_free);

  g_assert_null (lk_unlock_parse_laps (laps_info, &error));
  g_assert_error (error, LK_UNLOCK_PARSE_ERROR, LK_UNLOCK_PARSE_ERROR_EMPTY);
  g_clear_error (&error);

  secret = lk_unlock_parse_bitlocker_key (key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret->secret, ==, "123456-231453-873456-213546-654678-765689-123456-324565");
  g_assert_cmpstr (secret->key_id, ==, "b465e4e8-e4e8-b465-e8e4-65b4e8e465b4");
  g_clear_pointer (&secret, lk_unlock_secret_free);

  g_assert_null (lk_unlock_parse_bitlocker_key (key_info, &error));
  g_assert_error (error, LK_UNLOCK_PARSE_ERROR, LK_UNLOCK_PARSE_ERROR_EMPTY);
  g_clear_error (&error);

  g_assert_true (lk_unlock_parse_bitlocker_page (list, keys, &next, &error));
  g_assert_no_error (error);
  g_assert_null (next);
  g_assert_cmpuint (keys->len, ==, 2);
  g_assert_cmpstr (((LkBitLockerKeyInfo *) keys->pdata[1])->id, ==, "6a30ed7b-247b-4d26-86b5-2f405e55ea42");
  g_assert_cmpstr (((LkBitLockerKeyInfo *) keys->pdata[1])->volume_type, ==, "1");
  g_assert_cmpstr (lk_bitlocker_volume_type_label ("1"), ==, "Operating system drive");

  secret = lk_unlock_parse_filevault (filevault, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret->secret, ==, "Get File Vault Key value");
  g_clear_pointer (&secret, lk_unlock_secret_free);

  secret = lk_unlock_parse_macos_admin (admin, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret->secret, ==, "Admin Account Password value");
  g_assert_cmpstr (secret->backup_time, ==, "2017-01-01T00:00:00.2371449-08:00");
}

/* Hostile or odd shapes: refused or read as "nothing there", never a crash or a wrong secret. */
static void
test_odd_bodies (void)
{
  static const char *const bodies[] = {
    "{}", "{\"value\":null}", "{\"value\":42}", "{\"value\":{\"credentials\":\"x\"}}",
    "{\"value\":{\"credentials\":[1,null,{\"passwordBase64\":7}]}}", "{\"value\":[]}",
    "{\"value\":{\"key\":\"\"}}", "{\"value\":{\"adminAccountPassword\":false}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(JsonNode) root = lk_json_parse_object (bodies[i], -1, NULL);
      g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_bitlocker_key_info_free);
      g_autofree char *next = NULL;
      GError *error = NULL;

      g_assert_nonnull (root);
      g_assert_null (lk_unlock_parse_laps (root, &error));
      g_clear_error (&error);
      g_assert_null (lk_unlock_parse_bitlocker_key (root, &error));
      g_clear_error (&error);
      g_assert_null (lk_unlock_parse_macos_admin (root, &error));
      g_clear_error (&error);
      if (lk_unlock_parse_bitlocker_page (root, keys, &next, &error))
        g_assert_cmpuint (keys->len, ==, 0);
      g_clear_error (&error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/unlock/table", test_table);
  g_test_add_func ("/unlock/kinds", test_kinds);
  g_test_add_func ("/unlock/capability-points-here", test_capability_points_here);
  g_test_add_func ("/unlock/badge-state", test_badge_state);
  g_test_add_func ("/unlock/laps-encodings", test_laps_encodings);
  g_test_add_func ("/unlock/bitlocker-format", test_bitlocker_format);
  g_test_add_func ("/unlock/phonetic", test_phonetic);
  g_test_add_func ("/unlock/documented-bodies", test_documented_bodies);
  g_test_add_func ("/unlock/odd-bodies", test_odd_bodies);
  return g_test_run ();
}
