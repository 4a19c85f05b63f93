/* lk-application.c: Latchkey's application: accounts, the session, and the window.
 *
 * One place decides which account the window talks to: the keyring's active account, a fresh
 * sign-in, or — with --demo — the auto-approved account of the in-process sandbox, reached
 * through exactly the same sign-in, keyring and Graph code as a real tenant.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-application.h"
#include "lk-bench-hooks.h"
#include "lk-preferences-window.h"
#include "lk-demo-browser.h"
#include "lk-graph-client.h"
#include "lk-history-window.h"
#include "lk-reset-wizard.h"
#include "lk-sandbox.h"
#include "lk-sign-in-dialog.h"
#include "lk-window.h"
#include "lk-window-size.h"
#include "lk-settings.h"

struct _LkApplication
{
  AdwApplication    parent_instance;

  gboolean          demo;
  LkSandbox        *sandbox;
  LkAccountManager *accounts;
  GSettings        *settings;
  GCancellable     *cancellable;
  LkActionHistory  *history;
  GPtrArray        *trackers;   /* actions still being tracked, wizard open or not */
  char             *signing_out; /* the user name being signed out, for the toast */
};

G_DEFINE_FINAL_TYPE (LkApplication, lk_application, ADW_TYPE_APPLICATION)

static LkWindow *
main_window (LkApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  return LK_IS_WINDOW (window) ? LK_WINDOW (window) : NULL;
}

/* Where an account signs in, as the admin knows it: the domain of its user name (for a
 * guest, "…#EXT#@host.onmicrosoft.com", that is the tenant's own), else the tenant id. */
static char *
tenant_label (LkAccount *account)
{
  const char *at = strrchr (lk_account_get_username (account), '@');

  if (at != NULL && at[1] != '\0')
    return g_strdup (at + 1);
  return g_strdup (lk_account_get_tenant_id (account));
}

/* One menu item per signed-in account, with its tenant. "switch-account" is a stateful
 * action whose state is the active key, so GTK draws the active item as the selected radio
 * item (a GTK 4 popover menu draws no "icon" attribute). */
static void
update_account_menu (LkApplication *self)
{
  LkWindow *window = main_window (self);
  GListModel *model = G_LIST_MODEL (self->accounts);
  LkAccount *active = lk_account_manager_get_active_account (self->accounts);
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "switch-account");
  GMenu *menu;

  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_string (active != NULL ? lk_account_get_key (active) : ""));
  if (window == NULL)
    return;
  menu = lk_window_get_accounts_menu (window);
  g_menu_remove_all (menu);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LkAccount) account = g_list_model_get_item (model, i);
      g_autofree char *tenant = tenant_label (account);
      /* Translators: an account in the account menu: the user name, then its tenant. */
      g_autofree char *label = g_strdup_printf (_("%s — %s"), lk_account_get_username (account), tenant);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target (item, "app.switch-account", "s", lk_account_get_key (account));
      g_menu_append_item (menu, item);
    }
}

static void
update_actions (LkApplication *self)
{
  update_account_menu (self);
  GAction *sign_out = g_action_map_lookup_action (G_ACTION_MAP (self), "sign-out");
  LkAccount *active = lk_account_manager_get_active_account (self->accounts);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (sign_out), active != NULL && !self->demo);
}

void
lk_application_use_account (LkApplication *self,
                            LkAccount     *account)
{
  LkWindow *window = main_window (self);
  g_autoptr(LkGraphClient) client = NULL;
  g_autofree char *api_version = NULL;

  g_return_if_fail (LK_IS_APPLICATION (self));

  if (account != NULL)
    {
      api_version = lk_settings_get_api_version (self->settings, NULL);
      client = lk_graph_client_new (lk_account_get_graph_url (account), api_version,
                                    LK_TOKEN_PROVIDER (account));
      lk_account_manager_set_active_account (self->accounts, account);
      if (!self->demo)
        g_settings_set_string (self->settings, "active-account", lk_account_get_key (account));
    }
  if (window != NULL)
    {
      lk_window_set_account_label (window, account != NULL ? lk_account_get_username (account) : NULL);
      lk_window_set_client (window, client);
    }
  update_actions (self);
}

