/* lk-rate-limiter.h: Intune's request limits (per app and tenant, in a sliding window) kept on
 * the client side, so a long listing or a batch of actions slows down instead of earning 429s.
 *
 * Threading: not locked; the owner (LkGraphClient) uses it from its main thread only.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _LkRateLimiter LkRateLimiter;

/* What an admitted request holds: the entries it added to the windows, named by an id that is
 * never reused, so an entry that aged out and was freed is never taken for the request's. */
typedef struct
{
  guint64  id;      /* 0: nothing to restamp */
  gboolean write;   /* also counted in the writes' window */
} LkRateTicket;

LkRateLimiter *lk_rate_limiter_new        (guint          requests,
                                           guint          writes,
                                           gint64         window_us);
void           lk_rate_limiter_free       (LkRateLimiter *self);
void           lk_rate_limiter_set_limits (LkRateLimiter *self,
                                           guint          requests,
                                           guint          writes,
                                           gint64         window_us);
/* Microseconds to wait before one more request fits; 0: admitted now, @ticket names it. */
gint64         lk_rate_limiter_admit      (LkRateLimiter *self,
                                           gboolean       write,
                                           gint64         now,
                                           LkRateTicket  *ticket);
/* The admitted request reached the wire at @now: it counts from then (once). */
void           lk_rate_limiter_restamp    (LkRateLimiter *self,
                                           LkRateTicket  *ticket,
                                           gint64         now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkRateLimiter, lk_rate_limiter_free)

G_END_DECLS
