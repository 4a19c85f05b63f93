/* lk-action-tracker.c: sends one passcode action and follows it to its end.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-action-tracker.h"
#include "lk-graph-error.h"

/* After an unanswered POST, how long to look for the action before giving up on knowing. */
#define CHECKING_LIMIT_MS (90 * 1000)

struct _LkActionTracker
{
  GObject          parent_instance;

  LkGraphClient   *client;
  LkDevice        *device;
  LkActionKind     kind;
  LkActionHistory *history;
  char            *admin;
  char            *tenant;

  LkTrackerState   state;
  GError          *error;
  char            *passcode;
  char            *request_id;
  char            *client_request_id;
  GDateTime       *sent_at;
  gboolean         baseline_known;  /* the device's results were read before sending */
  gboolean         baseline_present;/* … and held a resetPasscode result then */
  GDateTime       *baseline_start;  /* … that started then (NULL: without a start time) */
  gint64           checking_since;
  gint64           checking_limit;  /* µs */
  guint            poll_first_ms;
  guint            poll_max_ms;
  guint            poll_ms;
  guint            poll_source;
  gboolean         sent;
  gboolean         intent_written; /* the journal holds this action's "sending" record */
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (LkActionTracker, lk_action_tracker, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_PASSCODE_AVAILABLE,
  PROP_LAST_ERROR,
  N_PROPS
};

enum
{
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

static void poll_results (LkActionTracker *self);

const char *
lk_tracker_state_to_string (LkTrackerState state)
{
  static const char *const names[] = {
    "ready", "sending", "checking", "pending", "active", "done", "failed", "notSupported",
    "canceled", "error",
  };

  return state < G_N_ELEMENTS (names) ? names[state] : "unknown";
}


static LkHistoryEntry *
entry_for (LkActionTracker *self,
           const char      *outcome)
{
  LkHistoryEntry *entry = lk_history_entry_new ();

  entry->admin = g_strdup (self->admin);
  entry->tenant = g_strdup (self->tenant);
  entry->device_id = g_strdup (lk_device_get_id (self->device));
  entry->device_name = g_strdup (lk_device_get_device_name (self->device));
  entry->action = g_strdup (lk_action_kind_to_string (self->kind));
  entry->outcome = g_strdup (outcome);
  /* Error messages are ours and never hold a secret; the passcode is never recorded. */
  entry->detail = self->error != NULL ? g_strdup (self->error->message) : NULL;
  entry->request_id = g_strdup (self->request_id);
  entry->client_request_id = g_strdup (self->client_request_id);
  if (self->baseline_known && !self->baseline_present)
    entry->prior_result_start = g_strdup ("none");
  else if (self->baseline_start != NULL)
    entry->prior_result_start = g_date_time_format_iso8601 (self->baseline_start);
  return entry;
}

/* An outcome, under the intent's client-request-id. Without an intent in the journal (it
 * could not be written, so nothing was sent) there is nothing to record it against. */
static void
record (LkActionTracker *self,
        const char      *outcome)
{
  g_autoptr(LkHistoryEntry) entry = NULL;
  g_autoptr(GError) error = NULL;

  if (self->history == NULL || !self->intent_written)
    return;
  entry = entry_for (self, outcome);
  /* On the main thread, so not waiting for fsync (22 ms at the 90th percentile on a loaded
   * VM): the intent before it is durable, and an outcome lost to a crash reads "unknown". */
  if (!lk_action_history_append_outcome (self->history, entry, &error))
    g_warning ("Could not record the action: %s", error->message);
}

/* What the history says of a final state: an error whose outcome is unknown is not "not sent". */
static const char *
final_outcome (LkActionTracker *self,
               LkTrackerState   state)
{
  if (state == LK_TRACKER_ERROR
      && g_error_matches (self->error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_OUTCOME_UNKNOWN))
    return "unknown";
  /* Multi Admin Approval holds the request for a second admin: not a failure. */
  if (state == LK_TRACKER_ERROR
      && lk_graph_error_get_forbidden_reason (self->error) == LK_FORBIDDEN_MULTI_ADMIN_APPROVAL)
    return "awaitingApproval";
  return lk_tracker_state_to_string (state);
}

static gboolean
is_final (LkTrackerState state)
{
  return state >= LK_TRACKER_DONE;
}

static void
set_state (LkActionTracker *self,
           LkTrackerState   state)
{
  /* A "finished" handler may drop the last outside reference (the application's registry). */
  G_GNUC_UNUSED g_autoptr(LkActionTracker) keep = g_object_ref (self);

  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
  if (is_final (state))
    {
      g_clear_handle_id (&self->poll_source, g_source_remove);
      record (self, final_outcome (self, state));
      g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
    }
}

/* Takes @error (NULL clears it). */
static void
set_error (LkActionTracker *self,
           GError          *error)
{
  if (self->error == NULL && error == NULL)
    return;
  g_clear_error (&self->error);
  self->error = error;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_ERROR]);
}

