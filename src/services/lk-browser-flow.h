/* lk-browser-flow.h: authorization code + PKCE (S256) in the system browser.
 *
 * A SoupServer on the loopback addresses (127.0.0.1 and ::1, one ephemeral port) takes
 * exactly one redirect to "/", checks the state, answers a page and shuts down; stray
 * requests (/favicon.ico, or "/" without code/error) get 404/400 and do not end the flow.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "lk-oidc.h"
#include "lk-open-uri.h"
#include "lk-secret.h"

G_BEGIN_DECLS

/* The host of the redirect URI: what admins register ("http://localhost", the portal's choice
 * for Mobile and desktop applications) and what Microsoft's own libraries send. */
#define LK_REDIRECT_HOST "localhost"

#define LK_TYPE_BROWSER_FLOW (lk_browser_flow_get_type ())
G_DECLARE_FINAL_TYPE (LkBrowserFlow, lk_browser_flow, LK, BROWSER_FLOW, GObject)

LkBrowserFlow   *lk_browser_flow_new               (SoupSession        *session,
                                                    const LkOidcConfig *config,
                                                    const char         *client_id,
                                                    const char         *scopes);
void             lk_browser_flow_set_open_uri_func (LkBrowserFlow      *self,
                                                    LkOpenUriFunc       func,
                                                    gpointer            user_data,
                                                    GDestroyNotify      destroy);
/* How long to wait for the browser to come back (default 5 minutes). */
void             lk_browser_flow_set_timeout_ms    (LkBrowserFlow      *self,
                                                    guint               timeout_ms);
/* After @patience_ms without a redirect (default 1 minute) "still-waiting" is emitted once. */
void             lk_browser_flow_set_patience_ms   (LkBrowserFlow      *self,
                                                    guint               patience_ms);
/* Asks the sign-in page for this account (login_hint) instead of offering a choice. */
void             lk_browser_flow_set_login_hint    (LkBrowserFlow      *self,
                                                    const char         *login_hint);
/* When the browser cannot be opened: TRUE keeps listening (the sign-in address is in
 * "waiting", to be opened by hand); FALSE (default) ends with LK_AUTH_ERROR_BROWSER. */
void             lk_browser_flow_set_keep_waiting  (LkBrowserFlow      *self,
                                                    gboolean            keep_waiting);
/* The redirect URI, "http://localhost:PORT/", once run_async() started; else NULL. */
const char      *lk_browser_flow_get_redirect_uri  (LkBrowserFlow      *self);

/* Runs once: listens, opens the browser, waits for the redirect, redeems the code.
 *
 * Signals, so nobody waits in silence:
 *   "waiting" (const char *authorize_uri, const char *browser_error): the browser was asked
 *     to open the sign-in address; @browser_error is NULL, or why it could not be opened.
 *   "still-waiting" (guint seconds_left): no redirect after the patience time. */
void             lk_browser_flow_run_async         (LkBrowserFlow       *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
LkTokenResponse *lk_browser_flow_run_finish        (LkBrowserFlow       *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
