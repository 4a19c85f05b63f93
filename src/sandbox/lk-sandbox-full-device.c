/* lk-sandbox-full-device.c: full managedDevice objects for a generated tenant.
 *
 * A real tenant's device, listed without $select, carries every member of the managedDevice
 * resource: ~3.5–4 kB of JSON where the members Latchkey reads are ~0.8 kB. This writes them
 * all, in the order Microsoft's beta reference documents them
 * (microsoft-graph-docs-contrib, api-reference/beta/resources/intune-devices-manageddevice.md;
 * tests/sandbox/fixtures/managed-device-beta.json keeps its JSON representation), with values
 * of the documented types that vary by platform, and nulls or defaults where the reference says
 * a list gives them (hardwareInformation, iccid, udid, notes, ethernetMacAddress,
 * physicalMemoryInBytes: "real value only returned in a single device GET").
 *
 * The members an SbDevice holds are written by sb_device_write_member(), so a full device and a
 * lean one of the same seed agree on them. The others are made as the page is written, each
 * from a hash of the set's seed, the device's index and the member: nothing more is stored, a
 * member's value does not depend on which others a $select asks for, and the same seed gives
 * the same bytes.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-sandbox-private.h"

#define NO_FIELD (-1)

typedef enum
{
  M_ID, M_USER_ID, M_DEVICE_NAME, M_HARDWARE_INFORMATION, M_OWNER_TYPE,
  M_MANAGED_DEVICE_OWNER_TYPE, M_DEVICE_ACTION_RESULTS, M_MANAGEMENT_STATE, M_ENROLLED_DATE_TIME,
  M_LAST_SYNC_DATE_TIME, M_CHASSIS_TYPE, M_OPERATING_SYSTEM, M_DEVICE_TYPE, M_COMPLIANCE_STATE,
  M_JAIL_BROKEN, M_MANAGEMENT_AGENT, M_OS_VERSION, M_EAS_ACTIVATED, M_EAS_DEVICE_ID,
  M_EAS_ACTIVATION_DATE_TIME, M_AAD_REGISTERED, M_AZURE_AD_REGISTERED, M_DEVICE_ENROLLMENT_TYPE,
  M_LOST_MODE_STATE, M_ACTIVATION_LOCK_BYPASS_CODE, M_EMAIL_ADDRESS,
  M_AZURE_ACTIVE_DIRECTORY_DEVICE_ID, M_AZURE_AD_DEVICE_ID, M_DEVICE_REGISTRATION_STATE,
  M_DEVICE_CATEGORY_DISPLAY_NAME, M_IS_SUPERVISED, M_EXCHANGE_LAST_SUCCESSFUL_SYNC_DATE_TIME,
  M_EXCHANGE_ACCESS_STATE, M_EXCHANGE_ACCESS_STATE_REASON, M_REMOTE_ASSISTANCE_SESSION_URL,
  M_REMOTE_ASSISTANCE_SESSION_ERROR_DETAILS, M_IS_ENCRYPTED, M_USER_PRINCIPAL_NAME, M_MODEL,
  M_MANUFACTURER, M_IMEI, M_COMPLIANCE_GRACE_PERIOD_EXPIRATION_DATE_TIME, M_SERIAL_NUMBER,
  M_PHONE_NUMBER, M_ANDROID_SECURITY_PATCH_LEVEL, M_USER_DISPLAY_NAME,
  M_CONFIGURATION_MANAGER_CLIENT_ENABLED_FEATURES, M_WI_FI_MAC_ADDRESS,
  M_DEVICE_HEALTH_ATTESTATION_STATE, M_SUBSCRIBER_CARRIER, M_MEID,
  M_TOTAL_STORAGE_SPACE_IN_BYTES, M_FREE_STORAGE_SPACE_IN_BYTES, M_MANAGED_DEVICE_NAME,
  M_PARTNER_REPORTED_THREAT_STATE, M_RETIRE_AFTER_DATE_TIME, M_USERS_LOGGED_ON,
  M_PREFER_MDM_OVER_GROUP_POLICY_APPLIED_DATE_TIME, M_AUTOPILOT_ENROLLED,
  M_REQUIRE_USER_ENROLLMENT_APPROVAL, M_MANAGEMENT_CERTIFICATE_EXPIRATION_DATE, M_ICCID, M_UDID,
  M_ROLE_SCOPE_TAG_IDS, M_WINDOWS_ACTIVE_MALWARE_COUNT, M_WINDOWS_REMEDIATED_MALWARE_COUNT, M_NOTES,
  M_CONFIGURATION_MANAGER_CLIENT_HEALTH_STATE, M_CONFIGURATION_MANAGER_CLIENT_INFORMATION,
  M_ETHERNET_MAC_ADDRESS, M_PHYSICAL_MEMORY_IN_BYTES, M_PROCESSOR_ARCHITECTURE,
  M_SPECIFICATION_VERSION, M_JOIN_TYPE, M_SKU_FAMILY, M_SKU_NUMBER, M_MANAGEMENT_FEATURES,
  M_CHROME_OS_DEVICE_INFO, M_ENROLLMENT_PROFILE_NAME, M_BOOTSTRAP_TOKEN_ESCROWED,
  M_DEVICE_FIRMWARE_CONFIGURATION_INTERFACE_MANAGED,
  N_MEMBERS
} Member;

G_STATIC_ASSERT (N_MEMBERS <= 128);

typedef struct
{
  const char *name;
  gint8       field;   /* the SbField that holds it, or NO_FIELD */
  gboolean    v1;      /* documented on v1.0 too (its resource page or its list example) */
} MemberInfo;

