/* screenshot.c: renders the real window on the demo tenant to a PNG (data/screenshots).
 *
 *   screenshot OUT.png WIDTH HEIGHT light|dark [SEARCH [RULE]]
 *   screenshot OUT.png WIDTH HEIGHT light|dark --wizard RULE device|explain|confirm|tracking|result
 *   screenshot OUT.png WIDTH HEIGHT light|dark --filtered SEARCH   (every platform unticked)
 *   screenshot OUT.png WIDTH HEIGHT light|dark --history            (three actions, one per row)
 *   screenshot OUT.png WIDTH HEIGHT light|dark --error SEARCH       (Graph answers 500)
 *   screenshot OUT.png WIDTH HEIGHT light|dark --signed-out         (the window without an account)
 *   screenshot OUT.png WIDTH HEIGHT light|dark --sign-in            (the sign-in dialog)
 *   screenshot OUT.png WIDTH HEIGHT light|dark --pending RULE       (an action pending in Intune)
 *   screenshot OUT.png WIDTH HEIGHT light|dark --last-action RULE   (done, from the journal)
 *   screenshot OUT.png WIDTH HEIGHT light|dark --account-menu       (the main menu, two accounts)
 *   screenshot OUT.png WIDTH HEIGHT light|dark --unlock DEVICE-NAME laps|bitlocker|filevault|macos-admin [rotate]
 *
 * RULE opens the device page of the first result whose capability row is RULE.
 * Run under Xvfb by build-aux/screenshots.sh; not a test.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>


#include "lk-capability.h"
#include "lk-device-page.h"
#include "lk-history-window.h"
#include "lk-reset-wizard.h"
#include "lk-settings.h"
#include "lk-sign-in-dialog.h"
#include "lk-sandbox.h"
#include "lk-unlock-card.h"
#include "lk-window.h"

#include "../lk-test-widgets.h"

static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

/* @window as shown; with @popover (optional) open over it, drawn where it sits (a popover is a
 * surface of its own). */
static gboolean
render_with_popover (GtkWidget  *window,
                     GtkWidget  *popover,
                     const char *path)
{
  g_autoptr(GdkPaintable) under = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);
  graphene_rect_t bounds;

  gdk_paintable_snapshot (under, snapshot, width, height);
  if (popover != NULL)
    {
      g_autoptr(GdkPaintable) over = gtk_widget_paintable_new (popover);

      if (!gtk_widget_compute_bounds (popover, window, &bounds))
        return FALSE;
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (bounds.origin.x, bounds.origin.y));
      gdk_paintable_snapshot (over, snapshot, gtk_widget_get_width (popover), gtk_widget_get_height (popover));
      gtk_snapshot_restore (snapshot);
    }
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  return gdk_texture_save_to_png (texture, path);
}

static gboolean
render (GtkWidget  *window,
        const char *path)
{
  return render_with_popover (window, NULL, path);
}

static gboolean
is_primary_menu_button (GtkWidget     *widget,
                        gconstpointer  data)
{
  return GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (widget));
}

/* The main menu as the application fills it with two accounts of two tenants; stand-ins for
 * the application's actions (this program has none) keep its items live. */
static gboolean
render_account_menu (LkWindow   *window,
                     const char *path)
{
  static const char *const actions[] = { "sign-in", "sign-out", "history", "about" };
  static const char *const accounts[][2] = {
    { "giulia.bianchi@contoso-demo.onmicrosoft.com — contoso-demo.onmicrosoft.com", "a" },
    { "mario.verdi@fabrikam.onmicrosoft.com — fabrikam.onmicrosoft.com", "b" },
  };
  g_autoptr(GSimpleActionGroup) app = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) switcher = g_simple_action_new_stateful ("switch-account", G_VARIANT_TYPE_STRING,
                                                                   g_variant_new_string ("a"));
  GMenu *menu = lk_window_get_accounts_menu (window);
  GtkWidget *button = lk_test_find_widget (GTK_WIDGET (window), is_primary_menu_button, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_autoptr(GSimpleAction) action = g_simple_action_new (actions[i], NULL);

      g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (action));
    }
  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (switcher));
  gtk_widget_insert_action_group (GTK_WIDGET (window), "app", G_ACTION_GROUP (app));
  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (accounts[i][0], NULL);

      g_menu_item_set_action_and_target (item, "app.switch-account", "s", accounts[i][1]);
      g_menu_append_item (menu, item);
    }
  if (button == NULL)
    return FALSE;
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  settle (800);
  return render_with_popover (GTK_WIDGET (window), GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))),
                              path);
}

