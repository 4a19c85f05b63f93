/* lk-text.c: server- and history-supplied text made safe to print on a terminal.
 *
 * Device names, user names, models and serials are typed by the people who use the devices:
 * printed raw, an OSC 52 sequence in a name writes the admin's clipboard, "ESC[2J" clears the
 * screen, a newline forges a table row and U+202E reverses the columns after it.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-text.h"

static gboolean
is_bidi_control (gunichar c)
{
  return c == 0x061C || c == 0x200E || c == 0x200F
         || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

gboolean
lk_text_char_is_unsafe (gunichar c)
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

/* @json: @text is a generator's output, where only string contents can hold these characters
 * and a \uXXXX escape keeps the same value; else every one is shown as an escape. */
static char *
escape_unsafe (const char *text,
               gboolean    json)
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

      /* A generator's own layout is spaces and newlines, outside strings. */
      if (!lk_text_char_is_unsafe (c) || (json && c == '\n'))
        g_string_append_unichar (out, c);
      else if (json)
        g_string_append_printf (out, "\\u%04x", c);
      else
        append_escaped (out, c);
    }
  return g_string_free (out, FALSE);
}

char *
lk_text_inert (const char *text)
{
  return escape_unsafe (text, FALSE);
}

char *
lk_text_json_inert (const char *json)
{
  return escape_unsafe (json, TRUE);
}
