/* test-wizard.c: the reset/remove wizard under Xvfb, against the sandbox.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "lk-graph-error.h"
#include "lk-history-window.h"
#include "lk-reset-wizard.h"
#include "lk-settings.h"
#include "lk-sign-in-dialog.h"
#include "lk-sandbox.h"
#include "lk-window.h"
#include "../lk-test-common.h"
#include "../lk-test-widgets.h"

#define ALL_SCOPES "DeviceManagementManagedDevices.Read.All DeviceManagementManagedDevices.PrivilegedOperations.All"

/* Everything logged (debug included) during a test: the passcode must never be in it. */
static GString *captured_log;
/* The test's own XDG home: every file the app and GTK write lands under it. */
static char *xdg_root;

typedef struct
{
  LkSandbox       *sandbox;
  LkGraphClient   *client;
  LkActionHistory *history;
  char            *dir;
  GPtrArray       *devices;
  GString         *log;
} Fixture;

static GLogWriterOutput
capture_log (GLogLevelFlags   level,
             const GLogField *fields,
             gsize            n_fields,
             gpointer         user_data)
{
  GString *log = user_data;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
      g_string_append_printf (log, "%s\n", (const char *) fields[i].value);
  /* Debug output is only captured, not printed: the test log stays readable. */
  if (level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, NULL);
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static gboolean
wait_for_page (LkResetWizard *wizard,
               const char    *page)
{
  gint64 end = lk_test_deadline ();

  while (g_strcmp0 (lk_reset_wizard_get_page (wizard), page) != 0)
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

/* Runs the loop until a label of @root reads @text (up to the shared ceiling). */
static gboolean
wait_for_label (GtkWidget  *root,
                const char *text)
{
  gint64 end = lk_test_deadline ();

  while (lk_test_find_widget (root, lk_test_is_label, text) == NULL)
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      spin (2);
    }
  return TRUE;
}

static void
list_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GPtrArray **) user_data = lk_graph_client_list_devices_finish (LK_GRAPH_CLIENT (source), result, NULL);
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("");

  fixture->log = captured_log;
  g_string_truncate (captured_log, 0);
  fixture->sandbox = lk_test_demo_sandbox ();
  lk_sandbox_set_action_timing (fixture->sandbox, 300, 300);
  fixture->client = lk_test_demo_client (fixture->sandbox, ALL_SCOPES);
  fixture->dir = g_dir_make_tmp ("latchkey-wizard-XXXXXX", &error);
  path = g_build_filename (fixture->dir, "history.jsonl", NULL);
  fixture->history = lk_action_history_new (path);

  lk_graph_client_list_devices_async (fixture->client, query, NULL, NULL, NULL, NULL, list_done_cb,
                                      &fixture->devices);
  while (fixture->devices == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *path = g_strdup (lk_action_history_get_path (fixture->history));

  g_clear_pointer (&fixture->devices, g_ptr_array_unref);
  g_clear_object (&fixture->history);
  g_clear_object (&fixture->client);
  lk_sandbox_stop (fixture->sandbox);
  g_clear_object (&fixture->sandbox);
  g_unlink (path);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static GtkEditable *
confirm_entry (LkResetWizard *wizard)
{
  GtkWidget *widget = GTK_WIDGET (wizard);

  /* Depth-first: the only GtkEntry in the wizard is the confirmation. */
  while (widget != NULL)
    {
      if (GTK_IS_ENTRY (widget))
        return GTK_EDITABLE (widget);
      if (gtk_widget_get_first_child (widget) != NULL)
        widget = gtk_widget_get_first_child (widget);
      else
        {
          while (widget != NULL && gtk_widget_get_next_sibling (widget) == NULL)
            widget = gtk_widget_get_parent (widget);
          widget = widget != NULL ? gtk_widget_get_next_sibling (widget) : NULL;
        }
    }
  g_assert_not_reached ();
  return NULL;
}

static LkResetWizard *
open_at_confirm_over (Fixture    *fixture,
                      LkDevice   *device,
                      const char *scopes,
                      GtkWindow  *parent)
{
  LkResetWizard *wizard = lk_reset_wizard_new (fixture->client, device, fixture->history,
                                               "giulia.bianchi@contoso-demo.onmicrosoft.com",
                                               "8b1f3c52-6d4e-4a7b-9c2d-1e5f7a9b3c4d", scopes, parent);

  g_assert_nonnull (wizard);
  gtk_window_present (GTK_WINDOW (wizard));
  g_assert_cmpstr (lk_reset_wizard_get_page (wizard), ==, "device");
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_cmpstr (lk_reset_wizard_get_page (wizard), ==, "explain");
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  return wizard;
}

static LkResetWizard *
open_at_confirm (Fixture    *fixture,
                 LkDevice   *device,
                 const char *scopes)
{
  return open_at_confirm_over (fixture, device, scopes, NULL);
}

static void
close_wizard (LkResetWizard *wizard)
{
  gpointer weak = wizard;

  gint64 end = lk_test_deadline ();

  g_object_add_weak_pointer (G_OBJECT (wizard), &weak);
  gtk_window_destroy (GTK_WINDOW (wizard));
  while (weak != NULL && g_get_monotonic_time () < end)
    spin (2);
  g_assert_null (weak);
}

/* Files may be binary (caches, databases): a NUL does not end the search. */
static gboolean
contains_bytes (const char *data,
                gsize       len,
                const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; n > 0 && i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* Whether @needle is in any file under @dir (recursively). */
static gboolean
found_in_files (const char *dir,
                const char *needle)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (found_in_files (path, needle))
            return TRUE;
        }
      else if (g_file_get_contents (path, &contents, &len, NULL)
               && contains_bytes (contents, len, needle))
        {
          g_test_message ("found in %s", path);
          return TRUE;
        }
    }
  return FALSE;
}

