/* lk-device-list.c: the devices a search found, as a GListModel for the window's list. */
#include "config.h"

#include "lk-device-list.h"

struct _LkDeviceList
{
  GObject    parent_instance;

  GPtrArray *devices;
  gboolean   shared;   /* devices came from lk_device_list_take_all(): copy before appending */
};

enum
{
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static GType
lk_device_list_get_item_type (GListModel *model)
{
  return LK_TYPE_DEVICE;
}

static guint
lk_device_list_get_n_items (GListModel *model)
{
  return LK_DEVICE_LIST (model)->devices->len;
}

static gpointer
lk_device_list_get_item (GListModel *model,
                         guint       position)
{
  LkDeviceList *self = LK_DEVICE_LIST (model);

  if (position >= self->devices->len)
    return NULL;
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
      g_value_set_uint (value, self->devices->len);
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
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
lk_device_list_init (LkDeviceList *self)
{
  self->devices = g_ptr_array_new_with_free_func (g_object_unref);
}

LkDeviceList *
lk_device_list_new (void)
{
  return g_object_new (LK_TYPE_DEVICE_LIST, NULL);
}

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

void
lk_device_list_append (LkDeviceList *self,
                       GPtrArray    *devices)
{
  guint position;

  g_return_if_fail (LK_IS_DEVICE_LIST (self));
  g_return_if_fail (devices != NULL);

  if (self->shared)
    {
      GPtrArray *own = g_ptr_array_copy (self->devices, ref_device, NULL);

      g_ptr_array_unref (self->devices);
      self->devices = own;
      self->shared = FALSE;
    }
  position = self->devices->len;
  for (guint i = 0; i < devices->len; i++)
    {
      g_return_if_fail (LK_IS_DEVICE (g_ptr_array_index (devices, i)));
      g_ptr_array_add (self->devices, g_object_ref (g_ptr_array_index (devices, i)));
    }
  replaced (self, position, 0, devices->len);
}

/* Dropping 100 000 references at once is several milliseconds of the main loop, after the
 * list has changed: a few thousand per idle turn instead. */
#define RELEASE_STEP 4096

static gboolean
release_step_cb (gpointer user_data)
{
  GPtrArray *old = user_data;
  guint n = MIN (old->len, RELEASE_STEP);

  g_ptr_array_remove_range (old, old->len - n, n);
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

void
lk_device_list_take_all (LkDeviceList *self,
                         GPtrArray    *devices)
{
  g_autoptr(GPtrArray) old = NULL;

  g_return_if_fail (LK_IS_DEVICE_LIST (self));
  g_return_if_fail (devices != NULL);

  old = g_steal_pointer (&self->devices);
  self->devices = g_ptr_array_ref (devices);
  self->shared = TRUE;
  replaced (self, 0, old->len, devices->len);
  release (g_steal_pointer (&old));
}

void
lk_device_list_remove_all (LkDeviceList *self)
{
  g_autoptr(GPtrArray) old = NULL;

  g_return_if_fail (LK_IS_DEVICE_LIST (self));

  old = g_steal_pointer (&self->devices);
  self->devices = g_ptr_array_new_with_free_func (g_object_unref);
  self->shared = FALSE;
  replaced (self, 0, old->len, 0);
  release (g_steal_pointer (&old));
}
