/* lk-graph-client.c: Microsoft Graph (Intune managedDevices) over libsoup, asynchronously.
 *
 * Every request goes through send_async(): check where the token may go, wait out a shared
 * throttle, get a token, send, read the body under a size cap, then either parse it (in a
 * thread when it is large) or map the failure to LK_GRAPH_ERROR, retrying where that is safe.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lk-graph-client.h"
#include "lk-device-page.h"
#include "lk-graph-error.h"
#include "lk-json.h"
#include "lk-memory.h"
#include "lk-request-policy.h"

#define DEFAULT_MAX_RETRIES  4
#define DEFAULT_BACKOFF_BASE 1000
#define DEFAULT_BACKOFF_CAP  32000
/* Bounds on every wait (README, "Bounded waits"). Graph answers a page of 1000 devices in a
 * few seconds and, when its back end is slow, answers 504 itself rather than hold a connection
 * silent; so 30 s without a single byte is a dead connection or a hostile server, not a slow
 * page. The budget covers one operation's attempts and the waits between them; Microsoft's
 * PowerShell SDK gives a request at most 300 s (its ClientTimeout default) — an admin at a
 * help desk gets an honest answer in 2 minutes instead. */
#define DEFAULT_TIMEOUT_S    30
#define DEFAULT_BUDGET_S     120
/* How long without a byte before the wait is worth telling the admin about ("waiting"). The
 * watch runs once a second on a seconds timer: GLib wakes once for all of them, which matters
 * with a thousand requests in flight. */
#define WAITING_AFTER_US     (2 * G_USEC_PER_SEC)
#define DEFAULT_MAX_BODY     (64 * 1024 * 1024)
#define DEFAULT_PAGE_SIZE    1000
/* Bodies above this are parsed in a worker thread so the main loop never stalls. */
#define THREAD_PARSE_MIN     (32 * 1024)
/* A server asking for a longer pause than this is treated as unavailable, not waited for. */
#define MAX_RETRY_AFTER_S    300.0
#define READ_CHUNK           (256 * 1024)
/* Intune's documented limits per app and tenant. */
#define DEFAULT_RATE_REQUESTS 2000
#define DEFAULT_RATE_WRITES   200
#define DEFAULT_RATE_WINDOW   20000

struct _LkGraphClient
{
  GObject          parent_instance;

  SoupSession     *session;
  LkTokenProvider *tokens;
  char            *graph_url;
  char            *api_version;

  guint            max_retries;
  guint            backoff_base_ms;
  guint            backoff_cap_ms;
  guint            timeout_s;    /* idle: no byte for this long ends an attempt */
  guint            budget_s;     /* one operation, all attempts and waits */
  gsize            max_body;
  guint            page_size;
  gboolean         stream_only;  /* listings keep nothing: see lk_graph_client_set_stream_only */

  /* Monotonic time before which no request is sent: one 429 slows every request down. */
  gint64           throttled_until;

  /* Send times (monotonic µs) within the rate window, oldest first. */
  GQueue           sent_requests;
  GQueue           sent_writes;
  guint            rate_requests;
  guint            rate_writes;
  gint64           rate_window;
};

G_DEFINE_FINAL_TYPE (LkGraphClient, lk_graph_client, G_TYPE_OBJECT)

