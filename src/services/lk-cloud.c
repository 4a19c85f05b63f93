/* lk-cloud.c: the national clouds (hosts from Microsoft's national cloud deployment docs). */
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
