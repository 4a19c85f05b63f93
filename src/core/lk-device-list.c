/* lk-device-list.c: the devices a search found, as a GListModel for the window's list.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lk-device-list.h"
#include "lk-memory.h"

/* Main thread only, but for a classification in a worker (classify_in_thread()), which reads
 * only the ranked array it was given (and the devices in it) until its task returns. */
struct _LkDeviceList
{
  GObject            parent_instance;

  GPtrArray         *devices;
  gboolean           shared;     /* devices came from lk_device_list_take_all(): copy before appending */
  gint64             room;       /* devices made room for this many (lk_device_list_reserve()); 0: not asked */
  LkDeviceClassFunc  class_func;
  GByteArray        *classes;    /* the class of each of devices, when class_func is set */
  guint32            filter;     /* the classes shown */
  GArray            *shown;      /* guint positions in devices of the shown ones; NULL: all shown */
  guint              generation; /* bumped by every change: a late classification is dropped */
  gboolean           classifying;
};

enum
{
  PROP_0,
  PROP_N_ITEMS,
  PROP_SETTLED,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static GType
lk_device_list_get_item_type (GListModel *model)
{
  return LK_TYPE_DEVICE;
}

static guint
n_shown (LkDeviceList *self)
{
  return self->shown != NULL ? self->shown->len : self->devices->len;
}

static guint
lk_device_list_get_n_items (GListModel *model)
{
  return n_shown (LK_DEVICE_LIST (model));
}

static gpointer
lk_device_list_get_item (GListModel *model,
                         guint       position)
{
  LkDeviceList *self = LK_DEVICE_LIST (model);

  if (position >= n_shown (self))
    return NULL;
  if (self->shown != NULL)
    position = g_array_index (self->shown, guint, position);
  return g_object_ref (g_ptr_array_index (self->devices, position));
}

static void
lk_device_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = lk_device_list_get_item_type;
  iface->get_n_items = lk_device_list_get_n_items;
  iface->get_item = lk_device_list_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (LkDeviceList, lk_device_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, lk_device_list_model_init))

static void
lk_device_list_finalize (GObject *object)
{
  LkDeviceList *self = LK_DEVICE_LIST (object);

  g_ptr_array_unref (self->devices);
  g_byte_array_unref (self->classes);
  g_clear_pointer (&self->shown, g_array_unref);

  G_OBJECT_CLASS (lk_device_list_parent_class)->finalize (object);
}

static void
lk_device_list_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LkDeviceList *self = LK_DEVICE_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, n_shown (self));
      break;
    case PROP_SETTLED:
      g_value_set_boolean (value, !self->classifying);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_device_list_class_init (LkDeviceListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lk_device_list_finalize;
  object_class->get_property = lk_device_list_get_property;

  props[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_SETTLED] = g_param_spec_boolean ("settled", NULL, NULL, TRUE,
                                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
lk_device_list_init (LkDeviceList *self)
{
  self->devices = g_ptr_array_new_with_free_func (g_object_unref);
  self->classes = g_byte_array_new ();
  self->filter = G_MAXUINT32;
}

LkDeviceList *
lk_device_list_new (void)
{
  return g_object_new (LK_TYPE_DEVICE_LIST, NULL);
}

/* One change, whatever its size: the window's list view sees only its slots
 * (lk-result-slots.c), which turn a change of every device into a change at the end. */
static void
replaced (LkDeviceList *self,
          guint         position,
          guint         removed,
          guint         added)
{
  if (removed == 0 && added == 0)
    return;
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_N_ITEMS]);
}

static gpointer
ref_device (gconstpointer device,
            gpointer      user_data)
{
  return g_object_ref ((gpointer) device);
}

static void
set_classifying (LkDeviceList *self,
                 gboolean      classifying)
{
  if (self->classifying == classifying)
    return;
  self->classifying = classifying;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SETTLED]);
}

/* Adds to shown the positions from @from on whose class the filter lets through. */
static void
show_from (LkDeviceList *self,
           guint         from)
{
  const guint8 *classes = self->classes->data;

  for (guint i = from; i < self->classes->len; i++)
    if (self->filter & (1u << classes[i]))
      g_array_append_val (self->shown, i);
}

void
lk_device_list_reserve (LkDeviceList *self,
                        gint64        n)
{
  g_return_if_fail (LK_IS_DEVICE_LIST (self));

  /* Devices shared with a ranked list are copied by the next append anyway. */
  if (self->shared || n <= self->room)
    return;
  self->devices = lk_memory_reserve_pointers (self->devices, n, g_object_unref);
  self->room = n;
}

