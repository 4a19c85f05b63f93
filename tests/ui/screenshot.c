/* screenshot.c: renders the real window on the demo tenant to a PNG (data/screenshots).
 *
 *   screenshot OUT.png WIDTH HEIGHT light|dark [SEARCH [RULE]]
 *   screenshot OUT.png WIDTH HEIGHT light|dark --wizard RULE device|explain|confirm|tracking|result
 *   screenshot OUT.png WIDTH HEIGHT light|dark --unlock DEVICE-NAME laps|bitlocker|filevault|macos-admin [rotate]
 *
 * RULE opens the device page of the first result whose capability row is RULE.
 * Run under Xvfb by build-aux/screenshots.sh; not a test.
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <adwaita.h>
#include <glib/gi18n.h>


#include "lk-capability.h"
#include "lk-reset-wizard.h"
#include "lk-sandbox.h"
#include "lk-unlock-card.h"
#include "lk-window.h"

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

static gboolean
render (GtkWidget  *window,
        const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  return gdk_texture_save_to_png (texture, path);
}

static GtkEditable *
find_entry (GtkWidget *widget)
{
  if (GTK_IS_ENTRY (widget))
    return GTK_EDITABLE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkEditable *found = find_entry (child);

      if (found != NULL)
        return found;
    }
  return NULL;
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
              gtk_editable_set_text (find_entry (GTK_WIDGET (wizard)), lk_device_get_device_name (device));
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
              gtk_editable_set_text (find_entry (dialog), name);
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
  lk_window_search (window, argc > 5 && !g_str_equal (argv[5], "--wizard") && !g_str_equal (argv[5], "--unlock")
                            ? argv[5] : argc > 6 && g_str_equal (argv[5], "--unlock") ? argv[6] : "");
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

  if (!render (GTK_WIDGET (window), argv[1]))
    return 1;
  gtk_window_destroy (GTK_WINDOW (window));
  lk_sandbox_stop (sandbox);
  return 0;
}
