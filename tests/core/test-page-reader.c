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

      parse_ok (pages[i], &page);
      g_assert_cmpstr (early, ==, page.next_link);
      lk_page_contents_clear (&page);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_null (lk_page_reader_find_next_link (bad[i], strlen (bad[i])));
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
  return g_test_run ();
}
