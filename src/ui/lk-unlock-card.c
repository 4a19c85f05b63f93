/* lk-unlock-card.c: one unlock option of a Windows PC or a Mac on the device page.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-account-manager.h"
#include "lk-action-journal.h"
#include "lk-application.h"
#include "lk-clipboard.h"
#include "lk-cloud.h"
#include "lk-graph-error.h"
#include "lk-unlock-card.h"
#include "lk-unlock-client.h"

/* As a copied passcode: off the clipboard after a minute, if still ours. */
#define CLIPBOARD_CLEAR_MS (60 * 1000)
#define HIDDEN "••••••"

struct _LkUnlockCard
{
  GtkBox            parent_instance;

  GtkLabel         *title_label;
  GtkLabel         *reason_label;
  GtkLinkButton    *doc_link;
  GtkLabel         *audit_label;
  GtkListBox       *keys_list;
  GtkWidget        *secret_box;
  GtkLabel         *detail_label;
  GtkLabel         *secret_label;
  GtkToggleButton  *reveal_button;
  GtkToggleButton  *spell_button;
  GtkLabel         *spelling_label;
  GtkLabel         *status_label;
  GtkButton        *show_button;
  GtkWidget        *grant_button;
  GtkWidget        *rotate_button;
  GtkWidget        *check_button;

  LkUnlockOption    option;
  LkDevice         *device;
  char             *entra_id;
  LkGraphClient    *client;
  LkActionHistory  *history;
  GCancellable     *cancellable;
  LkUnlockSecret   *secret;        /* wiped on forget and dispose */
  char             *key_id;        /* BitLocker: the key to read next */
  const char       *needed_scope;  /* the permission of the step under way (read or rotate) */
  gboolean          rotating;      /* the step under way is a rotation */
  gboolean          granting;      /* consent asked for after a refusal, not before a step */
  gboolean          keys_listed;
  gboolean          busy;
  guint             clipboard_clear_ms;
};

G_DEFINE_FINAL_TYPE (LkUnlockCard, lk_unlock_card, GTK_TYPE_BOX)

/* "Before the first BitLocker read, say once": the notice shows until a key was read here. */
static gboolean bitlocker_audit_said;

static void run (LkUnlockCard *self);
static void send_rotation (LkUnlockCard *self);
static gboolean update_rotation (LkUnlockCard *self,
                                 GPtrArray    *results,
                                 gboolean      say);

/* --- who is signed in (for the journal and for consent) ------------------------------------ */

static LkAccount *
active_account (LkUnlockCard *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;

  if (!LK_IS_APPLICATION (app))
    return NULL;
  return lk_account_manager_get_active_account (lk_application_get_accounts (LK_APPLICATION (app)));
}

static LkAccountManager *
account_manager (LkUnlockCard *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *app = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;

  return LK_IS_APPLICATION (app) ? lk_application_get_accounts (LK_APPLICATION (app)) : NULL;
}

static LkHistoryEntry *
journal_entry (LkUnlockCard *self,
               const char   *action,
               const char   *outcome,
               const char   *detail,
               const char   *request_id,
               const char   *client_request_id)
{
  LkAccount *account = active_account (self);

  return lk_unlock_journal_entry_new (self->device, account != NULL ? lk_account_get_username (account) : NULL,
                                      account != NULL ? lk_account_get_tenant_id (account) : NULL,
                                      action, outcome, detail, request_id, client_request_id);
}

static void
journal (LkUnlockCard *self,
         const char   *action,
         const char   *outcome,
         const char   *detail,
         const char   *request_id,
         const char   *client_request_id)
{
  g_autoptr(LkHistoryEntry) entry = journal_entry (self, action, outcome, detail, request_id, client_request_id);
  g_autoptr(GError) error = NULL;

  /* After the request, on the main thread: not waiting for fsync (see lk-action-history.h). */
  if (!lk_action_history_append_outcome (self->history, entry, &error))
    g_warning ("Could not write the history: %s", error->message);
}

/* --- what the card shows ------------------------------------------------------------------ */

static void
set_status (LkUnlockCard *self,
            const char   *text)
{
  gtk_label_set_label (self->status_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), text != NULL);
}

static void
set_busy (LkUnlockCard *self,
          gboolean      busy)
{
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "unlock-card.show", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "unlock-card.rotate", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "unlock-card.grant", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "unlock-card.check-status", !busy);
}

