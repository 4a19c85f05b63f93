/* test-json-writer.c: LkJsonWriter writes the bytes json-glib's generator and
 * lk_text_json_inert() wrote together, and a device the members lk_device_to_json() makes.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "lk-device.h"
#include "lk-json-writer.h"
#include "lk-text.h"

static char *
generated (JsonNode *root,
           gboolean  pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, pretty);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  return lk_text_json_inert (text);
}

static void
fill_bytes (char bytes[256])
{
  for (int i = 1; i < 256; i++)
    bytes[i - 1] = (char) i;
  bytes[255] = '\0';
}

/* Every byte value 1–255 in a string (lone high bytes are invalid UTF-8), the characters a
 * terminal obeys, nesting, empty containers. */
static JsonNode *
hostile_tree (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  char bytes[256];

  fill_bytes (bytes);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_string_value (builder, bytes);
  json_builder_set_member_name (builder, "unicode \xe2\x80\xae name");
  json_builder_add_string_value (builder, "c1 \xc2\x85 bidi \xe2\x81\xa6 ls \xe2\x80\xa8 \xf0\x9f\x94\x91 \xe2\x82 cut");
  json_builder_set_member_name (builder, "empty array");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "empty object");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "nested");
  json_builder_begin_array (builder);
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_add_null_value (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "b");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
write_hostile (LkJsonWriter *writer)
{
  char bytes[256];

  fill_bytes (bytes);
  lk_json_writer_begin_object (writer);
  lk_json_writer_member (writer, "bytes");
  lk_json_writer_string (writer, bytes);
  lk_json_writer_member (writer, "unicode \xe2\x80\xae name");
  lk_json_writer_string (writer, "c1 \xc2\x85 bidi \xe2\x81\xa6 ls \xe2\x80\xa8 \xf0\x9f\x94\x91 \xe2\x82 cut");
  lk_json_writer_member (writer, "empty array");
  lk_json_writer_begin_array (writer);
  lk_json_writer_end_array (writer);
  lk_json_writer_member (writer, "empty object");
  lk_json_writer_begin_object (writer);
  lk_json_writer_end_object (writer);
  lk_json_writer_member (writer, "nested");
  lk_json_writer_begin_array (writer);
  lk_json_writer_boolean (writer, TRUE);
  lk_json_writer_null (writer);
  lk_json_writer_begin_object (writer);
  lk_json_writer_member (writer, "b");
  lk_json_writer_boolean (writer, FALSE);
  lk_json_writer_end_object (writer);
  lk_json_writer_begin_array (writer);
  lk_json_writer_end_array (writer);
  lk_json_writer_end_array (writer);
  lk_json_writer_end_object (writer);
}

static void
test_like_generator (void)
{
  for (int pretty = 0; pretty <= 1; pretty++)
    {
      g_autoptr(JsonNode) root = hostile_tree ();
      g_autofree char *want = generated (root, pretty);
      g_autoptr(GString) out = g_string_new (NULL);
      LkJsonWriter writer;

      lk_json_writer_init (&writer, out, pretty);
      write_hostile (&writer);
      g_assert_cmpstr (out->str, ==, want);
      g_assert_true (g_utf8_validate (out->str, -1, NULL));
    }
}

/* Dates as Graph writes them, fractions, leap days, before 1970, the ends of the range. */
static void
test_device_dates (void)
{
  const char *dates[] = {
    "2026-11-20T09:12:00Z", "2026-11-20T09:12:00.1234567Z", "2026-11-20T09:12:00.5Z",
    "2024-02-29T23:59:59Z", "2000-02-29T00:00:00Z", "2100-03-01T00:00:00Z",
    "1969-12-31T23:59:59.999999Z", "1970-01-01T00:00:00Z", "1600-02-29T12:00:00.000001Z",
    "0002-01-01T00:00:00Z", "0999-12-31T23:59:59Z", "9999-12-31T23:59:59.999999Z",
  };

  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"id\":\"d\",\"deviceName\":\"n\\u202e\","
                                               "\"lastSyncDateTime\":\"%s\",\"enrolledDateTime\":\"%s\","
                                               "\"isSupervised\":true}", dates[i], dates[i]);
      g_autoptr(JsonNode) parsed = json_from_string (text, NULL);
      g_autoptr(LkDevice) device = lk_device_new_from_json (json_node_get_object (parsed), NULL);
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(GString) out = g_string_new (NULL);
      g_autofree char *want = NULL;
      LkJsonWriter writer;

      json_node_take_object (node, lk_device_to_json (device));
      want = generated (node, TRUE);
      lk_json_writer_init (&writer, out, TRUE);
      lk_json_writer_begin_object (&writer);
      lk_device_write_json_members (device, &writer);
      lk_json_writer_end_object (&writer);
      g_test_message ("%s", dates[i]);
      g_assert_cmpstr (out->str, ==, want);
    }
}

