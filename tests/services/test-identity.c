/* test-identity.c: browser (PKCE) and device code sign-in against the sandbox, over HTTP.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lk-browser-flow.h"
#include "lk-cloud.h"
#include "lk-device-code-flow.h"
#include "test-identity-common.h"

typedef struct
{
  LkSandbox    *sandbox;
  SoupSession  *session;
  LkOidcConfig *oidc;
  char         *scopes;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *graph = NULL;

  f->sandbox = start_sandbox ();
  f->session = soup_session_new_with_options ("timeout", 20, NULL);
  f->oidc = discover (f->session, f->sandbox);
  graph = lk_sandbox_get_graph_url (f->sandbox);
  f->scopes = lk_cloud_build_scopes (graph);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_free (f->scopes);
  lk_oidc_config_free (f->oidc);
  g_clear_object (&f->session);
  lk_sandbox_stop (f->sandbox);
  g_assert_finalize_object (f->sandbox);
}

static gboolean
browser_never_returns (const char *uri, gpointer user_data, GError **error)
{
  return TRUE;
}

typedef struct
{
  gboolean         done;
  LkTokenResponse *response;
  GError          *error;
} FlowResult;

static const char *f_authorize_prefix;  /* the discovered authorization endpoint */

static void
flow_finished_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  FlowResult *r = data;

  r->response = lk_browser_flow_run_finish (LK_BROWSER_FLOW (source), result, &r->error);
  r->done = TRUE;
}

/* Runs @flow (taking the reference) to its end, as the account manager does. */
static LkTokenResponse *
run_flow (LkBrowserFlow *flow, GError **error)
{
  FlowResult r = { 0 };

  lk_browser_flow_run_async (flow, NULL, flow_finished_cb, &r);
  g_object_unref (flow);
  run_until (&r.done);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.response;
}

/* Like the account manager, the caller lets go of the flow once it runs, and finishes it
 * in the callback: then nothing but the flow itself keeps it alive. */
static LkTokenResponse *
run_browser (Fixture *f, FakeBrowser *b, guint timeout_ms, GError **error)
{
  LkBrowserFlow *flow = lk_browser_flow_new (f->session, f->oidc,
                                             lk_sandbox_get_client_id (f->sandbox),
                                             f->scopes);

  if (b != NULL)
    lk_browser_flow_set_open_uri_func (flow, fake_browser_open, b, NULL);
  else
    lk_browser_flow_set_open_uri_func (flow, browser_never_returns, NULL, NULL);
  if (timeout_ms > 0)
    lk_browser_flow_set_timeout_ms (flow, timeout_ms);
  return run_flow (flow, error);
}

static void
wait_for_browser_thread (FakeBrowser *b)
{
  /* The browser thread records the listener's answer; give it a moment to land. */
  gint64 deadline = lk_test_deadline ();

  while (b->final_status == 0 && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

static void
test_browser_flow (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  FakeBrowser *b = fake_browser_new (BROWSER_NORMAL);
  g_autoptr(LkTokenResponse) response = run_browser (f, b, 0, &error);
  g_autoptr(JsonObject) claims = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_nonnull (response->access_token);
  g_assert_nonnull (response->refresh_token);
  g_assert_cmpint (response->expires_in, >, 0);
  claims = lk_oidc_decode_jwt_claims (response->id_token);
  g_assert_nonnull (claims);
  g_assert_cmpstr (json_object_get_string_member (claims, "preferred_username"), ==,
                   lk_sandbox_get_username (f->sandbox));
  wait_for_browser_thread (b);
  g_assert_cmpuint (b->final_status, ==, 200);
  g_assert_true (g_str_has_prefix (b->base, "http://localhost:"));
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "POST", "oauth2/v2.0/token"), ==, 1);
  fake_browser_free (b);
}

