/* test-window-list.c: the window's results list: badges, filters, selection, keyboard and
 * what a screen reader hears.
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
#include "window-rows.h"

static LkDeviceRow *
row_for (Fixture  *fixture,
         LkDevice *device)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  /* Let the list view build its rows. */
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  lk_test_collect_widgets (GTK_WIDGET (fixture->window), LK_TYPE_DEVICE_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      LkDeviceRow *row = g_ptr_array_index (rows, i);

      if (lk_device_row_get_device (row) != NULL
          && g_str_equal (lk_device_get_id (lk_device_row_get_device (row)), lk_device_get_id (device)))
        return row;
    }
  return NULL;
}

static void test_unlock_badges (Fixture *fixture);

/* The badge's tooltip as the pointer gets it: made when GTK asks ("query-tooltip"). */
static const char *
badge_tooltip (LkCapabilityBadge *badge)
{
  GtkTooltip *tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  gboolean answered = FALSE;

  g_assert_true (gtk_widget_get_has_tooltip (GTK_WIDGET (badge)));
  g_signal_emit_by_name (badge, "query-tooltip", 1, 1, FALSE, tooltip, &answered);
  g_object_unref (tooltip);
  if (!answered)
    return NULL;
  /* Whatever the pointer is shown, a screen reader reads as the description. */
  gtk_test_accessible_assert_property (badge, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       lk_capability_badge_get_tooltip (badge));
  return lk_capability_badge_get_tooltip (badge);
}

void
test_badges (Fixture       *fixture,
             gconstpointer  data)
{
  const struct { const char *rule; const char *label; } kinds[] = {
    { "ios-corporate", "Can remove passcode" },
    { "android-dedicated", "Can reset passcode" },
    { "android-byod-work-profile", "Can reset work profile" },
  };
  g_autoptr(LkDevice) dedicated = NULL;
  g_autoptr(LkGraphClient) v1 = NULL;
  g_autoptr(GPtrArray) v1_badges = g_ptr_array_new ();
  g_autofree char *graph_url = NULL;
  g_autofree char *token = NULL;
  g_autoptr(LkStaticToken) tokens = NULL;
  GListModel *results;
  LkDeviceRow *v1_row;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(LkDevice) device = device_with_rule (fixture, kinds[i].rule);
      g_autoptr(GPtrArray) badges = g_ptr_array_new ();
      g_autofree char *accessible = g_strdup_printf ("Passcode: %s", kinds[i].label);
      LkDeviceRow *row;
      LkCapabilityBadge *badge;

      lk_window_set_demo (fixture->window, FALSE);
      search (fixture, lk_device_get_device_name (device));
      g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "results");
      row = row_for (fixture, device);
      g_assert_nonnull (row);
      lk_test_collect_widgets (GTK_WIDGET (row), LK_TYPE_CAPABILITY_BADGE, badges);
      g_assert_cmpuint (badges->len, ==, 1);
      badge = g_ptr_array_index (badges, 0);
      g_assert_cmpstr (lk_capability_badge_get_text (badge), ==, kinds[i].label);
      /* Never colour alone: text, tooltip and an accessible label. */
      g_assert_nonnull (badge_tooltip (badge));
      gtk_test_accessible_assert_property (badge, GTK_ACCESSIBLE_PROPERTY_LABEL, accessible);
    }

  test_unlock_badges (fixture);

  /* Read through v1.0, the same Android Enterprise device cannot be told apart: Unknown. */
  dedicated = device_with_rule (fixture, "android-dedicated");
  graph_url = lk_sandbox_get_graph_url (fixture->sandbox);
  token = lk_sandbox_mint_access_token (fixture->sandbox, SCOPES, 3600);
  tokens = lk_static_token_new (token);
  v1 = lk_graph_client_new (graph_url, "v1.0", LK_TOKEN_PROVIDER (tokens));
  lk_window_set_client (fixture->window, v1);
  lk_window_set_demo (fixture->window, FALSE);
  search (fixture, lk_device_get_device_name (dedicated));
  results = lk_window_get_results (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (results), >=, 1);
  v1_row = row_for (fixture, dedicated);
  g_assert_nonnull (v1_row);
  lk_test_collect_widgets (GTK_WIDGET (v1_row), LK_TYPE_CAPABILITY_BADGE, v1_badges);
  g_assert_cmpstr (lk_capability_badge_get_text (g_ptr_array_index (v1_badges, 0)), ==, "Unknown");
  lk_window_set_client (fixture->window, fixture->client);
}

