/* test-window-device-page.c: the window's device page: its action, what the journal and
 * Intune say of the last one, and the values support asks for.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "../lk-test-common.h"
#include "../lk-test-widgets.h"

#include "lk-capability-badge.h"
#include "lk-cloud.h"
#include "lk-device-page.h"
#include "lk-device-query.h"
#include "lk-device-row.h"
#include "lk-graph-error.h"
#include "lk-sandbox.h"
#include "lk-window.h"
#include "test-window.h"

typedef struct
{
  LkDevice *requested;
} Requested;

static void
action_requested_cb (LkWindow  *window,
                     LkDevice  *device,
                     Requested *requested)
{
  g_set_object (&requested->requested, device);
}

/* The page's label whose text holds @text, or NULL. */
static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  lk_test_collect_widgets (root, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_get_visible (g_ptr_array_index (labels, i))
        && strstr (gtk_label_get_label (g_ptr_array_index (labels, i)), text) != NULL)
      return g_ptr_array_index (labels, i);
  return NULL;
}

static gboolean
shared_verdict_shown (gpointer page)
{
  return find_label (page, "Shared iPad") != NULL;
}

typedef struct
{
  GAsyncResult *result;
} Posted;

static void
posted_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ((Posted *) user_data)->result = g_object_ref (result);
}

static gboolean
posted_done (gpointer data)
{
  return ((Posted *) data)->result != NULL;
}


static GtkWidget *
button_with_action (Fixture    *fixture,
                    const char *action)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  lk_test_collect_widgets (GTK_WIDGET (device_page (fixture)), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (g_ptr_array_index (buttons, i))), action) == 0)
      return g_ptr_array_index (buttons, i);
  g_assert_not_reached ();
  return NULL;
}

static gboolean
check_button_shown (gpointer data)
{
  return gtk_widget_get_visible (button_with_action (data, "device-page.check-status"));
}

static gboolean
action_button_shown (gpointer data)
{
  return gtk_widget_get_visible (button_with_action (data, "win.start-action"));
}

static gboolean
resolved_to_pending (gpointer data)
{
  g_autoptr(GPtrArray) entries = lk_action_history_load (data, NULL);

  return entries->len == 1
         && g_strcmp0 (((LkHistoryEntry *) g_ptr_array_index (entries, 0))->outcome, "pending") == 0;
}

/* An action that may be on its way — in the journal without an outcome, or pending in Intune —
 * replaces the red button with its state and *Check Status*; start-action does nothing. */
void
test_pending_action_blocks (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(LkDevice) dedicated = device_with_rule (fixture, "android-dedicated");
  g_autofree char *dir = g_dir_make_tmp ("latchkey-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.jsonl", NULL);
  g_autoptr(LkActionHistory) history = lk_action_history_new (path);
  g_autoptr(LkHistoryEntry) intent = lk_history_entry_new ();
  g_autoptr(GError) error = NULL;
  Requested requested = { NULL };
  LkDevicePage *page = device_page (fixture);
  const char *label;
  Posted posted = { NULL };

  g_signal_connect (fixture->window, "action-requested", G_CALLBACK (action_requested_cb), &requested);
  lk_device_page_set_history (page, history);

  /* The journal's intent, with no outcome: the CLI was killed while its POST was on its way. */
  intent->device_id = g_strdup (lk_device_get_id (dedicated));
  intent->device_name = g_strdup (lk_device_get_device_name (dedicated));
  intent->action = g_strdup ("resetDevicePasscode");
  intent->outcome = g_strdup ("sending");
  intent->client_request_id = g_strdup ("0f9e6c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b");
  g_assert_true (lk_action_history_append (history, intent, &error));
  lk_window_show_device (fixture->window, dedicated);
  g_assert_true (lk_test_wait_until (check_button_shown, fixture));
  g_assert_false (action_button_shown (fixture));
  label = gtk_label_get_label (GTK_LABEL (find_label (GTK_WIDGET (page), "may have reached Intune")));
  g_assert_nonnull (strstr (label, "outcome unknown"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.start-action", NULL));
  g_assert_null (requested.requested);

  /* Intune queues it after all (it was on its way): Check Status reads it, and the journal
   * records it. */
  lk_sandbox_set_action_timing (fixture->sandbox, 60000, 1000);
  lk_graph_client_post_action_async (fixture->client, lk_device_get_id (dedicated), LK_DEVICE_ACTION_RESET_PASSCODE,
                                     NULL, posted_cb, &posted);
  g_assert_true (lk_test_wait_until (posted_done, &posted));
  g_assert_true (lk_graph_client_post_action_finish (fixture->client, posted.result, NULL));
  g_clear_object (&posted.result);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "device-page.check-status", NULL));
  g_assert_true (lk_test_wait_until (resolved_to_pending, history));
  g_assert_true (lk_test_wait_until (check_button_shown, fixture));
  label = gtk_label_get_label (GTK_LABEL (find_label (GTK_WIDGET (page), "already in Intune")));
  g_assert_nonnull (strstr (label, "Pending"));
  g_assert_false (action_button_shown (fixture));

  /* A device with nothing on its way offers its action. */
  g_signal_handlers_disconnect_by_func (fixture->window, action_requested_cb, &requested);
  g_unlink (path);
  g_rmdir (dir);
}

