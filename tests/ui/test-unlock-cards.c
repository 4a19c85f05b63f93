/* test-unlock-cards.c: the device page's unlock cards in the real window under Xvfb, against the
 * sandbox over loopback HTTP: nothing read before Show, hidden until revealed, the clipboard
 * cleared, the BitLocker audit notice, rotation with the typed name, the journal.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "../lk-test-widgets.h"
#include "../lk-test-unlock.h"

#include "../lk-test-common.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "lk-device-page.h"
#include "lk-sandbox.h"
#include "lk-unlock-card.h"
#include "lk-window.h"

#define SCOPES "DeviceManagementManagedDevices.Read.All DeviceManagementManagedDevices.PrivilegedOperations.All " \
               "DeviceManagementManagedDevices.ReadWrite.All DeviceLocalCredential.Read.All BitLockerKey.Read.All"
#define WIN_LAPS "Vk7#qL2x!mP9wRt4"

typedef struct
{
  LkSandbox       *sandbox;
  LkGraphClient   *client;
  LkWindow        *window;
  char            *dir;
  char            *history_path;
  LkActionHistory *history;
} Fixture;

static gboolean
search_settled (gpointer data)
{
  const char *state = lk_window_get_state (data);

  return g_strcmp0 (state, "searching") != 0 && g_strcmp0 (state, "throttled") != 0
         && g_strcmp0 (state, "connecting") != 0;
}

static LkDevicePage *
device_page (Fixture *fixture)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new ();

  lk_test_collect_widgets (GTK_WIDGET (fixture->window), LK_TYPE_DEVICE_PAGE, pages);
  g_assert_cmpuint (pages->len, ==, 1);
  return g_ptr_array_index (pages, 0);
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  fixture->sandbox = lk_test_demo_sandbox ();
  fixture->client = lk_test_demo_client (fixture->sandbox, SCOPES);
  fixture->dir = g_dir_make_tmp ("latchkey-unlock-XXXXXX", NULL);
  fixture->history_path = g_build_filename (fixture->dir, "history.jsonl", NULL);
  fixture->history = lk_action_history_new (fixture->history_path);

  fixture->window = lk_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 800);
  lk_window_set_client (fixture->window, fixture->client);
  lk_window_set_demo (fixture->window, TRUE);
  lk_device_page_set_history (device_page (fixture), fixture->history);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  if (fixture->window != NULL)
    {
      g_object_ref (fixture->window);
      gtk_window_destroy (GTK_WINDOW (fixture->window));
      lk_test_assert_finalized_soon (fixture->window);
    }
  lk_test_assert_finalized_soon (fixture->client);
  g_clear_object (&fixture->history);
  g_unlink (fixture->history_path);
  g_rmdir (fixture->dir);
  g_free (fixture->history_path);
  g_free (fixture->dir);
  lk_sandbox_stop (fixture->sandbox);
  g_assert_finalize_object (fixture->sandbox);
}

static LkDevice *
find_result (Fixture    *fixture,
             const char *name)
{
  GListModel *results = lk_window_get_results (fixture->window);

  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);

      if (g_strcmp0 (lk_device_get_device_name (device), name) == 0)
        return g_steal_pointer (&device);
    }
  return NULL;
}

typedef struct
{
  Fixture    *fixture;
  const char *name;
} Wanted;

static gboolean
found_and_settled (gpointer data)
{
  Wanted *wanted = data;
  g_autoptr(LkDevice) device = NULL;

  if (!search_settled (wanted->fixture->window))
    return FALSE;
  device = find_result (wanted->fixture, wanted->name);
  return device != NULL;
}

/* Searches for @name and shows it, once that search (not an earlier one) has settled, so the
 * page is not replaced under the test by a late result. */
static void
show (Fixture    *fixture,
      const char *name)
{
  Wanted wanted = { fixture, name };
  g_autoptr(LkDevice) device = NULL;

  lk_window_search (fixture->window, name);
  g_assert_true (lk_test_wait_until (found_and_settled, &wanted));
  device = find_result (fixture, name);
  lk_window_show_device (fixture->window, device);
}

