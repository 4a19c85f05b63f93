/* lk-capability.c: which passcode action a device supports, and why.
 *
 * The table below is DESIGN.md's "Capability rules". Facts come from Microsoft's documentation:
 *   [RESET]  Reset or remove a device passcode in Intune (the Android page)
 *            https://learn.microsoft.com/intune/intune-service/remote-actions/device-passcode-reset
 *   [REMOVE] Remote device action: remove passcode (the Apple page: iOS/iPadOS, visionOS 1.1+)
 *            https://learn.microsoft.com/intune/intune-service/remote-actions/device-remove-passcode
 *   [HW]     hardwareInformation (Graph beta): isSharedDevice, sharedDeviceCachedUsers
 *            https://learn.microsoft.com/graph/api/resources/intune-devices-hardwareinformation?view=graph-rest-beta
 *   [SHARED] Shared iOS and iPadOS devices; Apple's ClearPasscode is refused in Shared iPad mode
 *            https://learn.microsoft.com/intune/intune-service/enrollment/device-enrollment-shared-ios
 *   [ENUM]   deviceEnrollmentType enum (Graph)
 *            https://learn.microsoft.com/graph/api/resources/intune-devices-deviceenrollmenttype
 *   [DA]     Decreasing support for Android device administrator (GMS devices, 30 Aug 2024)
 *            https://learn.microsoft.com/intune/intune-service/fundamentals/android-device-administrator-support
 *   [UE]     Overview of Apple User Enrollment
 *            https://learn.microsoft.com/intune/intune-service/enrollment/ios-user-enrollment-supported-actions
 * Microsoft's pages change; where an older and a newer page disagree, the newer wins and the
 * row says so (fully managed Android).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-capability.h"

#define DOC_RESET "https://learn.microsoft.com/intune/intune-service/remote-actions/device-passcode-reset"
#define DOC_REMOVE "https://learn.microsoft.com/intune/intune-service/remote-actions/device-remove-passcode"
#define DOC_DA    "https://learn.microsoft.com/intune/intune-service/fundamentals/android-device-administrator-support"
#define DOC_UE    "https://learn.microsoft.com/intune/intune-service/enrollment/ios-user-enrollment-supported-actions"
#define DOC_ENUM  "https://learn.microsoft.com/graph/api/resources/intune-devices-deviceenrollmenttype"

#define CAVEAT_ANDROID_POLICY N_("A device configuration policy must require a passcode (or a work-profile password), or the reset fails.")
#define CAVEAT_IOS_NEW_PASSCODE N_("If a passcode policy applies, the user is asked to set a new passcode.")
#define CAVEAT_IOS_UNLOCK_TOKEN N_("If removal fails, Intune may hold a wrong unlock token: only a wipe recovers the device.")
#define CAVEAT_IOS_NO_PASSCODE N_("No passcode is returned to you.")
/* [RESET] "users are notified to activate their reset passcode" for work-profile resets, on
 * corporate-owned and personally owned work profiles alike. */
#define CAVEAT_WORK_PROFILE_ACTIVATE N_("The user is notified to activate the reset passcode on the device.")
typedef enum
{
  ROW_IOS_CORPORATE,
  ROW_IOS_SHARED_IPAD,
  ROW_IOS_SHARED_UNKNOWN,
  ROW_IOS_PERSONAL,
  ROW_IOS_OWNER_UNKNOWN,
  ROW_APPLE_USER_ENROLLMENT,
  ROW_VISIONOS_CORPORATE,
  ROW_VISIONOS_OLD,
  ROW_VISIONOS_PERSONAL,
  ROW_ANDROID_DEDICATED,
  ROW_ANDROID_AOSP_USER,
  ROW_ANDROID_AOSP_USERLESS,
  ROW_ANDROID_FULLY_MANAGED,
  ROW_ANDROID_COPE,
  ROW_ANDROID_BYOD_WORK_PROFILE,
  ROW_ANDROID_WORK_PROFILE_OLD,
  ROW_ANDROID_DEVICE_ADMIN_LEGACY,
  ROW_ANDROID_DEVICE_ADMIN,
  ROW_ANDROID_MODE_UNKNOWN,
  ROW_ANDROID_ENROLLMENT_UNRECOGNIZED,
  ROW_VERSION_UNKNOWN,
  ROW_WINDOWS,
  ROW_WINDOWS_MOBILE,
  ROW_MACOS,
  ROW_LINUX,
  ROW_CHROMEOS,
  ROW_OTHER_OS,
  ROW_OS_MISSING,
  ROW_CONTRADICTORY,
  N_ROWS
} Row;

typedef struct
{
  const char   *id;
  LkSupport     support;
  LkActionKind  kind;
  const char   *reason;        /* translatable */
  const char   *caveats[4];
  const char   *doc;
} Rule;

