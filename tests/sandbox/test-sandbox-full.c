/* test-sandbox-full.c: the sandbox's full managedDevice objects (issue 18's realistic tenant)
 * against Microsoft's documentation of the resource (tests/sandbox/fixtures/README.md): every
 * documented member, in the documented shapes; $select still trims them; the benchmark-only
 * ignore-select switch sends them whole; and Latchkey's page reader reads the same devices
 * from a full page as from a lean one.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sandbox-fixture.h"
#include "lk-page-reader.h"
#include "lk-sandbox-private.h"

#define N_DEVICES 2000
#define SEED      5

static JsonNode *
load_fixture (const char *name)
{
  g_autofree char *path = g_build_filename (FIXTURES_DIR, name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

/* The member names of @object in order, "@odata.type" (which minimal metadata leaves out) aside. */
static GPtrArray *
names_of (JsonObject *object)
{
  g_autoptr(GList) members = json_object_get_members (object);
  GPtrArray *names = g_ptr_array_new ();

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "@odata.type"))
      g_ptr_array_add (names, l->data);
  return names;
}

static void
assert_same_names (JsonObject *documented,
                   JsonObject *served,
                   const char *where)
{
  g_autoptr(GPtrArray) want = names_of (documented);
  g_autoptr(GPtrArray) got = names_of (served);

  if (want->len != got->len)
    g_error ("%s: %u members, the documentation has %u", where, got->len, want->len);
  for (guint i = 0; i < want->len; i++)
    if (!g_str_equal (want->pdata[i], got->pdata[i]))
      g_error ("%s: member %u is %s, the documentation's is %s", where, i,
               (char *) got->pdata[i], (char *) want->pdata[i]);
}

/* A served value has the documented JSON type (or is null); objects recursively; arrays'
 * elements like the documented one. Counts the complex members that were not null. */
static void
assert_shape (JsonNode   *documented,
              JsonNode   *served,
              const char *where,
              GHashTable *seen)
{
  JsonNodeType type = JSON_NODE_TYPE (documented);

  if (JSON_NODE_HOLDS_NULL (served))
    return;
  if (JSON_NODE_TYPE (served) != type)
    g_error ("%s: a %s where the documentation has a %s", where,
             json_node_type_name (served), json_node_type_name (documented));
  if (type == JSON_NODE_VALUE)
    {
      /* "4.2" stands for a Double in the documentation's representation. */
      gboolean doc_text = json_node_get_value_type (documented) == G_TYPE_STRING;
      gboolean text = json_node_get_value_type (served) == G_TYPE_STRING;

      if (doc_text != text && !g_str_has_suffix (where, "batteryLevelPercentage"))
        g_error ("%s: %s where the documentation has %s", where,
                 g_type_name (json_node_get_value_type (served)),
                 g_type_name (json_node_get_value_type (documented)));
      return;
    }
  g_hash_table_add (seen, g_strdup (where));
  if (type == JSON_NODE_OBJECT)
    {
      JsonObject *doc = json_node_get_object (documented);
      JsonObject *obj = json_node_get_object (served);
      g_autoptr(GList) members = json_object_get_members (obj);

      /* A resetPasscode result is the derived type, with members of its own. */
      if (json_object_has_member (obj, "passcode"))
        return;
      assert_same_names (doc, obj, where);
      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *inner = g_strdup_printf ("%s.%s", where, (char *) l->data);

          assert_shape (json_object_get_member (doc, l->data), json_object_get_member (obj, l->data),
                        inner, seen);
        }
      return;
    }
  if (type == JSON_NODE_ARRAY)
    {
      JsonArray *doc = json_node_get_array (documented);
      JsonArray *array = json_node_get_array (served);

      for (guint i = 0; i < json_array_get_length (array); i++)
        assert_shape (json_array_get_element (doc, 0), json_array_get_element (array, i), where, seen);
    }
}

