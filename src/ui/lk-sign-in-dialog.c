/* lk-sign-in-dialog.c: sign in to a tenant — browser (PKCE) first, a device code as fallback.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-application.h"

#include "lk-sign-in-dialog.h"
#include "lk-mnemonics.h"
#include "lk-settings.h"

/* The registration steps; the metainfo lists the same address as the app's help URL. */
#define SETUP_URL "https://github.com/latchkey/latchkey#connecting-to-your-tenant"

struct _LkSignInDialog
{
  AdwWindow         parent_instance;

  GtkStack         *stack;
  GtkLabel         *error_label;
  AdwComboRow      *cloud_row;
  GtkEntry         *tenant_row;
  AdwEntryRow      *client_id_row;
  AdwEntryRow      *authority_row;
  AdwEntryRow      *graph_row;
  GtkLabel         *code_help_label;
  GtkLabel         *code_label;
  GtkLinkButton    *uri_button;
  GtkLinkButton    *setup_link;
  AdwStatusPage    *browser_page;

  LkAccountManager *accounts;
  GSettings        *settings;
  GCancellable     *cancellable;
  gulong            device_code_id;
  gulong            still_waiting_id;
};

G_DEFINE_FINAL_TYPE (LkSignInDialog, lk_sign_in_dialog, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void client_id_changed_cb (LkSignInDialog *self);

static void
cloud_changed_cb (LkSignInDialog *self)
{
  gboolean custom = adw_combo_row_get_selected (self->cloud_row) == LK_CLOUD_CUSTOM;

  gtk_widget_set_visible (GTK_WIDGET (self->authority_row), custom);
  gtk_widget_set_visible (GTK_WIDGET (self->graph_row), custom);
  /* Whether the client ID must look like Entra's depends on the cloud. */
  client_id_changed_cb (self);
}

static void
show_error (LkSignInDialog *self,
            const char     *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  gtk_stack_set_visible_child_name (self->stack, "form");
}

static const char *
entry_text (gpointer row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* Entra's application (client) IDs are GUIDs; a custom authority may use any identifier. */
static gboolean
client_id_looks_wrong (LkSignInDialog *self,
                       const char     *client_id)
{
  if (adw_combo_row_get_selected (self->cloud_row) == LK_CLOUD_CUSTOM || *client_id == '\0')
    return FALSE;
  return !lk_is_guid (client_id);
}

/* Checked as it is typed, and the complaint goes as soon as the ID is right. */
static void
client_id_changed_cb (LkSignInDialog *self)
{
  g_autofree char *client_id = g_strstrip (g_strdup (entry_text (self->client_id_row)));
  gboolean wrong = client_id_looks_wrong (self, client_id);

  if (wrong)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->client_id_row), "error");
      show_error (self, _("An application (client) ID looks like 00000000-0000-0000-0000-000000000000: copy it from the app registration’s Overview."));
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->client_id_row), "error");
      show_error (self, NULL);
    }
}

/* Remembers the form (never a secret) and builds the sign-in request; NULL when incomplete. */
static LkSignInConfig *
read_form (LkSignInDialog *self)
{
  LkCloud cloud = adw_combo_row_get_selected (self->cloud_row);
  g_autofree char *client_id = g_strstrip (g_strdup (entry_text (self->client_id_row)));
  g_autofree char *tenant = g_strstrip (g_strdup (entry_text (self->tenant_row)));

  if (*client_id == '\0')
    {
      show_error (self, _("Enter the application (client) ID of your app registration."));
      return NULL;
    }
  if (client_id_looks_wrong (self, client_id))
    {
      client_id_changed_cb (self);
      return NULL;
    }
  if (cloud == LK_CLOUD_CUSTOM && (*entry_text (self->authority_row) == '\0' || *entry_text (self->graph_row) == '\0'))
    {
      show_error (self, _("A custom cloud needs both the authority URL and the Microsoft Graph URL."));
      return NULL;
    }

  g_settings_set_string (self->settings, "cloud", lk_cloud_to_nick (cloud));
  g_settings_set_string (self->settings, "tenant", *tenant != '\0' ? tenant : "organizations");
  g_settings_set_string (self->settings, "client-id", client_id);
  g_settings_set_string (self->settings, "custom-authority", entry_text (self->authority_row));
  g_settings_set_string (self->settings, "custom-graph-url", entry_text (self->graph_row));
  show_error (self, NULL);
  /* Read back as the CLI reads them: one sign-in from the same settings, wherever it starts. */
  return lk_settings_get_sign_in_config (self->settings, NULL, NULL);
}

