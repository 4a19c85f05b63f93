/* test-hostile-window.c: the hostile table's window rows, under Xvfb with Gtk warnings fatal.
 *
 * Device names and the admin's query are text, never markup: devices named "R&D <b>iPad</b>"
 * and "AT&T<x>" are searched for, shown and reset, the end-of-action toasts (the only notice
 * once the wizard is closed) and the no-results page show them as typed, and a silent Graph
 * shows the wait in the search's progress line. Invalid markup would log a Gtk-WARNING, which
 * G_DEBUG=fatal-warnings turns into a failure. The CLI rows are in tests/faults/test-hostile.c.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "lk-graph-error.h"
#include "lk-reset-wizard.h"
#include "lk-sandbox.h"
#include "lk-window.h"
#include "../lk-test-common.h"
#include "../lk-test-widgets.h"

#define SCOPES     "DeviceManagementManagedDevices.Read.All DeviceManagementManagedDevices.PrivilegedOperations.All"
#define IOS_ID     "5c863eed-470d-5454-9fff-63101a20618c"   /* ios-corporate: Remove passcode */
#define ANDROID_ID "a66ff2e1-f199-57bb-a7d6-cae812841445"   /* android-dedicated: a passcode */
#define IOS_NAME     "R&D <b>iPad</b>"
#define ANDROID_NAME "AT&T<x>"

typedef struct
{
  LkSandbox       *sandbox;
  LkGraphClient   *client;
  LkWindow        *window;
  LkActionHistory *history;
  char            *dir;
} Fixture;

typedef struct
{
  LkWindow   *window;
  const char *state;
} StateWait;

static gboolean
state_is (gpointer data)
{
  StateWait *wait = data;

  return g_strcmp0 (lk_window_get_state (wait->window), wait->state) == 0;
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->sandbox = lk_test_demo_sandbox ();
  lk_sandbox_set_action_timing (fixture->sandbox, 300, 300);
  g_assert_true (lk_sandbox_set_device_string (fixture->sandbox, IOS_ID, "deviceName", IOS_NAME));
  g_assert_true (lk_sandbox_set_device_string (fixture->sandbox, ANDROID_ID, "deviceName", ANDROID_NAME));
  fixture->client = lk_test_demo_client (fixture->sandbox, SCOPES);
  fixture->dir = g_dir_make_tmp ("latchkey-hostile-window-XXXXXX", &error);
  path = g_build_filename (fixture->dir, "history.jsonl", NULL);
  fixture->history = lk_action_history_new (path);

  fixture->window = lk_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 700);
  lk_window_set_client (fixture->window, fixture->client);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *path = g_strdup (lk_action_history_get_path (fixture->history));

  g_object_ref (fixture->window);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  lk_test_assert_finalized_soon (fixture->window);
  g_clear_object (&fixture->history);
  lk_test_assert_finalized_soon (fixture->client);
  lk_sandbox_stop (fixture->sandbox);
  g_assert_finalize_object (fixture->sandbox);
  g_unlink (path);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

/* A label whose displayed text (markup parsed) contains @text. */
static gboolean
shows_text (GtkWidget     *widget,
            gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget)
         && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
window_shows (LkWindow   *window,
              const char *text)
{
  return lk_test_find_widget (GTK_WIDGET (window), shows_text, text) != NULL;
}

/* Searches and waits for the search to end in @state. */
static void
search (Fixture    *fixture,
        const char *text,
        const char *state)
{
  StateWait wait = { fixture->window, state };

  lk_window_search (fixture->window, text);
  g_assert_true (lk_test_wait_until (state_is, &wait));
}

static LkDevice *
result_with_id (Fixture    *fixture,
                const char *id)
{
  GListModel *results = lk_window_get_results (fixture->window);

  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);

      if (g_str_equal (lk_device_get_id (device), id))
        return g_steal_pointer (&device);
    }
  g_error ("%s not among the results", id);
  return NULL;
}

static GtkEditable *
confirm_entry (LkResetWizard *wizard)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();

  lk_test_collect_widgets (GTK_WIDGET (wizard), GTK_TYPE_ENTRY, entries);
  g_assert_cmpuint (entries->len, ==, 1);
  return GTK_EDITABLE (g_ptr_array_index (entries, 0));
}

static gboolean
tracker_finished (gpointer data)
{
  return lk_action_tracker_is_finished (data);
}

/* What LkApplication does when an action it tracks finishes. */
static void
finished_cb (LkActionTracker *tracker,
             LkWindow        *window)
{
  lk_window_add_tracker_toast (window, tracker);
}

