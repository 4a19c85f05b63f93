/* lk-window.c: the main window: search, results with capability badges, the device page.
 *
 * A search streams pages from the Graph client into an LkDeviceList (the ranked result then
 * takes its place in one step), which also applies the platform/ownership toggles (as a set
 * of device classes, so a million devices filter in a few milliseconds), and a GtkListView
 * shows only what is on screen, so a million-device listing costs rows for one screenful, and
 * its items are positions (lk-result-slots.c), so a change of every device keeps its rows.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-auth-error.h"
#include "lk-capability.h"
#include "lk-device-list.h"
#include "lk-device-page.h"
#include "lk-graph-error.h"
#include "lk-mnemonics.h"
#include "lk-result-rows.h"
#include "lk-result-slots.h"
#include "lk-toasts.h"
#include "lk-window-private.h"

#define SEARCH_DELAY_MS 250

G_DEFINE_FINAL_TYPE (LkWindow, lk_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  SIGNAL_ACTION_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_search (LkWindow *self, const char *text);

/* --- states ----------------------------------------------------------------------------------- */

/* The open device's position: by id once per new list, then by its instance there (pointers). */
static guint
open_position (LkWindow *self,
               LkDevice *device)
{
  guint position = GTK_INVALID_LIST_POSITION;

  if (self->listed_open != NULL && g_strcmp0 (lk_device_get_id (self->listed_open), lk_device_get_id (device)) == 0)
    position = lk_device_list_find (self->store, self->listed_open);
  if (position == GTK_INVALID_LIST_POSITION)
    position = lk_device_list_find (self->store, device);
  g_clear_object (&self->listed_open);
  if (position != GTK_INVALID_LIST_POSITION)
    self->listed_open = g_list_model_get_item (G_LIST_MODEL (self->store), position);
  return position;
}

/* The list view's items are positions (lk-result-slots.c): after the devices change, the
 * selected position is the open device's again, not whichever device took its place. Returns
 * that position in the list; a long list reaches the list view a few rows per idle turn, so
 * a row still to come is selected when it comes (slots_changed_cb()). */
static guint
select_open_device (LkWindow *self)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (self->list_view));
  LkDevice *device = lk_device_page_get_device (self->device_page);
  guint position = device != NULL ? open_position (self, device) : GTK_INVALID_LIST_POSITION;

  if (gtk_single_selection_get_selected (selection) != position)
    gtk_single_selection_set_selected (selection, position);
  self->selection_to_come = gtk_single_selection_get_selected (selection) != position ? position
                                                                                     : GTK_INVALID_LIST_POSITION;
  return position;
}

static void
store_changed_cb (LkWindow *self,
                  guint     position,
                  guint     removed,
                  guint     added)
{
  /* Pages streaming in are appended: no shown device moves. */
  if (removed > 0)
    select_open_device (self);
}

static void
slots_changed_cb (LkWindow   *self,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GListModel *slots)
{
  guint to_come = self->selection_to_come;

  /* GTK_INVALID_LIST_POSITION (none to come) is past any length. */
  if (to_come >= g_list_model_get_n_items (slots))
    return;
  self->selection_to_come = GTK_INVALID_LIST_POSITION;
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (self->list_view)), to_come);
}

/* The device pane never shows a device the list does not: a device left over from an earlier
 * search, beside "No Devices Found" or other results, would invite acting on the wrong one. */
static void
sync_device_pane (LkWindow *self)
{
  LkDevice *device = lk_device_page_get_device (self->device_page);

  if (select_open_device (self) != GTK_INVALID_LIST_POSITION || device == NULL)
    return;
  lk_device_page_set_device (self->device_page, NULL);
  if (adw_leaflet_get_folded (self->leaflet)
      && adw_leaflet_get_visible_child (self->leaflet) == self->device_pane)
    adw_leaflet_set_visible_child_name (self->leaflet, "list");
}

static void
set_state (LkWindow   *self,
           const char *state)
{
  /* The list comes in at once: a crossfade would draw the page it leaves and the list into
   * offscreen surfaces in every frame for its 200 ms, the very frames in which the list makes
   * its first rows (at a million devices, the stream's longest main-loop stalls: 22-32 ms). */
  if (g_str_equal (state, "results"))
    gtk_stack_set_visible_child_full (self->stack, state, GTK_STACK_TRANSITION_TYPE_NONE);
  else
    gtk_stack_set_visible_child_name (self->stack, state);
  /* While a listing streams in, the open device may be on a page still to come. */
  if (self->search_cancellable == NULL)
    sync_device_pane (self);
}

