/* test-fuzz-regressions.c: inputs the libFuzzer harnesses (tests/fuzz) found, kept as plain
 * unit tests so the normal and sanitizer suites guard them too (the fuzz corpus has the same
 * inputs under tests/fuzz/corpus/). G_DEBUG=fatal-warnings makes any critical a failure.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lk-account-private.h"
#include "lk-auth-error.h"
#include "lk-device-query.h"
#include "lk-graph-error.h"
#include "lk-oidc.h"
#include "lk-request-policy.h"
#include "lk-token-store.h"

#include "../lk-test-common.h"

/* A body of only whitespace is valid JSON to json-glib with no root node; reading it as an
 * object raised a json-glib critical. */
static void
test_graph_error_whitespace_body (void)
{
  static const char *const bodies[] = { "\t\n", " ", "\r\n\r\n" };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = lk_graph_error_new_from_response (502, bodies[i], strlen (bodies[i]),
                                                                  "req-1", NULL);

      g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_SERVER);
      g_assert_cmpuint (lk_graph_error_get_http_status (error), ==, 502);
      g_assert_cmpstr (lk_graph_error_get_request_id (error), ==, "req-1");
      g_assert_null (lk_graph_error_get_graph_code (error));
    }
}

/* A Graph root without a host made g_ascii_strcasecmp (host, NULL) return 0, "same host",
 * so any https URL under the root's path would have been allowed the token. */
static void
test_url_root_without_host (void)
{
  static const char *const roots[] = { "https:/beta", "https:beta", "http: 202//127.0.0.1:8080/graph/beta" };

  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (lk_url_may_carry_token ("https://evil.example/beta/deviceManagement", roots[i], &error));
      g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INSECURE);
    }
}

/* A host of a lone "[" made strlen (host) - 2 wrap around and g_strndup() read far past it. */
static void
test_host_lone_bracket (void)
{
  g_assert_false (lk_host_is_loopback ("["));
  g_assert_false (lk_host_is_loopback ("[]"));
  g_assert_false (lk_host_is_loopback ("[::1"));
  g_assert_true (lk_host_is_loopback ("[::1]"));
  g_assert_true (lk_host_is_loopback ("127.0.0.1"));
}

/* Invalid UTF-8 (the CLI's argument is not validated) reached g_utf8_normalize(), which read
 * past the end of the word. */
static void
test_query_invalid_utf8 (void)
{
  static const char text[] = "  ` l\xca  \xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8\xf8 \xff\xff\xff";
  g_autoptr(LkDeviceQuery) query = lk_device_query_new (text);
  GPtrArray *filters = lk_device_query_get_filters (query);

  g_assert_true (g_utf8_validate (lk_device_query_get_text (query), -1, NULL));
  for (guint i = 0; i < filters->len; i++)
    g_assert_true (g_utf8_validate (g_ptr_array_index (filters, i), -1, NULL));
}

/* A token answer with "expires_in": 9223372036854775807 (or a string strtoll saturates) made
 * the expiry computation overflow (UBSan: signed integer overflow). */
static void
test_account_huge_expiry (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(LkStoredAccount) stored = lk_stored_account_new ();
  g_autoptr(LkAccount) account = NULL;
  LkTokenResponse response = { .access_token = (char *) "not-a-token", .expires_in = G_MAXINT64 };

  stored->username = g_strdup ("giulia.bianchi@contoso-demo.onmicrosoft.com");
  account = lk_account_new (session, stored, TRUE);
  lk_account_set_tokens (account, &response);
  response.expires_in = G_MININT64;
  lk_account_set_tokens (account, &response);
}

static void
empty_answer_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "", 0);
}

static void
token_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
give_up_cb (gpointer user_data)
{
  g_error ("the token request did not finish in time");
  return G_SOURCE_REMOVE;
}

/* A token endpoint answering 200 with an empty body: the wiped answer buffer had no data
 * pointer and was handed to explicit_bzero (NULL, 0), undefined behaviour (UBSan: nonnull). */
static void
test_oidc_empty_token_answer (void)
{
  static const char *const params[] = { "grant_type", "refresh_token", NULL };
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  /* No proxy resolver: loopback needs none, and libproxy would run in a thread per request. */
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 5, "proxy-resolver", NULL, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkTokenResponse) response = NULL;
  g_autofree char *url = NULL;
  GSList *uris;
  guint give_up;

  soup_server_add_handler (server, NULL, empty_answer_cb, NULL, NULL);
  /* listen_local, like the sandbox: its libsoup leak is the one tests/lsan.supp explains. */
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("http://127.0.0.1:%d/token", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  give_up = g_timeout_add_seconds (lk_test_wait_s (), give_up_cb, NULL);
  lk_oidc_token_request_async (session, url, params, NULL, token_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (give_up);

  response = lk_oidc_token_request_finish (result, &error);
  g_assert_null (response);
  g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_RESPONSE);
  soup_server_disconnect (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fuzz-regressions/graph-error/whitespace-body", test_graph_error_whitespace_body);
  g_test_add_func ("/fuzz-regressions/request-policy/root-without-host", test_url_root_without_host);
  g_test_add_func ("/fuzz-regressions/request-policy/lone-bracket", test_host_lone_bracket);
  g_test_add_func ("/fuzz-regressions/device-query/invalid-utf8", test_query_invalid_utf8);
  g_test_add_func ("/fuzz-regressions/account/huge-expiry", test_account_huge_expiry);
  g_test_add_func ("/fuzz-regressions/oidc/empty-token-answer", test_oidc_empty_token_answer);
  return g_test_run ();
}
