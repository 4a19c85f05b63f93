/* test-faults.c: the fault matrix. Every fault the sandbox can inject, against each of the
 * three things an admin does — search (the Graph client's listing), sign-in (the account's
 * token refresh at the sandbox's token endpoint) and reset (the action tracker's POST and its
 * follow-up) — through the real client, the real account and the real tracker over loopback
 * HTTP. The unlock rows read LAPS, BitLocker and FileVault secrets and rotate one through the
 * real unlock client. Each row says what the admin is shown and what must not be lost or sent
 * twice; the sandbox's request log is the witness.
 *
 * The keyring-absent row runs in a child process whose session bus leads nowhere. The window-closed rows need a display:
 * they run in a second process (meson test 'faults-ui', LK_FAULTS_UI=1) under Xvfb.
 */
#include "config.h"

#include <adwaita.h>

#include "fault-fixture.h"
#include "lk-capability.h"
#include "lk-reset-wizard.h"
#include "lk-unlock-client.h"
#include "lk-window.h"

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

static const Row rows[] = {
  /* ---- search ---------------------------------------------------------------------------- */
  { "429-retry-after", OP_SEARCH, .fault = GET_PAGE (PAGE_2, .status = 429, .retry_after = "0.2"),
    .requests = 4, .devices = 2500, .refreshes = 0 },
  { "429", OP_SEARCH, .fault = GET_PAGE (PAGE_2, .status = 429),
    .requests = 4, .devices = 2500, .refreshes = 0 },
  { "500", OP_SEARCH, .fault = GET_PAGE (PAGE_2, .status = 500),
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_SERVER, .message = "Microsoft Graph had an internal error.",
    .requests = 2, .devices = -1, .refreshes = 0 },
  { "503", OP_SEARCH, .fault = GET_PAGE (PAGE_2, .status = 503),
    .requests = 4, .devices = 2500, .refreshes = 0 },
  { "504", OP_SEARCH, .fault = GET_PAGE (PAGE_2, .status = 504),
    .requests = 4, .devices = 2500, .refreshes = 0 },
  /* A GET cut off mid-body is safe to send again. */
  { "drop-mid-body", OP_SEARCH, .fault = GET_PAGE (PAGE_2, .kind = LK_FAULT_DROP_MID_BODY),
    .requests = 4, .devices = 2500, .refreshes = 0 },
  /* A complete answer with unreadable JSON is not retried: the listing stops with an error. */
  { "truncated", OP_SEARCH, .fault = GET_PAGE (PAGE_2, .kind = LK_FAULT_TRUNCATE),
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_INVALID_RESPONSE, .message = "could not read",
    .requests = 2, .devices = -1, .refreshes = 0 },
  { "malformed", OP_SEARCH, .fault = GET_PAGE (PAGE_2, .kind = LK_FAULT_MALFORMED),
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_INVALID_RESPONSE, .message = "could not read",
    .requests = 2, .devices = -1, .refreshes = 0 },
  /* Members of the wrong type read as missing: every device still listed, once. */
  { "wrong-types", OP_SEARCH, .fault = GET_PAGE (PAGE_2, .kind = LK_FAULT_WRONG_TYPES),
    .requests = 3, .devices = 2500, .refreshes = 0 },
  /* 50 MB is under the client's 64 MiB cap: read in chunks, parsed off the main loop; the
   * page has one device and no nextLink, so that is the listing. */
  { "huge-body", OP_SEARCH, .fault = GET_PAGE (.kind = LK_FAULT_HUGE_BODY, .size = 50 * MB),
    .requests = 1, .devices = 1, .refreshes = 0 },
  { "foreign-next-link", OP_SEARCH, .fault = GET_PAGE (.kind = LK_FAULT_FOREIGN_NEXT_LINK),
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_INSECURE, .message = "evil.example.com",
    .requests = 1, .devices = -1, .refreshes = 0 },
  /* 401 on page 2: one refresh at the token endpoint, the page again, nothing twice. */
  { "token-expires", OP_SEARCH, .fault = GET_PAGE (PAGE_2, .kind = LK_FAULT_EXPIRE_TOKEN),
    .requests = 4, .devices = 2500, .refreshes = 1 },
  /* The access token dies on page 2 and the refresh token is revoked too. */
  { "refresh-revoked", OP_SEARCH, SETUP_REVOKE, GET_PAGE (PAGE_2, .kind = LK_FAULT_EXPIRE_TOKEN),
    .seen = SEEN_AUTH, .code = LK_AUTH_ERROR_INVALID_GRANT, .message = "Sign in again",
    .requests = 2, .devices = -1, .refreshes = 1 },
  { "keyring-locked", OP_SEARCH, SETUP_KEYRING_LOCKED, .na = NA_KEYRING },
  { "keyring-absent", OP_SEARCH, SETUP_KEYRING_ABSENT, .na = NA_KEYRING },
  /* The window is destroyed while its search ("rossi": two listings, by name and by user) is
   * held back: finalized at once, nothing sent again. */
  { "window-closed", OP_SEARCH, SETUP_WINDOW_CLOSED, GET_PAGE (.kind = LK_FAULT_DELAY, .delay_ms = 1500),
    .requests = 2, .devices = -1, .refreshes = 0 },

  /* ---- sign-in: 429 and 503 say the request was not taken, so it is sent again (after the
   * Retry-After asked for, at most twice); other failures reach the admin at once. What
   * matters then is that the refresh token survives a transient fault --------------------- */
  { "429-retry-after", OP_SIGN_IN, .fault = TOKEN (.status = 429, .retry_after = "0.2"),
    .requests = 2 },
  { "429", OP_SIGN_IN, .fault = TOKEN (.status = 429),
    .requests = 2 },
  /* Still refused after two more tries: said, and the sign-in kept. */
  { "429-persistent", OP_SIGN_IN, .fault = TOKEN (.status = 429, .retry_after = "0.1", .times = 5),
    .seen = SEEN_AUTH, .code = LK_AUTH_ERROR_OAUTH, .message = "temporarily_unavailable",
    .requests = 3 },
  { "500", OP_SIGN_IN, .fault = TOKEN (.status = 500),
    .seen = SEEN_AUTH, .code = LK_AUTH_ERROR_OAUTH, .message = "temporarily_unavailable",
    .requests = 1 },
  { "503", OP_SIGN_IN, .fault = TOKEN (.status = 503),
    .requests = 2 },
  { "504", OP_SIGN_IN, .fault = TOKEN (.status = 504),
    .seen = SEEN_AUTH, .code = LK_AUTH_ERROR_OAUTH, .message = "temporarily_unavailable",
    .requests = 1 },
  /* The sandbox rotated the refresh token and the answer carrying the new one was cut off:
   * the old one is spent, so the next refresh says to sign in again (Entra ID itself keeps
   * the old token valid; the sandbox's strict rotation shows the worst case). libsoup hands
   * the half body over as if whole, so it reads as an unreadable answer. */
  { "drop-mid-body", OP_SIGN_IN, .fault = TOKEN (.kind = LK_FAULT_DROP_MID_BODY),
    .seen = SEEN_AUTH, .code = LK_AUTH_ERROR_INVALID_RESPONSE, .message = "could not read",
    .requests = 1, .sign_in_lost = TRUE },
  { "truncated", OP_SIGN_IN, .fault = TOKEN (.kind = LK_FAULT_TRUNCATE),
    .seen = SEEN_AUTH, .code = LK_AUTH_ERROR_INVALID_RESPONSE, .message = "could not read",
    .requests = 1, .sign_in_lost = TRUE },
  /* A proxy's HTML page instead of the answer: nothing was rotated. */
  { "malformed", OP_SIGN_IN, .fault = TOKEN (.kind = LK_FAULT_MALFORMED),
    .seen = SEEN_AUTH, .code = LK_AUTH_ERROR_INVALID_RESPONSE, .message = "could not read",
    .requests = 1 },
  /* expires_in as a string, token_type as a number: tolerated. */
  { "wrong-types", OP_SIGN_IN, .fault = TOKEN (.kind = LK_FAULT_WRONG_TYPES),
    .requests = 1 },
  { "huge-body", OP_SIGN_IN, .fault = TOKEN (.kind = LK_FAULT_HUGE_BODY, .size = 50 * MB),
    .seen = SEEN_AUTH, .code = LK_AUTH_ERROR_INVALID_RESPONSE, .message = "did not return an access token",
    .requests = 1 },
  { "foreign-next-link", OP_SIGN_IN, .na = "token answers have no links to follow" },
  { "token-expires", OP_SIGN_IN, .na = "an expiring access token is what starts a refresh: the search and reset rows cover it" },
  /* invalid_grant: the account needs a new sign-in, and asks the server nothing more. */
  { "refresh-revoked", OP_SIGN_IN, SETUP_REVOKE,
    .seen = SEEN_AUTH, .code = LK_AUTH_ERROR_INVALID_GRANT, .message = "Sign in again",
    .requests = 1, .sign_in_lost = TRUE },
  /* Locking a keyring cannot be undone without a prompt, so this needs a keyring of its own;
   * a gnome-keyring-daemon started on a private GTestDBus bus left the bus after its first
   * write, so the row is not run here. tests/services/test-token-store.c
   * (/token-store/locked-collection) covers it in the shared session, last and alone. */
  { "keyring-locked", OP_SIGN_IN, SETUP_KEYRING_LOCKED,
    .na = "needs a private keyring daemon (see the comment in the table); covered by /token-store/locked-collection" },
  /* No Secret Service: said plainly, then a session-only sign-in that refreshes fine. */
  { "keyring-absent", OP_SIGN_IN, SETUP_KEYRING_ABSENT,
    .seen = SEEN_AUTH, .code = LK_AUTH_ERROR_KEYRING_UNAVAILABLE, .message = "No keyring",
    .requests = 2 },
  /* A search needs a refresh, which is held back; the window is closed meanwhile. The refresh
   * still lands in the account: one token request, and the new refresh token kept. */
  { "window-closed", OP_SIGN_IN, SETUP_WINDOW_CLOSED, TOKEN (.kind = LK_FAULT_DELAY, .delay_ms = 1500),
    .requests = 1 },

  /* ---- reset: a POST Intune did not take may be sent again; one whose outcome is unknown
   * never is: the tracker reads deviceActionResults instead ------------------------------- */
  { "429-retry-after", OP_RESET, .fault = RESET_POST (.status = 429, .retry_after = "0.2"),
    .requests = 2, .queued = 1 },
  { "429", OP_RESET, .fault = RESET_POST (.status = 429),
    .requests = 2, .queued = 1 },
  /* Any 5xx after the POST left may follow Intune queuing it: outcome unknown, never resent,
   * resolved from deviceActionResults — to done when Intune had queued it, to "outcome
   * unknown" (no action in Intune) when it had not. 503 too, though Graph calls it retryable. */
  { "500", OP_RESET, .fault = RESET_POST (.status = 500),
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_OUTCOME_UNKNOWN, .message = "shows no passcode action",
    .requests = 1, .queued = 0 },
  { "500-processed", OP_RESET, .fault = RESET_POST (.status = 500, .processed = TRUE),
    .requests = 1, .queued = 1 },
  { "503", OP_RESET, .fault = RESET_POST (.status = 503, .retry_after = "0.2"),
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_OUTCOME_UNKNOWN, .message = "shows no passcode action",
    .requests = 1, .queued = 0 },
  { "503-processed", OP_RESET, .fault = RESET_POST (.status = 503, .processed = TRUE),
    .requests = 1, .queued = 1 },
  /* A gateway timed out after Intune queued it: outcome unknown, never resent, resolved to
   * done from deviceActionResults. */
  { "504", OP_RESET, .fault = RESET_POST (.status = 504, .processed = TRUE),
    .requests = 1, .queued = 1 },
  /* A 204 has no body to cut: the connection closes after Intune queued it, unanswered. */
  { "drop-mid-body", OP_RESET, .fault = RESET_POST (.kind = LK_FAULT_DROP_MID_BODY),
    .requests = 1, .queued = 1 },
  /* No body to cut either: the tracker's first read of the action results is truncated, and a
   * failed read never holds the action back or sends it twice. */
  { "truncated", OP_RESET, .fault = GET_PAGE (.kind = LK_FAULT_TRUNCATE),
    .requests = 1, .queued = 1 },
  /* Intune queued it and a proxy answered 200 with an HTML page: a 2xx is "queued". */
  { "malformed", OP_RESET, .fault = RESET_POST (.kind = LK_FAULT_MALFORMED, .processed = TRUE),
    .requests = 1, .queued = 1 },
  /* deviceActionResults as a string in the first read: no earlier action, then ours. */
  { "wrong-types", OP_RESET, .fault = GET_PAGE (.kind = LK_FAULT_WRONG_TYPES),
    .requests = 1, .queued = 1 },
  { "huge-body", OP_RESET, .fault = RESET_POST (.kind = LK_FAULT_HUGE_BODY, .size = 50 * MB, .processed = TRUE),
    .requests = 1, .queued = 1 },
  { "foreign-next-link", OP_RESET, .na = NA_NEXT_LINK },
  /* Intune's own 403s: refused before processing, so nothing queued and "not sent" — except
   * Multi Admin Approval, which holds the request for a second admin and is not a failure. */
  { "403-permission", OP_RESET, .fault = { .kind = LK_FAULT_FORBIDDEN, .method = "POST", .path_contains = "resetPasscode",
                                           .graph_code = "Forbidden" },
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_FORBIDDEN, .message = "DeviceManagementManagedDevices.PrivilegedOperations.All",
    .requests = 1, .queued = 0 },
  { "403-role", OP_RESET, .fault = { .kind = LK_FAULT_FORBIDDEN, .method = "POST", .path_contains = "resetPasscode",
                                     .graph_code = "UnknownError" },
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_FORBIDDEN, .message = "Help Desk Operator",
    .requests = 1, .queued = 0 },
  { "403-approval", OP_RESET, .fault = { .kind = LK_FAULT_FORBIDDEN, .method = "POST", .path_contains = "resetPasscode",
                                         .graph_code = "ApprovalRequired" },
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_FORBIDDEN, .message = "Multi Admin Approval",
    .requests = 1, .queued = 0 },
  /* 401 to the POST: nothing was queued, so after one refresh it is sent again. */
  { "token-expires", OP_RESET, .fault = RESET_POST (.kind = LK_FAULT_EXPIRE_TOKEN),
    .requests = 2, .queued = 1, .refreshes = 1 },
  /* Every token revoked: the first read gets a 401 and the refresh fails; the POST is never
   * sent with a dead sign-in. */
  { "refresh-revoked", OP_RESET, SETUP_REVOKE,
    .seen = SEEN_AUTH, .code = LK_AUTH_ERROR_INVALID_GRANT, .message = "Sign in again",
    .requests = 0, .queued = 0, .refreshes = 1 },
  { "keyring-locked", OP_RESET, SETUP_KEYRING_LOCKED, .na = NA_KEYRING },
  { "keyring-absent", OP_RESET, SETUP_KEYRING_ABSENT, .na = NA_KEYRING },
  /* The wizard is closed while the POST is held back: the tracker carries on to done. */
  { "window-closed", OP_RESET, SETUP_WINDOW_CLOSED, RESET_POST (.kind = LK_FAULT_DELAY, .delay_ms = 1000),
    .requests = 1, .queued = 1 },

  /* ---- unlock: a secret read is a GET, sent again only where a GET may be (429, a dropped
   * connection); every failure says what happened without the secret; a rotation is a POST,
   * sent once: after a 5xx its outcome is unknown, a 403 proves it was not sent ------------- */
  { "429-retry-after", OP_REVEAL_LAPS, .fault = LAPS_GET (.status = 429, .retry_after = "0.2"),
    .requests = 2, UNLOCK },
  { "500", OP_REVEAL_LAPS, .fault = LAPS_GET (.status = 500),
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_SERVER, .message = "Microsoft Graph had an internal error.",
    .requests = 1, UNLOCK },
  { "drop", OP_REVEAL_LAPS, .fault = LAPS_GET (.kind = LK_FAULT_DROP),
    .requests = 2, UNLOCK },
  { "malformed", OP_REVEAL_LAPS, .fault = LAPS_GET (.kind = LK_FAULT_MALFORMED),
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_INVALID_RESPONSE, .message = "could not read",
    .requests = 1, UNLOCK },
  { "403-missing-permission", OP_REVEAL_LAPS, .scopes = NO_LAPS_SCOPE,
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_FORBIDDEN, .message = "DeviceLocalCredential.Read.All",
    .requests = 1, UNLOCK },
  { "404-nothing-escrowed", OP_REVEAL_LAPS, .target = DEMO_NO_LAPS,
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_NOT_FOUND, .message = "holds no LAPS password",
    .requests = 1, UNLOCK },
  { "429-retry-after", OP_REVEAL_BITLOCKER, .fault = KEY_GET (.status = 429, .retry_after = "0.2"),
    .requests = 2, UNLOCK },
  { "500", OP_REVEAL_BITLOCKER, .fault = KEY_GET (.status = 500),
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_SERVER, .message = "Microsoft Graph had an internal error.",
    .requests = 1, UNLOCK },
  { "drop", OP_REVEAL_BITLOCKER, .fault = KEY_GET (.kind = LK_FAULT_DROP),
    .requests = 2, UNLOCK },
  { "malformed", OP_REVEAL_BITLOCKER, .fault = KEY_GET (.kind = LK_FAULT_MALFORMED),
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_INVALID_RESPONSE, .message = "could not read",
    .requests = 1, UNLOCK },
  { "403-missing-permission", OP_REVEAL_BITLOCKER, .scopes = NO_BITLOCKER_SCOPE,
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_FORBIDDEN, .message = "BitLockerKey.Read.All",
    .requests = 1, UNLOCK },
  { "404-nothing-escrowed", OP_REVEAL_BITLOCKER, .target = DEMO_NO_KEY,
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_NOT_FOUND, .message = "not in Microsoft Entra ID",
    .requests = 1, UNLOCK },
  { "429-retry-after", OP_REVEAL_FILEVAULT, .fault = FILEVAULT_GET (.status = 429, .retry_after = "0.2"),
    .requests = 2, UNLOCK },
  { "500", OP_REVEAL_FILEVAULT, .fault = FILEVAULT_GET (.status = 500),
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_SERVER, .message = "Microsoft Graph had an internal error.",
    .requests = 1, UNLOCK },
  { "drop", OP_REVEAL_FILEVAULT, .fault = FILEVAULT_GET (.kind = LK_FAULT_DROP),
    .requests = 2, UNLOCK },
  { "malformed", OP_REVEAL_FILEVAULT, .fault = FILEVAULT_GET (.kind = LK_FAULT_MALFORMED),
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_INVALID_RESPONSE, .message = "could not read",
    .requests = 1, UNLOCK },
  { "403-missing-permission", OP_REVEAL_FILEVAULT, .scopes = NO_READ_SCOPE,
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_FORBIDDEN, .message = "DeviceManagementManagedDevices.Read.All",
    .requests = 1, UNLOCK },
  { "404-nothing-escrowed", OP_REVEAL_FILEVAULT, .target = DEMO_MAC_PERSONAL,
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_NOT_FOUND, .message = "holds no FileVault recovery key",
    .requests = 1, UNLOCK },
  /* Intune queued the rotation, then the gateway failed: outcome unknown, never resent. */
  { "500-processed", OP_ROTATE, .fault = ROTATE_POST (.status = 500, .processed = TRUE),
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_OUTCOME_UNKNOWN, .message = "It was not sent again",
    .requests = 1, .queued = 1, UNLOCK },
  { "403-missing-permission", OP_ROTATE, .scopes = NO_PRIVILEGED_SCOPE,
    .seen = SEEN_GRAPH, .code = LK_GRAPH_ERROR_FORBIDDEN, .message = "DeviceManagementManagedDevices.PrivilegedOperations.All",
    .requests = 1, .queued = 0, UNLOCK },
};

