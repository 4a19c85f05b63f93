/* test-sandbox-identity.c: the sandbox's Entra ID over real HTTP, as sign-in will see it:
 * discovery, PKCE, authorize errors, device code, refresh rotation, OAuth faults.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include "sandbox-fixture.h"

/* ---- identity ---- */

static char *
login_url (Fixture *f, const char *tenant, const char *rest)
{
  return g_strdup_printf ("%s/login/%s/%s", f->base, tenant, rest);
}

static void
test_openid_configuration (Fixture *f, gconstpointer data)
{
  g_autofree char *url = login_url (f, "organizations", "v2.0/.well-known/openid-configuration");
  g_autoptr(JsonNode) root = get_json (f, url, 200);
  JsonObject *obj = json_node_get_object (root);
  g_autofree char *authority = lk_sandbox_get_authority_url (f->sandbox);
  g_autofree char *token = g_strdup_printf ("%s/organizations/oauth2/v2.0/token", authority);
  g_autofree char *devicecode = g_strdup_printf ("%s/organizations/oauth2/v2.0/devicecode", authority);
  JsonArray *methods = json_object_get_array_member (obj, "code_challenge_methods_supported");
  gboolean s256 = FALSE;

  g_assert_cmpstr (json_object_get_string_member (obj, "token_endpoint"), ==, token);
  g_assert_cmpstr (json_object_get_string_member (obj, "device_authorization_endpoint"), ==, devicecode);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (obj, "authorization_endpoint"), "/oauth2/v2.0/authorize"));
  g_assert_nonnull (json_object_get_string_member (obj, "issuer"));
  g_assert_nonnull (json_object_get_string_member (obj, "jwks_uri"));
  g_assert_nonnull (json_object_get_string_member (obj, "end_session_endpoint"));
  for (guint i = 0; i < json_array_get_length (methods); i++)
    s256 |= g_str_equal (json_array_get_string_element (methods, i), "S256");
  g_assert_true (s256);
}

static char *
form (const char *first, ...)
{
  GString *out = g_string_new (NULL);
  const char *name = first;
  va_list args;

  va_start (args, first);
  while (name != NULL)
    {
      const char *value = va_arg (args, const char *);
      g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

      g_string_append_printf (out, "%s%s=%s", out->len > 0 ? "&" : "", name, escaped);
      name = va_arg (args, const char *);
    }
  va_end (args);
  return g_string_free (out, FALSE);
}

static const char *
oauth_error (GBytes *body)
{
  g_autoptr(JsonNode) root = parse (body);

  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_node_get_object (root), "error_description"), "AADSTS"));
  return g_intern_string (json_object_get_string_member (json_node_get_object (root), "error"));
}

static char *
challenge_for (const char *verifier)
{
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  char *text;

  g_checksum_update (sha, (const guchar *) verifier, -1);
  g_checksum_get_digest (sha, digest, &len);
  text = g_base64_encode (digest, len);
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  *strchr (text, '=') = '\0';
  return text;
}

/* Authorizes with PKCE and returns the code from the redirect. */
static char *
authorize (Fixture *f, const char *verifier, const char *redirect)
{
  g_autofree char *challenge = challenge_for (verifier);
  g_autofree char *query = form ("client_id", lk_sandbox_get_client_id (f->sandbox),
                                 "response_type", "code", "redirect_uri", redirect,
                                 "scope", "openid profile offline_access " SCOPES_ALL,
                                 "state", "st&te 1", "code_challenge", challenge,
                                 "code_challenge_method", "S256", NULL);
  g_autofree char *base = login_url (f, lk_sandbox_get_tenant_id (f->sandbox), "oauth2/v2.0/authorize");
  g_autofree char *url = g_strdup_printf ("%s?%s", base, query);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = send_ok (f, "GET", url, NULL, NULL, 302, &msg);
  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  g_autoptr(GUri) uri = g_uri_parse (location, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GHashTable) params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);

  g_assert_true (g_str_has_prefix (location, redirect));
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, "st&te 1");
  g_assert_nonnull (g_hash_table_lookup (params, "code"));
  return g_strdup (g_hash_table_lookup (params, "code"));
}

