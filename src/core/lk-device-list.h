/* lk-device-list.h: the devices a search found, as a GListModel for the window's list.
 *
 * A GListStore keeps its items in a balanced tree: replacing 100 000 streamed devices with the
 * final ranking took it 55–120 ms on the main thread. This list is an array: pages are appended
 * in one step each, and the ranked result takes the array's place without touching a device.
 */
#pragma once

#include <gio/gio.h>

#include "lk-device.h"

G_BEGIN_DECLS

#define LK_TYPE_DEVICE_LIST (lk_device_list_get_type ())
G_DECLARE_FINAL_TYPE (LkDeviceList, lk_device_list, LK, DEVICE_LIST, GObject)

LkDeviceList *lk_device_list_new        (void);
/* Adds @devices (element-type LkDevice) at the end, with references of its own. */
void          lk_device_list_append     (LkDeviceList *self,
                                         GPtrArray    *devices);
/* Replaces every item with @devices, which the list then holds (it takes a reference to the
 * array, which must free its elements with g_object_unref() and not change afterwards). */
void          lk_device_list_take_all   (LkDeviceList *self,
                                         GPtrArray    *devices);
void          lk_device_list_remove_all (LkDeviceList *self);

G_END_DECLS
