/* test-sandbox-actions.c: the sandbox's device actions (their progression and outcomes) and its
 * fault injection, over real HTTP.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sandbox-fixture.h"

/* ---- actions ---- */

static JsonObject *
action_result (Fixture *f, const char *id, JsonNode **keep)
{
  g_autofree char *url = g_strdup_printf ("%s/graph/beta/deviceManagement/managedDevices/%s?$select=deviceActionResults",
                                          f->base, id);
  JsonObject *obj;
  JsonArray *results;

  /* callers reuse @keep for several reads: drop the previous answer first */
  g_clear_pointer (keep, json_node_unref);
  *keep = get_json (f, url, 200);
  obj = json_node_get_object (*keep);
  g_assert_cmpstr (json_object_get_string_member (obj, "id"), ==, id);
  results = json_object_get_array_member (obj, "deviceActionResults");
  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  return json_array_get_object_element (results, 0);
}

static const char *
wait_for_state (Fixture *f, const char *id, const char *state, char **out_passcode)
{
  gint64 deadline = lk_test_deadline ();

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(JsonNode) keep = NULL;
      JsonObject *result = action_result (f, id, &keep);
      const char *now = json_object_get_string_member (result, "actionState");

      g_assert_cmpstr (json_object_get_string_member (result, "@odata.type"), ==,
                       "#microsoft.graph.resetPasscodeActionResult");
      if (g_str_equal (now, state))
        {
          if (out_passcode != NULL)
            *out_passcode = g_strdup (json_object_get_string_member_with_default (result, "passcode", NULL));
          return g_intern_string (now);
        }
      g_usleep (50 * 1000);
    }
  g_assert_not_reached ();
}

static void
post_action (Fixture *f, const char *id, const char *action)
{
  g_autofree char *url = g_strdup_printf ("%s/graph/beta/deviceManagement/managedDevices/%s/%s", f->base, id, action);
  g_autoptr(GBytes) body = send_ok (f, "POST", url, f->token, NULL, 204, NULL);

  g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
}

static void
test_actions (Fixture *f, gconstpointer data)
{
  const char *dedicated = id_of_device (f, DEDICATED_ID);
  const char *iphone = id_of_device (f, "iPhone di Giulia");
  const char *windows = id_of_device (f, "DESKTOP-7QK2L9M");
  g_autofree char *passcode = NULL;
  g_autofree char *no_passcode = NULL;
  g_autofree char *missing = g_strdup_printf ("%s/graph/beta/deviceManagement/managedDevices/nope/resetPasscode", f->base);
  g_autoptr(GBytes) not_found = send_ok (f, "POST", missing, f->token, NULL, 404, NULL);
  g_autoptr(JsonNode) keep = NULL;

  lk_sandbox_set_action_timing (f->sandbox, 400, 400);
  post_action (f, dedicated, "resetPasscode");
  post_action (f, iphone, "resetPasscode");
  post_action (f, windows, "resetPasscode");

  g_assert_cmpstr (json_object_get_string_member (action_result (f, dedicated, &keep), "actionState"), ==, "pending");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (action_result (f, dedicated, &keep), "passcode")));
  wait_for_state (f, dedicated, "active", NULL);
  wait_for_state (f, dedicated, "done", &passcode);
  g_assert_nonnull (passcode);
  g_assert_cmpuint (strlen (passcode), ==, 6);
  for (guint i = 0; i < 6; i++)
    g_assert_true (g_ascii_isdigit (passcode[i]));

  wait_for_state (f, iphone, "done", &no_passcode);
  g_assert_null (no_passcode);
  wait_for_state (f, windows, "notSupported", NULL);

  /* syncDevice moves a pending action straight to active */
  lk_sandbox_set_action_timing (f->sandbox, 60000, 60000);
  post_action (f, dedicated, "resetPasscode");
  g_assert_cmpstr (json_object_get_string_member (action_result (f, dedicated, &keep), "actionState"), ==, "pending");
  post_action (f, dedicated, "syncDevice");
  g_assert_cmpstr (json_object_get_string_member (action_result (f, dedicated, &keep), "actionState"), ==, "active");
}

