/* lk-page-reader.c: one page of a managedDevices listing, read straight from the bytes.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <glib/gi18n.h>

#include "lk-page-reader.h"
#include "lk-device-private.h"
#include "lk-graph-error.h"

#define MAX_DEPTH 64

typedef struct
{
  const char      *p;
  const char      *start;
  const char      *end;
  /* The last string read: into the data when it had no escape, else into buffer. */
  const char      *str;
  gsize            len;
  GString         *buffer;
  LkDeviceBuilder *builder;
  GError          *error;
  struct _Shape   *shape;     /* lk_page_reader_parse() only: the device before's names */
  guint            nested_at; /* the next of shape->nested, from each device's start */
} Scanner;

/* Bytes that end a plain run inside a string: the quote, the backslash, control characters. */
static const guint8 string_stop[256] = {
  [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1, [0x07] = 1,
  [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1,
  [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
  [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1,
  ['"'] = 1, ['\\'] = 1,
};

/* The bytes a number is read on with, after its first digit. */
static const guint8 number_byte[256] = {
  ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
  ['8'] = 1, ['9'] = 1, ['.'] = 1, ['e'] = 1, ['E'] = 1, ['+'] = 1, ['-'] = 1,
};

static gboolean
fail (Scanner    *s,
      const char *what)
{
  if (s->error == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Microsoft Graph sent a device list Latchkey could not read (%s at byte %lu)."),
                                                  what, (gulong) (s->p - s->start));
      s->error = lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INVALID_RESPONSE, message, 200,
                                                  NULL, NULL, NULL);
    }
  return FALSE;
}

/* Graph sends compact JSON: the byte at hand is almost never white space. */
G_ALWAYS_INLINE static inline void
skip_space (Scanner *s)
{
  if (G_LIKELY (s->p < s->end && (guchar) *s->p > ' '))
    return;
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
    s->p++;
}

static gboolean
expect_slow (Scanner *s,
             char     c)
{
  skip_space (s);
  if (s->p >= s->end || *s->p != c)
    return fail (s, s->p >= s->end ? _("unexpected end") : _("unexpected character"));
  s->p++;
  return TRUE;
}

/* Graph sends compact JSON: the character is almost always right there. */
static inline gboolean
expect (Scanner *s,
        char     c)
{
  if (G_LIKELY (s->p < s->end && *s->p == c))
    {
      s->p++;
      return TRUE;
    }
  return expect_slow (s, c);
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (Scanner  *s,
           gunichar *out)
{
  gunichar value = 0;

  if (s->end - s->p < 4)
    return fail (s, _("truncated escape"));
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_value (s->p[i]);

      if (digit < 0)
        return fail (s, _("bad escape"));
      value = value * 16 + (gunichar) digit;
    }
  s->p += 4;
  *out = value;
  return TRUE;
}

/* The run of plain bytes at s->p; ORs them into @high so non-ASCII is noticed. Strings are
 * most of a page's bytes: sixteen at a time where the CPU has SSE2 (every x86-64 does). */
G_ALWAYS_INLINE static inline const char *
plain_run (Scanner *s,
           guint8  *high)
{
  const char *run = s->p;
  guint8 bits = 0;

#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8 ('"');
  const __m128i backslash = _mm_set1_epi8 ('\\');
  const __m128i control = _mm_set1_epi8 (0x1f);
  guint high_seen = 0;   /* the high bits of the bytes passed, ORed: no branch a block */

  while (s->end - s->p >= 16)
    {
      __m128i bytes = _mm_loadu_si128 ((const __m128i *) s->p);
      __m128i stops = _mm_or_si128 (_mm_or_si128 (_mm_cmpeq_epi8 (bytes, quote),
                                                   _mm_cmpeq_epi8 (bytes, backslash)),
                                    _mm_cmpeq_epi8 (_mm_max_epu8 (bytes, control), control));
      guint stop_mask = (guint) _mm_movemask_epi8 (stops);
      guint high_mask = (guint) _mm_movemask_epi8 (bytes);

      if (stop_mask != 0)
        {
          guint n = (guint) __builtin_ctz (stop_mask);

          high_seen |= high_mask & ((1u << n) - 1);
          s->p += n;
          *high |= high_seen != 0 ? 0x80 : 0;
          return run;
        }
      high_seen |= high_mask;
      s->p += 16;
    }
  bits = high_seen != 0 ? 0x80 : 0;
#endif
  while (s->p < s->end && !string_stop[(guchar) *s->p])
    bits |= (guint8) *s->p++;
  *high |= bits;
  return run;
}

/* Decodes one escape after the backslash at s->p into s->buffer. */
static gboolean
read_escape (Scanner *s)
{
  gunichar c, low;

  s->p++;  /* the backslash */
  if (s->p >= s->end)
    return fail (s, _("truncated escape"));
  switch (*s->p++)
    {
    case '"': g_string_append_c (s->buffer, '"'); return TRUE;
    case '\\': g_string_append_c (s->buffer, '\\'); return TRUE;
    case '/': g_string_append_c (s->buffer, '/'); return TRUE;
    case 'b': g_string_append_c (s->buffer, '\b'); return TRUE;
    case 'f': g_string_append_c (s->buffer, '\f'); return TRUE;
    case 'n': g_string_append_c (s->buffer, '\n'); return TRUE;
    case 'r': g_string_append_c (s->buffer, '\r'); return TRUE;
    case 't': g_string_append_c (s->buffer, '\t'); return TRUE;
    case 'u':
      break;
    default:
      s->p--;
      return fail (s, _("bad escape"));
    }

  if (!read_hex4 (s, &c))
    return FALSE;
  if (c >= 0xD800 && c <= 0xDBFF)
    {
      if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u')
        return fail (s, _("lone surrogate"));
      s->p += 2;
      if (!read_hex4 (s, &low) || low < 0xDC00 || low > 0xDFFF)
        return fail (s, _("lone surrogate"));
      c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
    }
  else if (c >= 0xDC00 && c <= 0xDFFF)
    return fail (s, _("lone surrogate"));
  if (c == 0)
    return fail (s, _("NUL in a string"));
  g_string_append_unichar (s->buffer, c);
  return TRUE;
}

/* The rest of read_string() once a string turns out to hold an escape, a control character,
 * a byte above ASCII or no end: @run is the plain run read so far, @high its high bits. */
G_NO_INLINE static gboolean
read_string_rest (Scanner    *s,
                  const char *run,
                  guint8      high)
{
  if (s->p < s->end && *s->p == '"')
    {
      s->str = run;
      s->len = (gsize) (s->p - run);
      s->p++;
    }
  else
    {
      g_string_truncate (s->buffer, 0);
      for (;;)
        {
          g_string_append_len (s->buffer, run, s->p - run);
          if (s->p >= s->end)
            return fail (s, _("unterminated string"));
          if (*s->p == '"')
            break;
          if ((guchar) *s->p < 0x20)
            return fail (s, _("control character in a string"));
          if (!read_escape (s))
            return FALSE;
          high |= 0x80;   /* an escape may have made any character */
          run = plain_run (s, &high);
        }
      s->p++;
      s->str = s->buffer->str;
      s->len = s->buffer->len;
    }
  if ((high & 0x80) != 0 && !g_utf8_validate_len (s->str, s->len, NULL))
    return fail (s, _("invalid UTF-8"));
  return TRUE;
}

/* Reads the JSON string at s->p (at the quote) into s->str and s->len: valid UTF-8, no NUL.
 * Most strings are plain ASCII: they are neither copied nor validated again, and this part,
 * inlined where the reader spends its time, is all they cost. */
G_ALWAYS_INLINE static inline gboolean
read_string (Scanner *s)
{
  const char *run;
  guint8 high = 0;

  if (!expect (s, '"'))
    return FALSE;
  run = plain_run (s, &high);
  if (G_LIKELY (s->p < s->end && *s->p == '"' && high == 0))
    {
      s->str = run;
      s->len = (gsize) (s->p - run);
      s->p++;
      return TRUE;
    }
  return read_string_rest (s, run, high);
}

G_ALWAYS_INLINE static inline gboolean
read_literal (Scanner    *s,
              const char *word)
{
  gsize len = strlen (word);

  if ((gsize) (s->end - s->p) < len || memcmp (s->p, word, len) != 0)
    return fail (s, _("unexpected character"));
  s->p += len;
  return TRUE;
}

/* Past the number at s->p (its bytes checked as loosely as Graph's numbers need: a sign, a
 * digit, then digits and the bytes of a fraction or exponent). */
G_ALWAYS_INLINE static inline gboolean
skip_number (Scanner *s)
{
  if (s->p < s->end && *s->p == '-')
    s->p++;
  if (s->p >= s->end || !g_ascii_isdigit (*s->p))
    return fail (s, _("bad number"));
  while (s->p < s->end && number_byte[(guchar) *s->p])
    s->p++;
  return TRUE;
}

static gboolean
read_number (Scanner *s,
             gint64  *value)
{
  const char *start = s->p;
  char text[64];
  gsize len;

  if (!skip_number (s))
    return FALSE;
  len = MIN ((gsize) (s->p - start), sizeof text - 1);
  memcpy (text, start, len);
  text[len] = '\0';
  *value = g_ascii_strtoll (text, NULL, 10);
  return TRUE;
}

/* Graph writes every device of a page with the same members in the same order (a full
 * managedDevice has ~120). So the k-th name of the device before, kept as its bytes in the
 * page (`"name":`), is compared with the bytes at hand first: the same bytes are the same name,
 * and the member is known without reading the name or looking it up. Only a name read
 * straight from the page (no escape) and followed by its colon is kept: any other way of
 * writing it takes the full path. */
#define SHAPE_MAX 192

typedef struct
{
  const char     *raw;     /* its opening quote, in the page */
  guint8          n;       /* its bytes, up to and with the colon; 0: none kept */
  LkDeviceMember  member;
} ShapeName;

/* The same for the names inside the objects a device's skipped members hold (its
 * hardwareInformation: a third of a whole device), in the order they come, device after device.
 * Where a device holds more or fewer of them (an array of results, say), the rest of its names
 * differ from the kept ones by a few bytes' comparison each and are read in full. */
#define NESTED_MAX 256

/* A whole member the device before skipped, from its name's opening quote to the byte after
 * its value (the comma or brace that ended it, or a space). In a listing most of a device's
 * bytes are members Latchkey does not read that hold the same as the device before: Graph's
 * list gives hardwareInformation's defaults (1.3 kB of nulls and zeros), and most other members
 * repeat too; in a page of whole devices from the sandbox, three fifths of the bytes. Reading
 * the same bytes in the same place (the k-th member of a device) gives the same result, so
 * where the bytes at hand are these, they are passed over without reading them: only their
 * count of names inside (s->nested_at) is added. The byte after the value is compared too:
 * it ended a number or a literal there, and must end it here. */
typedef struct
{
  const char *raw;
  guint32     n;        /* with the byte after; 0: none kept */
  guint32     n_nested; /* the names inside it that moved s->nested_at */
} ShapeSkip;

typedef struct _Shape
{
  ShapeName names[SHAPE_MAX];
  ShapeName nested[NESTED_MAX];
  ShapeSkip skips[SHAPE_MAX];
} Shape;

/* The name at s->p when its bytes are those @known keeps: TRUE, and s->p past its colon. */
G_ALWAYS_INLINE static inline gboolean
name_as_before (Scanner         *s,
                const ShapeName *known)
{
  if (known != NULL && known->n != 0 && (gsize) (s->end - s->p) >= known->n
      && lk_same_bytes (s->p, known->raw, known->n))
    {
      s->p += known->n;
      return TRUE;
    }
  return FALSE;
}

/* The name at s->p, and past its colon. When its bytes are those @known keeps, TRUE in
 * *@as_before and nothing is read; else it is read into s->str and s->len and, when it was
 * read straight from the page and its colon follows, kept in @known (the caller sets its
 * member). The empty name (3 bytes) is never kept: lk_same_bytes() reads at least 4. */
G_ALWAYS_INLINE static inline gboolean
read_name (Scanner   *s,
           ShapeName *known,
           gboolean  *as_before)
{
  const char *raw = s->p;

  *as_before = name_as_before (s, known);
  if (*as_before)
    return TRUE;
  if (!read_string (s))
    return FALSE;
  if (known != NULL)
    {
      gboolean keep = s->str == raw + 1 && s->p < s->end && *s->p == ':'
                      && s->p + 1 - raw >= 4 && s->p + 1 - raw <= G_MAXUINT8;

      known->raw = raw;
      known->n = keep ? (guint8) (s->p + 1 - raw) : 0;
      known->member = LK_DEVICE_MEMBER_OTHER;
    }
  return expect (s, ':');
}

/* At an array or object's @open: past it, and past its @close too when it is empty (!*@more). */
G_ALWAYS_INLINE static inline gboolean
first_item (Scanner  *s,
            char      open,
            char      close,
            gboolean *more)
{
  if (!expect (s, open))
    return FALSE;
  skip_space (s);
  *more = !(s->p < s->end && *s->p == close);
  if (!*more)
    s->p++;
  return TRUE;
}

/* After an item of an array or object: past a comma (*@more) or its @close (!*@more). */
G_ALWAYS_INLINE static inline gboolean
next_item (Scanner  *s,
           char      close,
           gboolean *more)
{
  if (G_LIKELY (s->p < s->end && *s->p == ','))
    {
      s->p++;
      *more = TRUE;
      return TRUE;
    }
  skip_space (s);
  *more = s->p < s->end && *s->p == ',';
  if (*more)
    {
      s->p++;
      return TRUE;
    }
  return expect (s, close);
}

static gboolean skip_value (Scanner *s, int depth);

/* skip_value() with the scalars inlined: the members Latchkey skips, and those of the objects
 * it skips (hardwareInformation: a third of a full device), are mostly strings and nulls. */
G_ALWAYS_INLINE static inline gboolean
skip_member_value (Scanner *s,
                   int      depth)
{
  if (G_LIKELY (s->p < s->end))
    switch (*s->p)
      {
      case '"': return read_string (s);
      case 'n': return read_literal (s, "null");
      case 'f': return read_literal (s, "false");
      case 't': return read_literal (s, "true");
      case '-': case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
      case '8': case '9':
        return skip_number (s);
      default: break;
      }
  return skip_value (s, depth);
}

static gboolean
skip_container (Scanner *s,
                char     close,
                int      depth)
{
  gboolean more;

  if (depth > MAX_DEPTH)
    return fail (s, _("nested too deeply"));
  if (!first_item (s, *s->p, close, &more))
    return FALSE;
  while (more)
    {
      if (close == '}')
        {
          ShapeName *known = s->shape != NULL && s->nested_at < NESTED_MAX ? &s->shape->nested[s->nested_at++] : NULL;
          gboolean as_before;

          if (!read_name (s, known, &as_before))
            return FALSE;
        }
      if (!skip_member_value (s, depth + 1))
        return FALSE;
      if (!next_item (s, close, &more))
        return FALSE;
    }
  return TRUE;
}

static gboolean
skip_value (Scanner *s,
            int      depth)
{
  skip_space (s);
  if (s->p >= s->end)
    return fail (s, _("unexpected end"));
  switch (*s->p)
    {
    case '"': return read_string (s);
    case '{': return skip_container (s, '}', depth);
    case '[': return skip_container (s, ']', depth);
    case 't': return read_literal (s, "true");
    case 'f': return read_literal (s, "false");
    case 'n': return read_literal (s, "null");
    default: return skip_number (s);
    }
}

/* Called for each member of an object with its name (@name, @len: valid until the next string
 * is read) and s->p at the value, which it must read. */
typedef gboolean (*MemberFunc) (Scanner    *s,
                                const char *name,
                                gsize       len,
                                gpointer    data);

/* Reads the object at s->p member by member; FALSE on malformed JSON or when @member says so.
 * Inlined, so each reader's @member is a direct call (or none). */
G_ALWAYS_INLINE static inline gboolean
read_object (Scanner    *s,
             MemberFunc  member,
             gpointer    data)
{
  gboolean more;

  if (!first_item (s, '{', '}', &more))
    return FALSE;
  while (more)
    {
      const char *name;
      gsize len;

      if (!read_string (s))
        return FALSE;
      name = s->str;
      len = s->len;
      if (!expect (s, ':'))
        return FALSE;
      skip_space (s);
      if (s->p >= s->end)
        return fail (s, _("unexpected end"));
      if (!member (s, name, len, data))
        return FALSE;
      if (!next_item (s, '}', &more))
        return FALSE;
    }
  return TRUE;
}

/* The value of a device's @member, at s->p. */
G_ALWAYS_INLINE static inline gboolean
read_device_value (Scanner        *s,
                   LkDeviceMember  member)
{
  /* Most members are none Latchkey reads, and most of those are strings. */
  if (member == LK_DEVICE_MEMBER_OTHER)
    return skip_member_value (s, 2);

  switch (*s->p)
    {
    case '"':
      if (!read_string (s))
        return FALSE;
      lk_device_builder_set_string (s->builder, member, s->str, s->len);
      return TRUE;
    case 't':
    case 'f':
      {
        gboolean value = *s->p == 't';

        if (!read_literal (s, value ? "true" : "false"))
          return FALSE;
        lk_device_builder_set_boolean (s->builder, member, value);
        return TRUE;
      }
    case 'n':
      return read_literal (s, "null");
    default:
      /* A number, an object or an array where Latchkey expects text or a boolean. */
      if (!skip_value (s, 2))
        return FALSE;
      lk_device_builder_wrong_type (s->builder, member);
      return TRUE;
    }
}

/* The next member's name, at s->p: its member, and s->p past its colon. */
G_ALWAYS_INLINE static inline gboolean
read_device_name (Scanner        *s,
                  ShapeName      *known,
                  LkDeviceMember *member)
{
  gboolean as_before;

  if (!read_name (s, known, &as_before))
    return FALSE;
  if (as_before)
    *member = known->member;
  else
    {
      *member = lk_device_builder_member (s->builder, s->str, s->len);
      if (known != NULL)
        known->member = *member;
    }
  return TRUE;
}

/* The member at s->p is the one @skip keeps, byte for byte: TRUE, and s->p past its value. */
G_ALWAYS_INLINE static inline gboolean
skip_as_before (Scanner         *s,
                const ShapeSkip *skip)
{
  if (skip->n == 0 || (gsize) (s->end - s->p) < skip->n || !lk_same_bytes (s->p, skip->raw, skip->n))
    return FALSE;
  s->p += skip->n - 1;
  s->nested_at = MIN (s->nested_at + skip->n_nested, NESTED_MAX);
  return TRUE;
}

/* A device object at s->p, member by member into s->builder. */
static gboolean
read_device_object (Scanner *s)
{
  gboolean more;

  if (!first_item (s, '{', '}', &more))
    return FALSE;
  s->nested_at = 0;
  for (guint k = 0; more; k++)
    {
      ShapeSkip *skip = s->shape != NULL && k < SHAPE_MAX ? &s->shape->skips[k] : NULL;
      const char *start = s->p;
      guint nested_start = s->nested_at;
      LkDeviceMember member;

      if (skip != NULL && skip_as_before (s, skip))
        {
          if (!next_item (s, '}', &more))
            return FALSE;
          continue;
        }
      if (!read_device_name (s, skip != NULL ? &s->shape->names[k] : NULL, &member))
        return FALSE;
      skip_space (s);
      if (s->p >= s->end)
        return fail (s, _("unexpected end"));
      if (!read_device_value (s, member))
        return FALSE;
      if (skip != NULL && (member == LK_DEVICE_MEMBER_OTHER || skip->n != 0))
        {
          /* Kept when skipped, and a byte follows (the value ends before the page does). */
          gboolean keep = member == LK_DEVICE_MEMBER_OTHER && s->p < s->end
                          && (gsize) (s->p - start) < G_MAXUINT32 && s->p + 1 - start >= 4;

          skip->raw = start;
          skip->n = keep ? (guint32) (s->p + 1 - start) : 0;
          skip->n_nested = s->nested_at - nested_start;
        }
      if (!next_item (s, '}', &more))
        return FALSE;
    }
  return TRUE;
}

/* One element of "value": a device object, or anything else (counted, skipped). */
static gboolean
read_device (Scanner        *s,
             LkPageContents *page)
{
  LkDevice *device;

  skip_space (s);
  page->n_items++;
  if (s->p >= s->end || *s->p != '{')
    {
      page->n_skipped++;
      return skip_value (s, 1);
    }
  lk_device_builder_begin (s->builder);
  if (!read_device_object (s))
    return FALSE;

  device = lk_device_builder_finish (s->builder, NULL);
  if (device != NULL)
    g_ptr_array_add (page->devices, device);
  else
    page->n_skipped++;
  return TRUE;
}

static gboolean
read_value_array (Scanner        *s,
                  LkPageContents *page)
{
  gboolean more;

  if (!first_item (s, '[', ']', &more))
    return FALSE;
  while (more)
    {
      if (!read_device (s, page))
        return FALSE;
      if (!next_item (s, ']', &more))
        return FALSE;
    }
  return TRUE;
}

static gboolean
name_is (const char *name,
         gsize       len,
         const char *literal)
{
  return len == strlen (literal) && memcmp (name, literal, len) == 0;
}

typedef struct
{
  LkPageContents *page;
  gboolean        has_value;
} PageRead;

/* One top-level member of a page: "value", "@odata.nextLink", "@odata.count", or skipped. */
static gboolean
read_page_member (Scanner    *s,
                  const char *name,
                  gsize       len,
                  gpointer    data)
{
  PageRead *read = data;

  if (name_is (name, len, "value") && *s->p == '[')
    {
      if (read->has_value)
        return fail (s, _("two “value” members"));
      read->has_value = TRUE;
      return read_value_array (s, read->page);
    }
  if (name_is (name, len, "@odata.nextLink") && *s->p == '"')
    {
      if (!read_string (s))
        return FALSE;
      g_free (read->page->next_link);
      read->page->next_link = g_strndup (s->str, s->len);
      return TRUE;
    }
  if (name_is (name, len, "@odata.count") && (g_ascii_isdigit (*s->p) || *s->p == '-'))
    return read_number (s, &read->page->count);
  return skip_value (s, 1);
}

static gboolean
read_page (Scanner        *s,
           LkPageContents *page)
{
  PageRead read = { page, FALSE };

  if (!read_object (s, read_page_member, &read))
    return FALSE;
  skip_space (s);
  if (s->p != s->end)
    return fail (s, _("data after the end"));
  if (!read.has_value)
    {
      g_set_error_literal (&s->error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INVALID_RESPONSE,
                           _("Microsoft Graph sent a device list without a “value” array."));
      return FALSE;
    }
  return TRUE;
}

/* Past the array or object at s->p without decoding it: only quotes, backslashes and brackets
 * matter. Depth and string ends are tracked exactly, so the member after it is found exactly
 * where the full reader finds it. */
static gboolean
skip_container_fast (Scanner *s)
{
  gsize depth = 0;   /* the first byte is the opening bracket */

  while (s->p < s->end)
    {
      char c = *s->p++;

      if (c == '"')
        {
          for (;;)
            {
              const char *quote = memchr (s->p, '"', (gsize) (s->end - s->p));
              const char *back = quote;

              if (quote == NULL)
                return fail (s, _("unterminated string"));
              /* An odd number of backslashes before it escapes the quote. */
              while (back > s->p && back[-1] == '\\')
                back--;
              s->p = quote + 1;
              if ((quote - back) % 2 == 0)
                break;
            }
        }
      else if (c == '[' || c == '{')
        depth++;
      else if ((c == ']' || c == '}') && --depth == 0)
        return TRUE;
    }
  return fail (s, _("unexpected end"));
}

/* One top-level member for the link finders. A page naming two links is not Graph's, but the
 * finders keep the last one, as the full reader does, so where both read the page they agree
 * (the fuzz harness holds them to it): the scan goes on past a link, skipping what follows. */
static gboolean
find_link_member (Scanner    *s,
                  const char *name,
                  gsize       len,
                  gpointer    data)
{
  char **link = data;

  if (name_is (name, len, "@odata.nextLink") && *s->p == '"')
    {
      if (!read_string (s))
        return FALSE;
      g_free (*link);
      *link = g_strndup (s->str, s->len);
      return TRUE;
    }
  return (*s->p == '[' || *s->p == '{') ? skip_container_fast (s) : skip_value (s, 1);
}

static const char *
space_before (const char *start,
              const char *p)
{
  while (p > start && (p[-1] == ' ' || p[-1] == '\n' || p[-1] == '\r' || p[-1] == '\t'))
    p--;
  return p;
}

/* Graph writes the link last, after "value": read from the end it is found in a few bytes,
 * where the forward scan skips every device first. Valid JSON read backward is unambiguous
 * here: outside strings there is no backslash, and inside one every quote follows one, so a
 * quote with no backslash before it up to the previous quote closes and opens a whole string;
 * a link holding escapes (or anything else) is left to the forward scan (NULL). The last
 * top-level member is the link the full reader keeps, as it keeps the last of two. */
static char *
find_link_at_end (const char *data,
                  gsize       len)
{
  static const char name[] = "\"@odata.nextLink\"";
  const char *p = space_before (data, data + len);
  const char *value_end, *value_start;

  if (p == data || *--p != '}')
    return NULL;
  p = space_before (data, p);
  if (p == data || *--p != '"')
    return NULL;
  value_end = p;
  for (; p > data && p[-1] != '"'; p--)
    if (p[-1] == '\\' || (guchar) p[-1] < 0x20)
      return NULL;
  if (p == data)
    return NULL;
  value_start = p--;
  p = space_before (data, p);
  if (p == data || *--p != ':')
    return NULL;
  p = space_before (data, p);
  if ((gsize) (p - data) < sizeof name || memcmp (p - (sizeof name - 1), name, sizeof name - 1) != 0)
    return NULL;
  p = space_before (data, p - (sizeof name - 1));
  if (p == data || (p[-1] != ',' && p[-1] != '{'))
    return NULL;
  if (!g_utf8_validate (value_start, value_end - value_start, NULL))
    return NULL;
  return g_strndup (value_start, value_end - value_start);
}

/* For lk_page_reader_find_next_link_quickly(): the (last) link among the members before the
 * first object or array ("value"); stops (FALSE) at that member. */
static gboolean
find_link_before_value (Scanner    *s,
                        const char *name,
                        gsize       len,
                        gpointer    data)
{
  if (*s->p == '[' || *s->p == '{')
    return FALSE;
  return find_link_member (s, name, len, data);
}

char *
lk_page_reader_find_next_link_quickly (const char *data,
                                       gsize       len)
{
  Scanner s = { data, data, data + len, NULL, 0, NULL, NULL, NULL };
  char *link = find_link_at_end (data, len);

  if (link != NULL)
    return link;
  s.buffer = g_string_sized_new (64);
  (void) read_object (&s, find_link_before_value, &link);
  g_string_free (s.buffer, TRUE);
  g_clear_error (&s.error);
  return link;
}

char *
lk_page_reader_find_next_link (const char *data,
                               gsize       len)
{
  Scanner s = { data, data, data + len, NULL, 0, g_string_sized_new (64), NULL, NULL };
  char *link = NULL;

  link = find_link_at_end (data, len);
  if (link != NULL)
    {
      g_string_free (s.buffer, TRUE);
      return link;
    }

  /* Malformed or not, only the link matters here: the full reader judges the page. */
  (void) read_object (&s, find_link_member, &link);
  g_string_free (s.buffer, TRUE);
  g_clear_error (&s.error);
  return link;
}

static gboolean
parse_page (const char      *data,
            gsize            len,
            Shape           *shape,
            LkPageContents  *page,
            GError         **error)
{
  Scanner s = { data, data, data + len, NULL, 0, g_string_sized_new (256), lk_device_builder_new (), NULL, shape };

  page->devices = g_ptr_array_new_with_free_func (g_object_unref);
  page->count = -1;
  if (!read_page (&s, page))
    {
      lk_page_contents_clear (page);
      g_string_free (s.buffer, TRUE);
      lk_device_builder_free (s.builder);
      g_propagate_error (error, s.error);
      return FALSE;
    }
  g_string_free (s.buffer, TRUE);
  lk_device_builder_free (s.builder);
  return TRUE;
}

gboolean
lk_page_reader_parse (const char      *data,
                      gsize            len,
                      LkPageContents  *page,
                      GError         **error)
{
  Shape shape = { 0 };

  return parse_page (data, len, &shape, page, error);
}

gboolean
lk_page_reader_parse_each_name (const char      *data,
                                gsize            len,
                                LkPageContents  *page,
                                GError         **error)
{
  return parse_page (data, len, NULL, page, error);
}

void
lk_page_contents_clear (LkPageContents *page)
{
  g_clear_pointer (&page->devices, g_ptr_array_unref);
  g_clear_pointer (&page->next_link, g_free);
  page->n_items = page->n_skipped = 0;
  page->count = -1;
}
