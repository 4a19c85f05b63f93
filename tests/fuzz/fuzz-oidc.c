/* fuzz-oidc.c: what the sign-in service sends back: the OpenID discovery document, the token
 * endpoint's answer (success or OAuth error), and the JWTs inside it.
 *
 * The discovery and token parsers live inside lk-oidc.c's async callbacks, with no public pure
 * entry point, so the harness reaches them the real way: a SoupServer on 127.0.0.1 (plain http
 * on loopback is accepted, as for the sandbox) answers every request with the fuzz input, and
 * lk_oidc_discover_async() + lk_oidc_token_request_async() run against it, and a token answer
 * seeds an LkAccount as sign-in does. The same bytes also
 * go to lk_oidc_decode_jwt_claims() (as the payload of a JWT and as a whole JWT),
 * lk_auth_error_from_oauth() and lk_oidc_url_is_acceptable().
 *
 * Input layout: the first byte's low bit picks the HTTP status (even: 200, odd: 400), the rest
 * is the response body.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include "fuzz-common.h"
#include "lk-account-private.h"
#include "lk-auth-error.h"
#include "lk-oidc.h"
#include "lk-token-store.h"

static SoupServer *server;
static SoupSession *session;
static char *base_url;
static char *token_url;
static const uint8_t *answer_data;
static size_t answer_size;
static guint answer_status;

static void
serve_cb (SoupServer        *srv,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  (void) srv;
  (void) path;
  (void) query;
  (void) user_data;
  soup_server_message_set_status (msg, answer_status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    (const char *) answer_data, answer_size);
}

/* libsoup writes a POST's headers and body separately; with Nagle on, the body waits for the
 * server's delayed ACK (40 ms on Linux), which would cap the harness at ~25 inputs a second. */
static void
network_event_cb (SoupMessage        *msg,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  (void) msg;
  (void) user_data;
  if (event == G_SOCKET_CLIENT_CONNECTED && G_IS_SOCKET_CONNECTION (connection))
    g_socket_set_option (g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection)),
                         IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

static void
request_queued_cb (SoupSession *soup_session,
                   SoupMessage *msg,
                   gpointer     user_data)
{
  (void) soup_session;
  (void) user_data;
  g_signal_connect (msg, "network-event", G_CALLBACK (network_event_cb), NULL);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;
  g_autofree char *uri_text = NULL;

  (void) argc;
  (void) argv;
  fuzz_common_init ();

  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, serve_cb, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("cannot listen on 127.0.0.1: %s", error->message);
  uris = soup_server_get_uris (server);
  uri_text = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  while (g_str_has_suffix (uri_text, "/"))
    uri_text[strlen (uri_text) - 1] = '\0';
  base_url = g_strdup (uri_text);
  token_url = g_strconcat (base_url, "/tenant/oauth2/v2.0/token", NULL);

  /* A bound on every request: a hang is a finding too, but it must not stall the run. */
  session = soup_session_new_with_options ("timeout", 5, "idle-timeout", 60,
                                          /* loopback needs no proxy; libproxy would cost a
                                           * thread per request */
                                          "proxy-resolver", NULL, NULL);
  g_signal_connect (session, "request-queued", G_CALLBACK (request_queued_cb), NULL);
  return 0;
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  (void) source;
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
check_auth_error (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == LK_AUTH_ERROR);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static void
run_discovery (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkOidcConfig) config = NULL;

  lk_oidc_discover_async (session, base_url, "tenant", NULL, done_cb, &result);
  config = lk_oidc_discover_finish (wait_for (&result), &error);
  if (config == NULL)
    {
      check_auth_error (error);
      return;
    }
  /* Discovery promises endpoints that may carry secrets are secure. */
  g_assert_true (lk_oidc_url_is_acceptable (config->authorization_endpoint));
  g_assert_true (lk_oidc_url_is_acceptable (config->token_endpoint));
  if (config->device_authorization_endpoint != NULL)
    g_assert_true (lk_oidc_url_is_acceptable (config->device_authorization_endpoint));
  lk_oidc_config_free (lk_oidc_config_copy (config));
}

static void
run_token_request (void)
{
  static const char *const params[] = {
    "grant_type", "refresh_token", "client_id", "fuzz", "refresh_token", "not-a-secret", NULL,
  };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkTokenResponse) response = NULL;

  lk_oidc_token_request_async (session, token_url, params, NULL, done_cb, &result);
  response = lk_oidc_token_request_finish (wait_for (&result), &error);
  if (response == NULL)
    {
      check_auth_error (error);
      return;
    }
  g_assert_nonnull (response->access_token);
  g_assert_cmpstr (response->access_token, !=, "");

  /* What sign-in does next with the answer: seed an account with it (expiry, scopes). */
  {
    g_autoptr(LkStoredAccount) stored = lk_stored_account_new ();
    g_autoptr(LkAccount) account = NULL;

    stored->username = g_strdup ("giulia.bianchi@contoso-demo.onmicrosoft.com");
    account = lk_account_new (session, stored, TRUE);
    lk_account_set_tokens (account, response);
    (void) lk_account_has_scope (account, "DeviceManagementManagedDevices.Read.All");
  }
  if (response->id_token != NULL)
    {
      g_autoptr(JsonObject) claims = lk_oidc_decode_jwt_claims (response->id_token);
      (void) claims;
    }
}

static void
run_pure (const uint8_t *data,
          size_t         size)
{
  g_autofree char *text = fuzz_strndup (data, size);
  g_autofree char *payload = lk_base64url_encode (data, size);
  g_autofree char *jwt = g_strconcat ("eyJhbGciOiJub25lIn0.", payload, ".sig", NULL);
  g_autoptr(JsonObject) claims = lk_oidc_decode_jwt_claims (jwt);
  g_autoptr(JsonObject) raw_claims = lk_oidc_decode_jwt_claims (text);

  /* Display code reads the claims as strings. */
  if (claims != NULL)
    (void) json_object_get_size (claims);
  if (raw_claims != NULL)
    (void) json_object_get_size (raw_claims);
  /* The "error" member comes out of json-glib, hence valid UTF-8. */
  g_autofree char *oauth_code = g_utf8_make_valid (text, -1);
  g_autoptr(GError) oauth = lk_auth_error_from_oauth (oauth_code);

  check_auth_error (oauth);
  (void) lk_oidc_url_is_acceptable (text);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size < 1)
    return 0;
  answer_status = (data[0] & 1) ? 400 : 200;
  answer_data = data + 1;
  answer_size = size - 1;

  run_pure (data + 1, size - 1);
  run_discovery ();
  run_token_request ();
  return 0;
}
