/* test-graph-client-faults.c: the Graph send path against the sandbox's faults — Retry-After,
 * backoff, server errors, drops, bad bodies, expired tokens, foreign links, the body cap, 403s.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "graph-client-fixture.h"
#include "lk-request-policy.h"

/* --- faults ---------------------------------------------------------------------------------- */

static void
check_retry_after (Fixture    *fixture,
                   const char *retry_after,
                   double      min_wait)
{
  g_autofree char *id = first_device_id (fixture);
  LkFault fault = { .kind = LK_FAULT_STATUS, .method = "GET", .path_contains = id,
                    .status = 429, .retry_after = retry_after };
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) device = NULL;
  gint64 start = g_get_monotonic_time ();

  fixture->n_throttled = 0;
  lk_sandbox_add_fault (fixture->sandbox, &fault);
  device = get_device (fixture, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (lk_device_get_id (device), ==, id);
  g_assert_cmpuint (fixture->n_throttled, ==, 1);
  g_assert_cmpfloat (fixture->last_wait, >=, min_wait - 0.05);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, (gint64) ((min_wait - 0.05) * G_USEC_PER_SEC));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", id), ==, 2);
}

static void
test_retry_after_seconds (Fixture       *fixture,
                          gconstpointer  data)
{
  check_retry_after (fixture, "1", 1.0);
}

static void
test_retry_after_fraction (Fixture       *fixture,
                           gconstpointer  data)
{
  check_retry_after (fixture, "0.3", 0.3);
}

static void
test_retry_after_date (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 2);
  g_autofree char *date = g_date_time_format (later, "%a, %d %b %Y %H:%M:%S GMT");

  /* An HTTP date has whole seconds: expect at least one second of it. */
  check_retry_after (fixture, date, 1.0);
}

static void
test_backoff_without_retry_after (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *id = first_device_id (fixture);
  LkFault fault = { .kind = LK_FAULT_STATUS, .method = "GET", .path_contains = id,
                    .status = 503, .times = 2 };
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) device = NULL;

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  device = get_device (fixture, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->n_throttled, ==, 2);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", id), ==, 3);
}

static void
test_throttled_gives_up (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *id = first_device_id (fixture);
  LkFault fault = { .kind = LK_FAULT_STATUS, .method = "GET", .path_contains = id,
                    .status = 429, .retry_after = "0", .times = 100 };
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) device = NULL;

  lk_graph_client_set_max_retries (fixture->client, 2);
  lk_sandbox_add_fault (fixture->sandbox, &fault);
  device = get_device (fixture, id, &error);
  g_assert_null (device);
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_THROTTLED);
  g_assert_cmpuint (lk_graph_error_get_http_status (error), ==, 429);
  g_assert_nonnull (lk_graph_error_get_request_id (error));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", id), ==, 3);
}

static void
test_server_error_ids (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *id = first_device_id (fixture);
  LkFault fault = { .kind = LK_FAULT_STATUS, .method = "GET", .path_contains = id, .status = 500 };
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) device = NULL;
  g_autofree char *sent_id = NULL;
  g_autofree char *ids = NULL;

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  device = get_device (fixture, id, &error);
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_SERVER);
  sent_id = lk_sandbox_get_last_header (fixture->sandbox, id, "client-request-id");
  g_assert_cmpstr (lk_graph_error_get_client_request_id (error), ==, sent_id);
  g_assert_nonnull (lk_graph_error_get_request_id (error));
  ids = lk_graph_error_format_ids (error);
  g_assert_nonnull (strstr (ids, lk_graph_error_get_request_id (error)));
  g_assert_nonnull (strstr (ids, sent_id));
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) device = get_device (fixture, "00000000-0000-0000-0000-000000000000", &error);

  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_NOT_FOUND);
  g_assert_cmpstr (lk_graph_error_get_graph_code (error), ==, "ResourceNotFound");
}

static void
test_drop_get_retried (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *id = first_device_id (fixture);
  LkFault fault = { .kind = LK_FAULT_DROP, .method = "GET", .path_contains = id };
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) device = NULL;

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  device = get_device (fixture, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (device);
}

static void
test_truncated_and_malformed (Fixture       *fixture,
                              gconstpointer  data)
{
  LkFaultKind kinds[] = { LK_FAULT_TRUNCATE, LK_FAULT_MALFORMED };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      LkFault fault = { .kind = kinds[i], .method = "GET", .path_contains = "managedDevices" };
      Pages pages = { 0 };
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) devices = NULL;

      lk_sandbox_clear_faults (fixture->sandbox);
      lk_sandbox_add_fault (fixture->sandbox, &fault);
      devices = list (fixture, "", &pages, &error);
      g_assert_null (devices);
      /* Either the body was cut (unreadable JSON) or the connection reported it. */
      g_assert_true (g_error_matches (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INVALID_RESPONSE)
                     || g_error_matches (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_NETWORK));
      g_assert_cmpuint (pages.n_pages, ==, 0);
    }
}

