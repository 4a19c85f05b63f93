/* lk-preferences-window.c: the settings an admin may change, bound to GSettings both ways.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lk-cloud.h"
#include "lk-preferences-window.h"

struct _LkPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwComboRow          *api_version_row;
  AdwComboRow          *cloud_row;
  AdwEntryRow          *tenant_row;
  GtkSpinButton        *clipboard_spin;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (LkPreferencesWindow, lk_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The rows' positions, in the order of the template's lists. */
static const char *const api_versions[] = { "beta", "v1.0" };

static gboolean
api_version_get (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  const char *version = g_variant_get_string (variant, NULL);

  g_value_set_uint (value, g_str_equal (version, "v1.0") ? 1 : 0);
  return TRUE;
}

static GVariant *
api_version_set (const GValue       *value,
                 const GVariantType *type,
                 gpointer            user_data)
{
  return g_variant_new_string (api_versions[MIN (g_value_get_uint (value), 1)]);
}

/* The cloud list follows LkCloud's order, as in the sign-in window. */
static gboolean
cloud_get (GValue   *value,
           GVariant *variant,
           gpointer  user_data)
{
  LkCloud cloud = LK_CLOUD_GLOBAL;

  lk_cloud_from_nick (g_variant_get_string (variant, NULL), &cloud);
  g_value_set_uint (value, cloud);
  return TRUE;
}

static GVariant *
cloud_set (const GValue       *value,
           const GVariantType *type,
           gpointer            user_data)
{
  return g_variant_new_string (lk_cloud_to_nick (MIN (g_value_get_uint (value), LK_CLOUD_CUSTOM)));
}

/* "organizations" is the setting's word for "no tenant chosen": the row shows it empty. */
static gboolean
tenant_get (GValue   *value,
            GVariant *variant,
            gpointer  user_data)
{
  const char *tenant = g_variant_get_string (variant, NULL);

  g_value_set_string (value, g_str_equal (tenant, "organizations") ? "" : tenant);
  return TRUE;
}

static GVariant *
tenant_set (const GValue       *value,
            const GVariantType *type,
            gpointer            user_data)
{
  g_autofree char *tenant = g_strstrip (g_strdup (g_value_get_string (value)));

  return g_variant_new_string (*tenant != '\0' ? tenant : "organizations");
}

static void
lk_preferences_window_dispose (GObject *object)
{
  LkPreferencesWindow *self = LK_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (lk_preferences_window_parent_class)->dispose (object);
}

static void
lk_preferences_window_class_init (LkPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lk_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/latchkey/Latchkey/lk-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LkPreferencesWindow, api_version_row);
  gtk_widget_class_bind_template_child (widget_class, LkPreferencesWindow, cloud_row);
  gtk_widget_class_bind_template_child (widget_class, LkPreferencesWindow, tenant_row);
  gtk_widget_class_bind_template_child (widget_class, LkPreferencesWindow, clipboard_spin);
}

static void
lk_preferences_window_init (LkPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

LkPreferencesWindow *
lk_preferences_window_new (GSettings *settings,
                           GtkWindow *parent)
{
  LkPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (LK_TYPE_PREFERENCES_WINDOW, "transient-for", parent, NULL);
  self->settings = g_object_ref (settings);
  g_settings_bind_with_mapping (settings, "api-version", self->api_version_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, api_version_get, api_version_set, NULL, NULL);
  g_settings_bind_with_mapping (settings, "cloud", self->cloud_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, cloud_get, cloud_set, NULL, NULL);
  g_settings_bind_with_mapping (settings, "tenant", self->tenant_row, "text",
                                G_SETTINGS_BIND_DEFAULT, tenant_get, tenant_set, NULL, NULL);
  g_settings_bind (settings, "clipboard-clear-seconds", self->clipboard_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  return self;
}
