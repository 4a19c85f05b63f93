/* test-action-tracker.c: one passcode action followed to its end, against the sandbox.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "../lk-test-common.h"

#include <string.h>
#include <glib/gstdio.h>

#include "lk-action-tracker.h"
#include "lk-graph-error.h"
#include "lk-sandbox.h"

#define ALL_SCOPES "DeviceManagementManagedDevices.Read.All DeviceManagementManagedDevices.PrivilegedOperations.All"

typedef struct
{
  LkSandbox       *sandbox;
  LkGraphClient   *client;
  LkActionHistory *history;
  char            *dir;
  GPtrArray       *devices;
  GString         *states;     /* every state the tracker went through, space-separated */
  guint            n_finished;
  guint            n_passcode_notify;
} Fixture;

static void
list_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GPtrArray **) user_data = lk_graph_client_list_devices_finish (LK_GRAPH_CLIENT (source), result, NULL);
}

static LkGraphClient *
client_with_scopes (Fixture    *fixture,
                    const char *scopes)
{
  g_autofree char *graph_url = lk_sandbox_get_graph_url (fixture->sandbox);
  g_autofree char *token = lk_sandbox_mint_access_token (fixture->sandbox, scopes, 3600);
  g_autoptr(LkStaticToken) tokens = lk_static_token_new (token);

  return lk_graph_client_new (graph_url, "beta", LK_TOKEN_PROVIDER (tokens));
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("");
  g_autofree char *path = NULL;

  fixture->sandbox = lk_sandbox_new ();
  lk_sandbox_load_demo_tenant (fixture->sandbox);
  lk_sandbox_set_action_timing (fixture->sandbox, 600, 300);
  g_assert_true (lk_sandbox_start (fixture->sandbox, &error));
  fixture->client = client_with_scopes (fixture, ALL_SCOPES);
  fixture->dir = g_dir_make_tmp ("latchkey-tracker-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "history.jsonl", NULL);
  fixture->history = lk_action_history_new (path);
  fixture->states = g_string_new (NULL);

  lk_graph_client_list_devices_async (fixture->client, query, NULL, NULL, NULL, NULL, list_done_cb,
                                      &fixture->devices);
  while (fixture->devices == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->devices->len, >, 0);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  g_unlink (lk_action_history_get_path (fixture->history));
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_string_free (fixture->states, TRUE);
  g_clear_pointer (&fixture->devices, g_ptr_array_unref);
  g_clear_object (&fixture->history);
  g_clear_object (&fixture->client);
  lk_sandbox_stop (fixture->sandbox);
  g_clear_object (&fixture->sandbox);
}

static void
state_cb (LkActionTracker *tracker,
          GParamSpec      *pspec,
          Fixture         *fixture)
{
  g_string_append_printf (fixture->states, "%s%s", fixture->states->len > 0 ? " " : "",
                          lk_tracker_state_to_string (lk_action_tracker_get_state (tracker)));
}

static void
finished_cb (LkActionTracker *tracker,
             Fixture         *fixture)
{
  fixture->n_finished++;
  g_assert_true (lk_action_tracker_is_finished (tracker));
}

static void
passcode_cb (LkActionTracker *tracker,
             GParamSpec      *pspec,
             Fixture         *fixture)
{
  fixture->n_passcode_notify++;
}

static LkActionTracker *
new_tracker (Fixture    *fixture,
             const char *rule)
{
  LkDevice *device = lk_test_device_with_rule (fixture->devices, rule);
  g_autoptr(LkCapability) capability = lk_capability_new_for_device (device);
  LkActionTracker *tracker = lk_action_tracker_new (fixture->client, device,
                                                    lk_capability_get_action_kind (capability),
                                                    fixture->history, "giulia.bianchi@contoso-demo.onmicrosoft.com",
                                                    "8b1f3c52-6d4e-4a7b-9c2d-1e5f7a9b3c4d");

  g_signal_connect (tracker, "notify::state", G_CALLBACK (state_cb), fixture);
  g_signal_connect (tracker, "notify::passcode-available", G_CALLBACK (passcode_cb), fixture);
  g_signal_connect (tracker, "finished", G_CALLBACK (finished_cb), fixture);
  lk_action_tracker_set_poll_interval (tracker, 100, 400);
  return tracker;
}

static gboolean
wait_finished (LkActionTracker *tracker)
{
  gint64 end = lk_test_deadline ();

  while (!lk_action_tracker_is_finished (tracker))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Waits (up to the shared ceiling) until @tracker is in @state or finished; FALSE if not in
 * @state then. A spin of a fixed time would be a deadline a busy machine can miss. */
static gboolean
wait_state (LkActionTracker *tracker,
            LkTrackerState   state)
{
  gint64 end = lk_test_deadline ();

  while (lk_action_tracker_get_state (tracker) != state && !lk_action_tracker_is_finished (tracker)
         && g_get_monotonic_time () < end)
    spin (1);
  return lk_action_tracker_get_state (tracker) == state;
}

static gboolean
gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static char *
history_text (Fixture *fixture)
{
  char *text = NULL;

  if (!g_file_get_contents (lk_action_history_get_path (fixture->history), &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

/* Sent once, pending → active → done, the passcode held until cleared, every step recorded. */
static void
test_reset_done (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(LkActionTracker) tracker = new_tracker (fixture, "android-dedicated");
  g_autofree char *history = NULL;
  g_autofree char *passcode = NULL;
  gboolean available;

  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_READY);
  lk_action_tracker_send (tracker);
  lk_action_tracker_send (tracker);
  g_assert_true (wait_finished (tracker));
  lk_action_tracker_send (tracker);
  spin (100);

  g_assert_cmpstr (fixture->states->str, ==, "sending pending active done");
  g_assert_cmpuint (fixture->n_finished, ==, 1);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 1);
  g_assert_null (lk_action_tracker_get_error (tracker));
  g_object_get (tracker, "passcode-available", &available, NULL);
  g_assert_true (available);
  g_assert_cmpuint (fixture->n_passcode_notify, ==, 1);
  passcode = g_strdup (lk_action_tracker_get_passcode (tracker));
  g_assert_nonnull (passcode);

  history = history_text (fixture);
  g_assert_nonnull (strstr (history, "\"outcome\":\"sent\""));
  g_assert_nonnull (strstr (history, "\"outcome\":\"done\""));
  g_assert_nonnull (strstr (history, "\"action\":\"resetDevicePasscode\""));
  g_assert_nonnull (strstr (history, "\"admin\":\"giulia.bianchi@contoso-demo.onmicrosoft.com\""));
  g_assert_nonnull (strstr (history, "\"clientRequestId\":\""));
  g_assert_null (strstr (history, passcode));

  lk_action_tracker_clear_passcode (tracker);
  g_assert_null (lk_action_tracker_get_passcode (tracker));
  g_object_get (tracker, "passcode-available", &available, NULL);
  g_assert_false (available);
  g_assert_cmpuint (fixture->n_passcode_notify, ==, 2);
}

/* The wait grows: a device that takes a while is not polled every 100 ms. */
static void
test_backoff (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(LkActionTracker) tracker = NULL;
  guint gets;

  lk_sandbox_set_action_timing (fixture->sandbox, 3000, 100);
  tracker = new_tracker (fixture, "android-dedicated");
  lk_action_tracker_send (tracker);
  g_assert_true (wait_finished (tracker));
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_DONE);
  /* 100, 200, 400, 400 … ms over ~3.1 s: about ten reads (one before sending); at a fixed 100 ms
   * it would be thirty. */
  gets = lk_sandbox_count_requests (fixture->sandbox, "GET", "deviceActionResults");
  g_assert_cmpuint (gets, >=, 3);
  g_assert_cmpuint (gets, <=, 14);
}

/* "Sync device" makes the device check in: a long pending wait ends early. */
static void
test_sync_device (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(LkActionTracker) tracker = NULL;

  lk_sandbox_set_action_timing (fixture->sandbox, 60000, 200);
  tracker = new_tracker (fixture, "ios-corporate");
  lk_action_tracker_set_poll_interval (tracker, 100, 5000);
  lk_action_tracker_send (tracker);
  g_assert_true (wait_state (tracker, LK_TRACKER_PENDING));
  lk_action_tracker_sync_device (tracker);
  g_assert_true (wait_finished (tracker));
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_DONE);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "syncDevice"), ==, 1);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 1);
  /* iOS: the passcode is removed, none is returned. */
  g_assert_null (lk_action_tracker_get_passcode (tracker));
}

