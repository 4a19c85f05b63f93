/* lk-cli-accounts.c: signing in, the accounts, and connecting a command to Microsoft Graph
 * (a signed-in account, the demo tenant, or a token on standard input).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "lk-cli-common.h"
#include "lk-auth-error.h"
#include "lk-cli-output.h"
#include "lk-demo-browser.h"
#include "lk-settings.h"
#include "lk-text.h"

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
 * falling back to the settings the window uses (read as its sign-in dialog reads them). */
static LkSignInConfig *
sign_in_config (Cli     *cli,
                GError **error)
{
  LkSignInOverrides overrides = { cli->cloud, cli->authority, cli->graph_url, cli->tenant, cli->client_id };
  g_autoptr(LkSignInConfig) config = NULL;

  if (cli->demo)
    {
      g_autofree char *authority = lk_sandbox_get_authority_url (cli->sandbox);
      g_autofree char *graph_url = lk_sandbox_get_graph_url (cli->sandbox);

      return lk_sign_in_config_new (LK_CLOUD_CUSTOM, authority, graph_url,
                                    lk_sandbox_get_tenant_id (cli->sandbox),
                                    lk_sandbox_get_client_id (cli->sandbox));
    }

  config = lk_settings_get_sign_in_config (cli->settings, &overrides, error);
  if (config == NULL)
    return NULL;
  if (config->client_id == NULL || *config->client_id == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("No application (client) ID. Register Latchkey in your tenant (see the README, “Connecting to your tenant”) and pass --client-id."));
      return NULL;
    }
  if (config->cloud == LK_CLOUD_CUSTOM
      && (config->authority == NULL || *config->authority == '\0' || config->graph_url == NULL || *config->graph_url == '\0'))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A custom cloud needs both --authority and --graph-url."));
      return NULL;
    }
  return g_steal_pointer (&config);
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

gboolean
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

/* Incremental consent: a signed-in account asks for @scope the first time a command needs it,
 * and the client is rebuilt on the account that comes back. With a raw token, Graph decides. */
gboolean
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

int
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

int
cmd_accounts (Cli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *model;
  LkAccount *active;

  if (cli->demo && !start_demo_sandbox (cli, &error))
    return report_error (cli, error);
  if (!load_accounts (cli, &error))
    return report_error (cli, error);
  model = G_LIST_MODEL (cli->accounts);
  active = pick_account (cli);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LkAccount) account = g_list_model_get_item (model, i);

      if (cli->demo && !account_matches (cli, account))
        continue;
      if (cli->json)
        g_ptr_array_add (shown, g_steal_pointer (&account));
      else
        lk_cli_print_account (account, account == active);
    }
  if (cli->json)
    lk_cli_print_accounts_json (shown, active);
  else if (g_list_model_get_n_items (model) == 0)
    g_print (_("No accounts. Sign in with “latchkey-cli sign-in”.\n"));
  return EXIT_OK;
}

int
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