static void
finish (LkSignInDialog *self,
        LkAccount      *account,
        GError         *error)
{
  if (account != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_SIGNED_IN], 0, account);
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, error->message);
  else
    gtk_stack_set_visible_child_name (self->stack, "form");
}

static void
browser_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(LkSignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkAccount) account = lk_account_manager_sign_in_browser_finish (LK_ACCOUNT_MANAGER (source),
                                                                             result, &error);

  finish (self, account, error);
}

static void
code_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(LkSignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkAccount) account = lk_account_manager_sign_in_device_code_finish (LK_ACCOUNT_MANAGER (source),
                                                                                 result, &error);

  finish (self, account, error);
}

static void
restart_cancellable (LkSignInDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static void
browser_clicked_cb (LkSignInDialog *self)
{
  g_autoptr(LkSignInConfig) config = read_form (self);

  if (config == NULL)
    return;
  restart_cancellable (self);
  adw_status_page_set_description (self->browser_page, _("Sign in on the page that opened, then come back here."));
  gtk_stack_set_visible_child_name (self->stack, "browser");
  lk_account_manager_sign_in_browser_async (self->accounts, config, self->cancellable,
                                            browser_done_cb, g_object_ref (self));
}

static void
device_code_cb (LkAccountManager *accounts,
                const char       *user_code,
                const char       *verification_uri,
                const char       *message,
                LkSignInDialog   *self)
{
  /* The user code is typed by the admin on another device: it is shown, never logged. */
  gtk_label_set_label (self->code_label, user_code);
  gtk_button_set_label (GTK_BUTTON (self->uri_button), verification_uri);
  gtk_link_button_set_uri (self->uri_button, verification_uri);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->code_label)), TRUE);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->uri_button)), TRUE);
  gtk_label_set_label (self->code_help_label,
                       _("On any device, open the address below and enter this code. Latchkey continues by itself once you approve."));
  gtk_stack_set_visible_child_name (self->stack, "code");
}

static void
still_waiting_cb (LkAccountManager *accounts,
                  guint             seconds_left,
                  LkSignInDialog   *self)
{
  adw_status_page_set_description (self->browser_page,
                                   _("Still waiting for the browser. If the sign-in page showed an error, the redirect URI is usually not registered as http://localhost, or the client ID or tenant is wrong. Latchkey waits a few more minutes."));
}

static void
code_clicked_cb (LkSignInDialog *self)
{
  g_autoptr(LkSignInConfig) config = read_form (self);

  if (config == NULL)
    return;
  restart_cancellable (self);
  /* Asking for a code takes a round trip: show that it is under way at once. */
  gtk_label_set_label (self->code_help_label, _("Asking the sign-in service for a code…"));
  gtk_label_set_label (self->code_label, "");
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->code_label)), FALSE);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->uri_button)), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "code");
  lk_account_manager_sign_in_device_code_async (self->accounts, config, self->cancellable,
                                                code_done_cb, g_object_ref (self));
}

static void
cancel_clicked_cb (LkSignInDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  gtk_stack_set_visible_child_name (self->stack, "form");
}

static void
copy_code_cb (LkSignInDialog *self)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                          gtk_label_get_label (self->code_label));
}

static void
copy_uri_cb (LkSignInDialog *self)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                          gtk_link_button_get_uri (self->uri_button));
}

static void
lk_sign_in_dialog_dispose (GObject *object)
{
  LkSignInDialog *self = LK_SIGN_IN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->accounts != NULL)
    {
      g_clear_signal_handler (&self->device_code_id, self->accounts);
      g_clear_signal_handler (&self->still_waiting_id, self->accounts);
    }
  g_clear_object (&self->accounts);
  g_clear_object (&self->settings);
  /* No gtk_widget_dispose_template(): the libadwaita parent owns and unparents the content. */

  G_OBJECT_CLASS (lk_sign_in_dialog_parent_class)->dispose (object);
}