static void
setup_full (Fixture *f, gconstpointer data)
{
  fixture_setup (f, data);
  lk_sandbox_generate_full_devices (f->sandbox, N_DEVICES, SEED);
}

#define ADD_FULL(path, fn) g_test_add (path, Fixture, NULL, setup_full, fn, fixture_teardown)

/* Every device of a page without $select is the documented resource, member for member. */
static void
test_documented_members (Fixture *f, gconstpointer data)
{
  static const char *const complex[] = {
    "hardwareInformation", "deviceHealthAttestationState", "configurationManagerClientEnabledFeatures",
    "configurationManagerClientHealthState", "configurationManagerClientInformation", "usersLoggedOn",
    "roleScopeTagIds",
  };
  g_autoptr(JsonNode) documented = load_fixture ("managed-device-beta.json");
  g_autofree char *url = list_url (f, "beta", "$top", "1000", NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GBytes) body = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_autoptr(JsonNode) root = parse (body);
  JsonArray *value = value_of (root);
  double mean;

  g_assert_cmpuint (json_array_get_length (value), ==, 1000);
  for (guint i = 0; i < json_array_get_length (value); i++)
    assert_shape (documented, json_array_get_element (value, i), "managedDevice", seen);
  /* Every complex member is filled on some device of a page (not always null). */
  for (guint i = 0; i < G_N_ELEMENTS (complex); i++)
    {
      g_autofree char *where = g_strconcat ("managedDevice.", complex[i], NULL);

      g_assert_true (g_hash_table_contains (seen, where));
    }
  /* The size issue 18's benchmark served: ~3.9 kB a device. */
  mean = g_bytes_get_size (body) / 1000.0;
  g_test_message ("%.0f bytes per full device", mean);
  g_assert_cmpfloat (mean, >, 3500);
  g_assert_cmpfloat (mean, <, 4500);
}

/* v1.0 answers with v1.0's members: those of the documentation's List example. */
static void
test_v1_members (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonNode) example = load_fixture ("managed-devices-list-v1.json");
  JsonObject *documented = json_array_get_object_element (value_of (example), 0);
  g_autofree char *url = list_url (f, "v1.0", "$top", "300", NULL);
  g_autoptr(JsonNode) root = get_json (f, url, 200);
  JsonArray *value = value_of (root);

  for (guint i = 0; i < json_array_get_length (value); i++)
    {
      JsonObject *device = json_array_get_object_element (value, i);
      JsonObject *features;

      assert_same_names (documented, device, "v1.0 managedDevice");
      features = json_object_get_object_member (device, "configurationManagerClientEnabledFeatures");
      if (features != NULL)
        assert_same_names (json_object_get_object_member (documented, "configurationManagerClientEnabledFeatures"),
                           features, "v1.0 configurationManagerClientEnabledFeatures");
    }
}

/* With $select the full tenant answers what the lean one does: the same members, the same
 * values, for the same seed. Any documented member can be selected, on a list and on one device. */
