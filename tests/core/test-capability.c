/* test-capability.c: every row of the capability table, and the edge cases around it.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"
#include "../lk-test-common.h"

#include <string.h>

#include "lk-capability.h"

typedef struct
{
  const char   *json;
  const char   *rule;
  LkSupport     support;
  LkActionKind  kind;
} Case;

#define S LK_SUPPORT_SUPPORTED_WITH_CAVEATS
#define N LK_SUPPORT_NOT_SUPPORTED
#define U LK_SUPPORT_UNKNOWN

static const Case cases[] = {
  /* Apple */
  { "\"operatingSystem\":\"iOS\",\"osVersion\":\"17.4\",\"managedDeviceOwnerType\":\"company\",\"deviceEnrollmentType\":\"appleBulkWithUser\",\"deviceType\":\"iPhone\"",
    "ios-corporate", S, LK_ACTION_KIND_REMOVE_PASSCODE },
  /* An iPad from a list: whether it is a Shared iPad is not known, so nothing is offered. */
  { "\"operatingSystem\":\"iPadOS\",\"osVersion\":\"17.1\",\"managedDeviceOwnerType\":\"company\"",
    "ios-shared-unknown", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"iOS\",\"managedDeviceOwnerType\":\"company\",\"model\":\"iPad Air (5th generation)\"",
    "ios-shared-unknown", U, LK_ACTION_KIND_NONE },
  /* Nothing names the hardware: it may be an iPad. */
  { "\"operatingSystem\":\"iOS\",\"managedDeviceOwnerType\":\"company\"",
    "ios-shared-unknown", U, LK_ACTION_KIND_NONE },
  /* A single-device GET's hardwareInformation decides (Graph beta). */
  { "\"operatingSystem\":\"iPadOS\",\"managedDeviceOwnerType\":\"company\",\"deviceType\":\"iPad\",\"hardwareInformation\":{\"isSharedDevice\":false,\"sharedDeviceCachedUsers\":[]}",
    "ios-corporate", S, LK_ACTION_KIND_REMOVE_PASSCODE },
  { "\"operatingSystem\":\"iPadOS\",\"managedDeviceOwnerType\":\"company\",\"deviceType\":\"iPad\",\"hardwareInformation\":{\"isSharedDevice\":true}",
    "ios-shared-ipad", N, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"iPadOS\",\"managedDeviceOwnerType\":\"company\",\"hardwareInformation\":{\"isSharedDevice\":null,\"sharedDeviceCachedUsers\":[{\"userPrincipalName\":\"a@b.c\"}]}",
    "ios-shared-ipad", N, LK_ACTION_KIND_NONE },
  /* A list's empty hardwareInformation says nothing. */
  { "\"operatingSystem\":\"iPadOS\",\"managedDeviceOwnerType\":\"company\",\"hardwareInformation\":{\"isSharedDevice\":null,\"sharedDeviceCachedUsers\":[]}",
    "ios-shared-unknown", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"IOS\",\"managedDeviceOwnerType\":\"company\",\"model\":\"iPhone 15\"",
    "ios-corporate", S, LK_ACTION_KIND_REMOVE_PASSCODE },
  { "\"operatingSystem\":\"iOS\",\"managedDeviceOwnerType\":\"personal\",\"deviceEnrollmentType\":\"userEnrollment\"",
    "ios-personal", N, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"iOS\",\"managedDeviceOwnerType\":\"unknown\"",
    "ios-owner-unknown", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"iOS\"",
    "ios-owner-unknown", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"iOS\",\"managedDeviceOwnerType\":\"personal\",\"deviceEnrollmentType\":\"appleUserEnrollment\"",
    "apple-user-enrollment", N, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"iOS\",\"managedDeviceOwnerType\":\"company\",\"deviceEnrollmentType\":\"appleUserEnrollmentWithServiceAccount\"",
    "apple-user-enrollment", N, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"iPadOS\",\"managedDeviceOwnerType\":\"personal\",\"deviceEnrollmentType\":\"appleAccountDrivenUserEnrollment\"",
    "apple-user-enrollment", N, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"visionOS\",\"osVersion\":\"1.1\",\"managedDeviceOwnerType\":\"company\"",
    "visionos-corporate", S, LK_ACTION_KIND_REMOVE_PASSCODE },
  { "\"operatingSystem\":\"visionOS\",\"osVersion\":\"2.0.1\",\"managedDeviceOwnerType\":\"company\"",
    "visionos-corporate", S, LK_ACTION_KIND_REMOVE_PASSCODE },
  { "\"operatingSystem\":\"visionOS\",\"osVersion\":\"1.0.3\",\"managedDeviceOwnerType\":\"company\"",
    "visionos-old", N, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"visionOS\",\"managedDeviceOwnerType\":\"company\"",
    "os-version-unknown", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"visionOS\",\"osVersion\":\"1.2\",\"managedDeviceOwnerType\":\"personal\"",
    "visionos-personal", N, LK_ACTION_KIND_NONE },
  /* Android Enterprise and AOSP (beta enrollment types) */
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"13\",\"deviceEnrollmentType\":\"androidEnterpriseDedicatedDevice\"",
    "android-dedicated", S, LK_ACTION_KIND_RESET_DEVICE_PASSCODE },
  { "\"operatingSystem\":\"Android\",\"deviceEnrollmentType\":\"androidAOSPUserOwnedDeviceEnrollment\"",
    "android-aosp-user", S, LK_ACTION_KIND_RESET_DEVICE_PASSCODE },
  { "\"operatingSystem\":\"Android\",\"deviceEnrollmentType\":\"androidAOSPUserlessDeviceEnrollment\"",
    "android-aosp-userless", S, LK_ACTION_KIND_RESET_DEVICE_PASSCODE },
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"14\",\"deviceEnrollmentType\":\"androidEnterpriseFullyManaged\"",
    "android-fully-managed", S, LK_ACTION_KIND_RESET_PASSCODE },
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"12\",\"deviceEnrollmentType\":\"androidEnterpriseCorporateWorkProfile\"",
    "android-cope", S, LK_ACTION_KIND_RESET_WORK_PROFILE_PASSCODE },
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"8.1.0\",\"deviceType\":\"androidForWork\",\"deviceEnrollmentType\":\"userEnrollment\"",
    "android-byod-work-profile", S, LK_ACTION_KIND_RESET_WORK_PROFILE_PASSCODE },
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"13\",\"deviceType\":\"androidForWork\"",
    "android-byod-work-profile", S, LK_ACTION_KIND_RESET_WORK_PROFILE_PASSCODE },
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"7.1.2\",\"deviceType\":\"androidForWork\"",
    "android-work-profile-old", N, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"Android\",\"deviceType\":\"androidForWork\"",
    "os-version-unknown", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"6.0.1\",\"deviceType\":\"android\",\"deviceEnrollmentType\":\"userEnrollment\"",
    "android-device-admin-legacy", S, LK_ACTION_KIND_RESET_DEVICE_PASSCODE },
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"10\",\"deviceType\":\"android\"",
    "android-device-admin", N, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"7.0\",\"deviceType\":\"android\"",
    "android-device-admin", N, LK_ACTION_KIND_NONE },
  /* v1.0: no enrollment detail → unknown, never a guess */
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"13\",\"deviceEnrollmentType\":\"unknown\"",
    "android-mode-unknown", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"ANDROID\",\"osVersion\":\"13\"",
    "android-mode-unknown", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"Android\",\"deviceType\":\"androidEnterprise\",\"deviceEnrollmentType\":\"userEnrollment\"",
    "android-mode-unknown", U, LK_ACTION_KIND_NONE },
  /* Enum values this build does not know: never supported, even when the deviceType would say so */
  { "\"operatingSystem\":\"Android\",\"deviceEnrollmentType\":\"androidSomethingNew2027\"",
    "android-enrollment-unrecognized", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"6.0\",\"deviceType\":\"android\",\"deviceEnrollmentType\":\"unknownFutureValue\"",
    "android-enrollment-unrecognized", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"14\",\"deviceType\":\"androidSomethingNew\",\"deviceEnrollmentType\":\"userEnrollment\"",
    "android-mode-unknown", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"iOS\",\"managedDeviceOwnerType\":\"someFutureOwner\"",
    "ios-owner-unknown", U, LK_ACTION_KIND_NONE },
  /* "userEnrollment" is the BYOD channel, not Apple User Enrollment: ownership decides */
  { "\"operatingSystem\":\"iOS\",\"managedDeviceOwnerType\":\"company\",\"deviceEnrollmentType\":\"userEnrollment\",\"deviceType\":\"iPhone\"",
    "ios-corporate", S, LK_ACTION_KIND_REMOVE_PASSCODE },
  /* beta: owner type from "ownerType" when managedDeviceOwnerType is missing */
  { "\"operatingSystem\":\"iOS\",\"ownerType\":\"company\",\"deviceType\":\"iPhone\"",
    "ios-corporate", S, LK_ACTION_KIND_REMOVE_PASSCODE },
  /* the enrollment, not only the beta deviceType, can name a personally-owned work profile */
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"9\",\"deviceEnrollmentType\":\"androidForWork\"",
    "android-byod-work-profile", S, LK_ACTION_KIND_RESET_WORK_PROFILE_PASSCODE },
  /* a device administrator deviceType with an Android Enterprise or AOSP agent: not guessed */
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"6.0\",\"deviceType\":\"android\",\"managementAgent\":\"googleCloudDevicePolicyController\"",
    "android-mode-unknown", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"6.0\",\"deviceType\":\"android\",\"managementAgent\":\"mdm\"",
    "android-device-admin-legacy", S, LK_ACTION_KIND_RESET_DEVICE_PASSCODE },
  { "\"operatingSystem\":\"Android\",\"deviceType\":\"android\"",
    "os-version-unknown", U, LK_ACTION_KIND_NONE },
  /* Everything else */
  { "\"operatingSystem\":\"Windows\",\"osVersion\":\"10.0.22631.3447\",\"managedDeviceOwnerType\":\"company\"",
    "windows", N, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"macOS\",\"osVersion\":\"14.4\",\"managedDeviceOwnerType\":\"company\"",
    "macos", N, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"Linux\",\"osVersion\":\"22.04\"", "linux", N, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"ChromeOS\"", "chromeos", N, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"HoloLens OS 27\"", "other-os", N, LK_ACTION_KIND_NONE },
  { "", "os-missing", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"unknown\"", "os-missing", U, LK_ACTION_KIND_NONE },
  /* Contradictions */
  { "\"operatingSystem\":\"iOS\",\"managedDeviceOwnerType\":\"company\",\"deviceEnrollmentType\":\"androidEnterpriseDedicatedDevice\"",
    "contradictory", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"Android\",\"deviceEnrollmentType\":\"appleUserEnrollment\"",
    "contradictory", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"13\",\"deviceEnrollmentType\":\"windowsAzureADJoin\"",
    "contradictory", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"Android\",\"osVersion\":\"6.0\",\"deviceType\":\"iPhone\"",
    "contradictory", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"iOS\",\"managedDeviceOwnerType\":\"company\",\"deviceType\":\"androidForWork\"",
    "contradictory", U, LK_ACTION_KIND_NONE },
  { "\"operatingSystem\":\"iPadOS\",\"managedDeviceOwnerType\":\"company\",\"deviceEnrollmentType\":\"androidFutureMode\"",
    "contradictory", U, LK_ACTION_KIND_NONE },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(LkDevice) device = lk_test_device_from (c->json);
  g_autoptr(LkCapability) capability = lk_capability_new_for_device (device);
  const char *const *caveats = lk_capability_get_caveats (capability);
  gboolean can_act = c->support == LK_SUPPORT_SUPPORTED || c->support == LK_SUPPORT_SUPPORTED_WITH_CAVEATS;
  gboolean policy_caveat = FALSE;

  g_assert_cmpstr (lk_capability_get_rule_id (capability), ==, c->rule);
  g_assert_cmpint (lk_capability_get_support (capability), ==, c->support);
  g_assert_cmpint (lk_capability_get_action_kind (capability), ==, c->kind);
  g_assert_cmpint (lk_capability_can_act (capability), ==, can_act);
  g_assert_nonnull (lk_capability_get_reason (capability));
  g_assert_cmpuint (strlen (lk_capability_get_reason (capability)), >, 10);
  g_assert_true (g_str_has_prefix (lk_capability_get_doc_url (capability), "https://learn.microsoft.com/"));
  g_assert_nonnull (caveats);

  /* Every Android reset warns that a passcode policy must be enforced. */
  for (guint i = 0; caveats[i] != NULL; i++)
    policy_caveat |= strstr (caveats[i], "policy") != NULL;
  if (can_act && lk_capability_get_platform (capability) == LK_PLATFORM_ANDROID)
    {
      g_assert_true (policy_caveat);
      g_assert_true (lk_capability_returns_passcode (capability));
    }
  else
    g_assert_false (lk_capability_returns_passcode (capability));

  /* Never a supported badge without an action, nor an action without support. */
  g_assert_cmpint (c->kind != LK_ACTION_KIND_NONE, ==, can_act);
}

