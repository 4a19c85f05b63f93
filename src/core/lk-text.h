/* lk-text.h: server- and history-supplied text made safe to print on a terminal.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A copy of @text that a terminal shows as text and never obeys: C0 and C1 control characters,
 * DEL and the bidirectional controls (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069) and the
 * Unicode line separators are written visibly as escapes ("\x1b", "\n", "\u202e"), and invalid
 * UTF-8 becomes U+FFFD. Everything else is kept as it is. NULL gives NULL. For output meant
 * for people only: --json keeps the exact strings. */
char *lk_text_inert (const char *text);

/* @json (a generator's output) with the characters json-glib writes raw but a terminal obeys —
 * C1 controls, DEL, bidi controls, line separators — written as \uXXXX escapes: the same JSON
 * value, exact strings and all, safe to print. */
char *lk_text_json_inert (const char *json);

/* Whether lk_text_inert() and lk_text_json_inert() escape @c. */
gboolean lk_text_char_is_unsafe (gunichar c);

G_END_DECLS