static const Rule rules[N_ROWS] = {
  /* [RESET] iOS/iPadOS: "Remove passcode" on corporate-owned devices, not User Enrollment. */
  [ROW_IOS_CORPORATE] = { "ios-corporate", LK_SUPPORT_SUPPORTED_WITH_CAVEATS, LK_ACTION_KIND_REMOVE_PASSCODE,
    N_("Corporate-owned Apple devices support Remove passcode."),
    { CAVEAT_IOS_NEW_PASSCODE, CAVEAT_IOS_UNLOCK_TOKEN, CAVEAT_IOS_NO_PASSCODE }, DOC_REMOVE },
  /* [SHARED] [HW] Apple refuses ClearPasscode in Shared iPad mode, and a failed removal can
   * leave only a wipe ([REMOVE]): never offered on a Shared iPad. */
  [ROW_IOS_SHARED_IPAD] = { "ios-shared-ipad", LK_SUPPORT_NOT_SUPPORTED, LK_ACTION_KIND_NONE,
    N_("This is a Shared iPad: Apple does not allow removing the passcode in Shared iPad mode, and a failed removal can leave only a wipe."),
    { NULL }, DOC_REMOVE },
  /* [HW] Only a single-device GET that selects hardwareInformation says whether an iPad is
   * shared: until then the action is not offered. */
  [ROW_IOS_SHARED_UNKNOWN] = { "ios-shared-unknown", LK_SUPPORT_UNKNOWN, LK_ACTION_KIND_NONE,
    N_("Whether this iPad is a Shared iPad is not known yet: Remove passcode is offered once the device’s details say it is not."),
    { NULL }, DOC_REMOVE },
  [ROW_IOS_PERSONAL] = { "ios-personal", LK_SUPPORT_NOT_SUPPORTED, LK_ACTION_KIND_NONE,
    N_("Intune removes passcodes only on corporate-owned Apple devices; this one is personal."), { NULL }, DOC_REMOVE },
  [ROW_IOS_OWNER_UNKNOWN] = { "ios-owner-unknown", LK_SUPPORT_UNKNOWN, LK_ACTION_KIND_NONE,
    N_("The ownership of this Apple device is unknown: Remove passcode works only on corporate-owned devices."), { NULL }, DOC_REMOVE },
  /* [UE] [ENUM] appleUserEnrollment, appleUserEnrollmentWithServiceAccount, appleAccountDrivenUserEnrollment. */
  [ROW_APPLE_USER_ENROLLMENT] = { "apple-user-enrollment", LK_SUPPORT_NOT_SUPPORTED, LK_ACTION_KIND_NONE,
    N_("Remove passcode is not available for devices enrolled with Apple User Enrollment."), { NULL }, DOC_UE },
  /* [RESET] visionOS 1.1 and later, corporate-owned: as iOS. */
  [ROW_VISIONOS_CORPORATE] = { "visionos-corporate", LK_SUPPORT_SUPPORTED_WITH_CAVEATS, LK_ACTION_KIND_REMOVE_PASSCODE,
    N_("Corporate-owned Apple Vision Pro devices with visionOS 1.1 or later support Remove passcode."),
    { CAVEAT_IOS_NEW_PASSCODE, CAVEAT_IOS_UNLOCK_TOKEN, CAVEAT_IOS_NO_PASSCODE }, DOC_REMOVE },
  [ROW_VISIONOS_OLD] = { "visionos-old", LK_SUPPORT_NOT_SUPPORTED, LK_ACTION_KIND_NONE,
    N_("Remove passcode needs visionOS 1.1 or later."), { NULL }, DOC_REMOVE },
  [ROW_VISIONOS_PERSONAL] = { "visionos-personal", LK_SUPPORT_NOT_SUPPORTED, LK_ACTION_KIND_NONE,
    N_("Intune removes passcodes only on corporate-owned Apple devices; this one is personal."), { NULL }, DOC_REMOVE },
  /* [RESET] Android Enterprise dedicated devices: reset device passcode, temporary passcode. */
  [ROW_ANDROID_DEDICATED] = { "android-dedicated", LK_SUPPORT_SUPPORTED_WITH_CAVEATS, LK_ACTION_KIND_RESET_DEVICE_PASSCODE,
    N_("Android Enterprise dedicated devices support a device passcode reset; you get a temporary passcode."),
    { CAVEAT_ANDROID_POLICY }, DOC_RESET },
  /* [RESET] AOSP, user-associated: reset device passcode. */
  [ROW_ANDROID_AOSP_USER] = { "android-aosp-user", LK_SUPPORT_SUPPORTED_WITH_CAVEATS, LK_ACTION_KIND_RESET_DEVICE_PASSCODE,
    N_("User-associated Android (AOSP) devices support a device passcode reset; you get a temporary passcode."),
    { CAVEAT_ANDROID_POLICY }, DOC_RESET },
  /* [RESET] AOSP, userless: reset device passcode. */
  [ROW_ANDROID_AOSP_USERLESS] = { "android-aosp-userless", LK_SUPPORT_SUPPORTED_WITH_CAVEATS, LK_ACTION_KIND_RESET_DEVICE_PASSCODE,
    N_("Userless Android (AOSP) devices support a device passcode reset; you get a temporary passcode."),
    { CAVEAT_ANDROID_POLICY }, DOC_RESET },
  /* [RESET] Fully managed: the 2025 table lists a work-profile reset, older pages a device reset. */
  [ROW_ANDROID_FULLY_MANAGED] = { "android-fully-managed", LK_SUPPORT_SUPPORTED_WITH_CAVEATS, LK_ACTION_KIND_RESET_PASSCODE,
    N_("Fully managed Android Enterprise devices support a passcode reset; you get a temporary passcode."),
    { N_("Microsoft’s current table lists this as a work-profile passcode reset; older documentation as a device passcode reset."),
      CAVEAT_ANDROID_POLICY }, DOC_RESET },
  /* [RESET] Corporate-owned work profile: work-profile passcode only. */
  [ROW_ANDROID_COPE] = { "android-cope", LK_SUPPORT_SUPPORTED_WITH_CAVEATS, LK_ACTION_KIND_RESET_WORK_PROFILE_PASSCODE,
    N_("Corporate-owned devices with a work profile support a work-profile passcode reset."),
    { N_("Only the work profile’s passcode is reset, not the device’s."), CAVEAT_WORK_PROFILE_ACTIVATE,
      CAVEAT_ANDROID_POLICY }, DOC_RESET },
  /* [RESET] Personally-owned work profile, Android 8.0+, reset token activated by the user. */
  [ROW_ANDROID_BYOD_WORK_PROFILE] = { "android-byod-work-profile", LK_SUPPORT_SUPPORTED_WITH_CAVEATS, LK_ACTION_KIND_RESET_WORK_PROFILE_PASSCODE,
    N_("Personally-owned devices with a work profile on Android 8.0 or later support a work-profile passcode reset."),
    { N_("The user must have activated the reset token when Intune asked after enrollment."),
      N_("Only the work profile’s passcode is reset, not the device’s."), CAVEAT_WORK_PROFILE_ACTIVATE,
      CAVEAT_ANDROID_POLICY }, DOC_RESET },
  [ROW_ANDROID_WORK_PROFILE_OLD] = { "android-work-profile-old", LK_SUPPORT_NOT_SUPPORTED, LK_ACTION_KIND_NONE,
    N_("A work-profile passcode reset needs Android 8.0 or later."), { NULL }, DOC_RESET },
  /* [RESET] [DA] Device administrator: device reset up to Android 6.x only. */
  [ROW_ANDROID_DEVICE_ADMIN_LEGACY] = { "android-device-admin-legacy", LK_SUPPORT_SUPPORTED_WITH_CAVEATS, LK_ACTION_KIND_RESET_DEVICE_PASSCODE,
    N_("Android device administrator devices up to Android 6 support a device passcode reset."),
    { N_("Device administrator management is legacy and unsupported on devices with Google Mobile Services since 30 August 2024."),
      CAVEAT_ANDROID_POLICY }, DOC_DA },
  [ROW_ANDROID_DEVICE_ADMIN] = { "android-device-admin", LK_SUPPORT_NOT_SUPPORTED, LK_ACTION_KIND_NONE,
    N_("Google removed the passcode reset API for device administrator apps on Android 7.0 and later."), { NULL }, DOC_DA },
  [ROW_ANDROID_MODE_UNKNOWN] = { "android-mode-unknown", LK_SUPPORT_UNKNOWN, LK_ACTION_KIND_NONE,
    N_("Microsoft Graph did not say how this Android device is managed (Android Enterprise, AOSP or device administrator). The v1.0 API cannot tell them apart; the beta API, which Latchkey reads by default, can."), { NULL }, DOC_ENUM },
  /* [ENUM] A value this build does not know (a future member, unknownFutureValue): never a guess. */
  [ROW_ANDROID_ENROLLMENT_UNRECOGNIZED] = { "android-enrollment-unrecognized", LK_SUPPORT_UNKNOWN, LK_ACTION_KIND_NONE,
    NULL, { NULL }, DOC_ENUM },
  [ROW_VERSION_UNKNOWN] = { "os-version-unknown", LK_SUPPORT_UNKNOWN, LK_ACTION_KIND_NONE,
    N_("The operating system version is unknown, and the passcode action depends on it."), { NULL }, DOC_RESET },
  /* [RESET] Windows: the PIN reset was Windows 10 Mobile only. */
  [ROW_WINDOWS] = { "windows", LK_SUPPORT_NOT_SUPPORTED, LK_ACTION_KIND_NONE,
    N_("Windows has no Intune passcode action: the old PIN reset was for Windows 10 Mobile only, and Windows Hello PIN reset is started by the user."),
    { N_("Its unlock options (local administrator password, BitLocker recovery keys) are on the device page.") }, DOC_RESET },
  /* [RESET] Windows 10 Mobile had its own PIN reset, retired with the platform. */
  [ROW_WINDOWS_MOBILE] = { "windows-mobile", LK_SUPPORT_NOT_SUPPORTED, LK_ACTION_KIND_NONE,
    N_("Windows 10 Mobile had a PIN reset of its own, but it was retired with the platform: Intune no longer has a passcode action for this device."), { NULL }, DOC_RESET },
  [ROW_MACOS] = { "macos", LK_SUPPORT_NOT_SUPPORTED, LK_ACTION_KIND_NONE,
    N_("Intune has no passcode removal or reset for macOS."),
    { N_("Its unlock options (FileVault recovery key, managed administrator account) are on the device page.") }, DOC_REMOVE },
  [ROW_LINUX] = { "linux", LK_SUPPORT_NOT_SUPPORTED, LK_ACTION_KIND_NONE,
    N_("Intune has no passcode action for Linux devices."), { NULL }, DOC_RESET },
  [ROW_CHROMEOS] = { "chromeos", LK_SUPPORT_NOT_SUPPORTED, LK_ACTION_KIND_NONE,
    N_("Intune has no passcode action for ChromeOS devices."), { NULL }, DOC_RESET },
  /* The reasons of these two rows name the operating system: see format_reason(). */
  [ROW_OTHER_OS] = { "other-os", LK_SUPPORT_NOT_SUPPORTED, LK_ACTION_KIND_NONE, NULL, { NULL }, DOC_RESET },
  [ROW_OS_MISSING] = { "os-missing", LK_SUPPORT_UNKNOWN, LK_ACTION_KIND_NONE,
    N_("Microsoft Graph did not report the operating system of this device."), { NULL }, DOC_RESET },
  [ROW_CONTRADICTORY] = { "contradictory", LK_SUPPORT_UNKNOWN, LK_ACTION_KIND_NONE, NULL, { NULL }, DOC_ENUM },
};

