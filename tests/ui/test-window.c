/* test-window.c: the real window under Xvfb, searching the sandbox over loopback HTTP: the
 * search and its states. Every window test is registered here, in one order.
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
#include "lk-window-size.h"
#include "lk-settings.h"
#include "test-window.h"

static gboolean
aborted_once (gpointer data)
{
  return lk_sandbox_count_aborted (data) >= 1;
}

static void
test_new_query_cancels_old (Fixture       *fixture,
                            gconstpointer  data)
{
  LkFault slow = { .kind = LK_FAULT_DELAY, .method = "GET", .path_contains = "managedDevices",
                   .delay_ms = 3600 * 1000 };  /* longer than the test: only a cancel ends it */
  GListModel *results;
  gint64 until;

  lk_sandbox_add_fault (fixture->sandbox, &slow);
  lk_window_search (fixture->window, "giulia");
  /* By the clock, not by iterations: under ASan on a loaded machine an iteration can take long
   * enough for a count of them to outlast the delay. */
  until = g_get_monotonic_time () + 200 * 1000;
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "searching");
  search (fixture, "rossi");
  g_assert_true (lk_test_wait_until (aborted_once, fixture->sandbox));

  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "results");
  results = lk_window_get_results (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (results), >=, 1);
  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);
      g_autoptr(LkDeviceQuery) query = lk_device_query_new ("rossi");

      g_assert_cmpuint (lk_device_query_score (query, device), >, 0);
    }
}

static gboolean
is_throttled (gpointer data)
{
  return g_strcmp0 (lk_window_get_state (data), "throttled") == 0;
}

static void
test_throttled_then_results (Fixture       *fixture,
                             gconstpointer  data)
{
  LkFault busy = { .kind = LK_FAULT_STATUS, .method = "GET", .path_contains = "managedDevices",
                   .status = 429, .retry_after = "1" };

  lk_sandbox_add_fault (fixture->sandbox, &busy);
  lk_window_search (fixture->window, "rossi");
  g_assert_true (lk_test_wait_until (is_throttled, fixture->window));
  g_assert_true (lk_test_wait_until (search_settled, fixture->window));
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "results");
}

static void
test_error_shows_request_id (Fixture       *fixture,
                             gconstpointer  data)
{
  LkFault broken = { .kind = LK_FAULT_STATUS, .method = "GET", .path_contains = "managedDevices",
                     .status = 500, .times = 10 };
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autofree char *client_request_id = NULL;
  gboolean shown = FALSE;

  lk_sandbox_add_fault (fixture->sandbox, &broken);
  search (fixture, "rossi");
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "error");
  client_request_id = lk_sandbox_get_last_header (fixture->sandbox, "managedDevices", "client-request-id");
  g_assert_nonnull (client_request_id);
  lk_test_collect_widgets (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      const char *text = gtk_label_get_label (g_ptr_array_index (labels, i));

      shown |= strstr (text, "Request ID:") != NULL && strstr (text, client_request_id) != NULL
               && gtk_widget_is_visible (g_ptr_array_index (labels, i));
    }
  g_assert_true (shown);
}

static void
test_close_mid_search (Fixture       *fixture,
                       gconstpointer  data)
{
  LkFault slow = { .kind = LK_FAULT_DELAY, .method = "GET", .path_contains = "managedDevices",
                   .delay_ms = 3000 };

  lk_sandbox_add_fault (fixture->sandbox, &slow);
  lk_window_search (fixture->window, "rossi");
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "searching");
  /* teardown destroys the window now and proves it is finalized: no late callback, no leak. */
}

/* Without an account the window says so and offers the sign-in action. */
static void
test_signed_out (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  gboolean offered = FALSE;

  lk_window_set_client (fixture->window, NULL);
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "signed-out");
  lk_test_collect_widgets (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);

      if (g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), "app.sign-in") == 0)
        offered |= gtk_widget_is_visible (button);
    }
  g_assert_true (offered);
}

/* A real tenant is not listed whole on an empty query; the demo tenant is, at once. */
static void
test_empty_query (Fixture       *fixture,
                  gconstpointer  data)
{
  lk_window_search (fixture->window, "");
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "empty");
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "managedDevices"), ==, 0);

  lk_window_set_demo (fixture->window, TRUE);
  search (fixture, "");
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "results");
  g_assert_cmpuint (g_list_model_get_n_items (lk_window_get_results (fixture->window)), ==,
                    lk_sandbox_get_n_devices (fixture->sandbox));
}

static gboolean
is_searching (gpointer data)
{
  return g_strcmp0 (lk_window_get_state (data), "searching") == 0;
}

/* Typing is debounced: nothing is sent at once, the search starts after the delay. */
static void
test_typing_debounced (Fixture       *fixture,
                       gconstpointer  data)
{
  LkFault slow = { .kind = LK_FAULT_DELAY, .method = "GET", .path_contains = "managedDevices",
                   .delay_ms = 500 };
  GtkWidget *entry = gtk_window_get_focus (GTK_WINDOW (fixture->window));

  /* The search entry has the focus from the start. */
  g_assert_nonnull (entry);
  g_assert_nonnull (gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_ENTRY));
  entry = gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_ENTRY);

  lk_sandbox_add_fault (fixture->sandbox, &slow);
  gtk_editable_set_text (GTK_EDITABLE (entry), "rossi");
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "empty");
  g_assert_true (lk_test_wait_until (is_searching, fixture->window));
  g_assert_true (lk_test_wait_until (search_settled, fixture->window));
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "results");
}

