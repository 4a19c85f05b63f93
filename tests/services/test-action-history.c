/* test-action-history.c: the journal of passcode actions — append, read back, CSV, damage.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "lk-action-history.h"
#include "lk-action-journal.h"

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
  /* Control characters are written visibly: the CSV may well be read on a terminal. */
  g_assert_nonnull (strstr (csv, ",multi\\nline,"));
  g_assert_true (g_str_has_suffix (csv, "\r\n"));
}

/* A name that would drive the admin's terminal (OSC 52 writes the clipboard, a bidi override
 * reverses what follows) is exported as visible escapes, with no raw control byte. */
static void
test_csv_terminal_safe (void)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_history_entry_free);
  LkHistoryEntry *entry = lk_history_entry_new ();
  g_autofree char *csv = NULL;

  entry->device_name = g_strdup ("Evil\033]52;c;aGk=\007 \u202eiPad");
  g_ptr_array_add (entries, entry);
  csv = lk_action_history_to_csv (entries);
  g_assert_nonnull (strstr (csv, "Evil\\x1b]52;c;aGk=\\x07 \\u202eiPad"));
  for (const char *p = csv; *p != '\0'; p++)
    g_assert_true ((guchar) *p >= 0x20 || *p == '\r' || *p == '\n');
  g_assert_null (strstr (csv, "\u202e"));
}

static LkActionResult *
result_from (const char *state,
             const char *start)
{
  g_autofree char *text = g_strdup_printf ("{\"@odata.type\":\"#microsoft.graph.resetPasscodeActionResult\","
                                           "\"actionName\":\"resetPasscode\",\"actionState\":\"%s\","
                                           "\"startDateTime\":\"%s\"}", state, start);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return lk_action_result_new_from_json (json_node_get_object (json_parser_get_root (parser)));
}

/* The journal: an intent and its outcome fold into one entry; an intent alone is "outcome
 * unknown"; it is in flight until Intune shows a result of its own, which resolves it. */
static void
test_journal (void)
{
  g_autofree char *dir = g_dir_make_tmp ("latchkey-journal-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.jsonl", NULL);
  g_autoptr(LkActionHistory) history = lk_action_history_new (path);
  g_autoptr(LkHistoryEntry) intent = lk_history_entry_new ();
  g_autoptr(LkHistoryEntry) outcome = lk_history_entry_new ();
  g_autoptr(LkHistoryEntry) other = lk_history_entry_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) earlier = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_days (now, 2);
  g_autoptr(GDateTime) since = NULL;
  g_autofree char *now_text = g_date_time_format_iso8601 (now);
  LkHistoryEntry *entry;

  intent->device_id = g_strdup ("dev-1");
  intent->device_name = g_strdup ("KIOSK");
  intent->outcome = g_strdup ("sending");
  intent->client_request_id = g_strdup ("crid-1");
  intent->prior_result_start = g_strdup ("2026-01-01T10:00:00Z");
  g_assert_true (lk_action_history_append (history, intent, NULL));
  other->device_id = g_strdup ("dev-2");
  other->outcome = g_strdup ("done");
  other->client_request_id = g_strdup ("crid-2");
  g_assert_true (lk_action_history_append (history, other, NULL));

  entries = lk_action_history_load (history, NULL);
  g_assert_cmpuint (entries->len, ==, 2);
  entry = lk_history_find_latest (entries, "dev-1");
  g_assert_cmpstr (lk_history_outcome_label (entry->outcome), ==, "Outcome unknown — check status");
  g_assert_cmpstr (lk_history_outcome_label ("unknown"), ==, "Outcome unknown — check status");
  g_assert_true (lk_history_outcome_is_open ("sending"));
  g_assert_false (lk_history_outcome_is_open ("error"));

  /* Intune shows only the earlier action (started at the prior start): still in flight. */
  g_ptr_array_add (earlier, result_from ("done", "2026-01-01T10:00:00Z"));
  g_assert_cmpint (lk_action_in_flight (entries, earlier, "dev-1", now, &since), ==, LK_IN_FLIGHT_UNKNOWN);
  g_assert_true (lk_action_result_predates (g_ptr_array_index (earlier, 0), entry));
  g_assert_null (lk_action_journal_resolve (history, entries, earlier, "dev-1", NULL));
  /* Past the journal's window, nothing holds a new action back. */
  g_assert_cmpint (lk_action_in_flight (entries, earlier, "dev-1", later, NULL), ==, LK_IN_FLIGHT_NONE);

  /* Intune's own result, pending: in flight, and the journal resolved to it. */
  g_ptr_array_add (results, result_from ("pending", now_text));
  g_assert_cmpint (lk_action_in_flight (entries, results, "dev-1", now, NULL), ==, LK_IN_FLIGHT_PENDING);
  g_assert_cmpstr (lk_action_journal_resolve (history, entries, results, "dev-1", NULL), ==, "pending");
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = lk_action_history_load (history, NULL);
  g_assert_cmpuint (entries->len, ==, 2);
  entry = lk_history_find_latest (entries, "dev-1");
  g_assert_cmpstr (entry->outcome, ==, "pending");
  g_assert_cmpstr (entry->device_name, ==, "KIOSK");
  g_assert_cmpstr (entry->time, ==, intent->time);

  /* The outcome, appended later under the same request id, folds in too. */
  outcome->device_id = g_strdup ("dev-1");
  outcome->outcome = g_strdup ("done");
  outcome->client_request_id = g_strdup ("crid-1");
  g_assert_true (lk_action_history_append (history, outcome, NULL));
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = lk_action_history_load (history, NULL);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpstr (lk_history_find_latest (entries, "dev-1")->outcome, ==, "done");
  g_assert_cmpint (lk_action_in_flight (entries, NULL, "dev-1", now, NULL), ==, LK_IN_FLIGHT_NONE);

  g_unlink (path);
  g_rmdir (dir);
}