/* The listing, or why it is empty although devices were found. */
void
lk_window_show_listing (LkWindow *self)
{
  guint found = lk_device_list_get_n_all (self->store);
  g_autofree char *description = NULL;

  if (found == 0 || g_list_model_get_n_items (G_LIST_MODEL (self->store)) > 0)
    {
      set_state (self, "results");
      return;
    }
  description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u device found is hidden by the platform and ownership filters.",
                                              "All %u devices found are hidden by the platform and ownership filters.",
                                              found),
                                 found);
  adw_status_page_set_description (self->filtered_page, description);
  set_state (self, "filtered-empty");
}

static void
show_no_results (LkWindow *self)
{
  g_autofree char *description = NULL;
  g_autofree char *escaped = NULL;

  if (self->last_query != NULL && *self->last_query != '\0')
    description = g_strdup_printf (_("Nothing matches “%s”. Try part of the device name, the user’s name or e-mail address, the serial number or the IMEI."),
                                   self->last_query);
  else
    description = g_strdup (_("This tenant has no managed devices yet."));
  /* The status page's description is markup; the query is whatever was typed. */
  escaped = g_markup_escape_text (description, -1);
  adw_status_page_set_description (self->no_results_page, escaped);
  set_state (self, "no-results");
}

void
lk_window_show_error (LkWindow     *self,
                      const GError *error)
{
  g_autofree char *ids = NULL;
  g_autofree char *message = NULL;
  gboolean needs_sign_in;

  g_return_if_fail (LK_IS_WINDOW (self));

  ids = lk_graph_error_format_ids (error);
  /* Markup, and messages may quote the service (a host name, a status). */
  message = g_markup_escape_text (error->message, -1);
  adw_status_page_set_description (self->error_page, message);
  gtk_label_set_label (self->error_ids_label, ids != NULL ? ids : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_ids_label), ids != NULL);
  /* A dead sign-in cannot be retried into life: offer the way out instead. */
  needs_sign_in = g_error_matches (error, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_GRANT);
  gtk_widget_set_visible (self->retry_button, !needs_sign_in);
  gtk_widget_set_visible (self->sign_in_again_button, needs_sign_in);
  set_state (self, "error");
}

void
lk_window_add_toast (LkWindow   *self,
                     const char *message)
{
  g_return_if_fail (LK_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, lk_toast_new_plain (message));
}

void
lk_window_add_tracker_toast (LkWindow        *self,
                             LkActionTracker *tracker)
{
  g_return_if_fail (LK_IS_WINDOW (self));
  g_return_if_fail (LK_IS_ACTION_TRACKER (tracker));
  adw_toast_overlay_add_toast (self->toast_overlay, lk_toast_new_for_tracker (tracker, GTK_WINDOW (self)));
}

static void
update_progress (LkWindow *self,
                 guint     total,
                 gint64    expected)
{
  g_autofree char *text = NULL;

  if (expected > 0)
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Loaded %u of %u device…",
                                           "Loaded %u of %u devices…", (gulong) expected),
                              total, (guint) expected);
      gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double) total / (double) expected));
    }
  else
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Loaded %u device…", "Loaded %u devices…", total),
                              total);
      gtk_progress_bar_pulse (self->progress_bar);
    }
  gtk_label_set_label (self->progress_label, text);
}

/* --- searching -------------------------------------------------------------------------------- */

static void
page_cb (GPtrArray *devices,
         guint      total,
         gint64     expected,
         gpointer   user_data)
{
  LkWindow *self = user_data;

  /* One splice per page: the list view sees one change, not a thousand. */
  if (expected > 0)
    lk_device_list_reserve (self->store, expected);
  if (devices->len > 0)
    lk_device_list_append (self->store, devices);
  update_progress (self, total, expected);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  if (lk_device_list_get_n_all (self->store) > 0)
    lk_window_show_listing (self);
  else if (g_strcmp0 (lk_window_get_state (self), "throttled") == 0)
    set_state (self, "searching");
}

static void
store_settled_cb (LkWindow *self)
{
  if (self->search_cancellable == NULL && lk_device_list_is_settled (self->store))
    sync_device_pane (self);
}

