/* lk-device.c: one Intune managedDevice, from Graph's v1.0 or beta JSON.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-device.h"
#include "lk-device-private.h"
#include "lk-graph-error.h"
#include "lk-json.h"
#include "lk-json-writer.h"

#define NO_DATE LK_DEVICE_NO_DATE

G_DEFINE_FINAL_TYPE (LkDevice, lk_device, G_TYPE_OBJECT)

G_STATIC_ASSERT (sizeof (LkDevice) <= 128 || GLIB_SIZEOF_VOID_P != 8);

enum
{
  PROP_0,
  PROP_ID,
  PROP_DEVICE_NAME,
  PROP_USER_PRINCIPAL_NAME,
  PROP_USER_DISPLAY_NAME,
  PROP_EMAIL_ADDRESS,
  PROP_SERIAL_NUMBER,
  PROP_IMEI,
  PROP_OPERATING_SYSTEM,
  PROP_OS_VERSION,
  PROP_MODEL,
  PROP_MANUFACTURER,
  PROP_ENROLLMENT_TYPE,
  PROP_OWNER_TYPE,
  PROP_MANAGEMENT_AGENT,
  PROP_DEVICE_TYPE,
  PROP_JOIN_TYPE,
  PROP_COMPLIANCE_STATE,
  PROP_IS_SUPERVISED,
  PROP_LAST_SYNC,
  PROP_ENROLLED,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

#define STRING_MEMBER(graph_name, property, is_interned) \
  { graph_name, sizeof graph_name - 1, property, is_interned }
#define OTHER_MEMBER(graph_name) { graph_name, sizeof graph_name - 1, 0, FALSE }

const LkDeviceMemberInfo lk_device_members[N_MEMBERS] = {
  [MEMBER_DEVICE_NAME] = STRING_MEMBER ("deviceName", PROP_DEVICE_NAME, FALSE),
  [MEMBER_USER_PRINCIPAL_NAME] = STRING_MEMBER ("userPrincipalName", PROP_USER_PRINCIPAL_NAME, FALSE),
  [MEMBER_USER_DISPLAY_NAME] = STRING_MEMBER ("userDisplayName", PROP_USER_DISPLAY_NAME, FALSE),
  [MEMBER_EMAIL_ADDRESS] = STRING_MEMBER ("emailAddress", PROP_EMAIL_ADDRESS, FALSE),
  [MEMBER_SERIAL_NUMBER] = STRING_MEMBER ("serialNumber", PROP_SERIAL_NUMBER, FALSE),
  [MEMBER_IMEI] = STRING_MEMBER ("imei", PROP_IMEI, FALSE),
  [MEMBER_OPERATING_SYSTEM] = STRING_MEMBER ("operatingSystem", PROP_OPERATING_SYSTEM, TRUE),
  [MEMBER_OS_VERSION] = STRING_MEMBER ("osVersion", PROP_OS_VERSION, TRUE),
  [MEMBER_MODEL] = STRING_MEMBER ("model", PROP_MODEL, TRUE),
  [MEMBER_MANUFACTURER] = STRING_MEMBER ("manufacturer", PROP_MANUFACTURER, TRUE),
  [MEMBER_ENROLLMENT_TYPE] = STRING_MEMBER ("deviceEnrollmentType", PROP_ENROLLMENT_TYPE, TRUE),
  [MEMBER_OWNER_TYPE] = STRING_MEMBER ("managedDeviceOwnerType", PROP_OWNER_TYPE, TRUE),
  [MEMBER_MANAGEMENT_AGENT] = STRING_MEMBER ("managementAgent", PROP_MANAGEMENT_AGENT, TRUE),
  [MEMBER_DEVICE_TYPE] = STRING_MEMBER ("deviceType", PROP_DEVICE_TYPE, TRUE),
  [MEMBER_JOIN_TYPE] = STRING_MEMBER ("joinType", PROP_JOIN_TYPE, TRUE),
  [MEMBER_COMPLIANCE_STATE] = STRING_MEMBER ("complianceState", PROP_COMPLIANCE_STATE, TRUE),
  [MEMBER_ID] = STRING_MEMBER ("id", PROP_ID, FALSE),
  [MEMBER_BETA_OWNER_TYPE] = OTHER_MEMBER ("ownerType"),
  [MEMBER_IS_SUPERVISED] = OTHER_MEMBER ("isSupervised"),
  [MEMBER_LAST_SYNC] = OTHER_MEMBER ("lastSyncDateTime"),
  [MEMBER_ENROLLED] = OTHER_MEMBER ("enrolledDateTime"),
};

#undef STRING_MEMBER
#undef OTHER_MEMBER

/* The text of string slot @i (LK_DEVICE_SORT_KEY or a MEMBER_*); NULL when absent. */
static inline const char *
device_string (LkDevice *self,
               guint     i)
{
  guint32 slot = self->strings[i];

  if (slot == 0)
    return NULL;
  if ((slot & LK_DEVICE_QUARK) != 0)
    return g_quark_to_string (slot & ~LK_DEVICE_QUARK);
  return self->block + slot - 1;
}

