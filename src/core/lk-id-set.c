/* lk-id-set.c: open addressing with linear probing over (hash, index + 1) pairs, grown a few
 * slots per add into a table a thread has made ready.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-id-set.h"
#include "lk-memory.h"

typedef struct
{
  guint32 hash;
  guint32 index;   /* the caller's index + 1; 0: empty */
} Slot;

/* A table of a power of two slots. */
typedef struct
{
  Slot  *slots;
  guint  mask;     /* slots - 1 */
} Table;

/* The next table, made on a thread with every page of it present. A fresh table's pages are
 * faulted in by the adds that first touch them, at random: twice a page (read, then write),
 * ~9 µs a fault on the project's VM, so the adds after each growth at a million devices
 * stalled the window's main loop for 12-16 ms (8 000 faults for the table of 2 M slots).
 * The thread starts when the table is five eighths full: the growth comes at three quarters
 * (at 2 M slots, 262 144 adds later), and a spare asked for sooner would be held for nothing
 * by a listing that ends before it (32 MB for the 4 M slots after a million devices). */
typedef struct
{
  GMutex lock;
  Slot  *slots;       /* set by the thread once ready; NULL before */
  guint  n_slots;
  gboolean given_up;  /* the set grew without it, or was freed: the thread frees the table */
} Spare;

/* Growing moves every id into a table twice as large. Done at once, that was one pass over
 * up to a million slots in the add that crossed the threshold (14-21 ms of the window's main
 * loop at 786 000 ids): the old table is kept instead and moved MOVE_PER_ADD slots per add,
 * and searched too until it is empty. It is emptied long before the new one is full: growth
 * starts at three quarters of n slots, and the n slots are moved within n / 4 adds, while
 * the new table of 2n fills to three quarters only after 3n / 4 more. */
struct _LkIdSet
{
  Table  now;
  Table  old;      /* slots == NULL: not growing */
  guint  moved;    /* the old table's slots moved so far, from the first */
  guint  len;
  Spare *spare;    /* the next table, being made; NULL: none asked for */
  guint  n_ready;  /* growths into a table the thread had made ready (for tests) */
};

#define FIRST_SLOTS 1024
#define MOVE_PER_ADD 4
/* Smaller tables are made where they are needed: 256 kB is ~70 faults. */
#define SPARE_MIN_SLOTS (32 * 1024)

static void
spare_clear (gpointer data)
{
  Spare *spare = data;

  g_free (spare->slots);
  g_mutex_clear (&spare->lock);
}

static gpointer
make_spare (gpointer data)
{
  Spare *spare = data;
  gsize bytes = (gsize) spare->n_slots * sizeof (Slot);
  Slot *slots = lk_memory_alloc_large (bytes);
  gboolean given_up;

  /* Zeroed here, which maps every page, off the listing's thread; in huge pages where the
   * kernel has them (lk_memory_alloc_large()), so the listing's probes at random slots of a
   * table of 16 or 32 MB do not miss the TLB a probe. */
  memset (slots, 0, bytes);
  g_mutex_lock (&spare->lock);
  given_up = spare->given_up;
  if (!given_up)
    spare->slots = g_steal_pointer (&slots);
  g_mutex_unlock (&spare->lock);
  g_free (slots);
  g_atomic_rc_box_release_full (spare, spare_clear);
  return NULL;
}

static void
ask_spare (LkIdSet *set,
           guint    n_slots)
{
  Spare *spare = g_atomic_rc_box_new0 (Spare);
  GThread *thread;

  g_mutex_init (&spare->lock);
  spare->n_slots = n_slots;
  /* One reference for the thread, one for the set. */
  g_atomic_rc_box_acquire (spare);
  thread = g_thread_try_new ("lk-id-set", make_spare, spare, NULL);
  if (thread == NULL)
    {
      /* No thread: the table is made where it is needed, as for small ones. */
      g_atomic_rc_box_release_full (spare, spare_clear);
      g_atomic_rc_box_release_full (spare, spare_clear);
      spare = NULL;
    }
  else
    g_thread_unref (thread);
  set->spare = spare;
}

/* The spare table if the thread has made it, else NULL; either way the set lets it go. */
static Slot *
take_spare (LkIdSet *set)
{
  Slot *slots = NULL;

  if (set->spare == NULL)
    return NULL;
  g_mutex_lock (&set->spare->lock);
  if (set->spare->slots != NULL)
    slots = g_steal_pointer (&set->spare->slots);
  else
    set->spare->given_up = TRUE;
  g_mutex_unlock (&set->spare->lock);
  g_atomic_rc_box_release_full (g_steal_pointer (&set->spare), spare_clear);
  return slots;
}

LkIdSet *
lk_id_set_new (void)
{
  LkIdSet *set = g_new0 (LkIdSet, 1);

  set->now.slots = g_new0 (Slot, FIRST_SLOTS);
  set->now.mask = FIRST_SLOTS - 1;
  return set;
}

void
lk_id_set_free (LkIdSet *set)
{
  g_free (take_spare (set));
  g_free (set->now.slots);
  g_free (set->old.slots);
  g_free (set);
}

guint
lk_id_set_size (LkIdSet *set)
{
  return set->len;
}

gboolean
lk_id_set_is_growing (LkIdSet *set)
{
  return set->old.slots != NULL;
}

guint
lk_id_set_get_n_ready (LkIdSet *set)
{
  return set->n_ready;
}