static void
test_wrong_types (Fixture       *fixture,
                  gconstpointer  data)
{
  LkFault fault = { .kind = LK_FAULT_WRONG_TYPES, .method = "GET", .path_contains = "managedDevices" };
  Pages pages = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  devices = list (fixture, "", &pages, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (devices->len, >, 0);
}

static void
test_expired_token_refreshed (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *id = first_device_id (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) device = NULL;
  guint before = fixture->tokens->n_refreshes;

  lk_sandbox_expire_access_tokens (fixture->sandbox);
  device = get_device (fixture, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->tokens->n_refreshes, ==, before + 1);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", id), ==, 2);
}

static void
test_expired_static_token (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *graph_url = lk_sandbox_get_graph_url (fixture->sandbox);
  g_autofree char *token = lk_sandbox_mint_access_token (fixture->sandbox, ALL_SCOPES, 3600);
  g_autoptr(LkStaticToken) tokens = lk_static_token_new (token);
  g_autoptr(LkGraphClient) client = lk_graph_client_new (graph_url, "v1.0", LK_TOKEN_PROVIDER (tokens));
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;

  lk_sandbox_expire_access_tokens (fixture->sandbox);
  lk_graph_client_list_devices_async (client, query, NULL, NULL, NULL, NULL, store_result_cb, &result);
  devices = lk_graph_client_list_devices_finish (client, wait_for_result (&result), &error);
  g_assert_null (devices);
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_UNAUTHORIZED);
  g_assert_null (strstr (error->message, token));
}

static void
test_foreign_next_link (Fixture       *fixture,
                        gconstpointer  data)
{
  LkFault fault = { .kind = LK_FAULT_FOREIGN_NEXT_LINK, .method = "GET", .path_contains = "managedDevices" };
  Pages pages = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  devices = list (fixture, "", &pages, &error);
  g_assert_null (devices);
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INSECURE);
  g_assert_nonnull (strstr (error->message, "evil.example.com"));
  g_assert_cmpuint (pages.n_pages, ==, 1);
}

/* Links that never repeat, pages that never bring a new device: the listing ends after the
 * first page and eight barren ones, whether it keeps its devices or only streams them, and
 * whether the repeated page's devices match the search or not (the filter ignored: every
 * device, none matching). */
static void
test_endless_next_links (Fixture       *fixture,
                         gconstpointer  data)
{
  LkFault fault = { .kind = LK_FAULT_ENDLESS_NEXT_LINK, .method = "GET", .path_contains = "managedDevices",
                    .times = 1000 };
  LkFault ignore = { .kind = LK_FAULT_IGNORE_FILTER, .method = "GET", .path_contains = "managedDevices",
                     .times = 1000 };

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  for (guint search = 0; search <= 1; search++)
    {
      if (search)
        lk_sandbox_add_fault (fixture->sandbox, &ignore);
      for (guint stream_only = 0; stream_only <= 1; stream_only++)
        {
          Pages pages = { 0 };
          g_autoptr(GError) error = NULL;
          g_autoptr(GPtrArray) devices = NULL;

          lk_graph_client_set_stream_only (fixture->client, stream_only);
          devices = list (fixture, search ? "zzqq-no-such-device" : "", &pages, &error);
          g_assert_null (devices);
          g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INVALID_RESPONSE);
          g_assert_nonnull (strstr (error->message, "8 pages in a row without a new device"));
          g_assert_cmpuint (pages.n_pages, ==, 9);
          /* A search's total is of its matches: none. */
          g_assert_cmpuint (search ? pages.n_devices : pages.last_total, ==, search ? 0 : 9 * 1000);
        }
    }
}

static void
keep_last_page_cb (GPtrArray *devices,
                   guint      total,
                   gint64     expected,
                   gpointer   user_data)
{
  GPtrArray **last = user_data;

  g_clear_pointer (last, g_ptr_array_unref);
  *last = g_ptr_array_copy (devices, (GCopyFunc) g_object_ref, NULL);
  g_ptr_array_set_free_func (*last, g_object_unref);
}

/* Graph silently ignores a filter it does not support and sends every device, page after page
 * (DESIGN.md): a search's pages are then devices the client-side re-check drops. Pages of
 * devices not seen before are no loop, however few of them match: the device on the last of
 * 15 pages is found, and a search that matches nothing says so instead of calling Graph
 * hostile — listing and streaming alike. */