struct _LkCapability
{
  GObject     parent_instance;

  Row         row;
  LkPlatform  platform;
  char       *reason;
  GStrv       caveats;
  char       *stale_note;   /* the action would wait for a check-in that may not come, or NULL */
};

G_DEFINE_FINAL_TYPE (LkCapability, lk_capability, G_TYPE_OBJECT)

static void
lk_capability_finalize (GObject *object)
{
  LkCapability *self = LK_CAPABILITY (object);

  g_clear_pointer (&self->reason, g_free);
  g_clear_pointer (&self->caveats, g_strfreev);
  g_clear_pointer (&self->stale_note, g_free);

  G_OBJECT_CLASS (lk_capability_parent_class)->finalize (object);
}

static void
lk_capability_class_init (LkCapabilityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lk_capability_finalize;
}

static void
lk_capability_init (LkCapability *self)
{
}

LkPlatform
lk_platform_from_operating_system (const char *os)
{
  if (os == NULL || *os == '\0' || g_ascii_strcasecmp (os, "unknown") == 0)
    return LK_PLATFORM_UNKNOWN;
  if (g_ascii_strcasecmp (os, "iOS") == 0 || g_ascii_strcasecmp (os, "iPadOS") == 0
      || g_ascii_strcasecmp (os, "iPhone") == 0 || g_ascii_strcasecmp (os, "iPad") == 0)
    return LK_PLATFORM_IOS;
  if (g_ascii_strcasecmp (os, "visionOS") == 0)
    return LK_PLATFORM_VISIONOS;
  if (g_ascii_strncasecmp (os, "Android", 7) == 0)
    return LK_PLATFORM_ANDROID;
  if (g_ascii_strcasecmp (os, "macOS") == 0 || g_ascii_strcasecmp (os, "Mac OS") == 0
      || g_ascii_strcasecmp (os, "OS X") == 0)
    return LK_PLATFORM_MACOS;
  if (g_ascii_strncasecmp (os, "Windows", 7) == 0)
    return LK_PLATFORM_WINDOWS;
  if (g_ascii_strcasecmp (os, "Linux") == 0 || g_ascii_strcasecmp (os, "Ubuntu") == 0
      || g_ascii_strcasecmp (os, "RHEL") == 0)
    return LK_PLATFORM_LINUX;
  if (g_ascii_strcasecmp (os, "ChromeOS") == 0 || g_ascii_strcasecmp (os, "Chrome OS") == 0)
    return LK_PLATFORM_CHROMEOS;
  return LK_PLATFORM_OTHER;
}