static void
fail (LkActionTracker *self,
      GError          *error)
{
  set_error (self, error);
  if (self->request_id == NULL)
    self->request_id = g_strdup (lk_graph_error_get_request_id (error));
  set_state (self, LK_TRACKER_ERROR);
}

static gboolean
poll_cb (gpointer user_data)
{
  LkActionTracker *self = user_data;

  self->poll_source = 0;
  poll_results (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (LkActionTracker *self)
{
  g_clear_handle_id (&self->poll_source, g_source_remove);
  self->poll_source = g_timeout_add (self->poll_ms, poll_cb, self);
  self->poll_ms = MIN (self->poll_ms * 2, self->poll_max_ms);
}

static LkTrackerState
tracker_state_for (LkActionState state)
{
  switch (state)
    {
    case LK_ACTION_STATE_ACTIVE:
      return LK_TRACKER_ACTIVE;
    case LK_ACTION_STATE_DONE:
      return LK_TRACKER_DONE;
    case LK_ACTION_STATE_FAILED:
      return LK_TRACKER_FAILED;
    case LK_ACTION_STATE_NOT_SUPPORTED:
      return LK_TRACKER_NOT_SUPPORTED;
    case LK_ACTION_STATE_CANCELED:
      return LK_TRACKER_CANCELED;
    case LK_ACTION_STATE_PENDING:
    case LK_ACTION_STATE_NONE:
    case LK_ACTION_STATE_UNKNOWN:
    default:
      return LK_TRACKER_PENDING;
    }
}

/* A result left by an earlier action must never pass for ours: after an unanswered POST it
 * would report "done" — and show the earlier temporary passcode — for an action Intune may
 * never have received. With the results read before sending, ours is whatever replaced that
 * one; without them, only a result started around our POST (clocks may differ a little). */
static gboolean
is_ours (LkActionTracker *self,
         LkActionResult  *result)
{
  GDateTime *start = lk_action_result_get_start (result);

  if (self->baseline_known)
    {
      if (!self->baseline_present)
        return TRUE;
      if (start == NULL || self->baseline_start == NULL)
        return start != self->baseline_start;
      return !g_date_time_equal (start, self->baseline_start);
    }
  return start == NULL || g_date_time_difference (start, self->sent_at) > -5 * G_TIME_SPAN_MINUTE;
}

static void
results_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LkActionTracker) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  LkActionResult *reset;

  results = lk_graph_client_get_action_results_finish (LK_GRAPH_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || is_final (self->state))
    return;
  if (results == NULL)
    {
      /* A failed read is not a failed action: try again later. */
      g_debug ("Tracker: reading action results failed: %s", error->message);
      schedule_poll (self);
      return;
    }

  reset = lk_action_results_find_reset_passcode (results);
  if (reset == NULL || !is_ours (self, reset))
    {
      if (self->state == LK_TRACKER_CHECKING
          && g_get_monotonic_time () - self->checking_since > self->checking_limit)
        {
          fail (self, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_OUTCOME_UNKNOWN,
                                                       _("Intune shows no passcode action for this device. The request was probably not received; check the Intune admin center before trying again."),
                                                       0, NULL, self->request_id, self->client_request_id));
          return;
        }
      schedule_poll (self);
      return;
    }

  /* Intune has the action: whatever the unanswered POST left unknown is known now. */
  if (self->state == LK_TRACKER_CHECKING)
    set_error (self, NULL);
  if (lk_action_result_get_state (reset) == LK_ACTION_STATE_DONE && lk_action_result_get_passcode (reset) != NULL)
    {
      lk_action_tracker_clear_passcode (self);
      self->passcode = g_strdup (lk_action_result_get_passcode (reset));
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PASSCODE_AVAILABLE]);
    }
  set_state (self, tracker_state_for (lk_action_result_get_state (reset)));
  if (!is_final (self->state))
    schedule_poll (self);
}

static void
poll_results (LkActionTracker *self)
{
  lk_graph_client_get_action_results_async (self->client, lk_device_get_id (self->device),
                                            self->cancellable, results_cb, g_object_ref (self));
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(LkActionTracker) self = user_data;
  GError *error = NULL;

  g_clear_pointer (&self->request_id, g_free);
  /* The client-request-id is ours (post ()): the outcome is recorded under the intent's. */
  if (!lk_graph_client_post_action_finish_full (LK_GRAPH_CLIENT (source), result, &self->request_id,
                                                NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_error_free (error);
          return;
        }
      if (g_error_matches (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_OUTCOME_UNKNOWN))
        {
          /* Never resend: the device's action results will say whether Intune queued it. */
          set_error (self, error);
          self->checking_since = g_get_monotonic_time ();
          record (self, "unknown");
          set_state (self, LK_TRACKER_CHECKING);
          poll_results (self);
          return;
        }
      fail (self, error);
      return;
    }

  record (self, "sent");
  set_state (self, LK_TRACKER_PENDING);
  schedule_poll (self);
}

