/* faults-rows.c: the fault matrix, a row per fault and operation (see test-faults.c).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "faults-matrix.h"

const Row rows[] = {
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

const char *const op_names[] = { "search", "sign-in", "reset", "reveal-laps", "reveal-bitlocker",
                                        "reveal-filevault", "rotate" };

const guint n_rows = G_N_ELEMENTS (rows);