static void
test_version_parsing (void)
{
  guint major = 0, minor = 0;

  g_assert_true (lk_parse_os_version ("8.1.0", &major, &minor));
  g_assert_cmpuint (major, ==, 8);
  g_assert_cmpuint (minor, ==, 1);
  g_assert_true (lk_parse_os_version ("13", &major, &minor));
  g_assert_cmpuint (major, ==, 13);
  g_assert_cmpuint (minor, ==, 0);
  g_assert_true (lk_parse_os_version ("17.4.1 (21E236)", &major, &minor));
  g_assert_cmpuint (major, ==, 17);
  g_assert_cmpuint (minor, ==, 4);
  g_assert_false (lk_parse_os_version ("", &major, &minor));
  g_assert_false (lk_parse_os_version (NULL, &major, &minor));
  g_assert_false (lk_parse_os_version ("v13", &major, &minor));
}

static void
test_platforms (void)
{
  g_assert_cmpint (lk_platform_from_operating_system ("iPadOS"), ==, LK_PLATFORM_IOS);
  g_assert_cmpint (lk_platform_from_operating_system ("ios"), ==, LK_PLATFORM_IOS);
  g_assert_cmpint (lk_platform_from_operating_system ("AndroidForWork"), ==, LK_PLATFORM_ANDROID);
  g_assert_cmpint (lk_platform_from_operating_system ("Windows"), ==, LK_PLATFORM_WINDOWS);
  g_assert_cmpint (lk_platform_from_operating_system ("macOS"), ==, LK_PLATFORM_MACOS);
  g_assert_cmpint (lk_platform_from_operating_system ("visionOS"), ==, LK_PLATFORM_VISIONOS);
  g_assert_cmpint (lk_platform_from_operating_system (NULL), ==, LK_PLATFORM_UNKNOWN);
  g_assert_cmpint (lk_platform_from_operating_system ("Tizen"), ==, LK_PLATFORM_OTHER);
}

