/* faults-run.c: how the fault matrix runs a search, sign-in, reset, keyring or unlock row.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "faults-matrix.h"
#include "lk-capability.h"
#include "lk-unlock-client.h"

/* ---- search ------------------------------------------------------------------------------- */

typedef struct
{
  GHashTable *ids;      /* every device id a page handed over */
  guint       n_pages;
  guint       n_repeated;
  LkSandbox  *sandbox;
  guint       ticks_in_flight;  /* ticks after the sandbox had the request, before a page */
  gint64      last_tick;
  gint64      longest_stall;
} Pages;

static void
page_cb (GPtrArray *devices,
         guint      total,
         gint64     expected,
         gpointer   user_data)
{
  Pages *pages = user_data;

  pages->n_pages++;
  for (guint i = 0; i < devices->len; i++)
    if (!g_hash_table_add (pages->ids, g_strdup (lk_device_get_id (g_ptr_array_index (devices, i)))))
      pages->n_repeated++;
}

/* A 10 ms tick: whether the main loop ran while the answer was being read and parsed, and (a
 * figure reported, never asserted: a busy machine stalls everything) its longest stall. */
static gboolean
tick_cb (gpointer user_data)
{
  Pages *pages = user_data;
  gint64 now = g_get_monotonic_time ();

  pages->longest_stall = MAX (pages->longest_stall, now - pages->last_tick);
  pages->last_tick = now;
  if (pages->n_pages == 0 && count_op_requests (pages->sandbox, OP_SEARCH) > 0)
    pages->ticks_in_flight++;
  return G_SOURCE_CONTINUE;
}

void
run_search (FaultFixture *f,
            const Row    *row)
{
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("");
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) final_ids = g_hash_table_new (g_str_hash, g_str_equal);
  Pages pages = { .ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
                  .sandbox = f->sandbox };
  AsyncWait w = { 0 };
  guint tick;

  pages.last_tick = g_get_monotonic_time ();
  tick = g_timeout_add (10, tick_cb, &pages);
  lk_graph_client_list_devices_async (f->client, query, page_cb, &pages, NULL, NULL, async_wait_cb, &w);
  devices = lk_graph_client_list_devices_finish (f->client, async_wait (&w), &error);
  g_object_unref (w.result);
  g_source_remove (tick);
  g_test_message ("longest main-loop stall: %" G_GINT64_FORMAT " ms; %u ticks between the request"
                  " and the first page", pages.longest_stall / 1000, pages.ticks_in_flight);

  assert_seen (row, error);
  /* Nothing handed over twice, page by page or in the final list. */
  g_assert_cmpuint (pages.n_repeated, ==, 0);
  if (row->devices < 0)
    g_assert_null (devices);
  else
    {
      g_assert_cmpuint (devices->len, ==, (guint) row->devices);
      for (guint i = 0; i < devices->len; i++)
        g_assert_true (g_hash_table_add (final_ids, (gpointer) lk_device_get_id (g_ptr_array_index (devices, i))));
      g_assert_cmpuint (g_hash_table_size (pages.ids), ==, devices->len);
    }
  /* 50 MB is read and parsed without taking the window's loop: it kept running between the
   * request and the page (a structural check; how long it stalled depends on the machine). */
  if (row->fault.kind == LK_FAULT_HUGE_BODY)
    g_assert_cmpuint (pages.ticks_in_flight, >, 0);
  g_hash_table_unref (pages.ids);
}

/* ---- sign-in ------------------------------------------------------------------------------ */

void
run_sign_in (FaultFixture *f,
             const Row    *row)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) later_error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *later = NULL;
  guint before;

  token = get_token (f->account, TRUE, &error);
  assert_seen (row, error);
  g_assert_true ((token != NULL) == (row->seen == SEEN_OK));
  g_assert_cmpuint (count_op_requests (f->sandbox, OP_SIGN_IN), ==, row->requests);

  /* The fault has passed: does the account still refresh? */
  lk_sandbox_clear_faults (f->sandbox);
  before = count_op_requests (f->sandbox, OP_SIGN_IN);
  later = get_token (f->account, TRUE, &later_error);
  if (row->sign_in_lost)
    {
      g_assert_error (later_error, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_GRANT);
      g_assert_true (lk_account_get_needs_sign_in (f->account));
    }
  else
    {
      g_assert_no_error (later_error);
      g_assert_false (lk_account_get_needs_sign_in (f->account));
    }
  /* A dead account asks nothing more of the server. */
  g_assert_cmpuint (count_op_requests (f->sandbox, OP_SIGN_IN), <=, before + 1);
}