GSettings *
lk_application_get_settings (LkApplication *self)
{
  g_return_val_if_fail (LK_IS_APPLICATION (self), NULL);
  return self->settings;
}

LkAccountManager *
lk_application_get_accounts (LkApplication *self)
{
  g_return_val_if_fail (LK_IS_APPLICATION (self), NULL);
  return self->accounts;
}

/* --- the demo tenant -------------------------------------------------------------------------- */

/* The end of a browser sign-in the window started (the demo's, or Sign In Again). */
static void
browser_signed_in_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(LkApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkAccount) account = NULL;

  account = lk_account_manager_sign_in_browser_finish (LK_ACCOUNT_MANAGER (source), result, &error);
  if (account == NULL)
    {
      if (main_window (self) != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        lk_window_show_error (main_window (self), error);
      return;
    }
  lk_application_use_account (self, account);
}

static LkAccount *
demo_account (LkApplication *self)
{
  GListModel *model = G_LIST_MODEL (self->accounts);
  g_autofree char *authority = lk_sandbox_get_authority_url (self->sandbox);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LkAccount) account = g_list_model_get_item (model, i);

      if (g_strcmp0 (lk_account_get_authority (account), authority) == 0
          && !lk_account_get_needs_sign_in (account))
        return account;
    }
  return NULL;
}

static void
connect_demo (LkApplication *self)
{
  LkAccount *account = demo_account (self);
  g_autofree char *authority = NULL;
  g_autofree char *graph_url = NULL;
  g_autoptr(LkSignInConfig) config = NULL;

  /* An account saved by an earlier --demo run is used without a new sign-in. */
  if (account != NULL)
    {
      lk_application_use_account (self, account);
      return;
    }
  authority = lk_sandbox_get_authority_url (self->sandbox);
  graph_url = lk_sandbox_get_graph_url (self->sandbox);
  config = lk_sign_in_config_new (LK_CLOUD_CUSTOM, authority, graph_url,
                                  lk_sandbox_get_tenant_id (self->sandbox),
                                  lk_sandbox_get_client_id (self->sandbox));
  lk_account_manager_sign_in_browser_async (self->accounts, config, self->cancellable,
                                            browser_signed_in_cb, g_object_ref (self));
}

/* --- start-up ---------------------------------------------------------------------------------- */

static LkAccount *
saved_account (LkApplication *self)
{
  g_autofree char *key = g_settings_get_string (self->settings, "active-account");
  LkAccount *account = *key != '\0' ? lk_account_manager_find_account (self->accounts, key) : NULL;
  GListModel *model = G_LIST_MODEL (self->accounts);

  if (account == NULL && g_list_model_get_n_items (model) > 0)
    {
      g_autoptr(LkAccount) first = g_list_model_get_item (model, 0);
      account = first;
    }
  return account;
}

