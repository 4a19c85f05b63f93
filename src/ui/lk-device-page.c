/* lk-device-page.c: everything about one device, its passcode capability, and the action.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-action-journal.h"
#include "lk-capability-badge.h"
#include "lk-device-labels.h"
#include "lk-device-page.h"
#include "lk-graph-error.h"
#include "lk-time-format.h"
#include "lk-mnemonics.h"
#include "lk-window.h"
#include "lk-unlock-card.h"
#include "lk-unlock-client.h"

struct _LkDevicePage
{
  AdwBin                parent_instance;

  GtkStack             *stack;
  GtkScrolledWindow    *scrolled;
  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  LkCapabilityBadge    *badge;
  GtkLabel             *reason_label;
  GtkLabel             *caveats_label;
  GtkLinkButton        *doc_link;
  GtkButton            *action_button;
  GtkLabel             *pending_label;
  GtkButton            *check_button;
  GtkLabel             *last_action_label;
  GtkButton            *sync_button;
  AdwPreferencesGroup  *details_group;
  AdwPreferencesGroup  *management_group;
  AdwPreferencesGroup  *unlock_group;
  GPtrArray            *unlock_cards;  /* LkUnlockCard, rebuilt only for a new device or client */

  GPtrArray            *rows;   /* the property rows, to remove on the next device */
  LkDevice             *device;
  /* What the page read itself for @device (NULL until then): the single-device GET, whose
   * hardwareInformation tells a Shared iPad, and whether an action may be on its way. */
  LkGraphClient        *client;
  LkActionHistory      *history;
  GCancellable         *cancellable;
  LkDevice             *details;
  gboolean              checked;      /* the in-flight check ran for @device */
  LkInFlight            in_flight;
  GDateTime            *in_flight_since;
  char                 *in_flight_state; /* Intune's state of that action, our words */
  char                 *last_action;     /* the last passcode action on @device, in words */
  gboolean              syncing;         /* a syncDevice is on its way: it is sent once */
};

G_DEFINE_FINAL_TYPE (LkDevicePage, lk_device_page, ADW_TYPE_BIN)

/* An Intune result that started this long after the journal's last record is another action,
 * sent from elsewhere; closer, it is that record's (allowing for the two clocks). */
#define LK_LAST_ACTION_SAME (10 * G_TIME_SPAN_MINUTE)

