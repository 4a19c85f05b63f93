/* lk-sandbox-private.h: the sandbox's device store, OData filter and JSON writer, shared by
 * lk-sandbox.c (server), lk-sandbox-devices.c (fixtures, generator, serialization) and
 * lk-sandbox-filter.c. Not part of the public API.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "lk-sandbox.h"

G_BEGIN_DECLS

/* managedDevice members the sandbox stores, in the order they are serialized. */
typedef enum
{
  SB_F_ID,
  SB_F_DEVICE_NAME,
  SB_F_USER_PRINCIPAL_NAME,
  SB_F_USER_DISPLAY_NAME,
  SB_F_EMAIL_ADDRESS,
  SB_F_SERIAL_NUMBER,
  SB_F_IMEI,
  SB_F_OPERATING_SYSTEM,
  SB_F_OS_VERSION,
  SB_F_MODEL,
  SB_F_MANUFACTURER,
  SB_F_DEVICE_ENROLLMENT_TYPE,
  SB_F_MANAGED_DEVICE_OWNER_TYPE,
  SB_F_MANAGEMENT_AGENT,
  SB_F_COMPLIANCE_STATE,
  SB_F_AZURE_AD_DEVICE_ID,
  SB_F_DEVICE_TYPE,          /* beta only */
  SB_F_OWNER_TYPE,           /* beta only */
  SB_F_JOIN_TYPE,            /* beta only */
  SB_N_STRING_FIELDS,
  SB_F_IS_SUPERVISED = SB_N_STRING_FIELDS,
  SB_F_LAST_SYNC_DATE_TIME,
  SB_F_ENROLLED_DATE_TIME,
  SB_F_DEVICE_ACTION_RESULTS,
  SB_F_HARDWARE_INFORMATION, /* beta only; its values only on a single-device GET */
  SB_N_FIELDS,
} SbField;

typedef struct
{
  const char *s[SB_N_STRING_FIELDS];  /* in the set's string chunk; NULL serializes as null */
  gint64      last_sync;              /* unix seconds; 0 = never (0001-01-01T00:00:00Z) */
  gint64      enrolled;
  gint8       is_supervised;
  gint8       is_shared_device;       /* a Shared iPad */
} SbDevice;

typedef struct
{
  GStringChunk *chunk;
  GArray       *devices;   /* of SbDevice */
  GHashTable   *by_id;     /* id (in chunk) → index + 1 */
  /* Full managedDevice objects (lk-sandbox-full-device.c): the members beyond SbDevice are
   * made from @seed and the device's index each time a page is written, never stored. */
  gboolean      full;
  guint32       seed;
} SbDeviceSet;

SbDeviceSet *sb_device_set_new           (void);
void         sb_device_set_free          (SbDeviceSet *set);
SbDevice    *sb_device_set_lookup        (SbDeviceSet *set, const char *id);
gboolean     sb_device_set_load_demo     (SbDeviceSet *set, gint64 now, GError **error);
/* @full: every member of the documented beta managedDevice (see sb_full_device_write_json);
 * the members SbDevice holds are the same as without it for the same @seed. */
void         sb_device_set_generate      (SbDeviceSet *set,
                                          guint        n,
                                          guint32      seed,
                                          gint64       now,
                                          gboolean     full);

const char  *sb_field_name               (SbField field);
gboolean     sb_field_from_name          (const char *name, gboolean beta, SbField *out_field);
gboolean     sb_field_is_beta_only       (SbField field);

/* Writes @dev as a JSON object with the members in @fields (a bitmask of 1 << SbField).
 * v1.0 maps beta-only enrollment types to "unknown". @actions_json is the already
 * serialized deviceActionResults array (or NULL for []). @wrong_types breaks member types.
 * @single: a single-device GET, the only answer where hardwareInformation holds values. */
void         sb_device_write_json        (GString        *out,
                                          const SbDevice *dev,
                                          guint32         fields,
                                          gboolean        beta,
                                          const char     *actions_json,
                                          gboolean        wrong_types,
                                          gboolean        single);

/* One member ("name":value) of @dev, as sb_device_write_json writes it. */
void         sb_device_write_member      (GString        *out,
                                          const SbDevice *dev,
                                          SbField         field,
                                          gboolean        beta,
                                          const char     *actions_json,
                                          gboolean        wrong_types,
                                          gboolean        single);