static LkCapabilityBadge *
only_badge (GtkWidget *root)
{
  g_autoptr(GPtrArray) badges = g_ptr_array_new ();

  lk_test_collect_widgets (root, LK_TYPE_CAPABILITY_BADGE, badges);
  g_assert_cmpuint (badges->len, ==, 1);
  return g_ptr_array_index (badges, 0);
}

/* A PC or a Mac: its unlock options as a state, in the list and on the page, never "Not
 * supported"; the listing's join type already tells a PC that has none; Linux says so. */
static void
test_unlock_badges (Fixture *fixture)
{
  const struct { const char *name; const char *label; const char *accessible; } kinds[] = {
    { "DESKTOP-7QK2L9M", "Unlock options",
      "Unlock options: Local administrator password (Windows LAPS), BitLocker recovery key. Whether each is available is checked when you open the device." },
    { "MacBook Pro di Lorenzo", "Unlock options",
      "Unlock options: FileVault recovery key, Managed local administrator (macOS). Whether each is available is checked when you open the device." },
    { "PC-MAGAZZINO-03", "Not Entra joined",
      "Not Entra joined: Windows LAPS passwords and BitLocker recovery keys are backed up to Microsoft Entra ID only from Entra joined or hybrid joined PCs." },
    { "ubuntu-mrossi", "No unlock option", "Intune offers no unlock option for Linux or ChromeOS devices." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(LkDevice) device = NULL;
      GListModel *results;
      LkCapabilityBadge *badge;

      lk_window_set_demo (fixture->window, FALSE);
      search (fixture, kinds[i].name);
      results = lk_window_get_results (fixture->window);
      for (guint j = 0; device == NULL && j < g_list_model_get_n_items (results); j++)
        {
          g_autoptr(LkDevice) item = g_list_model_get_item (results, j);

          if (g_str_equal (lk_device_get_device_name (item), kinds[i].name))
            device = g_steal_pointer (&item);
        }
      g_assert_nonnull (device);
      badge = only_badge (GTK_WIDGET (row_for (fixture, device)));
      g_assert_cmpstr (lk_capability_badge_get_text (badge), ==, kinds[i].label);
      gtk_test_accessible_assert_property (badge, GTK_ACCESSIBLE_PROPERTY_LABEL, kinds[i].accessible);
      /* The tooltip names the options and still says why there is no passcode action. */
      g_assert_true (g_str_has_prefix (badge_tooltip (badge), kinds[i].accessible));
      g_assert_nonnull (strstr (badge_tooltip (badge), "passcode"));

      lk_window_show_device (fixture->window, device);
      badge = only_badge (GTK_WIDGET (device_page (fixture)));
      g_assert_cmpstr (lk_capability_badge_get_text (badge), ==, kinds[i].label);
    }
}

static GtkCheckButton *
filter_toggle (Fixture    *fixture,
               const char *label)
{
  return lk_test_find_check_button (GTK_WIDGET (fixture->window), label);
}

/* Devices of @platform (-1: any) and @owner (NULL: any). */
static guint
count_matching (GListModel *model,
                int         platform,
                const char *owner)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (model, i);

      if ((platform < 0
           || (int) lk_platform_from_operating_system (lk_device_get_operating_system (device)) == platform)
          && (owner == NULL || g_strcmp0 (lk_device_get_owner_type (device), owner) == 0))
        n++;
    }
  return n;
}