enum
{
  PROP_0,
  PROP_DEVICE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

GtkWidget *
lk_property_row_new (const char *title,
                     const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *escaped = g_markup_escape_text (value != NULL && *value != '\0' ? value : "—", -1);

  /* The value as the subtitle reads well from 360 px up, where a suffix would be squeezed. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), escaped);
  /* Nothing to do on a property: Tab goes past them to what can be used. */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  return row;
}

/* A Graph enum value shown in words, with the value itself in the tooltip for support calls. */
GtkWidget *
lk_property_row_new_for_value (const char *title,
                               const char *label,
                               const char *value)
{
  GtkWidget *row = lk_property_row_new (title, label);
  g_autofree char *tooltip = NULL;

  if (value != NULL && g_strcmp0 (label, value) != 0)
    {
      /* Translators: a tooltip on a device property, e.g. "Microsoft Graph value: windowsRT" */
      tooltip = g_strdup_printf (_("Microsoft Graph value: %s"), value);
      gtk_widget_set_tooltip_text (row, tooltip);
    }
  return row;
}

static void
add_value_row (LkDevicePage        *self,
               AdwPreferencesGroup *group,
               const char          *title,
               const char          *label,
               const char          *value)
{
  GtkWidget *row = lk_property_row_new_for_value (title, label, value);

  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

static void
add_row (LkDevicePage        *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *value)
{
  add_value_row (self, group, title, value, NULL);
}

static void
make_subtitle_selectable (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "subtitle"))
    {
      gtk_label_set_selectable (GTK_LABEL (widget), TRUE);
      /* Selectable by the pointer only: Tab still goes past the property rows (the ids have
       * copy buttons for the keyboard), and a focused label would select all of itself. */
      gtk_widget_set_focusable (widget, FALSE);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    make_subtitle_selectable (child);
}

/* A value an admin reads out or pastes into a ticket (a serial number, an IMEI, an id): it can
 * be selected, which libadwaita 1.2's rows do not offer. */
static void
add_selectable_row (LkDevicePage        *self,
                    AdwPreferencesGroup *group,
                    const char          *title,
                    const char          *value)
{
  add_row (self, group, title, value);
  if (value != NULL && *value != '\0')
    make_subtitle_selectable (g_ptr_array_index (self->rows, self->rows->len - 1));
}

/* Support asks for ids: one click copies it (win.copy says so in a toast). */
static void
add_copy_row (LkDevicePage        *self,
              AdwPreferencesGroup *group,
              const char          *title,
              const char          *value,
              const char          *copy_label)
{
  GtkWidget *button;

  add_selectable_row (self, group, title, value);
  if (value == NULL || *value == '\0')
    return;
  button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, copy_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, copy_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.copy");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (value));
  adw_action_row_add_suffix (ADW_ACTION_ROW (g_ptr_array_index (self->rows, self->rows->len - 1)), button);
}

static char *
format_date (GDateTime *when)
{
  g_autofree char *relative = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *absolute = NULL;

  if (when == NULL)
    return g_strdup (C_("last check-in", "Never"));
  relative = lk_format_relative_time (when, NULL);
  local = g_date_time_to_local (when);
  absolute = g_date_time_format (local, "%x %X");
  return g_strdup_printf ("%s (%s)", relative, absolute);
}

static void
clear_rows (LkDevicePage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static void
update_in_flight (LkDevicePage *self)
{
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *when = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->pending_label), self->in_flight != LK_IN_FLIGHT_NONE);
  gtk_widget_set_visible (GTK_WIDGET (self->check_button), self->in_flight != LK_IN_FLIGHT_NONE);
  if (self->in_flight == LK_IN_FLIGHT_NONE)
    return;
  local = self->in_flight_since != NULL ? g_date_time_to_local (self->in_flight_since) : NULL;
  when = local != NULL ? g_date_time_format (local, "%x %X") : g_strdup ("—");
  if (self->in_flight == LK_IN_FLIGHT_PENDING)
    /* Translators: the first %s is a date and time, the second a state such as "Pending". */
    text = g_strdup_printf (_("A passcode action for this device is already in Intune (started %s): %s. Another one is not offered until it ends."),
                            when, self->in_flight_state != NULL ? self->in_flight_state : _("Pending"));
  else
    text = g_strdup_printf (_("A passcode action sent from this computer at %s may have reached Intune, which shows no result of it yet: outcome unknown. Check its status before anything else."),
                            when);
  gtk_label_set_label (self->pending_label, text);
}

/* One caveat a line; the stale check-in one, which changes the outcome, marked with ⚠. */
static char *
format_caveats (LkCapability *capability)
{
  const char *const *caveats = lk_capability_get_caveats (capability);
  const char *stale = lk_capability_get_stale_note (capability);
  GString *text = g_string_new (NULL);

  for (guint i = 0; caveats[i] != NULL; i++)
    g_string_append_printf (text, "%s%s%s", i > 0 ? "\n" : "", g_strcmp0 (caveats[i], stale) == 0 ? "⚠ " : "",
                            caveats[i]);
  return g_string_free (text, FALSE);
}