static void
accounts_loaded_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(LkApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  LkWindow *window = main_window (self);

  if (!lk_account_manager_load_finish (LK_ACCOUNT_MANAGER (source), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* No keyring: say so once; sign-in still works for this session. */
  if (error != NULL && window != NULL)
    lk_window_add_toast (window, error->message);

  if (self->demo)
    connect_demo (self);
  else
    lk_application_use_account (self, saved_account (self));
}

static gboolean
start_sandbox (LkApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *authority = NULL;
  g_autofree char *graph_url = NULL;

  self->sandbox = lk_sandbox_new ();
  lk_sandbox_setup_demo (self->sandbox);
  if (!lk_sandbox_start (self->sandbox, &error))
    {
      g_printerr (_("Could not start the demo tenant: %s\n"), error->message);
      return FALSE;
    }
  authority = lk_sandbox_get_authority_url (self->sandbox);
  graph_url = lk_sandbox_get_graph_url (self->sandbox);
  lk_account_manager_set_demo (self->accounts, LK_SANDBOX_DEMO_CLIENT_ID, authority, graph_url);
  lk_account_manager_set_open_uri_func (self->accounts, lk_demo_browser_open_uri, NULL, NULL);
  return TRUE;
}

static void
tracker_finished_cb (LkActionTracker *tracker,
                     LkApplication   *self)
{
  LkWindow *window = main_window (self);

  if (window != NULL)
    lk_window_add_tracker_toast (window, tracker);
  g_signal_handlers_disconnect_by_func (tracker, tracker_finished_cb, self);
  g_ptr_array_remove (self->trackers, tracker);
}

static void
tracker_started_cb (LkResetWizard   *wizard,
                    LkActionTracker *tracker,
                    LkApplication   *self)
{
  /* Tracking outlives the wizard: the application holds the tracker until the action ends. */
  g_ptr_array_add (self->trackers, g_object_ref (tracker));
  g_signal_connect (tracker, "finished", G_CALLBACK (tracker_finished_cb), self);
}

static void
action_requested_cb (LkWindow      *window,
                     LkDevice      *device,
                     LkApplication *self)
{
  LkAccount *account = lk_account_manager_get_active_account (self->accounts);
  LkGraphClient *client = lk_window_get_client (window);
  LkResetWizard *wizard;

  if (client == NULL || account == NULL)
    return;
  /* An action already under way on this device: show it again instead of starting another. */
  for (guint i = 0; i < self->trackers->len; i++)
    {
      LkActionTracker *tracker = g_ptr_array_index (self->trackers, i);

      if (g_str_equal (lk_device_get_id (lk_action_tracker_get_device (tracker)), lk_device_get_id (device)))
        {
          wizard = lk_reset_wizard_new_for_tracker (client, tracker, GTK_WINDOW (window));
          if (wizard != NULL)
            gtk_window_present (GTK_WINDOW (wizard));
          return;
        }
    }
  wizard = lk_reset_wizard_new (client, device, self->history, lk_account_get_username (account),
                                lk_account_get_tenant_id (account), lk_account_get_scopes (account),
                                GTK_WINDOW (window));
  if (wizard == NULL)
    return;
  lk_reset_wizard_set_clipboard_timeout (wizard, g_settings_get_uint (self->settings, "clipboard-clear-seconds") * 1000);
  g_signal_connect_object (wizard, "tracker-started", G_CALLBACK (tracker_started_cb), self, 0);
  gtk_window_present (GTK_WINDOW (wizard));
}

static void
lk_application_activate (GApplication *application)
{
  LkApplication *self = LK_APPLICATION (application);
  LkWindow *window = main_window (self);

  if (window != NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      return;
    }

  window = lk_window_new (GTK_APPLICATION (self));
  lk_window_size_remember (GTK_WINDOW (window), self->settings);
  g_signal_connect_object (window, "action-requested", G_CALLBACK (action_requested_cb), self, 0);
  lk_bench_hooks_watch (window);
  lk_window_set_demo (window, self->demo);
  lk_window_show_connecting (window);
  gtk_window_present (GTK_WINDOW (window));

  if (self->demo && self->sandbox == NULL && !start_sandbox (self))
    {
      g_application_quit (application);
      return;
    }
  lk_account_manager_load_async (self->accounts, self->cancellable, accounts_loaded_cb,
                                 g_object_ref (self));
}

static int
lk_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  LkApplication *self = LK_APPLICATION (application);

  if (g_variant_dict_contains (options, "demo"))
    {
      self->demo = TRUE;
      /* The demo is its own instance: it must not take over a running real session. */
      g_application_set_flags (application, g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);
    }
  return -1;
}

/* --- actions ---------------------------------------------------------------------------------- */

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  LkApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  LkApplication *self = user_data;
  LkPreferencesWindow *window = lk_preferences_window_new (self->settings,
                                                           gtk_application_get_active_window (GTK_APPLICATION (self)));

  gtk_window_present (GTK_WINDOW (window));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  LkApplication *self = user_data;
  const char *developers[] = { _("The Latchkey developers"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", "Latchkey",
                        "application-icon", APP_ID,
                        "developer-name", _("The Latchkey developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Find Intune devices and remove or reset their passcodes safely."),
                        "website", "https://github.com/latchkey/latchkey",
                        "issue-url", "https://github.com/latchkey/latchkey/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: replace with your names, one per line. */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
sign_in_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  LkApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  LkSignInDialog *dialog = lk_sign_in_dialog_new (self->accounts, self->settings, window);

  g_signal_connect_object (dialog, "signed-in", G_CALLBACK (lk_application_use_account), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The active account's sign-in expired or was revoked: the same tenant, app registration and
 * cloud again, in the browser, without the admin typing any of it. */
static void
sign_in_again_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  LkApplication *self = user_data;
  LkAccount *account = lk_account_manager_get_active_account (self->accounts);
  g_autoptr(LkSignInConfig) config = NULL;

  if (account == NULL)
    {
      sign_in_activated (NULL, NULL, self);
      return;
    }
  config = lk_sign_in_config_new_for_account (account);
  if (main_window (self) != NULL)
    lk_window_show_connecting (main_window (self));
  lk_account_manager_sign_in_browser_async (self->accounts, config, self->cancellable,
                                            browser_signed_in_cb, g_object_ref (self));
}

static void
signed_out_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(LkApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  LkWindow *window = main_window (self);

  g_autofree char *gone = g_steal_pointer (&self->signing_out);
  LkAccount *next;

  if (!lk_account_manager_sign_out_finish (LK_ACCOUNT_MANAGER (source), result, &error)
      && window != NULL)
    lk_window_add_toast (window, error->message);
  /* Other accounts remain: carry on with the one the manager made active, and say so. */
  next = lk_account_manager_get_active_account (self->accounts);
  if (next != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Signed out of %s. Now using %s."),
                                                  gone != NULL ? gone : "", lk_account_get_username (next));

      lk_application_use_account (self, next);
      if (window != NULL)
        lk_window_add_toast (window, message);
      return;
    }
  g_settings_set_string (self->settings, "active-account", "");
  lk_application_use_account (self, NULL);
  /* The sign-in page alone would not say that the sign-out was done. */
  if (window != NULL && gone != NULL && error == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Signed out of %s"), gone);

      lk_window_add_toast (window, message);
    }
}

static void
sign_out_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  LkApplication *self = user_data;
  LkAccount *account = lk_account_manager_get_active_account (self->accounts);

  if (account == NULL)
    return;
  g_free (self->signing_out);
  self->signing_out = g_strdup (lk_account_get_username (account));
  if (main_window (self) != NULL)
    lk_window_set_client (main_window (self), NULL);
  lk_account_manager_sign_out_async (self->accounts, account, self->cancellable, signed_out_cb,
                                     g_object_ref (self));
}

static void
history_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  LkApplication *self = user_data;
  LkHistoryWindow *window = lk_history_window_new (self->history,
                                                   gtk_application_get_active_window (GTK_APPLICATION (self)));

  gtk_window_present (GTK_WINDOW (window));
}

