/* test-device.c: LkDevice from Graph JSON (v1.0 and beta shapes), including the bad kinds.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-device.h"
#include "lk-graph-error.h"

static JsonObject *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static LkDevice *
device (const char  *text,
        GError     **error)
{
  g_autoptr(JsonObject) object = parse (text);

  return lk_device_new_from_json (object, error);
}

static void
test_beta_shape (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) d = device ("{\"id\":\"a1\",\"deviceName\":\"GALAXY-S23-MROSSI\","
                                  "\"userPrincipalName\":\"marco.rossi@contoso.it\",\"userDisplayName\":\"Marco Rossi\","
                                  "\"operatingSystem\":\"Android\",\"osVersion\":\"14\",\"serialNumber\":\"R5CT1234\","
                                  "\"imei\":\"356789012345678\",\"deviceEnrollmentType\":\"androidEnterpriseFullyManaged\","
                                  "\"managedDeviceOwnerType\":\"company\",\"deviceType\":\"androidEnterprise\","
                                  "\"joinType\":\"azureADJoined\",\"isSupervised\":false,"
                                  "\"lastSyncDateTime\":\"2026-11-20T09:12:00Z\",\"enrolledDateTime\":\"0001-01-01T00:00:00Z\"}",
                                  &error);
  g_autofree char *name = NULL;
  g_autoptr(GDateTime) sync = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (lk_device_get_id (d), ==, "a1");
  g_assert_cmpstr (lk_device_get_device_name (d), ==, "GALAXY-S23-MROSSI");
  g_assert_cmpstr (lk_device_get_enrollment_type (d), ==, "androidEnterpriseFullyManaged");
  g_assert_cmpstr (lk_device_get_device_type (d), ==, "androidEnterprise");
  g_assert_cmpstr (lk_device_get_join_type (d), ==, "azureADJoined");
  g_assert_cmpint (lk_device_get_is_supervised (d), ==, 0);
  g_assert_nonnull (lk_device_get_last_sync (d));
  g_assert_cmpint (g_date_time_get_day_of_month (lk_device_get_last_sync (d)), ==, 20);
  /* Year 1 means "never". */
  g_assert_null (lk_device_get_enrolled (d));
  g_assert_null (lk_device_get_problems (d));

  /* The properties the list binds to. */
  g_object_get (d, "device-name", &name, "last-sync", &sync, NULL);
  g_assert_cmpstr (name, ==, "GALAXY-S23-MROSSI");
  g_assert_nonnull (sync);
}

static void
test_v1_shape (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) d = device ("{\"id\":\"b2\",\"deviceName\":\"iPhone di Giulia\",\"operatingSystem\":\"iOS\","
                                  "\"ownerType\":\"company\",\"deviceEnrollmentType\":\"someFutureEnrollment\"}",
                                  &error);

  g_assert_no_error (error);
  g_assert_null (lk_device_get_device_type (d));
  g_assert_cmpint (lk_device_get_is_supervised (d), ==, -1);
  /* beta's ownerType fills in when managedDeviceOwnerType is missing */
  g_assert_cmpstr (lk_device_get_owner_type (d), ==, "company");
  /* unknown enum values survive */
  g_assert_cmpstr (lk_device_get_enrollment_type (d), ==, "someFutureEnrollment");
}

static void
test_wrong_types (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) d = device ("{\"id\":\"c3\",\"deviceName\":[\"x\"],\"osVersion\":13,"
                                  "\"isSupervised\":\"yes\",\"lastSyncDateTime\":42,\"model\":null}", &error);
  const char *const *problems;

  g_assert_no_error (error);
  g_assert_null (lk_device_get_device_name (d));
  g_assert_null (lk_device_get_os_version (d));
  g_assert_null (lk_device_get_model (d));
  g_assert_cmpint (lk_device_get_is_supervised (d), ==, -1);
  problems = lk_device_get_problems (d);
  g_assert_nonnull (problems);
  g_assert_cmpuint (g_strv_length ((char **) problems), ==, 4);
  g_assert_nonnull (strstr (problems[0], "deviceName"));
}

