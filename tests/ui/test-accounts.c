/* test-accounts.c: the real application's accounts against the sandbox — Sign In Again after a
 * revoked sign-in, the account menu, and signing out of one of several accounts. Runs in a
 * keyring of its own (tests/run-private-keyring.sh), under Xvfb.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "../lk-test-common.h"
#include "../lk-test-widgets.h"

#include "lk-application.h"
#include "lk-demo-browser.h"
#include "lk-graph-client.h"

#include "lk-preferences-window.h"
#include "lk-sandbox.h"
#include "lk-settings.h"
#include "lk-sign-in-dialog.h"
#include "lk-window.h"

typedef struct
{
  LkSandbox      *sandbox;
  LkApplication  *app;       /* one for the whole run: an application registers once */
  LkWindow       *window;
  LkSignInConfig *config;
} Fixture;

static LkApplication *app;
static const char *metainfo_path;
static const char *cli_path;

static gboolean
window_settled (gpointer data)
{
  const char *state = lk_window_get_state (data);

  return g_strcmp0 (state, "searching") != 0 && g_strcmp0 (state, "throttled") != 0
         && g_strcmp0 (state, "connecting") != 0;
}

static gboolean
window_connected (gpointer data)
{
  return lk_window_get_client (data) != NULL && window_settled (data);
}

static void
store_result_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static LkAccount *
sign_in (Fixture *f)
{
  LkAccountManager *accounts = lk_application_get_accounts (f->app);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LkAccount *account;

  lk_account_manager_sign_in_browser_async (accounts, f->config, NULL, store_result_cb, &result);
  account = lk_account_manager_sign_in_browser_finish (accounts, wait_result (&result), &error);
  g_assert_no_error (error);
  lk_application_use_account (f->app, account);
  g_assert_true (lk_test_wait_until (window_connected, f->window));
  return account;
}

static gboolean
accounts_loaded (gpointer data)
{
  /* The window leaves "connecting" once the keyring was read. */
  return g_strcmp0 (lk_window_get_state (data), "connecting") != 0;
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *authority = NULL;
  g_autofree char *graph = NULL;

  f->sandbox = lk_sandbox_new ();
  lk_sandbox_load_demo_tenant (f->sandbox);
  g_assert_true (lk_sandbox_start (f->sandbox, &error));
  authority = lk_sandbox_get_authority_url (f->sandbox);
  graph = lk_sandbox_get_graph_url (f->sandbox);
  f->config = lk_sign_in_config_new (LK_CLOUD_CUSTOM, authority, graph,
                                     lk_sandbox_get_tenant_id (f->sandbox),
                                     lk_sandbox_get_client_id (f->sandbox));

  if (app == NULL)
    {
      app = lk_application_new ();
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
      g_assert_no_error (error);
      /* The browser that approves at once, as the demo's does. */
      lk_account_manager_set_open_uri_func (lk_application_get_accounts (app),
                                            lk_demo_browser_open_uri, NULL, NULL);
      g_application_activate (G_APPLICATION (app));
    }
  f->app = app;
  f->window = LK_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (f->window);
  g_assert_true (lk_test_wait_until (accounts_loaded, f->window));
}

static gboolean
signed_out (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (lk_application_get_accounts (data))) == 0
         && g_strcmp0 (lk_window_get_state (LK_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (data)))), "signed-out") == 0;
}

/* Leaves the application as the next test expects it: no account, its window open. */
static void
teardown (Fixture *f, gconstpointer data)
{
  LkAccountManager *accounts = lk_application_get_accounts (app);

  while (g_list_model_get_n_items (G_LIST_MODEL (accounts)) > 0)
    {
      g_autoptr(LkAccount) account = g_list_model_get_item (G_LIST_MODEL (accounts), 0);
      g_autoptr(GAsyncResult) result = NULL;

      lk_account_manager_sign_out_async (accounts, account, NULL, store_result_cb, &result);
      g_assert_true (lk_account_manager_sign_out_finish (accounts, wait_result (&result), NULL));
    }
  lk_application_use_account (app, NULL);
  g_assert_true (lk_test_wait_until (signed_out, app));
  lk_sandbox_set_id_token_claim (f->sandbox, "preferred_username", NULL);
  lk_sign_in_config_free (f->config);
  lk_sandbox_stop (f->sandbox);
  g_clear_object (&f->sandbox);
}

