/* lk-cli-chunks.c: latchkey-cli's buffered stdout, and long listings formatted in chunks on
 * worker threads, written in order.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include "lk-cli-chunks.h"

/* g_print() would flush stdout every call; this keeps its conversion to a non-UTF-8 console
 * charset, so the bytes are the same as it wrote. */
void
lk_cli_out_flush (GString *out)
{
  const char *charset;

  if (out->len == 0)
    return;
  if (g_get_console_charset (&charset))
    fwrite (out->str, 1, out->len, stdout);
  else
    g_print ("%s", out->str);
  g_string_truncate (out, 0);
}

void
lk_cli_out_finish (GString *out)
{
  lk_cli_out_flush (out);
  fflush (stdout);
}

guint
lk_cli_chunk_count (guint n_items)
{
  return n_items / LK_CLI_CHUNK_ITEMS + (n_items % LK_CLI_CHUNK_ITEMS != 0);
}

/* A chunk in flight. Threads: the writing thread fills in the range and pushes it; from then
 * until `done` (set under Chunks.lock) only the worker touches `out`; after that the writing
 * thread writes and empties it, and may push the slot again. */
typedef struct
{
  guint    index;
  GString *out;
  gboolean done;
} Chunk;

typedef struct
{
  guint           n_items;
  LkCliChunkFunc  func;
  gpointer        user_data;
  GMutex          lock;
  GCond           cond;
} Chunks;

static void
format_chunk (Chunks  *chunks,
              guint    index,
              GString *out)
{
  guint start = index * LK_CLI_CHUNK_ITEMS;

  chunks->func (index, start, MIN (start + LK_CLI_CHUNK_ITEMS, chunks->n_items), out,
                chunks->user_data);
}

static void
work_cb (gpointer data,
         gpointer user_data)
{
  Chunk *chunk = data;
  Chunks *chunks = user_data;

  format_chunk (chunks, chunk->index, chunk->out);
  g_mutex_lock (&chunks->lock);
  chunk->done = TRUE;
  g_cond_broadcast (&chunks->cond);
  g_mutex_unlock (&chunks->lock);
}

/* One chunk after the other on this thread: a short listing, or no thread to be had. */
static void
write_in_turn (Chunks *chunks)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < lk_cli_chunk_count (chunks->n_items); i++)
    {
      format_chunk (chunks, i, out);
      lk_cli_out_flush (out);
    }
}

static guint
n_workers (void)
{
  /* Two at least, so the threaded path is the one a one-core machine runs (and tests) too. */
  return CLAMP (g_get_num_processors (), 2, LK_CLI_MAX_WORKERS);
}

void
lk_cli_write_chunked (guint           n_items,
                      LkCliChunkFunc  func,
                      gpointer        user_data)
{
  Chunks chunks = { n_items, func, user_data };
  guint n_chunks = lk_cli_chunk_count (n_items);
  guint workers = n_workers ();
  /* Every worker busy while the chunk before theirs is written, and nothing more: memory
   * stays at a few chunks whatever the listing's size. */
  guint window = workers + 2;
  g_autofree Chunk *slots = NULL;
  GThreadPool *pool = NULL;
  guint pushed = 0;

  if (n_chunks > 1)
    pool = g_thread_pool_new (work_cb, &chunks, workers, TRUE, NULL);
  if (pool == NULL)
    {
      write_in_turn (&chunks);
      return;
    }

  g_mutex_init (&chunks.lock);
  g_cond_init (&chunks.cond);
  slots = g_new0 (Chunk, window);
  for (guint i = 0; i < window; i++)
    slots[i].out = g_string_new (NULL);
  for (guint written = 0; written < n_chunks; written++)
    {
      Chunk *next = &slots[written % window];

      for (; pushed < n_chunks && pushed - written < window; pushed++)
        {
          Chunk *slot = &slots[pushed % window];

          slot->index = pushed;
          slot->done = FALSE;
          g_thread_pool_push (pool, slot, NULL);
        }
      g_mutex_lock (&chunks.lock);
      while (!next->done)
        g_cond_wait (&chunks.cond, &chunks.lock);
      g_mutex_unlock (&chunks.lock);
      lk_cli_out_flush (next->out);
    }
  g_thread_pool_free (pool, FALSE, TRUE);
  for (guint i = 0; i < window; i++)
    g_string_free (slots[i].out, TRUE);
  g_cond_clear (&chunks.cond);
  g_mutex_clear (&chunks.lock);
}

