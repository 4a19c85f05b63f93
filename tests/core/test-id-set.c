/* test-id-set.c: the listing's duplicate check.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-id-set.h"

static const char *
id_at (guint    index,
       gpointer user_data)
{
  return g_ptr_array_index ((GPtrArray *) user_data, index);
}

/* Adds @n new ids, pausing 2 ms after every @pause_every of them (0: never). */
static void
add_ids (LkIdSet   *set,
         GPtrArray *ids,
         guint      n,
         guint      pause_every)
{
  for (guint i = 0; i < n; i++)
    {
      char *id = g_strdup_printf ("%08x-0000-4000-8000-%012u", i * 2654435761u, i);

      g_assert_true (lk_id_set_add (set, id, ids->len, id_at, ids));
      g_ptr_array_add (ids, id);
      if (pause_every > 0 && i % pause_every == pause_every - 1)
        g_usleep (2000);
    }
}

/* Every @step-th id is found again (a copy, so equal ids and not equal pointers are compared),
 * and the set keeps its size. */
static void
assert_all_kept (LkIdSet   *set,
                 GPtrArray *ids,
                 guint      step)
{
  g_assert_cmpuint (lk_id_set_size (set), ==, ids->len);
  for (guint i = 0; i < ids->len; i += step)
    {
      g_autofree char *copy = g_strdup (g_ptr_array_index (ids, i));

      g_assert_false (lk_id_set_add (set, copy, ids->len, id_at, ids));
    }
  g_assert_cmpuint (lk_id_set_size (set), ==, ids->len);
}

static void
test_add (void)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(LkIdSet) set = lk_id_set_new ();

  /* Enough to grow several times. */
  add_ids (set, ids, 20000, 0);
  g_assert_cmpuint (ids->len, ==, 20000);
  assert_all_kept (set, ids, 7);
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

/* Large tables are made ready on a thread before the set grows into them; the ids are the
 * same whichever table they went into. The adds pause now and then, as a listing does
 * between pages, so the thread has its turn even on a loaded machine. */
static void
test_grows_into_ready_tables (void)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(LkIdSet) set = lk_id_set_new ();

  add_ids (set, ids, 200000, 1000);
  /* From 32 768 slots on: the growths to 32 768, 65 536 … 524 288, five, each asked for an
   * eighth of the table's adds ahead (2 048 adds and more). */
  g_assert_cmpuint (lk_id_set_get_n_ready (set), >=, 3);
  assert_all_kept (set, ids, 3);
}

/* A set freed while its next table is being made: the thread frees the table (ASan and
 * valgrind would report it lost otherwise). */
static void
test_freed_while_making (void)
{
  for (guint round = 0; round < 20; round++)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      LkIdSet *set = lk_id_set_new ();

      /* Past five eighths of 16 384 slots: the table of 32 768 is asked for, and the set is
       * freed a few adds later, most often before the thread is done. */
      add_ids (set, ids, 10241 + round, 0);
      lk_id_set_free (set);
    }
  /* The threads end on their own; give them the time to, before the leak check. */
  g_usleep (100000);
}

/* Different ids with equal hashes (given here, as a service might find them for a hash it
 * knew): both kept, and each found again. */
static void
test_colliding_hashes (void)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(LkIdSet) set = lk_id_set_new ();

  g_ptr_array_add (ids, "Aa");
  g_assert_true (lk_id_set_add_hashed (set, 7, 0, id_at, ids));
  g_ptr_array_add (ids, "B@");
  g_assert_true (lk_id_set_add_hashed (set, 7, 1, id_at, ids));
  g_ptr_array_add (ids, "B@");
  g_assert_false (lk_id_set_add_hashed (set, 7, 2, id_at, ids));
  g_ptr_array_set_size (ids, 2);
  g_ptr_array_add (ids, "Aa");
  g_assert_false (lk_id_set_add_hashed (set, 7, 2, id_at, ids));
  g_assert_cmpuint (lk_id_set_size (set), ==, 2);
}

/* The hash depends on the id's text alone (not where it is), and spreads ids that differ in
 * one byte anywhere, or only in length. */
