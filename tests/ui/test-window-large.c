/* test-window-large.c: the real window with a generated tenant of 25 000 devices (more than the
 * device list classifies on the main thread, and than it changes in one step): the ranked
 * order it shows and what the platform and ownership toggles leave are exactly those of the
 * devices sorted afresh, before and after a new search; and that the rows GTK shows hold, in
 * their order, the devices at their positions, open the device shown when activated, and are
 * kept (the same widgets) when a filter changes every device behind them. Not timed: lk-bench
 * times this.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "../lk-test-widgets.h"

#include "../lk-test-common.h"

#include <adwaita.h>

#include "lk-capability.h"
#include "lk-device-list.h"
#include "lk-device-query.h"
#include "lk-device-page.h"
#include "lk-device-row.h"
#include "lk-result-slots.h"
#include "lk-sandbox.h"
#include "lk-window.h"
#include "window-rows.h"

#define N_DEVICES 25000
#define SCOPES "DeviceManagementManagedDevices.Read.All"

typedef struct
{
  LkSandbox     *sandbox;
  LkGraphClient *client;
  LkWindow      *window;
  guint          blank_rows;  /* seen blank right after a change of the list */
} Fixture;

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *graph_url = NULL;
  g_autofree char *token = NULL;
  g_autoptr(LkStaticToken) tokens = NULL;

  fixture->sandbox = lk_sandbox_new ();
  lk_sandbox_generate_devices (fixture->sandbox, N_DEVICES, 18);
  g_assert_true (lk_sandbox_start (fixture->sandbox, &error));
  graph_url = lk_sandbox_get_graph_url (fixture->sandbox);
  token = lk_sandbox_mint_access_token (fixture->sandbox, SCOPES, 3600);
  tokens = lk_static_token_new (token);
  fixture->client = lk_graph_client_new (graph_url, "beta", LK_TOKEN_PROVIDER (tokens));
  lk_graph_client_set_rate_limit (fixture->client, 100000, 100000, 20000);

  fixture->window = lk_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 700);
  lk_window_set_demo (fixture->window, TRUE);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  g_object_ref (fixture->window);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  lk_test_assert_finalized_soon (fixture->window);
  lk_test_assert_finalized_soon (fixture->client);
  lk_sandbox_stop (fixture->sandbox);
  g_assert_finalize_object (fixture->sandbox);
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GPtrArray **devices = user_data;
  g_autoptr(GError) error = NULL;

  *devices = lk_graph_client_list_devices_finish (LK_GRAPH_CLIENT (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

/* What @text finds, sorted afresh: the order the window must show. */
static GPtrArray *
expected_for (Fixture    *fixture,
              const char *text)
{
  g_autoptr(LkDeviceQuery) query = lk_device_query_new (text);
  g_autoptr(GPtrArray) listed = NULL;
  GPtrArray *sorted;

  lk_graph_client_list_devices_async (fixture->client, query, NULL, NULL, NULL, NULL, listed_cb, &listed);
  g_assert_true (lk_test_wait_until (is_set, &listed));
  sorted = g_ptr_array_copy (listed, (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
  g_ptr_array_set_free_func (sorted, g_object_unref);
  /* Shuffled first, so the sort alone makes the order. */
  for (guint i = sorted->len; i > 1; i--)
    {
      guint j = g_random_int_range (0, (gint32) i);
      gpointer swap = sorted->pdata[i - 1];

      sorted->pdata[i - 1] = sorted->pdata[j];
      sorted->pdata[j] = swap;
    }
  lk_device_query_sort (query, sorted);
  return sorted;
}

typedef struct
{
  Fixture   *fixture;
  GPtrArray *expected;
  gboolean   no_android;
  gboolean   no_personal;
} Shown;

static gboolean
passes (Shown    *shown,
        LkDevice *device)
{
  LkPlatform platform = lk_platform_from_operating_system (lk_device_get_operating_system (device));

  if (shown->no_android && platform == LK_PLATFORM_ANDROID)
    return FALSE;
  return !(shown->no_personal && g_strcmp0 (lk_device_get_owner_type (device), "personal") == 0);
}

/* The window shows exactly the expected devices that pass the toggles, in their order. */
static gboolean
shows_expected (gpointer data)
{
  Shown *shown = data;
  GListModel *results = lk_window_get_results (shown->fixture->window);
  const char *state = lk_window_get_state (shown->fixture->window);
  guint position = 0;

  if (!lk_device_list_is_settled (LK_DEVICE_LIST (results)) || g_strcmp0 (state, "searching") == 0)
    return FALSE;
  for (guint i = 0; i < shown->expected->len; i++)
    {
      LkDevice *device = g_ptr_array_index (shown->expected, i);
      g_autoptr(LkDevice) item = NULL;

      if (!passes (shown, device))
        continue;
      item = g_list_model_get_item (results, position++);
      if (item == NULL || g_strcmp0 (lk_device_get_id (item), lk_device_get_id (device)) != 0)
        return FALSE;
    }
  return position == g_list_model_get_n_items (results);
}

/* A long list's rows fill in a few per frame: soon every row the list view holds shows a
 * device, and one the list shows (not one a filter has just hidden). */
static gboolean
rows_filled (gpointer data)
{
  Fixture *fixture = data;
  GListModel *results = lk_window_get_results (fixture->window);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GHashTable) shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) item = g_list_model_get_item (results, i);

      g_hash_table_add (shown, g_strdup (lk_device_get_id (item)));
    }
  lk_test_collect_widgets (GTK_WIDGET (fixture->window), LK_TYPE_DEVICE_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      LkDevice *device = lk_device_row_get_device (g_ptr_array_index (rows, i));

      if (device == NULL || !g_hash_table_contains (shown, lk_device_get_id (device)))
        return FALSE;
    }
  return rows->len > 0;
}

/* What rows_filled() found wrong, when the wait runs out: which rows, where. */
static void
report_unfilled (Fixture *fixture)
{
  GListModel *results = lk_window_get_results (fixture->window);
  GtkListView *view = window_rows_view (fixture->window);
  GListModel *slots = G_LIST_MODEL (gtk_list_view_get_model (view));
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  g_autoptr(GPtrArray) rows = window_rows_collect (fixture->window);

  g_test_message ("devices %u, items the view was told of %u, scrolled %.0f of %.0f (page %.0f), view %s",
                  g_list_model_get_n_items (results), g_list_model_get_n_items (slots),
                  gtk_adjustment_get_value (adjustment), gtk_adjustment_get_upper (adjustment),
                  gtk_adjustment_get_page_size (adjustment),
                  gtk_widget_get_mapped (GTK_WIDGET (view)) ? "mapped" : "not mapped");
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      LkDevice *device = lk_device_row_get_device (LK_DEVICE_ROW (row));

      g_test_message ("row %u: %s at %u, opacity %.0f, %s", i,
                      device != NULL ? lk_device_get_id (device) : "(none)",
                      device != NULL ? lk_device_list_find (LK_DEVICE_LIST (results), device) : G_MAXUINT,
                      gtk_widget_get_opacity (row), gtk_widget_get_mapped (row) ? "mapped" : "not mapped");
    }
}