enum
{
  SIGNAL_THROTTLED,
  SIGNAL_WAITING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Runs on the body of a 2xx answer (possibly in a worker thread); returns the result. */
typedef gpointer (*ParseFunc) (GBytes   *body,
                               gpointer  parse_data,
                               GError  **error);

typedef struct
{
  LkGraphClient  *client;
  char           *method;
  char           *url;
  char           *client_request_id;
  char           *response_request_id;   /* the request-id Graph answered with */
  ParseFunc       parse;
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
  /* This attempt's entries in the client's rate window (owned by its queues), and the time
   * they hold, so a freed entry whose address was reused is never taken for ours. */
  gint64         *rate_stamp;
  gint64         *write_stamp;
  gint64          stamped_at;

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

static void request_start (GTask *task);
static void wrote_headers_cb (SoupMessage *msg, gpointer user_data);
static void request_send (GTask *task);

/* Page bodies (~800 kB each, a hundred per listing) are read into recycled buffers: a fresh
 * malloc of that size faults every page of it in again, which cost the main thread more than
 * reading the socket. Only large bodies are kept: the small ones (an action's results may
 * carry a temporary passcode) are wiped and freed. */
#define POOL_BUFFERS 4
#define POOL_MIN     THREAD_PARSE_MIN
#define POOL_MAX     (4 * 1024 * 1024)

typedef struct
{
  guint8 *data;
  gsize   size;
} Buffer;

static GMutex pool_lock;
static Buffer pool[POOL_BUFFERS];

static guint8 *
buffer_take (gsize  wanted,
             gsize *size)
{
  guint8 *data = NULL;

  g_mutex_lock (&pool_lock);
  for (guint i = 0; i < POOL_BUFFERS && data == NULL; i++)
    if (pool[i].data != NULL && pool[i].size >= wanted)
      {
        data = g_steal_pointer (&pool[i].data);
        *size = pool[i].size;
      }
  g_mutex_unlock (&pool_lock);
  if (data == NULL)
    {
      data = g_malloc (wanted);
      *size = wanted;
    }
  return data;
}

static void
buffer_give (guint8 *data,
             gsize   size)
{
  if (data == NULL)
    return;
  if (size >= POOL_MIN && size <= POOL_MAX)
    {
      g_mutex_lock (&pool_lock);
      for (guint i = 0; i < POOL_BUFFERS && data != NULL; i++)
        if (pool[i].data == NULL)
          {
            pool[i].data = g_steal_pointer (&data);
            pool[i].size = size;
          }
      g_mutex_unlock (&pool_lock);
    }
  if (data != NULL)
    {
      explicit_bzero (data, MIN (size, POOL_MIN));
      g_free (data);
    }
}

typedef struct
{
  guint8 *data;
  gsize   size;
} BodyBuffer;

static void
body_buffer_free (gpointer user_data)
{
  BodyBuffer *buffer = user_data;

  buffer_give (buffer->data, buffer->size);
  g_free (buffer);
}

static void
wipe_string (char **str)
{
  if (*str != NULL)
    explicit_bzero (*str, strlen (*str));
  g_clear_pointer (str, g_free);
}

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
  buffer_give (g_steal_pointer (&req->body), req->body_size);
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
  wipe_string (&req->token);
  g_clear_object (&req->cancellable);
  if (req->parse_data_free != NULL)
    req->parse_data_free (req->parse_data);
  g_free (req->method);
  g_free (req->url);
  g_free (req->client_request_id);
  g_free (req->response_request_id);
  g_clear_object (&req->client);
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
  g_signal_emit (self, signals[SIGNAL_THROTTLED], 0, ms / 1000.0);
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

static void
parse_in_thread (GTask        *parse_task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ParseWork *work = task_data;
  GError *error = NULL;
  gpointer result = work->parse (work->body, work->parse_data, &error);

  if (error != NULL)
    g_task_return_error (parse_task, error);
  else
    g_task_return_pointer (parse_task, result, work->result_free);
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
      g_task_run_in_thread (parse_task, parse_in_thread);
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
  wipe_string (&req->token);
  request_start (task);
}

static GBytes *
request_take_body (Request *req)
{
  BodyBuffer *buffer = g_new (BodyBuffer, 1);

  buffer->data = g_steal_pointer (&req->body);
  buffer->size = req->body_size;
  req->body_size = 0;
  return g_bytes_new_with_free_func (buffer->data, req->body_len, body_buffer_free, buffer);
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
  g_autoptr(GError) owned = error;

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

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *req = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

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

/* Takes the reference to @task. */
static void
read_more (GTask *task)
{
  Request *req = g_task_get_task_data (task);

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
  req->body = buffer_take (req->body_size, &req->body_size);
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
      g_signal_emit (self, signals[SIGNAL_WAITING], 0, (guint) req->waiting_said, self->budget_s);
    }
  return G_SOURCE_CONTINUE;
}

static void
forward_cancel_cb (GCancellable *cancellable,
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
    req->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel_cb),
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

  req->token = lk_token_provider_get_token_finish (LK_TOKEN_PROVIDER (source), result, &error);
  if (req->token == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  request_send (task);
}

static void
forget_before (GQueue *times,
               gint64  cutoff)
{
  while (!g_queue_is_empty (times) && *(gint64 *) g_queue_peek_head (times) <= cutoff)
    g_free (g_queue_pop_head (times));
}

/* The window the client keeps: the service's, and 2 % more for the jitter between when a
 * request leaves and when the service counts it. */
static gint64
rate_window (LkGraphClient *self)
{
  return self->rate_window + self->rate_window / 50;
}

/* Microseconds to wait before one more request fits in the rate window; 0 records it as sent. */
static gint64
rate_limit_wait (LkGraphClient *self,
                 Request       *req,
                 gint64         now)
{
  gboolean write = is_post (req);
  gint64 window = rate_window (self);
  gint64 wait = 0;

  forget_before (&self->sent_requests, now - window);
  forget_before (&self->sent_writes, now - window);
  if (g_queue_get_length (&self->sent_requests) >= self->rate_requests)
    wait = *(gint64 *) g_queue_peek_head (&self->sent_requests) + window - now;
  if (write && g_queue_get_length (&self->sent_writes) >= self->rate_writes)
    wait = MAX (wait, *(gint64 *) g_queue_peek_head (&self->sent_writes) + window - now);
  if (wait > 0)
    return wait;

  req->stamped_at = now;
  req->rate_stamp = g_memdup2 (&now, sizeof now);
  g_queue_push_tail (&self->sent_requests, req->rate_stamp);
  req->write_stamp = NULL;
  if (write)
    {
      req->write_stamp = g_memdup2 (&now, sizeof now);
      g_queue_push_tail (&self->sent_writes, req->write_stamp);
    }
  return 0;
}

static int
compare_times (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Moves @stamp (if its window still holds it) to @now, kept in order. */
static void
restamp (GQueue  *times,
         gint64 **stamp,
         gint64   stamped_at,
         gint64   now)
{
  if (*stamp == NULL)
    return;
  if (g_queue_find (times, *stamp) != NULL && **stamp == stamped_at)
    {
      g_queue_remove (times, *stamp);
      g_free (*stamp);
    }
  g_queue_insert_sorted (times, g_memdup2 (&now, sizeof now), compare_times, NULL);
  *stamp = NULL;
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

  /* A POST has no body: once its headers left, Intune may act on it. */
  if (is_post (req))
    req->sent = TRUE;
  restamp (&self->sent_requests, &req->rate_stamp, req->stamped_at, now);
  restamp (&self->sent_writes, &req->write_stamp, req->stamped_at, now);
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

  rate_wait = rate_limit_wait (self, req, now);
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

/* @client_request_id: the id to send (a journal names the action by it before it leaves), or
 * NULL for a fresh one. */
static void
send_async_with_id (LkGraphClient       *self,
                    const char          *method,
                    const char          *url,
                    const char          *client_request_id,
                    ParseFunc            parse,
                    gpointer             parse_data,
                    GDestroyNotify       parse_data_free,
                    GDestroyNotify       result_free,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Request *req = g_new0 (Request, 1);

  g_task_set_source_tag (task, send_async_with_id);
  /* Results are delivered in order and never after the caller cancelled. */
  g_task_set_return_on_cancel (task, FALSE);
  req->client = g_object_ref (self);
  req->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  req->method = g_strdup (method);
  req->url = g_strdup (url);
  req->client_request_id = client_request_id != NULL ? g_strdup (client_request_id) : g_uuid_string_random ();
  req->started = g_get_monotonic_time ();
  req->parse = parse;
  req->parse_data = parse_data;
  req->parse_data_free = parse_data_free;
  req->result_free = result_free;
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);

  request_start (task);
}

static void
send_async (LkGraphClient       *self,
            const char          *method,
            const char          *url,
            ParseFunc            parse,
            gpointer             parse_data,
            GDestroyNotify       parse_data_free,
            GDestroyNotify       result_free,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  send_async_with_id (self, method, url, NULL, parse, parse_data, parse_data_free, result_free,
                      cancellable, callback, user_data);
}

static gpointer
send_finish (LkGraphClient  *self,
             GAsyncResult   *result,
             GError        **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- parsers (run in worker threads for large bodies) ----------------------------------------- */

static JsonNode *
parse_json (GBytes  *body,
            GError **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  JsonNode *root = lk_json_parse_object (data, (gssize) len, &local_error);

  if (root == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Microsoft Graph sent a response Latchkey could not read (%s)."),
                                                  local_error->message);
      g_propagate_error (error, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INVALID_RESPONSE,
                                                                 message, 200, NULL, NULL, NULL));
      return NULL;
    }
  return root;
}

typedef struct
{
  GPtrArray *devices;      /* matching devices of this page */
  guint      n_received;   /* items in "value" */
  guint      n_skipped;    /* items that were not devices */
  char      *next_link;
  gint64     count;
  LkDeviceRanking *ranking;   /* of devices, made while they were fresh in the cache */
} Page;

static void
page_free (Page *page)
{
  g_clear_pointer (&page->ranking, lk_device_ranking_free);
  g_clear_pointer (&page->devices, g_ptr_array_unref);
  g_free (page->next_link);
  g_free (page);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Page, page_free)

/* What a page's parser gets: the query, and where to say which page comes next before the
 * page is read (so it can be fetched meanwhile). */
typedef struct
{
  LkDeviceQuery *query;
  GMainContext  *context;
  GTask         *listing;
  guint          sequence;
} PageJob;

static void
page_job_free (PageJob *job)
{
  g_object_unref (job->query);
  g_main_context_unref (job->context);
  g_object_unref (job->listing);
  g_free (job);
}

typedef struct
{
  GTask *listing;
  guint  sequence;
  char  *url;
} EarlyLink;

static void
early_link_free (EarlyLink *early)
{
  g_object_unref (early->listing);
  g_free (early->url);
  g_free (early);
}

static gboolean early_link_cb (gpointer user_data);

static gpointer
parse_device_page (GBytes   *body,
                   gpointer  parse_data,
                   GError  **error)
{
  PageJob *job = parse_data;
  LkDevicePage parsed = { 0 };
  g_autoptr(Page) page = NULL;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  char *next_link = lk_device_page_find_next_link (data, len);

  /* Said before the ~5 ms of reading the devices, always through an idle: never re-entered
   * from here, and never before the listing's own bookkeeping for this page is done. */
  if (next_link != NULL)
    {
      EarlyLink *early = g_new0 (EarlyLink, 1);
      g_autoptr(GSource) idle = g_idle_source_new ();

      early->listing = g_object_ref (job->listing);
      early->sequence = job->sequence;
      early->url = next_link;
      g_source_set_callback (idle, early_link_cb, early, (GDestroyNotify) early_link_free);
      g_source_set_static_name (idle, "[latchkey] early nextLink");
      g_source_attach (idle, job->context);
    }

  /* The devices take about as much memory as the page's text: present in one go. */
  lk_memory_prefault (len);
  /* Streamed straight into devices: no JSON tree for the 1000 devices of a page. */
  if (!lk_device_page_parse (data, len, &parsed, error))
    return NULL;

  page = g_new0 (Page, 1);
  page->devices = g_ptr_array_new_with_free_func (g_object_unref);
  page->n_received = parsed.n_items;
  page->n_skipped = parsed.n_skipped;
  page->next_link = g_steal_pointer (&parsed.next_link);
  page->count = parsed.count;
  for (guint i = 0; i < parsed.devices->len; i++)
    {
      LkDevice *device = g_ptr_array_index (parsed.devices, i);

      if (lk_device_query_score (job->query, device) > 0)
        g_ptr_array_add (page->devices, g_object_ref (device));
    }
  lk_device_page_clear (&parsed);
  page->ranking = lk_device_query_rank (job->query, page->devices);
  return g_steal_pointer (&page);
}

/* Graph returns the entity at the top level; some proxies wrap it in "value". */
static JsonObject *
entity_object (JsonNode *root)
{
  JsonObject *object = json_node_get_object (root);
  JsonObject *wrapped = lk_json_get_object (object, "value");
  JsonArray *array = lk_json_get_array (object, "value");

  if (wrapped != NULL)
    return wrapped;
  if (array != NULL && json_array_get_length (array) == 1
      && JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, 0)))
    return json_array_get_object_element (array, 0);
  return object;
}

