/* lk-action-result.h: one entry of a managedDevice's deviceActionResults.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  LK_ACTION_STATE_UNKNOWN,       /* a value this build does not know */
  LK_ACTION_STATE_NONE,
  LK_ACTION_STATE_PENDING,
  LK_ACTION_STATE_CANCELED,
  LK_ACTION_STATE_ACTIVE,
  LK_ACTION_STATE_DONE,
  LK_ACTION_STATE_FAILED,
  LK_ACTION_STATE_NOT_SUPPORTED,
} LkActionState;

#define LK_TYPE_ACTION_RESULT (lk_action_result_get_type ())
G_DECLARE_FINAL_TYPE (LkActionResult, lk_action_result, LK, ACTION_RESULT, GObject)

LkActionResult *lk_action_result_new_from_json     (JsonObject     *object);
const char     *lk_action_result_get_action_name   (LkActionResult *self);  /* e.g. "resetPasscode" */
const char     *lk_action_result_get_odata_type    (LkActionResult *self);
LkActionState   lk_action_result_get_state         (LkActionResult *self);
const char     *lk_action_result_get_state_string  (LkActionResult *self);  /* as Graph sent it */
GDateTime      *lk_action_result_get_start         (LkActionResult *self);
GDateTime      *lk_action_result_get_last_updated  (LkActionResult *self);
gint64          lk_action_result_get_error_code    (LkActionResult *self);
/* The temporary passcode (Android), NULL otherwise. A secret: never log it. */
const char     *lk_action_result_get_passcode      (LkActionResult *self);
/* Overwrites the passcode in memory and forgets it. */
void            lk_action_result_clear_passcode    (LkActionResult *self);
gboolean        lk_action_state_is_final           (LkActionState   state);
LkActionState   lk_action_state_from_string        (const char     *text);

/* Finds the resetPasscode result in a deviceActionResults array (of LkActionResult), or NULL. */
LkActionResult *lk_action_results_find_reset_passcode (GPtrArray *results);

G_END_DECLS