/* The device itself says no (here a Windows PC sent the action anyway, as the CLI could). */
static void
test_not_supported (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(LkActionTracker) tracker = new_tracker (fixture, "windows");
  g_autofree char *history = NULL;

  lk_action_tracker_send (tracker);
  g_assert_true (wait_finished (tracker));
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_NOT_SUPPORTED);
  g_assert_null (lk_action_tracker_get_passcode (tracker));
  history = history_text (fixture);
  g_assert_nonnull (strstr (history, "\"outcome\":\"notSupported\""));
}

/* A 403 ends the action at once with the reason; nothing is polled after it. */
static void
test_forbidden (Fixture       *fixture,
                gconstpointer  data)
{
  LkFault fault = { .kind = LK_FAULT_FORBIDDEN, .method = "POST", .path_contains = "resetPasscode",
                    .graph_code = "MultiAdminApprovalRequired" };
  g_autoptr(LkActionTracker) tracker = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *history = NULL;
  guint gets;

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  tracker = new_tracker (fixture, "android-dedicated");
  lk_action_tracker_send (tracker);
  g_assert_true (wait_finished (tracker));
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_ERROR);
  g_object_get (tracker, "last-error", &error, NULL);
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_FORBIDDEN);
  g_assert_cmpint (lk_graph_error_get_forbidden_reason (error), ==, LK_FORBIDDEN_MULTI_ADMIN_APPROVAL);
  g_assert_cmpuint (fixture->n_finished, ==, 1);

  gets = lk_sandbox_count_requests (fixture->sandbox, "GET", "deviceActionResults");
  spin (500);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "deviceActionResults"), ==, gets);
  history = history_text (fixture);
  /* Held for a second administrator: recorded as such, never as "not sent". */
  g_assert_nonnull (strstr (history, "\"outcome\":\"awaitingApproval\""));
  g_assert_null (strstr (history, "\"outcome\":\"error\""));
  g_assert_null (strstr (history, "\"outcome\":\"sent\""));
}

