/* lk-reset-wizard.c: remove or reset a passcode — a wizard that cannot be misfired.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-application.h"

#include "lk-capability-badge.h"
#include "lk-cloud.h"
#include "lk-device-labels.h"
#include "lk-device-page.h"
#include "lk-graph-error.h"
#include "lk-clipboard.h"
#include "lk-reset-wizard.h"
#include "lk-time-format.h"
#include "lk-mnemonics.h"
#include "lk-toasts.h"
#include "lk-window.h"

/* A copied passcode leaves the clipboard after this long, if the clipboard still holds it. */
#define CLIPBOARD_CLEAR_S 60

struct _LkResetWizard
{
  AdwWindow            parent_instance;

  AdwToastOverlay     *toasts;
  AdwWindowTitle      *window_title;
  GtkStack            *stack;
  AdwPreferencesGroup *device_group;
  LkCapabilityBadge   *badge;
  GtkLabel            *capability_label;
  GtkLabel            *explain_label;
  GtkLabel            *permission_label;
  GtkLabel            *confirm_label;
  GtkEntry            *confirm_entry;
  GtkLabel            *confirm_hint;
  GtkButton           *confirm_button;
  GtkWidget           *back_button;
  GtkWidget           *next_button;
  AdwStatusPage       *tracking_page;
  AdwStatusPage       *result_page;
  GtkWidget           *passcode_box;
  GtkLabel            *passcode_label;
  GtkToggleButton     *reveal_button;
  GtkLabel            *result_ids_label;

  LkGraphClient       *client;
  LkDevice            *device;
  LkCapability        *capability;
  LkActionHistory     *history;
  char                *admin;
  char                *tenant;
  gboolean             lacks_permission;
  LkActionTracker     *tracker;
  gulong               state_id;
  guint                clipboard_clear_ms;
};

