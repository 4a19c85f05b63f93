/* lk-json.c: JSON getters that take a default and never trust the type of a member.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-json.h"

G_DEFINE_QUARK (lk-json-error-quark, lk_json_error)

/* The nesting depth of @data, or @limit + 1 as soon as it is deeper; G_MAXUINT when a byte
 * outside strings cannot be strict JSON. json-glib's scanner also takes single-quoted strings
 * and comments, which could hide brackets from a count that only knows double quotes: those
 * are refused here rather than counted. */
static guint
nesting_depth (const char *p,
               const char *end,
               guint       limit)
{
  guint depth = 0;

  while (p < end)
    {
      char c = *p++;

      if (c == '"')
        {
          while (p < end && *p != '"')
            p += (*p == '\\' && p + 1 < end) ? 2 : 1;
          if (p < end)
            p++;
        }
      else if (c == '[' || c == '{')
        {
          if (++depth > limit)
            return limit + 1;
        }
      else if (c == ']' || c == '}')
        depth = depth > 0 ? depth - 1 : 0;
      else if (!g_ascii_isalnum (c) && (guchar) c < 0x80 && strchr (" \t\r\n,:.+-", c) == NULL)
        return G_MAXUINT;
    }
  return depth;
}

JsonNode *
lk_json_parse (const char  *data,
               gssize       len,
               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  gsize size = data == NULL ? 0 : len < 0 ? strlen (data) : (gsize) len;
  guint depth;

  if (size > LK_JSON_MAX_SIZE)
    {
      g_set_error (error, LK_JSON_ERROR, LK_JSON_ERROR_TOO_LARGE,
                   _("larger than %u MiB"), (guint) (LK_JSON_MAX_SIZE / (1024 * 1024)));
      return NULL;
    }
  depth = size > 0 ? nesting_depth (data, data + size, LK_JSON_MAX_DEPTH) : 0;
  if (depth == G_MAXUINT)
    {
      g_set_error_literal (error, LK_JSON_ERROR, LK_JSON_ERROR_INVALID, _("not JSON"));
      return NULL;
    }
  if (depth > LK_JSON_MAX_DEPTH)
    {
      g_set_error (error, LK_JSON_ERROR, LK_JSON_ERROR_TOO_DEEP,
                   _("nested deeper than %u levels"), (guint) LK_JSON_MAX_DEPTH);
      return NULL;
    }
  if (size == 0 || !json_parser_load_from_data (parser, data, (gssize) size, &local_error))
    {
      g_set_error_literal (error, LK_JSON_ERROR, LK_JSON_ERROR_INVALID,
                           local_error != NULL ? local_error->message : _("empty"));
      return NULL;
    }
  /* A whitespace-only text parses with no root at all. */
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, LK_JSON_ERROR, LK_JSON_ERROR_INVALID, _("empty"));
      return NULL;
    }
  return json_parser_steal_root (parser);
}

JsonNode *
lk_json_parse_object (const char  *data,
                      gssize       len,
                      GError     **error)
{
  g_autoptr(JsonNode) root = lk_json_parse (data, len, error);

  if (root != NULL && !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, LK_JSON_ERROR, LK_JSON_ERROR_INVALID, _("not a JSON object"));
      return NULL;
    }
  return g_steal_pointer (&root);
}

static JsonNode *
member_value (JsonObject *object,
              const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

const char *
lk_json_get_string (JsonObject *object,
                    const char *member,
                    const char *def)
{
  JsonNode *node = member_value (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return def;
  return json_node_get_string (node);
}

gint64
lk_json_get_int (JsonObject *object,
                 const char *member,
                 gint64      def)
{
  JsonNode *node = member_value (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return def;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  return def;
}

double
lk_json_get_double (JsonObject *object,
                    const char *member,
                    double      def)
{
  JsonNode *node = member_value (object, member);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return def;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  if (type == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  return def;
}

gboolean
lk_json_get_boolean (JsonObject *object,
                     const char *member,
                     gboolean    def)
{
  JsonNode *node = member_value (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return def;
  return json_node_get_boolean (node);
}

JsonObject *
lk_json_get_object (JsonObject *object,
                    const char *member)
{
  JsonNode *node = member_value (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

JsonArray *
lk_json_get_array (JsonObject *object,
                   const char *member)
{
  JsonNode *node = member_value (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

GDateTime *
lk_json_get_date_time (JsonObject *object,
                       const char *member)
{
  const char *text = lk_json_get_string (object, member, NULL);
  g_autoptr(GDateTime) when = NULL;

  if (text == NULL || *text == '\0')
    return NULL;
  when = g_date_time_new_from_iso8601 (text, NULL);
  /* Graph writes year 1 for "never happened". */
  if (when == NULL || g_date_time_get_year (when) <= 1)
    return NULL;
  return g_steal_pointer (&when);
}

gboolean
lk_json_member_has_wrong_type (JsonObject *object,
                               const char *member,
                               GType       type)
{
  JsonNode *node = member_value (object, member);

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return TRUE;
  if (type == G_TYPE_DOUBLE)
    return json_node_get_value_type (node) != G_TYPE_DOUBLE
           && json_node_get_value_type (node) != G_TYPE_INT64;
  return json_node_get_value_type (node) != type;
}
