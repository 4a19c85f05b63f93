/* lk-open-uri.h: how a sign-in opens the browser.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Opens @uri in a browser. Returns FALSE with @error when it cannot. The default uses
 * g_app_info_launch_default_for_uri_async(), i.e. the OpenURI portal under Flatpak. Tests
 * pass a function that plays the browser. */
typedef gboolean (*LkOpenUriFunc) (const char  *uri,
                                   gpointer     user_data,
                                   GError     **error);

G_END_DECLS