void
lk_device_list_append (LkDeviceList *self,
                       GPtrArray    *devices)
{
  guint position, before;

  g_return_if_fail (LK_IS_DEVICE_LIST (self));
  g_return_if_fail (devices != NULL);

  self->generation++;
  set_classifying (self, FALSE);
  if (self->shared)
    {
      GPtrArray *own = g_ptr_array_copy (self->devices, ref_device, NULL);

      g_ptr_array_unref (self->devices);
      self->devices = own;
      self->room = 0;
      self->shared = FALSE;
    }
  position = self->devices->len;
  before = n_shown (self);
  for (guint i = 0; i < devices->len; i++)
    {
      LkDevice *device = g_ptr_array_index (devices, i);

      g_return_if_fail (LK_IS_DEVICE (device));
      g_ptr_array_add (self->devices, g_object_ref (device));
      if (self->class_func != NULL)
        g_byte_array_append (self->classes, (guint8[]) { self->class_func (device) }, 1);
    }
  if (self->shown != NULL)
    show_from (self, position);
  replaced (self, before, 0, n_shown (self) - before);
}

/* Dropping the last references to a million devices (a search that replaces them) is ~1 s of
 * freeing, 4–5 ms of the main loop for every 4096 devices: a long list given up goes in idle
 * turns, each ending after RELEASE_BUDGET_US (checked every RELEASE_STEP devices), so a frame
 * that falls due waits at most that long. Not on a thread: finalizing a device takes GLib's
 * global locks (GObject's notify and signal locks) that the main thread takes at every
 * notification and signal; with such threads at nice 10 the main thread blocked in futex waits
 * of 28–37 ms at 1 M in lk-bench while a preempted low-priority thread held one, and at the
 * usual priority they would contend (tests/bench/HISTORY.md, issue 18, seventh session). */
#define RELEASE_STEP      256
#define RELEASE_BUDGET_US 1000

static gboolean
release_step_cb (gpointer user_data)
{
  GPtrArray *old = user_data;
  gint64 until = g_get_monotonic_time () + RELEASE_BUDGET_US;

  do
    {
      guint n = MIN (old->len, RELEASE_STEP);

      g_ptr_array_remove_range (old, old->len - n, n);
    }
  while (old->len > 0 && g_get_monotonic_time () < until);
  return old->len > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
release (GPtrArray *old)
{
  if (old->len <= RELEASE_STEP)
    {
      g_ptr_array_unref (old);
      return;
    }
  g_idle_add_full (G_PRIORITY_LOW, release_step_cb, old, (GDestroyNotify) g_ptr_array_unref);
}

static void
refilter (LkDeviceList *self)
{
  g_clear_pointer (&self->shown, g_array_unref);
  if (self->filter == G_MAXUINT32 || self->class_func == NULL)
    return;
  self->shown = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->devices->len);
  show_from (self, 0);
}

/* Puts @devices with their @classes in place of every item. */
static void
install (LkDeviceList *self,
         GPtrArray    *devices,
         GByteArray   *classes)
{
  guint before = n_shown (self);
  g_autoptr(GPtrArray) old = g_steal_pointer (&self->devices);

  self->devices = g_ptr_array_ref (devices);
  self->room = 0;
  self->shared = TRUE;
  g_byte_array_unref (self->classes);
  self->classes = g_byte_array_ref (classes);
  refilter (self);
  replaced (self, 0, before, n_shown (self));
  release (g_steal_pointer (&old));
}

static GByteArray *
classify (LkDeviceClassFunc  func,
          GPtrArray         *devices)
{
  GByteArray *classes = g_byte_array_sized_new (devices->len);

  g_byte_array_set_size (classes, func != NULL ? devices->len : 0);
  for (guint i = 0; func != NULL && i < devices->len; i++)
    classes->data[i] = func (g_ptr_array_index (devices, i));
  return classes;
}

/* A million devices take their class in ~0.1 s: longer than a frame. */
#define CLASSIFY_IN_THREAD_ABOVE 20000

typedef struct
{
  GPtrArray         *devices;
  LkDeviceClassFunc  func;
  guint              generation;
} Classification;

static void
classification_free (Classification *classification)
{
  g_ptr_array_unref (classification->devices);
  g_free (classification);
}

