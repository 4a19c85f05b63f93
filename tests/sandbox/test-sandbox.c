/* test-sandbox.c: the sandbox over real HTTP, as the Graph client and sign-in will see it. */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "lk-device.h"
#include "lk-sandbox.h"
#include "lk-sandbox-private.h"

#define SCOPES_ALL "https://graph.microsoft.com/DeviceManagementManagedDevices.Read.All " \
                   "https://graph.microsoft.com/DeviceManagementManagedDevices.PrivilegedOperations.All"
#define DEDICATED_ID "ZEBRA-TC52-MAG03"
#define LK_DEVICE_SELECT_BETA_TEST LK_DEVICE_SELECT_BETA

/* Time budgets for the scale tests: sanitizers make everything ~50x slower. */
#if defined(__SANITIZE_ADDRESS__)
#define SCALE_BUDGET_S 120
#else
#define SCALE_BUDGET_S 10
#endif

typedef struct
{
  LkSandbox   *sandbox;
  SoupSession *session;
  char        *base;
  char        *token;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->sandbox = lk_sandbox_new ();
  lk_sandbox_load_demo_tenant (f->sandbox);
  g_assert_true (lk_sandbox_start (f->sandbox, &error));
  g_assert_no_error (error);
  f->base = lk_sandbox_get_base_url (f->sandbox);
  f->session = soup_session_new_with_options ("timeout", 20, NULL);
  f->token = lk_sandbox_mint_access_token (f->sandbox, SCOPES_ALL, 3600);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  lk_sandbox_stop (f->sandbox);
  g_assert_finalize_object (f->sandbox);
  g_free (f->base);
  g_free (f->token);
}

/* Sends a request and returns its body (NULL on a transport error, reported in @error). */
static GBytes *
send_full (Fixture      *f,
           const char   *method,
           const char   *url,
           const char   *token,
           const char   *form,
           SoupMessage **out_msg,
           GError      **error)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  GBytes *body;

  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (form != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (form, strlen (form));

      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
    }
  body = soup_session_send_and_read (f->session, msg, NULL, error);
  if (out_msg != NULL)
    *out_msg = g_steal_pointer (&msg);
  return body;
}

static GBytes *
send_ok (Fixture *f, const char *method, const char *url, const char *token, const char *form,
         guint expected_status, SoupMessage **out_msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  GBytes *body = send_full (f, method, url, token, form, &msg, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, expected_status);
  if (out_msg != NULL)
    *out_msg = g_steal_pointer (&msg);
  return body;
}

static JsonNode *
parse (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                              &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static JsonNode *
get_json (Fixture *f, const char *url, guint expected_status)
{
  g_autoptr(GBytes) body = send_ok (f, "GET", url, f->token, NULL, expected_status, NULL);

  return parse (body);
}

/* {graph}/{version}/deviceManagement/managedDevices?name=value&… with values escaped. */
static char *
list_url (Fixture *f, const char *version, ...)
{
  GString *url = g_string_new (NULL);
  const char *name;
  va_list args;

  g_string_printf (url, "%s/graph/%s/deviceManagement/managedDevices", f->base, version);
  va_start (args, version);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);
      g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

      g_string_append_printf (url, "%c%s=%s", strchr (url->str, '?') != NULL ? '&' : '?',
                              name, escaped);
    }
  va_end (args);
  return g_string_free (url, FALSE);
}

static JsonArray *
value_of (JsonNode *root)
{
  return json_object_get_array_member (json_node_get_object (root), "value");
}

static guint
count_filtered (Fixture *f, const char *filter)
{
  g_autofree char *url = list_url (f, "beta", "$filter", filter, NULL);
  g_autoptr(JsonNode) root = get_json (f, url, 200);

  return json_array_get_length (value_of (root));
}

static const char *
id_of_device (Fixture *f, const char *device_name)
{
  g_auto(GStrv) pieces = g_strsplit (device_name, "'", -1);
  g_autofree char *escaped = g_strjoinv ("''", pieces);
  g_autofree char *filter = g_strdup_printf ("deviceName eq '%s'", escaped);
  g_autofree char *url = list_url (f, "beta", "$filter", filter, "$select", "id,deviceName", NULL);
  g_autoptr(JsonNode) root = get_json (f, url, 200);
  JsonArray *value = value_of (root);

  g_assert_cmpuint (json_array_get_length (value), ==, 1);
  /* interned so callers need not free it */
  return g_intern_string (json_object_get_string_member (json_array_get_object_element (value, 0), "id"));
}

/* ---- Graph ---- */

static void
test_paging (Fixture *f, gconstpointer data)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *url = list_url (f, "beta", "$select", LK_DEVICE_SELECT_BETA_TEST, "$count", "true", NULL);
  guint pages = 0;

  lk_sandbox_generate_devices (f->sandbox, 2500, 7);
  while (url != NULL)
    {
      g_autoptr(JsonNode) root = get_json (f, url, 200);
      JsonObject *obj = json_node_get_object (root);
      JsonArray *value = value_of (root);
      const char *next = json_object_get_string_member_with_default (obj, "@odata.nextLink", NULL);

      pages++;
      g_assert_cmpuint (json_array_get_length (value), ==, pages < 3 ? 1000 : 500);
      g_assert_cmpint (json_object_get_int_member (obj, "@odata.count"), ==, 2500);
      for (guint i = 0; i < json_array_get_length (value); i++)
        {
          const char *id = json_object_get_string_member (json_array_get_object_element (value, i), "id");

          g_assert_true (g_hash_table_add (seen, g_strdup (id)));
        }
      g_free (url);
      url = NULL;
      if (next != NULL)
        {
          /* Opaque: no offset or $skip a client could be tempted to rebuild. */
          g_assert_true (g_str_has_prefix (next, f->base));
          g_assert_null (strstr (next, "$skip="));
          g_assert_nonnull (strstr (next, "$skiptoken="));
          url = g_strdup (next);
        }
      g_assert_cmpuint (pages, <=, 3);
    }
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 2500);
}

static void
test_top_clamped (Fixture *f, gconstpointer data)
{
  g_autofree char *url = list_url (f, "v1.0", "$top", "5000", NULL);
  g_autofree char *url_small = list_url (f, "v1.0", "$top", "3", NULL);
  g_autofree char *url_bad = list_url (f, "v1.0", "$top", "many", NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) small = NULL;
  g_autoptr(JsonNode) bad = NULL;

  lk_sandbox_generate_devices (f->sandbox, 1200, 1);
  root = get_json (f, url, 200);
  g_assert_cmpuint (json_array_get_length (value_of (root)), ==, 1000);
  small = get_json (f, url_small, 200);
  g_assert_cmpuint (json_array_get_length (value_of (small)), ==, 3);
  g_assert_true (json_object_has_member (json_node_get_object (small), "@odata.nextLink"));
  bad = get_json (f, url_bad, 400);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (bad), "error"), "code"),
                   ==, "BadRequest");
}

