/* lk-result-rows.c: the rows of the results list, a long list's filled in a few per frame.
 *
 * Each row shows a slot (lk-result-slots.c) and follows its "device": when the results change
 * the list view keeps its rows and each one takes its new device in place.
 *
 * A list longer than a screenful has its rows filled in a few per frame, those nearest the
 * middle of the view first: after its first page or a scrollbar jump GTK 4.8's list view binds
 * and measures up to 200 rows at once, and a change of every device changes as many rows in
 * place, ~0.4 ms each on the benchmark's machine (most of it Pango shaping the labels when GTK
 * measures them). A row waits a frame or two, blank (never showing its last device's labels
 * while its position holds another), instead of the window freezing.
 *
 * The budget is 2 ms a frame, the row's measuring included: GTK's own work for a scrollbar
 * jump (rebinding, laying out and painting 200 rows) is ~7 ms of a frame there, and with 3 ms
 * of filling the frames of lk-bench's "jump" at 1 000 000 devices were 12 ms at p99 against
 * 10 ms, on an idle 2-core VM; five rows a frame still fill a screen in three frames.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "lk-device-row.h"
#include "lk-result-rows.h"
#include "lk-result-slots.h"

#define FILL_LATER_ABOVE 200
#define FILL_BUDGET_US 2000

typedef struct
{
  GtkListView  *view;       /* borrowed: it holds the factory */
  LkDeviceList *store;      /* borrowed: the window holds it longer than the view's rows */
  GPtrArray    *unfilled;   /* bound GtkListItems (borrowed: unbind takes them out) */
  guint         fill_tick;
  gint64        row_cost;   /* µs a row's filling and measuring took, a running average */
  LkQueryKind   kind;
} Rows;

static void
rows_free (Rows *rows)
{
  if (rows->fill_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (rows->view), rows->fill_tick);
  g_ptr_array_unref (rows->unfilled);
  g_free (rows);
}

static Rows *
get_rows (GtkListItemFactory *factory)
{
  return g_object_get_data (G_OBJECT (factory), "lk-result-rows");
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  gtk_list_item_set_child (item, lk_device_row_new ());
}

static void
fill_row (Rows        *rows,
          GtkListItem *item)
{
  LkResultSlot *slot = gtk_list_item_get_item (item);
  LkDevice *device = slot != NULL ? lk_result_slot_get_device (slot) : NULL;
  GtkWidget *row = gtk_list_item_get_child (item);

  lk_device_row_set_matched (LK_DEVICE_ROW (row), rows->kind);
  lk_device_row_set_device (LK_DEVICE_ROW (row), device);
  /* Past the end of the devices while the list view is told of a shorter list a step at a
   * time (lk-result-slots.c): nothing to show, not the last device's labels. */
  gtk_widget_set_opacity (row, device != NULL ? 1 : 0);
}

/* The unfilled row nearest the middle of what the list shows. */
static guint
nearest_unfilled (Rows *rows)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (rows->view));
  double upper = MAX (gtk_adjustment_get_upper (adjustment), 1);
  double middle = (gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment) / 2)
                  / upper * g_list_model_get_n_items (G_LIST_MODEL (rows->store));
  guint best = 0;
  double best_distance = G_MAXDOUBLE;

  for (guint i = 0; i < rows->unfilled->len; i++)
    {
      double distance = fabs (gtk_list_item_get_position (g_ptr_array_index (rows->unfilled, i)) - middle);

      if (distance < best_distance)
        {
          best = i;
          best_distance = distance;
        }
    }
  return best;
}

/* Measures @item's row as GtkListView 4.8 will in its size_allocate: across with no width
 * given, then its height for the list's width. Those answers are cached by GTK until the row
 * changes again, so the text shaping a new device's labels cost happens here, counted in the
 * fill budget, not uncounted in the frame's layout. */
