/* test-id-set.c: the listing's duplicate check.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lk-id-set.h"

static const char *
id_at (guint    index,
       gpointer user_data)
{
  return g_ptr_array_index ((GPtrArray *) user_data, index);
}

static void
test_add (void)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(LkIdSet) set = lk_id_set_new ();

  /* Enough to grow several times. */
  for (guint i = 0; i < 20000; i++)
    {
      char *id = g_strdup_printf ("%08x-0000-4000-8000-%012u", i * 2654435761u, i);

      g_assert_true (lk_id_set_add (set, id, ids->len, id_at, ids));
      g_ptr_array_add (ids, id);
    }
  g_assert_cmpuint (lk_id_set_size (set), ==, 20000);
  for (guint i = 0; i < ids->len; i += 7)
    {
      g_autofree char *copy = g_strdup (g_ptr_array_index (ids, i));

      g_assert_false (lk_id_set_add (set, copy, ids->len, id_at, ids));
    }
  g_assert_cmpuint (lk_id_set_size (set), ==, 20000);
}

/* Growing moves the ids into a larger table a few per add, not all in the add that crossed
 * the threshold; meanwhile every id already added is still found (the old table is searched
 * too), and the move ends before the next growth. */
static void
test_grows_in_steps (void)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(LkIdSet) set = lk_id_set_new ();
  guint growths = 0, adds_while_growing = 0;
  gboolean was_growing = FALSE;

  for (guint i = 0; i < 40000; i++)
    {
      char *id = g_strdup_printf ("%08x-0000-4000-8000-%012u", i * 2654435761u, i);

      g_assert_true (lk_id_set_add (set, id, ids->len, id_at, ids));
      g_ptr_array_add (ids, id);
      if (lk_id_set_is_growing (set))
        {
          g_autofree char *earlier = g_strdup (g_ptr_array_index (ids, (i * 7919u) % ids->len));

          growths += !was_growing;
          adds_while_growing++;
          /* An id from before the growth, or one added since: both are found. */
          g_assert_false (lk_id_set_add (set, earlier, ids->len, id_at, ids));
          g_assert_false (lk_id_set_add (set, id, ids->len, id_at, ids));
        }
      was_growing = lk_id_set_is_growing (set);
    }
  /* 1024 slots, then 2048 … 65536: six growths, each spread over many adds. */
  g_assert_cmpuint (growths, ==, 6);
  g_assert_cmpuint (adds_while_growing, >, growths * 100);
  g_assert_cmpuint (lk_id_set_size (set), ==, 40000);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *copy = g_strdup (g_ptr_array_index (ids, i));

      g_assert_false (lk_id_set_add (set, copy, ids->len, id_at, ids));
    }
  g_assert_cmpuint (lk_id_set_size (set), ==, 40000);
}

/* "Aa" and "B@" have the same g_str_hash: equal hashes, different ids, both kept. */
static void
test_colliding_hashes (void)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(LkIdSet) set = lk_id_set_new ();

  g_assert_cmpuint (g_str_hash ("Aa"), ==, g_str_hash ("B@"));
  g_ptr_array_add (ids, "Aa");
  g_assert_true (lk_id_set_add (set, "Aa", 0, id_at, ids));
  g_ptr_array_add (ids, "B@");
  g_assert_true (lk_id_set_add (set, "B@", 1, id_at, ids));
  g_assert_false (lk_id_set_add (set, "B@", 2, id_at, ids));
  g_assert_false (lk_id_set_add (set, "Aa", 2, id_at, ids));
  g_assert_cmpuint (lk_id_set_size (set), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/id-set/add", test_add);
  g_test_add_func ("/id-set/colliding-hashes", test_colliding_hashes);
  g_test_add_func ("/id-set/grows-in-steps", test_grows_in_steps);
  return g_test_run ();
}