typedef struct
{
  Fixture *fixture;
  guint    n;
} CardsWanted;

static GPtrArray *
cards (Fixture *fixture)
{
  GPtrArray *found = g_ptr_array_new ();

  lk_test_collect_widgets (GTK_WIDGET (device_page (fixture)), LK_TYPE_UNLOCK_CARD, found);
  return found;
}

static gboolean
cards_shown (gpointer data)
{
  CardsWanted *wanted = data;
  g_autoptr(GPtrArray) found = cards (wanted->fixture);

  return found->len == wanted->n;
}

static GtkWidget *
visible_label (GtkWidget  *root,
               const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  lk_test_collect_widgets (root, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_is_visible (g_ptr_array_index (labels, i))
        && strstr (gtk_label_get_label (g_ptr_array_index (labels, i)), text) != NULL)
      return g_ptr_array_index (labels, i);
  return NULL;
}

static gboolean
clipboard_empty (gpointer widget)
{
  return gdk_clipboard_get_content (gtk_widget_get_clipboard (widget)) == NULL;
}

static gboolean
history_has (gpointer data)
{
  Fixture *fixture = ((gpointer *) data)[0];
  const char *outcome = ((gpointer *) data)[1];
  g_autoptr(GPtrArray) entries = lk_action_history_load (fixture->history, NULL);

  for (guint i = 0; i < entries->len; i++)
    if (g_strcmp0 (((LkHistoryEntry *) g_ptr_array_index (entries, i))->outcome, outcome) == 0)
      return TRUE;
  return FALSE;
}

/* A Windows PC: nothing read before Show; hidden until revealed; copied and cleared; forgotten. */
static void
test_windows_laps (Fixture       *fixture,
                   gconstpointer  data)
{
  CardsWanted wanted = { fixture, 2 };
  LkUnlockCard *laps;
  g_autofree char *history_text = NULL;
  gpointer revealed[] = { fixture, "revealed" };

  show (fixture, "DESKTOP-7QK2L9M");
  g_assert_true (lk_test_wait_until (cards_shown, &wanted));
  laps = lk_test_unlock_card (GTK_WIDGET (device_page (fixture)), LK_UNLOCK_LAPS);
  /* Never prefetched. */
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, NULL, "deviceLocalCredentials"), ==, 0);
  g_assert_null (lk_unlock_card_get_secret (laps));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (laps), "unlock-card.show", NULL));
  g_assert_true (lk_test_wait_until (lk_test_unlock_card_has_secret, laps));
  g_assert_cmpstr (lk_unlock_card_get_secret (laps), ==, WIN_LAPS);
  g_assert_nonnull (visible_label (GTK_WIDGET (laps), "••••••"));
  g_assert_null (visible_label (GTK_WIDGET (laps), WIN_LAPS));
  g_assert_nonnull (visible_label (GTK_WIDGET (laps), "ContosoAdmin"));

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lk_test_find_widget (GTK_WIDGET (laps), lk_test_is_visible_button, "_Reveal")), TRUE);
  g_assert_nonnull (visible_label (GTK_WIDGET (laps), WIN_LAPS));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lk_test_find_widget (GTK_WIDGET (laps), lk_test_is_visible_button, "_Spell Out")), TRUE);
  g_assert_nonnull (visible_label (GTK_WIDGET (laps), "V: capital Victor"));

  lk_unlock_card_set_clipboard_timeout (laps, 100);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (laps), "unlock-card.copy", NULL));
  g_assert_false (clipboard_empty (laps));
  g_assert_true (lk_test_wait_until (clipboard_empty, laps));

  g_assert_true (lk_test_wait_until (history_has, revealed));
  g_assert_true (g_file_get_contents (fixture->history_path, &history_text, NULL, NULL));
  g_assert_nonnull (strstr (history_text, "revealLocalAdminPassword"));
  g_assert_null (strstr (history_text, WIN_LAPS));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (laps), "unlock-card.forget", NULL));
  g_assert_null (lk_unlock_card_get_secret (laps));
  g_assert_null (visible_label (GTK_WIDGET (laps), WIN_LAPS));
}