static void
lk_sign_in_dialog_class_init (LkSignInDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lk_sign_in_dialog_dispose;

  signals[SIGNAL_SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, LK_TYPE_ACCOUNT);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lk-sign-in-dialog.ui");
  lk_add_close_shortcuts (widget_class);
  gtk_widget_class_bind_template_child (widget_class, LkSignInDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, LkSignInDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, LkSignInDialog, cloud_row);
  gtk_widget_class_bind_template_child (widget_class, LkSignInDialog, tenant_row);
  gtk_widget_class_bind_template_child (widget_class, LkSignInDialog, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, LkSignInDialog, authority_row);
  gtk_widget_class_bind_template_child (widget_class, LkSignInDialog, graph_row);
  gtk_widget_class_bind_template_child (widget_class, LkSignInDialog, code_help_label);
  gtk_widget_class_bind_template_child (widget_class, LkSignInDialog, code_label);
  gtk_widget_class_bind_template_child (widget_class, LkSignInDialog, uri_button);
  gtk_widget_class_bind_template_child (widget_class, LkSignInDialog, setup_link);
  gtk_widget_class_bind_template_child (widget_class, LkSignInDialog, browser_page);
  gtk_widget_class_bind_template_callback (widget_class, client_id_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, cloud_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, browser_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, code_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_code_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_uri_cb);
}

static void
lk_sign_in_dialog_init (LkSignInDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  lk_widget_name_without_mnemonics (GTK_WIDGET (self));
  gtk_link_button_set_uri (self->setup_link, SETUP_URL);
  self->cancellable = g_cancellable_new ();
}

/* Each dialog starts from what the settings say now: a change in Preferences shows in the next
 * one without a restart. */
static void
fill_from_settings (LkSignInDialog *self)
{
  g_autoptr(LkSignInConfig) config = NULL;
  g_autofree char *authority = NULL;
  g_autofree char *graph_url = NULL;

  /* The schema's enum holds only known clouds: this cannot fail. */
  config = lk_settings_get_sign_in_config (self->settings, NULL, NULL);
  adw_combo_row_set_selected (self->cloud_row, config->cloud);
  /* Another cloud's URLs are its own: the custom ones are kept for when it is picked again. */
  authority = config->cloud == LK_CLOUD_CUSTOM ? g_strdup (config->authority)
                                               : g_settings_get_string (self->settings, "custom-authority");
  graph_url = config->cloud == LK_CLOUD_CUSTOM ? g_strdup (config->graph_url)
                                               : g_settings_get_string (self->settings, "custom-graph-url");
  /* "organizations" is the setting's word for "no tenant chosen": the row says so instead. */
  gtk_editable_set_text (GTK_EDITABLE (self->tenant_row),
                         g_str_equal (config->tenant, "organizations") ? "" : config->tenant);
  gtk_editable_set_text (GTK_EDITABLE (self->client_id_row), config->client_id);
  gtk_editable_set_text (GTK_EDITABLE (self->authority_row), authority);
  gtk_editable_set_text (GTK_EDITABLE (self->graph_row), graph_url);
  cloud_changed_cb (self);
}

LkSignInDialog *
lk_sign_in_dialog_new (LkAccountManager *accounts,
                       GSettings        *settings,
                       GtkWindow        *parent)
{
  LkSignInDialog *self;

  g_return_val_if_fail (LK_IS_ACCOUNT_MANAGER (accounts), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (LK_TYPE_SIGN_IN_DIALOG, "transient-for", parent, NULL);
  self->settings = g_object_ref (settings);
  fill_from_settings (self);
  self->accounts = g_object_ref (accounts);
  self->device_code_id = g_signal_connect (accounts, "device-code", G_CALLBACK (device_code_cb), self);
  self->still_waiting_id = g_signal_connect (accounts, "browser-still-waiting",
                                             G_CALLBACK (still_waiting_cb), self);
  return self;
}
