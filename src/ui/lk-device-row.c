/* lk-device-row.c: one device in the search results.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-capability-badge.h"
#include "lk-device-row.h"
#include "lk-time-format.h"

struct _LkDeviceRow
{
  GtkWidget  parent_instance;

  GtkImage  *platform_icon;
  GtkLabel  *name_label;
  GtkLabel  *user_label;
  GtkLabel  *details_label;
  LkCapabilityBadge *badge;

  LkDevice  *device;
  LkQueryKind matched;
};

G_DEFINE_FINAL_TYPE (LkDeviceRow, lk_device_row, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_DEVICE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static const char *
platform_icon_name (LkPlatform  platform,
                    const char *device_type,
                    const char *model)
{
  switch (platform)
    {
    case LK_PLATFORM_VISIONOS:
      return "audio-headset-symbolic";
    case LK_PLATFORM_IOS:
      if (g_strcmp0 (device_type, "iPad") == 0 || (model != NULL && g_str_has_prefix (model, "iPad")))
        return "tablet-symbolic";
      return "phone-symbolic";
    case LK_PLATFORM_ANDROID:
      return "phone-symbolic";
    case LK_PLATFORM_WINDOWS:
    case LK_PLATFORM_MACOS:
    case LK_PLATFORM_LINUX:
    case LK_PLATFORM_CHROMEOS:
      return "computer-symbolic";
    default:
      return "dialog-question-symbolic";
    }
}

static const char *
or_empty (const char *text)
{
  return text != NULL ? text : "";
}

/* A missing OS version leaves two spaces in the translated details line; one is enough. */
static void
collapse_spaces (char *text)
{
  char *out = text;

  for (const char *in = text; *in != '\0'; in++)
    if (!(*in == ' ' && in[1] == ' '))
      *out++ = *in;
  *out = '\0';
}

/* A row takes a new device in place (lk-result-slots.c): a label whose text stays is left
 * alone, so Pango does not measure it again. */
static void
set_text (GtkLabel   *label,
          const char *text)
{
  if (g_strcmp0 (gtk_label_get_label (label), text) != 0)
    gtk_label_set_label (label, text);
}

static void
update (LkDeviceRow *self)
{
  g_autoptr(LkCapability) capability = NULL;
  g_autofree char *last_sync = NULL;
  g_autofree char *details = NULL;
  g_autofree char *accessible = NULL;
  const char *user;
  const char *name;
  const char *icon;

  if (self->device == NULL)
    return;

  capability = lk_capability_new_for_device (self->device);
  name = lk_device_get_device_name (self->device);
  user = lk_device_get_user_display_name (self->device);
  if (user == NULL)
    user = lk_device_get_user_principal_name (self->device);

  icon = platform_icon_name (lk_capability_get_platform (capability), lk_device_get_device_type (self->device),
                             lk_device_get_model (self->device));
  if (g_strcmp0 (gtk_image_get_icon_name (self->platform_icon), icon) != 0)
    gtk_image_set_from_icon_name (self->platform_icon, icon);
  set_text (self->name_label, name != NULL ? name : _("Unnamed device"));
  set_text (self->user_label, user != NULL ? user : _("No user"));
  last_sync = lk_format_relative_time_in_sentence (lk_device_get_last_sync (self->device), NULL);
  if (self->matched == LK_QUERY_KIND_SERIAL && lk_device_get_serial_number (self->device) != NULL)
    /* Translators: "iOS 17.4 · Serial number F2LXK3 · Last check-in 3 hours ago" */
    details = g_strdup_printf (_("%s %s · Serial number %s · Last check-in %s"),
                               or_empty (lk_device_get_operating_system (self->device)),
                               or_empty (lk_device_get_os_version (self->device)),
                               lk_device_get_serial_number (self->device), last_sync);
  else if (self->matched == LK_QUERY_KIND_IMEI && lk_device_get_imei (self->device) != NULL)
    /* Translators: "Android 14 · IMEI 356938035643809 · Last check-in 3 hours ago" */
    details = g_strdup_printf (_("%s %s · IMEI %s · Last check-in %s"),
                               or_empty (lk_device_get_operating_system (self->device)),
                               or_empty (lk_device_get_os_version (self->device)),
                               lk_device_get_imei (self->device), last_sync);
  else
    /* Translators: "iOS 17.4 · iPhone 15 · Last check-in 3 hours ago" */
    details = g_strdup_printf (_("%s %s · %s · Last check-in %s"),
                               or_empty (lk_device_get_operating_system (self->device)),
                               or_empty (lk_device_get_os_version (self->device)),
                               lk_device_get_model (self->device) != NULL ? lk_device_get_model (self->device) : _("Unknown model"),
                               last_sync);
  collapse_spaces (details);
  set_text (self->details_label, details);
  lk_capability_badge_set_device (self->badge, self->device);

  /* Translators: what a screen reader says for a search result: device, user, passcode state. */
  accessible = g_strdup_printf (_("%s, %s, %s"), gtk_label_get_label (self->name_label),
                                gtk_label_get_label (self->user_label), lk_capability_badge_get_text (self->badge));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  /* The list item around the row is what takes the focus; GTK 4.8 has no API to name it, so
   * it is named here, where the words are made. */
  if (gtk_widget_get_parent (GTK_WIDGET (self)) != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (GTK_WIDGET (self))),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
lk_device_row_dispose (GObject *object)
{
  LkDeviceRow *self = LK_DEVICE_ROW (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), LK_TYPE_DEVICE_ROW);
  /* GTK 4.8 leaves the template's unnamed children parented. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->device);

  G_OBJECT_CLASS (lk_device_row_parent_class)->dispose (object);
}

static void
lk_device_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LkDeviceRow *self = LK_DEVICE_ROW (object);

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
lk_device_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  LkDeviceRow *self = LK_DEVICE_ROW (object);

  switch (prop_id)
    {
    case PROP_DEVICE:
      lk_device_row_set_device (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_device_row_class_init (LkDeviceRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lk_device_row_dispose;
  object_class->get_property = lk_device_row_get_property;
  object_class->set_property = lk_device_row_set_property;

  props[PROP_DEVICE] = g_param_spec_object ("device", NULL, NULL, LK_TYPE_DEVICE,
                                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                                            | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  g_type_ensure (LK_TYPE_CAPABILITY_BADGE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lk-device-row.ui");
  gtk_widget_class_bind_template_child (widget_class, LkDeviceRow, platform_icon);
  gtk_widget_class_bind_template_child (widget_class, LkDeviceRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, LkDeviceRow, user_label);
  gtk_widget_class_bind_template_child (widget_class, LkDeviceRow, details_label);
  gtk_widget_class_bind_template_child (widget_class, LkDeviceRow, badge);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "devicerow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lk_device_row_init (LkDeviceRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 12);
}

GtkWidget *
lk_device_row_new (void)
{
  return g_object_new (LK_TYPE_DEVICE_ROW, NULL);
}

LkDevice *
lk_device_row_get_device (LkDeviceRow *self)
{
  g_return_val_if_fail (LK_IS_DEVICE_ROW (self), NULL);
  return self->device;
}

void
lk_device_row_set_device (LkDeviceRow *self,
                          LkDevice    *device)
{
  g_return_if_fail (LK_IS_DEVICE_ROW (self));

  if (!g_set_object (&self->device, device))
    return;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DEVICE]);
}

void
lk_device_row_set_matched (LkDeviceRow *self,
                           LkQueryKind  kind)
{
  g_return_if_fail (LK_IS_DEVICE_ROW (self));

  if (self->matched == kind)
    return;
  self->matched = kind;
  update (self);
}
