/* lk-capability-badge.h: a device's passcode capability at a glance — icon, text, tooltip,
 * accessible label; never colour alone.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lk-capability.h"

G_BEGIN_DECLS

#define LK_TYPE_CAPABILITY_BADGE (lk_capability_badge_get_type ())
G_DECLARE_FINAL_TYPE (LkCapabilityBadge, lk_capability_badge, LK, CAPABILITY_BADGE, GtkWidget)

GtkWidget    *lk_capability_badge_new            (void);
LkCapability *lk_capability_badge_get_capability (LkCapabilityBadge *self);
void          lk_capability_badge_set_capability (LkCapabilityBadge *self,
                                                  LkCapability      *capability);
/* The capability of @device, or, where its platform has no passcode action, its unlock state
 * (Windows, macOS: "Unlock options"; Linux, ChromeOS: "No unlock option"). */
void          lk_capability_badge_set_device     (LkCapabilityBadge *self,
                                                  LkDevice          *device);
/* The visible text, for tests. */
const char   *lk_capability_badge_get_text       (LkCapabilityBadge *self);
/* The tooltip's text (made when the pointer asks for it) and the accessible description;
 * NULL with no capability. */
const char   *lk_capability_badge_get_tooltip    (LkCapabilityBadge *self);

G_END_DECLS
