/* test-italian.c: the window and the wizard in Italian (LANGUAGE=it), as Italian teams see them.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "../lk-test-widgets.h"

#include <locale.h>
#include <string.h>
#include <adwaita.h>
#include <glib/gi18n.h>

#include "../services/test-identity-common.h"
#include "lk-browser-flow.h"
#include "lk-capability-badge.h"
#include "lk-cloud.h"
#include "lk-reset-wizard.h"
#include "lk-sandbox.h"
#include "lk-window.h"

static gboolean
settled (LkWindow *window)
{
  const char *state = lk_window_get_state (window);

  return g_strcmp0 (state, "searching") != 0 && g_strcmp0 (state, "connecting") != 0;
}

static gboolean
has_subtitle (GtkWidget     *widget,
              gconstpointer  text)
{
  return ADW_IS_ACTION_ROW (widget) && g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)), text) == 0;
}

/* Graph's enum values (enrollment type, ownership, agent, compliance…) are shown in Italian
 * words, the raw value only in the tooltip. */
static void
assert_values_in_words (GtkWidget *root)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  guint n_values = 0;

  lk_test_collect_widgets (root, ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      const char *tooltip = gtk_widget_get_tooltip_text (row);

      if (tooltip == NULL || !g_str_has_prefix (tooltip, "Valore di Microsoft Graph: "))
        continue;
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), !=,
                       tooltip + strlen ("Valore di Microsoft Graph: "));
      n_values++;
    }
  g_assert_cmpuint (n_values, >=, 2);
}

static void
test_italian (void)
{
  g_autoptr(LkSandbox) sandbox = lk_sandbox_new ();
  g_autoptr(LkGraphClient) client = NULL;
  g_autoptr(LkStaticToken) tokens = NULL;
  g_autoptr(GPtrArray) badges = g_ptr_array_new ();
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  g_autofree char *graph_url = NULL;
  g_autofree char *token = NULL;
  LkResetWizard *wizard = NULL;
  LkWindow *window;
  GListModel *results;
  gboolean remove_seen = FALSE;
  gboolean unlock_seen = FALSE;
  gint64 deadline;

  if (g_strcmp0 (_("Remove passcode"), "Remove passcode") == 0)
    {
      if (g_getenv ("LK_TEST_REQUIRE_LOCALE") != NULL)
        g_error ("no Italian catalogue or it_IT.UTF-8 locale");
      g_test_skip ("the it_IT.UTF-8 locale is not installed");
      return;
    }

  lk_sandbox_load_demo_tenant (sandbox);
  g_assert_true (lk_sandbox_start (sandbox, NULL));
  graph_url = lk_sandbox_get_graph_url (sandbox);
  token = lk_sandbox_mint_access_token (sandbox, "DeviceManagementManagedDevices.Read.All", 3600);
  tokens = lk_static_token_new (token);
  client = lk_graph_client_new (graph_url, "beta", LK_TOKEN_PROVIDER (tokens));

  window = lk_window_new (NULL);
  lk_window_set_demo (window, TRUE);
  lk_window_set_client (window, client);
  gtk_window_present (GTK_WINDOW (window));
  deadline = lk_test_deadline ();
  while (!settled (window) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (settled (window));
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);

  /* The search entry and the badges speak Italian. */
  lk_test_collect_widgets (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY, entries);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (g_ptr_array_index (entries, 0))), ==, "");
  lk_test_collect_widgets (GTK_WIDGET (window), LK_TYPE_CAPABILITY_BADGE, badges);
  g_assert_cmpuint (badges->len, >, 3);
  for (guint i = 0; i < badges->len; i++)
    {
      const char *text = lk_capability_badge_get_text (g_ptr_array_index (badges, i));

      g_assert_cmpstr (text, !=, "Not supported");
      g_assert_cmpstr (text, !=, "Can remove passcode");
      /* A badge is a state, not the button's command. */
      g_assert_cmpstr (text, !=, "Rimuovi passcode");
      g_assert_cmpstr (text, !=, "Unlock options");
      remove_seen |= g_str_equal (text, "Passcode rimovibile");
      /* A PC or a Mac: its unlock options as a state, in Italian. */
      unlock_seen |= g_str_equal (text, "Opzioni di sblocco");
    }
  g_assert_true (remove_seen);
  g_assert_true (unlock_seen);

  /* The wizard too. */
  results = lk_window_get_results (window);
  for (guint i = 0; wizard == NULL && i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);
      g_autoptr(LkCapability) capability = lk_capability_new_for_device (device);

      if (g_str_equal (lk_capability_get_rule_id (capability), "ios-corporate"))
        {
          lk_window_show_device (window, device);
          assert_values_in_words (GTK_WIDGET (window));
          wizard = lk_reset_wizard_new (client, device, NULL, NULL, NULL, NULL, GTK_WINDOW (window));
        }
    }
  g_assert_nonnull (wizard);
  assert_values_in_words (GTK_WIDGET (wizard));
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (wizard), has_subtitle, "Aziendale"));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (wizard)), ==, "Rimuovi passcode");
  gtk_window_destroy (GTK_WINDOW (wizard));
  gtk_window_destroy (GTK_WINDOW (window));
  lk_sandbox_stop (sandbox);
}