static char *
json_string (GBytes *body, const char *member)
{
  g_autoptr(JsonNode) root = parse (body);

  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (root), member, NULL));
}

static void
test_pkce (Fixture *f, gconstpointer data)
{
  const char *verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const char *redirect = "http://localhost:49152/";
  g_autofree char *code = authorize (f, verifier, redirect);
  g_autofree char *token_url = login_url (f, "organizations", "oauth2/v2.0/token");
  const char *client_id = lk_sandbox_get_client_id (f->sandbox);
  g_autofree char *wrong = form ("client_id", client_id, "grant_type", "authorization_code", "code", code,
                                 "redirect_uri", redirect, "code_verifier", "not-the-verifier", NULL);
  g_autofree char *right = form ("client_id", client_id, "grant_type", "authorization_code", "code", code,
                                 "redirect_uri", redirect, "code_verifier", verifier, NULL);
  g_autoptr(GBytes) bad = send_ok (f, "POST", token_url, NULL, wrong, 400, NULL);
  g_autoptr(GBytes) good = send_ok (f, "POST", token_url, NULL, right, 200, NULL);
  g_autoptr(GBytes) reuse = send_ok (f, "POST", token_url, NULL, right, 400, NULL);
  g_autoptr(JsonNode) root = parse (good);
  JsonObject *obj = json_node_get_object (root);
  g_auto(GStrv) jwt = g_strsplit (json_object_get_string_member (obj, "id_token"), ".", -1);
  g_autofree char *list = list_url (f, "beta", "$top", "1", NULL);
  g_autoptr(GBytes) page = NULL;
  g_autofree char *claims_text = NULL;
  g_autoptr(JsonNode) claims = NULL;
  gsize len = 0;

  g_assert_cmpstr (oauth_error (bad), ==, "invalid_grant");
  g_assert_cmpstr (oauth_error (reuse), ==, "invalid_grant");
  g_assert_cmpstr (json_object_get_string_member (obj, "token_type"), ==, "Bearer");
  g_assert_cmpint (json_object_get_int_member (obj, "expires_in"), ==, 3599);
  g_assert_cmpstr (json_object_get_string_member (obj, "scope"), ==, SCOPES_ALL);
  g_assert_nonnull (json_object_get_string_member (obj, "refresh_token"));
  g_assert_cmpuint (g_strv_length (jwt), ==, 3);
  {
    g_autoptr(GString) padded = g_string_new (jwt[1]);

    g_strdelimit (padded->str, "-", '+');
    g_strdelimit (padded->str, "_", '/');
    while (padded->len % 4 != 0)
      g_string_append_c (padded, '=');
    claims_text = (char *) g_base64_decode (padded->str, &len);
    claims_text = g_realloc (claims_text, len + 1);
    claims_text[len] = '\0';
  }
  {
    g_autoptr(GBytes) bytes = g_bytes_new (claims_text, len);

    claims = parse (bytes);
  }
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (claims), "preferred_username"), ==,
                   lk_sandbox_get_username (f->sandbox));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (claims), "aud"), ==, client_id);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (claims), "tid"), ==,
                   lk_sandbox_get_tenant_id (f->sandbox));

  page = send_ok (f, "GET", list, json_object_get_string_member (obj, "access_token"), NULL, 200, NULL);
}

