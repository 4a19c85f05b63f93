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
/* Makes @bytes of the calling thread's malloc arena present, in one system call. */
void lk_memory_prefault (gsize bytes);

G_END_DECLS