static const MemberInfo members[N_MEMBERS] = {
  [M_ID] = { "id", SB_F_ID, TRUE },
  [M_USER_ID] = { "userId", NO_FIELD, TRUE },
  [M_DEVICE_NAME] = { "deviceName", SB_F_DEVICE_NAME, TRUE },
  [M_HARDWARE_INFORMATION] = { "hardwareInformation", NO_FIELD, FALSE },
  [M_OWNER_TYPE] = { "ownerType", SB_F_OWNER_TYPE, FALSE },
  [M_MANAGED_DEVICE_OWNER_TYPE] = { "managedDeviceOwnerType", SB_F_MANAGED_DEVICE_OWNER_TYPE, TRUE },
  [M_DEVICE_ACTION_RESULTS] = { "deviceActionResults", SB_F_DEVICE_ACTION_RESULTS, TRUE },
  [M_MANAGEMENT_STATE] = { "managementState", NO_FIELD, FALSE },
  [M_ENROLLED_DATE_TIME] = { "enrolledDateTime", SB_F_ENROLLED_DATE_TIME, TRUE },
  [M_LAST_SYNC_DATE_TIME] = { "lastSyncDateTime", SB_F_LAST_SYNC_DATE_TIME, TRUE },
  [M_CHASSIS_TYPE] = { "chassisType", NO_FIELD, FALSE },
  [M_OPERATING_SYSTEM] = { "operatingSystem", SB_F_OPERATING_SYSTEM, TRUE },
  [M_DEVICE_TYPE] = { "deviceType", SB_F_DEVICE_TYPE, FALSE },
  [M_COMPLIANCE_STATE] = { "complianceState", SB_F_COMPLIANCE_STATE, TRUE },
  [M_JAIL_BROKEN] = { "jailBroken", NO_FIELD, TRUE },
  [M_MANAGEMENT_AGENT] = { "managementAgent", SB_F_MANAGEMENT_AGENT, TRUE },
  [M_OS_VERSION] = { "osVersion", SB_F_OS_VERSION, TRUE },
  [M_EAS_ACTIVATED] = { "easActivated", NO_FIELD, TRUE },
  [M_EAS_DEVICE_ID] = { "easDeviceId", NO_FIELD, TRUE },
  [M_EAS_ACTIVATION_DATE_TIME] = { "easActivationDateTime", NO_FIELD, TRUE },
  [M_AAD_REGISTERED] = { "aadRegistered", NO_FIELD, FALSE },
  [M_AZURE_AD_REGISTERED] = { "azureADRegistered", NO_FIELD, TRUE },
  [M_DEVICE_ENROLLMENT_TYPE] = { "deviceEnrollmentType", SB_F_DEVICE_ENROLLMENT_TYPE, TRUE },
  [M_LOST_MODE_STATE] = { "lostModeState", NO_FIELD, FALSE },
  [M_ACTIVATION_LOCK_BYPASS_CODE] = { "activationLockBypassCode", NO_FIELD, TRUE },
  [M_EMAIL_ADDRESS] = { "emailAddress", SB_F_EMAIL_ADDRESS, TRUE },
  [M_AZURE_ACTIVE_DIRECTORY_DEVICE_ID] = { "azureActiveDirectoryDeviceId", NO_FIELD, FALSE },
  [M_AZURE_AD_DEVICE_ID] = { "azureADDeviceId", SB_F_AZURE_AD_DEVICE_ID, TRUE },
  [M_DEVICE_REGISTRATION_STATE] = { "deviceRegistrationState", NO_FIELD, TRUE },
  [M_DEVICE_CATEGORY_DISPLAY_NAME] = { "deviceCategoryDisplayName", NO_FIELD, TRUE },
  [M_IS_SUPERVISED] = { "isSupervised", SB_F_IS_SUPERVISED, TRUE },
  [M_EXCHANGE_LAST_SUCCESSFUL_SYNC_DATE_TIME] = { "exchangeLastSuccessfulSyncDateTime", NO_FIELD, TRUE },
  [M_EXCHANGE_ACCESS_STATE] = { "exchangeAccessState", NO_FIELD, TRUE },
  [M_EXCHANGE_ACCESS_STATE_REASON] = { "exchangeAccessStateReason", NO_FIELD, TRUE },
  [M_REMOTE_ASSISTANCE_SESSION_URL] = { "remoteAssistanceSessionUrl", NO_FIELD, TRUE },
  [M_REMOTE_ASSISTANCE_SESSION_ERROR_DETAILS] = { "remoteAssistanceSessionErrorDetails", NO_FIELD, TRUE },
  [M_IS_ENCRYPTED] = { "isEncrypted", NO_FIELD, TRUE },
  [M_USER_PRINCIPAL_NAME] = { "userPrincipalName", SB_F_USER_PRINCIPAL_NAME, TRUE },
  [M_MODEL] = { "model", SB_F_MODEL, TRUE },
  [M_MANUFACTURER] = { "manufacturer", SB_F_MANUFACTURER, TRUE },
  [M_IMEI] = { "imei", SB_F_IMEI, TRUE },
  [M_COMPLIANCE_GRACE_PERIOD_EXPIRATION_DATE_TIME] = { "complianceGracePeriodExpirationDateTime", NO_FIELD, TRUE },
  [M_SERIAL_NUMBER] = { "serialNumber", SB_F_SERIAL_NUMBER, TRUE },
  [M_PHONE_NUMBER] = { "phoneNumber", NO_FIELD, TRUE },
  [M_ANDROID_SECURITY_PATCH_LEVEL] = { "androidSecurityPatchLevel", NO_FIELD, TRUE },
  [M_USER_DISPLAY_NAME] = { "userDisplayName", SB_F_USER_DISPLAY_NAME, TRUE },
  [M_CONFIGURATION_MANAGER_CLIENT_ENABLED_FEATURES] = { "configurationManagerClientEnabledFeatures", NO_FIELD, TRUE },
  [M_WI_FI_MAC_ADDRESS] = { "wiFiMacAddress", NO_FIELD, TRUE },
  [M_DEVICE_HEALTH_ATTESTATION_STATE] = { "deviceHealthAttestationState", NO_FIELD, TRUE },
  [M_SUBSCRIBER_CARRIER] = { "subscriberCarrier", NO_FIELD, TRUE },
  [M_MEID] = { "meid", NO_FIELD, TRUE },
  [M_TOTAL_STORAGE_SPACE_IN_BYTES] = { "totalStorageSpaceInBytes", NO_FIELD, TRUE },
  [M_FREE_STORAGE_SPACE_IN_BYTES] = { "freeStorageSpaceInBytes", NO_FIELD, TRUE },
  [M_MANAGED_DEVICE_NAME] = { "managedDeviceName", NO_FIELD, TRUE },
  [M_PARTNER_REPORTED_THREAT_STATE] = { "partnerReportedThreatState", NO_FIELD, TRUE },
  [M_RETIRE_AFTER_DATE_TIME] = { "retireAfterDateTime", NO_FIELD, FALSE },
  [M_USERS_LOGGED_ON] = { "usersLoggedOn", NO_FIELD, FALSE },
  [M_PREFER_MDM_OVER_GROUP_POLICY_APPLIED_DATE_TIME] = { "preferMdmOverGroupPolicyAppliedDateTime", NO_FIELD, FALSE },
  [M_AUTOPILOT_ENROLLED] = { "autopilotEnrolled", NO_FIELD, FALSE },
  [M_REQUIRE_USER_ENROLLMENT_APPROVAL] = { "requireUserEnrollmentApproval", NO_FIELD, TRUE },
  [M_MANAGEMENT_CERTIFICATE_EXPIRATION_DATE] = { "managementCertificateExpirationDate", NO_FIELD, TRUE },
  [M_ICCID] = { "iccid", NO_FIELD, TRUE },
  [M_UDID] = { "udid", NO_FIELD, TRUE },
  [M_ROLE_SCOPE_TAG_IDS] = { "roleScopeTagIds", NO_FIELD, FALSE },
  [M_WINDOWS_ACTIVE_MALWARE_COUNT] = { "windowsActiveMalwareCount", NO_FIELD, FALSE },
  [M_WINDOWS_REMEDIATED_MALWARE_COUNT] = { "windowsRemediatedMalwareCount", NO_FIELD, FALSE },
  [M_NOTES] = { "notes", NO_FIELD, TRUE },
  [M_CONFIGURATION_MANAGER_CLIENT_HEALTH_STATE] = { "configurationManagerClientHealthState", NO_FIELD, FALSE },
  [M_CONFIGURATION_MANAGER_CLIENT_INFORMATION] = { "configurationManagerClientInformation", NO_FIELD, FALSE },
  [M_ETHERNET_MAC_ADDRESS] = { "ethernetMacAddress", NO_FIELD, TRUE },
  [M_PHYSICAL_MEMORY_IN_BYTES] = { "physicalMemoryInBytes", NO_FIELD, TRUE },
  [M_PROCESSOR_ARCHITECTURE] = { "processorArchitecture", NO_FIELD, FALSE },
  [M_SPECIFICATION_VERSION] = { "specificationVersion", NO_FIELD, FALSE },
  [M_JOIN_TYPE] = { "joinType", SB_F_JOIN_TYPE, FALSE },
  [M_SKU_FAMILY] = { "skuFamily", NO_FIELD, FALSE },
  [M_SKU_NUMBER] = { "skuNumber", NO_FIELD, FALSE },
  [M_MANAGEMENT_FEATURES] = { "managementFeatures", NO_FIELD, FALSE },
  [M_CHROME_OS_DEVICE_INFO] = { "chromeOSDeviceInfo", NO_FIELD, FALSE },
  [M_ENROLLMENT_PROFILE_NAME] = { "enrollmentProfileName", NO_FIELD, FALSE },
  [M_BOOTSTRAP_TOKEN_ESCROWED] = { "bootstrapTokenEscrowed", NO_FIELD, FALSE },
  [M_DEVICE_FIRMWARE_CONFIGURATION_INTERFACE_MANAGED] = { "deviceFirmwareConfigurationInterfaceManaged", NO_FIELD, FALSE },
};