static const char *const op_names[] = { "search", "sign-in", "reset", "reveal-laps", "reveal-bitlocker",
                                        "reveal-filevault", "rotate" };

static gboolean
has_fault (const Row *row)
{
  return row->fault.kind != LK_FAULT_STATUS || row->fault.status != 0;
}

static guint
count_op_requests (LkSandbox *sandbox,
                   Op         op)
{
  switch (op)
    {
    case OP_SEARCH:
      return lk_sandbox_count_requests (sandbox, "GET", "managedDevices");
    case OP_SIGN_IN:
      return lk_sandbox_count_requests (sandbox, "POST", TOKEN_PATH);
    case OP_REVEAL_LAPS:
      return lk_sandbox_count_requests (sandbox, "GET", "deviceLocalCredentials");
    case OP_REVEAL_BITLOCKER:
      return lk_sandbox_count_requests (sandbox, "GET", "recoveryKeys/");
    case OP_REVEAL_FILEVAULT:
      return lk_sandbox_count_requests (sandbox, "GET", "getFileVaultKey");
    case OP_ROTATE:
      return lk_sandbox_count_requests (sandbox, "POST", "rotateFileVaultKey");
    case OP_RESET:
    default:
      return lk_sandbox_count_requests (sandbox, "POST", "resetPasscode");
    }
}