static void
test_filter_quirks (Fixture *f, gconstpointer data)
{
  guint all = lk_sandbox_get_n_devices (f->sandbox);

  g_assert_cmpuint (all, >=, 40);
  /* eq is case-insensitive and exact */
  g_assert_cmpuint (count_filtered (f, "deviceName eq 'desktop-7qk2l9m'"), ==, 1);
  /* startswith behaves like contains: "iPhone di Giulia" does not start with Giulia */
  g_assert_cmpuint (count_filtered (f, "startswith(deviceName,'Giulia')"), ==,
                    count_filtered (f, "contains(deviceName,'giulia')"));
  g_assert_cmpuint (count_filtered (f, "startswith(deviceName,'Giulia')"), ==, 1);
  /* unsupported member, function or syntax: the whole filter is ignored */
  g_assert_cmpuint (count_filtered (f, "userDisplayName eq 'Giulia Bianchi'"), ==, all);
  g_assert_cmpuint (count_filtered (f, "contains(userPrincipalName,'giulia')"), ==, all);
  g_assert_cmpuint (count_filtered (f, "endswith(deviceName,'Giulia')"), ==, all);
  g_assert_cmpuint (count_filtered (f, "deviceName eq 'DESKTOP-7QK2L9M' and"), ==, all);
  g_assert_cmpuint (count_filtered (f, "deviceName ne 'x'"), ==, all);
  /* mixed-function or: only the left-most operand survives */
  g_assert_cmpuint (count_filtered (f, "deviceName eq 'DESKTOP-7QK2L9M' or contains(deviceName,'iPhone')"), ==, 1);
  g_assert_cmpuint (count_filtered (f, "contains(deviceName,'iPhone') or deviceName eq 'DESKTOP-7QK2L9M'"), ==,
                    count_filtered (f, "contains(deviceName,'iPhone')"));
  /* same-function or, and, parentheses */
  g_assert_cmpuint (count_filtered (f, "deviceName eq 'DESKTOP-7QK2L9M' or deviceName eq 'GALAXY-S23-MROSSI'"), ==, 2);
  g_assert_cmpuint (count_filtered (f, "(operatingSystem eq 'Android') and (contains(model,'SM-'))"), >, 3);
  g_assert_cmpuint (count_filtered (f, "operatingSystem eq 'Android' and contains(model,'SM-')"), <,
                    count_filtered (f, "operatingSystem eq 'Android'"));
  /* '' escapes an apostrophe */
  g_assert_cmpuint (count_filtered (f, "contains(deviceName,'SARAH''S')"), ==, 2);
  g_assert_cmpuint (count_filtered (f, "userPrincipalName eq 'sarah.obrien@contoso-demo.onmicrosoft.com'"), >=, 3);
  g_assert_cmpuint (count_filtered (f, "contains(emailAddress,'obrien')"), >=, 3);
}

static void
test_orderby_ignored_and_count (Fixture *f, gconstpointer data)
{
  g_autofree char *plain = list_url (f, "beta", "$select", "deviceName", NULL);
  g_autofree char *ordered = list_url (f, "beta", "$select", "deviceName", "$orderby", "deviceName desc", "$count", "true", NULL);
  g_autofree char *filtered = list_url (f, "beta", "$filter", "operatingSystem eq 'Windows'", "$count", "true", "$top", "2", NULL);
  g_autoptr(JsonNode) a = get_json (f, plain, 200);
  g_autoptr(JsonNode) b = get_json (f, ordered, 200);
  g_autoptr(JsonNode) c = get_json (f, filtered, 200);

  g_assert_false (json_object_has_member (json_node_get_object (a), "@odata.count"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (b), "@odata.count"), ==,
                   lk_sandbox_get_n_devices (f->sandbox));
  g_assert_true (json_node_equal (json_object_get_member (json_node_get_object (a), "value"),
                                  json_object_get_member (json_node_get_object (b), "value")));
  /* The demo tenant's Windows PCs, the Entra-registered one of the unlock options included. */
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (c), "@odata.count"), ==, 6);
  g_assert_cmpuint (json_array_get_length (value_of (c)), ==, 2);
}

static JsonObject *
find_device (JsonArray *value, const char *name)
{
  for (guint i = 0; i < json_array_get_length (value); i++)
    {
      JsonObject *obj = json_array_get_object_element (value, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (obj, "deviceName", NULL), name) == 0)
        return obj;
    }
  g_assert_not_reached ();
}

static void
test_select_and_versions (Fixture *f, gconstpointer data)
{
  g_autofree char *sel = list_url (f, "beta", "$select", "deviceName,deviceType", "$top", "1", NULL);
  g_autofree char *v1 = list_url (f, "v1.0", NULL);
  g_autofree char *beta = list_url (f, "beta", NULL);
  g_autofree char *v1_beta_member = list_url (f, "v1.0", "$select", "id,deviceType", NULL);
  g_autoptr(JsonNode) s = get_json (f, sel, 200);
  g_autoptr(JsonNode) a = get_json (f, v1, 200);
  g_autoptr(JsonNode) b = get_json (f, beta, 200);
  g_autoptr(JsonNode) bad = get_json (f, v1_beta_member, 400);
  JsonObject *first = json_array_get_object_element (value_of (s), 0);
  JsonObject *dedicated_v1 = find_device (value_of (a), DEDICATED_ID);
  JsonObject *dedicated_beta = find_device (value_of (b), DEDICATED_ID);
  JsonObject *never = find_device (value_of (b), "DESKTOP-NEW0001");

  g_assert_cmpuint (json_object_get_size (first), ==, 3);
  g_assert_true (json_object_has_member (first, "id"));
  g_assert_true (json_object_has_member (first, "deviceType"));

  g_assert_false (json_object_has_member (dedicated_v1, "deviceType"));
  g_assert_false (json_object_has_member (dedicated_v1, "ownerType"));
  g_assert_false (json_object_has_member (dedicated_v1, "joinType"));
  g_assert_cmpstr (json_object_get_string_member (dedicated_v1, "deviceEnrollmentType"), ==, "unknown");
  g_assert_cmpstr (json_object_get_string_member (dedicated_beta, "deviceEnrollmentType"), ==,
                   "androidEnterpriseDedicatedDevice");
  g_assert_cmpstr (json_object_get_string_member (dedicated_beta, "deviceType"), ==, "androidEnterprise");
  g_assert_cmpstr (json_object_get_string_member (never, "lastSyncDateTime"), ==, "0001-01-01T00:00:00Z");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (dedicated_beta, "lastSyncDateTime"), "Z"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (find_device (value_of (b), "Galaxy di Sofia"), "osVersion")));
  g_assert_nonnull (json_node_get_object (bad));
}

static void
test_get_device (Fixture *f, gconstpointer data)
{
  const char *id = id_of_device (f, "iPhone di Giulia");
  g_autofree char *url = g_strdup_printf ("%s/graph/beta/deviceManagement/managedDevices/%s?$select=deviceName", f->base, id);
  g_autofree char *missing = g_strdup_printf ("%s/graph/v1.0/deviceManagement/managedDevices/00000000-0000-0000-0000-000000000000", f->base);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", missing);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) root = get_json (f, url, 200);
  g_autoptr(JsonNode) error_root = NULL;
  g_autofree char *auth = g_strdup_printf ("Bearer %s", f->token);
  g_autoptr(GError) error = NULL;
  JsonObject *err, *inner;

  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "deviceName"), ==, "iPhone di Giulia");
  g_assert_false (json_object_has_member (json_node_get_object (root), "serialNumber"));

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "client-request-id",
                                "0f4c8a5e-1111-4222-8333-944445555666");
  body = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 404);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "client-request-id"),
                   ==, "0f4c8a5e-1111-4222-8333-944445555666");
  g_assert_true (g_uuid_string_is_valid (soup_message_headers_get_one (soup_message_get_response_headers (msg), "request-id")));
  error_root = parse (body);
  err = json_object_get_object_member (json_node_get_object (error_root), "error");
  g_assert_cmpstr (json_object_get_string_member (err, "code"), ==, "ResourceNotFound");
  inner = json_object_get_object_member (err, "innerError");
  g_assert_cmpstr (json_object_get_string_member (inner, "client-request-id"), ==, "0f4c8a5e-1111-4222-8333-944445555666");
  g_assert_cmpstr (json_object_get_string_member (inner, "request-id"), ==,
                   soup_message_headers_get_one (soup_message_get_response_headers (msg), "request-id"));
  g_assert_nonnull (json_object_get_string_member (inner, "date"));

  /* the request log saw the header */
  {
    g_autofree char *logged = lk_sandbox_get_last_header (f->sandbox, "/managedDevices/0000", "Client-Request-Id");

    g_assert_cmpstr (logged, ==, "0f4c8a5e-1111-4222-8333-944445555666");
    g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "GET", "/managedDevices"), ==, 3);
    g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "POST", NULL), ==, 0);
  }
}

static const char *
error_code (GBytes *body)
{
  g_autoptr(JsonNode) root = parse (body);
  JsonObject *err = json_object_get_object_member (json_node_get_object (root), "error");

  return g_intern_string (json_object_get_string_member (err, "code"));
}