static void
check_shown (Shown    *shown,
             gboolean  no_android,
             gboolean  no_personal)
{
  shown->no_android = no_android;
  shown->no_personal = no_personal;
  g_assert_true (lk_test_wait_until (shows_expected, shown));
  if (!lk_test_wait_until (rows_filled, shown->fixture))
    {
      report_unfilled (shown->fixture);
      g_error ("Rows the list view holds were still blank or showed devices the list does not show (above)");
    }
}

static void
test_ranked_and_filtered (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) all = expected_for (fixture, "");
  g_autoptr(GPtrArray) found = NULL;
  GtkCheckButton *android = lk_test_find_check_button (GTK_WIDGET (fixture->window), "Android");
  GtkCheckButton *personal = lk_test_find_check_button (GTK_WIDGET (fixture->window), "Personal");
  GListModel *results = lk_window_get_results (fixture->window);
  Shown shown = { fixture, all, FALSE, FALSE };

  g_assert_cmpuint (all->len, ==, N_DEVICES);
  lk_window_set_client (fixture->window, fixture->client);
  check_shown (&shown, FALSE, FALSE);
  g_assert_cmpuint (lk_device_list_get_n_all (LK_DEVICE_LIST (results)), ==, N_DEVICES);

  gtk_check_button_set_active (android, FALSE);
  check_shown (&shown, TRUE, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (results), <, N_DEVICES);
  gtk_check_button_set_active (personal, FALSE);
  check_shown (&shown, TRUE, TRUE);
  gtk_check_button_set_active (android, TRUE);
  check_shown (&shown, FALSE, TRUE);

  /* A new search streams in under the filter, and its ranking too. */
  found = expected_for (fixture, "rossi");
  g_assert_cmpuint (found->len, >, 0);
  shown.expected = found;
  lk_window_search (fixture->window, "rossi");
  check_shown (&shown, FALSE, TRUE);

  /* Back to every device, every toggle on. */
  gtk_check_button_set_active (personal, TRUE);
  shown.expected = all;
  lk_window_search (fixture->window, "");
  check_shown (&shown, FALSE, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, N_DEVICES);
}