/* The list cannot tell a Shared iPad; the device page's own GET can. */
void
test_shared_ipad_page (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(LkDevice) shared = NULL;
  g_autoptr(LkDevice) ipad = NULL;
  GListModel *results;
  LkDevicePage *page = device_page (fixture);

  lk_window_set_demo (fixture->window, TRUE);
  search (fixture, "iPad");
  results = lk_window_get_results (fixture->window);
  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);

      if (g_strcmp0 (lk_device_get_device_name (device), "iPad-AULA-3B") == 0)
        g_set_object (&shared, device);
      else if (g_strcmp0 (lk_device_get_device_name (device), "iPad di Francesca") == 0)
        g_set_object (&ipad, device);
    }
  g_assert_nonnull (shared);
  g_assert_nonnull (ipad);

  lk_window_show_device (fixture->window, shared);
  g_assert_true (lk_test_wait_until ((gboolean (*) (gpointer)) lk_device_page_get_device, page));
  g_assert_true (lk_test_wait_until (shared_verdict_shown, page));
  g_assert_false (lk_device_page_get_can_act (page));
  g_assert_false (action_button_shown (fixture));

  lk_window_show_device (fixture->window, ipad);
  g_assert_true (lk_test_wait_until (action_button_shown, fixture));
  g_assert_true (lk_device_page_get_can_act (page));
}

void
test_action_requested (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(LkDevice) iphone = device_with_rule (fixture, "ios-corporate");
  g_autoptr(LkDevice) windows = device_with_rule (fixture, "windows");
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  Requested requested = { NULL };
  gboolean action_visible = FALSE;

  g_signal_connect (fixture->window, "action-requested", G_CALLBACK (action_requested_cb), &requested);
  lk_window_show_device (fixture->window, iphone);
  /* The page first reads the device and its action results: then the action is offered. */
  g_assert_true (lk_test_wait_until ((gboolean (*) (gpointer)) lk_device_page_get_can_act, device_page (fixture)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.start-action", NULL));
  g_assert_nonnull (requested.requested);
  g_assert_cmpstr (lk_device_get_id (requested.requested), ==, lk_device_get_id (iphone));
  g_clear_object (&requested.requested);

  /* No action button for a device that cannot take one. */
  lk_window_show_device (fixture->window, windows);
  lk_test_collect_widgets (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);

      if (g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), "win.start-action") == 0)
        action_visible |= gtk_widget_get_visible (button);
    }
  g_assert_false (action_visible);
}

/* The Intune device id, which support asks for, is one click away, and the click is confirmed. */
void
test_copy_device_id (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(LkDevice) iphone = device_with_rule (fixture, "ios-corporate");
  GValue value = G_VALUE_INIT;
  GdkContentProvider *content;
  GtkWidget *button;

  lk_window_show_device (fixture->window, iphone);
  button = lk_test_find_widget (GTK_WIDGET (device_page (fixture)), lk_test_is_actionable, "win.copy");
  g_assert_nonnull (button);
  gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL, "Copy the Intune device ID");
  g_signal_emit_by_name (button, "clicked");
  content = gdk_clipboard_get_content (gtk_widget_get_clipboard (button));
  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, lk_device_get_id (iphone));
  g_value_unset (&value);
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (fixture->window), lk_test_is_label, "Copied to the clipboard"));
}

