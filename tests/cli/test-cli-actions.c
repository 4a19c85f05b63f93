/* test-cli-actions.c: latchkey-cli's passcode actions — reset, status — and the journal that
 * keeps them honest (outcome unknown, 403s, SIGKILL at every point).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>

#include "cli-fixture.h"

static void
test_reset_wrong_name (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(JsonObject) device = find_device (fixture, "iOS", "company");
  const char *id = json_object_get_string_member (device, "id");
  g_autofree char *input = g_strconcat (fixture->token, "\nnot the name\n", NULL);

  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url,
                            "--access-token-stdin", "reset", id, NULL), ==, 8);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 0);
}

static void
test_reset_confirmed_then_status (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(JsonObject) device = find_device (fixture, "iOS", "company");
  const char *id = json_object_get_string_member (device, "id");
  g_autofree char *input = g_strconcat (fixture->token, "\n", json_object_get_string_member (device, "deviceName"), "\n", NULL);
  g_autofree char *token_only = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *out = NULL;
  g_autoptr(JsonObject) status = NULL;

  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url,
                            "--access-token-stdin", "reset", id, NULL), ==, 0);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 1);

  g_assert_cmpint (run_cli (token_only, &out, NULL, "--graph-url", fixture->graph_url,
                            "--access-token-stdin", "--json", "status", id, NULL), ==, 0);
  status = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (status, "id"), ==, id);
  g_assert_true (g_str_equal (json_object_get_string_member (status, "state"), "pending")
                 || g_str_equal (json_object_get_string_member (status, "state"), "active")
                 || g_str_equal (json_object_get_string_member (status, "state"), "done"));
}

/* Followed to the end, the outcome is said in words, not as Graph's state code. */
static void
test_reset_wait_words (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(JsonObject) device = find_device (fixture, "iOS", "company");
  const char *id = json_object_get_string_member (device, "id");
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *out = NULL;

  lk_sandbox_set_action_timing (fixture->sandbox, 200, 200);
  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url,
                            "--access-token-stdin", "--yes", "--wait", "reset", id, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Finished: Done\n"));

  /* The history says it in the same words; --json keeps the codes for scripts. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli ("", &out, NULL, "history", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "  Done  "));
  g_assert_null (strstr (out, "  done  "));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli ("", &out, NULL, "history", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"done\""));
}

static void
test_reset_not_supported (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(JsonObject) device = find_device (fixture, "Windows", "company");
  const char *id = json_object_get_string_member (device, "id");
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);

  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url,
                            "--access-token-stdin", "--yes", "reset", id, NULL), ==, 7);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 0);
}

/* ---- issue 12: honest outcomes, the journal, ids, machine-readable output ------------------- */

/* A 5xx after the POST left, processed or not, is "outcome unknown" (exit 9), never resent,
 * and never "not sent" in the history; status resolves it from deviceActionResults. */
static void
test_reset_5xx_outcome_unknown (Fixture       *fixture,
                                gconstpointer  data)
{
  static const guint statuses[] = { 500, 503 };
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);

  lk_sandbox_set_action_timing (fixture->sandbox, 60000, 1000);
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      LkFault fault = { LK_FAULT_STATUS, "POST", "resetPasscode", .status = statuses[i],
                        .retry_after = "0.1", .processed = i == 0 };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(JsonArray) history = NULL;
      JsonObject *entry;

      lk_sandbox_add_fault (fixture->sandbox, &fault);
      g_assert_cmpint (run_cli (input, &out, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                                "--yes", "--force", "reset", ANDROID_DEDICATED_ID, NULL), ==, 9);
      g_assert_nonnull (strstr (out, "latchkey-cli status " ANDROID_DEDICATED_ID));
      g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, i + 1);
      lk_sandbox_clear_faults (fixture->sandbox);

      history = history_json ();
      g_assert_cmpuint (json_array_get_length (history), ==, i + 1);
      entry = json_array_get_object_element (history, i);
      g_assert_cmpstr (json_object_get_string_member (entry, "outcome"), ==, "unknown");
      g_clear_pointer (&out, g_free);
      g_assert_cmpint (run_cli ("", &out, NULL, "history", NULL), ==, 0);
      g_assert_nonnull (strstr (out, "Outcome unknown — check status"));
      g_assert_null (strstr (out, "Not sent"));
    }
  /* The 500 had been queued (and is pending): status says so, and the journal learns it. */
  {
    g_autofree char *out = NULL;
    g_autoptr(JsonArray) history = NULL;

    g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                              "status", ANDROID_DEDICATED_ID, NULL), ==, 0);
    history = history_json ();
    g_assert_cmpuint (json_array_get_length (history), ==, 2);
  }
}

