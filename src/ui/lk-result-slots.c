/* lk-result-slots.c: the results list's positions, as stable items for the list view.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gtk/gtk.h>

#include "lk-result-slots.h"

/* --- a slot ----------------------------------------------------------------------------------- */

struct _LkResultSlot
{
  GObject   parent_instance;

  guint     position;
  LkDevice *device;
};

G_DEFINE_FINAL_TYPE (LkResultSlot, lk_result_slot, G_TYPE_OBJECT)

enum
{
  SLOT_PROP_0,
  SLOT_PROP_DEVICE,
  SLOT_N_PROPS
};

static GParamSpec *slot_props[SLOT_N_PROPS];

static void
lk_result_slot_finalize (GObject *object)
{
  LkResultSlot *self = LK_RESULT_SLOT (object);

  g_clear_object (&self->device);

  G_OBJECT_CLASS (lk_result_slot_parent_class)->finalize (object);
}

static void
lk_result_slot_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LkResultSlot *self = LK_RESULT_SLOT (object);

  switch (prop_id)
    {
    case SLOT_PROP_DEVICE:
      g_value_set_object (value, self->device);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_result_slot_class_init (LkResultSlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lk_result_slot_finalize;
  object_class->get_property = lk_result_slot_get_property;

  slot_props[SLOT_PROP_DEVICE] = g_param_spec_object ("device", NULL, NULL, LK_TYPE_DEVICE,
                                                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                                      | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, SLOT_N_PROPS, slot_props);
}

static void
lk_result_slot_init (LkResultSlot *self)
{
}

static void
slot_set_device (LkResultSlot *self,
                 LkDevice     *device)
{
  if (g_set_object (&self->device, device))
    g_object_notify_by_pspec (G_OBJECT (self), slot_props[SLOT_PROP_DEVICE]);
}

LkDevice *
lk_result_slot_get_device (LkResultSlot *self)
{
  g_return_val_if_fail (LK_IS_RESULT_SLOT (self), NULL);
  return self->device;
}

/* --- the model -------------------------------------------------------------------------------- */

/* Main thread only. */
struct _LkResultSlots
{
  GObject     parent_instance;

  GListModel *devices;
  GHashTable *live;      /* position → LkResultSlot, not a reference: a slot leaves as it goes */
  guint       n_items;   /* as last said to the list view */
  guint       pace_id;   /* the next step towards the devices' length */
  GtkWidget  *view;      /* weakly: whose frames pace the steps (lk_result_slots_pace_by()) */
  guint       tick_id;   /* waiting for its next frame before the next step */
  gulong      unmap_id;
  gulong      map_id;
};

static GType
lk_result_slots_get_item_type (GListModel *model)
{
  return LK_TYPE_RESULT_SLOT;
}

static guint
lk_result_slots_get_n_items (GListModel *model)
{
  return LK_RESULT_SLOTS (model)->n_items;
}

static void
slot_gone_cb (gpointer  user_data,
              GObject  *where_the_slot_was)
{
  LkResultSlots *self = user_data;
  LkResultSlot *slot = (LkResultSlot *) where_the_slot_was;

  if (g_hash_table_lookup (self->live, GUINT_TO_POINTER (slot->position)) == slot)
    g_hash_table_remove (self->live, GUINT_TO_POINTER (slot->position));
}

static gpointer
lk_result_slots_get_item (GListModel *model,
                          guint       position)
{
  LkResultSlots *self = LK_RESULT_SLOTS (model);
  LkResultSlot *slot;

  if (position >= self->n_items)
    return NULL;
  slot = g_hash_table_lookup (self->live, GUINT_TO_POINTER (position));
  if (slot != NULL)
    return g_object_ref (slot);
  slot = g_object_new (LK_TYPE_RESULT_SLOT, NULL);
  slot->position = position;
  slot->device = g_list_model_get_item (self->devices, position);
  g_object_weak_ref (G_OBJECT (slot), slot_gone_cb, self);
  g_hash_table_insert (self->live, GUINT_TO_POINTER (position), slot);
  return slot;
}

static void
lk_result_slots_model_init (GListModelInterface *iface)
{
  iface->get_item_type = lk_result_slots_get_item_type;
  iface->get_n_items = lk_result_slots_get_n_items;
  iface->get_item = lk_result_slots_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (LkResultSlots, lk_result_slots, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, lk_result_slots_model_init))

/* GTK 4.8's list view makes (or destroys) a row for every item it is told of within the ~200
 * it keeps around its view, in the items-changed signal itself: ~1 ms a row on the benchmark's
 * machine, 0.1–0.3 s for a first page or a list emptied, and the frame after it measures every
 * new row again. So near its rows the list view is told of a few items at a time, one step per
 * frame of the view (lk_result_slots_pace_by()), else per idle turn; the items past the end of
 * the devices meanwhile are slots without a device. A growth makes rows (GROW_STEP a step: 8
 * made the first frames after a million-device listing's first page 18 ms of CPU, 4 keeps
 * them near 15 ms at 1 M in lk-bench); a shrink lets rows go, cheaper (PACE_STEP a step). */
#define PACE_STEP 8
#define GROW_STEP 4
#define ROWS_KEPT 256

static void pace (LkResultSlots *self, gboolean step);

static gboolean
pace_cb (gpointer user_data)
{
  LkResultSlots *self = user_data;

  self->pace_id = 0;
  pace (self, TRUE);
  return G_SOURCE_REMOVE;
}

/* A frame of the view has begun: the next step comes once it is painted, the frame clock's
 * phases (update, layout, paint) being one dispatch. Not at an idle priority: while frames
 * follow each other closely, GDK's redraw would always come first. */
static gboolean
frame_cb (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       user_data)
{
  LkResultSlots *self = user_data;

  self->tick_id = 0;
  if (self->pace_id == 0)
    self->pace_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, pace_cb, self, NULL);
  return G_SOURCE_REMOVE;
}

