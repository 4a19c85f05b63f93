/* lk-graph-error.h: the Graph error model: one domain, codes a caller can act on.
 *
 * Every GError in LK_GRAPH_ERROR carries the facts support needs: Graph's own error code
 * (e.g. "Authorization_RequestDenied"), the HTTP status, request-id and client-request-id.
 * The message is already translated and never holds a secret.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define LK_GRAPH_ERROR (lk_graph_error_quark ())

typedef enum
{
  LK_GRAPH_ERROR_NETWORK,           /* could not connect, connection dropped before sending */
  LK_GRAPH_ERROR_TIMEOUT,           /* no answer in time; for a GET it is safe to retry */
  LK_GRAPH_ERROR_OUTCOME_UNKNOWN,   /* a POST left and no answer proved it refused (any 5xx, a drop,
                                       a timeout): never resend it; read deviceActionResults */
  LK_GRAPH_ERROR_UNAUTHORIZED,      /* 401 after one refresh: sign in again */
  LK_GRAPH_ERROR_FORBIDDEN,         /* 403: see lk_graph_error_get_forbidden_reason() */
  LK_GRAPH_ERROR_NOT_FOUND,         /* 404 */
  LK_GRAPH_ERROR_BAD_REQUEST,       /* 400 and other 4xx the caller cannot fix by retrying */
  LK_GRAPH_ERROR_THROTTLED,         /* 429/503/504 still failing after the allowed retries */
  LK_GRAPH_ERROR_SERVER,            /* 5xx */
  LK_GRAPH_ERROR_INVALID_RESPONSE,  /* malformed or truncated JSON, wrong member types */
  LK_GRAPH_ERROR_TOO_LARGE,         /* response body above the size cap */
  LK_GRAPH_ERROR_INSECURE,          /* refused: token over plain HTTP, nextLink to a foreign host */
} LkGraphError;

typedef enum
{
  LK_FORBIDDEN_UNKNOWN,
  LK_FORBIDDEN_MISSING_SCOPE,          /* token lacks the delegated permission */
  LK_FORBIDDEN_MISSING_ROLE,           /* no Intune role with the right permission */
  LK_FORBIDDEN_CONDITIONAL_ACCESS,     /* insufficient_claims: a new sign-in must satisfy a policy */
  LK_FORBIDDEN_MULTI_ADMIN_APPROVAL,   /* the action needs a second admin's approval */
} LkForbiddenReason;

GQuark             lk_graph_error_quark               (void);

/* Builds an error from a Graph response. @body may be NULL or not JSON. */
GError            *lk_graph_error_new_from_response   (guint         http_status,
                                                       const char   *body,
                                                       gsize         body_len,
                                                       const char   *request_id_header,
                                                       const char   *client_request_id);
GError            *lk_graph_error_new_literal_full    (LkGraphError  code,
                                                       const char   *message,
                                                       guint         http_status,
                                                       const char   *graph_code,
                                                       const char   *request_id,
                                                       const char   *client_request_id);

/* Accessors; NULL/0 when the error is not LK_GRAPH_ERROR or the fact is unknown. */
const char        *lk_graph_error_get_graph_code      (const GError *error);
const char        *lk_graph_error_get_graph_message   (const GError *error);
guint              lk_graph_error_get_http_status     (const GError *error);
const char        *lk_graph_error_get_request_id      (const GError *error);
const char        *lk_graph_error_get_client_request_id (const GError *error);
LkForbiddenReason  lk_graph_error_get_forbidden_reason (const GError *error);
/* Sets the client-request-id after the fact (the send path knows it, parsers may not). */
void               lk_graph_error_set_client_request_id (GError     *error,
                                                         const char *client_request_id);

/* The permission names Intune's 403 message lists ("… must have one of the following scopes:
 * A, B - Operation ID …"), as "A, B"; NULL when it names none. Only letters, digits, dots and
 * ", " are kept. */
char              *lk_graph_error_parse_missing_permission (const char *graph_message);

/* "Request ID: …  Client request ID: …" or NULL when neither is known. */
char              *lk_graph_error_format_ids          (const GError *error);

/* Maps an HTTP status and a Graph code to an LkGraphError code. */
LkGraphError       lk_graph_error_code_for_status     (guint         http_status,
                                                       const char   *graph_code);

G_END_DECLS
