/* lk-sandbox.c: the sandbox server: thread, routing, Graph managedDevices, Entra ID, faults.
 *
 * Everything the handlers touch lives behind self->lock; the handlers run on the sandbox's
 * own thread and GMainContext, public functions on any thread. Answers are delayed (latency,
 * DELAY faults, nothing else) by pausing the message and unpausing it from a timeout on the
 * sandbox context, never by sleeping the thread, so one slow answer never blocks another.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lk-sandbox.h"
#include "lk-sandbox-private.h"

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

G_DEFINE_FINAL_TYPE (LkSandbox, lk_sandbox, G_TYPE_OBJECT)

/* ---- small helpers ---- */

static void
fill_random (guint8 *buf, gsize len)
{
  gsize done = 0;

  /* Tokens and codes come from the OS, as a real identity provider's would. */
  while (done < len)
    {
      ssize_t n = getrandom (buf + done, len - done, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("getrandom failed: %s", g_strerror (errno));
        }
      done += n;
    }
}

static char *
base64url (const guint8 *data, gsize len)
{
  char *text = g_base64_encode (data, len);
  char *p;

  for (p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }
  return text;
}

static char *
base64url_string (const char *text)
{
  return base64url ((const guint8 *) text, strlen (text));
}

static char *
base64url_decode (const char *text)
{
  g_autoptr(GString) std = g_string_new (text);
  guchar *data;
  gsize len = 0;

  for (gsize i = 0; i < std->len; i++)
    {
      if (std->str[i] == '-')
        std->str[i] = '+';
      else if (std->str[i] == '_')
        std->str[i] = '/';
      else if (!g_ascii_isalnum (std->str[i]))
        return NULL;
    }
  while (std->len % 4 != 0)
    g_string_append_c (std, '=');
  data = g_base64_decode (std->str, &len);
  if (data == NULL || len == 0 || memchr (data, '\0', len) != NULL
      || !g_utf8_validate ((const char *) data, len, NULL))
    {
      g_free (data);
      return NULL;
    }
  {
    char *text_out = g_malloc (len + 1);

    memcpy (text_out, data, len);
    text_out[len] = '\0';
    g_free (data);
    return text_out;
  }
}

static char *
random_token (gsize n_bytes)
{
  guint8 buf[64];

  g_assert (n_bytes <= sizeof buf);
  fill_random (buf, n_bytes);
  return base64url (buf, n_bytes);
}

static char *
utc_now_iso8601 (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  sb_append_iso8601 (out, g_get_real_time () / G_USEC_PER_SEC);
  /* without the quotes sb_append_iso8601 adds */
  g_string_erase (out, 0, 1);
  g_string_truncate (out, out->len - 1);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
access_token_free (gpointer data)
{
  SbAccessToken *token = data;

  g_strfreev (token->scopes);
  g_free (token);
}

static void
grant_free (gpointer data)
{
  SbGrant *grant = data;

  g_free (grant->scope);
  g_free (grant->client_id);
  g_free (grant);
}

static void
auth_code_free (gpointer data)
{
  SbAuthCode *code = data;

  g_free (code->client_id);
  g_free (code->redirect_uri);
  g_free (code->challenge);
  g_free (code->scope);
  g_free (code);
}

static void
device_code_free (gpointer data)
{
  SbDeviceCode *code = data;

  g_free (code->user_code);
  g_free (code->scope);
  g_free (code->client_id);
  g_free (code);
}

static void
action_free (gpointer data)
{
  SbAction *action = data;

  /* The passcode is a secret: do not leave it in freed memory. */
  memset (action, 0, sizeof *action);
  g_free (action);
}

static void
fault_free (gpointer data)
{
  SbFault *fault = data;

  g_free ((char *) fault->fault.method);
  g_free ((char *) fault->fault.path_contains);
  g_free ((char *) fault->fault.retry_after);
  g_free ((char *) fault->fault.graph_code);
  g_free ((char *) fault->fault.body);
  g_free (fault);
}

static void
log_entry_free (gpointer data)
{
  SbLogEntry *entry = data;

  g_free (entry->method);
  g_free (entry->path);
  g_free (entry->query);
  g_ptr_array_unref (entry->headers);
  g_free (entry);
}

/* Splits a space-separated scope string into the scopes an access token grants: the OIDC
 * ones are not resource scopes, and /.default means "what the app registration has". */
static char **
granted_scopes (const char *requested)
{
  g_auto(GStrv) parts = g_strsplit (requested != NULL ? requested : "", " ", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *scope = parts[i];

      if (*scope == '\0' || g_str_equal (scope, "openid") || g_str_equal (scope, "profile")
          || g_str_equal (scope, "offline_access") || g_str_equal (scope, "email"))
        continue;
      if (g_str_has_suffix (scope, "/.default") || g_str_equal (scope, ".default"))
        {
          g_strv_builder_add (builder, SCOPE_READ);
          g_strv_builder_add (builder, SCOPE_PRIVILEGED);
          continue;
        }
      g_strv_builder_add (builder, scope);
    }
  return g_strv_builder_end (builder);
}

static gboolean
scope_requested (const char *requested, const char *wanted)
{
  g_auto(GStrv) parts = g_strsplit (requested != NULL ? requested : "", " ", -1);

  return g_strv_contains ((const char *const *) parts, wanted);
}

static gboolean
token_has_scope (const SbAccessToken *token, const char *wanted)
{
  for (guint i = 0; token->scopes[i] != NULL; i++)
    {
      const char *slash = strrchr (token->scopes[i], '/');
      const char *name = slash != NULL ? slash + 1 : token->scopes[i];

      if (g_ascii_strcasecmp (name, wanted) == 0)
        return TRUE;
    }
  return FALSE;
}

/* An Entra-looking JWT: header.payload.signature. The signature is random bytes, which also
 * makes every token unique; the sandbox has no keys and clients must not validate it. */
static char *
make_jwt (const char *payload_json)
{
  g_autofree char *header = base64url_string ("{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"sandbox\"}");
  g_autofree char *payload = base64url_string (payload_json);
  g_autofree char *signature = random_token (32);

  return g_strdup_printf ("%s.%s.%s", header, payload, signature);
}

/* Called with the lock held. */
static char *
mint_access_token_locked (LkSandbox  *self,
                          const char *scope,
                          guint       lifetime_s)
{
  SbAccessToken *token = g_new0 (SbAccessToken, 1);
  g_autoptr(GString) payload = g_string_new (NULL);
  g_autofree char *joined = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  char *jwt;

  token->scopes = granted_scopes (scope);
  token->expires_us = g_get_monotonic_time () + (gint64) lifetime_s * G_USEC_PER_SEC;
  joined = g_strjoinv (" ", token->scopes);
  g_string_append_printf (payload, "{\"aud\":\"https://graph.microsoft.com\",\"iss\":\"https://sts.windows.net/%s/\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT ",\"tid\":\"%s\",\"oid\":\"%s\",\"upn\":\"%s\",\"scp\":",
                          DEMO_TENANT_ID, now, now + lifetime_s, DEMO_TENANT_ID, DEMO_USER_OID,
                          DEMO_USERNAME);
  sb_json_append_string (payload, joined);
  g_string_append_c (payload, '}');
  jwt = make_jwt (payload->str);
  g_hash_table_insert (self->access_tokens, g_strdup (jwt), token);
  g_ptr_array_add (self->issued_tokens, g_strdup (jwt));
  return jwt;
}

/* ---- one request ---- */

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
  GBytes            *raw;           /* RAW: the whole answer */
  guint              raw_delay_ms;
} SbRequest;

static void
request_free (gpointer data)
{
  SbRequest *req = data;

  if (req->timer != NULL)
    {
      g_source_destroy (req->timer);
      g_source_unref (req->timer);
    }
  if (req->watch != NULL)
    {
      g_source_destroy (req->watch);
      g_source_unref (req->watch);
    }
  g_free (req->request_id);
  g_free (req->client_request_id);
  g_clear_pointer (&req->raw, g_bytes_unref);
  g_free (req);
}

static void
count_aborted (SbRequest *req)
{
  if (req->counted || req->wrote || req->dropped)
    return;
  req->counted = TRUE;
  g_mutex_lock (&req->self->lock);
  req->self->n_aborted++;
  g_mutex_unlock (&req->self->lock);
}

static void
wrote_body_cb (SoupServerMessage *msg, SbRequest *req)
{
  req->wrote = TRUE;
}

static void
finished_cb (SoupServerMessage *msg, SbRequest *req)
{
  /* Finished without having written the body: the client went away first. */
  count_aborted (req);
}

static void
set_json (SoupServerMessage *msg, guint status, const char *type, GString *body)
{
  gsize len = body->len;

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_TAKE,
                                    g_string_free (body, FALSE), len);
}

static void
reply_graph_error (SbRequest  *req,
                   guint       status,
                   const char *code,
                   const char *message)
{
  GString *body = g_string_new ("{\"error\":{\"code\":");
  g_autofree char *date = utc_now_iso8601 ();

  sb_json_append_string (body, code);
  g_string_append (body, ",\"message\":");
  sb_json_append_string (body, message);
  g_string_append (body, ",\"innerError\":{\"date\":");
  sb_json_append_string (body, date);
  g_string_append (body, ",\"request-id\":");
  sb_json_append_string (body, req->request_id);
  g_string_append (body, ",\"client-request-id\":");
  sb_json_append_string (body, req->client_request_id != NULL ? req->client_request_id
                                                              : req->request_id);
  g_string_append (body, "}}}");
  set_json (req->msg, status, GRAPH_JSON_TYPE, body);
}

static void
reply_oauth_error (SbRequest  *req,
                   guint       status,
                   const char *error,
                   guint       aadsts,
                   const char *description)
{
  GString *body = g_string_new ("{\"error\":");
  g_autofree char *text = g_strdup_printf ("AADSTS%u: %s Trace ID: %s Correlation ID: %s",
                                           aadsts, description, req->request_id,
                                           req->request_id);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *timestamp = g_date_time_format (now, "%Y-%m-%d %H:%M:%SZ");

  sb_json_append_string (body, error);
  g_string_append (body, ",\"error_description\":");
  sb_json_append_string (body, text);
  g_string_append_printf (body, ",\"error_codes\":[%u],\"timestamp\":", aadsts);
  sb_json_append_string (body, timestamp);
  g_string_append (body, ",\"trace_id\":");
  sb_json_append_string (body, req->request_id);
  g_string_append (body, ",\"correlation_id\":");
  sb_json_append_string (body, req->request_id);
  g_string_append (body, ",\"error_uri\":\"https://login.microsoftonline.com/error?code=");
  g_string_append_printf (body, "%u\"}", aadsts);
  set_json (req->msg, status, OAUTH_JSON_TYPE, body);
}

/* Entra's answers for the errors an admin meets first, as Microsoft documents them
 * ("Microsoft Entra authentication and authorization error codes", learn.microsoft.com;
 * the OAuth error of each as the v2.0 endpoints send it). A fault whose graph_code is
 * "AADSTS<n>" answers with the row of <n>. */
typedef struct
{
  guint       aadsts;
  const char *error;
  const char *description;
} SbEntraError;

static const SbEntraError entra_errors[] = {
  { 50011, "invalid_request", "The redirect URI specified in the request does not match the redirect URIs configured for the application." },
  { 700016, "unauthorized_client", "Application with identifier was not found in the directory. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant." },
  { 65001, "invalid_grant", "The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource." },
  { 7000218, "invalid_client", "The request body must contain the following parameter: 'client_assertion' or 'client_secret'." },
  { 50076, "invalid_grant", "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource." },
  { 50079, "invalid_grant", "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access the resource." },
  { 53003, "access_denied", "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance." },
  { 50020, "invalid_request", "User account from identity provider does not exist in tenant and cannot access the application in that tenant. The account needs to be added as an external user in the tenant first." },
  { 90072, "invalid_grant", "User account from identity provider does not exist in tenant and cannot access the application in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Microsoft Entra user account." },
  { 50126, "invalid_grant", "Error validating credentials due to invalid username or password." },
  { 65004, "access_denied", "User declined to consent to access the app." },
};

static const SbEntraError *
entra_error_lookup (const char *graph_code)
{
  guint64 code;

  if (graph_code == NULL || !g_str_has_prefix (graph_code, "AADSTS")
      || !g_ascii_string_to_unsigned (graph_code + 6, 10, 1, G_MAXUINT, &code, NULL))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (entra_errors); i++)
    if (entra_errors[i].aadsts == code)
      return &entra_errors[i];
  return NULL;
}