/* BitLocker: keys listed without a read; the audit notice before the first read, then gone. */
static void
test_windows_bitlocker (Fixture       *fixture,
                        gconstpointer  data)
{
  CardsWanted wanted = { fixture, 2 };
  LkUnlockCard *bitlocker;

  show (fixture, "LAPTOP-SOBRIEN");
  g_assert_true (lk_test_wait_until (cards_shown, &wanted));
  bitlocker = lk_test_unlock_card (GTK_WIDGET (device_page (fixture)), LK_UNLOCK_BITLOCKER);
  g_assert_nonnull (visible_label (GTK_WIDGET (bitlocker), "with your name"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (bitlocker), "unlock-card.show", NULL));
  g_assert_true (lk_test_wait_until (lk_test_unlock_keys_listed, bitlocker));
  g_assert_cmpuint (lk_sandbox_count_key_reads (fixture->sandbox), ==, 0);
  g_assert_nonnull (visible_label (GTK_WIDGET (bitlocker), "Removable data drive"));

  g_signal_emit_by_name (lk_test_find_widget (GTK_WIDGET (bitlocker), lk_test_is_visible_button, "_Show"), "clicked");
  g_assert_true (lk_test_wait_until (lk_test_unlock_card_has_secret, bitlocker));
  g_assert_true (g_regex_match_simple ("^([0-9]{6}-){7}[0-9]{6}$", lk_unlock_card_get_secret (bitlocker), 0, 0));
  g_assert_cmpuint (lk_sandbox_count_key_reads (fixture->sandbox), ==, 1);
  g_assert_null (visible_label (GTK_WIDGET (bitlocker), "with your name"));
}

static AdwMessageDialog *
rotate_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && g_strcmp0 (gtk_widget_get_name (window), "unlock-rotate-dialog") == 0)
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
rotated (gpointer sandbox)
{
  return lk_sandbox_count_rotations (sandbox) == 1;
}

/* Opens the FileVault rotation of Lorenzo's MacBook and confirms it with the typed name. */
static void
confirm_rotation (Fixture *fixture)
{
  CardsWanted wanted = { fixture, 2 };
  AdwMessageDialog *dialog;
  GtkEditable *entry;

  show (fixture, "MacBook Pro di Lorenzo");
  g_assert_true (lk_test_wait_until (cards_shown, &wanted));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (lk_test_unlock_card (GTK_WIDGET (device_page (fixture)), LK_UNLOCK_FILEVAULT)), "unlock-card.rotate", NULL));
  dialog = rotate_dialog ();
  g_assert_nonnull (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "rotate"));
  entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  gtk_editable_set_text (entry, "MacBook Pro");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "rotate"));
  gtk_editable_set_text (entry, "MacBook Pro di Lorenzo");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "rotate"));
  adw_message_dialog_response (dialog, "rotate");
}

/* Rotation: the typed name enables it; sent once; journaled. */
static void
test_rotate (Fixture       *fixture,
             gconstpointer  data)
{
  gpointer sent[] = { fixture, "sent" };

  confirm_rotation (fixture);
  g_assert_true (lk_test_wait_until (rotated, fixture->sandbox));
  g_assert_true (lk_test_wait_until (history_has, sent));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "rotateFileVaultKey"), ==, 1);
  g_assert_nonnull (visible_label (GTK_WIDGET (lk_test_unlock_card (GTK_WIDGET (device_page (fixture)), LK_UNLOCK_FILEVAULT)), "checks in"));
}

static gboolean
says_nothing_sent (gpointer data)
{
  Fixture *fixture = data;

  return visible_label (GTK_WIDGET (lk_test_unlock_card (GTK_WIDGET (device_page (fixture)), LK_UNLOCK_FILEVAULT)),
                        "Nothing was sent:") != NULL;
}

