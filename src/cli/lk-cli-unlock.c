/* lk-cli-unlock.c: unlock options (Windows LAPS, BitLocker, FileVault, macOS managed admin):
 * listing them, revealing a secret, rotating one.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-cli-common.h"
#include "lk-action-journal.h"
#include "lk-graph-error.h"
#include "lk-text.h"
#include "lk-unlock-client.h"

/* The device, its Entra device id and the option of @kind; FALSE after reporting why not. */
typedef struct
{
  LkDevice       *device;
  char           *entra_id;
  LkUnlockOption  option;
} UnlockTarget;

static void
unlock_target_clear (UnlockTarget *target)
{
  g_clear_object (&target->device);
  g_clear_pointer (&target->entra_id, g_free);
}

static char *
fetch_entra_id (Cli         *cli,
                const char  *id,
                GError     **error)
{
  g_autoptr(LkUnlockClient) unlock = lk_unlock_client_new (cli->client);
  GError *local_error = NULL;
  char *entra_id;

  lk_unlock_client_get_entra_id_async (unlock, id, NULL, store_result_cb, cli);
  entra_id = lk_unlock_client_get_entra_id_finish (unlock, cli_wait (cli), &local_error);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return entra_id;
}

static int
find_option (Cli          *cli,
             const char   *id,
             LkUnlockKind  kind,
             UnlockTarget *target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) options = NULL;
  g_autofree char *name = NULL;
  const char *none = NULL;

  target->device = fetch_device (cli, id, &error);
  if (target->device == NULL)
    return report_error (cli, error);
  target->entra_id = fetch_entra_id (cli, id, &error);
  if (error != NULL)
    return report_error (cli, error);
  options = lk_unlock_options_for_device (target->device, target->entra_id, &none);
  name = lk_text_inert (lk_device_get_device_name (target->device));
  for (guint i = 0; i < options->len; i++)
    {
      LkUnlockOption *option = &g_array_index (options, LkUnlockOption, i);

      /* "laps" on a Mac is its managed admin account (macOS LAPS). */
      if (option->kind != kind && !(kind == LK_UNLOCK_LAPS && option->kind == LK_UNLOCK_MACOS_ADMIN))
        continue;
      target->option = *option;
      if (option->availability == LK_UNLOCK_AVAILABLE)
        return EXIT_OK;
      g_printerr (_("%s: %s is not available. %s\n"), name, lk_unlock_kind_label (option->kind), option->reason);
      return EXIT_NOT_SUPPORTED;
    }
  g_printerr (_("%s: %s does not apply to this device. %s\n"), name, lk_unlock_kind_label (kind),
              none != NULL ? none : "");
  return EXIT_NOT_SUPPORTED;
}

/* The journal line of a reveal or rotation, never the secret; @detail NULL: the --reason. */
static void
journal (Cli            *cli,
         LkDevice       *device,
         const char     *action,
         const char     *outcome,
         const char     *detail,
         const char     *request_id,
         const char     *client_request_id)
{
  g_autoptr(LkActionHistory) history = lk_action_history_new (NULL);
  g_autoptr(LkHistoryEntry) entry = NULL;
  g_autoptr(GError) error = NULL;

  entry = lk_unlock_journal_entry_new (device, cli->account != NULL ? lk_account_get_username (cli->account) : NULL,
                                       cli->account != NULL ? lk_account_get_tenant_id (cli->account) : NULL,
                                       action, outcome, detail != NULL ? detail : cli->reason, request_id,
                                       client_request_id);
  if (!lk_action_history_append (history, entry, &error))
    g_printerr (_("Could not write the history: %s\n"), error->message);
}

