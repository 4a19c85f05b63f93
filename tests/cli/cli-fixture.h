/* cli-fixture.h: what the latchkey-cli test programs share — a sandbox with the demo tenant
 * and a token for it, running the CLI as a script would, and reading its JSON.
 *
 * The tests are split by theme: test-cli.c (search, show, settings, exit codes, ids, JSON),
 * test-cli-accounts.c (the demo tenant, sign-in, accounts), test-cli-actions.c (reset, status,
 * the journal) and test-cli-unlock.c (LAPS, BitLocker, FileVault, rotation).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "../lk-test-common.h"
#include "lk-sandbox.h"

#define ALL_SCOPES "DeviceManagementManagedDevices.Read.All DeviceManagementManagedDevices.PrivilegedOperations.All"

/* The Android Enterprise dedicated device of the demo tenant: its reset returns a passcode. */
#define ANDROID_DEDICATED_ID "057dd76b-8514-5c99-bc6c-d36f49147ce8"

typedef struct
{
  LkSandbox *sandbox;
  char      *graph_url;
  char      *token;
} Fixture;

extern const char *cli_path;
/* The fixture's own XDG_STATE_HOME (its history), and whether GLib's debug output is on. */
extern char       *state_home;
extern gboolean    messages_debug;
extern char       *config_home;   /* non-NULL: the CLI reads settings from a keyfile there */

/* g_test_init(), and the CLI's path from the first argument. */
void                 cli_test_init  (int          *argc,
                                     char       ***argv);
void                 setup          (Fixture       *fixture,
                                     gconstpointer  data);
void                 teardown       (Fixture       *fixture,
                                     gconstpointer  data);
GSubprocessLauncher *launcher_new   (void);
/* Runs the CLI with @input on stdin; returns its exit status, stdout in @out. */
int                  run_cli        (const char    *input,
                                     char         **out,
                                     char         **err,
                                     ...) G_GNUC_NULL_TERMINATED;
JsonArray           *parse_array    (const char    *text);
JsonObject          *parse_object   (const char    *text);
JsonObject          *find_device    (Fixture       *fixture,
                                     const char    *os,
                                     const char    *owner);
JsonArray           *history_json   (void);
