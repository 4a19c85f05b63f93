/* lk-result-rows.h: the rows of the results list, a long list's filled in a few per frame.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lk-device-list.h"
#include "lk-device-query.h"

G_BEGIN_DECLS

/* A factory for @view's rows of @store's devices (both borrowed: the factory lives in @view). */
GtkListItemFactory *lk_result_rows_new            (GtkListView        *view,
                                                   LkDeviceList       *store);
/* The field the current query matched: rows show it under the name. */
void                lk_result_rows_set_query_kind (GtkListItemFactory *factory,
                                                   LkQueryKind         kind);

G_END_DECLS
