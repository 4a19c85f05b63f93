/* lk-cli-output-private.h: what lk-cli-output.c and lk-cli-table.c share.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-device.h"

G_BEGIN_DECLS

/* @text, or a dash when it is missing or empty. */
const char *lk_cli_or_dash       (const char *text);
/* "OS version", made inert (see lk-text.h). */
char       *lk_cli_platform_text (LkDevice   *device);
/* The UPN, else the user's name, else a dash; raw: the caller makes it inert. */
const char *lk_cli_user_text     (LkDevice   *device);

G_END_DECLS
