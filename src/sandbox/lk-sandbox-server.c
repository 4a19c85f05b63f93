/* lk-sandbox-server.c: the sandbox's HTTP server: one request's state and replies, routing,
 * delays and disconnects, and the thread it runs on.
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

/* ---- one request ---- */

static void
request_free (gpointer data)
{
  SbRequest *req = data;

  if (req->timer != NULL)
    {
      g_source_destroy (req->timer);
      g_source_unref (req->timer);
    }
  if (req->watch != NULL)
    {
      g_source_destroy (req->watch);
      g_source_unref (req->watch);
    }
  g_free (req->request_id);
  g_free (req->client_request_id);
  g_clear_pointer (&req->raw, g_bytes_unref);
  g_free (req);
}

static void
count_aborted (SbRequest *req)
{
  if (req->counted || req->wrote || req->dropped)
    return;
  req->counted = TRUE;
  g_mutex_lock (&req->self->lock);
  req->self->n_aborted++;
  g_mutex_unlock (&req->self->lock);
}

static void
wrote_body_cb (SoupServerMessage *msg, SbRequest *req)
{
  req->wrote = TRUE;
}

static void
finished_cb (SoupServerMessage *msg, SbRequest *req)
{
  /* Finished without having written the body: the client went away first. */
  count_aborted (req);
}

void
sb_set_json (SoupServerMessage *msg, guint status, const char *type, GString *body)
{
  gsize len = body->len;

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_TAKE,
                                    g_string_free (body, FALSE), len);
}

/* @body's bytes as they are, not copied (a cached page, lk_sandbox_set_page_cache). */
void
sb_set_json_bytes (SoupServerMessage *msg, guint status, const char *type, GBytes *body)
{
  SoupMessageBody *response = soup_server_message_get_response_body (msg);

  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), type, NULL);
  soup_message_body_truncate (response);
  soup_message_body_append_bytes (response, body);
}

void
sb_reply_graph_error (SbRequest  *req,
                   guint       status,
                   const char *code,
                   const char *message)
{
  GString *body = g_string_new ("{\"error\":{\"code\":");
  g_autofree char *date = sb_utc_now_iso8601 ();

  sb_json_append_string (body, code);
  g_string_append (body, ",\"message\":");
  sb_json_append_string (body, message);
  g_string_append (body, ",\"innerError\":{\"date\":");
  sb_json_append_string (body, date);
  g_string_append (body, ",\"request-id\":");
  sb_json_append_string (body, req->request_id);
  g_string_append (body, ",\"client-request-id\":");
  sb_json_append_string (body, req->client_request_id != NULL ? req->client_request_id
                                                              : req->request_id);
  g_string_append (body, "}}}");
  sb_set_json (req->msg, status, GRAPH_JSON_TYPE, body);
}

void
sb_reply_oauth_error (SbRequest  *req,
                   guint       status,
                   const char *error,
                   guint       aadsts,
                   const char *description)
{
  GString *body = g_string_new ("{\"error\":");
  g_autofree char *text = g_strdup_printf ("AADSTS%u: %s Trace ID: %s Correlation ID: %s",
                                           aadsts, description, req->request_id,
                                           req->request_id);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *timestamp = g_date_time_format (now, "%Y-%m-%d %H:%M:%SZ");

  sb_json_append_string (body, error);
  g_string_append (body, ",\"error_description\":");
  sb_json_append_string (body, text);
  g_string_append_printf (body, ",\"error_codes\":[%u],\"timestamp\":", aadsts);
  sb_json_append_string (body, timestamp);
  g_string_append (body, ",\"trace_id\":");
  sb_json_append_string (body, req->request_id);
  g_string_append (body, ",\"correlation_id\":");
  sb_json_append_string (body, req->request_id);
  g_string_append (body, ",\"error_uri\":\"https://login.microsoftonline.com/error?code=");
  g_string_append_printf (body, "%u\"}", aadsts);
  sb_set_json (req->msg, status, OAUTH_JSON_TYPE, body);
}

void
sb_reply_html (SbRequest *req, guint status, const char *title, const char *text)
{
  g_autofree char *t = g_markup_escape_text (title, -1);
  g_autofree char *x = g_markup_escape_text (text, -1);
  GString *body = g_string_new (NULL);

  g_string_append_printf (body, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>"
                          "<body><h1>%s</h1><p>%s</p></body></html>\n", t, t, x);
  sb_set_json (req->msg, status, "text/html; charset=utf-8", body);
}

/* ---- dispatch, delays, disconnects ---- */

static void
log_request (LkSandbox *self, SoupServerMessage *msg, const char *method, const char *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SbLogEntry *entry = g_new0 (SbLogEntry, 1);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  entry->method = g_strdup (method);
  entry->path = g_strdup (path);
  entry->query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));
  entry->headers = g_ptr_array_new_with_free_func (g_free);
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      g_ptr_array_add (entry->headers, g_strdup (name));
      g_ptr_array_add (entry->headers, g_strdup (value));
    }
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->log, entry);
  g_mutex_unlock (&self->lock);
}

