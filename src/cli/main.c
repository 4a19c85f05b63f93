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

#include "lk-account-manager.h"
#include "lk-action-tracker.h"
#include "lk-auth-error.h"
#include "lk-locale.h"
#include "lk-memory.h"
#include "lk-capability.h"
#include "lk-cli-output.h"
#include "lk-demo-browser.h"
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
  gboolean       device_code;
  gboolean       wait;
  gboolean       csv;
  char          *graph_url;
  char          *api_version;
  char          *authority;
  char          *cloud;
  char          *tenant;
  char          *client_id;
  char          *account_name;

  GSettings        *settings;   /* NULL when the schema is not installed */
  LkSandbox        *sandbox;
  LkAccountManager *accounts;
  LkAccount        *account;    /* the account in use, for the history; NULL with a raw token */
  LkGraphClient *client;
  GAsyncResult  *result;
  gboolean       progress;   /* stderr is a terminal */
} Cli;

static void
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

static GSettings *
settings_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "io.github.latchkey.Latchkey", TRUE);
  return schema != NULL ? g_settings_new ("io.github.latchkey.Latchkey") : NULL;
}

static char *
setting (Cli        *cli,
         const char *option,
         const char *key)
{
  if (option != NULL)
    return g_strdup (option);
  if (cli->settings != NULL)
    return g_settings_get_string (cli->settings, key);
  return NULL;
}

static gboolean
start_demo_sandbox (Cli     *cli,
                    GError **error)
{
  cli->sandbox = lk_sandbox_new ();
  lk_sandbox_setup_demo (cli->sandbox);
  /* A terminal answer should feel immediate; the window keeps the realistic latency. */
  lk_sandbox_set_latency (cli->sandbox, 20, 60);
  return lk_sandbox_start (cli->sandbox, error);
}

/* Where sign-in goes: the demo sandbox, or the cloud / custom authority from the options,
 * falling back to the settings the window uses. */
static LkSignInConfig *
sign_in_config (Cli     *cli,
                GError **error)
{
  g_autofree char *cloud_nick = NULL;
  g_autofree char *tenant = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *authority = NULL;
  g_autofree char *graph_url = NULL;
  LkCloud cloud = LK_CLOUD_GLOBAL;

  if (cli->demo)
    {
      authority = lk_sandbox_get_authority_url (cli->sandbox);
      graph_url = lk_sandbox_get_graph_url (cli->sandbox);
      return lk_sign_in_config_new (LK_CLOUD_CUSTOM, authority, graph_url,
                                    lk_sandbox_get_tenant_id (cli->sandbox),
                                    lk_sandbox_get_client_id (cli->sandbox));
    }

  cloud_nick = cli->cloud != NULL ? g_strdup (cli->cloud)
               : cli->settings != NULL ? g_settings_get_string (cli->settings, "cloud") : NULL;
  if (cli->authority != NULL)
    cloud = LK_CLOUD_CUSTOM;
  else if (cloud_nick != NULL && !lk_cloud_from_nick (cloud_nick, &cloud))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Unknown cloud “%s”: use global, us-gov-gcc-high, us-gov-dod, china or custom."),
                   cloud_nick);
      return NULL;
    }
  tenant = setting (cli, cli->tenant, "tenant");
  client_id = setting (cli, cli->client_id, "client-id");
  authority = setting (cli, cli->authority, "custom-authority");
  graph_url = setting (cli, cli->graph_url, "custom-graph-url");
  if (client_id == NULL || *client_id == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("No application (client) ID. Register Latchkey in your tenant (see the README, “Connecting to your tenant”) and pass --client-id."));
      return NULL;
    }
  if (cloud == LK_CLOUD_CUSTOM && (authority == NULL || *authority == '\0' || graph_url == NULL || *graph_url == '\0'))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A custom cloud needs both --authority and --graph-url."));
      return NULL;
    }
  return lk_sign_in_config_new (cloud, authority, graph_url, tenant, client_id);
}