static gpointer
parse_device (GBytes   *body,
              gpointer  parse_data,
              GError  **error)
{
  g_autoptr(JsonNode) root = parse_json (body, error);

  if (root == NULL)
    return NULL;
  return lk_device_new_from_json (entity_object (root), error);
}

static gpointer
parse_action_results (GBytes   *body,
                      gpointer  parse_data,
                      GError  **error)
{
  g_autoptr(JsonNode) root = parse_json (body, error);
  GPtrArray *results;
  JsonArray *array;

  if (root == NULL)
    return NULL;
  results = g_ptr_array_new_with_free_func (g_object_unref);
  array = lk_json_get_array (entity_object (root), "deviceActionResults");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (item))
        g_ptr_array_add (results, lk_action_result_new_from_json (json_node_get_object (item)));
    }
  return results;
}

/* --- URLs ------------------------------------------------------------------------------------ */

static char *
devices_url (LkGraphClient *self,
             const char    *device_id,
             const char    *suffix)
{
  g_autofree char *escaped = device_id != NULL ? g_uri_escape_string (device_id, NULL, FALSE) : NULL;

  return g_strconcat (self->graph_url, "/", self->api_version,
                      "/deviceManagement/managedDevices",
                      escaped != NULL ? "/" : "", escaped != NULL ? escaped : "",
                      suffix != NULL ? suffix : "", NULL);
}

