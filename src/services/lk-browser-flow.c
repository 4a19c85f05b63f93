/* lk-browser-flow.c: authorization code + PKCE with a one-shot loopback listener.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <glib/gi18n.h>

#include "lk-auth-error.h"
#include "lk-browser-flow.h"

#define DEFAULT_TIMEOUT_MS  (5 * 60 * 1000)
#define DEFAULT_PATIENCE_MS (60 * 1000)

struct _LkBrowserFlow
{
  GObject         parent_instance;

  SoupSession    *session;
  LkOidcConfig   *config;
  char           *client_id;
  char           *scopes;
  guint           timeout_ms;
  guint           patience_ms;
  gboolean        keep_waiting;
  gint64          deadline_us;   /* monotonic: when the wait for the redirect ends */
  char           *authorize_uri;
  char           *login_hint;

  LkOpenUriFunc   open_uri;
  gpointer        open_uri_data;
  GDestroyNotify  open_uri_destroy;

  SoupServer     *server;
  char           *redirect_uri;
  char           *verifier;      /* secret */
  char           *state;
  GTask          *task;          /* while waiting for the redirect or redeeming */
  GSource        *timeout_source;
  GSource        *patience_source;
  GSource        *cancel_source;
  gboolean        started;
  gboolean        redirected;    /* the one redirect arrived: the listener is done */
};

G_DEFINE_FINAL_TYPE (LkBrowserFlow, lk_browser_flow, G_TYPE_OBJECT)

enum
{
  SIGNAL_WAITING,
  SIGNAL_STILL_WAITING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];