static void
test_browser_state_mismatch (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  FakeBrowser *b = fake_browser_new (BROWSER_TAMPER_STATE);
  g_autoptr(LkTokenResponse) response = run_browser (f, b, 0, &error);

  g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_STATE_MISMATCH);
  g_assert_null (response);
  wait_for_browser_thread (b);
  g_assert_cmpuint (b->final_status, ==, 400);
  /* The code was never redeemed. */
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "POST", "oauth2/v2.0/token"), ==, 0);
  fake_browser_free (b);
}

static void
test_browser_stray_request (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  FakeBrowser *b = fake_browser_new (BROWSER_STRAY_FIRST);
  g_autoptr(LkTokenResponse) response = run_browser (f, b, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (response);
  wait_for_browser_thread (b);
  g_assert_cmpuint (b->stray_404, ==, 1);
  g_assert_cmpuint (b->stray_400, ==, 1);
  g_assert_cmpuint (b->final_status, ==, 200);
  fake_browser_free (b);
}

/* The authorize endpoint refuses with @graph_code: returns the error, and the page the
 * browser got in @page. */
static GError *
refused_in_browser (Fixture *f, const char *graph_code, char **page)
{
  GError *error = NULL;
  FakeBrowser *b = fake_browser_new (BROWSER_NORMAL);
  LkFault fault = { .kind = LK_FAULT_OAUTH_ERROR, .path_contains = "authorize", .graph_code = graph_code };
  g_autoptr(LkTokenResponse) response = NULL;

  lk_sandbox_add_fault (f->sandbox, &fault);
  response = run_browser (f, b, 0, &error);
  g_assert_null (response);
  g_assert_nonnull (error);
  wait_for_browser_thread (b);
  g_assert_cmpuint (b->final_status, ==, 200);
  *page = g_steal_pointer (&b->final_body);
  fake_browser_free (b);
  return error;
}

static void
test_browser_access_denied (Fixture *f, gconstpointer data)
{
  g_autofree char *page = NULL;
  g_autoptr(GError) error = refused_in_browser (f, "access_denied", &page);

  g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (page, "<h1>Latchkey could not sign you in</h1>"));
}

/* A refusal the admin must act on: the browser gets a page saying what happened (never an
 * empty response), and the error keeps Entra's code with the advice. */
static void
test_browser_error_page (Fixture *f, gconstpointer data)
{
  g_autofree char *page = NULL;
  g_autoptr(GError) error = refused_in_browser (f, "AADSTS53003", &page);

  g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "Conditional Access"));
  g_assert_nonnull (strstr (error->message, "\nAADSTS53003: Access has been blocked by Conditional Access policies."));
  g_assert_null (strstr (error->message, "Trace ID"));
  g_assert_nonnull (strstr (page, "<h1>Latchkey could not sign you in</h1>"));
  g_assert_nonnull (strstr (page, "AADSTS53003"));
  g_assert_nonnull (strstr (page, "A Conditional Access policy blocked this sign-in."));
}

static void
test_browser_success_page (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  FakeBrowser *b = fake_browser_new (BROWSER_NORMAL);
  g_autoptr(LkTokenResponse) response = run_browser (f, b, 0, &error);

  g_assert_no_error (error);
  wait_for_browser_thread (b);
  g_assert_cmpuint (b->final_status, ==, 200);
  g_assert_nonnull (strstr (b->final_body, "<h1>Signed in to Latchkey</h1>"));
  fake_browser_free (b);
}

/* Each error an admin meets first, as the sandbox answers it the way Entra documents it:
 * the message says what to do, then keeps Entra's code and first sentence (no trace ids). */
