/* test-background.c: lk-background.c's threads run below the main thread's priority, and
 * GLib's shared pool (the CLI's workers, everything else's) stays at it.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#ifdef __linux__
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "lk-background.h"

#include "../lk-test-common.h"

#ifdef __linux__
/* This thread's nice value (per thread on Linux). */
static int
thread_nice (void)
{
  errno = 0;
  return getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid));
}

static void
nice_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  g_task_return_int (task, thread_nice ());
}

static gssize
nice_of_a_task (gboolean background)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  if (background)
    lk_background_run_task (task, nice_in_thread);
  else
    g_task_run_in_thread (task, nice_in_thread);
  g_assert_true (lk_test_wait_until ((gboolean (*) (gpointer)) g_task_get_completed, task));
  return g_task_propagate_int (task, NULL);
}
#endif

static void
test_lowered (void)
{
#ifdef __linux__
  int main_nice = thread_nice ();

  /* Several tasks: each of the pool's threads lowers itself the first time. */
  for (guint i = 0; i < 6; i++)
    g_assert_cmpint (nice_of_a_task (TRUE), ==, MIN (main_nice + LK_BACKGROUND_NICE, 19));
  g_assert_cmpint (thread_nice (), ==, main_nice);
  /* GLib's pool, which GTask and the CLI's listing use, is never lowered. */
  for (guint i = 0; i < 6; i++)
    g_assert_cmpint (nice_of_a_task (FALSE), ==, main_nice);
#else
  g_test_skip ("thread priorities are lowered on Linux only");
#endif
}

typedef struct
{
  GThread *thread;
  int      nice;
  gint     gone;
} Gone;

static void
gone_cb (gpointer  user_data,
         GObject  *where_the_object_was)
{
  Gone *gone = user_data;

  gone->thread = g_thread_self ();
#ifdef __linux__
  gone->nice = thread_nice ();
#endif
  g_atomic_int_set (&gone->gone, 1);
}

static gboolean
is_gone (gpointer data)
{
  return g_atomic_int_get (&((Gone *) data)->gone) != 0;
}

/* An array given up is dropped on a background thread, references and all. */
static void
test_unref (void)
{
  GPtrArray *array = g_ptr_array_new_with_free_func (g_object_unref);
  Gone gone = { 0 };

  for (guint i = 0; i < 1000; i++)
    g_ptr_array_add (array, g_object_new (G_TYPE_OBJECT, NULL));
  g_object_weak_ref (g_ptr_array_index (array, 999), gone_cb, &gone);
  lk_background_unref (array);
  g_assert_true (lk_test_wait_until (is_gone, &gone));
  g_assert_true (gone.thread != g_thread_self ());
#ifdef __linux__
  g_assert_cmpint (gone.nice, ==, MIN (thread_nice () + LK_BACKGROUND_NICE, 19));
#endif
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/background/lowered", test_lowered);
  g_test_add_func ("/background/unref", test_unref);
  return g_test_run ();
}