static gboolean
last_action_shown (gpointer data)
{
  Fixture *fixture = data;

  return find_label (GTK_WIDGET (device_page (fixture)), "Last action:") != NULL;
}

static gboolean
last_action_by_script_shown (gpointer data)
{
  Fixture *fixture = data;

  return find_label (GTK_WIDGET (device_page (fixture)), ") by a script") != NULL;
}

static gboolean
last_action_from_elsewhere (gpointer data)
{
  Fixture *fixture = data;

  return find_label (GTK_WIDGET (device_page (fixture)), "not from this computer") != NULL;
}

static gboolean
sync_toast_shown (gpointer data)
{
  return lk_test_find_widget (data, label_contains, "was asked to check in with Intune") != NULL;
}

static gboolean
sync_enabled (gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *button = button_with_action (fixture, "device-page.sync");

  return gtk_widget_get_visible (button) && gtk_widget_is_sensitive (button);
}

/* The device page tells the last passcode action on the device — from this computer's journal,
 * with who sent it, or from Intune when it was sent elsewhere — and offers Sync Device, which
 * is sent once and confirmed by a toast. */
void
test_last_action_and_sync (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(LkDevice) dedicated = device_with_rule (fixture, "android-dedicated");
  g_autoptr(LkDevice) iphone = device_with_rule (fixture, "ios-corporate");
  g_autofree char *dir = g_dir_make_tmp ("latchkey-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.jsonl", NULL);
  g_autoptr(LkActionHistory) history = lk_action_history_new (path);
  g_autoptr(LkHistoryEntry) done = lk_history_entry_new ();
  g_autoptr(GError) error = NULL;
  LkDevicePage *page = device_page (fixture);
  const char *label;
  Posted posted = { NULL };

  lk_device_page_set_history (page, history);
  done->device_id = g_strdup (lk_device_get_id (dedicated));
  done->device_name = g_strdup (lk_device_get_device_name (dedicated));
  done->admin = g_strdup ("giulia.bianchi@contoso-demo.onmicrosoft.com");
  done->action = g_strdup ("resetPasscode");
  done->outcome = g_strdup ("done");
  done->client_request_id = g_strdup ("1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f");
  done->time = g_strdup ("2026-11-28T09:12:44Z");
  g_assert_true (lk_action_history_append (history, done, &error));
  g_assert_no_error (error);

  lk_window_show_device (fixture->window, dedicated);
  g_assert_true (lk_test_wait_until (last_action_shown, fixture));
  label = gtk_label_get_label (GTK_LABEL (find_label (GTK_WIDGET (page), "Last action:")));
  g_assert_nonnull (strstr (label, "— Done"));
  g_assert_nonnull (strstr (label, "by giulia.bianchi@contoso-\u2060demo.onmicrosoft.com"));

  /* Sent by `latchkey-cli --access-token-stdin`, the journal knows no admin: "by a script". */
  g_clear_pointer (&done->admin, g_free);
  g_free (done->client_request_id);
  done->client_request_id = g_strdup ("2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a");
  g_assert_true (lk_action_history_append (history, done, NULL));
  lk_window_show_device (fixture->window, iphone);
  lk_window_show_device (fixture->window, dedicated);
  g_assert_true (lk_test_wait_until (last_action_by_script_shown, fixture));
  label = gtk_label_get_label (GTK_LABEL (find_label (GTK_WIDGET (page), "Last action:")));
  g_assert_null (strstr (label, "by —"));

  /* A device with no action anywhere shows none. */
  lk_window_show_device (fixture->window, iphone);
  g_assert_true (lk_test_wait_until ((gboolean (*) (gpointer)) lk_device_page_get_can_act, page));
  g_assert_null (find_label (GTK_WIDGET (page), "Last action:"));

  /* Sent from elsewhere (here: straight to Graph, not through the journal): Intune's result. */
  lk_graph_client_post_action_async (fixture->client, lk_device_get_id (iphone), LK_DEVICE_ACTION_RESET_PASSCODE,
                                     NULL, posted_cb, &posted);
  g_assert_true (lk_test_wait_until (posted_done, &posted));
  g_assert_true (lk_graph_client_post_action_finish (fixture->client, posted.result, NULL));
  g_clear_object (&posted.result);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "device-page.check-status", NULL));
  g_assert_true (lk_test_wait_until (last_action_from_elsewhere, fixture));

  /* Sync Device: one request however often it is pressed while on its way, then a toast. */
  g_assert_true (sync_enabled (fixture));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "device-page.sync", NULL));
  g_assert_false (sync_enabled (fixture));
  gtk_widget_activate_action (GTK_WIDGET (page), "device-page.sync", NULL);
  g_assert_true (lk_test_wait_until (sync_toast_shown, fixture->window));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "syncDevice"), ==, 1);
  g_assert_true (sync_enabled (fixture));
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (fixture->window), label_contains, lk_device_get_device_name (iphone)));

  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
