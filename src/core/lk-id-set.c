/* lk-id-set.c: open addressing with linear probing over (hash, index + 1) pairs, grown a few
 * slots per add.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-id-set.h"

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
};

#define FIRST_SLOTS 1024
#define MOVE_PER_ADD 4

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
 * looked up again); frees it once every slot has moved. Its slots are never cleared: a
 * search there stays right while it lasts, and finding an id in both tables is harmless. */
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
  set->now.slots = g_new0 (Slot, set->now.mask + 1);
}

static gboolean
table_has (const Table   *table,
           guint32        hash,
           const char    *id,
           LkIdSetLookup  lookup,
           gpointer       user_data)
{
  for (guint at = mix (hash) & table->mask; table->slots[at].index != 0; at = (at + 1) & table->mask)
    if (table->slots[at].hash == hash
        && strcmp (lookup (table->slots[at].index - 1, user_data), id) == 0)
      return TRUE;
  return FALSE;
}

gboolean
lk_id_set_add (LkIdSet       *set,
               const char    *id,
               guint          index,
               LkIdSetLookup  lookup,
               gpointer       user_data)
{
  guint32 hash = g_str_hash (id);

  g_return_val_if_fail (index < G_MAXUINT32, FALSE);

  move_old (set, MOVE_PER_ADD);
  if ((set->len + 1) * 4 > (set->now.mask + 1) * 3)
    grow (set);
  if (table_has (&set->now, hash, id, lookup, user_data)
      || (set->old.slots != NULL && table_has (&set->old, hash, id, lookup, user_data)))
    return FALSE;
  put (&set->now, (Slot) { hash, index + 1 });
  set->len++;
  return TRUE;
}