static void
post (LkActionTracker *self)
{
  g_clear_pointer (&self->sent_at, g_date_time_unref);
  self->sent_at = g_date_time_new_now_utc ();
  lk_graph_client_post_action_with_id_async (self->client, lk_device_get_id (self->device),
                                             LK_DEVICE_ACTION_RESET_PASSCODE, self->client_request_id,
                                             self->cancellable, sent_cb, g_object_ref (self));
}

/* The journal step does not keep the tracker alive: whoever holds the tracker (the
 * application, the CLI) decides whether the action goes. One dropped while its intent was
 * being written sends nothing, and the journal says so (lk_action_history_append_intent_async). */
static void
intent_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(LkActionTracker) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;
  gboolean written;

  g_weak_ref_clear (weak);
  g_free (weak);
  written = lk_action_history_append_intent_finish (LK_ACTION_HISTORY (source), result, &error);
  if (self == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      if (written)
        lk_action_history_withdraw_intent (LK_ACTION_HISTORY (source), result);
      return;
    }
  if (!written)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  self->intent_written = TRUE;
  post (self);
}

/* The journal names the request before it leaves: if the process dies while it is on its way,
 * the record is there (outcome unknown) and nothing invites a second send. No record, no
 * request. The write (with its fsync) runs on a worker, never on the main loop. */
static void
journal_then_post (LkActionTracker *self)
{
  g_autoptr(LkHistoryEntry) intent = NULL;
  GWeakRef *weak;

  g_free (self->client_request_id);
  self->client_request_id = g_uuid_string_random ();
  if (self->history == NULL)
    {
      post (self);
      return;
    }
  intent = entry_for (self, "sending");
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  lk_action_history_append_intent_async (self->history, intent, self->cancellable,
                                         intent_written_cb, weak);
}

static void
baseline_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LkActionTracker) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  LkActionResult *reset;

  results = lk_graph_client_get_action_results_finish (LK_GRAPH_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (results == NULL)
    {
      /* Not a reason to hold the action back: the POST says for itself whether it went through. */
      g_debug ("Tracker: reading the earlier action results failed: %s", error->message);
    }
  else
    {
      reset = lk_action_results_find_reset_passcode (results);
      self->baseline_known = TRUE;
      self->baseline_present = reset != NULL;
      if (reset != NULL && lk_action_result_get_start (reset) != NULL)
        self->baseline_start = g_date_time_ref (lk_action_result_get_start (reset));
    }
  journal_then_post (self);
}

void
lk_action_tracker_send (LkActionTracker *self)
{
  g_return_if_fail (LK_IS_ACTION_TRACKER (self));

  if (self->sent)
    return;
  self->sent = TRUE;
  set_state (self, LK_TRACKER_SENDING);
  /* First what the device already shows, so that ours can be told from an earlier action's. */
  lk_graph_client_get_action_results_async (self->client, lk_device_get_id (self->device),
                                            self->cancellable, baseline_cb, g_object_ref (self));
}

static void
synced_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LkActionTracker) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!lk_graph_client_post_action_finish (LK_GRAPH_CLIENT (source), result, &error))
    {
      g_debug ("Tracker: sync request failed: %s", error->message);
      return;
    }
  /* The device may check in at once: look sooner. */
  if (!is_final (self->state))
    {
      self->poll_ms = self->poll_first_ms;
      schedule_poll (self);
    }
}

void
lk_action_tracker_sync_device (LkActionTracker *self)
{
  g_return_if_fail (LK_IS_ACTION_TRACKER (self));

  lk_graph_client_post_action_async (self->client, lk_device_get_id (self->device),
                                     LK_DEVICE_ACTION_SYNC_DEVICE, self->cancellable,
                                     synced_cb, g_object_ref (self));
}

void
lk_action_tracker_set_poll_interval (LkActionTracker *self,
                                     guint            first_ms,
                                     guint            max_ms)
{
  g_return_if_fail (LK_IS_ACTION_TRACKER (self));
  self->poll_first_ms = MAX (first_ms, 10);
  self->poll_max_ms = MAX (max_ms, self->poll_first_ms);
  self->poll_ms = self->poll_first_ms;
}

void
lk_action_tracker_set_checking_limit (LkActionTracker *self,
                                      guint            ms)
{
  g_return_if_fail (LK_IS_ACTION_TRACKER (self));
  self->checking_limit = (gint64) ms * 1000;
}

