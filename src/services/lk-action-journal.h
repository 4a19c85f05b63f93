/* lk-action-journal.h: what the journal and Intune together say about a device's last action.
 *
 * The history (lk-action-history.h) knows what this computer sent, and when; the device's
 * deviceActionResults know what Intune did. Neither alone may decide whether a second passcode
 * action is safe to send, or whether a result shown is this attempt's.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "lk-action-history.h"
#include "lk-action-result.h"

G_BEGIN_DECLS

typedef enum
{
  LK_IN_FLIGHT_NONE,     /* nothing on its way: a new action may be sent */
  LK_IN_FLIGHT_PENDING,  /* Intune holds a passcode action that is pending or active */
  LK_IN_FLIGHT_UNKNOWN,  /* the journal holds an action that may have reached Intune (sent,
                            or its outcome unknown) and Intune shows no result of it yet */
} LkInFlight;

/* Intune shows an action's result for 7 days: a pending one younger than that still waits for
 * the device. A journal record with no result in Intune is taken as possibly on its way for a
 * day: by then Intune has long shown an action it received. */
#define LK_IN_FLIGHT_PENDING_WINDOW (7 * G_TIME_SPAN_DAY)
#define LK_IN_FLIGHT_JOURNAL_WINDOW G_TIME_SPAN_DAY

/* @entries: the loaded history (may be NULL); @results: the device's deviceActionResults (may
 * be NULL when they could not be read). @since (optional) gets the time the action started or
 * was sent; unref it. */
LkInFlight      lk_action_in_flight          (GPtrArray   *entries,
                                              GPtrArray   *results,
                                              const char  *device_id,
                                              GDateTime   *now,
                                              GDateTime  **since);
/* The same for a rotation of an unlock secret: @action_name is its Intune action
 * ("rotateBitLockerKeys"…), matched against the journal's action and, where Intune lists the
 * rotation in deviceActionResults, that result's actionName. */
LkInFlight      lk_rotation_in_flight        (GPtrArray   *entries,
                                              GPtrArray   *results,
                                              const char  *device_id,
                                              const char  *action_name,
                                              GDateTime   *now,
                                              GDateTime  **since);
/* What the admin reads about a rotation @in_flight (not NONE) since @since (may be NULL). */
char           *lk_rotation_in_flight_text   (LkInFlight   in_flight,
                                              GDateTime   *since);
/* Whether @result started before @entry was sent (beyond clock skew): it is an earlier action's,
 * never @entry's. */
gboolean        lk_action_result_predates    (LkActionResult       *result,
                                              const LkHistoryEntry *entry);
/* When the device's latest journal entry is still open and Intune now shows its result, appends
 * that outcome under the entry's client-request-id and returns it ("pending", "done"…); NULL
 * when there is nothing to resolve. */
const char     *lk_action_journal_resolve    (LkActionHistory  *history,
                                              GPtrArray        *entries,
                                              GPtrArray        *results,
                                              const char       *device_id,
                                              GError          **error);

G_END_DECLS
