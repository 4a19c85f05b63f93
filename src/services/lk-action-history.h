/* lk-action-history.h: the local journal of every passcode action — never a passcode or token.
 *
 * JSON lines in $XDG_STATE_HOME/latchkey/history.jsonl: time, admin, tenant, device, action,
 * outcome, request ids. It is a journal: before a passcode action leaves, a record with the
 * outcome "sending" and the request's client-request-id is appended and fsync'd; its outcome
 * is appended under the same client-request-id once known, and reading folds the two into one
 * entry. An intent with nothing after it (the process was killed) reads as "outcome unknown".
 * Each line is one write() with O_APPEND, so a crash can cost at most the line being written;
 * a damaged line is skipped when reading.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  char   *time;               /* ISO 8601, UTC */
  char   *admin;              /* the signed-in user name */
  char   *tenant;
  char   *device_id;
  char   *device_name;
  char   *action;             /* "resetPasscode" … (LkActionKind as text) */
  char   *outcome;            /* "sending" (intent), "sent", "pending", "active", "done", "failed",
                                 "notSupported", "canceled", "error" (not sent), "unknown",
                                 "awaitingApproval" (held for Multi Admin Approval) */
  char   *detail;             /* an error message, never a secret */
  char   *request_id;
  char   *client_request_id;
  /* When the passcode action Intune showed for the device just before this one was sent had
   * started (ISO 8601), "none" when it showed none; NULL when unknown. A result that started
   * then or earlier is that older action's, never this one's. */
  char   *prior_result_start;
} LkHistoryEntry;

LkHistoryEntry *lk_history_entry_new   (void);
void            lk_history_entry_free  (LkHistoryEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkHistoryEntry, lk_history_entry_free)

/* One entry as a GObject, the item type of lk_action_history_load_model(). */
#define LK_TYPE_HISTORY_RECORD (lk_history_record_get_type ())
G_DECLARE_FINAL_TYPE (LkHistoryRecord, lk_history_record, LK, HISTORY_RECORD, GObject)

const LkHistoryEntry *lk_history_record_get_entry (LkHistoryRecord *self);

#define LK_TYPE_ACTION_HISTORY (lk_action_history_get_type ())
G_DECLARE_FINAL_TYPE (LkActionHistory, lk_action_history, LK, ACTION_HISTORY, GObject)

/* @path: NULL for the default file in the XDG state dir. */
LkActionHistory *lk_action_history_new        (const char       *path);
const char      *lk_action_history_get_path   (LkActionHistory  *self);
/* Appends one line and waits until it is on disk (fsync); fills in the time when it is NULL. */
gboolean         lk_action_history_append     (LkActionHistory  *self,
                                               LkHistoryEntry   *entry,
                                               GError          **error);
/* The same without waiting for the disk: for an outcome, which may be lost in a crash (the
 * intent before it then reads "outcome unknown", which holds a second send back) and so need
 * not stall the main loop on fsync. */
gboolean         lk_action_history_append_outcome (LkActionHistory  *self,
                                                   LkHistoryEntry   *entry,
                                                   GError          **error);
/* Appends @entry (copied), the intent of a request about to leave, on a worker thread: open,
 * write and fsync never block the caller's main loop. Only once it completes with TRUE may the
 * request be sent; a failure's message says that nothing was sent, and why. Should @cancellable be cancelled by the time the intent is on disk (its
 * sender went away), the worker appends that it was not sent ("error") and the task fails
 * with G_IO_ERROR_CANCELLED: the caller must not send. */
void             lk_action_history_append_intent_async  (LkActionHistory      *self,
                                                         const LkHistoryEntry *entry,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean         lk_action_history_append_intent_finish (LkActionHistory      *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
/* For a caller that got TRUE from lk_action_history_append_intent_finish() and will not send
 * after all: appends that the intent @result wrote was not sent. */
void             lk_action_history_withdraw_intent      (LkActionHistory      *self,
                                                         GAsyncResult         *result);
/* The client-request-id of the intent @result wrote: the one its request must carry. */
const char      *lk_action_history_intent_get_client_request_id (GAsyncResult *result);
/* Every readable entry, oldest first (element-type LkHistoryEntry); the records of one request
 * (same client-request-id) folded into one entry with the latest outcome and the first time. */
GPtrArray       *lk_action_history_load       (LkActionHistory  *self,
                                               GError          **error);
/* The same entries as a list model of LkHistoryRecord, NEWEST first (as a History view shows
 * them); NULL with @error set when the file cannot be read. */
GListModel      *lk_action_history_load_model (LkActionHistory  *self,
                                               GError          **error);
/* RFC 4180 CSV with a header row; a field that a spreadsheet would run as a formula
 * (=, +, -, @, tab, CR first) is quoted and prefixed with an apostrophe. */
char            *lk_action_history_to_csv     (GPtrArray        *entries);
/* An outcome ("done", "sent"…) in the words a person reads; unknown ones as they are. */
const char      *lk_history_outcome_label     (const char       *outcome);
/* Whether the action may still be on its way or in progress: sending, unknown, sent, pending,
 * active. */
gboolean         lk_history_outcome_is_open   (const char       *outcome);
/* Whether @entry records a reveal or rotation of an unlock secret (LAPS, BitLocker, FileVault),
 * not a passcode action. */
gboolean         lk_history_entry_is_unlock   (const LkHistoryEntry *entry);
/* The newest passcode action of @entries (as loaded) for @device_id, or NULL. */
LkHistoryEntry  *lk_history_find_latest       (GPtrArray        *entries,
                                               const char       *device_id);

G_END_DECLS