static LkActionResult *
named_result (const char *action_name,
              const char *state,
              const char *start)
{
  g_autofree char *text = g_strdup_printf ("{\"actionName\":\"%s\",\"actionState\":\"%s\",\"startDateTime\":\"%s\"}",
                                           action_name, state, start);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return lk_action_result_new_from_json (json_node_get_object (json_parser_get_root (parser)));
}

/* A rotation is in flight by its own action name only: the journal's (sent or of unknown
 * outcome, for a day), or Intune's deviceActionResults entry of that name while pending; a
 * reset or another kind's rotation never holds it back, and it never holds a reset back. */
static void
test_rotation_in_flight (void)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_history_entry_free);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_days (now, 2);
  g_autoptr(GDateTime) since = NULL;
  g_autofree char *now_text = g_date_time_format_iso8601 (now);
  g_autofree char *text = NULL;
  LkHistoryEntry *sent = lk_history_entry_new ();

  sent->time = g_strdup (now_text);
  sent->device_id = g_strdup ("mac-1");
  sent->action = g_strdup ("rotateFileVaultKey");
  sent->outcome = g_strdup ("sent");
  g_ptr_array_add (entries, sent);

  g_assert_cmpint (lk_rotation_in_flight (entries, NULL, "mac-1", "rotateFileVaultKey", now, &since), ==, LK_IN_FLIGHT_UNKNOWN);
  g_assert_nonnull (since);
  text = lk_rotation_in_flight_text (LK_IN_FLIGHT_UNKNOWN, since);
  g_assert_nonnull (strstr (text, "may have reached Intune"));
  g_assert_cmpint (lk_rotation_in_flight (entries, NULL, "mac-1", "rotateLocalAdminPassword", now, NULL), ==, LK_IN_FLIGHT_NONE);
  g_assert_cmpint (lk_rotation_in_flight (entries, NULL, "mac-2", "rotateFileVaultKey", now, NULL), ==, LK_IN_FLIGHT_NONE);
  g_assert_cmpint (lk_rotation_in_flight (entries, NULL, "mac-1", "rotateFileVaultKey", later, NULL), ==, LK_IN_FLIGHT_NONE);
  g_assert_cmpint (lk_action_in_flight (entries, NULL, "mac-1", now, NULL), ==, LK_IN_FLIGHT_NONE);

  /* Intune lists it, pending: still in flight (for days); done: free to rotate again. */
  g_ptr_array_add (results, named_result ("resetPasscode", "pending", now_text));
  g_ptr_array_add (results, named_result ("rotateFileVaultKey", "pending", now_text));
  g_assert_cmpint (lk_rotation_in_flight (entries, results, "mac-1", "rotateFileVaultKey", later, NULL), ==, LK_IN_FLIGHT_PENDING);
  g_assert_cmpint (lk_rotation_in_flight (NULL, results, "mac-1", "rotateBitLockerKeys", now, NULL), ==, LK_IN_FLIGHT_NONE);
  g_ptr_array_remove_index (results, 1);
  g_ptr_array_add (results, named_result ("rotateFileVaultKey", "done", now_text));
  g_assert_cmpint (lk_rotation_in_flight (entries, results, "mac-1", "rotateFileVaultKey", now, NULL), ==, LK_IN_FLIGHT_NONE);
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
  g_test_add_func ("/history/csv-terminal-safe", test_csv_terminal_safe);
  g_test_add_func ("/history/journal", test_journal);
  g_test_add_func ("/history/rotation-in-flight", test_rotation_in_flight);
  return g_test_run ();
}