static void
print_secret (Cli            *cli,
              LkDevice       *device,
              LkUnlockSecret *secret)
{
  g_autofree char *shown = lk_text_inert (secret->secret);
  g_autofree char *account = secret->account_name != NULL ? lk_text_inert (secret->account_name) : NULL;
  g_autofree char *when = lk_unlock_format_time (secret->backup_time);

  if (cli->json)
    print_json_members ("id", lk_device_get_id (device), "kind", lk_unlock_kind_to_string (secret->kind),
                        "account", secret->account_name, "keyId", secret->key_id,
                        "time", secret->backup_time, "secret", secret->secret,
                        "requestId", secret->request_id, NULL);
  else
    {
      g_auto(GStrv) spelled = secret->kind != LK_UNLOCK_BITLOCKER ? lk_phonetic_spell (secret->secret) : NULL;

      if (account != NULL)
        g_print (_("Account: %s\n"), account);
      g_print (_("Backed up or rotated: %s\n"), when != NULL ? when : "—");
      g_print ("%s\n", shown);
      for (guint i = 0; spelled != NULL && spelled[i] != NULL; i++)
        {
          g_autofree char *word = lk_text_inert (spelled[i]);

          g_print ("  %s\n", word);
          explicit_bzero (word, strlen (word));
          explicit_bzero (spelled[i], strlen (spelled[i]));
        }
    }
  explicit_bzero (shown, strlen (shown));
}

static int
reveal (Cli          *cli,
        UnlockTarget *target,
        LkUnlockKind  kind,
        const char   *id)
{
  g_autoptr(LkUnlockClient) unlock = NULL;
  g_autoptr(LkUnlockSecret) secret = NULL;
  g_autoptr(GError) error = NULL;

  if (!ensure_scope (cli, target->option.read_scope, &error))
    return report_error (cli, error);
  if (kind == LK_UNLOCK_BITLOCKER)
    g_printerr (_("Microsoft Entra ID records this key read in the tenant’s audit log.\n"));
  unlock = lk_unlock_client_new (cli->client);
  lk_unlock_client_reveal_async (unlock, kind, id, NULL, store_result_cb, cli);
  secret = lk_unlock_client_reveal_finish (unlock, cli_wait (cli), &error);
  if (secret == NULL)
    {
      journal (cli, target->device, lk_unlock_kind_reveal_action (kind), "error", error->message,
               lk_graph_error_get_request_id (error), lk_graph_error_get_client_request_id (error));
      return report_error (cli, error);
    }
  journal (cli, target->device, lk_unlock_kind_reveal_action (kind), "revealed", NULL, secret->request_id,
           secret->client_request_id);
  print_secret (cli, target->device, secret);
  return EXIT_OK;
}

static void
print_reveal_hint (Cli          *cli,
                   const char   *command,
                   const char   *id)
{
  g_autofree char *shown = lk_text_inert (id);

  g_printerr (_("The secret is shown only with --reveal (the read is recorded in the history): latchkey-cli --reveal %s %s\n"),
              command, shown);
}

int
cmd_unlock (Cli        *cli,
            const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) device = fetch_device (cli, id, &error);
  g_autofree char *entra_id = NULL;
  g_autoptr(GArray) options = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *none = NULL;

  if (device == NULL)
    return report_error (cli, error);
  entra_id = fetch_entra_id (cli, id, &error);
  if (error != NULL)
    return report_error (cli, error);
  options = lk_unlock_options_for_device (device, entra_id, &none);
  json_builder_begin_array (builder);
  for (guint i = 0; i < options->len; i++)
    {
      LkUnlockOption *option = &g_array_index (options, LkUnlockOption, i);
      gboolean available = option->availability == LK_UNLOCK_AVAILABLE;

      if (!cli->json)
        g_print ("%s: %s\n  %s\n  %s\n", lk_unlock_kind_label (option->kind),
                 available ? _("available") : _("not available"), option->reason, option->doc_url);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, lk_unlock_kind_to_string (option->kind));
      json_builder_set_member_name (builder, "rule");
      json_builder_add_string_value (builder, option->rule_id);
      json_builder_set_member_name (builder, "available");
      json_builder_add_boolean_value (builder, available);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, option->reason);
      json_builder_set_member_name (builder, "permission");
      json_builder_add_string_value (builder, option->read_scope);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (cli->json)
    {
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      g_autofree char *text = json_to_string (root, FALSE);

      g_print ("%s\n", text);
    }
  else if (options->len == 0)
    g_print ("%s\n", none);
  return options->len > 0 ? EXIT_OK : EXIT_NOT_SUPPORTED;
}

