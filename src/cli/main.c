/* main.c: latchkey-cli, the command-line face of Latchkey.
 *
 * Same code path as the window: the Graph client over libsoup, the core's query and capability
 * rules; --demo runs it all against the in-process sandbox over loopback HTTP. This file holds
 * the options and sends each command to its file (see lk-cli-common.h for the map).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "lk-cli-common.h"
#include "lk-locale.h"
#include "lk-memory.h"
#include "lk-settings.h"

/* --- options --------------------------------------------------------------------------------- */

static const char *
summary (void)
{
  return _("Commands:\n"
           "  search TEXT   Find devices by name, user, serial number or IMEI\n"
           "  show ID       Show a device and its passcode capability\n"
           "  reset ID      Remove or reset the passcode (asks for the device name)\n"
           "  status ID     Show the state of the last passcode action\n"
           "  sync ID       Ask the device to check in with Intune\n"
           "  sign-in       Sign in (browser; --device-code for a code instead)\n"
           "  sign-out [USER]  Sign out and forget the account\n"
           "  accounts      List the signed-in accounts\n"
           "  history       Show the passcode actions sent from this computer (--csv to export)\n"
           "  unlock ID     List a Windows PC's or Mac's unlock options\n"
           "  laps ID       Local administrator password (Windows LAPS, macOS managed admin)\n"
           "  bitlocker ID [KEY-ID]  List BitLocker recovery keys, or read one\n"
           "  filevault ID  FileVault personal recovery key\n"
           "  rotate KIND ID  Rotate laps, bitlocker, filevault or macos-admin (asks for the name)\n"
           "Secrets are printed only with --reveal, and every read is recorded in the history.\n"
           "\n"
           "Exit status: 0 success, 2 usage, 3 not found, 4 sign-in needed,\n"
           "5 access denied, 6 service unavailable or throttled, 7 action not supported,\n"
           "8 canceled at the confirmation, 9 outcome unknown (check status, never resend),\n"
           "10 an action is already on its way (see status; --force sends anyway),\n"
           "11 the device reported that the action failed or was canceled,\n"
           "12 the action awaits Multi Admin Approval, 1 other errors.\n"
           "Safe to retry: 3, 4, 5, 6 and 8 mean nothing was sent. Never retry 9 or 10 blind.");
}

static int
run (Cli   *cli,
     int    argc,
     char **argv)
{
  g_autoptr(GError) error = NULL;
  const char *command;
  const char *arg;

  if (argc < 2)
    {
      g_printerr (_("Missing command. See --help.\n"));
      return EXIT_USAGE;
    }
  command = argv[1];
  arg = argc > 2 ? argv[2] : NULL;

  if (strcmp (command, "sign-in") == 0)
    return cmd_sign_in (cli);
  if (strcmp (command, "sign-out") == 0)
    return cmd_sign_out (cli, arg);
  if (strcmp (command, "accounts") == 0)
    return cmd_accounts (cli);
  if (strcmp (command, "history") == 0)
    return cmd_history (cli);

  if (arg == NULL && strcmp (command, "search") != 0)
    {
      g_printerr (_("“%s” needs a device ID. See --help.\n"), command);
      return EXIT_USAGE;
    }
  if (strcmp (command, "rotate") == 0)
    {
      /* rotate KIND ID: the device id is the second argument. */
      arg = argc > 3 ? argv[3] : NULL;
      if (arg == NULL)
        {
          g_printerr (_("“%s” needs a device ID. See --help.\n"), command);
          return EXIT_USAGE;
        }
    }
  if (strcmp (command, "search") != 0 && strcmp (command, "show") != 0
      && strcmp (command, "status") != 0 && strcmp (command, "reset") != 0
      && strcmp (command, "sync") != 0 && strcmp (command, "unlock") != 0
      && strcmp (command, "laps") != 0 && strcmp (command, "bitlocker") != 0
      && strcmp (command, "filevault") != 0 && strcmp (command, "rotate") != 0)
    {
      g_printerr (_("Unknown command “%s”. See --help.\n"), command);
      return EXIT_USAGE;
    }
  /* The id becomes a URL path segment: "", "..", "/" or "?" would name another resource. */
  if (strcmp (command, "search") != 0 && !lk_device_id_is_valid (arg))
    {
      g_printerr (_("That is not a device ID: it is empty, “.” or “..”, or holds “/”, “?”, “#”, “%%”, “\\” or a control character. Nothing was sent.\n"));
      return EXIT_USAGE;
    }

  if (!cli_connect (cli, &error))
    return report_error (cli, error);
  g_signal_connect (cli->client, "waiting", G_CALLBACK (waiting_cb), cli);
  apply_timeouts (cli->client);

  if (strcmp (command, "search") == 0)
    return cmd_search (cli, arg != NULL ? arg : "");
  if (strcmp (command, "show") == 0)
    return cmd_show (cli, arg);
  if (strcmp (command, "status") == 0)
    return cmd_status (cli, arg);
  if (strcmp (command, "sync") == 0)
    return cmd_sync (cli, arg);
  if (strcmp (command, "unlock") == 0)
    return cmd_unlock (cli, arg);
  if (strcmp (command, "laps") == 0)
    return cmd_secret (cli, LK_UNLOCK_LAPS, command, arg);
  if (strcmp (command, "filevault") == 0)
    return cmd_secret (cli, LK_UNLOCK_FILEVAULT, command, arg);
  if (strcmp (command, "bitlocker") == 0)
    return cmd_bitlocker (cli, arg, argc > 3 ? argv[3] : NULL);
  if (strcmp (command, "rotate") == 0)
    return cmd_rotate (cli, argv[2], arg);
  return cmd_reset (cli, arg);
}

