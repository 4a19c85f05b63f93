/* test-page-reader.c: the streaming page reader against the JSON Graph sends, and worse.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-device.h"
#include "lk-page-reader.h"
#include "lk-graph-error.h"

static void
parse_ok (const char     *json,
          LkPageContents *page)
{
  g_autoptr(GError) error = NULL;

  memset (page, 0, sizeof *page);
  g_assert_true (lk_page_reader_parse (json, strlen (json), page, &error));
  g_assert_no_error (error);
}

static void
test_page (void)
{
  LkPageContents page;
  LkDevice *device;

  parse_ok ("{\"@odata.context\":\"x\",\"@odata.count\":2,\"value\":["
            "{\"id\":\"a\",\"deviceName\":\"iPhone di Niccol\\u00f2 \\\"Nico\\\"\",\"operatingSystem\":\"iOS\","
            "\"managedDeviceOwnerType\":\"company\",\"isSupervised\":true,\"lastSyncDateTime\":\"2026-11-20T09:12:00Z\","
            "\"enrolledDateTime\":\"0001-01-01T00:00:00Z\",\"hardwareInformation\":{\"x\":[1,2,{\"y\":null}]}},"
            "{\"id\":\"b\",\"deviceName\":\"Pixel \\ud83d\\ude00\",\"ownerType\":\"personal\",\"osVersion\":null}"
            "],\"@odata.nextLink\":\"https://graph.microsoft.com/beta/x?$skiptoken=abc\"}", &page);
  g_assert_cmpuint (page.n_items, ==, 2);
  g_assert_cmpuint (page.devices->len, ==, 2);
  g_assert_cmpint (page.count, ==, 2);
  g_assert_cmpstr (page.next_link, ==, "https://graph.microsoft.com/beta/x?$skiptoken=abc");
  device = g_ptr_array_index (page.devices, 0);
  g_assert_cmpstr (lk_device_get_device_name (device), ==, "iPhone di Niccolò \"Nico\"");
  g_assert_cmpint (lk_device_get_is_supervised (device), ==, 1);
  g_assert_nonnull (lk_device_get_last_sync (device));
  g_assert_null (lk_device_get_enrolled (device));
  g_assert_cmpstr (lk_device_get_owner_type (device), ==, "company");
  device = g_ptr_array_index (page.devices, 1);
  g_assert_cmpstr (lk_device_get_device_name (device), ==, "Pixel 😀");
  g_assert_cmpstr (lk_device_get_owner_type (device), ==, "personal");
  g_assert_null (lk_device_get_os_version (device));
  lk_page_contents_clear (&page);
}

static void
test_wrong_types_and_skips (void)
{
  LkPageContents page;
  LkDevice *device;

  parse_ok ("{\"value\":[{\"id\":\"c\",\"deviceName\":[\"x\"],\"osVersion\":13,\"isSupervised\":\"yes\"},"
            "{\"deviceName\":\"no id\"},{\"id\":42},17,\"text\",null]}", &page);
  g_assert_cmpuint (page.n_items, ==, 6);
  g_assert_cmpuint (page.devices->len, ==, 1);
  g_assert_cmpuint (page.n_skipped, ==, 5);
  g_assert_null (page.next_link);
  g_assert_cmpint (page.count, ==, -1);
  device = g_ptr_array_index (page.devices, 0);
  g_assert_null (lk_device_get_device_name (device));
  g_assert_cmpint (lk_device_get_is_supervised (device), ==, -1);
  g_assert_cmpuint (g_strv_length ((char **) lk_device_get_problems (device)), ==, 3);
  lk_page_contents_clear (&page);
}

static void
test_malformed (void)
{
  const char *bad[] = {
    "", "{", "[]", "{\"value\":[", "{\"value\":[{\"id\":\"a\"}", "{\"value\":[{\"id\":\"a\"}]} x",
    "{\"value\":[{\"id\":\"a\\q\"}]}", "{\"value\":[{\"id\":\"\\ud800\"}]}", "{\"value\":[{\"id\":\"a\x01\"}]}",
    "{\"value\":[{\"id\":\"\xff\xfe\"}]}", "{\"value\":[{\"id\":tru}]}", "{\"value\":{}}", "{\"count\":1}",
    "{\"value\":[],\"value\":[]}", "{\"value\":[{\"id\":\"a\",}]}", "{\"value\":[{\"id\":\"\\u0000\"}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      LkPageContents page = { 0 };
      g_autoptr(GError) error = NULL;

      g_assert_false (lk_page_reader_parse (bad[i], strlen (bad[i]), &page, &error));
      g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INVALID_RESPONSE);
      g_assert_null (page.devices);
    }
}

static void
test_deep_nesting (void)
{
  GString *json = g_string_new ("{\"value\":[{\"id\":\"a\",\"x\":");
  LkPageContents page = { 0 };
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 10000; i++)
    g_string_append_c (json, '[');
  g_assert_false (lk_page_reader_parse (json->str, json->len, &page, &error));
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INVALID_RESPONSE);
  g_string_free (json, TRUE);
}

/* The early nextLink (found so the next page can be requested while this one is read) is the
 * one the full reader finds, wherever Graph puts it and whatever the strings around it hold. */
