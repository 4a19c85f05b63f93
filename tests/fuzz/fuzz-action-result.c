/* fuzz-action-result.c: a managedDevice's deviceActionResults as Graph sends them (the beta
 * entity, a bare array, or a single result object). The resetPasscode entry may carry a
 * passcode: it is read and wiped like the app does.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "lk-action-result.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  (void) argc;
  (void) argv;
  fuzz_common_init ();
  return 0;
}

static void
add_results (GPtrArray *results,
             JsonArray *array)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (element))
        g_ptr_array_add (results, lk_action_result_new_from_json (json_node_get_object (element)));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) root = fuzz_parse_json (data, size);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *text = fuzz_strndup (data, size);
  LkActionResult *reset;

  (void) lk_action_state_is_final (lk_action_state_from_string (text));

  if (root == NULL)
    return 0;
  if (JSON_NODE_HOLDS_ARRAY (root))
    add_results (results, json_node_get_array (root));
  else if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonNode *member = json_object_get_member (object, "deviceActionResults");

      if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
        add_results (results, json_node_get_array (member));
      else
        g_ptr_array_add (results, lk_action_result_new_from_json (object));
    }

  for (guint i = 0; i < results->len; i++)
    {
      LkActionResult *result = g_ptr_array_index (results, i);
      LkActionState state;

      g_assert_nonnull (result);
      (void) lk_action_result_get_action_name (result);
      (void) lk_action_result_get_odata_type (result);
      state = lk_action_result_get_state (result);
      (void) lk_action_state_is_final (state);
      (void) lk_action_state_from_string (lk_action_result_get_state_string (result));
      (void) lk_action_result_get_start (result);
      (void) lk_action_result_get_last_updated (result);
      (void) lk_action_result_get_error_code (result);
    }

  reset = lk_action_results_find_reset_passcode (results);
  if (reset != NULL)
    {
      const char *passcode = lk_action_result_get_passcode (reset);

      if (passcode != NULL)
        (void) strlen (passcode);
      lk_action_result_clear_passcode (reset);
      g_assert_null (lk_action_result_get_passcode (reset));
    }
  return 0;
}