/* ---- $select ---- */

static void
mask_set (SbMemberMask *mask, guint m)
{
  mask->bits[m / 64] |= G_GUINT64_CONSTANT (1) << (m % 64);
}

static gboolean
mask_has (const SbMemberMask *mask, guint m)
{
  return (mask->bits[m / 64] & (G_GUINT64_CONSTANT (1) << (m % 64))) != 0;
}

static gboolean
member_from_name (const char *name, gboolean beta, guint *out)
{
  for (guint m = 0; m < N_MEMBERS; m++)
    if ((beta || members[m].v1) && strcmp (members[m].name, name) == 0)
      {
        *out = m;
        return TRUE;
      }
  return FALSE;
}

gboolean
sb_full_select_parse (const char    *select,
                      gboolean       beta,
                      SbMemberMask  *mask,
                      char         **bad)
{
  g_auto(GStrv) parts = NULL;

  memset (mask, 0, sizeof *mask);
  if (select == NULL || *select == '\0')
    {
      for (guint m = 0; m < N_MEMBERS; m++)
        if (beta || members[m].v1)
          mask_set (mask, m);
      return TRUE;
    }
  mask_set (mask, M_ID);
  parts = g_strsplit (select, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint m;

      g_strstrip (parts[i]);
      if (!member_from_name (parts[i], beta, &m))
        {
          if (bad != NULL)
            *bad = g_strdup (parts[i]);
          return FALSE;
        }
      mask_set (mask, m);
    }
  return TRUE;
}

/* ---- values ---- */