static void
test_unauthorized (Fixture *f, gconstpointer data)
{
  g_autofree char *url = list_url (f, "beta", "$top", "1", NULL);
  g_autofree char *expired = lk_sandbox_mint_access_token (f->sandbox, SCOPES_ALL, 0);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) none = send_ok (f, "GET", url, NULL, NULL, 401, &msg);
  g_autoptr(GBytes) old = send_ok (f, "GET", url, expired, NULL, 401, NULL);
  g_autoptr(GBytes) bogus = send_ok (f, "GET", url, "not-a-token", NULL, 401, NULL);
  g_autoptr(GBytes) fine = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_autoptr(GBytes) after = NULL;

  g_assert_cmpstr (error_code (none), ==, "InvalidAuthenticationToken");
  g_assert_cmpstr (error_code (old), ==, "InvalidAuthenticationToken");
  g_assert_cmpstr (error_code (bogus), ==, "InvalidAuthenticationToken");
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                                 "WWW-Authenticate"), "Bearer"));
  lk_sandbox_expire_access_tokens (f->sandbox);
  after = send_ok (f, "GET", url, f->token, NULL, 401, NULL);
  g_assert_cmpstr (error_code (after), ==, "InvalidAuthenticationToken");
}

static void
test_scopes (Fixture *f, gconstpointer data)
{
  const char *id = id_of_device (f, "iPhone di Giulia");
  g_autofree char *reader = lk_sandbox_mint_access_token (f->sandbox, "DeviceManagementManagedDevices.Read.All", 600);
  g_autofree char *other = lk_sandbox_mint_access_token (f->sandbox, "User.Read openid", 600);
  g_autofree char *reset = g_strdup_printf ("%s/graph/beta/deviceManagement/managedDevices/%s/resetPasscode", f->base, id);
  g_autofree char *list = list_url (f, "beta", "$top", "1", NULL);
  g_autoptr(GBytes) denied = send_ok (f, "POST", reset, reader, NULL, 403, NULL);
  g_autoptr(GBytes) denied_list = send_ok (f, "GET", list, other, NULL, 403, NULL);
  g_autoptr(GBytes) allowed_list = send_ok (f, "GET", list, reader, NULL, 200, NULL);

  /* Intune's own answer: a bare "Forbidden" naming the missing permission in its message. */
  g_assert_cmpstr (error_code (denied), ==, "Forbidden");
  g_assert_cmpstr (error_code (denied_list), ==, "Forbidden");
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (denied, NULL), g_bytes_get_size (denied),
                                  "following scopes: DeviceManagementManagedDevices.PrivilegedOperations.All"));
}

/* ---- actions ---- */

static JsonObject *
action_result (Fixture *f, const char *id, JsonNode **keep)
{
  g_autofree char *url = g_strdup_printf ("%s/graph/beta/deviceManagement/managedDevices/%s?$select=deviceActionResults",
                                          f->base, id);
  JsonObject *obj;
  JsonArray *results;

  /* callers reuse @keep for several reads: drop the previous answer first */
  g_clear_pointer (keep, json_node_unref);
  *keep = get_json (f, url, 200);
  obj = json_node_get_object (*keep);
  g_assert_cmpstr (json_object_get_string_member (obj, "id"), ==, id);
  results = json_object_get_array_member (obj, "deviceActionResults");
  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  return json_array_get_object_element (results, 0);
}

static const char *
wait_for_state (Fixture *f, const char *id, const char *state, char **out_passcode)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(JsonNode) keep = NULL;
      JsonObject *result = action_result (f, id, &keep);
      const char *now = json_object_get_string_member (result, "actionState");

      g_assert_cmpstr (json_object_get_string_member (result, "@odata.type"), ==,
                       "#microsoft.graph.resetPasscodeActionResult");
      if (g_str_equal (now, state))
        {
          if (out_passcode != NULL)
            *out_passcode = g_strdup (json_object_get_string_member_with_default (result, "passcode", NULL));
          return g_intern_string (now);
        }
      g_usleep (50 * 1000);
    }
  g_assert_not_reached ();
}

static void
post_action (Fixture *f, const char *id, const char *action)
{
  g_autofree char *url = g_strdup_printf ("%s/graph/beta/deviceManagement/managedDevices/%s/%s", f->base, id, action);
  g_autoptr(GBytes) body = send_ok (f, "POST", url, f->token, NULL, 204, NULL);

  g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
}

static void
test_actions (Fixture *f, gconstpointer data)
{
  const char *dedicated = id_of_device (f, DEDICATED_ID);
  const char *iphone = id_of_device (f, "iPhone di Giulia");
  const char *windows = id_of_device (f, "DESKTOP-7QK2L9M");
  g_autofree char *passcode = NULL;
  g_autofree char *no_passcode = NULL;
  g_autofree char *missing = g_strdup_printf ("%s/graph/beta/deviceManagement/managedDevices/nope/resetPasscode", f->base);
  g_autoptr(GBytes) not_found = send_ok (f, "POST", missing, f->token, NULL, 404, NULL);
  g_autoptr(JsonNode) keep = NULL;

  lk_sandbox_set_action_timing (f->sandbox, 400, 400);
  post_action (f, dedicated, "resetPasscode");
  post_action (f, iphone, "resetPasscode");
  post_action (f, windows, "resetPasscode");

  g_assert_cmpstr (json_object_get_string_member (action_result (f, dedicated, &keep), "actionState"), ==, "pending");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (action_result (f, dedicated, &keep), "passcode")));
  wait_for_state (f, dedicated, "active", NULL);
  wait_for_state (f, dedicated, "done", &passcode);
  g_assert_nonnull (passcode);
  g_assert_cmpuint (strlen (passcode), ==, 6);
  for (guint i = 0; i < 6; i++)
    g_assert_true (g_ascii_isdigit (passcode[i]));

  wait_for_state (f, iphone, "done", &no_passcode);
  g_assert_null (no_passcode);
  wait_for_state (f, windows, "notSupported", NULL);

  /* syncDevice moves a pending action straight to active */
  lk_sandbox_set_action_timing (f->sandbox, 60000, 60000);
  post_action (f, dedicated, "resetPasscode");
  g_assert_cmpstr (json_object_get_string_member (action_result (f, dedicated, &keep), "actionState"), ==, "pending");
  post_action (f, dedicated, "syncDevice");
  g_assert_cmpstr (json_object_get_string_member (action_result (f, dedicated, &keep), "actionState"), ==, "active");
}

static void
test_action_outcomes (Fixture *f, gconstpointer data)
{
  static const struct { const char *name; const char *state; gboolean passcode; } cases[] = {
    { "Vision Pro di Alessandro", "done", FALSE },
    { "VISIONPRO-LAB-02", "notSupported", FALSE },
    { "Sarah's iPhone", "notSupported", FALSE },
    { "James's iPhone", "notSupported", FALSE },
    { "iPad-MAGAZZINO-01", "done", FALSE },
    { "REALWEAR-HMT1-07", "done", TRUE },
    { "GALAXY-A54-AESPOSITO", "done", TRUE },
    { "Nokia 7 Plus di Martina", "done", TRUE },
    { "Galaxy S7 di Federico", "notSupported", FALSE },
    { "GALAXY-S5-ELENA", "done", TRUE },
    { "MOTO-G8-ANDREA", "notSupported", FALSE },
    { "MacBook Pro di Lorenzo", "notSupported", FALSE },
    { "ubuntu-mrossi", "notSupported", FALSE },
  };

  lk_sandbox_set_action_timing (f->sandbox, 0, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *id = id_of_device (f, cases[i].name);
      g_autofree char *passcode = NULL;

      post_action (f, id, "resetPasscode");
      wait_for_state (f, id, cases[i].state, &passcode);
      g_assert_cmpint (passcode != NULL, ==, cases[i].passcode);
    }
}

/* ---- faults ---- */

static void
test_fault_status_and_skip (Fixture *f, gconstpointer data)
{
  LkFault fault = { .kind = LK_FAULT_STATUS, .method = "GET", .path_contains = "/managedDevices",
                    .status = 429, .retry_after = "2", .skip = 1, .times = 2 };
  g_autofree char *url = list_url (f, "beta", "$top", "1", NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) first = NULL, second = NULL, third = NULL, fourth = NULL;

  lk_sandbox_add_fault (f->sandbox, &fault);
  first = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  second = send_ok (f, "GET", url, f->token, NULL, 429, &msg);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After"), ==, "2");
  g_assert_cmpstr (error_code (second), ==, "TooManyRequests");
  third = send_ok (f, "GET", url, f->token, NULL, 429, NULL);
  fourth = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  lk_sandbox_clear_faults (f->sandbox);
}

