/* fuzz-json.c: the capped JSON reader every single-object answer goes through (a device, its
 * deviceActionResults, an error body, token and discovery answers, JWT claims, history lines),
 * and what the Graph client does with a device answer after it.
 *
 * Beyond not crashing: whatever the reader accepts is never nested deeper than
 * LK_JSON_MAX_DEPTH (json-glib recurses per level: the cap is what keeps a worker thread's
 * stack safe), and what it refuses is refused with an LK_JSON_ERROR.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "lk-action-result.h"
#include "lk-device.h"
#include "lk-graph-error.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  (void) argc;
  (void) argv;
  fuzz_common_init ();
  return 0;
}

static guint
tree_depth (JsonNode *node)
{
  guint deepest = 0;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        deepest = MAX (deepest, tree_depth (member));
      return deepest + 1;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        deepest = MAX (deepest, tree_depth (json_array_get_element (array, i)));
      return deepest + 1;
    }
  return 0;
}

/* As the Graph client's parse_device() and parse_action_results() read an answer. */
static void
read_entity (JsonObject *object)
{
  g_autoptr(LkDevice) device = lk_device_new_from_json (object, NULL);
  JsonNode *results = json_object_get_member (object, "deviceActionResults");

  if (device != NULL)
    (void) lk_device_get_device_name (device);
  if (results != NULL && JSON_NODE_HOLDS_ARRAY (results))
    {
      JsonArray *array = json_node_get_array (results);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, i)))
          {
            g_autoptr(LkActionResult) result = lk_action_result_new_from_json (json_array_get_object_element (array, i));

            (void) lk_action_result_get_state (result);
          }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = lk_json_parse_object ((const char *) data, (gssize) size, &error);
  g_autoptr(GError) graph_error = lk_graph_error_new_from_response (400, (const char *) data, size, NULL, NULL);

  g_assert_nonnull (graph_error);
  if (root == NULL)
    {
      g_assert_true (error != NULL && error->domain == LK_JSON_ERROR);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (tree_depth (root), <=, LK_JSON_MAX_DEPTH);
  read_entity (json_node_get_object (root));
  return 0;
}