static gboolean
is_visible_actionable (GtkWidget *widget, gconstpointer name)
{
  return lk_test_is_actionable (widget, name) && gtk_widget_is_visible (widget);
}

/* A revoked sign-in: Retry cannot help, Sign In Again can — same tenant and client id. */
static void
test_sign_in_again (Fixture *f, gconstpointer data)
{
  g_autoptr(LkAccount) account = sign_in (f);
  g_autofree char *authorize = g_strdup_printf ("/login/%s/oauth2/v2.0/authorize",
                                                lk_sandbox_get_tenant_id (f->sandbox));

  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "GET", authorize), ==, 1);
  lk_sandbox_revoke_refresh_tokens (f->sandbox);
  lk_sandbox_expire_access_tokens (f->sandbox);
  lk_window_search (f->window, "rossi");
  g_assert_true (lk_test_wait_until (window_settled, f->window));
  g_assert_cmpstr (lk_window_get_state (f->window), ==, "error");
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (f->window), is_visible_actionable, "app.sign-in-again"));
  g_assert_null (lk_test_find_widget (GTK_WIDGET (f->window), is_visible_actionable, "win.retry"));

  lk_sandbox_reset_log (f->sandbox);
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "sign-in-again", NULL);
  g_assert_true (lk_test_wait_until (window_connected, f->window));
  /* The same tenant in the path; the same client id, or the sandbox would have refused it. */
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "GET", authorize), ==, 1);
  lk_window_search (f->window, "rossi");
  g_assert_true (lk_test_wait_until (window_settled, f->window));
  g_assert_cmpstr (lk_window_get_state (f->window), !=, "error");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lk_application_get_accounts (f->app))), ==, 1);
}

static char *
menu_label (GMenu *menu, guint i)
{
  char *label = NULL;

  g_menu_model_get_item_attribute (G_MENU_MODEL (menu), i, G_MENU_ATTRIBUTE_LABEL, "s", &label);
  return label;
}

static gboolean
is_toast_about (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
last_sign_out_toast_shown (gpointer window)
{
  return lk_test_find_widget (window, is_toast_about, "Signed out of giulia.bianchi@contoso-demo.onmicrosoft.com") != NULL;
}

/* Two accounts of two tenants: each shown with its tenant, the active one the selected radio
 * item; signing out of it moves to the other, with a toast, not to "Not Signed In". */
static void
test_menu_and_sign_out (Fixture *f, gconstpointer data)
{
  LkAccountManager *accounts = lk_application_get_accounts (f->app);
  g_autoptr(LkAccount) first = sign_in (f);
  g_autoptr(LkAccount) second = NULL;
  g_autoptr(GVariant) state = NULL;
  GMenu *menu = lk_window_get_accounts_menu (f->window);
  g_autofree char *label0 = NULL;
  g_autofree char *label1 = NULL;

  lk_sandbox_set_id_token_claim (f->sandbox, "preferred_username", "mario.verdi@fabrikam.onmicrosoft.com");
  second = sign_in (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 2);
  g_assert_cmpint (g_menu_model_get_n_items (G_MENU_MODEL (menu)), ==, 2);
  label0 = menu_label (menu, 0);
  label1 = menu_label (menu, 1);
  g_assert_cmpstr (label0, ==, "giulia.bianchi@contoso-demo.onmicrosoft.com — contoso-demo.onmicrosoft.com");
  g_assert_cmpstr (label1, ==, "mario.verdi@fabrikam.onmicrosoft.com — fabrikam.onmicrosoft.com");
  state = g_action_group_get_action_state (G_ACTION_GROUP (f->app), "switch-account");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, lk_account_get_key (second));

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "sign-out", NULL);
  g_assert_true (lk_test_wait_until (window_connected, f->window));
  g_assert_true (lk_account_manager_get_active_account (accounts) == first);
  g_assert_cmpint (g_menu_model_get_n_items (G_MENU_MODEL (menu)), ==, 1);
  g_clear_pointer (&state, g_variant_unref);
  state = g_action_group_get_action_state (G_ACTION_GROUP (f->app), "switch-account");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, lk_account_get_key (first));
  g_assert_cmpstr (lk_window_get_state (f->window), !=, "signed-out");
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (f->window), is_toast_about,
                                         "Signed out of mario.verdi@fabrikam.onmicrosoft.com. Now using giulia.bianchi@contoso-demo.onmicrosoft.com."));

  /* The last account too: the sign-in page comes back, and a toast says it was done. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "sign-out", NULL);
  g_assert_true (lk_test_wait_until (signed_out, f->app));
  /* It follows the previous toast when that one times out. */
  g_assert_true (lk_test_wait_until (last_sign_out_toast_shown, f->window));
}