static void
test_find_next_link (void)
{
  const char *pages[] = {
    "{\"@odata.nextLink\":\"https://g/a\",\"value\":[{\"id\":\"1\"}]}",
    "{\"value\":[{\"id\":\"1\"}],\"@odata.nextLink\":\"https://g/b\"}",
    "{\"value\":[{\"id\":\"1\",\"deviceName\":\"\\\",\\\"@odata.nextLink\\\":\\\"https://evil/\"}]}",
    "{\"value\":[{\"id\":\"1\",\"x\":{\"@odata.nextLink\":\"https://evil/\"}}],\"@odata.nextLink\":\"https://g/c\"}",
    "{\"value\":[{\"id\":\"\\\\\",\"deviceName\":\"]}\"}],\"@odata.count\":3,\"@odata.nextLink\":\"https://g/d\\u0026e\"}",
    "{\"value\":[]}",
    "{ \"value\" : [ ] , \"@odata.nextLink\" : \"https://g/f\" }",
    "{\"value\":[{\"id\":\"1\"}],\"@odata.nextLink\":17}",
    /* Read from the end (issue 18): two links, the last kept; a string that ends like a link;
     * escapes and controls left to the forward scan; layout around the members. */
    "{\"value\":[],\"@odata.nextLink\":\"https://g/one\",\"@odata.nextLink\":\"https://g/two\"}",
    "{\"value\":[],\"x\":\"\\\",\\\"@odata.nextLink\\\":\\\"https://evil\"}",
    "{\"value\":[],\"x\":\"\\\\\",\"@odata.nextLink\":\"https://g/g\"}",
    "{\"value\":[],\"@odata.nextLink\":\"https://g/\\/h\"}",
    "{\"value\":[{\"id\":\"1\"}],\"@odata.nextLink\"\t:\r\n\"https://g/i\"\n}\n",
    "{\"value\":[{\"id\":\"1\",\"@odata.nextLink\":\"https://evil/\"}]}",
  };
  const char *bad[] = { "", "[]", "{\"value\":[{\"id\":\"1\"}", "{\"value\":[\"unterminated]}" };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      LkPageContents page;
      g_autofree char *early = lk_page_reader_find_next_link (pages[i], strlen (pages[i]));
      g_autofree char *quick = lk_page_reader_find_next_link_quickly (pages[i], strlen (pages[i]));

      parse_ok (pages[i], &page);
      g_assert_cmpstr (early, ==, page.next_link);
      /* At a glance: the same link, or none said (left to the scan above). */
      if (quick != NULL)
        g_assert_cmpstr (quick, ==, page.next_link);
      lk_page_contents_clear (&page);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_null (lk_page_reader_find_next_link (bad[i], strlen (bad[i])));
      g_assert_null (lk_page_reader_find_next_link_quickly (bad[i], strlen (bad[i])));
    }

  /* Two links, one before "value" and one after, and not at the end (found by the fuzz
   * harness): the scan keeps the last, as the full reader does. At a glance only the first is
   * seen; the listing refuses a page whose links differ (/graph/faults covers that). */
  {
    static const char two[] = "{\"@odata.nextLink\":\"https://g/first\",\"value\":[{\"id\":\"1\"}],"
                              "\"@odata.nextLink\":\"https://g/last\",\"x\":1}";
    LkPageContents page;
    g_autofree char *early = lk_page_reader_find_next_link (two, strlen (two));
    g_autofree char *quick = lk_page_reader_find_next_link_quickly (two, strlen (two));

    parse_ok (two, &page);
    g_assert_cmpstr (page.next_link, ==, "https://g/last");
    g_assert_cmpstr (early, ==, "https://g/last");
    g_assert_cmpstr (quick, ==, "https://g/first");
    lk_page_contents_clear (&page);
  }
}