static void
reply_html (SbRequest *req, guint status, const char *title, const char *text)
{
  g_autofree char *t = g_markup_escape_text (title, -1);
  g_autofree char *x = g_markup_escape_text (text, -1);
  GString *body = g_string_new (NULL);

  g_string_append_printf (body, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>"
                          "<body><h1>%s</h1><p>%s</p></body></html>\n", t, t, x);
  set_json (req->msg, status, "text/html; charset=utf-8", body);
}

static gsize
raw_size (const LkFault *fault)
{
  if (fault->body == NULL)
    return 0;
  return fault->size > 0 ? fault->size : strlen (fault->body);
}

/* Marks which faults apply to this request; returns the first one that replaces the answer
 * (a copy, strings owned by the caller's SbFault-free) or NULL. DELAY, TRUNCATE, DROP,
 * DROP_MID_BODY, WRONG_TYPES and FOREIGN_NEXT_LINK only set flags on @req. */
static SbFault *
take_faults (LkSandbox *self, SbRequest *req, const char *method, const char *path)
{
  SbFault *hit = NULL;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->faults->len; i++)
    {
      SbFault *fault = g_ptr_array_index (self->faults, i);
      guint times = MAX (fault->fault.times, 1);

      if (fault->fault.method != NULL && g_ascii_strcasecmp (fault->fault.method, method) != 0)
        continue;
      if (fault->fault.path_contains != NULL && strstr (path, fault->fault.path_contains) == NULL)
        continue;
      fault->seen++;
      if (fault->seen <= fault->fault.skip || fault->seen > fault->fault.skip + times)
        continue;

      switch (fault->fault.kind)
        {
        case LK_FAULT_DELAY:
          req->delay_ms += fault->fault.delay_ms;
          break;
        case LK_FAULT_TRUNCATE:
          req->truncate = TRUE;
          break;
        case LK_FAULT_DROP:
          if (fault->fault.processed)
            req->drop_after = TRUE;
          else
            req->drop = TRUE;
          break;
        case LK_FAULT_DROP_MID_BODY:
          req->drop_mid_body = TRUE;
          break;
        case LK_FAULT_WRONG_TYPES:
          req->wrong_types = TRUE;
          break;
        case LK_FAULT_FOREIGN_NEXT_LINK:
          req->foreign_next_link = TRUE;
          break;
        case LK_FAULT_STATUS:
        case LK_FAULT_MALFORMED:
        case LK_FAULT_EXPIRE_TOKEN:
        case LK_FAULT_HUGE_BODY:
        case LK_FAULT_FORBIDDEN:
        case LK_FAULT_OAUTH_ERROR:
        default:
          if (hit == NULL)
            {
              hit = g_new0 (SbFault, 1);
              hit->fault = fault->fault;
              hit->fault.method = NULL;
              hit->fault.path_contains = NULL;
              hit->fault.retry_after = g_strdup (fault->fault.retry_after);
              hit->fault.graph_code = g_strdup (fault->fault.graph_code);
              hit->fault.body = fault->fault.body != NULL
                                ? g_memdup2 (fault->fault.body, raw_size (&fault->fault) + 1) : NULL;
            }
          break;
        }
    }
  g_mutex_unlock (&self->lock);
  return hit;
}

static const char *
code_for_status (guint status)
{
  switch (status)
    {
    case 400: return "BadRequest";
    case 401: return "InvalidAuthenticationToken";
    case 403: return "Forbidden";
    case 404: return "ResourceNotFound";
    case 409: return "Conflict";
    case 429: return "TooManyRequests";
    case 500: return "InternalServerError";
    case 502: return "BadGateway";
    case 503: return "ServiceUnavailable";
    case 504: return "GatewayTimeout";
    default: return "UnknownError";
    }
}

static void
reply_malformed (SbRequest *req)
{
  GString *body = g_string_new ("<!DOCTYPE html><html><body>Sorry, something went wrong"
                                " (this is not JSON)</body></html>");

  /* It still claims to be JSON, as a broken proxy in front of Graph would. */
  set_json (req->msg, 200, GRAPH_JSON_TYPE, body);
}

static void
reply_huge (SbRequest *req, const char *graph_base, gsize size)
{
  GString *body = g_string_sized_new (size + 256);
  gsize pad;

  gsize start;

  g_string_append_printf (body, "{\"@odata.context\":\"%s/$metadata#deviceManagement/managedDevices\","
                          "\"value\":[{\"id\":\"00000000-0000-4000-8000-000000000001\","
                          "\"deviceName\":\"HUGE-BODY\",\"notes\":\"", graph_base);
  pad = size > body->len + 4 ? size - body->len - 4 : 0;
  start = body->len;
  g_string_set_size (body, start + pad);
  memset (body->str + start, 'x', pad);
  g_string_append (body, "\"}]}");
  set_json (req->msg, 200, GRAPH_JSON_TYPE, body);
}

/* ---- Graph: actions ---- */

static gboolean
parse_version (const char *text, guint *major, guint *minor)
{
  char *end = NULL;

  *major = *minor = 0;
  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  *major = (guint) g_ascii_strtoull (text, &end, 10);
  if (end != NULL && *end == '.' && g_ascii_isdigit (end[1]))
    *minor = (guint) g_ascii_strtoull (end + 1, NULL, 10);
  return TRUE;
}

/* What Intune would do with resetPasscode on this device (DESIGN.md's capability table). */
static SbOutcome
outcome_for (const SbDevice *dev)
{
  const char *os = dev->s[SB_F_OPERATING_SYSTEM] != NULL ? dev->s[SB_F_OPERATING_SYSTEM] : "";
  const char *enrollment = dev->s[SB_F_DEVICE_ENROLLMENT_TYPE] != NULL
                           ? dev->s[SB_F_DEVICE_ENROLLMENT_TYPE] : "";
  const char *owner = dev->s[SB_F_MANAGED_DEVICE_OWNER_TYPE] != NULL
                      ? dev->s[SB_F_MANAGED_DEVICE_OWNER_TYPE] : "";
  const char *device_type = dev->s[SB_F_DEVICE_TYPE] != NULL ? dev->s[SB_F_DEVICE_TYPE] : "";
  gboolean company = g_ascii_strcasecmp (owner, "company") == 0;
  guint major, minor;
  gboolean has_version = parse_version (dev->s[SB_F_OS_VERSION], &major, &minor);

  if (g_ascii_strcasecmp (os, "iOS") == 0 || g_ascii_strcasecmp (os, "iPadOS") == 0)
    {
      if (g_str_equal (enrollment, "appleUserEnrollment")
          || g_str_equal (enrollment, "appleUserEnrollmentWithServiceAccount")
          || g_str_equal (enrollment, "appleAccountDrivenUserEnrollment") || !company)
        return OUTCOME_NOT_SUPPORTED;
      return OUTCOME_DONE;
    }
  if (g_ascii_strcasecmp (os, "visionOS") == 0)
    return company && has_version && (major > 1 || (major == 1 && minor >= 1))
           ? OUTCOME_DONE : OUTCOME_NOT_SUPPORTED;
  if (g_ascii_strcasecmp (os, "Android") != 0)
    return OUTCOME_NOT_SUPPORTED;

  if (g_str_has_prefix (enrollment, "androidEnterprise") || g_str_has_prefix (enrollment, "androidAOSP"))
    return OUTCOME_DONE_WITH_PASSCODE;
  if (g_str_equal (device_type, "androidForWork"))
    return has_version && major >= 8 ? OUTCOME_DONE_WITH_PASSCODE : OUTCOME_NOT_SUPPORTED;
  /* Device administrator: Google removed the API from Android 7.0. */
  return has_version && major <= 6 ? OUTCOME_DONE_WITH_PASSCODE : OUTCOME_NOT_SUPPORTED;
}

static void
append_action_json (GString *out, const SbAction *action, gint64 now_us)
{
  gint64 active_from = action->start_us + action->pending_us;
  gint64 done_at, updated;
  const char *state;
  gboolean show_passcode = FALSE;

  if (action->sync_us != 0 && action->sync_us < active_from)
    active_from = action->sync_us;
  done_at = active_from + action->active_us;

  if (now_us < active_from)
    {
      state = "pending";
      updated = action->start_us;
    }
  else if (now_us < done_at)
    {
      state = "active";
      updated = active_from;
    }
  else
    {
      updated = done_at;
      state = action->outcome == OUTCOME_NOT_SUPPORTED ? "notSupported" : "done";
      show_passcode = action->outcome == OUTCOME_DONE_WITH_PASSCODE;
    }

  g_string_append (out, "{\"@odata.type\":\"#microsoft.graph.resetPasscodeActionResult\","
                        "\"actionName\":\"resetPasscode\",\"actionState\":");
  sb_json_append_string (out, state);
  g_string_append (out, ",\"startDateTime\":");
  sb_append_iso8601 (out, action->start_us / G_USEC_PER_SEC);
  g_string_append (out, ",\"lastUpdatedDateTime\":");
  sb_append_iso8601 (out, updated / G_USEC_PER_SEC);
  g_string_append (out, ",\"passcode\":");
  sb_json_append_string (out, show_passcode ? action->passcode : NULL);
  g_string_append (out, ",\"errorCode\":0}");
}

/* Lock held. Returns NULL for "no actions" ([]). */
static char *
actions_json_locked (LkSandbox *self, const SbDevice *dev)
{
  SbAction *action = g_hash_table_lookup (self->actions, dev->s[SB_F_ID]);
  GString *out;

  if (action == NULL)
    return NULL;
  out = g_string_new ("[");
  append_action_json (out, action, g_get_real_time ());
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

static void
handle_device_action (SbRequest *req, const char *id, const char *action_name)
{
  LkSandbox *self = req->self;
  SbDevice *dev;

  g_mutex_lock (&self->lock);
  dev = sb_device_set_lookup (self->devices, id);
  if (dev == NULL)
    {
      g_mutex_unlock (&self->lock);
      reply_graph_error (req, 404, "ResourceNotFound", "Resource not found");
      return;
    }

  if (g_str_equal (action_name, "resetPasscode"))
    {
      SbAction *action = g_new0 (SbAction, 1);

      action->start_us = g_get_real_time ();
      action->pending_us = (gint64) self->pending_ms * 1000;
      action->active_us = (gint64) self->active_ms * 1000;
      action->outcome = outcome_for (dev);
      if (action->outcome == OUTCOME_DONE_WITH_PASSCODE)
        {
          guint32 r;

          fill_random ((guint8 *) &r, sizeof r);
          g_snprintf (action->passcode, sizeof action->passcode, "%06u", r % 1000000);
          if (self->fixed_passcode[0] != '\0')
            memcpy (action->passcode, self->fixed_passcode, sizeof action->passcode);
          memcpy (self->last_passcode, action->passcode, sizeof self->last_passcode);
        }
      g_hash_table_replace (self->actions, g_strdup (dev->s[SB_F_ID]), action);
      self->n_queued++;
    }
  else
    {
      SbAction *action = g_hash_table_lookup (self->actions, dev->s[SB_F_ID]);
      gint64 now = g_get_real_time ();

      /* A sync nudge makes the device check in: a pending action becomes active. */
      if (action != NULL && action->sync_us == 0 && now < action->start_us + action->pending_us)
        action->sync_us = now;
    }
  g_mutex_unlock (&self->lock);
  soup_server_message_set_status (req->msg, 204, NULL);
}

/* ---- Graph: reading devices ---- */

static guint32
all_fields (gboolean beta)
{
  guint32 mask = 0;

  for (guint i = 0; i < SB_N_FIELDS; i++)
    if (beta || !sb_field_is_beta_only (i))
      mask |= 1u << i;
  return mask;
}

static gboolean
parse_select (const char *select, gboolean beta, guint32 *mask, char **bad)
{
  g_auto(GStrv) parts = NULL;

  if (select == NULL || *select == '\0')
    {
      *mask = all_fields (beta);
      return TRUE;
    }
  *mask = 1u << SB_F_ID;
  parts = g_strsplit (select, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      SbField field;

      g_strstrip (parts[i]);
      if (!sb_field_from_name (parts[i], beta, &field))
        {
          *bad = g_strdup (parts[i]);
          return FALSE;
        }
      *mask |= 1u << field;
    }
  return TRUE;
}

static void
reply_bad_select (SbRequest *req, const char *member)
{
  g_autofree char *message = g_strdup_printf ("Could not find a property named '%s' on type "
                                              "'microsoft.graph.managedDevice'.", member);

  reply_graph_error (req, 400, "BadRequest", message);
}

static void
handle_get_device (SbRequest *req, const char *version, const char *id, GHashTable *query)
{
  LkSandbox *self = req->self;
  gboolean beta = g_str_equal (version, "beta");
  const char *select = query != NULL ? g_hash_table_lookup (query, "$select") : NULL;
  g_autofree char *bad = NULL;
  g_autofree char *actions = NULL;
  g_autoptr(GString) entity = NULL;
  guint32 mask;
  SbDevice *dev;
  GString *body;

  if (!parse_select (select, beta, &mask, &bad))
    {
      reply_bad_select (req, bad);
      return;
    }

  g_mutex_lock (&self->lock);
  dev = sb_device_set_lookup (self->devices, id);
  if (dev == NULL)
    {
      g_mutex_unlock (&self->lock);
      reply_graph_error (req, 404, "ResourceNotFound", "Resource not found");
      return;
    }
  actions = actions_json_locked (self, dev);
  entity = g_string_new (NULL);
  sb_device_write_json (entity, dev, mask, beta, actions, req->wrong_types, TRUE);
  body = g_string_new (NULL);
  g_string_append_printf (body, "{\"@odata.context\":\"%s/graph/%s/$metadata#deviceManagement/managedDevices/$entity\",",
                          self->base_url, version);
  g_mutex_unlock (&self->lock);
  /* The entity's members follow the context in the same object. */
  g_string_append (body, entity->str + 1);
  set_json (req->msg, 200, GRAPH_JSON_TYPE, body);
}

typedef struct
{
  guint  offset;   /* index in the device array where the page starts scanning */
  guint  top;
  gboolean count;
  char  *select;
  char  *filter;
} SbCursor;

static void
cursor_clear (SbCursor *cursor)
{
  g_free (cursor->select);
  g_free (cursor->filter);
}

/* The skiptoken is opaque to clients: base64url of the cursor, so the server stays stateless
 * and a client that rebuilds the URL instead of following it gets nothing useful. */
static char *
cursor_encode (const SbCursor *cursor)
{
  g_autofree char *plain = g_strdup_printf ("lk1\x1f%u\x1f%u\x1f%d\x1f%s\x1f%s", cursor->offset,
                                            cursor->top, cursor->count,
                                            cursor->select != NULL ? cursor->select : "",
                                            cursor->filter != NULL ? cursor->filter : "");

  return base64url_string (plain);
}

static gboolean
cursor_decode (const char *token, SbCursor *cursor)
{
  g_autofree char *plain = base64url_decode (token);
  g_auto(GStrv) parts = NULL;

  if (plain == NULL)
    return FALSE;
  parts = g_strsplit (plain, "\x1f", 6);
  if (g_strv_length (parts) != 6 || !g_str_equal (parts[0], "lk1"))
    return FALSE;
  cursor->offset = (guint) g_ascii_strtoull (parts[1], NULL, 10);
  cursor->top = (guint) g_ascii_strtoull (parts[2], NULL, 10);
  cursor->count = g_str_equal (parts[3], "1");
  cursor->select = *parts[4] != '\0' ? g_strdup (parts[4]) : NULL;
  cursor->filter = *parts[5] != '\0' ? g_strdup (parts[5]) : NULL;
  return cursor->top > 0 && cursor->top <= MAX_PAGE;
}

static gboolean
parse_top (const char *text, guint *top)
{
  guint64 value;

  if (text == NULL)
    {
      *top = MAX_PAGE;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT32, &value, NULL))
    return FALSE;
  *top = (guint) MIN (value, MAX_PAGE);
  return TRUE;
}