static void
write_inner (LkJsonWriter *writer)
{
  lk_json_writer_begin_object (writer);
  lk_json_writer_member (writer, "label");
  lk_json_writer_string (writer, "Reset \"passcode\"\n");
  lk_json_writer_member (writer, "caveats");
  lk_json_writer_begin_array (writer);
  lk_json_writer_string (writer, "one");
  lk_json_writer_end_array (writer);
  lk_json_writer_member (writer, "empty");
  lk_json_writer_begin_object (writer);
  lk_json_writer_end_object (writer);
  lk_json_writer_end_object (writer);
}

/* A value written apart (as the CLI caches capabilities) and put in with lk_json_writer_raw()
 * is the same bytes as the value written in place, pretty or compact. */
static void
test_raw_like_in_place (void)
{
  for (guint pretty = 0; pretty < 2; pretty++)
    {
      g_autoptr(GString) direct = g_string_new (NULL);
      g_autoptr(GString) spliced = g_string_new (NULL);
      g_autoptr(GString) apart = g_string_new (NULL);
      LkJsonWriter a, b, c;

      lk_json_writer_init (&a, direct, pretty);
      lk_json_writer_init (&b, spliced, pretty);
      lk_json_writer_begin_array (&a);
      lk_json_writer_begin_array (&b);
      for (guint i = 0; i < 2; i++)
        {
          lk_json_writer_begin_object (&a);
          lk_json_writer_begin_object (&b);
          lk_json_writer_member (&a, "id");
          lk_json_writer_member (&b, "id");
          lk_json_writer_string (&a, "x");
          lk_json_writer_string (&b, "x");
          lk_json_writer_member (&a, "capability");
          lk_json_writer_member (&b, "capability");
          write_inner (&a);
          g_string_truncate (apart, 0);
          lk_json_writer_init_at (&c, apart, pretty, b.depth);
          write_inner (&c);
          lk_json_writer_raw (&b, apart->str, apart->len);
          lk_json_writer_end_object (&a);
          lk_json_writer_end_object (&b);
        }
      lk_json_writer_end_array (&a);
      lk_json_writer_end_array (&b);
      g_assert_cmpstr (spliced->str, ==, direct->str);
      g_assert_nonnull (strstr (direct->str, pretty ? "\n      \"label\" : " : "\"label\":"));
    }
}

/* An array written in pieces, each by a writer of its own (as the CLI writes a long listing in
 * chunks on several threads), is the same bytes as the array written in one go, pretty or
 * compact, of any length, cut anywhere. */
static void
test_array_in_pieces (void)
{
  for (guint pretty = 0; pretty < 2; pretty++)
    for (guint n = 0; n < 6; n++)
      for (guint cut = 0; cut <= n; cut++)
        {
          g_autoptr(GString) direct = g_string_new (NULL);
          g_autoptr(GString) pieces = g_string_new (NULL);
          LkJsonWriter a, b;

          lk_json_writer_init (&a, direct, pretty);
          lk_json_writer_begin_array (&a);
          for (guint i = 0; i < n; i++)
            write_inner (&a);
          lk_json_writer_end_array (&a);

          lk_json_writer_init (&b, pieces, pretty);
          lk_json_writer_begin_array (&b);
          lk_json_writer_init_in_array (&b, pieces, pretty, 0);
          for (guint i = 0; i < cut; i++)
            write_inner (&b);
          lk_json_writer_init_in_array (&b, pieces, pretty, cut);
          for (guint i = cut; i < n; i++)
            write_inner (&b);
          lk_json_writer_init_in_array (&b, pieces, pretty, n);
          lk_json_writer_end_array (&b);
          g_assert_cmpstr (pieces->str, ==, direct->str);
        }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-writer/like-generator", test_like_generator);
  g_test_add_func ("/json-writer/device-dates", test_device_dates);
  g_test_add_func ("/json-writer/raw-like-in-place", test_raw_like_in_place);
  g_test_add_func ("/json-writer/array-in-pieces", test_array_in_pieces);
  return g_test_run ();
}
