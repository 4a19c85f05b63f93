/* lk-history-window.c: the passcode actions sent from this computer, exportable as CSV.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-application.h"

#include "lk-device-labels.h"
#include "lk-history-window.h"
#include "lk-mnemonics.h"
#include "lk-toasts.h"

struct _LkHistoryWindow
{
  AdwWindow             parent_instance;

  AdwToastOverlay      *toasts;
  GtkStack             *stack;
  GtkListBox           *list;
  LkActionHistory      *history;
  GListModel           *model;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (LkHistoryWindow, lk_history_window, ADW_TYPE_WINDOW)

/* AdwActionRow 1.2 wraps its subtitle anywhere in a word, which cuts an admin's UPN in two; it
 * has no property for that, so its subtitle label (the one with the .subtitle class) is told
 * to wrap between words only. */
static void
wrap_subtitle_at_words (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "subtitle"))
    gtk_label_set_wrap_mode (GTK_LABEL (widget), PANGO_WRAP_WORD);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    wrap_subtitle_at_words (child);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  const LkHistoryEntry *entry = lk_history_record_get_entry (item);
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(GDateTime) when = entry->time != NULL ? g_date_time_new_from_iso8601 (entry->time, NULL) : NULL;
  g_autoptr(GDateTime) local = when != NULL ? g_date_time_to_local (when) : NULL;
  g_autofree char *time = local != NULL ? g_date_time_format (local, "%x %X") : g_strdup ("—");
  const char *action = lk_action_name_label (entry->action);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  /* A UPN's hyphens are break opportunities to Pango ("contoso-⏎demo"): a word joiner after
   * each keeps the address on one line. Display only: the label cannot be copied from. */
  g_auto(GStrv) parts = entry->admin != NULL ? g_strsplit (entry->admin, "-", -1) : NULL;
  g_autofree char *admin = parts != NULL ? g_strjoinv ("-\u2060", parts) : NULL;
  GtkWidget *outcome;

  title = g_markup_escape_text (entry->device_name != NULL ? entry->device_name : "—", -1);
  /* Translators: a History row's second line: action · when · who, e.g.
   * "Remove passcode · 30/11/2026 09:12:44 · giulia.bianchi@contoso.com" */
  subtitle = g_markup_printf_escaped (_("%s · %s · %s"), action != NULL ? action : "—", time,
                                      admin != NULL ? admin : "—");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (entry->action != NULL && g_strcmp0 (action, entry->action) != 0)
    gtk_widget_set_tooltip_text (row, entry->action);
  outcome = gtk_label_new (lk_history_outcome_label (entry->outcome));
  gtk_label_set_wrap (GTK_LABEL (outcome), TRUE);
  gtk_label_set_justify (GTK_LABEL (outcome), GTK_JUSTIFY_RIGHT);
  gtk_label_set_xalign (GTK_LABEL (outcome), 1);
  gtk_label_set_max_width_chars (GTK_LABEL (outcome), 18);
  /* One line when the row has room; wrapped only in a narrow window. */
  gtk_label_set_natural_wrap_mode (GTK_LABEL (outcome), GTK_NATURAL_WRAP_NONE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), outcome);
  wrap_subtitle_at_words (row);
  gtk_widget_set_focusable (row, FALSE);
  return row;
}

/* The journal has a line per event (sent, then how it ended); the admin reads one row per
 * action, with how it ended. Lines of one action share its client-request-id. */
static GListModel *
one_per_action (GListModel *events)
{
  GListStore *actions = g_list_store_new (LK_TYPE_HISTORY_RECORD);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  /* Newest first, so the first line of an action is its latest outcome. */
  for (guint i = 0; i < g_list_model_get_n_items (events); i++)
    {
      g_autoptr(LkHistoryRecord) record = g_list_model_get_item (events, i);
      const char *id = lk_history_record_get_entry (record)->client_request_id;

      if (id != NULL && !g_hash_table_add (seen, (gpointer) id))
        continue;
      g_list_store_append (actions, record);
    }
  return G_LIST_MODEL (actions);
}