static void
extra_free (LkDeviceExtra *extra)
{
  g_clear_pointer (&extra->last_sync, g_date_time_unref);
  g_clear_pointer (&extra->enrolled, g_date_time_unref);
  g_clear_pointer (&extra->problems, g_strfreev);
  g_free (extra->azure_ad_device_id);
  g_free (extra);
}

static GQuark
extra_quark (void)
{
  static gsize quark = 0;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark, g_quark_from_static_string ("lk-device-extra"));
  return (GQuark) quark;
}

LkDeviceExtra *
lk_device_peek_extra (LkDevice *self)
{
  return g_object_get_qdata (G_OBJECT (self), extra_quark ());
}

LkDeviceExtra *
lk_device_get_extra (LkDevice *self)
{
  LkDeviceExtra *extra = lk_device_peek_extra (self);

  if (extra != NULL)
    return extra;
  extra = g_new0 (LkDeviceExtra, 1);
  extra->is_shared_device = -1;
  /* Devices are read-only once built, so two threads may race here: one wins. */
  if (!g_object_replace_qdata (G_OBJECT (self), extra_quark (), NULL, extra,
                               (GDestroyNotify) extra_free, NULL))
    {
      extra_free (extra);
      extra = lk_device_peek_extra (self);
    }
  return extra;
}

static void
lk_device_finalize (GObject *object)
{
  LkDevice *self = LK_DEVICE (object);

  g_free (self->block);

  G_OBJECT_CLASS (lk_device_parent_class)->finalize (object);
}