static const char *
device_select (LkGraphClient *self)
{
  return g_str_equal (self->api_version, "beta") ? LK_DEVICE_SELECT_BETA : LK_DEVICE_SELECT_V1;
}

static char *
list_url (LkGraphClient *self,
          const char    *filter)
{
  g_autofree char *base = devices_url (self, NULL, NULL);
  g_autofree char *select = g_uri_escape_string (device_select (self), ",", FALSE);
  GString *url = g_string_new (base);

  g_string_append_printf (url, "?$select=%s&$top=%u&$count=true", select, self->page_size);
  if (filter != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (filter, NULL, FALSE);
      g_string_append_printf (url, "&$filter=%s", escaped);
    }
  return g_string_free (url, FALSE);
}

/* --- listing --------------------------------------------------------------------------------- */

/* Pages requested and not yet handed to the caller: one being read, one on the wire. More only
 * piles up bodies in memory when reading is the slower half. */
#define MAX_AHEAD 2

typedef struct
{
  Page   *page;
  GError *error;
} Arrival;

static void
arrival_free (Arrival *arrival)
{
  g_clear_pointer (&arrival->page, page_free);
  g_clear_error (&arrival->error);
  g_free (arrival);
}

typedef struct
{
  LkDeviceQuery    *query;
  LkDevicePageFunc  page_func;
  gpointer          page_data;
  GDestroyNotify    page_data_destroy;
  guint             plan;         /* index into the query's filters */
  gboolean          stream_only;  /* pages go to page_func and are dropped; seen owns its ids */
  GPtrArray        *devices;      /* every match so far */
  GPtrArray        *rankings;     /* each page's, for the final ranking (one plan only) */
  GHashTable       *seen;         /* device ids, borrowed from the devices */
  gboolean          duplicates;   /* a device came twice: the rankings no longer fit, sort */
  GHashTable       *links;        /* every URL requested in this listing: a repeat is a loop */
  guint             total;
  gint64            expected;

  /* Pages are numbered across plans in the order they are requested and handed over in that
   * order, whatever order they are read in. */
  GCancellable     *cancellable;  /* the caller's, and ours to stop pages requested ahead */
  GCancellable     *caller_cancellable;
  gulong            cancel_id;
  guint             n_requested;
  guint             n_delivered;
  GHashTable       *arrived;      /* sequence → Arrival, read but not handed over yet */
  GHashTable       *followed;     /* sequence → the nextLink requested after that page */
  char             *held_link;    /* known, waiting for room (MAX_AHEAD) */
  gboolean          done;
} Listing;

static void
listing_free (Listing *listing)
{
  if (listing->page_data_destroy != NULL)
    listing->page_data_destroy (listing->page_data);
  if (listing->cancel_id != 0)
    g_cancellable_disconnect (listing->caller_cancellable, listing->cancel_id);
  g_clear_object (&listing->caller_cancellable);
  g_clear_object (&listing->cancellable);
  g_clear_pointer (&listing->arrived, g_hash_table_unref);
  g_clear_pointer (&listing->followed, g_hash_table_unref);
  g_free (listing->held_link);
  g_clear_pointer (&listing->seen, g_hash_table_unref);
  g_clear_pointer (&listing->links, g_hash_table_unref);
  g_clear_pointer (&listing->devices, g_ptr_array_unref);
  g_clear_pointer (&listing->rankings, g_ptr_array_unref);
  g_clear_object (&listing->query);
  g_free (listing);
}

static void
listing_return_error (GTask  *task,
                      GError *error)
{
  Listing *listing = g_task_get_task_data (task);

  listing->done = TRUE;
  /* Pages requested ahead are not wanted any more. */
  g_cancellable_cancel (listing->cancellable);
  g_task_return_error (task, error);
}

static void
sort_in_thread (GTask        *sort_task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Listing *listing = task_data;

  if (lk_device_query_get_filters (listing->query)->len <= 1 && !listing->duplicates)
    lk_device_query_merge (listing->query, listing->rankings, listing->devices);
  else
    lk_device_query_sort (listing->query, listing->devices);
  g_task_return_boolean (sort_task, TRUE);
}

static void
sorted_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Listing *listing = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, g_ptr_array_ref (listing->devices),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void request_page (GTask *task, const char *url);

static void
listing_next_plan (GTask *task)
{
  LkGraphClient *self = g_task_get_source_object (task);
  Listing *listing = g_task_get_task_data (task);
  GPtrArray *filters = lk_device_query_get_filters (listing->query);
  g_autofree char *url = NULL;

  if (listing->plan > 0 && listing->plan >= filters->len)
    {
      /* Ranking 100 000 devices takes tens of milliseconds: not on the main loop, and with
       * one plan as a merge of the pages, which were ranked as they were read. */
      /* No source object: the worker may drop the last reference (see ParseWork). */
      g_autoptr(GTask) sort_task = g_task_new (NULL, g_task_get_cancellable (task), sorted_cb,
                                               g_object_ref (task));

      listing->done = TRUE;
      g_task_set_source_tag (sort_task, listing_next_plan);
      g_task_set_task_data (sort_task, listing, NULL);
      g_task_run_in_thread (sort_task, sort_in_thread);
      return;
    }

  url = list_url (self, filters->len > 0 ? g_ptr_array_index (filters, listing->plan) : NULL);
  listing->plan++;
  request_page (task, url);
}

/* The page after page @sequence is at @url: requested now, or as soon as there is room.
 * FALSE: the listing ended with an error. */
