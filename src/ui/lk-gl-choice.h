/* lk-gl-choice.h: no GL without a GPU (see lk-gl-choice.c for the measurement).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LK_GL_CHOICE_GDK_DEBUG "gl-disable"

/* First thing in main(), before any thread exists. */
void lk_gl_choice_init (void);

G_END_DECLS
