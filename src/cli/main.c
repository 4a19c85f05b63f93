/* main.c: latchkey-cli, the command-line face of Latchkey.
 *
 * Same code path as the window: the Graph client over libsoup, the core's query and capability
 * rules; --demo runs it all against the in-process sandbox over loopback HTTP.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "lk-capability.h"
#include "lk-cli-output.h"
#include "lk-graph-client.h"
#include "lk-graph-error.h"
#include "lk-sandbox.h"

/* Exit codes scripts can branch on; documented in --help and README. */
enum
{
  EXIT_OK = 0,
  EXIT_FAILURE_ = 1,
  EXIT_USAGE = 2,
  EXIT_NOT_FOUND = 3,
  EXIT_AUTH = 4,
  EXIT_FORBIDDEN = 5,
  EXIT_UNAVAILABLE = 6,
  EXIT_NOT_SUPPORTED = 7,
  EXIT_ABORTED = 8,
  EXIT_OUTCOME_UNKNOWN = 9,
};

typedef struct
{
  gboolean       demo;
  gboolean       json;
  gboolean       yes;
  gboolean       token_stdin;
  char          *graph_url;
  char          *api_version;

  LkSandbox     *sandbox;
  LkGraphClient *client;
  GAsyncResult  *result;
  gboolean       progress;   /* stderr is a terminal */
} Cli;

static void
cli_clear (Cli *cli)
{
  g_clear_object (&cli->client);
  if (cli->sandbox != NULL)
    lk_sandbox_stop (cli->sandbox);
  g_clear_object (&cli->sandbox);
  g_clear_object (&cli->result);
  g_clear_pointer (&cli->graph_url, g_free);
  g_clear_pointer (&cli->api_version, g_free);
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Cli *cli = user_data;

  cli->result = g_object_ref (result);
}

/* The CLI is sequential: run the main loop until the one operation in flight ends. */
static GAsyncResult *
cli_wait (Cli *cli)
{
  g_clear_object (&cli->result);
  while (cli->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return cli->result;
}

static int
exit_code_for_error (const GError *error)
{
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

static int
report_error (Cli          *cli,
              const GError *error)
{
  g_autofree char *ids = lk_graph_error_format_ids (error);

  if (cli->progress)
    g_printerr ("\r\033[K");
  g_printerr (_("Error: %s\n"), error->message);
  if (ids != NULL)
    g_printerr ("%s\n", ids);
  return exit_code_for_error (error);
}

/* --- connecting ------------------------------------------------------------------------------ */

static char *
read_token_from_stdin (GError **error)
{
  char line[16384];
  g_autofree char *token = NULL;

  if (fgets (line, sizeof line, stdin) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("No access token on standard input."));
      return NULL;
    }
  token = g_strstrip (g_strdup (line));
  explicit_bzero (line, sizeof line);
  if (*token == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The access token on standard input is empty."));
      return NULL;
    }
  return g_steal_pointer (&token);
}

static gboolean
cli_connect (Cli     *cli,
             GError **error)
{
  g_autoptr(LkTokenProvider) tokens = NULL;
  g_autofree char *graph_url = NULL;
  g_autofree char *token = NULL;

  if (cli->demo)
    {
      cli->sandbox = lk_sandbox_new ();
      lk_sandbox_load_demo_tenant (cli->sandbox);
      lk_sandbox_set_latency (cli->sandbox, 20, 60);
      if (!lk_sandbox_start (cli->sandbox, error))
        return FALSE;
      graph_url = lk_sandbox_get_graph_url (cli->sandbox);
      token = lk_sandbox_mint_access_token (cli->sandbox,
                                            "DeviceManagementManagedDevices.Read.All "
                                            "DeviceManagementManagedDevices.PrivilegedOperations.All",
                                            3600);
    }
  else
    {
      graph_url = g_strdup (cli->graph_url != NULL ? cli->graph_url : "https://graph.microsoft.com");
      if (!cli->token_stdin)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("Not signed in. Use --access-token-stdin with a token for Microsoft Graph, or --demo to try the demo tenant."));
          return FALSE;
        }
      token = read_token_from_stdin (error);
      if (token == NULL)
        return FALSE;
    }

  tokens = LK_TOKEN_PROVIDER (lk_static_token_new (token));
  explicit_bzero (token, strlen (token));
  cli->client = lk_graph_client_new (graph_url, cli->api_version, tokens);
  return TRUE;
}