static void
run_to_result (Fixture    *fixture,
               const char *rule,
               gboolean    expect_passcode)
{
  LkDevice *device = lk_test_device_with_rule (fixture->devices, rule);
  LkResetWizard *wizard = open_at_confirm (fixture, device, ALL_SCOPES);
  LkActionTracker *tracker;
  g_autofree char *passcode = NULL;
  g_autofree char *history = NULL;

  g_assert_cmpstr (lk_reset_wizard_get_page (wizard), ==, "confirm");
  gtk_test_accessible_assert_property (confirm_entry (wizard), GTK_ACCESSIBLE_PROPERTY_LABEL, "Device name");
  g_assert_false (gtk_widget_get_sensitive (lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_actionable, "wizard.confirm")));
  gtk_editable_set_text (confirm_entry (wizard), lk_device_get_device_name (device));
  g_assert_true (gtk_widget_get_sensitive (lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_actionable, "wizard.confirm")));
  /* A double click on the confirm button: the second activation must not send again. */
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.confirm", NULL);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.confirm", NULL);
  tracker = lk_reset_wizard_get_tracker (wizard);
  g_assert_nonnull (tracker);
  g_assert_true (wait_for_page (wizard, "tracking"));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.sync", NULL);
  g_assert_true (wait_for_page (wizard, "result"));
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_DONE);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 1);

  if (expect_passcode)
    {
      /* Icon-only buttons say what they do to a screen reader. */
      gtk_test_accessible_assert_property (lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_actionable, "wizard.copy"),
                                           GTK_ACCESSIBLE_PROPERTY_LABEL, "Copy the passcode");
      g_assert_nonnull (lk_action_tracker_get_passcode (tracker));
      passcode = g_strdup (lk_action_tracker_get_passcode (tracker));
      gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.copy", NULL);
      /* Said, with when the clipboard forgets it. */
      g_assert_true (wait_for_label (GTK_WIDGET (wizard),
                                     "Passcode copied — cleared from the clipboard in 60 seconds"));
    }
  else
    g_assert_null (lk_action_tracker_get_passcode (tracker));

  g_object_ref (tracker);
  close_wizard (wizard);
  /* Closing the result wipes the passcode from memory. */
  g_assert_null (lk_action_tracker_get_passcode (tracker));
  g_object_unref (tracker);

  g_assert_true (g_file_get_contents (lk_action_history_get_path (fixture->history), &history, NULL, NULL));
  g_assert_nonnull (strstr (history, "\"outcome\":\"done\""));
  g_assert_nonnull (strstr (history, lk_device_get_id (device)));
  if (passcode != NULL)
    {
      g_assert_null (strstr (history, passcode));
      g_assert_null (strstr (fixture->log->str, passcode));
      /* Nor in any file: the XDG dirs (config, data, state, cache) and the history's folder. */
      g_assert_false (found_in_files (xdg_root, passcode));
      g_assert_false (found_in_files (fixture->dir, passcode));
    }
}

