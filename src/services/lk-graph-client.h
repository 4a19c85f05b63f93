/* lk-graph-client.h: Microsoft Graph (Intune managedDevices) over libsoup, asynchronously.
 *
 * One send path signs, sends, decodes, maps errors and retries; paging, throttling and the
 * 401-refresh live there once. Bearer tokens go only to the configured Graph host, over HTTPS
 * (plain HTTP only to loopback).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "lk-device.h"
#include "lk-device-query.h"
#include "lk-action-result.h"
#include "lk-token-provider.h"

G_BEGIN_DECLS

typedef enum
{
  LK_DEVICE_ACTION_RESET_PASSCODE,   /* POST …/resetPasscode (also iOS "Remove passcode") */
  LK_DEVICE_ACTION_SYNC_DEVICE,      /* POST …/syncDevice */
  /* Unlock options (beta only, always sent to beta): 204 No Content = queued. */
  LK_DEVICE_ACTION_ROTATE_LOCAL_ADMIN_PASSWORD,  /* Windows LAPS and macOS managed admin */
  LK_DEVICE_ACTION_ROTATE_BITLOCKER_KEYS,
  LK_DEVICE_ACTION_ROTATE_FILEVAULT_KEY,
} LkDeviceAction;

#define LK_TYPE_GRAPH_CLIENT (lk_graph_client_get_type ())
G_DECLARE_FINAL_TYPE (LkGraphClient, lk_graph_client, LK, GRAPH_CLIENT, GObject)

/* @graph_url: e.g. "https://graph.microsoft.com" (no version); @api_version: "beta" or "v1.0". */
LkGraphClient *lk_graph_client_new (const char      *graph_url,
                                    const char      *api_version,
                                    LkTokenProvider *tokens);

const char *lk_graph_client_get_graph_url    (LkGraphClient *self);
/* Where the bearer token comes from; replaced when incremental consent signs the same account
 * in again (the manager replaces the account object and wipes the old one's tokens). */
LkTokenProvider *lk_graph_client_get_token_provider (LkGraphClient   *self);
void             lk_graph_client_set_token_provider (LkGraphClient   *self,
                                                     LkTokenProvider *tokens);
const char *lk_graph_client_get_api_version  (LkGraphClient *self);

/* Tuning, mostly for tests: retries for 429/503/504 (default 4), backoff base and cap in ms
 * (default 1000 and 32000), idle timeout in seconds (no byte for that long ends an attempt;
 * default 30), budget in seconds (one request with all its retries and waits; default 120),
 * body cap in bytes (default 64 MiB), page size $top (default 1000, Graph's maximum). */
void        lk_graph_client_set_max_retries  (LkGraphClient *self, guint retries);
void        lk_graph_client_set_backoff      (LkGraphClient *self, guint base_ms, guint cap_ms);
void        lk_graph_client_set_timeout      (LkGraphClient *self, guint seconds);
void        lk_graph_client_set_budget       (LkGraphClient *self, guint seconds);
void        lk_graph_client_set_max_body_size (LkGraphClient *self, gsize bytes);
void        lk_graph_client_set_page_size    (LkGraphClient *self, guint top);
/* With TRUE, listings hand each page to the page function in the order Graph sent it and keep
 * nothing, so memory stays flat however many devices come (`latchkey-cli --jsonl`): finish then
 * returns an empty array. Several plans (a search by name, user and serial) still report each
 * device once. Default FALSE. */
void        lk_graph_client_set_stream_only  (LkGraphClient *self,
                                              gboolean       stream_only);
/* How many pages a listing may have asked for and not handed over yet: one being read, the
 * rest on the wire or waiting for a reader (default 2, at most 8). Large bodies are read on
 * one thread fewer than the cores (at least one); where pages come faster than a reader reads
 * them (a fast network, whole ~4 kB devices), more ahead keeps the wire and every reader busy,
 * and each costs a body's memory (up to ~4 MB). The window keeps the default for its frames;
 * `latchkey-cli search`, which has no frames to draw, asks for 4 (README "Performance"). */
void        lk_graph_client_set_pages_ahead  (LkGraphClient *self,
                                              guint          pages);
/* What a reader with no frames to draw asks for: latchkey-cli and its benchmark. On the
 * project's 2-core VM, 100 000 whole devices: 2 pages ahead 0.37 s, 3 0.34 s, 4 0.31 s, 6 no
 * better (tests/bench/HISTORY.md, tenth session). Since the bodies are read on one thread
 * fewer than the cores (lk-graph-request.c), 8 ahead lists as fast as 4 (0.202 against
 * 0.200 s) with 16 MB more held (twelfth session). */
