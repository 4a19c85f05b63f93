/* fuzz-device-json.c: a managedDevices page or a single managedDevice, as Graph (or anyone
 * between it and us) may send it.
 *
 * Two parsers read these bytes: lk_page_reader_parse(), the hand-written scanner the listing
 * uses, and json-glib + lk_device_new_from_json() for single entities. Both run on every
 * input; every device that comes out is read back, serialized, scored and sorted.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "lk-device.h"
#include "lk-page-reader.h"
#include "lk-device-query.h"
#include "lk-graph-error.h"

static const char *const queries[] = {
  "", "iphone", "Giulia", "giulia.bianchi@contoso-demo.onmicrosoft.com", "WK1DEGZD8PCF",
  "356613186091393", "35 661318 609139 3", "o'brien", "*", "é",
};

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
exercise_device (LkDevice *device)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  const char *const *problems;

  g_assert_nonnull (lk_device_get_id (device));
  (void) lk_device_get_device_name (device);
  (void) lk_device_get_user_principal_name (device);
  (void) lk_device_get_operating_system (device);
  (void) lk_device_get_owner_type (device);
  (void) lk_device_get_is_supervised (device);
  (void) lk_device_get_last_sync (device);
  (void) lk_device_get_enrolled (device);
  problems = lk_device_get_problems (device);
  for (guint i = 0; problems != NULL && problems[i] != NULL; i++)
    g_assert_true (g_utf8_validate (problems[i], -1, NULL));

  object = lk_device_to_json (device);
  node = json_node_init_object (json_node_alloc (), object);
  text = json_to_string (node, FALSE);
  g_assert_nonnull (text);
}

static void
rank (GPtrArray *devices)
{
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(LkDeviceQuery) query = lk_device_query_new (queries[q]);
      g_autoptr(GPtrArray) copy = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < devices->len; i++)
        {
          (void) lk_device_query_score (query, g_ptr_array_index (devices, i));
          g_ptr_array_add (copy, g_object_ref (g_ptr_array_index (devices, i)));
        }
      lk_device_query_sort (query, copy);
      g_assert_cmpuint (copy->len, ==, devices->len);

      /* The listing's final order: the devices in two runs, each ranked alone, merged. It must
       * be the sort's order (up to devices that compare equal: same name, same id). */
      {
        g_autoptr(GPtrArray) merged = g_ptr_array_new ();
        g_autoptr(GPtrArray) rankings = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_device_ranking_free);
        g_autoptr(GPtrArray) first = g_ptr_array_new ();
        g_autoptr(GPtrArray) second = g_ptr_array_new ();

        for (guint i = 0; i < devices->len; i++)
          g_ptr_array_add (i % 2 == 0 ? first : second, g_ptr_array_index (devices, i));
        g_ptr_array_add (rankings, lk_device_query_rank (query, first));
        g_ptr_array_add (rankings, lk_device_query_rank (query, second));
        g_ptr_array_extend (merged, devices, NULL, NULL);
        lk_device_query_merge (query, rankings, merged);
        for (guint i = 0; i < copy->len; i++)
          {
            LkDevice *a = g_ptr_array_index (merged, i);
            LkDevice *b = g_ptr_array_index (copy, i);

            g_assert_true (a == b || (g_strcmp0 (lk_device_get_id (a), lk_device_get_id (b)) == 0
                                      && lk_device_query_score (query, a) == lk_device_query_score (query, b)));
          }
      }
    }
}

static char *
device_text (LkDevice *device)
{
  g_autoptr(JsonObject) object = lk_device_to_json (device);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

/* The scanner compares each member name with the device before's; read with every name in
 * full, the page must come out the same, or fail at the same byte. */
static void
compare_each_name (const uint8_t  *data,
                   size_t          size,
                   LkPageContents *page,
                   const GError   *error)
{
  LkPageContents plain = { 0 };
  g_autoptr(GError) plain_error = NULL;

  if (!lk_page_reader_parse_each_name ((const char *) data, size, &plain, &plain_error))
    {
      g_assert_nonnull (error);
      g_assert_cmpstr (plain_error->message, ==, error->message);
      return;
    }
  g_assert_null (error);
  g_assert_cmpuint (plain.n_items, ==, page->n_items);
  g_assert_cmpuint (plain.n_skipped, ==, page->n_skipped);
  g_assert_cmpint (plain.count, ==, page->count);
  g_assert_cmpstr (plain.next_link, ==, page->next_link);
  g_assert_cmpuint (plain.devices->len, ==, page->devices->len);
  for (guint i = 0; i < plain.devices->len; i++)
    {
      g_autofree char *a = device_text (g_ptr_array_index (plain.devices, i));
      g_autofree char *b = device_text (g_ptr_array_index (page->devices, i));

      g_assert_cmpstr (a, ==, b);
    }
  lk_page_contents_clear (&plain);
}

static void
add_from_object (GPtrArray  *devices,
                 JsonObject *object)
{
  g_autoptr(GError) error = NULL;
  LkDevice *device = lk_device_new_from_json (object, &error);

  g_assert_true ((device == NULL) == (error != NULL));
  if (device != NULL)
    g_ptr_array_add (devices, device);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) root = NULL;
  LkPageContents page = { 0 };
  g_autoptr(GError) error = NULL;

  /* The listing's scanner. */
  if (lk_page_reader_parse ((const char *) data, size, &page, &error))
    {
      compare_each_name (data, size, &page, NULL);
      g_autofree char *early = lk_page_reader_find_next_link ((const char *) data, size);

      g_assert_no_error (error);
      /* The link the listing follows early is the one the full reader finds. */
      g_assert_cmpstr (early, ==, page.next_link);
      g_assert_cmpuint (page.devices->len + page.n_skipped, <=, page.n_items);
      for (guint i = 0; i < page.devices->len; i++)
        exercise_device (g_ptr_array_index (page.devices, i));
      rank (page.devices);
      lk_page_contents_clear (&page);
    }
  else
    {
      g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INVALID_RESPONSE);
      compare_each_name (data, size, &page, error);
    }

  /* json-glib + the entity constructor: each element of "value", or the object itself. */
  root = fuzz_parse_json (data, size);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonNode *value = json_object_get_member (object, "value");

      if (value != NULL && JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *array = json_node_get_array (value);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *element = json_array_get_element (array, i);

              if (JSON_NODE_HOLDS_OBJECT (element))
                add_from_object (devices, json_node_get_object (element));
            }
        }
      else
        add_from_object (devices, object);
    }

  for (guint i = 0; i < devices->len; i++)
    exercise_device (g_ptr_array_index (devices, i));
  rank (devices);
  return 0;
}
