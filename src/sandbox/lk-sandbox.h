/* lk-sandbox.h: an emulator of Entra ID and the Intune part of Microsoft Graph on loopback.
 *
 * The server runs on its own thread with its own GMainContext, listening on 127.0.0.1 at a
 * random port, so a client on the caller's main loop talks to it over real HTTP. Every public
 * function is thread-safe.
 *
 * URLs: Graph at {base}/graph/{v1.0|beta}/deviceManagement/managedDevices…, identity at
 * {base}/login/{tenant}/v2.0/.well-known/openid-configuration and
 * {base}/login/{tenant}/oauth2/v2.0/{authorize,token,devicecode}.
 *
 * Like Graph, a $select naming a member the version does not have (deviceType, ownerType or
 * joinType on v1.0) is a 400 BadRequest; use LK_DEVICE_SELECT_V1 with v1.0.
 * Graph faults apply once the token and its scopes are accepted (so a 401/403 from those
 * checks does not use one up); identity faults apply to the token, devicecode and authorize
 * endpoints (OAUTH_ERROR on authorize redirects with error=@graph_code). An OAUTH_ERROR whose
 * @graph_code is "AADSTS<n>" (50011, 700016, 65001, 7000218, 50076, 50079, 53003, 50020,
 * 90072, 50126, 65004) answers as Entra documents that error: its OAuth error, and an
 * error_description starting "AADSTS<n>: ".
 * lk_sandbox_start/stop are meant for one owning thread.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  LK_FAULT_STATUS,          /* answer with @status (429/500/503/504/…) and a Graph error body;
                               @retry_after (if not NULL) becomes the Retry-After header */
  LK_FAULT_DELAY,           /* wait @delay_ms, then answer normally */
  LK_FAULT_TRUNCATE,        /* send the normal body cut in half (Content-Length of the half):
                               the client gets a complete HTTP answer whose JSON is invalid */
  LK_FAULT_MALFORMED,       /* 200 with a body that is not JSON */
  LK_FAULT_WRONG_TYPES,     /* 200 where device members have wrong JSON types */
  LK_FAULT_DROP,            /* close the connection without an answer (after reading the request);
                               not counted by lk_sandbox_count_aborted() */
  LK_FAULT_EXPIRE_TOKEN,    /* 401 InvalidAuthenticationToken, and the token stays invalid */
  LK_FAULT_FOREIGN_NEXT_LINK, /* the page's @odata.nextLink points at https://evil.example.com */
  LK_FAULT_ENDLESS_NEXT_LINK, /* a device list page is answered as asked, but always with an
                               @odata.nextLink, each one different, to the same page again: a
                               chain of distinct links that never ends and never brings a new
                               device (give it a large @times) */
  LK_FAULT_HUGE_BODY,       /* 200 with a valid JSON body of @size bytes */
  LK_FAULT_FORBIDDEN,       /* 403 with @graph_code (e.g. "insufficient_claims"); Intune's own
                               bodies for "Forbidden" (the privileged permission missing, named in
                               the message), "UnknownError" (no Intune role) and "ApprovalRequired"
                               (Multi Admin Approval, with an x-msft-approval-code header) */
  LK_FAULT_OAUTH_ERROR,     /* token/devicecode endpoints: 400 {"error": @graph_code, …}
                               e.g. slow_down, expired_token, authorization_declined, invalid_grant */
  LK_FAULT_DROP_MID_BODY,   /* the request is handled, the status line, headers and the first half
                               of the body are sent (chunked), then the connection is closed: the
                               client sees a transport error while reading the body. An answer
                               without a body (204) is closed right after handling, unanswered */
  LK_FAULT_IGNORE_FILTER,   /* a device list is answered as if it had no $filter: what Graph
                               does with a filter it does not support (every device, paged as
                               asked), with the unfiltered list's nextLinks: the same links
                               whichever filter was asked for */
  LK_FAULT_RAW,             /* Graph only: @body is written as the whole answer (status line,
                               headers, body: a hostile server's bytes, e.g. a redirect elsewhere
                               or a gzip body), @size bytes of it (0: up to its NUL); with
                               @delay_ms the head at once, then the body one byte every
                               @delay_ms; then the connection is closed */
} LkFaultKind;