static void
update (LkDevicePage *self)
{
  g_autoptr(LkCapability) capability = NULL;
  g_autofree char *platform = NULL;
  g_autofree char *last_sync = NULL;
  g_autofree char *enrolled = NULL;
  g_autofree char *caveats = NULL;
  LkDevice *d = self->details != NULL ? self->details : self->device;
  int supervised;

  clear_rows (self);
  if (d == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }

  capability = lk_capability_new_for_device (d);
  platform = g_strjoin (" ", lk_device_get_operating_system (d) != NULL ? lk_device_get_operating_system (d) : _("Unknown system"),
                        lk_device_get_os_version (d) != NULL ? lk_device_get_os_version (d) : "", NULL);
  gtk_label_set_label (self->title_label, lk_device_get_device_name (d) != NULL ? lk_device_get_device_name (d) : _("Unnamed device"));
  gtk_label_set_label (self->subtitle_label, lk_device_get_user_display_name (d) != NULL
                                             ? lk_device_get_user_display_name (d)
                                             : lk_device_get_user_principal_name (d) != NULL
                                               ? lk_device_get_user_principal_name (d) : _("No user"));

  lk_capability_badge_set_device (self->badge, d);
  gtk_label_set_label (self->reason_label, lk_capability_get_reason (capability));
  caveats = format_caveats (capability);
  gtk_label_set_label (self->caveats_label, caveats);
  gtk_widget_set_visible (GTK_WIDGET (self->caveats_label), *caveats != '\0');
  gtk_link_button_set_uri (self->doc_link, lk_capability_get_doc_url (capability));
  /* The action exists only where Intune supports it: no insensitive button to wonder about. */
  gtk_widget_set_visible (GTK_WIDGET (self->action_button), lk_device_page_get_can_act (self));
  gtk_button_set_label (self->action_button, lk_action_kind_to_label (lk_capability_get_action_kind (capability)));
  update_in_flight (self);
  gtk_label_set_label (self->last_action_label, self->last_action != NULL ? self->last_action : "");
  gtk_widget_set_visible (GTK_WIDGET (self->last_action_label), self->last_action != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "device-page.sync", self->client != NULL && !self->syncing);

  last_sync = format_date (lk_device_get_last_sync (d));
  enrolled = format_date (lk_device_get_enrolled (d));
  supervised = lk_device_get_is_supervised (d);
  add_row (self, self->details_group, _("User principal name"), lk_device_get_user_principal_name (d));
  add_row (self, self->details_group, _("Operating system"), platform);
  add_row (self, self->details_group, _("Model"), lk_device_get_model (d));
  add_row (self, self->details_group, _("Manufacturer"), lk_device_get_manufacturer (d));
  add_selectable_row (self, self->details_group, _("Serial number"), lk_device_get_serial_number (d));
  add_selectable_row (self, self->details_group, _("IMEI"), lk_device_get_imei (d));
  add_row (self, self->details_group, _("Last check-in"), last_sync);
  add_value_row (self, self->management_group, _("Ownership"),
                 lk_owner_type_label (lk_device_get_owner_type (d)), lk_device_get_owner_type (d));
  add_value_row (self, self->management_group, _("Enrollment type"),
                 lk_enrollment_type_label (lk_device_get_enrollment_type (d)), lk_device_get_enrollment_type (d));
  add_value_row (self, self->management_group, _("Device type"),
                 lk_device_type_label (lk_device_get_device_type (d)), lk_device_get_device_type (d));
  add_value_row (self, self->management_group, _("Management agent"),
                 lk_management_agent_label (lk_device_get_management_agent (d)), lk_device_get_management_agent (d));
  add_row (self, self->management_group, _("Supervised"), supervised < 0 ? NULL : supervised ? _("Yes") : _("No"));
  add_value_row (self, self->management_group, _("Compliance"),
                 lk_compliance_state_label (lk_device_get_compliance_state (d)), lk_device_get_compliance_state (d));
  add_row (self, self->management_group, _("Enrolled"), enrolled);
  add_copy_row (self, self->management_group, _("Intune device ID"), lk_device_get_id (d),
                _("Copy the Intune device ID"));
  /* Known once the page's own GET has read it; Entra ID's pages and LAPS go by this one. */
  if (lk_device_get_azure_ad_device_id (d) != NULL)
    add_copy_row (self, self->management_group, _("Entra device ID"), lk_device_get_azure_ad_device_id (d),
                  _("Copy the Entra device ID"));

  gtk_stack_set_visible_child_name (self->stack, "device");
}

