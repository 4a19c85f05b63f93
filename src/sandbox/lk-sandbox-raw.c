/* lk-sandbox-raw.c: LK_FAULT_RAW, an answer written byte for byte on the stolen connection —
 * whatever a hostile server or proxy may send (a redirect elsewhere, a gzip body, a nested
 * body), at full speed or one byte at a time.
 *
 * A slow answer is written by a thread of its own, so the sandbox keeps serving other requests
 * meanwhile; lk_sandbox_stop() stops and joins every writer (sb_raw_writers_stop()).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-sandbox-private.h"

typedef struct
{
  GIOStream    *stream;
  GBytes       *bytes;
  guint         delay_ms;
  SbRawWriters *writers;
} RawJob;

static gboolean
stopping (SbRawWriters *writers)
{
  return g_atomic_int_get (&writers->stopping) != 0;
}

/* Sleeps @ms in small steps, so a stop is never held up by a long pause. */
static void
pause_ms (SbRawWriters *writers,
          guint         ms)
{
  for (guint slept = 0; slept < ms && !stopping (writers); slept += 10)
    g_usleep (10 * 1000);
}

static gpointer
write_slowly (gpointer data)
{
  RawJob *job = data;
  GOutputStream *out = g_io_stream_get_output_stream (job->stream);
  gsize len;
  const guint8 *bytes = g_bytes_get_data (job->bytes, &len);

  const char *body = g_strstr_len ((const char *) bytes, (gssize) len, "\r\n\r\n");
  gsize head = body != NULL ? (gsize) (body - (const char *) bytes) + 4 : 0;

  /* The status line and headers at once (a server that is slow to send them looks the same
   * as a silent one), then the body a byte at a time; stops at the first failed write: the
   * client gave up and closed its end. */
  if (head > 0 && !g_output_stream_write_all (out, bytes, head, NULL, NULL, NULL))
    len = 0;
  for (gsize i = head; i < len && !stopping (job->writers); i++)
    {
      if (!g_output_stream_write_all (out, bytes + i, 1, NULL, NULL, NULL))
        break;
      pause_ms (job->writers, job->delay_ms);
    }
  g_io_stream_close (job->stream, NULL, NULL);
  g_object_unref (job->stream);
  g_bytes_unref (job->bytes);
  g_free (job);
  return NULL;
}

void
sb_raw_send (SbRawWriters *writers,
             GIOStream    *stream,
             GSocket      *socket,
             GBytes       *bytes,
             guint         delay_ms)
{
  RawJob *job;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  if (socket != NULL)
    g_socket_set_blocking (socket, TRUE);
  if (delay_ms == 0)
    {
      g_output_stream_write_all (g_io_stream_get_output_stream (stream), data, len, NULL, NULL, NULL);
      g_io_stream_close (stream, NULL, NULL);
      return;
    }
  job = g_new0 (RawJob, 1);
  job->stream = g_object_ref (stream);
  job->bytes = g_bytes_ref (bytes);
  job->delay_ms = delay_ms;
  job->writers = writers;
  g_mutex_lock (&writers->lock);
  g_ptr_array_add (writers->threads, g_thread_new ("sandbox-raw", write_slowly, job));
  g_mutex_unlock (&writers->lock);
}

void
sb_raw_writers_init (SbRawWriters *writers)
{
  g_mutex_init (&writers->lock);
  writers->threads = g_ptr_array_new ();
  writers->stopping = 0;
}

void
sb_raw_writers_stop (SbRawWriters *writers)
{
  g_autoptr(GPtrArray) threads = NULL;

  g_atomic_int_set (&writers->stopping, 1);
  g_mutex_lock (&writers->lock);
  threads = g_steal_pointer (&writers->threads);
  writers->threads = g_ptr_array_new ();
  g_mutex_unlock (&writers->lock);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  g_atomic_int_set (&writers->stopping, 0);
}

void
sb_raw_writers_clear (SbRawWriters *writers)
{
  sb_raw_writers_stop (writers);
  g_clear_pointer (&writers->threads, g_ptr_array_unref);
  g_mutex_clear (&writers->lock);
}
