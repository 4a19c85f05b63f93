/* lk-action-journal.c: the journal read together with deviceActionResults.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-action-journal.h"

/* Intune's clock and ours may differ a little. */
#define CLOCK_SKEW (5 * G_TIME_SPAN_MINUTE)

static GDateTime *
entry_time (const LkHistoryEntry *entry)
{
  return entry->time != NULL ? g_date_time_new_from_iso8601 (entry->time, NULL) : NULL;
}

gboolean
lk_action_result_predates (LkActionResult       *result,
                           const LkHistoryEntry *entry)
{
  g_autoptr(GDateTime) sent = entry != NULL ? entry_time (entry) : NULL;
  g_autoptr(GDateTime) prior = NULL;
  GDateTime *start = result != NULL ? lk_action_result_get_start (result) : NULL;

  if (entry == NULL || start == NULL)
    return FALSE;
  /* Exact when the sender read the device's results first: the result that was there then
   * (or an older one) is not this action's; with none there then, any result is. */
  if (g_strcmp0 (entry->prior_result_start, "none") == 0)
    return FALSE;
  prior = entry->prior_result_start != NULL ? g_date_time_new_from_iso8601 (entry->prior_result_start, NULL) : NULL;
  if (prior != NULL)
    return g_date_time_compare (start, prior) <= 0;
  return sent != NULL && g_date_time_difference (sent, start) > CLOCK_SKEW;
}

static gboolean
within (GDateTime *when,
        GDateTime *now,
        GTimeSpan  window)
{
  return when != NULL && g_date_time_difference (now, when) < window;
}

/* Whether @result (Intune's) or @latest (the journal's) says an action may still be on its
 * way or waiting for the device. */
static LkInFlight
in_flight_of (LkActionResult  *result,
              LkHistoryEntry  *latest,
              GDateTime       *now,
              GDateTime      **since)
{
  g_autoptr(GDateTime) sent = latest != NULL ? entry_time (latest) : NULL;
  GDateTime *start = result != NULL ? lk_action_result_get_start (result) : NULL;

  if (result != NULL && !lk_action_state_is_final (lk_action_result_get_state (result))
      && lk_action_result_get_state (result) != LK_ACTION_STATE_NONE
      && (start == NULL || within (start, now, LK_IN_FLIGHT_PENDING_WINDOW)))
    {
      if (since != NULL)
        *since = start != NULL ? g_date_time_ref (start) : NULL;
      return LK_IN_FLIGHT_PENDING;
    }
  /* The journal's action is open and Intune shows nothing of it: neither a result of its own
   * (one that does not predate it) nor anything final. */
  if (latest != NULL && lk_history_outcome_is_open (latest->outcome)
      && within (sent, now, LK_IN_FLIGHT_JOURNAL_WINDOW)
      && (result == NULL || lk_action_result_predates (result, latest)))
    {
      if (since != NULL)
        *since = g_steal_pointer (&sent);
      return LK_IN_FLIGHT_UNKNOWN;
    }
  return LK_IN_FLIGHT_NONE;
}

LkInFlight
lk_action_in_flight (GPtrArray   *entries,
                     GPtrArray   *results,
                     const char  *device_id,
                     GDateTime   *now,
                     GDateTime  **since)
{
  return in_flight_of (results != NULL ? lk_action_results_find_reset_passcode (results) : NULL,
                       lk_history_find_latest (entries, device_id), now, since);
}

/* The newest journal entry of @action_name for @device_id: a rotation of one kind is never
 * held back by another kind's, nor by a passcode action. */
static LkHistoryEntry *
find_latest_named (GPtrArray  *entries,
                   const char *device_id,
                   const char *action_name)
{
  for (guint i = entries != NULL ? entries->len : 0; i > 0; i--)
    {
      LkHistoryEntry *entry = g_ptr_array_index (entries, i - 1);

      if (g_strcmp0 (entry->device_id, device_id) == 0 && g_strcmp0 (entry->action, action_name) == 0)
        return entry;
    }
  return NULL;
}

static LkActionResult *
find_result_named (GPtrArray  *results,
                   const char *action_name)
{
  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      LkActionResult *result = g_ptr_array_index (results, i);

      if (g_strcmp0 (lk_action_result_get_action_name (result), action_name) == 0)
        return result;
    }
  return NULL;
}

LkInFlight
lk_rotation_in_flight (GPtrArray   *entries,
                       GPtrArray   *results,
                       const char  *device_id,
                       const char  *action_name,
                       GDateTime   *now,
                       GDateTime  **since)
{
  return in_flight_of (find_result_named (results, action_name),
                       find_latest_named (entries, device_id, action_name), now, since);
}

char *
lk_rotation_in_flight_text (LkInFlight  in_flight,
                            GDateTime  *since)
{
  g_autoptr(GDateTime) local = since != NULL ? g_date_time_to_local (since) : NULL;
  g_autofree char *when = local != NULL ? g_date_time_format (local, "%x %X") : g_strdup ("—");

  if (in_flight == LK_IN_FLIGHT_PENDING)
    return g_strdup_printf (_("A rotation of this secret is already waiting in Intune (started %s)."), when);
  return g_strdup_printf (_("A rotation of this secret sent from this computer at %s may have reached Intune, and the device has not reported it yet."), when);
}

/* Our own words for Intune's state: what Graph sent is never written to the journal as is. */
static const char *
outcome_for_state (LkActionState state)
{
  switch (state)
    {
    case LK_ACTION_STATE_PENDING:
      return "pending";
    case LK_ACTION_STATE_ACTIVE:
      return "active";
    case LK_ACTION_STATE_DONE:
      return "done";
    case LK_ACTION_STATE_FAILED:
      return "failed";
    case LK_ACTION_STATE_NOT_SUPPORTED:
      return "notSupported";
    case LK_ACTION_STATE_CANCELED:
      return "canceled";
    case LK_ACTION_STATE_NONE:
    case LK_ACTION_STATE_UNKNOWN:
    default:
      return NULL;
    }
}

const char *
lk_action_journal_resolve (LkActionHistory  *history,
                           GPtrArray        *entries,
                           GPtrArray        *results,
                           const char       *device_id,
                           GError          **error)
{
  LkHistoryEntry *latest = lk_history_find_latest (entries, device_id);
  LkActionResult *reset = results != NULL ? lk_action_results_find_reset_passcode (results) : NULL;
  g_autoptr(LkHistoryEntry) outcome = NULL;
  const char *state;

  if (latest == NULL || reset == NULL || !lk_history_outcome_is_open (latest->outcome)
      || latest->client_request_id == NULL || lk_action_result_predates (reset, latest))
    return NULL;
  state = outcome_for_state (lk_action_result_get_state (reset));
  if (state == NULL || g_strcmp0 (state, latest->outcome) == 0)
    return NULL;

  outcome = lk_history_entry_new ();
  outcome->device_id = g_strdup (device_id);
  outcome->client_request_id = g_strdup (latest->client_request_id);
  outcome->outcome = g_strdup (state);
  if (!lk_action_history_append (history, outcome, error))
    return NULL;
  g_free (latest->outcome);
  latest->outcome = g_strdup (state);
  return latest->outcome;
}
