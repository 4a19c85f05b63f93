/* window-rows.c: checks of the rows the window's list view holds, shared by the window tests.
 *
 * The list view's items are positions (lk-result-slots.c), and a row follows the device at
 * its position: these check, structurally, that what a row shows is what its position holds.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "../lk-test-common.h"
#include "../lk-test-widgets.h"

#include "lk-device-list.h"
#include "lk-device-page.h"
#include "lk-device-row.h"
#include "lk-result-slots.h"
#include "window-rows.h"

GtkListView *
window_rows_view (LkWindow *window)
{
  return GTK_LIST_VIEW (lk_test_find_widget (GTK_WIDGET (window), lk_test_is_type,
                                             GSIZE_TO_POINTER (GTK_TYPE_LIST_VIEW)));
}

GPtrArray *
window_rows_collect (LkWindow *window)
{
  GPtrArray *rows = g_ptr_array_new ();

  lk_test_collect_widgets (GTK_WIDGET (window_rows_view (window)), LK_TYPE_DEVICE_ROW, rows);
  return rows;
}

/* GTK 4.8 keeps its rows as the list view's children in the order of their positions. */
gboolean
window_rows_in_list_order (gpointer data)
{
  LkWindow *window = data;
  LkDeviceList *results = LK_DEVICE_LIST (lk_window_get_results (window));
  g_autoptr(GPtrArray) rows = window_rows_collect (window);
  guint last = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      LkDevice *device = lk_device_row_get_device (g_ptr_array_index (rows, i));
      g_autoptr(LkDevice) held = NULL;
      guint position;

      if (device == NULL)
        return FALSE;
      position = lk_device_list_find (results, device);
      if (position == G_MAXUINT || (i > 0 && position <= last))
        return FALSE;
      held = g_list_model_get_item (G_LIST_MODEL (results), position);
      if (held != device)
        return FALSE;
      last = position;
    }
  return rows->len > 0;
}

static gboolean
counts_agree (gpointer data)
{
  LkWindow *window = data;
  GListModel *shown = G_LIST_MODEL (gtk_list_view_get_model (window_rows_view (window)));

  return g_list_model_get_n_items (shown) == g_list_model_get_n_items (lk_window_get_results (window));
}

/* A long list's length reaches the list view a few rows per idle turn (lk-result-slots.c). */
void
window_rows_assert_count (LkWindow *window,
                          guint     expected)
{
  g_assert_cmpuint (g_list_model_get_n_items (lk_window_get_results (window)), ==, expected);
  g_assert_true (lk_test_wait_until (counts_agree, window));
}

guint
window_rows_assert_honest (LkWindow *window)
{
  GtkListView *view = window_rows_view (window);
  guint blank = 0;

  for (GtkWidget *item = gtk_widget_get_first_child (GTK_WIDGET (view)); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);
      LkDevice *device;

      if (!LK_IS_DEVICE_ROW (row))
        continue;
      device = lk_device_row_get_device (LK_DEVICE_ROW (row));
      if (device == NULL)
        {
          g_assert_cmpfloat (gtk_widget_get_opacity (row), ==, 0);
          blank++;
          continue;
        }
      g_assert_cmpfloat (gtk_widget_get_opacity (row), ==, 1);
      g_assert_true (lk_device_list_find (LK_DEVICE_LIST (lk_window_get_results (window)), device) != G_MAXUINT);
    }
  return blank;
}

/* Opening a device can change what the list view holds (the pane beside it takes its width),
 * and a row bound anew fills a frame later: the rows are waited for before each. */
void
window_rows_assert_open_devices (LkWindow *window)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (window_rows_view (window)));
  LkDevicePage *page = LK_DEVICE_PAGE (lk_test_find_widget (GTK_WIDGET (window), lk_test_is_type,
                                                            GSIZE_TO_POINTER (LK_TYPE_DEVICE_PAGE)));

  for (guint k = 0; k < 8; k++)
    {
      g_autoptr(GPtrArray) rows = NULL;
      LkDeviceRow *row;
      LkDevice *device;

      g_assert_true (lk_test_wait_until (window_rows_in_list_order, window));
      rows = window_rows_collect (window);
      row = g_ptr_array_index (rows, k * (rows->len - 1) / 7);
      device = lk_device_row_get_device (row);
      /* The list item around the row: activating it says its position to the list view. */
      g_assert_true (gtk_widget_activate (gtk_widget_get_parent (GTK_WIDGET (row))));
      g_assert_true (lk_device_page_get_device (page) == device);
      g_assert_true (lk_result_slot_get_device (gtk_single_selection_get_selected_item (selection)) == device);
    }
}