/* ---- reset -------------------------------------------------------------------------------- */

/* What the journal must say: never "not sent" for an unknown outcome or an approval wait. */
static const char *
expected_outcome (const Row    *row,
                  const GError *error)
{
  if (row->seen == SEEN_OK)
    return "done";
  if (row->seen == SEEN_GRAPH && row->code == LK_GRAPH_ERROR_OUTCOME_UNKNOWN)
    return "unknown";
  if (lk_graph_error_get_forbidden_reason (error) == LK_FORBIDDEN_MULTI_ADMIN_APPROVAL)
    return "awaitingApproval";
  return "error";
}

void
run_reset (FaultFixture *f,
           const Row    *row)
{
  g_autoptr(LkDevice) device = NULL;
  g_autoptr(LkActionTracker) tracker = NULL;
  g_autofree char *history = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  LkHistoryEntry *entry;
  gint64 end;

  device = fault_fixture_find_device (f, "android-dedicated");
  if (row->setup == SETUP_REVOKE)
    revoke_tokens (f->sandbox, row);
  if (has_fault (row))
    lk_sandbox_add_fault (f->sandbox, &row->fault);
  tracker = lk_action_tracker_new (f->client, device, LK_ACTION_KIND_RESET_DEVICE_PASSCODE,
                                   f->history, "admin@contoso.example", "contoso");
  lk_action_tracker_set_poll_interval (tracker, 50, 200);
  lk_action_tracker_set_checking_limit (tracker, 1500);
  lk_action_tracker_send (tracker);
  lk_action_tracker_send (tracker);   /* a double click */
  end = lk_test_deadline ();
  while (!lk_action_tracker_is_finished (tracker) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (lk_action_tracker_is_finished (tracker));

  assert_seen (row, lk_action_tracker_get_error (tracker));
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==,
                   row->seen == SEEN_OK ? LK_TRACKER_DONE : LK_TRACKER_ERROR);
  g_assert_true ((lk_action_tracker_get_passcode (tracker) != NULL) == (row->seen == SEEN_OK));
  g_assert_cmpuint (lk_sandbox_count_queued_actions (f->sandbox), ==, (guint) row->queued);

  /* The journal has the intent and the final outcome, read back as one action, and never the
   * passcode; an unknown outcome is never "not sent". */
  g_assert_true (g_file_get_contents (lk_action_history_get_path (f->history), &history, NULL, NULL));
  g_assert_nonnull (strstr (history, "\"outcome\":\"sending\""));
  entries = lk_action_history_load (f->history, NULL);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (entry->outcome, ==, expected_outcome (row, lk_action_tracker_get_error (tracker)));
  if (lk_action_tracker_get_passcode (tracker) != NULL)
    g_assert_null (strstr (history, lk_action_tracker_get_passcode (tracker)));
}

/* ---- keyring: a private D-Bus and gnome-keyring, in a child ------------------------------- */

static gboolean
load_accounts (LkAccountManager  *manager,
               GError           **error)
{
  AsyncWait w = { 0 };
  gboolean ok;

  lk_account_manager_load_async (manager, NULL, async_wait_cb, &w);
  ok = lk_account_manager_load_finish (manager, async_wait (&w), error);
  g_object_unref (w.result);
  return ok;
}

/* What a restart sees: a new manager loading the saved accounts. */
static void
assert_restart_sees (const Row *row)
{
  g_autoptr(LkAccountManager) manager = lk_account_manager_new ();
  g_autoptr(GError) error = NULL;

  lk_account_manager_set_store_flags (manager, LK_TOKEN_STORE_FLAGS_NO_PROMPT);
  g_assert_false (load_accounts (manager, &error));
  assert_seen (row, error);
  /* … and is offered a sign-in that lasts for the session only. */
  g_assert_true (lk_account_manager_get_session_only (manager));
}

static void
run_keyring_child (const Row *row)
{
  FaultFixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/latchkey-faults-bus", TRUE);
  assert_restart_sees (row);
  fault_fixture_setup (&f, 0, TRUE);

  /* The session-only account refreshes, and keeps its rotated token, in memory. */
  for (guint i = 0; i < 2; i++)
    {
      g_clear_pointer (&token, g_free);
      token = get_token (f.account, TRUE, &error);
      g_assert_no_error (error);
      g_assert_nonnull (token);
    }
  g_assert_cmpuint (count_op_requests (f.sandbox, OP_SIGN_IN), ==, row->requests);
  fault_fixture_teardown (&f);
}

