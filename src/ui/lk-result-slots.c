/* lk-result-slots.c: the results list's positions, as stable items for the list view.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

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
 * machine, 0.1–0.3 s for a first page or a list emptied. Past PACE_ABOVE such items the list
 * view is told of PACE_STEP at a time, one step per idle turn (frames are painted between);
 * the items past the end of the devices meanwhile are slots without a device. */
#define PACE_ABOVE 48
#define PACE_STEP 16
#define ROWS_KEPT 256

static gboolean pace_cb (gpointer user_data);

/* Where the list view's length goes next on its way to @now. */
static guint
next_length (LkResultSlots *self,
             guint          now)
{
  guint before = self->n_items;
  guint highest = 0;
  GHashTableIter iter;
  gpointer key;

  if (now > before)
    /* Rows are made only near the top of a new list: past ROWS_KEPT items, none. */
    return now - before <= PACE_ABOVE || before >= ROWS_KEPT ? now : before + PACE_STEP;
  /* Rows are destroyed only where slots are alive (each row holds its slot). */
  g_hash_table_iter_init (&iter, self->live);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (GPOINTER_TO_UINT (key) >= now)
      highest = MAX (highest, GPOINTER_TO_UINT (key) + 1);
  if (highest <= now + PACE_ABOVE)
    return now;
  if (highest < before)
    return highest;
  return MAX (now, before - PACE_STEP);
}

/* Tells the list view of one step towards the devices' length, and schedules the next. */
static void
pace (LkResultSlots *self)
{
  guint before = self->n_items;
  guint now = g_list_model_get_n_items (self->devices);
  guint next = next_length (self, now);

  self->n_items = next;
  if (next != before)
    g_list_model_items_changed (G_LIST_MODEL (self), MIN (before, next), before > next ? before - next : 0,
                                next > before ? next - before : 0);
  if (self->n_items != g_list_model_get_n_items (self->devices) && self->pace_id == 0)
    self->pace_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, pace_cb, self, NULL);
}

static gboolean
pace_cb (gpointer user_data)
{
  LkResultSlots *self = user_data;

  self->pace_id = 0;
  pace (self);
  return G_SOURCE_REMOVE;
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
  g_autoptr(GPtrArray) moved = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer key, slot;

  /* Taken first, with references: a row that follows its slot may let another slot go. */
  g_hash_table_iter_init (&iter, self->live);
  while (g_hash_table_iter_next (&iter, &key, &slot))
    if (GPOINTER_TO_UINT (key) >= position)
      g_ptr_array_add (moved, g_object_ref (slot));
  for (guint i = 0; i < moved->len; i++)
    {
      LkResultSlot *each = g_ptr_array_index (moved, i);
      g_autoptr(LkDevice) device = g_list_model_get_item (devices, each->position);

      slot_set_device (each, device);
    }
  pace (self);
}

static void
lk_result_slots_dispose (GObject *object)
{
  LkResultSlots *self = LK_RESULT_SLOTS (object);
  GHashTableIter iter;
  gpointer slot;

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