/* At a glance (issue 18: the next page is asked for the moment a page arrives): the link at
 * the end or before "value", found; one only a scan past the devices finds, not said. */
static void
test_find_next_link_quickly (void)
{
  const struct { const char *page, *link; } cases[] = {
    { "{\"value\":[{\"id\":\"1\"}],\"@odata.nextLink\":\"https://g/end\"}", "https://g/end" },
    { "{\"@odata.context\":\"c\",\"@odata.count\":2,\"@odata.nextLink\":\"https://g/first\",\"value\":[]}",
      "https://g/first" },
    { "{ \"@odata.nextLink\" : \"https://g/spaced\" , \"value\" : [ ] }", "https://g/spaced" },
    /* After "value" but not last, or escaped: only the full scan tells. */
    { "{\"value\":[],\"@odata.nextLink\":\"https://g/mid\",\"@odata.count\":1}", NULL },
    { "{\"value\":[],\"@odata.nextLink\":\"https://g/\\u0026x\"}", NULL },
    /* A device's member of that name is no page's link, wherever it is. */
    { "{\"value\":[{\"id\":\"1\",\"@odata.nextLink\":\"https://evil/\"}]}", NULL },
    { "{\"x\":{\"@odata.nextLink\":\"https://evil/\"},\"value\":[]}", NULL },
    { "{\"value\":[]}", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *quick = lk_page_reader_find_next_link_quickly (cases[i].page, strlen (cases[i].page));

      g_assert_cmpstr (quick, ==, cases[i].link);
    }
}

/* The fast paths for what Latchkey skips (issue 18: a full managedDevice is ~120 members, 21
 * read): a skipped member or object is still read whole, and what is wrong in it is the same
 * error, at the same byte, as in a member Latchkey reads. The messages were taken from the
 * reader before the fast paths. */
static void
test_skipped_errors (void)
{
  const struct
  {
    const char *json;
    const char *what;
  } cases[] = {
    { "{\"value\":[{\"id\":\"a\",\"notes\":\"x\x01y\"}]}",
      "control character in a string at byte 30" },
    { "{\"value\":[{\"id\":\"a\",\"notes\":\"0123456789abcdef0123\x1f\"}]}",
      "control character in a string at byte 49" },
    { "{\"value\":[{\"id\":\"a\",\"notes\":\"bad \\q escape\"}]}",
      "bad escape at byte 34" },
    { "{\"value\":[{\"id\":\"a\",\"notes\":\"\\ud83d alone\"}]}",
      "lone surrogate at byte 35" },
    { "{\"value\":[{\"id\":\"a\",\"notes\":\"\\ude00\"}]}",
      "lone surrogate at byte 35" },
    { "{\"value\":[{\"id\":\"a\",\"notes\":\"nul \\u0000\"}]}",
      "NUL in a string at byte 39" },
    { "{\"value\":[{\"id\":\"a\",\"notes\":\"0123456789abcd\xc3\"}]}",
      "invalid UTF-8 at byte 45" },
    { "{\"value\":[{\"id\":\"a\",\"notes\":\"0123456789abcde\xc3(\"}]}",
      "invalid UTF-8 at byte 47" },
    { "{\"value\":[{\"id\":\"a\",\"notes\":\"\\u00e9\xff\"}]}",
      "invalid UTF-8 at byte 37" },
    { "{\"value\":[{\"id\":\"a\",\"hardwareInformation\":{\"imei\":null,\"wifiMac\":\"\x0a\"}}]}",
      "control character in a string at byte 66" },
    { "{\"value\":[{\"id\":\"a\",\"hardwareInformation\":{\"imei\":nul}}]}",
      "unexpected character at byte 50" },
    { "{\"value\":[{\"id\":\"a\",\"hardwareInformation\":{\"imei\" null}}]}",
      "unexpected character at byte 50" },
    { "{\"value\":[{\"id\":\"a\",\"hardwareInformation\":{\"imei\":null,}}]}",
      "unexpected character at byte 55" },
    { "{\"value\":[{\"id\":\"a\",\"hardwareInformation\":[1,,2]}]}",
      "bad number at byte 45" },
    { "{\"value\":[{\"id\":\"a\",\"hardwareInformation\":{\"a\":[1,2}}]}",
      "unexpected character at byte 51" },
    { "{\"value\":[{\"id\":\"a\",\"physicalMemoryInBytes\":-x}]}",
      "bad number at byte 45" },
    { "{\"value\":[{\"id\":\"a\",\"roleScopeTagIds\":[\"0\",\"2\"",
      "unexpected end at byte 46" },
    { "{\"value\":[{\"id\":\"a\",\"notes\":\"unterminated",
      "unterminated string at byte 41" },
    { "{\"value\":[{\"id\":\"a\",\"notes\":\"trailing backslash\\",
      "truncated escape at byte 48" },
    { "{\"value\":[{\"id\":\"a\",\"notes\":\"\\u12",
      "truncated escape at byte 31" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      LkPageContents page = { 0 };
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = g_strdup_printf ("(%s).", cases[i].what);

      g_assert_false (lk_page_reader_parse (cases[i].json, strlen (cases[i].json), &page, &error));
      g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INVALID_RESPONSE);
      g_assert_true (g_str_has_suffix (error->message, expected));
      g_assert_null (page.devices);
    }
}

/* A device like the full ones Graph sends: skipped members of every kind around the read ones,
 * escapes and non-ASCII text in the skipped strings (across the reader's 16-byte steps). */
static const char skipped_page[] =
  "{\"@odata.context\":\"https://g/$metadata\",\"value\":[{\"id\":\"d1\",\"userId\":\"u\\\"1\\\\\","
  "\"deviceName\":\"Caf\xc3\xa9 \\u00e8\",\"hardwareInformation\":{\"serialNumber\":null,\"totalStorageSpace\":0,"
  "\"isSupervised\":false,\"sharedDeviceCachedUsers\":[],\"wiredIPv4Addresses\":[\"10.0.0.1\",\"\\u0031\"],"
  "\"notes\":\"0123456789abcd\xc3\xa9\\\"\\/\\b\\f\\n\\r\\t\\ud83d\\ude00 \xe2\x82\xac end\"},"
  "\"deviceNam\":\"not a member\",\"deviceNames\":\"nor this\",\"deviceNamf\":\"nor this\","
  "\"managementState\":\"managed\",\"aVeryLongMemberNameLongerThanAnyMemberLatchkeyReads\":\"x\","
  "\"\":\"empty name\",\"physicalMemoryInBytes\":-1.5E+3,\"skuNumber\":0,\"usersLoggedOn\":[{\"userId\":\"x\","
  "\"lastLogOnDateTime\":\"2026-01-01T00:00:00Z\"}],\"roleScopeTagIds\":[\"0\",\"2\"],\"notes\":null,"
  "\"managementAgent\":\"mdm\",\"operatingSystem\" : \"iOS\" ,\"isSupervised\":true,"
  "\"model\":\"iPhone 15\",\"joinType\":\"unknown\",\"complianceState\":\"compliant\",\"enrolledDateTime\":\"2026-02-28T20:01:02Z\"},"
  "{\"device\\u004eame\":\"escaped name\",\"id\":\"d2\"}],"
  "\"@odata.nextLink\":\"https://g/beta/deviceManagement/managedDevices?$skiptoken=x\"}";

static void
test_skipped_members (void)
{
  LkPageContents page;
  LkDevice *device;

  parse_ok (skipped_page, &page);
  g_assert_cmpuint (page.n_items, ==, 2);
  g_assert_cmpuint (page.devices->len, ==, 2);
  g_assert_cmpstr (page.next_link, ==, "https://g/beta/deviceManagement/managedDevices?$skiptoken=x");
  device = g_ptr_array_index (page.devices, 0);
  g_assert_cmpstr (lk_device_get_id (device), ==, "d1");
  g_assert_cmpstr (lk_device_get_device_name (device), ==, "Café è");
  g_assert_cmpstr (lk_device_get_operating_system (device), ==, "iOS");
  g_assert_cmpstr (lk_device_get_management_agent (device), ==, "mdm");
  g_assert_cmpstr (lk_device_get_model (device), ==, "iPhone 15");
  g_assert_cmpint (lk_device_get_is_supervised (device), ==, 1);
  g_assert_null (lk_device_get_serial_number (device));
  g_assert_nonnull (lk_device_get_enrolled (device));
  g_assert_null (lk_device_get_problems (device));
  /* A member name written with an escape is the member. */
  device = g_ptr_array_index (page.devices, 1);
  g_assert_cmpstr (lk_device_get_device_name (device), ==, "escaped name");
  lk_page_contents_clear (&page);
}

/* Cut anywhere, the page is an error, and the reader never looks past its end: each cut is its
 * own allocation of exactly that size, so the sanitizer build catches a byte read beyond. */
static void
test_truncated_everywhere (void)
{
  gsize len = strlen (skipped_page);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autofree char *copy = g_memdup2 (skipped_page, cut);
      LkPageContents page = { 0 };
      g_autoptr(GError) error = NULL;

      g_assert_false (lk_page_reader_parse (copy, cut, &page, &error));
      g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INVALID_RESPONSE);
      g_assert_null (page.devices);
    }
}

