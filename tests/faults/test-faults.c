/* test-faults.c: the fault matrix. Every fault the sandbox can inject, against each of the
 * three things an admin does — search (the Graph client's listing), sign-in (the account's
 * token refresh at the sandbox's token endpoint) and reset (the action tracker's POST and its
 * follow-up) — through the real client, the real account and the real tracker over loopback
 * HTTP. The unlock rows read LAPS, BitLocker and FileVault secrets and rotate one through the
 * real unlock client. Each row says what the admin is shown and what must not be lost or sent
 * twice; the sandbox's request log is the witness.
 *
 * The keyring-absent row runs in a child process whose session bus leads nowhere. The window-closed rows need a display:
 * they run in a second process (meson test 'faults-ui', LK_FAULTS_UI=1) under Xvfb.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "faults-matrix.h"

gboolean
has_fault (const Row *row)
{
  return row->fault.kind != LK_FAULT_STATUS || row->fault.status != 0;
}

guint
count_op_requests (LkSandbox *sandbox,
                   Op         op)
{
  switch (op)
    {
    case OP_SEARCH:
      return lk_sandbox_count_requests (sandbox, "GET", "managedDevices");
    case OP_SIGN_IN:
      return lk_sandbox_count_requests (sandbox, "POST", TOKEN_PATH);
    case OP_REVEAL_LAPS:
      return lk_sandbox_count_requests (sandbox, "GET", "deviceLocalCredentials");
    case OP_REVEAL_BITLOCKER:
      return lk_sandbox_count_requests (sandbox, "GET", "recoveryKeys/");
    case OP_REVEAL_FILEVAULT:
      return lk_sandbox_count_requests (sandbox, "GET", "getFileVaultKey");
    case OP_ROTATE:
      return lk_sandbox_count_requests (sandbox, "POST", "rotateFileVaultKey");
    case OP_RESET:
    default:
      return lk_sandbox_count_requests (sandbox, "POST", "resetPasscode");
    }
}

void
assert_seen (const Row    *row,
             const GError *error)
{
  if (row->seen == SEEN_OK)
    {
      g_assert_no_error (error);
      return;
    }
  g_assert_nonnull (error);
  g_assert_true (error->domain == (row->seen == SEEN_GRAPH ? LK_GRAPH_ERROR : LK_AUTH_ERROR));
  g_assert_cmpint (error->code, ==, row->code);
  if (strstr (error->message, row->message) == NULL)
    g_error ("“%s” does not say “%s”", error->message, row->message);
}

/* Refresh tokens revoked; access tokens too, unless the row's fault expires one later. */
void
revoke_tokens (LkSandbox *sandbox,
               const Row *row)
{
  lk_sandbox_revoke_refresh_tokens (sandbox);
  if (!has_fault (row))
    lk_sandbox_expire_access_tokens (sandbox);
}

char *
get_token (LkAccount  *account,
           gboolean    force,
           GError    **error)
{
  AsyncWait w = { 0 };
  char *token;

  lk_token_provider_get_token_async (LK_TOKEN_PROVIDER (account), force, NULL, async_wait_cb, &w);
  token = lk_token_provider_get_token_finish (LK_TOKEN_PROVIDER (account), async_wait (&w), error);
  g_object_unref (w.result);
  return token;
}

/* ---- the matrix ----------------------------------------------------------------------------- */

static void
test_row (gconstpointer data)
{
  const Row *row = data;
  FaultFixture f = { 0 };

  if (row->na != NULL)
    {
      g_test_skip (row->na);
      return;
    }
  if (row->setup == SETUP_KEYRING_LOCKED || row->setup == SETUP_KEYRING_ABSENT)
    {
      run_keyring (row);
      return;
    }

  fault_fixture_setup (&f, row->op == OP_SEARCH ? 2500 : 0, TRUE);
  if (row->setup == SETUP_WINDOW_CLOSED)
    {
      if (row->op == OP_RESET)
        window_closed_reset (&f, row);
      else
        window_closed_search (&f, row);
      fault_fixture_teardown (&f);
      return;
    }

  if (row->op == OP_RESET)
    run_reset (&f, row);
  else if (row->op >= OP_REVEAL_LAPS)
    run_unlock (&f, row);
  else
    {
      if (row->setup == SETUP_REVOKE)
        revoke_tokens (f.sandbox, row);
      if (has_fault (row))
        lk_sandbox_add_fault (f.sandbox, &row->fault);
      if (row->op == OP_SEARCH)
        run_search (&f, row);
      else
        run_sign_in (&f, row);
    }
  if (row->op != OP_SIGN_IN)
    g_assert_cmpuint (count_op_requests (f.sandbox, row->op), ==, row->requests);
  if (row->refreshes >= 0 && row->op != OP_SIGN_IN)
    g_assert_cmpuint (count_op_requests (f.sandbox, OP_SIGN_IN), ==, (guint) row->refreshes);
  fault_fixture_teardown (&f);
}

int
main (int   argc,
      char *argv[])
{
  gboolean ui = g_strcmp0 (g_getenv ("LK_FAULTS_UI"), "1") == 0;

  if (ui)
    {
      gtk_test_init (&argc, &argv, NULL);
      adw_init ();
    }
  else
    g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < n_rows; i++)
    {
      g_autofree char *path = g_strdup_printf ("/faults/%s/%s", op_names[rows[i].op], rows[i].name);

      if ((rows[i].setup == SETUP_WINDOW_CLOSED) == ui)
        g_test_add_data_func (path, &rows[i], test_row);
    }
  return g_test_run ();
}
