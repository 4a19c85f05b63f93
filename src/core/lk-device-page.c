/* lk-device-page.c: one page of a managedDevices listing, read straight from the bytes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "lk-device-page.h"
#include "lk-device-private.h"
#include "lk-graph-error.h"

#define MAX_DEPTH 64

typedef struct
{
  const char *p;
  const char *start;
  const char *end;
  GString    *buffer;   /* the last string decoded */
  GError     *error;
} Scanner;

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

static void
skip_space (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
    s->p++;
}

static gboolean
expect (Scanner *s,
        char     c)
{
  skip_space (s);
  if (s->p >= s->end || *s->p != c)
    return fail (s, s->p >= s->end ? _("unexpected end") : _("unexpected character"));
  s->p++;
  return TRUE;
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

/* Decodes a JSON string into s->buffer (valid UTF-8, no NUL) at s->p, which is at the quote. */
static gboolean
read_string (Scanner *s)
{
  const char *run;

  if (!expect (s, '"'))
    return FALSE;
  g_string_truncate (s->buffer, 0);
  for (;;)
    {
      /* Copy plain runs in one go: most strings have no escape at all. */
      run = s->p;
      while (s->p < s->end && *s->p != '"' && *s->p != '\\' && (guchar) *s->p >= 0x20)
        s->p++;
      g_string_append_len (s->buffer, run, s->p - run);
      if (s->p >= s->end)
        return fail (s, _("unterminated string"));
      if (*s->p == '"')
        {
          s->p++;
          break;
        }
      if ((guchar) *s->p < 0x20)
        return fail (s, _("control character in a string"));

      s->p++;  /* the backslash */
      if (s->p >= s->end)
        return fail (s, _("truncated escape"));
      switch (*s->p++)
        {
        case '"': g_string_append_c (s->buffer, '"'); break;
        case '\\': g_string_append_c (s->buffer, '\\'); break;
        case '/': g_string_append_c (s->buffer, '/'); break;
        case 'b': g_string_append_c (s->buffer, '\b'); break;
        case 'f': g_string_append_c (s->buffer, '\f'); break;
        case 'n': g_string_append_c (s->buffer, '\n'); break;
        case 'r': g_string_append_c (s->buffer, '\r'); break;
        case 't': g_string_append_c (s->buffer, '\t'); break;
        case 'u':
          {
            gunichar c, low;

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
          }
          break;
        default:
          s->p--;
          return fail (s, _("bad escape"));
        }
    }
  if (!g_utf8_validate_len (s->buffer->str, s->buffer->len, NULL))
    return fail (s, _("invalid UTF-8"));
  return TRUE;
}

static gboolean
read_literal (Scanner    *s,
              const char *word)
{
  gsize len = strlen (word);

  if ((gsize) (s->end - s->p) < len || memcmp (s->p, word, len) != 0)
    return fail (s, _("unexpected character"));
  s->p += len;
  return TRUE;
}

static gboolean
read_number (Scanner *s,
             gint64  *value)
{
  const char *start = s->p;
  char text[64];

  if (s->p < s->end && *s->p == '-')
    s->p++;
  if (s->p >= s->end || !g_ascii_isdigit (*s->p))
    return fail (s, _("bad number"));
  while (s->p < s->end && (g_ascii_isdigit (*s->p) || *s->p == '.' || *s->p == 'e' || *s->p == 'E'
                           || *s->p == '+' || *s->p == '-'))
    s->p++;
  if (value != NULL)
    {
      gsize len = MIN ((gsize) (s->p - start), sizeof text - 1);

      memcpy (text, start, len);
      text[len] = '\0';
      *value = g_ascii_strtoll (text, NULL, 10);
    }
  return TRUE;
}

static gboolean skip_value (Scanner *s, int depth);

static gboolean
skip_container (Scanner *s,
                char     close,
                int      depth)
{
  if (depth > MAX_DEPTH)
    return fail (s, _("nested too deeply"));
  s->p++;
  skip_space (s);
  if (s->p < s->end && *s->p == close)
    {
      s->p++;
      return TRUE;
    }
  for (;;)
    {
      if (close == '}')
        {
          if (!read_string (s) || !expect (s, ':'))
            return FALSE;
        }
      if (!skip_value (s, depth + 1))
        return FALSE;
      skip_space (s);
      if (s->p < s->end && *s->p == ',')
        {
          s->p++;
          continue;
        }
      return expect (s, close);
    }
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
    default: return read_number (s, NULL);
    }
}

