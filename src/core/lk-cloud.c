/* lk-cloud.c: the national clouds (hosts from Microsoft's national cloud deployment docs).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-cloud.h"

typedef struct
{
  const char *nick;
  const char *name;
  const char *authority;
  const char *graph_url;
} CloudInfo;

static const CloudInfo clouds[LK_CLOUD_N_CLOUDS] = {
  [LK_CLOUD_GLOBAL] = { "global", N_("Global"),
                        "https://login.microsoftonline.com", "https://graph.microsoft.com" },
  [LK_CLOUD_US_GOV_GCC_HIGH] = { "us-gov-gcc-high", N_("US Government GCC High"),
                                 "https://login.microsoftonline.us", "https://graph.microsoft.us" },
  [LK_CLOUD_US_GOV_DOD] = { "us-gov-dod", N_("US Government DoD"),
                            "https://login.microsoftonline.us", "https://dod-graph.microsoft.us" },
  [LK_CLOUD_CHINA] = { "china", N_("China (21Vianet)"),
                       "https://login.partner.microsoftonline.cn",
                       "https://microsoftgraph.chinacloudapi.cn" },
  [LK_CLOUD_CUSTOM] = { "custom", N_("Custom"), NULL, NULL },
};

static const CloudInfo *
get_info (LkCloud cloud)
{
  if ((guint) cloud >= LK_CLOUD_N_CLOUDS)
    cloud = LK_CLOUD_GLOBAL;
  return &clouds[cloud];
}

const char *
lk_cloud_to_nick (LkCloud cloud)
{
  return get_info (cloud)->nick;
}

gboolean
lk_cloud_from_nick (const char *nick,
                    LkCloud    *cloud)
{
  g_return_val_if_fail (cloud != NULL, FALSE);

  if (nick == NULL)
    return FALSE;

  for (guint i = 0; i < LK_CLOUD_N_CLOUDS; i++)
    {
      if (g_str_equal (nick, clouds[i].nick))
        {
          *cloud = (LkCloud) i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
lk_cloud_get_display_name (LkCloud cloud)
{
  return _(get_info (cloud)->name);
}

const char *
lk_cloud_get_authority (LkCloud cloud)
{
  return get_info (cloud)->authority;
}

const char *
lk_cloud_get_graph_url (LkCloud cloud)
{
  return get_info (cloud)->graph_url;
}

LkCloud
lk_cloud_from_authority (const char *authority)
{
  g_autofree char *trimmed = NULL;

  if (authority == NULL)
    return LK_CLOUD_CUSTOM;

  trimmed = g_strdup (authority);
  while (g_str_has_suffix (trimmed, "/"))
    trimmed[strlen (trimmed) - 1] = '\0';

  /* GCC High and DoD share the authority; the Graph host tells them apart, so this
   * answers the first (GCC High) and callers keep the cloud they stored. */
  for (guint i = 0; i < LK_CLOUD_CUSTOM; i++)
    if (g_ascii_strcasecmp (trimmed, clouds[i].authority) == 0)
      return (LkCloud) i;
  return LK_CLOUD_CUSTOM;
}

char *
lk_cloud_build_scopes (const char *graph_url)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *resource = NULL;

  if (graph_url == NULL)
    return NULL;

  uri = g_uri_parse (graph_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return NULL;

  /* The resource is scheme + host (+ port for custom/loopback), never the path. */
  resource = g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL,
                         g_uri_get_host (uri), g_uri_get_port (uri), "", NULL, NULL);

  return g_strdup_printf ("%s/" LK_SCOPE_READ " %s/" LK_SCOPE_PRIVILEGED
                          " offline_access openid profile", resource, resource);
}

static gboolean
is_oidc_scope (const char *scope)
{
  return g_str_equal (scope, "openid") || g_str_equal (scope, "profile")
         || g_str_equal (scope, "offline_access") || g_str_equal (scope, "email");
}

