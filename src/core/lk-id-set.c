/* lk-id-set.c: open addressing with linear probing over (hash, index + 1) pairs.
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

struct _LkIdSet
{
  Slot  *slots;
  guint  mask;     /* slots - 1, a power of two less one */
  guint  len;
};

#define FIRST_SLOTS 1024

LkIdSet *
lk_id_set_new (void)
{
  LkIdSet *set = g_new0 (LkIdSet, 1);

  set->slots = g_new0 (Slot, FIRST_SLOTS);
  set->mask = FIRST_SLOTS - 1;
  return set;
}

void
lk_id_set_free (LkIdSet *set)
{
  g_free (set->slots);
  g_free (set);
}

guint
lk_id_set_size (LkIdSet *set)
{
  return set->len;
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
grow (LkIdSet *set)
{
  guint n = (set->mask + 1) * 2;
  Slot *slots = g_new0 (Slot, n);

  /* Only the stored hashes are read: no id is looked up again. */
  for (guint i = 0; i <= set->mask; i++)
    if (set->slots[i].index != 0)
      {
        guint at = mix (set->slots[i].hash) & (n - 1);

        while (slots[at].index != 0)
          at = (at + 1) & (n - 1);
        slots[at] = set->slots[i];
      }
  g_free (set->slots);
  set->slots = slots;
  set->mask = n - 1;
}

gboolean
lk_id_set_add (LkIdSet       *set,
               const char    *id,
               guint          index,
               LkIdSetLookup  lookup,
               gpointer       user_data)
{
  guint32 hash = g_str_hash (id);
  guint at;

  g_return_val_if_fail (index < G_MAXUINT32, FALSE);

  if ((set->len + 1) * 4 > (set->mask + 1) * 3)
    grow (set);
  for (at = mix (hash) & set->mask; set->slots[at].index != 0; at = (at + 1) & set->mask)
    if (set->slots[at].hash == hash
        && strcmp (lookup (set->slots[at].index - 1, user_data), id) == 0)
      return FALSE;
  set->slots[at] = (Slot) { hash, index + 1 };
  set->len++;
  return TRUE;
}
