/* lk-sandbox-faults.c: faults injected into answers (lk_sandbox_add_fault): statuses, Graph
 * errors, malformed and huge bodies, raw answers, truncated bodies and dropped connections.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lk-sandbox.h"
#include "lk-sandbox-private.h"

gsize
sb_raw_size (const LkFault *fault)
{
  if (fault->body == NULL)
    return 0;
  return fault->size > 0 ? fault->size : strlen (fault->body);
}

/* Marks which faults apply to this request; returns the first one that replaces the answer
 * (a copy, strings owned by the caller's SbFault-free) or NULL. DELAY, TRUNCATE, DROP,
 * DROP_MID_BODY, WRONG_TYPES, FOREIGN_NEXT_LINK, ENDLESS_NEXT_LINK and IGNORE_FILTER only set flags
 * on @req. */
SbFault *
sb_take_faults (LkSandbox *self, SbRequest *req, const char *method, const char *path)
{
  SbFault *hit = NULL;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->faults->len; i++)
    {
      SbFault *fault = g_ptr_array_index (self->faults, i);
      guint times = MAX (fault->fault.times, 1);

      if (fault->fault.method != NULL && g_ascii_strcasecmp (fault->fault.method, method) != 0)
        continue;
      if (fault->fault.path_contains != NULL && strstr (path, fault->fault.path_contains) == NULL)
        continue;
      fault->seen++;
      if (fault->seen <= fault->fault.skip || fault->seen > fault->fault.skip + times)
        continue;

      switch (fault->fault.kind)
        {
        case LK_FAULT_DELAY:
          req->delay_ms += fault->fault.delay_ms;
          break;
        case LK_FAULT_TRUNCATE:
          req->truncate = TRUE;
          break;
        case LK_FAULT_DROP:
          if (fault->fault.processed)
            req->drop_after = TRUE;
          else
            req->drop = TRUE;
          break;
        case LK_FAULT_DROP_MID_BODY:
          req->drop_mid_body = TRUE;
          break;
        case LK_FAULT_WRONG_TYPES:
          req->wrong_types = TRUE;
          break;
        case LK_FAULT_FOREIGN_NEXT_LINK:
          req->foreign_next_link = TRUE;
          break;
        case LK_FAULT_ENDLESS_NEXT_LINK:
          req->endless_next_link = TRUE;
          break;
        case LK_FAULT_IGNORE_FILTER:
          req->ignore_filter = TRUE;
          break;
        case LK_FAULT_STATUS:
        case LK_FAULT_MALFORMED:
        case LK_FAULT_EXPIRE_TOKEN:
        case LK_FAULT_HUGE_BODY:
        case LK_FAULT_FORBIDDEN:
        case LK_FAULT_OAUTH_ERROR:
        default:
          if (hit == NULL)
            {
              hit = g_new0 (SbFault, 1);
              hit->fault = fault->fault;
              hit->fault.method = NULL;
              hit->fault.path_contains = NULL;
              hit->fault.retry_after = g_strdup (fault->fault.retry_after);
              hit->fault.graph_code = g_strdup (fault->fault.graph_code);
              hit->fault.body = fault->fault.body != NULL
                                ? g_memdup2 (fault->fault.body, sb_raw_size (&fault->fault) + 1) : NULL;
            }
          break;
        }
    }
  g_mutex_unlock (&self->lock);
  return hit;
}

static const char *
code_for_status (guint status)
{
  switch (status)
    {
    case 400: return "BadRequest";
    case 401: return "InvalidAuthenticationToken";
    case 403: return "Forbidden";
    case 404: return "ResourceNotFound";
    case 409: return "Conflict";
    case 429: return "TooManyRequests";
    case 500: return "InternalServerError";
    case 502: return "BadGateway";
    case 503: return "ServiceUnavailable";
    case 504: return "GatewayTimeout";
    default: return "UnknownError";
    }
}

void
sb_reply_malformed (SbRequest *req)
{
  GString *body = g_string_new ("<!DOCTYPE html><html><body>Sorry, something went wrong"
                                " (this is not JSON)</body></html>");

  /* It still claims to be JSON, as a broken proxy in front of Graph would. */
  sb_set_json (req->msg, 200, GRAPH_JSON_TYPE, body);
}

void
sb_reply_huge (SbRequest *req, const char *graph_base, gsize size)
{
  GString *body = g_string_sized_new (size + 256);
  gsize pad;

  gsize start;

  g_string_append_printf (body, "{\"@odata.context\":\"%s/$metadata#deviceManagement/managedDevices\","
                          "\"value\":[{\"id\":\"00000000-0000-4000-8000-000000000001\","
                          "\"deviceName\":\"HUGE-BODY\",\"notes\":\"", graph_base);
  pad = size > body->len + 4 ? size - body->len - 4 : 0;
  start = body->len;
  g_string_set_size (body, start + pad);
  memset (body->str + start, 'x', pad);
  g_string_append (body, "\"}]}");
  sb_set_json (req->msg, 200, GRAPH_JSON_TYPE, body);
}

/* RAW: the answer as given, on the stolen connection, instead of libsoup's. */
void
sb_send_raw (SbRequest *req)
{
  GSocket *socket = soup_server_message_get_socket (req->msg);
  g_autoptr(GIOStream) stream = NULL;

  req->dropped = TRUE;
  stream = soup_server_message_steal_connection (req->msg);
  sb_raw_send (&req->self->raw_writers, stream, socket, req->raw, req->raw_delay_ms);
}

