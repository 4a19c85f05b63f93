/* fuzz-text.c: what the CLI prints for people from text it did not write — lk_text_inert()
 * on any bytes, lk_text_json_inert() on a generator's output — and the history file, read
 * line by line through the capped reader (anyone with the user's rights may edit it).
 *
 * Beyond not crashing: the output is valid UTF-8 with no control, DEL, C1 or bidi control
 * character a terminal would obey, and the JSON form parses back to the exact same strings.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "fuzz-common.h"
#include "lk-action-history.h"
#include "lk-text.h"

static char *history_path;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autofree char *dir = NULL;

  (void) argc;
  (void) argv;
  fuzz_common_init ();
  dir = g_dir_make_tmp ("latchkey-fuzz-text-XXXXXX", NULL);
  g_assert_nonnull (dir);
  history_path = g_build_filename (dir, "history.jsonl", NULL);
  return 0;
}

static void
assert_inert (const char *text,
              gboolean    newlines)
{
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (newlines && c == '\n')
        continue;
      g_assert_false (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x061c
                      || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e)
                      || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029);
    }
}

static void
check_json_round_trip (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *json = NULL;
  g_autofree char *safe = NULL;
  g_autoptr(JsonNode) back = NULL;

  json_node_set_string (node, valid);
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  json = json_generator_to_data (generator, NULL);
  safe = lk_text_json_inert (json);
  assert_inert (safe, TRUE);
  back = json_from_string (safe, NULL);
  g_assert_nonnull (back);
  g_assert_cmpstr (json_node_get_string (back), ==, valid);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_strndup (data, size);
  g_autofree char *inert = lk_text_inert (text);
  g_autoptr(LkActionHistory) history = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  assert_inert (inert, FALSE);
  check_json_round_trip (text);

  g_assert_true (g_file_set_contents (history_path, (const char *) data, (gssize) size, NULL));
  history = lk_action_history_new (history_path);
  entries = lk_action_history_load (history, NULL);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      LkHistoryEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *name = lk_text_inert (entry->device_name);
      g_autofree char *admin = lk_text_inert (entry->admin);

      if (name != NULL)
        assert_inert (name, FALSE);
      if (admin != NULL)
        assert_inert (admin, FALSE);
    }
  return 0;
}