G_DEFINE_FINAL_TYPE (LkResetWizard, lk_reset_wizard, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_TRACKER_STARTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* --- pages ------------------------------------------------------------------------------------ */

static void
add_row (LkResetWizard *self,
         const char    *title,
         const char    *value)
{
  adw_preferences_group_add (self->device_group, lk_property_row_new (title, value));
}

static void
fill_device_page (LkResetWizard *self)
{
  LkDevice *d = self->device;
  g_autofree char *platform = g_strjoin (" ", lk_device_get_operating_system (d) != NULL ? lk_device_get_operating_system (d) : "",
                                         lk_device_get_os_version (d) != NULL ? lk_device_get_os_version (d) : "", NULL);
  g_autofree char *last_sync = lk_format_relative_time (lk_device_get_last_sync (d), NULL);
  g_autofree char *caveats = g_strjoinv ("\n• ", (char **) lk_capability_get_caveats (self->capability));
  g_autofree char *text = NULL;

  add_row (self, _("Name"), lk_device_get_device_name (d));
  add_row (self, _("User"), lk_device_get_user_principal_name (d));
  add_row (self, _("Serial number"), lk_device_get_serial_number (d));
  add_row (self, _("IMEI"), lk_device_get_imei (d));
  add_row (self, _("Operating system"), platform);
  adw_preferences_group_add (self->device_group,
                             lk_property_row_new_for_value (_("Ownership"), lk_owner_type_label (lk_device_get_owner_type (d)),
                                                            lk_device_get_owner_type (d)));
  adw_preferences_group_add (self->device_group,
                             lk_property_row_new_for_value (_("Enrollment type"),
                                                            lk_enrollment_type_label (lk_device_get_enrollment_type (d)),
                                                            lk_device_get_enrollment_type (d)));
  add_row (self, _("Last check-in"), last_sync);

  lk_capability_badge_set_capability (self->badge, self->capability);
  text = *caveats != '\0' ? g_strdup_printf ("%s\n• %s", lk_capability_get_reason (self->capability), caveats)
                          : g_strdup (lk_capability_get_reason (self->capability));
  gtk_label_set_label (self->capability_label, text);
}

/* What will happen on the device, worded per action and platform. */
static char *
explanation (LkResetWizard *self)
{
  g_autofree char *name = g_markup_escape_text (lk_device_get_device_name (self->device), -1);

  switch (lk_capability_get_action_kind (self->capability))
    {
    case LK_ACTION_KIND_REMOVE_PASSCODE:
      return g_strdup_printf (_("<b>The passcode of %s will be removed.</b>\n\n"
                                "• The device unlocks without a passcode the next time it checks in with Intune.\n"
                                "• If a passcode policy applies, the user is asked to set a new passcode right away.\n"
                                "• No passcode is returned to you.\n"
                                "• If the removal fails, Intune may hold a wrong unlock token for the device: only a wipe recovers it."),
                              name);
    case LK_ACTION_KIND_RESET_WORK_PROFILE_PASSCODE:
      return g_strdup_printf (_("<b>The work-profile passcode of %s will be reset.</b>\n\n"
                                "• Intune creates a temporary passcode for the work profile and shows it to you here; the device passcode does not change.\n"
                                "• The reset works only if a work-profile password policy is enforced.\n"
                                "• On personally-owned devices, the user must have activated the reset token after enrollment."),
                              name);
    case LK_ACTION_KIND_RESET_PASSCODE:
      return g_strdup_printf (_("<b>The passcode of %s will be reset.</b>\n\n"
                                "• Intune creates a temporary passcode and shows it to you here.\n"
                                "• Microsoft’s current documentation applies it to the work profile of fully managed devices; older documentation to the device.\n"
                                "• The reset works only if a passcode policy is enforced."),
                              name);
    case LK_ACTION_KIND_RESET_DEVICE_PASSCODE:
    case LK_ACTION_KIND_NONE:
    default:
      return g_strdup_printf (_("<b>The device passcode of %s will be reset.</b>\n\n"
                                "• Intune creates a temporary passcode and shows it to you here; give it to the user, who then sets a new one.\n"
                                "• The reset works only if a device passcode policy is enforced."),
                              name);
    }
}

/* The name folded for comparison: the typed name shows intent, its case does not. */
static char *
fold_name (const char *name)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (name != NULL ? name : ""));
  g_autofree char *normal = g_utf8_normalize (trimmed, -1, G_NORMALIZE_DEFAULT_COMPOSE);

  return normal != NULL ? g_utf8_casefold (normal, -1) : g_strdup ("");
}

static gboolean
name_matches (LkResetWizard *self)
{
  g_autofree char *typed = fold_name (gtk_editable_get_text (GTK_EDITABLE (self->confirm_entry)));
  g_autofree char *name = fold_name (lk_device_get_device_name (self->device));

  return *name != '\0' && g_str_equal (typed, name);
}

/* Says where a typed name stops matching, so a typo is found without comparing by eye; nothing
 * while what is typed is still the start of the name. */
static void
update_confirm_hint (LkResetWizard *self)
{
  g_autofree char *typed = fold_name (gtk_editable_get_text (GTK_EDITABLE (self->confirm_entry)));
  g_autofree char *name = fold_name (lk_device_get_device_name (self->device));
  g_autofree char *hint = NULL;
  const char *t = typed, *n = name;
  guint position = 1;

  while (*t != '\0' && g_utf8_get_char (t) == g_utf8_get_char (n))
    {
      t = g_utf8_next_char (t);
      n = g_utf8_next_char (n);
      position++;
    }
  if (*t == '\0')
    {
      gtk_widget_set_visible (GTK_WIDGET (self->confirm_hint), FALSE);
      return;
    }
  if (*n == '\0')
    hint = g_strdup_printf (_("The device name ends at character %u: the rest is extra."), position - 1);
  else
    hint = g_strdup_printf (_("Character %u differs from the device name."), position);
  gtk_label_set_label (self->confirm_hint, hint);
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_hint), TRUE);
}