static void
test_aadsts_advice (Fixture *f, gconstpointer data)
{
  static const struct { const char *code; int error; const char *advice; } rows[] = {
    { "AADSTS50011", LK_AUTH_ERROR_OAUTH, "add http://localhost" },
    { "AADSTS700016", LK_AUTH_ERROR_OAUTH, "No app with this application (client) ID" },
    { "AADSTS65001", LK_AUTH_ERROR_INVALID_GRANT, "grant admin consent" },
    { "AADSTS7000218", LK_AUTH_ERROR_OAUTH, "Allow public client flows" },
    { "AADSTS50076", LK_AUTH_ERROR_INVALID_GRANT, "multi-factor authentication" },
    { "AADSTS50079", LK_AUTH_ERROR_INVALID_GRANT, "register for multi-factor" },
    { "AADSTS53003", LK_AUTH_ERROR_ACCESS_DENIED, "Conditional Access policy" },
    { "AADSTS50020", LK_AUTH_ERROR_OAUTH, "belongs to another tenant" },
    { "AADSTS90072", LK_AUTH_ERROR_INVALID_GRANT, "belongs to another tenant" },
    { "AADSTS50126", LK_AUTH_ERROR_INVALID_GRANT, "user name or password" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      LkFault fault = { .kind = LK_FAULT_OAUTH_ERROR, .path_contains = "oauth2/v2.0/token",
                        .graph_code = rows[i].code };
      const char *params[] = { "grant_type", "refresh_token", "refresh_token", "x",
                               "client_id", lk_sandbox_get_client_id (f->sandbox), NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(LkTokenResponse) response = NULL;
      g_autofree char *clue = g_strdup_printf ("\n%s: ", rows[i].code);
      AsyncWait w = { 0 };

      lk_sandbox_clear_faults (f->sandbox);
      lk_sandbox_add_fault (f->sandbox, &fault);
      lk_oidc_token_request_async (f->session, f->oidc->token_endpoint, params, NULL, async_wait_cb, &w);
      response = lk_oidc_token_request_finish (async_wait (&w), &error);
      g_object_unref (w.result);
      g_assert_null (response);
      g_assert_error (error, LK_AUTH_ERROR, rows[i].error);
      g_assert_nonnull (strstr (error->message, rows[i].advice));
      g_assert_nonnull (strstr (error->message, clue));
      g_assert_null (strstr (error->message, "Trace ID"));
      g_assert_cmpuint (lk_auth_error_parse_aadsts (strstr (error->message, clue) + 1), ==,
                        g_ascii_strtoull (rows[i].code + 6, NULL, 10));
    }
}

static gboolean
browser_missing (const char *uri, gpointer user_data, GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "no browser here");
  return FALSE;
}

typedef struct
{
  FakeBrowser *browser;       /* plays the admin who opens the printed address */
  char        *browser_error;
  guint        still_waiting;
  guint        seconds_left;
} Waiting;

static void
waiting_cb (LkBrowserFlow *flow, const char *uri, const char *browser_error, gpointer data)
{
  Waiting *w = data;

  g_assert_true (g_str_has_prefix (uri, f_authorize_prefix));
  w->browser_error = g_strdup (browser_error);
  if (w->browser != NULL)
    fake_browser_open (uri, w->browser, NULL);
}

static void
still_waiting_cb (LkBrowserFlow *flow, guint seconds_left, gpointer data)
{
  Waiting *w = data;

  w->still_waiting++;
  w->seconds_left = seconds_left;
}

static LkTokenResponse *
run_browser_waiting (Fixture *f, Waiting *w, gboolean keep_waiting, guint patience_ms,
                     guint timeout_ms, GError **error)
{
  LkBrowserFlow *flow = lk_browser_flow_new (f->session, f->oidc, lk_sandbox_get_client_id (f->sandbox),
                                             f->scopes);

  f_authorize_prefix = f->oidc->authorization_endpoint;
  lk_browser_flow_set_open_uri_func (flow, w->browser != NULL ? browser_missing : browser_never_returns,
                                     NULL, NULL);
  lk_browser_flow_set_keep_waiting (flow, keep_waiting);
  lk_browser_flow_set_patience_ms (flow, patience_ms);
  lk_browser_flow_set_timeout_ms (flow, timeout_ms);
  g_signal_connect (flow, "waiting", G_CALLBACK (waiting_cb), w);
  g_signal_connect (flow, "still-waiting", G_CALLBACK (still_waiting_cb), w);
  return run_flow (flow, error);
}

/* No browser could be opened: said at once with the address, and the wait goes on, so the
 * address opened by hand signs in. */
static void
test_browser_missing_keeps_waiting (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  Waiting w = { .browser = fake_browser_new (BROWSER_NORMAL) };
  g_autoptr(LkTokenResponse) response = run_browser_waiting (f, &w, TRUE, 0, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_cmpstr (w.browser_error, ==, "no browser here");
  wait_for_browser_thread (w.browser);
  fake_browser_free (w.browser);
  g_free (w.browser_error);
}

/* A browser that never comes back: one "still waiting" with the time left, then a timeout
 * that names the usual causes. */
static void
test_browser_still_waiting (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  Waiting w = { 0 };
  g_autoptr(LkTokenResponse) response = run_browser_waiting (f, &w, FALSE, 100, 2500, &error);

  g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_TIMEOUT);
  g_assert_null (w.browser_error);
  g_assert_cmpuint (w.still_waiting, ==, 1);
  g_assert_cmpuint (w.seconds_left, >=, 2);
  g_assert_cmpuint (w.seconds_left, <=, 3);
  g_assert_nonnull (strstr (error->message, "http://localhost (AADSTS50011)"));
  g_assert_nonnull (strstr (error->message, "(AADSTS700016)"));
}

static const char *readme_path;

/* The redirect URI the README's registration step tells admins to add: the first `…` after
 * "redirect URI" in the "Connecting to your tenant" section. */
static char *
readme_redirect_uri (void)
{
  g_autofree char *readme = NULL;
  g_autoptr(GError) error = NULL;
  const char *section;
  const char *mention;
  const char *start;

  g_assert_true (g_file_get_contents (readme_path, &readme, NULL, &error));
  g_assert_no_error (error);
  section = strstr (readme, "## Connecting to your tenant");
  g_assert_nonnull (section);
  mention = strstr (section, "Mobile and desktop applications**, add the redirect URI");
  g_assert_nonnull (mention);
  start = strchr (mention, '`');
  g_assert_nonnull (start);
  return g_strndup (start + 1, strcspn (start + 1, "`"));
}

/* What the README registers and what the flow sends agree as Entra compares them: scheme and
 * host as written, path "/" (none registered), any port. The sandbox registers the README's
 * URI, so the sign-in going through proves it too. */
static void
test_redirect_matches_readme (Fixture *f, gconstpointer data)
{
  g_autofree char *registered = readme_redirect_uri ();
  g_autoptr(GUri) reg = g_uri_parse (registered, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) sent = NULL;
  g_autoptr(GError) error = NULL;
  FakeBrowser *b = fake_browser_new (BROWSER_NORMAL);
  g_autoptr(LkTokenResponse) response = NULL;

  g_assert_nonnull (reg);
  g_assert_cmpstr (g_uri_get_scheme (reg), ==, "http");
  g_assert_cmpint (g_uri_get_port (reg), ==, -1);
  g_assert_true (*g_uri_get_path (reg) == '\0' || g_str_equal (g_uri_get_path (reg), "/"));

  lk_sandbox_set_redirect_uris (f->sandbox, (const char *[]) { registered, NULL });
  response = run_browser (f, b, 0, &error);
  g_assert_no_error (error);
  wait_for_browser_thread (b);
  sent = g_uri_parse (b->base, G_URI_FLAGS_NONE, NULL);
  g_assert_nonnull (sent);
  g_assert_cmpstr (g_uri_get_scheme (sent), ==, g_uri_get_scheme (reg));
  g_assert_cmpstr (g_uri_get_host (sent), ==, g_uri_get_host (reg));
  g_assert_cmpstr (g_uri_get_path (sent), ==, "/");
  g_assert_cmpint (g_uri_get_port (sent), >, 0);
  fake_browser_free (b);
}

/* Entra compares the host as written: a registration of http://localhost does not cover
 * 127.0.0.1. The sandbox says so with AADSTS50011 naming the URI, on its own page. */
static void
test_redirect_host_as_written (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  FakeBrowser *b = fake_browser_new (BROWSER_NORMAL);
  g_autoptr(LkTokenResponse) response = NULL;

  lk_sandbox_set_redirect_uris (f->sandbox, (const char *[]) { "http://127.0.0.1", NULL });
  response = run_browser (f, b, 600, &error);
  g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_TIMEOUT);
  wait_for_browser_thread (b);
  g_assert_cmpuint (b->final_status, ==, 1);   /* no redirect: Entra's own error page */
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "POST", "oauth2/v2.0/token"), ==, 0);
  fake_browser_free (b);
}