static void
test_reasons (void)
{
  g_autoptr(LkDevice) windows = lk_test_device_from ("\"operatingSystem\":\"Windows\"");
  g_autoptr(LkDevice) mac = lk_test_device_from ("\"operatingSystem\":\"macOS\"");
  g_autoptr(LkDevice) v1_android = lk_test_device_from ("\"operatingSystem\":\"Android\",\"osVersion\":\"13\"");
  g_autoptr(LkCapability) w = lk_capability_new_for_device (windows);
  g_autoptr(LkCapability) m = lk_capability_new_for_device (mac);
  g_autoptr(LkCapability) a = lk_capability_new_for_device (v1_android);

  g_assert_nonnull (strstr (lk_capability_get_reason (w), "Windows 10 Mobile"));
  g_assert_nonnull (strstr (lk_capability_get_reason (w), "Windows Hello"));
  g_assert_nonnull (strstr (lk_capability_get_reason (m), "macOS"));
  g_assert_nonnull (strstr (lk_capability_get_reason (a), "beta"));
  g_assert_cmpstr (lk_capability_get_label (w), ==, "Not supported");
  g_assert_cmpstr (lk_capability_get_label (a), ==, "Unknown");
}

static void
test_reasons_name_the_facts (void)
{
  g_autoptr(LkDevice) future = lk_test_device_from ("\"operatingSystem\":\"Android\",\"deviceEnrollmentType\":\"androidQuantum\"");
  g_autoptr(LkDevice) mixed = lk_test_device_from ("\"operatingSystem\":\"iOS\",\"deviceEnrollmentType\":\"androidEnterpriseFullyManaged\"");
  g_autoptr(LkDevice) other = lk_test_device_from ("\"operatingSystem\":\"Tizen\"");
  g_autoptr(LkDevice) hardware_device = lk_test_device_from ("\"operatingSystem\":\"iOS\",\"deviceType\":\"androidForWork\"");
  g_autoptr(LkCapability) hardware = lk_capability_new_for_device (hardware_device);
  g_autoptr(LkDevice) fully_managed = lk_test_device_from ("\"operatingSystem\":\"Android\",\"deviceEnrollmentType\":\"androidEnterpriseFullyManaged\"");
  g_autoptr(LkDevice) ios = lk_test_device_from ("\"operatingSystem\":\"iOS\",\"managedDeviceOwnerType\":\"company\",\"deviceType\":\"iPhone\"");
  g_autoptr(LkCapability) f = lk_capability_new_for_device (future);
  g_autoptr(LkCapability) m = lk_capability_new_for_device (mixed);
  g_autoptr(LkCapability) o = lk_capability_new_for_device (other);
  g_autoptr(LkCapability) fm = lk_capability_new_for_device (fully_managed);
  g_autoptr(LkCapability) i = lk_capability_new_for_device (ios);
  const char *const *caveats;
  gboolean note = FALSE;

  g_assert_nonnull (strstr (lk_capability_get_reason (f), "androidQuantum"));
  g_assert_nonnull (strstr (lk_capability_get_reason (m), "iOS"));
  g_assert_nonnull (strstr (lk_capability_get_reason (m), "enrollment type"));
  g_assert_nonnull (strstr (lk_capability_get_reason (hardware), "androidForWork"));
  g_assert_nonnull (strstr (lk_capability_get_reason (o), "Tizen"));

  /* Labels of the actions, as DESIGN.md names them. */
  g_assert_cmpstr (lk_capability_get_label (fm), ==, "Reset passcode");
  g_assert_cmpstr (lk_capability_get_label (i), ==, "Remove passcode");
  g_assert_cmpstr (lk_action_kind_to_label (LK_ACTION_KIND_RESET_DEVICE_PASSCODE), ==, "Reset device passcode");
  g_assert_cmpstr (lk_action_kind_to_label (LK_ACTION_KIND_RESET_WORK_PROFILE_PASSCODE), ==, "Reset work-profile passcode");

  /* Fully managed carries the note on Microsoft's changed table. */
  caveats = lk_capability_get_caveats (fm);
  for (guint n = 0; caveats[n] != NULL; n++)
    note |= strstr (caveats[n], "work-profile") != NULL && strstr (caveats[n], "device") != NULL;
  g_assert_true (note);

  /* iOS: three caveats (new passcode, unlock token, nothing returned), and a fourth: this
   * device has never checked in. */
  g_assert_cmpuint (g_strv_length ((GStrv) lk_capability_get_caveats (i)), ==, 4);
  g_assert_nonnull (strstr (lk_capability_get_caveats (i)[3], "never checked in"));
  g_assert_false (lk_capability_returns_passcode (i));
}