static gboolean
cursor_from_query (GHashTable *query, SbCursor *cursor, SbRequest *req)
{
  const char *skiptoken = query != NULL ? g_hash_table_lookup (query, "$skiptoken") : NULL;
  const char *count;

  if (skiptoken != NULL)
    {
      if (cursor_decode (skiptoken, cursor))
        return TRUE;
      reply_graph_error (req, 400, "BadRequest", "The skip token is invalid or has expired.");
      return FALSE;
    }
  if (!parse_top (query != NULL ? g_hash_table_lookup (query, "$top") : NULL, &cursor->top))
    {
      reply_graph_error (req, 400, "BadRequest", "Invalid value for $top query parameter.");
      return FALSE;
    }
  count = query != NULL ? g_hash_table_lookup (query, "$count") : NULL;
  cursor->count = count != NULL && g_ascii_strcasecmp (count, "true") == 0;
  cursor->select = query != NULL ? g_strdup (g_hash_table_lookup (query, "$select")) : NULL;
  cursor->filter = query != NULL ? g_strdup (g_hash_table_lookup (query, "$filter")) : NULL;
  /* $orderby is accepted and ignored, as Intune does. */
  return TRUE;
}

static void
handle_list_devices (SbRequest *req, const char *version, GHashTable *query)
{
  LkSandbox *self = req->self;
  gboolean beta = g_str_equal (version, "beta");
  SbCursor cursor = { 0 };
  g_autoptr(SbFilter) filter = NULL;
  g_autofree char *bad = NULL;
  GString *body;
  guint32 mask;
  guint n_written = 0, i, n_devices, next = G_MAXUINT;

  if (!cursor_from_query (query, &cursor, req))
    {
      cursor_clear (&cursor);
      return;
    }
  if (!parse_select (cursor.select, beta, &mask, &bad))
    {
      reply_bad_select (req, bad);
      cursor_clear (&cursor);
      return;
    }
  filter = sb_filter_parse (cursor.filter);

  body = g_string_sized_new (cursor.top * 700 + 512);
  g_mutex_lock (&self->lock);
  g_string_append_printf (body, "{\"@odata.context\":\"%s/graph/%s/$metadata#deviceManagement/managedDevices",
                          self->base_url, version);
  if (cursor.select != NULL)
    g_string_append_printf (body, "(%s)", cursor.select);
  g_string_append (body, "\"");

  n_devices = self->devices->devices->len;
  if (cursor.count)
    {
      guint total = 0;

      for (i = 0; i < n_devices; i++)
        if (sb_filter_matches (filter, &g_array_index (self->devices->devices, SbDevice, i)))
          total++;
      g_string_append_printf (body, ",\"@odata.count\":%u", total);
    }

  g_string_append (body, ",\"value\":[");
  for (i = MIN (cursor.offset, n_devices); i < n_devices; i++)
    {
      SbDevice *dev = &g_array_index (self->devices->devices, SbDevice, i);
      g_autofree char *actions = NULL;

      if (!sb_filter_matches (filter, dev))
        continue;
      if (n_written == cursor.top)
        {
          next = i;
          break;
        }
      if (n_written > 0)
        g_string_append_c (body, ',');
      if ((mask & (1u << SB_F_DEVICE_ACTION_RESULTS)) != 0)
        actions = actions_json_locked (self, dev);
      sb_device_write_json (body, dev, mask, beta, actions, req->wrong_types, FALSE);
      n_written++;
    }
  g_string_append_c (body, ']');

  if (next != G_MAXUINT || req->foreign_next_link)
    {
      g_autofree char *token = NULL;

      cursor.offset = next != G_MAXUINT ? next : n_devices;
      token = cursor_encode (&cursor);
      g_string_append_printf (body, ",\"@odata.nextLink\":\"%s/graph/%s/deviceManagement/managedDevices?$skiptoken=%s\"",
                              req->foreign_next_link ? "https://evil.example.com" : self->base_url,
                              version, token);
    }
  g_mutex_unlock (&self->lock);
  g_string_append_c (body, '}');
  cursor_clear (&cursor);
  set_json (req->msg, 200, GRAPH_JSON_TYPE, body);
}

/* Intune's 403s, as its service writes them: the code says little ("Forbidden", or
 * "UnknownError" with the real code nested), the message is a JSON text of Intune's own.
 * Missing permission: microsoftgraph/microsoft-graph-docs-contrib#87; missing Intune role:
 * microsoftgraph/microsoft-graph-docs#11070; Multi Admin Approval: learn.microsoft.com/intune/
 * fundamentals/role-based-access-control/multi-admin-approval-graph-api. */
static void
reply_intune_missing_scope (SbRequest *req, const char *const scopes[])
{
  g_autofree char *list = g_strjoinv (", ", (char **) scopes);
  g_autofree char *message = g_strdup_printf ("{\r\n  \"_version\": 3,\r\n  \"Message\": \"Application is not authorized to perform this operation. "
                                              "Application must have one of the following scopes: %s - Operation ID (for customer support): "
                                              "00000000-0000-0000-0000-000000000000 - Activity ID: %s - Url: https://fef.msua02.manage.microsoft.com/"
                                              "DeviceFE/StatelessDeviceFEService/deviceManagement/managedDevices\",\r\n  \"CustomApiErrorPhrase\": \"\",\r\n"
                                              "  \"RetryAfter\": null,\r\n  \"ErrorSourceService\": \"\",\r\n  \"HttpHeaders\": \"{}\"\r\n}",
                                              list, req->request_id);

  reply_graph_error (req, 403, "Forbidden", message);
}

static void
reply_intune_missing_role (SbRequest *req)
{
  g_autofree char *message = g_strdup_printf ("{\"ErrorCode\":\"Forbidden\",\"Message\":\"{\\r\\n  \\\"_version\\\": 3,\\r\\n  \\\"Message\\\": "
                                              "\\\"An error has occurred - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - "
                                              "Activity ID: %s - Url: https://fef.msua05.manage.microsoft.com/DeviceFE/StatelessDeviceFEService/"
                                              "deviceManagement/managedDevices\\\"\\r\\n}\",\"Target\":null,\"Details\":null,\"InnerError\":null,"
                                              "\"InstanceAnnotations\":[]}", req->request_id);

  reply_graph_error (req, 403, "UnknownError", message);
}

static void
reply_intune_approval_required (SbRequest *req)
{
  g_autofree char *code = g_uuid_string_random ();
  g_autofree char *message = g_strdup_printf ("Approval Required. Request Approval using the request ID returned as part of the "
                                              "x-msft-approval-code response header. x-msft-approval-code: %s", code);

  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "x-msft-approval-code", code);
  reply_graph_error (req, 403, "ApprovalRequired", message);
}

/* Lock not held. Returns FALSE after answering 401. */
static gboolean
check_bearer_for (SbRequest *req, const char *const required_any[], gboolean directory, char **out_token)
{
  LkSandbox *self = req->self;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  const char *message = NULL;
  gboolean allowed = FALSE;
  SbAccessToken *token;

  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0 || auth[7] == '\0')
    message = "Access token is empty.";
  else
    {
      g_mutex_lock (&self->lock);
      token = g_hash_table_lookup (self->access_tokens, auth + 7);
      if (token == NULL)
        message = "Access token validation failure. Invalid audience.";
      else if (token->expires_us <= g_get_monotonic_time ())
        message = "Lifetime validation failed, the token is expired.";
      else
        for (guint i = 0; required_any[i] != NULL; i++)
          allowed |= token_has_scope (token, required_any[i]);
      g_mutex_unlock (&self->lock);
    }

  if (message != NULL)
    {
      g_autofree char *www = g_strdup_printf ("Bearer realm=\"\", authorization_uri=\"%s/login/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
                                              self->base_url);

      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "WWW-Authenticate", www);
      reply_graph_error (req, 401, "InvalidAuthenticationToken", message);
      return FALSE;
    }
  *out_token = g_strdup (auth + 7);
  if (!allowed && directory)
    reply_graph_error (req, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  else if (!allowed)
    reply_intune_missing_scope (req, required_any);
  if (!allowed)
    {
      g_clear_pointer (out_token, g_free);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_bearer (SbRequest *req, const char *required_any[], char **out_token)
{
  return check_bearer_for (req, required_any, FALSE, out_token);
}

/* RAW: the answer as given, on the stolen connection, instead of libsoup's. */
static void
send_raw (SbRequest *req)
{
  GSocket *socket = soup_server_message_get_socket (req->msg);
  g_autoptr(GIOStream) stream = NULL;

  req->dropped = TRUE;
  stream = soup_server_message_steal_connection (req->msg);
  sb_raw_send (&req->self->raw_writers, stream, socket, req->raw, req->raw_delay_ms);
}

static void
apply_graph_fault (SbRequest *req, SbFault *fault, const char *token, const char *version)
{
  LkSandbox *self = req->self;

  switch (fault->fault.kind)
    {
    case LK_FAULT_STATUS:
      if (fault->fault.retry_after != NULL)
        soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                      "Retry-After", fault->fault.retry_after);
      reply_graph_error (req, fault->fault.status != 0 ? fault->fault.status : 503,
                         code_for_status (fault->fault.status),
                         "The service is busy (sandbox fault injection).");
      break;
    case LK_FAULT_MALFORMED:
      reply_malformed (req);
      break;
    case LK_FAULT_EXPIRE_TOKEN:
      g_mutex_lock (&self->lock);
      g_hash_table_remove (self->access_tokens, token);
      g_mutex_unlock (&self->lock);
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "WWW-Authenticate", "Bearer realm=\"\", error=\"invalid_token\"");
      reply_graph_error (req, 401, "InvalidAuthenticationToken",
                         "Lifetime validation failed, the token is expired.");
      break;
    case LK_FAULT_HUGE_BODY:
      {
        g_autofree char *graph = NULL;

        g_mutex_lock (&self->lock);
        graph = g_strdup_printf ("%s/graph/%s", self->base_url, version);
        g_mutex_unlock (&self->lock);
        reply_huge (req, graph, fault->fault.size);
      }
      break;
    case LK_FAULT_FORBIDDEN:
      if (g_strcmp0 (fault->fault.graph_code, "Forbidden") == 0)
        {
          static const char *const privileged[] = { SCOPE_PRIVILEGED, NULL };

          reply_intune_missing_scope (req, privileged);
        }
      else if (g_strcmp0 (fault->fault.graph_code, "UnknownError") == 0)
        reply_intune_missing_role (req);
      else if (g_strcmp0 (fault->fault.graph_code, "ApprovalRequired") == 0)
        reply_intune_approval_required (req);
      else
        reply_graph_error (req, 403, fault->fault.graph_code != NULL ? fault->fault.graph_code
                                                                     : "Forbidden",
                           "Access denied (sandbox fault injection).");
      break;
    case LK_FAULT_RAW:
      req->raw = g_bytes_new (fault->fault.body, raw_size (&fault->fault));
      req->raw_delay_ms = fault->fault.delay_ms;
      break;
    case LK_FAULT_OAUTH_ERROR:
    case LK_FAULT_DELAY:
    case LK_FAULT_TRUNCATE:
    case LK_FAULT_WRONG_TYPES:
    case LK_FAULT_DROP:
    case LK_FAULT_FOREIGN_NEXT_LINK:
    default:
      g_assert_not_reached ();
    }
}