static gboolean
is_link_button (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_LINK_BUTTON (widget);
}

static gboolean
is_entry_row_titled (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_ENTRY_ROW (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_action_row_titled (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_ACTION_ROW (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_visible_error_label (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error") && gtk_widget_get_visible (widget);
}

static gboolean
mentions_permission (GtkWidget *widget, gconstpointer data)
{
  return (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), "DeviceManagement") != NULL)
         || (ADW_IS_PREFERENCES_GROUP (widget)
             && strstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (widget)) ?: "", "README") != NULL);
}

static void
remember_account_cb (LkSignInDialog *dialog, LkAccount *account, gpointer data)
{
  g_set_object ((LkAccount **) data, account);
}

static gboolean
dialog_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* The sandbox as a custom authority, with its app registration. */
static void
fill_in_sandbox (Fixture *f, LkSignInDialog *dialog)
{
  g_autofree char *authority = lk_sandbox_get_authority_url (f->sandbox);
  g_autofree char *graph = lk_sandbox_get_graph_url (f->sandbox);
  const char *rows[][2] = {
    { "Authority URL", authority },
    { "Microsoft Graph URL", graph },
    { "Application (client) ID", lk_sandbox_get_client_id (f->sandbox) },
  };

  adw_combo_row_set_selected (ADW_COMBO_ROW (lk_test_find_widget (GTK_WIDGET (dialog), lk_test_is_type,
                                                                  GSIZE_TO_POINTER (ADW_TYPE_COMBO_ROW))),
                              LK_CLOUD_CUSTOM);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_editable_set_text (GTK_EDITABLE (lk_test_find_widget (GTK_WIDGET (dialog), is_entry_row_titled, rows[i][0])),
                           rows[i][1]);
}

/* The sign-in page a first-time admin fills in: one sentence and a real link to the steps,
 * the client ID checked as typed, the tenant explained rather than pre-filled, and progress
 * at once after "Use a Code Instead". */
static void
test_sign_in_page (Fixture *f, gconstpointer data)
{
  LkSignInDialog *dialog = lk_sign_in_dialog_new (lk_application_get_accounts (app), lk_application_get_settings (app),
                                                  GTK_WINDOW (f->window));
  gpointer weak = dialog;
  g_autofree char *metainfo = NULL;
  g_autofree char *link_entry = NULL;
  g_autoptr(LkAccount) signed_in = NULL;
  GtkWidget *link, *client_row, *tenant_row, *stack;
  GtkEditable *tenant;

  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  g_signal_connect (dialog, "signed-in", G_CALLBACK (remember_account_cb), &signed_in);
  gtk_window_present (GTK_WINDOW (dialog));

  link = lk_test_find_widget (GTK_WIDGET (dialog), is_link_button, NULL);
  g_assert_nonnull (link);
  g_assert_true (g_str_has_prefix (gtk_link_button_get_uri (GTK_LINK_BUTTON (link)), "https://"));
  g_assert_true (g_file_get_contents (metainfo_path, &metainfo, NULL, NULL));
  link_entry = g_strdup_printf ("<url type=\"help\">%s</url>", gtk_link_button_get_uri (GTK_LINK_BUTTON (link)));
  g_assert_nonnull (strstr (metainfo, link_entry));
  g_assert_null (lk_test_find_widget (GTK_WIDGET (dialog), mentions_permission, NULL));

  tenant_row = lk_test_find_widget (GTK_WIDGET (dialog), is_action_row_titled, "Tenant ID or domain");
  g_assert_nonnull (tenant_row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (tenant_row)), ==,
                   "Leave empty to use the tenant of the account you sign in with.");
  tenant = GTK_EDITABLE (lk_test_find_widget (tenant_row, lk_test_is_type, GSIZE_TO_POINTER (GTK_TYPE_ENTRY)));
  g_assert_cmpstr (gtk_editable_get_text (tenant), ==, "");

  client_row = lk_test_find_widget (GTK_WIDGET (dialog), is_entry_row_titled, "Application (client) ID");
  g_assert_nonnull (client_row);
  gtk_editable_set_text (GTK_EDITABLE (client_row), "latchkey");
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (dialog), is_visible_error_label, NULL));
  g_assert_true (gtk_widget_has_css_class (client_row, "error"));
  gtk_editable_set_text (GTK_EDITABLE (client_row), lk_sandbox_get_client_id (f->sandbox));
  g_assert_null (lk_test_find_widget (GTK_WIDGET (dialog), is_visible_error_label, NULL));
  g_assert_false (gtk_widget_has_css_class (client_row, "error"));

  /* Its code is approved as soon as it is asked for. */
  fill_in_sandbox (f, dialog);
  gtk_editable_set_text (tenant, lk_sandbox_get_tenant_id (f->sandbox));
  lk_sandbox_set_device_code_timing (f->sandbox, 1, 900);
  g_signal_emit_by_name (lk_test_find_widget (GTK_WIDGET (dialog), lk_test_is_button, "Use a _Code Instead"), "clicked");
  stack = lk_test_find_widget (GTK_WIDGET (dialog), lk_test_is_type, GSIZE_TO_POINTER (GTK_TYPE_STACK));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "code");
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (dialog), lk_test_is_label, "Asking the sign-in service for a code…"));

  g_assert_true (lk_test_wait_until (dialog_gone, &weak));
  g_assert_nonnull (signed_in);
  g_assert_cmpstr (lk_account_get_username (signed_in), ==, lk_sandbox_get_username (f->sandbox));
}

