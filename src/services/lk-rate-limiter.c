/* lk-rate-limiter.c: two sliding windows of send times (all requests, writes), oldest first.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lk-rate-limiter.h"

typedef struct
{
  gint64  at;   /* monotonic µs */
  guint64 id;   /* the ticket's, or 0 once restamped */
} Entry;

struct _LkRateLimiter
{
  GQueue  requests;   /* Entry, owned, ordered by at */
  GQueue  writes;
  guint   max_requests;
  guint   max_writes;
  gint64  window;     /* µs */
  guint64 next_id;
};

LkRateLimiter *
lk_rate_limiter_new (guint  requests,
                     guint  writes,
                     gint64 window_us)
{
  LkRateLimiter *self = g_new0 (LkRateLimiter, 1);

  g_queue_init (&self->requests);
  g_queue_init (&self->writes);
  self->next_id = 1;
  lk_rate_limiter_set_limits (self, requests, writes, window_us);
  return self;
}

void
lk_rate_limiter_free (LkRateLimiter *self)
{
  g_queue_clear_full (&self->requests, g_free);
  g_queue_clear_full (&self->writes, g_free);
  g_free (self);
}

void
lk_rate_limiter_set_limits (LkRateLimiter *self,
                            guint          requests,
                            guint          writes,
                            gint64         window_us)
{
  self->max_requests = MAX (requests, 1);
  self->max_writes = MAX (writes, 1);
  self->window = MAX (window_us, 1);
}

static void
forget_before (GQueue *times,
               gint64  cutoff)
{
  while (!g_queue_is_empty (times) && ((Entry *) g_queue_peek_head (times))->at <= cutoff)
    g_free (g_queue_pop_head (times));
}

/* The window the client keeps: the service's, and 2 % more for the jitter between when a
 * request leaves and when the service counts it. */
static gint64
kept_window (LkRateLimiter *self)
{
  return self->window + self->window / 50;
}

static void
push (GQueue  *times,
      gint64   at,
      guint64  id)
{
  Entry *entry = g_new (Entry, 1);

  entry->at = at;
  entry->id = id;
  g_queue_push_tail (times, entry);
}

gint64
lk_rate_limiter_admit (LkRateLimiter *self,
                       gboolean       write,
                       gint64         now,
                       LkRateTicket  *ticket)
{
  gint64 window = kept_window (self);
  gint64 wait = 0;

  forget_before (&self->requests, now - window);
  forget_before (&self->writes, now - window);
  if (g_queue_get_length (&self->requests) >= self->max_requests)
    wait = ((Entry *) g_queue_peek_head (&self->requests))->at + window - now;
  if (write && g_queue_get_length (&self->writes) >= self->max_writes)
    wait = MAX (wait, ((Entry *) g_queue_peek_head (&self->writes))->at + window - now);
  if (wait > 0)
    return wait;

  ticket->id = self->next_id++;
  ticket->write = write;
  push (&self->requests, now, ticket->id);
  if (write)
    push (&self->writes, now, ticket->id);
  return 0;
}

/* Moves the entry of @id (if the window still holds it) to @now, kept in order. Both are
 * searched for from the newest end: a ticket is restamped moments after it was admitted, and
 * @now is as late as any time kept. From the oldest end, a listing of a million devices walked
 * its thousand entries twice a page. */
static void
restamp (GQueue  *times,
         guint64  id,
         gint64   now)
{
  GList *link, *before;
  Entry *entry = NULL;

  for (link = times->tail; link != NULL; link = link->prev)
    if (((Entry *) link->data)->id == id)
      {
        entry = link->data;
        g_queue_delete_link (times, link);
        break;
      }
  if (entry == NULL)
    entry = g_new (Entry, 1);
  entry->at = now;
  entry->id = 0;
  for (before = times->tail; before != NULL && ((Entry *) before->data)->at > now; before = before->prev)
    ;
  if (before != NULL)
    g_queue_insert_after (times, before, entry);
  else
    g_queue_push_head (times, entry);
}

void
lk_rate_limiter_restamp (LkRateLimiter *self,
                         LkRateTicket  *ticket,
                         gint64         now)
{
  if (ticket->id == 0)
    return;
  restamp (&self->requests, ticket->id, now);
  if (ticket->write)
    restamp (&self->writes, ticket->id, now);
  ticket->id = 0;
}