static void
test_fault_delay_and_latency (Fixture *f, gconstpointer data)
{
  LkFault fault = { .kind = LK_FAULT_DELAY, .path_contains = "/managedDevices", .delay_ms = 400 };
  g_autofree char *url = list_url (f, "beta", "$top", "1", NULL);
  gint64 start;
  g_autoptr(GBytes) a = NULL, b = NULL, c = NULL;

  lk_sandbox_add_fault (f->sandbox, &fault);
  start = g_get_monotonic_time ();
  a = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 400 * 1000);
  start = g_get_monotonic_time ();
  b = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 400 * 1000);

  lk_sandbox_set_latency (f->sandbox, 100, 150);
  start = g_get_monotonic_time ();
  c = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 100 * 1000);
  g_assert_cmpuint (lk_sandbox_count_aborted (f->sandbox), ==, 0);
}

static void
test_fault_body_shapes (Fixture *f, gconstpointer data)
{
  LkFault truncate = { .kind = LK_FAULT_TRUNCATE, .path_contains = "/managedDevices" };
  LkFault malformed = { .kind = LK_FAULT_MALFORMED, .path_contains = "/managedDevices" };
  LkFault wrong = { .kind = LK_FAULT_WRONG_TYPES, .path_contains = "/managedDevices" };
  LkFault huge = { .kind = LK_FAULT_HUGE_BODY, .path_contains = "/managedDevices", .size = 4 * 1024 * 1024 };
  LkFault foreign = { .kind = LK_FAULT_FOREIGN_NEXT_LINK, .path_contains = "/managedDevices" };
  g_autofree char *url = list_url (f, "beta", NULL);
  g_autoptr(GBytes) whole = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) half = NULL, bad = NULL, types = NULL, big = NULL, evil = NULL;
  g_autoptr(JsonNode) types_root = NULL, big_root = NULL, evil_root = NULL;
  JsonObject *dev;

  lk_sandbox_add_fault (f->sandbox, &truncate);
  half = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_cmpuint (g_bytes_get_size (half), ==, g_bytes_get_size (whole) / 2);
  g_assert_false (json_parser_load_from_data (parser, g_bytes_get_data (half, NULL), g_bytes_get_size (half), NULL));

  lk_sandbox_add_fault (f->sandbox, &malformed);
  bad = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_false (json_parser_load_from_data (parser, g_bytes_get_data (bad, NULL), g_bytes_get_size (bad), NULL));

  lk_sandbox_add_fault (f->sandbox, &wrong);
  types = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  types_root = parse (types);
  dev = json_array_get_object_element (value_of (types_root), 0);
  g_assert_cmpstr (json_object_get_string_member (dev, "isSupervised"), ==, "yes");
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (dev, "osVersion")), ==, G_TYPE_INT64);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (dev, "deviceName")));
  g_assert_true (JSON_NODE_HOLDS_VALUE (json_object_get_member (dev, "id")));
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (dev, "id")), ==, G_TYPE_STRING);

  lk_sandbox_add_fault (f->sandbox, &huge);
  big = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_cmpuint (g_bytes_get_size (big), >=, huge.size - 16);
  g_assert_cmpuint (g_bytes_get_size (big), <=, huge.size + 16);
  big_root = parse (big);
  g_assert_cmpuint (json_array_get_length (value_of (big_root)), ==, 1);

  lk_sandbox_add_fault (f->sandbox, &foreign);
  evil = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  evil_root = parse (evil);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_node_get_object (evil_root), "@odata.nextLink"),
                                   "https://evil.example.com/"));
}

static void
test_fault_drop (Fixture *f, gconstpointer data)
{
  LkFault fault = { .kind = LK_FAULT_DROP, .path_contains = "/managedDevices" };
  g_autofree char *url = list_url (f, "beta", "$top", "1", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) next = NULL;

  lk_sandbox_add_fault (f->sandbox, &fault);
  body = send_full (f, "GET", url, f->token, NULL, NULL, &error);
  g_assert_null (body);
  g_assert_nonnull (error);
  /* the next request is answered again */
  next = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_cmpuint (lk_sandbox_count_aborted (f->sandbox), ==, 0);
}

static void
test_fault_auth (Fixture *f, gconstpointer data)
{
  LkFault expire = { .kind = LK_FAULT_EXPIRE_TOKEN, .path_contains = "/managedDevices" };
  LkFault forbidden = { .kind = LK_FAULT_FORBIDDEN, .path_contains = "/managedDevices", .graph_code = "insufficient_claims" };
  g_autofree char *url = list_url (f, "beta", "$top", "1", NULL);
  g_autofree char *other = lk_sandbox_mint_access_token (f->sandbox, SCOPES_ALL, 600);
  g_autoptr(GBytes) a = NULL, b = NULL, c = NULL, d = NULL, e = NULL;

  lk_sandbox_add_fault (f->sandbox, &forbidden);
  a = send_ok (f, "GET", url, f->token, NULL, 403, NULL);
  g_assert_cmpstr (error_code (a), ==, "insufficient_claims");
  lk_sandbox_clear_faults (f->sandbox);

  lk_sandbox_add_fault (f->sandbox, &expire);
  b = send_ok (f, "GET", url, f->token, NULL, 401, NULL);
  g_assert_cmpstr (error_code (b), ==, "InvalidAuthenticationToken");
  /* the token stays invalid; another one still works */
  c = send_ok (f, "GET", url, f->token, NULL, 401, NULL);
  d = send_ok (f, "GET", url, other, NULL, 200, NULL);
}

typedef struct
{
  gboolean done;
  GError  *error;
} AsyncResult;

static void
send_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncResult *r = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &r->error);

  r->done = TRUE;
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_count_aborted (Fixture *f, gconstpointer data)
{
  LkFault fault = { .kind = LK_FAULT_DELAY, .path_contains = "/managedDevices", .delay_ms = 5000 };
  g_autofree char *url = list_url (f, "beta", "$top", "1", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *auth = g_strdup_printf ("Bearer %s", f->token);
  AsyncResult r = { 0 };
  gint64 deadline = g_get_monotonic_time () + 4 * G_USEC_PER_SEC;

  lk_sandbox_add_fault (f->sandbox, &fault);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, cancellable, send_done_cb, &r);
  g_timeout_add (300, cancel_cb, cancellable);
  while (!r.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_true (r.done);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);

  /* well before the 5 s delay ends, the server knows the client went away */
  while (lk_sandbox_count_aborted (f->sandbox) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_assert_cmpuint (lk_sandbox_count_aborted (f->sandbox), ==, 1);
  lk_sandbox_reset_log (f->sandbox);
  g_assert_cmpuint (lk_sandbox_count_aborted (f->sandbox), ==, 0);
}

/* ---- identity ---- */

static char *
login_url (Fixture *f, const char *tenant, const char *rest)
{
  return g_strdup_printf ("%s/login/%s/%s", f->base, tenant, rest);
}

static void
test_openid_configuration (Fixture *f, gconstpointer data)
{
  g_autofree char *url = login_url (f, "organizations", "v2.0/.well-known/openid-configuration");
  g_autoptr(JsonNode) root = get_json (f, url, 200);
  JsonObject *obj = json_node_get_object (root);
  g_autofree char *authority = lk_sandbox_get_authority_url (f->sandbox);
  g_autofree char *token = g_strdup_printf ("%s/organizations/oauth2/v2.0/token", authority);
  g_autofree char *devicecode = g_strdup_printf ("%s/organizations/oauth2/v2.0/devicecode", authority);
  JsonArray *methods = json_object_get_array_member (obj, "code_challenge_methods_supported");
  gboolean s256 = FALSE;

  g_assert_cmpstr (json_object_get_string_member (obj, "token_endpoint"), ==, token);
  g_assert_cmpstr (json_object_get_string_member (obj, "device_authorization_endpoint"), ==, devicecode);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (obj, "authorization_endpoint"), "/oauth2/v2.0/authorize"));
  g_assert_nonnull (json_object_get_string_member (obj, "issuer"));
  g_assert_nonnull (json_object_get_string_member (obj, "jwks_uri"));
  g_assert_nonnull (json_object_get_string_member (obj, "end_session_endpoint"));
  for (guint i = 0; i < json_array_get_length (methods); i++)
    s256 |= g_str_equal (json_array_get_string_element (methods, i), "S256");
  g_assert_true (s256);
}