/* A token without PrivilegedOperations.All: the sandbox refuses like Graph, with its reason. */
static void
test_missing_scope (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(LkActionTracker) tracker = NULL;

  g_clear_object (&fixture->client);
  fixture->client = client_with_scopes (fixture, "DeviceManagementManagedDevices.Read.All");
  tracker = new_tracker (fixture, "android-dedicated");
  lk_action_tracker_send (tracker);
  g_assert_true (wait_finished (tracker));
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_ERROR);
  g_assert_error (lk_action_tracker_get_error (tracker), LK_GRAPH_ERROR, LK_GRAPH_ERROR_FORBIDDEN);
}

/* The POST reached Intune but no answer came: never resent, the results tell the rest. */
static void
test_outcome_unknown (Fixture       *fixture,
                      gconstpointer  data)
{
  LkFault slow = { .kind = LK_FAULT_DELAY, .method = "POST", .path_contains = "resetPasscode",
                   .delay_ms = 2500 };
  g_autoptr(LkActionTracker) tracker = NULL;
  g_autofree char *history = NULL;

  lk_graph_client_set_timeout (fixture->client, 1);
  lk_sandbox_add_fault (fixture->sandbox, &slow);
  tracker = new_tracker (fixture, "android-byod-work-profile");
  lk_action_tracker_send (tracker);
  g_assert_true (wait_finished (tracker));
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_DONE);
  g_assert_true (g_str_has_prefix (fixture->states->str, "sending checking "));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 1);
  g_assert_nonnull (lk_action_tracker_get_passcode (tracker));
  /* Known now: the error of the unanswered POST is gone. */
  g_assert_null (lk_action_tracker_get_error (tracker));
  history = history_text (fixture);
  g_assert_nonnull (strstr (history, "\"outcome\":\"unknown\""));
  g_assert_nonnull (strstr (history, "\"outcome\":\"done\""));
  g_assert_null (strstr (history, lk_action_tracker_get_passcode (tracker)));
}

