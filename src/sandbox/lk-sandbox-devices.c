/* lk-sandbox-devices.c: the sandbox's managedDevices: the demo tenant fixture (a JSON file in
 * a GResource), the deterministic generator for benchmarks, and a direct JSON writer, so a
 * 1000-device page is a few string appends per member rather than a JsonNode tree.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "lk-sandbox-private.h"
#include "lk-sandbox.h"
#include "lk-sandbox-resources.h"

static const char *const field_names[SB_N_FIELDS] = {
  [SB_F_ID] = "id",
  [SB_F_DEVICE_NAME] = "deviceName",
  [SB_F_USER_PRINCIPAL_NAME] = "userPrincipalName",
  [SB_F_USER_DISPLAY_NAME] = "userDisplayName",
  [SB_F_EMAIL_ADDRESS] = "emailAddress",
  [SB_F_SERIAL_NUMBER] = "serialNumber",
  [SB_F_IMEI] = "imei",
  [SB_F_OPERATING_SYSTEM] = "operatingSystem",
  [SB_F_OS_VERSION] = "osVersion",
  [SB_F_MODEL] = "model",
  [SB_F_MANUFACTURER] = "manufacturer",
  [SB_F_DEVICE_ENROLLMENT_TYPE] = "deviceEnrollmentType",
  [SB_F_MANAGED_DEVICE_OWNER_TYPE] = "managedDeviceOwnerType",
  [SB_F_MANAGEMENT_AGENT] = "managementAgent",
  [SB_F_COMPLIANCE_STATE] = "complianceState",
  [SB_F_AZURE_AD_DEVICE_ID] = "azureADDeviceId",
  [SB_F_DEVICE_TYPE] = "deviceType",
  [SB_F_OWNER_TYPE] = "ownerType",
  [SB_F_JOIN_TYPE] = "joinType",
  [SB_F_IS_SUPERVISED] = "isSupervised",
  [SB_F_LAST_SYNC_DATE_TIME] = "lastSyncDateTime",
  [SB_F_ENROLLED_DATE_TIME] = "enrolledDateTime",
  [SB_F_DEVICE_ACTION_RESULTS] = "deviceActionResults",
  [SB_F_HARDWARE_INFORMATION] = "hardwareInformation",
};

/* deviceEnrollmentType values that only beta knows; v1.0 reports them as "unknown". */
static const char *const beta_enrollment_types[] = {
  "androidEnterpriseDedicatedDevice",
  "androidEnterpriseFullyManaged",
  "androidEnterpriseCorporateWorkProfile",
  "androidAOSPUserOwnedDeviceEnrollment",
  "androidAOSPUserlessDeviceEnrollment",
  "appleAccountDrivenUserEnrollment",
  NULL,
};

const char *
sb_field_name (SbField field)
{
  g_return_val_if_fail (field < SB_N_FIELDS, NULL);
  return field_names[field];
}

gboolean
sb_field_is_beta_only (SbField field)
{
  return field == SB_F_DEVICE_TYPE || field == SB_F_OWNER_TYPE || field == SB_F_JOIN_TYPE
         || field == SB_F_HARDWARE_INFORMATION;
}

gboolean
sb_field_from_name (const char *name, gboolean beta, SbField *out_field)
{
  for (guint i = 0; i < SB_N_FIELDS; i++)
    {
      if (strcmp (field_names[i], name) != 0)
        continue;
      if (!beta && sb_field_is_beta_only (i))
        return FALSE;
      *out_field = i;
      return TRUE;
    }
  return FALSE;
}

SbDeviceSet *
sb_device_set_new (void)
{
  SbDeviceSet *set = g_new0 (SbDeviceSet, 1);

  set->chunk = g_string_chunk_new (64 * 1024);
  set->devices = g_array_new (FALSE, TRUE, sizeof (SbDevice));
  set->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  return set;
}

void
sb_device_set_free (SbDeviceSet *set)
{
  if (set == NULL)
    return;
  g_hash_table_unref (set->by_id);
  g_array_unref (set->devices);
  g_string_chunk_free (set->chunk);
  g_free (set);
}