static void
test_missing_id (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) a = device ("{\"deviceName\":\"no id\"}", &error);

  g_assert_null (a);
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_null (device ("{\"id\":17}", &error));
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INVALID_RESPONSE);
}

static void
test_round_trip (void)
{
  g_autoptr(LkDevice) d = device ("{\"id\":\"d4\",\"deviceName\":\"Città-01\",\"operatingSystem\":\"Windows\","
                                  "\"isSupervised\":true,\"lastSyncDateTime\":\"2026-11-24T08:00:00Z\"}", NULL);
  g_autoptr(JsonObject) json = lk_device_to_json (d);
  g_autoptr(LkDevice) again = lk_device_new_from_json (json, NULL);

  g_assert_cmpstr (lk_device_get_device_name (again), ==, "Città-01");
  g_assert_cmpint (lk_device_get_is_supervised (again), ==, 1);
  g_assert_true (g_date_time_equal (lk_device_get_last_sync (again), lk_device_get_last_sync (d)));
}

static void
test_dates (void)
{
  g_autoptr(LkDevice) d = device ("{\"id\":\"e5\",\"lastSyncDateTime\":\"2026-11-20T09:12:03.1234567Z\","
                                  "\"enrolledDateTime\":\"2025-02-01T10:00:00+02:00\"}", NULL);
  g_autoptr(LkDevice) bad = device ("{\"id\":\"e6\",\"lastSyncDateTime\":\"yesterday\","
                                    "\"enrolledDateTime\":\"\"}", NULL);
  GDateTime *sync = lk_device_get_last_sync (d);
  g_autoptr(GDateTime) utc = NULL;

  /* Graph's seven fractional digits and explicit offsets both parse. */
  g_assert_nonnull (sync);
  g_assert_cmpint (g_date_time_get_second (sync), ==, 3);
  g_assert_cmpint (g_date_time_get_microsecond (sync), ==, 123456);
  g_assert_nonnull (lk_device_get_enrolled (d));
  utc = g_date_time_to_utc (lk_device_get_enrolled (d));
  g_assert_cmpint (g_date_time_get_hour (utc), ==, 8);

  /* Unparseable dates are unknown, not an error. */
  g_assert_null (lk_device_get_last_sync (bad));
  g_assert_null (lk_device_get_enrolled (bad));
}

static void
test_properties_and_interning (void)
{
  static const char *const names[] = {
    "id", "device-name", "user-principal-name", "user-display-name", "email-address",
    "serial-number", "imei", "operating-system", "os-version", "model", "manufacturer",
    "enrollment-type", "owner-type", "management-agent", "device-type", "join-type",
    "compliance-state", "is-supervised", "last-sync", "enrolled",
  };
  g_autoptr(LkDevice) a = device ("{\"id\":\"f1\",\"operatingSystem\":\"Android\",\"complianceState\":\"compliant\","
                                  "\"managementAgent\":\"mdm\",\"imei\":\"35 678901 234567 8\"}", NULL);
  g_autoptr(LkDevice) b = device ("{\"id\":\"f2\",\"operatingSystem\":\"Android\",\"complianceState\":\"compliant\","
                                  "\"managementAgent\":\"mdm\"}", NULL);
  GObjectClass *klass = G_OBJECT_GET_CLASS (a);
  g_autofree char *os = NULL;
  int supervised = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GParamSpec *pspec = g_object_class_find_property (klass, names[i]);

      if (pspec == NULL)
        g_error ("LkDevice has no property %s", names[i]);
      /* Read-only: the list binds them, nothing sets them. */
      g_assert_true (pspec->flags & G_PARAM_READABLE);
      g_assert_false (pspec->flags & G_PARAM_WRITABLE);
    }
  g_object_get (a, "operating-system", &os, "is-supervised", &supervised, NULL);
  g_assert_cmpstr (os, ==, "Android");
  g_assert_cmpint (supervised, ==, -1);

  /* Enum-like strings are shared between devices, not copied per device. */
  g_assert_true (lk_device_get_operating_system (a) == lk_device_get_operating_system (b));
  g_assert_true (lk_device_get_compliance_state (a) == lk_device_get_compliance_state (b));
  g_assert_true (lk_device_get_management_agent (a) == lk_device_get_management_agent (b));
  /* The IMEI is kept as Graph wrote it. */
  g_assert_cmpstr (lk_device_get_imei (a), ==, "35 678901 234567 8");
}

