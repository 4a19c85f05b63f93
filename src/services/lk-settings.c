/* lk-settings.c: Latchkey's GSettings schema, named once, and what sign-in reads from it.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-settings.h"

GSettings *
lk_settings_new (void)
{
  return g_settings_new (LK_SETTINGS_SCHEMA_ID);
}

GSettings *
lk_settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, LK_SETTINGS_SCHEMA_ID, TRUE);
  return schema != NULL ? g_settings_new_full (schema, NULL, NULL) : NULL;
}

/* @option when given, else the key, else NULL. */
static char *
choose (const char *option,
        GSettings  *settings,
        const char *key)
{
  if (option != NULL)
    return g_strdup (option);
  return settings != NULL ? g_settings_get_string (settings, key) : NULL;
}

LkSignInConfig *
lk_settings_get_sign_in_config (GSettings               *settings,
                                const LkSignInOverrides *overrides,
                                GError                 **error)
{
  static const LkSignInOverrides none = { NULL };
  g_autofree char *cloud_nick = NULL;
  g_autofree char *tenant = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *authority = NULL;
  g_autofree char *graph_url = NULL;
  LkCloud cloud = LK_CLOUD_GLOBAL;

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  if (overrides == NULL)
    overrides = &none;
  cloud_nick = choose (overrides->cloud, settings, "cloud");
  /* An authority of one's own is a custom cloud, whatever the cloud setting says. */
  if (overrides->authority != NULL)
    cloud = LK_CLOUD_CUSTOM;
  else if (cloud_nick != NULL && !lk_cloud_from_nick (cloud_nick, &cloud))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Unknown cloud “%s”: use global, us-gov-gcc-high, us-gov-dod, china or custom."),
                   cloud_nick);
      return NULL;
    }
  tenant = choose (overrides->tenant, settings, "tenant");
  client_id = choose (overrides->client_id, settings, "client-id");
  authority = choose (overrides->authority, settings, "custom-authority");
  graph_url = choose (overrides->graph_url, settings, "custom-graph-url");
  return lk_sign_in_config_new (cloud, authority, graph_url, tenant, client_id);
}

char *
lk_settings_get_api_version (GSettings  *settings,
                             const char *override)
{
  char *version = choose (override, settings, "api-version");

  return version != NULL ? version : g_strdup ("beta");
}