static void
show_secret (LkUnlockCard *self)
{
  gboolean revealed = self->secret != NULL && gtk_toggle_button_get_active (self->reveal_button);
  gboolean spelled = revealed && gtk_toggle_button_get_active (self->spell_button);
  g_auto(GStrv) words = spelled ? lk_phonetic_spell (self->secret->secret) : NULL;
  g_autofree char *spelling = words != NULL ? g_strjoinv ("\n", words) : NULL;

  gtk_widget_set_visible (self->secret_box, self->secret != NULL);
  gtk_label_set_label (self->secret_label, revealed ? self->secret->secret : HIDDEN);
  gtk_label_set_selectable (self->secret_label, revealed);
  gtk_label_set_label (self->spelling_label, spelling != NULL ? spelling : "");
  gtk_widget_set_visible (GTK_WIDGET (self->spelling_label), spelled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "unlock-card.copy", self->secret != NULL);
  for (guint i = 0; words != NULL && words[i] != NULL; i++)
    explicit_bzero (words[i], strlen (words[i]));
  if (spelling != NULL)
    explicit_bzero (spelling, strlen (spelling));
}

static void
show_error (LkUnlockCard *self,
            const GError *error)
{
  g_autofree char *ids = lk_graph_error_format_ids (error);
  g_autofree char *text = ids != NULL ? g_strdup_printf ("%s\n%s", error->message, ids) : g_strdup (error->message);
  gboolean forbidden = g_error_matches (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_FORBIDDEN);

  set_status (self, text);
  /* A missing permission can be granted from here (incremental consent). */
  gtk_widget_set_visible (self->grant_button, forbidden && account_manager (self) != NULL);
}

void
lk_unlock_card_wipe (LkUnlockCard *self)
{
  g_return_if_fail (LK_IS_UNLOCK_CARD (self));

  g_clear_pointer (&self->secret, lk_unlock_secret_free);
  gtk_toggle_button_set_active (self->reveal_button, FALSE);
  gtk_toggle_button_set_active (self->spell_button, FALSE);
  show_secret (self);
}

/* --- reading ------------------------------------------------------------------------------ */

static void
revealed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(LkUnlockCard) self = user_data;
  g_autoptr(GError) error = NULL;
  LkUnlockSecret *secret = lk_unlock_client_reveal_finish (LK_UNLOCK_CLIENT (source), result, &error);
  const char *action = lk_unlock_kind_reveal_action (self->option.kind);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (secret == NULL)
    {
      journal (self, action, "error", error->message, lk_graph_error_get_request_id (error),
               lk_graph_error_get_client_request_id (error));
      show_error (self, error);
      return;
    }
  journal (self, action, "revealed", NULL, secret->request_id, secret->client_request_id);
  if (self->option.kind == LK_UNLOCK_BITLOCKER)
    {
      bitlocker_audit_said = TRUE;
      gtk_widget_set_visible (GTK_WIDGET (self->audit_label), FALSE);
    }
  lk_unlock_card_wipe (self);
  self->secret = secret;
  {
    g_autofree char *when = secret->backup_time != NULL ? lk_unlock_format_time (secret->backup_time) : NULL;
    g_autoptr(GString) detail = g_string_new (NULL);

    if (secret->account_name != NULL)
      g_string_append_printf (detail, _("Account: %s"), secret->account_name);
    if (secret->key_id != NULL)
      g_string_append_printf (detail, _("Recovery key ID: %s"), secret->key_id);
    if (when != NULL)
      g_string_append_printf (detail, "%s%s", detail->len > 0 ? " · " : "", when);
    gtk_label_set_label (self->detail_label, detail->str);
  }
  set_status (self, NULL);
  show_secret (self);
}

static void
key_show_clicked_cb (GtkButton    *button,
                     LkUnlockCard *self)
{
  g_free (self->key_id);
  self->key_id = g_strdup (g_object_get_data (G_OBJECT (button), "key-id"));
  run (self);
}