static void
switch_account_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  LkApplication *self = user_data;
  LkAccount *account = lk_account_manager_find_account (self->accounts, g_variant_get_string (parameter, NULL));

  if (account != NULL)
    lk_application_use_account (self, account);
}

static const GActionEntry app_actions[] = {
  { "switch-account", switch_account_activated, "s", "\"\"", NULL, { 0 } },
  { "history", history_activated, NULL, NULL, NULL, { 0 } },
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_activated, NULL, NULL, NULL, { 0 } },
  { "sign-in", sign_in_activated, NULL, NULL, NULL, { 0 } },
  { "sign-in-again", sign_in_again_activated, NULL, NULL, NULL, { 0 } },
  { "sign-out", sign_out_activated, NULL, NULL, NULL, { 0 } },
};

/* Incremental consent signs the same account in again, and the manager replaces it (wiping the
 * old one's tokens). The window keeps its client, its device page and whatever it shows: only
 * the client's token provider moves to the new account. */
static void
active_account_changed_cb (LkAccountManager *accounts,
                           GParamSpec       *pspec,
                           LkApplication    *self)
{
  LkAccount *account = lk_account_manager_get_active_account (accounts);
  LkGraphClient *client = main_window (self) != NULL ? lk_window_get_client (main_window (self)) : NULL;
  LkTokenProvider *tokens = client != NULL ? lk_graph_client_get_token_provider (client) : NULL;

  if (account != NULL && LK_IS_ACCOUNT (tokens) && tokens != LK_TOKEN_PROVIDER (account)
      && g_strcmp0 (lk_account_get_key (LK_ACCOUNT (tokens)), lk_account_get_key (account)) == 0)
    lk_graph_client_set_token_provider (client, LK_TOKEN_PROVIDER (account));
}