static gboolean
follow_link (GTask      *task,
             guint       sequence,
             const char *url)
{
  Listing *listing = g_task_get_task_data (task);

  if (g_hash_table_contains (listing->followed, GUINT_TO_POINTER (sequence)))
    return TRUE;
  g_hash_table_insert (listing->followed, GUINT_TO_POINTER (sequence), g_strdup (url));
  /* A page linking back to one already read (or to itself) would be fetched forever. */
  if (g_hash_table_contains (listing->links, url))
    {
      g_autofree char *message = g_strdup_printf (_("Microsoft Graph linked page %u back to a page already read in this listing, so the listing was stopped."),
                                                  sequence + 1);

      listing_return_error (task, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INVALID_RESPONSE,
                                                                   message, 200, NULL, NULL, NULL));
      return FALSE;
    }
  if (listing->n_requested - listing->n_delivered >= MAX_AHEAD)
    {
      g_free (listing->held_link);
      listing->held_link = g_strdup (url);
      return TRUE;
    }
  request_page (task, url);
  return TRUE;
}

static gboolean
early_link_cb (gpointer user_data)
{
  EarlyLink *early = user_data;
  Listing *listing = g_task_get_task_data (early->listing);

  if (!listing->done && !g_cancellable_is_cancelled (listing->cancellable))
    (void) follow_link (early->listing, early->sequence, early->url);
  return G_SOURCE_REMOVE;
}

/* A stream-only listing's page: handed over and dropped. One plan reads each device once
 * (a service repeating one is passed on as sent: remembering every id would make memory grow
 * with the tenant); several plans find the same devices, so their ids are kept. */
static void
deliver_page_streamed (Listing *listing,
                       Page    *page,
                       guint    n_plans)
{
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_full (page->devices->len, g_object_unref);

  for (guint i = 0; i < page->devices->len; i++)
    {
      LkDevice *device = g_ptr_array_index (page->devices, i);
      const char *id = lk_device_get_id (device);

      if (n_plans > 1 && g_hash_table_contains (listing->seen, id))
        {
          g_object_unref (device);
          continue;
        }
      if (n_plans > 1)
        g_hash_table_add (listing->seen, g_strdup (id));
      g_ptr_array_add (fresh, device);
    }
  g_clear_pointer (&page->ranking, lk_device_ranking_free);
  listing->total += page->n_received;
  if (page->count >= 0 && listing->plan == 1)
    listing->expected = page->count;
  if (listing->page_func != NULL)
    listing->page_func (fresh, listing->total, listing->expected, listing->page_data);
}

static void
deliver_page (GTask *task,
              Page  *page)
{
  Listing *listing = g_task_get_task_data (task);
  GPtrArray *filters = lk_device_query_get_filters (listing->query);
  g_autoptr(GPtrArray) fresh = NULL;

  /* The page's references move to the listing; the caller borrows them. */
  g_ptr_array_set_free_func (page->devices, NULL);
  if (listing->stream_only)
    {
      deliver_page_streamed (listing, page, filters->len);
      return;
    }
  /* Several plans may find the same device, and a page may repeat one of an earlier page (a
   * service that reorders while paging, or a hostile one): report each once. */
  fresh = g_ptr_array_sized_new (page->devices->len);
  for (guint i = 0; i < page->devices->len; i++)
    {
      LkDevice *device = g_ptr_array_index (page->devices, i);

      if (g_hash_table_add (listing->seen, (gpointer) lk_device_get_id (device)))
        g_ptr_array_add (fresh, device);
      else
        {
          /* The page's ranking borrows the device dropped here: rankings are no use now. */
          listing->duplicates = TRUE;
          g_ptr_array_set_size (listing->rankings, 0);
          g_clear_pointer (&page->ranking, lk_device_ranking_free);
          g_object_unref (device);
        }
    }
  if (filters->len <= 1 && page->ranking != NULL && !listing->duplicates)
    g_ptr_array_add (listing->rankings, g_steal_pointer (&page->ranking));
  if (fresh->len > 0)
    g_ptr_array_extend (listing->devices, fresh, NULL, NULL);
  /* Several plans are several listings of overlapping devices: their counts do not add up to
   * anything the admin will see, so the count is of the distinct matches, with no total. */
  if (filters->len <= 1)
    listing->total += page->n_received;
  else
    listing->total = listing->devices->len;
  if (page->count >= 0 && filters->len <= 1)
    listing->expected = page->count;
  if (listing->expected >= 0 && listing->total > listing->expected)
    listing->expected = -1;
  if (page->n_skipped > 0)
    g_debug ("Graph: skipped %u list items that were not devices", page->n_skipped);

  if (listing->page_func != NULL)
    listing->page_func (fresh, listing->total, listing->expected, listing->page_data);
}

/* Hands over the pages that are next in order; returns FALSE once the listing has ended. */
static gboolean
deliver_arrived (GTask *task)
{
  Listing *listing = g_task_get_task_data (task);
  gpointer key = GUINT_TO_POINTER (listing->n_delivered);
  Arrival *arrival = NULL;
  const char *early;

  while (g_hash_table_steal_extended (listing->arrived, key, NULL, (gpointer *) &arrival))
    {
      g_autoptr(GError) error = g_steal_pointer (&arrival->error);
      g_autoptr(Page) page = g_steal_pointer (&arrival->page);

      arrival_free (arrival);
      if (g_task_return_error_if_cancelled (task))
        {
          listing->done = TRUE;
          return FALSE;
        }
      if (page == NULL && error == NULL)
        error = lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INVALID_RESPONSE, NULL, 204,
                                                 NULL, NULL, NULL);
      if (error != NULL)
        {
          listing_return_error (task, g_steal_pointer (&error));
          return FALSE;
        }

      deliver_page (task, page);
      early = g_hash_table_lookup (listing->followed, key);
      listing->n_delivered++;
      if (early != NULL && g_strcmp0 (early, page->next_link) != 0)
        {
          /* lk_device_page_find_next_link() agrees with the full reader by construction. */
          listing_return_error (task, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INVALID_RESPONSE,
                                                                       NULL, 200, NULL, NULL, NULL));
          return FALSE;
        }
      if (page->next_link == NULL)
        {
          listing_next_plan (task);
          return FALSE;
        }
      if (!follow_link (task, GPOINTER_TO_UINT (key), page->next_link))
        return FALSE;
      if (listing->held_link != NULL && listing->n_requested - listing->n_delivered < MAX_AHEAD)
        {
          g_autofree char *held = g_steal_pointer (&listing->held_link);

          request_page (task, held);
        }
      key = GUINT_TO_POINTER (listing->n_delivered);
    }
  return TRUE;
}