typedef enum
{
  P_WINDOWS,
  P_IPHONE,
  P_IPAD,
  P_MAC,
  P_ANDROID,
  P_LINUX,
} Platform;

typedef struct
{
  const SbDevice *dev;
  guint64         seed;      /* the device's: the set's seed and its index */
  Platform        platform;
  gboolean        phone;     /* has a SIM: an IMEI */
  gboolean        beta;
  gboolean        single;
} Ctx;

/* splitmix64's finalizer: a value for (device, member, k) whatever else is written. */
static guint64
draw (const Ctx *c, Member m, guint k)
{
  guint64 z = c->seed + (((guint64) m << 8) | k) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static guint
below (const Ctx *c, Member m, guint k, guint n)
{
  return (guint) (draw (c, m, k) % n);
}

#define PICK(c, m, k, array) ((array)[below ((c), (m), (k), G_N_ELEMENTS (array))])

static Platform
platform_of (const SbDevice *dev)
{
  const char *os = dev->s[SB_F_OPERATING_SYSTEM] != NULL ? dev->s[SB_F_OPERATING_SYSTEM] : "";

  if (g_str_equal (os, "Windows"))
    return P_WINDOWS;
  if (g_str_equal (os, "iOS"))
    return P_IPHONE;
  if (g_str_equal (os, "iPadOS"))
    return P_IPAD;
  if (g_str_equal (os, "macOS"))
    return P_MAC;
  if (g_str_equal (os, "Android"))
    return P_ANDROID;
  return P_LINUX;
}

static void
append_u64 (GString *out, guint64 value)
{
  char buf[24];
  int i = sizeof buf;

  do
    buf[--i] = '0' + value % 10;
  while ((value /= 10) != 0);
  g_string_append_len (out, buf + i, sizeof buf - i);
}

static void
append_2 (GString *out, guint value)
{
  g_string_append_c (out, '0' + value / 10 % 10);
  g_string_append_c (out, '0' + value % 10);
}

/* "YYYY-MM-DDTHH:MM:SSZ" as sb_append_iso8601 writes it, without a GDateTime (a page writes
 * ten dates a device); 0 or less is Graph's "never", 0001-01-01T00:00:00Z. */
static void
append_date (GString *out, gint64 unix_seconds)
{
  gint64 days, z, era, doe, yoe, doy, mp, secs;
  guint y, mo, d;

  if (unix_seconds <= 0)
    {
      g_string_append (out, "\"0001-01-01T00:00:00Z\"");
      return;
    }
  days = unix_seconds / 86400;
  secs = unix_seconds % 86400;
  /* Howard Hinnant's civil_from_days. */
  z = days + 719468;
  era = z / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  d = (guint) (doy - (153 * mp + 2) / 5 + 1);
  mo = (guint) (mp < 10 ? mp + 3 : mp - 9);
  y = (guint) (yoe + era * 400 + (mo <= 2));
  g_string_append_c (out, '"');
  append_2 (out, y / 100);
  append_2 (out, y % 100);
  g_string_append_c (out, '-');
  append_2 (out, mo);
  g_string_append_c (out, '-');
  append_2 (out, d);
  g_string_append_c (out, 'T');
  append_2 (out, (guint) (secs / 3600));
  g_string_append_c (out, ':');
  append_2 (out, (guint) (secs / 60 % 60));
  g_string_append_c (out, ':');
  append_2 (out, (guint) (secs % 60));
  g_string_append (out, "Z\"");
}

static void
append_hex (GString *out, guint64 bits, guint digits, gboolean upper)
{
  const char *alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";

  for (guint i = 0; i < digits; i++)
    g_string_append_c (out, alphabet[(bits >> (4 * (digits - 1 - i) % 64)) & 0xf]);
}

static void
append_guid (GString *out, guint64 a, guint64 b)
{
  g_string_append_c (out, '"');
  append_hex (out, a >> 32, 8, FALSE);
  g_string_append_c (out, '-');
  append_hex (out, a >> 16, 4, FALSE);
  g_string_append (out, "-4");
  append_hex (out, a, 3, FALSE);
  g_string_append_c (out, '-');
  append_hex (out, 0x8000 | ((b >> 48) & 0x3fff), 4, FALSE);
  g_string_append_c (out, '-');
  append_hex (out, b, 12, FALSE);
  g_string_append_c (out, '"');
}

static void
append_bool (GString *out, gboolean value)
{
  g_string_append (out, value ? "true" : "false");
}

static void
append_name (GString *out, const char *name)
{
  g_string_append_c (out, '"');
  g_string_append (out, name);
  g_string_append (out, "\":");
}

/* FNV-1a: the same user gets the same userId on every device. */
static guint64
hash_text (const char *text)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (const char *p = text; *p != '\0'; p++)
    h = (h ^ (guchar) *p) * G_GUINT64_CONSTANT (0x100000001b3);
  return h;
}

static void
append_user_id (GString *out, const SbDevice *dev)
{
  const char *upn = dev->s[SB_F_USER_PRINCIPAL_NAME];
  guint64 h;

  if (upn == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  h = hash_text (upn);
  append_guid (out, h, h * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));
}

static gboolean
eas_activated (const Ctx *c)
{
  return (c->platform == P_IPHONE || c->platform == P_ANDROID) && below (c, M_EAS_ACTIVATED, 0, 10) < 6;
}

static gboolean
co_managed (const Ctx *c)
{
  return c->platform == P_WINDOWS && below (c, M_CONFIGURATION_MANAGER_CLIENT_INFORMATION, 0, 10) < 2;
}

static guint64
total_storage (const Ctx *c)
{
  static const guint64 gigabytes[] = { 64, 128, 256, 512 };

  return PICK (c, M_TOTAL_STORAGE_SPACE_IN_BYTES, 0, gigabytes) * G_GUINT64_CONSTANT (1000000000)
         - below (c, M_TOTAL_STORAGE_SPACE_IN_BYTES, 1, 900000000);
}

