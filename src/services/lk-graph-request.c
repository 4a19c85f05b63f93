/* lk-graph-request.c: the request engine of LkGraphClient, its one send path.
 *
 * Every request goes through lk_graph_send_async(): check where the token may go, wait out a
 * shared throttle, get a token, send, read the body under a size cap, then either parse it (in
 * a thread when it is large) or map the failure to LK_GRAPH_ERROR, retrying where that is safe.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lk-graph-client-private.h"
#include "lk-body-pool.h"
#include "lk-secret.h"
#include "lk-graph-error.h"
#include "lk-request-policy.h"

/* How long without a byte before the wait is worth telling the admin about ("waiting"). The
 * watch runs once a second on a seconds timer: GLib wakes once for all of them, which matters
 * with a thousand requests in flight. */
#define WAITING_AFTER_US     (2 * G_USEC_PER_SEC)
/* Bodies above this are parsed in a worker thread so the main loop never stalls. */
#define THREAD_PARSE_MIN     (32 * 1024)
/* A server asking for a longer pause than this is treated as unavailable, not waited for. */
#define MAX_RETRY_AFTER_S    300.0
#define READ_CHUNK           (256 * 1024)

typedef struct
{
  LkGraphClient  *client;
  char           *method;
  char           *url;
  char           *client_request_id;
  char           *response_request_id;   /* the request-id Graph answered with */
  ParseFunc       parse;
  PeekFunc        peek;
  gpointer        parse_data;
  GDestroyNotify  parse_data_free;
  GDestroyNotify  result_free;

  guint           attempt;
  gboolean        refreshed;
  gboolean        sent;
  gboolean        timed_out;
  gboolean        budget_spent;
  gint64          started;          /* monotonic µs: the operation's first attempt */
  gint64          last_activity;    /* monotonic µs: the last byte either way */
  gboolean        on_wire;          /* headers written: idle time counts from here */
  gint64          waiting_said;     /* whole seconds last reported through "waiting" */
  char           *token;
  LkRateTicket    ticket;           /* this attempt's entries in the client's rate windows */

  GMainContext   *context;         /* where it was sent: every callback runs there */

  SoupMessage    *msg;
  GInputStream   *stream;
  /* The body is read straight into one buffer, sized from Content-Length when there is one. */
  guint8         *body;
  gsize           body_len;
  gsize           body_size;
  GCancellable   *cancellable;           /* the caller's */
  GCancellable   *attempt_cancellable;   /* the caller's, or our timeout */
  gulong          cancel_id;
  GSource        *timeout_source;
  GSource        *wait_source;
  GSource        *wait_cancel_source;
} Request;

/* Every step of a request runs on the context it was sent from (see LkGraphClient). */
#define assert_on_request_thread(req) g_assert (g_main_context_is_owner ((req)->context))

static void request_start (GTask *task);
static void wrote_headers_cb (SoupMessage *msg, gpointer user_data);
static void request_send (GTask *task);


static void
request_end_attempt (Request *req)
{
  if (req->timeout_source != NULL)
    {
      g_source_destroy (req->timeout_source);
      g_clear_pointer (&req->timeout_source, g_source_unref);
    }
  if (req->msg != NULL)
    g_signal_handlers_disconnect_by_data (req->msg, req);
  g_clear_object (&req->msg);
  g_clear_object (&req->stream);
  lk_body_pool_give (g_steal_pointer (&req->body), req->body_size);
  req->body_len = req->body_size = 0;
  if (req->cancel_id != 0)
    {
      /* Never called from inside the ::cancelled handler, so disconnecting cannot deadlock. */
      g_cancellable_disconnect (req->cancellable, req->cancel_id);
      req->cancel_id = 0;
    }
  g_clear_object (&req->attempt_cancellable);
}

static void
request_free (Request *req)
{
  request_end_attempt (req);
  if (req->wait_source != NULL)
    {
      g_source_destroy (req->wait_source);
      g_source_unref (req->wait_source);
    }
  if (req->wait_cancel_source != NULL)
    {
      g_source_destroy (req->wait_cancel_source);
      g_source_unref (req->wait_cancel_source);
    }
  lk_secret_string_clear (&req->token);
  g_clear_object (&req->cancellable);
  if (req->parse_data_free != NULL)
    req->parse_data_free (req->parse_data);
  g_free (req->method);
  g_free (req->url);
  g_free (req->client_request_id);
  g_free (req->response_request_id);
  g_clear_object (&req->client);
  g_main_context_unref (req->context);
  g_free (req);
}

