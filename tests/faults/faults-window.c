/* faults-window.c: the fault matrix's window-closed rows: the window (or wizard) that started a
 * request is closed while it runs (needs a display: meson test faults-ui).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "faults-matrix.h"
#include "lk-reset-wizard.h"
#include "lk-window.h"

/* ---- window closed (a display is needed) --------------------------------------------------- */

static gboolean
is_searching (gpointer data)
{
  return g_strcmp0 (lk_window_get_state (data), "searching") == 0;
}

static gboolean
token_requested (gpointer data)
{
  return lk_sandbox_count_requests (data, "POST", TOKEN_PATH) >= 1;
}

static void
close_window (gpointer window)
{
  gpointer weak = window;
  gint64 end = lk_test_deadline ();

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  while (weak != NULL && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (weak);
}

void
window_closed_search (FaultFixture *f,
                      const Row    *row)
{
  LkWindow *window = lk_window_new (NULL);
  g_autofree char *old_refresh = NULL;

  lk_window_set_client (window, f->client);
  gtk_window_present (GTK_WINDOW (window));
  if (row->op == OP_SIGN_IN)
    {
      g_autoptr(LkStoredAccount) stored = lk_account_dup_stored (f->account);

      old_refresh = g_strdup (stored->refresh_token);
      lk_sandbox_expire_access_tokens (f->sandbox);
    }
  lk_sandbox_add_fault (f->sandbox, &row->fault);
  lk_window_search (window, "rossi");
  g_assert_true (is_searching (window));
  if (row->op == OP_SIGN_IN)
    g_assert_true (lk_test_wait_until (token_requested, f->sandbox));
  close_window (window);

  if (row->op == OP_SEARCH)
    {
      /* Whether the request is abandoned or answered, nothing reaches the dead window (it was
       * finalized above) and nothing is sent again. */
      gint64 end = g_get_monotonic_time () + (row->fault.delay_ms + 500) * 1000;

      while (g_get_monotonic_time () < end)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (2000);
        }
      g_test_message ("abandoned requests: %u", lk_sandbox_count_aborted (f->sandbox));
      g_assert_cmpuint (count_op_requests (f->sandbox, OP_SEARCH), ==, row->requests);
      return;
    }

  /* The refresh lands in the account: the rotated refresh token is kept and works. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *token = NULL;
    g_autoptr(LkStoredAccount) stored = NULL;
    gint64 end = lk_test_deadline ();

    do
      {
        g_clear_pointer (&stored, lk_stored_account_free);
        g_main_context_iteration (NULL, FALSE);
        g_usleep (5000);
        stored = lk_account_dup_stored (f->account);
      }
    while (g_strcmp0 (stored->refresh_token, old_refresh) == 0 && g_get_monotonic_time () < end);
    g_assert_cmpstr (stored->refresh_token, !=, old_refresh);
    g_assert_cmpuint (count_op_requests (f->sandbox, OP_SIGN_IN), ==, row->requests);
    lk_sandbox_clear_faults (f->sandbox);
    token = get_token (f->account, TRUE, &error);
    g_assert_no_error (error);
  }
}

static GtkWidget *
find_entry (GtkWidget *widget)
{
  if (GTK_IS_ENTRY (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_entry (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
post_sent (gpointer data)
{
  return lk_sandbox_count_requests (data, "POST", "resetPasscode") >= 1;
}

void
window_closed_reset (FaultFixture *f,
                     const Row    *row)
{
  g_autoptr(LkDevice) device = fault_fixture_find_device (f, "android-dedicated");
  g_autoptr(LkActionTracker) tracker = NULL;
  LkResetWizard *wizard;
  gint64 end;

  lk_sandbox_add_fault (f->sandbox, &row->fault);
  wizard = lk_reset_wizard_new (f->client, device, f->history, "admin@contoso.example", "contoso",
                                NULL, NULL);
  gtk_window_present (GTK_WINDOW (wizard));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_cmpstr (lk_reset_wizard_get_page (wizard), ==, "confirm");
  gtk_editable_set_text (GTK_EDITABLE (find_entry (GTK_WIDGET (wizard))), lk_device_get_device_name (device));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.confirm", NULL);
  tracker = g_object_ref (lk_reset_wizard_get_tracker (wizard));
  lk_action_tracker_set_poll_interval (tracker, 50, 200);
  g_assert_true (lk_test_wait_until (post_sent, f->sandbox));
  close_window (wizard);

  end = lk_test_deadline ();
  while (!lk_action_tracker_is_finished (tracker) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (lk_action_tracker_get_state (tracker), ==, LK_TRACKER_DONE);
  g_assert_cmpuint (count_op_requests (f->sandbox, OP_RESET), ==, row->requests);
  g_assert_cmpuint (lk_sandbox_count_queued_actions (f->sandbox), ==, (guint) row->queued);
}
