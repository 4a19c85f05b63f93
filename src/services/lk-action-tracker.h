/* lk-action-tracker.h: sends one passcode action and follows it to its end.
 *
 * The tracker sends the POST exactly once, then polls the device's deviceActionResults with a
 * growing interval (pending → active → done/failed/notSupported), records the outcome in the
 * history, and keeps going when the wizard that started it is closed. When the POST was sent
 * but no answer came, it never resends: the action results tell what happened.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-action-history.h"
#include "lk-capability.h"
#include "lk-graph-client.h"

G_BEGIN_DECLS

typedef enum
{
  LK_TRACKER_READY,          /* nothing sent yet */
  LK_TRACKER_SENDING,
  LK_TRACKER_CHECKING,       /* sent, no answer: reading the action results instead */
  LK_TRACKER_PENDING,        /* queued by Intune, waiting for the device to check in */
  LK_TRACKER_ACTIVE,
  LK_TRACKER_DONE,
  LK_TRACKER_FAILED,         /* the device reported a failure */
  LK_TRACKER_NOT_SUPPORTED,
  LK_TRACKER_CANCELED,
  LK_TRACKER_ERROR,          /* the request failed: see the error (nothing was queued, or unknown) */
} LkTrackerState;

/* Properties (read-only, notified): "state" (LkTrackerState as int), "passcode-available"
 * (boolean; the passcode itself is only in lk_action_tracker_get_passcode()), "last-error"
 * (GError, NULL while nothing went wrong). Signal "finished": the state became final (done,
 * failed, notSupported, canceled or error), emitted once, after the outcome was recorded. */
#define LK_TYPE_ACTION_TRACKER (lk_action_tracker_get_type ())
G_DECLARE_FINAL_TYPE (LkActionTracker, lk_action_tracker, LK, ACTION_TRACKER, GObject)

/* @history may be NULL (nothing recorded); @admin and @tenant go into the history. */
LkActionTracker *lk_action_tracker_new           (LkGraphClient   *client,
                                                  LkDevice        *device,
                                                  LkActionKind     kind,
                                                  LkActionHistory *history,
                                                  const char      *admin,
                                                  const char      *tenant);
/* Sends the action. Only the first call does anything: a double click cannot send twice. */
void             lk_action_tracker_send          (LkActionTracker *self);
/* Asks the device to check in now (POST syncDevice); tracking goes on. */
void             lk_action_tracker_sync_device   (LkActionTracker *self);
/* Polling interval: first wait and cap, in ms (default 2000 and 15000). */
void             lk_action_tracker_set_poll_interval (LkActionTracker *self,
                                                      guint            first_ms,
                                                      guint            max_ms);
/* After an unanswered POST, how long to look for the action in deviceActionResults before
 * ending as "outcome unknown" (default 90 s). */
void             lk_action_tracker_set_checking_limit (LkActionTracker *self,
                                                       guint            ms);

LkTrackerState   lk_action_tracker_get_state     (LkActionTracker *self);
gboolean         lk_action_tracker_is_finished   (LkActionTracker *self);
LkDevice        *lk_action_tracker_get_device    (LkActionTracker *self);
/* The client the action was sent with (the account that sent it). */
LkGraphClient   *lk_action_tracker_get_client    (LkActionTracker *self);
LkActionKind     lk_action_tracker_get_kind      (LkActionTracker *self);
const GError    *lk_action_tracker_get_error     (LkActionTracker *self);
/* The temporary passcode once done (Android); a secret: never log it. */
const char      *lk_action_tracker_get_passcode  (LkActionTracker *self);
/* Wipes the passcode from memory (the result page closed). */
void             lk_action_tracker_clear_passcode (LkActionTracker *self);

const char      *lk_tracker_state_to_string      (LkTrackerState   state);  /* for the history */

G_END_DECLS
