/* test-untrusted-text.c: the capped JSON reader (lk_json_parse*) and the terminal sanitiser
 * (lk_text_inert, lk_text_json_inert), on the hostile inputs the hostile table sends whole.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-json.h"
#include "lk-text.h"

static char *
nested (guint depth, const char *inner)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (text, "{\"a\":");
  g_string_append (text, inner);
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

static void
test_json_depth_cap (void)
{
  g_autofree char *ok = nested (LK_JSON_MAX_DEPTH, "1");
  g_autofree char *deep = nested (LK_JSON_MAX_DEPTH + 1, "1");
  g_autofree char *very_deep = nested (100000, "1");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  root = lk_json_parse_object (ok, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root);
  g_assert_null (lk_json_parse_object (deep, -1, &error));
  g_assert_error (error, LK_JSON_ERROR, LK_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);
  g_assert_null (lk_json_parse_object (very_deep, -1, &error));
  g_assert_error (error, LK_JSON_ERROR, LK_JSON_ERROR_TOO_DEEP);
}

/* Brackets inside strings do not count; escaped quotes do not end a string. */
static void
test_json_brackets_in_strings (void)
{
  GString *text = g_string_new ("{\"name\":\"\\\"");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 1000; i++)
    g_string_append (text, "[{");
  g_string_append (text, "\"}");
  root = lk_json_parse_object (text->str, (gssize) text->len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root);
  g_string_free (text, TRUE);
}

/* json-glib's scanner also takes single-quoted strings and comments, where a count that only
 * knows double quotes would lose track: refused before json-glib sees them. */
static void
test_json_not_strict (void)
{
  static const char *const texts[] = {
    "['\"', [[[[[[[[]]]]]]]]]", "{\"a\": 1 /* \" */}", "{\"a\": 1} // \"", "{'a': 1}", "",
    "  \n", "[1]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (lk_json_parse_object (texts[i], -1, &error));
      g_assert_error (error, LK_JSON_ERROR, LK_JSON_ERROR_INVALID);
    }
}

static void
test_json_size_cap (void)
{
  gsize len = LK_JSON_MAX_SIZE + 1;
  g_autofree char *big = g_malloc (len);
  g_autoptr(GError) error = NULL;

  memset (big, ' ', len);
  big[0] = '{';
  big[len - 1] = '}';
  g_assert_null (lk_json_parse_object (big, (gssize) len, &error));
  g_assert_error (error, LK_JSON_ERROR, LK_JSON_ERROR_TOO_LARGE);
}

static void
test_text_inert (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "iPhone di Niccolò", "iPhone di Niccolò" },
    { "a\033]52;c;eA==\007b", "a\\x1b]52;c;eA==\\x07b" },
    { "row\nFORGED\r\t", "row\\nFORGED\\r\\t" },
    { "del\177bs\b", "del\\x7fbs\\x08" },
    { "c1 \302\233" "31m", "c1 \\u009b31m" },
    { "rtl \342\200\256 lri \342\201\246 lrm \342\200\216 alm \330\234", "rtl \\u202e lri \\u2066 lrm \\u200e alm \\u061c" },
    { "ls \342\200\250", "ls \\u2028" },
    { "bad \377 utf8", "bad \357\277\275 utf8" },
    { "R&D <b>iPad</b>", "R&D <b>iPad</b>" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = lk_text_inert (cases[i].in);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
  g_assert_null (lk_text_inert (NULL));
}

static void
test_text_json_inert (void)
{
  const char *name = "x\302\233y\342\200\256z\033";
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *json = NULL;
  g_autofree char *safe = NULL;
  g_autoptr(JsonNode) back = NULL;

  json_node_set_string (node, name);
  json = json_to_string (node, TRUE);
  safe = lk_text_json_inert (json);
  g_assert_null (strstr (safe, "\302\233"));
  g_assert_null (strstr (safe, "\342\200\256"));
  back = json_from_string (safe, NULL);
  g_assert_cmpstr (json_node_get_string (back), ==, name);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/untrusted/json/depth-cap", test_json_depth_cap);
  g_test_add_func ("/untrusted/json/brackets-in-strings", test_json_brackets_in_strings);
  g_test_add_func ("/untrusted/json/not-strict", test_json_not_strict);
  g_test_add_func ("/untrusted/json/size-cap", test_json_size_cap);
  g_test_add_func ("/untrusted/text/inert", test_text_inert);
  g_test_add_func ("/untrusted/text/json-inert", test_text_json_inert);
  return g_test_run ();
}