SbDevice *
sb_device_set_lookup (SbDeviceSet *set, const char *id)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (set->by_id, id));

  if (index == 0)
    return NULL;
  return &g_array_index (set->devices, SbDevice, index - 1);
}

static void
set_add (SbDeviceSet *set, const SbDevice *dev)
{
  g_array_append_vals (set->devices, dev, 1);
  g_hash_table_insert (set->by_id, (gpointer) dev->s[SB_F_ID],
                       GUINT_TO_POINTER (set->devices->len));
}

/* ---- JSON writing ---- */

void
sb_json_append_string (GString *out, const char *value)
{
  const char *p;

  if (value == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  for (p = value; *p != '\0'; p++)
    {
      guchar c = *p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, c);
        }
    }
  g_string_append_c (out, '"');
}

void
sb_append_iso8601 (GString *out, gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = NULL;

  if (unix_seconds == 0 || (dt = g_date_time_new_from_unix_utc (unix_seconds)) == NULL)
    {
      g_string_append (out, "\"0001-01-01T00:00:00Z\"");
      return;
    }
  g_string_append_printf (out, "\"%04d-%02d-%02dT%02d:%02d:%02dZ\"",
                          g_date_time_get_year (dt), g_date_time_get_month (dt),
                          g_date_time_get_day_of_month (dt), g_date_time_get_hour (dt),
                          g_date_time_get_minute (dt), g_date_time_get_second (dt));
}

/* Graph beta's hardwareInformation (intune-devices-hardwareinformation): in a list its members
 * carry no values; a single-device GET fills them. Only the Shared iPad members are modelled. */
static void
write_hardware_information (GString        *out,
                            const SbDevice *dev,
                            gboolean        single)
{
  if (!single)
    {
      g_string_append (out, "{\"isSharedDevice\":null,\"sharedDeviceCachedUsers\":[]}");
      return;
    }
  g_string_append_printf (out, "{\"isSharedDevice\":%s,\"sharedDeviceCachedUsers\":[",
                          dev->is_shared_device ? "true" : "false");
  if (dev->is_shared_device && dev->s[SB_F_USER_PRINCIPAL_NAME] != NULL)
    {
      g_string_append (out, "{\"@odata.type\":\"microsoft.graph.sharedAppleDeviceUser\",\"userPrincipalName\":");
      sb_json_append_string (out, dev->s[SB_F_USER_PRINCIPAL_NAME]);
      g_string_append (out, ",\"dataToSync\":false,\"dataQuota\":null,\"dataUsed\":0}");
    }
  g_string_append (out, "]}");
}

void
sb_device_write_member (GString        *out,
                        const SbDevice *dev,
                        SbField         field,
                        gboolean        beta,
                        const char     *actions_json,
                        gboolean        wrong_types,
                        gboolean        single)
{
  const char *value;

  sb_json_append_string (out, field_names[field]);
  g_string_append_c (out, ':');

  /* The shapes a careless or changed service might send: the client must cope. */
  if (wrong_types)
    {
      switch ((int) field)
        {
        case SB_F_IS_SUPERVISED:
          g_string_append (out, "\"yes\"");
          return;
        case SB_F_OS_VERSION:
          g_string_append (out, "13");
          return;
        case SB_F_DEVICE_NAME:
          g_string_append (out, "[\"x\"]");
          return;
        case SB_F_LAST_SYNC_DATE_TIME:
          g_string_append (out, "1700000000");
          return;
        case SB_F_OPERATING_SYSTEM:
          g_string_append (out, "{\"name\":\"Android\"}");
          return;
        case SB_F_DEVICE_ACTION_RESULTS:
          g_string_append (out, "\"none\"");
          return;
        default:
          break;
        }
    }

  switch ((int) field)
    {
    case SB_F_IS_SUPERVISED:
      g_string_append (out, dev->is_supervised ? "true" : "false");
      return;
    case SB_F_LAST_SYNC_DATE_TIME:
      sb_append_iso8601 (out, dev->last_sync);
      return;
    case SB_F_ENROLLED_DATE_TIME:
      sb_append_iso8601 (out, dev->enrolled);
      return;
    case SB_F_DEVICE_ACTION_RESULTS:
      g_string_append (out, actions_json != NULL ? actions_json : "[]");
      return;
    case SB_F_HARDWARE_INFORMATION:
      write_hardware_information (out, dev, single);
      return;
    default:
      break;
    }

  value = dev->s[field];
  if (!beta && field == SB_F_DEVICE_ENROLLMENT_TYPE && value != NULL
      && g_strv_contains (beta_enrollment_types, value))
    value = "unknown";
  sb_json_append_string (out, value);
}