static void
show_page (LkResetWizard *self,
           const char    *page)
{
  gboolean stepping = g_str_equal (page, "device") || g_str_equal (page, "explain")
                      || g_str_equal (page, "confirm");

  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_widget_set_visible (self->back_button, stepping && !g_str_equal (page, "device"));
  gtk_widget_set_visible (self->next_button, stepping && !g_str_equal (page, "confirm"));
  /* Without the permission the way stops at the explanation that says so. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next",
                                 !(g_str_equal (page, "explain") && self->lacks_permission));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.confirm",
                                 g_str_equal (page, "confirm") && name_matches (self)
                                 && self->tracker == NULL);
  if (g_str_equal (page, "confirm"))
    gtk_widget_grab_focus (GTK_WIDGET (self->confirm_entry));
}

static void
show_result (LkResetWizard *self)
{
  LkTrackerState state = lk_action_tracker_get_state (self->tracker);
  const GError *error = lk_action_tracker_get_error (self->tracker);
  const char *passcode = lk_action_tracker_get_passcode (self->tracker);
  g_autofree char *ids = error != NULL ? lk_graph_error_format_ids (error) : NULL;

  gtk_widget_set_visible (self->passcode_box, FALSE);
  switch (state)
    {
    case LK_TRACKER_DONE:
      adw_status_page_set_icon_name (self->result_page, "emblem-ok-symbolic");
      if (passcode != NULL)
        {
          adw_status_page_set_title (self->result_page, _("Passcode Reset"));
          adw_status_page_set_description (self->result_page,
                                           _("Give the user this temporary passcode. It stays visible for 7 days in the Intune admin center."));
          gtk_label_set_label (self->passcode_label, "••••••");
          gtk_toggle_button_set_active (self->reveal_button, FALSE);
          gtk_widget_set_visible (self->passcode_box, TRUE);
        }
      else if (lk_capability_get_action_kind (self->capability) == LK_ACTION_KIND_REMOVE_PASSCODE)
        {
          adw_status_page_set_title (self->result_page, _("Passcode Removed"));
          adw_status_page_set_description (self->result_page,
                                           _("The device no longer asks for a passcode. If a passcode policy applies, the user is asked to set a new one."));
        }
      else
        {
          adw_status_page_set_title (self->result_page, _("Passcode Reset"));
          adw_status_page_set_description (self->result_page,
                                           _("Intune reports the reset as done. Find the temporary passcode in the Intune admin center."));
        }
      break;
    case LK_TRACKER_NOT_SUPPORTED:
      adw_status_page_set_icon_name (self->result_page, "action-unavailable-symbolic");
      adw_status_page_set_title (self->result_page, _("Not Supported by the Device"));
      adw_status_page_set_description (self->result_page,
                                       _("Intune reports that the device does not support this passcode action."));
      break;
    case LK_TRACKER_CANCELED:
      adw_status_page_set_icon_name (self->result_page, "dialog-warning-symbolic");
      adw_status_page_set_title (self->result_page, _("Action Canceled"));
      adw_status_page_set_description (self->result_page, _("The passcode action was canceled in Intune."));
      break;
    case LK_TRACKER_FAILED:
    case LK_TRACKER_ERROR:
    default:
      adw_status_page_set_icon_name (self->result_page, "dialog-error-symbolic");
      if (state == LK_TRACKER_FAILED)
        adw_status_page_set_title (self->result_page, _("The Device Reported a Failure"));
      else if (g_error_matches (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_OUTCOME_UNKNOWN))
        /* Sent, but neither an answer nor a trace in Intune: do not claim either way. */
        adw_status_page_set_title (self->result_page, _("Outcome Unknown"));
      else
        adw_status_page_set_title (self->result_page, _("The Action Was Not Sent"));
      {
        /* A status page's description is markup; an error may quote the service. */
        g_autofree char *message = g_markup_escape_text (error != NULL ? error->message
                                                                       : _("Intune reports that the passcode action failed on the device."),
                                                         -1);

        adw_status_page_set_description (self->result_page, message);
      }
      break;
    }
  gtk_label_set_label (self->result_ids_label, ids != NULL ? ids : "");
  gtk_widget_set_visible (GTK_WIDGET (self->result_ids_label), ids != NULL);
  show_page (self, "result");
}