static void
reload (LkHistoryWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) events = NULL;

  g_clear_object (&self->model);
  /* Newest first: the action just taken is the one looked for. */
  events = lk_action_history_load_model (self->history, &error);
  self->model = events != NULL ? one_per_action (events) : NULL;
  if (self->model == NULL)
    {
      gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
      adw_toast_overlay_add_toast (self->toasts, lk_toast_new_plain (error->message));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  gtk_list_box_bind_model (self->list, self->model, create_row, NULL, NULL);
  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (self->model) > 0 ? "list" : "empty");
}

static void
export_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LkHistoryWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      adw_toast_overlay_add_toast (self->toasts, lk_toast_new_plain (error->message));
      return;
    }
  name = g_file_get_basename (G_FILE (source));
  /* Translators: a toast; %s is the file name the history was exported to. */
  message = g_strdup_printf (_("History exported to %s"), name);
  adw_toast_overlay_add_toast (self->toasts, lk_toast_new_plain (message));
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     LkHistoryWindow *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) csv = NULL;
  char *text;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      /* Read again, oldest first: the export holds what the file holds now. */
      entries = lk_action_history_load (self->history, &error);
      text = entries != NULL ? lk_action_history_to_csv (entries) : NULL;
      if (text == NULL)
        adw_toast_overlay_add_toast (self->toasts, lk_toast_new_plain (error->message));
      else
        {
          /* Written by GIO's worker thread: a slow disk or network folder never freezes the window. */
          csv = g_bytes_new_take (text, strlen (text));
          g_file_replace_contents_bytes_async (file, csv, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL,
                                               export_written_cb, g_object_ref (self));
        }
    }
  g_clear_object (&self->chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *name,
               GVariant   *parameter)
{
  LkHistoryWindow *self = LK_HISTORY_WINDOW (widget);

  /* A second click while the chooser is open brings that one back, rather than a second. */
  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }
  /* GtkFileChooserNative goes through the file chooser portal inside Flatpak. */
  self->chooser = gtk_file_chooser_native_new (_("Export History"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), "latchkey-history.csv");
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
lk_history_window_dispose (GObject *object)
{
  LkHistoryWindow *self = LK_HISTORY_WINDOW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->history);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (lk_history_window_parent_class)->dispose (object);
}

static void
lk_history_window_class_init (LkHistoryWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = lk_history_window_dispose;
  gtk_widget_class_install_action (widget_class, "history.export", NULL, export_action);
  lk_add_close_shortcuts (widget_class);
}

static void
lk_history_window_init (LkHistoryWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *export = gtk_button_new_with_mnemonic (_("_Export CSV…"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *empty = adw_status_page_new ();

  /* Small enough to build in code: a header, a list, and an empty state. */
  gtk_window_set_title (GTK_WINDOW (self), _("Action History"));
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 600);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (export), "history.export");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), export);
  lk_widget_name_without_mnemonics (export);
  gtk_box_append (GTK_BOX (box), header);

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_widget_set_margin_top (GTK_WIDGET (self->list), 18);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->list), 18);
  gtk_widget_set_margin_start (GTK_WIDGET (self->list), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->list), 12);
  gtk_widget_set_valign (GTK_WIDGET (self->list), GTK_ALIGN_START);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (self->list));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "document-open-recent-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Actions Yet"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                   _("Passcode actions sent from this computer appear here. Passcodes are never recorded."));

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_stack_add_named (self->stack, scrolled, "list");
  gtk_stack_add_named (self->stack, empty, "empty");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));

  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (self->toasts, box);
  adw_window_set_content (ADW_WINDOW (self), GTK_WIDGET (self->toasts));
}

LkHistoryWindow *
lk_history_window_new (LkActionHistory *history,
                       GtkWindow       *parent)
{
  LkHistoryWindow *self;

  g_return_val_if_fail (LK_IS_ACTION_HISTORY (history), NULL);

  self = g_object_new (LK_TYPE_HISTORY_WINDOW, "transient-for", parent, NULL);
  self->history = g_object_ref (history);
  reload (self);
  return self;
}

guint
lk_history_window_get_n_rows (LkHistoryWindow *self)
{
  g_return_val_if_fail (LK_IS_HISTORY_WINDOW (self), 0);
  return self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
}