static gboolean
is_post (Request *req)
{
  return g_str_equal (req->method, "POST");
}

static void
request_fail (GTask  *task,
              GError *error)
{
  Request *req = g_task_get_task_data (task);

  if (error->domain == LK_GRAPH_ERROR)
    lk_graph_error_set_client_request_id (error, req->client_request_id);
  request_end_attempt (req);
  g_task_return_error (task, error);
}

static void
request_fail_code (GTask        *task,
                   LkGraphError  code,
                   guint         status)
{
  Request *req = g_task_get_task_data (task);

  request_fail (task, lk_graph_error_new_literal_full (code, NULL, status, NULL, NULL,
                                                       req->client_request_id));
}

static gboolean
budget_spent (Request *req,
              gint64   now)
{
  return now - req->started >= (gint64) req->client->budget_s * G_USEC_PER_SEC;
}

/* No answer in time: says how long was waited in all, which is what the admin lived through. */
static void
request_fail_timeout (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  guint waited = (guint) ((g_get_monotonic_time () - req->started + G_USEC_PER_SEC / 2) / G_USEC_PER_SEC);
  g_autofree char *message = g_strdup_printf (ngettext ("Microsoft Graph did not answer within %u second.",
                                                        "Microsoft Graph did not answer within %u seconds.",
                                                        MAX (waited, 1)),
                                              MAX (waited, 1));

  request_fail (task, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_TIMEOUT, message, 0, NULL, NULL,
                                                       req->client_request_id));
}

/* --- waiting: throttling and backoff, cancellable ------------------------------------------ */

static gboolean
wait_done_cb (gpointer user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  assert_on_request_thread (req);
  g_clear_pointer (&req->wait_source, g_source_unref);
  if (req->wait_cancel_source != NULL)
    {
      g_source_destroy (req->wait_cancel_source);
      g_clear_pointer (&req->wait_cancel_source, g_source_unref);
    }
  request_start (task);
  return G_SOURCE_REMOVE;
}

static gboolean
wait_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  g_clear_pointer (&req->wait_cancel_source, g_source_unref);
  if (req->wait_source != NULL)
    {
      g_source_destroy (req->wait_source);
      g_clear_pointer (&req->wait_source, g_source_unref);
    }
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Cancelled"));
  return G_SOURCE_REMOVE;
}

/* Waits @ms then restarts the request; each source holds a reference on the task and exactly
 * one of the two ends it. */
static void
request_wait (GTask *task,
              guint  ms)
{
  Request *req = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  req->wait_source = g_timeout_source_new (ms);
  g_source_set_callback (req->wait_source, wait_done_cb, g_object_ref (task), g_object_unref);
  g_source_attach (req->wait_source, g_main_context_get_thread_default ());
  if (cancellable != NULL)
    {
      req->wait_cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (req->wait_cancel_source, G_SOURCE_FUNC (wait_cancelled_cb),
                             g_object_ref (task), g_object_unref);
      g_source_attach (req->wait_cancel_source, g_main_context_get_thread_default ());
    }
}

/* Decides whether a failed attempt is retried, and after how long; FALSE: give up. */
static gboolean
request_retry_later (GTask  *task,
                     double  retry_after_s)
{
  Request *req = g_task_get_task_data (task);
  LkGraphClient *self = req->client;
  gint64 now = g_get_monotonic_time ();
  guint ms;

  if (req->attempt >= self->max_retries || retry_after_s > MAX_RETRY_AFTER_S)
    return FALSE;

  if (retry_after_s >= 0)
    ms = (guint) (retry_after_s * 1000.0 + 0.5);
  else
    ms = lk_backoff_delay_ms (req->attempt, self->backoff_base_ms, self->backoff_cap_ms,
                              g_random_double ());
  /* A wait that would end past the budget is not started: the answer is the same, sooner. */
  if (budget_spent (req, now + (gint64) ms * 1000))
    return FALSE;
  req->attempt++;

  self->throttled_until = MAX (self->throttled_until, now + (gint64) ms * 1000);
  ms = (guint) ((self->throttled_until - now) / 1000);
  g_debug ("Graph: %s attempt %u failed, retrying in %u ms (client-request-id %s)",
           req->method, req->attempt, ms, req->client_request_id);
  g_signal_emit (self, lk_graph_client_signals[SIGNAL_THROTTLED], 0, ms / 1000.0);
  request_end_attempt (req);
  request_wait (task, ms);
  return TRUE;
}

