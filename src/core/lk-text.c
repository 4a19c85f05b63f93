/* lk-text.c: server- and history-supplied text made safe to print on a terminal.
 *
 * Device names, user names, models and serials are typed by the people who use the devices:
 * printed raw, an OSC 52 sequence in a name writes the admin's clipboard, "ESC[2J" clears the
 * screen, a newline forges a table row and U+202E reverses the columns after it. */
#include "config.h"

#include <string.h>

#include "lk-text.h"

static gboolean
is_bidi_control (gunichar c)
{
  return c == 0x061C || c == 0x200E || c == 0x200F
         || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

static gboolean
is_unsafe (gunichar c)
{
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || is_bidi_control (c)
         || c == 0x2028 || c == 0x2029;
}

static void
append_escaped (GString  *out,
                gunichar  c)
{
  switch (c)
    {
    case '\n': g_string_append (out, "\\n"); return;
    case '\r': g_string_append (out, "\\r"); return;
    case '\t': g_string_append (out, "\\t"); return;
    default:
      if (c < 0x80)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_printf (out, "\\u%04x", c);
    }
}

char *
lk_text_inert (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return NULL;
  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_unsafe (c))
        append_escaped (out, c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

char *
lk_text_json_inert (const char *json)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (json == NULL)
    return NULL;
  valid = g_utf8_make_valid (json, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* Outside strings a generator writes only spaces and newlines of its own layout. */
      if (is_unsafe (c) && c != '\n' && c != ' ')
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}
