/* main.c: latchkey-cli, the command-line face of Latchkey.
 *
 * Same code path as the window: the Graph client over libsoup, the core's query and capability
 * rules; --demo runs it all against the in-process sandbox over loopback HTTP.
 */
#include "config.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "lk-account-manager.h"
#include "lk-action-journal.h"
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
#include "lk-text.h"
#include "lk-settings.h"
#include "lk-unlock-client.h"

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
  EXIT_IN_FLIGHT = 10,
  EXIT_DEVICE_FAILED = 11,
  EXIT_AWAITING_APPROVAL = 12,
};

typedef struct
{
  gboolean       demo;
  gboolean       json;
  gboolean       jsonl;      /* search: one device a line, as Graph sends them */
  gboolean       yes;
  gboolean       token_stdin;
  gboolean       device_code;
  gboolean       wait;
  gboolean       csv;
  gboolean       force;
  gboolean       reveal;
  char          *reason;     /* a ticket number, journaled with a reveal or rotation */
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
  gboolean       waiting_shown;   /* a "Waiting for Microsoft Graph" line is on stderr */
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
  g_clear_pointer (&cli->reason, g_free);
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

static int
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

/* --- connecting ------------------------------------------------------------------------------ */

/* Entra ID access tokens are a few kB (up to ~10 kB with many group claims); anything this
 * long is not one, and reading it all would only hold more of it in memory. */
#define MAX_TOKEN_STDIN (64 * 1024)

/* Reads the whole first line of standard input (a token may be longer than any fixed buffer,
 * and may lack a final newline), refusing more than MAX_TOKEN_STDIN. The rest of the input is
 * left for the confirmation prompt of a reset. Wipes what it read. */
static char *
read_token_from_stdin (GError **error)
{
  char *buffer = g_malloc (MAX_TOKEN_STDIN + 1);
  gsize len = 0;
  gboolean bad;
  int c;
  g_autofree char *token = NULL;

  while (len <= MAX_TOKEN_STDIN && (c = getc (stdin)) != EOF && c != '\n')
    buffer[len++] = (char) c;
  if (len > MAX_TOKEN_STDIN)
    {
      explicit_bzero (buffer, MAX_TOKEN_STDIN + 1);
      g_free (buffer);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Standard input holds more than %u KiB: that is not an access token, so nothing was sent."),
                   (guint) (MAX_TOKEN_STDIN / 1024));
      return NULL;
    }
  bad = memchr (buffer, '\0', len) != NULL;
  token = g_strstrip (g_strndup (buffer, len));
  explicit_bzero (buffer, MAX_TOKEN_STDIN + 1);
  g_free (buffer);
  if (len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("No access token on standard input."));
      return NULL;
    }
  if (*token == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The access token on standard input is empty."));
      return NULL;
    }
  /* A token is one printable word; anything else would end up inside an HTTP header. */
  for (const char *p = token; *p != '\0' && !bad; p++)
    bad = *p <= ' ' || *p > '~';
  if (bad)
    {
      explicit_bzero (token, strlen (token));
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The access token on standard input contains spaces or control characters."));
      return NULL;
    }
  return g_steal_pointer (&token);
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
    {
      g_autofree char *authority = lk_sandbox_get_authority_url (cli->sandbox);
      g_autofree char *graph_url = lk_sandbox_get_graph_url (cli->sandbox);

      lk_account_manager_set_demo (cli->accounts, LK_SANDBOX_DEMO_CLIENT_ID, authority, graph_url);
      lk_account_manager_set_open_uri_func (cli->accounts, lk_demo_browser_open_uri, NULL, NULL);
    }
  else
    lk_account_manager_set_demo (cli->accounts, LK_SANDBOX_DEMO_CLIENT_ID, NULL, NULL);
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
  g_autofree char *uri = lk_text_inert (verification_uri);
  g_autofree char *code = lk_text_inert (user_code);

  g_printerr (_("To sign in, open %s and enter the code %s\n"), uri, code);
}

/* Over SSH or on a console there is no browser to open: say so at once instead of asking
 * GIO, which may wait on a portal or start nothing. */
static gboolean
cli_open_uri (const char  *uri,
              gpointer     user_data,
              GError     **error)
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("there is no graphical session here (over SSH?)"));
      return FALSE;
    }
  return g_app_info_launch_default_for_uri (uri, NULL, error);
}

static void
browser_waiting_cb (LkAccountManager *manager,
                    const char       *authorize_uri,
                    const char       *browser_error,
                    gpointer          user_data)
{
  if (browser_error != NULL)
    g_printerr (_("Could not open a web browser: %s.\n"
                  "Open this address in a browser on this computer to sign in:\n  %s\n"
                  "Or run again with --device-code to sign in with a code on any device.\n"),
                browser_error, authorize_uri);
  else
    g_printerr (_("Opening the browser to sign in. If it does not open, open this address on this computer:\n  %s\n"),
                authorize_uri);
}