/* No intent, no request: a history that cannot be written stops the rotation, and the card
 * says why. */
static void
test_rotate_journal_unwritable (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *file = g_build_filename (fixture->dir, "not-a-folder", NULL);
  g_autofree char *path = g_build_filename (file, "history.jsonl", NULL);
  g_autoptr(LkActionHistory) unwritable = lk_action_history_new (path);

  /* Its folder would have to be made inside a regular file: unwritable even for root. */
  g_assert_true (g_file_set_contents (file, "", 0, NULL));
  lk_device_page_set_history (device_page (fixture), unwritable);
  confirm_rotation (fixture);
  g_assert_true (lk_test_wait_until (says_nothing_sent, fixture));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "rotateFileVaultKey"), ==, 0);
  g_assert_cmpuint (lk_sandbox_count_rotations (fixture->sandbox), ==, 0);
  g_unlink (file);
}

static gboolean
gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* The window closed while a rotation's intent is being written: nothing is sent later, and the
 * journal closes the intent as not sent instead of leaving it "outcome unknown". */
static void
test_rotate_closed_while_journaling (Fixture       *fixture,
                                     gconstpointer  data)
{
  gpointer not_sent[] = { fixture, "error" };
  gpointer window;

  confirm_rotation (fixture);
  /* At once: the intent's completion cannot have run, it needs the main loop. */
  window = g_steal_pointer (&fixture->window);
  g_object_add_weak_pointer (window, &window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (lk_test_wait_until (history_has, not_sent));
  g_assert_true (lk_test_wait_until (gone, &window));
  g_assert_false (history_has ((gpointer[]) { fixture, "sent" }));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "rotateFileVaultKey"), ==, 0);
  g_assert_cmpuint (lk_sandbox_count_rotations (fixture->sandbox), ==, 0);
}

static gboolean
no_rotate_dialog (gpointer data)
{
  return rotate_dialog () == NULL;
}

static gboolean
card_says (gpointer data)
{
  return visible_label (((gpointer *) data)[0], ((gpointer *) data)[1]) != NULL;
}

/* A rotation on its way (sent, or its outcome unknown) is not sent again: the card offers Check
 * Status instead of Rotate, also when the page is opened again; another kind is not held back;
 * a journaled rotation older than a day no longer holds one back. */