static void
test_authorize_errors (Fixture *f, gconstpointer data)
{
  LkFault denied = { .kind = LK_FAULT_OAUTH_ERROR, .path_contains = "/authorize", .graph_code = "access_denied" };
  g_autofree char *base = login_url (f, "common", "oauth2/v2.0/authorize");
  g_autofree char *bad_client_q = form ("client_id", "00000000-0000-0000-0000-000000000000", "response_type", "code",
                                        "redirect_uri", "http://localhost/", "scope", "openid", "code_challenge", "x",
                                        "code_challenge_method", "S256", NULL);
  g_autofree char *bad_redirect_q = form ("client_id", lk_sandbox_get_client_id (f->sandbox), "response_type", "code",
                                          "redirect_uri", "https://evil.example.com/", "scope", "openid",
                                          "code_challenge", "x", "code_challenge_method", "S256", NULL);
  g_autofree char *ok_q = form ("client_id", lk_sandbox_get_client_id (f->sandbox), "response_type", "code",
                                "redirect_uri", "http://localhost:1234/", "scope", "openid", "state", "s",
                                "code_challenge", "x", "code_challenge_method", "S256", NULL);
  g_autofree char *u1 = g_strdup_printf ("%s?%s", base, bad_client_q);
  g_autofree char *u2 = g_strdup_printf ("%s?%s", base, bad_redirect_q);
  g_autofree char *u3 = g_strdup_printf ("%s?%s", base, ok_q);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) a = send_ok (f, "GET", u1, NULL, NULL, 400, NULL);
  g_autoptr(GBytes) b = send_ok (f, "GET", u2, NULL, NULL, 400, NULL);
  g_autoptr(GBytes) c = NULL;
  const char *location;

  /* Registered: http://localhost. Entra compares the host as written, whatever the port. */
  {
    g_autofree char *loopback_q = form ("client_id", lk_sandbox_get_client_id (f->sandbox), "response_type", "code",
                                        "redirect_uri", "http://127.0.0.1:1234/", "scope", "openid",
                                        "code_challenge", "x", "code_challenge_method", "S256", NULL);
    g_autofree char *u4 = g_strdup_printf ("%s?%s", base, loopback_q);
    g_autoptr(GBytes) d = send_ok (f, "GET", u4, NULL, NULL, 400, NULL);
    g_autofree char *page = g_strndup (g_bytes_get_data (d, NULL), g_bytes_get_size (d));

    g_assert_nonnull (strstr (page, "AADSTS50011: The redirect URI &apos;http://127.0.0.1:1234/&apos; specified in the request does not match"));
    lk_sandbox_set_redirect_uris (f->sandbox, (const char *[]) { "http://127.0.0.1", NULL });
    g_clear_pointer (&d, g_bytes_unref);
    d = send_ok (f, "GET", u4, NULL, NULL, 302, NULL);
    g_clear_pointer (&d, g_bytes_unref);
    d = send_ok (f, "GET", u3, NULL, NULL, 400, NULL);
    lk_sandbox_set_redirect_uris (f->sandbox, (const char *[]) { "http://localhost", NULL });
  }

  lk_sandbox_add_fault (f->sandbox, &denied);
  c = send_ok (f, "GET", u3, NULL, NULL, 302, &msg);
  location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  g_assert_true (g_str_has_prefix (location, "http://localhost:1234/?error=access_denied&"));
  g_assert_true (g_str_has_suffix (location, "&state=s"));
}

static GBytes *
poll_device_code (Fixture *f, const char *device_code, guint expected_status)
{
  g_autofree char *url = login_url (f, "organizations", "oauth2/v2.0/token");
  g_autofree char *body = form ("client_id", lk_sandbox_get_client_id (f->sandbox),
                                "grant_type", "urn:ietf:params:oauth:grant-type:device_code",
                                "device_code", device_code, NULL);

  return send_ok (f, "POST", url, NULL, body, expected_status, NULL);
}

