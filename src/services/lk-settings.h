/* lk-settings.h: Latchkey's GSettings schema, named once, and what sign-in reads from it.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-account-manager.h"

G_BEGIN_DECLS

#define LK_SETTINGS_SCHEMA_ID "io.github.latchkey.Latchkey"

/* The settings; the schema must be installed (the application's case). */
GSettings *lk_settings_new              (void);
/* The settings, or NULL when the schema is not installed (a CLI run from anywhere). */
GSettings *lk_settings_new_if_installed (void);

/* What a caller's own options put over the settings (the CLI's command line); each member
 * NULL: its key. */
typedef struct
{
  const char *cloud;       /* a nick: global, us-gov-gcc-high, us-gov-dod, china or custom */
  const char *authority;   /* given: the cloud is custom */
  const char *graph_url;
  const char *tenant;
  const char *client_id;
} LkSignInOverrides;

/* Where a sign-in goes, from the keys cloud, tenant, client-id, custom-authority and
 * custom-graph-url of @settings (NULL: no settings, every key unset) under @overrides (may be
 * NULL). The one reading of those keys: the window's sign-in dialog and the CLI both use it.
 * Fails only on an unknown cloud; an empty client id or custom URL is the caller's to refuse. */
LkSignInConfig *lk_settings_get_sign_in_config (GSettings               *settings,
                                                const LkSignInOverrides *overrides,
                                                GError                 **error);
/* The Graph API version lists are read from: @override, else the api-version key, else beta. */
char           *lk_settings_get_api_version    (GSettings               *settings,
                                                const char              *override);

G_END_DECLS
