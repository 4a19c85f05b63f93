/* lk-auth-error.h: the one error domain of the sign-in layer, and secret-wiping helpers.
 *
 * Error messages are shown to the admin: they never carry a token, code or verifier.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include "lk-secret.h"

G_BEGIN_DECLS

#define LK_AUTH_ERROR (lk_auth_error_quark ())

typedef enum
{
  LK_AUTH_ERROR_FAILED,
  LK_AUTH_ERROR_ACCESS_DENIED,         /* the user or an admin refused consent */
  LK_AUTH_ERROR_STATE_MISMATCH,        /* the redirect did not belong to this sign-in */
  LK_AUTH_ERROR_TIMEOUT,               /* the browser never came back */
  LK_AUTH_ERROR_EXPIRED,               /* the device code expired before approval */
  LK_AUTH_ERROR_DECLINED,              /* the device code was declined */
  LK_AUTH_ERROR_BAD_VERIFICATION_CODE,
  LK_AUTH_ERROR_INVALID_GRANT,         /* the refresh token is dead: sign in again */
  LK_AUTH_ERROR_KEYRING_UNAVAILABLE,   /* no Secret Service: offer a session-only sign-in */
  LK_AUTH_ERROR_KEYRING_LOCKED,        /* the keyring stayed locked: offer session-only */
  LK_AUTH_ERROR_NETWORK,
  LK_AUTH_ERROR_INVALID_RESPONSE,
  LK_AUTH_ERROR_INSECURE_ENDPOINT,     /* an endpoint that is neither https nor loopback */
  LK_AUTH_ERROR_BROWSER,               /* the browser could not be opened */
  LK_AUTH_ERROR_OAUTH,                 /* any other OAuth error */
  LK_AUTH_ERROR_PENDING,               /* device code: authorization_pending (internal) */
  LK_AUTH_ERROR_SLOW_DOWN,             /* device code: slow_down (internal) */
} LkAuthError;

GQuark  lk_auth_error_quark     (void);

/* Maps an OAuth "error" string (RFC 6749 §5.2, RFC 8628 §3.5) to a translated GError. */
GError *lk_auth_error_from_oauth (const char *oauth_error);

/* Like lk_auth_error_from_oauth(), keeping the clue of @description (the error_description
 * of the answer, untrusted): Entra's AADSTS code and the first sentence after it (control
 * characters dropped, length capped) follow the message, and for the codes an admin meets
 * first the message says what to do instead. NULL @description: as lk_auth_error_from_oauth(). */
GError *lk_auth_error_from_response (const char *oauth_error,
                                     const char *description);
/* The AADSTS number at the start of @description ("AADSTS50011: …"), or 0. */
guint   lk_auth_error_parse_aadsts  (const char *description);

G_END_DECLS
