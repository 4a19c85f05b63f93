/* test-action-result.c: deviceActionResults entries, their states, and the passcode they hold.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-action-result.h"

static JsonObject *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static LkActionResult *
result (const char *text)
{
  g_autoptr(JsonObject) object = parse (text);

  return lk_action_result_new_from_json (object);
}

static void
test_states (void)
{
  static const struct { const char *text; LkActionState state; gboolean final; } states[] = {
    { "none", LK_ACTION_STATE_NONE, FALSE },
    { "pending", LK_ACTION_STATE_PENDING, FALSE },
    { "canceled", LK_ACTION_STATE_CANCELED, TRUE },
    { "active", LK_ACTION_STATE_ACTIVE, FALSE },
    { "done", LK_ACTION_STATE_DONE, TRUE },
    { "failed", LK_ACTION_STATE_FAILED, TRUE },
    { "notSupported", LK_ACTION_STATE_NOT_SUPPORTED, TRUE },
    { "queuedOnMars", LK_ACTION_STATE_UNKNOWN, FALSE },
    { "unknownFutureValue", LK_ACTION_STATE_UNKNOWN, FALSE },
    { "", LK_ACTION_STATE_UNKNOWN, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"actionName\":\"resetPasscode\",\"actionState\":\"%s\"}",
                                               states[i].text);
      g_autoptr(LkActionResult) r = result (json);

      g_assert_cmpint (lk_action_state_from_string (states[i].text), ==, states[i].state);
      g_assert_cmpint (lk_action_result_get_state (r), ==, states[i].state);
      /* The string Graph sent survives, so an unknown state can still be shown. */
      g_assert_cmpstr (lk_action_result_get_state_string (r), ==, states[i].text);
      g_assert_cmpint (lk_action_state_is_final (states[i].state), ==, states[i].final);
    }
  g_assert_cmpint (lk_action_state_from_string (NULL), ==, LK_ACTION_STATE_UNKNOWN);
}

static void
test_members (void)
{
  g_autoptr(LkActionResult) r = result ("{\"@odata.type\":\"#microsoft.graph.resetPasscodeActionResult\","
                                        "\"actionName\":\"resetPasscode\",\"actionState\":\"done\","
                                        "\"startDateTime\":\"2026-11-25T07:00:00Z\","
                                        "\"lastUpdatedDateTime\":\"2026-11-25T07:03:30.1234567Z\","
                                        "\"passcode\":\"481516\",\"errorCode\":0}");
  g_autoptr(LkActionResult) failed = result ("{\"actionName\":\"resetPasscode\",\"actionState\":\"failed\","
                                             "\"errorCode\":-2016345612}");
  g_autoptr(LkActionResult) missing = result ("{}");

  g_assert_cmpstr (lk_action_result_get_odata_type (r), ==, "#microsoft.graph.resetPasscodeActionResult");
  g_assert_cmpstr (lk_action_result_get_action_name (r), ==, "resetPasscode");
  g_assert_cmpint (lk_action_result_get_state (r), ==, LK_ACTION_STATE_DONE);
  g_assert_nonnull (lk_action_result_get_start (r));
  g_assert_cmpint (g_date_time_get_hour (lk_action_result_get_start (r)), ==, 7);
  g_assert_nonnull (lk_action_result_get_last_updated (r));
  g_assert_cmpint (g_date_time_get_minute (lk_action_result_get_last_updated (r)), ==, 3);
  g_assert_cmpstr (lk_action_result_get_passcode (r), ==, "481516");
  g_assert_cmpint (lk_action_result_get_error_code (r), ==, 0);

  g_assert_cmpint (lk_action_result_get_error_code (failed), ==, -2016345612);
  g_assert_null (lk_action_result_get_passcode (failed));

  /* Nothing at all: no state yet, nothing to show. */
  g_assert_null (lk_action_result_get_action_name (missing));
  g_assert_null (lk_action_result_get_start (missing));
  g_assert_cmpint (lk_action_result_get_state (missing), ==, LK_ACTION_STATE_UNKNOWN);
  g_assert_cmpstr (lk_action_result_get_state_string (missing), ==, "none");
}