static gboolean
is_subtitle (GtkWidget     *widget,
             gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "subtitle");
}

static void
test_ios_remove (Fixture       *fixture,
                 gconstpointer  data)
{
  LkHistoryWindow *window;
  GtkWidget *row;

  run_to_result (fixture, "ios-corporate", FALSE);

  /* The History view lists what was sent and how it ended. */
  window = lk_history_window_new (fixture->history, NULL);
  /* One row for the action (the journal has its "sent" and its "done"), in words. */
  g_assert_cmpuint (lk_history_window_get_n_rows (window), ==, 1);
  row = lk_test_find_widget (GTK_WIDGET (window), lk_test_is_type, GSIZE_TO_POINTER (ADW_TYPE_ACTION_ROW));
  g_assert_nonnull (row);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Remove passcode · "));
  g_assert_nonnull (lk_test_find_widget (row, lk_test_is_label, "Done"));
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "removePasscode"));
  /* The admin's UPN is not cut in two: the subtitle wraps between words only. */
  g_assert_cmpint (gtk_label_get_wrap_mode (GTK_LABEL (lk_test_find_widget (row, is_subtitle, NULL))), ==,
                   PANGO_WRAP_WORD);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_android_work_profile (Fixture       *fixture,
                           gconstpointer  data)
{
  run_to_result (fixture, "android-byod-work-profile", TRUE);
}

static char *
clipboard_text (GdkClipboard *clipboard)
{
  GdkContentProvider *content = gdk_clipboard_get_content (clipboard);
  g_auto(GValue) value = G_VALUE_INIT;

  if (content == NULL)
    return NULL;
  g_value_init (&value, G_TYPE_STRING);
  if (!gdk_content_provider_get_value (content, &value, NULL))
    return NULL;
  return g_value_dup_string (&value);
}

/* Reveal shows the passcode; Copy puts it on the clipboard, which is cleared after the delay
 * while it still holds the passcode — and left alone once the admin copied something else. */
static void
test_reveal_copy_clear (Fixture       *fixture,
                        gconstpointer  data)
{
  LkDevice *device = lk_test_device_with_rule (fixture->devices, "android-fully-managed");
  LkResetWizard *wizard = open_at_confirm (fixture, device, ALL_SCOPES);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (wizard));
  LkActionTracker *tracker;
  g_autofree char *passcode = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *other = NULL;
  GtkWidget *reveal;
  gint64 end;

  lk_reset_wizard_set_clipboard_timeout (wizard, 300);
  gtk_editable_set_text (confirm_entry (wizard), lk_device_get_device_name (device));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.confirm", NULL);
  g_assert_true (wait_for_page (wizard, "result"));
  tracker = lk_reset_wizard_get_tracker (wizard);
  passcode = g_strdup (lk_action_tracker_get_passcode (tracker));
  g_assert_nonnull (passcode);

  /* Hidden until revealed, and hidden again. */
  reveal = lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_type, GSIZE_TO_POINTER (GTK_TYPE_TOGGLE_BUTTON));
  g_assert_nonnull (reveal);
  gtk_test_accessible_assert_property (reveal, GTK_ACCESSIBLE_PROPERTY_LABEL, "Reveal the passcode");
  g_assert_false (lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_label, passcode) != NULL);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (reveal), TRUE);
  g_assert_true (lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_label, passcode) != NULL);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (reveal), FALSE);
  g_assert_false (lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_label, passcode) != NULL);

  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.copy", NULL);
  copied = clipboard_text (clipboard);
  g_assert_cmpstr (copied, ==, passcode);
  end = lk_test_deadline ();
  while (gdk_clipboard_get_content (clipboard) != NULL && g_get_monotonic_time () < end)
    spin (2);
  g_assert_null (gdk_clipboard_get_content (clipboard));

  /* Copied, then replaced by the admin: the timer must not wipe their text. */
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.copy", NULL);
  gdk_clipboard_set_text (clipboard, "ticket 4711");
  spin (600);
  other = clipboard_text (clipboard);
  g_assert_cmpstr (other, ==, "ticket 4711");
  close_wizard (wizard);
}