static void
search_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(LkWindow) self = user_data;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;

  devices = lk_graph_client_list_devices_finish (LK_GRAPH_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  g_clear_object (&self->search_cancellable);

  if (error != NULL)
    {
      /* What was found so far stays on screen; the error becomes a toast. */
      if (lk_device_list_get_n_all (self->store) > 0)
        {
          lk_window_add_toast (self, error->message);
          sync_device_pane (self);
        }
      else
        lk_window_show_error (self, error);
      return;
    }

  /* The pages were ranked one by one; the whole list is ranked now. */
  lk_device_list_take_all (self->store, devices);
  if (devices->len == 0)
    show_no_results (self);
  else
    lk_window_show_listing (self);
}

/* A new search's results start at the top. The rows GTK holds are at the top already, blank
 * (lk-result-slots.c gathers them at the list's new end), so none is made for it; but GTK 4.8
 * scrolls only to items it has laid out (else it warns and ignores the value): the scroll
 * waits for the frame after the one that lays them out. */
static gboolean
scroll_to_top_cb (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  LkWindow *self = user_data;

  if (++self->scroll_frames < 2)
    return G_SOURCE_CONTINUE;
  self->scroll_tick = 0;
  if (g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (self->list_view))) > 0)
    gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view)), 0);
  return G_SOURCE_REMOVE;
}

static void
scroll_to_top_soon (LkWindow *self)
{
  self->scroll_frames = 0;
  if (self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view), scroll_to_top_cb, self, NULL);
}

/* The state to show instead of a listing, or NULL when start_search() lists devices. */
static const char *
why_no_search (LkWindow *self)
{
  if (self->client == NULL)
    return "signed-out";
  /* A real tenant may hold 200 000 devices: list them all only when asked. */
  if (*self->last_query == '\0' && !self->demo)
    return "empty";
  if (!self->demo && !g_network_monitor_get_network_available (g_network_monitor_get_default ()))
    return "offline";
  return NULL;
}

static void
start_search (LkWindow   *self,
              const char *text)
{
  g_autoptr(LkDeviceQuery) query = NULL;
  const char *no_search;

  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  g_free (self->last_query);
  self->last_query = g_strstrip (g_strdup (text));
  no_search = why_no_search (self);
  /* Made before the list empties: the pane keeps its device while the listing may still bring
   * it back (emptying a list still being classified says "settled", which closed it). */
  if (no_search == NULL)
    self->search_cancellable = g_cancellable_new ();
  lk_device_list_remove_all (self->store);
  scroll_to_top_soon (self);
  if (no_search != NULL)
    {
      set_state (self, no_search);
      return;
    }

  set_state (self, "searching");
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
  query = lk_device_query_new (self->last_query);
  lk_result_rows_set_query_kind (gtk_list_view_get_factory (self->list_view), lk_device_query_get_kind (query));
  /* The page callback never runs after cancellation, and dispose cancels: no reference needed
   * for it. The completion keeps the window alive until the cancelled request winds down. */
  lk_graph_client_list_devices_async (self->client, query, page_cb, self, NULL,
                                      self->search_cancellable, search_done_cb, g_object_ref (self));
}

static void
search_changed_cb (LkWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));

  /* lk_window_search() already ran this one; the entry reports it after its delay (and, while
   * the text is replaced, once more for the moment it is empty). */
  if (self->setting_text || (g_strcmp0 (text, self->last_query) == 0 && self->client != NULL))
    return;
  start_search (self, text);
}

static void
search_activate_cb (LkWindow *self)
{
  g_autoptr(LkDevice) first = g_list_model_get_item (G_LIST_MODEL (self->store), 0);

  if (first == NULL)
    return;
  lk_window_show_device (self, first);
  /* The page, not its action button: a second Enter must not open the wizard. */
  lk_device_page_focus_top (self->device_page);
}

static void
stop_search_cb (LkWindow *self)
{
  if (adw_leaflet_get_folded (self->leaflet)
      && adw_leaflet_get_visible_child (self->leaflet) == self->device_pane)
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  else
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
throttled_cb (LkGraphClient *client,
              double         seconds,
              LkWindow      *self)
{
  g_autofree char *text = NULL;
  guint rounded = (guint) (seconds + 0.999);

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Microsoft Graph asked Latchkey to slow down. Retrying in %u second…",
                                       "Microsoft Graph asked Latchkey to slow down. Retrying in %u seconds…",
                                       MAX (rounded, 1)),
                          MAX (rounded, 1));
  if (lk_device_list_get_n_all (self->store) > 0)
    {
      lk_window_add_toast (self, text);
      return;
    }
  adw_status_page_set_description (self->throttled_page, text);
  set_state (self, "throttled");
}

/* Graph has sent nothing for a few seconds: the progress line says so, and for how long the
 * client will wait, instead of a count that stands still. */