void
lk_action_tracker_clear_passcode (LkActionTracker *self)
{
  g_return_if_fail (LK_IS_ACTION_TRACKER (self));

  if (self->passcode == NULL)
    return;
  explicit_bzero (self->passcode, strlen (self->passcode));
  g_clear_pointer (&self->passcode, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PASSCODE_AVAILABLE]);
}

static void
lk_action_tracker_dispose (GObject *object)
{
  LkActionTracker *self = LK_ACTION_TRACKER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->poll_source, g_source_remove);

  G_OBJECT_CLASS (lk_action_tracker_parent_class)->dispose (object);
}

static void
lk_action_tracker_finalize (GObject *object)
{
  LkActionTracker *self = LK_ACTION_TRACKER (object);

  /* Not lk_action_tracker_clear_passcode (): no notifications from a finalizing object. */
  if (self->passcode != NULL)
    explicit_bzero (self->passcode, strlen (self->passcode));
  g_clear_pointer (&self->passcode, g_free);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->device);
  g_clear_object (&self->history);
  g_clear_error (&self->error);
  g_clear_pointer (&self->sent_at, g_date_time_unref);
  g_clear_pointer (&self->baseline_start, g_date_time_unref);
  g_free (self->admin);
  g_free (self->tenant);
  g_free (self->request_id);
  g_free (self->client_request_id);

  G_OBJECT_CLASS (lk_action_tracker_parent_class)->finalize (object);
}

static void
lk_action_tracker_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LkActionTracker *self = LK_ACTION_TRACKER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_PASSCODE_AVAILABLE:
      g_value_set_boolean (value, self->passcode != NULL);
      break;
    case PROP_LAST_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_action_tracker_class_init (LkActionTrackerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lk_action_tracker_dispose;
  object_class->finalize = lk_action_tracker_finalize;
  object_class->get_property = lk_action_tracker_get_property;

  props[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, LK_TRACKER_READY, LK_TRACKER_ERROR,
                                        LK_TRACKER_READY,
                                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Whether a temporary passcode is held (never the passcode itself: properties get logged). */
  props[PROP_PASSCODE_AVAILABLE] =
    g_param_spec_boolean ("passcode-available", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Why the action failed or what is unknown about it; NULL while all is well. */
  props[PROP_LAST_ERROR] =
    g_param_spec_boxed ("last-error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
lk_action_tracker_init (LkActionTracker *self)
{
  self->cancellable = g_cancellable_new ();
  lk_action_tracker_set_poll_interval (self, 2000, 15000);
  lk_action_tracker_set_checking_limit (self, CHECKING_LIMIT_MS);
}

LkActionTracker *
lk_action_tracker_new (LkGraphClient   *client,
                       LkDevice        *device,
                       LkActionKind     kind,
                       LkActionHistory *history,
                       const char      *admin,
                       const char      *tenant)
{
  LkActionTracker *self;

  g_return_val_if_fail (LK_IS_GRAPH_CLIENT (client), NULL);
  g_return_val_if_fail (LK_IS_DEVICE (device), NULL);

  self = g_object_new (LK_TYPE_ACTION_TRACKER, NULL);
  self->client = g_object_ref (client);
  self->device = g_object_ref (device);
  self->kind = kind;
  self->history = history != NULL ? g_object_ref (history) : NULL;
  self->admin = g_strdup (admin);
  self->tenant = g_strdup (tenant);
  return self;
}

LkTrackerState
lk_action_tracker_get_state (LkActionTracker *self)
{
  g_return_val_if_fail (LK_IS_ACTION_TRACKER (self), LK_TRACKER_READY);
  return self->state;
}

gboolean
lk_action_tracker_is_finished (LkActionTracker *self)
{
  g_return_val_if_fail (LK_IS_ACTION_TRACKER (self), FALSE);
  return is_final (self->state);
}

LkGraphClient *
lk_action_tracker_get_client (LkActionTracker *self)
{
  g_return_val_if_fail (LK_IS_ACTION_TRACKER (self), NULL);
  return self->client;
}

LkDevice *
lk_action_tracker_get_device (LkActionTracker *self)
{
  g_return_val_if_fail (LK_IS_ACTION_TRACKER (self), NULL);
  return self->device;
}

LkActionKind
lk_action_tracker_get_kind (LkActionTracker *self)
{
  g_return_val_if_fail (LK_IS_ACTION_TRACKER (self), LK_ACTION_KIND_NONE);
  return self->kind;
}

const GError *
lk_action_tracker_get_error (LkActionTracker *self)
{
  g_return_val_if_fail (LK_IS_ACTION_TRACKER (self), NULL);
  return self->error;
}

const char *
lk_action_tracker_get_passcode (LkActionTracker *self)
{
  g_return_val_if_fail (LK_IS_ACTION_TRACKER (self), NULL);
  return self->passcode;
}