static guint
forget_and_count (GQueue *times, gint64 cutoff)
{
  while (!g_queue_is_empty (times) && *(gint64 *) g_queue_peek_head (times) <= cutoff)
    g_free (g_queue_pop_head (times));
  return g_queue_get_length (times);
}

static void
push_time (GQueue *times, gint64 now)
{
  g_queue_push_tail (times, g_memdup2 (&now, sizeof now));
}

static void
clear_times (GQueue *times)
{
  g_queue_clear_full (times, g_free);
}

/* Intune's per-app throttling over a sliding window; TRUE after answering 429. */
static gboolean
rate_limited (SbRequest *req, gboolean write)
{
  LkSandbox *self = req->self;
  gint64 now = g_get_monotonic_time ();
  gint64 cutoff;
  gint64 wait = 0;
  guint n;

  g_mutex_lock (&self->lock);
  if (self->rate_requests == 0)
    {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
  cutoff = now - self->rate_window_us;
  push_time (&self->rate_arrived, now);
  self->rate_peak = MAX (self->rate_peak, forget_and_count (&self->rate_arrived, cutoff));
  if (write)
    {
      push_time (&self->rate_arrived_writes, now);
      n = forget_and_count (&self->rate_arrived_writes, cutoff);
      self->rate_peak_writes = MAX (self->rate_peak_writes, n);
    }

  if (forget_and_count (&self->rate_accepted, cutoff) >= self->rate_requests)
    wait = *(gint64 *) g_queue_peek_head (&self->rate_accepted) - cutoff;
  if (write && forget_and_count (&self->rate_accepted_writes, cutoff) >= self->rate_writes)
    wait = MAX (wait, *(gint64 *) g_queue_peek_head (&self->rate_accepted_writes) - cutoff);
  if (wait == 0)
    {
      push_time (&self->rate_accepted, now);
      if (write)
        push_time (&self->rate_accepted_writes, now);
    }
  else
    self->n_rate_limited++;
  g_mutex_unlock (&self->lock);

  if (wait > 0)
    {
      char retry_after[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (retry_after, sizeof retry_after, "%.3f", wait / (double) G_USEC_PER_SEC);
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Retry-After", retry_after);
      reply_graph_error (req, 429, "TooManyRequests",
                         "Too many requests: the application's limit for this tenant was reached.");
    }
  return wait > 0;
}

/* After the token was accepted: throttling, then the faults that replace the answer. FALSE when
 * the request is answered (or dropped) already; otherwise @fault is a processed fault to apply
 * after the handler, or NULL. */
static gboolean
graph_checks_pass (SbRequest   *req,
                   const char  *method,
                   const char  *path,
                   const char  *token,
                   const char  *version,
                   SbFault    **fault)
{
  *fault = NULL;
  if (rate_limited (req, g_str_equal (method, "POST")))
    return FALSE;
  *fault = take_faults (req->self, req, method, path);
  if (*fault != NULL && !(*fault)->fault.processed)
    {
      apply_graph_fault (req, *fault, token, version);
      g_clear_pointer (fault, fault_free);
      return FALSE;
    }
  if (req->drop)
    {
      g_clear_pointer (fault, fault_free);
      return FALSE;
    }
  return TRUE;
}

/* LAPS, BitLocker, FileVault and their rotations: lk-sandbox-unlock.c answers, after the same
 * token, throttling and fault checks as every Graph request. */
static void
handle_unlock (SbRequest *req, const char *method, const char *path, char **parts, guint n,
               GHashTable *query, SbUnlockRoute route, const char *const scopes[])
{
  LkSandbox *self = req->self;
  g_autofree char *token = NULL;
  g_autofree char *graph_base = NULL;
  SbUnlockAnswer answer = { NULL };
  SbAccessToken *granted;
  SbFault *fault;

  if (!check_bearer_for (req, scopes, route == SB_UNLOCK_DIRECTORY, &token)
      || !graph_checks_pass (req, method, path, token, parts[0], &fault))
    return;
  g_mutex_lock (&self->lock);
  granted = g_hash_table_lookup (self->access_tokens, token);
  answer.token_scopes = granted != NULL ? g_strdupv (granted->scopes) : NULL;
  graph_base = g_strdup_printf ("%s/graph", req->foreign_next_link ? "https://evil.example.com" : self->base_url);
  sb_unlock_answer (self->unlock, self->devices, method, parts, n, query, graph_base,
                    self->pending_ms, &answer);
  g_mutex_unlock (&self->lock);
  g_strfreev (answer.token_scopes);
  if (answer.body != NULL)
    set_json (req->msg, answer.status, GRAPH_JSON_TYPE, answer.body);
  else if (answer.status == 204)
    soup_server_message_set_status (req->msg, 204, NULL);
  else
    reply_graph_error (req, answer.status, answer.code, answer.message);
  if (fault != NULL)
    {
      apply_graph_fault (req, fault, token, parts[0]);
      fault_free (fault);
    }
}

static void
handle_graph (SbRequest *req, const char *method, const char *path, GHashTable *query)
{
  static const char *read_scopes[] = { SCOPE_READ, SCOPE_READ_WRITE, SCOPE_PRIVILEGED, NULL };
  static const char *write_scopes[] = { SCOPE_PRIVILEGED, NULL };
  static const char *sync_scopes[] = { SCOPE_PRIVILEGED, SCOPE_READ_WRITE, NULL };
  g_auto(GStrv) parts = g_strsplit (path + strlen ("/graph/"), "/", -1);
  guint n = g_strv_length (parts);
  const char **scopes;
  g_autofree char *token = NULL;
  SbFault *fault;
  gboolean is_get = g_str_equal (method, "GET");
  gboolean is_post = g_str_equal (method, "POST");
  const char *const *unlock_scopes;
  SbUnlockRoute unlock_route;

  if (n < 1 || (!g_str_equal (parts[0], "v1.0") && !g_str_equal (parts[0], "beta")))
    {
      reply_graph_error (req, 400, "BadRequest", "Invalid version.");
      return;
    }
  unlock_route = n > 1 ? sb_unlock_route (parts, n, &unlock_scopes) : SB_UNLOCK_NONE;
  if (unlock_route != SB_UNLOCK_NONE)
    {
      handle_unlock (req, method, path, parts, n, query, unlock_route, unlock_scopes);
      return;
    }
  if (n < 3 || !g_str_equal (parts[1], "deviceManagement") || !g_str_equal (parts[2], "managedDevices")
      || n > 5 || (n == 4 && *parts[3] == '\0'))
    {
      reply_graph_error (req, 400, "BadRequest", "Resource not found for the segment.");
      return;
    }
  if (n == 5 && !g_str_equal (parts[4], "resetPasscode") && !g_str_equal (parts[4], "syncDevice"))
    {
      reply_graph_error (req, 400, "BadRequest", "Resource not found for the segment.");
      return;
    }
  if ((n < 5 && !is_get) || (n == 5 && !is_post))
    {
      reply_graph_error (req, 405, "MethodNotAllowed", "The method is not allowed on this resource.");
      return;
    }

  scopes = n < 5 ? read_scopes : g_str_equal (parts[4], "syncDevice") ? sync_scopes : write_scopes;
  if (!check_bearer (req, scopes, &token))
    return;

  if (!graph_checks_pass (req, method, path, token, parts[0], &fault))
    return;

  if (n == 3)
    handle_list_devices (req, parts[0], query);
  else if (n == 4)
    handle_get_device (req, parts[0], parts[3], query);
  else
    handle_device_action (req, parts[3], parts[4]);

  /* A processed fault: the work is done, the answer is lost on the way back. */
  if (fault != NULL)
    {
      apply_graph_fault (req, fault, token, parts[0]);
      fault_free (fault);
    }
}

/* ---- Entra ID ---- */

static void
append_member (GString *out, const char *name, const char *value, gboolean last)
{
  sb_json_append_string (out, name);
  g_string_append_c (out, ':');
  sb_json_append_string (out, value);
  if (!last)
    g_string_append_c (out, ',');
}

static void
handle_openid_configuration (SbRequest *req, const char *tenant)
{
  LkSandbox *self = req->self;
  g_autofree char *base = lk_sandbox_get_base_url (self);
  g_autofree char *authority = g_strdup_printf ("%s/login/%s", base, tenant);
  /* Like Entra, the multi-tenant documents name a placeholder the id_token's tid fills in. */
  gboolean multi = g_str_equal (tenant, "common") || g_str_equal (tenant, "organizations")
                   || g_str_equal (tenant, "consumers");
  g_autofree char *issuer = g_strdup_printf ("%s/login/%s/v2.0", base,
                                             multi ? "{tenantid}" : DEMO_TENANT_ID);
  g_autofree char *authorize = g_strdup_printf ("%s/oauth2/v2.0/authorize", authority);
  g_autofree char *token = g_strdup_printf ("%s/oauth2/v2.0/token", authority);
  g_autofree char *devicecode = g_strdup_printf ("%s/oauth2/v2.0/devicecode", authority);
  g_autofree char *logout = g_strdup_printf ("%s/oauth2/v2.0/logout", authority);
  g_autofree char *jwks = g_strdup_printf ("%s/discovery/v2.0/keys", authority);
  GString *body = g_string_new ("{");

  append_member (body, "token_endpoint", token, FALSE);
  g_string_append (body, "\"token_endpoint_auth_methods_supported\":[\"client_secret_post\",\"private_key_jwt\",\"client_secret_basic\"],");
  append_member (body, "jwks_uri", jwks, FALSE);
  g_string_append (body, "\"response_modes_supported\":[\"query\",\"fragment\",\"form_post\"],"
                         "\"subject_types_supported\":[\"pairwise\"],"
                         "\"id_token_signing_alg_values_supported\":[\"RS256\"],"
                         "\"response_types_supported\":[\"code\",\"id_token\",\"code id_token\",\"id_token token\"],"
                         "\"scopes_supported\":[\"openid\",\"profile\",\"email\",\"offline_access\"],"
                         "\"code_challenge_methods_supported\":[\"plain\",\"S256\"],"
                         "\"grant_types_supported\":[\"authorization_code\",\"refresh_token\",\"urn:ietf:params:oauth:grant-type:device_code\"],");
  append_member (body, "issuer", issuer, FALSE);
  g_string_append (body, "\"request_uri_parameter_supported\":false,");
  append_member (body, "authorization_endpoint", authorize, FALSE);
  append_member (body, "device_authorization_endpoint", devicecode, FALSE);
  g_string_append (body, "\"http_logout_supported\":true,\"frontchannel_logout_supported\":true,");
  append_member (body, "end_session_endpoint", logout, FALSE);
  g_string_append (body, "\"claims_supported\":[\"sub\",\"iss\",\"aud\",\"exp\",\"iat\",\"auth_time\",\"nonce\",\"name\",\"tid\",\"ver\",\"oid\",\"preferred_username\",\"email\"],");
  append_member (body, "tenant_region_scope", "EU", FALSE);
  append_member (body, "cloud_instance_name", "microsoftonline.com", TRUE);
  g_string_append_c (body, '}');
  set_json (req->msg, 200, OAUTH_JSON_TYPE, body);
}

static gboolean
is_loopback_host (const char *host)
{
  return g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "localhost") == 0
         || g_strcmp0 (host, "::1") == 0;
}

static const char *
path_or_slash (GUri *uri)
{
  const char *path = g_uri_get_path (uri);

  return path != NULL && *path != '\0' ? path : "/";
}

/* As Entra matches a redirect URI against one registered ("Redirect URI (reply URL)
 * restrictions", learn.microsoft.com): the scheme and host as written — "localhost" does
 * not cover 127.0.0.1 — the path exactly (none registered is "/"), and for an http loopback
 * URI any port. Anything else must be equal. */
static gboolean
redirect_matches (const char *registered,
                  const char *requested)
{
  g_autoptr(GUri) reg = g_uri_parse (registered, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) req = requested != NULL ? g_uri_parse (requested, G_URI_FLAGS_NONE, NULL) : NULL;

  if (reg == NULL || req == NULL)
    return FALSE;
  if (g_strcmp0 (g_uri_get_scheme (reg), "http") != 0 || !is_loopback_host (g_uri_get_host (reg)))
    return g_str_equal (registered, requested);
  return g_strcmp0 (g_uri_get_scheme (req), "http") == 0
         && g_strcmp0 (g_uri_get_host (reg), g_uri_get_host (req)) == 0
         && g_str_equal (path_or_slash (reg), path_or_slash (req))
         && g_uri_get_query (req) == NULL;
}

static gboolean
is_registered_redirect (LkSandbox  *self,
                        const char *redirect_uri)
{
  gboolean found = FALSE;

  g_mutex_lock (&self->lock);
  for (guint i = 0; self->redirect_uris[i] != NULL && !found; i++)
    found = redirect_matches (self->redirect_uris[i], redirect_uri);
  g_mutex_unlock (&self->lock);
  return found;
}

static void
redirect_with (SbRequest  *req,
               const char *redirect_uri,
               const char *first_name,
               const char *first_value,
               const char *second_name,
               const char *second_value,
               const char *state)
{
  g_autoptr(GString) location = g_string_new (redirect_uri);
  const char *names[] = { first_name, second_name, "state" };
  const char *values[] = { first_value, second_value, state };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *escaped = NULL;

      if (names[i] == NULL || values[i] == NULL)
        continue;
      escaped = g_uri_escape_string (values[i], NULL, FALSE);
      g_string_append_c (location, strchr (location->str, '?') != NULL ? '&' : '?');
      g_string_append_printf (location, "%s=%s", names[i], escaped);
    }
  soup_server_message_set_redirect (req->msg, 302, location->str);
}