entra_id_shown (gpointer data)
{
  return lk_test_find_widget (data, lk_test_is_actionable, "win.copy") != NULL
         && lk_device_get_azure_ad_device_id (lk_device_page_get_device (data)) != NULL;
}

static gboolean
is_subtitle_showing (GtkWidget     *widget,
                     gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "subtitle")
         && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

static void
assert_copies (GtkWidget  *button,
               const char *expected)
{
  GValue value = G_VALUE_INIT;
  GdkContentProvider *content;

  g_signal_emit_by_name (button, "clicked");
  content = gdk_clipboard_get_content (gtk_widget_get_clipboard (button));
  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, expected);
  g_value_unset (&value);
}

/* Serial number, IMEI and both device ids can be selected; the ids have copy buttons. The Entra
 * device id comes from the page's single-device GET, never from the listing. */
void
test_property_values_selectable (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(LkDevice) android = NULL;
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GListModel *results = lk_window_get_results (fixture->window);
  LkDevicePage *page = device_page (fixture);
  LkDevice *details;
  const char *values[4];

  lk_window_set_demo (fixture->window, TRUE);
  search_all (fixture, "");
  for (guint i = 0; i < g_list_model_get_n_items (results) && android == NULL; i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);

      if (lk_device_get_imei (device) != NULL && lk_device_get_serial_number (device) != NULL)
        android = g_object_ref (device);
    }
  g_assert_nonnull (android);
  g_assert_null (lk_device_get_azure_ad_device_id (android));
  lk_window_show_device (fixture->window, android);
  g_assert_true (lk_test_wait_until (entra_id_shown, page));
  details = lk_device_page_get_device (page);
  g_assert_true (lk_is_guid (lk_device_get_azure_ad_device_id (details)));
  /* Asked for by the page's GETs only (those that also ask for hardwareInformation, on beta). */
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "azureADDeviceId"), ==,
                    lk_sandbox_count_requests (fixture->sandbox, "GET", "hardwareInformation"));

  values[0] = lk_device_get_serial_number (details);
  values[1] = lk_device_get_imei (details);
  values[2] = lk_device_get_id (details);
  values[3] = lk_device_get_azure_ad_device_id (details);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      GtkWidget *label = lk_test_find_widget (GTK_WIDGET (page), is_subtitle_showing, values[i]);

      g_assert_nonnull (label);
      g_assert_true (gtk_label_get_selectable (GTK_LABEL (label)));
      /* Tab still skips the property rows. */
      g_assert_false (gtk_widget_get_focusable (label));
    }

  lk_test_collect_widgets (GTK_WIDGET (page), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);
      const char *tooltip = gtk_widget_get_tooltip_text (button);

      if (g_strcmp0 (tooltip, "Copy the Intune device ID") == 0)
        assert_copies (button, values[2]);
      else if (g_strcmp0 (tooltip, "Copy the Entra device ID") == 0)
        {
          gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL, "Copy the Entra device ID");
          assert_copies (button, values[3]);
          values[3] = NULL;
        }
    }
  g_assert_null (values[3]);
}