/* The compact layout keeps every value as sent: the e-mail kept once when it is the UPN
 * (whichever of the two comes first), the repeated values shared, and a device's
 * own text apart from every other device's. */
static void
test_compact_layout (void)
{
  g_autoptr(LkDevice) a = device ("{\"id\":\"c1\",\"deviceName\":\"desktop-7f3k\",\"userPrincipalName\":\"anna@contoso.it\","
                                  "\"emailAddress\":\"anna@contoso.it\",\"model\":\"Latitude 7440\",\"osVersion\":\"10.0.22631.4460\","
                                  "\"manufacturer\":\"Dell Inc.\"}", NULL);
  g_autoptr(LkDevice) b = device ("{\"id\":\"c2\",\"deviceName\":\"DESKTOP-9Q\",\"userPrincipalName\":\"bea@contoso.it\","
                                  "\"emailAddress\":\"bea@fabrikam.it\",\"model\":\"Latitude 7440\",\"osVersion\":\"\","
                                  "\"manufacturer\":\"Dell Inc.\"}", NULL);
  /* Graph's documented order: emailAddress before userPrincipalName. */
  g_autoptr(LkDevice) c = device ("{\"id\":\"c3\",\"emailAddress\":\"carla@contoso.it\",\"userPrincipalName\":\"carla@contoso.it\","
                                  "\"userDisplayName\":\"carla@contoso.it \"}", NULL);
  g_autoptr(LkDevice) d = device ("{\"id\":\"c4\",\"emailAddress\":\"dario@contoso.it\",\"userPrincipalName\":\"dario@contoso\"}", NULL);
  g_autoptr(JsonObject) again = lk_device_to_json (a);

  g_assert_cmpstr (lk_device_get_email_address (a), ==, "anna@contoso.it");
  g_assert_true (lk_device_get_email_address (a) == lk_device_get_user_principal_name (a));
  g_assert_cmpstr (lk_device_get_user_principal_name (c), ==, "carla@contoso.it");
  g_assert_true (lk_device_get_email_address (c) == lk_device_get_user_principal_name (c));
  g_assert_cmpstr (lk_device_get_user_display_name (c), ==, "carla@contoso.it ");
  /* A prefix of the other is not the same text. */
  g_assert_cmpstr (lk_device_get_email_address (d), ==, "dario@contoso.it");
  g_assert_cmpstr (lk_device_get_user_principal_name (d), ==, "dario@contoso");
  g_assert_cmpstr (lk_device_get_email_address (b), ==, "bea@fabrikam.it");
  g_assert_cmpstr (lk_device_get_user_principal_name (b), ==, "bea@contoso.it");
  g_assert_true (lk_device_get_model (a) == lk_device_get_model (b));
  g_assert_true (lk_device_get_manufacturer (a) == lk_device_get_manufacturer (b));
  g_assert_cmpstr (lk_device_get_os_version (a), ==, "10.0.22631.4460");
  g_assert_null (lk_device_get_os_version (b));
  g_assert_cmpstr (lk_device_get_device_name (b), ==, "DESKTOP-9Q");
  g_assert_cmpstr (json_object_get_string_member (again, "emailAddress"), ==, "anna@contoso.it");
  g_assert_cmpstr (json_object_get_string_member (again, "model"), ==, "Latitude 7440");
  /* Only single-device GETs carry these. */
  g_assert_null (lk_device_get_azure_ad_device_id (a));
  g_assert_cmpint (lk_device_get_is_shared_device (a), ==, -1);
  g_assert_null (lk_device_get_problems (a));
}

