/* lk-time-format.h: "3 hours ago", the way an admin reads a last check-in.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Localized relative time of @when seen from @now (NULL: the current time). "Never" for NULL. */
char *lk_format_relative_time (GDateTime *when,
                               GDateTime *now);
/* The same to follow other words ("Last check-in yesterday"): "never", "just now" in lower case
 * where the language wants it. */
char *lk_format_relative_time_in_sentence (GDateTime *when,
                                           GDateTime *now);

G_END_DECLS