void
sb_device_write_json (GString        *out,
                      const SbDevice *dev,
                      guint32         fields,
                      gboolean        beta,
                      const char     *actions_json,
                      gboolean        wrong_types,
                      gboolean        single)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  for (guint i = 0; i < SB_N_FIELDS; i++)
    {
      if (i != SB_F_ID && (fields & (1u << i)) == 0)
        continue;
      if (!beta && sb_field_is_beta_only (i))
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      sb_device_write_member (out, dev, i, beta, actions_json, wrong_types, single);
    }
  g_string_append_c (out, '}');
}

/* ---- Demo tenant ---- */

static const char *
chunk_const (SbDeviceSet *set, const char *value)
{
  return value != NULL ? g_string_chunk_insert_const (set->chunk, value) : NULL;
}

static const char *
chunk_copy (SbDeviceSet *set, const char *value)
{
  return value != NULL ? g_string_chunk_insert (set->chunk, value) : NULL;
}

/* Registered the first time it is wanted (see meson.build). */
GResource *
lk_sandbox_get_demo_fixtures (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      lk_sandbox_fixtures_register_resource ();
      g_once_init_leave (&registered, 1);
    }
  return lk_sandbox_fixtures_get_resource ();
}

gboolean
sb_device_set_load_demo (SbDeviceSet *set, gint64 now, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *array;

  bytes = g_resource_lookup_data (lk_sandbox_get_demo_fixtures (),
                                  "/io/github/latchkey/Latchkey/sandbox/demo-tenant.json",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return FALSE;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), error))
    return FALSE;
  array = json_node_get_array (json_parser_get_root (parser));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *obj = json_array_get_object_element (array, i);
      SbDevice dev = { { 0 } };
      gint64 minutes = json_object_get_int_member_with_default (obj, "lastSyncMinutesAgo", 60);
      gint64 days = json_object_get_int_member_with_default (obj, "enrolledDaysAgo", 200);

      for (guint f = 0; f < SB_N_STRING_FIELDS; f++)
        {
          const char *value = json_object_get_string_member_with_default (obj, field_names[f],
                                                                         NULL);
          dev.s[f] = f == SB_F_ID || f == SB_F_DEVICE_NAME ? chunk_copy (set, value)
                                                          : chunk_const (set, value);
        }
      /* beta's ownerType mirrors managedDeviceOwnerType unless the fixture says otherwise. */
      if (dev.s[SB_F_OWNER_TYPE] == NULL)
        dev.s[SB_F_OWNER_TYPE] = dev.s[SB_F_MANAGED_DEVICE_OWNER_TYPE];
      dev.is_shared_device = json_object_get_boolean_member_with_default (obj, "isSharedDevice", FALSE);
      dev.is_supervised = json_object_get_boolean_member_with_default (obj, "isSupervised",
                                                                      FALSE);
      dev.last_sync = minutes < 0 ? 0 : now - minutes * 60;
      dev.enrolled = now - days * 86400;
      set_add (set, &dev);
    }
  return TRUE;
}

/* ---- Generator ---- */

/* splitmix64: tiny, fast and the same everywhere, unlike g_random. */
static guint64
next_u64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static guint
next_below (guint64 *state, guint n)
{
  return (guint) (next_u64 (state) % n);
}