static void
append_mac (GString *out, const Ctx *c, Member m)
{
  g_string_append_c (out, '"');
  append_hex (out, draw (c, m, 0), 12, FALSE);
  g_string_append_c (out, '"');
}

static void
append_string (GString *out, const char *value)
{
  sb_json_append_string (out, value);
}

/* ---- the complex members ---- */

/* A list gives hardwareInformation's defaults ("real value only returned in a single device GET
 * call"); isSharedDevice stays null there, as the lean devices have it (unknown until a single
 * GET says). A single GET fills what the sandbox knows. */
static void
write_hardware_information (GString *out, const Ctx *c)
{
  const SbDevice *dev = c->dev;
  gboolean single = c->single;

  g_string_append (out, "{\"serialNumber\":");
  append_string (out, single ? dev->s[SB_F_SERIAL_NUMBER] : NULL);
  g_string_append (out, ",\"totalStorageSpace\":");
  append_u64 (out, single ? total_storage (c) : 0);
  g_string_append (out, ",\"freeStorageSpace\":0,\"imei\":");
  append_string (out, single ? dev->s[SB_F_IMEI] : NULL);
  g_string_append (out, ",\"meid\":null,\"manufacturer\":");
  append_string (out, single ? dev->s[SB_F_MANUFACTURER] : NULL);
  g_string_append (out, ",\"model\":");
  append_string (out, single ? dev->s[SB_F_MODEL] : NULL);
  g_string_append (out, ",\"phoneNumber\":null,\"subscriberCarrier\":null,\"cellularTechnology\":");
  append_string (out, single && c->phone ? "LTE" : NULL);
  g_string_append (out, ",\"wifiMac\":null,\"operatingSystemLanguage\":");
  append_string (out, single ? (below (c, M_HARDWARE_INFORMATION, 0, 3) != 0 ? "it-IT" : "en-GB") : NULL);
  g_string_append (out, ",\"isSupervised\":");
  append_bool (out, single && dev->is_supervised);
  g_string_append (out, ",\"isEncrypted\":");
  append_bool (out, single);
  g_string_append (out, ",\"batterySerialNumber\":null,\"batteryHealthPercentage\":0,"
                        "\"batteryChargeCycles\":0,\"isSharedDevice\":");
  g_string_append (out, !single ? "null" : dev->is_shared_device ? "true" : "false");
  g_string_append (out, ",\"sharedDeviceCachedUsers\":[");
  if (single && dev->is_shared_device && dev->s[SB_F_USER_PRINCIPAL_NAME] != NULL)
    {
      g_string_append (out, "{\"@odata.type\":\"microsoft.graph.sharedAppleDeviceUser\",\"userPrincipalName\":");
      append_string (out, dev->s[SB_F_USER_PRINCIPAL_NAME]);
      g_string_append (out, ",\"dataToSync\":false,\"dataQuota\":null,\"dataUsed\":0}");
    }
  g_string_append (out, "],\"tpmSpecificationVersion\":null,\"operatingSystemEdition\":null,"
                        "\"deviceFullQualifiedDomainName\":null,"
                        "\"deviceGuardVirtualizationBasedSecurityHardwareRequirementState\":\"meetHardwareRequirements\","
                        "\"deviceGuardVirtualizationBasedSecurityState\":\"running\","
                        "\"deviceGuardLocalSystemAuthorityCredentialGuardState\":\"running\","
                        "\"osBuildNumber\":null,\"operatingSystemProductType\":0,\"ipAddressV4\":null,"
                        "\"subnetAddress\":null,\"esimIdentifier\":null,\"systemManagementBIOSVersion\":null,"
                        "\"tpmManufacturer\":null,\"tpmVersion\":null,\"wiredIPv4Addresses\":[],"
                        "\"batteryLevelPercentage\":null,\"residentUsersCount\":null,\"productName\":null,"
                        "\"deviceLicensingStatus\":\"unknown\",\"deviceLicensingLastErrorCode\":0,"
                        "\"deviceLicensingLastErrorDescription\":null}");
}

/* The three Configuration Manager members: only a co-managed Windows PC has them (the caller
 * writes null for the others); v1.0 documents six of the features. */
static void
write_configuration_manager_features (GString *out, const Ctx *c)
{
  g_string_append (out, "{\"inventory\":true,\"modernApps\":true,\"resourceAccess\":false,"
                        "\"deviceConfiguration\":false,\"compliancePolicy\":");
  append_bool (out, below (c, M_CONFIGURATION_MANAGER_CLIENT_ENABLED_FEATURES, 0, 2));
  g_string_append (out, ",\"windowsUpdateForBusiness\":");
  append_bool (out, below (c, M_CONFIGURATION_MANAGER_CLIENT_ENABLED_FEATURES, 1, 2));
  if (c->beta)
    {
      g_string_append (out, ",\"endpointProtection\":");
      append_bool (out, below (c, M_CONFIGURATION_MANAGER_CLIENT_ENABLED_FEATURES, 2, 2));
      g_string_append (out, ",\"officeApps\":false");
    }
  g_string_append_c (out, '}');
}

static void
write_configuration_manager_health (GString *out, const Ctx *c)
{
  g_string_append (out, "{\"state\":\"healthy\",\"errorCode\":0,\"lastSyncDateTime\":");
  append_date (out, c->dev->last_sync);
  g_string_append_c (out, '}');
}

