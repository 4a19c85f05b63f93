/* lk-cli-chunks.h: latchkey-cli's buffered stdout, and long listings formatted in chunks on
 * worker threads, written in order.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Items per chunk, and the most chunks formatted at once (see HACKING.md, "The CLI's output"). */
#define LK_CLI_CHUNK_ITEMS 512
#define LK_CLI_MAX_WORKERS 4

/* Formats (or looks at) items [@start, @end), which are chunk @chunk, into @out. Runs on a
 * worker thread, at the same time as other chunks' calls: it may read what every chunk reads,
 * and write only @out and what belongs to its own chunk. */
typedef void (*LkCliChunkFunc) (guint    chunk,
                                guint    start,
                                guint    end,
                                GString *out,
                                gpointer user_data);

/* Writes @out to stdout and empties it; @out must end on a character boundary. */
void   lk_cli_out_flush       (GString        *out);
/* Flushes @out and stdout. */
void   lk_cli_out_finish      (GString        *out);

guint  lk_cli_chunk_count     (guint           n_items);

/* Calls @func for every chunk of @n_items, several at once, and writes each chunk's @out to
 * stdout in the chunks' order as soon as it and those before it are done. At most a few chunks
 * are held at a time, whatever @n_items is. A single chunk is formatted on the calling thread. */
void   lk_cli_write_chunked   (guint           n_items,
                               LkCliChunkFunc  func,
                               gpointer        user_data);

/* Pages of a listing as they arrive (--jsonl): each formatted whole by @func on a worker thread
 * while the listing goes on, and written to stdout in the order they were pushed, flushed page
 * by page. The pushing thread waits only while LK_CLI_STREAM_AHEAD pages are in hand, so memory
 * stays at a few pages whatever the listing's size. */
#define LK_CLI_STREAM_AHEAD 4

typedef struct _LkCliStream LkCliStream;

LkCliStream *lk_cli_stream_new    (LkCliChunkFunc  func);
/* Takes @items, which @func formats as one chunk of @n_items; @items_free frees them once the
 * page is written. */
void         lk_cli_stream_push   (LkCliStream    *stream,
                                   guint           n_items,
                                   gpointer        items,
                                   GDestroyNotify  items_free);
/* Waits for every page pushed, written, and frees @stream. */
void         lk_cli_stream_finish (LkCliStream    *stream);

G_END_DECLS