/* --- the answer ------------------------------------------------------------------------------ */

/* A large body is parsed in a worker by a task of its own, with no source object and nothing
 * in its data that belongs to the main thread: whichever thread drops a task's last reference
 * finalizes it, and the client (with its SoupSession) must only ever be finalized on its own
 * thread. The request's task waits for the parse on the main thread. */
typedef struct
{
  GBytes         *body;
  ParseFunc       parse;
  gpointer        parse_data;    /* owned by the request, which outlives the parse */
  GDestroyNotify  result_free;
} ParseWork;

static void
parse_work_free (ParseWork *work)
{
  g_bytes_unref (work->body);
  g_free (work);
}

/* The readers of large bodies: one thread fewer than the cores, at least one, shared by every
 * client. The thread that receives the pages (and draws the window) keeps a core of its own,
 * and no two readers share one. GTask's own pool ran as many readers as pages were waiting
 * (up to 8 with latchkey-cli): on the project's 2-core VM they took turns with the receiving
 * thread and with each other, so the wire waited; one reader listed 100 000 whole devices in
 * 0.202 s against 0.219 s (medians of 14 alternated runs; 2 readers 0.207 s), 1 000 000 in
 * 1.93-2.12 s against 2.10-2.23 s (tests/bench/HISTORY.md, twelfth session). */
static void
read_in_pool (gpointer data,
              gpointer user_data)
{
  g_autoptr(GTask) parse_task = data;
  ParseWork *work = g_task_get_task_data (parse_task);
  GError *error = NULL;
  gpointer result = work->parse (work->body, work->parse_data, &error);

  if (error != NULL)
    g_task_return_error (parse_task, error);
  else
    g_task_return_pointer (parse_task, result, work->result_free);
}

static GThreadPool *
reader_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    {
      gint readers = MAX ((gint) g_get_num_processors () - 1, 1);

      /* Not exclusive: it cannot fail, and its threads are GLib's shared ones. */
      g_once_init_leave (&pool, g_thread_pool_new (read_in_pool, NULL, readers, FALSE, NULL));
    }
  return pool;
}

static void
parsed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *req = g_task_get_task_data (task);
  GError *error = NULL;
  gpointer value = g_task_propagate_pointer (G_TASK (result), &error);

  assert_on_request_thread (req);
  if (error != NULL)
    request_fail (task, error);
  else
    g_task_return_pointer (task, value, req->result_free);
}

static void
request_parse (GTask  *task,
               GBytes *body)
{
  Request *req = g_task_get_task_data (task);
  GError *error = NULL;
  gpointer result;

  request_end_attempt (req);
  if (req->parse == NULL || g_bytes_get_size (body) == 0)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  if (req->peek != NULL)
    req->peek (body, req->parse_data);
  if (g_bytes_get_size (body) >= THREAD_PARSE_MIN)
    {
      g_autoptr(GTask) parse_task = g_task_new (NULL, NULL, parsed_cb, g_object_ref (task));
      ParseWork *work = g_new0 (ParseWork, 1);

      work->body = g_bytes_ref (body);
      work->parse = req->parse;
      work->parse_data = req->parse_data;
      work->result_free = req->result_free;
      g_task_set_source_tag (parse_task, request_parse);
      g_task_set_task_data (parse_task, work, (GDestroyNotify) parse_work_free);
      g_thread_pool_push (reader_pool (), g_steal_pointer (&parse_task), NULL);
      return;
    }

  result = req->parse (body, req->parse_data, &error);
  if (error != NULL)
    request_fail (task, error);
  else
    g_task_return_pointer (task, result, req->result_free);
}