/* Full managedDevice objects (lk-sandbox-full-device.c): every member of the documented beta
 * resource, in its documented order; v1.0 gets the members v1.0 documents. A $select names
 * members of this set (a bit per member, in that order). */
typedef struct
{
  guint64 bits[2];
} SbMemberMask;

gboolean     sb_full_select_parse        (const char     *select,
                                          gboolean        beta,
                                          SbMemberMask   *mask,
                                          char          **bad);
/* @dev: one of @set's devices (its extra members are made from its index and the set's seed). */
void         sb_full_device_write_json   (GString            *out,
                                          const SbDeviceSet  *set,
                                          const SbDevice     *dev,
                                          const SbMemberMask *mask,
                                          gboolean            beta,
                                          const char         *actions_json,
                                          gboolean            wrong_types,
                                          gboolean            single);

/* JSON helpers. */
void         sb_json_append_string       (GString *out, const char *value);
void         sb_append_iso8601           (GString *out, gint64 unix_seconds);

/* $filter: NULL means "every device" (no filter, or one the service silently ignores). */
typedef struct _SbFilter SbFilter;
SbFilter    *sb_filter_parse             (const char *text);
void         sb_filter_free              (SbFilter *filter);
gboolean     sb_filter_matches           (const SbFilter *filter, const SbDevice *dev);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbFilter, sb_filter_free)

/* LK_FAULT_RAW (lk-sandbox-raw.c): the threads writing slow answers. */
typedef struct
{
  GMutex     lock;
  GPtrArray *threads;    /* of GThread, joined by stop */
  gint       stopping;   /* atomic */
} SbRawWriters;

void         sb_raw_writers_init         (SbRawWriters *writers);
void         sb_raw_writers_stop         (SbRawWriters *writers);
void         sb_raw_writers_clear        (SbRawWriters *writers);
/* Writes @bytes on @stream (stolen from the server), one byte per @delay_ms (0: at once, on
 * this thread), then closes it. */
void         sb_raw_send                 (SbRawWriters *writers,
                                          GIOStream    *stream,
                                          GSocket      *socket,
                                          GBytes       *bytes,
                                          guint         delay_ms);

/* Unlock options (lk-sandbox-unlock.c): LAPS, BitLocker, FileVault, the macOS admin account. */
typedef struct _SbUnlockStore SbUnlockStore;

typedef enum
{
  SB_UNLOCK_NONE,        /* not an unlock endpoint */
  SB_UNLOCK_DIRECTORY,   /* Entra ID: scope refusals answer Authorization_RequestDenied */
  SB_UNLOCK_INTUNE,      /* Intune: scope refusals answer as Intune does */
} SbUnlockRoute;

typedef struct
{
  char       **token_scopes;  /* in: what the caller's token grants */
  guint        status;        /* out: 200, 204 or an error status */
  const char  *code;          /* out: the Graph error code of an error status */
  const char  *message;
  GString     *body;          /* out: the JSON of a 200 (the caller takes it) */
} SbUnlockAnswer;

SbUnlockStore *sb_unlock_store_new         (void);
void           sb_unlock_store_free        (SbUnlockStore *store);
void           sb_unlock_store_load_demo   (SbUnlockStore *store, gint64 now);
void           sb_unlock_store_set_role    (SbUnlockStore *store, const char *role);
/* BitLocker key reads (audit records), or rotations queued. */
guint          sb_unlock_store_count       (SbUnlockStore *store, gboolean rotations);
char         **sb_unlock_store_dup_secrets (SbUnlockStore *store);
/* Whether the path parts (after /graph/) name an unlock endpoint, and the scopes it accepts. */
SbUnlockRoute  sb_unlock_route             (char **parts, guint n, const char *const **scopes);
/* Answers an unlock request; @devices locked by the caller. @graph_base is {base}/graph. */
void           sb_unlock_answer            (SbUnlockStore  *store,
                                            SbDeviceSet    *devices,
                                            const char     *method,
                                            char          **parts,
                                            guint           n,
                                            GHashTable     *query,
                                            const char     *graph_base,
                                            guint           pending_ms,
                                            SbUnlockAnswer *answer);

/* ---- LkSandbox's internals, shared by lk-sandbox.c (the object and its API),
 * lk-sandbox-server.c, lk-sandbox-graph.c, lk-sandbox-identity.c and lk-sandbox-faults.c ---- */