/* A hostile service sending a fresh model per device must not grow the process's interned
 * text for ever: past a bound the values go in the devices' own blocks, still exact. */
static void
test_many_distinct_values (void)
{
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonObject) object = json_object_new ();

  /* Three fresh values a device: past the bound long before the last one. Built from one
   * object changed in place: parsing 24 000 texts was most of the test's time. */
  for (guint i = 0; i < 24000; i++)
    {
      g_autofree char *id = g_strdup_printf ("m%u", i);
      g_autofree char *model = g_strdup_printf ("model-%u", i);
      g_autofree char *maker = g_strdup_printf ("maker-%u", i);
      g_autofree char *version = g_strdup_printf ("version-%u", i);

      json_object_set_string_member (object, "id", id);
      json_object_set_string_member (object, "model", model);
      json_object_set_string_member (object, "manufacturer", maker);
      json_object_set_string_member (object, "osVersion", version);
      g_ptr_array_add (devices, lk_device_new_from_json (object, NULL));
    }
  for (guint i = 0; i < devices->len; i += 997)
    {
      g_autofree char *model = g_strdup_printf ("model-%u", i);
      g_autofree char *maker = g_strdup_printf ("maker-%u", i);
      g_autofree char *version = g_strdup_printf ("version-%u", i);

      g_assert_cmpstr (lk_device_get_model (g_ptr_array_index (devices, i)), ==, model);
      g_assert_cmpstr (lk_device_get_manufacturer (g_ptr_array_index (devices, i)), ==, maker);
      g_assert_cmpstr (lk_device_get_os_version (g_ptr_array_index (devices, i)), ==, version);
    }
  g_assert_cmpstr (lk_device_get_model (g_ptr_array_index (devices, 23999)), ==, "model-23999");
  /* Past the bound, a fresh value is the device's own copy. */
  g_assert_cmpuint (g_quark_try_string ("version-23999"), ==, 0);
}

static void
test_full_round_trip (void)
{
  const char *text = "{\"id\":\"g7\",\"deviceName\":\"GALAXY-S23\",\"userPrincipalName\":\"u@contoso.it\","
                     "\"userDisplayName\":\"U\",\"emailAddress\":\"u@contoso.it\",\"serialNumber\":\"R5CT\","
                     "\"imei\":\"356789012345678\",\"operatingSystem\":\"Android\",\"osVersion\":\"14\","
                     "\"model\":\"SM-S911B\",\"manufacturer\":\"samsung\","
                     "\"deviceEnrollmentType\":\"androidEnterpriseFullyManaged\",\"managedDeviceOwnerType\":\"company\","
                     "\"managementAgent\":\"googleCloudDevicePolicyController\",\"deviceType\":\"androidEnterprise\","
                     "\"joinType\":\"azureADRegistered\",\"complianceState\":\"noncompliant\",\"isSupervised\":false,"
                     "\"lastSyncDateTime\":\"2026-11-20T09:12:00Z\",\"enrolledDateTime\":\"2025-01-02T03:04:05Z\"}";
  g_autoptr(LkDevice) d = device (text, NULL);
  g_autoptr(JsonObject) json = lk_device_to_json (d);
  g_autoptr(LkDevice) again = lk_device_new_from_json (json, NULL);
  static const char *const strings[] = {
    "id", "device-name", "user-principal-name", "user-display-name", "email-address",
    "serial-number", "imei", "operating-system", "os-version", "model", "manufacturer",
    "enrollment-type", "owner-type", "management-agent", "device-type", "join-type",
    "compliance-state",
  };

  g_assert_nonnull (again);
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      g_autofree char *x = NULL;
      g_autofree char *y = NULL;

      g_object_get (d, strings[i], &x, NULL);
      g_object_get (again, strings[i], &y, NULL);
      g_assert_nonnull (x);
      g_assert_cmpstr (x, ==, y);
    }
  g_assert_cmpint (lk_device_get_is_supervised (again), ==, 0);
  g_assert_true (g_date_time_equal (lk_device_get_enrolled (again), lk_device_get_enrolled (d)));
  g_assert_true (g_date_time_equal (lk_device_get_last_sync (again), lk_device_get_last_sync (d)));
  g_assert_null (lk_device_get_problems (again));
}