/* --- pages as they arrive --------------------------------------------------------------------- */

typedef struct
{
  guint           n_items;
  gpointer        items;
  GDestroyNotify  items_free;
  GString        *out;
  gboolean        done;
} Page;

/* Threads: `pages` (oldest first), `writing` and each page's `done` are under `lock`. A page's
 * `out` is its worker's until `done`; then the one thread that is writing (`writing` set)
 * writes it and lets its items go, outside the lock, and only then takes it off `pages`: what
 * the pusher counts there is every page still holding devices. */
struct _LkCliStream
{
  LkCliChunkFunc  func;
  GThreadPool    *pool;   /* NULL: no thread to be had, each page is written as it is pushed */
  GMutex          lock;
  GCond           cond;
  GQueue          pages;
  gboolean        writing;
};

static void
page_let_go (Page *page)
{
  if (page->items_free != NULL)
    page->items_free (page->items);
  page->items_free = NULL;
}

static void
page_free (Page *page)
{
  page_let_go (page);
  g_string_free (page->out, TRUE);
  g_free (page);
}

/* Writes the pages at the head that are done, in their order, unless another thread is
 * writing already (it will find them). Called with the lock held; returns with it held. */
static void
write_ready (LkCliStream *stream)
{
  Page *page;

  if (stream->writing)
    return;
  stream->writing = TRUE;
  while ((page = g_queue_peek_head (&stream->pages)) != NULL && page->done)
    {
      g_mutex_unlock (&stream->lock);
      lk_cli_out_finish (page->out);
      page_let_go (page);
      g_mutex_lock (&stream->lock);
      g_queue_pop_head (&stream->pages);
      page_free (page);
      g_cond_broadcast (&stream->cond);
    }
  stream->writing = FALSE;
}

static void
stream_work_cb (gpointer data,
                gpointer user_data)
{
  Page *page = data;
  LkCliStream *stream = user_data;

  stream->func (0, 0, page->n_items, page->out, page->items);
  g_mutex_lock (&stream->lock);
  page->done = TRUE;
  write_ready (stream);
  g_mutex_unlock (&stream->lock);
}

LkCliStream *
lk_cli_stream_new (LkCliChunkFunc func)
{
  LkCliStream *stream = g_new0 (LkCliStream, 1);

  stream->func = func;
  g_mutex_init (&stream->lock);
  g_cond_init (&stream->cond);
  g_queue_init (&stream->pages);
  stream->pool = g_thread_pool_new (stream_work_cb, stream, n_workers (), TRUE, NULL);
  return stream;
}

void
lk_cli_stream_push (LkCliStream    *stream,
                    guint           n_items,
                    gpointer        items,
                    GDestroyNotify  items_free)
{
  Page *page = g_new0 (Page, 1);

  page->n_items = n_items;
  page->items = items;
  page->items_free = items_free;
  page->out = g_string_new (NULL);
  if (stream->pool == NULL)
    {
      stream->func (0, 0, n_items, page->out, items);
      lk_cli_out_finish (page->out);
      page_free (page);
      return;
    }

  g_mutex_lock (&stream->lock);
  while (g_queue_get_length (&stream->pages) >= LK_CLI_STREAM_AHEAD)
    g_cond_wait (&stream->cond, &stream->lock);
  g_queue_push_tail (&stream->pages, page);
  g_mutex_unlock (&stream->lock);
  g_thread_pool_push (stream->pool, page, NULL);
}

void
lk_cli_stream_finish (LkCliStream *stream)
{
  g_mutex_lock (&stream->lock);
  while (!g_queue_is_empty (&stream->pages))
    g_cond_wait (&stream->cond, &stream->lock);
  g_mutex_unlock (&stream->lock);
  if (stream->pool != NULL)
    g_thread_pool_free (stream->pool, FALSE, TRUE);
  g_cond_clear (&stream->cond);
  g_mutex_clear (&stream->lock);
  g_free (stream);
}