typedef struct
{
  char    *base;        /* http://HOST:PORT/ */
  guint    status;
  gboolean done;
} Knock;

static gpointer
knock_thread (gpointer data)
{
  Knock *k = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = g_strconcat (k->base, "favicon.ico", NULL);

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", 10, NULL);
  msg = soup_message_new ("GET", url);
  body = soup_session_send_and_read (session, msg, NULL, NULL);
  k->status = body != NULL ? soup_message_get_status (msg) : 0;
  g_main_context_pop_thread_default (context);
  g_atomic_int_set (&k->done, TRUE);
  return NULL;
}

static guint
knock (const char *host, guint port)
{
  Knock k = { .base = g_strdup_printf ("http://%s:%u/", host, port) };
  GThread *thread = g_thread_new ("knock", knock_thread, &k);

  while (!g_atomic_int_get (&k.done))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_thread_join (thread);
  g_free (k.base);
  return k.status;
}

static gboolean
has_ipv6_loopback (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);

  return socket != NULL && g_socket_bind (socket, address, FALSE, NULL);
}

/* The name the redirect URI says may resolve to either loopback address: the listener
 * answers on both, with the one port the redirect URI names. */
static void
test_redirect_both_loopbacks (Fixture *f, gconstpointer data)
{
  g_autoptr(LkBrowserFlow) flow = lk_browser_flow_new (f->session, f->oidc, lk_sandbox_get_client_id (f->sandbox),
                                                       f->scopes);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GUri) redirect = NULL;
  FlowResult r = { 0 };

  lk_browser_flow_set_open_uri_func (flow, browser_never_returns, NULL, NULL);
  lk_browser_flow_run_async (flow, cancellable, flow_finished_cb, &r);
  redirect = g_uri_parse (lk_browser_flow_get_redirect_uri (flow), G_URI_FLAGS_NONE, NULL);
  g_assert_cmpstr (g_uri_get_host (redirect), ==, "localhost");
  /* A stray request is answered 404 and the wait goes on. */
  g_assert_cmpuint (knock ("127.0.0.1", g_uri_get_port (redirect)), ==, 404);
  if (has_ipv6_loopback ())
    g_assert_cmpuint (knock ("[::1]", g_uri_get_port (redirect)), ==, 404);
  else
    g_test_message ("No IPv6 loopback here: only 127.0.0.1 checked");
  g_assert_false (r.done);
  g_cancellable_cancel (cancellable);
  run_until (&r.done);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
}