/* The demo tenant must let an admin see every row of DESIGN.md's table. */
GResource *lk_sandbox_get_demo_fixtures (void);

static gboolean
has_caveat (LkCapability *capability,
            const char   *text)
{
  const char *const *caveats = lk_capability_get_caveats (capability);

  for (guint i = 0; caveats[i] != NULL; i++)
    if (strstr (caveats[i], text) != NULL)
      return TRUE;
  return FALSE;
}

/* Microsoft's current pages: each platform's link, the COPE notice, Windows 10 Mobile's
 * retired PIN reset, the Shared iPad verdict, and a device that does not check in. */
static void
test_current_documentation (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) old = g_date_time_add_days (now, -40);
  g_autoptr(GDateTime) recent = g_date_time_add_hours (now, -3);
  g_autofree char *old_text = g_date_time_format_iso8601 (old);
  g_autofree char *recent_text = g_date_time_format_iso8601 (recent);
  g_autoptr(GDateTime) old_local = g_date_time_to_local (old);
  g_autofree char *old_date = g_date_time_format (old_local, "%x");
  g_autofree char *stale_json = g_strdup_printf ("\"operatingSystem\":\"Android\",\"osVersion\":\"13\",\"deviceEnrollmentType\":\"androidEnterpriseDedicatedDevice\",\"lastSyncDateTime\":\"%s\"", old_text);
  g_autofree char *fresh_json = g_strdup_printf ("\"operatingSystem\":\"Android\",\"osVersion\":\"13\",\"deviceEnrollmentType\":\"androidEnterpriseDedicatedDevice\",\"lastSyncDateTime\":\"%s\"", recent_text);
  g_autoptr(LkDevice) iphone = lk_test_device_from ("\"operatingSystem\":\"iOS\",\"managedDeviceOwnerType\":\"company\",\"deviceType\":\"iPhone\"");
  g_autoptr(LkDevice) ipad = lk_test_device_from ("\"operatingSystem\":\"iPadOS\",\"managedDeviceOwnerType\":\"company\",\"deviceType\":\"iPad\"");
  g_autoptr(LkDevice) shared = lk_test_device_from ("\"operatingSystem\":\"iPadOS\",\"managedDeviceOwnerType\":\"company\",\"deviceType\":\"iPad\",\"hardwareInformation\":{\"isSharedDevice\":true}");
  g_autoptr(LkDevice) cope = lk_test_device_from ("\"operatingSystem\":\"Android\",\"osVersion\":\"14\",\"deviceEnrollmentType\":\"androidEnterpriseCorporateWorkProfile\"");
  g_autoptr(LkDevice) byod = lk_test_device_from ("\"operatingSystem\":\"Android\",\"osVersion\":\"14\",\"deviceType\":\"androidForWork\"");
  g_autoptr(LkDevice) lumia = lk_test_device_from ("\"operatingSystem\":\"Windows\",\"osVersion\":\"10.0.15254.603\",\"deviceType\":\"windowsPhone\",\"model\":\"Lumia 950\"");
  g_autoptr(LkDevice) stale = lk_test_device_from (stale_json);
  g_autoptr(LkDevice) fresh = lk_test_device_from (fresh_json);
  g_autoptr(LkCapability) i = lk_capability_new_for_device (iphone);
  g_autoptr(LkCapability) p = lk_capability_new_for_device (ipad);
  g_autoptr(LkCapability) sh = lk_capability_new_for_device (shared);
  g_autoptr(LkCapability) c = lk_capability_new_for_device (cope);
  g_autoptr(LkCapability) b = lk_capability_new_for_device (byod);
  g_autoptr(LkCapability) l = lk_capability_new_for_device (lumia);
  g_autoptr(LkCapability) st = lk_capability_new_for_device (stale);
  g_autoptr(LkCapability) fr = lk_capability_new_for_device (fresh);

  g_assert_true (g_str_has_suffix (lk_capability_get_doc_url (i), "/remote-actions/device-remove-passcode"));
  g_assert_true (g_str_has_suffix (lk_capability_get_doc_url (sh), "/remote-actions/device-remove-passcode"));
  g_assert_true (g_str_has_suffix (lk_capability_get_doc_url (c), "/remote-actions/device-passcode-reset"));

  g_assert_cmpstr (lk_capability_get_label (p), ==, "Check device");
  g_assert_false (lk_capability_can_act (p));
  g_assert_cmpstr (lk_capability_get_label (sh), ==, "Not supported");
  g_assert_nonnull (strstr (lk_capability_get_reason (sh), "Shared iPad"));

  g_assert_true (has_caveat (c, "notified to activate the reset passcode"));
  g_assert_true (has_caveat (b, "notified to activate the reset passcode"));

  g_assert_cmpstr (lk_capability_get_rule_id (l), ==, "windows-mobile");
  g_assert_nonnull (strstr (lk_capability_get_reason (l), "retired"));
  g_assert_null (strstr (lk_capability_get_reason (l), "only"));

  /* Never checked in (no lastSyncDateTime), 40 days ago, 3 hours ago. */
  g_assert_true (has_caveat (c, "never checked in"));
  g_assert_true (has_caveat (st, old_date));
  g_assert_true (has_caveat (st, "next check-in"));
  g_assert_false (has_caveat (fr, "check"));
}

