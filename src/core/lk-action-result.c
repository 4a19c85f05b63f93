/* lk-action-result.c: one entry of a managedDevice's deviceActionResults.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-action-result.h"
#include "lk-json.h"

struct _LkActionResult
{
  GObject        parent_instance;

  char          *action_name;
  char          *odata_type;
  char          *state_string;
  LkActionState  state;
  GDateTime     *start;
  GDateTime     *last_updated;
  gint64         error_code;
  char          *passcode;
};

G_DEFINE_FINAL_TYPE (LkActionResult, lk_action_result, G_TYPE_OBJECT)

static void
lk_action_result_finalize (GObject *object)
{
  LkActionResult *self = LK_ACTION_RESULT (object);

  lk_action_result_clear_passcode (self);
  g_clear_pointer (&self->action_name, g_free);
  g_clear_pointer (&self->odata_type, g_free);
  g_clear_pointer (&self->state_string, g_free);
  g_clear_pointer (&self->start, g_date_time_unref);
  g_clear_pointer (&self->last_updated, g_date_time_unref);

  G_OBJECT_CLASS (lk_action_result_parent_class)->finalize (object);
}

static void
lk_action_result_class_init (LkActionResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lk_action_result_finalize;
}

static void
lk_action_result_init (LkActionResult *self)
{
}

LkActionState
lk_action_state_from_string (const char *text)
{
  static const struct { const char *name; LkActionState state; } states[] = {
    { "none", LK_ACTION_STATE_NONE },
    { "pending", LK_ACTION_STATE_PENDING },
    { "canceled", LK_ACTION_STATE_CANCELED },
    { "active", LK_ACTION_STATE_ACTIVE },
    { "done", LK_ACTION_STATE_DONE },
    { "failed", LK_ACTION_STATE_FAILED },
    { "notSupported", LK_ACTION_STATE_NOT_SUPPORTED },
  };

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (states); i++)
    if (g_ascii_strcasecmp (text, states[i].name) == 0)
      return states[i].state;
  return LK_ACTION_STATE_UNKNOWN;
}

gboolean
lk_action_state_is_final (LkActionState state)
{
  return state == LK_ACTION_STATE_DONE || state == LK_ACTION_STATE_FAILED
         || state == LK_ACTION_STATE_NOT_SUPPORTED || state == LK_ACTION_STATE_CANCELED;
}

LkActionResult *
lk_action_result_new_from_json (JsonObject *object)
{
  LkActionResult *self;
  const char *passcode;

  g_return_val_if_fail (object != NULL, NULL);

  self = g_object_new (LK_TYPE_ACTION_RESULT, NULL);
  self->action_name = g_strdup (lk_json_get_string (object, "actionName", NULL));
  self->odata_type = g_strdup (lk_json_get_string (object, "@odata.type", NULL));
  self->state_string = g_strdup (lk_json_get_string (object, "actionState", NULL));
  self->state = lk_action_state_from_string (self->state_string);
  self->start = lk_json_get_date_time (object, "startDateTime");
  self->last_updated = lk_json_get_date_time (object, "lastUpdatedDateTime");
  self->error_code = lk_json_get_int (object, "errorCode", 0);
  passcode = lk_json_get_string (object, "passcode", NULL);
  if (passcode != NULL && *passcode != '\0')
    self->passcode = g_strdup (passcode);
  return self;
}

const char *
lk_action_result_get_action_name (LkActionResult *self)
{
  g_return_val_if_fail (LK_IS_ACTION_RESULT (self), NULL);
  return self->action_name;
}

const char *
lk_action_result_get_odata_type (LkActionResult *self)
{
  g_return_val_if_fail (LK_IS_ACTION_RESULT (self), NULL);
  return self->odata_type;
}

LkActionState
lk_action_result_get_state (LkActionResult *self)
{
  g_return_val_if_fail (LK_IS_ACTION_RESULT (self), LK_ACTION_STATE_UNKNOWN);
  return self->state;
}

const char *
lk_action_result_get_state_string (LkActionResult *self)
{
  g_return_val_if_fail (LK_IS_ACTION_RESULT (self), NULL);
  return self->state_string != NULL ? self->state_string : "none";
}

GDateTime *
lk_action_result_get_start (LkActionResult *self)
{
  g_return_val_if_fail (LK_IS_ACTION_RESULT (self), NULL);
  return self->start;
}

GDateTime *
lk_action_result_get_last_updated (LkActionResult *self)
{
  g_return_val_if_fail (LK_IS_ACTION_RESULT (self), NULL);
  return self->last_updated;
}

gint64
lk_action_result_get_error_code (LkActionResult *self)
{
  g_return_val_if_fail (LK_IS_ACTION_RESULT (self), 0);
  return self->error_code;
}

const char *
lk_action_result_get_passcode (LkActionResult *self)
{
  g_return_val_if_fail (LK_IS_ACTION_RESULT (self), NULL);
  return self->passcode;
}

void
lk_action_result_clear_passcode (LkActionResult *self)
{
  g_return_if_fail (LK_IS_ACTION_RESULT (self));

  if (self->passcode != NULL)
    explicit_bzero (self->passcode, strlen (self->passcode));
  g_clear_pointer (&self->passcode, g_free);
}

static gboolean
is_reset_passcode (LkActionResult *result)
{
  return g_strcmp0 (result->odata_type, "#microsoft.graph.resetPasscodeActionResult") == 0
         || g_strcmp0 (result->action_name, "resetPasscode") == 0;
}

LkActionResult *
lk_action_results_find_reset_passcode (GPtrArray *results)
{
  LkActionResult *best = NULL;

  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      LkActionResult *result = g_ptr_array_index (results, i);

      if (!is_reset_passcode (result))
        continue;
      /* Several entries may survive in the array: the newest start is the one that matters. */
      if (best == NULL
          || (result->start != NULL
              && (best->start == NULL || g_date_time_compare (result->start, best->start) > 0)))
        best = result;
    }
  return best;
}