static void
browser_still_waiting_cb (LkAccountManager *manager,
                          guint             seconds_left,
                          gpointer          user_data)
{
  guint minutes = (seconds_left + 59) / 60;

  g_printerr (g_dngettext (GETTEXT_PACKAGE,
                           "Still waiting for the browser (at most %u more minute). If the sign-in page showed an error, the usual causes are a redirect URI not registered as http://localhost (AADSTS50011) or a wrong client ID or tenant (AADSTS700016). Press Ctrl+C to stop.\n",
                           "Still waiting for the browser (at most %u more minutes). If the sign-in page showed an error, the usual causes are a redirect URI not registered as http://localhost (AADSTS50011) or a wrong client ID or tenant (AADSTS700016). Press Ctrl+C to stop.\n",
                           minutes),
              minutes);
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
      gulong waiting_id = 0, still_id = 0;

      if (!cli->demo)
        {
          /* No browser is no dead end: the address is printed, and the wait goes on. */
          lk_account_manager_set_open_uri_func (cli->accounts, cli_open_uri, NULL, NULL);
          lk_account_manager_set_browser_options (cli->accounts, TRUE, 0, 0);
          waiting_id = g_signal_connect (cli->accounts, "browser-waiting", G_CALLBACK (browser_waiting_cb), cli);
          still_id = g_signal_connect (cli->accounts, "browser-still-waiting",
                                       G_CALLBACK (browser_still_waiting_cb), cli);
        }
      lk_account_manager_sign_in_browser_async (cli->accounts, config, NULL, store_result_cb, cli);
      account = lk_account_manager_sign_in_browser_finish (cli->accounts, cli_wait (cli), error);
      g_clear_signal_handler (&waiting_id, cli->accounts);
      g_clear_signal_handler (&still_id, cli->accounts);
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

/* LATCHKEY_GRAPH_TIMEOUTS=IDLE:BUDGET (seconds) overrides the Graph client's bounds: for very
 * slow links, and for tests that must not wait two minutes for a silent server. */
static void
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
static void
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

/* --jsonl: each page's devices go out as they arrive, and nothing is kept. */
static void
print_page_cb (GPtrArray *devices,
               guint      total,
               gint64     expected,
               gpointer   user_data)
{
  guint *printed = user_data;

  lk_cli_print_devices_jsonl (devices);
  *printed += devices->len;
}

static int
cmd_search (Cli        *cli,
            const char *text)
{
  g_autoptr(LkDeviceQuery) query = lk_device_query_new (text);
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  guint printed = 0;

  lk_graph_client_set_stream_only (cli->client, cli->jsonl);
  lk_graph_client_list_devices_async (cli->client, query,
                                      cli->jsonl ? print_page_cb : progress_cb,
                                      cli->jsonl ? (gpointer) &printed : cli, NULL, NULL,
                                      store_result_cb, cli);
  devices = lk_graph_client_list_devices_finish (cli->client, cli_wait (cli), &error);
  if (cli->progress)
    g_printerr ("\r\033[K");
  if (devices == NULL)
    return report_error (cli, error);

  /* The ranking needs every device before the first goes out; each is then written in turn. */
  if (cli->json && !cli->jsonl)
    lk_cli_print_devices_json (devices);
  else if (!cli->json)
    lk_cli_print_devices_table (devices);

  if (devices->len == 0 && printed == 0)
    {
      g_autofree char *shown = lk_text_inert (text);

      if (!cli->json)
        g_printerr (_("No device matches “%s”.\n"), shown);
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
  explain_against_journal (cli, id, results, reset);
  return EXIT_OK;
}

/* One JSON object of string members (name, value, …, NULL), made by json-glib's generator so
 * that any value — a passcode with a quote or a backslash — stays valid JSON. A NULL value
 * leaves its member out. */
static void
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
      /* Not an error: the request waits for a second administrator. */
      g_printerr ("%s\n", lk_action_tracker_get_error (tracker)->message);
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
static GPtrArray *
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

/* --- unlock options (LAPS, BitLocker, FileVault, macOS admin) -------------------------------- */

/* Incremental consent: a signed-in account asks for @scope the first time a command needs it,
 * and the client is rebuilt on the account that comes back. With a raw token, Graph decides. */
static gboolean
ensure_scope (Cli         *cli,
              const char  *scope,
              GError     **error)
{
  g_autoptr(LkAccount) account = NULL;

  if (cli->account == NULL || lk_scopes_contain (lk_account_get_scopes (cli->account), scope))
    return TRUE;
  lk_account_manager_request_scopes_async (cli->accounts, cli->account, scope, NULL, store_result_cb, cli);
  account = lk_account_manager_request_scopes_finish (cli->accounts, cli_wait (cli), error);
  if (account == NULL)
    return FALSE;
  /* The manager holds the account that replaced ours (cli->account is borrowed from it). */
  cli->account = account;
  g_clear_object (&cli->client);
  cli->client = lk_graph_client_new (lk_account_get_graph_url (account), cli->api_version,
                                     LK_TOKEN_PROVIDER (account));
  apply_timeouts (cli->client);
  return TRUE;
}

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
  g_autoptr(GError) error = NULL;

  if (!lk_unlock_journal (history, device, cli->account != NULL ? lk_account_get_username (cli->account) : NULL,
                          cli->account != NULL ? lk_account_get_tenant_id (cli->account) : NULL,
                          action, outcome, detail != NULL ? detail : cli->reason, request_id,
                          client_request_id, &error))
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

static int
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

static int
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

static int
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

static int
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

static int
cmd_sign_in (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LkAccount) account = NULL;
  g_autofree char *username = NULL;

  if (cli->demo && !start_demo_sandbox (cli, &error))
    return report_error (cli, error);
  if (!load_accounts (cli, &error))
    return report_error (cli, error);
  account = sign_in (cli, &error);
  if (account == NULL)
    return report_error (cli, error);
  username = lk_text_inert (lk_account_get_username (account));
  g_print (_("Signed in as %s.\n"), username);
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
  g_autofree char *shown = NULL;
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
  shown = lk_text_inert (lk_account_get_username (account));
  g_print (_("Signed out %s.\n"), shown);
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
  if (cli.api_version == NULL)
    cli.api_version = setting (&cli, NULL, "api-version");
  if (cli.api_version == NULL)
    cli.api_version = g_strdup ("beta");
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