static void
stop_listening (LkBrowserFlow *self)
{
  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static void
clear_sources (LkBrowserFlow *self)
{
  clear_source (&self->timeout_source);
  clear_source (&self->patience_source);
  clear_source (&self->cancel_source);
}

static void
complete_with_error (LkBrowserFlow *self,
                     GError        *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  clear_sources (self);
  if (!self->redirected)
    stop_listening (self);
  lk_secret_string_clear (&self->verifier);
  if (task != NULL)
    g_task_return_error (task, error);
  else
    g_error_free (error);
}

static void
lk_browser_flow_dispose (GObject *object)
{
  LkBrowserFlow *self = LK_BROWSER_FLOW (object);

  clear_sources (self);
  stop_listening (self);
  g_clear_object (&self->session);
  if (self->open_uri_destroy != NULL)
    g_clear_pointer (&self->open_uri_data, self->open_uri_destroy);

  G_OBJECT_CLASS (lk_browser_flow_parent_class)->dispose (object);
}

static void
lk_browser_flow_finalize (GObject *object)
{
  LkBrowserFlow *self = LK_BROWSER_FLOW (object);

  lk_oidc_config_free (self->config);
  g_free (self->client_id);
  g_free (self->scopes);
  g_free (self->redirect_uri);
  g_free (self->authorize_uri);
  g_free (self->login_hint);
  lk_secret_string_free (self->verifier);
  g_free (self->state);

  G_OBJECT_CLASS (lk_browser_flow_parent_class)->finalize (object);
}

static void
lk_browser_flow_class_init (LkBrowserFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lk_browser_flow_dispose;
  object_class->finalize = lk_browser_flow_finalize;

  signals[SIGNAL_WAITING] =
    g_signal_new ("waiting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_STILL_WAITING] =
    g_signal_new ("still-waiting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
lk_browser_flow_init (LkBrowserFlow *self)
{
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
  self->patience_ms = DEFAULT_PATIENCE_MS;
}

LkBrowserFlow *
lk_browser_flow_new (SoupSession        *session,
                     const LkOidcConfig *config,
                     const char         *client_id,
                     const char         *scopes)
{
  LkBrowserFlow *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (client_id != NULL, NULL);

  self = g_object_new (LK_TYPE_BROWSER_FLOW, NULL);
  self->session = g_object_ref (session);
  self->config = lk_oidc_config_copy (config);
  self->client_id = g_strdup (client_id);
  self->scopes = g_strdup (scopes);
  return self;
}

void
lk_browser_flow_set_open_uri_func (LkBrowserFlow  *self,
                                   LkOpenUriFunc   func,
                                   gpointer        user_data,
                                   GDestroyNotify  destroy)
{
  g_return_if_fail (LK_IS_BROWSER_FLOW (self));

  if (self->open_uri_destroy != NULL)
    g_clear_pointer (&self->open_uri_data, self->open_uri_destroy);
  self->open_uri = func;
  self->open_uri_data = user_data;
  self->open_uri_destroy = destroy;
}

void
lk_browser_flow_set_timeout_ms (LkBrowserFlow *self,
                                guint          timeout_ms)
{
  g_return_if_fail (LK_IS_BROWSER_FLOW (self));
  self->timeout_ms = timeout_ms > 0 ? timeout_ms : DEFAULT_TIMEOUT_MS;
}

void
lk_browser_flow_set_patience_ms (LkBrowserFlow *self,
                                 guint          patience_ms)
{
  g_return_if_fail (LK_IS_BROWSER_FLOW (self));
  self->patience_ms = patience_ms > 0 ? patience_ms : DEFAULT_PATIENCE_MS;
}

void
lk_browser_flow_set_login_hint (LkBrowserFlow *self,
                                const char    *login_hint)
{
  g_return_if_fail (LK_IS_BROWSER_FLOW (self));
  g_free (self->login_hint);
  self->login_hint = g_strdup (login_hint);
}

void
lk_browser_flow_set_keep_waiting (LkBrowserFlow *self,
                                  gboolean       keep_waiting)
{
  g_return_if_fail (LK_IS_BROWSER_FLOW (self));
  self->keep_waiting = !!keep_waiting;
}

const char *
lk_browser_flow_get_redirect_uri (LkBrowserFlow *self)
{
  g_return_val_if_fail (LK_IS_BROWSER_FLOW (self), NULL);
  return self->redirect_uri;
}

/* One paragraph per line of @detail (an error's advice, then the service's words). */
static char *
paragraphs (const char *detail)
{
  g_auto(GStrv) lines = g_strsplit (detail, "\n", -1);
  GString *html = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *escaped = g_markup_escape_text (lines[i], -1);

      g_string_append_printf (html, "<p>%s</p>", escaped);
    }
  return g_string_free (html, FALSE);
}

static void
respond_page (SoupServerMessage *msg,
              guint              status,
              gboolean           success,
              const char        *detail)
{
  g_autofree char *title = g_markup_escape_text (success ? _("Signed in to Latchkey")
                                                         : _("Latchkey could not sign you in"), -1);
  g_autofree char *body = paragraphs (detail);
  g_autofree char *footer = g_markup_escape_text (_("You can close this page and return to Latchkey."), -1);
  g_autofree char *html = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  /* In the language Latchkey speaks: the admin reads this page instead of the app. */
  html = g_strdup_printf ("<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                          "<title>%s</title></head>"
                          "<body style=\"font-family: sans-serif; margin: 3em; max-width: 40em;\">"
                          "<h1>%s</h1>%s<p>%s</p></body></html>\n",
                          /* Translators: the language code of the sign-in result page (HTML lang). */
                          C_("html lang", "en"), title, title, body, success ? "" : footer);
  /* The URL of this page carried the code: keep it out of caches and referrers. */
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    html, strlen (html));
}

static void
respond_plain (SoupServerMessage *msg,
               guint              status)
{
  static const char text[] = "Not here.\n";

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, text, strlen (text));
}

static gboolean
disconnect_idle_cb (gpointer user_data)
{
  LkBrowserFlow *self = user_data;

  stop_listening (self);
  return G_SOURCE_REMOVE;
}

static void
redirect_answered_cb (SoupServerMessage *msg,
                      gpointer           user_data)
{
  /* The page is written: now the listener can go. Not from inside its own signal. */
  g_idle_add_full (G_PRIORITY_DEFAULT, disconnect_idle_cb, g_object_ref (user_data), g_object_unref);
}

static void
token_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(LkBrowserFlow) self = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  g_autoptr(GError) error = NULL;
  LkTokenResponse *response;

  lk_secret_string_clear (&self->verifier);
  response = lk_oidc_token_request_finish (result, &error);
  if (task == NULL)
    {
      lk_token_response_free (response);
      return;
    }
  if (response == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, response, (GDestroyNotify) lk_token_response_free);
}

static void
redeem_code (LkBrowserFlow *self,
             const char    *code)
{
  const char *params[] = {
    "grant_type", "authorization_code",
    "client_id", self->client_id,
    "code", code,
    "redirect_uri", self->redirect_uri,
    "code_verifier", self->verifier,
    self->scopes ? "scope" : NULL, self->scopes,
    NULL
  };

  g_debug ("Browser sign-in: redeeming the authorization code");
  lk_oidc_token_request_async (self->session, self->config->token_endpoint, params,
                               g_task_get_cancellable (self->task), token_cb,
                               g_object_ref (self));
}