char *
lk_cloud_build_scopes_with (const char *graph_url,
                            const char *extra)
{
  g_autofree char *base = lk_cloud_build_scopes (graph_url);
  g_auto(GStrv) parts = NULL;
  g_autofree char *resource = NULL;
  GString *scopes;

  if (base == NULL || extra == NULL)
    return g_steal_pointer (&base);
  /* The base starts with "{resource}/…": every delegated permission is for that resource. */
  resource = g_strndup (base, strcspn (base, " "));
  *strrchr (resource, '/') = '\0';
  scopes = g_string_new (base);
  parts = g_strsplit_set (extra, " \t", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *bare = strrchr (parts[i], '/');

      bare = bare != NULL ? bare + 1 : parts[i];
      if (*bare == '\0' || is_oidc_scope (bare) || g_str_has_prefix (bare, ".")
          || lk_scopes_contain (scopes->str, bare))
        continue;
      g_string_append_printf (scopes, " %s/%s", resource, bare);
    }
  return g_string_free (scopes, FALSE);
}

/* What each permission Latchkey may ask for lets it do, in the words of the consent step. */
static const char *
permission_purpose (const char *scope)
{
  static const struct { const char *scope; const char *purpose; } purposes[] = {
    { LK_SCOPE_READ, N_("find managed devices") },
    { LK_SCOPE_PRIVILEGED, N_("reset and remove device passcodes") },
    { "DeviceLocalCredential.Read.All", N_("read Windows local administrator passwords (LAPS)") },
    { "BitLockerKey.Read.All", N_("read BitLocker recovery keys") },
    { "DeviceManagementConfiguration.Read.All", N_("read device configuration") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (purposes); i++)
    if (g_ascii_strcasecmp (purposes[i].scope, scope) == 0)
      return _(purposes[i].purpose);
  return NULL;
}

char *
lk_scopes_describe_need (const char *scopes)
{
  g_auto(GStrv) parts = g_strsplit_set (scopes != NULL ? scopes : "", " \t", -1);
  g_autoptr(GPtrArray) purposes = g_ptr_array_new ();
  g_autofree char *list = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *bare = strrchr (parts[i], '/');
      const char *purpose;

      bare = bare != NULL ? bare + 1 : parts[i];
      if (*bare == '\0' || is_oidc_scope (bare))
        continue;
      purpose = permission_purpose (bare);
      /* An unknown permission is named as Microsoft names it: the admin can look it up. */
      g_ptr_array_add (purposes, (gpointer) (purpose != NULL ? purpose : bare));
    }
  g_ptr_array_add (purposes, NULL);
  /* Translators: joins the things Latchkey needs permission to do, e.g. "read A; read B". */
  list = g_strjoinv (C_("permission list", "; "), (char **) purposes->pdata);
  /* Translators: %s is what Latchkey needs permission to do, e.g. "read BitLocker recovery keys". */
  return g_strdup_printf (_("Latchkey needs permission to %s. Your browser opens to ask for it; your organization may need an administrator to approve it first."),
                          list);
}

gboolean
lk_is_guid (const char *text)
{
  static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

  if (text == NULL || strlen (text) != strlen (shape))
    return FALSE;
  for (guint i = 0; shape[i] != '\0'; i++)
    if (shape[i] == '-' ? text[i] != '-' : !g_ascii_isxdigit (text[i]))
      return FALSE;
  return TRUE;
}

gboolean
lk_scopes_contain (const char *granted,
                   const char *scope)
{
  g_auto(GStrv) parts = NULL;

  if (granted == NULL || scope == NULL)
    return FALSE;

  parts = g_strsplit_set (granted, " \t", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *bare = strrchr (parts[i], '/');

      bare = bare != NULL ? bare + 1 : parts[i];
      if (g_ascii_strcasecmp (bare, scope) == 0)
        return TRUE;
    }
  return FALSE;
}