static void
assert_seen (const Row    *row,
             const GError *error)
{
  if (row->seen == SEEN_OK)
    {
      g_assert_no_error (error);
      return;
    }
  g_assert_nonnull (error);
  g_assert_true (error->domain == (row->seen == SEEN_GRAPH ? LK_GRAPH_ERROR : LK_AUTH_ERROR));
  g_assert_cmpint (error->code, ==, row->code);
  if (strstr (error->message, row->message) == NULL)
    g_error ("“%s” does not say “%s”", error->message, row->message);
}

/* Refresh tokens revoked; access tokens too, unless the row's fault expires one later. */
static void
revoke_tokens (LkSandbox *sandbox,
               const Row *row)
{
  lk_sandbox_revoke_refresh_tokens (sandbox);
  if (!has_fault (row))
    lk_sandbox_expire_access_tokens (sandbox);
}

static char *
get_token (LkAccount  *account,
           gboolean    force,
           GError    **error)
{
  AsyncWait w = { 0 };
  char *token;

  lk_token_provider_get_token_async (LK_TOKEN_PROVIDER (account), force, NULL, async_wait_cb, &w);
  token = lk_token_provider_get_token_finish (LK_TOKEN_PROVIDER (account), async_wait (&w, 60), error);
  g_object_unref (w.result);
  return token;
}