static void
request_refresh_and_retry (GTask *task)
{
  Request *req = g_task_get_task_data (task);

  /* One refresh per request: a second 401 means the sign-in itself is gone. */
  req->refreshed = TRUE;
  request_end_attempt (req);
  lk_secret_string_clear (&req->token);
  request_start (task);
}

static GBytes *
request_take_body (Request *req)
{
  gsize size = req->body_size;

  req->body_size = 0;
  return lk_body_pool_wrap (g_steal_pointer (&req->body), req->body_len, size);
}

/* A 3xx from Graph: never followed (see request_send()); named, so the admin can tell a proxy
 * or a wrong Graph URL from a fault of Graph itself. */
static GError *
redirect_error (Request    *req,
                guint       status,
                const char *location)
{
  g_autoptr(GUri) base = g_uri_parse (req->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) target = location != NULL && base != NULL
                           ? g_uri_parse_relative (base, location, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = target != NULL && g_uri_get_host (target) != NULL ? g_uri_get_host (target) : NULL;
  g_autofree char *message = NULL;

  if (host != NULL)
    message = g_strdup_printf (_("Microsoft Graph redirected the request to %s. Latchkey does not follow redirects: Graph does not send them for these requests, so nothing was read from there (check the Graph URL and any proxy)."),
                               host);
  else
    message = g_strdup (_("Microsoft Graph answered with a redirect. Latchkey does not follow redirects: Graph does not send them for these requests (check the Graph URL and any proxy)."));
  return lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INSECURE, message, status,
                                          soup_message_headers_get_one (soup_message_get_response_headers (req->msg), "request-id"),
                                          NULL, req->client_request_id);
}

static void
request_complete (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  guint status = soup_message_get_status (req->msg);
  SoupMessageHeaders *headers = soup_message_get_response_headers (req->msg);
  g_autoptr(GBytes) body = request_take_body (req);
  g_autoptr(GDateTime) now = NULL;
  double retry_after;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  g_free (req->response_request_id);
  req->response_request_id = g_strdup (soup_message_headers_get_one (headers, "request-id"));
  if (status >= 200 && status < 300)
    {
      request_parse (task, body);
      return;
    }
  if (status >= 300 && status < 400)
    {
      request_fail (task, redirect_error (req, status, soup_message_headers_get_one (headers, "Location")));
      return;
    }

  if (status == 401 && !req->refreshed)
    {
      request_refresh_and_retry (task);
      return;
    }

  /* The outcome policy for a POST (DESIGN, "A POST's outcome"): once its body has left, only
   * an answer that proves Intune refused it before processing — a 4xx, 429 included — means
   * "not sent". Any 5xx may come from a gateway or a service that failed after Intune queued
   * the action: 503 too, which Graph documents as retryable, because resending blind could
   * reset a passcode twice. So every 5xx to a POST is "outcome unknown": never sent again,
   * resolved from deviceActionResults. */
  if (status >= 500 && is_post (req))
    {
      request_fail (task, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_OUTCOME_UNKNOWN, NULL, status, NULL,
                                                           req->response_request_id,
                                                           req->client_request_id));
      return;
    }

  if (status == 429 || status == 503 || status == 504)
    {
      now = g_date_time_new_now_utc ();
      retry_after = lk_retry_after_parse (soup_message_headers_get_one (headers, "Retry-After"), now);
      if (request_retry_later (task, retry_after))
        return;
    }

  request_fail (task, lk_graph_error_new_from_response (status, data, len,
                                                        soup_message_headers_get_one (headers, "request-id"),
                                                        req->client_request_id));
}

/* A failure below HTTP: connection refused or dropped, timeout, cancellation. */
static void
request_transport_error (GTask  *task,
                         GError *error)
{
  Request *req = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  G_GNUC_UNUSED g_autoptr(GError) owned = error;

  g_debug ("Graph: %s transport error: %s", req->method, error->message);

  if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    {
      request_end_attempt (req);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Cancelled"));
      return;
    }

  /* Resending a POST whose outcome is unknown could reset a passcode twice. */
  if (is_post (req))
    {
      request_fail_code (task, req->sent ? LK_GRAPH_ERROR_OUTCOME_UNKNOWN : LK_GRAPH_ERROR_NETWORK, 0);
      return;
    }

  if (!req->budget_spent && request_retry_later (task, -1))
    return;
  if (req->timed_out)
    {
      request_fail_timeout (task);
      return;
    }
  request_fail_code (task, LK_GRAPH_ERROR_NETWORK, 0);
}

