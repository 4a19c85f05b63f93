/* test-result-slots.c: how the results list's positions reach the list view: a long growth
 * near its rows in steps, one per frame of the view; a shrink that first gathers the rows GTK
 * holds at the list's new end (one change, no row made or destroyed), then lets them go a
 * step at a time; and every slot showing the device at its position, or none. Structural:
 * steps, frames and rows are counted, never timed.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gtk/gtk.h>

#include "../lk-test-common.h"
#include "../lk-test-devices.h"

#include "lk-device-list.h"
#include "lk-result-slots.h"

/* lk-result-slots.c's steps: a shrink's, and a growth's. */
#define PACE_STEP 8
#define GROW_STEP 4

typedef struct
{
  LkDeviceList  *devices;
  LkResultSlots *slots;
  GArray        *changes;    /* Change, as the slots said them */
  guint          paints;     /* frames of the view painted so far */
} Fixture;

typedef struct
{
  guint position, removed, added, paints;
} Change;

static void
slots_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *fixture)
{
  Change change = { position, removed, added, fixture->paints };

  g_array_append_val (fixture->changes, change);
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  fixture->devices = lk_device_list_new ();
  fixture->slots = lk_result_slots_new (G_LIST_MODEL (fixture->devices));
  fixture->changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_signal_connect (fixture->slots, "items-changed", G_CALLBACK (slots_changed_cb), fixture);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  g_array_unref (fixture->changes);
  lk_test_assert_finalized_soon (fixture->slots);
  lk_test_assert_finalized_soon (fixture->devices);
}

static gboolean
caught_up (gpointer data)
{
  Fixture *fixture = data;

  return g_list_model_get_n_items (G_LIST_MODEL (fixture->slots))
         == g_list_model_get_n_items (G_LIST_MODEL (fixture->devices));
}

/* Every slot alive shows the device at its position, or none past the devices' end. */
static void
assert_honest (Fixture   *fixture,
               GPtrArray *held)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (fixture->slots));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LkResultSlot) slot = g_list_model_get_item (G_LIST_MODEL (fixture->slots), i);
      g_autoptr(LkDevice) device = g_list_model_get_item (G_LIST_MODEL (fixture->devices), i);

      g_assert_true (lk_result_slot_get_device (slot) == device);
    }
  for (guint i = 0; held != NULL && i < held->len; i++)
    {
      LkResultSlot *slot = g_ptr_array_index (held, i);

      if (lk_result_slot_get_device (slot) != NULL)
        g_assert_cmpuint (lk_device_list_find (fixture->devices, lk_result_slot_get_device (slot)), !=, G_MAXUINT);
    }
}

/* Holds the slots at @from … @from + @n - 1, as GTK's rows do. */
static GPtrArray *
hold (Fixture *fixture,
      guint    from,
      guint    n)
{
  GPtrArray *held = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = from; i < from + n; i++)
    g_ptr_array_add (held, g_list_model_get_item (G_LIST_MODEL (fixture->slots), i));
  return held;
}

/* Without a view: a first page reaches the slots GROW_STEP items at a time, each step in an
 * idle turn of its own, and the rest at once past the ~200 rows GTK would hold. */
static void
test_growth_in_steps (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) page = lk_test_devices_with_ids (1000, "a");
  g_autoptr(GPtrArray) held = NULL;
  guint steps = 0;

  lk_device_list_append (fixture->devices, page);
  /* The first step at once, then none until the main loop turns. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->slots)), ==, GROW_STEP);
  held = hold (fixture, 0, GROW_STEP);
  g_assert_true (lk_test_wait_until (caught_up, fixture));
  for (guint i = 0; i < fixture->changes->len; i++)
    {
      Change *change = &g_array_index (fixture->changes, Change, i);

      g_assert_cmpuint (change->removed, ==, 0);
      if (change->added <= GROW_STEP)
        steps++;
      else
        /* Only the last: past the rows. */
        g_assert_cmpuint (i, ==, fixture->changes->len - 1);
    }
  g_assert_cmpuint (steps, >=, 200 / GROW_STEP);
  assert_honest (fixture, held);
}

