/* lk-device-page.h: everything about one device, its passcode capability, and the action.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-action-history.h"
#include "lk-device.h"
#include "lk-graph-client.h"

G_BEGIN_DECLS

#define LK_TYPE_DEVICE_PAGE (lk_device_page_get_type ())
G_DECLARE_FINAL_TYPE (LkDevicePage, lk_device_page, LK, DEVICE_PAGE, AdwBin)

GtkWidget *lk_device_page_new        (void);
LkDevice  *lk_device_page_get_device (LkDevicePage *self);
void       lk_device_page_set_device (LkDevicePage *self,
                                      LkDevice     *device);
/* With a client, the page reads the device again with a single-device GET (which alone says
 * whether an iPad is a Shared iPad) and its deviceActionResults; with the journal, it replaces
 * the action button with the state of an action that may still be on its way and a *Check
 * Status* button. @history NULL: the default journal. */
void       lk_device_page_set_client (LkDevicePage    *self,
                                      LkGraphClient   *client);
void       lk_device_page_set_history (LkDevicePage   *self,
                                       LkActionHistory *history);
/* Whether the action may be started now: the capability allows it and nothing may be on its
 * way (the window's start-action asks this). */
gboolean   lk_device_page_get_can_act (LkDevicePage *self);
void       lk_device_page_focus_top  (LkDevicePage *self);

/* A row showing @value (or "—" when it is empty) under @title, as the device page and the reset
 * wizard list a device's facts. */
GtkWidget *lk_property_row_new       (const char   *title,
                                      const char   *value);
/* The same for a Graph enum value shown as @label, @value itself in the tooltip. */
GtkWidget *lk_property_row_new_for_value (const char *title,
                                          const char *label,
                                          const char *value);

G_END_DECLS