typedef struct
{
  LkFaultKind  kind;
  const char  *method;       /* "GET", "POST" or NULL for any */
  const char  *path_contains;/* substring of the request path, or NULL for any */
  guint        times;        /* how many matching requests it applies to (0 = 1) */
  guint        skip;         /* let this many matching requests through first */
  guint        status;
  const char  *retry_after;  /* header value, e.g. "2", "0.5", an HTTP date */
  guint        delay_ms;
  gsize        size;
  const char  *graph_code;
  /* Graph only: handle the request first (a POST queues its action), then let the fault
   * replace the answer (STATUS, MALFORMED, HUGE_BODY, DROP…), like a gateway that failed
   * after the service did the work. Without it the request never reaches the handler. */
  gboolean     processed;
  const char  *body;         /* LK_FAULT_RAW */
} LkFault;

#define LK_TYPE_SANDBOX (lk_sandbox_get_type ())
G_DECLARE_FINAL_TYPE (LkSandbox, lk_sandbox, LK, SANDBOX, GObject)

LkSandbox  *lk_sandbox_new                 (void);
/* Loads the demo tenant (~40 devices covering every capability row). */
void        lk_sandbox_load_demo_tenant    (LkSandbox *self);
/* The demo tenant's fixture (demo-tenant.json), registered on first use: never by a program
 * that does not ask for the demo. */
GResource  *lk_sandbox_get_demo_fixtures   (void);
/* Replaces the devices with @n generated ones; same @seed, same devices. Each holds the ~24
 * members Latchkey reads (~0.8 kB of JSON when it $selects them). */
void        lk_sandbox_generate_devices    (LkSandbox *self, guint n, guint32 seed);
/* The same devices as lk_sandbox_generate_devices() with the same @seed, each a full
 * managedDevice: every member of Graph beta's documented resource (hardwareInformation,
 * deviceHealthAttestationState, usersLoggedOn, chassisType…; v1.0 gets v1.0's members) with
 * varied values, ~3.5–4 kB per device without $select, as a real tenant answers. $select still
 * trims it, to any documented member. The extra members are written from the seed as each page
 * is, so a million devices cost no more memory than lean ones. */
void        lk_sandbox_generate_full_devices (LkSandbox *self, guint n, guint32 seed);
guint       lk_sandbox_get_n_devices       (LkSandbox *self);

gboolean    lk_sandbox_start               (LkSandbox *self, GError **error);
void        lk_sandbox_stop                (LkSandbox *self);

char       *lk_sandbox_get_base_url        (LkSandbox *self);  /* http://127.0.0.1:PORT */
char       *lk_sandbox_get_graph_url       (LkSandbox *self);  /* {base}/graph */
char       *lk_sandbox_get_authority_url   (LkSandbox *self);  /* {base}/login */
const char *lk_sandbox_get_tenant_id       (LkSandbox *self);
/* The app registration: LK_SANDBOX_DEMO_CLIENT_ID after lk_sandbox_setup_demo(), another
 * one otherwise (so accounts tests sign in are never taken for the demo's). */
const char *lk_sandbox_get_client_id       (LkSandbox *self);
#define LK_SANDBOX_DEMO_CLIENT_ID "3f6a9c21-4b8d-4e2f-a7c5-9d1b6e8f2a34"

/* The redirect URIs of the app registration (default: "http://localhost", as the README
 * registers it), matched as Entra does: for http loopback URIs the host as written and any
 * port. Others get Entra's AADSTS50011 page. */