/* A new search drops 10 000 devices while GTK holds rows far down the list: they are gathered
 * at the new end in one change (the same slot objects, blank), then let go PACE_STEP at a
 * time, so the steps are as many as the rows, not as the items before them. */
static void
test_shrink_gathers_rows (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) all = lk_test_devices_with_ids (10000, "a");
  g_autoptr(GPtrArray) found = lk_test_devices_with_ids (3, "b");
  g_autoptr(GPtrArray) held = NULL;
  Change *gathered;

  lk_device_list_append (fixture->devices, all);
  g_assert_true (lk_test_wait_until (caught_up, fixture));
  held = hold (fixture, 6000, 200);
  g_array_set_size (fixture->changes, 0);

  lk_device_list_remove_all (fixture->devices);
  g_assert_cmpuint (fixture->changes->len, ==, 1);
  gathered = &g_array_index (fixture->changes, Change, 0);
  g_assert_cmpuint (gathered->position, ==, 0);
  g_assert_cmpuint (gathered->removed, ==, 10000);
  g_assert_cmpuint (gathered->added, ==, 200);
  for (guint i = 0; i < held->len; i++)
    {
      g_autoptr(LkResultSlot) slot = g_list_model_get_item (G_LIST_MODEL (fixture->slots), i);

      g_assert_true (slot == g_ptr_array_index (held, i));
      g_assert_null (lk_result_slot_get_device (slot));
    }

  /* The new search's first devices show at once in the slots already there. */
  lk_device_list_append (fixture->devices, found);
  assert_honest (fixture, held);
  g_assert_true (lk_test_wait_until (caught_up, fixture));
  g_assert_cmpuint (fixture->changes->len, <=, 2 + 200 / PACE_STEP);
  for (guint i = 1; i < fixture->changes->len; i++)
    {
      Change *change = &g_array_index (fixture->changes, Change, i);

      g_assert_cmpuint (change->removed, <=, PACE_STEP);
      g_assert_cmpuint (change->added, ==, 0);
    }
  assert_honest (fixture, held);
}

/* --- with a real list view ------------------------------------------------------------------ */

typedef struct
{
  guint made, destroyed;
} Rows;

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              Rows                     *rows)
{
  gtk_list_item_set_child (item, gtk_label_new ("row"));
  rows->made++;
}

static void
teardown_row_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 Rows                     *rows)
{
  rows->destroyed++;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Fixture       *fixture)
{
  fixture->paints++;
}

static gboolean
laid_out (gpointer data)
{
  /* 20 000 rows of at least ten pixels. */
  return gtk_adjustment_get_upper (data) > 200000;
}

/* Whether GTK holds a row for an item past half the list (it was scrolled to 60 %). */
static gboolean
rows_far_down (gpointer data)
{
  GtkWidget *view = data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (view))));

  for (GtkWidget *child = gtk_widget_get_first_child (view); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkListItem *item = g_object_get_data (G_OBJECT (child), "lk-test-item");

      if (item != NULL && gtk_list_item_get_position (item) != GTK_INVALID_LIST_POSITION
          && gtk_list_item_get_position (item) > n / 2)
        return TRUE;
    }
  return FALSE;
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             Rows                     *rows)
{
  g_object_set_data (G_OBJECT (gtk_widget_get_parent (gtk_list_item_get_child (item))), "lk-test-item", item);
}

/* A list view of the slots, paced by its own frames, in a scrolled window, its rows counted in
 * @rows: returns the view; the scrolled window is its parent. */
static GtkWidget *
paced_view (Fixture *fixture,
            Rows    *rows)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), rows);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), rows);
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_row_cb), rows);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (fixture->slots)))),
                            factory);
  lk_result_slots_pace_by (fixture->slots, view);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  return view;
}

/* A window of 300 × 400 holding @child, shown and mapped. */
static GtkWidget *
shown_window (GtkWidget *child)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_set_default_size (GTK_WINDOW (window), 300, 400);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (child))
    g_main_context_iteration (NULL, TRUE);
  return window;
}