static void
waiting_cb (LkGraphClient *client,
            guint          seconds,
            guint          budget,
            LkWindow      *self)
{
  g_autofree char *text = NULL;

  if (g_strcmp0 (lk_window_get_state (self), "searching") != 0)
    return;
  text = g_strdup_printf (_("Waiting for Microsoft Graph… %u s (giving up after %u s)"), seconds, budget);
  gtk_label_set_label (self->progress_label, text);
}

/* --- the device page -------------------------------------------------------------------------- */

void
lk_window_show_device (LkWindow *self,
                       LkDevice *device)
{
  g_return_if_fail (LK_IS_WINDOW (self));

  lk_device_page_set_device (self->device_page, device);
  sync_device_pane (self);
  adw_leaflet_set_visible_child (self->leaflet, self->device_pane);
  /* Folded, the list that had the focus is gone: the page takes it, at its top. */
  if (adw_leaflet_get_folded (self->leaflet))
    lk_device_page_focus_top (self->device_page);
}

static void
list_activate_cb (LkWindow *self,
                  guint     position)
{
  g_autoptr(LkDevice) device = g_list_model_get_item (G_LIST_MODEL (self->store), position);

  if (device != NULL)
    lk_window_show_device (self, device);
}

/* --- actions ---------------------------------------------------------------------------------- */

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "list");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);

  start_search (self, self->last_query != NULL ? self->last_query : "");
}

/* Ids and names an admin reads out to support: not secrets, so nothing clears them later. */
static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), g_variant_get_string (parameter, NULL));
  lk_window_add_toast (self, _("Copied to the clipboard"));
}

static void
start_action_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);
  LkDevice *device = lk_device_page_get_device (self->device_page);

  /* Not while an earlier action may be on its way, nor before the page knows (issue 12). */
  if (device != NULL && lk_device_page_get_can_act (self->device_page))
    g_signal_emit (self, signals[SIGNAL_ACTION_REQUESTED], 0, device);
}

/* --- object ----------------------------------------------------------------------------------- */

static void
lk_window_dispose (GObject *object)
{
  LkWindow *self = LK_WINDOW (object);

  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  if (self->client != NULL)
    g_clear_signal_handler (&self->throttled_id, self->client);
  if (self->client != NULL)
    g_clear_signal_handler (&self->waiting_id, self->client);
  g_clear_object (&self->client);
  /* No gtk_widget_dispose_template(): the libadwaita parent owns and unparents the content. */
  g_clear_object (&self->store);
  g_clear_object (&self->listed_open);

  G_OBJECT_CLASS (lk_window_parent_class)->dispose (object);
}

static void
lk_window_finalize (GObject *object)
{
  LkWindow *self = LK_WINDOW (object);

  g_free (self->last_query);

  G_OBJECT_CLASS (lk_window_parent_class)->finalize (object);
}