static void
schedule_step (LkResultSlots *self)
{
  if (self->pace_id != 0 || self->tick_id != 0)
    return;
  /* An unmapped view has no frames: idle turns then. */
  if (self->view != NULL && gtk_widget_get_mapped (self->view))
    self->tick_id = gtk_widget_add_tick_callback (self->view, frame_cb, self, NULL);
  else
    self->pace_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, pace_cb, self, NULL);
}

static void
view_unmapped_cb (LkResultSlots *self)
{
  if (self->tick_id == 0)
    return;
  gtk_widget_remove_tick_callback (self->view, self->tick_id);
  self->tick_id = 0;
  schedule_step (self);
}

/* Shown (the results page after "Searching…"): a step waiting for an idle turn waits for the
 * view's next frame instead. An idle turn at the default idle priority comes only when nothing
 * else is ready; with frames following each other and the main loop busy between them, the
 * next frame always is, and the list view stayed told of no rows while 25 000 devices waited
 * (test-result-slots.c shows it). frame_cb()'s step runs ahead of the redraw. */
static void
view_mapped_cb (LkResultSlots *self)
{
  if (self->pace_id == 0)
    return;
  g_clear_handle_id (&self->pace_id, g_source_remove);
  schedule_step (self);
}

static gint
compare_positions (gconstpointer a,
                   gconstpointer b)
{
  guint x = (*(LkResultSlot **) a)->position, y = (*(LkResultSlot **) b)->position;

  return x < y ? -1 : x > y;
}

/* The live slots from @from to before @to, with references, in the order of their positions.
 * A slot past the list view's length may live on a little in a row GTK has not let go yet. */
static GPtrArray *
live_between (LkResultSlots *self,
              guint          from,
              guint          to)
{
  GPtrArray *slots = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer key, slot;

  g_hash_table_iter_init (&iter, self->live);
  while (g_hash_table_iter_next (&iter, &key, &slot))
    if (GPOINTER_TO_UINT (key) >= from && GPOINTER_TO_UINT (key) < to)
      g_ptr_array_add (slots, g_object_ref (slot));
  g_ptr_array_sort (slots, compare_positions);
  return slots;
}