static void
tracker_state_cb (LkActionTracker *tracker,
                  GParamSpec      *pspec,
                  LkResetWizard   *self)
{
  LkTrackerState state = lk_action_tracker_get_state (tracker);

  switch (state)
    {
    case LK_TRACKER_SENDING:
      adw_status_page_set_title (self->tracking_page, _("Sending…"));
      adw_status_page_set_description (self->tracking_page,
                                       _("Latchkey is sending the request to Intune, once."));
      break;
    case LK_TRACKER_CHECKING:
      adw_status_page_set_title (self->tracking_page, _("Checking Whether Intune Received It…"));
      adw_status_page_set_description (self->tracking_page,
                                       _("No answer came back. The request is not sent again: Latchkey reads the device’s action status instead."));
      break;
    case LK_TRACKER_PENDING:
      adw_status_page_set_title (self->tracking_page, _("Waiting for the Device"));
      adw_status_page_set_description (self->tracking_page,
                                       _("Intune queued the action. It runs the next time the device checks in."));
      break;
    case LK_TRACKER_ACTIVE:
      adw_status_page_set_title (self->tracking_page, _("In Progress on the Device"));
      adw_status_page_set_description (self->tracking_page,
                                       _("The device received the action and is applying it now; Intune reports the result when it finishes, usually within minutes."));
      break;
    case LK_TRACKER_READY:
      break;
    default:
      show_result (self);
      return;
    }
  show_page (self, "tracking");
}

/* --- actions ---------------------------------------------------------------------------------- */

static void
next_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  LkResetWizard *self = LK_RESET_WIZARD (widget);
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_str_equal (page, "device"))
    show_page (self, "explain");
  else if (g_str_equal (page, "explain") && !self->lacks_permission)
    show_page (self, "confirm");
}

static void
back_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  LkResetWizard *self = LK_RESET_WIZARD (widget);
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_str_equal (page, "confirm"))
    show_page (self, "explain");
  else if (g_str_equal (page, "explain"))
    show_page (self, "device");
}

static void
confirm_action (GtkWidget  *widget,
                const char *name,
                GVariant   *parameter)
{
  LkResetWizard *self = LK_RESET_WIZARD (widget);

  /* Exactly once: the action is disabled from here on, and the tracker ignores a second send. */
  if (self->tracker != NULL || !name_matches (self))
    return;
  gtk_widget_action_set_enabled (widget, "wizard.confirm", FALSE);
  self->tracker = lk_action_tracker_new (self->client, self->device,
                                        lk_capability_get_action_kind (self->capability),
                                        self->history, self->admin, self->tenant);
  self->state_id = g_signal_connect (self->tracker, "notify::state", G_CALLBACK (tracker_state_cb), self);
  g_signal_emit (self, signals[SIGNAL_TRACKER_STARTED], 0, self->tracker);
  lk_action_tracker_send (self->tracker);
}

static void
sync_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  LkResetWizard *self = LK_RESET_WIZARD (widget);

  if (self->tracker != NULL)
    lk_action_tracker_sync_device (self->tracker);
}

static void
copy_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  LkResetWizard *self = LK_RESET_WIZARD (widget);
  const char *passcode = self->tracker != NULL ? lk_action_tracker_get_passcode (self->tracker) : NULL;
  g_autofree char *message = NULL;
  guint seconds;

  if (passcode == NULL)
    return;
  lk_clipboard_set_secret (widget, passcode, self->clipboard_clear_ms);
  seconds = MAX (self->clipboard_clear_ms / 1000, 1);
  /* Translators: a toast after the temporary passcode was copied. */
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Passcode copied — cleared from the clipboard in %u second",
                                          "Passcode copied — cleared from the clipboard in %u seconds",
                                          seconds),
                             seconds);
  adw_toast_overlay_add_toast (self->toasts, lk_toast_new_plain (message));
}

