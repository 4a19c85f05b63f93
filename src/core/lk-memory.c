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

#define LK_PAGE_MASK ((guintptr) 4095)
/* A transparent huge page: 2 MB on x86-64 (and arm64 with 4 kB pages). */
#define HUGE_BYTES ((gsize) 2 * 1024 * 1024)

/* The whole pages within [@start, @end) made present in one system call; FALSE where the
 * kernel refuses the advice (before 5.14). */
static gboolean
populate_pages (guintptr start,
                guintptr end)
{
#if defined(MADV_POPULATE_WRITE)
  start = (start + LK_PAGE_MASK) & ~LK_PAGE_MASK;
  end &= ~LK_PAGE_MASK;
  return end <= start || madvise ((void *) start, end - start, MADV_POPULATE_WRITE) == 0;
#else
  return FALSE;
#endif
}

/* Reads and writes back a byte of each page within [@start, @end). */
static void
touch_pages (guintptr start,
             guintptr end)
{
  for (guintptr at = start; at < end; at = (at & ~LK_PAGE_MASK) + LK_PAGE_MASK + 1)
    ((volatile char *) at)[0] = ((volatile char *) at)[0];
}

/* Where this thread's arena was last asked to be made present up to. */
static _Thread_local guintptr asked_end;

static void
populate_span (gpointer data,
               gpointer user_data)
{
  guintptr *span = data;

  (void) populate_pages (span[0], span[1]);
  g_free (span);
}

/* One thread, shared by every caller: it makes the spans present one after the other. */
static GThreadPool *
populator (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (populate_span, NULL, 1, FALSE, NULL));
  return pool;
}

void
lk_memory_prefault (gsize bytes)
{
#if defined(__GLIBC__) && defined(MADV_POPULATE_WRITE)
  guintptr start, end, *span;
  void *block;

  if (!g_atomic_int_get (&initialized) || bytes == 0 || bytes >= MMAP_THRESHOLD / 2)
    return;
  /* Taken from the arena and given back at once: with no trimming, the pages stay for the
   * allocations that follow, at the arena's top. Twice what is asked: this call's part was
   * (mostly) asked for by the call before, and is being made present on another thread; the
   * part after it is asked for now, for the next call. Asking twice, or for pages the caller
   * touches first, costs nothing but a look at page tables: the advice never changes what
   * the memory holds. Kernels before 5.14 refuse the advice; nothing lost. */
  block = malloc (2 * bytes);
  if (block == NULL)
    return;
  start = (guintptr) block;
  end = start + 2 * bytes;
  free (block);
  if (asked_end > start && asked_end < end)
    start = asked_end;
  asked_end = end;
  span = g_new (guintptr, 2);
  span[0] = start;
  span[1] = end;
  g_thread_pool_push (populator (), span, NULL);
#endif
}

void
lk_memory_make_present (gpointer block,
                        gsize    bytes)
{
  guintptr start = (guintptr) block, end = start + bytes;

  if (!populate_pages (start, end))
    touch_pages (start, end);
  else
    {
      /* The part pages at either end, which the advice left out. */
      touch_pages (start, MIN (end, (start + LK_PAGE_MASK) & ~LK_PAGE_MASK));
      touch_pages (MAX (start, end & ~LK_PAGE_MASK), end);
    }
}

gpointer
lk_memory_alloc_large (gsize bytes)
{
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
  if (bytes >= HUGE_BYTES)
    {
      gsize size = (bytes + HUGE_BYTES - 1) & ~(HUGE_BYTES - 1);
      gpointer block = aligned_alloc (HUGE_BYTES, size);

      if (block == NULL)
        g_error ("%s: failed to allocate %" G_GSIZE_FORMAT " bytes", G_STRLOC, size);
      /* Only advice: where the kernel has no huge page at hand, small ones come as before. */
      (void) madvise (block, size, MADV_HUGEPAGE);
      return block;
    }
#endif
  return g_malloc (bytes);
}

GPtrArray *
lk_memory_reserve_pointers (GPtrArray     *array,
                            gint64         n,
                            GDestroyNotify free_func)
{
  GPtrArray *roomy;

  n = MIN (n, (gint64) LK_MEMORY_RESERVE_MAX);
  if (n <= (gint64) array->len)
    return array;
  roomy = g_ptr_array_new_full ((guint) n, free_func);
  g_ptr_array_extend_and_steal (roomy, array);
  return roomy;
}
