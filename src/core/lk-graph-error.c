/* lk-graph-error.c: the Graph error model.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-graph-error.h"
#include "lk-json.h"

typedef struct
{
  guint  http_status;
  char  *graph_code;
  char  *graph_message;
  char  *request_id;
  char  *client_request_id;
} LkGraphErrorPrivate;

static void
lk_graph_error_private_init (LkGraphErrorPrivate *priv)
{
  memset (priv, 0, sizeof *priv);
}

static void
lk_graph_error_private_copy (const LkGraphErrorPrivate *src,
                             LkGraphErrorPrivate       *dest)
{
  dest->http_status = src->http_status;
  dest->graph_code = g_strdup (src->graph_code);
  dest->graph_message = g_strdup (src->graph_message);
  dest->request_id = g_strdup (src->request_id);
  dest->client_request_id = g_strdup (src->client_request_id);
}

static void
lk_graph_error_private_clear (LkGraphErrorPrivate *priv)
{
  g_clear_pointer (&priv->graph_code, g_free);
  g_clear_pointer (&priv->graph_message, g_free);
  g_clear_pointer (&priv->request_id, g_free);
  g_clear_pointer (&priv->client_request_id, g_free);
}

G_DEFINE_EXTENDED_ERROR (LkGraphError, lk_graph_error)

static LkGraphErrorPrivate *
get_private (const GError *error)
{
  if (error == NULL || error->domain != LK_GRAPH_ERROR)
    return NULL;
  return lk_graph_error_get_private (error);
}

LkGraphError
lk_graph_error_code_for_status (guint       http_status,
                                const char *graph_code)
{
  switch (http_status)
    {
    case 400:
      return LK_GRAPH_ERROR_BAD_REQUEST;
    case 401:
      return LK_GRAPH_ERROR_UNAUTHORIZED;
    case 403:
      return LK_GRAPH_ERROR_FORBIDDEN;
    case 404:
      return LK_GRAPH_ERROR_NOT_FOUND;
    case 408:
      return LK_GRAPH_ERROR_TIMEOUT;
    case 413:
      return LK_GRAPH_ERROR_TOO_LARGE;
    case 429:
    case 503:
    case 504:
      return LK_GRAPH_ERROR_THROTTLED;
    default:
      break;
    }
  if (http_status >= 500)
    return LK_GRAPH_ERROR_SERVER;
  if (http_status >= 400)
    return LK_GRAPH_ERROR_BAD_REQUEST;
  return LK_GRAPH_ERROR_INVALID_RESPONSE;
}

static const char *
message_for_code (LkGraphError code,
                  guint        http_status)
{
  switch (code)
    {
    case LK_GRAPH_ERROR_NETWORK:
      return _("Could not reach Microsoft Graph. Check the network connection.");
    case LK_GRAPH_ERROR_TIMEOUT:
      return _("Microsoft Graph did not answer in time.");
    case LK_GRAPH_ERROR_OUTCOME_UNKNOWN:
      return _("The request was sent but no answer came back. It was not sent again; check the device’s action status.");
    case LK_GRAPH_ERROR_UNAUTHORIZED:
      return _("The sign-in is no longer valid. Sign in again.");
    case LK_GRAPH_ERROR_FORBIDDEN:
      return _("Access denied by Microsoft Graph.");
    case LK_GRAPH_ERROR_NOT_FOUND:
      return _("The device was not found. It may have been retired or deleted.");
    case LK_GRAPH_ERROR_BAD_REQUEST:
      return _("Microsoft Graph rejected the request.");
    case LK_GRAPH_ERROR_THROTTLED:
      return http_status == 429
               ? _("Microsoft Graph is throttling requests. Try again in a minute.")
               : _("Microsoft Graph is temporarily unavailable. Try again in a minute.");
    case LK_GRAPH_ERROR_SERVER:
      return _("Microsoft Graph had an internal error.");
    case LK_GRAPH_ERROR_INVALID_RESPONSE:
      return _("Microsoft Graph sent a response Latchkey could not read.");
    case LK_GRAPH_ERROR_TOO_LARGE:
      return _("Microsoft Graph sent a response larger than Latchkey accepts.");
    case LK_GRAPH_ERROR_INSECURE:
      return _("Refused to send the sign-in token to an untrusted address.");
    default:
      return _("Microsoft Graph request failed.");
    }
}

GError *
lk_graph_error_new_literal_full (LkGraphError  code,
                                 const char   *message,
                                 guint         http_status,
                                 const char   *graph_code,
                                 const char   *request_id,
                                 const char   *client_request_id)
{
  GError *error;
  LkGraphErrorPrivate *priv;

  error = g_error_new_literal (LK_GRAPH_ERROR, code,
                               message != NULL ? message : message_for_code (code, http_status));
  priv = lk_graph_error_get_private (error);
  priv->http_status = http_status;
  priv->graph_code = g_strdup (graph_code);
  priv->request_id = g_strdup (request_id);
  priv->client_request_id = g_strdup (client_request_id);
  return error;
}

/* Intune names a missing permission only in its message, inside the JSON text it nests there:
 * "Application is not authorized to perform this operation. Application must have one of the
 * following scopes: DeviceManagementManagedDevices.PrivilegedOperations.All - Operation ID …"
 * (microsoftgraph/microsoft-graph-docs-contrib#87). The code is a bare "Forbidden", so the
 * message is the only place that tells a missing permission from a missing Intune role. */
