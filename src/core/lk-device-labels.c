/* lk-device-labels.c: Graph's enum values in words.
 *
 * Values and their meaning from Microsoft Graph's beta enum pages: deviceEnrollmentType,
 * deviceType, managementAgentType, complianceState, managedDeviceOwnerType
 * (https://learn.microsoft.com/graph/api/resources/intune-devices-deviceenrollmenttype?view=graph-rest-beta
 * and its neighbours). Where the Intune admin center names a value, its name is used (it is what
 * the admin will look for there), and its Italian translation is the admin center's own.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-device-labels.h"

typedef struct
{
  const char *value;
  const char *label;   /* N_() */
} Label;

static const Label enrollment_types[] = {
  { "unknown", N_("Unknown") },
  { "userEnrollment", N_("User-driven enrollment (Company Portal)") },
  { "deviceEnrollmentManager", N_("Device enrollment manager") },
  { "appleBulkWithUser", N_("Automated Device Enrollment with user affinity") },
  { "appleBulkWithoutUser", N_("Automated Device Enrollment without user affinity") },
  { "windowsAzureADJoin", N_("Microsoft Entra join") },
  { "windowsBulkUserless", N_("Windows bulk enrollment") },
  { "windowsAutoEnrollment", N_("Windows automatic enrollment") },
  { "windowsBulkAzureDomainJoin", N_("Microsoft Entra join (bulk)") },
  { "windowsCoManagement", N_("Windows co-management") },
  { "windowsAzureADJoinUsingDeviceAuth", N_("Microsoft Entra join (device authentication)") },
  { "appleUserEnrollment", N_("Apple User Enrollment (Company Portal)") },
  { "appleUserEnrollmentWithServiceAccount", N_("Apple User Enrollment (enrollment manager)") },
  { "azureAdJoinUsingAzureVmExtension", N_("Microsoft Entra join (Azure virtual machine)") },
  { "androidEnterpriseDedicatedDevice", N_("Android Enterprise dedicated device") },
  { "androidEnterpriseFullyManaged", N_("Android Enterprise fully managed") },
  { "androidEnterpriseCorporateWorkProfile", N_("Android Enterprise corporate-owned work profile") },
  { "androidAOSPUserOwnedDeviceEnrollment", N_("Android (AOSP) user-associated") },
  { "androidAOSPUserlessDeviceEnrollment", N_("Android (AOSP) userless") },
  { "appleAccountDrivenUserEnrollment", N_("Apple account-driven User Enrollment") },
  { "androidForWork", N_("Android Enterprise personally-owned work profile") },
};

static const Label device_types[] = {
  { "desktop", N_("Windows desktop") },
  /* Intune reports many Windows 10 and 11 PCs as windowsRT: "Windows RT" would mislead. */
  { "windowsRT", N_("Windows") },
  { "winMO6", N_("Windows Mobile 6") },
  { "nokia", N_("Nokia") },
  { "windowsPhone", N_("Windows Phone") },
  { "mac", N_("Mac") },
  { "winCE", N_("Windows CE") },
  { "winEmbedded", N_("Windows Embedded") },
  { "iPhone", N_("iPhone") },
  { "iPad", N_("iPad") },
  { "iPod", N_("iPod touch") },
  { "android", N_("Android") },
  { "iSocConsumer", N_("Apple device (consumer)") },
  { "unix", N_("Unix") },
  { "macMDM", N_("Mac (MDM)") },
  { "holoLens", N_("HoloLens") },
  { "surfaceHub", N_("Surface Hub") },
  { "androidForWork", N_("Android Enterprise") },
  { "androidEnterprise", N_("Android Enterprise") },
  { "windows10x", N_("Windows 10X") },
  { "androidnGMS", N_("Android without Google services") },
  { "chromeOS", N_("ChromeOS") },
  { "linux", N_("Linux") },
  { "visionOS", N_("Apple Vision Pro") },
  { "blackberry", N_("BlackBerry") },
  { "palm", N_("Palm") },
  { "cloudPC", N_("Cloud PC") },
  { "unknown", N_("Unknown") },
};

static const Label management_agents[] = {
  { "eas", N_("Exchange ActiveSync") },
  { "mdm", N_("Intune MDM") },
  { "easMdm", N_("Intune MDM and Exchange ActiveSync") },
  { "intuneClient", N_("Intune PC client") },
  { "easIntuneClient", N_("Intune PC client and Exchange ActiveSync") },
  { "configurationManagerClient", N_("Configuration Manager") },
  { "configurationManagerClientMdm", N_("Configuration Manager and Intune MDM") },
  { "configurationManagerClientMdmEas", N_("Configuration Manager, Intune MDM and Exchange ActiveSync") },
  { "unknown", N_("Unknown") },
  { "jamf", N_("Jamf") },
  { "googleCloudDevicePolicyController", N_("Google Cloud device policy controller") },
  { "microsoft365ManagedMdm", N_("Microsoft 365 (through Intune)") },
  { "msSense", N_("Microsoft Defender for Endpoint") },
  { "intuneAosp", N_("Intune MDM for Android (AOSP)") },
  { "google", N_("Google") },
};

static const Label compliance_states[] = {
  { "unknown", N_("Unknown") },
  { "compliant", N_("Compliant") },
  { "noncompliant", N_("Not compliant") },
  { "conflict", N_("Conflicting policies") },
  { "error", N_("Error") },
  { "inGracePeriod", N_("In grace period") },
  { "configManager", N_("Managed by Configuration Manager") },
};

static const Label owner_types[] = {
  { "company", N_("Corporate") },
  { "personal", N_("Personal") },
  { "unknown", N_("Unknown") },
};

static const Label action_names[] = {
  { "removePasscode", N_("Remove passcode") },
  { "resetDevicePasscode", N_("Reset device passcode") },
  { "resetPasscode", N_("Reset passcode") },
  { "resetWorkProfilePasscode", N_("Reset work-profile passcode") },
};

/* Graph has changed the case of enum values before (androidnGMS): compare without it. */
static const char *
lookup (const Label *labels,
        gsize        n_labels,
        const char  *value)
{
  if (value == NULL || *value == '\0')
    return NULL;
  for (gsize i = 0; i < n_labels; i++)
    if (g_ascii_strcasecmp (labels[i].value, value) == 0)
      return _(labels[i].label);
  return value;
}

const char *
lk_enrollment_type_label (const char *value)
{
  return lookup (enrollment_types, G_N_ELEMENTS (enrollment_types), value);
}

const char *
lk_device_type_label (const char *value)
{
  return lookup (device_types, G_N_ELEMENTS (device_types), value);
}

const char *
lk_management_agent_label (const char *value)
{
  return lookup (management_agents, G_N_ELEMENTS (management_agents), value);
}

const char *
lk_compliance_state_label (const char *value)
{
  return lookup (compliance_states, G_N_ELEMENTS (compliance_states), value);
}

const char *
lk_owner_type_label (const char *value)
{
  return lookup (owner_types, G_N_ELEMENTS (owner_types), value);
}

const char *
lk_action_name_label (const char *value)
{
  return lookup (action_names, G_N_ELEMENTS (action_names), value);
}