static void
reveal_toggled_cb (LkResetWizard *self)
{
  const char *passcode = self->tracker != NULL ? lk_action_tracker_get_passcode (self->tracker) : NULL;

  gboolean revealed = gtk_toggle_button_get_active (self->reveal_button) && passcode != NULL;

  gtk_label_set_label (self->passcode_label, revealed ? passcode : "••••••");
  /* Selectable only when there is something to select: a hidden passcode, selected, reads as a
   * field to copy from. */
  gtk_label_set_selectable (self->passcode_label, revealed);
}

static void
confirm_changed_cb (LkResetWizard *self)
{
  update_confirm_hint (self);
  show_page (self, gtk_stack_get_visible_child_name (self->stack));
}

static void
confirm_activate_cb (LkResetWizard *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.confirm", NULL);
}

/* --- object ----------------------------------------------------------------------------------- */

static void
lk_reset_wizard_dispose (GObject *object)
{
  LkResetWizard *self = LK_RESET_WIZARD (object);

  if (self->tracker != NULL)
    {
      g_clear_signal_handler (&self->state_id, self->tracker);
      /* The passcode leaves memory with the page that showed it; tracking itself goes on. */
      if (lk_action_tracker_is_finished (self->tracker))
        lk_action_tracker_clear_passcode (self->tracker);
    }
  if (self->passcode_label != NULL)
    gtk_label_set_label (self->passcode_label, "");
  g_clear_object (&self->tracker);
  g_clear_object (&self->client);
  g_clear_object (&self->device);
  g_clear_object (&self->capability);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (lk_reset_wizard_parent_class)->dispose (object);
}

static void
lk_reset_wizard_finalize (GObject *object)
{
  LkResetWizard *self = LK_RESET_WIZARD (object);

  g_free (self->admin);
  g_free (self->tenant);

  G_OBJECT_CLASS (lk_reset_wizard_parent_class)->finalize (object);
}

static void
lk_reset_wizard_class_init (LkResetWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lk_reset_wizard_dispose;
  object_class->finalize = lk_reset_wizard_finalize;

  /* LkResetWizard::tracker-started: the action was confirmed; whoever keeps the tracker alive
   * after the wizard closes connects here. */
  signals[SIGNAL_TRACKER_STARTED] =
    g_signal_new ("tracker-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, LK_TYPE_ACTION_TRACKER);

  g_type_ensure (LK_TYPE_CAPABILITY_BADGE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lk-reset-wizard.ui");
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, toasts);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, window_title);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, stack);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, device_group);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, badge);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, capability_label);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, explain_label);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, permission_label);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, confirm_label);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, confirm_entry);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, confirm_hint);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, back_button);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, next_button);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, tracking_page);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, result_page);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, passcode_box);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, passcode_label);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, reveal_button);
  gtk_widget_class_bind_template_child (widget_class, LkResetWizard, result_ids_label);
  gtk_widget_class_bind_template_callback (widget_class, confirm_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, confirm_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, reveal_toggled_cb);

  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "wizard.confirm", NULL, confirm_action);
  gtk_widget_class_install_action (widget_class, "wizard.sync", NULL, sync_action);
  gtk_widget_class_install_action (widget_class, "wizard.copy", NULL, copy_action);
  lk_add_close_shortcuts (widget_class);
}

static void
lk_reset_wizard_init (LkResetWizard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  lk_widget_name_without_mnemonics (GTK_WIDGET (self));
  self->clipboard_clear_ms = CLIPBOARD_CLEAR_S * 1000;
}

void
lk_reset_wizard_set_clipboard_timeout (LkResetWizard *self,
                                       guint          ms)
{
  g_return_if_fail (LK_IS_RESET_WIZARD (self));
  self->clipboard_clear_ms = ms;
}