/* A 4xx before processing is "not sent": safe to retry, and said so. */
static void
test_reset_403_not_sent (Fixture       *fixture,
                         gconstpointer  data)
{
  LkFault fault = { LK_FAULT_FORBIDDEN, "POST", "resetPasscode", .graph_code = "Forbidden" };
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autoptr(JsonArray) history = NULL;
  g_autofree char *err = NULL;

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  g_assert_cmpint (run_cli (input, NULL, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "reset", ANDROID_DEDICATED_ID, NULL), ==, 5);
  /* Intune's answer names the permission; Latchkey says so, and who can grant it. */
  g_assert_nonnull (strstr (err, "DeviceManagementManagedDevices.PrivilegedOperations.All"));
  g_assert_nonnull (strstr (err, "admin consent"));
  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "outcome"), ==, "error");
  /* Nothing is in flight after a refusal: the next reset goes through. */
  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "reset", ANDROID_DEDICATED_ID, NULL), ==, 0);
  g_assert_cmpuint (lk_sandbox_count_queued_actions (fixture->sandbox), ==, 1);
}

/* A 403 without a role says which roles allow it; Multi Admin Approval is not a failure. */
static void
test_reset_403_reasons (Fixture       *fixture,
                        gconstpointer  data)
{
  LkFault role = { LK_FAULT_FORBIDDEN, "POST", "resetPasscode", .graph_code = "UnknownError" };
  LkFault approval = { LK_FAULT_FORBIDDEN, "POST", "resetPasscode", .graph_code = "ApprovalRequired" };
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonArray) history = NULL;

  lk_sandbox_add_fault (fixture->sandbox, &role);
  g_assert_cmpint (run_cli (input, NULL, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "reset", ANDROID_DEDICATED_ID, NULL), ==, 5);
  g_assert_nonnull (strstr (err, "Help Desk Operator"));
  lk_sandbox_clear_faults (fixture->sandbox);

  g_clear_pointer (&err, g_free);
  lk_sandbox_add_fault (fixture->sandbox, &approval);
  g_assert_cmpint (run_cli (input, NULL, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "reset", ANDROID_DEDICATED_ID, NULL), ==, 12);
  g_assert_nonnull (strstr (err, "Multi Admin Approval"));
  g_assert_null (strstr (err, "Error:"));
  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 1), "outcome"), ==,
                   "awaitingApproval");
  g_assert_cmpint (run_cli ("", &out, NULL, "history", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Awaiting approval (Multi Admin Approval)"));
  g_assert_cmpuint (lk_sandbox_count_queued_actions (fixture->sandbox), ==, 0);
}

/* ---- SIGKILL at every point: the journal loses nothing and doubles nothing ---------------- */

static GSubprocess *
spawn_cli (const char *input,
           ...)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) cli_path);
  va_start (args, input);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  /* stdin stays open: a CLI at its prompt waits there. */
  g_assert_true (g_output_stream_write_all (g_subprocess_get_stdin_pipe (process), input, strlen (input),
                                            NULL, NULL, &error));
  g_assert_no_error (error);
  return process;
}

typedef gboolean (*Condition) (Fixture *fixture);

static void
kill_when (GSubprocess *process,
           Fixture     *fixture,
           Condition    condition)
{
  gint64 end = lk_test_deadline ();

  while (!condition (fixture) && g_get_monotonic_time () < end)
    g_usleep (5000);
  g_assert_true (condition (fixture));
  g_subprocess_send_signal (process, SIGKILL);
  g_assert_true (g_subprocess_wait (process, NULL, NULL));
  g_assert_true (g_subprocess_get_if_signaled (process));
}

static gboolean
at_prompt (Fixture *fixture)
{
  /* The device and its action results were read: the CLI waits for the name. */
  return lk_sandbox_count_requests (fixture->sandbox, "GET", ANDROID_DEDICATED_ID) >= 2;
}

static gboolean
post_queued_unanswered (Fixture *fixture)
{
  return lk_sandbox_count_queued_actions (fixture->sandbox) >= 1;
}

static gboolean
second_sent_recorded (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (state_home, "latchkey", "history.jsonl", NULL);
  g_autofree char *text = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  for (const char *p = text; (p = strstr (p, "\"outcome\":\"sent\"")) != NULL; p++)
    n++;
  return n >= 1 && lk_sandbox_count_queued_actions (fixture->sandbox) >= 2;
}