static void
test_ignored_filter_pages_on (Fixture       *fixture,
                              gconstpointer  data)
{
  LkFault fault = { .kind = LK_FAULT_IGNORE_FILTER, .method = "GET", .path_contains = "managedDevices",
                    .times = 10000 };
  g_autoptr(LkDeviceQuery) all = lk_device_query_new ("");
  g_autoptr(GPtrArray) last_page = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) every = NULL;
  LkDevice *wanted;
  const char *imei;

  lk_graph_client_set_page_size (fixture->client, 100);
  lk_graph_client_list_devices_async (fixture->client, all, keep_last_page_cb, &last_page, NULL, NULL,
                                      store_result_cb, &result);
  every = lk_graph_client_list_devices_finish (fixture->client, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (every->len, ==, 1500);
  g_assert_nonnull (last_page);
  g_assert_cmpuint (last_page->len, >, 0);
  wanted = g_ptr_array_index (last_page, last_page->len - 1);
  imei = lk_device_get_imei (wanted);
  g_assert_nonnull (imei);
  g_assert_cmpuint (strlen (imei), >=, 14);

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  for (guint stream_only = 0; stream_only <= 1; stream_only++)
    {
      Pages pages = { 0 };
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GPtrArray) none = NULL;
      guint before = lk_sandbox_count_requests (fixture->sandbox, "GET", "managedDevices");

      lk_graph_client_set_stream_only (fixture->client, stream_only);
      found = list (fixture, imei, &pages, &error);
      g_assert_no_error (error);
      /* Streamed devices go to the page callback only. */
      g_assert_cmpuint (stream_only ? pages.n_devices : found->len, ==, 1);
      if (!stream_only)
        g_assert_cmpstr (lk_device_get_id (g_ptr_array_index (found, 0)), ==, lk_device_get_id (wanted));
      g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "managedDevices") - before, ==, 15);

      memset (&pages, 0, sizeof pages);
      none = list (fixture, "zzqq-no-such-device", &pages, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (stream_only ? pages.n_devices : none->len, ==, 0);
    }
}

static void
test_plain_http_refused (void)
{
  g_autoptr(LkStaticToken) tokens = lk_static_token_new ("secret-token-value");
  g_autoptr(LkGraphClient) client = lk_graph_client_new ("http://graph.example.com", "beta",
                                                         LK_TOKEN_PROVIDER (tokens));
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("ana");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;

  lk_graph_client_list_devices_async (client, query, NULL, NULL, NULL, NULL, store_result_cb, &result);
  devices = lk_graph_client_list_devices_finish (client, wait_for_result (&result), &error);
  g_assert_null (devices);
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INSECURE);
  g_assert_null (strstr (error->message, "secret-token-value"));
}

static void
test_body_cap (Fixture       *fixture,
               gconstpointer  data)
{
  LkFault fault = { .kind = LK_FAULT_HUGE_BODY, .method = "GET", .path_contains = "managedDevices",
                    .size = 4 * 1024 * 1024 };
  Pages pages = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;

  lk_graph_client_set_max_body_size (fixture->client, 1024 * 1024);
  lk_sandbox_add_fault (fixture->sandbox, &fault);
  devices = list (fixture, "", &pages, &error);
  g_assert_null (devices);
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_TOO_LARGE);
}

static void
test_forbidden_reason (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *id = first_device_id (fixture);
  LkFault fault = { .kind = LK_FAULT_FORBIDDEN, .method = "POST", .path_contains = id,
                    .graph_code = "insufficient_claims" };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  lk_graph_client_post_action_async (fixture->client, id, LK_DEVICE_ACTION_RESET_PASSCODE, NULL,
                                     store_result_cb, &result);
  g_assert_false (lk_graph_client_post_action_finish (fixture->client, wait_for_result (&result), &error));
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_FORBIDDEN);
  g_assert_cmpint (lk_graph_error_get_forbidden_reason (error), ==, LK_FORBIDDEN_CONDITIONAL_ACCESS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/graph/plain-http-refused", test_plain_http_refused);
  ADD ("/graph/retry-after/seconds", test_retry_after_seconds, setup_demo, NULL);
  ADD ("/graph/retry-after/fraction", test_retry_after_fraction, setup_demo, NULL);
  ADD ("/graph/retry-after/date", test_retry_after_date, setup_demo, NULL);
  ADD ("/graph/backoff", test_backoff_without_retry_after, setup_demo, NULL);
  ADD ("/graph/throttled-gives-up", test_throttled_gives_up, setup_demo, NULL);
  ADD ("/graph/server-error-ids", test_server_error_ids, setup_demo, NULL);
  ADD ("/graph/not-found", test_not_found, setup_demo, NULL);
  ADD ("/graph/drop-get-retried", test_drop_get_retried, setup_demo, NULL);
  ADD ("/graph/truncated-malformed", test_truncated_and_malformed, setup_demo, NULL);
  ADD ("/graph/wrong-types", test_wrong_types, setup_demo, NULL);
  ADD ("/graph/expired-token-refreshed", test_expired_token_refreshed, setup_demo, NULL);
  ADD ("/graph/expired-static-token", test_expired_static_token, setup_demo, NULL);
  ADD ("/graph/foreign-next-link", test_foreign_next_link, setup_generated, GUINT_TO_POINTER (1500));
  ADD ("/graph/endless-next-links", test_endless_next_links, setup_generated, GUINT_TO_POINTER (1500));
  ADD ("/graph/ignored-filter-pages-on", test_ignored_filter_pages_on, setup_generated, GUINT_TO_POINTER (1500));
  ADD ("/graph/body-cap", test_body_cap, setup_demo, NULL);
  ADD ("/graph/forbidden-reason", test_forbidden_reason, setup_demo, NULL);

  return g_test_run ();
}