static void
add_key_row (LkUnlockCard       *self,
             LkBitLockerKeyInfo *info)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Show"));
  g_autofree char *when = info->created != NULL ? lk_unlock_format_time (info->created) : NULL;
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", lk_bitlocker_volume_type_label (info->volume_type),
                                               when != NULL ? when : "—");

  /* Plain text: the id and date come from the network. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->id);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (row, "monospace");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (button), "key-id", g_strdup (info->id), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (key_show_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  gtk_list_box_append (self->keys_list, row);
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(LkUnlockCard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = lk_unlock_client_list_bitlocker_finish (LK_UNLOCK_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (keys == NULL)
    {
      show_error (self, error);
      return;
    }
  self->keys_listed = TRUE;
  for (guint i = 0; i < keys->len; i++)
    add_key_row (self, g_ptr_array_index (keys, i));
  gtk_widget_set_visible (GTK_WIDGET (self->keys_list), keys->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->show_button), FALSE);
  set_status (self, keys->len == 0 ? _("Microsoft Entra ID holds no BitLocker recovery key for this device.")
                                   : _("Match the key ID the recovery screen shows, then show that key."));
}

/* Lists the BitLocker keys, or reads the secret: always after the admin asked. */
static void
run (LkUnlockCard *self)
{
  g_autoptr(LkUnlockClient) unlock = NULL;
  const char *id;

  if (self->client == NULL || self->busy)
    return;
  unlock = lk_unlock_client_new (self->client);
  set_busy (self, TRUE);
  set_status (self, self->option.kind == LK_UNLOCK_BITLOCKER && !self->keys_listed
                    ? _("Listing the recovery keys…") : _("Reading…"));
  gtk_widget_set_visible (self->grant_button, FALSE);
  if (self->option.kind == LK_UNLOCK_BITLOCKER && !self->keys_listed)
    {
      lk_unlock_client_list_bitlocker_async (unlock, self->entra_id, self->cancellable, listed_cb, g_object_ref (self));
      return;
    }
  id = self->option.kind == LK_UNLOCK_BITLOCKER ? self->key_id
       : self->option.kind == LK_UNLOCK_LAPS ? self->entra_id : lk_device_get_id (self->device);
  lk_unlock_client_reveal_async (unlock, self->option.kind, id, self->cancellable, revealed_cb, g_object_ref (self));
}

/* --- permissions, asked for when first needed ------------------------------------------------ */

static void
consented_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(LkUnlockCard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkAccount) account = lk_account_manager_request_scopes_finish (LK_ACCOUNT_MANAGER (source), result, &error);

  set_busy (self, FALSE);
  if (account == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, error->message);
      return;
    }
  /* The account that came back holds the new permission; the application already moved the
   * window's client (ours) to it. */
  /* A rotation refused with 403 was not sent; it is sent again only when the admin confirms it
   * again, never by itself after the consent. */
  if (self->rotating && self->granting)
    set_status (self, _("Permission granted. Press Rotate again to send the rotation."));
  else if (self->rotating)
    send_rotation (self);
  else
    run (self);
}

/* Asks for the step's permission first when the signed-in account lacks it; then takes the
 * step (a read, or the rotation the admin confirmed). */
static void
ensure_scope_and_run (LkUnlockCard *self,
                      gboolean      rotating)
{
  LkAccountManager *manager = account_manager (self);
  LkAccount *account = active_account (self);
  const char *scope = rotating ? self->option.rotate_scope : self->option.read_scope;

  self->rotating = rotating;
  self->granting = FALSE;
  self->needed_scope = scope;
  if (manager == NULL || account == NULL || scope == NULL
      || lk_scopes_contain (lk_account_get_scopes (account), scope))
    {
      if (rotating)
        send_rotation (self);
      else
        run (self);
      return;
    }
  set_busy (self, TRUE);
  set_status (self, _("Asking Microsoft Entra ID for the permission in your browser…"));
  lk_account_manager_request_scopes_async (manager, account, scope, self->cancellable, consented_cb,
                                           g_object_ref (self));
}

static void
show_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  LkUnlockCard *self = LK_UNLOCK_CARD (widget);

  ensure_scope_and_run (self, FALSE);
}

static void
grant_action (GtkWidget  *widget,
              const char *name,
              GVariant   *parameter)
{
  LkUnlockCard *self = LK_UNLOCK_CARD (widget);
  LkAccountManager *manager = account_manager (self);
  LkAccount *account = active_account (self);

  if (manager == NULL || account == NULL || self->busy || self->needed_scope == NULL)
    return;
  set_busy (self, TRUE);
  self->granting = TRUE;
  /* The permission of the step that was refused. */
  lk_account_manager_request_scopes_async (manager, account, self->needed_scope, self->cancellable,
                                           consented_cb, g_object_ref (self));
}

static void
copy_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  LkUnlockCard *self = LK_UNLOCK_CARD (widget);

  if (self->secret != NULL)
    lk_clipboard_set_secret (widget, self->secret->secret, self->clipboard_clear_ms);
}