static void
test_browser_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkTokenResponse) response = run_browser (f, NULL, 300, &error);

  g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_TIMEOUT);
  g_assert_null (response);
}

/* ---- device code ---- */

typedef struct
{
  Fixture *f;
  char    *user_code;
  gboolean decline;
  gboolean approve;
} DeviceCodeTest;

static gboolean
approve_later_cb (gpointer data)
{
  DeviceCodeTest *t = data;

  if (t->decline)
    g_assert_true (lk_sandbox_decline_device_code (t->f->sandbox, t->user_code));
  else
    g_assert_true (lk_sandbox_approve_device_code (t->f->sandbox, t->user_code));
  return G_SOURCE_REMOVE;
}

static void
code_received_cb (LkDeviceCodeFlow *flow,
                  const char       *user_code,
                  const char       *verification_uri,
                  const char       *message,
                  gpointer          data)
{
  DeviceCodeTest *t = data;

  g_assert_nonnull (user_code);
  g_assert_true (g_str_has_prefix (verification_uri, "http://127.0.0.1:"));
  t->user_code = g_strdup (user_code);
  if (t->approve || t->decline)
    g_timeout_add (700, approve_later_cb, t);   /* let it poll "pending" a few times */
}

static LkTokenResponse *
run_device_code (Fixture *f, DeviceCodeTest *t, guint slow_down_ms, guint *interval_ms, GError **error)
{
  g_autoptr(LkDeviceCodeFlow) flow = lk_device_code_flow_new (f->session, f->oidc,
                                                              lk_sandbox_get_client_id (f->sandbox),
                                                              f->scopes);
  AsyncWait w = { 0 };
  LkTokenResponse *response;

  t->f = f;
  lk_device_code_flow_set_slow_down_increment_ms (flow, slow_down_ms);
  g_signal_connect (flow, "code-received", G_CALLBACK (code_received_cb), t);
  lk_device_code_flow_run_async (flow, NULL, async_wait_cb, &w);
  response = lk_device_code_flow_run_finish (flow, async_wait (&w), error);
  if (interval_ms != NULL)
    *interval_ms = lk_device_code_flow_get_interval_ms (flow);
  g_object_unref (w.result);
  return response;
}

