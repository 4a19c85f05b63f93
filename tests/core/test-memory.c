/* test-memory.c: the allocations tuned for large listings.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lk-memory.h"

/* Whether the kernel gives huge pages only where a program asks for them (its default on
 * Debian): the one mode where lk_memory_alloc_large()'s advice changes anything. */
static gboolean
huge_pages_on_advice (void)
{
  g_autofree char *mode = NULL;

  return g_file_get_contents ("/sys/kernel/mm/transparent_hugepage/enabled", &mode, NULL, NULL)
         && strstr (mode, "[madvise]") != NULL;
}

/* The "THPeligible" line of the mapping that holds @address in /proc/self/smaps: 1 when the
 * kernel may back it with huge pages; -1 when the kernel does not say. */
static int
huge_page_eligible (gconstpointer address)
{
  g_autofree char *smaps = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean inside = FALSE;

  g_assert_true (g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL));
  lines = g_strsplit (smaps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 start, end;

      /* A mapping's first line: its range; the lines after it: "Name:  value". */
      if (sscanf (lines[i], "%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x ", &start, &end) == 2)
        inside = start <= (guintptr) address && (guintptr) address < end;
      else if (inside && g_str_has_prefix (lines[i], "THPeligible:"))
        return atoi (lines[i] + strlen ("THPeligible:"));
    }
  return -1;
}

/* Small and large blocks alike are g_malloc()'s to grow and free; from 2 MB on they start on
 * a 2 MB boundary and may be huge pages. */
static void
test_alloc_large (void)
{
  const gsize sizes[] = { 100, 2 * 1024 * 1024, 4456448 /* a page of whole devices */ };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      char *block = lk_memory_alloc_large (sizes[i]);

      memset (block, 'x', sizes[i]);
      if (sizes[i] >= 2 * 1024 * 1024)
        {
          g_assert_cmpuint ((guintptr) block % (2 * 1024 * 1024), ==, 0);
          if (huge_pages_on_advice () && huge_page_eligible (block) >= 0)
            g_assert_cmpint (huge_page_eligible (block), ==, 1);
        }
      block = g_realloc (block, sizes[i] * 2);
      g_assert_cmpint (block[0], ==, 'x');
      g_assert_cmpint (block[sizes[i] - 1], ==, 'x');
      g_free (block);
    }
}

/* How many of the whole pages inside [@block, @block + @bytes) are present. */
static gsize
pages_present (gpointer block,
               gsize    bytes)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  guintptr start = ((guintptr) block + page - 1) & ~(guintptr) (page - 1);
  guintptr end = ((guintptr) block + bytes) & ~(guintptr) (page - 1);
  g_autofree unsigned char *present = g_malloc0 ((end - start) / page + 1);
  gsize n = 0;

  g_assert_cmpint (mincore ((void *) start, end - start, present), ==, 0);
  for (gsize i = 0; i < (end - start) / page; i++)
    n += present[i] & 1;
  return n;
}

/* The memory a reader's next allocations take from its arena is made present on another
 * thread, soon after it asks, without its touching it. */
static void
test_prefault_ahead (void)
{
  const gsize bytes = 512 * 1024;
  const gsize pages = 2 * bytes / (gsize) sysconf (_SC_PAGESIZE);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gpointer probe, next;

  lk_memory_init ();
  /* glibc's malloc hands back the block just freed, from the arena's top; valgrind's and
   * AddressSanitizer's keep freed blocks aside, so there is no top to make present. */
  probe = malloc (2 * bytes);
  free (probe);
  next = malloc (2 * bytes);
  free (next);
  if (next != probe)
    {
      g_test_skip ("this malloc does not hand back the block it just freed (valgrind, AddressSanitizer)");
      return;
    }

  lk_memory_prefault (bytes);
  /* What the next allocation of that size gets: the arena's top, given back by the call. */
  next = malloc (2 * bytes);
  g_assert_true (next == probe);
  /* The first page holds malloc's header, which it wrote. */
  while (pages_present (next, 2 * bytes) < pages - 1 && g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_cmpuint (pages_present (next, 2 * bytes), >=, pages - 1);
  free (next);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memory/alloc-large", test_alloc_large);
  g_test_add_func ("/memory/prefault-ahead", test_prefault_ahead);

  return g_test_run ();
}