static void
lk_window_class_init (LkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lk_window_dispose;
  object_class->finalize = lk_window_finalize;

  /* LkWindow::action-requested: the admin pressed the device page's action button. */
  signals[SIGNAL_ACTION_REQUESTED] =
    g_signal_new ("action-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, LK_TYPE_DEVICE);

  g_type_ensure (LK_TYPE_DEVICE_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/lk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LkWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, demo_banner);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, filtered_page);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, filter_button);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, error_ids_label);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, sign_in_again_button);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, throttled_page);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, device_pane);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, device_page);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, filter_ios);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, filter_android);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, filter_windows);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, filter_macos);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, filter_other);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, filter_corporate);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, filter_personal);
  gtk_widget_class_bind_template_child (widget_class, LkWindow, accounts_section);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback_full (widget_class, "filter_toggled_cb", G_CALLBACK (lk_window_filter_toggled_cb));
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);

  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.focus-search", NULL, focus_search_action);
  gtk_widget_class_install_action (widget_class, "win.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "win.show-all", NULL, lk_window_show_all_action);
  gtk_widget_class_install_action (widget_class, "win.copy", "s", copy_action);
  gtk_widget_class_install_action (widget_class, "win.start-action", NULL, start_action_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.focus-search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.back", NULL);
}

static void
lk_window_init (LkWindow *self)
{
  static gboolean icons_added;
  g_autoptr(GtkListItemFactory) factory = NULL;
  GtkSelectionModel *selection;
  LkResultSlots *slots;

  /* AdwApplication adds its resource icons by itself; a window made without one (tests, the
   * screenshot tool) finds them too. */
  if (!icons_added)
    {
      gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (self))),
                                        RESOURCE_PREFIX "/icons");
      icons_added = TRUE;
    }
  gtk_widget_init_template (GTK_WIDGET (self));
  lk_widget_name_without_mnemonics (GTK_WIDGET (self));

  if (g_str_equal (PROFILE, "development"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->store = lk_device_list_new ();
  lk_device_list_set_class_func (self->store, lk_window_device_class);
  /* A long ranked list takes the streamed one's place a little after the search ends. */
  g_signal_connect_object (self->store, "notify::settled", G_CALLBACK (store_settled_cb), self, G_CONNECT_SWAPPED);
  lk_window_filter_toggled_cb (self);
  /* The list view shows positions, which keep its rows across a change of every device. */
  slots = lk_result_slots_new (G_LIST_MODEL (self->store));
  lk_result_slots_pace_by (slots, GTK_WIDGET (self->list_view));
  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (slots)));
  gtk_single_selection_set_autoselect (GTK_SINGLE_SELECTION (selection), FALSE);
  gtk_single_selection_set_can_unselect (GTK_SINGLE_SELECTION (selection), TRUE);
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (selection), GTK_INVALID_LIST_POSITION);
  gtk_list_view_set_model (self->list_view, selection);
  g_object_unref (selection);
  /* After the slots and the selection have followed the change (they connected first). */
  g_signal_connect_object (self->store, "items-changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  self->selection_to_come = GTK_INVALID_LIST_POSITION;
  g_signal_connect_object (gtk_single_selection_get_model (GTK_SINGLE_SELECTION (selection)), "items-changed",
                           G_CALLBACK (slots_changed_cb), self, G_CONNECT_SWAPPED);

  factory = lk_result_rows_new (self->list_view, self->store);
  gtk_list_view_set_factory (self->list_view, factory);

  g_object_set (self->search_entry, "search-delay", SEARCH_DELAY_MS, NULL);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
  set_state (self, "signed-out");
}

LkWindow *
lk_window_new (GtkApplication *application)
{
  return g_object_new (LK_TYPE_WINDOW, "application", application, NULL);
}

LkGraphClient *
lk_window_get_client (LkWindow *self)
{
  g_return_val_if_fail (LK_IS_WINDOW (self), NULL);
  return self->client;
}

void
lk_window_set_client (LkWindow      *self,
                      LkGraphClient *client)
{
  g_return_if_fail (LK_IS_WINDOW (self));

  if (self->client == client)
    return;
  g_cancellable_cancel (self->search_cancellable);
  if (self->client != NULL)
    g_clear_signal_handler (&self->throttled_id, self->client);
  if (self->client != NULL)
    g_clear_signal_handler (&self->waiting_id, self->client);
  g_set_object (&self->client, client);
  if (client != NULL)
    self->throttled_id = g_signal_connect (client, "throttled", G_CALLBACK (throttled_cb), self);
  if (client != NULL)
    self->waiting_id = g_signal_connect (client, "waiting", G_CALLBACK (waiting_cb), self);
  lk_device_page_set_device (self->device_page, NULL);
  lk_device_page_set_client (self->device_page, client);
  start_search (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  if (client != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
lk_window_set_demo (LkWindow *self,
                    gboolean  demo)
{
  g_return_if_fail (LK_IS_WINDOW (self));

  self->demo = !!demo;
  gtk_revealer_set_reveal_child (self->demo_banner, self->demo);
}

void
lk_window_set_account_label (LkWindow   *self,
                             const char *label)
{
  g_return_if_fail (LK_IS_WINDOW (self));
  adw_window_title_set_subtitle (self->window_title, label != NULL ? label : "");
}

void
lk_window_show_connecting (LkWindow *self)
{
  g_return_if_fail (LK_IS_WINDOW (self));
  set_state (self, "connecting");
}

void
lk_window_search (LkWindow   *self,
                  const char *text)
{
  g_return_if_fail (LK_IS_WINDOW (self));

  start_search (self, text);
  self->setting_text = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  self->setting_text = FALSE;
}

GListModel *
lk_window_get_results (LkWindow *self)
{
  g_return_val_if_fail (LK_IS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->store);
}

const char *
lk_window_get_state (LkWindow *self)
{
  g_return_val_if_fail (LK_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

GMenu *
lk_window_get_accounts_menu (LkWindow *self)
{
  g_return_val_if_fail (LK_IS_WINDOW (self), NULL);
  return self->accounts_section;
}

GtkStack *
lk_window_get_stack (LkWindow *self)
{
  g_return_val_if_fail (LK_IS_WINDOW (self), NULL);
  return self->stack;
}