typedef struct
{
  GTask *task;
  guint  sequence;
} Fetch;

static void
listing_page_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GTask) task = fetch->task;
  Listing *listing = g_task_get_task_data (task);
  Arrival *arrival = g_new0 (Arrival, 1);
  guint sequence = fetch->sequence;

  g_free (fetch);
  arrival->page = send_finish (LK_GRAPH_CLIENT (source), result, &arrival->error);
  if (listing->done)
    {
      arrival_free (arrival);
      return;
    }
  g_hash_table_insert (listing->arrived, GUINT_TO_POINTER (sequence), arrival);
  deliver_arrived (task);
}

static void
request_page (GTask      *task,
              const char *url)
{
  LkGraphClient *self = g_task_get_source_object (task);
  Listing *listing = g_task_get_task_data (task);
  Fetch *fetch = g_new0 (Fetch, 1);
  PageJob *job = g_new0 (PageJob, 1);

  g_hash_table_add (listing->links, g_strdup (url));
  fetch->task = g_object_ref (task);
  fetch->sequence = listing->n_requested++;
  job->query = g_object_ref (listing->query);
  job->context = g_main_context_ref_thread_default ();
  job->listing = g_object_ref (task);
  job->sequence = fetch->sequence;
  /* The nextLink is followed whole, and checked like any URL before a token goes with it. */
  send_async (self, "GET", url, parse_device_page, job, (GDestroyNotify) page_job_free,
              (GDestroyNotify) page_free, listing->cancellable, listing_page_cb, fetch);
}

void
lk_graph_client_list_devices_async (LkGraphClient       *self,
                                    LkDeviceQuery       *query,
                                    LkDevicePageFunc     page_func,
                                    gpointer             page_data,
                                    GDestroyNotify       page_data_destroy,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Listing *listing;

  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  g_return_if_fail (LK_IS_DEVICE_QUERY (query));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_graph_client_list_devices_async);
  listing = g_new0 (Listing, 1);
  listing->query = g_object_ref (query);
  listing->page_func = page_func;
  listing->page_data = page_data;
  listing->page_data_destroy = page_data_destroy;
  listing->devices = g_ptr_array_new_with_free_func (g_object_unref);
  listing->rankings = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_device_ranking_free);
  listing->stream_only = self->stream_only;
  listing->seen = g_hash_table_new_full (g_str_hash, g_str_equal,
                                         listing->stream_only ? g_free : NULL, NULL);
  listing->links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  listing->expected = -1;
  listing->arrived = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) arrival_free);
  listing->followed = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  listing->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      listing->caller_cancellable = g_object_ref (cancellable);
      listing->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel_cb),
                                                  g_object_ref (listing->cancellable), g_object_unref);
    }
  g_task_set_task_data (task, listing, (GDestroyNotify) listing_free);

  listing_next_plan (task);
}

GPtrArray *
lk_graph_client_list_devices_finish (LkGraphClient  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- single requests ------------------------------------------------------------------------- */

static void
forward_pointer_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gpointer value = send_finish (LK_GRAPH_CLIENT (source), result, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, value, g_task_get_task_data (task));
}

/* A device id becomes a path segment: one that would name another resource ("", "..") or
 * smuggle a query is refused before any request. */
static gboolean
return_if_invalid_id (GTask      *task,
                      const char *device_id)
{
  if (lk_device_id_is_valid (device_id))
    return FALSE;
  g_task_return_error (task, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_BAD_REQUEST,
                                                              _("That is not a valid device ID. Nothing was sent."),
                                                              0, NULL, NULL, NULL));
  return TRUE;
}

/* One GET of a device (or a part of it) through send_async(), its parsed result forwarded. */
static void
get_device_part (LkGraphClient       *self,
                 gpointer             source_tag,
                 const char          *device_id,
                 const char          *suffix,
                 ParseFunc            parse,
                 GDestroyNotify       result_free,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *url = devices_url (self, device_id, suffix);

  g_task_set_source_tag (task, source_tag);
  if (return_if_invalid_id (task, device_id))
    return;
  /* The task data is the free function forward_pointer_cb hands to g_task_return_pointer. */
  g_task_set_task_data (task, result_free, NULL);
  send_async (self, "GET", url, parse, NULL, NULL, result_free, cancellable,
              forward_pointer_cb, g_steal_pointer (&task));
}

void
lk_graph_client_get_device_async (LkGraphClient       *self,
                                  const char          *device_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *suffix = NULL;

  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  g_return_if_fail (device_id != NULL);

  /* hardwareInformation (whether an iPad is shared) comes only with a single device, on beta. */
  suffix = g_strconcat ("?$select=", g_str_equal (self->api_version, "beta") ? LK_DEVICE_SELECT_ONE_BETA
                                                                             : LK_DEVICE_SELECT_ONE_V1, NULL);
  get_device_part (self, lk_graph_client_get_device_async, device_id, suffix, parse_device,
                   g_object_unref, cancellable, callback, user_data);
}

LkDevice *
lk_graph_client_get_device_finish (LkGraphClient  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  LkDevice *device;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  device = g_task_propagate_pointer (G_TASK (result), error);
  if (device == NULL && error != NULL && *error == NULL)
    g_set_error_literal (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INVALID_RESPONSE,
                         _("Microsoft Graph sent an empty answer for the device."));
  return device;
}