static gboolean
shows_permission_toast (gpointer window)
{
  return lk_test_find_widget (window, is_toast_about,
                              "Latchkey needs permission to read Windows local administrator passwords (LAPS).") != NULL;
}

/* A feature that first needs a permission: the window says what for, then the same account
 * comes back with it. */
static void
test_permission_step (Fixture *f, gconstpointer data)
{
  LkAccountManager *accounts = lk_application_get_accounts (app);
  g_autoptr(LkAccount) account = sign_in (f);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkAccount) wider = NULL;

  lk_account_manager_request_scopes_async (accounts, account, "DeviceLocalCredential.Read.All", NULL,
                                           store_result_cb, &result);
  /* Toasts queue: an earlier one may still be showing. */
  g_assert_true (lk_test_wait_until (shows_permission_toast, f->window));
  wider = lk_account_manager_request_scopes_finish (accounts, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_true (lk_account_has_scope (wider, "DeviceLocalCredential.Read.All"));
  g_assert_cmpstr (lk_account_get_username (wider), ==, lk_account_get_username (account));
}

static gboolean
browser_never_returns (const char *uri, gpointer user_data, GError **error)
{
  return TRUE;
}

static gboolean
is_status_page_saying (GtkWidget *widget, gconstpointer text)
{
  return ADW_IS_STATUS_PAGE (widget) && gtk_widget_get_mapped (widget)
         && g_str_has_prefix (adw_status_page_get_description (ADW_STATUS_PAGE (widget)) ?: "", text);
}

static gboolean
says_still_waiting (gpointer dialog)
{
  return lk_test_find_widget (dialog, is_status_page_saying, "Still waiting for the browser.") != NULL;
}

/* No silent wait in the window either: a browser that does not come back gets a note with
 * the usual causes. */
static void
test_sign_in_still_waiting (Fixture *f, gconstpointer data)
{
  LkAccountManager *accounts = lk_application_get_accounts (app);
  LkSignInDialog *dialog = lk_sign_in_dialog_new (accounts, lk_application_get_settings (app), GTK_WINDOW (f->window));

  lk_account_manager_set_open_uri_func (accounts, browser_never_returns, NULL, NULL);
  lk_account_manager_set_browser_options (accounts, FALSE, 200, 20000);
  gtk_window_present (GTK_WINDOW (dialog));
  fill_in_sandbox (f, dialog);
  g_signal_emit_by_name (lk_test_find_widget (GTK_WIDGET (dialog), lk_test_is_button, "Sign In with _Browser"), "clicked");
  g_assert_true (lk_test_wait_until (says_still_waiting, dialog));

  gtk_window_destroy (GTK_WINDOW (dialog));
  lk_account_manager_set_browser_options (accounts, FALSE, 0, 0);
  lk_account_manager_set_open_uri_func (accounts, lk_demo_browser_open_uri, NULL, NULL);
}

/* The sign-in keys (and api-version) as the settings hold them: in this process's settings for
 * the window, and in a keyfile under @config_home for the CLI. */