#define PICK(state, array) ((array)[next_below ((state), G_N_ELEMENTS (array))])

static const char *const first_names[] = {
  "Giulia", "Marco", "Alessandro", "Sarah", "James", "Francesca", "Luca", "Chiara", "Matteo",
  "Sofia", "Lorenzo", "Martina", "Davide", "Elena", "Andrea", "Valentina", "Federico", "Aurora",
  "Emily", "Oliver", "Charlotte", "Harry", "Amelia", "George", "Olivia", "Thomas", "Jessica",
  "Daniel", "Laura", "Michael", "Niccolò", "Beatrice", "Riccardo", "Greta", "Simone", "Anna",
};

static const char *const last_names[] = {
  "Bianchi", "Rossi", "Esposito", "O'Brien", "Smith", "Romano", "Colombo", "Ricci", "Marino",
  "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
  "Lombardi", "Moretti", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson",
  "Johnson", "Walker", "Wright", "Robinson", "Thompson", "Fontana", "Barbieri", "Ferrari",
};

typedef struct
{
  const char *os;
  const char *const *versions;
  const char *manufacturer;
  const char *const *models;
  const char *enrollment;
  const char *owner;
  const char *agent;
  const char *device_type;
  const char *join_type;
  gboolean    phone;
  gboolean    supervised;
  guint       weight;
} Profile;

static const char *const ios_versions[] = { "17.6.1", "18.1", "18.5", "26.0.1", "16.7.10", NULL };
static const char *const ios_models[] = { "iPhone 15", "iPhone 14 Pro", "iPhone 16", "iPhone SE (3rd generation)", NULL };
static const char *const ipad_models[] = { "iPad (10th generation)", "iPad Air (5th generation)", NULL };
static const char *const android_versions[] = { "13", "14", "15", "12", "8.1.0", "10", NULL };
static const char *const samsung_models[] = { "SM-S911B", "SM-A546B", "SM-G991B", "SM-T220", NULL };
static const char *const zebra_models[] = { "TC52", "TC21", "ET40", NULL };
static const char *const windows_versions[] = { "10.0.22631.4460", "10.0.26100.2314", "10.0.19045.5131", NULL };
static const char *const windows_models[] = { "Latitude 7440", "ThinkPad T14 Gen 4", "HP EliteBook 840 G10", "Surface Laptop 5", NULL };
static const char *const mac_versions[] = { "14.7.1", "15.1", "13.6.9", NULL };
static const char *const mac_models[] = { "MacBook Pro (14-inch, 2023)", "MacBook Air (M2, 2022)", NULL };
static const char *const linux_versions[] = { "22.04", "24.04", NULL };
static const char *const linux_models[] = { "ThinkPad X1 Carbon Gen 11", NULL };

static const Profile profiles[] = {
  { "iOS", ios_versions, "Apple", ios_models, "appleBulkWithUser", "company", "mdm", "iPhone", "unknown", TRUE, TRUE, 26 },
  { "iOS", ios_versions, "Apple", ios_models, "userEnrollment", "personal", "mdm", "iPhone", "unknown", TRUE, FALSE, 6 },
  { "iOS", ios_versions, "Apple", ios_models, "appleAccountDrivenUserEnrollment", "personal", "mdm", "iPhone", "unknown", TRUE, FALSE, 3 },
  { "iPadOS", ios_versions, "Apple", ipad_models, "appleBulkWithoutUser", "company", "mdm", "iPad", "unknown", FALSE, TRUE, 5 },
  { "Android", android_versions, "samsung", samsung_models, "androidEnterpriseFullyManaged", "company", "googleCloudDevicePolicyController", "androidEnterprise", "unknown", TRUE, FALSE, 12 },
  { "Android", android_versions, "Zebra Technologies", zebra_models, "androidEnterpriseDedicatedDevice", "company", "googleCloudDevicePolicyController", "androidEnterprise", "unknown", TRUE, FALSE, 6 },
  { "Android", android_versions, "samsung", samsung_models, "androidEnterpriseCorporateWorkProfile", "company", "googleCloudDevicePolicyController", "androidEnterprise", "unknown", TRUE, FALSE, 5 },
  { "Android", android_versions, "samsung", samsung_models, "userEnrollment", "personal", "googleCloudDevicePolicyController", "androidForWork", "unknown", TRUE, FALSE, 8 },
  { "Android", android_versions, "samsung", samsung_models, "userEnrollment", "personal", "mdm", "android", "unknown", TRUE, FALSE, 2 },
  { "Windows", windows_versions, "Dell Inc.", windows_models, "windowsAzureADJoin", "company", "mdm", "windowsRT", "azureADJoined", FALSE, FALSE, 22 },
  { "macOS", mac_versions, "Apple", mac_models, "appleBulkWithUser", "company", "mdm", "macMDM", "unknown", FALSE, TRUE, 4 },
  { "Linux", linux_versions, "LENOVO", linux_models, "unknown", "company", "intuneClient", "linux", "unknown", FALSE, FALSE, 1 },
};