int
cmd_secret (Cli          *cli,
            LkUnlockKind  kind,
            const char   *command,
            const char   *id)
{
  UnlockTarget target = { NULL };
  int status = find_option (cli, id, kind, &target);

  if (status == EXIT_OK && !cli->reveal)
    print_reveal_hint (cli, command, id);
  else if (status == EXIT_OK)
    status = reveal (cli, &target, target.option.kind,
                     target.option.kind == LK_UNLOCK_LAPS ? target.entra_id : id);
  unlock_target_clear (&target);
  return status;
}

static int
list_bitlocker (Cli          *cli,
                UnlockTarget *target)
{
  g_autoptr(LkUnlockClient) unlock = lk_unlock_client_new (cli->client);
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;

  lk_unlock_client_list_bitlocker_async (unlock, target->entra_id, NULL, store_result_cb, cli);
  keys = lk_unlock_client_list_bitlocker_finish (unlock, cli_wait (cli), &error);
  if (keys == NULL)
    return report_error (cli, error);
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < keys->len; i++)
        {
          LkBitLockerKeyInfo *info = g_ptr_array_index (keys, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "keyId");
          json_builder_add_string_value (builder, info->id);
          json_builder_set_member_name (builder, "volumeType");
          json_builder_add_string_value (builder, info->volume_type);
          json_builder_set_member_name (builder, "created");
          json_builder_add_string_value (builder, info->created);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      text = json_to_string (root, FALSE);
      g_print ("%s\n", text);
    }
  else if (keys->len == 0)
    g_print (_("Microsoft Entra ID holds no BitLocker recovery key for this device.\n"));
  for (guint i = 0; !cli->json && i < keys->len; i++)
    {
      LkBitLockerKeyInfo *info = g_ptr_array_index (keys, i);
      g_autofree char *key_id = lk_text_inert (info->id);
      g_autofree char *when = lk_unlock_format_time (info->created);

      /* The recovery screen shows the key id's first group: the admin matches it. */
      g_print ("%s  %s  %s\n", key_id, lk_bitlocker_volume_type_label (info->volume_type), when != NULL ? when : "—");
    }
  return keys->len > 0 ? EXIT_OK : EXIT_NOT_FOUND;
}

int
cmd_bitlocker (Cli        *cli,
               const char *id,
               const char *key_id)
{
  UnlockTarget target = { NULL };
  g_autoptr(GError) error = NULL;
  int status = find_option (cli, id, LK_UNLOCK_BITLOCKER, &target);

  if (status == EXIT_OK && !ensure_scope (cli, LK_SCOPE_BITLOCKER_READ, &error))
    status = report_error (cli, error);
  else if (status == EXIT_OK && key_id == NULL)
    status = list_bitlocker (cli, &target);
  else if (status == EXIT_OK && !lk_device_id_is_valid (key_id))
    {
      g_printerr (_("That is not a recovery key ID. Nothing was sent.\n"));
      status = EXIT_USAGE;
    }
  else if (status == EXIT_OK && !cli->reveal)
    {
      g_autofree char *shown = lk_text_inert (key_id);
      g_autofree char *device_shown = lk_text_inert (id);

      g_printerr (_("The key is shown only with --reveal (Microsoft audits the read; Latchkey records it in the history): latchkey-cli --reveal bitlocker %s %s\n"),
                  device_shown, shown);
    }
  else if (status == EXIT_OK)
    status = reveal (cli, &target, LK_UNLOCK_BITLOCKER, key_id);
  unlock_target_clear (&target);
  return status;
}