/* Confirms by typing the name, closes the wizard while Intune works, and waits for the end:
 * the toast on the main window is then the only notice. */
static void
reset_and_close (Fixture  *fixture,
                 LkDevice *device)
{
  LkResetWizard *wizard = lk_reset_wizard_new (fixture->client, device, fixture->history,
                                               "giulia.bianchi@contoso-demo.onmicrosoft.com",
                                               "8b1f3c52-6d4e-4a7b-9c2d-1e5f7a9b3c4d", SCOPES,
                                               GTK_WINDOW (fixture->window));
  g_autoptr(LkActionTracker) tracker = NULL;

  g_assert_nonnull (wizard);
  gtk_window_present (GTK_WINDOW (wizard));
  /* The name is shown as typed in the wizard's own (markup) labels too. */
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_cmpstr (lk_reset_wizard_get_page (wizard), ==, "confirm");
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (wizard), shows_text, lk_device_get_device_name (device)));
  gtk_editable_set_text (confirm_entry (wizard), lk_device_get_device_name (device));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.confirm", NULL);
  tracker = g_object_ref (lk_reset_wizard_get_tracker (wizard));
  lk_action_tracker_set_poll_interval (tracker, 200, 500);
  g_signal_connect_object (tracker, "finished", G_CALLBACK (finished_cb), fixture->window, 0);
  gtk_window_destroy (GTK_WINDOW (wizard));
  g_assert_true (lk_test_wait_until (tracker_finished, tracker));
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_DONE);
}

static void
test_no_results_query (Fixture       *fixture,
                       gconstpointer  data)
{
  search (fixture, "AT&T<y> nothing", "no-results");
  g_assert_true (window_shows (fixture->window, "Nothing matches “AT&T<y> nothing”"));
}

static gboolean
shows_done (gpointer window)
{
  return window_shows (window, "The passcode of " IOS_NAME " was removed");
}

static gboolean
shows_passcode_ready (gpointer window)
{
  return window_shows (window, "New passcode for " ANDROID_NAME " is ready");
}

static void
test_search_and_reset (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(LkDevice) ios = NULL;
  g_autoptr(LkDevice) android = NULL;

  search (fixture, "R&D <b>", "results");
  ios = result_with_id (fixture, IOS_ID);
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (window_shows (fixture->window, IOS_NAME));
  reset_and_close (fixture, ios);
  g_assert_true (lk_test_wait_until (shows_done, fixture->window));

  search (fixture, "AT&T<x>", "results");
  android = result_with_id (fixture, ANDROID_ID);
  reset_and_close (fixture, android);
  g_assert_true (lk_test_wait_until (shows_passcode_ready, fixture->window));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 2);
}

static void
test_error_message_plain (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = g_error_new_literal (LK_GRAPH_ERROR, LK_GRAPH_ERROR_INSECURE,
                                                 "Redirected to R&D <b>proxy</b>");

  lk_window_show_error (fixture->window, error);
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "error");
  g_assert_true (window_shows (fixture->window, "Redirected to R&D <b>proxy</b>"));
  lk_window_add_toast (fixture->window, "Toast & <i>text</i>");
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (window_shows (fixture->window, "Toast & <i>text</i>"));
}

static gboolean
shows_waiting (gpointer data)
{
  return window_shows (data, "Waiting for Microsoft Graph…");
}

/* Graph holds the page for 4 s: after 2 s without a byte the progress line says so. */
static void
test_waiting_progress (Fixture       *fixture,
                       gconstpointer  data)
{
  LkFault slow = { .kind = LK_FAULT_DELAY, .method = "GET", .path_contains = "managedDevices",
                   .delay_ms = 4000, .times = 10 };
  StateWait results = { fixture->window, "results" };

  lk_sandbox_add_fault (fixture->sandbox, &slow);
  lk_graph_client_set_timeout (fixture->client, 10);
  lk_window_search (fixture->window, "giulia");
  g_assert_true (lk_test_wait_until (shows_waiting, fixture->window));
  g_assert_true (lk_test_wait_until (state_is, &results));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/hostile-window/no-results-query", Fixture, NULL, setup, test_no_results_query, teardown);
  g_test_add ("/hostile-window/search-and-reset", Fixture, NULL, setup, test_search_and_reset, teardown);
  g_test_add ("/hostile-window/error-message", Fixture, NULL, setup, test_error_message_plain, teardown);
  g_test_add ("/hostile-window/waiting-progress", Fixture, NULL, setup, test_waiting_progress, teardown);
  return g_test_run ();
}
