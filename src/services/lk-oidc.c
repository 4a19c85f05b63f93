/* lk-oidc.c: OpenID Connect discovery and token endpoint requests over libsoup.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-json.h"
#include "lk-auth-error.h"
#include "lk-oidc.h"
#include "lk-request-policy.h"

G_DEFINE_BOXED_TYPE (LkOidcConfig, lk_oidc_config, lk_oidc_config_copy, lk_oidc_config_free)

LkOidcConfig *
lk_oidc_config_copy (const LkOidcConfig *config)
{
  LkOidcConfig *copy = g_new0 (LkOidcConfig, 1);

  copy->issuer = g_strdup (config->issuer);
  copy->authorization_endpoint = g_strdup (config->authorization_endpoint);
  copy->token_endpoint = g_strdup (config->token_endpoint);
  copy->device_authorization_endpoint = g_strdup (config->device_authorization_endpoint);
  return copy;
}

void
lk_oidc_config_free (LkOidcConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->issuer);
  g_free (config->authorization_endpoint);
  g_free (config->token_endpoint);
  g_free (config->device_authorization_endpoint);
  g_free (config);
}

void
lk_token_response_free (LkTokenResponse *response)
{
  if (response == NULL)
    return;
  lk_secret_string_free (response->access_token);
  lk_secret_string_free (response->refresh_token);
  lk_secret_string_free (response->id_token);
  g_free (response->scope);
  g_free (response);
}

gboolean
lk_oidc_url_is_acceptable (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (url == NULL)
    return FALSE;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL || *host == '\0')
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") != 0)
    return FALSE;

  /* Plain HTTP only where nothing leaves the machine: the sandbox. */
  return g_str_equal (host, "127.0.0.1") || g_str_equal (host, "::1") ||
         g_ascii_strcasecmp (host, "localhost") == 0;
}

static GError *
network_error (GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  return g_error_new (LK_AUTH_ERROR, LK_AUTH_ERROR_NETWORK,
                      _("Could not reach the sign-in service: %s"), error->message);
}

static JsonObject *
parse_object (GBytes  *bytes,
              GError **error)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  g_autoptr(JsonNode) root = data != NULL ? lk_json_parse_object (data, (gssize) len, NULL) : NULL;

  if (root == NULL)
    {
      g_set_error_literal (error, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_RESPONSE,
                           _("The sign-in service sent an answer Latchkey could not read."));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

/* Bodies of token requests and answers hold secrets: wipe them before freeing. */
static void
wipe_and_free (gpointer data)
{
  GByteArray *array = data;

  /* An empty array (an empty answer) has no buffer: explicit_bzero (NULL, 0) is undefined. */
  if (array->len > 0)
    explicit_bzero (array->data, array->len);
  g_byte_array_unref (array);
}

static GBytes *
wiping_bytes_take (GByteArray *array)
{
  return g_bytes_new_with_free_func (array->data, array->len, wipe_and_free, array);
}

/* ---- discovery ---- */

static void
discover_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(LkOidcConfig) config = NULL;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, network_error (error));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg)))
    {
      g_task_return_new_error (task, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_RESPONSE,
                               _("The sign-in service could not be discovered (HTTP %u). Check the tenant and authority."),
                               soup_message_get_status (msg));
      return;
    }
  object = parse_object (bytes, &error);
  if (object == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  config = g_new0 (LkOidcConfig, 1);
  config->issuer = g_strdup (lk_json_get_string (object, "issuer", NULL));
  config->authorization_endpoint = g_strdup (lk_json_get_string (object, "authorization_endpoint", NULL));
  config->token_endpoint = g_strdup (lk_json_get_string (object, "token_endpoint", NULL));
  config->device_authorization_endpoint =
    g_strdup (lk_json_get_string (object, "device_authorization_endpoint", NULL));

  if (!lk_oidc_url_is_acceptable (config->authorization_endpoint) ||
      !lk_oidc_url_is_acceptable (config->token_endpoint) ||
      (config->device_authorization_endpoint != NULL &&
       !lk_oidc_url_is_acceptable (config->device_authorization_endpoint)))
    {
      g_task_return_new_error (task, LK_AUTH_ERROR, LK_AUTH_ERROR_INSECURE_ENDPOINT,
                               _("The sign-in service named an endpoint that is missing or not secure (HTTPS is required)."));
      return;
    }

  g_debug ("Discovered OIDC endpoints for issuer %s", config->issuer ? config->issuer : "(none)");
  g_task_return_pointer (task, g_steal_pointer (&config), (GDestroyNotify) lk_oidc_config_free);
}