static void
finish_listening (LkBrowserFlow     *self,
                  SoupServerMessage *msg)
{
  self->redirected = TRUE;
  clear_sources (self);
  /* The flow may end (and its owner drop it) before the page is written: keep the listener
   * alive until the browser has its answer, or it shows an empty response. */
  g_signal_connect_data (msg, "finished", G_CALLBACK (redirect_answered_cb), g_object_ref (self),
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
}

static void
handle_request_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  LkBrowserFlow *self = user_data;
  const char *code = query ? g_hash_table_lookup (query, "code") : NULL;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  const char *oauth_error = query ? g_hash_table_lookup (query, "error") : NULL;
  const char *description = query ? g_hash_table_lookup (query, "error_description") : NULL;

  /* Browsers ask for /favicon.ico and the like: answer, but keep waiting. */
  if (self->task == NULL || self->redirected || g_strcmp0 (path, "/") != 0 ||
      soup_server_message_get_method (msg) != SOUP_METHOD_GET)
    {
      g_debug ("Browser sign-in: ignoring a stray request to the listener");
      respond_plain (msg, SOUP_STATUS_NOT_FOUND);
      return;
    }
  if (state == NULL || (code == NULL && oauth_error == NULL))
    {
      g_debug ("Browser sign-in: ignoring a redirect without code or state");
      respond_plain (msg, SOUP_STATUS_BAD_REQUEST);
      return;
    }

  finish_listening (self, msg);

  if (!g_str_equal (state, self->state))
    {
      respond_page (msg, SOUP_STATUS_BAD_REQUEST, FALSE,
                    _("This answer did not belong to the sign-in Latchkey started. Return to Latchkey and try again."));
      complete_with_error (self, g_error_new_literal (LK_AUTH_ERROR, LK_AUTH_ERROR_STATE_MISMATCH,
                                                      _("The browser returned an answer that did not belong to this sign-in. Try again.")));
      return;
    }
  if (oauth_error != NULL)
    {
      GError *error = lk_auth_error_from_response (oauth_error, description);

      respond_page (msg, SOUP_STATUS_OK, FALSE, error->message);
      complete_with_error (self, error);
      return;
    }

  respond_page (msg, SOUP_STATUS_OK, TRUE,
                _("Latchkey is finishing the sign-in. You can close this page and return to Latchkey."));
  redeem_code (self, code);
}

static gboolean
timeout_cb (gpointer user_data)
{
  LkBrowserFlow *self = user_data;

  g_clear_pointer (&self->timeout_source, g_source_unref);
  complete_with_error (self, g_error_new_literal (LK_AUTH_ERROR, LK_AUTH_ERROR_TIMEOUT,
                                                  _("The browser did not come back to Latchkey in time. Usually the sign-in page showed an error instead: the redirect URI is not registered as http://localhost (AADSTS50011), or the client ID or tenant is wrong (AADSTS700016). Check them and try again.")));
  return G_SOURCE_REMOVE;
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  LkBrowserFlow *self = user_data;

  g_clear_pointer (&self->cancel_source, g_source_unref);
  complete_with_error (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                  _("Sign-in was canceled.")));
  return G_SOURCE_REMOVE;
}

static gboolean
patience_cb (gpointer user_data)
{
  LkBrowserFlow *self = user_data;
  gint64 left_us = self->deadline_us - g_get_monotonic_time ();

  g_clear_pointer (&self->patience_source, g_source_unref);
  g_signal_emit (self, signals[SIGNAL_STILL_WAITING], 0,
                 (guint) (MAX (left_us, 0) + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  return G_SOURCE_REMOVE;
}

/* The browser was asked to open the sign-in address (@error: why it could not). */
static void
browser_opened (LkBrowserFlow *self,
                const GError  *error)
{
  G_GNUC_UNUSED g_autoptr(LkBrowserFlow) keep = g_object_ref (self);

  if (self->task == NULL || self->redirected)
    return;
  g_signal_emit (self, signals[SIGNAL_WAITING], 0, self->authorize_uri,
                 error != NULL ? error->message : NULL);
  if (error != NULL && !self->keep_waiting && self->task != NULL)
    complete_with_error (self, g_error_new (LK_AUTH_ERROR, LK_AUTH_ERROR_BROWSER,
                                            _("Could not open a web browser: %s"), error->message));
}

static void
launch_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LkBrowserFlow) self = user_data;
  g_autoptr(GError) error = NULL;

  g_app_info_launch_default_for_uri_finish (result, &error);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    browser_opened (self, error);
}