int
main (int   argc,
      char *argv[])
{
  Cli cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *api_version = NULL;
  int status;
  GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, &cli.demo,
      N_("Use the built-in demo tenant (no Microsoft account needed)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli.json, N_("Print JSON for scripts"), NULL },
    { "jsonl", 0, 0, G_OPTION_ARG_NONE, &cli.jsonl,
      N_("search: print one JSON object a line, as the devices arrive (unranked)"), NULL },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &cli.yes,
      N_("Do not ask for the device name before a reset (for scripts)"), NULL },
    { "graph-url", 0, 0, G_OPTION_ARG_STRING, &cli.graph_url,
      N_("Microsoft Graph root (default https://graph.microsoft.com)"), N_("URL") },
    { "api-version", 0, 0, G_OPTION_ARG_STRING, &cli.api_version,
      N_("Graph API version: beta (default) or v1.0"), N_("VERSION") },
    { "access-token-stdin", 0, 0, G_OPTION_ARG_NONE, &cli.token_stdin,
      N_("Read a Microsoft Graph access token from standard input"), NULL },
    { "account", 0, 0, G_OPTION_ARG_STRING, &cli.account_name,
      N_("Use this signed-in account (user name)"), N_("USER") },
    { "cloud", 0, 0, G_OPTION_ARG_STRING, &cli.cloud,
      N_("Sign-in cloud: global, us-gov-gcc-high, us-gov-dod, china or custom"), N_("CLOUD") },
    { "authority", 0, 0, G_OPTION_ARG_STRING, &cli.authority,
      N_("Custom sign-in authority, e.g. https://login.example.com"), N_("URL") },
    { "tenant", 0, 0, G_OPTION_ARG_STRING, &cli.tenant,
      N_("Tenant ID or domain to sign in to"), N_("TENANT") },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &cli.client_id,
      N_("Application (client) ID of your app registration"), N_("ID") },
    { "wait", 0, 0, G_OPTION_ARG_NONE, &cli.wait,
      N_("After a reset, wait until the device reports the outcome"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &cli.csv, N_("Print the history as CSV"), NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &cli.force,
      N_("Reset even though an earlier passcode action may still be on its way"), NULL },
    { "reveal", 0, 0, G_OPTION_ARG_NONE, &cli.reveal,
      N_("Print the unlock secret (laps, bitlocker, filevault); the read is recorded"), NULL },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &cli.reason,
      N_("Why a secret is read or rotated (e.g. a ticket number), kept in the local history"), N_("TEXT") },
    { "device-code", 0, 0, G_OPTION_ARG_NONE, &cli.device_code,
      N_("Sign in with a code on another device instead of the browser"), NULL },
    { NULL }
  };

  /* GLib writes debug and info messages to stdout by default: with G_MESSAGES_DEBUG set they
   * would break the JSON and CSV a script reads there. */
  g_log_writer_default_set_use_stderr (TRUE);
  lk_locale_init ();
  /* Without TZ, GLib finds the local time zone again (a readlink and two stats) every time a
   * date is shown in local time: 100 000 devices' "last checked in" caveats spent more time
   * there than in writing the JSON. The same zone, named once; before any thread starts. */
  if (g_getenv ("TZ") == NULL)
    g_setenv ("TZ", ":/etc/localtime", TRUE);
  lk_memory_init ();

  context = g_option_context_new (_("COMMAND [ARGUMENT] — find Intune devices and reset their passcodes"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary ());
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_USAGE;
    }
  /* The option, else the setting the window honours (an admin pinned to v1.0 stays there). */
  cli.settings = lk_settings_new_if_installed ();
  api_version = lk_settings_get_api_version (cli.settings, cli.api_version);
  g_free (cli.api_version);
  cli.api_version = g_steal_pointer (&api_version);
  if (!g_str_equal (cli.api_version, "beta") && !g_str_equal (cli.api_version, "v1.0"))
    {
      g_printerr (_("Unknown API version “%s”: use beta or v1.0.\n"), cli.api_version);
      cli_clear (&cli);
      return EXIT_USAGE;
    }
  /* --jsonl is --json for every other command. */
  cli.json = cli.json || cli.jsonl;
  cli.progress = isatty (STDERR_FILENO) && !cli.json;

  status = run (&cli, argc, argv);
  cli_clear (&cli);
  return status;
}