void
lk_oidc_discover_async (SoupSession         *session,
                        const char          *authority,
                        const char          *tenant,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *escaped_tenant = NULL;
  SoupMessage *msg;

  g_return_if_fail (SOUP_IS_SESSION (session));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_oidc_discover_async);

  if (authority == NULL || tenant == NULL || *tenant == '\0' ||
      !lk_oidc_url_is_acceptable (authority))
    {
      g_task_return_new_error (task, LK_AUTH_ERROR, LK_AUTH_ERROR_INSECURE_ENDPOINT,
                               _("The authority must be an HTTPS URL, and a tenant is needed."));
      return;
    }

  base = g_strdup (authority);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  escaped_tenant = g_uri_escape_string (tenant, NULL, FALSE);
  url = g_strdup_printf ("%s/%s/v2.0/.well-known/openid-configuration", base, escaped_tenant);

  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    {
      g_task_return_new_error (task, LK_AUTH_ERROR, LK_AUTH_ERROR_INSECURE_ENDPOINT,
                               _("The authority is not a valid URL."));
      return;
    }
  g_task_set_task_data (task, msg, g_object_unref);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    discover_cb, g_steal_pointer (&task));
}

LkOidcConfig *
lk_oidc_discover_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_oidc_discover_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- form posts ---- */

static GBytes *
encode_form (const char * const *params)
{
  GByteArray *array = g_byte_array_new ();

  for (guint i = 0; params[i] != NULL && params[i + 1] != NULL; i += 2)
    {
      g_autofree char *name = g_uri_escape_string (params[i], NULL, FALSE);
      char *value = g_uri_escape_string (params[i + 1], NULL, FALSE);

      if (array->len > 0)
        g_byte_array_append (array, (const guint8 *) "&", 1);
      g_byte_array_append (array, (const guint8 *) name, strlen (name));
      g_byte_array_append (array, (const guint8 *) "=", 1);
      g_byte_array_append (array, (const guint8 *) value, strlen (value));
      lk_secret_string_free (value);
    }
  return wiping_bytes_take (array);
}

/* A 429 or 503 says the service did not take the request: it is sent again, after the
 * Retry-After it asked for (or a short backoff), at most this many times. Anything else is
 * not: a code is spent once, and a 504 may have been handled. */
#define FORM_RETRIES       2
#define FORM_BACKOFF_MS    1000
#define FORM_MAX_WAIT_S    10.0

typedef struct
{
  SoupSession *session;
  char        *url;
  GBytes      *body;       /* wiped when freed: it holds codes and refresh tokens */
  SoupMessage *msg;
  guint        attempt;
  GSource      *wait;
  GCancellable *cancellable;
  gulong        cancel_id;
} FormPost;

static void
form_post_free (FormPost *post)
{
  if (post->cancel_id != 0)
    g_cancellable_disconnect (post->cancellable, post->cancel_id);
  g_clear_object (&post->cancellable);
  if (post->wait != NULL)
    {
      g_source_destroy (post->wait);
      g_source_unref (post->wait);
    }
  g_clear_object (&post->session);
  g_free (post->url);
  g_clear_pointer (&post->body, g_bytes_unref);
  g_clear_object (&post->msg);
  g_free (post);
}

static void form_post_send (GTask *task);

/* Seconds to wait before sending again, or a negative value when the answer is final. */
static double
form_retry_delay (FormPost *post,
                  guint     status)
{
  g_autoptr(GDateTime) now = NULL;
  double seconds;

  if ((status != 429 && status != SOUP_STATUS_SERVICE_UNAVAILABLE)
      || post->attempt >= FORM_RETRIES)
    return -1;
  now = g_date_time_new_now_utc ();
  seconds = lk_retry_after_parse (soup_message_headers_get_one (soup_message_get_response_headers (post->msg),
                                                                "Retry-After"), now);
  if (seconds > FORM_MAX_WAIT_S)
    return -1;
  if (seconds < 0)
    seconds = lk_backoff_delay_ms (post->attempt, FORM_BACKOFF_MS, 4 * FORM_BACKOFF_MS,
                                   g_random_double ()) / 1000.0;
  return seconds;
}

static gboolean
form_wait_done_cb (gpointer user_data)
{
  GTask *task = user_data;
  FormPost *post = g_task_get_task_data (task);

  g_clear_pointer (&post->wait, g_source_unref);
  if (!g_task_return_error_if_cancelled (task))
    form_post_send (g_object_ref (task));
  return G_SOURCE_REMOVE;
}

static void
post_form_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FormPost *post = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) wiping = NULL;
  g_autoptr(JsonObject) object = NULL;
  guint status;
  double delay;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, network_error (error));
      return;
    }
  /* Copy into a buffer we wipe; libsoup's own buffer is freed without wiping, which we
   * cannot change. */
  wiping = wiping_bytes_take (g_bytes_unref_to_array (g_steal_pointer (&bytes)));

  status = soup_message_get_status (post->msg);
  delay = form_retry_delay (post, status);
  if (delay >= 0)
    {
      g_debug ("Sign-in: the service answered %u; sending again in %.1f s", status, delay);
      post->attempt++;
      post->wait = g_timeout_source_new ((guint) (delay * 1000));
      g_source_set_callback (post->wait, form_wait_done_cb, g_object_ref (task), g_object_unref);
      g_source_attach (post->wait, g_task_get_context (task));
      return;
    }
  object = parse_object (wiping, NULL);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      const char *oauth_error = object ? lk_json_get_string (object, "error", NULL) : NULL;
      const char *description = object ? lk_json_get_string (object, "error_description", NULL) : NULL;

      if (oauth_error != NULL)
        g_task_return_error (task, lk_auth_error_from_response (oauth_error, description));
      else
        g_task_return_new_error (task, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_RESPONSE,
                                 _("The sign-in service answered with HTTP %u."), status);
      return;
    }
  if (object == NULL)
    {
      g_task_return_new_error (task, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_RESPONSE,
                               _("The sign-in service sent an answer Latchkey could not read."));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&object), (GDestroyNotify) json_object_unref);
}