static void
forget_action (GtkWidget  *widget,
               const char *name,
               GVariant   *parameter)
{
  lk_unlock_card_wipe (LK_UNLOCK_CARD (widget));
}

/* --- rotation ------------------------------------------------------------------------------- */

static void
rotated_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LkUnlockCard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *client_request_id = NULL;
  const char *action = lk_unlock_kind_rotate_action (self->option.kind);
  gboolean sent = lk_graph_client_post_action_finish_full (LK_GRAPH_CLIENT (source), result, &request_id,
                                                           &client_request_id, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The card went away with the request on its way: the journal says "outcome unknown". */
      journal (self, action, "unknown", NULL, NULL, client_request_id);
      return;
    }
  set_busy (self, FALSE);
  if (!sent)
    {
      gboolean unknown = g_error_matches (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_OUTCOME_UNKNOWN);

      journal (self, action, unknown ? "unknown" : "error", error->message, request_id, client_request_id);
      show_error (self, error);
      update_rotation (self, NULL, FALSE);
      return;
    }
  journal (self, action, "sent", NULL, request_id, client_request_id);
  update_rotation (self, NULL, FALSE);
  /* The old secret is no longer the one to read out. */
  lk_unlock_card_wipe (self);
  set_status (self, _("Rotation sent. The new secret exists only after the device checks in with Intune; show it again then."));
}

/* Whether a rotation of this card's secret may still be on its way (the journal, and Intune's
 * deviceActionResults when @results were read); a second one would only queue another, so the
 * card offers Check Status instead of Rotate until it is not. */
static LkInFlight
rotation_in_flight (LkUnlockCard  *self,
                    GPtrArray     *results,
                    GDateTime    **since)
{
  g_autoptr(GPtrArray) entries = lk_action_history_load (self->history, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return lk_rotation_in_flight (entries, results, lk_device_get_id (self->device),
                                lk_unlock_kind_rotate_action (self->option.kind), now, since);
}

/* Shows Rotate or Check Status; says why when a rotation is in flight and @say. */
static gboolean
update_rotation (LkUnlockCard *self,
                 GPtrArray    *results,
                 gboolean      say)
{
  g_autoptr(GDateTime) since = NULL;
  gboolean can_rotate = self->option.availability == LK_UNLOCK_AVAILABLE && self->client != NULL;
  LkInFlight in_flight = can_rotate ? rotation_in_flight (self, results, &since) : LK_IN_FLIGHT_NONE;

  gtk_widget_set_visible (self->rotate_button, can_rotate && in_flight == LK_IN_FLIGHT_NONE);
  gtk_widget_set_visible (self->check_button, in_flight != LK_IN_FLIGHT_NONE);
  if (say && in_flight != LK_IN_FLIGHT_NONE)
    {
      g_autofree char *text = lk_rotation_in_flight_text (in_flight, since);

      set_status (self, text);
    }
  return in_flight != LK_IN_FLIGHT_NONE;
}

static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(LkUnlockCard) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = lk_graph_client_get_action_results_finish (LK_GRAPH_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (results == NULL)
    show_error (self, error);
  else if (!update_rotation (self, results, TRUE))
    set_status (self, _("No rotation of this secret is on its way any more: you can rotate it again."));
}

static void
check_status_action (GtkWidget  *widget,
                     const char *name,
                     GVariant   *parameter)
{
  LkUnlockCard *self = LK_UNLOCK_CARD (widget);

  if (self->busy || self->client == NULL)
    return;
  set_busy (self, TRUE);
  set_status (self, _("Checking the rotation in Intune…"));
  lk_graph_client_get_action_results_async (self->client, lk_device_get_id (self->device), self->cancellable,
                                            checked_cb, g_object_ref (self));
}

static void
rotation_journaled_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(LkUnlockCard) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean written = lk_action_history_append_intent_finish (LK_ACTION_HISTORY (source), result, &error);

  /* The card left the window (closed, or another device shown; dispose also drops its
   * cancellable) while the intent was written: nothing is sent, and the journal says so. */
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable)
      || gtk_widget_get_root (GTK_WIDGET (self)) == NULL)
    {
      if (written)
        lk_action_history_withdraw_intent (LK_ACTION_HISTORY (source), result);
      return;
    }
  if (!written)
    {
      set_busy (self, FALSE);
      show_error (self, error);
      return;
    }
  lk_graph_client_post_action_with_id_async (self->client, lk_device_get_id (self->device),
                                             lk_unlock_kind_device_action (self->option.kind),
                                             lk_action_history_intent_get_client_request_id (result),
                                             self->cancellable, rotated_cb, g_object_ref (self));
}

