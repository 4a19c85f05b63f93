/* lk-id-set.h: which ids a listing has seen, for its duplicate check. Eight bytes a slot (an
 * id's hash and where the caller keeps the id), at most three quarters full: a GHashTable of
 * borrowed ids took twelve a slot, at most fifteen sixteenths full but doubled on growth,
 * about 25 bytes per device at a million and half as much again while it grew.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LkIdSet LkIdSet;

/* The id the caller keeps at @index (asked only when hashes collide). */
typedef const char *(*LkIdSetLookup) (guint    index,
                                      gpointer user_data);

LkIdSet    *lk_id_set_new   (void);
void        lk_id_set_free  (LkIdSet *set);
/* Adds @id, which the caller keeps at @index, unless an equal id is in the set already;
 * returns whether it was added. */
gboolean    lk_id_set_add   (LkIdSet       *set,
                             const char    *id,
                             guint          index,
                             LkIdSetLookup  lookup,
                             gpointer       user_data);
/* The hash lk_id_set_add() gives @id. A caller that reads its ids on other threads hashes
 * them there, while they are in that core's cache, and adds them with the next. */
guint32     lk_id_set_hash  (const char *id);
/* lk_id_set_add() with @id's lk_id_set_hash(): the id itself, which the caller keeps at @index
 * already, is asked of @lookup only where a slot holds an equal hash. */
gboolean    lk_id_set_add_hashed (LkIdSet       *set,
                                  guint32        hash,
                                  guint          index,
                                  LkIdSetLookup  lookup,
                                  gpointer       user_data);
/* Asks the CPU for the slots an add of @hash reads first, which a large set holds out of the
 * cache (16 MB of slots at a million ids): a caller adding many ids asks a few adds ahead. A
 * hint only: the set may grow meanwhile, and nothing is read or written. */
void        lk_id_set_prefetch (LkIdSet *set,
                                guint32  hash);
guint       lk_id_set_size  (LkIdSet *set);
/* TRUE while the set moves its ids into a larger table, a few per add (for tests). */
gboolean    lk_id_set_is_growing (LkIdSet *set);
/* How many times it grew into a table a thread had made ready (for tests). */
guint       lk_id_set_get_n_ready (LkIdSet *set);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkIdSet, lk_id_set_free)

G_END_DECLS
