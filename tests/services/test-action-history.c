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

/* A crash mid-write leaves a line without its newline: only that line is lost. */
static void
test_torn_line (void)
{
  g_autofree char *dir = g_dir_make_tmp ("latchkey-history-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.jsonl", NULL);
  g_autoptr(LkActionHistory) history = lk_action_history_new (path);
  g_autoptr(LkHistoryEntry) entry = lk_history_entry_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GListModel) model = NULL;
  g_autoptr(LkHistoryRecord) newest = NULL;

  g_assert_true (g_file_set_contents (path, "{\"outcome\":\"done\"}\n{\"outcome\":\"se", -1, NULL));
  entry->device_name = g_strdup ("GALAXY-S23");
  entry->outcome = g_strdup ("failed");
  g_assert_true (lk_action_history_append (history, entry, NULL));

  entries = lk_action_history_load (history, NULL);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (((LkHistoryEntry *) g_ptr_array_index (entries, 0))->outcome, ==, "done");
  g_assert_cmpstr (((LkHistoryEntry *) g_ptr_array_index (entries, 1))->outcome, ==, "failed");

  /* The list model reads newest first. */
  model = lk_action_history_load_model (history, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_true (g_list_model_get_item_type (model) == LK_TYPE_HISTORY_RECORD);
  newest = g_list_model_get_item (model, 0);
  g_assert_cmpstr (lk_history_record_get_entry (newest)->device_name, ==, "GALAXY-S23");

  g_unlink (path);
  g_rmdir (dir);
}

/* A device name is chosen by its user: exported, it must not run as a spreadsheet formula. */
static void
test_csv_formula (void)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_history_entry_free);
  LkHistoryEntry *entry = lk_history_entry_new ();
  g_autofree char *csv = NULL;

  entry->device_name = g_strdup ("=HYPERLINK(\"http://evil.example\",\"x\")");
  entry->admin = g_strdup ("@admin");
  entry->tenant = g_strdup ("");
  entry->outcome = g_strdup ("multi\nline");
  g_ptr_array_add (entries, entry);
  csv = lk_action_history_to_csv (entries);
  g_assert_nonnull (strstr (csv, ",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\","));
  g_assert_nonnull (strstr (csv, "\r\n,\"'@admin\",,,"));
  g_assert_nonnull (strstr (csv, ",\"multi\nline\","));
  g_assert_true (g_str_has_suffix (csv, "\r\n"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/history/append-load-csv", test_append_load_csv);
  g_test_add_func ("/history/missing-file", test_missing_file);
  g_test_add_func ("/history/torn-line", test_torn_line);
  g_test_add_func ("/history/csv-formula", test_csv_formula);
  return g_test_run ();
}