static void
start_device_code (Fixture *f, char **device_code, char **user_code)
{
  g_autofree char *url = login_url (f, "organizations", "oauth2/v2.0/devicecode");
  g_autofree char *body = form ("client_id", lk_sandbox_get_client_id (f->sandbox),
                                "scope", "offline_access " SCOPES_ALL, NULL);
  g_autoptr(GBytes) answer = send_ok (f, "POST", url, NULL, body, 200, NULL);
  g_autoptr(JsonNode) root = parse (answer);
  JsonObject *obj = json_node_get_object (root);
  g_autofree char *verification = g_strdup_printf ("%s/login/device", f->base);

  *device_code = g_strdup (json_object_get_string_member (obj, "device_code"));
  *user_code = g_strdup (json_object_get_string_member (obj, "user_code"));
  g_assert_cmpuint (strlen (*user_code), ==, 9);
  g_assert_cmpstr (json_object_get_string_member (obj, "verification_uri"), ==, verification);
  g_assert_cmpint (json_object_get_int_member (obj, "interval"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (obj, "expires_in"), ==, 3);
  g_assert_nonnull (strstr (json_object_get_string_member (obj, "message"), *user_code));
}

static void
test_device_code (Fixture *f, gconstpointer data)
{
  g_autofree char *dc1 = NULL, *uc1 = NULL, *dc2 = NULL, *uc2 = NULL, *dc3 = NULL, *uc3 = NULL;
  g_autofree char *dc4 = NULL, *uc4 = NULL;
  g_autoptr(GBytes) a = NULL, b = NULL, c = NULL, d = NULL, e = NULL, g = NULL, h = NULL;
  g_autofree char *device_page = g_strdup_printf ("%s/login/device", f->base);
  g_autoptr(GBytes) page = send_ok (f, "GET", device_page, NULL, NULL, 200, NULL);

  lk_sandbox_set_auto_approve (f->sandbox, FALSE);
  lk_sandbox_set_device_code_timing (f->sandbox, 1, 3);
  start_device_code (f, &dc1, &uc1);
  start_device_code (f, &dc2, &uc2);
  start_device_code (f, &dc3, &uc3);

  a = poll_device_code (f, dc1, 400);
  g_assert_cmpstr (oauth_error (a), ==, "authorization_pending");
  b = poll_device_code (f, dc1, 400);
  g_assert_cmpstr (oauth_error (b), ==, "slow_down");
  g_assert_true (lk_sandbox_approve_device_code (f->sandbox, uc1));
  g_assert_true (lk_sandbox_decline_device_code (f->sandbox, uc2));
  g_assert_false (lk_sandbox_approve_device_code (f->sandbox, "NOSUCHCOD"));
  c = poll_device_code (f, dc1, 200);
  {
    g_autofree char *rt = json_string (c, "refresh_token");

    g_assert_nonnull (rt);
  }
  d = poll_device_code (f, dc2, 400);
  g_assert_cmpstr (oauth_error (d), ==, "authorization_declined");

  g_usleep (3100 * 1000);
  e = poll_device_code (f, dc3, 400);
  g_assert_cmpstr (oauth_error (e), ==, "expired_token");

  /* auto-approve signs in on the first poll */
  lk_sandbox_set_auto_approve (f->sandbox, TRUE);
  start_device_code (f, &dc4, &uc4);
  g = poll_device_code (f, dc4, 200);
  h = poll_device_code (f, dc4, 400);
  g_assert_cmpstr (oauth_error (h), ==, "invalid_grant");
}

static void
test_refresh_rotation (Fixture *f, gconstpointer data)
{
  g_autofree char *url = login_url (f, "organizations", "oauth2/v2.0/token");
  g_autofree char *dc = NULL, *uc = NULL;
  g_autoptr(GBytes) first = NULL, second = NULL, old = NULL, third = NULL, revoked = NULL;
  g_autofree char *rt1 = NULL, *rt2 = NULL, *rt3 = NULL, *f1 = NULL, *f2 = NULL, *f3 = NULL;
  g_autofree char *access = NULL;

  lk_sandbox_set_device_code_timing (f->sandbox, 1, 3);
  start_device_code (f, &dc, &uc);
  first = poll_device_code (f, dc, 200);
  rt1 = json_string (first, "refresh_token");
  f1 = form ("client_id", lk_sandbox_get_client_id (f->sandbox), "grant_type", "refresh_token",
             "refresh_token", rt1, "scope", "offline_access " SCOPES_ALL, NULL);
  second = send_ok (f, "POST", url, NULL, f1, 200, NULL);
  rt2 = json_string (second, "refresh_token");
  g_assert_nonnull (rt2);
  g_assert_cmpstr (rt1, !=, rt2);
  old = send_ok (f, "POST", url, NULL, f1, 400, NULL);
  g_assert_cmpstr (oauth_error (old), ==, "invalid_grant");

  f2 = form ("client_id", lk_sandbox_get_client_id (f->sandbox), "grant_type", "refresh_token",
             "refresh_token", rt2, NULL);
  third = send_ok (f, "POST", url, NULL, f2, 200, NULL);
  rt3 = json_string (third, "refresh_token");
  access = json_string (third, "access_token");
  g_assert_nonnull (access);
  lk_sandbox_revoke_refresh_tokens (f->sandbox);
  f3 = form ("client_id", lk_sandbox_get_client_id (f->sandbox), "grant_type", "refresh_token",
             "refresh_token", rt3, NULL);
  revoked = send_ok (f, "POST", url, NULL, f3, 400, NULL);
  g_assert_cmpstr (oauth_error (revoked), ==, "invalid_grant");
}

static void
test_oauth_fault (Fixture *f, gconstpointer data)
{
  LkFault fault = { .kind = LK_FAULT_OAUTH_ERROR, .path_contains = "/token", .graph_code = "invalid_grant" };
  g_autofree char *dc = NULL, *uc = NULL;
  g_autoptr(GBytes) a = NULL, b = NULL;

  lk_sandbox_set_device_code_timing (f->sandbox, 1, 3);
  start_device_code (f, &dc, &uc);
  lk_sandbox_add_fault (f->sandbox, &fault);
  a = poll_device_code (f, dc, 400);
  g_assert_cmpstr (oauth_error (a), ==, "invalid_grant");
  b = poll_device_code (f, dc, 200);
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "POST", "/oauth2/v2.0/token"), ==, 2);
}