/* --- commands -------------------------------------------------------------------------------- */

static void
progress_cb (GPtrArray *devices,
             guint      total,
             gint64     expected,
             gpointer   user_data)
{
  Cli *cli = user_data;

  if (!cli->progress)
    return;
  /* Back to the start of the line and clear it, so the count updates in place. */
  g_printerr ("\r\033[K");
  if (expected > 0)
    /* Translators: a progress line while a device list downloads. */
    g_printerr (_("Loading devices… %u of %u"), total, (guint) expected);
  else
    g_printerr (_("Loading devices… %u"), total);
}

static int
cmd_search (Cli        *cli,
            const char *text)
{
  g_autoptr(LkDeviceQuery) query = lk_device_query_new (text);
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;

  lk_graph_client_list_devices_async (cli->client, query, progress_cb, cli, NULL, NULL,
                                      store_result_cb, cli);
  devices = lk_graph_client_list_devices_finish (cli->client, cli_wait (cli), &error);
  if (cli->progress)
    g_printerr ("\r\033[K");
  if (devices == NULL)
    return report_error (cli, error);

  if (cli->json)
    lk_cli_print_devices_json (devices);
  else
    lk_cli_print_devices_table (devices);

  if (devices->len == 0)
    {
      if (!cli->json)
        g_printerr (_("No device matches “%s”.\n"), text);
      return EXIT_NOT_FOUND;
    }
  return EXIT_OK;
}

static LkDevice *
fetch_device (Cli         *cli,
              const char  *id,
              GError     **error)
{
  lk_graph_client_get_device_async (cli->client, id, NULL, store_result_cb, cli);
  return lk_graph_client_get_device_finish (cli->client, cli_wait (cli), error);
}

static int
cmd_show (Cli        *cli,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) device = fetch_device (cli, id, &error);

  if (device == NULL)
    return report_error (cli, error);
  if (cli->json)
    lk_cli_print_device_json (device);
  else
    lk_cli_print_device_details (device);
  return EXIT_OK;
}

static GPtrArray *
fetch_results (Cli         *cli,
               const char  *id,
               GError     **error)
{
  lk_graph_client_get_action_results_async (cli->client, id, NULL, store_result_cb, cli);
  return lk_graph_client_get_action_results_finish (cli->client, cli_wait (cli), error);
}

static int
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
  return EXIT_OK;
}

static int
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
    g_print ("{\"id\": \"%s\", \"sync\": \"requested\"}\n", id);
  return EXIT_OK;
}

static gboolean
confirm_by_name (LkDevice *device)
{
  char line[1024];
  g_autofree char *typed = NULL;

  g_print (_("Type the device name (%s) to confirm: "), lk_device_get_device_name (device));
  fflush (stdout);
  if (fgets (line, sizeof line, stdin) == NULL)
    return FALSE;
  typed = g_strstrip (g_strdup (line));
  return g_strcmp0 (typed, lk_device_get_device_name (device)) == 0;
}