/* MAX_DEPTH holds inside a skipped member: 60 levels are read, 70 are not. */
static void
test_skipped_depth (void)
{
  for (int levels = 60; levels <= 70; levels += 10)
    {
      GString *json = g_string_new ("{\"value\":[{\"id\":\"a\",\"x\":");
      LkPageContents page = { 0 };
      g_autoptr(GError) error = NULL;
      gboolean ok;

      for (int i = 0; i < levels; i++)
        g_string_append (json, i % 2 == 0 ? "[" : "{\"k\":");
      g_string_append (json, "\"deep\"");
      for (int i = levels - 1; i >= 0; i--)
        g_string_append_c (json, i % 2 == 0 ? ']' : '}');
      g_string_append (json, "}]}");
      ok = lk_page_reader_parse (json->str, json->len, &page, &error);
      g_assert_true (ok == (levels == 60));
      if (ok)
        lk_page_contents_clear (&page);
      else
        g_assert_true (g_strrstr (error->message, "nested too deeply") != NULL);
      g_string_free (json, TRUE);
    }
}

/* A device as JSON text, for comparing. */
static char *
device_text (LkDevice *device)
{
  g_autoptr(JsonObject) object = lk_device_to_json (device);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return json_to_string (node, FALSE);
}

/* Each device of @json read alone, on a page of its own, as JSON text. */
static char *
device_alone (const char *device_json)
{
  g_autofree char *json = g_strdup_printf ("{\"value\":[%s]}", device_json);
  LkPageContents page;
  char *text;

  parse_ok (json, &page);
  g_assert_cmpuint (page.devices->len, ==, 1);
  text = device_text (g_ptr_array_index (page.devices, 0));
  lk_page_contents_clear (&page);
  return text;
}