static void
test_device_code_pending_then_approved (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  DeviceCodeTest t = { .approve = TRUE };
  g_autoptr(LkTokenResponse) response = NULL;

  lk_sandbox_set_auto_approve (f->sandbox, FALSE);
  lk_sandbox_set_device_code_timing (f->sandbox, 0, 60);
  response = run_device_code (f, &t, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_nonnull (response->refresh_token);
  /* At least one "pending" answer before the approval. */
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "POST", "oauth2/v2.0/token"), >=, 2);
  g_free (t.user_code);
}

static void
test_device_code_slow_down (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  DeviceCodeTest t = { 0 };
  LkFault fault = { .kind = LK_FAULT_OAUTH_ERROR, .method = "POST",
                    .path_contains = "oauth2/v2.0/token", .times = 2, .graph_code = "slow_down" };
  g_autoptr(LkTokenResponse) response = NULL;
  guint interval = 0;

  lk_sandbox_set_device_code_timing (f->sandbox, 0, 60);
  lk_sandbox_add_fault (f->sandbox, &fault);
  response = run_device_code (f, &t, 150, &interval, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  /* 200 ms floor for a zero interval, plus two slow_downs of 150 ms. */
  g_assert_cmpuint (interval, ==, 200 + 2 * 150);
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "POST", "oauth2/v2.0/token"), ==, 3);
  g_free (t.user_code);
}

static void
test_device_code_expired (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  DeviceCodeTest t = { 0 };
  g_autoptr(LkTokenResponse) response = NULL;

  lk_sandbox_set_auto_approve (f->sandbox, FALSE);
  lk_sandbox_set_device_code_timing (f->sandbox, 0, 1);
  response = run_device_code (f, &t, 100, NULL, &error);
  g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_EXPIRED);
  g_assert_null (response);
  g_free (t.user_code);
}

static void
test_device_code_declined (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  DeviceCodeTest t = { .decline = TRUE };
  g_autoptr(LkTokenResponse) response = NULL;

  lk_sandbox_set_auto_approve (f->sandbox, FALSE);
  lk_sandbox_set_device_code_timing (f->sandbox, 0, 60);
  response = run_device_code (f, &t, 100, NULL, &error);
  g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_DECLINED);
  g_assert_null (response);
  g_free (t.user_code);
}

/* ---- pure helpers ---- */