static char *
build_authorize_uri (LkBrowserFlow *self,
                     const char    *challenge)
{
  g_autoptr(GString) uri = g_string_new (self->config->authorization_endpoint);
  const char *params[] = {
    "client_id", self->client_id,
    "response_type", "code",
    "redirect_uri", self->redirect_uri,
    "response_mode", "query",
    "scope", self->scopes ? self->scopes : "openid",
    "state", self->state,
    "code_challenge", challenge,
    "code_challenge_method", "S256",
    /* A known account (more permissions for it) is named; otherwise the admin picks one. */
    self->login_hint != NULL ? "login_hint" : "prompt",
    self->login_hint != NULL ? self->login_hint : "select_account",
    NULL
  };

  g_string_append_c (uri, strchr (uri->str, '?') ? '&' : '?');
  for (guint i = 0; params[i] != NULL; i += 2)
    {
      g_autofree char *value = g_uri_escape_string (params[i + 1], NULL, FALSE);

      g_string_append_printf (uri, "%s%s=%s", i > 0 ? "&" : "", params[i], value);
    }
  return g_string_free (g_steal_pointer (&uri), FALSE);
}

static char *
make_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &len);
  return lk_base64url_encode (digest, len);
}

static gboolean
start_listening (LkBrowserFlow  *self,
                 GError        **error)
{
  GSList *listeners;
  guint port = 0;

  self->server = soup_server_new ("server-header", "Latchkey ", NULL);
  soup_server_add_handler (self->server, NULL, handle_request_cb, self, NULL);
  /* The redirect URI says "localhost", as admins register it (Entra matches the host as
   * written; 127.0.0.1 can only be registered in the manifest) and as MSAL sends it. A
   * browser may resolve that name to 127.0.0.1 or ::1, so listen on both loopback addresses
   * with one port (libsoup skips IPv6 where the system has none). Nothing else may reach us. */
  if (!soup_server_listen_local (self->server, 0, 0, error))
    return FALSE;

  /* Both listeners have the one port. Read from the socket, not soup_server_get_uris(): in
   * libsoup 3.2 that caches a local address per listener it never frees. */
  listeners = soup_server_get_listeners (self->server);
  if (listeners != NULL)
    {
      g_autoptr(GSocketAddress) address = g_socket_get_local_address (listeners->data, NULL);

      if (G_IS_INET_SOCKET_ADDRESS (address))
        port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
    }
  g_slist_free (listeners);
  self->redirect_uri = g_strdup_printf ("http://" LK_REDIRECT_HOST ":%u/", port);
  return port != 0;
}

void
lk_browser_flow_run_async (LkBrowserFlow       *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *uri = NULL;

  g_return_if_fail (LK_IS_BROWSER_FLOW (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_browser_flow_run_async);
  if (self->started)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "A browser flow runs only once");
      return;
    }
  self->started = TRUE;

  if ((self->verifier = lk_random_token (32, &error)) == NULL ||
      (self->state = lk_random_token (32, &error)) == NULL ||
      !start_listening (self, &error))
    {
      stop_listening (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->task = g_steal_pointer (&task);

  challenge = make_challenge (self->verifier);
  uri = build_authorize_uri (self, challenge);
  self->authorize_uri = g_strdup (uri);

  self->deadline_us = g_get_monotonic_time () + (gint64) self->timeout_ms * 1000;
  self->timeout_source = g_timeout_source_new (self->timeout_ms);
  g_source_set_callback (self->timeout_source, timeout_cb, self, NULL);
  g_source_attach (self->timeout_source, NULL);
  if (self->patience_ms < self->timeout_ms)
    {
      self->patience_source = g_timeout_source_new (self->patience_ms);
      g_source_set_callback (self->patience_source, patience_cb, self, NULL);
      g_source_attach (self->patience_source, NULL);
    }
  if (cancellable != NULL)
    {
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancel_source, G_SOURCE_FUNC (cancelled_cb), self, NULL);
      g_source_attach (self->cancel_source, NULL);
    }

  g_debug ("Browser sign-in: listening on %s", self->redirect_uri);
  if (self->open_uri != NULL)
    {
      gboolean opened = self->open_uri (uri, self->open_uri_data, &error);

      browser_opened (self, opened ? NULL : error);
    }
  else
    {
      g_autoptr(GAppLaunchContext) context = g_app_launch_context_new ();

      /* The window may have turned GL off for itself (ui/lk-gl-choice.c); the browser chooses
       * for itself. */
      if (g_strcmp0 (g_getenv ("GDK_DEBUG"), "gl-disable") == 0)
        g_app_launch_context_unsetenv (context, "GDK_DEBUG");
      g_app_info_launch_default_for_uri_async (uri, context, cancellable, launch_cb, g_object_ref (self));
    }
}

LkTokenResponse *
lk_browser_flow_run_finish (LkBrowserFlow  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_browser_flow_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