static void
test_select_trims (Fixture *f, gconstpointer data)
{
  g_autofree char *url = list_url (f, "beta", "$select", LK_DEVICE_SELECT_BETA, "$top", "1000", NULL);
  g_autofree char *some = list_url (f, "beta", "$select", "chassisType,hardwareInformation", "$top", "5", NULL);
  g_autoptr(JsonNode) full = get_json (f, url, 200);
  g_autoptr(JsonNode) lean = NULL;
  g_autoptr(JsonNode) picked = get_json (f, some, 200);
  JsonArray *full_value = value_of (full);
  g_autofree char *one_url = NULL;
  g_autoptr(JsonNode) one = NULL;

  lk_sandbox_generate_devices (f->sandbox, N_DEVICES, SEED);
  lean = get_json (f, url, 200);
  g_assert_cmpuint (json_array_get_length (full_value), ==, 1000);
  g_assert_cmpuint (json_array_get_length (value_of (lean)), ==, 1000);
  for (guint i = 0; i < 1000; i++)
    {
      JsonObject *a = json_array_get_object_element (full_value, i);
      JsonObject *b = json_array_get_object_element (value_of (lean), i);
      g_autoptr(GList) members = json_object_get_members (b);

      g_assert_cmpuint (json_object_get_size (a), ==, json_object_get_size (b));
      /* The same second, or a second apart: the two tenants were made one after the other. */
      for (GList *l = members; l != NULL; l = l->next)
        if (!g_str_has_suffix (l->data, "DateTime"))
          g_assert_true (json_node_equal (json_object_get_member (a, l->data), json_object_get_member (b, l->data)));
    }
  for (guint i = 0; i < 5; i++)
    {
      JsonObject *device = json_array_get_object_element (value_of (picked), i);

      g_assert_cmpuint (json_object_get_size (device), ==, 3);
      g_assert_true (json_object_has_member (device, "chassisType"));
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_object_get_member (device, "hardwareInformation")));
    }

  /* One device: a single GET fills hardwareInformation and what a list leaves null. */
  lk_sandbox_generate_full_devices (f->sandbox, N_DEVICES, SEED);
  one_url = g_strdup_printf ("%s/graph/beta/deviceManagement/managedDevices/%s?$select=hardwareInformation,udid,iccid",
                             f->base, json_object_get_string_member (json_array_get_object_element (full_value, 0), "id"));
  one = get_json (f, one_url, 200);
  g_assert_true (json_object_has_member (json_node_get_object (one), "udid"));
  g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (json_node_get_object (one), "hardwareInformation"),
                                                   "serialNumber"));
}

/* The benchmark's switch: whatever the $select, every member; a member that does not exist is
 * still refused, as the request is still read. */
static void
test_ignore_select (Fixture *f, gconstpointer data)
{
  g_autofree char *url = list_url (f, "beta", "$select", "id,deviceName", "$top", "10", NULL);
  g_autofree char *bad = list_url (f, "beta", "$select", "id,nonsense", NULL);
  g_autoptr(JsonNode) trimmed = get_json (f, url, 200);
  g_autoptr(JsonNode) whole = NULL;
  g_autoptr(JsonNode) lean = NULL;
  g_autoptr(JsonNode) refused = NULL;

  g_assert_cmpuint (json_object_get_size (json_array_get_object_element (value_of (trimmed), 0)), ==, 2);
  lk_sandbox_set_ignore_select (f->sandbox, TRUE);
  whole = get_json (f, url, 200);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (json_object_get_size (json_array_get_object_element (value_of (whole), i)), ==, 81);
  refused = get_json (f, bad, 400);

  /* On a lean tenant it sends every member the sandbox keeps. */
  lk_sandbox_generate_devices (f->sandbox, N_DEVICES, SEED);
  lean = get_json (f, url, 200);
  g_assert_true (json_object_has_member (json_array_get_object_element (value_of (lean), 0), "azureADDeviceId"));
  g_assert_true (json_object_has_member (json_array_get_object_element (value_of (lean), 0), "hardwareInformation"));
}

/* The benchmark's page cache: the same request gets the same bytes without rendering them
 * again, another request (another $top, the next page) its own; a request a fault touches is
 * rendered, never served from or kept in the cache. */
