/* lk-capability-badge.c: a device's passcode capability at a glance.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-capability-badge.h"
#include "lk-unlock-options.h"

struct _LkCapabilityBadge
{
  GtkWidget     parent_instance;

  GtkWidget    *icon;
  GtkWidget    *label;
  LkCapability *capability;
  /* A PC, a Mac, a Linux or ChromeOS device: its unlock state instead of "Not supported". */
  const char   *unlock_state;
  char         *unlock_summary;

  /* What it shows, so a row taking a device in the same state (the common case while a long
   * list scrolls) changes nothing: no style recomputed, no label measured again. */
  const char   *css_class;
  gboolean      stale;
  char         *tooltip;     /* shown on demand ("query-tooltip"), and the accessible description */
  char         *accessible;
};

G_DEFINE_FINAL_TYPE (LkCapabilityBadge, lk_capability_badge, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_CAPABILITY,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

/* Supported with or without caveats is the same state to the eye: the caveats are on the device
 * page and in the tooltip, not a warning sign on every device that can be helped. */
static const char *const support_classes[] = { "unknown", "unsupported", "supported", "supported", "unlock" };

static const char *
icon_for (LkCapability *capability)
{
  /* The warning sign only where a caveat changes the outcome. */
  if (lk_capability_get_stale_note (capability) != NULL)
    return "dialog-warning-symbolic";
  switch (lk_capability_get_support (capability))
    {
    case LK_SUPPORT_SUPPORTED:
    case LK_SUPPORT_SUPPORTED_WITH_CAVEATS:
      return "emblem-ok-symbolic";
    case LK_SUPPORT_NOT_SUPPORTED:
      return "action-unavailable-symbolic";
    case LK_SUPPORT_UNKNOWN:
    default:
      return "dialog-question-symbolic";
    }
}

static char *
tooltip_for (LkCapability *capability)
{
  const char *const *caveats = lk_capability_get_caveats (capability);
  GString *text = g_string_new (lk_capability_get_reason (capability));

  const char *stale = lk_capability_get_stale_note (capability);

  /* The stale check-in caveat is among the caveats; it alone changes the outcome: ⚠, not •. */
  for (guint i = 0; caveats != NULL && caveats[i] != NULL; i++)
    g_string_append_printf (text, "\n%s %s", g_strcmp0 (caveats[i], stale) == 0 ? "⚠" : "•", caveats[i]);
  return g_string_free (text, FALSE);
}

static void
set_css_class (LkCapabilityBadge *self,
               const char        *css_class,
               gboolean           stale)
{
  if (g_strcmp0 (self->css_class, css_class) != 0)
    {
      if (self->css_class != NULL)
        gtk_widget_remove_css_class (GTK_WIDGET (self), self->css_class);
      if (css_class != NULL)
        gtk_widget_add_css_class (GTK_WIDGET (self), css_class);
      self->css_class = css_class;
    }
  if (self->stale != stale)
    {
      if (stale)
        gtk_widget_add_css_class (GTK_WIDGET (self), "stale");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self), "stale");
      self->stale = stale;
    }
}

/* Takes @tooltip and @accessible; the accessible properties change only with their words. */
static void
set_words (LkCapabilityBadge *self,
           const char        *icon,
           const char        *label,
           char              *tooltip,
           char              *accessible)
{
  if (g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (self->icon)), icon) != 0)
    gtk_image_set_from_icon_name (GTK_IMAGE (self->icon), icon);
  if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (self->label)), label) != 0)
    gtk_label_set_label (GTK_LABEL (self->label), label);
  if (g_strcmp0 (self->tooltip, tooltip) == 0 && g_strcmp0 (self->accessible, accessible) == 0)
    {
      g_free (tooltip);
      g_free (accessible);
      return;
    }
  g_free (self->tooltip);
  self->tooltip = tooltip;
  g_free (self->accessible);
  self->accessible = accessible;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip,
                                  -1);
}

/* The unlock options are a state of the device, not a passcode action: the page shows them. */
static void
show_unlock_state (LkCapabilityBadge *self)
{
  g_autofree char *passcode = tooltip_for (self->capability);
  gboolean options = g_strcmp0 (self->unlock_state, C_("badge", "Unlock options")) == 0;

  set_css_class (self, options ? "unlock" : "unsupported", FALSE);
  set_words (self, options ? "dialog-password-symbolic" : "action-unavailable-symbolic", self->unlock_state,
             g_strdup_printf ("%s\n%s", self->unlock_summary, passcode), g_strdup (self->unlock_summary));
}