static char *
form (const char *first, ...)
{
  GString *out = g_string_new (NULL);
  const char *name = first;
  va_list args;

  va_start (args, first);
  while (name != NULL)
    {
      const char *value = va_arg (args, const char *);
      g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

      g_string_append_printf (out, "%s%s=%s", out->len > 0 ? "&" : "", name, escaped);
      name = va_arg (args, const char *);
    }
  va_end (args);
  return g_string_free (out, FALSE);
}

static const char *
oauth_error (GBytes *body)
{
  g_autoptr(JsonNode) root = parse (body);

  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_node_get_object (root), "error_description"), "AADSTS"));
  return g_intern_string (json_object_get_string_member (json_node_get_object (root), "error"));
}

static char *
challenge_for (const char *verifier)
{
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  char *text;

  g_checksum_update (sha, (const guchar *) verifier, -1);
  g_checksum_get_digest (sha, digest, &len);
  text = g_base64_encode (digest, len);
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  *strchr (text, '=') = '\0';
  return text;
}

/* Authorizes with PKCE and returns the code from the redirect. */
static char *
authorize (Fixture *f, const char *verifier, const char *redirect)
{
  g_autofree char *challenge = challenge_for (verifier);
  g_autofree char *query = form ("client_id", lk_sandbox_get_client_id (f->sandbox),
                                 "response_type", "code", "redirect_uri", redirect,
                                 "scope", "openid profile offline_access " SCOPES_ALL,
                                 "state", "st&te 1", "code_challenge", challenge,
                                 "code_challenge_method", "S256", NULL);
  g_autofree char *base = login_url (f, lk_sandbox_get_tenant_id (f->sandbox), "oauth2/v2.0/authorize");
  g_autofree char *url = g_strdup_printf ("%s?%s", base, query);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = send_ok (f, "GET", url, NULL, NULL, 302, &msg);
  const char *location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  g_autoptr(GUri) uri = g_uri_parse (location, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GHashTable) params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);

  g_assert_true (g_str_has_prefix (location, redirect));
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, "st&te 1");
  g_assert_nonnull (g_hash_table_lookup (params, "code"));
  return g_strdup (g_hash_table_lookup (params, "code"));
}

static char *
json_string (GBytes *body, const char *member)
{
  g_autoptr(JsonNode) root = parse (body);

  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (root), member, NULL));
}

static void
test_pkce (Fixture *f, gconstpointer data)
{
  const char *verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const char *redirect = "http://localhost:49152/";
  g_autofree char *code = authorize (f, verifier, redirect);
  g_autofree char *token_url = login_url (f, "organizations", "oauth2/v2.0/token");
  const char *client_id = lk_sandbox_get_client_id (f->sandbox);
  g_autofree char *wrong = form ("client_id", client_id, "grant_type", "authorization_code", "code", code,
                                 "redirect_uri", redirect, "code_verifier", "not-the-verifier", NULL);
  g_autofree char *right = form ("client_id", client_id, "grant_type", "authorization_code", "code", code,
                                 "redirect_uri", redirect, "code_verifier", verifier, NULL);
  g_autoptr(GBytes) bad = send_ok (f, "POST", token_url, NULL, wrong, 400, NULL);
  g_autoptr(GBytes) good = send_ok (f, "POST", token_url, NULL, right, 200, NULL);
  g_autoptr(GBytes) reuse = send_ok (f, "POST", token_url, NULL, right, 400, NULL);
  g_autoptr(JsonNode) root = parse (good);
  JsonObject *obj = json_node_get_object (root);
  g_auto(GStrv) jwt = g_strsplit (json_object_get_string_member (obj, "id_token"), ".", -1);
  g_autofree char *list = list_url (f, "beta", "$top", "1", NULL);
  g_autoptr(GBytes) page = NULL;
  g_autofree char *claims_text = NULL;
  g_autoptr(JsonNode) claims = NULL;
  gsize len = 0;

  g_assert_cmpstr (oauth_error (bad), ==, "invalid_grant");
  g_assert_cmpstr (oauth_error (reuse), ==, "invalid_grant");
  g_assert_cmpstr (json_object_get_string_member (obj, "token_type"), ==, "Bearer");
  g_assert_cmpint (json_object_get_int_member (obj, "expires_in"), ==, 3599);
  g_assert_cmpstr (json_object_get_string_member (obj, "scope"), ==, SCOPES_ALL);
  g_assert_nonnull (json_object_get_string_member (obj, "refresh_token"));
  g_assert_cmpuint (g_strv_length (jwt), ==, 3);
  {
    g_autoptr(GString) padded = g_string_new (jwt[1]);

    g_strdelimit (padded->str, "-", '+');
    g_strdelimit (padded->str, "_", '/');
    while (padded->len % 4 != 0)
      g_string_append_c (padded, '=');
    claims_text = (char *) g_base64_decode (padded->str, &len);
    claims_text = g_realloc (claims_text, len + 1);
    claims_text[len] = '\0';
  }
  {
    g_autoptr(GBytes) bytes = g_bytes_new (claims_text, len);

    claims = parse (bytes);
  }
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (claims), "preferred_username"), ==,
                   lk_sandbox_get_username (f->sandbox));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (claims), "aud"), ==, client_id);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (claims), "tid"), ==,
                   lk_sandbox_get_tenant_id (f->sandbox));

  page = send_ok (f, "GET", list, json_object_get_string_member (obj, "access_token"), NULL, 200, NULL);
}

static void
test_authorize_errors (Fixture *f, gconstpointer data)
{
  LkFault denied = { .kind = LK_FAULT_OAUTH_ERROR, .path_contains = "/authorize", .graph_code = "access_denied" };
  g_autofree char *base = login_url (f, "common", "oauth2/v2.0/authorize");
  g_autofree char *bad_client_q = form ("client_id", "00000000-0000-0000-0000-000000000000", "response_type", "code",
                                        "redirect_uri", "http://localhost/", "scope", "openid", "code_challenge", "x",
                                        "code_challenge_method", "S256", NULL);
  g_autofree char *bad_redirect_q = form ("client_id", lk_sandbox_get_client_id (f->sandbox), "response_type", "code",
                                          "redirect_uri", "https://evil.example.com/", "scope", "openid",
                                          "code_challenge", "x", "code_challenge_method", "S256", NULL);
  g_autofree char *ok_q = form ("client_id", lk_sandbox_get_client_id (f->sandbox), "response_type", "code",
                                "redirect_uri", "http://localhost:1234/", "scope", "openid", "state", "s",
                                "code_challenge", "x", "code_challenge_method", "S256", NULL);
  g_autofree char *u1 = g_strdup_printf ("%s?%s", base, bad_client_q);
  g_autofree char *u2 = g_strdup_printf ("%s?%s", base, bad_redirect_q);
  g_autofree char *u3 = g_strdup_printf ("%s?%s", base, ok_q);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) a = send_ok (f, "GET", u1, NULL, NULL, 400, NULL);
  g_autoptr(GBytes) b = send_ok (f, "GET", u2, NULL, NULL, 400, NULL);
  g_autoptr(GBytes) c = NULL;
  const char *location;

  /* Registered: http://localhost. Entra compares the host as written, whatever the port. */
  {
    g_autofree char *loopback_q = form ("client_id", lk_sandbox_get_client_id (f->sandbox), "response_type", "code",
                                        "redirect_uri", "http://127.0.0.1:1234/", "scope", "openid",
                                        "code_challenge", "x", "code_challenge_method", "S256", NULL);
    g_autofree char *u4 = g_strdup_printf ("%s?%s", base, loopback_q);
    g_autoptr(GBytes) d = send_ok (f, "GET", u4, NULL, NULL, 400, NULL);
    g_autofree char *page = g_strndup (g_bytes_get_data (d, NULL), g_bytes_get_size (d));

    g_assert_nonnull (strstr (page, "AADSTS50011: The redirect URI &apos;http://127.0.0.1:1234/&apos; specified in the request does not match"));
    lk_sandbox_set_redirect_uris (f->sandbox, (const char *[]) { "http://127.0.0.1", NULL });
    g_clear_pointer (&d, g_bytes_unref);
    d = send_ok (f, "GET", u4, NULL, NULL, 302, NULL);
    g_clear_pointer (&d, g_bytes_unref);
    d = send_ok (f, "GET", u3, NULL, NULL, 400, NULL);
    lk_sandbox_set_redirect_uris (f->sandbox, (const char *[]) { "http://localhost", NULL });
  }

  lk_sandbox_add_fault (f->sandbox, &denied);
  c = send_ok (f, "GET", u3, NULL, NULL, 302, &msg);
  location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  g_assert_true (g_str_has_prefix (location, "http://localhost:1234/?error=access_denied&"));
  g_assert_true (g_str_has_suffix (location, "&state=s"));
}