/* Each of @page's devices is what the same JSON gives on a page alone. */
static void
assert_each_as_alone (LkPageContents     *page,
                      const char *const  *devices,
                      guint               n_devices)
{
  g_assert_cmpuint (page->devices->len, ==, n_devices);
  for (guint i = 0; i < n_devices; i++)
    {
      g_autofree char *in_page = device_text (g_ptr_array_index (page->devices, i));
      g_autofree char *alone = device_alone (devices[i]);

      g_assert_cmpstr (in_page, ==, alone);
    }
}

/* The reader takes a name written as the device before wrote it for the same member without
 * reading it again. Every other way of writing it must still be read: members reordered, a
 * name with an escape, space before the colon, a longer name starting with a known one, a
 * known name's bytes as a value. Each device must come out as it does on a page alone. */
static void
test_names_as_before (void)
{
  static const char *const devices[] = {
    "{\"id\":\"a\",\"deviceName\":\"One\",\"operatingSystem\":\"iOS\",\"isSupervised\":true,\"osVersion\":\"17.1\"}",
    "{\"id\":\"b\",\"deviceName\":\"Two\",\"operatingSystem\":\"Android\",\"isSupervised\":false,\"osVersion\":\"14\"}",
    "{\"deviceName\":\"Three\",\"id\":\"c\",\"osVersion\":\"13\",\"operatingSystem\":\"iOS\"}",
    "{\"id\":\"d\",\"device\\u004eame\":\"Four\",\"operatingSystem\" : \"Windows\",\"isSupervised\":null}",
    "{\"id\":\"e\",\"deviceNameX\":\"not the name\",\"operatingSystem\":\"macOS\",\"deviceName\":\"Five\"}",
    "{\"id\":\"f\",\"deviceName\":\"\\\"deviceName\\\":\",\"operatingSystem\":\"iOS\"}",
    "{ \"id\":\"g\",\"deviceName\":\"Seven\"}",
    "{\"id\":\"h\",\"deviceName\":\"Eight\",\"operatingSystem\":\"iOS\",\"isSupervised\":true,\"osVersion\":\"17.1\"}",
    /* Names inside skipped objects are compared with the device before's too. */
    "{\"id\":\"i\",\"hardwareInformation\":{\"model\":\"x\",\"imei\":null},\"deviceName\":\"Nine\"}",
    "{\"id\":\"j\",\"hardwareInformation\":{\"mod\\u0065l\":\"x\",\"imei\":null,\"more\":{\"a\":1}},\"deviceName\":\"Ten\"}",
    "{\"id\":\"k\",\"results\":[{\"a\":1},{\"a\":2,\"b\":3}],\"hardwareInformation\":{\"model\":\"y\"},\"deviceName\":\"Eleven\"}",
    "{\"id\":\"l\",\"results\":[],\"hardwareInformation\":{\"model\":\"y\"},\"deviceName\":\"Twelve\"}",
    "{\"id\":\"m\",\"results\":[{\"a\":1}],\"hardwareInformation\":{\"model\":\"y\"},\"deviceName\":\"Thirteen\"}",
    /* The empty name, twice in a row: never compared (too short), always read. */
    "{\"\":1,\"id\":\"n\",\"x\":{\"\":2}}",
    "{\"\":1,\"id\":\"o\",\"x\":{\"\":2}}",
  };
  g_autoptr(GString) json = g_string_new ("{\"value\":[");
  LkPageContents page;

  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    g_string_append_printf (json, "%s%s", i > 0 ? "," : "", devices[i]);
  g_string_append (json, "]}");
  parse_ok (json->str, &page);
  assert_each_as_alone (&page, devices, G_N_ELEMENTS (devices));
  g_assert_cmpstr (lk_device_get_device_name (g_ptr_array_index (page.devices, 3)), ==, "Four");
  g_assert_cmpstr (lk_device_get_device_name (g_ptr_array_index (page.devices, 4)), ==, "Five");
  g_assert_cmpstr (lk_device_get_device_name (g_ptr_array_index (page.devices, 5)), ==, "\"deviceName\":");
  g_assert_cmpstr (lk_device_get_operating_system (g_ptr_array_index (page.devices, 3)), ==, "Windows");
  g_assert_cmpstr (lk_device_get_device_name (g_ptr_array_index (page.devices, 12)), ==, "Thirteen");
  lk_page_contents_clear (&page);

  /* A name that matches the one before does not excuse what follows it. */
  {
    LkPageContents bad = { 0 };
    g_autoptr(GError) error = NULL;
    static const char page_json[] = "{\"value\":[{\"id\":\"a\",\"hw\":{\"model\":\"x\",\"imei\":null}},"
                                    "{\"id\":\"b\",\"hw\":{\"model\":\"x\",\"imei\":nul}}]}";

    g_assert_false (lk_page_reader_parse (page_json, strlen (page_json), &bad, &error));
    g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INVALID_RESPONSE);
  }

  /* Cut anywhere, a name compared with the one before never reads past the end. */
  for (gsize cut = 0; cut < json->len; cut++)
    {
      g_autofree char *copy = g_memdup2 (json->str, cut);
      LkPageContents cut_page = { 0 };
      g_autoptr(GError) error = NULL;

      g_assert_false (lk_page_reader_parse (copy, cut, &cut_page, &error));
      g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INVALID_RESPONSE);
    }
}