/* One element of "value": a device object, or anything else (counted, skipped). */
static gboolean
read_device (Scanner      *s,
             LkDevicePage *page)
{
  LkDevice *device;
  char member[64];

  skip_space (s);
  page->n_items++;
  if (s->p >= s->end || *s->p != '{')
    {
      page->n_skipped++;
      return skip_value (s, 1);
    }
  s->p++;
  device = lk_device_builder_new ();
  skip_space (s);
  if (s->p < s->end && *s->p == '}')
    s->p++;
  else
    for (;;)
      {
        gboolean wanted;

        if (!read_string (s) || !expect (s, ':'))
          goto error;
        g_strlcpy (member, s->buffer->str, sizeof member);
        wanted = s->buffer->len < sizeof member && lk_device_builder_wants (member);
        skip_space (s);
        if (s->p >= s->end)
          {
            fail (s, _("unexpected end"));
            goto error;
          }
        if (!wanted)
          {
            if (!skip_value (s, 2))
              goto error;
          }
        else if (*s->p == '"')
          {
            if (!read_string (s))
              goto error;
            lk_device_builder_set_string (device, member, s->buffer->str);
          }
        else if (*s->p == 't' || *s->p == 'f')
          {
            gboolean value = *s->p == 't';

            if (!read_literal (s, value ? "true" : "false"))
              goto error;
            lk_device_builder_set_boolean (device, member, value);
          }
        else if (*s->p == 'n')
          {
            if (!read_literal (s, "null"))
              goto error;
          }
        else
          {
            /* A number, an object or an array where Latchkey expects text or a boolean. */
            if (!skip_value (s, 2))
              goto error;
            lk_device_builder_wrong_type (device, member);
          }
        skip_space (s);
        if (s->p < s->end && *s->p == ',')
          {
            s->p++;
            continue;
          }
        if (!expect (s, '}'))
          goto error;
        break;
      }

  device = lk_device_builder_finish (device, NULL);
  if (device != NULL)
    g_ptr_array_add (page->devices, device);
  else
    page->n_skipped++;
  return TRUE;

error:
  g_object_unref (device);
  return FALSE;
}

static gboolean
read_value_array (Scanner      *s,
                  LkDevicePage *page)
{
  if (!expect (s, '['))
    return FALSE;
  skip_space (s);
  if (s->p < s->end && *s->p == ']')
    {
      s->p++;
      return TRUE;
    }
  for (;;)
    {
      if (!read_device (s, page))
        return FALSE;
      skip_space (s);
      if (s->p < s->end && *s->p == ',')
        {
          s->p++;
          continue;
        }
      return expect (s, ']');
    }
}

static gboolean
read_page (Scanner      *s,
           LkDevicePage *page)
{
  gboolean has_value = FALSE;

  if (!expect (s, '{'))
    return FALSE;
  skip_space (s);
  if (s->p < s->end && *s->p == '}')
    s->p++;
  else
    for (;;)
      {
        g_autofree char *key = NULL;

        if (!read_string (s) || !expect (s, ':'))
          return FALSE;
        key = g_strdup (s->buffer->str);
        skip_space (s);
        if (g_str_equal (key, "value") && s->p < s->end && *s->p == '[')
          {
            if (has_value)
              return fail (s, _("two “value” members"));
            has_value = TRUE;
            if (!read_value_array (s, page))
              return FALSE;
          }
        else if (g_str_equal (key, "@odata.nextLink") && s->p < s->end && *s->p == '"')
          {
            if (!read_string (s))
              return FALSE;
            g_free (page->next_link);
            page->next_link = g_strdup (s->buffer->str);
          }
        else if (g_str_equal (key, "@odata.count") && s->p < s->end
                 && (g_ascii_isdigit (*s->p) || *s->p == '-'))
          {
            if (!read_number (s, &page->count))
              return FALSE;
          }
        else if (!skip_value (s, 1))
          return FALSE;
        skip_space (s);
        if (s->p < s->end && *s->p == ',')
          {
            s->p++;
            continue;
          }
        if (!expect (s, '}'))
          return FALSE;
        break;
      }
  skip_space (s);
  if (s->p != s->end)
    return fail (s, _("data after the end"));
  if (!has_value)
    {
      g_set_error_literal (&s->error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INVALID_RESPONSE,
                           _("Microsoft Graph sent a device list without a “value” array."));
      return FALSE;
    }
  return TRUE;
}

gboolean
lk_device_page_parse (const char    *data,
                      gsize          len,
                      LkDevicePage  *page,
                      GError       **error)
{
  Scanner s = { data, data, data + len, g_string_sized_new (256), NULL };

  page->devices = g_ptr_array_new_with_free_func (g_object_unref);
  page->count = -1;
  if (!read_page (&s, page))
    {
      lk_device_page_clear (page);
      g_string_free (s.buffer, TRUE);
      g_propagate_error (error, s.error);
      return FALSE;
    }
  g_string_free (s.buffer, TRUE);
  return TRUE;
}

void
lk_device_page_clear (LkDevicePage *page)
{
  g_clear_pointer (&page->devices, g_ptr_array_unref);
  g_clear_pointer (&page->next_link, g_free);
  page->n_items = page->n_skipped = 0;
  page->count = -1;
}
