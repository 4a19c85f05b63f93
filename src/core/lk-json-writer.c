/* lk-json-writer.c: JSON written value by value into a buffer, without a tree.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-json-writer.h"
#include "lk-text.h"

void
lk_json_writer_init (LkJsonWriter *writer,
                     GString      *out,
                     gboolean      pretty)
{
  memset (writer, 0, sizeof *writer);
  writer->out = out;
  writer->pretty = pretty;
}

void
lk_json_writer_init_at (LkJsonWriter *writer,
                        GString      *out,
                        gboolean      pretty,
                        guint         depth)
{
  lk_json_writer_init (writer, out, pretty);
  writer->base = depth;
}

void
lk_json_writer_init_in_array (LkJsonWriter *writer,
                              GString      *out,
                              gboolean      pretty,
                              guint         n_before)
{
  lk_json_writer_init (writer, out, pretty);
  writer->depth = 1;
  writer->object[0] = FALSE;
  writer->count[0] = n_before;
}

/* g_string_append_len() is a call into GLib per piece; a million devices have ~40 million
 * pieces. Appended here in place, the buffer grown by GString when full. */
static inline void
put (GString    *out,
     const char *text,
     gsize       len)
{
  if (G_UNLIKELY (out->len + len >= out->allocated_len))
    {
      gsize kept = out->len;

      g_string_set_size (out, kept + len);
      out->len = kept;
    }
  memcpy (out->str + out->len, text, len);
  out->len += len;
  out->str[out->len] = '\0';
}

static inline void
put_c (GString *out,
       char     c)
{
  put (out, &c, 1);
}

static void
indent (LkJsonWriter *writer,
        guint         level)
{
  static const char spaces[] = "                                ";

  level += writer->base;
  for (guint i = 0; i < level; i += 16)
    put (writer->out, spaces, 2 * MIN (16, level - i));
}

/* json-glib's generator escapes only '"', '\\', 0x01–0x1e and 0x7f (0x1f is an off-by-one it
 * leaves raw); lk_text_json_inert() then writes every other unsafe character as \uXXXX and
 * makes invalid UTF-8 U+FFFD, byte by byte. Together: */
static void
append_char (GString  *out,
             gunichar  c)
{
  switch (c)
    {
    case '"': put (out, "\\\"", 2); return;
    case '\\': put (out, "\\\\", 2); return;
    case '\b': put (out, "\\b", 2); return;
    case '\f': put (out, "\\f", 2); return;
    case '\n': put (out, "\\n", 2); return;
    case '\r': put (out, "\\r", 2); return;
    case '\t': put (out, "\\t", 2); return;
    default:
      if (lk_text_char_is_unsafe (c))
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_unichar (out, c);
    }
}

/* Bytes copied as they are: printable ASCII but '"' and '\\'. */
#define PLAIN_16(c) PLAIN (c), PLAIN (c + 1), PLAIN (c + 2), PLAIN (c + 3), PLAIN (c + 4), \
  PLAIN (c + 5), PLAIN (c + 6), PLAIN (c + 7), PLAIN (c + 8), PLAIN (c + 9), PLAIN (c + 10), \
  PLAIN (c + 11), PLAIN (c + 12), PLAIN (c + 13), PLAIN (c + 14), PLAIN (c + 15)
#define PLAIN(c) ((c) >= 0x20 && (c) < 0x7f && (c) != '"' && (c) != '\\')
static const guint8 plain[256] = {
  PLAIN_16 (0x00), PLAIN_16 (0x10), PLAIN_16 (0x20), PLAIN_16 (0x30),
  PLAIN_16 (0x40), PLAIN_16 (0x50), PLAIN_16 (0x60), PLAIN_16 (0x70),
};
#undef PLAIN
#undef PLAIN_16

static void
append_string (GString    *out,
               const char *text)
{
  const char *p = text;

  put_c (out, '"');
  while (*p != '\0')
    {
      const char *run = p;
      gunichar c;

      /* Most bytes are printable ASCII: copied in runs, found by a table (the NUL stops too),
       * four bytes a turn; the compares it replaced were a sixth of --json's time. */
      while (plain[(guchar) p[0]] && plain[(guchar) p[1]] && plain[(guchar) p[2]] && plain[(guchar) p[3]])
        p += 4;
      while (plain[(guchar) *p])
        p++;
      put (out, run, p - run);
      if (*p == '\0')
        break;
      c = g_utf8_get_char_validated (p, -1);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          put (out, "\357\277\275", 3);
          p++;
          continue;
        }
      append_char (out, c);
      p = g_utf8_next_char (p);
    }
  put_c (out, '"');
}

/* What json-glib writes before a value: the separator after the previous one, the line break
 * and indent, and the member's name. */
static void
begin_value (LkJsonWriter *writer)
{
  guint level = writer->depth;

  if (level > 0)
    {
      if (writer->count[level - 1]++ > 0)
        put_c (writer->out, ',');
      if (writer->pretty)
        {
          put_c (writer->out, '\n');
          indent (writer, level);
        }
    }
  if (writer->name != NULL)
    {
      append_string (writer->out, writer->name);
      put (writer->out, writer->pretty ? " : " : ":", writer->pretty ? 3 : 1);
      writer->name = NULL;
    }
}

static void
begin_container (LkJsonWriter *writer,
                 gboolean      object)
{
  g_return_if_fail (writer->depth < LK_JSON_WRITER_MAX_DEPTH);
  begin_value (writer);
  put_c (writer->out, object ? '{' : '[');
  writer->object[writer->depth] = object;
  writer->count[writer->depth] = 0;
  writer->depth++;
}

static void
end_container (LkJsonWriter *writer,
               gboolean      object)
{
  guint level;

  g_return_if_fail (writer->depth > 0 && writer->object[writer->depth - 1] == object);
  level = --writer->depth;
  /* json-glib indents the closing bracket of an empty object too, but not of an empty array. */
  if (writer->pretty && (writer->count[level] > 0 || object))
    {
      if (writer->count[level] > 0)
        put_c (writer->out, '\n');
      indent (writer, level);
    }
  put_c (writer->out, object ? '}' : ']');
}

void
lk_json_writer_begin_object (LkJsonWriter *writer)
{
  begin_container (writer, TRUE);
}

void
lk_json_writer_end_object (LkJsonWriter *writer)
{
  end_container (writer, TRUE);
}

void
lk_json_writer_begin_array (LkJsonWriter *writer)
{
  begin_container (writer, FALSE);
}

void
lk_json_writer_end_array (LkJsonWriter *writer)
{
  end_container (writer, FALSE);
}

void
lk_json_writer_member (LkJsonWriter *writer,
                       const char   *name)
{
  g_return_if_fail (writer->depth > 0 && writer->object[writer->depth - 1]);
  writer->name = name;
}

void
lk_json_writer_string (LkJsonWriter *writer,
                       const char   *value)
{
  begin_value (writer);
  if (value == NULL)
    put (writer->out, "null", 4);
  else
    append_string (writer->out, value);
}

void
lk_json_writer_boolean (LkJsonWriter *writer,
                        gboolean      value)
{
  begin_value (writer);
  put (writer->out, value ? "true" : "false", value ? 4 : 5);
}

void
lk_json_writer_raw (LkJsonWriter *writer,
                    const char   *json,
                    gsize         len)
{
  begin_value (writer);
  put (writer->out, json, len);
}

void
lk_json_writer_null (LkJsonWriter *writer)
{
  begin_value (writer);
  put (writer->out, "null", 4);
}