/* The window's searches read the version Preferences now names, not the one of the last
 * sign-in: the client is made again for the same account. */
static void
api_version_changed_cb (LkApplication *self)
{
  LkAccount *account = lk_account_manager_get_active_account (self->accounts);
  LkWindow *window = main_window (self);

  if (account != NULL && window != NULL && lk_window_get_client (window) != NULL)
    lk_application_use_account (self, account);
}

/* The step before a browser asks for more permissions: say which and why, in the window. */
static void
consent_needed_cb (LkAccountManager *accounts,
                   LkAccount        *account,
                   const char       *need,
                   LkApplication    *self)
{
  if (main_window (self) != NULL)
    lk_window_add_toast (main_window (self), need);
}

static void
lk_application_startup (GApplication *application)
{
  LkApplication *self = LK_APPLICATION (application);
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *close_accels[] = { "<Control>w", NULL };
  const char *help_accels[] = { "<Control>question", "<Control>slash", NULL };
  const char *preferences_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (lk_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", help_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  g_signal_connect_object (self->accounts, "consent-needed", G_CALLBACK (consent_needed_cb), self, 0);
  g_signal_connect_object (self->accounts, "notify::active-account", G_CALLBACK (active_account_changed_cb), self, 0);
  g_signal_connect_object (self->settings, "changed::api-version", G_CALLBACK (api_version_changed_cb), self,
                           G_CONNECT_SWAPPED);
  update_actions (self);
}

static void
lk_application_shutdown (GApplication *application)
{
  LkApplication *self = LK_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);
  G_APPLICATION_CLASS (lk_application_parent_class)->shutdown (application);
  if (self->sandbox != NULL)
    lk_sandbox_stop (self->sandbox);
}

static void
lk_application_dispose (GObject *object)
{
  LkApplication *self = LK_APPLICATION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->accounts);
  g_clear_object (&self->settings);
  g_clear_object (&self->sandbox);
  g_clear_object (&self->history);
  g_clear_pointer (&self->signing_out, g_free);
  for (guint i = 0; self->trackers != NULL && i < self->trackers->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->trackers, i), tracker_finished_cb, self);
  g_clear_pointer (&self->trackers, g_ptr_array_unref);

  G_OBJECT_CLASS (lk_application_parent_class)->dispose (object);
}

static void
lk_application_class_init (LkApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = lk_application_dispose;
  app_class->activate = lk_application_activate;
  app_class->startup = lk_application_startup;
  app_class->shutdown = lk_application_shutdown;
  app_class->handle_local_options = lk_application_handle_local_options;
}

static void
lk_application_init (LkApplication *self)
{
  const GOptionEntry options[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Open the built-in demo tenant (no Microsoft account needed)"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  self->settings = lk_settings_new ();
  self->accounts = lk_account_manager_new ();
  /* Demo accounts stay out of a real session; start_sandbox() turns this into a demo one. */
  lk_account_manager_set_demo (self->accounts, LK_SANDBOX_DEMO_CLIENT_ID, NULL, NULL);
  self->cancellable = g_cancellable_new ();
  self->history = lk_action_history_new (NULL);
  self->trackers = g_ptr_array_new_with_free_func (g_object_unref);
}

LkApplication *
lk_application_new (void)
{
  return g_object_new (LK_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", RESOURCE_PREFIX,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

void
lk_add_close_shortcuts (GtkWidgetClass *widget_class)
{
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}