static void
handle_authorize (SbRequest *req, GHashTable *query, SbFault *fault)
{
  LkSandbox *self = req->self;
  const char *client_id = query != NULL ? g_hash_table_lookup (query, "client_id") : NULL;
  const char *redirect_uri = query != NULL ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *state = query != NULL ? g_hash_table_lookup (query, "state") : NULL;
  const char *response_type = query != NULL ? g_hash_table_lookup (query, "response_type") : NULL;
  const char *scope = query != NULL ? g_hash_table_lookup (query, "scope") : NULL;
  const char *challenge = query != NULL ? g_hash_table_lookup (query, "code_challenge") : NULL;
  const char *method = query != NULL ? g_hash_table_lookup (query, "code_challenge_method") : NULL;
  SbAuthCode *code;
  char *code_value;

  /* Without a known client or a registered redirect URI there is nowhere safe to redirect. */
  if (g_strcmp0 (client_id, self->client_id) != 0)
    {
      reply_html (req, 400, "Sign in", "AADSTS700016: Application with identifier was not found in the directory.");
      return;
    }
  /* Entra shows this on its own page: a redirect URI it does not know is nowhere to go. */
  if (!is_registered_redirect (self, redirect_uri))
    {
      g_autofree char *text = g_strdup_printf ("AADSTS50011: The redirect URI '%s' specified in the request does not match the redirect URIs configured for the application '%s'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.",
                                               redirect_uri != NULL ? redirect_uri : "", client_id);

      reply_html (req, 400, "Sign in", text);
      return;
    }
  if (fault != NULL && fault->fault.kind == LK_FAULT_OAUTH_ERROR)
    {
      const SbEntraError *entra = entra_error_lookup (fault->fault.graph_code);
      g_autofree char *description = entra != NULL
        ? g_strdup_printf ("AADSTS%u: %s Trace ID: %s Correlation ID: %s", entra->aadsts,
                           entra->description, req->request_id, req->request_id)
        : g_strdup ("AADSTS65004: User declined to consent to access the app.");

      redirect_with (req, redirect_uri, "error",
                     entra != NULL ? entra->error
                     : fault->fault.graph_code != NULL ? fault->fault.graph_code : "access_denied",
                     "error_description", description, state);
      return;
    }
  if (g_strcmp0 (response_type, "code") != 0)
    {
      redirect_with (req, redirect_uri, "error", "unsupported_response_type", "error_description",
                     "AADSTS700054: response_type is not enabled for the application.", state);
      return;
    }
  if (scope == NULL || *scope == '\0')
    {
      redirect_with (req, redirect_uri, "error", "invalid_request", "error_description",
                     "AADSTS900144: The request body must contain the following parameter: 'scope'.", state);
      return;
    }
  if (challenge == NULL || g_strcmp0 (method, "S256") != 0)
    {
      redirect_with (req, redirect_uri, "error", "invalid_request", "error_description",
                     "AADSTS9002325: Proof Key for Code Exchange (S256) is required.", state);
      return;
    }

  code = g_new0 (SbAuthCode, 1);
  code->client_id = g_strdup (client_id);
  code->redirect_uri = g_strdup (redirect_uri);
  code->challenge = g_strdup (challenge);
  code->scope = g_strdup (scope);
  code->expires_us = g_get_monotonic_time () + 600 * G_USEC_PER_SEC;
  code_value = random_token (48);
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->auth_codes, code_value, code);
  g_mutex_unlock (&self->lock);
  redirect_with (req, redirect_uri, "code", code_value, NULL, NULL, state);
}

/* Lock held. */
static char *signed_refresh_token (LkSandbox *self, const char *scope, const char *client_id);

/* Lock held: a claim of the id_token, or the value a test set in its place. */
static void
append_claim (LkSandbox  *self,
              GString    *claims,
              const char *name,
              const char *value)
{
  const char *override = g_hash_table_lookup (self->id_token_claims, name);

  append_member (claims, name, override != NULL ? override : value, FALSE);
}

static void
reply_tokens_locked (SbRequest *req, const char *scope, const char *client_id)
{
  LkSandbox *self = req->self;
  g_auto(GStrv) granted = granted_scopes (scope);
  g_autofree char *granted_text = g_strjoinv (" ", granted);
  g_autofree char *access = mint_access_token_locked (self, scope, TOKEN_LIFETIME);
  g_autoptr(GString) claims = g_string_new ("{");
  g_autofree char *issuer = g_strdup_printf ("%s/login/%s/v2.0", self->base_url, DEMO_TENANT_ID);
  g_autofree char *id_token = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  /* WRONG_TYPES: numbers as strings and a string as a number, as some servers send them. */
  GString *body = g_string_new (req->wrong_types ? "{\"token_type\":1," : "{\"token_type\":\"Bearer\",");

  append_member (claims, "ver", "2.0", FALSE);
  append_claim (self, claims, "iss", issuer);
  append_claim (self, claims, "aud", client_id);
  append_claim (self, claims, "tid", DEMO_TENANT_ID);
  append_member (claims, "oid", DEMO_USER_OID, FALSE);
  append_member (claims, "sub", DEMO_USER_OID, FALSE);
  append_member (claims, "name", DEMO_USER_NAME, FALSE);
  append_claim (self, claims, "preferred_username", DEMO_USERNAME);
  g_string_append_printf (claims, "\"iat\":%" G_GINT64_FORMAT ",\"nbf\":%" G_GINT64_FORMAT
                          ",\"exp\":%" G_GINT64_FORMAT "}", now, now, now + TOKEN_LIFETIME);
  id_token = make_jwt (claims->str);

  append_member (body, "scope", granted_text, FALSE);
  g_string_append_printf (body, req->wrong_types ? "\"expires_in\":\"%d\",\"ext_expires_in\":\"%d\","
                                                : "\"expires_in\":%d,\"ext_expires_in\":%d,",
                          TOKEN_LIFETIME, TOKEN_LIFETIME);
  append_member (body, "access_token", access, FALSE);
  if (scope_requested (scope, "offline_access"))
    {
      g_autofree char *refresh = self->grant_secret != NULL
                                   ? signed_refresh_token (self, scope, client_id)
                                   : random_token (48);
      SbGrant *grant = g_new0 (SbGrant, 1);

      grant->scope = g_strdup (scope);
      grant->client_id = g_strdup (client_id);
      g_hash_table_insert (self->refresh_tokens, g_strdup (refresh), grant);
      g_ptr_array_add (self->issued_tokens, g_strdup (refresh));
      append_member (body, "refresh_token", refresh, FALSE);
    }
  append_member (body, "id_token", id_token, TRUE);
  g_string_append_c (body, '}');
  set_json (req->msg, 200, OAUTH_JSON_TYPE, body);
}

static gboolean
pkce_matches (const char *verifier, const char *challenge)
{
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  g_autofree char *expected = NULL;

  if (verifier == NULL)
    return FALSE;
  g_checksum_update (sha, (const guchar *) verifier, -1);
  g_checksum_get_digest (sha, digest, &len);
  expected = base64url (digest, len);
  return g_str_equal (expected, challenge);
}