static void
items_changed (LkResultSlots *self,
               guint          position,
               guint          removed,
               guint          added)
{
  self->n_items = self->n_items - removed + added;
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

/* The list is to end at @now, and @past (the live slots past it, in order) are spread over a
 * longer stretch: they take the positions now, now + 1, … (blank: no device is there), and
 * the list view is told, in one change, that everything from now on was replaced by them.
 * GTK 4.8 finds its rows again among the added items and keeps them, so the items between
 * and around them, which have no row, go at once, without a row made or destroyed; the blank
 * rows then go PACE_STEP a step. Told a step at a time instead, the list view made a new row
 * for each one it lost, as long as items were left beside its rows: a search that dropped a
 * million devices with the list scrolled down went on for many seconds. */
static void
gather (LkResultSlots *self,
        guint          now,
        GPtrArray     *past)
{
  for (guint i = 0; i < past->len; i++)
    g_hash_table_remove (self->live, GUINT_TO_POINTER (((LkResultSlot *) g_ptr_array_index (past, i))->position));
  for (guint i = 0; i < past->len; i++)
    {
      LkResultSlot *slot = g_ptr_array_index (past, i);

      slot->position = now + i;
      g_hash_table_insert (self->live, GUINT_TO_POINTER (slot->position), slot);
      slot_set_device (slot, NULL);
    }
  items_changed (self, now, self->n_items - now, past->len);
}

/* What of a shrink to @now can be told at once: everything, when at most PACE_STEP rows are
 * past @now; else, when the rows past it are spread out, everything but them (gather()).
 * Returns whether it told the list view of a change. */
static gboolean
shrink_at_once (LkResultSlots *self,
                guint          now)
{
  g_autoptr(GPtrArray) past = live_between (self, now, self->n_items);

  if (past->len <= PACE_STEP)
    items_changed (self, now, self->n_items - now, 0);
  else if (self->n_items > now + past->len)
    gather (self, now, past);
  else
    return FALSE;
  return TRUE;
}

/* Tells the list view what of the way to the devices' length needs no step, one step more
 * when @step, and schedules the next. */
static void
pace (LkResultSlots *self,
      gboolean       step)
{
  guint now = g_list_model_get_n_items (self->devices);
  guint before = self->n_items;

  if (now < before && !shrink_at_once (self, now) && step)
    /* Rows are destroyed only where slots are alive (each row holds its slot), and those
     * past now are together at the end by now. */
    items_changed (self, before - PACE_STEP, PACE_STEP, 0);
  else if (now > before)
    {
      /* Rows are made only near the rows GTK holds: at the top of a new list, or at the end
       * of one whose last items have rows. Elsewhere none, and the growth goes at once. */
      g_autoptr(GPtrArray) near_end = live_between (self, before > PACE_STEP ? before - PACE_STEP : 0, before);

      if (now - before <= GROW_STEP || (before >= ROWS_KEPT && near_end->len == 0))
        items_changed (self, before, 0, now - before);
      else if (step)
        items_changed (self, before, 0, GROW_STEP);
    }
  if (self->n_items != g_list_model_get_n_items (self->devices))
    schedule_step (self);
}

/* The devices from @position on changed: each slot alive there takes its device now, then
 * the list view hears only what changed at the end. An append (the streamed pages) touches
 * no slot; a change of every device touches the few hundred GTK holds. */
static void
devices_changed_cb (GListModel    *devices,
                    guint          position,
                    guint          removed,
                    guint          added,
                    LkResultSlots *self)
{
  /* Taken first, with references: a row that follows its slot may let another slot go. */
  g_autoptr(GPtrArray) moved = live_between (self, position, G_MAXUINT);

  for (guint i = 0; i < moved->len; i++)
    {
      LkResultSlot *each = g_ptr_array_index (moved, i);
      g_autoptr(LkDevice) device = g_list_model_get_item (devices, each->position);

      slot_set_device (each, device);
    }
  /* What needs no step is told now (a shrink's gathering above all: the window scrolls a
   * new search to the top); a step already waiting for its frame is not repeated, so pages
   * arriving faster than frames add no steps between two frames. */
  pace (self, self->pace_id == 0 && self->tick_id == 0);
}

static void
lk_result_slots_dispose (GObject *object)
{
  LkResultSlots *self = LK_RESULT_SLOTS (object);
  GHashTableIter iter;
  gpointer slot;

  lk_result_slots_pace_by (self, NULL);
  g_clear_handle_id (&self->pace_id, g_source_remove);
  if (self->devices != NULL)
    g_signal_handlers_disconnect_by_func (self->devices, devices_changed_cb, self);
  g_clear_object (&self->devices);
  /* Slots may outlive the model (in a row GTK has not let go yet): they only stop being told. */
  g_hash_table_iter_init (&iter, self->live);
  while (g_hash_table_iter_next (&iter, NULL, &slot))
    g_object_weak_unref (slot, slot_gone_cb, self);
  g_hash_table_remove_all (self->live);

  G_OBJECT_CLASS (lk_result_slots_parent_class)->dispose (object);
}

static void
lk_result_slots_finalize (GObject *object)
{
  LkResultSlots *self = LK_RESULT_SLOTS (object);

  g_hash_table_unref (self->live);

  G_OBJECT_CLASS (lk_result_slots_parent_class)->finalize (object);
}

static void
lk_result_slots_class_init (LkResultSlotsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lk_result_slots_dispose;
  object_class->finalize = lk_result_slots_finalize;
}

static void
lk_result_slots_init (LkResultSlots *self)
{
  self->live = g_hash_table_new (NULL, NULL);
}

/* The view went first (a step waiting for its frame would wait for ever): idle turns now. */
static void
view_gone_cb (gpointer  user_data,
              GObject  *where_the_view_was)
{
  LkResultSlots *self = user_data;

  self->view = NULL;
  self->tick_id = 0;
  self->unmap_id = 0;
  self->map_id = 0;
  if (self->n_items != g_list_model_get_n_items (self->devices))
    schedule_step (self);
}

void
lk_result_slots_pace_by (LkResultSlots *self,
                         GtkWidget     *view)
{
  g_return_if_fail (LK_IS_RESULT_SLOTS (self));
  g_return_if_fail (view == NULL || GTK_IS_WIDGET (view));

  if (self->view == view)
    return;
  if (self->view != NULL)
    {
      if (self->tick_id != 0)
        gtk_widget_remove_tick_callback (self->view, self->tick_id);
      self->tick_id = 0;
      g_clear_signal_handler (&self->unmap_id, self->view);
      g_clear_signal_handler (&self->map_id, self->view);
      g_object_weak_unref (G_OBJECT (self->view), view_gone_cb, self);
    }
  self->view = view;
  if (view != NULL)
    {
      g_object_weak_ref (G_OBJECT (view), view_gone_cb, self);
      self->unmap_id = g_signal_connect_swapped (view, "unmap", G_CALLBACK (view_unmapped_cb), self);
      self->map_id = g_signal_connect_swapped (view, "map", G_CALLBACK (view_mapped_cb), self);
    }
  if (self->devices != NULL && self->n_items != g_list_model_get_n_items (self->devices))
    schedule_step (self);
}

LkResultSlots *
lk_result_slots_new (GListModel *devices)
{
  LkResultSlots *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (devices), NULL);
  g_return_val_if_fail (g_list_model_get_item_type (devices) == LK_TYPE_DEVICE, NULL);

  self = g_object_new (LK_TYPE_RESULT_SLOTS, NULL);
  self->devices = g_object_ref (devices);
  self->n_items = g_list_model_get_n_items (devices);
  g_signal_connect (devices, "items-changed", G_CALLBACK (devices_changed_cb), self);
  return self;
}