static void
test_page_cache (Fixture *f, gconstpointer data)
{
  g_autofree char *url = list_url (f, "beta", "$select", LK_DEVICE_SELECT_BETA, "$top", "100", "$count", "true", NULL);
  g_autofree char *other = list_url (f, "beta", "$select", LK_DEVICE_SELECT_BETA, "$top", "99", "$count", "true", NULL);
  LkFault wrong = { .kind = LK_FAULT_WRONG_TYPES, .method = "GET", .path_contains = "managedDevices" };
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) shorter = NULL;
  g_autoptr(GBytes) broken = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GBytes) next = NULL;
  g_autoptr(GBytes) next_again = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *next_link = NULL;
  guint pages, hits;

  lk_sandbox_set_ignore_select (f->sandbox, TRUE);
  lk_sandbox_set_page_cache (f->sandbox, TRUE);
  first = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  again = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_true (g_bytes_equal (first, again));
  lk_sandbox_get_page_cache_stats (f->sandbox, &pages, &hits);
  g_assert_cmpuint (pages, ==, 1);
  g_assert_cmpuint (hits, ==, 1);

  shorter = send_ok (f, "GET", other, f->token, NULL, 200, NULL);
  g_assert_false (g_bytes_equal (first, shorter));
  root = parse (first);
  g_assert_cmpuint (json_array_get_length (value_of (root)), ==, 100);
  next_link = g_strdup (json_object_get_string_member (json_node_get_object (root), "@odata.nextLink"));
  next = send_ok (f, "GET", next_link, f->token, NULL, 200, NULL);
  next_again = send_ok (f, "GET", next_link, f->token, NULL, 200, NULL);
  g_assert_false (g_bytes_equal (first, next));
  g_assert_true (g_bytes_equal (next, next_again));
  lk_sandbox_get_page_cache_stats (f->sandbox, &pages, &hits);
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (hits, ==, 2);

  lk_sandbox_add_fault (f->sandbox, &wrong);
  broken = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_false (g_bytes_equal (first, broken));
  after = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_true (g_bytes_equal (first, after));
  lk_sandbox_get_page_cache_stats (f->sandbox, &pages, &hits);
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (hits, ==, 3);

  /* Off: rendered each time again, nothing kept. */
  lk_sandbox_set_page_cache (f->sandbox, FALSE);
  g_clear_pointer (&again, g_bytes_unref);
  again = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  g_assert_true (g_bytes_equal (first, again));
  lk_sandbox_get_page_cache_stats (f->sandbox, &pages, &hits);
  g_assert_cmpuint (pages, ==, 0);
  g_assert_cmpuint (hits, ==, 0);
}

/* Latchkey's page reader skips what it does not read: a full page gives the same devices as a
 * lean one, and the reader stays within its bounds. */