static gboolean
has_n_items (gpointer data)
{
  Fixture *fixture = data;

  /* Three pages of 1000: the fourth is held. */
  return g_list_model_get_n_items (lk_window_get_results (fixture->window)) >= 3000;
}

/* The rows follow the devices: while pages stream in, after the ranking and after a filter,
 * which changes every device behind the rows GTK keeps. */
static void
count_blank_rows (Fixture *fixture)
{
  fixture->blank_rows += window_rows_assert_honest (fixture->window);
}

static void
count_page_set (guint *sets)
{
  (*sets)++;
}

static void
test_rows_follow (Fixture       *fixture,
                  gconstpointer  data)
{
  /* The fourth page waits: the listing is caught half-way, pages shown, search going on. */
  LkFault hold = { .kind = LK_FAULT_DELAY, .path_contains = "/managedDevices", .skip = 3, .delay_ms = 60000 };
  GtkCheckButton *android = lk_test_find_check_button (GTK_WIDGET (fixture->window), "Android");
  LkDeviceList *results = LK_DEVICE_LIST (lk_window_get_results (fixture->window));
  g_autoptr(GPtrArray) all = expected_for (fixture, "");
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  Shown shown = { fixture, all, FALSE, FALSE };
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (window_rows_view (fixture->window)));
  LkDevicePage *page = LK_DEVICE_PAGE (lk_test_find_widget (GTK_WIDGET (fixture->window), lk_test_is_type,
                                                            GSIZE_TO_POINTER (LK_TYPE_DEVICE_PAGE)));
  g_autoptr(LkDevice) open = NULL;
  guint n_all, page_sets = 0;
  gulong blank_id, page_set_id;

  lk_sandbox_add_fault (fixture->sandbox, &hold);
  lk_window_set_client (fixture->window, fixture->client);
  g_assert_true (lk_test_wait_until (has_n_items, fixture));
  n_all = lk_device_list_get_n_all (results);
  g_assert_cmpuint (n_all, <, N_DEVICES);
  window_rows_assert_count (fixture->window, n_all);
  window_rows_assert_open_devices (fixture->window);

  /* A filter while the pages stream. */
  gtk_check_button_set_active (android, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (results)), <, n_all);
  window_rows_assert_count (fixture->window, g_list_model_get_n_items (G_LIST_MODEL (results)));
  window_rows_assert_open_devices (fixture->window);
  gtk_check_button_set_active (android, TRUE);
  window_rows_assert_count (fixture->window, n_all);
  g_assert_true (lk_test_wait_until (window_rows_in_list_order, fixture->window));

  /* The whole listing, ranked: the device left open is found in it and selected again. */
  lk_sandbox_clear_faults (fixture->sandbox);
  /* By its id: the page answers with its own single-device GET's copy once that is read, which
   * may be before or after this. The page is never set again meanwhile (closed or reopened). */
  open = g_object_ref (lk_device_page_get_device (page));
  page_set_id = g_signal_connect_swapped (page, "notify::device", G_CALLBACK (count_page_set), &page_sets);
  lk_window_search (fixture->window, "");
  check_shown (&shown, FALSE, FALSE);
  window_rows_assert_count (fixture->window, N_DEVICES);
  g_signal_handler_disconnect (page, page_set_id);
  g_assert_cmpuint (page_sets, ==, 0);
  g_assert_cmpstr (lk_device_get_id (lk_device_page_get_device (page)), ==, lk_device_get_id (open));
  g_assert_cmpstr (lk_device_get_id (lk_result_slot_get_device (gtk_single_selection_get_selected_item (selection))),
                   ==, lk_device_get_id (open));
  window_rows_assert_open_devices (fixture->window);

  /* Android off: GTK keeps its rows (the same widgets), which show the devices now there. */
  before = window_rows_collect (fixture->window);
  blank_id = g_signal_connect_swapped (results, "items-changed", G_CALLBACK (count_blank_rows), fixture);
  gtk_check_button_set_active (android, FALSE);
  check_shown (&shown, TRUE, FALSE);
  window_rows_assert_count (fixture->window, g_list_model_get_n_items (G_LIST_MODEL (results)));
  window_rows_assert_open_devices (fixture->window);
  after = window_rows_collect (fixture->window);
  g_signal_handler_disconnect (results, blank_id);
  /* The rows were blank between the change and their filling, never another device's. */
  g_assert_cmpuint (fixture->blank_rows, >, 0);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < after->len; i++)
    g_assert_true (g_ptr_array_find (before, g_ptr_array_index (after, i), NULL));

  /* The open device stays selected across the filter, found where it moved. */
  g_set_object (&open, lk_device_row_get_device (g_ptr_array_index (after, after->len / 2)));
  lk_window_show_device (fixture->window, open);
  gtk_check_button_set_active (android, TRUE);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, lk_device_list_find (results, open));
  g_assert_true (lk_result_slot_get_device (gtk_single_selection_get_selected_item (selection)) == open);
}