static void read_more (GTask *task);

/* Content-Length counts the bytes on the wire: for a gzip answer those are the compressed
 * ones, fewer than the decoded body read here (the session decodes gzip for us). */
static gboolean
body_is_short (Request *req)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (req->msg);
  SoupMessageMetrics *metrics = soup_message_get_metrics (req->msg);
  guint64 received = metrics != NULL ? soup_message_metrics_get_response_body_bytes_received (metrics)
                                     : req->body_len;

  return soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
         && (goffset) received < soup_message_headers_get_content_length (headers);
}

/* A read of the body ended with @n bytes (0: the end, -1: @error, taken). Takes the reference
 * to @task. */
static void
read_done (GTask  *task_in,
           gssize  n,
           GError *error)
{
  g_autoptr(GTask) task = task_in;
  Request *req = g_task_get_task_data (task);

  if (n < 0)
    {
      request_transport_error (task, error);
      return;
    }
  if (n == 0)
    {
      /* libsoup may end a body cut short by a closed connection as if it were whole; a short
       * body is a dropped connection (a GET is sent again, a POST's outcome is unknown),
       * not an answer to parse. */
      if (body_is_short (req))
        {
          request_transport_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                                              "connection closed mid-body"));
          return;
        }
      request_complete (task);
      return;
    }
  req->body_len += (gsize) n;
  req->last_activity = g_get_monotonic_time ();
  read_more (g_steal_pointer (&task));
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  assert_on_request_thread ((Request *) g_task_get_task_data (task));
  read_done (task, n, error);
}

/* What read_more() reads of what has already arrived before it goes back to the main loop:
 * each read through the main loop costs an idle dispatch and a poll (GTask completes a read
 * that did not wait in the next iteration), and a 4 MB page comes in several reads; past a
 * megabyte (~0.2 ms of copying) the loop turns, so a window's frames are not held up. */
#define READS_AT_ONCE      8
#define READ_AT_ONCE_BYTES (1024 * 1024)

/* Takes the reference to @task. */
static void
read_more (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  gboolean pollable = G_IS_POLLABLE_INPUT_STREAM (req->stream)
                      && g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (req->stream));
  gsize at_start = req->body_len;

  for (guint reads = 0;; reads++)
    {
      GError *error = NULL;
      gssize n;

      /* One byte over the cap is enough to know the body is too large. */
      if (req->body_len > req->client->max_body)
        {
          request_fail_code (task, LK_GRAPH_ERROR_TOO_LARGE, soup_message_get_status (req->msg));
          g_object_unref (task);
          return;
        }
      if (req->body_size - req->body_len < READ_CHUNK / 4)
        {
          req->body_size = MIN (MAX (req->body_size * 2, req->body_len + READ_CHUNK), req->client->max_body + 1);
          req->body = g_realloc (req->body, req->body_size);   /* no Content-Length: grows */
        }
      if (!pollable || reads == READS_AT_ONCE || req->body_len - at_start >= READ_AT_ONCE_BYTES)
        break;
      n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (req->stream),
                                                    req->body + req->body_len,
                                                    req->body_size - req->body_len,
                                                    req->attempt_cancellable, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_error_free (error);
          break;
        }
      if (n <= 0)
        {
          read_done (task, n, error);
          return;
        }
      req->body_len += (gsize) n;
      req->last_activity = g_get_monotonic_time ();
    }
  g_input_stream_read_async (req->stream, req->body + req->body_len, req->body_size - req->body_len,
                             G_PRIORITY_DEFAULT, req->attempt_cancellable, read_cb, task);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *req = g_task_get_task_data (task);
  GError *error = NULL;
  goffset length;

  assert_on_request_thread (req);
  req->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (req->stream == NULL)
    {
      request_transport_error (task, error);
      return;
    }
  /* Headers arrived, so the request was read by the server. */
  req->sent = TRUE;
  req->last_activity = g_get_monotonic_time ();

  length = soup_message_headers_get_content_length (soup_message_get_response_headers (req->msg));
  if (length > 0 && (gsize) length > req->client->max_body)
    {
      request_fail_code (task, LK_GRAPH_ERROR_TOO_LARGE, soup_message_get_status (req->msg));
      return;
    }

  /* Room for the whole body and the end-of-stream read, so a page is read without a copy. */
  /* Rounded up, so the recycled buffers fit the next page too. */
  req->body_size = length > 0 ? ((gsize) length + READ_CHUNK / 4 + READ_CHUNK - 1) / READ_CHUNK * READ_CHUNK
                              : READ_CHUNK;
  req->body_len = 0;
  req->body = lk_body_pool_take (req->body_size, &req->body_size);
  read_more (g_steal_pointer (&task));
}