/* --- what the page reads itself ------------------------------------------------------------- */

static const char *
state_words (LkActionResult *result)
{
  switch (result != NULL ? lk_action_result_get_state (result) : LK_ACTION_STATE_UNKNOWN)
    {
    case LK_ACTION_STATE_ACTIVE:
      return _("In progress on the device");
    case LK_ACTION_STATE_PENDING:
      return _("Pending");
    default:
      return NULL;
    }
}

/* "3 hours ago (30/11/2026 09:12:44)", to follow other words. */
static char *
format_date_in_sentence (GDateTime *when)
{
  g_autofree char *relative = lk_format_relative_time_in_sentence (when, NULL);
  g_autoptr(GDateTime) local = g_date_time_to_local (when);
  g_autofree char *absolute = g_date_time_format (local, "%x %X");

  return g_strdup_printf ("%s (%s)", relative, absolute);
}

static char *
describe_journal_entry (const LkHistoryEntry *entry,
                        const char           *outcome)
{
  g_autoptr(GDateTime) sent = entry->time != NULL ? g_date_time_new_from_iso8601 (entry->time, NULL) : NULL;
  g_autofree char *when = sent != NULL ? format_date_in_sentence (sent) : g_strdup ("—");
  const char *action = lk_action_name_label (entry->action);
  g_autofree char *what = NULL;
  g_autofree char *who = NULL;
  /* A UPN's hyphens are break opportunities to Pango: a word joiner after each keeps the
   * address whole, as in History. */
  g_auto(GStrv) parts = entry->admin != NULL ? g_strsplit (entry->admin, "-", -1) : NULL;
  g_autofree char *admin = parts != NULL ? g_strjoinv ("-\u2060", parts) : NULL;

  /* Translators: the device page's last action, e.g. "Last action: Remove passcode — Done" */
  what = g_strdup_printf (_("Last action: %s — %s"), action != NULL ? action : "—", lk_history_outcome_label (outcome));
  /* Translators: the first %s is e.g. "3 hours ago (30/11/2026 09:12:44)", the second the
   * admin's user name. */
  if (admin != NULL && *admin != '\0')
    who = g_strdup_printf (_("Sent %s by %s"), when, admin);
  else
    /* Translators: sent by `latchkey-cli --access-token-stdin`, which knows no user name;
     * %s is e.g. "3 hours ago (30/11/2026 09:12:44)". */
    who = g_strdup_printf (_("Sent %s by a script"), when);
  return g_strjoin ("\n", what, who, NULL);
}

static char *
describe_result (LkActionResult *result)
{
  g_autofree char *when = format_date_in_sentence (lk_action_result_get_start (result));
  const char *name = lk_action_result_get_action_name (result);
  const char *action = lk_action_name_label (name != NULL ? name : "resetPasscode");
  g_autofree char *what = NULL;
  g_autofree char *who = NULL;

  what = g_strdup_printf (_("Last action: %s — %s"), action, lk_history_outcome_label (lk_action_result_get_state_string (result)));
  /* Translators: %s is e.g. "3 hours ago (30/11/2026 09:12:44)" */
  who = g_strdup_printf (_("Started %s, not from this computer (the Intune admin center or another one)"), when);
  return g_strjoin ("\n", what, who, NULL);
}

/* The last passcode action on the device: this computer's journal knows who sent it; Intune's
 * result tells of one sent from elsewhere, and is shown when it began well after the journal's. */
