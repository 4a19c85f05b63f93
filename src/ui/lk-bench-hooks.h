/* lk-bench-hooks.h: the benchmark's probes in the window: with LATCHKEY_BENCH_FIRST_FRAME or
 * LATCHKEY_BENCH_FIRST_RESULT set, the time from main() to the first painted frame or the
 * first search result is printed as JSON and the application quits. Nothing otherwise.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-window.h"

G_BEGIN_DECLS

void lk_bench_hooks_mark_start (void);
void lk_bench_hooks_watch      (LkWindow *window);

G_END_DECLS
