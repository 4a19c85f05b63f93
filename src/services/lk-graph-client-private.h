/* lk-graph-client-private.h: what the three files of LkGraphClient share (lk-graph-client.c,
 * lk-graph-request.c, lk-graph-listing.c). Not for use outside them.
 */
#pragma once

#include <libsoup/soup.h>

#include "lk-graph-client.h"

G_BEGIN_DECLS

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

  /* Monotonic time before which no request is sent: one 429 slows every request down. */
  gint64           throttled_until;

  /* Send times (monotonic µs) within the rate window, oldest first. */
  GQueue           sent_requests;
  GQueue           sent_writes;
  guint            rate_requests;
  guint            rate_writes;
  gint64           rate_window;
};

enum
{
  SIGNAL_THROTTLED,
  SIGNAL_WAITING,
  LK_GRAPH_CLIENT_N_SIGNALS
};

extern guint lk_graph_client_signals[LK_GRAPH_CLIENT_N_SIGNALS];

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

/* @client_request_id: the id to send (a journal names the action by it before it leaves), or
 * NULL for a fresh one. */
void     lk_graph_send_async_with_id (LkGraphClient       *self,
                                      const char          *method,
                                      const char          *url,
                                      const char          *client_request_id,
                                      ParseFunc            parse,
                                      gpointer             parse_data,
                                      GDestroyNotify       parse_data_free,
                                      GDestroyNotify       result_free,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
void     lk_graph_send_async         (LkGraphClient       *self,
                                      const char          *method,
                                      const char          *url,
                                      ParseFunc            parse,
                                      gpointer             parse_data,
                                      GDestroyNotify       parse_data_free,
                                      GDestroyNotify       result_free,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gpointer lk_graph_send_finish        (LkGraphClient       *self,
                                      GAsyncResult        *result,
                                      GError             **error);
void     lk_graph_forward_cancel_cb  (GCancellable        *cancellable,
                                      gpointer             user_data);

char    *lk_graph_client_devices_url (LkGraphClient       *self,
                                      const char          *device_id,
                                      const char          *suffix);
char    *lk_graph_client_list_url    (LkGraphClient       *self,
                                      const char          *filter);

G_END_DECLS
