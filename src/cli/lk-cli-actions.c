/* lk-cli-actions.c: the passcode actions — reset, status, sync — their journal, the check
 * for an action already on its way, and the history.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-cli-common.h"
#include "lk-action-journal.h"
#include "lk-action-tracker.h"
#include "lk-capability.h"
#include "lk-cli-output.h"
#include "lk-graph-error.h"
#include "lk-text.h"

static char *
local_time_text (const char *iso8601)
{
  g_autoptr(GDateTime) when = iso8601 != NULL ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;
  g_autoptr(GDateTime) local = when != NULL ? g_date_time_to_local (when) : NULL;

  return local != NULL ? g_date_time_format (local, "%x %X") : g_strdup ("—");
}

/* The journal's last action for the device, told against what Intune shows: an open record is
 * resolved from the results (and that outcome appended), and a result older than the last
 * action sent from here is said to be an earlier one's. */
static void
explain_against_journal (Cli            *cli,
                         const char     *id,
                         GPtrArray      *results,
                         LkActionResult *reset)
{
  g_autoptr(LkActionHistory) history = lk_action_history_new (NULL);
  g_autoptr(GPtrArray) entries = lk_action_history_load (history, NULL);
  g_autoptr(GError) error = NULL;
  LkHistoryEntry *latest = lk_history_find_latest (entries, id);
  g_autofree char *sent = NULL;

  if (latest == NULL)
    return;
  if (lk_action_journal_resolve (history, entries, results, id, &error) == NULL && error != NULL)
    g_printerr (_("Warning: %s\n"), error->message);
  if (cli->json)
    return;
  sent = local_time_text (latest->time);
  if (reset != NULL && lk_action_result_predates (reset, latest))
    g_print (_("This result is from an earlier action. The last action sent from this computer (%s, %s) has no result in Intune yet.\n"),
             sent, lk_history_outcome_label (latest->outcome));
  else if (reset == NULL && lk_history_outcome_is_open (latest->outcome))
    g_print (_("The action sent from this computer at %s has no result in Intune yet (%s).\n"),
             sent, lk_history_outcome_label (latest->outcome));
}

int
cmd_status (Cli        *cli,
            const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = fetch_results (cli, id, &error);
  LkActionResult *reset;

  if (results == NULL)
    return report_error (cli, error);
  reset = lk_action_results_find_reset_passcode (results);
  if (cli->json)
    lk_cli_print_action_result_json (id, reset);
  else
    lk_cli_print_action_result (reset);
  explain_against_journal (cli, id, results, reset);
  return EXIT_OK;
}

int
cmd_sync (Cli        *cli,
          const char *id)
{
  g_autoptr(GError) error = NULL;

  lk_graph_client_post_action_async (cli->client, id, LK_DEVICE_ACTION_SYNC_DEVICE, NULL,
                                     store_result_cb, cli);
  if (!lk_graph_client_post_action_finish (cli->client, cli_wait (cli), &error))
    return report_error (cli, error);
  if (!cli->json)
    g_print (_("Sync requested. The device checks in the next time it is online.\n"));
  else
    print_json_members ("id", id, "sync", "requested", NULL);
  return EXIT_OK;
}

static void
run_until_state_changes (Cli             *cli,
                         LkActionTracker *tracker,
                         gboolean         until_finished)
{
  /* The tracker works on the main loop; the CLI just lets it run. */
  while (!lk_action_tracker_is_finished (tracker)
         && (until_finished || lk_action_tracker_get_state (tracker) == LK_TRACKER_SENDING))
    g_main_context_iteration (NULL, TRUE);
}