static void
test_wrong_name (Fixture       *fixture,
                 gconstpointer  data)
{
  LkDevice *device = lk_test_device_with_rule (fixture->devices, "android-dedicated");
  LkResetWizard *wizard = open_at_confirm (fixture, device, ALL_SCOPES);
  g_autofree char *almost = g_strdup (lk_device_get_device_name (device));

  almost[strlen (almost) - 1] = '?';
  gtk_editable_set_text (confirm_entry (wizard), almost);
  spin (50);
  g_assert_false (gtk_widget_get_sensitive (lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_actionable, "wizard.confirm")));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.confirm", NULL);
  spin (300);
  g_assert_null (lk_reset_wizard_get_tracker (wizard));
  g_assert_cmpstr (lk_reset_wizard_get_page (wizard), ==, "confirm");
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 0);
  close_wizard (wizard);
}

static void
test_not_supported_has_no_wizard (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_assert_null (lk_reset_wizard_new (fixture->client, lk_test_device_with_rule (fixture->devices, "windows"),
                                      fixture->history, NULL, NULL, NULL, NULL));
  g_assert_null (lk_reset_wizard_new (fixture->client, lk_test_device_with_rule (fixture->devices, "ios-personal"),
                                      fixture->history, NULL, NULL, NULL, NULL));
}

static void
test_missing_permission (Fixture       *fixture,
                         gconstpointer  data)
{
  LkResetWizard *wizard = open_at_confirm (fixture, lk_test_device_with_rule (fixture->devices, "ios-corporate"),
                                           "DeviceManagementManagedDevices.Read.All offline_access");

  /* Said before the confirm step, which is never reached: Continue is insensitive there. */
  g_assert_cmpstr (lk_reset_wizard_get_page (wizard), ==, "explain");
  g_assert_false (gtk_widget_get_sensitive (lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_actionable, "wizard.next")));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.back", NULL);
  g_assert_cmpstr (lk_reset_wizard_get_page (wizard), ==, "device");
  g_assert_true (gtk_widget_get_sensitive (lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_actionable, "wizard.next")));
  close_wizard (wizard);
}

static void
test_forbidden_message (Fixture       *fixture,
                        gconstpointer  data)
{
  LkDevice *device = lk_test_device_with_rule (fixture->devices, "android-dedicated");
  LkFault fault = { .kind = LK_FAULT_FORBIDDEN, .method = "POST", .path_contains = "resetPasscode",
                    .graph_code = "insufficient_claims" };
  LkResetWizard *wizard;
  LkActionTracker *tracker;

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  wizard = open_at_confirm (fixture, device, ALL_SCOPES);
  gtk_editable_set_text (confirm_entry (wizard), lk_device_get_device_name (device));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.confirm", NULL);
  g_assert_true (wait_for_page (wizard, "result"));
  tracker = lk_reset_wizard_get_tracker (wizard);
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_ERROR);
  g_assert_cmpint (lk_graph_error_get_forbidden_reason (lk_action_tracker_get_error (tracker)), ==,
                   LK_FORBIDDEN_CONDITIONAL_ACCESS);
  g_assert_nonnull (strstr (lk_action_tracker_get_error (tracker)->message, "Conditional Access"));
  close_wizard (wizard);
}

static void
test_timeout_not_resent (Fixture       *fixture,
                         gconstpointer  data)
{
  LkDevice *device = lk_test_device_with_rule (fixture->devices, "android-dedicated");
  LkFault slow = { .kind = LK_FAULT_DELAY, .method = "POST", .path_contains = "resetPasscode",
                   .delay_ms = 2500 };
  LkResetWizard *wizard;
  LkActionTracker *tracker;

  lk_graph_client_set_timeout (fixture->client, 1);
  lk_sandbox_add_fault (fixture->sandbox, &slow);
  wizard = open_at_confirm (fixture, device, ALL_SCOPES);
  gtk_editable_set_text (confirm_entry (wizard), lk_device_get_device_name (device));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.confirm", NULL);
  tracker = g_object_ref (lk_reset_wizard_get_tracker (wizard));
  lk_action_tracker_set_poll_interval (tracker, 200, 500);
  g_assert_true (wait_for_page (wizard, "result"));
  /* The state came from deviceActionResults; the POST was never sent twice. */
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_DONE);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 1);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "deviceActionResults"), >=, 1);
  close_wizard (wizard);
  g_object_unref (tracker);
}