static void
measure_row (Rows        *rows,
             GtkListItem *item)
{
  GtkWidget *row = gtk_list_item_get_child (item);
  GtkWidget *widget = gtk_widget_get_parent (row);
  int width = gtk_widget_get_width (GTK_WIDGET (rows->view));

  if (widget == NULL || width <= 0)
    return;
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, NULL, NULL, NULL, NULL);
  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, width, NULL, NULL, NULL, NULL);
}

static gboolean
fill_rows_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  Rows *rows = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 deadline = now + FILL_BUDGET_US;

  /* A row is begun only if one more of what a row has cost lately still fits (one at least,
   * so the rows always fill): the budget is the frame's, not a floor it passes by a row. */
  while (rows->unfilled->len > 0)
    {
      GtkListItem *item = g_ptr_array_steal_index_fast (rows->unfilled, nearest_unfilled (rows));
      gint64 begun = now;

      fill_row (rows, item);
      measure_row (rows, item);
      now = g_get_monotonic_time ();
      rows->row_cost = rows->row_cost == 0 ? now - begun : (3 * rows->row_cost + (now - begun)) / 4;
      if (now + rows->row_cost > deadline)
        break;
    }
  if (rows->unfilled->len > 0)
    return G_SOURCE_CONTINUE;
  rows->fill_tick = 0;
  return G_SOURCE_REMOVE;
}

/* Fills @item's row now when the list is short, else soon: it is blank meanwhile. */
static void
fill_or_queue (Rows        *rows,
               GtkListItem *item)
{
  LkResultSlot *slot = gtk_list_item_get_item (item);

  if (lk_device_list_get_n_all (rows->store) <= FILL_LATER_ABOVE || lk_result_slot_get_device (slot) == NULL)
    {
      g_ptr_array_remove_fast (rows->unfilled, item);
      fill_row (rows, item);
      return;
    }
  /* Blank until filled: a row must never show one device's labels while activating it opens
   * another (the list activates by position). Opacity only repaints; no measuring. */
  lk_device_row_set_device (LK_DEVICE_ROW (gtk_list_item_get_child (item)), NULL);
  gtk_widget_set_opacity (gtk_list_item_get_child (item), 0);
  if (!g_ptr_array_find (rows->unfilled, item, NULL))
    g_ptr_array_add (rows->unfilled, item);
  if (rows->fill_tick == 0)
    rows->fill_tick = gtk_widget_add_tick_callback (GTK_WIDGET (rows->view), fill_rows_cb, rows, NULL);
}

static void
slot_device_cb (LkResultSlot *slot,
                GParamSpec   *pspec,
                GtkListItem  *item)
{
  fill_or_queue (g_object_get_data (G_OBJECT (item), "lk-result-rows"), item);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  Rows *rows = user_data;

  g_object_set_data (G_OBJECT (item), "lk-result-rows", rows);
  g_signal_connect (gtk_list_item_get_item (item), "notify::device", G_CALLBACK (slot_device_cb), item);
  fill_or_queue (rows, item);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  Rows *rows = user_data;

  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (item), slot_device_cb, item);
  g_ptr_array_remove_fast (rows->unfilled, item);
  lk_device_row_set_device (LK_DEVICE_ROW (gtk_list_item_get_child (item)), NULL);
}

GtkListItemFactory *
lk_result_rows_new (GtkListView  *view,
                    LkDeviceList *store)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  Rows *rows = g_new0 (Rows, 1);

  rows->view = view;
  rows->store = store;
  rows->unfilled = g_ptr_array_new ();
  g_object_set_data_full (G_OBJECT (factory), "lk-result-rows", rows, (GDestroyNotify) rows_free);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), rows);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), rows);
  return factory;
}

void
lk_result_rows_set_query_kind (GtkListItemFactory *factory,
                               LkQueryKind         kind)
{
  Rows *rows = get_rows (factory);

  g_return_if_fail (rows != NULL);
  rows->kind = kind;
}