#define SCOPES_MARKER "following scopes: "

char *
lk_graph_error_parse_missing_permission (const char *graph_message)
{
  const char *start = graph_message != NULL ? strstr (graph_message, SCOPES_MARKER) : NULL;
  gsize len = 0;

  if (start == NULL)
    return NULL;
  start += strlen (SCOPES_MARKER);
  /* Permission names are letters, digits and dots, listed with ", ": anything else ends the
   * list, so nothing hostile reaches a label or a terminal. */
  while (len < 512 && (g_ascii_isalnum (start[len]) || start[len] == '.' || start[len] == '_'
                       || (start[len] == ',' && start[len + 1] == ' ')
                       || (start[len] == ' ' && len > 0 && start[len - 1] == ',')))
    len++;
  while (len > 0 && (start[len - 1] == ',' || start[len - 1] == ' ' || start[len - 1] == '.'))
    len--;
  return len > 0 ? g_strndup (start, len) : NULL;
}

static char *
forbidden_message (LkForbiddenReason  reason,
                   const char        *graph_message)
{
  g_autofree char *permission = NULL;

  switch (reason)
    {
    case LK_FORBIDDEN_MISSING_SCOPE:
      permission = lk_graph_error_parse_missing_permission (graph_message);
      if (permission != NULL)
        /* Translators: %s is a Microsoft Graph permission name, e.g.
         * DeviceManagementManagedDevices.PrivilegedOperations.All. */
        return g_strdup_printf (_("The sign-in lacks the Microsoft Graph permission %s. An administrator must add it to the app registration as a delegated permission and grant admin consent; then sign in again."),
                                permission);
      return g_strdup (_("The sign-in lacks the Microsoft Graph permission for this request. An administrator must add it to the app registration as a delegated permission and grant admin consent; then sign in again."));
    case LK_FORBIDDEN_MISSING_ROLE:
      return g_strdup (_("Intune refused this for your account: it has no Intune role that allows it. Ask for the Help Desk Operator or School Administrator role, or a custom role with Remote tasks → Reset passcode."));
    case LK_FORBIDDEN_CONDITIONAL_ACCESS:
      return g_strdup (_("A Conditional Access policy requires you to sign in again before this request."));
    case LK_FORBIDDEN_MULTI_ADMIN_APPROVAL:
      return g_strdup (_("This action now awaits approval by a second administrator (Multi Admin Approval). It has not failed: once it is approved in the Intune admin center (Tenant administration → Multi Admin Approval), it can be completed."));
    case LK_FORBIDDEN_UNKNOWN:
    default:
      return g_strdup (_("Access denied by Microsoft Graph."));
    }
}

static LkForbiddenReason
forbidden_reason_for (const char *graph_code,
                      const char *graph_message)
{
  if (graph_code == NULL)
    return LK_FORBIDDEN_UNKNOWN;
  if (g_str_equal (graph_code, "insufficient_claims"))
    return LK_FORBIDDEN_CONDITIONAL_ACCESS;
  /* learn.microsoft.com/intune/fundamentals/role-based-access-control/multi-admin-approval-graph-api:
   * 403 {"error":{"code":"ApprovalRequired","message":"Approval Required. Request Approval …"}}. */
  if (g_str_equal (graph_code, "ApprovalRequired") || g_str_has_prefix (graph_code, "MultiAdminApproval"))
    return LK_FORBIDDEN_MULTI_ADMIN_APPROVAL;
  if (g_str_equal (graph_code, "Authorization_RequestDenied")
      || g_str_equal (graph_code, "ErrorAccessDenied"))
    return LK_FORBIDDEN_MISSING_SCOPE;
  if (graph_message != NULL && strstr (graph_message, SCOPES_MARKER) != NULL)
    return LK_FORBIDDEN_MISSING_SCOPE;
  /* Intune's answer to a user without a role that allows the request is a 403 whose code is
   * "Forbidden" or "UnknownError" (with "ErrorCode":"Forbidden" nested in the message) and a
   * message that names no permission: "An error has occurred - Operation ID …". */
  if (g_str_equal (graph_code, "UnauthorizedRoleAssignment")
      || g_str_equal (graph_code, "NoPermissionsInAccessToken")
      || g_str_equal (graph_code, "Forbidden") || g_str_equal (graph_code, "UnknownError"))
    return LK_FORBIDDEN_MISSING_ROLE;
  return LK_FORBIDDEN_UNKNOWN;
}