static void
write_configuration_manager_information (GString *out, const Ctx *c)
{
  g_string_append (out, "{\"clientIdentifier\":\"GUID:");
  append_hex (out, draw (c, M_CONFIGURATION_MANAGER_CLIENT_INFORMATION, 1), 16, TRUE);
  append_hex (out, draw (c, M_CONFIGURATION_MANAGER_CLIENT_INFORMATION, 2), 16, TRUE);
  g_string_append (out, "\",\"isBlocked\":false,\"clientVersion\":\"5.00.9128.1007\"}");
}

/* Windows reports health attestation; the other platforms have none. */
static void
write_health_attestation (GString *out, const Ctx *c)
{
  static const char *const builds[] = { "10.0.22621.4391", "10.0.26100.2314", "10.0.19041.5129" };
  const char *build;

  /* Null too for a PC that has not reported yet (most in a real tenant's list). */
  if (c->platform != P_WINDOWS || below (c, M_DEVICE_HEALTH_ATTESTATION_STATE, 9, 10) >= 1)
    {
      g_string_append (out, "null");
      return;
    }
  build = PICK (c, M_DEVICE_HEALTH_ATTESTATION_STATE, 0, builds);
  g_string_append (out, "{\"lastUpdateDateTime\":");
  append_date (out, c->dev->last_sync);
  g_string_append (out, ",\"contentNamespaceUrl\":\"https://has.spserv.microsoft.com/\","
                        "\"deviceHealthAttestationStatus\":\"Healthy\",\"contentVersion\":\"7\","
                        "\"issuedDateTime\":");
  append_date (out, c->dev->last_sync);
  g_string_append (out, ",\"attestationIdentityKey\":\"Present\",\"resetCount\":");
  append_u64 (out, below (c, M_DEVICE_HEALTH_ATTESTATION_STATE, 1, 40));
  g_string_append (out, ",\"restartCount\":");
  append_u64 (out, 10 + below (c, M_DEVICE_HEALTH_ATTESTATION_STATE, 2, 400));
  g_string_append (out, ",\"dataExcutionPolicy\":\"Enabled\",\"bitLockerStatus\":");
  append_string (out, below (c, M_DEVICE_HEALTH_ATTESTATION_STATE, 3, 10) != 0 ? "Enabled" : "Disabled");
  g_string_append (out, ",\"bootManagerVersion\":");
  append_string (out, build);
  g_string_append (out, ",\"codeIntegrityCheckVersion\":");
  append_string (out, build);
  g_string_append (out, ",\"secureBoot\":\"Enabled\",\"bootDebugging\":\"Disabled\","
                        "\"operatingSystemKernelDebugging\":\"Disabled\",\"codeIntegrity\":\"Enabled\","
                        "\"testSigning\":\"Disabled\",\"safeMode\":\"Disabled\",\"windowsPE\":\"Disabled\","
                        "\"earlyLaunchAntiMalwareDriverProtection\":\"Enabled\","
                        "\"virtualSecureMode\":\"Enabled\",\"pcrHashAlgorithm\":\"SHA256\","
                        "\"bootAppSecurityVersion\":\"1\",\"bootManagerSecurityVersion\":\"1\","
                        "\"tpmVersion\":\"2.0\",\"pcr0\":\"");
  for (guint k = 0; k < 4; k++)
    append_hex (out, draw (c, M_DEVICE_HEALTH_ATTESTATION_STATE, 4 + k), 16, TRUE);
  g_string_append (out, "\",\"secureBootConfigurationPolicyFingerPrint\":null,\"codeIntegrityPolicy\":null,"
                        "\"bootRevisionListInfo\":null,\"operatingSystemRevListInfo\":null,"
                        "\"healthStatusMismatchInfo\":null,\"healthAttestationSupportedStatus\":\"Supported\"}");
}

/* Intune's own name: user_Platform_M/D/YYYY_h:MM AM (from the enrollment time). */
static void
write_managed_device_name (GString *out, const Ctx *c)
{
  static const char *const words[] = { [P_WINDOWS] = "Windows", [P_IPHONE] = "iPhone",
                                       [P_IPAD] = "iPad", [P_MAC] = "MacOS",
                                       [P_ANDROID] = "AndroidEnterprise", [P_LINUX] = "Linux" };
  const char *upn = c->dev->s[SB_F_USER_PRINCIPAL_NAME];
  const char *at = upn != NULL ? strchr (upn, '@') : NULL;
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (MAX (c->dev->enrolled, 1));
  g_autoptr(GString) name = g_string_new (NULL);
  int hour = g_date_time_get_hour (when);

  if (at != NULL)
    g_string_append_len (name, upn, at - upn);
  else
    g_string_append (name, "userless");
  g_string_append_printf (name, "_%s_%d/%d/%d_%d:%02d %s", words[c->platform],
                          g_date_time_get_month (when), g_date_time_get_day_of_month (when),
                          g_date_time_get_year (when), hour % 12 == 0 ? 12 : hour % 12,
                          g_date_time_get_minute (when), hour < 12 ? "AM" : "PM");
  append_string (out, name->str);
}

static void
write_users_logged_on (GString *out, const Ctx *c)
{
  if (c->platform != P_WINDOWS || c->dev->s[SB_F_USER_PRINCIPAL_NAME] == NULL)
    {
      g_string_append (out, "[]");
      return;
    }
  g_string_append (out, "[{\"userId\":");
  append_user_id (out, c->dev);
  g_string_append (out, ",\"lastLogOnDateTime\":");
  append_date (out, c->dev->last_sync > 0 ? c->dev->last_sync - below (c, M_USERS_LOGGED_ON, 0, 86400) : 0);
  g_string_append (out, "}]");
}

/* ---- the members, in order ---- */