static char *
describe_last_action (GPtrArray  *entries,
                      GPtrArray  *results,
                      const char *device_id,
                      const char *resolved)
{
  LkHistoryEntry *latest = lk_history_find_latest (entries, device_id);
  LkActionResult *reset = results != NULL ? lk_action_results_find_reset_passcode (results) : NULL;
  g_autoptr(GDateTime) sent = NULL;

  if (reset != NULL && (lk_action_result_get_state (reset) == LK_ACTION_STATE_NONE
                        || lk_action_result_get_start (reset) == NULL))
    reset = NULL;
  if (latest != NULL && latest->time != NULL)
    sent = g_date_time_new_from_iso8601 (latest->time, NULL);
  if (reset != NULL && (sent == NULL
                        || g_date_time_difference (lk_action_result_get_start (reset), sent) > LK_LAST_ACTION_SAME))
    return describe_result (reset);
  if (latest != NULL)
    return describe_journal_entry (latest, resolved != NULL ? resolved : latest->outcome);
  return NULL;
}

static void
results_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LkDevicePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) resolve_error = NULL;
  const char *resolved = NULL;

  results = lk_graph_client_get_action_results_finish (LK_GRAPH_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->device == NULL)
    return;
  if (results == NULL)
    g_debug ("Device page: reading the action results failed: %s", error->message);
  entries = lk_action_history_load (self->history, NULL);
  /* What Intune now shows of an action the journal left open is written down. */
  if (results != NULL
      && (resolved = lk_action_journal_resolve (self->history, entries, results, lk_device_get_id (self->device),
                                                &resolve_error)) == NULL
      && resolve_error != NULL)
    g_warning ("Could not record the action's outcome: %s", resolve_error->message);
  g_free (self->last_action);
  self->last_action = describe_last_action (entries, results, lk_device_get_id (self->device), resolved);
  g_clear_pointer (&self->in_flight_since, g_date_time_unref);
  g_clear_pointer (&self->in_flight_state, g_free);
  self->in_flight = lk_action_in_flight (entries, results, lk_device_get_id (self->device), now,
                                         &self->in_flight_since);
  self->in_flight_state = g_strdup (state_words (results != NULL ? lk_action_results_find_reset_passcode (results) : NULL));
  self->checked = TRUE;
  update (self);
}

static void
details_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LkDevicePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkDevice) details = lk_graph_client_get_device_finish (LK_GRAPH_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->device == NULL)
    return;
  if (details == NULL)
    {
      /* The list's facts stay; whatever they cannot tell stays unknown. */
      g_debug ("Device page: reading the device failed: %s", error->message);
      return;
    }
  g_set_object (&self->details, details);
  update (self);
}

/* Windows and Mac unlock options need the Entra device id, which the listing does not read. */
static void
entra_id_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LkDevicePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *entra_id = lk_unlock_client_get_entra_id_finish (LK_UNLOCK_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->device == NULL)
    return;
  if (error != NULL)
    g_debug ("Device page: reading the Entra device id failed: %s", error->message);
  lk_unlock_cards_fill (self->unlock_group, self->unlock_cards, self->device, entra_id, self->client, self->history);
}

static void
refresh_unlock (LkDevicePage *self)
{
  LkPlatform platform = self->device != NULL ? lk_platform_from_operating_system (lk_device_get_operating_system (self->device))
                                             : LK_PLATFORM_UNKNOWN;
  g_autoptr(LkUnlockClient) unlock = NULL;

  if (self->client == NULL || (platform != LK_PLATFORM_WINDOWS && platform != LK_PLATFORM_MACOS))
    return;
  unlock = lk_unlock_client_new (self->client);
  lk_unlock_client_get_entra_id_async (unlock, lk_device_get_id (self->device), self->cancellable,
                                       entra_id_cb, g_object_ref (self));
}

static void
check_status (LkDevicePage *self)
{
  if (self->client == NULL || self->device == NULL)
    return;
  lk_graph_client_get_action_results_async (self->client, lk_device_get_id (self->device), self->cancellable,
                                            results_cb, g_object_ref (self));
}