static GBytes *
poll_device_code (Fixture *f, const char *device_code, guint expected_status)
{
  g_autofree char *url = login_url (f, "organizations", "oauth2/v2.0/token");
  g_autofree char *body = form ("client_id", lk_sandbox_get_client_id (f->sandbox),
                                "grant_type", "urn:ietf:params:oauth:grant-type:device_code",
                                "device_code", device_code, NULL);

  return send_ok (f, "POST", url, NULL, body, expected_status, NULL);
}

static void
start_device_code (Fixture *f, char **device_code, char **user_code)
{
  g_autofree char *url = login_url (f, "organizations", "oauth2/v2.0/devicecode");
  g_autofree char *body = form ("client_id", lk_sandbox_get_client_id (f->sandbox),
                                "scope", "offline_access " SCOPES_ALL, NULL);
  g_autoptr(GBytes) answer = send_ok (f, "POST", url, NULL, body, 200, NULL);
  g_autoptr(JsonNode) root = parse (answer);
  JsonObject *obj = json_node_get_object (root);
  g_autofree char *verification = g_strdup_printf ("%s/login/device", f->base);

  *device_code = g_strdup (json_object_get_string_member (obj, "device_code"));
  *user_code = g_strdup (json_object_get_string_member (obj, "user_code"));
  g_assert_cmpuint (strlen (*user_code), ==, 9);
  g_assert_cmpstr (json_object_get_string_member (obj, "verification_uri"), ==, verification);
  g_assert_cmpint (json_object_get_int_member (obj, "interval"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (obj, "expires_in"), ==, 3);
  g_assert_nonnull (strstr (json_object_get_string_member (obj, "message"), *user_code));
}

static void
test_device_code (Fixture *f, gconstpointer data)
{
  g_autofree char *dc1 = NULL, *uc1 = NULL, *dc2 = NULL, *uc2 = NULL, *dc3 = NULL, *uc3 = NULL;
  g_autofree char *dc4 = NULL, *uc4 = NULL;
  g_autoptr(GBytes) a = NULL, b = NULL, c = NULL, d = NULL, e = NULL, g = NULL, h = NULL;
  g_autofree char *device_page = g_strdup_printf ("%s/login/device", f->base);
  g_autoptr(GBytes) page = send_ok (f, "GET", device_page, NULL, NULL, 200, NULL);

  lk_sandbox_set_auto_approve (f->sandbox, FALSE);
  lk_sandbox_set_device_code_timing (f->sandbox, 1, 3);
  start_device_code (f, &dc1, &uc1);
  start_device_code (f, &dc2, &uc2);
  start_device_code (f, &dc3, &uc3);

  a = poll_device_code (f, dc1, 400);
  g_assert_cmpstr (oauth_error (a), ==, "authorization_pending");
  b = poll_device_code (f, dc1, 400);
  g_assert_cmpstr (oauth_error (b), ==, "slow_down");
  g_assert_true (lk_sandbox_approve_device_code (f->sandbox, uc1));
  g_assert_true (lk_sandbox_decline_device_code (f->sandbox, uc2));
  g_assert_false (lk_sandbox_approve_device_code (f->sandbox, "NOSUCHCOD"));
  c = poll_device_code (f, dc1, 200);
  {
    g_autofree char *rt = json_string (c, "refresh_token");

    g_assert_nonnull (rt);
  }
  d = poll_device_code (f, dc2, 400);
  g_assert_cmpstr (oauth_error (d), ==, "authorization_declined");

  g_usleep (3100 * 1000);
  e = poll_device_code (f, dc3, 400);
  g_assert_cmpstr (oauth_error (e), ==, "expired_token");

  /* auto-approve signs in on the first poll */
  lk_sandbox_set_auto_approve (f->sandbox, TRUE);
  start_device_code (f, &dc4, &uc4);
  g = poll_device_code (f, dc4, 200);
  h = poll_device_code (f, dc4, 400);
  g_assert_cmpstr (oauth_error (h), ==, "invalid_grant");
}

static void
test_refresh_rotation (Fixture *f, gconstpointer data)
{
  g_autofree char *url = login_url (f, "organizations", "oauth2/v2.0/token");
  g_autofree char *dc = NULL, *uc = NULL;
  g_autoptr(GBytes) first = NULL, second = NULL, old = NULL, third = NULL, revoked = NULL;
  g_autofree char *rt1 = NULL, *rt2 = NULL, *rt3 = NULL, *f1 = NULL, *f2 = NULL, *f3 = NULL;
  g_autofree char *access = NULL;

  lk_sandbox_set_device_code_timing (f->sandbox, 1, 3);
  start_device_code (f, &dc, &uc);
  first = poll_device_code (f, dc, 200);
  rt1 = json_string (first, "refresh_token");
  f1 = form ("client_id", lk_sandbox_get_client_id (f->sandbox), "grant_type", "refresh_token",
             "refresh_token", rt1, "scope", "offline_access " SCOPES_ALL, NULL);
  second = send_ok (f, "POST", url, NULL, f1, 200, NULL);
  rt2 = json_string (second, "refresh_token");
  g_assert_nonnull (rt2);
  g_assert_cmpstr (rt1, !=, rt2);
  old = send_ok (f, "POST", url, NULL, f1, 400, NULL);
  g_assert_cmpstr (oauth_error (old), ==, "invalid_grant");

  f2 = form ("client_id", lk_sandbox_get_client_id (f->sandbox), "grant_type", "refresh_token",
             "refresh_token", rt2, NULL);
  third = send_ok (f, "POST", url, NULL, f2, 200, NULL);
  rt3 = json_string (third, "refresh_token");
  access = json_string (third, "access_token");
  g_assert_nonnull (access);
  lk_sandbox_revoke_refresh_tokens (f->sandbox);
  f3 = form ("client_id", lk_sandbox_get_client_id (f->sandbox), "grant_type", "refresh_token",
             "refresh_token", rt3, NULL);
  revoked = send_ok (f, "POST", url, NULL, f3, 400, NULL);
  g_assert_cmpstr (oauth_error (revoked), ==, "invalid_grant");
}

static void
test_oauth_fault (Fixture *f, gconstpointer data)
{
  LkFault fault = { .kind = LK_FAULT_OAUTH_ERROR, .path_contains = "/token", .graph_code = "invalid_grant" };
  g_autofree char *dc = NULL, *uc = NULL;
  g_autoptr(GBytes) a = NULL, b = NULL;

  lk_sandbox_set_device_code_timing (f->sandbox, 1, 3);
  start_device_code (f, &dc, &uc);
  lk_sandbox_add_fault (f->sandbox, &fault);
  a = poll_device_code (f, dc, 400);
  g_assert_cmpstr (oauth_error (a), ==, "invalid_grant");
  b = poll_device_code (f, dc, 200);
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "POST", "/oauth2/v2.0/token"), ==, 2);
}

static void
test_stop_while_delayed (Fixture *f, gconstpointer data)
{
  LkFault fault = { .kind = LK_FAULT_DELAY, .path_contains = "/managedDevices", .delay_ms = 30000 };
  g_autofree char *url = list_url (f, "beta", "$top", "1", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", f->token);
  AsyncResult r = { 0 };
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  lk_sandbox_add_fault (f->sandbox, &fault);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, send_done_cb, &r);
  while (lk_sandbox_count_requests (f->sandbox, "GET", "/managedDevices") == 0
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "GET", "/managedDevices"), ==, 1);

  /* stopping never waits for a held-back answer, and the client sees the connection go */
  lk_sandbox_stop (f->sandbox);
  g_assert_cmpint (g_get_monotonic_time (), <, deadline);
  while (!r.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
  g_assert_true (r.done);
  g_assert_nonnull (r.error);
  g_clear_error (&r.error);
  g_assert_null (lk_sandbox_get_base_url (f->sandbox));
}