static void
update (LkCapabilityBadge *self)
{
  LkSupport support;

  /* The tooltip is made when the pointer asks for it ("query-tooltip"): setting a visible
   * widget's tooltip text asks the display where the pointer is (an X round trip each), which
   * was most of the time a list row took to bind while scrolling a big listing. */
  gtk_widget_set_visible (GTK_WIDGET (self), self->capability != NULL);
  if (self->capability == NULL)
    {
      set_css_class (self, NULL, FALSE);
      return;
    }

  if (self->unlock_state != NULL)
    {
      show_unlock_state (self);
      return;
    }
  support = lk_capability_get_support (self->capability);
  set_css_class (self, support_classes[support], lk_capability_get_stale_note (self->capability) != NULL);
  set_words (self, icon_for (self->capability), lk_capability_get_state_label (self->capability),
             tooltip_for (self->capability),
             /* Translators: what a screen reader says for a device's badge, e.g. "Passcode: Can remove passcode". */
             g_strdup_printf (_("Passcode: %s"), lk_capability_get_state_label (self->capability)));
}

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  LkCapabilityBadge *self = LK_CAPABILITY_BADGE (widget);

  if (self->capability == NULL || self->tooltip == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, self->tooltip);
  return TRUE;
}

static void
lk_capability_badge_dispose (GObject *object)
{
  LkCapabilityBadge *self = LK_CAPABILITY_BADGE (object);

  g_clear_pointer (&self->icon, gtk_widget_unparent);
  g_clear_pointer (&self->label, gtk_widget_unparent);
  g_clear_object (&self->capability);
  g_clear_pointer (&self->unlock_summary, g_free);
  g_clear_pointer (&self->tooltip, g_free);
  g_clear_pointer (&self->accessible, g_free);

  G_OBJECT_CLASS (lk_capability_badge_parent_class)->dispose (object);
}

static void
lk_capability_badge_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  LkCapabilityBadge *self = LK_CAPABILITY_BADGE (object);

  switch (prop_id)
    {
    case PROP_CAPABILITY:
      g_value_set_object (value, self->capability);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_capability_badge_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  LkCapabilityBadge *self = LK_CAPABILITY_BADGE (object);

  switch (prop_id)
    {
    case PROP_CAPABILITY:
      lk_capability_badge_set_capability (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lk_capability_badge_class_init (LkCapabilityBadgeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lk_capability_badge_dispose;
  object_class->get_property = lk_capability_badge_get_property;
  object_class->set_property = lk_capability_badge_set_property;

  props[PROP_CAPABILITY] = g_param_spec_object ("capability", NULL, NULL, LK_TYPE_CAPABILITY,
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                                                | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "badge");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
lk_capability_badge_init (LkCapabilityBadge *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);
  self->icon = gtk_image_new ();
  gtk_widget_set_parent (self->icon, GTK_WIDGET (self));
  self->label = gtk_label_new (NULL);
  /* Wrapped, never cut: a state read as "Passcode rimo…" says nothing. At 360 px it takes two
   * lines; the device name beside it gives way first (it is ellipsized in the middle). */
  gtk_label_set_wrap (GTK_LABEL (self->label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->label), PANGO_WRAP_WORD);
  /* Its natural width is the one line it needs, so wide rows never wrap it. */
  gtk_label_set_natural_wrap_mode (GTK_LABEL (self->label), GTK_NATURAL_WRAP_NONE);
  gtk_label_set_justify (GTK_LABEL (self->label), GTK_JUSTIFY_CENTER);
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

GtkWidget *
lk_capability_badge_new (void)
{
  return g_object_new (LK_TYPE_CAPABILITY_BADGE, NULL);
}

LkCapability *
lk_capability_badge_get_capability (LkCapabilityBadge *self)
{
  g_return_val_if_fail (LK_IS_CAPABILITY_BADGE (self), NULL);
  return self->capability;
}

void
lk_capability_badge_set_capability (LkCapabilityBadge *self,
                                    LkCapability      *capability)
{
  g_return_if_fail (LK_IS_CAPABILITY_BADGE (self));

  if (!g_set_object (&self->capability, capability))
    return;
  self->unlock_state = NULL;
  g_clear_pointer (&self->unlock_summary, g_free);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CAPABILITY]);
}

void
lk_capability_badge_set_device (LkCapabilityBadge *self,
                                LkDevice          *device)
{
  g_autoptr(LkCapability) capability = device != NULL ? lk_capability_new_for_device (device) : NULL;

  g_return_if_fail (LK_IS_CAPABILITY_BADGE (self));

  g_set_object (&self->capability, capability);
  g_clear_pointer (&self->unlock_summary, g_free);
  /* Only where no passcode action applies: an unknown capability stays "Unknown". */
  self->unlock_state = capability != NULL && lk_capability_get_support (capability) == LK_SUPPORT_NOT_SUPPORTED
                       ? lk_unlock_badge_state (device, &self->unlock_summary) : NULL;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CAPABILITY]);
}

const char *
lk_capability_badge_get_text (LkCapabilityBadge *self)
{
  g_return_val_if_fail (LK_IS_CAPABILITY_BADGE (self), NULL);
  return gtk_label_get_label (GTK_LABEL (self->label));
}

const char *
lk_capability_badge_get_tooltip (LkCapabilityBadge *self)
{
  g_return_val_if_fail (LK_IS_CAPABILITY_BADGE (self), NULL);
  return self->capability != NULL ? self->tooltip : NULL;
}