#define DEMO_TENANT_ID  "8b1f3c52-6d4e-4a7b-9c2d-1e5f7a9b3c4d"
#define DEMO_CLIENT_ID  LK_SANDBOX_DEMO_CLIENT_ID
/* Every other sandbox (tests, benchmarks) is a different app registration, so an account a test
 * signs in is never mistaken for the demo's. */
#define TEST_CLIENT_ID  "5d2e8b47-1c9a-4f3e-b6d0-7a4c2e9f1b58"
#define DEMO_USERNAME   "giulia.bianchi@contoso-demo.onmicrosoft.com"
#define DEMO_USER_NAME  "Giulia Bianchi"
#define DEMO_USER_OID   "c0ffee00-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
#define GRAPH_JSON_TYPE "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
#define OAUTH_JSON_TYPE "application/json; charset=utf-8"
#define MAX_PAGE        1000
#define TOKEN_LIFETIME  3599

#define SCOPE_READ       "DeviceManagementManagedDevices.Read.All"
#define SCOPE_READ_WRITE "DeviceManagementManagedDevices.ReadWrite.All"
#define SCOPE_PRIVILEGED "DeviceManagementManagedDevices.PrivilegedOperations.All"

typedef struct
{
  char   **scopes;      /* granted, as requested (possibly with a resource prefix) */
  gint64   expires_us;  /* monotonic */
} SbAccessToken;

typedef struct
{
  char *scope;          /* the scope string originally requested */
  char *client_id;
} SbGrant;

typedef struct
{
  char    *client_id;
  char    *redirect_uri;
  char    *challenge;
  char    *scope;
  gint64   expires_us;
  gboolean redeemed;
} SbAuthCode;

typedef enum
{
  DC_PENDING,
  DC_APPROVED,
  DC_DECLINED,
} SbDeviceCodeState;

typedef struct
{
  char             *user_code;
  char             *scope;
  char             *client_id;
  SbDeviceCodeState state;
  gint64            issued_us;
  gint64            expires_us;
  gint64            last_poll_us;
  guint             interval_s;
} SbDeviceCode;

typedef enum
{
  OUTCOME_DONE_WITH_PASSCODE,
  OUTCOME_DONE,
  OUTCOME_NOT_SUPPORTED,
} SbOutcome;

typedef struct
{
  gint64    start_us;   /* real time */
  gint64    sync_us;    /* a syncDevice after start, or 0 */
  gint64    pending_us;
  gint64    active_us;
  SbOutcome outcome;
  char      passcode[8];
} SbAction;

typedef struct
{
  LkFault fault;        /* strings owned */
  guint   seen;
} SbFault;

typedef struct
{
  char      *method;
  char      *path;
  char      *query;
  GPtrArray *headers;   /* name, value, name, value… */
} SbLogEntry;

struct _LkSandbox
{
  GObject       parent_instance;

  GMutex        lock;
  SbDeviceSet  *devices;
  SbUnlockStore *unlock;          /* LAPS, BitLocker, FileVault (lk-sandbox-unlock.c) */
  GHashTable   *actions;          /* device id → SbAction (resetPasscode, the latest) */
  GHashTable   *access_tokens;    /* token → SbAccessToken */
  GHashTable   *refresh_tokens;   /* token → SbGrant */
  GHashTable   *auth_codes;       /* code → SbAuthCode */
  GHashTable   *device_codes;     /* device_code → SbDeviceCode */
  GPtrArray    *faults;
  SbRawWriters  raw_writers;
  GPtrArray    *log;
  guint         n_aborted;
  guint         n_queued;         /* resetPasscode actions queued */
  /* Throttling (lk_sandbox_set_rate_limit): monotonic µs of the requests in the window. */
  guint         rate_requests;
  guint         rate_writes;
  gint64        rate_window_us;
  GQueue        rate_accepted;    /* requests let through */
  GQueue        rate_accepted_writes;
  GQueue        rate_arrived;     /* every request, rejected ones too: what the service saw */
  GQueue        rate_arrived_writes;
  guint         rate_peak;
  guint         rate_peak_writes;
  guint         n_rate_limited;
  guint         latency_min_ms;
  guint         latency_max_ms;
  gboolean      next_link_first;
  gboolean      ignore_select;    /* the issue-18 benchmark's fake Graph (lk_sandbox_set_ignore_select) */
  GHashTable   *page_cache;       /* "version:cursor" → GBytes of the page (lk_sandbox_set_page_cache) */
  guint         page_cache_hits;
  guint         pending_ms;
  guint         active_ms;
  guint         dc_interval_s;
  guint         dc_expires_s;
  gboolean      auto_approve;
  char         *base_url;
  char         *grant_secret;     /* signs refresh tokens that outlive this process (demo) */
  const char   *client_id;        /* the app registration: DEMO_ or TEST_CLIENT_ID (set before start) */
  char        **redirect_uris;    /* as registered in the app registration */
  GHashTable   *id_token_claims;  /* claim → value overriding the id_token's (tests) */
  GHashTable   *spent_refresh;    /* signed refresh tokens already rotated away */
  GPtrArray    *issued_tokens;    /* every access and refresh token handed out (hygiene tests) */
  char          last_passcode[8]; /* the last temporary passcode generated, or "" */
  char          fixed_passcode[8];/* the passcode every reset generates, or "": random */