static gboolean
window_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* The size the window had when it was closed is the size of the next one. */
static void
test_size_saved (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GSettings) settings = lk_settings_new ();
  LkWindow *window = fixture->window;
  LkWindow *next;
  int width, height;

  lk_window_size_remember (GTK_WINDOW (window), settings);
  gtk_window_set_default_size (GTK_WINDOW (window), 880, 610);
  fixture->window = NULL;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (lk_test_wait_until (window_gone, &window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 880);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 610);

  next = lk_window_new (NULL);
  lk_window_size_remember (GTK_WINDOW (next), settings);
  gtk_window_get_default_size (GTK_WINDOW (next), &width, &height);
  g_assert_cmpint (width, ==, 880);
  g_assert_cmpint (height, ==, 610);
  g_object_ref_sink (next);
  gtk_window_destroy (GTK_WINDOW (next));
  g_assert_finalize_object (next);
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}


static void
progress_label_cb (GtkLabel   *label,
                   GParamSpec *pspec,
                   GPtrArray  *seen)
{
  g_ptr_array_add (seen, g_strdup (gtk_label_get_label (label)));
}

/* A query sent as several listings never claims "Loaded 68 of 32": it counts what it will show. */
static void
test_progress_counts_shown (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("giulia");
  GtkWidget *bar = lk_test_find_widget (GTK_WIDGET (fixture->window), lk_test_is_type,
                                        GSIZE_TO_POINTER (GTK_TYPE_PROGRESS_BAR));
  GtkWidget *label = gtk_widget_get_prev_sibling (bar);
  guint shown;

  g_assert_cmpuint (lk_device_query_get_filters (query)->len, >, 1);
  g_signal_connect (label, "notify::label", G_CALLBACK (progress_label_cb), seen);
  search_all (fixture, "giulia");
  shown = g_list_model_get_n_items (lk_window_get_results (fixture->window));
  g_assert_cmpuint (seen->len, >, 0);
  for (guint i = 0; i < seen->len; i++)
    {
      const char *text = g_ptr_array_index (seen, i);
      guint loaded = 0;

      g_assert_null (strstr (text, " of "));
      g_assert_cmpint (sscanf (text, "Loaded %u", &loaded), ==, 1);
      g_assert_cmpuint (loaded, <=, shown);
    }
  g_signal_handlers_disconnect_by_func (label, progress_label_cb, seen);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/window/badges", Fixture, NULL, setup, test_badges, teardown);
  g_test_add ("/window/new-query-cancels-old", Fixture, NULL, setup, test_new_query_cancels_old, teardown);
  g_test_add ("/window/throttled-then-results", Fixture, NULL, setup, test_throttled_then_results, teardown);
  g_test_add ("/window/error-shows-request-id", Fixture, NULL, setup, test_error_shows_request_id, teardown);
  g_test_add ("/window/close-mid-search", Fixture, NULL, setup, test_close_mid_search, teardown);
  g_test_add ("/window/action-requested", Fixture, NULL, setup, test_action_requested, teardown);
  g_test_add ("/window/pending-action-blocks", Fixture, NULL, setup, test_pending_action_blocks, teardown);
  g_test_add ("/window/shared-ipad", Fixture, NULL, setup, test_shared_ipad_page, teardown);
  g_test_add ("/window/signed-out", Fixture, NULL, setup, test_signed_out, teardown);
  g_test_add ("/window/empty-query", Fixture, NULL, setup, test_empty_query, teardown);
  g_test_add ("/window/filters", Fixture, NULL, setup, test_filters, teardown);
  g_test_add ("/window/rows-follow-filter", Fixture, NULL, setup, test_rows_follow_filter, teardown);
  g_test_add ("/window/typing-debounced", Fixture, NULL, setup, test_typing_debounced, teardown);
  g_test_add ("/window/size-saved", Fixture, NULL, setup, test_size_saved, teardown);
  g_test_add ("/window/filtered-empty", Fixture, NULL, setup, test_filtered_empty, teardown);
  g_test_add ("/window/pane-follows-results", Fixture, NULL, setup, test_pane_follows_results, teardown);
  g_test_add ("/window/scroll-reset", Fixture, NULL, setup, test_scroll_reset, teardown);
  g_test_add ("/window/enter-focus", Fixture, NULL, setup, test_enter_focus, teardown);
  g_test_add ("/window/row-accessible-names", Fixture, NULL, setup, test_row_accessible_names, teardown);
  g_test_add ("/window/badge-warning-only-when-stale", Fixture, NULL, setup, test_badge_warning_only_when_stale, teardown);
  g_test_add ("/window/badge-rebound", Fixture, NULL, setup, test_badge_rebound, teardown);
  g_test_add ("/window/copy-device-id", Fixture, NULL, setup, test_copy_device_id, teardown);
  g_test_add ("/window/row-shows-matched-field", Fixture, NULL, setup, test_row_shows_matched_field, teardown);
  g_test_add ("/window/progress-counts-shown", Fixture, NULL, setup, test_progress_counts_shown, teardown);
  g_test_add ("/window/last-action-and-sync", Fixture, NULL, setup, test_last_action_and_sync, teardown);
  g_test_add ("/window/mnemonics-accessible", Fixture, NULL, setup, test_mnemonics_accessible, teardown);
  g_test_add ("/window/property-values-selectable", Fixture, NULL, setup, test_property_values_selectable, teardown);

  return g_test_run ();
}

