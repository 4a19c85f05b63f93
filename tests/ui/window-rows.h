/* window-rows.h: checks of the rows the window's list view holds, shared by the window tests.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lk-window.h"

GtkListView *window_rows_view                (LkWindow *window);
/* For lk_test_wait_until() (@data: the window): every row the list view holds shows a device,
 * the list's own instance at a position, in the order of the positions. */
gboolean     window_rows_in_list_order       (gpointer  data);
/* The list holds @expected devices, and the list view counts as many. */
void         window_rows_assert_count        (LkWindow *window,
                                              guint     expected);
/* Rows from the first to the last, activated as a click or Enter does, open the device they
 * show and select it. */
void         window_rows_assert_open_devices (LkWindow *window);
/* Right after a change, before any row is filled again: every row shows the device at its
 * position or nothing (blank), never a device that position no longer holds. Returns how many
 * were blank. */
guint        window_rows_assert_honest       (LkWindow *window);
/* The rows the list view holds now (LkDeviceRow, borrowed), in their order. */
GPtrArray   *window_rows_collect             (LkWindow *window);
