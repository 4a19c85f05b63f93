/* lk-json.h: JSON getters that take a default and never trust the type of a member. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Each returns @def when the member is missing, null, or not of the expected type. */
const char *lk_json_get_string  (JsonObject *object, const char *member, const char *def);
gint64      lk_json_get_int     (JsonObject *object, const char *member, gint64 def);
double      lk_json_get_double  (JsonObject *object, const char *member, double def);
gboolean    lk_json_get_boolean (JsonObject *object, const char *member, gboolean def);
JsonObject *lk_json_get_object  (JsonObject *object, const char *member);
JsonArray  *lk_json_get_array   (JsonObject *object, const char *member);
/* Returns a new GDateTime for an ISO 8601 member, NULL when missing or unparsable, and NULL
 * for Graph's "0001-01-01T00:00:00Z" (which means "never"). */
GDateTime  *lk_json_get_date_time (JsonObject *object, const char *member);

/* TRUE when the member exists and holds a value that is neither null nor of @type. */
gboolean    lk_json_member_has_wrong_type (JsonObject *object, const char *member, GType type);

G_END_DECLS