  /* Owned by the caller of start/stop; the server itself only exists on the thread. */
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  GCond         started_cond;
  gboolean      started;
  GError       *start_error;
  guint         port;
};


typedef struct
{
  LkSandbox         *self;       /* outlives every request: stop joins the thread first */
  SoupServerMessage *msg;        /* owns this struct */
  char              *request_id;
  char              *client_request_id;
  GSource           *timer;
  GSource           *watch;
  gboolean           wrote;
  gboolean           counted;
  gboolean           dropped;
  /* what faults asked for */
  guint              delay_ms;
  gboolean           truncate;
  gboolean           drop;
  gboolean           drop_after;    /* DROP with processed */
  gboolean           drop_mid_body;
  gboolean           wrong_types;
  gboolean           foreign_next_link;
  gboolean           endless_next_link;
  gboolean           ignore_filter;
  GBytes            *raw;           /* RAW: the whole answer */
  guint              raw_delay_ms;
} SbRequest;

/* lk-sandbox.c */
void sb_fault_free (gpointer data);

/* lk-sandbox-faults.c */
void sb_apply_graph_fault (SbRequest *req, SbFault *fault, const char *token, const char *version);
void sb_drop_connection (SbRequest *req);
gsize sb_raw_size (const LkFault *fault);
void sb_reply_huge (SbRequest *req, const char *graph_base, gsize size);
void sb_reply_malformed (SbRequest *req);
gboolean sb_send_half_then_drop (SbRequest *req);
void sb_send_raw (SbRequest *req);
SbFault *sb_take_faults (LkSandbox *self, SbRequest *req, const char *method, const char *path);
void sb_truncate_body (SbRequest *req);

/* lk-sandbox-graph.c */
void sb_clear_times (GQueue *times);
void sb_handle_graph (SbRequest *req, const char *method, const char *path, GHashTable *query);
void sb_reply_intune_approval_required (SbRequest *req);
void sb_reply_intune_missing_role (SbRequest *req);
void sb_reply_intune_missing_scope (SbRequest *req, const char *const scopes[]);

/* lk-sandbox-identity.c */
char *sb_base64url (const guint8 *data, gsize len);
char *sb_base64url_decode (const char *text);
char *sb_base64url_string (const char *text);
void sb_fill_random (guint8 *buf, gsize len);
void sb_handle_login (SbRequest *req, const char *method, const char *path, GHashTable *query);
char *sb_mint_access_token_locked (LkSandbox  *self, const char *scope, guint       lifetime_s);
char *sb_random_token (gsize n_bytes);
gboolean sb_token_has_scope (const SbAccessToken *token, const char *wanted);
char *sb_utc_now_iso8601 (void);

/* lk-sandbox-server.c */
void sb_reply_graph_error (SbRequest *req, guint status, const char *code, const char *message);
void sb_reply_html (SbRequest *req, guint status, const char *title, const char *text);
void sb_reply_oauth_error (SbRequest *req, guint status, const char *error, guint aadsts, const char *description);
gpointer sb_server_thread (gpointer data);
void sb_set_json (SoupServerMessage *msg, guint status, const char *type, GString *body);
void sb_set_json_bytes (SoupServerMessage *msg, guint status, const char *type, GBytes *body);


G_END_DECLS