static void
test_action_outcomes (Fixture *f, gconstpointer data)
{
  static const struct { const char *name; const char *state; gboolean passcode; } cases[] = {
    { "Vision Pro di Alessandro", "done", FALSE },
    { "VISIONPRO-LAB-02", "notSupported", FALSE },
    { "Sarah's iPhone", "notSupported", FALSE },
    { "James's iPhone", "notSupported", FALSE },
    { "iPad-MAGAZZINO-01", "done", FALSE },
    { "REALWEAR-HMT1-07", "done", TRUE },
    { "GALAXY-A54-AESPOSITO", "done", TRUE },
    { "Nokia 7 Plus di Martina", "done", TRUE },
    { "Galaxy S7 di Federico", "notSupported", FALSE },
    { "GALAXY-S5-ELENA", "done", TRUE },
    { "MOTO-G8-ANDREA", "notSupported", FALSE },
    { "MacBook Pro di Lorenzo", "notSupported", FALSE },
    { "ubuntu-mrossi", "notSupported", FALSE },
  };

  lk_sandbox_set_action_timing (f->sandbox, 0, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *id = id_of_device (f, cases[i].name);
      g_autofree char *passcode = NULL;

      post_action (f, id, "resetPasscode");
      wait_for_state (f, id, cases[i].state, &passcode);
      g_assert_cmpint (passcode != NULL, ==, cases[i].passcode);
    }
}

/* ---- faults ---- */

static void
test_fault_status_and_skip (Fixture *f, gconstpointer data)
{
  LkFault fault = { .kind = LK_FAULT_STATUS, .method = "GET", .path_contains = "/managedDevices",
                    .status = 429, .retry_after = "2", .skip = 1, .times = 2 };
  g_autofree char *url = list_url (f, "beta", "$top", "1", NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) first = NULL, second = NULL, third = NULL, fourth = NULL;

  lk_sandbox_add_fault (f->sandbox, &fault);
  first = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  second = send_ok (f, "GET", url, f->token, NULL, 429, &msg);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After"), ==, "2");
  g_assert_cmpstr (error_code (second), ==, "TooManyRequests");
  third = send_ok (f, "GET", url, f->token, NULL, 429, NULL);
  fourth = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  lk_sandbox_clear_faults (f->sandbox);
}

static void
test_fault_delay_and_latency (Fixture *f, gconstpointer data)
{
  LkFault fault = { .kind = LK_FAULT_DELAY, .path_contains = "/managedDevices", .delay_ms = 400 };
  g_autofree char *url = list_url (f, "beta", "$top", "1", NULL);
  gint64 start;
  g_autoptr(GBytes) a = NULL, b = NULL, c = NULL;

  /* Lower bounds only: that a delay happened can be timed, that one did not cannot (a busy
   * machine makes any request slow). That a fault stops after its `times` is shown by the
   * status faults above, whose answers tell which requests they hit. */
  lk_sandbox_add_fault (f->sandbox, &fault);
  start = g_get_monotonic_time ();
  a = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 400 * 1000);
  b = send_ok (f, "GET", url, f->token, NULL, 200, NULL);

  lk_sandbox_set_latency (f->sandbox, 100, 150);
  start = g_get_monotonic_time ();
  c = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 100 * 1000);
  g_assert_cmpuint (lk_sandbox_count_aborted (f->sandbox), ==, 0);
}

static void
test_fault_body_shapes (Fixture *f, gconstpointer data)
{
  LkFault truncate = { .kind = LK_FAULT_TRUNCATE, .path_contains = "/managedDevices" };
  LkFault malformed = { .kind = LK_FAULT_MALFORMED, .path_contains = "/managedDevices" };
  LkFault wrong = { .kind = LK_FAULT_WRONG_TYPES, .path_contains = "/managedDevices" };
  LkFault huge = { .kind = LK_FAULT_HUGE_BODY, .path_contains = "/managedDevices", .size = 4 * 1024 * 1024 };
  LkFault foreign = { .kind = LK_FAULT_FOREIGN_NEXT_LINK, .path_contains = "/managedDevices" };
  g_autofree char *url = list_url (f, "beta", NULL);
  g_autoptr(GBytes) whole = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) half = NULL, bad = NULL, types = NULL, big = NULL, evil = NULL;
  g_autoptr(JsonNode) types_root = NULL, big_root = NULL, evil_root = NULL;
  JsonObject *dev;

  lk_sandbox_add_fault (f->sandbox, &truncate);
  half = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_cmpuint (g_bytes_get_size (half), ==, g_bytes_get_size (whole) / 2);
  g_assert_false (json_parser_load_from_data (parser, g_bytes_get_data (half, NULL), g_bytes_get_size (half), NULL));

  lk_sandbox_add_fault (f->sandbox, &malformed);
  bad = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_false (json_parser_load_from_data (parser, g_bytes_get_data (bad, NULL), g_bytes_get_size (bad), NULL));

  lk_sandbox_add_fault (f->sandbox, &wrong);
  types = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  types_root = parse (types);
  dev = json_array_get_object_element (value_of (types_root), 0);
  g_assert_cmpstr (json_object_get_string_member (dev, "isSupervised"), ==, "yes");
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (dev, "osVersion")), ==, G_TYPE_INT64);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (dev, "deviceName")));
  g_assert_true (JSON_NODE_HOLDS_VALUE (json_object_get_member (dev, "id")));
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (dev, "id")), ==, G_TYPE_STRING);

  lk_sandbox_add_fault (f->sandbox, &huge);
  big = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_cmpuint (g_bytes_get_size (big), >=, huge.size - 16);
  g_assert_cmpuint (g_bytes_get_size (big), <=, huge.size + 16);
  big_root = parse (big);
  g_assert_cmpuint (json_array_get_length (value_of (big_root)), ==, 1);

  lk_sandbox_add_fault (f->sandbox, &foreign);
  evil = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  evil_root = parse (evil);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_node_get_object (evil_root), "@odata.nextLink"),
                                   "https://evil.example.com/"));
}

