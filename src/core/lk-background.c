/* lk-background.c: a few threads at a lower scheduling priority than the main thread, for what
 * an interactive program's main loop must never wait for: reading and ranking a listing's
 * pages, classifying a million devices, dropping the devices of a search given up.
 *
 * On a two-core machine the window's main thread shares the cores with that work (and with the
 * X server, and in the benchmark with the sandbox): at equal priority the scheduler let a
 * worker run on for a slice of several milliseconds while the main thread, woken for a frame,
 * waited its turn, so a frame's 3–5 ms of work became a 16–22 ms stall. A thread a few nice
 * levels down yields as soon as the main thread wakes. Dropping a million devices (a search
 * that replaces them, ~1 s of freeing) moved here too: in 4096-device idle steps on the main
 * thread each step was 4–5 ms of its CPU.
 *
 * The pool is exclusive: its threads run nothing else, so the priority they take stays with
 * them (an unprivileged thread cannot raise it back, so a thread of GLib's shared pool, which
 * GTask uses, must never be lowered). Linux only: elsewhere the threads run at the usual
 * priority, which is what GLib's pool gave.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lk-background.h"

#ifdef __linux__
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

/* Enough for a page being read while a list is dropped; more would only compete. */
#define MAX_THREADS 4

typedef struct
{
  GTask           *task;   /* NULL: a release */
  GTaskThreadFunc  func;
  GPtrArray       *array;
} Job;

static GPrivate lowered;

/* The pool's threads were made by the thread that first needed one (the main thread) and start
 * at its priority: each lowers itself once. On Linux a thread's nice value is its own
 * (setpriority() with a thread id). */
static void
lower_this_thread (void)
{
#ifdef __linux__
  pid_t tid = (pid_t) syscall (SYS_gettid);
  int nice;

  if (g_private_get (&lowered) != NULL)
    return;
  g_private_set (&lowered, GINT_TO_POINTER (1));
  errno = 0;
  nice = getpriority (PRIO_PROCESS, (id_t) tid);
  if (errno == 0 && setpriority (PRIO_PROCESS, (id_t) tid, MIN (nice + LK_BACKGROUND_NICE, 19)) != 0)
    g_debug ("Background threads keep the usual priority: %s", g_strerror (errno));
#endif
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  Job *job = data;

  lower_this_thread ();
  if (job->task != NULL)
    {
      job->func (job->task, g_task_get_source_object (job->task), g_task_get_task_data (job->task),
                 g_task_get_cancellable (job->task));
      /* As GLib's pool does: this may be the task's last reference. */
      g_object_unref (job->task);
    }
  else
    g_ptr_array_unref (job->array);
  g_free (job);
}

static GThreadPool *
pool (void)
{
  static GThreadPool *threads;

  if (g_once_init_enter (&threads))
    {
      guint n = CLAMP (g_get_num_processors (), 2, MAX_THREADS);

      g_once_init_leave (&threads, g_thread_pool_new (run_job, NULL, (int) n, TRUE, NULL));
    }
  return threads;
}

/* Runs @func on a background thread, as g_task_run_in_thread() does on GLib's pool: it must
 * return the task's value (g_task_return_*() may be called from any thread). */
void
lk_background_run_task (GTask           *task,
                        GTaskThreadFunc  func)
{
  Job *job;

  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  job = g_new0 (Job, 1);
  job->task = g_object_ref (task);
  job->func = func;
  g_thread_pool_push (pool (), job, NULL);
}

/* Drops @array (its last reference, taken) on a background thread, and with it the references
 * it holds: for objects no other thread borrows without a reference of its own, whose
 * finalization touches nothing of one thread (devices). */
void
lk_background_unref (GPtrArray *array)
{
  Job *job;

  g_return_if_fail (array != NULL);

  job = g_new0 (Job, 1);
  job->array = array;
  g_thread_pool_push (pool (), job, NULL);
}