LkResetWizard *
lk_reset_wizard_new (LkGraphClient   *client,
                     LkDevice        *device,
                     LkActionHistory *history,
                     const char      *admin,
                     const char      *tenant,
                     const char      *granted_scopes,
                     GtkWindow       *parent)
{
  g_autoptr(LkCapability) capability = NULL;
  g_autofree char *explain = NULL;
  g_autofree char *confirm = NULL;
  g_autofree char *name = NULL;
  LkResetWizard *self;

  g_return_val_if_fail (LK_IS_GRAPH_CLIENT (client), NULL);
  g_return_val_if_fail (LK_IS_DEVICE (device), NULL);

  capability = lk_capability_new_for_device (device);
  if (!lk_capability_can_act (capability) || lk_device_get_device_name (device) == NULL)
    return NULL;

  self = g_object_new (LK_TYPE_RESET_WIZARD, "transient-for", parent, NULL);
  self->client = g_object_ref (client);
  self->device = g_object_ref (device);
  self->capability = g_steal_pointer (&capability);
  self->history = history != NULL ? g_object_ref (history) : NULL;
  self->admin = g_strdup (admin);
  self->tenant = g_strdup (tenant);

  adw_window_title_set_title (self->window_title, lk_capability_get_label (self->capability));
  adw_window_title_set_subtitle (self->window_title, lk_device_get_device_name (device));
  gtk_window_set_title (GTK_WINDOW (self), lk_capability_get_label (self->capability));
  fill_device_page (self);

  explain = explanation (self);
  gtk_label_set_label (self->explain_label, explain);
  /* Say it before the confirm step: without this permission the request can only fail. */
  self->lacks_permission = granted_scopes != NULL && !lk_scopes_contain (granted_scopes, LK_SCOPE_PRIVILEGED);
  gtk_label_set_label (self->permission_label,
                       _("Your sign-in lacks the Microsoft Graph permission DeviceManagementManagedDevices.PrivilegedOperations.All, so Intune would refuse this action. An administrator must grant it to the app registration; then sign in again."));
  gtk_widget_set_visible (GTK_WIDGET (self->permission_label), self->lacks_permission);

  name = g_markup_escape_text (lk_device_get_device_name (device), -1);
  confirm = g_strdup_printf (_("To confirm, type the device name: <b>%s</b>"), name);
  gtk_label_set_label (self->confirm_label, confirm);
  gtk_button_set_label (self->confirm_button, lk_capability_get_label (self->capability));
  show_page (self, "device");
  return self;
}

LkActionTracker *
lk_reset_wizard_get_tracker (LkResetWizard *self)
{
  g_return_val_if_fail (LK_IS_RESET_WIZARD (self), NULL);
  return self->tracker;
}

const char *
lk_reset_wizard_get_page (LkResetWizard *self)
{
  g_return_val_if_fail (LK_IS_RESET_WIZARD (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

LkResetWizard *
lk_reset_wizard_new_for_tracker (LkGraphClient   *client,
                                 LkActionTracker *tracker,
                                 GtkWindow       *parent)
{
  LkResetWizard *self;

  g_return_val_if_fail (LK_IS_ACTION_TRACKER (tracker), NULL);

  self = lk_reset_wizard_new (client, lk_action_tracker_get_device (tracker), NULL, NULL, NULL, NULL, parent);
  if (self == NULL)
    return NULL;
  /* Straight to where the action is: nothing can be sent from here. */
  self->tracker = g_object_ref (tracker);
  self->state_id = g_signal_connect (self->tracker, "notify::state", G_CALLBACK (tracker_state_cb), self);
  tracker_state_cb (self->tracker, NULL, self);
  return self;
}

LkResetWizard *
lk_reset_wizard_find_for_tracker (LkActionTracker *tracker)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  g_return_val_if_fail (LK_IS_ACTION_TRACKER (tracker), NULL);

  /* Wizards are transient dialogs, not application windows: look at every toplevel. */
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (LK_IS_RESET_WIZARD (window) && LK_RESET_WIZARD (window)->tracker == tracker)
        return LK_RESET_WIZARD (window);
    }
  return NULL;
}
