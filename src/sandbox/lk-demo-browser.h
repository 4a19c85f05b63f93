/* lk-demo-browser.h: the "browser" of the demo tenant's auto-approved sign-in.
 *
 * Opening the system browser on a sandbox URL would work on a desktop, but the demo must also
 * run headless (CI, the CLI over SSH). This plays the user's browser instead: it fetches the
 * sandbox's authorize URL, which approves at once, and follows its redirect to Latchkey's
 * loopback listener — so --demo runs the real PKCE code path end to end.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An LkOpenUriFunc. @user_data is unused. Works on a thread of its own, because the loopback
 * listener that receives the redirect runs on the caller's main loop. */
gboolean lk_demo_browser_open_uri (const char  *uri,
                                   gpointer     user_data,
                                   GError     **error);

G_END_DECLS
