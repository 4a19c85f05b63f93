/* test-settings.c: the one reading of the sign-in settings (lk_settings_get_sign_in_config)
 * and of the API version, which the CLI, the sign-in dialog and the application share.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-settings.h"

static GSettings *
fresh_settings (void)
{
  GSettings *settings = lk_settings_new ();
  static const char *const keys[] = { "cloud", "tenant", "client-id", "custom-authority",
                                      "custom-graph-url", "api-version" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_settings_reset (settings, keys[i]);
  return settings;
}

static void
assert_config (const LkSignInConfig *config,
               LkCloud               cloud,
               const char           *authority,
               const char           *graph_url,
               const char           *tenant,
               const char           *client_id)
{
  g_assert_nonnull (config);
  g_assert_cmpint (config->cloud, ==, cloud);
  g_assert_cmpstr (config->authority, ==, authority);
  g_assert_cmpstr (config->graph_url, ==, graph_url);
  g_assert_cmpstr (config->tenant, ==, tenant);
  g_assert_cmpstr (config->client_id, ==, client_id);
}

/* The schema's defaults: the global cloud, any work account, no app registration, beta. */
static void
test_defaults (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autoptr(LkSignInConfig) config = lk_settings_get_sign_in_config (settings, NULL, NULL);
  g_autofree char *version = lk_settings_get_api_version (settings, NULL);

  assert_config (config, LK_CLOUD_GLOBAL, "https://login.microsoftonline.com",
                 "https://graph.microsoft.com", "organizations", "");
  g_assert_cmpstr (version, ==, "beta");
}

static void
test_keys (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  g_autoptr(LkSignInConfig) custom = NULL;
  g_autoptr(LkSignInConfig) china = NULL;
  g_autofree char *version = NULL;

  g_settings_set_string (settings, "cloud", "custom");
  g_settings_set_string (settings, "custom-authority", "https://login.example.com");
  g_settings_set_string (settings, "custom-graph-url", "https://graph.example.com");
  g_settings_set_string (settings, "tenant", "contoso.example.com");
  g_settings_set_string (settings, "client-id", "11111111-2222-3333-4444-555555555555");
  g_settings_set_string (settings, "api-version", "v1.0");
  custom = lk_settings_get_sign_in_config (settings, NULL, NULL);
  assert_config (custom, LK_CLOUD_CUSTOM, "https://login.example.com", "https://graph.example.com",
                 "contoso.example.com", "11111111-2222-3333-4444-555555555555");
  version = lk_settings_get_api_version (settings, NULL);
  g_assert_cmpstr (version, ==, "v1.0");

  /* A national cloud brings its own URLs: the custom ones stay for when custom is picked. */
  g_settings_set_string (settings, "cloud", "china");
  china = lk_settings_get_sign_in_config (settings, NULL, NULL);
  assert_config (china, LK_CLOUD_CHINA, "https://login.partner.microsoftonline.cn",
                 "https://microsoftgraph.chinacloudapi.cn", "contoso.example.com",
                 "11111111-2222-3333-4444-555555555555");
}

/* The CLI's options win over the keys; an authority of one's own makes the cloud custom. */
static void
test_overrides (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  LkSignInOverrides gov = { .cloud = "us-gov-dod", .tenant = "fabrikam.example.com" };
  LkSignInOverrides own = { .authority = "https://login.example.org", .graph_url = "https://graph.example.org",
                            .client_id = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" };
  g_autoptr(LkSignInConfig) config = NULL;
  g_autofree char *version = NULL;

  g_settings_set_string (settings, "client-id", "11111111-2222-3333-4444-555555555555");
  g_settings_set_string (settings, "api-version", "v1.0");
  config = lk_settings_get_sign_in_config (settings, &gov, NULL);
  assert_config (config, LK_CLOUD_US_GOV_DOD, "https://login.microsoftonline.us", "https://dod-graph.microsoft.us",
                 "fabrikam.example.com", "11111111-2222-3333-4444-555555555555");
  g_clear_pointer (&config, lk_sign_in_config_free);
  config = lk_settings_get_sign_in_config (settings, &own, NULL);
  assert_config (config, LK_CLOUD_CUSTOM, "https://login.example.org", "https://graph.example.org",
                 "organizations", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
  version = lk_settings_get_api_version (settings, "beta");
  g_assert_cmpstr (version, ==, "beta");
}

/* A CLI run where the schema is not installed: no settings at all. */
static void
test_no_settings (void)
{
  LkSignInOverrides options = { .tenant = "contoso.example.com" };
  g_autoptr(LkSignInConfig) config = lk_settings_get_sign_in_config (NULL, &options, NULL);
  g_autofree char *version = lk_settings_get_api_version (NULL, NULL);

  assert_config (config, LK_CLOUD_GLOBAL, "https://login.microsoftonline.com", "https://graph.microsoft.com",
                 "contoso.example.com", NULL);
  g_assert_cmpstr (version, ==, "beta");
}

static void
test_unknown_cloud (void)
{
  g_autoptr(GSettings) settings = fresh_settings ();
  LkSignInOverrides options = { .cloud = "azure-stack" };
  g_autoptr(GError) error = NULL;
  g_autoptr(LkSignInConfig) config = lk_settings_get_sign_in_config (settings, &options, &error);

  g_assert_null (config);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "azure-stack"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/settings/sign-in/defaults", test_defaults);
  g_test_add_func ("/settings/sign-in/keys", test_keys);
  g_test_add_func ("/settings/sign-in/overrides", test_overrides);
  g_test_add_func ("/settings/sign-in/no-settings", test_no_settings);
  g_test_add_func ("/settings/sign-in/unknown-cloud", test_unknown_cloud);

  return g_test_run ();
}