/* The platform and ownership toggles filter the listing client-side, without a new request. */
void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  GListModel *results = lk_window_get_results (fixture->window);
  GtkCheckButton *android = filter_toggle (fixture, "Android");
  GtkCheckButton *personal = filter_toggle (fixture, "Personal");
  guint all, n_android, n_personal, requests;

  lk_window_set_demo (fixture->window, TRUE);
  search (fixture, "");
  all = g_list_model_get_n_items (results);
  n_android = count_matching (results, LK_PLATFORM_ANDROID, NULL);
  g_assert_cmpuint (n_android, >, 0);
  requests = lk_sandbox_count_requests (fixture->sandbox, "GET", "managedDevices");

  gtk_check_button_set_active (android, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, all - n_android);
  g_assert_cmpuint (count_matching (results, LK_PLATFORM_ANDROID, NULL), ==, 0);

  n_personal = count_matching (results, -1, "personal");
  g_assert_cmpuint (n_personal, >, 0);
  gtk_check_button_set_active (personal, FALSE);
  g_assert_cmpuint (count_matching (results, -1, "personal"), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, all - n_android - n_personal);

  gtk_check_button_set_active (android, TRUE);
  gtk_check_button_set_active (personal, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, all);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "managedDevices"), ==, requests);
}

/* A filter changes the devices behind the rows GTK keeps: each row then shows the device at
 * its position, opens it when activated, and the list view counts what the list holds. */
void
test_rows_follow_filter (Fixture       *fixture,
                         gconstpointer  data)
{
  GListModel *results = lk_window_get_results (fixture->window);
  GtkCheckButton *android = filter_toggle (fixture, "Android");
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  guint all, n_android;

  lk_window_set_demo (fixture->window, TRUE);
  search_all (fixture, "");
  all = g_list_model_get_n_items (results);
  n_android = count_matching (results, LK_PLATFORM_ANDROID, NULL);
  window_rows_assert_count (fixture->window, all);
  window_rows_assert_open_devices (fixture->window);
  before = window_rows_collect (fixture->window);

  gtk_check_button_set_active (android, FALSE);
  window_rows_assert_count (fixture->window, all - n_android);
  g_assert_true (lk_test_wait_until (window_rows_in_list_order, fixture->window));
  after = window_rows_collect (fixture->window);
  /* The same row widgets, fewer of them: the list only lost devices at its end. */
  g_assert_cmpuint (after->len, <=, before->len);
  for (guint i = 0; i < after->len; i++)
    g_assert_true (g_ptr_array_find (before, g_ptr_array_index (after, i), NULL));
  for (guint i = 0; i < after->len; i++)
    g_assert_cmpint (lk_platform_from_operating_system (lk_device_get_operating_system (
                       lk_device_row_get_device (g_ptr_array_index (after, i)))), !=, LK_PLATFORM_ANDROID);
  window_rows_assert_open_devices (fixture->window);

  gtk_check_button_set_active (android, TRUE);
  window_rows_assert_count (fixture->window, all);
  window_rows_assert_open_devices (fixture->window);
}

static GtkWidget *
filter_button (Fixture *fixture)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  lk_test_collect_widgets (GTK_WIDGET (fixture->window), GTK_TYPE_MENU_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (gtk_menu_button_get_popover (g_ptr_array_index (buttons, i)) != NULL
        && gtk_menu_button_get_menu_model (g_ptr_array_index (buttons, i)) == NULL)
      return g_ptr_array_index (buttons, i);
  g_error ("no filter button");
  return NULL;
}

/* Filters that hide every device found say so, offer to show all, and mark their button. */
void
test_filtered_empty (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *platforms[] = { "iOS/iPadOS/visionOS", "Android", "Windows" };
  GtkWidget *button = filter_button (fixture);
  guint found;

  search_all (fixture, "giulia");
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "results");
  g_assert_false (gtk_widget_has_css_class (button, "filter-active"));
  /* A filter icon, shipped with the app (Adwaita 43 has none). */
  g_assert_cmpstr (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (button)), ==, "lk-filter-symbolic");
  g_assert_true (gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (button)),
                                          "lk-filter-symbolic"));
  found = g_list_model_get_n_items (lk_window_get_results (fixture->window));
  g_assert_cmpuint (found, >, 0);
  for (guint i = 0; i < G_N_ELEMENTS (platforms); i++)
    gtk_check_button_set_active (filter_toggle (fixture, platforms[i]), FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (lk_window_get_results (fixture->window)), ==, 0);
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "filtered-empty");
  g_assert_true (gtk_widget_has_css_class (button, "filter-active"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), !=, "Filter by platform and ownership");
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (fixture->window), lk_test_is_actionable, "win.show-all"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-all", NULL));
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "results");
  g_assert_cmpuint (g_list_model_get_n_items (lk_window_get_results (fixture->window)), ==, found);
  g_assert_false (gtk_widget_has_css_class (button, "filter-active"));
  for (guint i = 0; i < G_N_ELEMENTS (platforms); i++)
    g_assert_true (gtk_check_button_get_active (filter_toggle (fixture, platforms[i])));

  /* A new search under an active filter lands on the same page, not on an empty list. */
  gtk_check_button_set_active (filter_toggle (fixture, "iOS/iPadOS/visionOS"), FALSE);
  gtk_check_button_set_active (filter_toggle (fixture, "Windows"), FALSE);
  search_all (fixture, "giulia.bianchi");
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "filtered-empty");
}