static void
test_demo_covers_every_row (void)
{
  static const char *const rows[] = {
    "ios-corporate", "visionos-corporate", "ios-personal", "apple-user-enrollment",
    "android-dedicated", "android-aosp-user", "android-aosp-userless", "android-fully-managed",
    "android-cope", "android-byod-work-profile", "android-work-profile-old",
    "android-device-admin-legacy", "android-device-admin", "macos", "windows", "linux", "chromeos",
    "ios-shared-ipad", "windows-mobile",
  };
  g_autoptr(GBytes) bytes = g_resource_lookup_data (lk_sandbox_get_demo_fixtures (),
                                                    "/io/github/latchkey/Latchkey/sandbox/demo-tenant.json",
                                                    G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode *root;
  JsonArray *devices;

  g_assert_nonnull (bytes);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                             (gssize) g_bytes_get_size (bytes), NULL));
  root = json_parser_get_root (parser);
  devices = JSON_NODE_HOLDS_ARRAY (root) ? json_node_get_array (root)
                                         : json_object_get_array_member (json_node_get_object (root), "value");
  g_assert_nonnull (devices);
  g_assert_cmpuint (json_array_get_length (devices), >=, 30);
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *fixture = json_array_get_object_element (devices, i);
      g_autoptr(LkDevice) device = NULL;
      g_autoptr(LkCapability) capability = NULL;

      /* What a single-device GET adds: the sandbox's Shared iPad flag. */
      if (json_object_has_member (fixture, "isSharedDevice"))
        {
          JsonObject *hardware = json_object_new ();

          json_object_set_boolean_member (hardware, "isSharedDevice", json_object_get_boolean_member (fixture, "isSharedDevice"));
          json_object_set_object_member (fixture, "hardwareInformation", hardware);
        }
      device = lk_device_new_from_json (fixture, NULL);

      g_assert_nonnull (device);
      capability = lk_capability_new_for_device (device);
      g_hash_table_add (seen, (gpointer) g_intern_string (lk_capability_get_rule_id (capability)));
    }
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (!g_hash_table_contains (seen, rows[i]))
      g_error ("the demo tenant has no device for the capability row %s", rows[i]);
}