/* ---- fixtures ---- */

static void
test_demo_fixture_coverage (void)
{
  static const char *const rows[] = {
    "ios-corporate", "visionos-corporate", "visionos-too-old", "ios-personal",
    "apple-user-enrollment", "android-dedicated", "android-aosp", "android-fully-managed",
    "android-cope", "android-work-profile", "android-work-profile-old",
    "android-device-admin-legacy", "android-device-admin", "windows", "macos", "linux",
    "chromeos", "unknown", "missing-os-version", NULL,
  };
  g_autoptr(GBytes) bytes = g_resource_lookup_data (lk_sandbox_get_demo_fixtures (),
                                                    "/io/github/latchkey/Latchkey/sandbox/demo-tenant.json",
                                                    G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autoptr(JsonNode) root = parse (bytes);
  JsonArray *devices = json_node_get_array (root);
  g_autoptr(GHashTable) covered = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) enrollments = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (json_array_get_length (devices), >=, 40);
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *dev = json_array_get_object_element (devices, i);
      const char *covers = json_object_get_string_member (dev, "_covers");
      g_autofree char *row = g_strndup (covers, strcspn (covers, ":"));
      const char *imei = json_object_get_string_member (dev, "imei");

      g_hash_table_add (covered, (gpointer) g_intern_string (row));
      g_assert_true (g_hash_table_add (ids, (gpointer) json_object_get_string_member (dev, "id")));
      g_hash_table_add (enrollments, (gpointer) json_object_get_string_member (dev, "deviceEnrollmentType"));
      g_assert_true (*imei == '\0' || strlen (imei) == 15);
    }
  for (guint i = 0; rows[i] != NULL; i++)
    {
      if (!g_hash_table_contains (covered, g_intern_string (rows[i])))
        g_error ("no demo device covers the capability row %s", rows[i]);
    }
  g_assert_true (g_hash_table_contains (enrollments, "appleUserEnrollment"));
  g_assert_true (g_hash_table_contains (enrollments, "appleUserEnrollmentWithServiceAccount"));
  g_assert_true (g_hash_table_contains (enrollments, "appleAccountDrivenUserEnrollment"));
  g_assert_true (g_hash_table_contains (enrollments, "androidAOSPUserOwnedDeviceEnrollment"));
  g_assert_true (g_hash_table_contains (enrollments, "androidAOSPUserlessDeviceEnrollment"));
}

/* ---- generator ---- */