/* --- sending --------------------------------------------------------------------------------- */

static void
wrote_body_cb (SoupMessage *msg,
               gpointer     user_data)
{
  Request *req = user_data;

  req->sent = TRUE;
}

/* Every second of an attempt: ends it when no byte came for the idle timeout or the
 * operation's budget is spent, and says how long it has been waiting once that is noticeable.
 * Idle time counts once the request is on the wire: before, it waits in libsoup's queue for
 * a connection (four per host), which is our doing, not the server's. */
static gboolean
attempt_watch_cb (gpointer user_data)
{
  Request *req = user_data;
  LkGraphClient *self = req->client;
  gint64 now = g_get_monotonic_time ();
  gint64 quiet = now - req->last_activity;
  gint64 idle = req->on_wire ? quiet : 0;

  if (idle >= (gint64) self->timeout_s * G_USEC_PER_SEC || budget_spent (req, now))
    {
      req->timed_out = TRUE;
      req->budget_spent = budget_spent (req, now);
      g_clear_pointer (&req->timeout_source, g_source_unref);
      g_cancellable_cancel (req->attempt_cancellable);
      return G_SOURCE_REMOVE;
    }
  if (quiet >= WAITING_AFTER_US && (now - req->started) / G_USEC_PER_SEC != req->waiting_said)
    {
      req->waiting_said = (now - req->started) / G_USEC_PER_SEC;
      g_signal_emit (self, lk_graph_client_signals[SIGNAL_WAITING], 0, (guint) req->waiting_said, self->budget_s);
    }
  return G_SOURCE_CONTINUE;
}

void
lk_graph_forward_cancel_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
request_send (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  LkGraphClient *self = req->client;
  GCancellable *cancellable = g_task_get_cancellable (task);
  SoupMessageHeaders *headers;
  g_autofree char *authorization = NULL;

  req->msg = soup_message_new (req->method, req->url);
  if (req->msg == NULL)
    {
      request_fail_code (task, LK_GRAPH_ERROR_BAD_REQUEST, 0);
      return;
    }
  req->sent = FALSE;
  req->timed_out = FALSE;
  /* Metrics: the body bytes that came over the wire (body_is_short()). No redirects: Graph
   * does not redirect these calls, and one to another host must never be read as the tenant's
   * answer (request_complete() says where it pointed). */
  soup_message_add_flags (req->msg, SOUP_MESSAGE_COLLECT_METRICS | SOUP_MESSAGE_NO_REDIRECT);

  headers = soup_message_get_request_headers (req->msg);
  authorization = g_strconcat ("Bearer ", req->token, NULL);
  soup_message_headers_replace (headers, "Authorization", authorization);
  explicit_bzero (authorization, strlen (authorization));
  soup_message_headers_replace (headers, "client-request-id", req->client_request_id);
  soup_message_headers_replace (headers, "return-client-request-id", "true");
  soup_message_headers_replace (headers, "Accept", "application/json");
  /* The directory APIs (LAPS, BitLocker) ask for these beside the User-Agent. */
  soup_message_headers_replace (headers, "ocp-client-name", "Latchkey");
  soup_message_headers_replace (headers, "ocp-client-version", PACKAGE_VERSION);
  if (is_post (req))
    {
      g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
      soup_message_set_request_body_from_bytes (req->msg, NULL, empty);
      g_signal_connect (req->msg, "wrote-body", G_CALLBACK (wrote_body_cb), req);
    }
  g_signal_connect (req->msg, "wrote-headers", G_CALLBACK (wrote_headers_cb), req);

  req->attempt_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    req->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (lk_graph_forward_cancel_cb),
                                            g_object_ref (req->attempt_cancellable),
                                            g_object_unref);
  req->last_activity = g_get_monotonic_time ();
  req->on_wire = FALSE;
  req->timeout_source = g_timeout_source_new_seconds (1);
  g_source_set_callback (req->timeout_source, attempt_watch_cb, req, NULL);
  g_source_attach (req->timeout_source, g_main_context_get_thread_default ());

  soup_session_send_async (self->session, req->msg, G_PRIORITY_DEFAULT, req->attempt_cancellable,
                           send_cb, g_object_ref (task));
}