static void
refresh (LkDevicePage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->details);
  g_clear_pointer (&self->in_flight_since, g_date_time_unref);
  g_clear_pointer (&self->in_flight_state, g_free);
  g_clear_pointer (&self->last_action, g_free);
  self->in_flight = LK_IN_FLIGHT_NONE;
  self->checked = FALSE;
  /* A card going away wipes the secret it showed. */
  lk_unlock_cards_fill (self->unlock_group, self->unlock_cards, NULL, NULL, NULL, NULL);
  if (self->client == NULL || self->device == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  lk_graph_client_get_device_async (self->client, lk_device_get_id (self->device), self->cancellable,
                                    details_cb, g_object_ref (self));
  check_status (self);
  refresh_unlock (self);
}

static void
check_status_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  check_status (LK_DEVICE_PAGE (widget));
}

typedef struct
{
  LkDevicePage *self;          /* a reference, until the answer */
  char         *device_name;   /* the toast names the device the request was for */
} SyncRequest;

static void
sync_request_free (SyncRequest *request)
{
  g_object_unref (request->self);
  g_free (request->device_name);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyncRequest, sync_request_free)

static void
sync_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SyncRequest) request = user_data;
  LkDevicePage *self = request->self;
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), LK_TYPE_WINDOW);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  self->syncing = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "device-page.sync", self->client != NULL);
  if (lk_graph_client_post_action_finish (LK_GRAPH_CLIENT (source), result, &error))
    message = g_strdup_printf (_("%s was asked to check in with Intune and will once it is online"),
                               request->device_name);
  else if (g_error_matches (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_OUTCOME_UNKNOWN))
    /* A sync changes nothing on the device: unlike a passcode action, asking again is safe. */
    message = g_strdup_printf (_("The request to sync %s may not have reached Intune. Syncing again is safe."),
                               request->device_name);
  else
    /* Translators: the first %s is a device name, the second an error message */
    message = g_strdup_printf (_("Could not sync %s: %s"), request->device_name, error->message);
  if (window != NULL)
    lk_window_add_toast (LK_WINDOW (window), message);
}

/* Nudges the device to check in, so that a pending action is picked up sooner. Sent once: the
 * action stays disabled until Intune answered. */
static void
sync_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LkDevicePage *self = LK_DEVICE_PAGE (widget);
  SyncRequest *request;

  if (self->client == NULL || self->device == NULL || self->syncing)
    return;
  self->syncing = TRUE;
  gtk_widget_action_set_enabled (widget, "device-page.sync", FALSE);
  request = g_new0 (SyncRequest, 1);
  request->self = g_object_ref (self);
  request->device_name = g_strdup (lk_device_get_device_name (self->device) != NULL
                                   ? lk_device_get_device_name (self->device) : _("Unnamed device"));
  /* Not the page's cancellable: once the request may have left, its answer is still told. */
  lk_graph_client_post_action_async (self->client, lk_device_get_id (self->device), LK_DEVICE_ACTION_SYNC_DEVICE,
                                     NULL, sync_cb, request);
}

static void
lk_device_page_dispose (GObject *object)
{
  LkDevicePage *self = LK_DEVICE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->history);
  g_clear_object (&self->details);
  g_clear_pointer (&self->in_flight_since, g_date_time_unref);
  g_clear_pointer (&self->in_flight_state, g_free);
  g_clear_pointer (&self->last_action, g_free);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->unlock_cards, g_ptr_array_unref);
  /* No gtk_widget_dispose_template(): the libadwaita parent owns and unparents the content. */
  g_clear_object (&self->device);

  G_OBJECT_CLASS (lk_device_page_parent_class)->dispose (object);
}