/* Spreads g_str_hash's low bits, which linear probing uses. */
static guint32
mix (guint32 hash)
{
  hash ^= hash >> 16;
  hash *= 0x45d9f3bu;
  return hash ^ (hash >> 16);
}

static void
put (Table *table,
     Slot   slot)
{
  guint at = mix (slot.hash) & table->mask;

  while (table->slots[at].index != 0)
    at = (at + 1) & table->mask;
  table->slots[at] = slot;
}

/* Moves up to @n of the old table's slots (only their stored hashes are read: no id is
 * looked up again); frees it once every slot has moved. Its slots are never cleared, so a
 * search there still follows every chain; table_has() asks only for the ids not moved yet. */
static void
move_old (LkIdSet *set,
          guint    n)
{
  guint end;

  if (set->old.slots == NULL)
    return;
  end = MIN (set->moved + n, set->old.mask + 1);
  for (; set->moved < end; set->moved++)
    if (set->old.slots[set->moved].index != 0)
      put (&set->now, set->old.slots[set->moved]);
  if (set->moved > set->old.mask)
    {
      g_clear_pointer (&set->old.slots, g_free);
      set->moved = 0;
    }
}

static void
grow (LkIdSet *set)
{
  /* Not reached while growing (see above); were it ever, finishing the move keeps it right. */
  move_old (set, G_MAXUINT);
  set->old = set->now;
  set->moved = 0;
  set->now.mask = (set->old.mask + 1) * 2 - 1;
  set->now.slots = take_spare (set);
  if (set->now.slots != NULL)
    set->n_ready++;
  else
    set->now.slots = g_new0 (Slot, set->now.mask + 1);
}

/* The id the caller adds: given, or asked of @lookup at its index the first time an equal
 * hash needs it. */
typedef struct
{
  const char    *id;
  guint          index;
  LkIdSetLookup  lookup;
  gpointer       user_data;
} NewId;

static const char *
new_id (NewId *added)
{
  if (added->id == NULL)
    added->id = added->lookup (added->index, added->user_data);
  return added->id;
}

/* Whether @table holds @added's id. Its slots before @moved are in the new table already
 * (move_old()): their chains are followed, but their ids are not asked for a second time. */
static gboolean
table_has (const Table *table,
           guint        moved,
           guint32      hash,
           NewId       *added)
{
  for (guint at = mix (hash) & table->mask; table->slots[at].index != 0; at = (at + 1) & table->mask)
    if (at >= moved && table->slots[at].hash == hash
        && strcmp (added->lookup (table->slots[at].index - 1, added->user_data), new_id (added)) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
add (LkIdSet *set,
     guint32  hash,
     NewId   *added)
{
  g_return_val_if_fail (added->index < G_MAXUINT32, FALSE);

  move_old (set, MOVE_PER_ADD);
  if ((set->len + 1) * 4 > (set->now.mask + 1) * 3)
    grow (set);
  else if (set->spare == NULL && (set->now.mask + 1) * 2 >= SPARE_MIN_SLOTS
           && (set->len + 1) * 8 > (set->now.mask + 1) * 5)
    ask_spare (set, (set->now.mask + 1) * 2);
  if (table_has (&set->now, 0, hash, added)
      || (set->old.slots != NULL && table_has (&set->old, set->moved, hash, added)))
    return FALSE;
  put (&set->now, (Slot) { hash, added->index + 1 });
  set->len++;
  return TRUE;
}

void
lk_id_set_prefetch (LkIdSet *set,
                    guint32  hash)
{
  __builtin_prefetch (&set->now.slots[mix (hash) & set->now.mask]);
  if (set->old.slots != NULL)
    __builtin_prefetch (&set->old.slots[mix (hash) & set->old.mask]);
}

/* Eight bytes at a time (Graph's ids are 36-character GUIDs; g_str_hash(), a byte at a
 * time, was 2 % of reading a page), from a key drawn once a process: which ids share a slot
 * cannot be worked out ahead, as it can for g_str_hash() ("Aa" and "B@"), by a service
 * wanting every id of a listing in one run of slots. */
guint32
lk_id_set_hash (const char *id)
{
  static gsize key;
  gsize len = strlen (id);
  guint64 hash, word;

  if (g_once_init_enter (&key))
    g_once_init_leave (&key, (gsize) (((guint64) g_random_int () << 32 | g_random_int ()) | 1));
  hash = (guint64) key ^ (len * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));
  for (; len >= 8; id += 8, len -= 8)
    {
      memcpy (&word, id, 8);
      hash = (hash ^ word) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
      hash ^= hash >> 31;
    }
  word = 0;
  memcpy (&word, id, len);
  hash = (hash ^ word) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  hash ^= hash >> 29;
  return (guint32) (hash ^ (hash >> 32));
}

gboolean
lk_id_set_add (LkIdSet       *set,
               const char    *id,
               guint          index,
               LkIdSetLookup  lookup,
               gpointer       user_data)
{
  NewId added = { id, index, lookup, user_data };

  return add (set, lk_id_set_hash (id), &added);
}

gboolean
lk_id_set_add_hashed (LkIdSet       *set,
                      guint32        hash,
                      guint          index,
                      LkIdSetLookup  lookup,
                      gpointer       user_data)
{
  NewId added = { NULL, index, lookup, user_data };

  return add (set, hash, &added);
}