static guint
selected_position (Fixture *fixture)
{
  GtkListView *list = GTK_LIST_VIEW (lk_test_find_widget (GTK_WIDGET (fixture->window), lk_test_is_type,
                                                          GSIZE_TO_POINTER (GTK_TYPE_LIST_VIEW)));

  return gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (list)));
}

static guint
result_position (Fixture  *fixture,
                 LkDevice *device)
{
  GListModel *results = lk_window_get_results (fixture->window);

  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) item = g_list_model_get_item (results, i);

      if (g_str_equal (lk_device_get_id (item), lk_device_get_id (device)))
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

/* The device pane shows a device only while the list does; the open device's row is selected. */
void
test_pane_follows_results (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(LkDevice) iphone = device_with_rule (fixture, "ios-corporate");
  g_autofree char *name = g_strdup (lk_device_get_device_name (iphone));
  LkDevicePage *page = device_page (fixture);

  lk_window_set_demo (fixture->window, FALSE);
  search_all (fixture, name);
  lk_window_show_device (fixture->window, iphone);
  g_assert_true (lk_device_page_get_device (page) == iphone);
  g_assert_cmpuint (selected_position (fixture), ==, result_position (fixture, iphone));
  g_assert_cmpuint (selected_position (fixture), !=, GTK_INVALID_LIST_POSITION);

  /* Searched again and still there: kept, and its row selected in the new list. */
  search_all (fixture, name);
  g_assert_nonnull (lk_device_page_get_device (page));
  g_assert_cmpstr (lk_device_get_id (lk_device_page_get_device (page)), ==, lk_device_get_id (iphone));
  g_assert_cmpuint (selected_position (fixture), ==, result_position (fixture, iphone));

  /* A search that does not find it clears the pane. */
  search_all (fixture, "no device is called this");
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "no-results");
  g_assert_null (lk_device_page_get_device (page));

  search_all (fixture, name);
  lk_window_show_device (fixture->window, iphone);
  search_all (fixture, "rossi");
  g_assert_cmpuint (result_position (fixture, iphone), ==, GTK_INVALID_LIST_POSITION);
  g_assert_null (lk_device_page_get_device (page));
  g_assert_cmpuint (selected_position (fixture), ==, GTK_INVALID_LIST_POSITION);

  /* Hidden by a filter: the same. */
  search_all (fixture, name);
  lk_window_show_device (fixture->window, iphone);
  gtk_check_button_set_active (filter_toggle (fixture, "iOS/iPadOS/visionOS"), FALSE);
  g_assert_null (lk_device_page_get_device (page));
}

/* Lets the frame clock lay the window out: by the clock, as iterations can be too quick. */
static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 300 * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static gboolean
is_mapped_scrolled (GtkWidget     *widget,
                    gconstpointer  data)
{
  return GTK_IS_SCROLLED_WINDOW (widget) && gtk_widget_get_mapped (widget);
}

typedef struct
{
  Fixture       *fixture;
  GtkAdjustment *adjustment;
} PageScroll;

/* The page's own scrolled window (not the one inside its "No Device Selected" status page) is
 * laid out with more than a screenful in it. */