static void
test_generator (void)
{
  SbDeviceSet *a = sb_device_set_new ();
  SbDeviceSet *b = sb_device_set_new ();
  SbDeviceSet *c = sb_device_set_new ();
  SbDevice *first_a, *first_b, *last_a, *last_b;
  gint64 start;

  sb_device_set_generate (a, 5000, 42, 1700000000);
  sb_device_set_generate (b, 5000, 42, 1700000000);
  sb_device_set_generate (c, 5000, 43, 1700000000);
  first_a = &g_array_index (a->devices, SbDevice, 0);
  first_b = &g_array_index (b->devices, SbDevice, 0);
  last_a = &g_array_index (a->devices, SbDevice, 4999);
  last_b = &g_array_index (b->devices, SbDevice, 4999);
  for (guint i = 0; i < SB_N_STRING_FIELDS; i++)
    {
      g_assert_cmpstr (first_a->s[i], ==, first_b->s[i]);
      g_assert_cmpstr (last_a->s[i], ==, last_b->s[i]);
    }
  g_assert_cmpint (last_a->last_sync, ==, last_b->last_sync);
  g_assert_cmpstr (first_a->s[SB_F_ID], !=, g_array_index (c->devices, SbDevice, 0).s[SB_F_ID]);
  g_assert_cmpuint (g_hash_table_size (a->by_id), ==, 5000);
  for (guint i = 0; i < 5000; i++)
    {
      SbDevice *dev = &g_array_index (a->devices, SbDevice, i);
      const char *imei = dev->s[SB_F_IMEI];

      g_assert_nonnull (dev->s[SB_F_DEVICE_NAME]);
      g_assert_true (g_str_has_suffix (dev->s[SB_F_USER_PRINCIPAL_NAME], "@contoso-demo.onmicrosoft.com"));
      if (imei != NULL)
        g_assert_cmpuint (strlen (imei), ==, 15);
    }
  sb_device_set_free (a);
  sb_device_set_free (b);
  sb_device_set_free (c);

  /* 100 000 devices in reasonable time (generous for sanitizer builds) */
  start = g_get_monotonic_time ();
  a = sb_device_set_new ();
  sb_device_set_generate (a, 100000, 1, 1700000000);
  g_assert_cmpuint (a->devices->len, ==, 100000);
  g_test_message ("100000 devices generated in %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, SCALE_BUDGET_S * G_USEC_PER_SEC);
  sb_device_set_free (a);
}

static void
test_big_tenant_pages (Fixture *f, gconstpointer data)
{
  g_autofree char *url = NULL;
  gint64 start;
  guint pages = 0;

  lk_sandbox_generate_devices (f->sandbox, 100000, 3);
  g_assert_cmpuint (lk_sandbox_get_n_devices (f->sandbox), ==, 100000);
  url = list_url (f, "beta", "$select", LK_DEVICE_SELECT_BETA_TEST, NULL);
  start = g_get_monotonic_time ();
  /* five 1000-device pages: the sandbox must not be a listing benchmark's bottleneck */
  while (url != NULL && pages < 5)
    {
      g_autoptr(JsonNode) root = get_json (f, url, 200);

      g_assert_cmpuint (json_array_get_length (value_of (root)), ==, 1000);
      g_free (url);
      url = g_strdup (json_object_get_string_member (json_node_get_object (root), "@odata.nextLink"));
      pages++;
    }
  g_test_message ("5 pages of 1000 in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, SCALE_BUDGET_S * G_USEC_PER_SEC);
}

#define DEMO_FIXTURE "/io/github/latchkey/Latchkey/sandbox/demo-tenant.json"

static gboolean
demo_fixture_registered (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_resources_lookup_data (DEMO_FIXTURE, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);

  g_assert_true (bytes != NULL || g_error_matches (error, G_RESOURCE_ERROR, G_RESOURCE_ERROR_NOT_FOUND));
  return bytes != NULL;
}

/* A program that links the sandbox registers the demo's fixture only once a sandbox loads the
 * demo tenant (--demo), not at start; in a fresh process, since any other test loads it. */
static void
test_demo_fixture_registered_on_use (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(LkSandbox) sandbox = NULL;

      g_assert_false (demo_fixture_registered ());
      sandbox = lk_sandbox_new ();
      lk_sandbox_generate_devices (sandbox, 10, 1);
      g_assert_false (demo_fixture_registered ());
      lk_sandbox_load_demo_tenant (sandbox);
      g_assert_cmpuint (lk_sandbox_get_n_devices (sandbox), >, 0);
      g_assert_true (demo_fixture_registered ());
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Unlock options as Microsoft's pages document them (src/sandbox/lk-sandbox-unlock.c). */
#define UNLOCK_SCOPES SCOPES_ALL " DeviceLocalCredential.Read.All BitLockerKey.Read.All"

static void
test_unlock_documented (Fixture *f, gconstpointer data)
{
  g_autofree char *token = lk_sandbox_mint_access_token (f->sandbox, UNLOCK_SCOPES, 600);
  g_autofree char *basic = lk_sandbox_mint_access_token (f->sandbox, SCOPES_ALL " DeviceLocalCredential.ReadBasic.All BitLockerKey.ReadBasic.All", 600);
  g_autofree char *laps = g_strdup_printf ("%s/graph/v1.0/directory/deviceLocalCredentials/9ba0d918-e727-5ddc-b309-57030960e3c6", f->base);
  g_autofree char *laps_alias = g_strdup_printf ("%s/graph/v1.0/deviceLocalCredentials/9ba0d918-e727-5ddc-b309-57030960e3c6?$select=credentials", f->base);
  g_autofree char *laps_select = g_strconcat (laps, "?$select=credentials", NULL);
  g_autofree char *keys = g_strdup_printf ("%s/graph/v1.0/informationProtection/bitlocker/recoveryKeys", f->base);
  g_autofree char *keys_top = g_strconcat (keys, "?$top=1", NULL);
  g_autofree char *keys_other = g_strconcat (keys, "?$filter=volumeType%20eq%20'1'", NULL);
  g_autofree char *key = g_strconcat (keys, "/4f5a2b1c-8d7e-4c3b-9a0f-1e2d3c4b5a69", NULL);
  g_autofree char *key_select = g_strconcat (key, "?$select=key", NULL);
  g_autofree char *filevault_v1 = g_strdup_printf ("%s/graph/v1.0/deviceManagement/managedDevices/35fcdb7f-dcca-5ea8-91e1-1253fdf5964e/getFileVaultKey", f->base);
  g_autofree char *filevault = g_strdup_printf ("%s/graph/beta/deviceManagement/managedDevices/35fcdb7f-dcca-5ea8-91e1-1253fdf5964e/getFileVaultKey", f->base);
  g_autofree char *rotate = g_strdup_printf ("%s/graph/beta/deviceManagement/managedDevices/35fcdb7f-dcca-5ea8-91e1-1253fdf5964e/rotateFileVaultKey", f->base);
  g_autoptr(GBytes) info = send_ok (f, "GET", laps, token, NULL, 200, NULL);
  g_autoptr(GBytes) full = send_ok (f, "GET", laps_select, token, NULL, 200, NULL);
  g_autoptr(GBytes) alias = send_ok (f, "GET", laps_alias, token, NULL, 200, NULL);
  g_autoptr(GBytes) basic_info = send_ok (f, "GET", laps, basic, NULL, 200, NULL);
  g_autoptr(GBytes) basic_denied = send_ok (f, "GET", laps_select, basic, NULL, 403, NULL);
  g_autoptr(GBytes) top = send_ok (f, "GET", keys_top, token, NULL, 400, NULL);
  g_autoptr(GBytes) other = send_ok (f, "GET", keys_other, token, NULL, 400, NULL);
  g_autoptr(GBytes) all_keys = send_ok (f, "GET", keys, token, NULL, 200, NULL);
  g_autoptr(GBytes) key_info = send_ok (f, "GET", key, token, NULL, 200, NULL);
  g_autoptr(GBytes) key_denied = send_ok (f, "GET", key_select, basic, NULL, 403, NULL);
  g_autoptr(GBytes) key_full = send_ok (f, "GET", key_select, token, NULL, 200, NULL);
  g_autoptr(GBytes) v1 = send_ok (f, "GET", filevault_v1, token, NULL, 400, NULL);
  g_autoptr(GBytes) fv = send_ok (f, "GET", filevault, token, NULL, 200, NULL);
  g_autoptr(GBytes) get_rotate = send_ok (f, "GET", rotate, token, NULL, 405, NULL);
  g_autoptr(GBytes) rotated = send_ok (f, "POST", rotate, token, NULL, 204, NULL);
  g_autoptr(JsonNode) info_root = parse (info);
  g_autoptr(JsonNode) full_root = parse (full);
  g_autoptr(JsonNode) keys_root = parse (all_keys);
  g_autoptr(JsonNode) key_root = parse (key_full);
  g_autoptr(JsonNode) key_info_root = parse (key_info);
  g_autoptr(JsonNode) fv_root = parse (fv);
  JsonObject *value;

  /* Credentials only with $select=credentials, and only with Read.All (ReadBasic is not enough). */
  value = json_object_get_object_member (json_node_get_object (info_root), "value");
  g_assert_cmpstr (json_object_get_string_member (value, "deviceName"), ==, "DESKTOP-7QK2L9M");
  g_assert_false (json_object_has_member (value, "credentials"));
  value = json_object_get_object_member (json_node_get_object (full_root), "value");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (value, "credentials")), ==, 2);
  g_assert_nonnull (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (value, "credentials"), 0), "passwordBase64"));
  g_assert_cmpstr (error_code (basic_denied), ==, "Authorization_RequestDenied");
  /* The v1.0 page's example path answers the same. */
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (alias, NULL), g_bytes_get_size (alias), "passwordBase64"));
  g_assert_null (g_strstr_len (g_bytes_get_data (basic_info, NULL), g_bytes_get_size (basic_info), "passwordBase64"));

  /* The list: no $top, only the deviceId filter; no key in it. Reading a key is audited. */
  g_assert_cmpstr (error_code (top), ==, "BadRequest");
  g_assert_cmpstr (error_code (other), ==, "BadRequest");
  g_assert_true (json_object_has_member (json_node_get_object (keys_root), "@odata.nextLink"));
  g_assert_false (json_object_has_member (json_array_get_object_element (json_object_get_array_member (json_node_get_object (keys_root), "value"), 0), "key"));
  g_assert_false (json_object_has_member (json_object_get_object_member (json_node_get_object (key_info_root), "value"), "key"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (key_root), "value"), "key"), ==,
                   "412357-605176-238261-547734-120879-330913-451033-640178");
  g_assert_cmpstr (error_code (key_denied), ==, "Authorization_RequestDenied");
  g_assert_cmpuint (lk_sandbox_count_key_reads (f->sandbox), ==, 1);

  /* Intune's functions are beta only; getFileVaultKey returns a String in "value". */
  g_assert_cmpstr (error_code (v1), ==, "BadRequest");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (fv_root), "value"), ==, "K7QJ-M2XW-9PRT-4HVN-B6CZ-3LDF");
  g_assert_cmpstr (error_code (get_rotate), ==, "MethodNotAllowed");
  g_assert_cmpuint (g_bytes_get_size (rotated), ==, 0);
  g_assert_cmpuint (lk_sandbox_count_rotations (f->sandbox), ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/sandbox/graph/paging", test_paging);
  ADD ("/sandbox/graph/top-clamped", test_top_clamped);
  ADD ("/sandbox/graph/filter-quirks", test_filter_quirks);
  ADD ("/sandbox/graph/orderby-ignored-and-count", test_orderby_ignored_and_count);
  ADD ("/sandbox/graph/select-and-versions", test_select_and_versions);
  ADD ("/sandbox/graph/get-device", test_get_device);
  ADD ("/sandbox/graph/unlock-documented", test_unlock_documented);
  ADD ("/sandbox/graph/unauthorized", test_unauthorized);
  ADD ("/sandbox/graph/scopes", test_scopes);
  ADD ("/sandbox/actions/progression", test_actions);
  ADD ("/sandbox/actions/outcomes", test_action_outcomes);
  ADD ("/sandbox/faults/status-and-skip", test_fault_status_and_skip);
  ADD ("/sandbox/faults/delay-and-latency", test_fault_delay_and_latency);
  ADD ("/sandbox/faults/body-shapes", test_fault_body_shapes);
  ADD ("/sandbox/faults/drop", test_fault_drop);
  ADD ("/sandbox/faults/auth", test_fault_auth);
  ADD ("/sandbox/faults/count-aborted", test_count_aborted);
  ADD ("/sandbox/identity/openid-configuration", test_openid_configuration);
  ADD ("/sandbox/identity/pkce", test_pkce);
  ADD ("/sandbox/identity/authorize-errors", test_authorize_errors);
  ADD ("/sandbox/identity/device-code", test_device_code);
  ADD ("/sandbox/identity/refresh-rotation", test_refresh_rotation);
  ADD ("/sandbox/identity/oauth-fault", test_oauth_fault);
  ADD ("/sandbox/lifecycle/stop-while-delayed", test_stop_while_delayed);
  ADD ("/sandbox/generator/big-tenant-pages", test_big_tenant_pages);
#undef ADD
  g_test_add_func ("/sandbox/generator/determinism-and-scale", test_generator);
  g_test_add_func ("/sandbox/fixtures/demo-coverage", test_demo_fixture_coverage);
  g_test_add_func ("/sandbox/fixtures/registered-on-use", test_demo_fixture_registered_on_use);

  return g_test_run ();
}
