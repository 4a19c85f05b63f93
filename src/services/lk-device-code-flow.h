/* lk-device-code-flow.h: the OAuth 2.0 device authorization grant (RFC 8628).
 *
 * The fallback when no browser can come back to us. The user code and verification URI are
 * reported through the "code-received" signal so the UI or CLI can show them; the token
 * endpoint is polled from a GSource, never a sleep.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "lk-oidc.h"

G_BEGIN_DECLS

#define LK_TYPE_DEVICE_CODE_FLOW (lk_device_code_flow_get_type ())
G_DECLARE_FINAL_TYPE (LkDeviceCodeFlow, lk_device_code_flow, LK, DEVICE_CODE_FLOW, GObject)

LkDeviceCodeFlow *lk_device_code_flow_new    (SoupSession        *session,
                                              const LkOidcConfig *config,
                                              const char         *client_id,
                                              const char         *scopes);
/* How much slow_down adds to the polling interval (default 5000 ms, per RFC 8628 §3.5);
 * tests make it small. */
void              lk_device_code_flow_set_slow_down_increment_ms (LkDeviceCodeFlow *self,
                                                                  guint             increment_ms);
/* The current polling interval in ms (after slow_down), for tests and diagnostics. */
guint             lk_device_code_flow_get_interval_ms (LkDeviceCodeFlow *self);

/* Emits "code-received" (user_code, verification_uri, message-or-NULL) once, then polls. */
void              lk_device_code_flow_run_async  (LkDeviceCodeFlow    *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
LkTokenResponse  *lk_device_code_flow_run_finish (LkDeviceCodeFlow    *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
