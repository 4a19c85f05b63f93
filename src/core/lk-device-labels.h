/* lk-device-labels.h: the words an admin reads for Graph's enum values.
 *
 * Graph reports enrollment types, device types, management agents, compliance and ownership as
 * camelCase identifiers ("appleBulkWithUser", "windowsRT"). The window, the wizard and the CLI
 * show these translated labels instead, and keep the raw value where support needs it (a
 * tooltip, the JSON output). An empty value gives NULL; a value Latchkey does not know is
 * returned as it is, so a new Graph value still shows something true.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *lk_enrollment_type_label   (const char *value);
const char *lk_device_type_label       (const char *value);
const char *lk_management_agent_label  (const char *value);
const char *lk_compliance_state_label  (const char *value);
const char *lk_owner_type_label        (const char *value);
/* The history's action names ("resetDevicePasscode"). */
const char *lk_action_name_label       (const char *value);

G_END_DECLS