static void
token_authorization_code (SbRequest *req, GHashTable *form, const char *client_id)
{
  LkSandbox *self = req->self;
  const char *code_value = g_hash_table_lookup (form, "code");
  SbAuthCode *code;

  g_mutex_lock (&self->lock);
  code = code_value != NULL ? g_hash_table_lookup (self->auth_codes, code_value) : NULL;
  if (code == NULL || code->expires_us < g_get_monotonic_time ())
    reply_oauth_error (req, 400, "invalid_grant", 70000,
                       "The provided value for the 'code' parameter is not valid.");
  else if (code->redeemed)
    reply_oauth_error (req, 400, "invalid_grant", 54005,
                       "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
  else if (g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"), code->redirect_uri) != 0)
    reply_oauth_error (req, 400, "invalid_grant", 50148,
                       "The redirect_uri does not match the one used in the authorization request.");
  else if (!pkce_matches (g_hash_table_lookup (form, "code_verifier"), code->challenge))
    reply_oauth_error (req, 400, "invalid_grant", 501481,
                       "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
  else if (g_strcmp0 (client_id, code->client_id) != 0)
    reply_oauth_error (req, 400, "invalid_grant", 70000,
                       "The code was issued to another client.");
  else
    {
      code->redeemed = TRUE;
      reply_tokens_locked (req, code->scope, client_id);
    }
  g_mutex_unlock (&self->lock);
}

static void
token_device_code (SbRequest *req, GHashTable *form, const char *client_id)
{
  LkSandbox *self = req->self;
  const char *device_code = g_hash_table_lookup (form, "device_code");
  gint64 now = g_get_monotonic_time ();
  SbDeviceCode *code;
  gint64 last_poll;

  g_mutex_lock (&self->lock);
  code = device_code != NULL ? g_hash_table_lookup (self->device_codes, device_code) : NULL;
  if (code == NULL || g_strcmp0 (code->client_id, client_id) != 0)
    {
      reply_oauth_error (req, 400, "invalid_grant", 70000,
                         "The provided value for the 'device_code' parameter is not valid.");
      g_mutex_unlock (&self->lock);
      return;
    }
  last_poll = code->last_poll_us;
  code->last_poll_us = now;
  if (now >= code->expires_us)
    reply_oauth_error (req, 400, "expired_token", 70020,
                       "The provided value for the input parameter 'device_code' is not valid. This device code has expired.");
  else if (code->state == DC_DECLINED)
    reply_oauth_error (req, 400, "authorization_declined", 70000,
                       "The user declined the authorization request.");
  else if (code->state == DC_APPROVED || self->auto_approve)
    {
      g_autofree char *scope = g_strdup (code->scope);

      /* A device code signs in once. */
      g_hash_table_remove (self->device_codes, device_code);
      reply_tokens_locked (req, scope, client_id);
    }
  else if (last_poll != 0 && now - last_poll < (gint64) code->interval_s * G_USEC_PER_SEC)
    reply_oauth_error (req, 400, "slow_down", 70016,
                       "OAuth 2.0 device flow error. Polling too fast: wait the interval.");
  else
    reply_oauth_error (req, 400, "authorization_pending", 70016,
                       "OAuth 2.0 device flow error. Authorization is pending. Continue polling.");
  g_mutex_unlock (&self->lock);
}

/* A refresh token an earlier run of the demo issued: "lkrt.<payload>.<hmac>", the payload being
 * base64url("client_id\nscope\nnonce"). Spent ones are remembered for this run only. */
static SbGrant *
grant_from_signed_token (LkSandbox  *self,
                         const char *refresh)
{
  g_auto(GStrv) parts = NULL;
  g_auto(GStrv) fields = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *mac = NULL;
  SbGrant *grant;

  if (self->grant_secret == NULL || refresh == NULL || !g_str_has_prefix (refresh, "lkrt.")
      || g_hash_table_contains (self->spent_refresh, refresh))
    return NULL;
  parts = g_strsplit (refresh, ".", -1);
  if (g_strv_length (parts) != 3)
    return NULL;
  mac = g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) self->grant_secret,
                                   strlen (self->grant_secret), parts[1], -1);
  if (!g_str_equal (mac, parts[2]) || (payload = base64url_decode (parts[1])) == NULL)
    return NULL;
  fields = g_strsplit (payload, "\n", 3);
  if (g_strv_length (fields) != 3)
    return NULL;
  grant = g_new0 (SbGrant, 1);
  grant->client_id = g_strdup (fields[0]);
  grant->scope = g_strdup (fields[1]);
  g_hash_table_insert (self->refresh_tokens, g_strdup (refresh), grant);
  return grant;
}

static char *
signed_refresh_token (LkSandbox  *self,
                      const char *scope,
                      const char *client_id)
{
  g_autofree char *nonce = random_token (16);
  g_autofree char *text = g_strdup_printf ("%s\n%s\n%s", client_id, scope, nonce);
  g_autofree char *payload = base64url_string (text);
  g_autofree char *mac = g_compute_hmac_for_string (G_CHECKSUM_SHA256,
                                                    (const guchar *) self->grant_secret,
                                                    strlen (self->grant_secret), payload, -1);

  return g_strdup_printf ("lkrt.%s.%s", payload, mac);
}

/* The first scope of @requested (bare, as "BitLockerKey.Read.All") that @consented lacks:
 * Entra refreshes only into permissions the user or an admin consented to; anything more
 * needs an interactive request (incremental consent). NULL when all are consented. */
static char *
unconsented_scope (const char *consented,
                   const char *requested)
{
  g_auto(GStrv) have = granted_scopes (consented);
  g_auto(GStrv) want = granted_scopes (requested);

  for (guint i = 0; want[i] != NULL; i++)
    {
      const char *bare = strrchr (want[i], '/') != NULL ? strrchr (want[i], '/') + 1 : want[i];
      gboolean found = FALSE;

      for (guint j = 0; have[j] != NULL && !found; j++)
        {
          const char *had = strrchr (have[j], '/') != NULL ? strrchr (have[j], '/') + 1 : have[j];

          found = g_ascii_strcasecmp (bare, had) == 0;
        }
      if (!found)
        return g_strdup (bare);
    }
  return NULL;
}

static void
token_refresh (SbRequest *req, GHashTable *form, const char *client_id)
{
  LkSandbox *self = req->self;
  const char *refresh = g_hash_table_lookup (form, "refresh_token");
  const char *scope = g_hash_table_lookup (form, "scope");
  SbGrant *grant;

  g_mutex_lock (&self->lock);
  grant = refresh != NULL ? g_hash_table_lookup (self->refresh_tokens, refresh) : NULL;
  if (grant == NULL)
    grant = grant_from_signed_token (self, refresh);
  g_autofree char *missing = grant != NULL && scope != NULL ? unconsented_scope (grant->scope, scope) : NULL;

  if (grant == NULL || g_strcmp0 (grant->client_id, client_id) != 0)
    reply_oauth_error (req, 400, "invalid_grant", 70000,
                       "The provided value for the 'refresh_token' is not valid: it was revoked, expired or already used.");
  else if (missing != NULL)
    reply_oauth_error (req, 400, "invalid_grant", 65001,
                       "The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource.");
  else
    {
      g_autofree char *granted = g_strdup (scope != NULL && *scope != '\0' ? scope : grant->scope);

      /* Rotation: the refresh token just used never works again. */
      if (!scope_requested (granted, "offline_access"))
        {
          char *with_offline = g_strconcat (granted, " offline_access", NULL);

          g_free (granted);
          granted = with_offline;
        }
      if (self->grant_secret != NULL)
        g_hash_table_add (self->spent_refresh, g_strdup (refresh));
      g_hash_table_remove (self->refresh_tokens, refresh);
      reply_tokens_locked (req, granted, client_id);
    }
  g_mutex_unlock (&self->lock);
}

static GHashTable *
decode_form_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  return soup_form_decode (text);
}

static void
handle_token (SbRequest *req)
{
  g_autoptr(GHashTable) form = decode_form_body (req->msg);
  const char *grant_type = g_hash_table_lookup (form, "grant_type");
  const char *client_id = g_hash_table_lookup (form, "client_id");

  if (g_strcmp0 (client_id, req->self->client_id) != 0)
    reply_oauth_error (req, 400, "unauthorized_client", 700016,
                       "Application with identifier was not found in the directory.");
  else if (grant_type == NULL)
    reply_oauth_error (req, 400, "invalid_request", 900144,
                       "The request body must contain the following parameter: 'grant_type'.");
  else if (g_str_equal (grant_type, "authorization_code"))
    token_authorization_code (req, form, client_id);
  else if (g_str_equal (grant_type, "urn:ietf:params:oauth:grant-type:device_code"))
    token_device_code (req, form, client_id);
  else if (g_str_equal (grant_type, "refresh_token"))
    token_refresh (req, form, client_id);
  else
    reply_oauth_error (req, 400, "unsupported_grant_type", 70003,
                       "The app requested an unsupported grant type.");
}

static char *
random_user_code (void)
{
  static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  guint8 buf[9];
  char code[10];

  fill_random (buf, sizeof buf);
  for (guint i = 0; i < sizeof buf; i++)
    code[i] = alphabet[buf[i] % (sizeof alphabet - 1)];
  code[9] = '\0';
  return g_strdup (code);
}

static void
handle_devicecode (SbRequest *req)
{
  LkSandbox *self = req->self;
  g_autoptr(GHashTable) form = decode_form_body (req->msg);
  const char *client_id = g_hash_table_lookup (form, "client_id");
  const char *scope = g_hash_table_lookup (form, "scope");
  g_autofree char *device_code = NULL;
  g_autofree char *verification = NULL;
  g_autofree char *message = NULL;
  SbDeviceCode *code;
  GString *body;

  if (g_strcmp0 (client_id, self->client_id) != 0)
    {
      reply_oauth_error (req, 400, "unauthorized_client", 700016,
                         "Application with identifier was not found in the directory.");
      return;
    }
  if (scope == NULL || *scope == '\0')
    {
      reply_oauth_error (req, 400, "invalid_request", 900144,
                         "The request body must contain the following parameter: 'scope'.");
      return;
    }

  code = g_new0 (SbDeviceCode, 1);
  code->user_code = random_user_code ();
  code->scope = g_strdup (scope);
  code->client_id = g_strdup (client_id);
  code->issued_us = g_get_monotonic_time ();
  device_code = random_token (48);

  g_mutex_lock (&self->lock);
  code->interval_s = self->dc_interval_s;
  code->expires_us = code->issued_us + (gint64) self->dc_expires_s * G_USEC_PER_SEC;
  verification = g_strdup_printf ("%s/login/device", self->base_url);
  body = g_string_new ("{");
  append_member (body, "user_code", code->user_code, FALSE);
  append_member (body, "device_code", device_code, FALSE);
  append_member (body, "verification_uri", verification, FALSE);
  g_string_append_printf (body, "\"expires_in\":%u,\"interval\":%u,", self->dc_expires_s,
                          self->dc_interval_s);
  /* TRANSLATORS: the sandbox's imitation of Entra ID's device-code instructions */
  message = g_strdup_printf (_("To sign in, use a web browser to open the page %s and enter the code %s to authenticate."),
                             verification, code->user_code);
  append_member (body, "message", message, TRUE);
  g_string_append_c (body, '}');
  g_hash_table_insert (self->device_codes, g_strdup (device_code), code);
  g_mutex_unlock (&self->lock);
  set_json (req->msg, 200, OAUTH_JSON_TYPE, body);
}

static void
handle_login (SbRequest *req, const char *method, const char *path, GHashTable *query)
{
  g_auto(GStrv) parts = g_strsplit (path + strlen ("/login/"), "/", -1);
  guint n = g_strv_length (parts);
  g_autofree char *rest = n > 1 ? g_strjoinv ("/", parts + 1) : g_strdup ("");
  SbFault *fault = take_faults (req->self, req, method, path);
  gboolean is_authorize = g_str_equal (rest, "oauth2/v2.0/authorize");

  if (req->drop)
    {
      g_clear_pointer (&fault, fault_free);
      return;
    }
  if (fault != NULL && !(is_authorize && fault->fault.kind == LK_FAULT_OAUTH_ERROR))
    {
      const SbEntraError *entra = entra_error_lookup (fault->fault.graph_code);

      if (entra != NULL)
        reply_oauth_error (req, 400, entra->error, entra->aadsts, entra->description);
      else if (fault->fault.kind == LK_FAULT_OAUTH_ERROR)
        reply_oauth_error (req, 400, fault->fault.graph_code != NULL ? fault->fault.graph_code
                                                                     : "invalid_grant",
                           70000, "Sandbox fault injection.");
      else if (fault->fault.kind == LK_FAULT_MALFORMED)
        reply_malformed (req);
      else if (fault->fault.kind == LK_FAULT_HUGE_BODY)
        reply_huge (req, req->self->base_url, fault->fault.size);
      else
        {
          guint status = fault->fault.status != 0 ? fault->fault.status : 503;

          if (fault->fault.retry_after != NULL)
            soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                          "Retry-After", fault->fault.retry_after);
          reply_oauth_error (req, fault->fault.kind == LK_FAULT_STATUS ? status : 400,
                             fault->fault.kind == LK_FAULT_STATUS ? "temporarily_unavailable"
                                                                  : "invalid_request",
                             90033, "A transient error has occurred (sandbox fault injection).");
        }
      fault_free (fault);
      return;
    }

  if (n == 1 && g_str_equal (parts[0], "device") && g_str_equal (method, "GET"))
    reply_html (req, 200, _("Enter code"),
                _("This is the Latchkey sandbox: device codes are approved by the test or the demo, not here."));
  else if (n < 2 || *parts[0] == '\0')
    reply_oauth_error (req, 404, "invalid_request", 90002, "Tenant not found.");
  else if (g_str_equal (rest, "v2.0/.well-known/openid-configuration") && g_str_equal (method, "GET"))
    handle_openid_configuration (req, parts[0]);
  else if (g_str_equal (rest, "discovery/v2.0/keys") && g_str_equal (method, "GET"))
    set_json (req->msg, 200, OAUTH_JSON_TYPE, g_string_new ("{\"keys\":[]}"));
  else if (is_authorize && g_str_equal (method, "GET"))
    handle_authorize (req, query, fault);
  else if (g_str_equal (rest, "oauth2/v2.0/logout"))
    reply_html (req, 200, _("Signed out"), _("You have signed out of the Latchkey sandbox."));
  else if (g_str_equal (rest, "oauth2/v2.0/token") && g_str_equal (method, "POST"))
    handle_token (req);
  else if (g_str_equal (rest, "oauth2/v2.0/devicecode") && g_str_equal (method, "POST"))
    handle_devicecode (req);
  else
    reply_oauth_error (req, 404, "invalid_request", 90002, "The endpoint does not exist.");
  g_clear_pointer (&fault, fault_free);
}

/* ---- dispatch, delays, disconnects ---- */

static void
log_request (LkSandbox *self, SoupServerMessage *msg, const char *method, const char *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SbLogEntry *entry = g_new0 (SbLogEntry, 1);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  entry->method = g_strdup (method);
  entry->path = g_strdup (path);
  entry->query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));
  entry->headers = g_ptr_array_new_with_free_func (g_free);
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      g_ptr_array_add (entry->headers, g_strdup (name));
      g_ptr_array_add (entry->headers, g_strdup (value));
    }
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->log, entry);
  g_mutex_unlock (&self->lock);
}

