/* lk-device-row.h: one device in the search results. */
#pragma once

#include <gtk/gtk.h>

#include "lk-device.h"

G_BEGIN_DECLS

#define LK_TYPE_DEVICE_ROW (lk_device_row_get_type ())
G_DECLARE_FINAL_TYPE (LkDeviceRow, lk_device_row, LK, DEVICE_ROW, GtkWidget)

GtkWidget *lk_device_row_new        (void);
LkDevice  *lk_device_row_get_device (LkDeviceRow *self);
void       lk_device_row_set_device (LkDeviceRow *self,
                                     LkDevice    *device);

G_END_DECLS