/* Both readers on @json: the same devices (as JSON text) or both an error. */
static void
assert_readers_agree (const char *json,
                      gsize       len,
                      gboolean    expect_ok)
{
  LkPageContents quick = { 0 }, each = { 0 };
  g_autoptr(GError) quick_error = NULL;
  g_autoptr(GError) each_error = NULL;
  gboolean quick_ok = lk_page_reader_parse (json, len, &quick, &quick_error);
  gboolean each_ok = lk_page_reader_parse_each_name (json, len, &each, &each_error);

  g_assert_true (quick_ok == expect_ok);
  g_assert_true (each_ok == expect_ok);
  if (!expect_ok)
    {
      g_assert_error (quick_error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INVALID_RESPONSE);
      g_assert_cmpstr (quick_error->message, ==, each_error->message);
      return;
    }
  g_assert_cmpuint (quick.devices->len, ==, each.devices->len);
  for (guint i = 0; i < quick.devices->len; i++)
    {
      g_autofree char *text_a = device_text (g_ptr_array_index (quick.devices, i));
      g_autofree char *text_b = device_text (g_ptr_array_index (each.devices, i));

      g_assert_cmpstr (text_a, ==, text_b);
    }
  lk_page_contents_clear (&quick);
  lk_page_contents_clear (&each);
}