static char *
words_of (LkCapability *capability)
{
  g_autofree char *caveats = g_strjoinv ("\n", (char **) lk_capability_get_caveats (capability));

  return g_strdup_printf ("%s|%s|%s|%s", lk_capability_get_rule_id (capability),
                          lk_capability_get_label (capability), lk_capability_get_reason (capability),
                          caveats);
}

/* The CLI writes a capability once per kind of device (lk_capability_get_inputs()): devices with
 * equal inputs must get the same words, whatever else differs; every case here with other words
 * has other inputs; and a device whose words name a date is never said to share them. */
static void
test_inputs_decide (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) old = g_date_time_add_days (now, -40);
  g_autofree char *old_text = g_date_time_format_iso8601 (old);
  g_autofree char *stale_json = g_strdup_printf ("\"operatingSystem\":\"Android\",\"osVersion\":\"13\",\"deviceEnrollmentType\":\"androidEnterpriseDedicatedDevice\",\"lastSyncDateTime\":\"%s\"", old_text);
  g_autoptr(LkDevice) stale = lk_test_device_from (stale_json);
  LkCapabilityInputs inputs[G_N_ELEMENTS (cases)];
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_object_unref);
  LkCapabilityInputs other;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *renamed = g_strdup_printf ("\"serialNumber\":\"S%u\",\"userPrincipalName\":\"u%u@x.y\"%s%s",
                                                  i, i, *cases[i].json != '\0' ? "," : "", cases[i].json);
      LkDevice *device = lk_test_device_from (cases[i].json);
      g_autoptr(LkDevice) twin = lk_test_device_from (renamed);
      g_autoptr(LkCapability) capability = lk_capability_new_for_device (device);
      g_autoptr(LkCapability) twin_capability = lk_capability_new_for_device (twin);
      g_autofree char *twin_words = words_of (twin_capability);

      g_ptr_array_add (devices, device);
      g_assert_true (lk_capability_get_inputs (device, g_get_real_time (), &inputs[i]));
      g_assert_true (lk_capability_get_inputs (twin, g_get_real_time (), &other));
      g_assert_true (lk_capability_inputs_equal (&inputs[i], &other));
      g_assert_cmpuint (lk_capability_inputs_hash (&inputs[i]), ==, lk_capability_inputs_hash (&other));
      g_ptr_array_add (words, words_of (capability));
      g_assert_cmpstr (g_ptr_array_index (words, i), ==, twin_words);
    }
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint j = 0; j < G_N_ELEMENTS (cases); j++)
      if (!g_str_equal (g_ptr_array_index (words, i), g_ptr_array_index (words, j)))
        g_assert_false (lk_capability_inputs_equal (&inputs[i], &inputs[j]));

  g_assert_false (lk_capability_get_inputs (stale, g_get_real_time (), &other));
  g_assert_false (other.never_checked_in);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/capability/row/%02u-%s", i, cases[i].rule);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/capability/version-parsing", test_version_parsing);
  g_test_add_func ("/capability/platforms", test_platforms);
  g_test_add_func ("/capability/reasons", test_reasons);
  g_test_add_func ("/capability/reasons-name-the-facts", test_reasons_name_the_facts);
  g_test_add_func ("/capability/demo-covers-every-row", test_demo_covers_every_row);
  g_test_add_func ("/capability/current-documentation", test_current_documentation);
  g_test_add_func ("/capability/inputs-decide", test_inputs_decide);

  return g_test_run ();
}