/* Unticks the filter popover's platform boxes (the first five check buttons), as an admin
 * narrowing the list down too far would. */
static void
untick_platforms (GtkWidget *widget)
{
  static guint seen = 0;

  if (GTK_IS_CHECK_BUTTON (widget) && seen++ < 5)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (widget), FALSE);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    untick_platforms (child);
}

/* A History window over a journal of three actions: their "sent" lines and how they ended. */
static GtkWidget *
history_window (const char *dir,
                int         width,
                int         height)
{
  const struct { const char *device, *action, *outcome, *id; } lines[] = {
    { "GALAXY-S23-MROSSI", "resetDevicePasscode", "sent", "a1" },
    { "GALAXY-S23-MROSSI", "resetDevicePasscode", "done", "a1" },
    { "Emily's iPhone", "removePasscode", "sent", "b2" },
    { "Emily's iPhone", "removePasscode", "failed", "b2" },
    { "Nokia 7 Plus di Martina", "resetWorkProfilePasscode", "sent", "c3" },
  };
  g_autofree char *path = g_build_filename (dir, "history.jsonl", NULL);
  g_autoptr(LkActionHistory) history = lk_action_history_new (path);
  GtkWidget *window;

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(LkHistoryEntry) entry = lk_history_entry_new ();

      entry->admin = g_strdup ("giulia.bianchi@contoso-demo.onmicrosoft.com");
      entry->device_id = g_strdup (lines[i].id);
      entry->device_name = g_strdup (lines[i].device);
      entry->action = g_strdup (lines[i].action);
      entry->outcome = g_strdup (lines[i].outcome);
      entry->client_request_id = g_strdup (lines[i].id);
      if (!lk_action_history_append (history, entry, NULL))
        return NULL;
    }
  window = GTK_WIDGET (lk_history_window_new (history, NULL));
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  settle (800);
  return window;
}

/* The device page's own scrolled window: a stack's hidden pages have theirs too. */
static gboolean
is_mapped_scrolled (GtkWidget     *widget,
                    gconstpointer  data)
{
  return GTK_IS_SCROLLED_WINDOW (widget) && gtk_widget_get_mapped (widget);
}

static GtkWidget *
device_page_of (LkWindow *window)
{
  return lk_test_find_widget (GTK_WIDGET (window), lk_test_is_type, GSIZE_TO_POINTER (LK_TYPE_DEVICE_PAGE));
}

static LkDevice *
device_with_rule (GListModel *results,
                  const char *rule)
{
  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);
      g_autoptr(LkCapability) capability = lk_capability_new_for_device (device);

      if (g_str_equal (lk_capability_get_rule_id (capability), rule))
        return g_steal_pointer (&device);
    }
  return NULL;
}

static void
posted_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(gboolean *) user_data = lk_graph_client_post_action_finish (LK_GRAPH_CLIENT (source), result, NULL);
}

/* An action Intune holds as pending for @device, sent from elsewhere (the admin center). */
static void
queue_pending_action (LkSandbox     *sandbox,
                      LkGraphClient *client,
                      LkDevice      *device)
{
  gboolean posted = FALSE;

  /* Pending for an hour: the device has not checked in since. */
  lk_sandbox_set_action_timing (sandbox, 3600 * 1000, 1000);
  lk_graph_client_post_action_async (client, lk_device_get_id (device), LK_DEVICE_ACTION_RESET_PASSCODE,
                                     NULL, posted_cb, &posted);
  settle (800);
}

/* A journal in @dir whose last record for @device is a done reset, sent two hours ago. */
static LkActionHistory *
journal_with_done_action (const char *dir,
                          LkDevice   *device)
{
  g_autofree char *path = g_build_filename (dir, "history.jsonl", NULL);
  g_autoptr(LkActionHistory) history = lk_action_history_new (path);
  g_autoptr(LkHistoryEntry) entry = lk_history_entry_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) sent = g_date_time_add_hours (now, -2);

  entry->admin = g_strdup ("giulia.bianchi@contoso-demo.onmicrosoft.com");
  entry->device_id = g_strdup (lk_device_get_id (device));
  entry->device_name = g_strdup (lk_device_get_device_name (device));
  entry->action = g_strdup ("resetDevicePasscode");
  entry->outcome = g_strdup ("done");
  entry->client_request_id = g_strdup ("d4");
  entry->time = g_date_time_format_iso8601 (sent);
  if (!lk_action_history_append (history, entry, NULL))
    return NULL;
  return g_steal_pointer (&history);
}

