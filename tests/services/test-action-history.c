/* test-action-history.c: the journal of passcode actions — append, read back, CSV, damage. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "lk-action-history.h"

static void
test_append_load_csv (void)
{
  g_autofree char *dir = g_dir_make_tmp ("latchkey-history-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sub", "history.jsonl", NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(LkActionHistory) history = lk_action_history_new (path);
  g_autoptr(LkHistoryEntry) entry = lk_history_entry_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *damaged = NULL;
  GStatBuf st;

  entry->admin = g_strdup ("giulia.bianchi@contoso.it");
  entry->device_name = g_strdup ("iPhone di \"Sarah\", O'Brien");
  entry->action = g_strdup ("removePasscode");
  entry->outcome = g_strdup ("done");
  g_assert_true (lk_action_history_append (history, entry, &error));
  g_assert_no_error (error);
  g_assert_nonnull (entry->time);
  /* Only the admin can read the journal. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);

  /* A damaged line (a crash mid-write, a hand edit) is skipped, not fatal. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  damaged = g_strconcat (contents, "{\"time\": \"2026-11\n", NULL);
  g_assert_true (g_file_set_contents (path, damaged, -1, NULL));
  g_clear_pointer (&entry->outcome, g_free);
  entry->outcome = g_strdup ("failed");
  g_assert_true (lk_action_history_append (history, entry, &error));

  entries = lk_action_history_load (history, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (((LkHistoryEntry *) g_ptr_array_index (entries, 1))->outcome, ==, "failed");

  csv = lk_action_history_to_csv (entries);
  g_assert_true (g_str_has_prefix (csv, "time,admin,tenant,deviceId,deviceName,action,outcome,"));
  g_assert_nonnull (strstr (csv, "\"iPhone di \"\"Sarah\"\", O'Brien\""));

  g_unlink (path);
  g_rmdir (parent);
  g_rmdir (dir);
}

static void
test_missing_file (void)
{
  g_autoptr(LkActionHistory) history = lk_action_history_new ("/nonexistent/latchkey/history.jsonl");
  g_autoptr(GPtrArray) entries = lk_action_history_load (history, NULL);

  g_assert_nonnull (entries);
  g_assert_cmpuint (entries->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/history/append-load-csv", test_append_load_csv);
  g_test_add_func ("/history/missing-file", test_missing_file);
  return g_test_run ();
}
