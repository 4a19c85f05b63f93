/* test-memory.c: the allocations tuned for large listings.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memory/alloc-large", test_alloc_large);

  return g_test_run ();
}