/* Walks the wizard to @step on the first demo device of capability row @rule. */
static GtkWidget *
wizard_at (LkGraphClient *client,
           GListModel    *results,
           const char    *rule,
           const char    *step,
           int            width,
           int            height)
{
  LkResetWizard *wizard = NULL;

  for (guint i = 0; wizard == NULL && i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);
      g_autoptr(LkCapability) capability = lk_capability_new_for_device (device);

      if (g_str_equal (lk_capability_get_rule_id (capability), rule))
        {
          wizard = lk_reset_wizard_new (client, device, NULL, "giulia.bianchi@contoso-demo.onmicrosoft.com",
                                        NULL, NULL, NULL);
          gtk_window_set_default_size (GTK_WINDOW (wizard), width, height);
          gtk_window_present (GTK_WINDOW (wizard));
          if (!g_str_equal (step, "device"))
            gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
          if (!g_str_equal (step, "device") && !g_str_equal (step, "explain"))
            {
              gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
              gtk_editable_set_text (GTK_EDITABLE (lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_type, GSIZE_TO_POINTER (GTK_TYPE_ENTRY))), lk_device_get_device_name (device));
            }
          if (g_str_equal (step, "tracking") || g_str_equal (step, "result"))
            gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.confirm", NULL);
          settle (g_str_equal (step, "result") ? 4000 : 600);
        }
    }
  return GTK_WIDGET (wizard);
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_card (GtkWidget    *widget,
           LkUnlockKind  kind)
{
  if (LK_IS_UNLOCK_CARD (widget) && lk_unlock_card_get_kind (LK_UNLOCK_CARD (widget)) == kind)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_card (child, kind);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The device page of @name with the card of @kind shown (its secret read, still hidden; for
 * BitLocker the keys listed, then the first one read), scrolled into view; or the card's
 * rotation dialog with the name typed. */
static GtkWidget *
unlock_at (LkWindow   *window,
           const char *name,
           const char *kind_text,
           gboolean    rotate)
{
  GListModel *results = lk_window_get_results (window);
  LkUnlockKind kind;
  GtkWidget *card = NULL;

  if (!lk_unlock_kind_from_string (kind_text, &kind))
    return NULL;
  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);

      if (g_strcmp0 (lk_device_get_device_name (device), name) == 0)
        lk_window_show_device (window, device);
    }
  settle (1500);
  card = find_card (GTK_WIDGET (window), kind);
  if (card == NULL)
    return NULL;
  if (rotate)
    {
      GListModel *toplevels = gtk_window_get_toplevels ();

      gtk_widget_activate_action (card, "unlock-card.rotate", NULL);
      settle (300);
      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          g_autoptr(GtkWidget) dialog = g_list_model_get_item (toplevels, i);

          if (ADW_IS_MESSAGE_DIALOG (dialog))
            {
              gtk_editable_set_text (GTK_EDITABLE (lk_test_find_widget (dialog, lk_test_is_type, GSIZE_TO_POINTER (GTK_TYPE_ENTRY))), name);
              settle (300);
              return dialog;
            }
        }
      return NULL;
    }
  gtk_widget_activate_action (card, "unlock-card.show", NULL);
  settle (1200);
  if (kind == LK_UNLOCK_BITLOCKER)
    {
      GtkWidget *list = find_type (card, GTK_TYPE_LIST_BOX);
      GtkWidget *show = list != NULL ? find_type (list, GTK_TYPE_BUTTON) : NULL;

      if (show != NULL)
        g_signal_emit_by_name (show, "clicked");
      settle (1200);
    }
  gtk_widget_grab_focus (card);
  {
    GtkWidget *scrolled = gtk_widget_get_ancestor (card, GTK_TYPE_SCROLLED_WINDOW);
    graphene_point_t point;

    if (scrolled != NULL
        && gtk_widget_compute_point (card, scrolled, &GRAPHENE_POINT_INIT (0, 0), &point))
      {
        GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

        gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + point.y - 12);
      }
  }
  settle (500);
  return GTK_WIDGET (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LkSandbox) sandbox = NULL;
  g_autoptr(LkGraphClient) client = NULL;
  g_autoptr(LkStaticToken) tokens = NULL;
  g_autofree char *graph_url = NULL;
  g_autofree char *token = NULL;
  LkWindow *window;
  GListModel *results;

  if (argc < 5)
    {
      g_printerr ("usage: %s OUT.png WIDTH HEIGHT light|dark [SEARCH [RULE]]\n", argv[0]);
      return 2;
    }
  /* The catalogue from the build tree, so screenshots can be taken in Italian before installing. */
  setlocale (LC_ALL, "");
  if (g_getenv ("LK_LOCALEDIR") != NULL)
    bindtextdomain (GETTEXT_PACKAGE, g_getenv ("LK_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  gtk_init ();
  adw_init ();
  /* AdwApplication loads style.css by itself; this program has no application. */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, RESOURCE_PREFIX "/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      g_str_equal (argv[4], "dark") ? ADW_COLOR_SCHEME_FORCE_DARK
                                                                    : ADW_COLOR_SCHEME_FORCE_LIGHT);

  sandbox = lk_sandbox_new ();
  lk_sandbox_load_demo_tenant (sandbox);
  if (!lk_sandbox_start (sandbox, NULL))
    return 1;
  graph_url = lk_sandbox_get_graph_url (sandbox);
  token = lk_sandbox_mint_access_token (sandbox, "DeviceManagementManagedDevices.Read.All "
                                       "DeviceManagementManagedDevices.PrivilegedOperations.All "
                                       "DeviceLocalCredential.Read.All BitLockerKey.Read.All", 3600);
  tokens = lk_static_token_new (token);
  client = lk_graph_client_new (graph_url, "beta", LK_TOKEN_PROVIDER (tokens));

  window = lk_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), atoi (argv[2]), atoi (argv[3]));
  lk_window_set_demo (window, TRUE);
  lk_window_set_account_label (window, lk_sandbox_get_username (sandbox));
  lk_window_set_client (window, client);
  gtk_window_present (GTK_WINDOW (window));
  if (argc > 5 && g_str_equal (argv[5], "--history"))
    {
      g_autofree char *dir = g_dir_make_tmp ("latchkey-shot-XXXXXX", NULL);
      g_autofree char *file = dir != NULL ? g_build_filename (dir, "history.jsonl", NULL) : NULL;
      GtkWidget *history = dir != NULL ? history_window (dir, atoi (argv[2]), atoi (argv[3])) : NULL;
      gboolean saved = history != NULL && render (history, argv[1]);

      if (history != NULL)
        gtk_window_destroy (GTK_WINDOW (history));
      if (file != NULL)
        g_unlink (file);
      if (dir != NULL)
        g_rmdir (dir);
      gtk_window_destroy (GTK_WINDOW (window));
      lk_sandbox_stop (sandbox);
      return saved ? 0 : 1;
    }
  if (argc > 6 && g_str_equal (argv[5], "--filtered"))
    {
      lk_window_search (window, argv[6]);
      settle (1500);
      untick_platforms (GTK_WIDGET (window));
      settle (800);
      if (!render (GTK_WIDGET (window), argv[1]))
        return 1;
      gtk_window_destroy (GTK_WINDOW (window));
      lk_sandbox_stop (sandbox);
      return 0;
    }
  if (argc > 5 && g_str_equal (argv[5], "--account-menu"))
    {
      gboolean saved;

      /* Signed in to real tenants: no demo banner, Sign Out offered. */
      lk_window_set_demo (window, FALSE);
      lk_window_search (window, "");
      settle (1500);
      saved = render_account_menu (window, argv[1]);
      gtk_window_destroy (GTK_WINDOW (window));
      lk_sandbox_stop (sandbox);
      return saved ? 0 : 1;
    }
  if (argc > 5 && g_str_equal (argv[5], "--sign-in"))
    {
      g_autoptr(LkAccountManager) accounts = lk_account_manager_new ();
      g_autoptr(GSettings) settings = lk_settings_new ();
      LkSignInDialog *dialog = lk_sign_in_dialog_new (accounts, settings, NULL);
      gboolean saved;

      gtk_window_destroy (GTK_WINDOW (window));
      gtk_window_set_default_size (GTK_WINDOW (dialog), atoi (argv[2]), atoi (argv[3]));
      gtk_window_present (GTK_WINDOW (dialog));
      settle (800);
      gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
      settle (200);
      saved = render (GTK_WIDGET (dialog), argv[1]);
      gtk_window_destroy (GTK_WINDOW (dialog));
      lk_sandbox_stop (sandbox);
      return saved ? 0 : 1;
    }
  if (argc > 5 && g_str_equal (argv[5], "--signed-out"))
    {
      /* As the application leaves it: no account, not the demo, and its sign-in action (a stand-in
       * here, this program has no application) makes the button live. */
      g_autoptr(GSimpleActionGroup) app = g_simple_action_group_new ();
      g_autoptr(GSimpleAction) sign_in = g_simple_action_new ("sign-in", NULL);

      g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (sign_in));
      gtk_widget_insert_action_group (GTK_WIDGET (window), "app", G_ACTION_GROUP (app));
      lk_window_set_demo (window, FALSE);
      lk_window_set_account_label (window, NULL);
      lk_window_set_client (window, NULL);
    }
  if (argc > 6 && g_str_equal (argv[5], "--error"))
    {
      LkFault broken = { .kind = LK_FAULT_STATUS, .method = "GET", .path_contains = "managedDevices",
                         .status = 500, .times = 100 };

      lk_graph_client_set_backoff (client, 10, 40);
      lk_sandbox_add_fault (sandbox, &broken);
      lk_window_search (window, argv[6]);
    }
  else if (argc <= 5 || !g_str_equal (argv[5], "--signed-out"))
    lk_window_search (window, argc > 6 && g_str_equal (argv[5], "--unlock") ? argv[6]
                              : argc > 5 && argv[5][0] != '-' ? argv[5] : "");
  settle (1500);

  if (argc > 7 && g_str_equal (argv[5], "--unlock"))
    {
      GtkWidget *shot = unlock_at (window, argv[6], argv[7], argc > 8 && g_str_equal (argv[8], "rotate"));

      if (shot == NULL || !render (shot, argv[1]))
        return 1;
      if (shot != GTK_WIDGET (window))
        gtk_window_destroy (GTK_WINDOW (shot));
      gtk_window_destroy (GTK_WINDOW (window));
      lk_sandbox_stop (sandbox);
      return 0;
    }

  if (argc > 6 && (g_str_equal (argv[5], "--pending") || g_str_equal (argv[5], "--last-action")))
    {
      g_autoptr(LkDevice) device = device_with_rule (lk_window_get_results (window), argv[6]);
      g_autofree char *dir = g_dir_make_tmp ("latchkey-shot-XXXXXX", NULL);
      g_autoptr(LkActionHistory) history = NULL;

      if (device == NULL || dir == NULL)
        return 1;
      if (g_str_equal (argv[5], "--pending"))
        {
          g_autofree char *path = g_build_filename (dir, "history.jsonl", NULL);

          queue_pending_action (sandbox, client, device);
          history = lk_action_history_new (path);
        }
      else
        history = journal_with_done_action (dir, device);
      if (history == NULL)
        return 1;
      /* A journal of its own, never the user's. */
      lk_device_page_set_history (LK_DEVICE_PAGE (device_page_of (window)), history);
      lk_window_show_device (window, device);
    }

  if (argc > 7 && g_str_equal (argv[5], "--wizard"))
    {
      GtkWidget *wizard;

      lk_sandbox_set_action_timing (sandbox, 500, 500);
      wizard = wizard_at (client, lk_window_get_results (window), argv[6], argv[7], atoi (argv[2]), atoi (argv[3]));
      if (wizard == NULL || !render (wizard, argv[1]))
        return 1;
      gtk_window_destroy (GTK_WINDOW (wizard));
      gtk_window_destroy (GTK_WINDOW (window));
      lk_sandbox_stop (sandbox);
      return 0;
    }

  results = lk_window_get_results (window);
  for (guint i = 0; argc > 6 && i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);
      g_autoptr(LkCapability) capability = lk_capability_new_for_device (device);

      if (g_str_equal (lk_capability_get_rule_id (capability), argv[6]))
        {
          lk_window_show_device (window, device);
          break;
        }
    }
  settle (800);
  /* The last action and Sync Device are further down the device page. */
  if (argc > 6 && g_str_equal (argv[5], "--last-action"))
    {
      GtkWidget *scrolled = lk_test_find_widget (device_page_of (window), is_mapped_scrolled, NULL);
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + atoi (argv[3]) / 3);
      settle (200);
    }
  /* Without a window manager the window never had the focus an admin's click gives it: the
   * first focusable label took it and selected itself. A picture shows no focus at all. */
  if (GTK_IS_LABEL (gtk_window_get_focus (GTK_WINDOW (window))))
    gtk_label_select_region (GTK_LABEL (gtk_window_get_focus (GTK_WINDOW (window))), 0, 0);
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  settle (200);

  if (!render (GTK_WIDGET (window), argv[1]))
    return 1;
  gtk_window_destroy (GTK_WINDOW (window));
  lk_sandbox_stop (sandbox);
  return 0;
}