static guint
n_strings (const char *const *strv)
{
  return g_strv_length ((char **) strv);
}

static const Profile *
pick_profile (guint64 *state)
{
  guint total = 0, roll;

  for (guint i = 0; i < G_N_ELEMENTS (profiles); i++)
    total += profiles[i].weight;
  roll = next_below (state, total);
  for (guint i = 0; i < G_N_ELEMENTS (profiles); i++)
    {
      if (roll < profiles[i].weight)
        return &profiles[i];
      roll -= profiles[i].weight;
    }
  return &profiles[0];
}

static const char *
random_guid (SbDeviceSet *set, guint64 *state)
{
  guint64 a = next_u64 (state), b = next_u64 (state);
  char buf[37];

  g_snprintf (buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012" G_GINT64_MODIFIER "x",
              (guint) (a >> 32), (guint) (a >> 16) & 0xffff, (guint) a & 0xfff,
              (guint) (0x8000 | ((b >> 48) & 0x3fff)), (guint64) (b & G_GUINT64_CONSTANT (0xffffffffffff)));
  return g_string_chunk_insert (set->chunk, buf);
}

static const char *
random_serial (SbDeviceSet *set, guint64 *state, guint len)
{
  static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
  char buf[16];

  for (guint i = 0; i < len; i++)
    buf[i] = alphabet[next_below (state, sizeof alphabet - 1)];
  buf[len] = '\0';
  return g_string_chunk_insert (set->chunk, buf);
}