gboolean
lk_parse_os_version (const char *version,
                     guint      *major,
                     guint      *minor)
{
  guint64 first, second = 0;
  char *end = NULL;

  if (version == NULL || !g_ascii_isdigit (*version))
    return FALSE;
  first = g_ascii_strtoull (version, &end, 10);
  if (end != NULL && *end == '.' && g_ascii_isdigit (end[1]))
    second = g_ascii_strtoull (end + 1, NULL, 10);
  if (major != NULL)
    *major = (guint) MIN (first, G_MAXUINT);
  if (minor != NULL)
    *minor = (guint) MIN (second, G_MAXUINT);
  return TRUE;
}

static gboolean
is_one_of (const char        *value,
           const char *const *set)
{
  for (guint i = 0; value != NULL && set[i] != NULL; i++)
    if (g_ascii_strcasecmp (value, set[i]) == 0)
      return TRUE;
  return FALSE;
}

/* [ENUM] "userEnrollment" is *not* Apple User Enrollment: the enum page describes it as "user
 * driven enrollment through BYOD channel" (Company Portal device enrollment on any platform), so a
 * corporate iPhone enrolled that way still supports Remove passcode; ownership decides. */
static const char *const apple_user_enrollment[] = {
  "appleUserEnrollment", "appleUserEnrollmentWithServiceAccount", "appleAccountDrivenUserEnrollment", NULL
};
/* [ENUM] Members that say nothing about an Android device's management mode. */
static const char *const generic_enrollment[] = {
  "unknown", "userEnrollment", "deviceEnrollmentManager", NULL
};
/* Beta deviceType values of Apple hardware. */
static const char *const apple_device_type[] = {
  "iPhone", "iPad", "iPod", "visionOS", "mac", "macMDM", NULL
};

