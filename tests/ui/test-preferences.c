/* test-preferences.c: the Preferences window under Xvfb, bound to the settings both ways.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "lk-cloud.h"
#include "lk-preferences-window.h"
#include "lk-settings.h"
#include "../lk-test-common.h"

static gpointer
child (LkPreferencesWindow *window,
       const char          *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (window), LK_TYPE_PREFERENCES_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static void
test_bound_both_ways (void)
{
  g_autoptr(GSettings) settings = lk_settings_new ();
  g_autofree char *api_version = NULL;
  g_autofree char *cloud = NULL;
  g_autofree char *tenant = NULL;
  LkPreferencesWindow *window = lk_preferences_window_new (settings, NULL);
  AdwComboRow *api_row = child (window, "api_version_row");
  AdwComboRow *cloud_row = child (window, "cloud_row");
  GtkEditable *tenant_row = child (window, "tenant_row");
  GtkSpinButton *clipboard = child (window, "clipboard_spin");

  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));

  /* The defaults, shown as they are. */
  g_assert_cmpuint (adw_combo_row_get_selected (api_row), ==, 0);
  g_assert_cmpuint (adw_combo_row_get_selected (cloud_row), ==, LK_CLOUD_GLOBAL);
  g_assert_cmpstr (gtk_editable_get_text (tenant_row), ==, "");
  g_assert_cmpfloat (gtk_spin_button_get_value (clipboard), ==, 60);

  /* The rows write the settings the window and latchkey-cli read. */
  adw_combo_row_set_selected (api_row, 1);
  api_version = g_settings_get_string (settings, "api-version");
  g_assert_cmpstr (api_version, ==, "v1.0");
  adw_combo_row_set_selected (cloud_row, LK_CLOUD_US_GOV_GCC_HIGH);
  cloud = g_settings_get_string (settings, "cloud");
  g_assert_cmpstr (cloud, ==, lk_cloud_to_nick (LK_CLOUD_US_GOV_GCC_HIGH));
  gtk_editable_set_text (tenant_row, "contoso.onmicrosoft.com");
  tenant = g_settings_get_string (settings, "tenant");
  g_assert_cmpstr (tenant, ==, "contoso.onmicrosoft.com");
  g_clear_pointer (&tenant, g_free);
  gtk_editable_set_text (tenant_row, "");
  tenant = g_settings_get_string (settings, "tenant");
  g_assert_cmpstr (tenant, ==, "organizations");
  gtk_spin_button_set_value (clipboard, 90);
  g_assert_cmpuint (g_settings_get_uint (settings, "clipboard-clear-seconds"), ==, 90);

  /* And follow a change made elsewhere (gsettings). */
  g_settings_set_string (settings, "api-version", "beta");
  g_assert_cmpuint (adw_combo_row_get_selected (api_row), ==, 0);
  g_settings_set_string (settings, "tenant", "fabrikam.onmicrosoft.com");
  g_assert_cmpstr (gtk_editable_get_text (tenant_row), ==, "fabrikam.onmicrosoft.com");
  g_settings_set_uint (settings, "clipboard-clear-seconds", 30);
  g_assert_cmpfloat (gtk_spin_button_get_value (clipboard), ==, 30);

  gtk_window_destroy (GTK_WINDOW (window));
  lk_test_assert_finalized_soon (window);
  for (guint i = 0; i < 5; i++)
    {
      static const char *const keys[] = { "api-version", "cloud", "tenant", "clipboard-clear-seconds", "client-id" };

      g_settings_reset (settings, keys[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/preferences/bound-both-ways", test_bound_both_ways);

  return g_test_run ();
}