static void
lk_device_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LkDevicePage *self = LK_DEVICE_PAGE (object);

  switch (prop_id)
    {
    case PROP_DEVICE:
      g_value_set_object (value, self->device);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_device_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  LkDevicePage *self = LK_DEVICE_PAGE (object);

  switch (prop_id)
    {
    case PROP_DEVICE:
      lk_device_page_set_device (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_device_page_class_init (LkDevicePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lk_device_page_dispose;
  object_class->get_property = lk_device_page_get_property;
  object_class->set_property = lk_device_page_set_property;

  props[PROP_DEVICE] = g_param_spec_object ("device", NULL, NULL, LK_TYPE_DEVICE,
                                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                                            | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  g_type_ensure (LK_TYPE_CAPABILITY_BADGE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lk-device-page.ui");
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, stack);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, scrolled);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, badge);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, reason_label);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, caveats_label);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, doc_link);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, action_button);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, pending_label);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, check_button);
  gtk_widget_class_install_action (widget_class, "device-page.check-status", NULL, check_status_action);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, last_action_label);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, sync_button);
  gtk_widget_class_install_action (widget_class, "device-page.sync", NULL, sync_action);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, details_group);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, management_group);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, unlock_group);
}

static void
lk_device_page_init (LkDevicePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  lk_widget_name_without_mnemonics (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
  self->unlock_cards = g_ptr_array_new ();
  self->history = lk_action_history_new (NULL);
}

GtkWidget *
lk_device_page_new (void)
{
  return g_object_new (LK_TYPE_DEVICE_PAGE, NULL);
}

LkDevice *
lk_device_page_get_device (LkDevicePage *self)
{
  g_return_val_if_fail (LK_IS_DEVICE_PAGE (self), NULL);
  /* The single-device GET's facts, once read, are the ones an action must go by. */
  return self->details != NULL ? self->details : self->device;
}

void
lk_device_page_set_device (LkDevicePage *self,
                           LkDevice     *device)
{
  g_return_if_fail (LK_IS_DEVICE_PAGE (self));

  if (!g_set_object (&self->device, device))
    return;
  refresh (self);
  update (self);
  /* Each device opens at its top, not where the previous one was scrolled to; what the page
   * reads about it afterwards leaves the admin where they scrolled to. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled), 0);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DEVICE]);
}

void
lk_device_page_set_client (LkDevicePage  *self,
                           LkGraphClient *client)
{
  g_return_if_fail (LK_IS_DEVICE_PAGE (self));

  if (!g_set_object (&self->client, client))
    return;
  refresh (self);
  update (self);
}

void
lk_device_page_set_history (LkDevicePage    *self,
                            LkActionHistory *history)
{
  g_return_if_fail (LK_IS_DEVICE_PAGE (self));

  g_clear_object (&self->history);
  self->history = history != NULL ? g_object_ref (history) : lk_action_history_new (NULL);
  refresh (self);
  update (self);
}

gboolean
lk_device_page_get_can_act (LkDevicePage *self)
{
  LkDevice *d;
  g_autoptr(LkCapability) capability = NULL;

  g_return_val_if_fail (LK_IS_DEVICE_PAGE (self), FALSE);

  d = self->details != NULL ? self->details : self->device;
  if (d == NULL)
    return FALSE;
  /* With a client, nothing is offered before the check for an action on its way has run. */
  if (self->client != NULL && (!self->checked || self->in_flight != LK_IN_FLIGHT_NONE))
    return FALSE;
  capability = lk_capability_new_for_device (d);
  return lk_capability_can_act (capability);
}

/* The keyboard focus on the device's name, at the top of the page: from there Tab reaches the
 * documentation link and then the action, so a stray Enter does nothing. */
void
lk_device_page_focus_top (LkDevicePage *self)
{
  g_return_if_fail (LK_IS_DEVICE_PAGE (self));

  if (self->device == NULL)
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self->title_label));
  /* A selectable label selects all of itself on focus; the admin did not ask for that. */
  gtk_label_select_region (self->title_label, 0, 0);
}