static gboolean
has_prefix (const char *value,
            const char *prefix)
{
  return value != NULL && g_ascii_strncasecmp (value, prefix, strlen (prefix)) == 0;
}

/* The enum's members are named after their platform (android…, apple…, windows…, and
 * azureAdJoinUsingAzureVmExtension), and so are future ones: the prefix tells the platform. */
static gboolean
is_windows_enrollment (const char *enrollment)
{
  return has_prefix (enrollment, "windows") || has_prefix (enrollment, "azureAd");
}

/* An iPad, or an Apple device whose hardware nothing names (it may be one). */
static gboolean
may_be_ipad (LkDevice *device)
{
  const char *device_type = lk_device_get_device_type (device);
  const char *model = lk_device_get_model (device);

  if (g_strcmp0 (device_type, "iPad") == 0 || has_prefix (model, "iPad")
      || g_ascii_strcasecmp (lk_device_get_operating_system (device), "iPadOS") == 0)
    return TRUE;
  return device_type == NULL && model == NULL;
}

static Row
apple_row (LkDevice   *device,
           LkPlatform  platform)
{
  const char *owner = lk_device_get_owner_type (device);
  guint major = 0, minor = 0;

  if (is_one_of (lk_device_get_enrollment_type (device), apple_user_enrollment))
    return ROW_APPLE_USER_ENROLLMENT;
  if (platform == LK_PLATFORM_VISIONOS)
    {
      if (!lk_parse_os_version (lk_device_get_os_version (device), &major, &minor))
        return ROW_VERSION_UNKNOWN;
      if (major < 1 || (major == 1 && minor < 1))
        return ROW_VISIONOS_OLD;
    }
  if (g_strcmp0 (owner, "company") == 0 && platform == LK_PLATFORM_VISIONOS)
    return ROW_VISIONOS_CORPORATE;
  if (g_strcmp0 (owner, "company") == 0)
    {
      /* [SHARED] Shared iPad is corporate-owned iPads only; what a list says cannot tell. */
      if (!may_be_ipad (device))
        return ROW_IOS_CORPORATE;
      switch (lk_device_get_is_shared_device (device))
        {
        case 0:
          return ROW_IOS_CORPORATE;
        case 1:
          return ROW_IOS_SHARED_IPAD;
        default:
          return ROW_IOS_SHARED_UNKNOWN;
        }
    }
  if (g_strcmp0 (owner, "personal") == 0)
    return platform == LK_PLATFORM_VISIONOS ? ROW_VISIONOS_PERSONAL : ROW_IOS_PERSONAL;
  return ROW_IOS_OWNER_UNKNOWN;
}

/* Android's management mode comes from the enrollment type (beta) or, for the older modes,
 * the beta deviceType: androidForWork is a personally-owned work profile, android a device
 * administrator. v1.0 gives neither, and then the mode is unknown, never guessed. */
/* managementAgent values of Android Enterprise and AOSP management. */
static const char *const android_modern_agents[] = {
  "googleCloudDevicePolicyController", "intuneAosp", NULL
};

static Row
android_row (LkDevice *device)
{
  const char *enrollment = lk_device_get_enrollment_type (device);
  const char *device_type = lk_device_get_device_type (device);
  guint major = 0;
  gboolean has_version = lk_parse_os_version (lk_device_get_os_version (device), &major, NULL);

  if (g_strcmp0 (enrollment, "androidEnterpriseDedicatedDevice") == 0)
    return ROW_ANDROID_DEDICATED;
  if (g_strcmp0 (enrollment, "androidAOSPUserOwnedDeviceEnrollment") == 0)
    return ROW_ANDROID_AOSP_USER;
  if (g_strcmp0 (enrollment, "androidAOSPUserlessDeviceEnrollment") == 0)
    return ROW_ANDROID_AOSP_USERLESS;
  if (g_strcmp0 (enrollment, "androidEnterpriseFullyManaged") == 0)
    return ROW_ANDROID_FULLY_MANAGED;
  if (g_strcmp0 (enrollment, "androidEnterpriseCorporateWorkProfile") == 0)
    return ROW_ANDROID_COPE;

  /* Anything else that names a mode is one this build does not know. */
  if (enrollment != NULL && !is_one_of (enrollment, generic_enrollment)
      && g_strcmp0 (enrollment, "androidForWork") != 0)
    return ROW_ANDROID_ENROLLMENT_UNRECOGNIZED;

  if (g_strcmp0 (device_type, "androidForWork") == 0 || g_strcmp0 (enrollment, "androidForWork") == 0)
    {
      if (!has_version)
        return ROW_VERSION_UNKNOWN;
      return major >= 8 ? ROW_ANDROID_BYOD_WORK_PROFILE : ROW_ANDROID_WORK_PROFILE_OLD;
    }
  /* Device administrator devices are plain "android" managed by the MDM agent; an Android
   * Enterprise (Google's policy controller) or AOSP agent says the deviceType is stale or wrong. */
  if (g_strcmp0 (device_type, "android") == 0
      && !is_one_of (lk_device_get_management_agent (device), android_modern_agents))
    {
      if (!has_version)
        return ROW_VERSION_UNKNOWN;
      return major <= 6 ? ROW_ANDROID_DEVICE_ADMIN_LEGACY : ROW_ANDROID_DEVICE_ADMIN;
    }
  return ROW_ANDROID_MODE_UNKNOWN;
}