static void
test_passcode (void)
{
  g_autoptr(LkActionResult) r = result ("{\"actionName\":\"resetPasscode\",\"actionState\":\"done\","
                                        "\"passcode\":\"271828\"}");
  g_autoptr(LkActionResult) kept = result ("{\"actionName\":\"resetPasscode\",\"passcode\":\"314159\"}");
  g_autoptr(LkActionResult) empty = result ("{\"actionName\":\"resetPasscode\",\"passcode\":\"\"}");
  g_autoptr(LkActionResult) null = result ("{\"actionName\":\"resetPasscode\",\"passcode\":null}");
  g_autoptr(LkActionResult) number = result ("{\"actionName\":\"resetPasscode\",\"passcode\":123456}");

  g_assert_cmpstr (lk_action_result_get_passcode (r), ==, "271828");
  lk_action_result_clear_passcode (r);
  g_assert_null (lk_action_result_get_passcode (r));
  /* Clearing twice is harmless. */
  lk_action_result_clear_passcode (r);
  g_assert_null (lk_action_result_get_passcode (r));

  /* An empty, null or wrong-typed passcode is no passcode. */
  g_assert_null (lk_action_result_get_passcode (empty));
  g_assert_null (lk_action_result_get_passcode (null));
  g_assert_null (lk_action_result_get_passcode (number));

  /* @kept is finalized with its passcode still set: finalize wipes and frees it (ASan/LSan
   * check the free). */
  g_assert_cmpstr (lk_action_result_get_passcode (kept), ==, "314159");
}

static void
test_find_reset_passcode (void)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) none = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) undated = g_ptr_array_new_with_free_func (g_object_unref);
  LkActionResult *found;

  g_assert_null (lk_action_results_find_reset_passcode (NULL));
  g_assert_null (lk_action_results_find_reset_passcode (none));
  g_ptr_array_add (none, result ("{\"actionName\":\"remoteLock\",\"actionState\":\"done\"}"));
  g_assert_null (lk_action_results_find_reset_passcode (none));

  /* By @odata.type alone, by actionName alone; the newest start wins; other actions never do,
   * however recent. */
  g_ptr_array_add (results, result ("{\"actionName\":\"resetPasscode\",\"actionState\":\"done\","
                                    "\"startDateTime\":\"2026-11-01T07:00:00Z\"}"));
  g_ptr_array_add (results, result ("{\"actionName\":\"remoteLock\",\"actionState\":\"done\","
                                    "\"startDateTime\":\"2026-11-30T07:00:00Z\"}"));
  g_ptr_array_add (results, result ("{\"@odata.type\":\"#microsoft.graph.resetPasscodeActionResult\","
                                    "\"actionState\":\"pending\",\"startDateTime\":\"2026-11-25T07:00:00Z\"}"));
  g_ptr_array_add (results, result ("{\"actionName\":\"resetPasscode\",\"actionState\":\"failed\"}"));
  found = lk_action_results_find_reset_passcode (results);
  g_assert_true (found == g_ptr_array_index (results, 2));
  g_assert_cmpint (lk_action_result_get_state (found), ==, LK_ACTION_STATE_PENDING);

  /* Without any start date, the first matching entry is kept. */
  g_ptr_array_add (undated, result ("{\"actionName\":\"resetPasscode\",\"actionState\":\"active\"}"));
  g_ptr_array_add (undated, result ("{\"actionName\":\"resetPasscode\",\"actionState\":\"done\"}"));
  found = lk_action_results_find_reset_passcode (undated);
  g_assert_true (found == g_ptr_array_index (undated, 0));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/action-result/states", test_states);
  g_test_add_func ("/action-result/members", test_members);
  g_test_add_func ("/action-result/passcode", test_passcode);
  g_test_add_func ("/action-result/find-reset-passcode", test_find_reset_passcode);

  return g_test_run ();
}