static void
test_closed_mid_tracking_records (Fixture       *fixture,
                                  gconstpointer  data)
{
  LkDevice *device = lk_test_device_with_rule (fixture->devices, "android-aosp-user");
  LkResetWizard *wizard = open_at_confirm (fixture, device, ALL_SCOPES);
  LkActionTracker *tracker;
  g_autofree char *history = NULL;
  gint64 end;

  gtk_editable_set_text (confirm_entry (wizard), lk_device_get_device_name (device));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.confirm", NULL);
  tracker = g_object_ref (lk_reset_wizard_get_tracker (wizard));
  lk_action_tracker_set_poll_interval (tracker, 200, 500);
  g_assert_true (wait_for_page (wizard, "tracking"));
  close_wizard (wizard);

  /* Reopened from the device page: the same action, at its tracking step, nothing sent again. */
  wizard = lk_reset_wizard_new_for_tracker (fixture->client, tracker, NULL);
  g_assert_nonnull (wizard);
  g_assert_true (lk_reset_wizard_get_tracker (wizard) == tracker);
  g_assert_cmpstr (lk_reset_wizard_get_page (wizard), !=, "confirm");
  close_wizard (wizard);

  /* The application keeps the tracker: here, this reference does. */
  end = lk_test_deadline ();
  while (!lk_action_tracker_is_finished (tracker) && g_get_monotonic_time () < end)
    spin (20);
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_DONE);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 1);
  g_assert_true (g_file_get_contents (lk_action_history_get_path (fixture->history), &history, NULL, NULL));
  g_assert_nonnull (strstr (history, "\"outcome\":\"done\""));
  g_assert_null (strstr (history, lk_action_tracker_get_passcode (tracker)));
  g_assert_null (strstr (fixture->log->str, lk_action_tracker_get_passcode (tracker)));
  g_object_unref (tracker);
}

/* The history cannot be written: the wizard says nothing was sent, and nothing was. */
static void
test_journal_unwritable (Fixture       *fixture,
                         gconstpointer  data)
{
  LkDevice *device = lk_test_device_with_rule (fixture->devices, "android-dedicated");
  g_autofree char *file = g_build_filename (fixture->dir, "not-a-folder", NULL);
  g_autofree char *path = g_build_filename (file, "history.jsonl", NULL);
  g_autoptr(LkActionHistory) history = lk_action_history_new (path);
  LkResetWizard *wizard;

  /* Its folder would have to be made inside a regular file: unwritable even for root. */
  g_assert_true (g_file_set_contents (file, "", 0, NULL));
  wizard = lk_reset_wizard_new (fixture->client, device, history,
                                "giulia.bianchi@contoso-demo.onmicrosoft.com",
                                "8b1f3c52-6d4e-4a7b-9c2d-1e5f7a9b3c4d", ALL_SCOPES, NULL);
  gtk_window_present (GTK_WINDOW (wizard));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  gtk_editable_set_text (confirm_entry (wizard), lk_device_get_device_name (device));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.confirm", NULL);
  g_assert_true (wait_for_page (wizard, "result"));
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_label, "The Action Was Not Sent"));
  g_assert_true (g_str_has_prefix (lk_action_tracker_get_error (lk_reset_wizard_get_tracker (wizard))->message,
                                   "Nothing was sent:"));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 0);
  close_wizard (wizard);
  g_unlink (file);
}

static gboolean
tracker_finished (gpointer data)
{
  return lk_action_tracker_is_finished (data);
}

static gboolean
toast_gone (gpointer data)
{
  return lk_test_find_widget (data, lk_test_is_button, "Show") == NULL;
}

/* What LkApplication does when an action it tracks finishes. */
static void
finished_cb (LkActionTracker *tracker,
             LkWindow        *window)
{
  lk_window_add_tracker_toast (window, tracker);
}

/* The wizard was closed while an Android reset was tracked: the passcode that comes later is
 * offered by a toast on the main window, whose Show button reopens the wizard at its result. */