/* An Android enrollment or hardware type on an Apple device (or the reverse, or a Windows one
 * on either) means the facts disagree: not something to act on. */
static gboolean
enrollment_contradicts (LkPlatform  platform,
                        const char *enrollment)
{
  if (platform != LK_PLATFORM_ANDROID && has_prefix (enrollment, "android"))
    return TRUE;
  if (platform == LK_PLATFORM_ANDROID)
    return has_prefix (enrollment, "apple") || is_windows_enrollment (enrollment);
  if (platform == LK_PLATFORM_IOS || platform == LK_PLATFORM_VISIONOS)
    return is_windows_enrollment (enrollment);
  return FALSE;
}

static gboolean
device_type_contradicts (LkPlatform  platform,
                         const char *device_type)
{
  if (platform == LK_PLATFORM_ANDROID)
    return is_one_of (device_type, apple_device_type) || has_prefix (device_type, "win");
  if (platform == LK_PLATFORM_IOS || platform == LK_PLATFORM_VISIONOS)
    return has_prefix (device_type, "android") || has_prefix (device_type, "win");
  return FALSE;
}

/* Graph's deviceType for Windows phones: windowsPhone, winMO6, nokia; or a Lumia model. */
static gboolean
is_windows_mobile (LkDevice *device)
{
  static const char *const phone_types[] = { "windowsPhone", "winMO6", "nokia", NULL };

  return is_one_of (lk_device_get_device_type (device), phone_types)
         || has_prefix (lk_device_get_model (device), "Lumia");
}

static Row
classify (LkDevice   *device,
          LkPlatform  platform)
{
  if (enrollment_contradicts (platform, lk_device_get_enrollment_type (device))
      || device_type_contradicts (platform, lk_device_get_device_type (device)))
    return ROW_CONTRADICTORY;

  switch (platform)
    {
    case LK_PLATFORM_IOS:
    case LK_PLATFORM_VISIONOS:
      return apple_row (device, platform);
    case LK_PLATFORM_ANDROID:
      return android_row (device);
    case LK_PLATFORM_WINDOWS:
      return is_windows_mobile (device) ? ROW_WINDOWS_MOBILE : ROW_WINDOWS;
    case LK_PLATFORM_MACOS:
      return ROW_MACOS;
    case LK_PLATFORM_LINUX:
      return ROW_LINUX;
    case LK_PLATFORM_CHROMEOS:
      return ROW_CHROMEOS;
    case LK_PLATFORM_OTHER:
      return ROW_OTHER_OS;
    case LK_PLATFORM_UNKNOWN:
    default:
      return ROW_OS_MISSING;
    }
}

static char *
format_reason (Row         row,
               LkPlatform  platform,
               LkDevice   *device)
{
  const char *os = lk_device_get_operating_system (device);
  const char *enrollment = lk_device_get_enrollment_type (device);
  const char *device_type = lk_device_get_device_type (device);

  switch (row)
    {
    case ROW_OTHER_OS:
      return g_strdup_printf (_("Intune has no passcode action for %s devices."), os);
    case ROW_ANDROID_ENROLLMENT_UNRECOGNIZED:
      /* Translators: %s is a Microsoft Graph enum value such as "androidSomethingNew"; keep it as is. */
      return g_strdup_printf (_("Microsoft Graph reported the enrollment type “%s”, which Latchkey does not know: it cannot tell whether this Android device supports a passcode reset."),
                              enrollment);
    case ROW_CONTRADICTORY:
      if (device_type_contradicts (platform, device_type)
          && !enrollment_contradicts (platform, enrollment))
        /* Translators: the first %s is an operating system ("iOS"), the second a Microsoft Graph
         * deviceType value ("androidForWork"); keep the second as is. */
        return g_strdup_printf (_("The device’s operating system (%s) and its hardware type (%s) contradict each other."),
                                os != NULL ? os : "?", device_type);
      return g_strdup_printf (_("The device’s operating system (%s) and its enrollment type contradict each other."),
                              os != NULL ? os : "?");
    default:
      return g_strdup (_(rules[row].reason));
    }
}

/* Intune runs a queued action at the device's next check-in; a device silent for weeks (or
 * never seen) may not take it soon (DESIGN.md: "a device that has not checked in for a long
 * time (or never) gets a caveat"). This caveat changes the outcome, so it is also the badge's
 * warning (lk_capability_get_stale_note). */
