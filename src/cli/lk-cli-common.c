/* lk-cli-common.c: waiting, errors and the reads latchkey-cli's commands share.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "lk-cli-common.h"
#include "lk-action-history.h"
#include "lk-auth-error.h"
#include "lk-graph-error.h"
#include "lk-text.h"

void
cli_clear (Cli *cli)
{
  g_clear_object (&cli->client);
  g_clear_object (&cli->accounts);
  g_clear_object (&cli->settings);
  if (cli->sandbox != NULL)
    lk_sandbox_stop (cli->sandbox);
  g_clear_object (&cli->sandbox);
  g_clear_object (&cli->result);
  g_clear_pointer (&cli->graph_url, g_free);
  g_clear_pointer (&cli->api_version, g_free);
  g_clear_pointer (&cli->authority, g_free);
  g_clear_pointer (&cli->cloud, g_free);
  g_clear_pointer (&cli->tenant, g_free);
  g_clear_pointer (&cli->client_id, g_free);
  g_clear_pointer (&cli->account_name, g_free);
  g_clear_pointer (&cli->reason, g_free);
}

void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Cli *cli = user_data;

  cli->result = g_object_ref (result);
}

/* The CLI is sequential: run the main loop until the one operation in flight ends. */
GAsyncResult *
cli_wait (Cli *cli)
{
  g_clear_object (&cli->result);
  while (cli->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (cli->waiting_shown)
    g_printerr ("\r\033[K");
  cli->waiting_shown = FALSE;
  return cli->result;
}

static int
exit_code_for_error (const GError *error)
{
  if (error->domain == LK_AUTH_ERROR)
    return error->code == LK_AUTH_ERROR_NETWORK ? EXIT_UNAVAILABLE : EXIT_AUTH;
  if (error->domain != LK_GRAPH_ERROR)
    return EXIT_FAILURE_;
  switch (error->code)
    {
    case LK_GRAPH_ERROR_NOT_FOUND:
      return EXIT_NOT_FOUND;
    case LK_GRAPH_ERROR_UNAUTHORIZED:
      return EXIT_AUTH;
    case LK_GRAPH_ERROR_FORBIDDEN:
      return EXIT_FORBIDDEN;
    case LK_GRAPH_ERROR_THROTTLED:
    case LK_GRAPH_ERROR_NETWORK:
    case LK_GRAPH_ERROR_TIMEOUT:
    case LK_GRAPH_ERROR_SERVER:
      return EXIT_UNAVAILABLE;
    case LK_GRAPH_ERROR_OUTCOME_UNKNOWN:
      return EXIT_OUTCOME_UNKNOWN;
    default:
      return EXIT_FAILURE_;
    }
}

/* The command that signs @account in again: its tenant, app registration and cloud. */
static char *
sign_in_again_command (LkAccount *account)
{
  GString *command = g_string_new ("latchkey-cli sign-in");
  LkCloud cloud = lk_account_get_cloud (account);

  if (cloud == LK_CLOUD_CUSTOM)
    g_string_append_printf (command, " --authority %s --graph-url %s",
                            lk_account_get_authority (account), lk_account_get_graph_url (account));
  else if (cloud != LK_CLOUD_GLOBAL)
    g_string_append_printf (command, " --cloud %s", lk_cloud_to_nick (cloud));
  g_string_append_printf (command, " --tenant %s --client-id %s",
                          lk_account_get_tenant_id (account), lk_account_get_client_id (account));
  return g_string_free (command, FALSE);
}

int
report_error (Cli          *cli,
              const GError *error)
{
  g_autofree char *ids = lk_graph_error_format_ids (error);
  /* Messages may quote the service (Graph's error message, a host name): never raw. */
  g_autofree char *message = lk_text_inert (error->message);
  g_auto(GStrv) lines = ids != NULL ? g_strsplit (ids, "\n", -1) : NULL;

  if (cli->progress)
    g_printerr ("\r\033[K");
  g_printerr (_("Error: %s\n"), message);
  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    {
      g_autofree char *line = lk_text_inert (lines[i]);

      g_printerr ("%s\n", line);
    }
  /* A dead sign-in has one way out: say exactly which command takes it (the demo signs in
   * again by itself on its next run). */
  if (g_error_matches (error, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_GRANT)
      && cli->account != NULL && !cli->demo)
    {
      g_autofree char *command = sign_in_again_command (cli->account);
      g_autofree char *user = lk_text_inert (lk_account_get_username (cli->account));
      g_autofree char *inert_command = lk_text_inert (command);

      g_printerr (_("To sign in again as %s, run:\n  %s\n"), user, inert_command);
    }
  return exit_code_for_error (error);
}

/* LATCHKEY_GRAPH_TIMEOUTS=IDLE:BUDGET (seconds) overrides the Graph client's bounds: for very
 * slow links, and for tests that must not wait two minutes for a silent server. */
void
apply_timeouts (LkGraphClient *client)
{
  const char *value = g_getenv ("LATCHKEY_GRAPH_TIMEOUTS");
  guint64 idle = 0, budget = 0;
  g_auto(GStrv) parts = NULL;

  if (value == NULL)
    return;
  parts = g_strsplit (value, ":", 2);
  if (parts[0] != NULL && g_ascii_string_to_unsigned (parts[0], 10, 1, 3600, &idle, NULL))
    lk_graph_client_set_timeout (client, (guint) idle);
  if (parts[0] != NULL && parts[1] != NULL
      && g_ascii_string_to_unsigned (parts[1], 10, 1, 3600, &budget, NULL))
    lk_graph_client_set_budget (client, (guint) budget);
}

/* Graph has sent nothing for a while: say so, in place, rather than sit silent. */
void
waiting_cb (LkGraphClient *client,
            guint          seconds,
            guint          budget,
            gpointer       user_data)
{
  Cli *cli = user_data;

  if (!cli->progress)
    return;
  g_printerr ("\r\033[K");
  /* Translators: on a terminal while Microsoft Graph sends nothing; "s" is seconds. */
  g_printerr (_("Waiting for Microsoft Graph… %u s (giving up after %u s)"), seconds, budget);
  cli->waiting_shown = TRUE;
}

LkDevice *
fetch_device (Cli         *cli,
              const char  *id,
              GError     **error)
{
  lk_graph_client_get_device_async (cli->client, id, NULL, store_result_cb, cli);
  return lk_graph_client_get_device_finish (cli->client, cli_wait (cli), error);
}

GPtrArray *
fetch_results (Cli         *cli,
               const char  *id,
               GError     **error)
{
  lk_graph_client_get_action_results_async (cli->client, id, NULL, store_result_cb, cli);
  return lk_graph_client_get_action_results_finish (cli->client, cli_wait (cli), error);
}

/* One JSON object of string members (name, value, …, NULL), made by json-glib's generator so
 * that any value — a passcode with a quote or a backslash — stays valid JSON. A NULL value
 * leaves its member out. */
void
print_json_members (const char *name,
                    ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, name);
  for (const char *member = name; member != NULL; member = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      if (value == NULL)
        continue;
      json_builder_set_member_name (builder, member);
      json_builder_add_string_value (builder, value);
    }
  va_end (args);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  g_print ("%s\n", text);
  /* The text may hold a temporary passcode. */
  explicit_bzero (text, strlen (text));
}

gboolean
confirm_by_name (LkDevice *device)
{
  char line[1024];
  g_autofree char *typed = NULL;
  g_autofree char *name = lk_text_inert (lk_device_get_device_name (device));

  /* A prompt is for the person at the terminal: stdout stays the command's output. */
  g_printerr (_("Type the device name (%s) to confirm: "), name);
  if (fgets (line, sizeof line, stdin) == NULL)
    return FALSE;
  typed = g_strstrip (g_strdup (line));
  return g_strcmp0 (typed, lk_device_get_device_name (device)) == 0;
}

/* The journal's entries and, in @results, the device's deviceActionResults (NULL when they
 * could not be read: the journal alone decides then). */
GPtrArray *
read_journal_and_results (Cli         *cli,
                          const char  *id,
                          GPtrArray  **results)
{
  g_autoptr(LkActionHistory) history = lk_action_history_new (NULL);
  g_autoptr(GError) error = NULL;

  *results = fetch_results (cli, id, &error);
  if (*results == NULL)
    g_debug ("Could not read the action results before an action: %s", error->message);
  return lk_action_history_load (history, NULL);
}
