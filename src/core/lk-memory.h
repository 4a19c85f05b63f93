/* lk-memory.h: malloc tuned for listings of 100 000 devices.
 *
 * A full listing builds ~65 MB of devices in the parsing threads. Touched page by page, that
 * is ~16 000 page faults, each several microseconds on a virtual machine: a fifth of the
 * listing's CPU time (see tests/bench/HISTORY.md). With malloc told to keep what it has (no
 * trimming, large blocks from the heap), each page of Graph's answer can fault in the memory
 * its devices will take in one system call, before reading them.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Once, at the start of a program that lists devices; before it, lk_memory_prefault() does
 * nothing. Freed memory then stays with the process (up to 64 MB) for the next listing. */
void lk_memory_init     (void);
/* Has the calling thread's malloc arena made present for its next allocations (twice @bytes
 * from its top, the part not asked for by its call before) on a thread of its own: a page
 * reader calls it before each page, and the kernel's zeroing of fresh memory (a fifth of the
 * reader's time at a million devices on the project's VM) runs on another core meanwhile. */
void lk_memory_prefault (gsize bytes);
/* Makes the pages of @block (@bytes long, its contents kept) present now, in this thread, so
 * whoever uses it later does not fault them in one by one. */
void lk_memory_make_present (gpointer block,
                             gsize    bytes);

/* g_malloc (@bytes), freed and grown with g_free() and g_realloc() like it; from 2 MB on,
 * whole 2 MB pages (rounded up) advised as transparent huge pages. For the bodies Graph's
 * pages are read into (4 MB of whole devices): the kernel writes them and a reader reads them
 * end to end, where small pages cost a fault each the first time (0.3 against 1.5 µs a 4 kB
 * page on the project's VM) and a TLB miss each every time. */
gpointer lk_memory_alloc_large (gsize bytes);

/* The most pointers lk_memory_reserve_pointers() makes room for: Graph's @odata.count is
 * the server's word, and a hostile one must not size anything (32 MB of address space here,
 * mapped as it is used). */
#define LK_MEMORY_RESERVE_MAX (4u * 1024 * 1024)

/* @array, or a new array with the same pointers and room for @n (at most
 * LK_MEMORY_RESERVE_MAX), freeing @array's container; the caller holds its only reference.
 * A pointer array that doubles as it fills copies itself into fresh memory each time: at a
 * million devices, 4 MB into 8 MB, ~1 000 page faults in one add (12-15 ms of the window's
 * main loop). Made room for once, it is filled page by page. */
GPtrArray *lk_memory_reserve_pointers (GPtrArray     *array,
                                       gint64         n,
                                       GDestroyNotify free_func);

G_END_DECLS