#define LK_GRAPH_BATCH_PAGES_AHEAD 4
/* Client-side rate limit, so a burst never trips Intune's throttling: at most @requests requests
 * and @writes POSTs per @window_ms (default Intune's 2000 and 200 per 20 s, per app and tenant). */
void        lk_graph_client_set_rate_limit   (LkGraphClient *self,
                                              guint          requests,
                                              guint          writes,
                                              guint          window_ms);

/* Called once per page, on the caller's main context, with the matching devices of that page
 * (element-type LkDevice, already re-checked; ranked within the page). @total is the running
 * count of devices Graph returned so far (before the re-check), or of the distinct matches when
 * the query is sent as several listings; @expected is @odata.count of a single listing, or -1
 * (several listings, or a count the listing has already passed). */
typedef void (*LkDevicePageFunc) (GPtrArray *devices,
                                  guint      total,
                                  gint64     expected,
                                  gpointer   user_data);

void       lk_graph_client_list_devices_async  (LkGraphClient       *self,
                                                LkDeviceQuery       *query,
                                                LkDevicePageFunc     page_func,
                                                gpointer             page_data,
                                                GDestroyNotify       page_data_destroy,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
/* Returns every matching device, ranked best first (element-type LkDevice). */
GPtrArray *lk_graph_client_list_devices_finish (LkGraphClient  *self,
                                                GAsyncResult   *result,
                                                GError        **error);

void       lk_graph_client_get_device_async    (LkGraphClient       *self,
                                                const char          *device_id,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
LkDevice  *lk_graph_client_get_device_finish   (LkGraphClient  *self,
                                                GAsyncResult   *result,
                                                GError        **error);

/* Sends the action exactly once. After the request left, a timeout, a dropped connection or
 * any 5xx gives LK_GRAPH_ERROR_OUTCOME_UNKNOWN: read the action results instead of sending
 * again. Only a 4xx (429 after the allowed waits) means Intune did not take it. An invalid
 * @device_id (lk_device_id_is_valid()) fails with LK_GRAPH_ERROR_BAD_REQUEST, unsent. */
void       lk_graph_client_post_action_async   (LkGraphClient       *self,
                                                const char          *device_id,
                                                LkDeviceAction       action,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
/* The same, sent with @client_request_id (NULL: a fresh one), so that a journal can name the
 * request before it leaves. */
void       lk_graph_client_post_action_with_id_async (LkGraphClient       *self,
                                                      const char          *device_id,
                                                      LkDeviceAction       action,
                                                      const char          *client_request_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean   lk_graph_client_post_action_finish  (LkGraphClient  *self,
                                                GAsyncResult   *result,
                                                GError        **error);
/* Also returns the request ids of the answer (success or not), for the action history. */
gboolean   lk_graph_client_post_action_finish_full (LkGraphClient  *self,
                                                    GAsyncResult   *result,
                                                    char          **request_id,
                                                    char          **client_request_id,
                                                    GError        **error);

void       lk_graph_client_get_action_results_async  (LkGraphClient       *self,
                                                      const char          *device_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
/* (element-type LkActionResult) */
GPtrArray *lk_graph_client_get_action_results_finish (LkGraphClient  *self,
                                                      GAsyncResult   *result,
                                                      GError        **error);

/* One GET of any Graph resource, answered as the parsed JSON object (capped like every Graph
 * body). @version "v1.0" or "beta" with @path starting "/" (already escaped and with its
 * query); @version NULL: @path is a whole URL (an @odata.nextLink), which must name the Graph
 * host. The request carries User-Agent, ocp-client-name and ocp-client-version, as the
 * directory APIs ask. */
void       lk_graph_client_get_json_async       (LkGraphClient       *self,
                                                 const char          *version,
                                                 const char          *path,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
/* The root object (json_node_unref it), and the answer's request ids (either way). */
JsonNode  *lk_graph_client_get_json_finish      (LkGraphClient  *self,
                                                 GAsyncResult   *result,
                                                 char          **request_id,
                                                 char          **client_request_id,
                                                 GError        **error);

/* The throttled signal: (LkGraphClient *, double seconds_to_wait) is emitted when a request
 * waits before a retry, so the UI can say "waiting 3 s…". */

G_END_DECLS