/* ---- search ------------------------------------------------------------------------------- */

typedef struct
{
  GHashTable *ids;      /* every device id a page handed over */
  guint       n_pages;
  guint       n_repeated;
  gint64      last_tick;
  gint64      longest_stall;
} Pages;

static void
page_cb (GPtrArray *devices,
         guint      total,
         gint64     expected,
         gpointer   user_data)
{
  Pages *pages = user_data;

  pages->n_pages++;
  for (guint i = 0; i < devices->len; i++)
    if (!g_hash_table_add (pages->ids, g_strdup (lk_device_get_id (g_ptr_array_index (devices, i)))))
      pages->n_repeated++;
}

/* How long the main loop went without running a 10 ms tick. */
static gboolean
tick_cb (gpointer user_data)
{
  Pages *pages = user_data;
  gint64 now = g_get_monotonic_time ();

  pages->longest_stall = MAX (pages->longest_stall, now - pages->last_tick);
  pages->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
run_search (FaultFixture *f,
            const Row    *row)
{
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("");
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) final_ids = g_hash_table_new (g_str_hash, g_str_equal);
  Pages pages = { .ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  AsyncWait w = { 0 };
  guint tick;

  pages.last_tick = g_get_monotonic_time ();
  tick = g_timeout_add (10, tick_cb, &pages);
  lk_graph_client_list_devices_async (f->client, query, page_cb, &pages, NULL, NULL, async_wait_cb, &w);
  devices = lk_graph_client_list_devices_finish (f->client, async_wait (&w, 60), &error);
  g_object_unref (w.result);
  g_source_remove (tick);
  g_test_message ("longest main-loop stall: %" G_GINT64_FORMAT " ms", pages.longest_stall / 1000);

  assert_seen (row, error);
  /* Nothing handed over twice, page by page or in the final list. */
  g_assert_cmpuint (pages.n_repeated, ==, 0);
  if (row->devices < 0)
    g_assert_null (devices);
  else
    {
      g_assert_cmpuint (devices->len, ==, (guint) row->devices);
      for (guint i = 0; i < devices->len; i++)
        g_assert_true (g_hash_table_add (final_ids, (gpointer) lk_device_get_id (g_ptr_array_index (devices, i))));
      g_assert_cmpuint (g_hash_table_size (pages.ids), ==, devices->len);
    }
  /* 50 MB is read and parsed without freezing the window for seconds. */
  if (row->fault.kind == LK_FAULT_HUGE_BODY)
    g_assert_cmpint (pages.longest_stall, <, 2 * G_USEC_PER_SEC);
  g_hash_table_unref (pages.ids);
}

/* ---- sign-in ------------------------------------------------------------------------------ */

static void
run_sign_in (FaultFixture *f,
             const Row    *row)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) later_error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *later = NULL;
  guint before;

  token = get_token (f->account, TRUE, &error);
  assert_seen (row, error);
  g_assert_true ((token != NULL) == (row->seen == SEEN_OK));
  g_assert_cmpuint (count_op_requests (f->sandbox, OP_SIGN_IN), ==, row->requests);

  /* The fault has passed: does the account still refresh? */
  lk_sandbox_clear_faults (f->sandbox);
  before = count_op_requests (f->sandbox, OP_SIGN_IN);
  later = get_token (f->account, TRUE, &later_error);
  if (row->sign_in_lost)
    {
      g_assert_error (later_error, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_GRANT);
      g_assert_true (lk_account_get_needs_sign_in (f->account));
    }
  else
    {
      g_assert_no_error (later_error);
      g_assert_false (lk_account_get_needs_sign_in (f->account));
    }
  /* A dead account asks nothing more of the server. */
  g_assert_cmpuint (count_op_requests (f->sandbox, OP_SIGN_IN), <=, before + 1);
}