static gboolean
page_scrollable (gpointer data)
{
  PageScroll *scroll = data;
  GtkWidget *scrolled = lk_test_find_widget (GTK_WIDGET (device_page (scroll->fixture)), is_mapped_scrolled, NULL);

  if (scrolled == NULL)
    return FALSE;
  scroll->adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  return gtk_adjustment_get_upper (scroll->adjustment) > gtk_adjustment_get_page_size (scroll->adjustment) + 100;
}

static gboolean
page_at_top (gpointer data)
{
  return gtk_adjustment_get_value (((PageScroll *) data)->adjustment) == 0;
}

/* Each device opens at the top of its page. Waits for layout, not for a time: under ASan on a
 * busy machine a frame can take longer than any fixed pause. */
void
test_scroll_reset (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(LkDevice) iphone = device_with_rule (fixture, "ios-corporate");
  g_autoptr(LkDevice) android = device_with_rule (fixture, "android-dedicated");
  PageScroll scroll = { fixture, NULL };

  lk_window_show_device (fixture->window, iphone);
  g_assert_true (lk_test_wait_until (page_scrollable, &scroll));
  gtk_adjustment_set_value (scroll.adjustment, gtk_adjustment_get_upper (scroll.adjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (scroll.adjustment), >, 100);

  lk_window_show_device (fixture->window, android);
  g_assert_true (lk_test_wait_until (page_at_top, &scroll));
  settle ();
  g_assert_cmpfloat (gtk_adjustment_get_value (scroll.adjustment), ==, 0);
}

static gboolean
is_in (GtkWidget *widget,
       GtkWidget *ancestor)
{
  return widget != NULL && (widget == ancestor || gtk_widget_is_ancestor (widget, ancestor));
}

/* Search + Enter opens the first device with the focus on its page, not on its action: a second
 * Enter must not start a passcode action. Property rows are not tab stops. */
void
test_enter_focus (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GtkWidget *entry = lk_test_find_widget (GTK_WIDGET (fixture->window), lk_test_is_type,
                                          GSIZE_TO_POINTER (GTK_TYPE_SEARCH_ENTRY));
  GtkWidget *action = NULL;
  GtkWidget *focus;
  guint properties = 0;

  search_all (fixture, "giulia");
  gtk_widget_grab_focus (entry);
  g_signal_emit_by_name (entry, "activate");
  settle ();
  g_assert_nonnull (lk_device_page_get_device (device_page (fixture)));
  g_assert_cmpuint (selected_position (fixture), ==, 0);
  focus = gtk_window_get_focus (GTK_WINDOW (fixture->window));
  g_assert_true (is_in (focus, GTK_WIDGET (device_page (fixture))));
  g_assert_null (gtk_widget_get_ancestor (focus, GTK_TYPE_BUTTON));
  g_assert_false (GTK_IS_BUTTON (focus));
  action = lk_test_find_widget (GTK_WIDGET (device_page (fixture)), lk_test_is_actionable, "win.start-action");
  g_assert_true (gtk_widget_get_visible (action));
  g_assert_false (gtk_widget_has_focus (action));

  lk_test_collect_widgets (GTK_WIDGET (device_page (fixture)), ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (rows, i), "property"))
      {
        g_assert_false (gtk_widget_get_focusable (g_ptr_array_index (rows, i)));
        properties++;
      }
  g_assert_cmpuint (properties, >, 5);

  /* Folded to a phone's width, opening a device from the list puts the focus on its page too. */
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 700);
  settle ();
  gtk_widget_grab_focus (entry);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.back", NULL));
  g_signal_emit_by_name (entry, "activate");
  settle ();
  focus = gtk_window_get_focus (GTK_WINDOW (fixture->window));
  g_assert_true (is_in (focus, GTK_WIDGET (device_page (fixture))));
  g_assert_false (GTK_IS_BUTTON (focus));
}

/* A screen reader names each result: device, user and passcode state. */
void
test_row_accessible_names (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(LkDevice) iphone = device_with_rule (fixture, "ios-corporate");
  g_autofree char *expected = NULL;
  LkDeviceRow *row;

  lk_window_set_demo (fixture->window, FALSE);
  search_all (fixture, lk_device_get_device_name (iphone));
  row = row_for (fixture, iphone);
  g_assert_nonnull (row);
  expected = g_strdup_printf ("%s, %s, Can remove passcode", lk_device_get_device_name (iphone),
                              lk_device_get_user_display_name (iphone));
  gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_LABEL, expected);
  /* The focusable list item around it carries the same name. */
  gtk_test_accessible_assert_property (gtk_widget_get_parent (GTK_WIDGET (row)),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, expected);
}