/* Lock held by the caller (the device and its set). */
static void
write_extra (GString *out, const Ctx *c, Member m)
{
  const SbDevice *dev = c->dev;
  gboolean windows = c->platform == P_WINDOWS;
  gboolean apple = c->platform == P_IPHONE || c->platform == P_IPAD || c->platform == P_MAC;
  gint64 enrolled = dev->enrolled, last_sync = dev->last_sync;

  switch (m)
    {
    case M_USER_ID:
      append_user_id (out, dev);
      return;
    case M_HARDWARE_INFORMATION:
      write_hardware_information (out, c);
      return;
    case M_MANAGEMENT_STATE:
      append_string (out, below (c, m, 0, 100) < 98 ? "managed" : below (c, m, 1, 2) ? "retirePending" : "wipePending");
      return;
    case M_CHASSIS_TYPE:
      {
        static const char *const pc[] = { "laptop", "laptop", "laptop", "desktop" };

        append_string (out, c->platform == P_IPAD ? "tablet" : c->phone ? "phone"
                            : windows ? PICK (c, m, 0, pc) : c->platform == P_ANDROID ? "mobileOther"
                            : "laptop");
        return;
      }
    case M_JAIL_BROKEN:
      append_string (out, windows || c->platform == P_LINUX ? "Unknown" : "False");
      return;
    case M_EAS_ACTIVATED:
      append_bool (out, eas_activated (c));
      return;
    case M_EAS_DEVICE_ID:
      g_string_append_c (out, '"');
      if (eas_activated (c) || windows)
        {
          append_hex (out, draw (c, m, 0), 16, TRUE);
          append_hex (out, draw (c, m, 1), 16, TRUE);
        }
      g_string_append_c (out, '"');
      return;
    case M_EAS_ACTIVATION_DATE_TIME:
      append_date (out, eas_activated (c) ? enrolled + 3600 + below (c, m, 0, 86400) : 0);
      return;
    case M_AAD_REGISTERED:
    case M_AZURE_AD_REGISTERED:
      append_bool (out, below (c, M_AZURE_AD_REGISTERED, 0, 20) != 0);
      return;
    case M_LOST_MODE_STATE:
      append_string (out, "disabled");
      return;
    case M_AZURE_ACTIVE_DIRECTORY_DEVICE_ID:
      append_string (out, dev->s[SB_F_AZURE_AD_DEVICE_ID]);
      return;
    case M_DEVICE_REGISTRATION_STATE:
      append_string (out, below (c, m, 0, 50) != 0 ? "registered" : "notRegisteredPendingEnrollment");
      return;
    case M_DEVICE_CATEGORY_DISPLAY_NAME:
      {
        static const char *const categories[] = { "Unknown", "Unknown", "Unknown", "Sales",
                                                  "Warehouse", "Help desk", "Field service" };

        append_string (out, PICK (c, m, 0, categories));
        return;
      }
    case M_EXCHANGE_LAST_SUCCESSFUL_SYNC_DATE_TIME:
      append_date (out, eas_activated (c) && last_sync > 0 ? last_sync - below (c, m, 0, 7200) : 0);
      return;
    case M_EXCHANGE_ACCESS_STATE:
      append_string (out, eas_activated (c) ? "allowed" : "none");
      return;
    case M_EXCHANGE_ACCESS_STATE_REASON:
      append_string (out, eas_activated (c) ? "compliant" : "none");
      return;
    case M_IS_ENCRYPTED:
      append_bool (out, apple || below (c, m, 0, 10) != 0);
      return;
    case M_COMPLIANCE_GRACE_PERIOD_EXPIRATION_DATE_TIME:
      /* Graph's "no grace period": the end of time. */
      g_string_append (out, "\"9999-12-31T23:59:59Z\"");
      return;
    case M_PHONE_NUMBER:
      if (!c->phone)
        {
          g_string_append (out, "null");
          return;
        }
      g_string_append (out, "\"+393");
      append_u64 (out, 100000000 + below (c, m, 0, 899999999));
      g_string_append_c (out, '"');
      return;
    case M_ANDROID_SECURITY_PATCH_LEVEL:
      {
        static const char *const levels[] = { "2025-09-01", "2025-10-01", "2025-11-05", "2024-12-01" };

        append_string (out, c->platform == P_ANDROID ? PICK (c, m, 0, levels) : NULL);
        return;
      }
    case M_CONFIGURATION_MANAGER_CLIENT_ENABLED_FEATURES:
    case M_CONFIGURATION_MANAGER_CLIENT_HEALTH_STATE:
    case M_CONFIGURATION_MANAGER_CLIENT_INFORMATION:
      if (!co_managed (c))
        g_string_append (out, "null");
      else if (m == M_CONFIGURATION_MANAGER_CLIENT_ENABLED_FEATURES)
        write_configuration_manager_features (out, c);
      else if (m == M_CONFIGURATION_MANAGER_CLIENT_HEALTH_STATE)
        write_configuration_manager_health (out, c);
      else
        write_configuration_manager_information (out, c);
      return;
    case M_WI_FI_MAC_ADDRESS:
      if (c->platform == P_LINUX)
        g_string_append (out, "null");
      else
        append_mac (out, c, m);
      return;
    case M_DEVICE_HEALTH_ATTESTATION_STATE:
      write_health_attestation (out, c);
      return;
    case M_SUBSCRIBER_CARRIER:
      {
        static const char *const carriers[] = { "TIM", "Vodafone IT", "WINDTRE", "iliad", "EE", "O2 - UK" };

        append_string (out, c->phone ? PICK (c, m, 0, carriers) : NULL);
        return;
      }
    case M_MEID:
      /* An iPhone's MEID is its IMEI without the check digit (a test may set any IMEI). */
      if (c->platform == P_IPHONE && dev->s[SB_F_IMEI] != NULL && strlen (dev->s[SB_F_IMEI]) == 15
          && strspn (dev->s[SB_F_IMEI], "0123456789") == 15)
        {
          g_string_append_c (out, '"');
          g_string_append_len (out, dev->s[SB_F_IMEI], 14);
          g_string_append_c (out, '"');
        }
      else
        g_string_append (out, "null");
      return;
    case M_TOTAL_STORAGE_SPACE_IN_BYTES:
      append_u64 (out, total_storage (c));
      return;
    case M_FREE_STORAGE_SPACE_IN_BYTES:
      append_u64 (out, total_storage (c) / 100 * (5 + below (c, m, 0, 80)));
      return;
    case M_MANAGED_DEVICE_NAME:
      write_managed_device_name (out, c);
      return;
    case M_PARTNER_REPORTED_THREAT_STATE:
      append_string (out, windows || below (c, m, 0, 4) != 0 ? "unknown" : "secured");
      return;
    case M_RETIRE_AFTER_DATE_TIME:
    case M_PREFER_MDM_OVER_GROUP_POLICY_APPLIED_DATE_TIME:
      append_date (out, 0);
      return;
    case M_USERS_LOGGED_ON:
      write_users_logged_on (out, c);
      return;
    case M_AUTOPILOT_ENROLLED:
      append_bool (out, windows && below (c, m, 0, 10) < 7);
      return;
    case M_REQUIRE_USER_ENROLLMENT_APPROVAL:
    case M_DEVICE_FIRMWARE_CONFIGURATION_INTERFACE_MANAGED:
      append_bool (out, FALSE);
      return;
    case M_MANAGEMENT_CERTIFICATE_EXPIRATION_DATE:
      append_date (out, enrolled + 365 * 86400 + below (c, m, 0, 86400));
      return;
    case M_ICCID:
      /* Null in a list; a single GET that selects it has the value. */
      if (!c->single || !c->phone)
        {
          g_string_append (out, "null");
          return;
        }
      g_string_append (out, "\"89390100");
      append_u64 (out, 10000000000ULL + draw (c, m, 0) % 89999999999ULL);
      g_string_append_c (out, '"');
      return;
    case M_UDID:
      if (!c->single || !apple)
        {
          g_string_append (out, "null");
          return;
        }
      g_string_append (out, "\"00008");
      append_hex (out, draw (c, m, 0), 3, TRUE);
      g_string_append_c (out, '-');
      append_hex (out, draw (c, m, 1), 16, TRUE);
      g_string_append_c (out, '"');
      return;
    case M_ROLE_SCOPE_TAG_IDS:
      g_string_append (out, below (c, m, 0, 5) == 0 ? "[\"0\",\"2\"]" : "[\"0\"]");
      return;
    case M_WINDOWS_ACTIVE_MALWARE_COUNT:
      append_u64 (out, windows && below (c, m, 0, 200) == 0 ? 1 : 0);
      return;
    case M_WINDOWS_REMEDIATED_MALWARE_COUNT:
      append_u64 (out, windows ? below (c, m, 0, 3) : 0);
      return;
    case M_ACTIVATION_LOCK_BYPASS_CODE:
    case M_REMOTE_ASSISTANCE_SESSION_URL:
    case M_REMOTE_ASSISTANCE_SESSION_ERROR_DETAILS:
    case M_NOTES:
      g_string_append (out, "null");
      return;
    case M_ETHERNET_MAC_ADDRESS:
      if (c->single && windows)
        append_mac (out, c, m);
      else
        g_string_append (out, "null");
      return;
    case M_PHYSICAL_MEMORY_IN_BYTES:
      append_u64 (out, c->single ? (G_GUINT64_CONSTANT (8) << below (c, m, 0, 3)) << 30 : 0);
      return;
    case M_PROCESSOR_ARCHITECTURE:
      append_string (out, windows ? (below (c, m, 0, 10) == 0 ? "arM64" : "x64")
                          : c->platform == P_MAC ? "arM64" : "unknown");
      return;
    case M_SPECIFICATION_VERSION:
      append_string (out, windows ? "2.0" : NULL);
      return;
    case M_SKU_FAMILY:
      append_string (out, windows ? "Enterprise" : "");
      return;
    case M_SKU_NUMBER:
      append_u64 (out, windows ? 4 : 0);
      return;
    case M_MANAGEMENT_FEATURES:
      append_string (out, "none");
      return;
    case M_CHROME_OS_DEVICE_INFO:
      g_string_append (out, "[]");
      return;
    case M_ENROLLMENT_PROFILE_NAME:
      append_string (out, windows && below (c, M_AUTOPILOT_ENROLLED, 0, 10) < 7 ? "Autopilot - user-driven"
                          : dev->is_supervised ? "Corporate ADE" : "");
      return;
    case M_BOOTSTRAP_TOKEN_ESCROWED:
      append_bool (out, c->platform == P_MAC);
      return;
    default:
      g_string_append (out, "null");
      return;
    }
}

void
sb_full_device_write_json (GString            *out,
                           const SbDeviceSet  *set,
                           const SbDevice     *dev,
                           const SbMemberMask *mask,
                           gboolean            beta,
                           const char         *actions_json,
                           gboolean            wrong_types,
                           gboolean            single)
{
  guint64 index = (guint64) (dev - &g_array_index (set->devices, SbDevice, 0));
  Ctx c = { dev, ((guint64) set->seed << 32) ^ (index * G_GUINT64_CONSTANT (0xD1B54A32D192ED03)),
            platform_of (dev), dev->s[SB_F_IMEI] != NULL, beta, single };
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  for (guint m = 0; m < N_MEMBERS; m++)
    {
      if (!mask_has (mask, m) || (!beta && !members[m].v1))
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      if (members[m].field != NO_FIELD)
        {
          sb_device_write_member (out, dev, members[m].field, beta, actions_json, wrong_types, single);
          continue;
        }
      append_name (out, members[m].name);
      write_extra (out, &c, m);
    }
  g_string_append_c (out, '}');
}