void
sb_apply_graph_fault (SbRequest *req, SbFault *fault, const char *token, const char *version)
{
  LkSandbox *self = req->self;

  switch (fault->fault.kind)
    {
    case LK_FAULT_STATUS:
      if (fault->fault.retry_after != NULL)
        soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                      "Retry-After", fault->fault.retry_after);
      sb_reply_graph_error (req, fault->fault.status != 0 ? fault->fault.status : 503,
                         code_for_status (fault->fault.status),
                         "The service is busy (sandbox fault injection).");
      break;
    case LK_FAULT_MALFORMED:
      sb_reply_malformed (req);
      break;
    case LK_FAULT_EXPIRE_TOKEN:
      g_mutex_lock (&self->lock);
      g_hash_table_remove (self->access_tokens, token);
      g_mutex_unlock (&self->lock);
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "WWW-Authenticate", "Bearer realm=\"\", error=\"invalid_token\"");
      sb_reply_graph_error (req, 401, "InvalidAuthenticationToken",
                         "Lifetime validation failed, the token is expired.");
      break;
    case LK_FAULT_HUGE_BODY:
      {
        g_autofree char *graph = NULL;

        g_mutex_lock (&self->lock);
        graph = g_strdup_printf ("%s/graph/%s", self->base_url, version);
        g_mutex_unlock (&self->lock);
        sb_reply_huge (req, graph, fault->fault.size);
      }
      break;
    case LK_FAULT_FORBIDDEN:
      if (g_strcmp0 (fault->fault.graph_code, "Forbidden") == 0)
        {
          static const char *const privileged[] = { SCOPE_PRIVILEGED, NULL };

          sb_reply_intune_missing_scope (req, privileged);
        }
      else if (g_strcmp0 (fault->fault.graph_code, "UnknownError") == 0)
        sb_reply_intune_missing_role (req);
      else if (g_strcmp0 (fault->fault.graph_code, "ApprovalRequired") == 0)
        sb_reply_intune_approval_required (req);
      else
        sb_reply_graph_error (req, 403, fault->fault.graph_code != NULL ? fault->fault.graph_code
                                                                     : "Forbidden",
                           "Access denied (sandbox fault injection).");
      break;
    case LK_FAULT_RAW:
      req->raw = g_bytes_new (fault->fault.body, sb_raw_size (&fault->fault));
      req->raw_delay_ms = fault->fault.delay_ms;
      break;
    case LK_FAULT_OAUTH_ERROR:
    case LK_FAULT_DELAY:
    case LK_FAULT_TRUNCATE:
    case LK_FAULT_WRONG_TYPES:
    case LK_FAULT_DROP:
    case LK_FAULT_FOREIGN_NEXT_LINK:
    case LK_FAULT_ENDLESS_NEXT_LINK:
    case LK_FAULT_IGNORE_FILTER:
    default:
      g_assert_not_reached ();
    }
}

/* DROP: the client sees the connection close with no status line at all. Shutting the socket
 * down (rather than stealing the connection) lets libsoup clean up the message as usual. */
void
sb_drop_connection (SbRequest *req)
{
  GSocket *socket = soup_server_message_get_socket (req->msg);

  req->dropped = TRUE;
  soup_server_message_set_status (req->msg, 500, NULL);
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

/* TRUNCATE: the answer is a well-formed HTTP response whose body is the first half of the
 * real one, with a Content-Length that matches the half. Declaring the full length and
 * closing early makes libsoup itself report a network error instead; the half body is what
 * a client sees behind a proxy that cut the stream: a 200 with invalid JSON. */
void
sb_truncate_body (SbRequest *req)
{
  SoupMessageBody *body = soup_server_message_get_response_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  gsize half = g_bytes_get_size (bytes) / 2;

  soup_message_body_truncate (body);
  soup_message_body_append (body, SOUP_MEMORY_COPY, g_bytes_get_data (bytes, NULL), half);
}

/* DROP_MID_BODY: the answer is written by hand on the stolen connection — status line, headers,
 * a Content-Length for the whole body, then only its first half — and the connection closed,
 * so the client has a status and half a body, then a transport error. FALSE when the answer
 * has no body to cut. */
gboolean
sb_send_half_then_drop (SbRequest *req)
{
  SoupServerMessage *msg = req->msg;
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  gsize half = g_bytes_get_size (bytes) / 2;
  g_autoptr(GString) head = g_string_new (NULL);
  g_autoptr(GIOStream) stream = NULL;
  SoupMessageHeadersIter iter;
  const char *name, *value;
  GSocket *socket;

  if (half == 0)
    return FALSE;
  g_string_append_printf (head, "HTTP/1.1 %u %s\r\n", soup_server_message_get_status (msg),
                          soup_status_get_phrase (soup_server_message_get_status (msg)));
  soup_message_headers_iter_init (&iter, soup_server_message_get_response_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Content-Length") != 0
        && g_ascii_strcasecmp (name, "Transfer-Encoding") != 0
        && g_ascii_strcasecmp (name, "Connection") != 0)
      g_string_append_printf (head, "%s: %s\r\n", name, value);
  g_string_append_printf (head, "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                          g_bytes_get_size (bytes));

  req->dropped = TRUE;
  socket = soup_server_message_get_socket (msg);
  stream = soup_server_message_steal_connection (msg);
  /* The server thread may block here: the client reads on its own thread. */
  if (socket != NULL)
    g_socket_set_blocking (socket, TRUE);
  if (g_output_stream_write_all (g_io_stream_get_output_stream (stream), head->str, head->len, NULL, NULL, NULL))
    g_output_stream_write_all (g_io_stream_get_output_stream (stream), g_bytes_get_data (bytes, NULL),
                               half, NULL, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
  return TRUE;
}