static void
test_cloud_scopes (void)
{
  g_autofree char *gcc = lk_cloud_build_scopes (lk_cloud_get_graph_url (LK_CLOUD_US_GOV_GCC_HIGH));
  g_autofree char *local = lk_cloud_build_scopes ("http://127.0.0.1:8080/graph");
  LkCloud cloud = LK_CLOUD_GLOBAL;

  g_assert_cmpstr (gcc, ==, "https://graph.microsoft.us/DeviceManagementManagedDevices.Read.All "
                   "https://graph.microsoft.us/DeviceManagementManagedDevices.PrivilegedOperations.All "
                   "offline_access openid profile");
  g_assert_true (g_str_has_prefix (local, "http://127.0.0.1:8080/DeviceManagementManagedDevices.Read.All "));
  g_assert_cmpstr (lk_cloud_get_graph_url (LK_CLOUD_US_GOV_DOD), ==, "https://dod-graph.microsoft.us");
  g_assert_cmpstr (lk_cloud_get_authority (LK_CLOUD_CHINA), ==, "https://login.partner.microsoftonline.cn");
  g_assert_true (lk_cloud_from_nick ("us-gov-gcc-high", &cloud));
  g_assert_cmpint (cloud, ==, LK_CLOUD_US_GOV_GCC_HIGH);
  g_assert_false (lk_cloud_from_nick ("mars", &cloud));
  g_assert_cmpstr (lk_cloud_to_nick (LK_CLOUD_CUSTOM), ==, "custom");
  g_assert_true (lk_scopes_contain (gcc, LK_SCOPE_PRIVILEGED));
  g_assert_false (lk_scopes_contain ("openid profile", LK_SCOPE_PRIVILEGED));
}

static void
test_url_policy (void)
{
  g_assert_true (lk_oidc_url_is_acceptable ("https://login.microsoftonline.com/x"));
  g_assert_true (lk_oidc_url_is_acceptable ("http://127.0.0.1:1234/login"));
  g_assert_false (lk_oidc_url_is_acceptable ("http://login.microsoftonline.com/x"));
  g_assert_false (lk_oidc_url_is_acceptable ("ftp://127.0.0.1/"));
  g_assert_false (lk_oidc_url_is_acceptable (NULL));
}

static void
test_random_token (void)
{
  g_autofree char *a = lk_random_token (32, NULL);
  g_autofree char *b = lk_random_token (32, NULL);

  g_assert_cmpuint (strlen (a), ==, 43);
  g_assert_cmpstr (a, !=, b);
  g_assert_null (strpbrk (a, "+/="));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, >=, 2);
  readme_path = argv[1];

  g_test_add_func ("/identity/cloud-scopes", test_cloud_scopes);
  g_test_add_func ("/identity/url-policy", test_url_policy);
  g_test_add_func ("/identity/random-token", test_random_token);
#define ADD(path, func) g_test_add ("/identity/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("browser/full", test_browser_flow);
  ADD ("browser/state-mismatch", test_browser_state_mismatch);
  ADD ("browser/stray-request", test_browser_stray_request);
  ADD ("browser/access-denied", test_browser_access_denied);
  ADD ("browser/error-page", test_browser_error_page);
  ADD ("aadsts-advice", test_aadsts_advice);
  ADD ("redirect/matches-readme", test_redirect_matches_readme);
  ADD ("redirect/host-as-written", test_redirect_host_as_written);
  ADD ("redirect/both-loopbacks", test_redirect_both_loopbacks);
  ADD ("browser/missing-keeps-waiting", test_browser_missing_keeps_waiting);
  ADD ("browser/still-waiting", test_browser_still_waiting);
  ADD ("browser/success-page", test_browser_success_page);
  ADD ("browser/timeout", test_browser_timeout);
  ADD ("device-code/pending-approved", test_device_code_pending_then_approved);
  ADD ("device-code/slow-down", test_device_code_slow_down);
  ADD ("device-code/expired", test_device_code_expired);
  ADD ("device-code/declined", test_device_code_declined);
#undef ADD
  return g_test_run ();
}
