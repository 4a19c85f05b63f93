/* lk-device.h: one Intune managedDevice, from Graph's v1.0 or beta JSON.
 *
 * Enum-valued members (deviceEnrollmentType, managedDeviceOwnerType, …) are kept as the strings
 * Graph sent, so values Microsoft adds later survive; the capability engine interprets them.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define LK_TYPE_DEVICE (lk_device_get_type ())
G_DECLARE_FINAL_TYPE (LkDevice, lk_device, LK, DEVICE, GObject)

/* The members Latchkey asks for with $select (v1.0 names; beta adds the LK_DEVICE_SELECT_BETA ones). */
#define LK_DEVICE_SELECT_V1 \
  "id,deviceName,userPrincipalName,userDisplayName,emailAddress,serialNumber,imei," \
  "operatingSystem,osVersion,model,manufacturer,deviceEnrollmentType,managedDeviceOwnerType," \
  "managementAgent,isSupervised,complianceState,lastSyncDateTime,enrolledDateTime"
#define LK_DEVICE_SELECT_BETA LK_DEVICE_SELECT_V1 ",deviceType,ownerType,joinType"
/* What a single-device GET adds: the Entra device id, shown on the device page (a listing of
 * 100 000 devices does without it); on beta also hardwareInformation, which Graph returns only there. */
#define LK_DEVICE_SELECT_ONE_V1 LK_DEVICE_SELECT_V1 ",azureADDeviceId"
#define LK_DEVICE_SELECT_ONE_BETA LK_DEVICE_SELECT_BETA ",azureADDeviceId,hardwareInformation"

/* Builds a device from one managedDevice object. Fails (LK_GRAPH_ERROR_INVALID_RESPONSE) only
 * when "id" is missing or not a string; other wrong-typed members become "unknown" and are
 * listed by lk_device_get_problems(). */
LkDevice   *lk_device_new_from_json            (JsonObject  *object,
                                                GError     **error);

const char *lk_device_get_id                   (LkDevice *self);
const char *lk_device_get_device_name          (LkDevice *self);
const char *lk_device_get_user_principal_name  (LkDevice *self);
const char *lk_device_get_user_display_name    (LkDevice *self);
const char *lk_device_get_email_address        (LkDevice *self);
const char *lk_device_get_serial_number        (LkDevice *self);
const char *lk_device_get_imei                 (LkDevice *self);
const char *lk_device_get_operating_system     (LkDevice *self);
const char *lk_device_get_os_version           (LkDevice *self);
const char *lk_device_get_model                (LkDevice *self);
const char *lk_device_get_manufacturer         (LkDevice *self);
const char *lk_device_get_enrollment_type      (LkDevice *self);  /* deviceEnrollmentType */
const char *lk_device_get_owner_type           (LkDevice *self);  /* managedDeviceOwnerType, or beta ownerType */
const char *lk_device_get_management_agent     (LkDevice *self);
const char *lk_device_get_device_type          (LkDevice *self);  /* beta only; NULL from v1.0 */
const char *lk_device_get_join_type            (LkDevice *self);  /* beta only */
const char *lk_device_get_compliance_state     (LkDevice *self);
/* -1 unknown (missing or wrong type), 0 false, 1 true */
int         lk_device_get_is_supervised        (LkDevice *self);
GDateTime  *lk_device_get_last_sync            (LkDevice *self);  /* NULL: never or unknown */
/* The same in microseconds since 1970, without making a GDateTime; G_MININT64: never or unknown. */
gint64      lk_device_get_last_sync_us         (LkDevice *self);
/* Whether the device is a Shared iPad (hardwareInformation.isSharedDevice, read only by a
 * single-device GET that selects it): -1 unknown, 0 no, 1 yes. */
int         lk_device_get_is_shared_device     (LkDevice *self);
/* The Entra device id (azureADDeviceId), read only by a single-device GET; NULL when unknown. */
const char *lk_device_get_azure_ad_device_id   (LkDevice *self);
GDateTime  *lk_device_get_enrolled             (LkDevice *self);
/* Human-readable notes about members that had the wrong type; NULL when none. */
const char *const *lk_device_get_problems      (LkDevice *self);

/* Whether @id may name a device in a URL path: not empty, not "." or "..", and without '/',
 * '?', '#', '%', '\\' or control characters. Anything else is a usage error before any request
 * (an empty id or ".." would turn a device's URL into the list's or its parent's). */
gboolean    lk_device_id_is_valid              (const char *id);

/* Serializes back to a managedDevice object (the members above); for --json output and tests. */
JsonObject *lk_device_to_json                  (LkDevice *self);
/* The same members, in the same order, written into an open object of @writer (LkJsonWriter,
 * lk-json-writer.h): what --json prints device by device. */
struct _LkJsonWriter;
void        lk_device_write_json_members       (LkDevice             *self,
                                                struct _LkJsonWriter *writer);

G_END_DECLS
