/* lk-graph-client.c: Microsoft Graph (Intune managedDevices) over libsoup, asynchronously: the
 * object, its URL builders and parsers, and the single requests. The request engine is in
 * lk-graph-request.c, the device listing in lk-graph-listing.c.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lk-graph-client-private.h"
#include "lk-graph-error.h"
#include "lk-json.h"

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
#define DEFAULT_MAX_BODY     (64 * 1024 * 1024)
#define DEFAULT_PAGE_SIZE    1000
/* A listing's pages asked for and not handed over (lk_graph_client_set_pages_ahead()): one
 * being read, one on the wire. More only piles up bodies when reading is the slower half and
 * no other core is free for it. */
#define DEFAULT_PAGES_AHEAD  2
#define MAX_PAGES_AHEAD      8
/* Intune's documented limits per app and tenant. */
#define DEFAULT_RATE_REQUESTS 2000
#define DEFAULT_RATE_WRITES   200
#define DEFAULT_RATE_WINDOW   20000

G_DEFINE_FINAL_TYPE (LkGraphClient, lk_graph_client, G_TYPE_OBJECT)

guint lk_graph_client_signals[LK_GRAPH_CLIENT_N_SIGNALS];

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

char *
lk_graph_client_devices_url (LkGraphClient *self,
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

char *
lk_graph_client_list_url (LkGraphClient *self,
          const char    *filter)
{
  g_autofree char *base = lk_graph_client_devices_url (self, NULL, NULL);
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

/* --- single requests ------------------------------------------------------------------------- */

static void
forward_pointer_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gpointer value = lk_graph_send_finish (LK_GRAPH_CLIENT (source), result, &error);

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

/* One GET of a device (or a part of it) through lk_graph_send_async(), its parsed result forwarded. */
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
  g_autofree char *url = lk_graph_client_devices_url (self, device_id, suffix);

  g_task_set_source_tag (task, source_tag);
  if (return_if_invalid_id (task, device_id))
    return;
  /* The task data is the free function forward_pointer_cb hands to g_task_return_pointer. */
  g_task_set_task_data (task, result_free, NULL);
  lk_graph_send_async (self, &(LkGraphCall) { .method = "GET", .url = url, .parse = parse,
                                              .result_free = result_free },
                       cancellable, forward_pointer_cb, g_steal_pointer (&task));
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
  const char *request_id, *client_request_id;

  lk_graph_send_get_ids (send_result, &request_id, &client_request_id);
  ids->request_id = g_strdup (request_id);
  ids->client_request_id = g_strdup (client_request_id);
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
  lk_graph_send_finish (LK_GRAPH_CLIENT (source), result, &error);
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
  lk_graph_send_async (self, &(LkGraphCall) { .method = "POST", .url = url,
                                              .client_request_id = client_request_id },
                       cancellable, post_action_cb, g_steal_pointer (&task));
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
  root = lk_graph_send_finish (LK_GRAPH_CLIENT (source), result, &error);
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
  lk_graph_send_async (self, &(LkGraphCall) { .method = "GET", .url = url, .parse = parse_json_root,
                                              .result_free = (GDestroyNotify) json_node_unref },
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
  g_clear_pointer (&self->limiter, lk_rate_limiter_free);

  G_OBJECT_CLASS (lk_graph_client_parent_class)->finalize (object);
}

static void
lk_graph_client_class_init (LkGraphClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lk_graph_client_finalize;

  lk_graph_client_signals[SIGNAL_THROTTLED] =
    g_signal_new ("throttled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_DOUBLE);
  /* A request has had no byte for a few seconds: (seconds since it started, the budget in
   * seconds after which it gives up). Emitted at most once a second, on the main context. */
  lk_graph_client_signals[SIGNAL_WAITING] =
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
  self->pages_ahead = DEFAULT_PAGES_AHEAD;
  self->limiter = lk_rate_limiter_new (DEFAULT_RATE_REQUESTS, DEFAULT_RATE_WRITES,
                                       (gint64) DEFAULT_RATE_WINDOW * 1000);
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
lk_graph_client_set_pages_ahead (LkGraphClient *self,
                                 guint          pages)
{
  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  self->pages_ahead = CLAMP (pages, 1, MAX_PAGES_AHEAD);
}

void
lk_graph_client_set_rate_limit (LkGraphClient *self,
                                guint          requests,
                                guint          writes,
                                guint          window_ms)
{
  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  lk_rate_limiter_set_limits (self->limiter, requests, writes, (gint64) MAX (window_ms, 1) * 1000);
}