/* A 15-digit IMEI whose last digit is the Luhn check digit, as real ones are. */
static const char *
random_imei (SbDeviceSet *set, guint64 *state)
{
  char buf[16];
  guint sum = 0;

  buf[0] = '3';
  buf[1] = '5';
  for (guint i = 2; i < 14; i++)
    buf[i] = '0' + next_below (state, 10);
  for (guint i = 0; i < 14; i++)
    {
      guint d = buf[i] - '0';

      if (i % 2 == 1)
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
  buf[14] = '0' + (10 - sum % 10) % 10;
  buf[15] = '\0';
  return g_string_chunk_insert (set->chunk, buf);
}

static char *
ascii_login (const char *first, const char *last)
{
  g_autofree char *joined = g_strdup_printf ("%s.%s", first, last);
  g_autofree char *ascii = g_str_to_ascii (joined, "C");
  GString *out = g_string_new (NULL);

  for (const char *p = ascii; *p != '\0'; p++)
    if (g_ascii_isalnum (*p) || *p == '.')
      g_string_append_c (out, g_ascii_tolower (*p));
  return g_string_free (out, FALSE);
}

static const char *
device_name_for (SbDeviceSet     *set,
                 guint64         *state,
                 const Profile   *profile,
                 const char      *first,
                 const char      *login,
                 const char      *model)
{
  g_autofree char *name = NULL;
  g_autofree char *upper = NULL;

  if (g_str_equal (profile->os, "Windows"))
    {
      const char *serial = random_serial (set, state, 7);

      name = g_strdup_printf ("DESKTOP-%s", serial);
    }
  else if (g_str_equal (profile->manufacturer, "Apple"))
    name = next_below (state, 2) == 0 ? g_strdup_printf ("%s di %s", model, first)
                                      : g_strdup_printf ("%s's %s", first, model);
  else if (g_str_equal (profile->os, "Android"))
    {
      upper = g_ascii_strup (login, -1);
      name = g_strdup_printf ("%s-%s", model, upper);
    }
  else
    name = g_strdup_printf ("%s-%s", profile->os, login);
  return g_string_chunk_insert (set->chunk, name);
}

void
sb_device_set_generate (SbDeviceSet *set,
                        guint        n,
                        guint32      seed,
                        gint64       now,
                        gboolean     full)
{
  guint64 state = seed;

  g_return_if_fail (set->devices->len == 0);

  set->full = full;
  set->seed = seed;

  for (guint i = 0; i < n; i++)
    {
      const Profile *profile = pick_profile (&state);
      const char *first = PICK (&state, first_names);
      const char *last = PICK (&state, last_names);
      const char *model = profile->models[next_below (&state, n_strings (profile->models))];
      g_autofree char *base_login = ascii_login (first, last);
      g_autofree char *login = NULL;
      g_autofree char *upn = NULL;
      g_autofree char *display = g_strdup_printf ("%s %s", first, last);
      SbDevice dev = { { 0 } };
      guint user_number = next_below (&state, MAX (1, n / 20));

      /* Numbered users keep UPNs unique-ish in big tenants, as real ones are. */
      login = user_number == 0 ? g_strdup (base_login)
                               : g_strdup_printf ("%s%u", base_login, user_number);
      upn = g_strdup_printf ("%s@contoso-demo.onmicrosoft.com", login);

      dev.s[SB_F_ID] = random_guid (set, &state);
      dev.s[SB_F_DEVICE_NAME] = device_name_for (set, &state, profile, first, login, model);
      dev.s[SB_F_USER_PRINCIPAL_NAME] = g_string_chunk_insert_const (set->chunk, upn);
      dev.s[SB_F_USER_DISPLAY_NAME] = g_string_chunk_insert_const (set->chunk, display);
      dev.s[SB_F_EMAIL_ADDRESS] = dev.s[SB_F_USER_PRINCIPAL_NAME];
      dev.s[SB_F_SERIAL_NUMBER] = random_serial (set, &state, 12);
      dev.s[SB_F_IMEI] = profile->phone ? random_imei (set, &state) : NULL;
      dev.s[SB_F_OPERATING_SYSTEM] = profile->os;
      dev.s[SB_F_OS_VERSION] = profile->versions[next_below (&state, n_strings (profile->versions))];
      dev.s[SB_F_MODEL] = model;
      dev.s[SB_F_MANUFACTURER] = profile->manufacturer;
      dev.s[SB_F_DEVICE_ENROLLMENT_TYPE] = profile->enrollment;
      dev.s[SB_F_MANAGED_DEVICE_OWNER_TYPE] = profile->owner;
      dev.s[SB_F_MANAGEMENT_AGENT] = profile->agent;
      dev.s[SB_F_COMPLIANCE_STATE] = next_below (&state, 10) < 8 ? "compliant" : "noncompliant";
      dev.s[SB_F_AZURE_AD_DEVICE_ID] = random_guid (set, &state);
      dev.s[SB_F_DEVICE_TYPE] = profile->device_type;
      dev.s[SB_F_OWNER_TYPE] = profile->owner;
      dev.s[SB_F_JOIN_TYPE] = profile->join_type;
      dev.is_supervised = profile->supervised;
      /* Minutes to weeks ago; one in fifty never synced. */
      dev.last_sync = next_below (&state, 50) == 0 ? 0 : now - 60 - next_below (&state, 30 * 86400);
      dev.enrolled = now - 86400 * (31 + next_below (&state, 900));
      set_add (set, &dev);
    }
}