static void
lk_device_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  LkDevice *self = LK_DEVICE (object);

  for (guint i = 1; i < N_STRING_MEMBERS; i++)
    if (lk_device_members[i].prop == prop_id)
      {
        g_value_set_string (value, device_string (self, i));
        return;
      }

  switch (prop_id)
    {
    case PROP_IS_SUPERVISED:
      g_value_set_int (value, self->is_supervised);
      break;
    case PROP_LAST_SYNC:
      g_value_set_boxed (value, lk_device_get_last_sync (self));
      break;
    case PROP_ENROLLED:
      g_value_set_boxed (value, lk_device_get_enrolled (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static char *
property_name (const char *member)
{
  GString *name = g_string_new (NULL);

  /* "userPrincipalName" → "user-principal-name" */
  for (const char *p = member; *p != '\0'; p++)
    {
      if (g_ascii_isupper (*p))
        g_string_append_c (name, '-');
      g_string_append_c (name, g_ascii_tolower (*p));
    }
  return g_string_free (name, FALSE);
}

static void
lk_device_class_init (LkDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lk_device_finalize;
  object_class->get_property = lk_device_get_property;

  for (guint i = 1; i < N_STRING_MEMBERS; i++)
    {
      const char *name;

      /* A few read better under their own names than Graph's. */
      if (i == MEMBER_ENROLLMENT_TYPE)
        name = "enrollment-type";
      else if (i == MEMBER_OWNER_TYPE)
        name = "owner-type";
      else
        {
          g_autofree char *generated = property_name (lk_device_members[i].name);
          name = g_intern_string (generated);
        }
      props[lk_device_members[i].prop] = g_param_spec_string (name, NULL, NULL, NULL,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    }
  props[PROP_IS_SUPERVISED] = g_param_spec_int ("is-supervised", NULL, NULL, -1, 1, -1,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_LAST_SYNC] = g_param_spec_boxed ("last-sync", NULL, NULL, G_TYPE_DATE_TIME,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_ENROLLED] = g_param_spec_boxed ("enrolled", NULL, NULL, G_TYPE_DATE_TIME,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
lk_device_init (LkDevice *self)
{
  self->is_supervised = -1;
  self->last_sync_us = self->enrolled_us = NO_DATE;
}

/* --- dates ------------------------------------------------------------------------------------ */

static GDateTime *
date_time (GDateTime **cache,
           gint64      us)
{
  GDateTime *when, *whole;
  gint64 seconds;

  if (us == NO_DATE)
    return NULL;
  when = g_atomic_pointer_get (cache);
  if (when != NULL)
    return when;

  seconds = us >= 0 ? us / G_USEC_PER_SEC : -((-us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  whole = g_date_time_new_from_unix_utc (seconds);
  when = g_date_time_add (whole, us - seconds * G_USEC_PER_SEC);
  g_date_time_unref (whole);
  /* Devices are read-only once built, so two threads may race here: one GDateTime wins. */
  if (!g_atomic_pointer_compare_and_exchange (cache, NULL, when))
    {
      g_date_time_unref (when);
      when = g_atomic_pointer_get (cache);
    }
  return when;
}

/* --- reading ---------------------------------------------------------------------------------- */

#define GETTER(name, member) \
  const char * \
  lk_device_get_##name (LkDevice *self) \
  { \
    g_return_val_if_fail (LK_IS_DEVICE (self), NULL); \
    return device_string (self, member); \
  }

GETTER (id, MEMBER_ID)
GETTER (device_name, MEMBER_DEVICE_NAME)
GETTER (user_principal_name, MEMBER_USER_PRINCIPAL_NAME)
GETTER (user_display_name, MEMBER_USER_DISPLAY_NAME)
GETTER (email_address, MEMBER_EMAIL_ADDRESS)
GETTER (serial_number, MEMBER_SERIAL_NUMBER)
GETTER (imei, MEMBER_IMEI)
GETTER (operating_system, MEMBER_OPERATING_SYSTEM)
GETTER (os_version, MEMBER_OS_VERSION)
GETTER (model, MEMBER_MODEL)
GETTER (manufacturer, MEMBER_MANUFACTURER)
GETTER (enrollment_type, MEMBER_ENROLLMENT_TYPE)
GETTER (owner_type, MEMBER_OWNER_TYPE)
GETTER (management_agent, MEMBER_MANAGEMENT_AGENT)
GETTER (device_type, MEMBER_DEVICE_TYPE)
GETTER (join_type, MEMBER_JOIN_TYPE)
GETTER (compliance_state, MEMBER_COMPLIANCE_STATE)

#undef GETTER

const char *
lk_device_get_sort_key (LkDevice *self)
{
  const char *key;

  g_return_val_if_fail (LK_IS_DEVICE (self), NULL);
  key = device_string (self, LK_DEVICE_SORT_KEY);
  return key != NULL ? key : "";
}

int
lk_device_get_is_supervised (LkDevice *self)
{
  g_return_val_if_fail (LK_IS_DEVICE (self), -1);
  return self->is_supervised;
}

GDateTime *
lk_device_get_last_sync (LkDevice *self)
{
  g_return_val_if_fail (LK_IS_DEVICE (self), NULL);
  if (self->last_sync_us == NO_DATE)
    return NULL;
  return date_time (&lk_device_get_extra (self)->last_sync, self->last_sync_us);
}

gint64
lk_device_get_last_sync_us (LkDevice *self)
{
  g_return_val_if_fail (LK_IS_DEVICE (self), NO_DATE);
  return self->last_sync_us;
}

GDateTime *
lk_device_get_enrolled (LkDevice *self)
{
  g_return_val_if_fail (LK_IS_DEVICE (self), NULL);
  if (self->enrolled_us == NO_DATE)
    return NULL;
  return date_time (&lk_device_get_extra (self)->enrolled, self->enrolled_us);
}

const char *const *
lk_device_get_problems (LkDevice *self)
{
  LkDeviceExtra *extra;

  g_return_val_if_fail (LK_IS_DEVICE (self), NULL);
  extra = lk_device_peek_extra (self);
  return extra != NULL ? (const char *const *) extra->problems : NULL;
}

static void
set_date (JsonObject *object,
          const char *member,
          GDateTime  *when)
{
  g_autofree char *text = when != NULL ? g_date_time_format_iso8601 (when) : NULL;

  if (text != NULL)
    json_object_set_string_member (object, member, text);
  else
    json_object_set_null_member (object, member);
}

JsonObject *
lk_device_to_json (LkDevice *self)
{
  JsonObject *object;

  g_return_val_if_fail (LK_IS_DEVICE (self), NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "id", device_string (self, MEMBER_ID));
  for (guint i = 1; i < MEMBER_ID; i++)
    {
      const char *value = device_string (self, i);

      if (value != NULL)
        json_object_set_string_member (object, lk_device_members[i].name, value);
      else
        json_object_set_null_member (object, lk_device_members[i].name);
    }
  if (self->is_supervised >= 0)
    json_object_set_boolean_member (object, "isSupervised", self->is_supervised == 1);
  else
    json_object_set_null_member (object, "isSupervised");
  set_date (object, "lastSyncDateTime", lk_device_get_last_sync (self));
  set_date (object, "enrolledDateTime", lk_device_get_enrolled (self));
  if (lk_device_get_azure_ad_device_id (self) != NULL)
    json_object_set_string_member (object, "azureADDeviceId", lk_device_get_azure_ad_device_id (self));
  if (lk_device_get_is_shared_device (self) >= 0)
    {
      JsonObject *hardware = json_object_new ();

      json_object_set_boolean_member (hardware, "isSharedDevice", lk_device_get_is_shared_device (self) == 1);
      json_object_set_object_member (object, "hardwareInformation", hardware);
    }
  return object;
}

/* @value (0 ≤ value < 10^width) in @width digits, zero-padded; returns @width. */
static int
put_digits (char *out,
            int   value,
            int   width)
{
  for (int i = width - 1; i >= 0; i--, value /= 10)
    out[i] = (char) ('0' + value % 10);
  return width;
}

/* g_date_time_format_iso8601() of the UTC time @us, without a GDateTime: it was a tenth of
 * --json's time. Days to a civil date as in Howard Hinnant's "chrono-compatible low-level date
 * algorithms"; "%C%y" is a four-digit year, ".%f" six digits only when there are any. */
static void
format_iso8601 (char   text[32],
                gint64 us)
{
  gint64 seconds = us >= 0 ? us / G_USEC_PER_SEC : -((-us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  gint64 micro = us - seconds * G_USEC_PER_SEC;
  gint64 days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  gint64 rest = seconds - days * 86400;
  gint64 z = days + 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;
  int day = (int) (doy - (153 * mp + 2) / 5 + 1);
  int month = (int) (mp < 10 ? mp + 3 : mp - 9);
  int year = (int) (yoe + era * 400 + (month <= 2));
  int n;

  /* Digits by hand: printf was a fortieth of --json's time. Years outside 1–9999 (not from
   * Graph's dates, which parse_date bounds) keep printf's width rules. */
  if (year >= 1 && year <= 9999)
    n = put_digits (text, year, 4);
  else
    n = g_snprintf (text, 32, "%04d", year);
  text[n++] = '-';
  n += put_digits (text + n, month, 2);
  text[n++] = '-';
  n += put_digits (text + n, day, 2);
  text[n++] = 'T';
  n += put_digits (text + n, (int) (rest / 3600), 2);
  text[n++] = ':';
  n += put_digits (text + n, (int) (rest / 60 % 60), 2);
  text[n++] = ':';
  n += put_digits (text + n, (int) (rest % 60), 2);
  if (micro != 0)
    {
      text[n++] = '.';
      n += put_digits (text + n, (int) micro, 6);
    }
  text[n++] = 'Z';
  text[n] = '\0';
}

static void
write_date (LkJsonWriter *writer,
            const char   *member,
            gint64        us)
{
  char text[32];

  lk_json_writer_member (writer, member);
  if (us == NO_DATE)
    {
      lk_json_writer_null (writer);
      return;
    }
  format_iso8601 (text, us);
  lk_json_writer_string (writer, text);
}

void
lk_device_write_json_members (LkDevice     *self,
                              LkJsonWriter *writer)
{
  g_return_if_fail (LK_IS_DEVICE (self));

  lk_json_writer_member (writer, "id");
  lk_json_writer_string (writer, device_string (self, MEMBER_ID));
  for (guint i = 1; i < MEMBER_ID; i++)
    {
      lk_json_writer_member (writer, lk_device_members[i].name);
      lk_json_writer_string (writer, device_string (self, i));
    }
  lk_json_writer_member (writer, "isSupervised");
  if (self->is_supervised >= 0)
    lk_json_writer_boolean (writer, self->is_supervised == 1);
  else
    lk_json_writer_null (writer);
  write_date (writer, "lastSyncDateTime", self->last_sync_us);
  write_date (writer, "enrolledDateTime", self->enrolled_us);
  /* As lk_device_to_json: the Entra device id only when a single-device GET read it. */
  if (lk_device_get_azure_ad_device_id (self) != NULL)
    {
      lk_json_writer_member (writer, "azureADDeviceId");
      lk_json_writer_string (writer, lk_device_get_azure_ad_device_id (self));
    }
  if (lk_device_get_is_shared_device (self) >= 0)
    {
      lk_json_writer_member (writer, "hardwareInformation");
      lk_json_writer_begin_object (writer);
      lk_json_writer_member (writer, "isSharedDevice");
      lk_json_writer_boolean (writer, lk_device_get_is_shared_device (self) == 1);
      lk_json_writer_end_object (writer);
    }
}

gboolean
lk_device_id_is_valid (const char *id)
{
  if (id == NULL || *id == '\0' || g_str_equal (id, ".") || g_str_equal (id, ".."))
    return FALSE;
  if (!g_utf8_validate (id, -1, NULL))
    return FALSE;
  for (const char *p = id; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c < 0x80 && strchr ("/?#%\\", (int) c) != NULL))
        return FALSE;
    }
  return TRUE;
}

const char *
lk_device_get_azure_ad_device_id (LkDevice *self)
{
  LkDeviceExtra *extra;

  g_return_val_if_fail (LK_IS_DEVICE (self), NULL);
  extra = lk_device_peek_extra (self);
  return extra != NULL ? extra->azure_ad_device_id : NULL;
}

int
lk_device_get_is_shared_device (LkDevice *self)
{
  LkDeviceExtra *extra;

  g_return_val_if_fail (LK_IS_DEVICE (self), -1);
  extra = lk_device_peek_extra (self);
  return extra != NULL ? extra->is_shared_device : -1;
}