static void
test_page_reader (Fixture *f, gconstpointer data)
{
  g_autofree char *url = list_url (f, "beta", "$select", LK_DEVICE_SELECT_BETA, "$top", "1000", NULL);
  g_autoptr(GBytes) lean_body = NULL;
  g_autoptr(GBytes) full_body = NULL;
  LkPageContents lean = { 0 }, full = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *next_link = NULL;
  gsize lean_len, full_len;
  const char *lean_data, *full_data;

  lk_sandbox_set_ignore_select (f->sandbox, TRUE);
  full_body = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  lk_sandbox_set_ignore_select (f->sandbox, FALSE);
  lk_sandbox_generate_devices (f->sandbox, N_DEVICES, SEED);
  lean_body = send_ok (f, "GET", url, f->token, NULL, 200, NULL);
  lean_data = g_bytes_get_data (lean_body, &lean_len);
  full_data = g_bytes_get_data (full_body, &full_len);
  g_assert_cmpuint (full_len, >, 4 * lean_len);

  g_assert_true (lk_page_reader_parse (full_data, full_len, &full, &error));
  g_assert_no_error (error);
  g_assert_true (lk_page_reader_parse (lean_data, lean_len, &lean, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (full.devices->len, ==, 1000);
  g_assert_cmpuint (full.n_skipped, ==, 0);
  g_assert_cmpuint (lean.devices->len, ==, 1000);
  g_assert_nonnull (full.next_link);
  for (guint i = 0; i < 1000; i++)
    {
      LkDevice *a = g_ptr_array_index (full.devices, i), *b = g_ptr_array_index (lean.devices, i);
      g_autoptr(JsonObject) oa = lk_device_to_json (a);
      g_autoptr(JsonObject) ob = lk_device_to_json (b);
      g_autoptr(JsonNode) ja = json_node_init_object (json_node_alloc (), oa);
      g_autoptr(JsonNode) jb = json_node_init_object (json_node_alloc (), ob);

      /* Two tenants made a moment apart: their dates may be a second apart. */
      json_object_remove_member (oa, "lastSyncDateTime");
      json_object_remove_member (ob, "lastSyncDateTime");
      json_object_remove_member (oa, "enrolledDateTime");
      json_object_remove_member (ob, "enrolledDateTime");
      g_assert_true (json_node_equal (ja, jb));
      /* Nothing of the members it did not ask for came in (no Entra id from a list). */
      g_assert_null (lk_device_get_azure_ad_device_id (a));
    }
  next_link = lk_page_reader_find_next_link (full_data, full_len);
  g_assert_cmpstr (next_link, ==, full.next_link);
  lk_page_contents_clear (&full);
  lk_page_contents_clear (&lean);
}

/* Same seed, same bytes, whatever else was asked; and a member's value does not depend on the
 * others written. */
static void
test_deterministic (void)
{
  SbDeviceSet *a = sb_device_set_new (), *b = sb_device_set_new ();
  g_autoptr(GString) all_a = g_string_new (NULL);
  g_autoptr(GString) all_b = g_string_new (NULL);
  SbMemberMask every, two;

  sb_device_set_generate (a, 3000, 42, 1700000000, TRUE);
  sb_device_set_generate (b, 3000, 42, 1700000000, TRUE);
  g_assert_true (sb_full_select_parse (NULL, TRUE, &every, NULL));
  g_assert_true (sb_full_select_parse ("managedDeviceName,chassisType", TRUE, &two, NULL));
  for (guint i = 0; i < 3000; i++)
    {
      SbDevice *da = &g_array_index (a->devices, SbDevice, i);
      g_autoptr(GString) one = g_string_new (NULL);
      g_autoptr(GString) both = g_string_new (NULL);
      g_autoptr(JsonNode) whole = NULL;
      g_autoptr(JsonNode) picked = NULL;

      sb_full_device_write_json (all_a, a, da, &every, TRUE, NULL, FALSE, FALSE);
      sb_full_device_write_json (all_b, b, &g_array_index (b->devices, SbDevice, i), &every, TRUE, NULL, FALSE, FALSE);
      if (i % 97 != 0)
        continue;
      sb_full_device_write_json (one, a, da, &every, TRUE, NULL, FALSE, FALSE);
      sb_full_device_write_json (both, a, da, &two, TRUE, NULL, FALSE, FALSE);
      whole = json_from_string (one->str, NULL);
      picked = json_from_string (both->str, NULL);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (whole), "managedDeviceName"), ==,
                       json_object_get_string_member (json_node_get_object (picked), "managedDeviceName"));
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (whole), "chassisType"), ==,
                       json_object_get_string_member (json_node_get_object (picked), "chassisType"));
    }
  g_assert_cmpstr (all_a->str, ==, all_b->str);
  /* The extra members are written, not kept: a full device is no bigger in memory. */
  g_assert_cmpuint (a->devices->len, ==, 3000);
  sb_device_set_free (a);
  sb_device_set_free (b);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD_FULL ("/sandbox/full/documented-members", test_documented_members);
  ADD_FULL ("/sandbox/full/v1-members", test_v1_members);
  ADD_FULL ("/sandbox/full/select-trims", test_select_trims);
  ADD_FULL ("/sandbox/full/ignore-select", test_ignore_select);
  ADD_FULL ("/sandbox/full/page-reader", test_page_reader);
  ADD_FULL ("/sandbox/full/page-cache", test_page_cache);
  g_test_add_func ("/sandbox/full/deterministic", test_deterministic);
  return g_test_run ();
}