static gboolean
at_top_with_rows_filled (gpointer data)
{
  Fixture *fixture = data;
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (window_rows_view (fixture->window)));

  return gtk_adjustment_get_value (adjustment) == 0 && rows_filled (fixture);
}

static gboolean
laid_out (gpointer data)
{
  GtkAdjustment *adjustment = data;

  /* Every row at least ten pixels high. */
  return gtk_adjustment_get_upper (adjustment) > N_DEVICES * 10;
}

static gboolean
scrolled_far (gpointer data)
{
  Fixture *fixture = data;
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (window_rows_view (fixture->window)));

  return gtk_adjustment_get_value (adjustment) > gtk_adjustment_get_page_size (adjustment) * 100 && rows_filled (fixture);
}

/* The rows GTK holds once they stay the same over a few turns of the main loop (a scroll
 * settles over a frame or two). */
static GPtrArray *
settled_rows (Fixture *fixture)
{
  g_autoptr(GPtrArray) rows = window_rows_collect (fixture->window);
  gint64 deadline = lk_test_deadline ();

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GPtrArray) again = NULL;
      gboolean same;

      for (guint i = 0; i < 20; i++)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (5000);
        }
      again = window_rows_collect (fixture->window);
      same = again->len == rows->len;
      for (guint i = 0; same && i < again->len; i++)
        same = g_ptr_array_index (again, i) == g_ptr_array_index (rows, i);
      if (same)
        return g_steal_pointer (&rows);
      g_ptr_array_unref (g_steal_pointer (&rows));
      rows = g_steal_pointer (&again);
    }
  g_assert_not_reached ();
}

/* A new search with the list scrolled far down: the rows GTK held are kept (the same widgets:
 * lk-result-slots.c gathers them at the new end instead of GTK making and destroying rows all
 * the way down), the new results are shown from the top, each row showing its device. */