static gboolean
load_accounts (Cli     *cli,
               GError **error)
{
  g_autoptr(GError) local_error = NULL;

  cli->accounts = lk_account_manager_new ();
  /* Never block a terminal on a keyring unlock prompt: report it instead. */
  lk_account_manager_set_store_flags (cli->accounts, LK_TOKEN_STORE_FLAGS_NO_PROMPT);
  if (cli->demo)
    lk_account_manager_set_open_uri_func (cli->accounts, lk_demo_browser_open_uri, NULL, NULL);
  lk_account_manager_load_async (cli->accounts, NULL, store_result_cb, cli);
  if (!lk_account_manager_load_finish (cli->accounts, cli_wait (cli), &local_error))
    {
      if (!g_error_matches (local_error, LK_AUTH_ERROR, LK_AUTH_ERROR_KEYRING_UNAVAILABLE)
          && !g_error_matches (local_error, LK_AUTH_ERROR, LK_AUTH_ERROR_KEYRING_LOCKED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* The manager is session-only now: sign-in still works, nothing is saved. */
      g_printerr (_("Warning: %s Accounts will not be remembered.\n"), local_error->message);
    }
  return TRUE;
}

static gboolean
account_matches (Cli       *cli,
                 LkAccount *account)
{
  g_autofree char *authority = NULL;

  if (cli->account_name != NULL
      && g_ascii_strcasecmp (lk_account_get_username (account), cli->account_name) != 0)
    return FALSE;
  /* The demo tenant's accounts and real ones never mix. */
  if (cli->sandbox != NULL)
    {
      authority = lk_sandbox_get_authority_url (cli->sandbox);
      return g_strcmp0 (lk_account_get_authority (account), authority) == 0;
    }
  return TRUE;
}

static LkAccount *
pick_account (Cli *cli)
{
  GListModel *model = G_LIST_MODEL (cli->accounts);
  LkAccount *active = lk_account_manager_get_active_account (cli->accounts);
  g_autofree char *active_key = cli->settings != NULL && !cli->demo
                                  ? g_settings_get_string (cli->settings, "active-account") : NULL;

  if (active != NULL && account_matches (cli, active))
    return active;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LkAccount) account = g_list_model_get_item (model, i);

      if (account_matches (cli, account)
          && (active_key == NULL || *active_key == '\0'
              || g_strcmp0 (lk_account_get_key (account), active_key) == 0))
        return account;
    }
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LkAccount) account = g_list_model_get_item (model, i);

      if (account_matches (cli, account))
        return account;
    }
  return NULL;
}

static void
device_code_cb (LkAccountManager *manager,
                const char       *user_code,
                const char       *verification_uri,
                const char       *message,
                gpointer          user_data)
{
  g_printerr (_("To sign in, open %s and enter the code %s\n"), verification_uri, user_code);
}

static LkAccount *
sign_in (Cli     *cli,
         GError **error)
{
  g_autoptr(LkSignInConfig) config = sign_in_config (cli, error);
  LkAccount *account;

  if (config == NULL)
    return NULL;
  if (cli->device_code)
    {
      gulong id = g_signal_connect (cli->accounts, "device-code", G_CALLBACK (device_code_cb), cli);

      lk_account_manager_sign_in_device_code_async (cli->accounts, config, NULL, store_result_cb, cli);
      account = lk_account_manager_sign_in_device_code_finish (cli->accounts, cli_wait (cli), error);
      g_signal_handler_disconnect (cli->accounts, id);
    }
  else
    {
      if (!cli->demo)
        g_printerr (_("Opening the browser to sign in…\n"));
      lk_account_manager_sign_in_browser_async (cli->accounts, config, NULL, store_result_cb, cli);
      account = lk_account_manager_sign_in_browser_finish (cli->accounts, cli_wait (cli), error);
    }
  if (account != NULL && cli->settings != NULL && !cli->demo)
    g_settings_set_string (cli->settings, "active-account", lk_account_get_key (account));
  return account;
}