static char *
format_stale_note (LkDevice *device)
{
  gint64 last_sync_us = lk_device_get_last_sync_us (device);
  g_autoptr(GDateTime) whole = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *when = NULL;

  if (last_sync_us == G_MININT64)
    return g_strdup (_("This device has never checked in with Intune: the action waits until it does."));
  /* Compared in microseconds: a GDateTime per device classified (kept by the device for ever)
   * was most of what a million-device listing held besides the devices. */
  if (g_get_real_time () - last_sync_us < LK_STALE_CHECK_IN_DAYS * G_TIME_SPAN_DAY)
    return NULL;
  /* Not the device's own (cached) GDateTime: most classified devices are never shown. */
  whole = g_date_time_new_from_unix_utc ((last_sync_us - (last_sync_us < 0 ? G_USEC_PER_SEC - 1 : 0))
                                         / G_USEC_PER_SEC);
  local = g_date_time_to_local (whole);
  when = g_date_time_format (local, "%x");
  /* Translators: %s is a date. */
  return g_strdup_printf (_("This device last checked in on %s: the action waits for its next check-in."), when);
}

LkCapability *
lk_capability_new_for_device (LkDevice *device)
{
  LkCapability *self;
  const Rule *rule;
  GPtrArray *caveats;
  const char *os;

  g_return_val_if_fail (LK_IS_DEVICE (device), NULL);

  self = g_object_new (LK_TYPE_CAPABILITY, NULL);
  os = lk_device_get_operating_system (device);
  self->platform = lk_platform_from_operating_system (os);
  self->row = classify (device, self->platform);
  rule = &rules[self->row];

  self->reason = format_reason (self->row, self->platform, device);

  caveats = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (rule->caveats) && rule->caveats[i] != NULL; i++)
    g_ptr_array_add (caveats, g_strdup (_(rule->caveats[i])));
  if (lk_capability_can_act (self))
    self->stale_note = format_stale_note (device);
  if (self->stale_note != NULL)
    g_ptr_array_add (caveats, g_strdup (self->stale_note));
  g_ptr_array_add (caveats, NULL);
  self->caveats = (GStrv) g_ptr_array_free (caveats, FALSE);
  return self;
}

/* Every member classify(), format_reason() and format_stale_note() read, and nothing else: a
 * member read there and missing here would give two different devices one capability's words
 * in the CLI (test-cli-streaming compares its output with a capability made per device). */
gboolean
lk_capability_get_inputs (LkDevice           *device,
                          gint64              now_us,
                          LkCapabilityInputs *inputs)
{
  gint64 last_sync_us;

  g_return_val_if_fail (LK_IS_DEVICE (device), FALSE);

  last_sync_us = lk_device_get_last_sync_us (device);
  inputs->operating_system = lk_device_get_operating_system (device);
  inputs->os_version = lk_device_get_os_version (device);
  inputs->model = lk_device_get_model (device);
  inputs->enrollment_type = lk_device_get_enrollment_type (device);
  inputs->device_type = lk_device_get_device_type (device);
  inputs->owner_type = lk_device_get_owner_type (device);
  inputs->management_agent = lk_device_get_management_agent (device);
  inputs->is_shared_device = lk_device_get_is_shared_device (device);
  inputs->never_checked_in = last_sync_us == G_MININT64;
  return inputs->never_checked_in || now_us - last_sync_us < LK_STALE_CHECK_IN_DAYS * G_TIME_SPAN_DAY;
}

guint
lk_capability_inputs_hash (gconstpointer data)
{
  const LkCapabilityInputs *inputs = data;
  const char *strings[] = { inputs->operating_system, inputs->os_version, inputs->model,
                            inputs->enrollment_type, inputs->device_type, inputs->owner_type,
                            inputs->management_agent };
  guint hash = (guint) inputs->is_shared_device * 31 + (guint) inputs->never_checked_in;

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    hash = hash * 33 + (strings[i] != NULL ? g_str_hash (strings[i]) : 0);
  return hash;
}

gboolean
lk_capability_inputs_equal (gconstpointer a_data,
                            gconstpointer b_data)
{
  const LkCapabilityInputs *a = a_data, *b = b_data;

  return a->is_shared_device == b->is_shared_device
         && a->never_checked_in == b->never_checked_in
         && g_strcmp0 (a->operating_system, b->operating_system) == 0
         && g_strcmp0 (a->os_version, b->os_version) == 0
         && g_strcmp0 (a->model, b->model) == 0
         && g_strcmp0 (a->enrollment_type, b->enrollment_type) == 0
         && g_strcmp0 (a->device_type, b->device_type) == 0
         && g_strcmp0 (a->owner_type, b->owner_type) == 0
         && g_strcmp0 (a->management_agent, b->management_agent) == 0;
}

LkSupport
lk_capability_get_support (LkCapability *self)
{
  g_return_val_if_fail (LK_IS_CAPABILITY (self), LK_SUPPORT_UNKNOWN);
  return rules[self->row].support;
}

LkActionKind
lk_capability_get_action_kind (LkCapability *self)
{
  g_return_val_if_fail (LK_IS_CAPABILITY (self), LK_ACTION_KIND_NONE);
  return rules[self->row].kind;
}

