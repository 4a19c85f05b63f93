/* test-device-list.c: the window's list model: pages appended, the ranked list taking their
 * place in one change, and references kept right throughout.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lk-device-list.h"

#include "../lk-test-common.h"
#include "../lk-test-devices.h"

typedef struct
{
  guint position, removed, added, calls;
} Change;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Change     *change)
{
  /* The model already holds its new items when it says so. */
  g_assert_cmpuint (g_list_model_get_n_items (model), >=, position + added);
  *change = (Change) { position, removed, added, change->calls + 1 };
}

static void
test_append_take_remove (void)
{
  g_autoptr(LkDeviceList) list = lk_device_list_new ();
  g_autoptr(GPtrArray) page1 = lk_test_devices_with_ids (3, "a");
  g_autoptr(GPtrArray) page2 = lk_test_devices_with_ids (2, "b");
  g_autoptr(GPtrArray) ranked = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) empty = g_ptr_array_new ();
  g_autoptr(LkDevice) item = NULL;
  LkDevice *watched = g_ptr_array_index (page1, 0);
  Change change = { 0 };

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == LK_TYPE_DEVICE);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &change);

  lk_device_list_append (list, page1);
  g_assert_cmpuint (change.position, ==, 0);
  g_assert_cmpuint (change.added, ==, 3);
  lk_device_list_append (list, page2);
  g_assert_cmpuint (change.position, ==, 3);
  g_assert_cmpuint (change.added, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 5);
  /* An empty page says nothing. */
  lk_device_list_append (list, empty);
  g_assert_cmpuint (change.calls, ==, 2);

  /* The ranked list: the same devices in another order, in one change. */
  for (guint i = 5; i-- > 0;)
    g_ptr_array_add (ranked, g_object_ref (i < 3 ? g_ptr_array_index (page1, i) : g_ptr_array_index (page2, i - 3)));
  lk_device_list_take_all (list, ranked);
  g_assert_cmpuint (change.calls, ==, 3);
  g_assert_cmpuint (change.removed, ==, 5);
  g_assert_cmpuint (change.added, ==, 5);
  item = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpstr (lk_device_get_id (item), ==, "b1");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 5));

  /* Appending after a take leaves the caller's array as it was. */
  lk_device_list_append (list, page2);
  g_assert_cmpuint (ranked->len, ==, 5);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 7);

  lk_device_list_remove_all (list);
  g_assert_cmpuint (change.removed, ==, 7);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);

  /* Nothing kept: the devices go with their arrays. */
  g_clear_pointer (&ranked, g_ptr_array_unref);
  g_clear_pointer (&page2, g_ptr_array_unref);
  g_ptr_array_steal_index (page1, 0);
  g_clear_pointer (&page1, g_ptr_array_unref);
  g_clear_object (&item);
  g_assert_finalize_object (watched);
}

/* Room made for a listing's @odata.count changes nothing the list shows or holds, whatever
 * the count says; a hostile count sizes nothing beyond LK_MEMORY_RESERVE_MAX. */
static void
test_reserve (void)
{
  g_autoptr(LkDeviceList) list = lk_device_list_new ();
  g_autoptr(GPtrArray) page1 = lk_test_devices_with_ids (3, "a");
  g_autoptr(GPtrArray) page2 = lk_test_devices_with_ids (2, "b");
  g_autoptr(LkDevice) item = NULL;
  LkDevice *watched = g_ptr_array_index (page1, 1);
  Change change = { 0 };

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &change);
  lk_device_list_reserve (list, 5);
  lk_device_list_append (list, page1);
  /* Again, larger (the count moved), then absurd: the same three devices, nothing said. */
  lk_device_list_reserve (list, 50);
  lk_device_list_reserve (list, G_MAXINT64);
  lk_device_list_reserve (list, -1);
  g_assert_cmpuint (change.calls, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  lk_device_list_append (list, page2);
  g_assert_cmpuint (change.position, ==, 3);
  g_assert_cmpuint (change.added, ==, 2);
  item = g_list_model_get_item (G_LIST_MODEL (list), 1);
  g_assert_true (item == watched);
  g_clear_object (&item);
  item = g_list_model_get_item (G_LIST_MODEL (list), 4);
  g_assert_cmpstr (lk_device_get_id (item), ==, "b1");
  g_clear_object (&item);

  /* The references moved with the devices: none lost, none kept. */
  lk_device_list_remove_all (list);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_ptr_array_steal_index (page1, 1);
  g_clear_pointer (&page1, g_ptr_array_unref);
  g_assert_finalize_object (watched);
}