void        lk_sandbox_set_redirect_uris   (LkSandbox          *self,
                                            const char * const *uris);
/* Tests: the id_token says @value for @claim ("iss", "aud", "tid", "preferred_username");
 * NULL restores it. */
void        lk_sandbox_set_id_token_claim  (LkSandbox  *self,
                                            const char *claim,
                                            const char *value);

/* Issues an access token directly (tests; the CLI's --demo uses the real sign-in once it
 * exists). @scopes space-separated; @lifetime_s seconds. Returns a new string. */
char       *lk_sandbox_mint_access_token   (LkSandbox  *self,
                                            const char *scopes,
                                            guint       lifetime_s);
/* The secrets a hygiene test looks for in logs and files: every access and refresh token
 * issued so far (minted, signed in, refreshed), and the last temporary passcode an Android
 * reset generated (NULL if none). Free with g_strfreev() / g_free(). */
char      **lk_sandbox_dup_issued_tokens   (LkSandbox *self);
char       *lk_sandbox_dup_last_passcode   (LkSandbox *self);
/* Makes every access token issued so far invalid (401 InvalidAuthenticationToken). */
void        lk_sandbox_expire_access_tokens (LkSandbox *self);
/* Revokes every refresh token (the next refresh gets invalid_grant). */
void        lk_sandbox_revoke_refresh_tokens (LkSandbox *self);

/* Sign-in: the authorize endpoint approves at once and redirects with a code (the demo's
 * "auto-approved sign-in"); device codes wait for lk_sandbox_approve_device_code() unless
 * auto-approve is on (default on). */
void        lk_sandbox_set_auto_approve    (LkSandbox *self, gboolean auto_approve);
gboolean    lk_sandbox_approve_device_code (LkSandbox *self, const char *user_code);
gboolean    lk_sandbox_decline_device_code (LkSandbox *self, const char *user_code);
/* Device-code flow timing: the polling interval and the code's lifetime (defaults 5 and 900). */
void        lk_sandbox_set_device_code_timing (LkSandbox *self,
                                               guint      interval_s,
                                               guint      expires_in_s);
/* The user name the sandbox signs in as (demo: an Italian help-desk admin). */
const char *lk_sandbox_get_username        (LkSandbox *self);

void        lk_sandbox_add_fault           (LkSandbox *self, const LkFault *fault);
void        lk_sandbox_clear_faults        (LkSandbox *self);
/* Intune's throttling, per app: at most @requests Graph requests and @writes POSTs per sliding
 * window of @window_ms (Intune: 2000 and 200 per 20 000 ms; tests scale the window). Requests
 * over a limit get 429 TooManyRequests with a Retry-After (fractional seconds) for when the
 * oldest request in the window leaves it. 0 requests: no limit (the default). */
void        lk_sandbox_set_rate_limit      (LkSandbox *self,
                                            guint      requests,
                                            guint      writes,
                                            guint      window_ms);
/* 429s the rate limit answered (not counting injected faults). */
guint       lk_sandbox_count_rate_limited  (LkSandbox *self);
/* The most Graph requests (and POSTs) that arrived within any one window, rejected ones
 * included: what the service saw, to compare with the limit. */
void        lk_sandbox_get_rate_peak       (LkSandbox *self,
                                            guint     *requests,
                                            guint     *writes);
/* resetPasscode actions the sandbox queued (a POST answered by an injected fault is not). */
guint       lk_sandbox_count_queued_actions (LkSandbox *self);
/* The temporary passcode every later Android reset generates (at most 7 bytes; tests put JSON's
 * special characters in it); NULL: random digits (the default). */
void        lk_sandbox_set_passcode        (LkSandbox *self, const char *passcode);
/* Added to every answer, to feel like the real service (demo: 80–250 ms). */
void        lk_sandbox_set_latency         (LkSandbox *self, guint min_ms, guint max_ms);
/* Whether a list page writes @odata.nextLink before "value". Graph writes it after (the
 * default); a client must find it either way, and the benchmark measures both. */