static void
test_journal_survives_sigkill (Fixture       *fixture,
                               gconstpointer  data)
{
  LkFault hold = { LK_FAULT_DELAY, "POST", "resetPasscode", .delay_ms = 10000 };
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autoptr(GSubprocess) before = NULL;
  g_autoptr(GSubprocess) during = NULL;
  g_autoptr(GSubprocess) after = NULL;
  g_autoptr(JsonArray) history = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  lk_sandbox_set_action_timing (fixture->sandbox, 60000, 1000);

  /* Before: killed at the confirmation prompt. Nothing was sent, nothing recorded. */
  before = spawn_cli (input, "--graph-url", fixture->graph_url, "--access-token-stdin", "reset",
                      ANDROID_DEDICATED_ID, NULL);
  kill_when (before, fixture, at_prompt);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 0);
  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 0);
  g_clear_pointer (&history, json_array_unref);

  /* During: Intune queued it and its answer is held back; the CLI dies waiting. */
  lk_sandbox_add_fault (fixture->sandbox, &hold);
  during = spawn_cli (input, "--graph-url", fixture->graph_url, "--access-token-stdin", "--yes", "reset",
                      ANDROID_DEDICATED_ID, NULL);
  kill_when (during, fixture, post_queued_unanswered);
  lk_sandbox_clear_faults (fixture->sandbox);
  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "outcome"), ==, "sending");
  g_clear_pointer (&history, json_array_unref);
  g_assert_cmpint (run_cli ("", &out, NULL, "history", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Outcome unknown — check status"));

  /* Nothing invites a second send: reset refuses (exit 10) until --force. */
  g_assert_cmpint (run_cli (input, NULL, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "reset", ANDROID_DEDICATED_ID, NULL), ==, 10);
  g_assert_nonnull (strstr (err, "--force"));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 1);

  /* status resolves the record from deviceActionResults: Intune has it, pending. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "status", ANDROID_DEDICATED_ID, NULL), ==, 0);
  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "outcome"), ==, "pending");
  g_clear_pointer (&history, json_array_unref);

  /* After: the second (forced) POST was answered and recorded; killed while following it. */
  after = spawn_cli (input, "--graph-url", fixture->graph_url, "--access-token-stdin", "--yes", "--force",
                     "--wait", "reset", ANDROID_DEDICATED_ID, NULL);
  kill_when (after, fixture, second_sent_recorded);
  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 1), "outcome"), ==, "sent");
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 2);
  g_assert_cmpuint (lk_sandbox_count_queued_actions (fixture->sandbox), ==, 2);
}

/* After a failed attempt, status says the Done it shows is an earlier action's. */
static void
test_status_names_earlier_result (Fixture       *fixture,
                                  gconstpointer  data)
{
  LkFault fault = { LK_FAULT_STATUS, "POST", "resetPasscode", .status = 502 };
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *out = NULL;

  lk_sandbox_set_action_timing (fixture->sandbox, 100, 100);
  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "--wait", "reset", ANDROID_DEDICATED_ID, NULL), ==, 0);
  lk_sandbox_add_fault (fixture->sandbox, &fault);
  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "reset", ANDROID_DEDICATED_ID, NULL), ==, 9);
  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "status", ANDROID_DEDICATED_ID, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Started"));
  g_assert_nonnull (strstr (out, "This result is from an earlier action."));
  /* The unanswered one may still be on its way as far as anyone knows here. */
  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "reset", ANDROID_DEDICATED_ID, NULL), ==, 10);
}

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);

  g_test_add ("/cli/reset/wrong-name", Fixture, NULL, setup, test_reset_wrong_name, teardown);
  g_test_add ("/cli/reset/confirmed", Fixture, NULL, setup, test_reset_confirmed_then_status, teardown);
  g_test_add ("/cli/reset/wait-words", Fixture, NULL, setup, test_reset_wait_words, teardown);
  g_test_add ("/cli/reset/not-supported", Fixture, NULL, setup, test_reset_not_supported, teardown);
  g_test_add ("/cli/reset/5xx-outcome-unknown", Fixture, NULL, setup, test_reset_5xx_outcome_unknown, teardown);
  g_test_add ("/cli/reset/403-not-sent", Fixture, NULL, setup, test_reset_403_not_sent, teardown);
  g_test_add ("/cli/reset/403-reasons", Fixture, NULL, setup, test_reset_403_reasons, teardown);
  g_test_add ("/cli/journal/sigkill", Fixture, NULL, setup, test_journal_survives_sigkill, teardown);
  g_test_add ("/cli/status/earlier-result", Fixture, NULL, setup, test_status_names_earlier_result, teardown);

  return g_test_run ();
}