LkPlatform
lk_capability_get_platform (LkCapability *self)
{
  g_return_val_if_fail (LK_IS_CAPABILITY (self), LK_PLATFORM_UNKNOWN);
  return self->platform;
}

const char *
lk_action_kind_to_label (LkActionKind kind)
{
  switch (kind)
    {
    case LK_ACTION_KIND_REMOVE_PASSCODE:
      return _("Remove passcode");
    case LK_ACTION_KIND_RESET_DEVICE_PASSCODE:
      return _("Reset device passcode");
    case LK_ACTION_KIND_RESET_PASSCODE:
      return _("Reset passcode");
    case LK_ACTION_KIND_RESET_WORK_PROFILE_PASSCODE:
      return _("Reset work-profile passcode");
    case LK_ACTION_KIND_NONE:
    default:
      return _("No passcode action");
    }
}

/* A badge is a state, not the button's command: "Can remove passcode", not "Remove passcode".
 * Short, so it fits beside a device in a 360 px list in every language. */
const char *
lk_action_kind_to_state_label (LkActionKind kind)
{
  switch (kind)
    {
    case LK_ACTION_KIND_REMOVE_PASSCODE:
      return _("Can remove passcode");
    case LK_ACTION_KIND_RESET_DEVICE_PASSCODE:
    case LK_ACTION_KIND_RESET_PASSCODE:
      return C_("badge", "Can reset passcode");
    case LK_ACTION_KIND_RESET_WORK_PROFILE_PASSCODE:
      return _("Can reset work profile");
    case LK_ACTION_KIND_NONE:
    default:
      return C_("badge", "Not supported");
    }
}

const char *
lk_capability_get_state_label (LkCapability *self)
{
  g_return_val_if_fail (LK_IS_CAPABILITY (self), NULL);

  switch (rules[self->row].support)
    {
    case LK_SUPPORT_SUPPORTED:
    case LK_SUPPORT_SUPPORTED_WITH_CAVEATS:
      return lk_action_kind_to_state_label (rules[self->row].kind);
    case LK_SUPPORT_NOT_SUPPORTED:
      return C_("badge", "Not supported");
    case LK_SUPPORT_UNKNOWN:
    default:
      return C_("badge", "Unknown");
    }
}

const char *
lk_capability_get_label (LkCapability *self)
{
  g_return_val_if_fail (LK_IS_CAPABILITY (self), NULL);

  switch (rules[self->row].support)
    {
    case LK_SUPPORT_SUPPORTED:
    case LK_SUPPORT_SUPPORTED_WITH_CAVEATS:
      return lk_action_kind_to_label (rules[self->row].kind);
    case LK_SUPPORT_NOT_SUPPORTED:
      return _("Not supported");
    case LK_SUPPORT_UNKNOWN:
    default:
      /* Translators: a badge: open the device to know whether its passcode can be removed. */
      return self->row == ROW_IOS_SHARED_UNKNOWN ? C_("capability", "Check device") : _("Unknown");
    }
}

const char *
lk_capability_get_reason (LkCapability *self)
{
  g_return_val_if_fail (LK_IS_CAPABILITY (self), NULL);
  return self->reason;
}

const char *const *
lk_capability_get_caveats (LkCapability *self)
{
  g_return_val_if_fail (LK_IS_CAPABILITY (self), NULL);
  return (const char *const *) self->caveats;
}

const char *
lk_capability_get_doc_url (LkCapability *self)
{
  g_return_val_if_fail (LK_IS_CAPABILITY (self), NULL);
  return rules[self->row].doc;
}

const char *
lk_capability_get_rule_id (LkCapability *self)
{
  g_return_val_if_fail (LK_IS_CAPABILITY (self), NULL);
  return rules[self->row].id;
}

gboolean
lk_capability_can_act (LkCapability *self)
{
  LkSupport support;

  g_return_val_if_fail (LK_IS_CAPABILITY (self), FALSE);
  support = rules[self->row].support;
  return support == LK_SUPPORT_SUPPORTED || support == LK_SUPPORT_SUPPORTED_WITH_CAVEATS;
}

gboolean
lk_capability_returns_passcode (LkCapability *self)
{
  g_return_val_if_fail (LK_IS_CAPABILITY (self), FALSE);
  return lk_capability_can_act (self) && self->platform == LK_PLATFORM_ANDROID;
}

const char *
lk_capability_get_stale_note (LkCapability *self)
{
  g_return_val_if_fail (LK_IS_CAPABILITY (self), NULL);
  return self->stale_note;
}

const char *
lk_action_kind_to_string (LkActionKind kind)
{
  switch (kind)
    {
    case LK_ACTION_KIND_REMOVE_PASSCODE:
      return "removePasscode";
    case LK_ACTION_KIND_RESET_DEVICE_PASSCODE:
      return "resetDevicePasscode";
    case LK_ACTION_KIND_RESET_PASSCODE:
      return "resetPasscode";
    case LK_ACTION_KIND_RESET_WORK_PROFILE_PASSCODE:
      return "resetWorkProfilePasscode";
    case LK_ACTION_KIND_NONE:
    default:
      return "none";
    }
}