/* A long list given up is released a few thousand devices per idle turn, and completely. */
static void
test_release_in_steps (void)
{
  g_autoptr(LkDeviceList) list = lk_device_list_new ();
  g_autoptr(GPtrArray) streamed = lk_test_devices_with_ids (10000, "s");
  g_autoptr(GPtrArray) ranked = lk_test_devices_with_ids (3, "r");
  LkDevice *watched = g_object_ref (g_ptr_array_index (streamed, 9999));
  gpointer weak = watched;
  gint64 deadline = lk_test_deadline ();

  lk_device_list_append (list, streamed);
  g_clear_pointer (&streamed, g_ptr_array_unref);
  g_object_add_weak_pointer (G_OBJECT (watched), &weak);
  g_object_unref (watched);
  lk_device_list_take_all (list, ranked);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  /* Not in one go… */
  g_assert_nonnull (weak);
  /* …but soon. */
  while (weak != NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (weak);
}

/* Class = the number in the device's id (…%3): the filter shows the classes asked for, in order. */
static guint
id_class (LkDevice *device)
{
  const char *id = lk_device_get_id (device);

  return (guint) (g_ascii_strtoull (id + 1, NULL, 10) % 3);
}

static gboolean
shows_every_third (GListModel *model,
                   guint       n,
                   guint       rest)
{
  guint position = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LkDevice) item = NULL;
      g_autofree char *id = NULL;

      if (i % 3 != rest)
        continue;
      item = g_list_model_get_item (model, position++);
      id = g_strdup_printf ("s%u", i);
      if (item == NULL || g_strcmp0 (lk_device_get_id (item), id) != 0)
        return FALSE;
    }
  return g_list_model_get_n_items (model) == position;
}

static void
count_cb (GListModel *model,
          guint       position,
          guint       removed,
          guint       added,
          guint      *calls)
{
  (*calls)++;
}

/* The filter by class, on streamed pages and on a long ranked list classified in a worker. */
static void
test_filter_by_class (void)
{
  g_autoptr(LkDeviceList) list = lk_device_list_new ();
  g_autoptr(GPtrArray) streamed = lk_test_devices_with_ids (30000, "s");
  g_autoptr(GPtrArray) page = g_ptr_array_new ();
  g_autoptr(GPtrArray) ranked = g_ptr_array_new_with_free_func (g_object_unref);
  guint calls = 0;

  lk_device_list_set_class_func (list, id_class);
  lk_device_list_set_filter (list, 1u << 1);
  for (guint i = 0; i < 10; i++)
    g_ptr_array_add (page, g_ptr_array_index (streamed, i));
  lk_device_list_append (list, page);
  g_assert_true (shows_every_third (G_LIST_MODEL (list), 10, 1));
  g_assert_cmpuint (lk_device_list_get_n_all (list), ==, 10);

  lk_device_list_set_filter (list, G_MAXUINT32);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 10);
  lk_device_list_set_filter (list, 1u << 2);
  g_assert_true (shows_every_third (G_LIST_MODEL (list), 10, 2));

  /* Long: classified in a worker; until then the streamed list stays. */
  for (guint i = 0; i < streamed->len; i++)
    g_ptr_array_add (ranked, g_object_ref (g_ptr_array_index (streamed, i)));
  lk_device_list_set_filter (list, G_MAXUINT32);
  g_signal_connect (list, "items-changed", G_CALLBACK (count_cb), &calls);
  lk_device_list_take_all (list, ranked);
  g_assert_false (lk_device_list_is_settled (list));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 10);
  while (!lk_device_list_is_settled (list))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 30000);
  /* Said as one change, however large (the window's list view sees positions, not this). */
  g_assert_cmpuint (calls, ==, 1);
  lk_device_list_set_filter (list, 1u << 2);
  g_assert_true (shows_every_third (G_LIST_MODEL (list), 30000, 2));
  g_assert_cmpuint (calls, ==, 2);

  lk_device_list_set_filter (list, (1u << 0) | (1u << 2));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 20000);

  /* A change before the worker is done drops its result. */
  lk_device_list_take_all (list, ranked);
  lk_device_list_remove_all (list);
  g_assert_true (lk_device_list_is_settled (list));
  for (guint i = 0; i < 100; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/device-list/append-take-remove", test_append_take_remove);
  g_test_add_func ("/device-list/release-in-steps", test_release_in_steps);
  g_test_add_func ("/device-list/reserve", test_reserve);
  g_test_add_func ("/device-list/filter-by-class", test_filter_by_class);
  return g_test_run ();
}