void        lk_sandbox_set_next_link_first (LkSandbox *self, gboolean first);
/* BENCHMARKS ONLY. Real Graph honours $select (the sandbox does too, by default): a client that
 * asks for 21 members of a managedDevice gets those 21. The independent benchmark of issue 18
 * ran its own fake Graph, which ignored $select and sent every member of every device (~3.9 kB
 * each); this switch reproduces that, so its conditions can be measured. Lists and single GETs
 * then answer as if no $select had been given; an unknown member in $select is still a 400. */
void        lk_sandbox_set_ignore_select   (LkSandbox *self, gboolean ignore);
/* BENCHMARKS ONLY. Each device-list page is rendered once, then the same request (the same
 * version, $select, $filter, $top, $count and place in the list) is answered with its bytes,
 * as a fake Graph serving pre-rendered pages from memory does: the server then costs what a
 * thin one would, not the rendering, so curl against it is a floor near the wire. The tenant's
 * devices and actions must not change while it is on. Requests with injected faults are
 * rendered as usual and not kept. */
void        lk_sandbox_set_page_cache      (LkSandbox *self, gboolean cache);
/* Pages the cache holds, and answers it gave (lk_sandbox_set_page_cache). */
void        lk_sandbox_get_page_cache_stats (LkSandbox *self, guint *pages, guint *hits);
/* How long resetPasscode stays pending, then active, before done. */
void        lk_sandbox_set_action_timing   (LkSandbox *self, guint pending_ms, guint active_ms);

/* Sets a string member ("deviceName", "userDisplayName", "model"…) of the device @id, as its
 * user or a hostile tenant could: any text, control characters included. FALSE when there is
 * no such device or member. */
gboolean    lk_sandbox_set_device_string   (LkSandbox  *self,
                                            const char *id,
                                            const char *member,
                                            const char *value);

/* Request log, for assertions. */
guint       lk_sandbox_count_requests      (LkSandbox  *self,
                                            const char *method,
                                            const char *path_contains);
/* Requests whose client went away before the answer was written (cancellations). */
guint       lk_sandbox_count_aborted       (LkSandbox *self);
/* The headers of the last request matching, e.g. to check client-request-id; NULL if none. */
char       *lk_sandbox_get_last_header     (LkSandbox  *self,
                                            const char *path_contains,
                                            const char *header);
void        lk_sandbox_reset_log           (LkSandbox *self);

/* Refresh tokens signed with @secret stay valid across restarts of the sandbox (rotation still
 * applies within a run); NULL: random tokens known only to this run (the default). */
void        lk_sandbox_set_grant_secret    (LkSandbox *self, const char *secret);
/* Everything `--demo` uses: the demo tenant and app registration, realistic latency
 * (80–250 ms) and refresh tokens that survive a restart. Call before lk_sandbox_start(). */
void        lk_sandbox_setup_demo          (LkSandbox *self);

/* Unlock options (LAPS, BitLocker, FileVault, the macOS admin account; lk-sandbox-unlock.c).
 * The directory role the signed-in user holds (default "Cloud Device Administrator"); NULL:
 * none, so LAPS and BitLocker reads answer 403 Authorization_RequestDenied. */
void        lk_sandbox_set_directory_role  (LkSandbox  *self,
                                            const char *role);
/* BitLocker key reads with $select=key: the audit records Entra ID would write. */
guint       lk_sandbox_count_key_reads     (LkSandbox *self);
/* rotateLocalAdminPassword / rotateBitLockerKeys / rotateFileVaultKey actions queued. */
guint       lk_sandbox_count_rotations     (LkSandbox *self);
/* Every unlock secret the demo tenant holds (hygiene tests). g_strfreev() it. */
char      **lk_sandbox_dup_unlock_secrets  (LkSandbox *self);

G_END_DECLS
