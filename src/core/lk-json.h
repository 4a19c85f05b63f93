/* lk-json.h: JSON getters that take a default and never trust the type of a member.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The one way Latchkey reads JSON it did not write itself (Graph answers, error bodies, token
 * and discovery answers, JWT claims, history lines, the keyring's blob). json-glib recurses
 * once per nesting level, so a hostile 100 000-deep body would overflow a worker thread's
 * stack: the depth is counted first, outside strings, and refused above the cap. */
#define LK_JSON_MAX_DEPTH 64
/* The Graph client's body cap: what it reads whole is never refused here for its size alone
 * (a single object is a few kB; the bound is for text read from elsewhere, e.g. the history). */
#define LK_JSON_MAX_SIZE  (64 * 1024 * 1024)

#define LK_JSON_ERROR (lk_json_error_quark ())
typedef enum
{
  LK_JSON_ERROR_INVALID,     /* not JSON, or not an object where one is needed */
  LK_JSON_ERROR_TOO_DEEP,    /* nested deeper than LK_JSON_MAX_DEPTH */
  LK_JSON_ERROR_TOO_LARGE,   /* longer than LK_JSON_MAX_SIZE */
} LkJsonError;

GQuark      lk_json_error_quark (void);

/* Parses @data (@len < 0: NUL-terminated) under both caps; returns the root node (free with
 * json_node_unref) or NULL with an LK_JSON_ERROR. A whitespace-only text is INVALID. */
JsonNode   *lk_json_parse        (const char *data, gssize len, GError **error);
/* The same, when the root must be an object (everything Latchkey reads but a history line's
 * fields is one). */
JsonNode   *lk_json_parse_object (const char *data, gssize len, GError **error);

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