static gboolean
acts_when_stale (LkCapability  *capability,
                 gconstpointer  stale)
{
  return lk_capability_can_act (capability)
         && (lk_capability_get_stale_note (capability) != NULL) == GPOINTER_TO_INT (stale);
}

/* Every device that can be helped carries the same positive state; the warning sign only on one
 * whose caveat changes the outcome (not checked in for weeks: the action would wait). */
void
test_badge_warning_only_when_stale (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(LkDevice) fresh = demo_device_where (fixture, acts_when_stale, GINT_TO_POINTER (FALSE));
  g_autoptr(LkDevice) stale = demo_device_where (fixture, acts_when_stale, GINT_TO_POINTER (TRUE));
  LkDevice *devices[2];

  g_assert_nonnull (fresh);
  g_assert_nonnull (stale);
  devices[0] = fresh;
  devices[1] = stale;
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GPtrArray) badges = g_ptr_array_new ();
      g_autoptr(GPtrArray) images = g_ptr_array_new ();
      LkDeviceRow *row;
      GtkWidget *badge;

      lk_window_set_demo (fixture->window, FALSE);
      search_all (fixture, lk_device_get_device_name (devices[i]));
      row = row_for (fixture, devices[i]);
      g_assert_nonnull (row);
      lk_test_collect_widgets (GTK_WIDGET (row), LK_TYPE_CAPABILITY_BADGE, badges);
      badge = g_ptr_array_index (badges, 0);
      g_assert_true (gtk_widget_has_css_class (badge, "supported"));
      g_assert_true (g_str_has_prefix (lk_capability_badge_get_text (LK_CAPABILITY_BADGE (badge)), "Can "));
      lk_test_collect_widgets (badge, GTK_TYPE_IMAGE, images);
      g_assert_cmpstr (gtk_image_get_icon_name (g_ptr_array_index (images, 0)), ==,
                       i == 0 ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
      g_assert_true (gtk_widget_has_css_class (badge, "stale") == (i == 1));
      g_assert_true ((strstr (badge_tooltip (LK_CAPABILITY_BADGE (badge)), "checked in") != NULL) == (i == 1));
    }
}

static const char *const badge_classes[] = { "unknown", "unsupported", "supported", "unlock", "stale" };

/* The badge's state classes, space-separated, in badge_classes' order. */
static char *
badge_class_list (GtkWidget *badge)
{
  GString *classes = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (badge_classes); i++)
    if (gtk_widget_has_css_class (badge, badge_classes[i]))
      g_string_append_printf (classes, "%s%s", classes->len > 0 ? " " : "", badge_classes[i]);
  return g_string_free (classes, FALSE);
}

/* What a badge shows for @device, made by a badge that never showed another. */
static void
assert_badge_shows (LkCapabilityBadge *badge,
                    LkDevice          *device)
{
  g_autoptr(LkCapabilityBadge) fresh = g_object_ref_sink (LK_CAPABILITY_BADGE (lk_capability_badge_new ()));
  g_autofree char *classes = NULL;
  g_autofree char *fresh_classes = NULL;
  g_autoptr(GPtrArray) images = g_ptr_array_new ();
  g_autoptr(GPtrArray) fresh_images = g_ptr_array_new ();

  lk_capability_badge_set_device (fresh, device);
  classes = badge_class_list (GTK_WIDGET (badge));
  fresh_classes = badge_class_list (GTK_WIDGET (fresh));
  g_assert_cmpstr (classes, ==, fresh_classes);
  g_assert_cmpstr (lk_capability_badge_get_text (badge), ==, lk_capability_badge_get_text (fresh));
  g_assert_cmpstr (badge_tooltip (badge), ==, badge_tooltip (fresh));
  g_assert_nonnull (lk_capability_badge_get_tooltip (badge));
  lk_test_collect_widgets (GTK_WIDGET (badge), GTK_TYPE_IMAGE, images);
  lk_test_collect_widgets (GTK_WIDGET (fresh), GTK_TYPE_IMAGE, fresh_images);
  g_assert_cmpstr (gtk_image_get_icon_name (g_ptr_array_index (images, 0)), ==,
                   gtk_image_get_icon_name (g_ptr_array_index (fresh_images, 0)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (badge)));
}

