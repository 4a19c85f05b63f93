/* faults-matrix.h: the fault matrix's rows and what runs them, shared by its files:
 * test-faults.c (the helpers, a row's run, main), faults-rows.c (the table), faults-run.c (a
 * search, sign-in, reset, keyring or unlock row) and faults-window.c (the window-closed rows).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fault-fixture.h"

#define MB (1024 * 1024)

typedef enum
{
  OP_SEARCH,   /* list every device (2500 generated: three pages of 1000) */
  OP_SIGN_IN,  /* refresh the account's tokens at the token endpoint */
  OP_RESET,    /* reset a demo Android dedicated device's passcode, tracked to its end */
  OP_REVEAL_LAPS,       /* read a demo PC's LAPS password (the unlock client's GET) */
  OP_REVEAL_BITLOCKER,  /* read one BitLocker recovery key (an audited GET) */
  OP_REVEAL_FILEVAULT,  /* read a demo Mac's FileVault recovery key */
  OP_ROTATE,            /* rotate that Mac's FileVault key (a POST: sent once) */
} Op;

typedef enum
{
  SETUP_NONE,
  SETUP_REVOKE,          /* every refresh token revoked first (and the access tokens, unless
                            the row's fault expires one) */
  SETUP_KEYRING_LOCKED,  /* the keyring is locked (not run: see its row) */
  SETUP_KEYRING_ABSENT,  /* no Secret Service on the bus */
  SETUP_WINDOW_CLOSED,   /* the window that started the request is closed while it runs */
} Setup;

typedef enum
{
  SEEN_OK,
  SEEN_GRAPH,   /* an LK_GRAPH_ERROR with @code */
  SEEN_AUTH,    /* an LK_AUTH_ERROR with @code */
} Seen;

typedef struct
{
  const char *name;
  Op          op;
  Setup       setup;
  LkFault     fault;     /* kind STATUS with status 0: none */
  /* What the admin sees: success, or this error code and a message containing @message. */
  Seen        seen;
  int         code;
  const char *message;
  /* What is verified: requests of the operation (search: GETs of managedDevices; sign-in:
   * POSTs to the token endpoint; reset: POSTs of resetPasscode), devices listed (search,
   * -1 when the listing failed), actions Intune queued (reset), whether the sign-in survives
   * (sign-in: a later refresh works) and refreshes the operation caused (-1: not checked). */
  guint       requests;
  int         devices;
  int         queued;
  gboolean    sign_in_lost;
  int         refreshes;
  /* Not applicable: why. The row is listed (and reported as skipped) instead of missing. */
  const char *na;
  /* Unlock rows: the token's permissions (NULL: every unlock permission) and the id asked for
   * (NULL: the demo device or key that has a secret escrowed). */
  const char *scopes;
  const char *target;
} Row;

#define GET_PAGE(...)  { .method = "GET", .path_contains = "managedDevices", __VA_ARGS__ }
#define TOKEN(...)     { .method = "POST", .path_contains = TOKEN_PATH, __VA_ARGS__ }
#define RESET_POST(...) { .method = "POST", .path_contains = "resetPasscode", __VA_ARGS__ }
/* Page 2 of 3: the fault comes in the middle of the paging. */
#define PAGE_2 .skip = 1

#define NA_KEYRING "a search or a reset never touches the keyring: access tokens live in memory, the keyring is read at start and written when a refresh token rotates (the sign-in rows)"
#define NA_NEXT_LINK "no paging: only a listing follows @odata.nextLink"

/* The unlock rows' tokens: every permission, or every one but the operation's own. */
#define PASSCODE_SCOPES "DeviceManagementManagedDevices.Read.All DeviceManagementManagedDevices.PrivilegedOperations.All"
#define UNLOCK_SCOPES PASSCODE_SCOPES " DeviceManagementManagedDevices.ReadWrite.All DeviceLocalCredential.Read.All BitLockerKey.Read.All"
#define NO_LAPS_SCOPE PASSCODE_SCOPES " DeviceManagementManagedDevices.ReadWrite.All BitLockerKey.Read.All"
#define NO_BITLOCKER_SCOPE PASSCODE_SCOPES " DeviceManagementManagedDevices.ReadWrite.All DeviceLocalCredential.Read.All"
#define NO_READ_SCOPE "DeviceManagementManagedDevices.PrivilegedOperations.All DeviceLocalCredential.Read.All"
#define NO_PRIVILEGED_SCOPE "DeviceManagementManagedDevices.Read.All DeviceManagementManagedDevices.ReadWrite.All"

/* Demo tenant (src/sandbox/demo-unlock.json): the secrets that must never reach an error text. */
#define DEMO_LAPS_ENTRA   "9ba0d918-e727-5ddc-b309-57030960e3c6"
#define DEMO_LAPS         "Vk7#qL2x!mP9wRt4"
#define DEMO_NO_LAPS      "60ab4352-1eeb-580d-8da4-62d05caadac9"
#define DEMO_KEY_ID       "c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f"
#define DEMO_KEY          "284163-516582-692879-035431-372746-145013-707146-433719"
#define DEMO_NO_KEY       "0badc0de-0000-4000-8000-000000000000"
#define DEMO_MAC          "35fcdb7f-dcca-5ea8-91e1-1253fdf5964e"
#define DEMO_FILEVAULT    "K7QJ-M2XW-9PRT-4HVN-B6CZ-3LDF"
#define DEMO_MAC_PERSONAL "b32e0e1a-9ab3-50cc-baa4-3af81b076a44"

#define LAPS_GET(...)      { .method = "GET", .path_contains = "deviceLocalCredentials", __VA_ARGS__ }
#define KEY_GET(...)       { .method = "GET", .path_contains = "recoveryKeys/", __VA_ARGS__ }
#define FILEVAULT_GET(...) { .method = "GET", .path_contains = "getFileVaultKey", __VA_ARGS__ }
#define ROTATE_POST(...)   { .method = "POST", .path_contains = "rotateFileVaultKey", __VA_ARGS__ }
/* The unlock client's token is its own (no account): no refresh to count. */
#define UNLOCK .refreshes = -1

extern const Row          rows[];
extern const guint        n_rows;
extern const char *const  op_names[];

/* test-faults.c */
gboolean  has_fault            (const Row     *row);
/* Requests of @op the sandbox saw (search: GETs of managedDevices; sign-in: POSTs to the
 * token endpoint; reset: POSTs of resetPasscode; unlock: the operation's own). */
guint     count_op_requests    (LkSandbox     *sandbox,
                                Op             op);
void      assert_seen          (const Row     *row,
                                const GError  *error);
void      revoke_tokens        (LkSandbox     *sandbox,
                                const Row     *row);
char     *get_token            (LkAccount     *account,
                                gboolean       force,
                                GError       **error);

/* faults-run.c */
void      run_search           (FaultFixture  *f,
                                const Row     *row);
void      run_sign_in          (FaultFixture  *f,
                                const Row     *row);
void      run_reset            (FaultFixture  *f,
                                const Row     *row);
void      run_keyring          (const Row     *row);
void      run_unlock           (FaultFixture  *f,
                                const Row     *row);

/* faults-window.c */
void      window_closed_search (FaultFixture  *f,
                                const Row     *row);
void      window_closed_reset  (FaultFixture  *f,
                                const Row     *row);