/* The intent is on disk before the request leaves (the same journal as a reset), written on a
 * worker so that the window never waits for the disk; no intent, no request. */
static void
send_rotation (LkUnlockCard *self)
{
  g_autofree char *client_request_id = g_uuid_string_random ();
  g_autoptr(LkHistoryEntry) intent = journal_entry (self, lk_unlock_kind_rotate_action (self->option.kind),
                                                    "sending", NULL, NULL, client_request_id);

  set_busy (self, TRUE);
  lk_action_history_append_intent_async (self->history, intent, self->cancellable, rotation_journaled_cb,
                                         g_object_ref (self));
}

static void
rotate_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    LkUnlockCard     *self)
{
  if (g_str_equal (response, "rotate") && !self->busy)
    ensure_scope_and_run (self, TRUE);
}

static void
confirm_changed_cb (GtkEditable      *entry,
                    AdwMessageDialog *dialog)
{
  LkUnlockCard *self = g_object_get_data (G_OBJECT (dialog), "card");

  adw_message_dialog_set_response_enabled (dialog, "rotate",
                                           g_strcmp0 (gtk_editable_get_text (entry),
                                                      lk_device_get_device_name (self->device)) == 0);
}

static void
rotate_action (GtkWidget  *widget,
               const char *name,
               GVariant   *parameter)
{
  LkUnlockCard *self = LK_UNLOCK_CARD (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;
  GtkWidget *entry;
  g_autofree char *heading = g_strdup_printf (_("Rotate “%s”?"), lk_unlock_kind_label (self->option.kind));
  g_autofree char *body = g_strdup_printf (_("Intune asks %s for a new secret; the current one stops working once the device checks in, and only then does the new one exist. Type the device name to confirm."),
                                           lk_device_get_device_name (self->device));

  if (update_rotation (self, NULL, TRUE))
    return;
  entry = gtk_entry_new ();
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  gtk_widget_set_name (dialog, "unlock-rotate-dialog");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "rotate", _("_Rotate"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rotate", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "rotate", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  g_object_set_data (G_OBJECT (dialog), "card", self);
  g_signal_connect_object (entry, "changed", G_CALLBACK (confirm_changed_cb), dialog, 0);
  g_signal_connect_object (dialog, "response", G_CALLBACK (rotate_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* --- object ----------------------------------------------------------------------------------- */

static void
lk_unlock_card_dispose (GObject *object)
{
  LkUnlockCard *self = LK_UNLOCK_CARD (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->secret, lk_unlock_secret_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), LK_TYPE_UNLOCK_CARD);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->device);
  g_clear_object (&self->client);
  g_clear_object (&self->history);
  G_OBJECT_CLASS (lk_unlock_card_parent_class)->dispose (object);
}

static void
lk_unlock_card_finalize (GObject *object)
{
  LkUnlockCard *self = LK_UNLOCK_CARD (object);

  g_free (self->entra_id);
  g_free (self->key_id);
  G_OBJECT_CLASS (lk_unlock_card_parent_class)->finalize (object);
}

static void
lk_unlock_card_class_init (LkUnlockCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lk_unlock_card_dispose;
  object_class->finalize = lk_unlock_card_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lk-unlock-card.ui");
  gtk_widget_class_bind_template_child (widget_class, LkUnlockCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, LkUnlockCard, reason_label);
  gtk_widget_class_bind_template_child (widget_class, LkUnlockCard, doc_link);
  gtk_widget_class_bind_template_child (widget_class, LkUnlockCard, audit_label);
  gtk_widget_class_bind_template_child (widget_class, LkUnlockCard, keys_list);
  gtk_widget_class_bind_template_child (widget_class, LkUnlockCard, secret_box);
  gtk_widget_class_bind_template_child (widget_class, LkUnlockCard, detail_label);
  gtk_widget_class_bind_template_child (widget_class, LkUnlockCard, secret_label);
  gtk_widget_class_bind_template_child (widget_class, LkUnlockCard, reveal_button);
  gtk_widget_class_bind_template_child (widget_class, LkUnlockCard, spell_button);
  gtk_widget_class_bind_template_child (widget_class, LkUnlockCard, spelling_label);
  gtk_widget_class_bind_template_child (widget_class, LkUnlockCard, status_label);
  gtk_widget_class_bind_template_child (widget_class, LkUnlockCard, show_button);
  gtk_widget_class_bind_template_child (widget_class, LkUnlockCard, grant_button);
  gtk_widget_class_bind_template_child (widget_class, LkUnlockCard, rotate_button);
  gtk_widget_class_bind_template_child (widget_class, LkUnlockCard, check_button);
  gtk_widget_class_install_action (widget_class, "unlock-card.show", NULL, show_action);
  gtk_widget_class_install_action (widget_class, "unlock-card.grant", NULL, grant_action);
  gtk_widget_class_install_action (widget_class, "unlock-card.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "unlock-card.forget", NULL, forget_action);
  gtk_widget_class_install_action (widget_class, "unlock-card.rotate", NULL, rotate_action);
  gtk_widget_class_install_action (widget_class, "unlock-card.check-status", NULL, check_status_action);
}

static void
lk_unlock_card_init (LkUnlockCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->clipboard_clear_ms = CLIPBOARD_CLEAR_MS;
  g_signal_connect_swapped (self->reveal_button, "toggled", G_CALLBACK (show_secret), self);
  g_signal_connect_swapped (self->spell_button, "toggled", G_CALLBACK (show_secret), self);
}

GtkWidget *
lk_unlock_card_new (const LkUnlockOption *option,
                    LkDevice             *device,
                    const char           *entra_device_id,
                    LkGraphClient        *client,
                    LkActionHistory      *history)
{
  LkUnlockCard *self = g_object_new (LK_TYPE_UNLOCK_CARD, NULL);
  gboolean available = option->availability == LK_UNLOCK_AVAILABLE;

  self->option = *option;
  self->device = g_object_ref (device);
  self->entra_id = g_strdup (entra_device_id);
  self->client = client != NULL ? g_object_ref (client) : NULL;
  self->history = history != NULL ? g_object_ref (history) : lk_action_history_new (NULL);
  gtk_label_set_label (self->title_label, lk_unlock_kind_label (option->kind));
  gtk_label_set_label (self->reason_label, option->reason);
  gtk_link_button_set_uri (self->doc_link, option->doc_url);
  gtk_button_set_label (self->show_button, option->kind == LK_UNLOCK_BITLOCKER ? _("Show Keys") : _("Show"));
  gtk_widget_set_visible (GTK_WIDGET (self->show_button), available && client != NULL);
  update_rotation (self, NULL, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->audit_label),
                          available && option->kind == LK_UNLOCK_BITLOCKER && !bitlocker_audit_said);
  show_secret (self);
  return GTK_WIDGET (self);
}

LkUnlockKind
lk_unlock_card_get_kind (LkUnlockCard *self)
{
  g_return_val_if_fail (LK_IS_UNLOCK_CARD (self), LK_UNLOCK_N_KINDS);
  return self->option.kind;
}

const char *
lk_unlock_card_get_secret (LkUnlockCard *self)
{
  g_return_val_if_fail (LK_IS_UNLOCK_CARD (self), NULL);
  return self->secret != NULL ? self->secret->secret : NULL;
}

void
lk_unlock_card_set_clipboard_timeout (LkUnlockCard *self,
                                      guint         ms)
{
  g_return_if_fail (LK_IS_UNLOCK_CARD (self));
  self->clipboard_clear_ms = ms;
}

void
lk_unlock_cards_fill (AdwPreferencesGroup *group,
                      GPtrArray           *cards,
                      LkDevice            *device,
                      const char          *entra_device_id,
                      LkGraphClient       *client,
                      LkActionHistory     *history)
{
  g_autoptr(GArray) options = NULL;

  for (guint i = 0; i < cards->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (cards, i));
  g_ptr_array_set_size (cards, 0);
  if (device != NULL && client != NULL)
    options = lk_unlock_options_for_device (device, entra_device_id, NULL);
  for (guint i = 0; options != NULL && i < options->len; i++)
    {
      GtkWidget *card = lk_unlock_card_new (&g_array_index (options, LkUnlockOption, i), device,
                                            entra_device_id, client, history);

      adw_preferences_group_add (group, card);
      g_ptr_array_add (cards, card);
    }
  gtk_widget_set_visible (GTK_WIDGET (group), cards->len > 0);
}
