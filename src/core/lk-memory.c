/* lk-memory.c: malloc tuned for listings of 100 000 devices.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <malloc.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "lk-memory.h"

/* A page of Graph's answer is at most ~1 MB; its devices take less than the page. */
#define MMAP_THRESHOLD (8 * 1024 * 1024)
#define TRIM_THRESHOLD (64 * 1024 * 1024)
#define TOP_PAD        (1024 * 1024)

static gint initialized;

void
lk_memory_init (void)
{
#if defined(__GLIBC__) && defined(MADV_POPULATE_WRITE)
  if (!g_atomic_int_compare_and_exchange (&initialized, 0, 1))
    return;
  /* Fixed values also turn off glibc's own threshold tuning, which would move them back. */
  mallopt (M_MMAP_THRESHOLD, MMAP_THRESHOLD);
  mallopt (M_TRIM_THRESHOLD, TRIM_THRESHOLD);
  mallopt (M_TOP_PAD, TOP_PAD);
#endif
}

void
lk_memory_prefault (gsize bytes)
{
#if defined(__GLIBC__) && defined(MADV_POPULATE_WRITE)
  guintptr start, end;
  void *block;

  if (!g_atomic_int_get (&initialized) || bytes == 0 || bytes >= MMAP_THRESHOLD)
    return;
  /* Taken from the arena and given back at once: with no trimming, the pages stay, present,
   * for the allocations that follow. Kernels before 5.14 refuse the advice; nothing lost. */
  block = malloc (bytes);
  if (block == NULL)
    return;
  start = ((guintptr) block + 4095) & ~(guintptr) 4095;
  end = ((guintptr) block + bytes) & ~(guintptr) 4095;
  if (end > start)
    (void) madvise ((void *) start, end - start, MADV_POPULATE_WRITE);
  free (block);
#endif
}
