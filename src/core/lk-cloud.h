/* lk-cloud.h: the Microsoft clouds Latchkey can sign in to, and their Graph hosts.
 *
 * The nicks match the "cloud" enum of the GSettings schema.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  LK_CLOUD_GLOBAL,
  LK_CLOUD_US_GOV_GCC_HIGH,
  LK_CLOUD_US_GOV_DOD,
  LK_CLOUD_CHINA,
  LK_CLOUD_CUSTOM,
} LkCloud;

#define LK_CLOUD_N_CLOUDS (LK_CLOUD_CUSTOM + 1)

const char *lk_cloud_to_nick          (LkCloud     cloud);
/* Returns FALSE (and leaves @cloud alone) for an unknown nick. */
gboolean    lk_cloud_from_nick        (const char *nick,
                                       LkCloud    *cloud);
/* Translated, for the preferences. */
const char *lk_cloud_get_display_name (LkCloud     cloud);
/* e.g. "https://login.microsoftonline.com"; NULL for LK_CLOUD_CUSTOM. */
const char *lk_cloud_get_authority    (LkCloud     cloud);
/* e.g. "https://graph.microsoft.com" (no version); NULL for LK_CLOUD_CUSTOM. */
const char *lk_cloud_get_graph_url    (LkCloud     cloud);
/* The cloud whose authority this is, LK_CLOUD_CUSTOM when none matches. */
LkCloud     lk_cloud_from_authority   (const char *authority);

/* The delegated scopes Latchkey asks for, qualified with the Graph resource of @graph_url
 * ("https://graph.microsoft.us/DeviceManagementManagedDevices.Read.All …"), plus
 * offline_access openid profile. NULL when @graph_url is not an absolute URL. */
char       *lk_cloud_build_scopes     (const char *graph_url);
/* lk_cloud_build_scopes() and the delegated permissions in @extra (space-separated, bare or
 * with a resource prefix) for the same resource: what a sign-in or refresh asks for once a
 * feature needed more (incremental consent). */
char       *lk_cloud_build_scopes_with (const char *graph_url,
                                        const char *extra);
/* The consent step's sentence: "Latchkey needs permission to …" for the permissions in
 * @scopes, in the admin's words. */
char       *lk_scopes_describe_need   (const char *scopes);

/* TRUE for a GUID as Entra writes tenant and application (client) IDs. */
gboolean    lk_is_guid                (const char *text);

/* TRUE when space-separated @granted holds @scope, bare or resource-qualified
 * (".../DeviceManagementManagedDevices.PrivilegedOperations.All"), case-insensitively. */
gboolean    lk_scopes_contain         (const char *granted,
                                       const char *scope);

#define LK_SCOPE_READ       "DeviceManagementManagedDevices.Read.All"
#define LK_SCOPE_PRIVILEGED "DeviceManagementManagedDevices.PrivilegedOperations.All"

G_END_DECLS