static int
rotate (Cli          *cli,
        UnlockTarget *target)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *client_request_id = g_uuid_string_random ();
  g_autofree char *request_id = NULL;
  g_autofree char *name = lk_text_inert (lk_device_get_device_name (target->device));
  LkDeviceAction action = lk_unlock_kind_device_action (target->option.kind);
  const char *action_name = lk_unlock_kind_rotate_action (target->option.kind);
  gboolean sent;

  if (!ensure_scope (cli, target->option.rotate_scope, &error))
    return report_error (cli, error);
  /* The intent is on disk before the request leaves (the same journal as a reset). */
  journal (cli, target->device, action_name, "sending", NULL, NULL, client_request_id);
  lk_graph_client_post_action_with_id_async (cli->client, lk_device_get_id (target->device), action,
                                             client_request_id, NULL, store_result_cb, cli);
  sent = lk_graph_client_post_action_finish_full (cli->client, cli_wait (cli), &request_id, NULL, &error);
  if (!sent)
    {
      gboolean unknown = g_error_matches (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_OUTCOME_UNKNOWN);

      journal (cli, target->device, action_name, unknown ? "unknown" : "error", error->message,
               request_id, client_request_id);
      if (unknown)
        g_printerr (_("No answer proved Intune refused the rotation, so it was not sent again.\n"));
      return report_error (cli, error);
    }
  journal (cli, target->device, action_name, "sent", NULL, request_id, client_request_id);
  if (cli->json)
    print_json_members ("id", lk_device_get_id (target->device), "kind", lk_unlock_kind_to_string (target->option.kind),
                        "action", action_name, "state", "sent", "requestId", request_id,
                        "clientRequestId", client_request_id, NULL);
  else
    g_print (_("Rotation queued for %s. The new secret exists only after the device checks in with Intune.\n"), name);
  return EXIT_OK;
}

/* A second rotation of the same secret while one may be on its way or waiting for the device
 * would only queue another: the admin could not tell which one the device's secret is from. */
static gboolean
refuse_rotation_in_flight (Cli          *cli,
                           UnlockTarget *target)
{
  const char *id = lk_device_get_id (target->device);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) entries = read_journal_and_results (cli, id, &results);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) since = NULL;
  g_autofree char *text = NULL;
  LkInFlight in_flight;

  in_flight = lk_rotation_in_flight (entries, results, id, lk_unlock_kind_rotate_action (target->option.kind),
                                     now, &since);
  if (in_flight == LK_IN_FLIGHT_NONE)
    return FALSE;
  text = lk_rotation_in_flight_text (in_flight, since);
  g_printerr ("%s %s\n", text, _("Nothing was sent."));
  g_printerr (_("The new secret exists only after the device checks in; to rotate again anyway, add --force.\n"));
  return TRUE;
}

int
cmd_rotate (Cli        *cli,
            const char *kind_text,
            const char *id)
{
  UnlockTarget target = { NULL };
  LkUnlockKind kind;
  int status;

  if (!lk_unlock_kind_from_string (kind_text, &kind))
    {
      g_printerr (_("Unknown secret kind. Use laps, bitlocker, filevault or macos-admin.\n"));
      return EXIT_USAGE;
    }
  status = find_option (cli, id, kind, &target);
  if (status == EXIT_OK && !cli->force && refuse_rotation_in_flight (cli, &target))
    status = EXIT_IN_FLIGHT;
  else if (status == EXIT_OK && !cli->yes && !confirm_by_name (target.device))
    {
      g_printerr (_("The name does not match. Nothing was sent.\n"));
      status = EXIT_ABORTED;
    }
  else if (status == EXIT_OK)
    status = rotate (cli, &target);
  unlock_target_clear (&target);
  return status;
}