static void
test_hash (void)
{
  g_autoptr(GHashTable) hashes = g_hash_table_new (NULL, NULL);
  const char *id = "0f8fad5b-d9cb-469f-a165-70867728950e";
  g_autofree char *copy = g_strdup (id);

  g_assert_cmpuint (lk_id_set_hash (id), ==, lk_id_set_hash (copy));
  for (gsize at = 0; at < strlen (id); at++)
    {
      g_autofree char *changed = g_strdup (id);

      changed[at] = changed[at] == 'x' ? 'y' : 'x';
      g_hash_table_add (hashes, GUINT_TO_POINTER (lk_id_set_hash (changed)));
    }
  for (gsize len = 0; len <= strlen (id); len++)
    {
      g_autofree char *prefix = g_strndup (id, len);

      g_hash_table_add (hashes, GUINT_TO_POINTER (lk_id_set_hash (prefix)));
    }
  g_assert_cmpuint (g_hash_table_size (hashes), ==, 2 * strlen (id) + 1);
}

/* Counts the ids asked for, for the hashed adds. */
typedef struct
{
  GPtrArray *ids;
  guint      asked;
} Counted;

static const char *
counted_id_at (guint    index,
               gpointer user_data)
{
  Counted *counted = user_data;

  counted->asked++;
  return g_ptr_array_index (counted->ids, index);
}

/* Adds with the hash made elsewhere (as the listing's page readers do) keep the same set as
 * lk_id_set_add(): duplicates, also among colliding hashes, are found, and the ids are asked
 * for only where a slot holds an equal hash, never for an id whose hash is new. */
static void
test_add_hashed (void)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(LkIdSet) set = lk_id_set_new ();
  g_autoptr(GHashTable) hashes = g_hash_table_new (NULL, NULL);
  Counted counted = { ids, 0 };
  guint equal_hashes = 0;

  for (guint i = 0; i < 50000; i++)
    {
      char *id = g_strdup_printf ("%08x-0000-4000-8000-%012u", i * 2654435761u, i);
      guint32 hash = lk_id_set_hash (id);

      equal_hashes += g_hash_table_contains (hashes, GUINT_TO_POINTER (hash));
      g_hash_table_add (hashes, GUINT_TO_POINTER (hash));
      /* The caller keeps the id where it says before adding it. */
      g_ptr_array_add (ids, id);
      g_assert_true (lk_id_set_add_hashed (set, hash, ids->len - 1, counted_id_at, &counted));
    }
  /* Each equal hash asks for two ids (the one kept, the one added); nothing else asks. */
  g_assert_cmpuint (counted.asked, ==, equal_hashes * 2);
  g_assert_cmpuint (lk_id_set_size (set), ==, 50000);
  assert_all_kept (set, ids, 5);

  /* A copy of an id kept, added by hash: found, so not added. */
  for (guint i = 0; i < 50000; i += 11)
    {
      g_ptr_array_add (ids, g_strdup (g_ptr_array_index (ids, i)));
      g_assert_false (lk_id_set_add_hashed (set, lk_id_set_hash (g_ptr_array_index (ids, i)),
                                            ids->len - 1, counted_id_at, &counted));
      g_ptr_array_set_size (ids, ids->len - 1);
    }
  g_assert_cmpuint (lk_id_set_size (set), ==, 50000);

  /* Colliding hashes, by hash: both kept, each found again. */
  {
    g_autoptr(GPtrArray) pair = g_ptr_array_new ();
    g_autoptr(LkIdSet) small = lk_id_set_new ();
    Counted counted_pair = { pair, 0 };

    g_ptr_array_add (pair, "Aa");
    g_assert_true (lk_id_set_add_hashed (small, 7, 0, counted_id_at, &counted_pair));
    g_assert_cmpuint (counted_pair.asked, ==, 0);
    g_ptr_array_add (pair, "B@");
    g_assert_true (lk_id_set_add_hashed (small, 7, 1, counted_id_at, &counted_pair));
    g_assert_cmpuint (counted_pair.asked, ==, 2);
    g_ptr_array_add (pair, "B@");
    g_assert_false (lk_id_set_add_hashed (small, 7, 2, counted_id_at, &counted_pair));
    g_assert_cmpuint (lk_id_set_size (small), ==, 2);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/id-set/add", test_add);
  g_test_add_func ("/id-set/colliding-hashes", test_colliding_hashes);
  g_test_add_func ("/id-set/hash", test_hash);
  g_test_add_func ("/id-set/add-hashed", test_add_hashed);
  g_test_add_func ("/id-set/grows-in-steps", test_grows_in_steps);
  g_test_add_func ("/id-set/grows-into-ready-tables", test_grows_into_ready_tables);
  g_test_add_func ("/id-set/freed-while-making", test_freed_while_making);
  return g_test_run ();
}
