/* lk-json-writer.h: JSON written value by value into a buffer, without a tree.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The CLI prints a million devices: a json-glib tree of them all, then one string of the whole
 * document, took gigabytes. This writes the same bytes as json-glib 1.6's generator (pretty:
 * two-space indent, "name" : value; compact: no spaces) followed by lk_text_json_inert(), so a
 * document can go out device by device. Nesting is at most LK_JSON_WRITER_MAX_DEPTH deep.
 *
 * The caller owns @out and may take bytes from it between values (e.g. write and truncate it). */
#define LK_JSON_WRITER_MAX_DEPTH 16

typedef struct _LkJsonWriter
{
  GString    *out;
  gboolean    pretty;
  guint       depth;
  guint       base;                              /* indent of a value written apart (init_at) */
  const char *name;                              /* of the next member, borrowed */
  guint       count[LK_JSON_WRITER_MAX_DEPTH];   /* values so far in each open container */
  gboolean    object[LK_JSON_WRITER_MAX_DEPTH];
} LkJsonWriter;

void lk_json_writer_init         (LkJsonWriter *writer,
                                  GString      *out,
                                  gboolean      pretty);
/* For a value written apart, into @out, to be put at nesting @depth of another writer's
 * document with lk_json_writer_raw(): the same bytes it would have written there. */
void lk_json_writer_init_at      (LkJsonWriter *writer,
                                  GString      *out,
                                  gboolean      pretty,
                                  guint         depth);
/* For elements of an array at the top of a document another writer began, after @n_before
 * elements: the same bytes that writer would write for them, so a long array can be written in
 * pieces apart. Ending the array on such a writer (@n_before: every element) closes it. */
void lk_json_writer_init_in_array (LkJsonWriter *writer,
                                   GString      *out,
                                   gboolean      pretty,
                                   guint         n_before);
/* Writes a value that a writer made with lk_json_writer_init_at() at this depth wrote. */
void lk_json_writer_raw          (LkJsonWriter *writer,
                                  const char   *json,
                                  gsize         len);
void lk_json_writer_begin_object (LkJsonWriter *writer);
void lk_json_writer_end_object   (LkJsonWriter *writer);
void lk_json_writer_begin_array  (LkJsonWriter *writer);
void lk_json_writer_end_array    (LkJsonWriter *writer);
/* The next value is this member of the open object; @name is borrowed until then. */
void lk_json_writer_member       (LkJsonWriter *writer,
                                  const char   *name);
/* NULL writes null. Invalid UTF-8 becomes U+FFFD, as lk_text_json_inert() makes it. */
void lk_json_writer_string       (LkJsonWriter *writer,
                                  const char   *value);
void lk_json_writer_boolean      (LkJsonWriter *writer,
                                  gboolean      value);
void lk_json_writer_null         (LkJsonWriter *writer);

G_END_DECLS