static void
test_stop_while_delayed (Fixture *f, gconstpointer data)
{
  /* Held back an hour, longer than any run of this test: a stop that waited for it would hang
   * (meson's timeout), and the client would get the answer rather than an error. */
  LkFault fault = { .kind = LK_FAULT_DELAY, .path_contains = "/managedDevices", .delay_ms = 3600 * 1000 };
  g_autofree char *url = list_url (f, "beta", "$top", "1", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", f->token);
  AsyncResult r = { 0 };
  gint64 deadline = lk_test_deadline ();

  lk_sandbox_add_fault (f->sandbox, &fault);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, send_done_cb, &r);
  while (lk_sandbox_count_requests (f->sandbox, "GET", "/managedDevices") == 0
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "GET", "/managedDevices"), ==, 1);

  /* stopping never waits for a held-back answer, and the client sees the connection go */
  lk_sandbox_stop (f->sandbox);
  g_assert_cmpint (g_get_monotonic_time (), <, deadline);
  while (!r.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_true (r.done);
  g_assert_nonnull (r.error);
  g_clear_error (&r.error);
  g_assert_null (lk_sandbox_get_base_url (f->sandbox));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/sandbox/identity/openid-configuration", test_openid_configuration);
  ADD ("/sandbox/identity/pkce", test_pkce);
  ADD ("/sandbox/identity/authorize-errors", test_authorize_errors);
  ADD ("/sandbox/identity/device-code", test_device_code);
  ADD ("/sandbox/identity/refresh-rotation", test_refresh_rotation);
  ADD ("/sandbox/identity/oauth-fault", test_oauth_fault);
  ADD ("/sandbox/lifecycle/stop-while-delayed", test_stop_while_delayed);

  return g_test_run ();
}
