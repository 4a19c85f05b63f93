/* lk-body-pool.h: recycled buffers for the bodies of Graph's answers (a performance measure:
 * see lk-body-pool.c for why, and tests/bench/HISTORY.md for what it buys). Thread-safe: a body
 * may be released by the worker thread that parsed it.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A buffer of at least @wanted bytes; *@size: its real size, to give back with it. */
guint8 *lk_body_pool_take (gsize   wanted,
                           gsize  *size);
/* Keeps a large buffer for the next body; wipes and frees a small one (it may hold a secret). */
void    lk_body_pool_give (guint8 *data,
                           gsize   size);
/* @len bytes of @data (of @size) as GBytes that give the buffer back when released. */
GBytes *lk_body_pool_wrap (guint8 *data,
                           gsize   len,
                           gsize   size);

G_END_DECLS
