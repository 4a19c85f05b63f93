/* lk-device-page.h: everything about one device, its passcode capability, and the action. */
#pragma once

#include <adwaita.h>

#include "lk-device.h"

G_BEGIN_DECLS

#define LK_TYPE_DEVICE_PAGE (lk_device_page_get_type ())
G_DECLARE_FINAL_TYPE (LkDevicePage, lk_device_page, LK, DEVICE_PAGE, AdwBin)

GtkWidget *lk_device_page_new        (void);
LkDevice  *lk_device_page_get_device (LkDevicePage *self);
void       lk_device_page_set_device (LkDevicePage *self,
                                      LkDevice     *device);
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