static void
test_passcode_after_close (Fixture       *fixture,
                           gconstpointer  data)
{
  LkDevice *device = lk_test_device_with_rule (fixture->devices, "android-dedicated");
  LkWindow *window = lk_window_new (NULL);
  g_autofree char *title = g_strdup_printf ("New passcode for %s is ready", lk_device_get_device_name (device));
  g_autofree char *passcode = NULL;
  LkResetWizard *wizard;
  LkActionTracker *tracker;
  GtkWidget *show;

  lk_window_set_client (window, fixture->client);
  gtk_window_present (GTK_WINDOW (window));
  wizard = open_at_confirm_over (fixture, device, ALL_SCOPES, GTK_WINDOW (window));
  gtk_editable_set_text (confirm_entry (wizard), lk_device_get_device_name (device));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.confirm", NULL);
  tracker = g_object_ref (lk_reset_wizard_get_tracker (wizard));
  lk_action_tracker_set_poll_interval (tracker, 200, 500);
  g_signal_connect_object (tracker, "finished", G_CALLBACK (finished_cb), window, 0);
  g_assert_true (wait_for_page (wizard, "tracking"));
  close_wizard (wizard);

  g_assert_true (lk_test_wait_until (tracker_finished, tracker));
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_DONE);
  passcode = g_strdup (lk_action_tracker_get_passcode (tracker));
  g_assert_nonnull (passcode);
  g_assert_true (wait_for_label (GTK_WIDGET (window), title));
  show = lk_test_find_widget (GTK_WIDGET (window), lk_test_is_button, "Show");
  g_assert_nonnull (show);
  g_signal_emit_by_name (show, "clicked");

  wizard = lk_reset_wizard_find_for_tracker (tracker);
  g_assert_nonnull (wizard);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (wizard)) == GTK_WINDOW (window));
  g_assert_cmpstr (lk_reset_wizard_get_page (wizard), ==, "result");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_type, GSIZE_TO_POINTER (GTK_TYPE_TOGGLE_BUTTON))), TRUE);
  g_assert_true (lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_label, passcode) != NULL);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 1);

  /* Closing the result wipes the passcode; the toast is gone with its reference. */
  close_wizard (wizard);
  g_assert_null (lk_action_tracker_get_passcode (tracker));
  g_assert_true (lk_test_wait_until (toast_gone, window));
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  lk_test_assert_finalized_soon (window);
  lk_test_assert_finalized_soon (tracker);
}

static GtkWidget *
header_button (LkResetWizard *wizard,
               const char    *action)
{
  GtkWidget *header = lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_type,
                                           GSIZE_TO_POINTER (ADW_TYPE_HEADER_BAR));

  return lk_test_find_widget (header, lk_test_is_actionable, action);
}

/* Back and Continue sit in the header bar, shown where they apply: never below the fold, and
 * there is only one of each. */
