/* lk-toasts.h: toasts that show untrusted text, and the toast for a finished action.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-action-tracker.h"

G_BEGIN_DECLS

/* AdwToast titles are markup (libadwaita 1.2): a toast showing @message as plain text. */
AdwToast *lk_toast_new_plain       (const char      *message);
/* The toast for a finished action, shown in @window. A passcode that arrived after its wizard
 * was closed gets "New passcode for … is ready" and a Show button that reopens the wizard at
 * its result. */
AdwToast *lk_toast_new_for_tracker (LkActionTracker *tracker,
                                    GtkWindow       *window);

G_END_DECLS