static void
flow_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GError **error = data;
  LkTokenResponse *response = lk_browser_flow_run_finish (LK_BROWSER_FLOW (source), result, error);

  g_assert_null (response);
}

/* A refused sign-in, in Italian: the browser's page and the error say what to do in the
 * admin's language, and keep Entra's own words (its code) as they came. */
static void
test_sign_in_refused (void)
{
  LkSandbox *sandbox = start_sandbox ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(LkOidcConfig) oidc = discover (session, sandbox);
  g_autofree char *graph = lk_sandbox_get_graph_url (sandbox);
  g_autofree char *scopes = lk_cloud_build_scopes (graph);
  LkFault fault = { .kind = LK_FAULT_OAUTH_ERROR, .path_contains = "authorize", .graph_code = "AADSTS53003" };
  FakeBrowser *browser = fake_browser_new (BROWSER_NORMAL);
  LkBrowserFlow *flow = lk_browser_flow_new (session, oidc, lk_sandbox_get_client_id (sandbox), scopes);
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (_("Remove passcode"), "Remove passcode") == 0)
    {
      g_test_skip ("no Italian catalogue");
      return;
    }
  lk_sandbox_add_fault (sandbox, &fault);
  lk_browser_flow_set_open_uri_func (flow, fake_browser_open, browser, NULL);
  lk_browser_flow_run_async (flow, NULL, flow_done_cb, &error);
  g_object_unref (flow);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  while (browser->final_status == 0)
    g_main_context_iteration (NULL, FALSE);

  g_assert_true (g_str_has_prefix (error->message, "Un criterio di accesso condizionale ha bloccato questo accesso."));
  g_assert_nonnull (strstr (error->message, "\nAADSTS53003: Access has been blocked by Conditional Access policies."));
  g_assert_cmpuint (browser->final_status, ==, 200);
  g_assert_nonnull (strstr (browser->final_body, "<html lang=\"it\">"));
  g_assert_nonnull (strstr (browser->final_body, "<h1>Latchkey non è riuscito a completare l&apos;accesso</h1>"));
  g_assert_nonnull (strstr (browser->final_body, "Un criterio di accesso condizionale"));
  fake_browser_free (browser);
  lk_sandbox_stop (sandbox);
  g_assert_finalize_object (sandbox);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "it", TRUE);
  g_setenv ("LC_ALL", "it_IT.UTF-8", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("LK_TEST_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/italian/window-and-wizard", test_italian);
  g_test_add_func ("/italian/sign-in-refused", test_sign_in_refused);
  return g_test_run ();
}