static void
write_sign_in_keys (Fixture *f, const char *config_home)
{
  g_autoptr(GSettings) settings = lk_settings_new ();
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *authority = lk_sandbox_get_authority_url (f->sandbox);
  g_autofree char *graph = lk_sandbox_get_graph_url (f->sandbox);
  g_autofree char *dir = g_build_filename (config_home, "glib-2.0", "settings", NULL);
  g_autofree char *path = g_build_filename (dir, "keyfile", NULL);
  g_autoptr(GError) error = NULL;
  const char *keys[][2] = {
    { "cloud", "custom" },
    { "custom-authority", authority },
    { "custom-graph-url", graph },
    { "tenant", lk_sandbox_get_tenant_id (f->sandbox) },
    { "client-id", lk_sandbox_get_client_id (f->sandbox) },
    { "api-version", "v1.0" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GVariant) value = g_variant_ref_sink (g_variant_new_string (keys[i][1]));
      g_autofree char *text = g_variant_print (value, FALSE);

      g_settings_set_string (settings, keys[i][0], keys[i][1]);
      g_key_file_set_value (keyfile, "io/github/latchkey/Latchkey", keys[i][0], text);
    }
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_key_file_save_to_file (keyfile, path, &error));
  g_assert_no_error (error);
}

static void
reset_sign_in_keys (void)
{
  g_autoptr(GSettings) settings = lk_settings_new ();
  const char *keys[] = { "cloud", "custom-authority", "custom-graph-url", "tenant", "client-id", "api-version",
                         "active-account" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);
}

/* latchkey-cli with @config_home's keyfile as its settings; its stdout. */
static char *
run_cli_with_settings (const char *config_home, const char *const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                      | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;

  g_ptr_array_add (argv, (gpointer) cli_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_home, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    g_printerr ("stdout: %s\nstderr: %s\n", out, err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  return out;
}

static guint
count_device_code_requests (Fixture *f)
{
  g_autofree char *path = g_strdup_printf ("/login/%s/oauth2/v2.0/devicecode", lk_sandbox_get_tenant_id (f->sandbox));

  return lk_sandbox_count_requests (f->sandbox, "POST", path);
}

/* One reading of the settings for both faces: from the same keys (cloud, authority, Graph URL,
 * tenant, client id, api-version) the sign-in dialog and latchkey-cli sign in to the same
 * place, and list devices from the same API version. */
static void
test_sign_in_config_shared (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config_home = g_dir_make_tmp ("latchkey-accounts-config-XXXXXX", &error);
  const char *sign_in_args[] = { "--device-code", "sign-in", NULL };
  const char *accounts_args[] = { "--json", "accounts", NULL };
  const char *search_args[] = { "--json", "search", "giulia", NULL };
  g_autoptr(LkAccount) signed_in = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  LkSignInDialog *dialog;
  gpointer weak;
  JsonArray *listed;
  JsonObject *account;
  guint before;

  g_assert_no_error (error);
  write_sign_in_keys (f, config_home);
  lk_sandbox_set_device_code_timing (f->sandbox, 1, 900);

  /* The dialog: filled from the keys, it signs in with a code. */
  dialog = lk_sign_in_dialog_new (lk_application_get_accounts (app), lk_application_get_settings (app), GTK_WINDOW (f->window));
  weak = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  g_signal_connect (dialog, "signed-in", G_CALLBACK (remember_account_cb), &signed_in);
  gtk_window_present (GTK_WINDOW (dialog));
  before = count_device_code_requests (f);
  g_signal_emit_by_name (lk_test_find_widget (GTK_WIDGET (dialog), lk_test_is_button, "Use a _Code Instead"), "clicked");
  g_assert_true (lk_test_wait_until (dialog_gone, &weak));
  g_assert_nonnull (signed_in);
  g_assert_cmpuint (count_device_code_requests (f), ==, before + 1);
  lk_application_use_account (f->app, signed_in);
  g_assert_true (lk_test_wait_until (window_connected, f->window));
  g_assert_cmpstr (lk_graph_client_get_api_version (lk_window_get_client (f->window)), ==, "v1.0");

  /* The CLI, from the same keys in its own settings. */
  before = count_device_code_requests (f);
  g_free (run_cli_with_settings (config_home, sign_in_args));
  g_assert_cmpuint (count_device_code_requests (f), ==, before + 1);
  out = run_cli_with_settings (config_home, accounts_args);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  listed = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (listed), ==, 1);
  account = json_array_get_object_element (listed, 0);
  g_assert_cmpstr (json_object_get_string_member (account, "username"), ==, lk_account_get_username (signed_in));
  g_assert_cmpstr (json_object_get_string_member (account, "tenantId"), ==, lk_account_get_tenant_id (signed_in));
  g_assert_cmpstr (json_object_get_string_member (account, "cloud"), ==, lk_cloud_to_nick (lk_account_get_cloud (signed_in)));
  g_assert_cmpstr (json_object_get_string_member (account, "authority"), ==, lk_account_get_authority (signed_in));
  g_assert_cmpstr (json_object_get_string_member (account, "graphUrl"), ==, lk_account_get_graph_url (signed_in));
  before = lk_sandbox_count_requests (f->sandbox, "GET", "/v1.0/deviceManagement/managedDevices");
  g_free (run_cli_with_settings (config_home, search_args));
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "GET", "/v1.0/deviceManagement/managedDevices"), >, before);

  reset_sign_in_keys ();
  lk_test_remove_tree (config_home);
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }
  return NULL;
}