static void
classify_in_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Classification *classification = task_data;

  g_task_return_pointer (task, classify (classification->func, classification->devices),
                         (GDestroyNotify) g_byte_array_unref);
}

static void
classified_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  LkDeviceList *self = LK_DEVICE_LIST (source);
  Classification *classification = g_task_get_task_data (G_TASK (result));
  g_autoptr(GByteArray) classes = g_task_propagate_pointer (G_TASK (result), NULL);

  if (classification->generation != self->generation)
    return;
  install (self, classification->devices, classes);
  set_classifying (self, FALSE);
}

void
lk_device_list_take_all (LkDeviceList *self,
                         GPtrArray    *devices)
{
  g_autoptr(GTask) task = NULL;
  Classification *classification;

  g_return_if_fail (LK_IS_DEVICE_LIST (self));
  g_return_if_fail (devices != NULL);

  self->generation++;
  if (self->class_func == NULL || devices->len <= CLASSIFY_IN_THREAD_ABOVE)
    {
      g_autoptr(GByteArray) classes = classify (self->class_func, devices);

      install (self, devices, classes);
      set_classifying (self, FALSE);
      return;
    }
  classification = g_new0 (Classification, 1);
  classification->devices = g_ptr_array_ref (devices);
  classification->func = self->class_func;
  classification->generation = self->generation;
  set_classifying (self, TRUE);
  task = g_task_new (self, NULL, classified_cb, NULL);
  g_task_set_source_tag (task, lk_device_list_take_all);
  g_task_set_task_data (task, classification, (GDestroyNotify) classification_free);
  g_task_run_in_thread (task, classify_in_thread);
}

void
lk_device_list_remove_all (LkDeviceList *self)
{
  g_autoptr(GPtrArray) old = NULL;
  guint before;

  g_return_if_fail (LK_IS_DEVICE_LIST (self));

  self->generation++;
  set_classifying (self, FALSE);
  before = n_shown (self);
  old = g_steal_pointer (&self->devices);
  self->devices = g_ptr_array_new_with_free_func (g_object_unref);
  self->room = 0;
  self->shared = FALSE;
  g_byte_array_set_size (self->classes, 0);
  refilter (self);
  replaced (self, 0, before, 0);
  release (g_steal_pointer (&old));
}

void
lk_device_list_set_class_func (LkDeviceList      *self,
                               LkDeviceClassFunc  func)
{
  g_return_if_fail (LK_IS_DEVICE_LIST (self));
  g_return_if_fail (self->devices->len == 0);

  self->class_func = func;
}

void
lk_device_list_set_filter (LkDeviceList *self,
                           guint32       classes)
{
  guint before;

  g_return_if_fail (LK_IS_DEVICE_LIST (self));

  if (self->filter == classes)
    return;
  before = n_shown (self);
  self->filter = classes;
  refilter (self);
  replaced (self, 0, before, n_shown (self));
}

/* The shown position of the device held at @index: positions in shown ascend with indices. */
static guint
shown_position (LkDeviceList *self,
                guint         index)
{
  guint low = 0, high;

  if (self->shown == NULL)
    return index;
  high = self->shown->len;
  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      guint at = g_array_index (self->shown, guint, middle);

      if (at == index)
        return middle;
      if (at < index)
        low = middle + 1;
      else
        high = middle;
    }
  return G_MAXUINT;
}

guint
lk_device_list_find (LkDeviceList *self,
                     LkDevice     *device)
{
  gpointer *held;
  const char *id;

  g_return_val_if_fail (LK_IS_DEVICE_LIST (self), G_MAXUINT);
  g_return_val_if_fail (LK_IS_DEVICE (device), G_MAXUINT);

  /* The same object first: a scan of pointers, ~1 ms for a million. */
  held = self->devices->pdata;
  for (guint i = 0; i < self->devices->len; i++)
    if (held[i] == (gpointer) device)
      return shown_position (self, i);
  id = lk_device_get_id (device);
  for (guint i = 0; id != NULL && i < self->devices->len; i++)
    if (g_strcmp0 (lk_device_get_id (held[i]), id) == 0)
      return shown_position (self, i);
  return G_MAXUINT;
}

guint
lk_device_list_get_n_all (LkDeviceList *self)
{
  g_return_val_if_fail (LK_IS_DEVICE_LIST (self), 0);
  return self->devices->len;
}

gboolean
lk_device_list_is_settled (LkDeviceList *self)
{
  g_return_val_if_fail (LK_IS_DEVICE_LIST (self), TRUE);
  return !self->classifying;
}