/* An earlier action's result must not pass for ours after an unanswered POST: the connection
 * drops before Intune queued anything, and the device still shows the earlier, finished reset
 * (with its passcode). */
static void
test_earlier_result_not_ours (Fixture       *fixture,
                              gconstpointer  data)
{
  LkFault drop = { .kind = LK_FAULT_DROP, .method = "POST", .path_contains = "resetPasscode" };
  g_autoptr(LkActionTracker) first = new_tracker (fixture, "android-dedicated");
  g_autoptr(LkActionTracker) second = NULL;

  lk_action_tracker_send (first);
  g_assert_true (wait_finished (first));
  g_assert_cmpint (lk_action_tracker_get_state (first), ==, LK_TRACKER_DONE);

  lk_sandbox_add_fault (fixture->sandbox, &drop);
  second = new_tracker (fixture, "android-dedicated");
  lk_action_tracker_send (second);
  g_assert_true (wait_state (second, LK_TRACKER_CHECKING));
  spin (2000);
  /* Still looking: it neither claims the earlier "done" nor sends again. */
  g_assert_cmpint (lk_action_tracker_get_state (second), ==, LK_TRACKER_CHECKING);
  g_assert_null (lk_action_tracker_get_passcode (second));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 2);
}

/* Dropped mid-tracking (the application quits): polling stops, nothing is left behind. */
static void
test_dispose_mid_tracking (Fixture       *fixture,
                           gconstpointer  data)
{
  LkActionTracker *tracker;
  gpointer weak;
  guint gets;

  lk_sandbox_set_action_timing (fixture->sandbox, 60000, 100);
  tracker = new_tracker (fixture, "android-dedicated");
  weak = tracker;
  g_object_add_weak_pointer (G_OBJECT (tracker), &weak);
  lk_action_tracker_send (tracker);
  g_assert_true (wait_state (tracker, LK_TRACKER_PENDING));
  g_object_unref (tracker);
  g_assert_true (lk_test_wait_until (gone, &weak));
  gets = lk_sandbox_count_requests (fixture->sandbox, "GET", "deviceActionResults");
  spin (800);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "deviceActionResults"), ==, gets);
}

/* A history path that cannot be written whoever runs the test (root included): its folder
 * would have to be made inside a regular file. */
static LkActionHistory *
unwritable_history (Fixture *fixture)
{
  g_autofree char *file = g_build_filename (fixture->dir, "not-a-folder", NULL);
  g_autofree char *path = g_build_filename (file, "history.jsonl", NULL);

  g_assert_true (g_file_set_contents (file, "", 0, NULL));
  g_object_unref (fixture->history);
  fixture->history = lk_action_history_new (path);
  return fixture->history;
}

/* No record, no request: an intent that cannot be written sends nothing, and says so. */
static void
test_journal_unwritable (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *file = g_build_filename (fixture->dir, "not-a-folder", NULL);
  LkActionTracker *tracker;

  unwritable_history (fixture);
  tracker = new_tracker (fixture, "android-dedicated");
  lk_action_tracker_send (tracker);
  g_assert_true (wait_finished (tracker));
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_ERROR);
  g_assert_cmpstr (fixture->states->str, ==, "sending error");
  g_assert_true (g_str_has_prefix (lk_action_tracker_get_error (tracker)->message, "Nothing was sent:"));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 0);
  g_assert_cmpuint (lk_sandbox_count_queued_actions (fixture->sandbox), ==, 0);
  g_assert_cmpuint (fixture->n_finished, ==, 1);
  g_object_unref (tracker);
  g_unlink (file);
}