static void
test_header_navigation (Fixture       *fixture,
                        gconstpointer  data)
{
  LkDevice *device = lk_test_device_with_rule (fixture->devices, "android-dedicated");
  LkResetWizard *wizard = lk_reset_wizard_new (fixture->client, device, fixture->history, NULL, NULL,
                                               ALL_SCOPES, NULL);
  GtkWidget *back = header_button (wizard, "wizard.back");
  GtkWidget *next = header_button (wizard, "wizard.next");
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  guint n_next = 0;

  gtk_window_present (GTK_WINDOW (wizard));
  g_assert_nonnull (back);
  g_assert_nonnull (next);
  lk_test_collect_widgets (GTK_WIDGET (wizard), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    n_next += lk_test_is_actionable (g_ptr_array_index (buttons, i), "wizard.next")
              || lk_test_is_actionable (g_ptr_array_index (buttons, i), "wizard.back");
  g_assert_cmpuint (n_next, ==, 2);

  g_assert_cmpstr (lk_reset_wizard_get_page (wizard), ==, "device");
  g_assert_false (gtk_widget_get_visible (back));
  g_assert_true (gtk_widget_get_visible (next));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_cmpstr (lk_reset_wizard_get_page (wizard), ==, "explain");
  g_assert_true (gtk_widget_get_visible (back));
  g_assert_true (gtk_widget_get_visible (next));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_cmpstr (lk_reset_wizard_get_page (wizard), ==, "confirm");
  g_assert_true (gtk_widget_get_visible (back));
  g_assert_false (gtk_widget_get_visible (next));
  close_wizard (wizard);
}

static GtkLabel *
confirm_hint (LkResetWizard *wizard)
{
  GtkWidget *entry = GTK_WIDGET (confirm_entry (wizard));

  return GTK_LABEL (gtk_widget_get_next_sibling (entry));
}

/* The typed name shows intent: its case does not matter, and a typo is pointed at. */
static void
test_name_any_case (Fixture       *fixture,
                    gconstpointer  data)
{
  LkDevice *device = lk_test_device_with_rule (fixture->devices, "ios-corporate");
  LkResetWizard *wizard = open_at_confirm (fixture, device, ALL_SCOPES);
  g_autofree char *upper = g_utf8_strup (lk_device_get_device_name (device), -1);
  g_autofree char *typo = g_strdup (lk_device_get_device_name (device));
  g_autofree char *prefix = g_strndup (typo, 3);
  GtkWidget *confirm = lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_actionable, "wizard.confirm");

  g_assert_cmpstr (upper, !=, lk_device_get_device_name (device));
  gtk_editable_set_text (confirm_entry (wizard), prefix);
  g_assert_false (gtk_widget_get_sensitive (confirm));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (confirm_hint (wizard))));

  typo[2] = typo[2] == 'x' ? 'y' : 'x';
  gtk_editable_set_text (confirm_entry (wizard), typo);
  g_assert_false (gtk_widget_get_sensitive (confirm));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (confirm_hint (wizard))));
  g_assert_cmpstr (gtk_label_get_label (confirm_hint (wizard)), ==, "Character 3 differs from the device name.");

  gtk_editable_set_text (confirm_entry (wizard), upper);
  g_assert_true (gtk_widget_get_sensitive (confirm));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (confirm_hint (wizard))));
  close_wizard (wizard);
}

static gboolean
gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
assert_closes_on (GtkWindow       *window,
                  guint            keyval,
                  GdkModifierType  modifiers)
{
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_present (window);
  g_assert_true (lk_test_press_shortcut (GTK_WIDGET (window), keyval, modifiers));
  g_assert_true (lk_test_wait_until (gone, &weak));
}

/* Escape and Ctrl+W close the wizard, the sign-in dialog and History. */
static void
test_close_keys (Fixture       *fixture,
                 gconstpointer  data)
{
  LkDevice *device = lk_test_device_with_rule (fixture->devices, "ios-corporate");
  g_autoptr(LkAccountManager) accounts = lk_account_manager_new ();
  g_autoptr(GSettings) settings = lk_settings_new ();

  assert_closes_on (GTK_WINDOW (lk_reset_wizard_new (fixture->client, device, fixture->history, NULL, NULL,
                                                     ALL_SCOPES, NULL)),
                    GDK_KEY_Escape, 0);
  assert_closes_on (GTK_WINDOW (open_at_confirm (fixture, device, ALL_SCOPES)), GDK_KEY_w, GDK_CONTROL_MASK);
  assert_closes_on (GTK_WINDOW (lk_history_window_new (fixture->history, NULL)), GDK_KEY_Escape, 0);
  assert_closes_on (GTK_WINDOW (lk_history_window_new (fixture->history, NULL)), GDK_KEY_w, GDK_CONTROL_MASK);
  assert_closes_on (GTK_WINDOW (lk_sign_in_dialog_new (accounts, settings, NULL)), GDK_KEY_Escape, 0);
  assert_closes_on (GTK_WINDOW (lk_sign_in_dialog_new (accounts, settings, NULL)), GDK_KEY_w, GDK_CONTROL_MASK);
}

/* Mnemonics stay out of accessible names: a screen reader says "Continue", not "underscore
 * Continue". Every page of the wizard is in its tree, so one walk sees them all. */
