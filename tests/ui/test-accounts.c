/* test-accounts.c: the real application's accounts against the sandbox — Sign In Again after a
 * revoked sign-in, the account menu, and signing out of one of several accounts. Runs in a
 * keyring of its own (tests/run-private-keyring.sh), under Xvfb. */
#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "../lk-test-common.h"
#include "../lk-test-widgets.h"

#include "lk-application.h"
#include "lk-demo-browser.h"
#include "lk-sandbox.h"
#include "lk-window.h"

typedef struct
{
  LkSandbox      *sandbox;
  LkApplication  *app;       /* one for the whole run: an application registers once */
  LkWindow       *window;
  LkSignInConfig *config;
} Fixture;

static LkApplication *app;

static gboolean
window_settled (gpointer data)
{
  const char *state = lk_window_get_state (data);

  return g_strcmp0 (state, "searching") != 0 && g_strcmp0 (state, "throttled") != 0
         && g_strcmp0 (state, "connecting") != 0;
}

static gboolean
window_connected (gpointer data)
{
  return lk_window_get_client (data) != NULL && window_settled (data);
}

static void
store_result_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static LkAccount *
sign_in (Fixture *f)
{
  LkAccountManager *accounts = lk_application_get_accounts (f->app);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  LkAccount *account;

  lk_account_manager_sign_in_browser_async (accounts, f->config, NULL, store_result_cb, &result);
  account = lk_account_manager_sign_in_browser_finish (accounts, wait_result (&result), &error);
  g_assert_no_error (error);
  lk_application_use_account (f->app, account);
  g_assert_true (lk_test_wait_until (window_connected, f->window, 20000));
  return account;
}

static gboolean
accounts_loaded (gpointer data)
{
  /* The window leaves "connecting" once the keyring was read. */
  return g_strcmp0 (lk_window_get_state (data), "connecting") != 0;
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *authority = NULL;
  g_autofree char *graph = NULL;

  f->sandbox = lk_sandbox_new ();
  lk_sandbox_load_demo_tenant (f->sandbox);
  g_assert_true (lk_sandbox_start (f->sandbox, &error));
  authority = lk_sandbox_get_authority_url (f->sandbox);
  graph = lk_sandbox_get_graph_url (f->sandbox);
  f->config = lk_sign_in_config_new (LK_CLOUD_CUSTOM, authority, graph,
                                     lk_sandbox_get_tenant_id (f->sandbox),
                                     lk_sandbox_get_client_id (f->sandbox));

  if (app == NULL)
    {
      app = lk_application_new ();
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
      g_assert_no_error (error);
      /* The browser that approves at once, as the demo's does. */
      lk_account_manager_set_open_uri_func (lk_application_get_accounts (app),
                                            lk_demo_browser_open_uri, NULL, NULL);
      g_application_activate (G_APPLICATION (app));
    }
  f->app = app;
  f->window = LK_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (f->window);
  g_assert_true (lk_test_wait_until (accounts_loaded, f->window, 20000));
}

static gboolean
signed_out (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (lk_application_get_accounts (data))) == 0
         && g_strcmp0 (lk_window_get_state (LK_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (data)))), "signed-out") == 0;
}