static void
forget_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static gboolean
answer_cb (gpointer data)
{
  SbRequest *req = data;

  forget_source (&req->timer);
  forget_source (&req->watch);
  /* May finish (and free) the request: touch nothing after this. */
  soup_server_message_unpause (req->msg);
  return G_SOURCE_REMOVE;
}

/* While an answer is held back, notice a client that hangs up (a cancellation), so tests can
 * prove the cancellation reached the server without waiting for the delay to end. */
static gboolean
client_gone_cb (GSocket *socket, GIOCondition condition, gpointer data)
{
  SbRequest *req = data;
  char c;
  ssize_t n = recv (g_socket_get_fd (socket), &c, 1, MSG_PEEK | MSG_DONTWAIT);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&req->watch, g_source_unref);
  if (n > 0)
    return G_SOURCE_REMOVE;  /* the client sent more: not a hang-up; stop watching */

  count_aborted (req);
  forget_source (&req->timer);
  soup_server_message_unpause (req->msg);
  return G_SOURCE_REMOVE;
}

static void
schedule_answer (LkSandbox *self, SbRequest *req)
{
  GSocket *socket;
  guint delay;

  g_mutex_lock (&self->lock);
  delay = self->latency_min_ms;
  if (self->latency_max_ms > self->latency_min_ms)
    delay = g_random_int_range (self->latency_min_ms, self->latency_max_ms + 1);
  g_mutex_unlock (&self->lock);
  delay += req->delay_ms;
  if (delay == 0)
    return;

  soup_server_message_pause (req->msg);
  req->timer = g_timeout_source_new (delay);
  g_source_set_callback (req->timer, answer_cb, req, NULL);
  g_source_attach (req->timer, g_main_context_get_thread_default ());

  socket = soup_server_message_get_socket (req->msg);
  if (socket != NULL)
    {
      req->watch = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
      g_source_set_callback (req->watch, G_SOURCE_FUNC (client_gone_cb), req, NULL);
      g_source_attach (req->watch, g_main_context_get_thread_default ());
    }
}

/* DROP: the client sees the connection close with no status line at all. Shutting the socket
 * down (rather than stealing the connection) lets libsoup clean up the message as usual. */
static void
drop_connection (SbRequest *req)
{
  GSocket *socket = soup_server_message_get_socket (req->msg);

  req->dropped = TRUE;
  soup_server_message_set_status (req->msg, 500, NULL);
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

/* TRUNCATE: the answer is a well-formed HTTP response whose body is the first half of the
 * real one, with a Content-Length that matches the half. Declaring the full length and
 * closing early makes libsoup itself report a network error instead; the half body is what
 * a client sees behind a proxy that cut the stream: a 200 with invalid JSON. */
static void
truncate_body (SbRequest *req)
{
  SoupMessageBody *body = soup_server_message_get_response_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  gsize half = g_bytes_get_size (bytes) / 2;

  soup_message_body_truncate (body);
  soup_message_body_append (body, SOUP_MEMORY_COPY, g_bytes_get_data (bytes, NULL), half);
}

/* DROP_MID_BODY: the answer is written by hand on the stolen connection — status line, headers,
 * a Content-Length for the whole body, then only its first half — and the connection closed,
 * so the client has a status and half a body, then a transport error. FALSE when the answer
 * has no body to cut. */
static gboolean
send_half_then_drop (SbRequest *req)
{
  SoupServerMessage *msg = req->msg;
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  gsize half = g_bytes_get_size (bytes) / 2;
  g_autoptr(GString) head = g_string_new (NULL);
  g_autoptr(GIOStream) stream = NULL;
  SoupMessageHeadersIter iter;
  const char *name, *value;
  GSocket *socket;

  if (half == 0)
    return FALSE;
  g_string_append_printf (head, "HTTP/1.1 %u %s\r\n", soup_server_message_get_status (msg),
                          soup_status_get_phrase (soup_server_message_get_status (msg)));
  soup_message_headers_iter_init (&iter, soup_server_message_get_response_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Content-Length") != 0
        && g_ascii_strcasecmp (name, "Transfer-Encoding") != 0
        && g_ascii_strcasecmp (name, "Connection") != 0)
      g_string_append_printf (head, "%s: %s\r\n", name, value);
  g_string_append_printf (head, "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                          g_bytes_get_size (bytes));

  req->dropped = TRUE;
  socket = soup_server_message_get_socket (msg);
  stream = soup_server_message_steal_connection (msg);
  /* The server thread may block here: the client reads on its own thread. */
  if (socket != NULL)
    g_socket_set_blocking (socket, TRUE);
  if (g_output_stream_write_all (g_io_stream_get_output_stream (stream), head->str, head->len, NULL, NULL, NULL))
    g_output_stream_write_all (g_io_stream_get_output_stream (stream), g_bytes_get_data (bytes, NULL),
                               half, NULL, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
  return TRUE;
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  LkSandbox *self = user_data;
  SbRequest *req = g_new0 (SbRequest, 1);
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);
  const char *client_request_id;

  req->self = self;
  req->msg = msg;
  g_object_set_data_full (G_OBJECT (msg), "lk-sandbox-request", req, request_free);
  g_signal_connect (msg, "wrote-body", G_CALLBACK (wrote_body_cb), req);
  g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), req);
  log_request (self, msg, method, path);

  req->request_id = g_uuid_string_random ();
  client_request_id = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "client-request-id");
  req->client_request_id = g_strdup (client_request_id);
  soup_message_headers_replace (response_headers, "request-id", req->request_id);
  if (client_request_id != NULL)
    soup_message_headers_replace (response_headers, "client-request-id", client_request_id);

  if (g_str_has_prefix (path, "/graph/"))
    handle_graph (req, method, path, query);
  else if (g_str_has_prefix (path, "/login/"))
    handle_login (req, method, path, query);
  else
    reply_graph_error (req, 404, "ResourceNotFound", "No such endpoint in the sandbox.");

  if (req->drop || req->drop_after)
    {
      drop_connection (req);
      return;
    }
  if (req->drop_mid_body)
    {
      if (!send_half_then_drop (req))
        drop_connection (req);
      return;
    }
  if (req->raw != NULL)
    {
      send_raw (req);
      return;
    }
  if (req->truncate)
    truncate_body (req);
  schedule_answer (self, req);
}

/* ---- thread ---- */

static gboolean
started_cb (gpointer data)
{
  LkSandbox *self = data;

  g_mutex_lock (&self->lock);
  self->started = TRUE;
  g_cond_broadcast (&self->started_cond);
  g_mutex_unlock (&self->lock);
  return G_SOURCE_REMOVE;
}

static gpointer
server_thread (gpointer data)
{
  LkSandbox *self = data;
  SoupServer *server;
  GError *error = NULL;
  GSource *idle;
  GSList *uris;

  g_main_context_push_thread_default (self->context);
  server = soup_server_new ("server-header", "Microsoft-IIS/10.0 (Latchkey sandbox)", NULL);
  soup_server_add_handler (server, NULL, server_cb, self, NULL);
  /* A random port, the demo's too: its accounts are found whatever port it gets. */
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  if (error != NULL)
    {
      g_object_unref (server);
      g_main_context_pop_thread_default (self->context);
      g_mutex_lock (&self->lock);
      self->start_error = error;
      self->started = TRUE;
      g_cond_broadcast (&self->started_cond);
      g_mutex_unlock (&self->lock);
      return NULL;
    }

  uris = soup_server_get_uris (server);
  g_mutex_lock (&self->lock);
  self->port = g_uri_get_port (uris->data);
  g_free (self->base_url);
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u", self->port);
  g_mutex_unlock (&self->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* Report "started" from inside the loop, so stop's quit can never come before run. */
  idle = g_idle_source_new ();
  g_source_set_callback (idle, started_cb, self, NULL);
  g_source_attach (idle, self->context);
  g_source_unref (idle);

  g_main_loop_run (self->loop);

  soup_server_disconnect (server);
  g_object_unref (server);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

/* ---- GObject ---- */

static void
lk_sandbox_finalize (GObject *object)
{
  LkSandbox *self = LK_SANDBOX (object);

  lk_sandbox_stop (self);
  sb_raw_writers_clear (&self->raw_writers);
  g_clear_pointer (&self->devices, sb_device_set_free);
  g_clear_pointer (&self->unlock, sb_unlock_store_free);
  g_clear_pointer (&self->actions, g_hash_table_unref);
  g_clear_pointer (&self->access_tokens, g_hash_table_unref);
  g_clear_pointer (&self->refresh_tokens, g_hash_table_unref);
  g_clear_pointer (&self->spent_refresh, g_hash_table_unref);
  g_clear_pointer (&self->issued_tokens, g_ptr_array_unref);
  explicit_bzero (self->last_passcode, sizeof self->last_passcode);
  g_clear_pointer (&self->grant_secret, g_free);
  g_clear_pointer (&self->redirect_uris, g_strfreev);
  g_clear_pointer (&self->id_token_claims, g_hash_table_unref);
  g_clear_pointer (&self->auth_codes, g_hash_table_unref);
  g_clear_pointer (&self->device_codes, g_hash_table_unref);
  g_clear_pointer (&self->faults, g_ptr_array_unref);
  g_clear_pointer (&self->log, g_ptr_array_unref);
  g_clear_pointer (&self->base_url, g_free);
  clear_times (&self->rate_accepted);
  clear_times (&self->rate_accepted_writes);
  clear_times (&self->rate_arrived);
  clear_times (&self->rate_arrived_writes);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->started_cond);

  G_OBJECT_CLASS (lk_sandbox_parent_class)->finalize (object);
}

static void
lk_sandbox_class_init (LkSandboxClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lk_sandbox_finalize;
}

static void
lk_sandbox_init (LkSandbox *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->started_cond);
  sb_raw_writers_init (&self->raw_writers);
  self->devices = sb_device_set_new ();
  self->unlock = sb_unlock_store_new ();
  self->actions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, action_free);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, access_token_free);
  self->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, grant_free);
  self->spent_refresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->issued_tokens = g_ptr_array_new_with_free_func (g_free);
  self->auth_codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, auth_code_free);
  self->device_codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, device_code_free);
  self->faults = g_ptr_array_new_with_free_func (fault_free);
  self->log = g_ptr_array_new_with_free_func (log_entry_free);
  self->pending_ms = 1500;
  self->active_ms = 1500;
  self->dc_interval_s = 5;
  self->dc_expires_s = 900;
  self->auto_approve = TRUE;
  self->client_id = TEST_CLIENT_ID;
  /* What the README tells admins to register (Mobile and desktop applications). */
  self->redirect_uris = g_strdupv ((char *[]) { "http://localhost", NULL });
  self->id_token_claims = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

LkSandbox *
lk_sandbox_new (void)
{
  return g_object_new (LK_TYPE_SANDBOX, NULL);
}

static void
replace_devices (LkSandbox *self, SbDeviceSet *set)
{
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->devices, sb_device_set_free);
  self->devices = set;
  g_hash_table_remove_all (self->actions);
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_load_demo_tenant (LkSandbox *self)
{
  SbDeviceSet *set = sb_device_set_new ();
  g_autoptr(GError) error = NULL;

  g_return_if_fail (LK_IS_SANDBOX (self));

  if (!sb_device_set_load_demo (set, g_get_real_time () / G_USEC_PER_SEC, &error))
    g_critical ("The sandbox's demo tenant fixture is broken: %s", error->message);
  replace_devices (self, set);
  sb_unlock_store_load_demo (self->unlock, g_get_real_time () / G_USEC_PER_SEC);
}

void
lk_sandbox_generate_devices (LkSandbox *self, guint n, guint32 seed)
{
  SbDeviceSet *set = sb_device_set_new ();

  g_return_if_fail (LK_IS_SANDBOX (self));

  sb_device_set_generate (set, n, seed, g_get_real_time () / G_USEC_PER_SEC);
  replace_devices (self, set);
}

guint
lk_sandbox_get_n_devices (LkSandbox *self)
{
  guint n;

  g_return_val_if_fail (LK_IS_SANDBOX (self), 0);

  g_mutex_lock (&self->lock);
  n = self->devices->devices->len;
  g_mutex_unlock (&self->lock);
  return n;
}

gboolean
lk_sandbox_start (LkSandbox *self, GError **error)
{
  GError *start_error;

  g_return_val_if_fail (LK_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->thread != NULL)
    return TRUE;

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->started = FALSE;
  self->thread = g_thread_new ("lk-sandbox", server_thread, self);

  g_mutex_lock (&self->lock);
  while (!self->started)
    g_cond_wait (&self->started_cond, &self->lock);
  start_error = g_steal_pointer (&self->start_error);
  g_mutex_unlock (&self->lock);

  if (start_error != NULL)
    {
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->loop, g_main_loop_unref);
      g_clear_pointer (&self->context, g_main_context_unref);
      g_propagate_error (error, start_error);
      return FALSE;
    }
  return TRUE;
}

