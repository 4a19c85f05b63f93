/* lk-device-list.h: the devices a search found, as a GListModel for the window's list.
 *
 * A GListStore keeps its items in a balanced tree: replacing 100 000 streamed devices with the
 * final ranking took it 55–120 ms on the main thread. This list is an array: pages are appended
 * in one step each, and the ranked result takes the array's place without touching a device.
 *
 * It filters too (a GtkFilterListModel checked a million devices on the main thread at every
 * toggle): each device gets a class (a number below 32) once, as it arrives, and a filter is a
 * set of classes, so filtering a million devices is a scan of a million bytes.
 *
 * Every change is said as one items-changed signal, however large: the window's list view
 * does not watch this list but its positions (lk-result-slots.c in the UI).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
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
 * array, which must free its elements with g_object_unref() and not change afterwards). With a
 * class function and a long list the devices are classified in a worker first, and the list
 * changes when it is done (see lk_device_list_is_settled()); any other change cancels that. */
void          lk_device_list_take_all   (LkDeviceList *self,
                                         GPtrArray    *devices);
void          lk_device_list_remove_all (LkDeviceList *self);
/* Makes room for @n devices in all (Graph's @odata.count of a listing being appended, at most
 * LK_MEMORY_RESERVE_MAX): the list then fills page by page instead of copying itself into
 * fresh memory as it doubles. Changes nothing the list shows. */
void          lk_device_list_reserve    (LkDeviceList *self,
                                         gint64        n);

/* The class of a device, below 32. It may run in a worker thread (for a long ranked list): it
 * must only read the device. */
typedef guint (*LkDeviceClassFunc) (LkDevice *device);

/* Set once, while the list is empty. */
void          lk_device_list_set_class_func (LkDeviceList      *self,
                                             LkDeviceClassFunc  func);
/* Shows only the devices whose class has its bit set in @classes (G_MAXUINT32: every device). */
void          lk_device_list_set_filter     (LkDeviceList      *self,
                                             guint32            classes);
/* The position among the shown devices of @device (the same object, else the first held with
 * its id), or G_MAXUINT when none is shown. A scan: the same object is found fastest. */
guint         lk_device_list_find           (LkDeviceList      *self,
                                             LkDevice          *device);
/* Every device held, shown or not. */
guint         lk_device_list_get_n_all      (LkDeviceList      *self);
/* FALSE while a long ranked list is being classified in a worker, before it takes the place of
 * the streamed one (the "settled" property). */
gboolean      lk_device_list_is_settled     (LkDeviceList      *self);

G_END_DECLS
