/* lk-device-row.h: one device in the search results.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lk-device.h"
#include "lk-device-query.h"

G_BEGIN_DECLS

#define LK_TYPE_DEVICE_ROW (lk_device_row_get_type ())
G_DECLARE_FINAL_TYPE (LkDeviceRow, lk_device_row, LK, DEVICE_ROW, GtkWidget)

GtkWidget *lk_device_row_new        (void);
LkDevice  *lk_device_row_get_device (LkDeviceRow *self);
void       lk_device_row_set_device (LkDeviceRow *self,
                                     LkDevice    *device);
/* What the search matched: a serial number or IMEI search shows that field in the row, in
 * place of the model. */
void       lk_device_row_set_matched (LkDeviceRow *self,
                                      LkQueryKind  kind);

G_END_DECLS