/* Graph's own date shape is read without GDateTime; every other shape goes to GLib. Either way
 * the answer is GLib's (year 1 meaning "never"). */
static void
test_dates_like_glib (void)
{
  const char *dates[] = {
    "2026-11-20T09:12:00Z", "2026-11-20T09:12:00.1234567Z", "2026-11-20T09:12:00.5z",
    "2024-02-29T23:59:59Z", "2023-02-29T10:00:00Z", "2026-13-01T00:00:00Z", "2026-11-20T24:00:00Z",
    "2026-11-20T09:12:60Z", "1969-12-31T23:59:59.999999Z", "0001-01-01T00:00:00Z",
    "0002-01-01T00:00:00Z", "2026-11-20T09:12:00+02:00", "2026-11-20T09:12:00", "2026-11-20",
    "2026-11-20T09:12:00.Z", "2026-11-20t09:12:00Z", "9999-12-31T23:59:59.999999Z", "not a date",
    /* Leap years by the century rules; the last day of each month and the day after. */
    "1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2400-02-29T00:00:00Z",
    "2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-04-30T00:00:00Z", "2026-04-31T00:00:00Z",
    "2026-06-31T00:00:00Z", "2026-09-31T00:00:00Z", "2026-11-31T00:00:00Z", "2026-12-31T00:00:00Z",
    "2026-12-32T00:00:00Z", "2026-00-10T00:00:00Z", "2026-07-00T00:00:00Z",
  };

  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"id\":\"d\",\"lastSyncDateTime\":\"%s\"}", dates[i]);
      g_autoptr(LkDevice) d = device (json, NULL);
      g_autoptr(GDateTime) expected = g_date_time_new_from_iso8601 (dates[i], NULL);
      GDateTime *got = lk_device_get_last_sync (d);

      if (expected != NULL && g_date_time_get_year (expected) <= 1)
        g_clear_pointer (&expected, g_date_time_unref);
      g_test_message ("%s", dates[i]);
      if (expected == NULL)
        g_assert_null (got);
      else
        {
          g_assert_nonnull (got);
          g_assert_cmpint (g_date_time_to_unix (got), ==, g_date_time_to_unix (expected));
          g_assert_cmpint (g_date_time_get_microsecond (got), ==, g_date_time_get_microsecond (expected));
          /* Made once, then the same object. */
          g_assert_true (lk_device_get_last_sync (d) == got);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/device/beta-shape", test_beta_shape);
  g_test_add_func ("/device/v1-shape", test_v1_shape);
  g_test_add_func ("/device/wrong-types", test_wrong_types);
  g_test_add_func ("/device/missing-id", test_missing_id);
  g_test_add_func ("/device/round-trip", test_round_trip);
  g_test_add_func ("/device/dates", test_dates);
  g_test_add_func ("/device/dates-like-glib", test_dates_like_glib);
  g_test_add_func ("/device/properties-and-interning", test_properties_and_interning);
  g_test_add_func ("/device/full-round-trip", test_full_round_trip);
  g_test_add_func ("/device/compact-layout", test_compact_layout);
  g_test_add_func ("/device/many-distinct-values", test_many_distinct_values);

  return g_test_run ();
}