static gpointer
template_child (GtkWindow  *window,
                GType       type,
                const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (window), type, name);

  g_assert_nonnull (object);
  return object;
}

static gboolean
client_on_v1 (gpointer window)
{
  LkGraphClient *client = lk_window_get_client (window);

  return client != NULL && g_strcmp0 (lk_graph_client_get_api_version (client), "v1.0") == 0;
}

/* One GSettings for the whole program: what Preferences changes, the window's next search and
 * the next sign-in dialog follow at once, without a restart. */
static void
test_preferences_apply_now (Fixture *f, gconstpointer data)
{
  g_autoptr(LkAccount) account = sign_in (f);
  GSettings *settings = lk_application_get_settings (f->app);
  GtkWindow *preferences;
  GtkWindow *dialog;

  g_assert_cmpstr (lk_graph_client_get_api_version (lk_window_get_client (f->window)), ==, "beta");
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "preferences", NULL);
  preferences = find_toplevel (LK_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  adw_combo_row_set_selected (template_child (preferences, LK_TYPE_PREFERENCES_WINDOW, "api_version_row"), 1);
  gtk_editable_set_text (template_child (preferences, LK_TYPE_PREFERENCES_WINDOW, "tenant_row"),
                         "fabrikam.onmicrosoft.com");

  /* The window: its next search reads v1.0, for the same account. */
  g_assert_true (lk_test_wait_until (client_on_v1, f->window));
  g_assert_true (lk_test_wait_until (window_settled, f->window));
  lk_sandbox_reset_log (f->sandbox);
  lk_window_search (f->window, "rossi");
  g_assert_true (lk_test_wait_until (window_settled, f->window));
  g_assert_cmpstr (lk_window_get_state (f->window), ==, "results");
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "GET", "/v1.0/deviceManagement/managedDevices"), >, 0);
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "GET", "/beta/"), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lk_application_get_accounts (f->app))), ==, 1);

  /* The next sign-in dialog starts from the tenant Preferences set. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "sign-in", NULL);
  dialog = find_toplevel (LK_TYPE_SIGN_IN_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_editable_get_text (template_child (dialog, LK_TYPE_SIGN_IN_DIALOG, "tenant_row")), ==,
                   "fabrikam.onmicrosoft.com");

  gtk_window_destroy (dialog);
  gtk_window_destroy (preferences);
  g_settings_reset (settings, "tenant");
  g_settings_reset (settings, "api-version");
}

int
main (int argc, char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_cmpint (argc, >=, 3);
  metainfo_path = argv[1];
  cli_path = argv[2];

  g_test_add ("/accounts/sign-in-again", Fixture, NULL, setup, test_sign_in_again, teardown);
  g_test_add ("/accounts/menu-and-sign-out", Fixture, NULL, setup, test_menu_and_sign_out, teardown);
  g_test_add ("/accounts/sign-in-page", Fixture, NULL, setup, test_sign_in_page, teardown);
  g_test_add ("/accounts/permission-step", Fixture, NULL, setup, test_permission_step, teardown);
  g_test_add ("/accounts/sign-in-still-waiting", Fixture, NULL, setup, test_sign_in_still_waiting, teardown);
  g_test_add ("/accounts/sign-in-config-shared", Fixture, NULL, setup, test_sign_in_config_shared, teardown);

  g_test_add ("/accounts/preferences-apply-now", Fixture, NULL, setup, test_preferences_apply_now, teardown);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