/* ---- reset -------------------------------------------------------------------------------- */

/* What the journal must say: never "not sent" for an unknown outcome or an approval wait. */
static const char *
expected_outcome (const Row    *row,
                  const GError *error)
{
  if (row->seen == SEEN_OK)
    return "done";
  if (row->seen == SEEN_GRAPH && row->code == LK_GRAPH_ERROR_OUTCOME_UNKNOWN)
    return "unknown";
  if (lk_graph_error_get_forbidden_reason (error) == LK_FORBIDDEN_MULTI_ADMIN_APPROVAL)
    return "awaitingApproval";
  return "error";
}

static void
run_reset (FaultFixture *f,
           const Row    *row)
{
  g_autoptr(LkDevice) device = NULL;
  g_autoptr(LkActionTracker) tracker = NULL;
  g_autofree char *history = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  LkHistoryEntry *entry;
  gint64 end;

  device = fault_fixture_find_device (f, "android-dedicated");
  if (row->setup == SETUP_REVOKE)
    revoke_tokens (f->sandbox, row);
  if (has_fault (row))
    lk_sandbox_add_fault (f->sandbox, &row->fault);
  tracker = lk_action_tracker_new (f->client, device, LK_ACTION_KIND_RESET_DEVICE_PASSCODE,
                                   f->history, "admin@contoso.example", "contoso");
  lk_action_tracker_set_poll_interval (tracker, 50, 200);
  lk_action_tracker_set_checking_limit (tracker, 1500);
  lk_action_tracker_send (tracker);
  lk_action_tracker_send (tracker);   /* a double click */
  end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!lk_action_tracker_is_finished (tracker) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (lk_action_tracker_is_finished (tracker));

  assert_seen (row, lk_action_tracker_get_error (tracker));
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==,
                   row->seen == SEEN_OK ? LK_TRACKER_DONE : LK_TRACKER_ERROR);
  g_assert_true ((lk_action_tracker_get_passcode (tracker) != NULL) == (row->seen == SEEN_OK));
  g_assert_cmpuint (lk_sandbox_count_queued_actions (f->sandbox), ==, (guint) row->queued);

  /* The journal has the intent and the final outcome, read back as one action, and never the
   * passcode; an unknown outcome is never "not sent". */
  g_assert_true (g_file_get_contents (lk_action_history_get_path (f->history), &history, NULL, NULL));
  g_assert_nonnull (strstr (history, "\"outcome\":\"sending\""));
  entries = lk_action_history_load (f->history, NULL);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (entry->outcome, ==, expected_outcome (row, lk_action_tracker_get_error (tracker)));
  if (lk_action_tracker_get_passcode (tracker) != NULL)
    g_assert_null (strstr (history, lk_action_tracker_get_passcode (tracker)));
}

