/* test-device.c: LkDevice and LkActionResult from Graph JSON, including the bad kinds. */
#include "config.h"

#include <string.h>

#include "lk-action-result.h"
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
test_action_results (void)
{
  g_autoptr(JsonObject) pending = parse ("{\"@odata.type\":\"#microsoft.graph.resetPasscodeActionResult\","
                                         "\"actionName\":\"resetPasscode\",\"actionState\":\"pending\","
                                         "\"startDateTime\":\"2026-11-25T07:00:00Z\",\"passcode\":null,\"errorCode\":0}");
  g_autoptr(JsonObject) older = parse ("{\"actionName\":\"resetPasscode\",\"actionState\":\"done\","
                                       "\"startDateTime\":\"2026-11-01T07:00:00Z\",\"passcode\":\"481516\"}");
  g_autoptr(JsonObject) other = parse ("{\"actionName\":\"remoteLock\",\"actionState\":\"done\","
                                       "\"startDateTime\":\"2026-11-26T07:00:00Z\"}");
  g_autoptr(JsonObject) future = parse ("{\"actionName\":\"resetPasscode\",\"actionState\":\"queuedOnMars\"}");
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(LkActionResult) strange = lk_action_result_new_from_json (future);
  LkActionResult *found;

  g_ptr_array_add (results, lk_action_result_new_from_json (older));
  g_ptr_array_add (results, lk_action_result_new_from_json (other));
  g_ptr_array_add (results, lk_action_result_new_from_json (pending));
  found = lk_action_results_find_reset_passcode (results);
  g_assert_nonnull (found);
  g_assert_cmpint (lk_action_result_get_state (found), ==, LK_ACTION_STATE_PENDING);
  g_assert_null (lk_action_result_get_passcode (found));
  g_assert_false (lk_action_state_is_final (LK_ACTION_STATE_PENDING));
  g_assert_true (lk_action_state_is_final (LK_ACTION_STATE_NOT_SUPPORTED));

  found = g_ptr_array_index (results, 0);
  g_assert_cmpstr (lk_action_result_get_passcode (found), ==, "481516");
  lk_action_result_clear_passcode (found);
  g_assert_null (lk_action_result_get_passcode (found));

  g_assert_cmpint (lk_action_result_get_state (strange), ==, LK_ACTION_STATE_UNKNOWN);
  g_assert_cmpstr (lk_action_result_get_state_string (strange), ==, "queuedOnMars");
  g_assert_cmpint (lk_action_state_from_string ("notSupported"), ==, LK_ACTION_STATE_NOT_SUPPORTED);
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
  g_test_add_func ("/device/action-results", test_action_results);

  return g_test_run ();
}