/* The same tracker as the wizard: one POST, never resent, recorded in the history. */
static int
send_and_follow (Cli          *cli,
                 LkDevice     *device,
                 LkCapability *capability)
{
  g_autoptr(LkActionHistory) history = lk_action_history_new (NULL);
  g_autoptr(LkActionTracker) tracker = NULL;
  const char *id = lk_device_get_id (device);
  g_autofree char *shown_id = lk_text_inert (id);
  g_autofree char *shown_name = lk_text_inert (lk_device_get_device_name (device));
  LkTrackerState state;

  tracker = lk_action_tracker_new (cli->client, device, lk_capability_get_action_kind (capability), history,
                                   cli->account != NULL ? lk_account_get_username (cli->account) : NULL,
                                   cli->account != NULL ? lk_account_get_tenant_id (cli->account) : NULL);
  lk_action_tracker_send (tracker);
  run_until_state_changes (cli, tracker, cli->wait);
  state = lk_action_tracker_get_state (tracker);

  if (state == LK_TRACKER_ERROR
      && lk_graph_error_get_forbidden_reason (lk_action_tracker_get_error (tracker)) == LK_FORBIDDEN_MULTI_ADMIN_APPROVAL)
    {
      /* Not an error: the request waits for a second administrator. Its message may carry
       * Graph's own words: inert on the terminal like every other server text. */
      g_autofree char *message = lk_text_inert (lk_action_tracker_get_error (tracker)->message);

      g_printerr ("%s\n", message);
      return EXIT_AWAITING_APPROVAL;
    }
  if (state == LK_TRACKER_ERROR)
    return report_error (cli, lk_action_tracker_get_error (tracker));
  if (cli->json)
    print_json_members ("id", id, "action", lk_action_kind_to_string (lk_action_tracker_get_kind (tracker)),
                        "state", lk_tracker_state_to_string (state),
                        "passcode", lk_action_tracker_get_passcode (tracker), NULL);
  else if (state == LK_TRACKER_CHECKING)
    g_print (_("No answer came back, so the request was not sent again. Check the outcome with: latchkey-cli status %s\n"), shown_id);
  else if (!lk_action_tracker_is_finished (tracker))
    g_print (_("%s queued for %s. Follow it with: latchkey-cli status %s\n"),
             lk_capability_get_label (capability), shown_name, shown_id);
  else if (state == LK_TRACKER_DONE && lk_action_tracker_get_passcode (tracker) != NULL)
    {
      g_autofree char *passcode = lk_text_inert (lk_action_tracker_get_passcode (tracker));

      g_print (_("Done. Temporary passcode: %s (visible for 7 days in the Intune admin center)\n"),
               passcode);
      explicit_bzero (passcode, strlen (passcode));
    }
  else
    g_print (_("Finished: %s\n"), lk_cli_tracker_state_label (state));
  lk_action_tracker_clear_passcode (tracker);

  /* Intune took the action and the device reported how it ended: not a reason to resend. */
  if (state == LK_TRACKER_FAILED || state == LK_TRACKER_CANCELED)
    return EXIT_DEVICE_FAILED;
  if (state == LK_TRACKER_NOT_SUPPORTED)
    return EXIT_NOT_SUPPORTED;
  return state == LK_TRACKER_CHECKING ? EXIT_OUTCOME_UNKNOWN : EXIT_OK;
}

int
cmd_history (Cli *cli)
{
  g_autoptr(LkActionHistory) history = lk_action_history_new (NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  entries = lk_action_history_load (history, &error);
  if (entries == NULL)
    return report_error (cli, error);
  if (cli->csv)
    {
      g_autofree char *csv = lk_action_history_to_csv (entries);
      g_print ("%s", csv);
    }
  else if (cli->json)
    lk_cli_print_history_json (entries);
  else if (entries->len == 0)
    g_print (_("No passcode actions recorded yet.\n"));
  else
    lk_cli_print_history (entries);
  return EXIT_OK;
}

static char *
in_flight_time (GDateTime *since)
{
  g_autoptr(GDateTime) local = since != NULL ? g_date_time_to_local (since) : NULL;

  return local != NULL ? g_date_time_format (local, "%x %X") : g_strdup ("—");
}

/* A second passcode action while one may be on its way or waiting for the device would only
 * queue another (and, on Android, replace the passcode the user may already have been given). */
static gboolean
refuse_in_flight (Cli        *cli,
                  const char *id)
{
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) entries = read_journal_and_results (cli, id, &results);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) since = NULL;
  g_autofree char *when = NULL;
  LkInFlight in_flight;

  in_flight = lk_action_in_flight (entries, results, id, now, &since);
  if (in_flight == LK_IN_FLIGHT_NONE)
    return FALSE;
  when = in_flight_time (since);
  if (in_flight == LK_IN_FLIGHT_PENDING)
    g_printerr (_("A passcode action for this device is already waiting in Intune (started %s). Nothing was sent.\n"), when);
  else
    g_printerr (_("A passcode action sent from this computer at %s may have reached Intune, and Intune shows no result of it yet. Nothing was sent.\n"), when);
  g_printerr (_("Check it with “latchkey-cli status %s”; to send another anyway, add --force.\n"), id);
  return TRUE;
}

int
cmd_reset (Cli        *cli,
           const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) device = fetch_device (cli, id, &error);
  g_autoptr(LkCapability) capability = NULL;

  if (device == NULL)
    return report_error (cli, error);

  capability = lk_capability_new_for_device (device);
  if (!lk_capability_can_act (capability))
    {
      g_autofree char *name = lk_text_inert (lk_device_get_device_name (device));

      g_printerr (_("%s: no passcode action is available. %s\n"),
                  name, lk_capability_get_reason (capability));
      return EXIT_NOT_SUPPORTED;
    }

  if (!cli->force && refuse_in_flight (cli, id))
    return EXIT_IN_FLIGHT;

  if (!cli->json)
    lk_cli_print_action_preview (device, capability);
  if (!cli->yes && !confirm_by_name (device))
    {
      g_printerr (_("The name does not match. Nothing was sent.\n"));
      return EXIT_ABORTED;
    }

  return send_and_follow (cli, device, capability);
}