static gboolean
cli_connect (Cli     *cli,
             GError **error)
{
  g_autoptr(LkTokenProvider) tokens = NULL;
  g_autofree char *graph_url = NULL;
  LkAccount *account;

  if (cli->token_stdin)
    {
      g_autofree char *token = read_token_from_stdin (error);

      if (token == NULL)
        return FALSE;
      tokens = LK_TOKEN_PROVIDER (lk_static_token_new (token));
      explicit_bzero (token, strlen (token));
      graph_url = g_strdup (cli->graph_url != NULL ? cli->graph_url : "https://graph.microsoft.com");
      cli->client = lk_graph_client_new (graph_url, cli->api_version, tokens);
      return TRUE;
    }

  if (cli->demo && !start_demo_sandbox (cli, error))
    return FALSE;
  if (!load_accounts (cli, error))
    return FALSE;

  account = pick_account (cli);
  /* The demo signs in by itself: its sign-in is auto-approved. */
  if (account == NULL && cli->demo)
    {
      g_autoptr(LkAccount) signed_in = sign_in (cli, error);

      if (signed_in == NULL)
        return FALSE;
      account = signed_in;
    }
  if (account == NULL)
    {
      g_set_error_literal (error, LK_AUTH_ERROR, LK_AUTH_ERROR_FAILED,
                           _("Not signed in. Run “latchkey-cli sign-in”, use --access-token-stdin with a token for Microsoft Graph, or try --demo."));
      return FALSE;
    }
  cli->account = account;
  cli->client = lk_graph_client_new (lk_account_get_graph_url (account), cli->api_version,
                                     LK_TOKEN_PROVIDER (account));
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
  LkTrackerState state;

  tracker = lk_action_tracker_new (cli->client, device, lk_capability_get_action_kind (capability), history,
                                   cli->account != NULL ? lk_account_get_username (cli->account) : NULL,
                                   cli->account != NULL ? lk_account_get_tenant_id (cli->account) : NULL);
  lk_action_tracker_send (tracker);
  run_until_state_changes (cli, tracker, cli->wait);
  state = lk_action_tracker_get_state (tracker);

  if (state == LK_TRACKER_ERROR)
    return report_error (cli, lk_action_tracker_get_error (tracker));
  if (cli->json)
    {
      g_print ("{\"id\": \"%s\", \"action\": \"%s\", \"state\": \"%s\"",
               id, lk_action_kind_to_string (lk_action_tracker_get_kind (tracker)),
               lk_tracker_state_to_string (state));
      if (lk_action_tracker_get_passcode (tracker) != NULL)
        g_print (", \"passcode\": \"%s\"", lk_action_tracker_get_passcode (tracker));
      g_print ("}\n");
    }
  else if (state == LK_TRACKER_CHECKING)
    g_print (_("No answer came back, so the request was not sent again. Check the outcome with: latchkey-cli status %s\n"), id);
  else if (!lk_action_tracker_is_finished (tracker))
    g_print (_("%s queued for %s. Follow it with: latchkey-cli status %s\n"),
             lk_capability_get_label (capability), lk_device_get_device_name (device), id);
  else if (state == LK_TRACKER_DONE && lk_action_tracker_get_passcode (tracker) != NULL)
    g_print (_("Done. Temporary passcode: %s (visible for 7 days in the Intune admin center)\n"),
             lk_action_tracker_get_passcode (tracker));
  else
    g_print (_("Finished: %s\n"), lk_cli_tracker_state_label (state));
  lk_action_tracker_clear_passcode (tracker);

  if (state == LK_TRACKER_FAILED || state == LK_TRACKER_CANCELED)
    return EXIT_FAILURE_;
  if (state == LK_TRACKER_NOT_SUPPORTED)
    return EXIT_NOT_SUPPORTED;
  return state == LK_TRACKER_CHECKING ? EXIT_OUTCOME_UNKNOWN : EXIT_OK;
}