/* Leaves the application as the next test expects it: no account, its window open. */
static void
teardown (Fixture *f, gconstpointer data)
{
  while (lk_account_manager_get_active_account (lk_application_get_accounts (app)) != NULL)
    {
      g_action_group_activate_action (G_ACTION_GROUP (app), "sign-out", NULL);
      for (guint i = 0; i < 200 && lk_account_manager_get_active_account (lk_application_get_accounts (app)) != NULL; i++)
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (lk_test_wait_until (signed_out, app, 20000));
  lk_sandbox_set_id_token_claim (f->sandbox, "preferred_username", NULL);
  lk_sign_in_config_free (f->config);
  lk_sandbox_stop (f->sandbox);
  g_clear_object (&f->sandbox);
}

static gboolean
is_visible_actionable (GtkWidget *widget, gconstpointer name)
{
  return lk_test_is_actionable (widget, name) && gtk_widget_is_visible (widget);
}

/* A revoked sign-in: Retry cannot help, Sign In Again can — same tenant and client id. */
static void
test_sign_in_again (Fixture *f, gconstpointer data)
{
  g_autoptr(LkAccount) account = sign_in (f);
  g_autofree char *authorize = g_strdup_printf ("/login/%s/oauth2/v2.0/authorize",
                                                lk_sandbox_get_tenant_id (f->sandbox));

  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "GET", authorize), ==, 1);
  lk_sandbox_revoke_refresh_tokens (f->sandbox);
  lk_sandbox_expire_access_tokens (f->sandbox);
  lk_window_search (f->window, "rossi");
  g_assert_true (lk_test_wait_until (window_settled, f->window, 20000));
  g_assert_cmpstr (lk_window_get_state (f->window), ==, "error");
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (f->window), is_visible_actionable, "app.sign-in-again"));
  g_assert_null (lk_test_find_widget (GTK_WIDGET (f->window), is_visible_actionable, "win.retry"));

  lk_sandbox_reset_log (f->sandbox);
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "sign-in-again", NULL);
  g_assert_true (lk_test_wait_until (window_connected, f->window, 20000));
  /* The same tenant in the path; the same client id, or the sandbox would have refused it. */
  g_assert_cmpuint (lk_sandbox_count_requests (f->sandbox, "GET", authorize), ==, 1);
  lk_window_search (f->window, "rossi");
  g_assert_true (lk_test_wait_until (window_settled, f->window, 20000));
  g_assert_cmpstr (lk_window_get_state (f->window), !=, "error");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (lk_application_get_accounts (f->app))), ==, 1);
}

static char *
menu_label (GMenu *menu, guint i)
{
  char *label = NULL;

  g_menu_model_get_item_attribute (G_MENU_MODEL (menu), i, G_MENU_ATTRIBUTE_LABEL, "s", &label);
  return label;
}

static gboolean
is_toast_about (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

/* Two accounts of two tenants: each shown with its tenant, the active one the selected radio
 * item; signing out of it moves to the other, with a toast, not to "Not Signed In". */
static void
test_menu_and_sign_out (Fixture *f, gconstpointer data)
{
  LkAccountManager *accounts = lk_application_get_accounts (f->app);
  g_autoptr(LkAccount) first = sign_in (f);
  g_autoptr(LkAccount) second = NULL;
  g_autoptr(GVariant) state = NULL;
  GMenu *menu = lk_window_get_accounts_menu (f->window);
  g_autofree char *label0 = NULL;
  g_autofree char *label1 = NULL;

  lk_sandbox_set_id_token_claim (f->sandbox, "preferred_username", "mario.verdi@fabrikam.onmicrosoft.com");
  second = sign_in (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (accounts)), ==, 2);
  g_assert_cmpint (g_menu_model_get_n_items (G_MENU_MODEL (menu)), ==, 2);
  label0 = menu_label (menu, 0);
  label1 = menu_label (menu, 1);
  g_assert_cmpstr (label0, ==, "giulia.bianchi@contoso-demo.onmicrosoft.com — contoso-demo.onmicrosoft.com");
  g_assert_cmpstr (label1, ==, "mario.verdi@fabrikam.onmicrosoft.com — fabrikam.onmicrosoft.com");
  state = g_action_group_get_action_state (G_ACTION_GROUP (f->app), "switch-account");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, lk_account_get_key (second));

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "sign-out", NULL);
  g_assert_true (lk_test_wait_until (window_connected, f->window, 20000));
  g_assert_true (lk_account_manager_get_active_account (accounts) == first);
  g_assert_cmpint (g_menu_model_get_n_items (G_MENU_MODEL (menu)), ==, 1);
  g_clear_pointer (&state, g_variant_unref);
  state = g_action_group_get_action_state (G_ACTION_GROUP (f->app), "switch-account");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, lk_account_get_key (first));
  g_assert_cmpstr (lk_window_get_state (f->window), !=, "signed-out");
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (f->window), is_toast_about,
                                         "Signed out of mario.verdi@fabrikam.onmicrosoft.com. Now using giulia.bianchi@contoso-demo.onmicrosoft.com."));
}

int
main (int argc, char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/accounts/sign-in-again", Fixture, NULL, setup, test_sign_in_again, teardown);
  g_test_add ("/accounts/menu-and-sign-out", Fixture, NULL, setup, test_menu_and_sign_out, teardown);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