static void
forget_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static gboolean
answer_cb (gpointer data)
{
  SbRequest *req = data;

  forget_source (&req->timer);
  forget_source (&req->watch);
  /* May finish (and free) the request: touch nothing after this. */
  soup_server_message_unpause (req->msg);
  return G_SOURCE_REMOVE;
}

/* While an answer is held back, notice a client that hangs up (a cancellation), so tests can
 * prove the cancellation reached the server without waiting for the delay to end. */
static gboolean
client_gone_cb (GSocket *socket, GIOCondition condition, gpointer data)
{
  SbRequest *req = data;
  char c;
  ssize_t n = recv (g_socket_get_fd (socket), &c, 1, MSG_PEEK | MSG_DONTWAIT);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&req->watch, g_source_unref);
  if (n > 0)
    return G_SOURCE_REMOVE;  /* the client sent more: not a hang-up; stop watching */

  count_aborted (req);
  forget_source (&req->timer);
  soup_server_message_unpause (req->msg);
  return G_SOURCE_REMOVE;
}

static void
schedule_answer (LkSandbox *self, SbRequest *req)
{
  GSocket *socket;
  guint delay;

  g_mutex_lock (&self->lock);
  delay = self->latency_min_ms;
  if (self->latency_max_ms > self->latency_min_ms)
    delay = g_random_int_range (self->latency_min_ms, self->latency_max_ms + 1);
  g_mutex_unlock (&self->lock);
  delay += req->delay_ms;
  if (delay == 0)
    return;

  soup_server_message_pause (req->msg);
  req->timer = g_timeout_source_new (delay);
  g_source_set_callback (req->timer, answer_cb, req, NULL);
  g_source_attach (req->timer, g_main_context_get_thread_default ());

  socket = soup_server_message_get_socket (req->msg);
  if (socket != NULL)
    {
      req->watch = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
      g_source_set_callback (req->watch, G_SOURCE_FUNC (client_gone_cb), req, NULL);
      g_source_attach (req->watch, g_main_context_get_thread_default ());
    }
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  LkSandbox *self = user_data;
  SbRequest *req = g_new0 (SbRequest, 1);
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  const char *client_request_id;

  req->self = self;
  req->msg = msg;
  g_object_set_data_full (G_OBJECT (msg), "lk-sandbox-request", req, request_free);
  g_signal_connect (msg, "wrote-body", G_CALLBACK (wrote_body_cb), req);
  g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), req);
  log_request (self, msg, method, path);

  req->request_id = g_uuid_string_random ();
  client_request_id = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "client-request-id");
  req->client_request_id = g_strdup (client_request_id);
  soup_message_headers_replace (response_headers, "request-id", req->request_id);
  if (client_request_id != NULL)
    soup_message_headers_replace (response_headers, "client-request-id", client_request_id);

  if (g_str_has_prefix (path, "/graph/"))
    sb_handle_graph (req, method, path, query);
  else if (g_str_has_prefix (path, "/login/"))
    sb_handle_login (req, method, path, query);
  else
    sb_reply_graph_error (req, 404, "ResourceNotFound", "No such endpoint in the sandbox.");

  if (req->drop || req->drop_after)
    {
      sb_drop_connection (req);
      return;
    }
  if (req->drop_mid_body)
    {
      if (!sb_send_half_then_drop (req))
        sb_drop_connection (req);
      return;
    }
  if (req->raw != NULL)
    {
      sb_send_raw (req);
      return;
    }
  if (req->truncate)
    sb_truncate_body (req);
  schedule_answer (self, req);
}

/* ---- thread ---- */

static gboolean
started_cb (gpointer data)
{
  LkSandbox *self = data;

  g_mutex_lock (&self->lock);
  self->started = TRUE;
  g_cond_broadcast (&self->started_cond);
  g_mutex_unlock (&self->lock);
  return G_SOURCE_REMOVE;
}

gpointer
sb_server_thread (gpointer data)
{
  LkSandbox *self = data;
  SoupServer *server;
  GError *error = NULL;
  GSource *idle;
  GSList *uris;

  g_main_context_push_thread_default (self->context);
  server = soup_server_new ("server-header", "Microsoft-IIS/10.0 (Latchkey sandbox)", NULL);
  soup_server_add_handler (server, NULL, server_cb, self, NULL);
  /* A random port, the demo's too: its accounts are found whatever port it gets. */
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  if (error != NULL)
    {
      g_object_unref (server);
      g_main_context_pop_thread_default (self->context);
      g_mutex_lock (&self->lock);
      self->start_error = error;
      self->started = TRUE;
      g_cond_broadcast (&self->started_cond);
      g_mutex_unlock (&self->lock);
      return NULL;
    }

  uris = soup_server_get_uris (server);
  g_mutex_lock (&self->lock);
  self->port = g_uri_get_port (uris->data);
  g_free (self->base_url);
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  g_mutex_unlock (&self->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* Report "started" from inside the loop, so stop's quit can never come before run. */
  idle = g_idle_source_new ();
  g_source_set_callback (idle, started_cb, self, NULL);
  g_source_attach (idle, self->context);
  g_source_unref (idle);

  g_main_loop_run (self->loop);

  soup_server_disconnect (server);
  g_object_unref (server);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}
