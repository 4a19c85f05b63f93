/* lk-secret.h: secrets in memory: made from the kernel's random numbers, wiped when done.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Overwrites then frees a string that held a secret. NULL-safe. */
void    lk_secret_string_free   (char *secret);
/* Like g_clear_pointer (ptr, lk_secret_string_free). */
void    lk_secret_string_clear  (char **secret);

/* @len bytes from getrandom(2), base64url-encoded (PKCE verifiers, OAuth state). */
char   *lk_random_token         (gsize         len,
                                 GError      **error);

/* base64url without padding (RFC 7636 §A). */
char   *lk_base64url_encode     (const guint8 *data,
                                 gsize         len);

G_END_DECLS