/* ---- keyring: a private D-Bus and gnome-keyring, in a child ------------------------------- */

static gboolean
load_accounts (LkAccountManager  *manager,
               GError           **error)
{
  AsyncWait w = { 0 };
  gboolean ok;

  lk_account_manager_load_async (manager, NULL, async_wait_cb, &w);
  ok = lk_account_manager_load_finish (manager, async_wait (&w, 30), error);
  g_object_unref (w.result);
  return ok;
}

/* What a restart sees: a new manager loading the saved accounts. */
static void
assert_restart_sees (const Row *row)
{
  g_autoptr(LkAccountManager) manager = lk_account_manager_new ();
  g_autoptr(GError) error = NULL;

  lk_account_manager_set_store_flags (manager, LK_TOKEN_STORE_FLAGS_NO_PROMPT);
  g_assert_false (load_accounts (manager, &error));
  assert_seen (row, error);
  /* … and is offered a sign-in that lasts for the session only. */
  g_assert_true (lk_account_manager_get_session_only (manager));
}

static void
run_keyring_child (const Row *row)
{
  FaultFixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/latchkey-faults-bus", TRUE);
  assert_restart_sees (row);
  fault_fixture_setup (&f, 0, TRUE);

  /* The session-only account refreshes, and keeps its rotated token, in memory. */
  for (guint i = 0; i < 2; i++)
    {
      g_clear_pointer (&token, g_free);
      token = get_token (f.account, TRUE, &error);
      g_assert_no_error (error);
      g_assert_nonnull (token);
    }
  g_assert_cmpuint (count_op_requests (f.sandbox, OP_SIGN_IN), ==, row->requests);
  fault_fixture_teardown (&f);
}

