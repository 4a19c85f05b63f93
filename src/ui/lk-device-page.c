/* lk-device-page.c: everything about one device, its passcode capability, and the action. */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-action-journal.h"
#include "lk-capability-badge.h"
#include "lk-device-page.h"
#include "lk-time-format.h"
#include "lk-unlock-card.h"
#include "lk-unlock-client.h"

struct _LkDevicePage
{
  AdwBin                parent_instance;

  GtkStack             *stack;
  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  LkCapabilityBadge    *badge;
  GtkLabel             *reason_label;
  GtkLabel             *caveats_label;
  GtkLinkButton        *doc_link;
  GtkButton            *action_button;
  GtkLabel             *pending_label;
  GtkButton            *check_button;
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
};

G_DEFINE_FINAL_TYPE (LkDevicePage, lk_device_page, ADW_TYPE_BIN)

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
  return row;
}

static void
add_row (LkDevicePage        *self,
         AdwPreferencesGroup *group,
         const char          *title,
         const char          *value)
{
  GtkWidget *row = lk_property_row_new (title, value);

  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
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

static const char *
ownership_label (const char *owner)
{
  if (g_strcmp0 (owner, "company") == 0)
    return _("Corporate");
  if (g_strcmp0 (owner, "personal") == 0)
    return _("Personal");
  return owner;
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

  lk_capability_badge_set_capability (self->badge, capability);
  gtk_label_set_label (self->reason_label, lk_capability_get_reason (capability));
  caveats = g_strjoinv ("\n", (char **) lk_capability_get_caveats (capability));
  gtk_label_set_label (self->caveats_label, caveats);
  gtk_widget_set_visible (GTK_WIDGET (self->caveats_label), *caveats != '\0');
  gtk_link_button_set_uri (self->doc_link, lk_capability_get_doc_url (capability));
  /* The action exists only where Intune supports it: no insensitive button to wonder about. */
  gtk_widget_set_visible (GTK_WIDGET (self->action_button), lk_device_page_get_can_act (self));
  gtk_button_set_label (self->action_button, lk_action_kind_to_label (lk_capability_get_action_kind (capability)));
  update_in_flight (self);

  last_sync = format_date (lk_device_get_last_sync (d));
  enrolled = format_date (lk_device_get_enrolled (d));
  supervised = lk_device_get_is_supervised (d);
  add_row (self, self->details_group, _("User principal name"), lk_device_get_user_principal_name (d));
  add_row (self, self->details_group, _("Operating system"), platform);
  add_row (self, self->details_group, _("Model"), lk_device_get_model (d));
  add_row (self, self->details_group, _("Manufacturer"), lk_device_get_manufacturer (d));
  add_row (self, self->details_group, _("Serial number"), lk_device_get_serial_number (d));
  add_row (self, self->details_group, _("IMEI"), lk_device_get_imei (d));
  add_row (self, self->details_group, _("Last check-in"), last_sync);
  add_row (self, self->management_group, _("Ownership"), ownership_label (lk_device_get_owner_type (d)));
  add_row (self, self->management_group, _("Enrollment type"), lk_device_get_enrollment_type (d));
  add_row (self, self->management_group, _("Device type"), lk_device_get_device_type (d));
  add_row (self, self->management_group, _("Management agent"), lk_device_get_management_agent (d));
  add_row (self, self->management_group, _("Supervised"), supervised < 0 ? NULL : supervised ? _("Yes") : _("No"));
  add_row (self, self->management_group, _("Compliance"), lk_device_get_compliance_state (d));
  add_row (self, self->management_group, _("Enrolled"), enrolled);
  add_row (self, self->management_group, _("Intune device ID"), lk_device_get_id (d));

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

  results = lk_graph_client_get_action_results_finish (LK_GRAPH_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->device == NULL)
    return;
  if (results == NULL)
    g_debug ("Device page: reading the action results failed: %s", error->message);
  entries = lk_action_history_load (self->history, NULL);
  /* What Intune now shows of an action the journal left open is written down. */
  if (results != NULL
      && lk_action_journal_resolve (self->history, entries, results, lk_device_get_id (self->device), &resolve_error) == NULL
      && resolve_error != NULL)
    g_warning ("Could not record the action's outcome: %s", resolve_error->message);
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
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, details_group);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, management_group);
  gtk_widget_class_bind_template_child (widget_class, LkDevicePage, unlock_group);
}

static void
lk_device_page_init (LkDevicePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