/* Takes the reference to @task. */
static void
form_post_send (GTask *task)
{
  FormPost *post = g_task_get_task_data (task);

  g_clear_object (&post->msg);
  post->msg = soup_message_new (SOUP_METHOD_POST, post->url);
  if (post->msg == NULL)
    {
      g_task_return_new_error (task, LK_AUTH_ERROR, LK_AUTH_ERROR_INSECURE_ENDPOINT,
                               _("The sign-in endpoint is not a secure URL."));
      g_object_unref (task);
      return;
    }
  soup_message_set_request_body_from_bytes (post->msg, "application/x-www-form-urlencoded", post->body);
  soup_message_headers_replace (soup_message_get_request_headers (post->msg), "Accept", "application/json");
  soup_session_send_and_read_async (post->session, post->msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), post_form_cb, task);
}

static void
form_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  FormPost *post = user_data;

  /* Waiting to send again: end the wait now, not when it is over. */
  if (post->wait != NULL)
    g_source_set_ready_time (post->wait, 0);
}

void
lk_oidc_post_form_async (SoupSession         *session,
                         const char          *url,
                         const char * const  *params,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FormPost *post;

  g_return_if_fail (SOUP_IS_SESSION (session));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_oidc_post_form_async);

  if (!lk_oidc_url_is_acceptable (url))
    {
      g_task_return_new_error (task, LK_AUTH_ERROR, LK_AUTH_ERROR_INSECURE_ENDPOINT,
                               _("The sign-in endpoint is not a secure URL."));
      return;
    }
  post = g_new0 (FormPost, 1);
  post->session = g_object_ref (session);
  post->url = g_strdup (url);
  post->body = encode_form (params);
  g_task_set_task_data (task, post, (GDestroyNotify) form_post_free);
  if (cancellable != NULL)
    {
      post->cancellable = g_object_ref (cancellable);
      post->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (form_cancelled_cb), post, NULL);
    }
  form_post_send (g_steal_pointer (&task));
}

JsonObject *
lk_oidc_post_form_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
token_request_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(LkTokenResponse) response = NULL;

  object = lk_oidc_post_form_finish (result, &error);
  if (object == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  response = g_new0 (LkTokenResponse, 1);
  response->access_token = g_strdup (lk_json_get_string (object, "access_token", NULL));
  response->refresh_token = g_strdup (lk_json_get_string (object, "refresh_token", NULL));
  response->id_token = g_strdup (lk_json_get_string (object, "id_token", NULL));
  response->scope = g_strdup (lk_json_get_string (object, "scope", NULL));
  response->expires_in = lk_json_get_int (object, "expires_in", -1);
  if (response->expires_in < 0)
    {
      /* Some servers send expires_in as a string. */
      const char *text = lk_json_get_string (object, "expires_in", NULL);
      response->expires_in = text ? g_ascii_strtoll (text, NULL, 10) : 3600;
    }

  if (response->access_token == NULL || *response->access_token == '\0')
    {
      g_task_return_new_error (task, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_RESPONSE,
                               _("The sign-in service did not return an access token."));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&response), (GDestroyNotify) lk_token_response_free);
}

void
lk_oidc_token_request_async (SoupSession         *session,
                             const char          *token_endpoint,
                             const char * const  *params,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, lk_oidc_token_request_async);
  lk_oidc_post_form_async (session, token_endpoint, params, cancellable, token_request_cb, task);
}

LkTokenResponse *
lk_oidc_token_request_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_oidc_token_request_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- JWT and base64url ---- */


JsonObject *
lk_oidc_decode_jwt_claims (const char *jwt)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) b64 = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree guchar *payload = NULL;
  gsize len = 0;

  if (jwt == NULL)
    return NULL;
  parts = g_strsplit (jwt, ".", 4);
  if (g_strv_length (parts) != 3)
    return NULL;

  b64 = g_string_new (parts[1]);
  g_strdelimit (b64->str, "-", '+');
  g_strdelimit (b64->str, "_", '/');
  while (b64->len % 4 != 0)
    g_string_append_c (b64, '=');
  payload = g_base64_decode (b64->str, &len);
  if (payload == NULL || len == 0)
    return NULL;

  root = lk_json_parse_object ((const char *) payload, (gssize) len, NULL);
  if (root == NULL)
    return NULL;
  return json_object_ref (json_node_get_object (root));
}