void
lk_sandbox_stop (LkSandbox *self)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  if (self->thread == NULL)
    return;
  g_main_loop_quit (self->loop);
  g_thread_join (g_steal_pointer (&self->thread));
  sb_raw_writers_stop (&self->raw_writers);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->base_url, g_free);
  self->started = FALSE;
  g_mutex_unlock (&self->lock);
}

char *
lk_sandbox_get_base_url (LkSandbox *self)
{
  char *url;

  g_return_val_if_fail (LK_IS_SANDBOX (self), NULL);

  g_mutex_lock (&self->lock);
  url = g_strdup (self->base_url);
  g_mutex_unlock (&self->lock);
  return url;
}

static char *
base_url_with (LkSandbox *self, const char *suffix)
{
  g_autofree char *base = lk_sandbox_get_base_url (self);

  return base != NULL ? g_strconcat (base, suffix, NULL) : NULL;
}

char *
lk_sandbox_get_graph_url (LkSandbox *self)
{
  return base_url_with (self, "/graph");
}

char *
lk_sandbox_get_authority_url (LkSandbox *self)
{
  return base_url_with (self, "/login");
}

const char *
lk_sandbox_get_tenant_id (LkSandbox *self)
{
  return DEMO_TENANT_ID;
}

const char *
lk_sandbox_get_client_id (LkSandbox *self)
{
  return self->client_id;
}

void
lk_sandbox_set_redirect_uris (LkSandbox          *self,
                              const char * const *uris)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  g_strfreev (self->redirect_uris);
  self->redirect_uris = g_strdupv ((char **) uris);
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_set_id_token_claim (LkSandbox  *self,
                               const char *claim,
                               const char *value)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  if (value != NULL)
    g_hash_table_replace (self->id_token_claims, g_strdup (claim), g_strdup (value));
  else
    g_hash_table_remove (self->id_token_claims, claim);
  g_mutex_unlock (&self->lock);
}

const char *
lk_sandbox_get_username (LkSandbox *self)
{
  return DEMO_USERNAME;
}

char **
lk_sandbox_dup_issued_tokens (LkSandbox *self)
{
  GStrvBuilder *builder;
  char **tokens;

  g_return_val_if_fail (LK_IS_SANDBOX (self), NULL);

  builder = g_strv_builder_new ();
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->issued_tokens->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->issued_tokens, i));
  g_mutex_unlock (&self->lock);
  tokens = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return tokens;
}

char *
lk_sandbox_dup_last_passcode (LkSandbox *self)
{
  char *passcode;

  g_return_val_if_fail (LK_IS_SANDBOX (self), NULL);

  g_mutex_lock (&self->lock);
  passcode = self->last_passcode[0] != '\0' ? g_strdup (self->last_passcode) : NULL;
  g_mutex_unlock (&self->lock);
  return passcode;
}

void
lk_sandbox_set_directory_role (LkSandbox  *self,
                               const char *role)
{
  g_return_if_fail (LK_IS_SANDBOX (self));
  sb_unlock_store_set_role (self->unlock, role);
}

guint
lk_sandbox_count_key_reads (LkSandbox *self)
{
  g_return_val_if_fail (LK_IS_SANDBOX (self), 0);
  return sb_unlock_store_count (self->unlock, FALSE);
}

guint
lk_sandbox_count_rotations (LkSandbox *self)
{
  g_return_val_if_fail (LK_IS_SANDBOX (self), 0);
  return sb_unlock_store_count (self->unlock, TRUE);
}

char **
lk_sandbox_dup_unlock_secrets (LkSandbox *self)
{
  g_return_val_if_fail (LK_IS_SANDBOX (self), NULL);
  return sb_unlock_store_dup_secrets (self->unlock);
}

char *
lk_sandbox_mint_access_token (LkSandbox  *self,
                              const char *scopes,
                              guint       lifetime_s)
{
  char *token;

  g_return_val_if_fail (LK_IS_SANDBOX (self), NULL);

  g_mutex_lock (&self->lock);
  token = mint_access_token_locked (self, scopes, lifetime_s);
  g_mutex_unlock (&self->lock);
  return token;
}

void
lk_sandbox_expire_access_tokens (LkSandbox *self)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  g_hash_table_remove_all (self->access_tokens);
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_revoke_refresh_tokens (LkSandbox *self)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  g_hash_table_remove_all (self->refresh_tokens);
  /* Signed tokens are checked by their signature: a new key revokes them all. */
  if (self->grant_secret != NULL)
    {
      g_free (self->grant_secret);
      self->grant_secret = random_token (32);
    }
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_set_auto_approve (LkSandbox *self, gboolean auto_approve)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  self->auto_approve = !!auto_approve;
  g_mutex_unlock (&self->lock);
}

static gboolean
set_device_code_state (LkSandbox *self, const char *user_code, SbDeviceCodeState state)
{
  GHashTableIter iter;
  SbDeviceCode *code;
  gboolean found = FALSE;

  g_return_val_if_fail (LK_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (user_code != NULL, FALSE);

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->device_codes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &code))
    {
      if (g_ascii_strcasecmp (code->user_code, user_code) != 0 || code->state != DC_PENDING)
        continue;
      code->state = state;
      found = TRUE;
      break;
    }
  g_mutex_unlock (&self->lock);
  return found;
}

gboolean
lk_sandbox_approve_device_code (LkSandbox *self, const char *user_code)
{
  return set_device_code_state (self, user_code, DC_APPROVED);
}

gboolean
lk_sandbox_decline_device_code (LkSandbox *self, const char *user_code)
{
  return set_device_code_state (self, user_code, DC_DECLINED);
}

void
lk_sandbox_set_device_code_timing (LkSandbox *self, guint interval_s, guint expires_in_s)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  self->dc_interval_s = interval_s;
  self->dc_expires_s = expires_in_s;
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_add_fault (LkSandbox *self, const LkFault *fault)
{
  SbFault *copy;

  g_return_if_fail (LK_IS_SANDBOX (self));
  g_return_if_fail (fault != NULL);

  copy = g_new0 (SbFault, 1);
  copy->fault = *fault;
  copy->fault.method = g_strdup (fault->method);
  copy->fault.path_contains = g_strdup (fault->path_contains);
  copy->fault.retry_after = g_strdup (fault->retry_after);
  copy->fault.graph_code = g_strdup (fault->graph_code);
  /* A copy with a NUL after it, whatever @size says. */
  if (fault->body != NULL)
    {
      gsize size = raw_size (fault);
      char *body = g_malloc (size + 1);

      memcpy (body, fault->body, size);
      body[size] = '\0';
      copy->fault.body = body;
      copy->fault.size = size;
    }
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->faults, copy);
  g_mutex_unlock (&self->lock);
}

gboolean
lk_sandbox_set_device_string (LkSandbox  *self,
                              const char *id,
                              const char *member,
                              const char *value)
{
  SbDevice *dev;
  SbField field;
  gboolean found;

  g_return_val_if_fail (LK_IS_SANDBOX (self), FALSE);

  g_mutex_lock (&self->lock);
  dev = sb_device_set_lookup (self->devices, id);
  found = dev != NULL && sb_field_from_name (member, TRUE, &field) && field < SB_N_STRING_FIELDS
          && field != SB_F_ID;
  if (found)
    dev->s[field] = value != NULL ? g_string_chunk_insert (self->devices->chunk, value) : NULL;
  g_mutex_unlock (&self->lock);
  return found;
}

void
lk_sandbox_clear_faults (LkSandbox *self)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->faults, 0);
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_set_latency (LkSandbox *self, guint min_ms, guint max_ms)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  self->latency_min_ms = min_ms;
  self->latency_max_ms = MAX (min_ms, max_ms);
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_set_action_timing (LkSandbox *self, guint pending_ms, guint active_ms)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  self->pending_ms = pending_ms;
  self->active_ms = active_ms;
  g_mutex_unlock (&self->lock);
}

static gboolean
entry_matches (const SbLogEntry *entry, const char *method, const char *path_contains)
{
  if (method != NULL && g_ascii_strcasecmp (entry->method, method) != 0)
    return FALSE;
  /* The query counts too, so tests can look for a skiptoken or an escaped $filter literal. */
  return path_contains == NULL || strstr (entry->path, path_contains) != NULL
         || (entry->query != NULL && strstr (entry->query, path_contains) != NULL);
}

guint
lk_sandbox_count_requests (LkSandbox  *self,
                           const char *method,
                           const char *path_contains)
{
  guint n = 0;

  g_return_val_if_fail (LK_IS_SANDBOX (self), 0);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->log->len; i++)
    if (entry_matches (g_ptr_array_index (self->log, i), method, path_contains))
      n++;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
lk_sandbox_count_aborted (LkSandbox *self)
{
  guint n;

  g_return_val_if_fail (LK_IS_SANDBOX (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_aborted;
  g_mutex_unlock (&self->lock);
  return n;
}

char *
lk_sandbox_get_last_header (LkSandbox  *self,
                            const char *path_contains,
                            const char *header)
{
  char *value = NULL;

  g_return_val_if_fail (LK_IS_SANDBOX (self), NULL);
  g_return_val_if_fail (header != NULL, NULL);

  g_mutex_lock (&self->lock);
  for (guint i = self->log->len; i > 0 && value == NULL; i--)
    {
      SbLogEntry *entry = g_ptr_array_index (self->log, i - 1);

      if (!entry_matches (entry, NULL, path_contains))
        continue;
      for (guint h = 0; h + 1 < entry->headers->len; h += 2)
        if (g_ascii_strcasecmp (g_ptr_array_index (entry->headers, h), header) == 0)
          {
            value = g_strdup (g_ptr_array_index (entry->headers, h + 1));
            break;
          }
      break;  /* only the last matching request counts */
    }
  g_mutex_unlock (&self->lock);
  return value;
}

void
lk_sandbox_reset_log (LkSandbox *self)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->log, 0);
  self->n_aborted = 0;
  self->n_queued = 0;
  self->n_rate_limited = 0;
  self->rate_peak = 0;
  self->rate_peak_writes = 0;
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_set_rate_limit (LkSandbox *self,
                           guint      requests,
                           guint      writes,
                           guint      window_ms)
{
  g_return_if_fail (LK_IS_SANDBOX (self));
  g_return_if_fail (requests == 0 || (writes > 0 && window_ms > 0));

  g_mutex_lock (&self->lock);
  self->rate_requests = requests;
  self->rate_writes = writes;
  self->rate_window_us = (gint64) window_ms * 1000;
  clear_times (&self->rate_accepted);
  clear_times (&self->rate_accepted_writes);
  clear_times (&self->rate_arrived);
  clear_times (&self->rate_arrived_writes);
  g_mutex_unlock (&self->lock);
}

guint
lk_sandbox_count_rate_limited (LkSandbox *self)
{
  guint n;

  g_return_val_if_fail (LK_IS_SANDBOX (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_rate_limited;
  g_mutex_unlock (&self->lock);
  return n;
}

void
lk_sandbox_get_rate_peak (LkSandbox *self,
                          guint     *requests,
                          guint     *writes)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  if (requests != NULL)
    *requests = self->rate_peak;
  if (writes != NULL)
    *writes = self->rate_peak_writes;
  g_mutex_unlock (&self->lock);
}

guint
lk_sandbox_count_queued_actions (LkSandbox *self)
{
  guint n;

  g_return_val_if_fail (LK_IS_SANDBOX (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_queued;
  g_mutex_unlock (&self->lock);
  return n;
}

void
lk_sandbox_set_grant_secret (LkSandbox  *self,
                             const char *secret)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  g_free (self->grant_secret);
  self->grant_secret = g_strdup (secret);
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_setup_demo (LkSandbox *self)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  lk_sandbox_load_demo_tenant (self);
  lk_sandbox_set_latency (self, 80, 250);
  self->client_id = DEMO_CLIENT_ID;
  /* Not a secret worth keeping: it guards only this emulator's demo data. */
  lk_sandbox_set_grant_secret (self, "latchkey-demo-tenant");
}

void
lk_sandbox_set_passcode (LkSandbox  *self,
                         const char *passcode)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  memset (self->fixed_passcode, 0, sizeof self->fixed_passcode);
  if (passcode != NULL)
    g_strlcpy (self->fixed_passcode, passcode, sizeof self->fixed_passcode);
  g_mutex_unlock (&self->lock);
}