static void
test_mnemonics_accessible (Fixture       *fixture,
                           gconstpointer  data)
{
  LkDevice *device = lk_test_device_with_rule (fixture->devices, "android-dedicated");
  g_autoptr(LkAccountManager) accounts = lk_account_manager_new ();
  g_autoptr(GSettings) settings = lk_settings_new ();
  LkResetWizard *wizard = open_at_confirm (fixture, device, ALL_SCOPES);
  GtkWindow *sign_in = GTK_WINDOW (lk_sign_in_dialog_new (accounts, settings, NULL));
  GtkWindow *history;
  GtkWidget *leaky = gtk_button_new_with_mnemonic ("_Reset");
  g_autofree char *leak = NULL;

  /* The check can fail: a name copied from the label with its underline is caught. */
  g_object_ref_sink (leaky);
  gtk_accessible_update_property (GTK_ACCESSIBLE (leaky), GTK_ACCESSIBLE_PROPERTY_LABEL, "_Reset", -1);
  leak = gtk_test_accessible_check_property (GTK_ACCESSIBLE (leaky), GTK_ACCESSIBLE_PROPERTY_LABEL, "Reset");
  g_assert_nonnull (leak);
  g_object_unref (leaky);

  g_assert_cmpuint (lk_test_assert_mnemonics_not_in_accessible_names (GTK_WIDGET (wizard)), >=, 4);
  gtk_window_present (sign_in);
  g_assert_cmpuint (lk_test_assert_mnemonics_not_in_accessible_names (GTK_WIDGET (sign_in)), >=, 3);
  gtk_window_destroy (sign_in);
  history = GTK_WINDOW (lk_history_window_new (fixture->history, NULL));
  g_assert_cmpuint (lk_test_assert_mnemonics_not_in_accessible_names (GTK_WIDGET (history)), >=, 1);
  gtk_window_destroy (history);
  close_wizard (wizard);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Before GLib caches them: the XDG dirs of this run are a fresh folder, searched later. */
  xdg_root = g_dir_make_tmp ("latchkey-wizard-xdg-XXXXXX", NULL);
  g_assert_nonnull (xdg_root);
  for (guint i = 0; i < 4; i++)
    {
      static const char *const vars[] = { "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME" };
      g_autofree char *dir = g_build_filename (xdg_root, vars[i], NULL);

      g_mkdir (dir, 0700);
      g_setenv (vars[i], dir, TRUE);
    }
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  captured_log = g_string_new (NULL);
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  g_log_set_writer_func (capture_log, captured_log, NULL);

  g_test_add ("/wizard/ios-remove", Fixture, NULL, setup, test_ios_remove, teardown);
  g_test_add ("/wizard/android-work-profile", Fixture, NULL, setup, test_android_work_profile, teardown);
  g_test_add ("/wizard/reveal-copy-clear", Fixture, NULL, setup, test_reveal_copy_clear, teardown);
  g_test_add ("/wizard/wrong-name", Fixture, NULL, setup, test_wrong_name, teardown);
  g_test_add ("/wizard/not-supported", Fixture, NULL, setup, test_not_supported_has_no_wizard, teardown);
  g_test_add ("/wizard/missing-permission", Fixture, NULL, setup, test_missing_permission, teardown);
  g_test_add ("/wizard/forbidden", Fixture, NULL, setup, test_forbidden_message, teardown);
  g_test_add ("/wizard/timeout-not-resent", Fixture, NULL, setup, test_timeout_not_resent, teardown);
  g_test_add ("/wizard/closed-mid-tracking", Fixture, NULL, setup, test_closed_mid_tracking_records, teardown);
  g_test_add ("/wizard/journal-unwritable", Fixture, NULL, setup, test_journal_unwritable, teardown);
  g_test_add ("/wizard/passcode-after-close", Fixture, NULL, setup, test_passcode_after_close, teardown);
  g_test_add ("/wizard/header-navigation", Fixture, NULL, setup, test_header_navigation, teardown);
  g_test_add ("/wizard/name-any-case", Fixture, NULL, setup, test_name_any_case, teardown);
  g_test_add ("/wizard/close-keys", Fixture, NULL, setup, test_close_keys, teardown);
  g_test_add ("/wizard/mnemonics-accessible", Fixture, NULL, setup, test_mnemonics_accessible, teardown);

  status = g_test_run ();
  /* A test failure keeps the folder, for a look at what was written. */
  if (status == 0)
    lk_test_remove_tree (xdg_root);
  g_free (xdg_root);
  return status;
}
