/* lk-cli-common.h: what latchkey-cli's commands share — the exit codes, the state of one run,
 * waiting for an operation, reporting an error, and the reads several commands make.
 *
 * The program is one file per job: main.c (options, dispatch), lk-cli-accounts.c (sign-in,
 * accounts, connecting a command to Graph), lk-cli-search.c (search, show), lk-cli-actions.c
 * (reset, status, sync, history, the in-flight check), lk-cli-unlock.c (unlock, laps,
 * bitlocker, filevault, rotate) and lk-cli-output.c (how devices and results are printed).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-account-manager.h"
#include "lk-graph-client.h"
#include "lk-sandbox.h"
#include "lk-unlock-options.h"

G_BEGIN_DECLS

/* Exit codes scripts can branch on; documented in --help and README. */
enum
{
  EXIT_OK = 0,
  EXIT_FAILURE_ = 1,
  EXIT_USAGE = 2,
  EXIT_NOT_FOUND = 3,
  EXIT_AUTH = 4,
  EXIT_FORBIDDEN = 5,
  EXIT_UNAVAILABLE = 6,
  EXIT_NOT_SUPPORTED = 7,
  EXIT_ABORTED = 8,
  EXIT_OUTCOME_UNKNOWN = 9,
  EXIT_IN_FLIGHT = 10,
  EXIT_DEVICE_FAILED = 11,
  EXIT_AWAITING_APPROVAL = 12,
};

typedef struct
{
  gboolean       demo;
  gboolean       json;
  gboolean       jsonl;      /* search: one device a line, as Graph sends them */
  gboolean       yes;
  gboolean       token_stdin;
  gboolean       device_code;
  gboolean       wait;
  gboolean       csv;
  gboolean       force;
  gboolean       reveal;
  char          *reason;     /* a ticket number, journaled with a reveal or rotation */
  char          *graph_url;
  char          *api_version;
  char          *authority;
  char          *cloud;
  char          *tenant;
  char          *client_id;
  char          *account_name;

  GSettings        *settings;   /* NULL when the schema is not installed */
  LkSandbox        *sandbox;
  LkAccountManager *accounts;
  LkAccount        *account;    /* the account in use, for the history; NULL with a raw token */
  LkGraphClient *client;
  GAsyncResult  *result;
  gboolean       progress;   /* stderr is a terminal */
  gboolean       waiting_shown;   /* a "Waiting for Microsoft Graph" line is on stderr */
} Cli;

/* lk-cli-common.c */
void          cli_clear                (Cli           *cli);
/* The CLI is sequential: a command starts one operation with this callback and @cli as its
 * data, then collects it with cli_wait(). */
void          store_result_cb          (GObject       *source,
                                        GAsyncResult  *result,
                                        gpointer       user_data);
GAsyncResult *cli_wait                 (Cli           *cli);
/* Prints @error for people (inert text, request ids) and returns the exit code for it. */
int           report_error             (Cli           *cli,
                                        const GError  *error);
void          apply_timeouts           (LkGraphClient *client);
void          waiting_cb               (LkGraphClient *client,
                                        guint          seconds,
                                        guint          budget,
                                        gpointer       user_data);
LkDevice     *fetch_device             (Cli           *cli,
                                        const char    *id,
                                        GError       **error);
GPtrArray    *fetch_results            (Cli           *cli,
                                        const char    *id,
                                        GError       **error);
void          print_json_members       (const char    *name,
                                        ...) G_GNUC_NULL_TERMINATED;
gboolean      confirm_by_name          (LkDevice      *device);
GPtrArray    *read_journal_and_results (Cli           *cli,
                                        const char    *id,
                                        GPtrArray    **results);

/* lk-cli-accounts.c */
gboolean      cli_connect              (Cli           *cli,
                                        GError       **error);
gboolean      ensure_scope             (Cli           *cli,
                                        const char    *scope,
                                        GError       **error);
int           cmd_sign_in              (Cli           *cli);
int           cmd_accounts             (Cli           *cli);
int           cmd_sign_out             (Cli           *cli,
                                        const char    *username);

/* lk-cli-search.c */
int           cmd_search               (Cli           *cli,
                                        const char    *text);
int           cmd_show                 (Cli           *cli,
                                        const char    *id);

/* lk-cli-actions.c */
int           cmd_status               (Cli           *cli,
                                        const char    *id);
int           cmd_sync                 (Cli           *cli,
                                        const char    *id);
int           cmd_history              (Cli           *cli);
int           cmd_reset                (Cli           *cli,
                                        const char    *id);

/* lk-cli-unlock.c */
int           cmd_unlock               (Cli           *cli,
                                        const char    *id);
int           cmd_secret               (Cli           *cli,
                                        LkUnlockKind   kind,
                                        const char    *command,
                                        const char    *id);
int           cmd_bitlocker            (Cli           *cli,
                                        const char    *id,
                                        const char    *key_id);
int           cmd_rotate               (Cli           *cli,
                                        const char    *kind_text,
                                        const char    *id);

G_END_DECLS