/* A badge changes only what differs when a row takes another device (a long list scrolling):
 * rebound through every state and back, to devices of the same state, it shows each device's
 * words, classes and tooltip exactly as a new badge would. */
void
test_badge_rebound (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(LkCapabilityBadge) badge = g_object_ref_sink (LK_CAPABILITY_BADGE (lk_capability_badge_new ()));
  g_autofree char *classes = NULL;
  GtkTooltip *tooltip;
  gboolean answered = TRUE;
  GListModel *results;
  guint same_state = 0;

  lk_window_set_demo (fixture->window, TRUE);
  search (fixture, "");
  results = lk_window_get_results (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (results), >=, 10);
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < g_list_model_get_n_items (results); i++)
      {
        g_autoptr(LkDevice) device = g_list_model_get_item (results, i);
        g_autofree char *before = NULL;
        g_autofree char *after = NULL;

        before = badge_class_list (GTK_WIDGET (badge));
        lk_capability_badge_set_device (badge, device);
        after = badge_class_list (GTK_WIDGET (badge));
        same_state += g_str_equal (before, after);
        assert_badge_shows (badge, device);
      }
  /* The demo tenant has neighbours in the same state: the case that changes nothing. */
  g_assert_cmpuint (same_state, >, 0);

  lk_capability_badge_set_device (badge, NULL);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (badge)));
  g_assert_null (lk_capability_badge_get_tooltip (badge));
  tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  g_signal_emit_by_name (badge, "query-tooltip", 1, 1, FALSE, tooltip, &answered);
  g_object_unref (tooltip);
  g_assert_false (answered);
  classes = badge_class_list (GTK_WIDGET (badge));
  g_assert_cmpstr (classes, ==, "");
}

/* A serial number or IMEI search shows, in the row, the field that matched. */
void
test_row_shows_matched_field (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(LkDevice) iphone = NULL;
  g_autoptr(LkDevice) android = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *imei = NULL;
  GListModel *results = lk_window_get_results (fixture->window);

  lk_window_set_demo (fixture->window, TRUE);
  search_all (fixture, "");
  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);

      if (iphone == NULL && lk_device_get_serial_number (device) != NULL && lk_device_get_device_name (device) != NULL)
        iphone = g_object_ref (device);
      else if (android == NULL && lk_device_get_imei (device) != NULL)
        android = g_object_ref (device);
    }
  g_assert_nonnull (iphone);
  g_assert_nonnull (android);
  serial = g_strdup_printf ("Serial number %s", lk_device_get_serial_number (iphone));
  imei = g_strdup_printf ("IMEI %s", lk_device_get_imei (android));
  LkDeviceRow *row;

  lk_window_set_demo (fixture->window, FALSE);
  search_all (fixture, lk_device_get_serial_number (iphone));
  row = row_for (fixture, iphone);
  g_assert_nonnull (row);
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (row), label_contains, serial));

  search_all (fixture, lk_device_get_imei (android));
  row = row_for (fixture, android);
  g_assert_nonnull (row);
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (row), label_contains, imei));

  /* A name search shows the model, as before. */
  search_all (fixture, lk_device_get_device_name (iphone));
  row = row_for (fixture, iphone);
  g_assert_null (lk_test_find_widget (GTK_WIDGET (row), label_contains, "Serial number"));
}

/* Mnemonics stay out of accessible names, on the window and the device page (Sync Device). */
void
test_mnemonics_accessible (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(LkDevice) iphone = device_with_rule (fixture, "ios-corporate");

  lk_window_show_device (fixture->window, iphone);
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (fixture->window), lk_test_is_button, "_Sync Device"));
  g_assert_cmpuint (lk_test_assert_mnemonics_not_in_accessible_names (GTK_WIDGET (fixture->window)), >=, 5);
}