static void
test_new_search_scrolled (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) all = expected_for (fixture, "");
  g_autoptr(GPtrArray) found = expected_for (fixture, "rossi");
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  Shown shown = { fixture, all, FALSE, FALSE };
  GtkAdjustment *adjustment;
  guint kept = 0;

  lk_window_set_client (fixture->window, fixture->client);
  check_shown (&shown, FALSE, FALSE);
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (window_rows_view (fixture->window)));
  g_assert_true (lk_test_wait_until (laid_out, adjustment));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) / 2);
  g_assert_true (lk_test_wait_until (scrolled_far, fixture));
  before = settled_rows (fixture);

  shown.expected = found;
  lk_window_search (fixture->window, "rossi");
  check_shown (&shown, FALSE, FALSE);
  window_rows_assert_count (fixture->window, found->len);
  g_assert_true (lk_test_wait_until (at_top_with_rows_filled, fixture));
  window_rows_assert_honest (fixture->window);
  g_assert_true (lk_test_wait_until (window_rows_in_list_order, fixture->window));
  after = window_rows_collect (fixture->window);
  for (guint i = 0; i < after->len; i++)
    kept += g_ptr_array_find (before, g_ptr_array_index (after, i), NULL);
  g_test_message ("rows before: %u, after: %u, of which kept: %u; devices found: %u", before->len, after->len, kept,
                  found->len);
  /* A row may go while the list waits for its next page and come back with it (how many
   * depends on the pages' pace); told a step at a time all the way down, GTK had made new
   * rows throughout, and none of the first would be left. */
  g_assert_cmpuint (kept * 2, >=, after->len);
}

/* The scrollbar dragged: GTK rebinds every row it keeps to a far position each frame. */
typedef struct
{
  Fixture       *fixture;
  GtkAdjustment *adjustment;
  guint          steps;
  guint          frames;
  guint          filled;      /* rows seen showing a device while the scrollbar moved */
} Jump;

static gboolean
jump_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Jump *jump = user_data;
  double span = gtk_adjustment_get_upper (jump->adjustment) - gtk_adjustment_get_page_size (jump->adjustment);

  /* lk-bench's "jump": a far position each frame, all over the list. */
  jump->steps++;
  gtk_adjustment_set_value (jump->adjustment, span * ((jump->steps * 7919) % 1000) / 1000.0);
  return G_SOURCE_CONTINUE;
}

static void
jump_layout_cb (GdkFrameClock *clock,
                Jump          *jump)
{
  g_autoptr(GPtrArray) rows = window_rows_collect (jump->fixture->window);

  window_rows_assert_honest (jump->fixture->window);
  for (guint i = 0; i < rows->len; i++)
    jump->filled += lk_device_row_get_device (g_ptr_array_index (rows, i)) != NULL;
  jump->frames++;
}

static gboolean
jumped_enough (gpointer data)
{
  Jump *jump = data;

  return jump->steps >= 40 && jump->frames >= 40;
}

static void
test_rows_jump (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GPtrArray) all = expected_for (fixture, "");
  Shown shown = { fixture, all, FALSE, FALSE };
  GtkListView *view = window_rows_view (fixture->window);
  GdkFrameClock *clock;
  Jump jump = { fixture, gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view)), 0, 0, 0 };
  gulong layout_id;
  guint tick;

  lk_window_set_client (fixture->window, fixture->client);
  check_shown (&shown, FALSE, FALSE);
  window_rows_assert_count (fixture->window, N_DEVICES);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (view));
  layout_id = g_signal_connect_after (clock, "layout", G_CALLBACK (jump_layout_cb), &jump);
  tick = gtk_widget_add_tick_callback (GTK_WIDGET (view), jump_cb, &jump, NULL);
  g_assert_true (lk_test_wait_until (jumped_enough, &jump));
  gtk_widget_remove_tick_callback (GTK_WIDGET (view), tick);
  g_signal_handler_disconnect (clock, layout_id);
  /* Rows are filled while the scrollbar moves, a few each frame, never another's device. */
  g_assert_cmpuint (jump.filled, >, 0);
  g_test_message ("%u jumps, %u frames, %u rows seen filled", jump.steps, jump.frames, jump.filled);

  /* Where it stopped, every row is filled, in the list's order, and opens what it shows. */
  g_assert_true (lk_test_wait_until (rows_filled, fixture));
  window_rows_assert_open_devices (fixture->window);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add ("/window-large/ranked-and-filtered", Fixture, NULL, setup, test_ranked_and_filtered, teardown);
  g_test_add ("/window-large/rows-follow", Fixture, NULL, setup, test_rows_follow, teardown);
  g_test_add ("/window-large/new-search-scrolled", Fixture, NULL, setup, test_new_search_scrolled, teardown);
  g_test_add ("/window-large/rows-jump", Fixture, NULL, setup, test_rows_jump, teardown);
  return g_test_run ();
}