static void
token_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *req = g_task_get_task_data (task);
  GError *error = NULL;

  assert_on_request_thread (req);
  req->token = lk_token_provider_get_token_finish (LK_TOKEN_PROVIDER (source), result, &error);
  if (req->token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  request_send (task);
}

/* A request counts for the service when it arrives, not when the limiter let it go: it may
 * have waited in libsoup's queue for a connection. Counting it from when its headers left
 * keeps the next window's requests from arriving too close behind it. */
static void
wrote_headers_cb (SoupMessage *msg,
                  gpointer     user_data)
{
  Request *req = user_data;
  LkGraphClient *self = req->client;
  gint64 now = g_get_monotonic_time ();

  assert_on_request_thread (req);
  /* A POST has no body: once its headers left, Intune may act on it. */
  if (is_post (req))
    req->sent = TRUE;
  lk_rate_limiter_restamp (self->limiter, &req->ticket, now);
  req->on_wire = TRUE;
  req->last_activity = now;
}

static void
request_start (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  LkGraphClient *self = req->client;
  gint64 now = g_get_monotonic_time ();
  gint64 rate_wait;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!lk_url_may_carry_token (req->url, self->graph_url, &error))
    {
      request_fail (task, error);
      return;
    }

  if (self->throttled_until > now + 1000)
    {
      request_wait (task, (guint) ((self->throttled_until - now) / 1000));
      return;
    }

  rate_wait = lk_rate_limiter_admit (self->limiter, is_post (req), now, &req->ticket);
  if (rate_wait > 0)
    {
      request_wait (task, (guint) (rate_wait / 1000) + 1);
      return;
    }

  if (req->token != NULL)
    {
      request_send (task);
      return;
    }
  lk_token_provider_get_token_async (self->tokens, req->refreshed, g_task_get_cancellable (task),
                                     token_cb, g_object_ref (task));
}

void
lk_graph_send_async (LkGraphClient       *self,
                     const LkGraphCall   *call,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Request *req = g_new0 (Request, 1);

  g_task_set_source_tag (task, lk_graph_send_async);
  /* Results are delivered in order and never after the caller cancelled. */
  g_task_set_return_on_cancel (task, FALSE);
  req->client = g_object_ref (self);
  req->context = g_main_context_ref_thread_default ();
  req->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  req->method = g_strdup (call->method);
  req->url = g_strdup (call->url);
  req->client_request_id = call->client_request_id != NULL ? g_strdup (call->client_request_id)
                                                           : g_uuid_string_random ();
  req->started = g_get_monotonic_time ();
  req->parse = call->parse;
  req->peek = call->peek;
  req->parse_data = call->parse_data;
  req->parse_data_free = call->parse_data_free;
  req->result_free = call->result_free;
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);

  request_start (task);
}

void
lk_graph_send_get_ids (GAsyncResult  *result,
                       const char   **request_id,
                       const char   **client_request_id)
{
  Request *req = g_task_get_task_data (G_TASK (result));

  g_return_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_graph_send_async);
  *request_id = req->response_request_id;
  *client_request_id = req->client_request_id;
}

gpointer
lk_graph_send_finish (LkGraphClient  *self,
             GAsyncResult   *result,
             GError        **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