/* The intent is on disk, under the request's own client-request-id, before the POST arrives. */
static void
test_intent_before_post (Fixture       *fixture,
                         gconstpointer  data)
{
  LkFault hold = { .kind = LK_FAULT_DELAY, .method = "POST", .path_contains = "resetPasscode",
                   .delay_ms = 1500 };
  g_autoptr(LkActionTracker) tracker = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *crid = NULL;
  LkHistoryEntry *entry;
  gint64 end = lk_test_deadline ();

  lk_sandbox_add_fault (fixture->sandbox, &hold);
  tracker = new_tracker (fixture, "android-dedicated");
  lk_action_tracker_send (tracker);
  while (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode") == 0
         && g_get_monotonic_time () < end)
    spin (1);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 1);
  /* The answer is held back: the tracker has not seen it, so nothing after the intent exists. */
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_SENDING);
  crid = lk_sandbox_get_last_header (fixture->sandbox, "resetPasscode", "client-request-id");
  entries = lk_action_history_load (fixture->history, NULL);
  g_assert_nonnull (entries);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (entry->outcome, ==, "sending");
  g_assert_cmpstr (entry->client_request_id, ==, crid);
  g_assert_true (wait_finished (tracker));
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_DONE);
}

static gboolean
history_closed (Fixture *fixture)
{
  g_autoptr(GPtrArray) entries = lk_action_history_load (fixture->history, NULL);

  return entries != NULL && entries->len == 1
         && g_strcmp0 (((LkHistoryEntry *) g_ptr_array_index (entries, 0))->outcome, "error") == 0;
}

/* Dropped by its last holder while its intent is being written (a wizard closed with no
 * application to keep the action going): nothing is sent later behind anyone's back, and
 * the journal does not leave the intent open as "outcome unknown". */
static void
test_dropped_while_journaling (Fixture       *fixture,
                               gconstpointer  data)
{
  LkActionTracker *tracker = new_tracker (fixture, "android-dedicated");
  gpointer weak = tracker;
  g_autofree char *history = NULL;
  gint64 end = lk_test_deadline ();

  g_object_add_weak_pointer (G_OBJECT (tracker), &weak);
  lk_action_tracker_send (tracker);
  /* Only the read of the earlier results holds it now: it ends right after starting the
   * journal step, which does not keep it. */
  g_object_unref (tracker);
  while (!history_closed (fixture) && g_get_monotonic_time () < end)
    spin (5);
  g_assert_null (weak);
  g_assert_true (history_closed (fixture));
  history = history_text (fixture);
  g_assert_nonnull (strstr (history, "\"outcome\":\"sending\""));
  spin (300);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 0);
  g_assert_cmpuint (lk_sandbox_count_queued_actions (fixture->sandbox), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/tracker/reset-done", test_reset_done);
  ADD ("/tracker/backoff", test_backoff);
  ADD ("/tracker/sync-device", test_sync_device);
  ADD ("/tracker/not-supported", test_not_supported);
  ADD ("/tracker/forbidden", test_forbidden);
  ADD ("/tracker/missing-scope", test_missing_scope);
  ADD ("/tracker/outcome-unknown", test_outcome_unknown);
  ADD ("/tracker/earlier-result-not-ours", test_earlier_result_not_ours);
  ADD ("/tracker/dispose-mid-tracking", test_dispose_mid_tracking);
  ADD ("/tracker/journal-unwritable", test_journal_unwritable);
  ADD ("/tracker/intent-before-post", test_intent_before_post);
  ADD ("/tracker/dropped-while-journaling", test_dropped_while_journaling);
#undef ADD

  return g_test_run ();
}