GError *
lk_graph_error_new_from_response (guint       http_status,
                                  const char *body,
                                  gsize       body_len,
                                  const char *request_id_header,
                                  const char *client_request_id)
{
  g_autoptr(JsonNode) parsed = body != NULL && body_len > 0
                               ? lk_json_parse_object (body, (gssize) body_len, NULL) : NULL;
  const char *graph_code = NULL;
  const char *graph_message = NULL;
  const char *request_id = request_id_header;
  g_autofree char *message = NULL;
  LkGraphError code;
  GError *error;

  if (parsed != NULL)
    {
      JsonObject *root = json_node_get_object (parsed);
      JsonObject *err = lk_json_get_object (root, "error");
      JsonObject *inner = lk_json_get_object (err, "innerError");

      if (inner == NULL)
        inner = lk_json_get_object (err, "innererror");
      graph_code = lk_json_get_string (err, "code", NULL);
      graph_message = lk_json_get_string (err, "message", NULL);
      request_id = lk_json_get_string (inner, "request-id", request_id);
      if (client_request_id == NULL)
        client_request_id = lk_json_get_string (inner, "client-request-id", NULL);
    }

  code = lk_graph_error_code_for_status (http_status, graph_code);
  if (code == LK_GRAPH_ERROR_FORBIDDEN)
    message = forbidden_message (forbidden_reason_for (graph_code, graph_message), graph_message);

  error = lk_graph_error_new_literal_full (code, message, http_status, graph_code,
                                           request_id, client_request_id);
  /* Graph's own message is kept for support, not shown as ours: it is English and may change. */
  get_private (error)->graph_message = g_strdup (graph_message);
  return error;
}

const char *
lk_graph_error_get_graph_code (const GError *error)
{
  LkGraphErrorPrivate *priv = get_private (error);
  return priv != NULL ? priv->graph_code : NULL;
}

const char *
lk_graph_error_get_graph_message (const GError *error)
{
  LkGraphErrorPrivate *priv = get_private (error);
  return priv != NULL ? priv->graph_message : NULL;
}

guint
lk_graph_error_get_http_status (const GError *error)
{
  LkGraphErrorPrivate *priv = get_private (error);
  return priv != NULL ? priv->http_status : 0;
}

const char *
lk_graph_error_get_request_id (const GError *error)
{
  LkGraphErrorPrivate *priv = get_private (error);
  return priv != NULL ? priv->request_id : NULL;
}

const char *
lk_graph_error_get_client_request_id (const GError *error)
{
  LkGraphErrorPrivate *priv = get_private (error);
  return priv != NULL ? priv->client_request_id : NULL;
}

void
lk_graph_error_set_client_request_id (GError     *error,
                                      const char *client_request_id)
{
  LkGraphErrorPrivate *priv = get_private (error);

  if (priv == NULL || priv->client_request_id != NULL)
    return;
  priv->client_request_id = g_strdup (client_request_id);
}

LkForbiddenReason
lk_graph_error_get_forbidden_reason (const GError *error)
{
  if (!g_error_matches (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_FORBIDDEN))
    return LK_FORBIDDEN_UNKNOWN;
  return forbidden_reason_for (lk_graph_error_get_graph_code (error), lk_graph_error_get_graph_message (error));
}

char *
lk_graph_error_format_ids (const GError *error)
{
  LkGraphErrorPrivate *priv = get_private (error);
  GString *text;

  if (priv == NULL || (priv->request_id == NULL && priv->client_request_id == NULL))
    return NULL;
  text = g_string_new (NULL);
  if (priv->request_id != NULL)
    g_string_append_printf (text, _("Request ID: %s"), priv->request_id);
  if (priv->client_request_id != NULL)
    {
      if (text->len > 0)
        g_string_append (text, "\n");
      g_string_append_printf (text, _("Client request ID: %s"), priv->client_request_id);
    }
  return g_string_free (text, FALSE);
}