void
run_keyring (const Row *row)
{
  if (g_test_subprocess ())
    {
      run_keyring_child (row);
      return;
    }
  g_test_trap_subprocess (NULL, 90 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* ---- unlock ------------------------------------------------------------------------------- */

typedef struct
{
  LkUnlockKind kind;
  const char  *id;       /* what the read asks for */
  const char  *secret;   /* what it returns, and no error text may hold */
} UnlockTarget;

static UnlockTarget
unlock_target (const Row *row)
{
  switch (row->op)
    {
    case OP_REVEAL_LAPS:
      return (UnlockTarget) { LK_UNLOCK_LAPS, row->target != NULL ? row->target : DEMO_LAPS_ENTRA, DEMO_LAPS };
    case OP_REVEAL_BITLOCKER:
      return (UnlockTarget) { LK_UNLOCK_BITLOCKER, row->target != NULL ? row->target : DEMO_KEY_ID, DEMO_KEY };
    case OP_REVEAL_FILEVAULT:
    case OP_ROTATE:
    default:
      return (UnlockTarget) { LK_UNLOCK_FILEVAULT, row->target != NULL ? row->target : DEMO_MAC, DEMO_FILEVAULT };
    }
}

/* What the admin is shown never holds the secret, nor a piece of it (a key's first group). */
static void
assert_no_secret (const GError *error,
                  const char   *secret)
{
  g_autofree char *ids = error != NULL ? lk_graph_error_format_ids (error) : NULL;
  g_autofree char *piece = g_strndup (secret, 6);

  if (error == NULL)
    return;
  g_assert_null (strstr (error->message, secret));
  g_assert_null (strstr (error->message, piece));
  g_assert_true (ids == NULL || strstr (ids, piece) == NULL);
}

void
run_unlock (FaultFixture *f,
            const Row    *row)
{
  g_autofree char *graph_url = lk_sandbox_get_graph_url (f->sandbox);
  g_autofree char *token = lk_sandbox_mint_access_token (f->sandbox, row->scopes != NULL ? row->scopes : UNLOCK_SCOPES, 3600);
  g_autoptr(LkStaticToken) tokens = lk_static_token_new (token);
  g_autoptr(LkGraphClient) graph = lk_graph_client_new (graph_url, "beta", LK_TOKEN_PROVIDER (tokens));
  g_autoptr(LkUnlockClient) unlock = lk_unlock_client_new (graph);
  g_autoptr(LkUnlockSecret) secret = NULL;
  g_autoptr(GError) error = NULL;
  UnlockTarget target = unlock_target (row);
  guint rotations = lk_sandbox_count_rotations (f->sandbox);
  AsyncWait w = { 0 };

  lk_graph_client_set_backoff (graph, 10, 40);
  if (has_fault (row))
    lk_sandbox_add_fault (f->sandbox, &row->fault);
  if (row->op == OP_ROTATE)
    {
      lk_graph_client_post_action_with_id_async (graph, target.id, LK_DEVICE_ACTION_ROTATE_FILEVAULT_KEY,
                                                 NULL, NULL, async_wait_cb, &w);
      g_assert_cmpint (lk_graph_client_post_action_finish_full (graph, async_wait (&w), NULL, NULL, &error),
                       ==, row->seen == SEEN_OK);
      g_assert_cmpuint (lk_sandbox_count_rotations (f->sandbox) - rotations, ==, (guint) row->queued);
    }
  else
    {
      lk_unlock_client_reveal_async (unlock, target.kind, target.id, NULL, async_wait_cb, &w);
      secret = lk_unlock_client_reveal_finish (unlock, async_wait (&w), &error);
      g_assert_true ((secret != NULL) == (row->seen == SEEN_OK));
      if (secret != NULL)
        g_assert_cmpstr (secret->secret, ==, target.secret);
    }
  g_object_unref (w.result);
  if (error != NULL)
    g_test_message ("the admin sees: %s", error->message);
  assert_seen (row, error);
  assert_no_secret (error, target.secret);
  /* Support needs the request ids of every answer Graph gave. */
  if (error != NULL && row->code != LK_GRAPH_ERROR_INVALID_RESPONSE)
    g_assert_nonnull (lk_graph_error_get_client_request_id (error));
}
