/* test-sandbox.c: the sandbox over real HTTP, as the Graph client will see it: paging, filter
 * quirks, $select and versions, single devices, scopes, unlock routes, the demo fixtures and
 * the generator.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sandbox-fixture.h"
#include "lk-sandbox-private.h"

static guint
count_filtered (Fixture *f, const char *filter)
{
  g_autofree char *url = list_url (f, "beta", "$filter", filter, NULL);
  g_autoptr(JsonNode) root = get_json (f, url, 200);

  return json_array_get_length (value_of (root));
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

  sb_device_set_generate (a, 5000, 42, 1700000000, FALSE);
  sb_device_set_generate (b, 5000, 42, 1700000000, FALSE);
  sb_device_set_generate (c, 5000, 43, 1700000000, FALSE);
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

  /* 100 000 devices: the time is reported, not asserted (no test asserts a duration; a slow or
   * busy machine is not a bug), and a hang is caught by meson's timeout. */
  start = g_get_monotonic_time ();
  a = sb_device_set_new ();
  sb_device_set_generate (a, 100000, 1, 1700000000, FALSE);
  g_assert_cmpuint (a->devices->len, ==, 100000);
  g_test_message ("100000 devices generated in %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);
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
  /* five 1000-device pages of a big tenant; how fast (the sandbox must not be a listing
   * benchmark's bottleneck) is the benchmark's to measure, the time here only reported */
  while (url != NULL && pages < 5)
    {
      g_autoptr(JsonNode) root = get_json (f, url, 200);

      g_assert_cmpuint (json_array_get_length (value_of (root)), ==, 1000);
      g_free (url);
      url = g_strdup (json_object_get_string_member (json_node_get_object (root), "@odata.nextLink"));
      pages++;
    }
  g_test_message ("5 pages of 1000 in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);
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

  ADD ("/sandbox/graph/paging", test_paging);
  ADD ("/sandbox/graph/top-clamped", test_top_clamped);
  ADD ("/sandbox/graph/filter-quirks", test_filter_quirks);
  ADD ("/sandbox/graph/orderby-ignored-and-count", test_orderby_ignored_and_count);
  ADD ("/sandbox/graph/select-and-versions", test_select_and_versions);
  ADD ("/sandbox/graph/get-device", test_get_device);
  ADD ("/sandbox/graph/unlock-documented", test_unlock_documented);
  ADD ("/sandbox/graph/unauthorized", test_unauthorized);
  ADD ("/sandbox/graph/scopes", test_scopes);
  ADD ("/sandbox/generator/big-tenant-pages", test_big_tenant_pages);
  g_test_add_func ("/sandbox/generator/determinism-and-scale", test_generator);
  g_test_add_func ("/sandbox/fixtures/demo-coverage", test_demo_fixture_coverage);
  g_test_add_func ("/sandbox/fixtures/registered-on-use", test_demo_fixture_registered_on_use);

  return g_test_run ();
}
