/* lk-json.c: JSON getters that take a default and never trust the type of a member. */
#include "config.h"

#include "lk-json.h"

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
