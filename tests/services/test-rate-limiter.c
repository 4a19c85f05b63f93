/* test-rate-limiter.c: Intune's sliding windows kept on the client — the waits it asks for,
 * against a model that keeps every send time in a plain array.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lk-rate-limiter.h"

#define WINDOW_US  20000000   /* Intune's 20 s */
#define KEPT_US    (WINDOW_US + WINDOW_US / 50)

/* Two requests fill a window of two: the third waits until the first leaves it, and a
 * restamp makes the first count from when it reached the wire, not when it was admitted. */
static void
test_waits (void)
{
  g_autoptr(LkRateLimiter) limiter = lk_rate_limiter_new (2, 1, WINDOW_US);
  LkRateTicket first = { 0 }, second = { 0 }, third = { 0 };

  g_assert_cmpint (lk_rate_limiter_admit (limiter, FALSE, 1000, &first), ==, 0);
  g_assert_cmpint (lk_rate_limiter_admit (limiter, TRUE, 2000, &second), ==, 0);
  g_assert_cmpint (lk_rate_limiter_admit (limiter, FALSE, 3000, &third), ==, 1000 + KEPT_US - 3000);

  /* A write waits for the writes' window too (one write in it). */
  lk_rate_limiter_set_limits (limiter, 3, 1, WINDOW_US);
  g_assert_cmpint (lk_rate_limiter_admit (limiter, TRUE, 3000, &third), ==, 2000 + KEPT_US - 3000);

  /* The first went out late: the oldest is now the second, then the first's new time. */
  lk_rate_limiter_set_limits (limiter, 2, 1, WINDOW_US);
  lk_rate_limiter_restamp (limiter, &first, 5000);
  g_assert_cmpuint (first.id, ==, 0);
  g_assert_cmpint (lk_rate_limiter_admit (limiter, FALSE, 6000, &third), ==, 2000 + KEPT_US - 6000);
  /* The second leaves the window: one more fits, then the first's new time is the oldest. */
  g_assert_cmpint (lk_rate_limiter_admit (limiter, FALSE, 2000 + KEPT_US, &third), ==, 0);
  g_assert_cmpint (lk_rate_limiter_admit (limiter, FALSE, 3000 + KEPT_US, &second), ==, 2000);
  /* Restamped once only: the second call does nothing, so the first leaves at 5000. */
  lk_rate_limiter_restamp (limiter, &first, 9000);
  g_assert_cmpint (lk_rate_limiter_admit (limiter, FALSE, 5000 + KEPT_US, &second), ==, 0);
}

typedef struct
{
  gint64  at;
  guint64 id;
  gboolean write;
} Sent;

static void
model_forget (GArray *sent,
              gint64  now)
{
  for (guint i = sent->len; i-- > 0;)
    if (g_array_index (sent, Sent, i).at <= now - KEPT_US)
      g_array_remove_index (sent, i);
}

static gint64
model_wait (GArray  *sent,
            gboolean writes,
            guint    max,
            gint64   now)
{
  gint64 oldest = G_MAXINT64;
  guint n = 0;

  for (guint i = 0; i < sent->len; i++)
    if (!writes || g_array_index (sent, Sent, i).write)
      {
        oldest = MIN (oldest, g_array_index (sent, Sent, i).at);
        n++;
      }
  return n >= max ? oldest + KEPT_US - now : 0;
}

/* Thousands of admissions and restamps, the restamps out of order and sometimes later than
 * requests admitted after them: every wait the limiter asks for is the model's, so its windows
 * stay in order whichever end it searches from. */
static void
test_against_model (void)
{
  const guint max_requests = 50, max_writes = 8;
  g_autoptr(LkRateLimiter) limiter = lk_rate_limiter_new (max_requests, max_writes, WINDOW_US);
  g_autoptr(GArray) sent = g_array_new (FALSE, FALSE, sizeof (Sent));
  g_autoptr(GArray) tickets = g_array_new (FALSE, FALSE, sizeof (LkRateTicket));
  g_autoptr(GRand) rand = g_rand_new_with_seed (18);
  gint64 now = 0;
  guint admitted = 0, waited = 0, restamped = 0;

  for (guint step = 0; step < 20000; step++)
    {
      now += g_rand_int_range (rand, 0, WINDOW_US / 40);
      if (tickets->len > 0 && g_rand_boolean (rand))
        {
          guint pick = g_rand_int_range (rand, 0, (gint32) tickets->len);
          LkRateTicket ticket = g_array_index (tickets, LkRateTicket, pick);
          /* Sent up to a second before now: later than some requests admitted since. */
          gint64 at = now - g_rand_int_range (rand, 0, 1000000);
          Sent entry = { at, 0, ticket.write };
          guint i;

          g_array_remove_index (tickets, pick);
          /* Its admission's entry, or a new one if that left the window already. */
          for (i = 0; i < sent->len && g_array_index (sent, Sent, i).id != ticket.id; i++)
            ;
          if (i < sent->len)
            g_array_index (sent, Sent, i) = entry;
          else
            g_array_append_val (sent, entry);
          lk_rate_limiter_restamp (limiter, &ticket, at);
          restamped++;
          continue;
        }
      {
        gboolean write = g_rand_int_range (rand, 0, 4) == 0;
        LkRateTicket ticket = { 0 };
        gint64 expected, got;
        Sent entry;

        model_forget (sent, now);
        expected = model_wait (sent, FALSE, max_requests, now);
        if (write)
          expected = MAX (expected, model_wait (sent, TRUE, max_writes, now));
        got = lk_rate_limiter_admit (limiter, write, now, &ticket);
        g_assert_cmpint (got, ==, MAX (expected, 0));
        if (got > 0)
          {
            waited++;
            continue;
          }
        entry.at = now;
        entry.id = ticket.id;
        entry.write = write;
        g_array_append_val (sent, entry);
        g_array_append_val (tickets, ticket);
        admitted++;
      }
    }
  /* The run went through full windows and out-of-order restamps, not only empty ones. */
  g_assert_cmpuint (admitted, >, 1000);
  g_assert_cmpuint (waited, >, 100);
  g_assert_cmpuint (restamped, >, 1000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rate-limiter/waits", test_waits);
  g_test_add_func ("/rate-limiter/against-model", test_against_model);
  return g_test_run ();
}