static void
test_fault_drop (Fixture *f, gconstpointer data)
{
  LkFault fault = { .kind = LK_FAULT_DROP, .path_contains = "/managedDevices" };
  g_autofree char *url = list_url (f, "beta", "$top", "1", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) next = NULL;

  lk_sandbox_add_fault (f->sandbox, &fault);
  body = send_full (f, "GET", url, f->token, NULL, NULL, &error);
  g_assert_null (body);
  g_assert_nonnull (error);
  /* the next request is answered again */
  next = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_cmpuint (lk_sandbox_count_aborted (f->sandbox), ==, 0);
}

static void
test_fault_auth (Fixture *f, gconstpointer data)
{
  LkFault expire = { .kind = LK_FAULT_EXPIRE_TOKEN, .path_contains = "/managedDevices" };
  LkFault forbidden = { .kind = LK_FAULT_FORBIDDEN, .path_contains = "/managedDevices", .graph_code = "insufficient_claims" };
  g_autofree char *url = list_url (f, "beta", "$top", "1", NULL);
  g_autofree char *other = lk_sandbox_mint_access_token (f->sandbox, SCOPES_ALL, 600);
  g_autoptr(GBytes) a = NULL, b = NULL, c = NULL, d = NULL, e = NULL;

  lk_sandbox_add_fault (f->sandbox, &forbidden);
  a = send_ok (f, "GET", url, f->token, NULL, 403, NULL);
  g_assert_cmpstr (error_code (a), ==, "insufficient_claims");
  lk_sandbox_clear_faults (f->sandbox);

  lk_sandbox_add_fault (f->sandbox, &expire);
  b = send_ok (f, "GET", url, f->token, NULL, 401, NULL);
  g_assert_cmpstr (error_code (b), ==, "InvalidAuthenticationToken");
  /* the token stays invalid; another one still works */
  c = send_ok (f, "GET", url, f->token, NULL, 401, NULL);
  d = send_ok (f, "GET", url, other, NULL, 200, NULL);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_count_aborted (Fixture *f, gconstpointer data)
{
  /* Held back an hour, longer than any run of this test: an abort counted can only be the
   * server noticing the cancellation while it waited, never the delay ending. */
  LkFault fault = { .kind = LK_FAULT_DELAY, .path_contains = "/managedDevices", .delay_ms = 3600 * 1000 };
  g_autofree char *url = list_url (f, "beta", "$top", "1", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *auth = g_strdup_printf ("Bearer %s", f->token);
  AsyncResult r = { 0 };
  gint64 deadline = lk_test_deadline ();

  lk_sandbox_add_fault (f->sandbox, &fault);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, cancellable, send_done_cb, &r);
  g_timeout_add (300, cancel_cb, cancellable);
  while (!r.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_true (r.done);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);

  /* long before the delay ends, the server knows the client went away */
  while (lk_sandbox_count_aborted (f->sandbox) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_cmpuint (lk_sandbox_count_aborted (f->sandbox), ==, 1);
  lk_sandbox_reset_log (f->sandbox);
  g_assert_cmpuint (lk_sandbox_count_aborted (f->sandbox), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/sandbox/actions/progression", test_actions);
  ADD ("/sandbox/actions/outcomes", test_action_outcomes);
  ADD ("/sandbox/faults/status-and-skip", test_fault_status_and_skip);
  ADD ("/sandbox/faults/delay-and-latency", test_fault_delay_and_latency);
  ADD ("/sandbox/faults/body-shapes", test_fault_body_shapes);
  ADD ("/sandbox/faults/drop", test_fault_drop);
  ADD ("/sandbox/faults/auth", test_fault_auth);
  ADD ("/sandbox/faults/count-aborted", test_count_aborted);

  return g_test_run ();
}