typedef struct
{
  char *request_id;
  char *client_request_id;
} PostIds;

static void
post_ids_free (PostIds *ids)
{
  g_free (ids->request_id);
  g_free (ids->client_request_id);
  g_free (ids);
}

/* Support asks for the request ids of an answer whatever it was: kept from the send's request. */
static void
post_ids_take (PostIds      *ids,
               GAsyncResult *send_result)
{
  Request *req = g_task_get_task_data (G_TASK (send_result));

  ids->request_id = g_strdup (req->response_request_id);
  ids->client_request_id = g_strdup (req->client_request_id);
}

/* A task whose data keeps the request ids of its one request. */
static GTask *
ids_task_new (LkGraphClient       *self,
              gpointer             source_tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_new0 (PostIds, 1), (GDestroyNotify) post_ids_free);
  return task;
}

static void
post_ids_copy (GAsyncResult  *result,
               char         **request_id,
               char         **client_request_id)
{
  PostIds *ids = g_task_get_task_data (G_TASK (result));

  if (request_id != NULL)
    *request_id = g_strdup (ids->request_id);
  if (client_request_id != NULL)
    *client_request_id = g_strdup (ids->client_request_id);
}

static void
post_action_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* Support asks for these for a queued action too, not only for a failed one. */
  post_ids_take (g_task_get_task_data (task), result);
  send_finish (LK_GRAPH_CLIENT (source), result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static const char *
action_name (LkDeviceAction action)
{
  switch (action)
    {
    case LK_DEVICE_ACTION_RESET_PASSCODE:
      return "resetPasscode";
    case LK_DEVICE_ACTION_SYNC_DEVICE:
      return "syncDevice";
    case LK_DEVICE_ACTION_ROTATE_LOCAL_ADMIN_PASSWORD:
      return "rotateLocalAdminPassword";
    case LK_DEVICE_ACTION_ROTATE_BITLOCKER_KEYS:
      return "rotateBitLockerKeys";
    case LK_DEVICE_ACTION_ROTATE_FILEVAULT_KEY:
      return "rotateFileVaultKey";
    default:
      g_return_val_if_reached ("syncDevice");
    }
}

/* The rotations exist only in beta, whichever version the lists are read from. */
static char *
action_url (LkGraphClient  *self,
            const char     *device_id,
            LkDeviceAction  action)
{
  g_autofree char *escaped = g_uri_escape_string (device_id, NULL, FALSE);
  gboolean beta_only = action != LK_DEVICE_ACTION_RESET_PASSCODE && action != LK_DEVICE_ACTION_SYNC_DEVICE;

  return g_strconcat (self->graph_url, "/", beta_only ? "beta" : self->api_version,
                      "/deviceManagement/managedDevices/", escaped, "/", action_name (action), NULL);
}

void
lk_graph_client_post_action_async (LkGraphClient       *self,
                                   const char          *device_id,
                                   LkDeviceAction       action,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  lk_graph_client_post_action_with_id_async (self, device_id, action, NULL, cancellable,
                                             callback, user_data);
}

void
lk_graph_client_post_action_with_id_async (LkGraphClient       *self,
                                           const char          *device_id,
                                           LkDeviceAction       action,
                                           const char          *client_request_id,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  g_return_if_fail (device_id != NULL);

  task = ids_task_new (self, lk_graph_client_post_action_async, cancellable, callback, user_data);
  if (return_if_invalid_id (task, device_id))
    return;
  url = action_url (self, device_id, action);
  g_debug ("Graph: POST %s for device %s", action_name (action), device_id);
  send_async_with_id (self, "POST", url, client_request_id, NULL, NULL, NULL, NULL, cancellable,
                      post_action_cb, g_steal_pointer (&task));
}

gboolean
lk_graph_client_post_action_finish (LkGraphClient  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  return lk_graph_client_post_action_finish_full (self, result, NULL, NULL, error);
}

gboolean
lk_graph_client_post_action_finish_full (LkGraphClient  *self,
                                         GAsyncResult   *result,
                                         char          **request_id,
                                         char          **client_request_id,
                                         GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  post_ids_copy (result, request_id, client_request_id);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
lk_graph_client_get_action_results_async (LkGraphClient       *self,
                                          const char          *device_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  g_return_if_fail (device_id != NULL);

  get_device_part (self, lk_graph_client_get_action_results_async, device_id,
                   "?$select=deviceActionResults", parse_action_results,
                   (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

GPtrArray *
lk_graph_client_get_action_results_finish (LkGraphClient  *self,
                                           GAsyncResult   *result,
                                           GError        **error)
{
  GPtrArray *results;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  results = g_task_propagate_pointer (G_TASK (result), error);
  /* 204 or an empty body: no results yet. */
  if (results == NULL && (error == NULL || *error == NULL))
    results = g_ptr_array_new_with_free_func (g_object_unref);
  return results;
}

static gpointer
parse_json_root (GBytes   *body,
                 gpointer  parse_data,
                 GError  **error)
{
  return parse_json (body, error);
}

static void
get_json_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PostIds *ids = g_task_get_task_data (task);
  GError *error = NULL;
  JsonNode *root;

  post_ids_take (ids, result);
  root = send_finish (LK_GRAPH_CLIENT (source), result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else if (root == NULL)
    g_task_return_error (task, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INVALID_RESPONSE,
                                                                _("Microsoft Graph sent an empty answer."),
                                                                200, NULL, ids->request_id,
                                                                ids->client_request_id));
  else
    g_task_return_pointer (task, root, (GDestroyNotify) json_node_unref);
}

void
lk_graph_client_get_json_async (LkGraphClient       *self,
                                const char          *version,
                                const char          *path,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *url = NULL;

  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  g_return_if_fail (path != NULL);

  task = ids_task_new (self, lk_graph_client_get_json_async, cancellable, callback, user_data);
  url = version != NULL ? g_strconcat (self->graph_url, "/", version, path, NULL) : g_strdup (path);
  send_async (self, "GET", url, parse_json_root, NULL, NULL, (GDestroyNotify) json_node_unref,
              cancellable, get_json_cb, g_steal_pointer (&task));
}

JsonNode *
lk_graph_client_get_json_finish (LkGraphClient  *self,
                                 GAsyncResult   *result,
                                 char          **request_id,
                                 char          **client_request_id,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  post_ids_copy (result, request_id, client_request_id);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- object ---------------------------------------------------------------------------------- */

static void
lk_graph_client_finalize (GObject *object)
{
  LkGraphClient *self = LK_GRAPH_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_object (&self->tokens);
  g_clear_pointer (&self->graph_url, g_free);
  g_clear_pointer (&self->api_version, g_free);
  g_queue_clear_full (&self->sent_requests, g_free);
  g_queue_clear_full (&self->sent_writes, g_free);

  G_OBJECT_CLASS (lk_graph_client_parent_class)->finalize (object);
}

static void
lk_graph_client_class_init (LkGraphClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lk_graph_client_finalize;

  signals[SIGNAL_THROTTLED] =
    g_signal_new ("throttled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_DOUBLE);
  /* A request has had no byte for a few seconds: (seconds since it started, the budget in
   * seconds after which it gives up). Emitted at most once a second, on the main context. */
  signals[SIGNAL_WAITING] =
    g_signal_new ("waiting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
lk_graph_client_init (LkGraphClient *self)
{
  g_autofree char *user_agent = g_strdup_printf ("Latchkey/%s (Linux; +https://github.com/latchkey/latchkey)",
                                                 PACKAGE_VERSION);

  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "max-conns-per-host", 4,
                                                 NULL);
  self->max_retries = DEFAULT_MAX_RETRIES;
  self->backoff_base_ms = DEFAULT_BACKOFF_BASE;
  self->backoff_cap_ms = DEFAULT_BACKOFF_CAP;
  self->timeout_s = DEFAULT_TIMEOUT_S;
  self->budget_s = DEFAULT_BUDGET_S;
  self->max_body = DEFAULT_MAX_BODY;
  self->page_size = DEFAULT_PAGE_SIZE;
  g_queue_init (&self->sent_requests);
  g_queue_init (&self->sent_writes);
  self->rate_requests = DEFAULT_RATE_REQUESTS;
  self->rate_writes = DEFAULT_RATE_WRITES;
  self->rate_window = (gint64) DEFAULT_RATE_WINDOW * 1000;
}

LkGraphClient *
lk_graph_client_new (const char      *graph_url,
                     const char      *api_version,
                     LkTokenProvider *tokens)
{
  LkGraphClient *self;
  gsize len;

  g_return_val_if_fail (graph_url != NULL, NULL);
  g_return_val_if_fail (LK_IS_TOKEN_PROVIDER (tokens), NULL);

  self = g_object_new (LK_TYPE_GRAPH_CLIENT, NULL);
  len = strlen (graph_url);
  while (len > 0 && graph_url[len - 1] == '/')
    len--;
  self->graph_url = g_strndup (graph_url, len);
  self->api_version = g_strdup (api_version != NULL ? api_version : "beta");
  self->tokens = g_object_ref (tokens);
  return self;
}

const char *
lk_graph_client_get_graph_url (LkGraphClient *self)
{
  g_return_val_if_fail (LK_IS_GRAPH_CLIENT (self), NULL);
  return self->graph_url;
}

LkTokenProvider *
lk_graph_client_get_token_provider (LkGraphClient *self)
{
  g_return_val_if_fail (LK_IS_GRAPH_CLIENT (self), NULL);
  return self->tokens;
}

void
lk_graph_client_set_token_provider (LkGraphClient   *self,
                                    LkTokenProvider *tokens)
{
  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  g_return_if_fail (LK_IS_TOKEN_PROVIDER (tokens));

  /* Requests under way keep the token they hold; the next one asks the new provider. */
  g_set_object (&self->tokens, tokens);
}

const char *
lk_graph_client_get_api_version (LkGraphClient *self)
{
  g_return_val_if_fail (LK_IS_GRAPH_CLIENT (self), NULL);
  return self->api_version;
}

void
lk_graph_client_set_max_retries (LkGraphClient *self,
                                 guint          retries)
{
  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  self->max_retries = retries;
}

void
lk_graph_client_set_backoff (LkGraphClient *self,
                             guint          base_ms,
                             guint          cap_ms)
{
  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  self->backoff_base_ms = MAX (base_ms, 1);
  self->backoff_cap_ms = MAX (cap_ms, self->backoff_base_ms);
}

void
lk_graph_client_set_timeout (LkGraphClient *self,
                             guint          seconds)
{
  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  self->timeout_s = MAX (seconds, 1);
}

void
lk_graph_client_set_budget (LkGraphClient *self,
                            guint          seconds)
{
  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  self->budget_s = MAX (seconds, 1);
}

void
lk_graph_client_set_max_body_size (LkGraphClient *self,
                                   gsize          bytes)
{
  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  self->max_body = bytes;
}

void
lk_graph_client_set_page_size (LkGraphClient *self,
                               guint          top)
{
  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  self->page_size = CLAMP (top, 1, 1000);
}

void
lk_graph_client_set_stream_only (LkGraphClient *self,
                                 gboolean       stream_only)
{
  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  self->stream_only = !!stream_only;
}

void
lk_graph_client_set_rate_limit (LkGraphClient *self,
                                guint          requests,
                                guint          writes,
                                guint          window_ms)
{
  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  self->rate_requests = MAX (requests, 1);
  self->rate_writes = MAX (writes, 1);
  self->rate_window = (gint64) MAX (window_ms, 1) * 1000;
}
