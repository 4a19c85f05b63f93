/* lk-background.h: work an interactive program's main loop must never wait for, on threads at
 * a lower scheduling priority than its main thread.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How much lower than the thread that started it the background threads run (a nice increment,
 * Linux only: elsewhere they run at the usual priority). */
#define LK_BACKGROUND_NICE 10

void lk_background_run_task (GTask           *task,
                             GTaskThreadFunc  func);
void lk_background_unref    (GPtrArray       *array);

G_END_DECLS