static void
test_rotate_in_flight (Fixture       *fixture,
                       gconstpointer  data)
{
  CardsWanted two = { fixture, 2 };
  LkUnlockCard *filevault;
  LkUnlockCard *admin;
  g_autoptr(LkHistoryEntry) old = lk_history_entry_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) two_days_ago = g_date_time_add_days (now, -2);
  g_autoptr(GPtrArray) entries = NULL;
  gpointer checked[2];

  test_rotate (fixture, data);
  /* adw_message_dialog_response() answers without closing, as a click would. */
  gtk_window_destroy (GTK_WINDOW (rotate_dialog ()));
  g_assert_true (lk_test_wait_until (no_rotate_dialog, NULL));
  filevault = lk_test_unlock_card (GTK_WIDGET (device_page (fixture)), LK_UNLOCK_FILEVAULT);
  g_assert_null (lk_test_find_widget (GTK_WIDGET (filevault), lk_test_is_visible_button, "R_otate…"));
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (filevault), lk_test_is_visible_button, "Check _Status"));
  /* Even when asked directly, no confirmation opens and nothing is sent. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (filevault), "unlock-card.rotate", NULL));
  g_assert_null (rotate_dialog ());
  g_assert_nonnull (visible_label (GTK_WIDGET (filevault), "may have reached Intune"));

  /* Intune lists no rotation result for it: still on its way, said after the check. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (filevault), "unlock-card.check-status", NULL));
  g_assert_nonnull (visible_label (GTK_WIDGET (filevault), "Checking"));
  checked[0] = filevault;
  checked[1] = "may have reached Intune";
  g_assert_true (lk_test_wait_until (card_says, checked));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "rotateFileVaultKey"), ==, 1);

  /* The journal holds it back on a page opened afresh; the macOS admin account is another kind. */
  show (fixture, "DESKTOP-7QK2L9M");
  show (fixture, "MacBook Pro di Lorenzo");
  g_assert_true (lk_test_wait_until (cards_shown, &two));
  filevault = lk_test_unlock_card (GTK_WIDGET (device_page (fixture)), LK_UNLOCK_FILEVAULT);
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (filevault), lk_test_is_visible_button, "Check _Status"));
  admin = lk_test_unlock_card (GTK_WIDGET (device_page (fixture)), LK_UNLOCK_MACOS_ADMIN);
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (admin), lk_test_is_visible_button, "R_otate…"));

  /* Older than a day and never reported: offered again (the device has long checked in). */
  entries = lk_action_history_load (fixture->history, NULL);
  old->device_id = g_strdup (((LkHistoryEntry *) g_ptr_array_index (entries, 0))->device_id);
  g_unlink (fixture->history_path);
  old->time = g_date_time_format_iso8601 (two_days_ago);
  old->action = g_strdup ("rotateFileVaultKey");
  old->outcome = g_strdup ("unknown");
  old->client_request_id = g_uuid_string_random ();
  g_assert_true (lk_action_history_append (fixture->history, old, NULL));
  show (fixture, "DESKTOP-7QK2L9M");
  show (fixture, "MacBook Pro di Lorenzo");
  g_assert_true (lk_test_wait_until (cards_shown, &two));
  filevault = lk_test_unlock_card (GTK_WIDGET (device_page (fixture)), LK_UNLOCK_FILEVAULT);
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (filevault), lk_test_is_visible_button, "R_otate…"));
  g_assert_null (lk_test_find_widget (GTK_WIDGET (filevault), lk_test_is_visible_button, "Check _Status"));
}

/* Not Entra joined: each option says why, and offers nothing to press. A Linux PC: no group. */
static void
test_unavailable (Fixture       *fixture,
                  gconstpointer  data)
{
  CardsWanted two = { fixture, 2 };
  CardsWanted none = { fixture, 0 };
  LkUnlockCard *laps;

  show (fixture, "PC-MAGAZZINO-03");
  g_assert_true (lk_test_wait_until (cards_shown, &two));
  laps = lk_test_unlock_card (GTK_WIDGET (device_page (fixture)), LK_UNLOCK_LAPS);
  g_assert_nonnull (visible_label (GTK_WIDGET (laps), "Entra joined or hybrid joined"));
  g_assert_null (lk_test_find_widget (GTK_WIDGET (laps), lk_test_is_visible_button, "Show"));
  g_assert_null (lk_test_find_widget (GTK_WIDGET (laps), lk_test_is_visible_button, "R_otate…"));

  show (fixture, "ubuntu-mrossi");
  g_assert_true (lk_test_wait_until (cards_shown, &none));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/unlock-cards/windows-laps", Fixture, NULL, setup, test_windows_laps, teardown);
  g_test_add ("/unlock-cards/windows-bitlocker", Fixture, NULL, setup, test_windows_bitlocker, teardown);
  g_test_add ("/unlock-cards/rotate", Fixture, NULL, setup, test_rotate, teardown);
  g_test_add ("/unlock-cards/rotate-in-flight", Fixture, NULL, setup, test_rotate_in_flight, teardown);
  g_test_add ("/unlock-cards/rotate-journal-unwritable", Fixture, NULL, setup, test_rotate_journal_unwritable,
              teardown);
  g_test_add ("/unlock-cards/rotate-closed-while-journaling", Fixture, NULL, setup,
              test_rotate_closed_while_journaling, teardown);
  g_test_add ("/unlock-cards/unavailable", Fixture, NULL, setup, test_unavailable, teardown);
  return g_test_run ();
}