/* Paced by the view's frames: no two steps between two painted frames. Then, scrolled far
 * down, a list emptied keeps GTK's rows (none made while it shrinks) and lets them go in
 * steps. */
static void
test_paced_by_frames (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) all = lk_test_devices_with_ids (20000, "a");
  Rows rows = { 0, 0 };
  GtkWidget *view = paced_view (fixture, &rows);
  GtkWidget *window = shown_window (gtk_widget_get_parent (view));
  GtkAdjustment *adjustment;
  guint made;

  g_signal_connect (gtk_widget_get_frame_clock (view), "after-paint", G_CALLBACK (after_paint_cb), fixture);

  lk_device_list_append (fixture->devices, all);
  g_assert_true (lk_test_wait_until (caught_up, fixture));
  g_assert_cmpuint (fixture->changes->len, >=, 200 / GROW_STEP);
  for (guint i = 1; i < fixture->changes->len; i++)
    g_assert_cmpuint (g_array_index (fixture->changes, Change, i).paints, >, g_array_index (fixture->changes, Change, i - 1).paints);
  assert_honest (fixture, NULL);

  /* Far down, with its rows there, once the view has laid out every item. */
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  g_assert_true (lk_test_wait_until (laid_out, adjustment));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) * 0.6);
  g_assert_true (lk_test_wait_until (rows_far_down, view));

  g_array_set_size (fixture->changes, 0);
  made = rows.made;
  lk_device_list_remove_all (fixture->devices);
  g_assert_true (lk_test_wait_until (caught_up, fixture));
  g_test_message ("rows made while emptying: %u; destroyed: %u; changes: %u", rows.made - made, rows.destroyed,
                  fixture->changes->len);
  g_assert_cmpuint (rows.made, ==, made);
  g_assert_cmpuint (fixture->changes->len, <=, 2 + 256 / PACE_STEP);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* An animation: frames follow each other for as long as it runs. */
static gboolean
animating_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       data)
{
  return G_SOURCE_CONTINUE;
}

/* A page appended while the view is not shown (the window says "Searching…") waits for idle
 * turns; once shown, while frames follow each other (an animation) and the main loop is busy
 * between them (each turn here takes longer than a frame, so a frame is always due and an idle
 * turn never comes), it reaches the view anyway, a step a frame. */
static void
test_shown_while_frames_follow (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GPtrArray) all = lk_test_devices_with_ids (2000, "b");
  GtkWidget *stack = gtk_stack_new ();
  Rows rows = { 0, 0 };
  GtkWidget *view = paced_view (fixture, &rows);
  GtkWidget *window;
  gint64 deadline;

  gtk_stack_add_named (GTK_STACK (stack), gtk_label_new ("Searching"), "searching");
  gtk_stack_add_named (GTK_STACK (stack), gtk_widget_get_parent (view), "results");
  gtk_stack_set_visible_child_name (GTK_STACK (stack), "searching");
  window = shown_window (stack);
  g_assert_false (gtk_widget_get_mapped (view));
  gtk_widget_add_tick_callback (window, animating_cb, NULL, NULL);

  lk_device_list_append (fixture->devices, all);
  gtk_stack_set_visible_child_name (GTK_STACK (stack), "results");
  g_assert_true (gtk_widget_get_mapped (view));
  deadline = lk_test_deadline ();
  while (!caught_up (fixture) && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (25000);
    }
  g_test_message ("items told: %u of %u", g_list_model_get_n_items (G_LIST_MODEL (fixture->slots)), all->len);
  g_assert_true (caught_up (fixture));
  assert_honest (fixture, NULL);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add ("/result-slots/growth-in-steps", Fixture, NULL, setup, test_growth_in_steps, teardown);
  g_test_add ("/result-slots/shrink-gathers-rows", Fixture, NULL, setup, test_shrink_gathers_rows, teardown);
  g_test_add ("/result-slots/paced-by-frames", Fixture, NULL, setup, test_paced_by_frames, teardown);
  g_test_add ("/result-slots/shown-while-frames-follow", Fixture, NULL, setup, test_shown_while_frames_follow, teardown);
  return g_test_run ();
}