static int
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
      g_printerr (_("%s: no passcode action is available. %s\n"),
                  lk_device_get_device_name (device), lk_capability_get_reason (capability));
      return EXIT_NOT_SUPPORTED;
    }

  if (!cli->json)
    lk_cli_print_action_preview (device, capability);
  if (!cli->yes && !confirm_by_name (device))
    {
      g_printerr (_("The name does not match. Nothing was sent.\n"));
      return EXIT_ABORTED;
    }

  lk_graph_client_post_action_async (cli->client, id, LK_DEVICE_ACTION_RESET_PASSCODE, NULL,
                                     store_result_cb, cli);
  if (!lk_graph_client_post_action_finish (cli->client, cli_wait (cli), &error))
    {
      int code = report_error (cli, error);

      if (g_error_matches (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_OUTCOME_UNKNOWN))
        g_printerr (_("Check the outcome with: latchkey-cli status %s\n"), id);
      return code;
    }

  if (cli->json)
    g_print ("{\"id\": \"%s\", \"action\": \"resetPasscode\", \"state\": \"queued\"}\n", id);
  else
    g_print (_("%s queued for %s. Follow it with: latchkey-cli status %s\n"),
             lk_capability_get_label (capability), lk_device_get_device_name (device), id);
  return EXIT_OK;
}

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
           "\n"
           "Exit status: 0 success, 2 usage, 3 not found, 4 sign-in needed,\n"
           "5 access denied, 6 service unavailable or throttled, 7 action not supported,\n"
           "8 cancelled at the confirmation, 9 outcome unknown (check status), 1 other errors.");
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

  if (arg == NULL && strcmp (command, "search") != 0)
    {
      g_printerr (_("“%s” needs a device ID. See --help.\n"), command);
      return EXIT_USAGE;
    }
  if (strcmp (command, "search") != 0 && strcmp (command, "show") != 0
      && strcmp (command, "status") != 0 && strcmp (command, "reset") != 0
      && strcmp (command, "sync") != 0)
    {
      g_printerr (_("Unknown command “%s”. See --help.\n"), command);
      return EXIT_USAGE;
    }

  if (!cli_connect (cli, &error))
    {
      g_printerr (_("Error: %s\n"), error->message);
      return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED) ? EXIT_AUTH : EXIT_FAILURE_;
    }

  if (strcmp (command, "search") == 0)
    return cmd_search (cli, arg != NULL ? arg : "");
  if (strcmp (command, "show") == 0)
    return cmd_show (cli, arg);
  if (strcmp (command, "status") == 0)
    return cmd_status (cli, arg);
  if (strcmp (command, "sync") == 0)
    return cmd_sync (cli, arg);
  return cmd_reset (cli, arg);
}

int
main (int   argc,
      char *argv[])
{
  Cli cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  GOptionEntry entries[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, &cli.demo,
      N_("Use the built-in demo tenant (no Microsoft account needed)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli.json, N_("Print JSON for scripts"), NULL },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &cli.yes,
      N_("Do not ask for the device name before a reset (for scripts)"), NULL },
    { "graph-url", 0, 0, G_OPTION_ARG_STRING, &cli.graph_url,
      N_("Microsoft Graph root (default https://graph.microsoft.com)"), N_("URL") },
    { "api-version", 0, 0, G_OPTION_ARG_STRING, &cli.api_version,
      N_("Graph API version: beta (default) or v1.0"), N_("VERSION") },
    { "access-token-stdin", 0, 0, G_OPTION_ARG_NONE, &cli.token_stdin,
      N_("Read a Microsoft Graph access token from standard input"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (_("COMMAND [ARGUMENT] — find Intune devices and reset their passcodes"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary ());
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_USAGE;
    }
  if (cli.api_version == NULL)
    cli.api_version = g_strdup ("beta");
  if (!g_str_equal (cli.api_version, "beta") && !g_str_equal (cli.api_version, "v1.0"))
    {
      g_printerr (_("Unknown API version “%s”: use beta or v1.0.\n"), cli.api_version);
      cli_clear (&cli);
      return EXIT_USAGE;
    }
  cli.progress = isatty (STDERR_FILENO) && !cli.json;

  status = run (&cli, argc, argv);
  cli_clear (&cli);
  return status;
}