static int
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

  return send_and_follow (cli, device, capability);
}

static int
cmd_sign_in (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkAccount) account = NULL;

  if (cli->demo && !start_demo_sandbox (cli, &error))
    return report_error (cli, error);
  if (!load_accounts (cli, &error))
    return report_error (cli, error);
  account = sign_in (cli, &error);
  if (account == NULL)
    return report_error (cli, error);
  g_print (_("Signed in as %s.\n"), lk_account_get_username (account));
  if (lk_account_get_session_only (account))
    g_print (_("The keyring is not available: this sign-in lasts only until the program ends.\n"));
  if (!lk_account_has_scope (account, LK_SCOPE_PRIVILEGED))
    g_print (_("This sign-in can search but not reset passcodes: the app registration lacks DeviceManagementManagedDevices.PrivilegedOperations.All.\n"));
  return EXIT_OK;
}

static int
cmd_accounts (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  GListModel *model;
  LkAccount *active;

  if (cli->demo && !start_demo_sandbox (cli, &error))
    return report_error (cli, error);
  if (!load_accounts (cli, &error))
    return report_error (cli, error);
  model = G_LIST_MODEL (cli->accounts);
  active = pick_account (cli);
  if (cli->json)
    g_print ("[");
  for (guint i = 0, shown = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LkAccount) account = g_list_model_get_item (model, i);

      if (cli->demo && !account_matches (cli, account))
        continue;
      if (cli->json)
        lk_cli_print_account_json (account, account == active, shown++ > 0);
      else
        lk_cli_print_account (account, account == active);
    }
  if (cli->json)
    g_print ("]\n");
  else if (g_list_model_get_n_items (model) == 0)
    g_print (_("No accounts. Sign in with “latchkey-cli sign-in”.\n"));
  return EXIT_OK;
}

static int
cmd_sign_out (Cli        *cli,
              const char *username)
{
  g_autoptr(GError) error = NULL;
  LkAccount *account;

  if (username != NULL)
    cli->account_name = g_strdup (username);
  if (cli->demo && !start_demo_sandbox (cli, &error))
    return report_error (cli, error);
  if (!load_accounts (cli, &error))
    return report_error (cli, error);
  account = pick_account (cli);
  if (account == NULL)
    {
      g_printerr (_("No such account.\n"));
      return EXIT_NOT_FOUND;
    }
  g_object_ref (account);
  lk_account_manager_sign_out_async (cli->accounts, account, NULL, store_result_cb, cli);
  if (!lk_account_manager_sign_out_finish (cli->accounts, cli_wait (cli), &error))
    {
      g_object_unref (account);
      return report_error (cli, error);
    }
  g_print (_("Signed out %s.\n"), lk_account_get_username (account));
  g_object_unref (account);
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
           "  sign-in       Sign in (browser; --device-code for a code instead)\n"
           "  sign-out [USER]  Sign out and forget the account\n"
           "  accounts      List the signed-in accounts\n"
           "  history       Show the passcode actions sent from this computer (--csv to export)\n"
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
  if (strcmp (command, "search") != 0 && strcmp (command, "show") != 0
      && strcmp (command, "status") != 0 && strcmp (command, "reset") != 0
      && strcmp (command, "sync") != 0)
    {
      g_printerr (_("Unknown command “%s”. See --help.\n"), command);
      return EXIT_USAGE;
    }

  if (!cli_connect (cli, &error))
    return report_error (cli, error);

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
    { "device-code", 0, 0, G_OPTION_ARG_NONE, &cli.device_code,
      N_("Sign in with a code on another device instead of the browser"), NULL },
    { NULL }
  };

  lk_locale_init ();
  lk_memory_init ();

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
  cli.settings = settings_if_installed ();

  status = run (&cli, argc, argv);
  cli_clear (&cli);
  return status;
}
