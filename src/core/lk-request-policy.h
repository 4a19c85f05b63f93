/* lk-request-policy.h: the pure rules of the Graph send path, kept apart so they can be tested
 * without a network: where a bearer token may go, how long to wait before a retry.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Seconds to wait from a Retry-After value: "2", "0.5" (Graph may send fractions) or an
 * HTTP date relative to @now. Returns a negative value when absent or unparsable. */
double    lk_retry_after_parse       (const char *value,
                                      GDateTime  *now);

/* Capped exponential backoff with "equal jitter": for @attempt 0,1,2… a delay in
 * [d/2, d] where d = min(cap, base·2^attempt); @jitter in [0,1). Milliseconds. */
guint     lk_backoff_delay_ms        (guint      attempt,
                                      guint      base_ms,
                                      guint      cap_ms,
                                      double     jitter);

/* TRUE for 127.0.0.0/8, ::1 and "localhost". */
gboolean  lk_host_is_loopback        (const char *host);

/* Whether a bearer token may be sent to @url, given the configured Graph root @graph_url:
 * same scheme, host and port, path under the Graph root, and HTTPS unless the host is
 * loopback. On refusal sets LK_GRAPH_ERROR_INSECURE with a message that names the host (never
 * the token). */
gboolean  lk_url_may_carry_token     (const char  *url,
                                      const char  *graph_url,
                                      GError     **error);

G_END_DECLS