static void
run_keyring (const Row *row)
{
  if (g_test_subprocess ())
    {
      run_keyring_child (row);
      return;
    }
  g_test_trap_subprocess (NULL, 90 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* ---- window closed (a display is needed) --------------------------------------------------- */

static gboolean
spin_until (gboolean (*check) (gpointer),
            gpointer  data,
            guint     timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!check (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

static gboolean
is_searching (gpointer data)
{
  return g_strcmp0 (lk_window_get_state (data), "searching") == 0;
}

static gboolean
token_requested (gpointer data)
{
  return lk_sandbox_count_requests (data, "POST", TOKEN_PATH) >= 1;
}

static void
close_window (gpointer window)
{
  gpointer weak = window;
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  while (weak != NULL && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (weak);
}

static void
window_closed_search (FaultFixture *f,
                      const Row    *row)
{
  LkWindow *window = lk_window_new (NULL);
  g_autofree char *old_refresh = NULL;

  lk_window_set_client (window, f->client);
  gtk_window_present (GTK_WINDOW (window));
  if (row->op == OP_SIGN_IN)
    {
      g_autoptr(LkStoredAccount) stored = lk_account_dup_stored (f->account);

      old_refresh = g_strdup (stored->refresh_token);
      lk_sandbox_expire_access_tokens (f->sandbox);
    }
  lk_sandbox_add_fault (f->sandbox, &row->fault);
  lk_window_search (window, "rossi");
  g_assert_true (is_searching (window));
  if (row->op == OP_SIGN_IN)
    g_assert_true (spin_until (token_requested, f->sandbox, 5000));
  close_window (window);

  if (row->op == OP_SEARCH)
    {
      /* Whether the request is abandoned or answered, nothing reaches the dead window (it was
       * finalized above) and nothing is sent again. */
      gint64 end = g_get_monotonic_time () + (row->fault.delay_ms + 500) * 1000;

      while (g_get_monotonic_time () < end)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (2000);
        }
      g_test_message ("abandoned requests: %u", lk_sandbox_count_aborted (f->sandbox));
      g_assert_cmpuint (count_op_requests (f->sandbox, OP_SEARCH), ==, row->requests);
      return;
    }

  /* The refresh lands in the account: the rotated refresh token is kept and works. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *token = NULL;
    g_autoptr(LkStoredAccount) stored = NULL;
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    do
      {
        g_clear_pointer (&stored, lk_stored_account_free);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (5000);
        stored = lk_account_dup_stored (f->account);
      }
    while (g_strcmp0 (stored->refresh_token, old_refresh) == 0 && g_get_monotonic_time () < end);
    g_assert_cmpstr (stored->refresh_token, !=, old_refresh);
    g_assert_cmpuint (count_op_requests (f->sandbox, OP_SIGN_IN), ==, row->requests);
    lk_sandbox_clear_faults (f->sandbox);
    token = get_token (f->account, TRUE, &error);
    g_assert_no_error (error);
  }
}

static GtkWidget *
find_entry (GtkWidget *widget)
{
  if (GTK_IS_ENTRY (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_entry (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
post_sent (gpointer data)
{
  return lk_sandbox_count_requests (data, "POST", "resetPasscode") >= 1;
}

static void
window_closed_reset (FaultFixture *f,
                     const Row    *row)
{
  g_autoptr(LkDevice) device = fault_fixture_find_device (f, "android-dedicated");
  g_autoptr(LkActionTracker) tracker = NULL;
  LkResetWizard *wizard;
  gint64 end;

  lk_sandbox_add_fault (f->sandbox, &row->fault);
  wizard = lk_reset_wizard_new (f->client, device, f->history, "admin@contoso.example", "contoso",
                                NULL, NULL);
  gtk_window_present (GTK_WINDOW (wizard));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_cmpstr (lk_reset_wizard_get_page (wizard), ==, "confirm");
  gtk_editable_set_text (GTK_EDITABLE (find_entry (GTK_WIDGET (wizard))), lk_device_get_device_name (device));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.confirm", NULL);
  tracker = g_object_ref (lk_reset_wizard_get_tracker (wizard));
  lk_action_tracker_set_poll_interval (tracker, 50, 200);
  g_assert_true (spin_until (post_sent, f->sandbox, 5000));
  close_window (wizard);

  end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!lk_action_tracker_is_finished (tracker) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_DONE);
  g_assert_cmpuint (count_op_requests (f->sandbox, OP_RESET), ==, row->requests);
  g_assert_cmpuint (lk_sandbox_count_queued_actions (f->sandbox), ==, (guint) row->queued);
}

/* ---- unlock ------------------------------------------------------------------------------- */

typedef struct
{
  LkUnlockKind kind;
  const char  *id;       /* what the read asks for */
  const char  *secret;   /* what it returns, and no error text may hold */
} UnlockTarget;

static UnlockTarget
unlock_target (const Row *row)
{
  switch (row->op)
    {
    case OP_REVEAL_LAPS:
      return (UnlockTarget) { LK_UNLOCK_LAPS, row->target != NULL ? row->target : DEMO_LAPS_ENTRA, DEMO_LAPS };
    case OP_REVEAL_BITLOCKER:
      return (UnlockTarget) { LK_UNLOCK_BITLOCKER, row->target != NULL ? row->target : DEMO_KEY_ID, DEMO_KEY };
    case OP_REVEAL_FILEVAULT:
    case OP_ROTATE:
    default:
      return (UnlockTarget) { LK_UNLOCK_FILEVAULT, row->target != NULL ? row->target : DEMO_MAC, DEMO_FILEVAULT };
    }
}

/* What the admin is shown never holds the secret, nor a piece of it (a key's first group). */
static void
assert_no_secret (const GError *error,
                  const char   *secret)
{
  g_autofree char *ids = error != NULL ? lk_graph_error_format_ids (error) : NULL;
  g_autofree char *piece = g_strndup (secret, 6);

  if (error == NULL)
    return;
  g_assert_null (strstr (error->message, secret));
  g_assert_null (strstr (error->message, piece));
  g_assert_true (ids == NULL || strstr (ids, piece) == NULL);
}

static void
run_unlock (FaultFixture *f,
            const Row    *row)
{
  g_autofree char *graph_url = lk_sandbox_get_graph_url (f->sandbox);
  g_autofree char *token = lk_sandbox_mint_access_token (f->sandbox, row->scopes != NULL ? row->scopes : UNLOCK_SCOPES, 3600);
  g_autoptr(LkStaticToken) tokens = lk_static_token_new (token);
  g_autoptr(LkGraphClient) graph = lk_graph_client_new (graph_url, "beta", LK_TOKEN_PROVIDER (tokens));
  g_autoptr(LkUnlockClient) unlock = lk_unlock_client_new (graph);
  g_autoptr(LkUnlockSecret) secret = NULL;
  g_autoptr(GError) error = NULL;
  UnlockTarget target = unlock_target (row);
  guint rotations = lk_sandbox_count_rotations (f->sandbox);
  AsyncWait w = { 0 };

  lk_graph_client_set_backoff (graph, 10, 40);
  if (has_fault (row))
    lk_sandbox_add_fault (f->sandbox, &row->fault);
  if (row->op == OP_ROTATE)
    {
      lk_graph_client_post_action_with_id_async (graph, target.id, LK_DEVICE_ACTION_ROTATE_FILEVAULT_KEY,
                                                 NULL, NULL, async_wait_cb, &w);
      g_assert_cmpint (lk_graph_client_post_action_finish_full (graph, async_wait (&w, 60), NULL, NULL, &error),
                       ==, row->seen == SEEN_OK);
      g_assert_cmpuint (lk_sandbox_count_rotations (f->sandbox) - rotations, ==, (guint) row->queued);
    }
  else
    {
      lk_unlock_client_reveal_async (unlock, target.kind, target.id, NULL, async_wait_cb, &w);
      secret = lk_unlock_client_reveal_finish (unlock, async_wait (&w, 60), &error);
      g_assert_true ((secret != NULL) == (row->seen == SEEN_OK));
      if (secret != NULL)
        g_assert_cmpstr (secret->secret, ==, target.secret);
    }
  g_object_unref (w.result);
  if (error != NULL)
    g_test_message ("the admin sees: %s", error->message);
  assert_seen (row, error);
  assert_no_secret (error, target.secret);
  /* Support needs the request ids of every answer Graph gave. */
  if (error != NULL && row->code != LK_GRAPH_ERROR_INVALID_RESPONSE)
    g_assert_nonnull (lk_graph_error_get_client_request_id (error));
}

/* ---- the matrix ----------------------------------------------------------------------------- */

static void
test_row (gconstpointer data)
{
  const Row *row = data;
  FaultFixture f = { 0 };

  if (row->na != NULL)
    {
      g_test_skip (row->na);
      return;
    }
  if (row->setup == SETUP_KEYRING_LOCKED || row->setup == SETUP_KEYRING_ABSENT)
    {
      run_keyring (row);
      return;
    }

  fault_fixture_setup (&f, row->op == OP_SEARCH ? 2500 : 0, TRUE);
  if (row->setup == SETUP_WINDOW_CLOSED)
    {
      if (row->op == OP_RESET)
        window_closed_reset (&f, row);
      else
        window_closed_search (&f, row);
      fault_fixture_teardown (&f);
      return;
    }

  if (row->op == OP_RESET)
    run_reset (&f, row);
  else if (row->op >= OP_REVEAL_LAPS)
    run_unlock (&f, row);
  else
    {
      if (row->setup == SETUP_REVOKE)
        revoke_tokens (f.sandbox, row);
      if (has_fault (row))
        lk_sandbox_add_fault (f.sandbox, &row->fault);
      if (row->op == OP_SEARCH)
        run_search (&f, row);
      else
        run_sign_in (&f, row);
    }
  if (row->op != OP_SIGN_IN)
    g_assert_cmpuint (count_op_requests (f.sandbox, row->op), ==, row->requests);
  if (row->refreshes >= 0 && row->op != OP_SIGN_IN)
    g_assert_cmpuint (count_op_requests (f.sandbox, OP_SIGN_IN), ==, (guint) row->refreshes);
  fault_fixture_teardown (&f);
}

int
main (int   argc,
      char *argv[])
{
  gboolean ui = g_strcmp0 (g_getenv ("LK_FAULTS_UI"), "1") == 0;

  if (ui)
    {
      gtk_test_init (&argc, &argv, NULL);
      adw_init ();
    }
  else
    g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autofree char *path = g_strdup_printf ("/faults/%s/%s", op_names[rows[i].op], rows[i].name);

      if ((rows[i].setup == SETUP_WINDOW_CLOSED) == ui)
        g_test_add_data_func (path, &rows[i], test_row);
    }
  return g_test_run ();
}