/* A member Latchkey skips, written byte for byte as the device before wrote it in the same
 * place, is passed over without reading it. What may look the same and is not must still be
 * read: a number that goes on past the bytes before ("n":12 then "n":123), a literal run into
 * what follows, the same object with more names inside, the same bytes in another place, a
 * page that ends inside them. Each device comes out as it does on a page alone, and as the
 * reader that reads every name in full makes it. */
static void
test_skipped_as_before (void)
{
  static const char *const devices[] = {
    "{\"id\":\"a\",\"n\":12,\"hw\":{\"model\":null,\"imei\":\"1\"},\"flag\":true,\"deviceName\":\"One\"}",
    "{\"id\":\"b\",\"n\":12,\"hw\":{\"model\":null,\"imei\":\"1\"},\"flag\":true,\"deviceName\":\"Two\"}",
    "{\"id\":\"c\",\"n\":123,\"hw\":{\"model\":null,\"imei\":\"1\"},\"flag\":true ,\"deviceName\":\"Three\"}",
    "{\"id\":\"d\",\"n\":12.5,\"hw\":{\"model\":null,\"imei\":\"1\",\"more\":[{\"x\":1}]},\"flag\":true,\"deviceName\":\"Four\"}",
    "{\"id\":\"e\",\"n\":12,\"hw\":{\"model\":null,\"imei\":\"1\",\"more\":[{\"x\":1}]},\"flag\":true,\"deviceName\":\"Five\"}",
    /* The same skipped bytes in another place, and a read member where a skipped one was. */
    "{\"id\":\"f\",\"flag\":true,\"n\":12,\"deviceName\":\"Six\",\"hw\":{\"model\":null,\"imei\":\"1\"}}",
    "{\"id\":\"g\",\"flag\":true,\"n\":12,\"deviceName\":\"Seven\",\"hw\":{\"model\":null,\"imei\":\"1\"}}",
    "{\"id\":\"h\",\"osVersion\":\"17\",\"n\":12,\"deviceName\":\"Eight\",\"hw\":{\"model\":null,\"imei\":\"1\"}}",
    /* The device before's last member, last again; then before more members. */
    "{\"id\":\"i\",\"osVersion\":\"17\",\"n\":12,\"deviceName\":\"Nine\",\"hw\":{\"model\":null,\"imei\":\"1\"},\"model\":\"X\"}",
  };
  g_autoptr(GString) json = g_string_new ("{\"value\":[");

  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    g_string_append_printf (json, "%s%s", i > 0 ? "," : "", devices[i]);
  g_string_append (json, "]}");
  assert_readers_agree (json->str, json->len, TRUE);
  {
    LkPageContents page;

    parse_ok (json->str, &page);
    assert_each_as_alone (&page, devices, G_N_ELEMENTS (devices));
    g_assert_cmpstr (lk_device_get_device_name (g_ptr_array_index (page.devices, 2)), ==, "Three");
    g_assert_cmpstr (lk_device_get_model (g_ptr_array_index (page.devices, 8)), ==, "X");
    lk_page_contents_clear (&page);
  }

  /* Bytes as before that go on into something malformed are malformed. */
  {
    static const char *const bad[] = {
      "{\"value\":[{\"id\":\"a\",\"flag\":null,\"x\":1},{\"id\":\"b\",\"flag\":nullx,\"x\":1}]}",
      "{\"value\":[{\"id\":\"a\",\"n\":12,\"x\":1},{\"id\":\"b\",\"n\":12:,\"x\":1}]}",
      "{\"value\":[{\"id\":\"a\",\"s\":\"ab\",\"x\":1},{\"id\":\"b\",\"s\":\"ab\"\"c\",\"x\":1}]}",
      "{\"value\":[{\"id\":\"a\",\"o\":{\"k\":1},\"x\":1},{\"id\":\"b\",\"o\":{\"k\":1}}},\"x\":1}]}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      assert_readers_agree (bad[i], strlen (bad[i]), FALSE);
  }

  /* Cut anywhere: an error from both, and no byte read past the end (each cut is its own
   * allocation of exactly that size, for the sanitizer build). */
  for (gsize cut = 0; cut < json->len; cut++)
    {
      g_autofree char *copy = g_memdup2 (json->str, cut);

      assert_readers_agree (copy, cut, FALSE);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/page-reader/page", test_page);
  g_test_add_func ("/page-reader/wrong-types-and-skips", test_wrong_types_and_skips);
  g_test_add_func ("/page-reader/malformed", test_malformed);
  g_test_add_func ("/page-reader/deep-nesting", test_deep_nesting);
  g_test_add_func ("/page-reader/find-next-link", test_find_next_link);
  g_test_add_func ("/page-reader/find-next-link-quickly", test_find_next_link_quickly);
  g_test_add_func ("/page-reader/skipped-errors", test_skipped_errors);
  g_test_add_func ("/page-reader/skipped-members", test_skipped_members);
  g_test_add_func ("/page-reader/truncated-everywhere", test_truncated_everywhere);
  g_test_add_func ("/page-reader/skipped-depth", test_skipped_depth);
  g_test_add_func ("/page-reader/names-as-before", test_names_as_before);
  g_test_add_func ("/page-reader/skipped-as-before", test_skipped_as_before);
  return g_test_run ();
}
