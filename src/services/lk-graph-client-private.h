/* lk-graph-client-private.h: what the three files of LkGraphClient share (lk-graph-client.c,
 * lk-graph-request.c, lk-graph-listing.c). Not for use outside them.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "lk-graph-client.h"
#include "lk-rate-limiter.h"

G_BEGIN_DECLS

/* Threading: an LkGraphClient, its requests and listings belong to the thread whose
 * thread-default main context they were started on (the main thread in the programs), which
 * alone touches these fields and finalizes the client (its SoupSession is not thread-safe).
 * Worker threads only ever run a ParseFunc on a body (lk-graph-request.c, ParseWork) and a
 * listing's final sort (lk-graph-listing.c, the `done` protocol); they hold no reference to
 * the client. */
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
  guint            pages_ahead;  /* see lk_graph_client_set_pages_ahead */

  /* Monotonic time before which no request is sent: one 429 slows every request down. */
  gint64           throttled_until;

  LkRateLimiter   *limiter;
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
/* Called on the request's thread with a successful answer's whole body, just before it is
 * parsed (in a worker, for a large body): for what can be told from it at once. */
typedef void (*PeekFunc) (GBytes   *body,
                          gpointer  parse_data);


/* One Graph request, as a caller describes it; lk_graph_send_async() copies what it keeps. */
typedef struct
{
  const char     *method;             /* "GET" or "POST" (a POST with an empty body) */
  const char     *url;
  const char     *client_request_id;  /* the id to send (a journal names an action by it before
                                       * it leaves), or NULL for a fresh one */
  ParseFunc       parse;              /* NULL: the body is not read into a result */
  PeekFunc        peek;               /* NULL, or see PeekFunc */
  gpointer        parse_data;         /* owned by the request from now on */
  GDestroyNotify  parse_data_free;
  GDestroyNotify  result_free;
} LkGraphCall;

void     lk_graph_send_async         (LkGraphClient       *self,
                                      const LkGraphCall   *call,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gpointer lk_graph_send_finish        (LkGraphClient       *self,
                                      GAsyncResult        *result,
                                      GError             **error);
/* The ids of a finished request (valid as long as @result): Graph's request-id, if it
 * answered, and the client-request-id sent. */
void     lk_graph_send_get_ids       (GAsyncResult        *result,
                                      const char         **request_id,
                                      const char         **client_request_id);
void     lk_graph_forward_cancel_cb  (GCancellable        *cancellable,
                                      gpointer             user_data);

char    *lk_graph_client_devices_url (LkGraphClient       *self,
                                      const char          *device_id,
                                      const char          *suffix);
char    *lk_graph_client_list_url    (LkGraphClient       *self,
                                      const char          *filter);

G_END_DECLS
