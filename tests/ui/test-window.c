/* test-window.c: the real window under Xvfb, searching the sandbox over loopback HTTP. */
#include "config.h"

#include "../lk-test-widgets.h"

#include "../lk-test-common.h"

#include <stdio.h>
#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "lk-capability-badge.h"
#include "lk-cloud.h"
#include "lk-device-page.h"
#include "lk-device-query.h"
#include "lk-device-row.h"
#include "lk-graph-error.h"
#include "lk-sandbox.h"
#include "lk-window.h"
#include "lk-window-size.h"
#include "lk-settings.h"

#define SCOPES "DeviceManagementManagedDevices.Read.All DeviceManagementManagedDevices.PrivilegedOperations.All"

typedef struct
{
  LkSandbox     *sandbox;
  LkGraphClient *client;
  LkWindow      *window;
} Fixture;

static gboolean
search_settled (gpointer data)
{
  LkWindow *window = data;
  const char *state = lk_window_get_state (window);

  return g_strcmp0 (state, "searching") != 0 && g_strcmp0 (state, "throttled") != 0
         && g_strcmp0 (state, "connecting") != 0;
}

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  fixture->sandbox = lk_test_demo_sandbox ();
  fixture->client = lk_test_demo_client (fixture->sandbox, SCOPES);
  lk_graph_client_set_backoff (fixture->client, 10, 40);

  fixture->window = lk_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 700);
  lk_window_set_client (fixture->window, fixture->client);
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
  lk_sandbox_stop (fixture->sandbox);
  g_assert_finalize_object (fixture->sandbox);
}

static void
search (Fixture    *fixture,
        const char *text)
{
  lk_window_search (fixture->window, text);
  g_assert_true (lk_test_wait_until (search_settled, fixture->window, 20000));
}

/* Not only the first page: the listing has ended (its progress line is gone). */
static gboolean
search_complete (gpointer data)
{
  /* The progress line's revealer, not the demo banner's. */
  GtkWidget *revealer = gtk_widget_get_ancestor (lk_test_find_widget (data, lk_test_is_type,
                                                           GSIZE_TO_POINTER (GTK_TYPE_PROGRESS_BAR)),
                                      GTK_TYPE_REVEALER);
  return search_settled (data) && !gtk_revealer_get_reveal_child (GTK_REVEALER (revealer));
}

static void
search_all (Fixture    *fixture,
            const char *text)
{
  lk_window_search (fixture->window, text);
  g_assert_true (lk_test_wait_until (search_complete, fixture->window, 20000));
}

static LkDeviceRow *
row_for (Fixture  *fixture,
         LkDevice *device)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  /* Let the list view build its rows. */
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  lk_test_collect_widgets (GTK_WIDGET (fixture->window), LK_TYPE_DEVICE_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      LkDeviceRow *row = g_ptr_array_index (rows, i);

      if (lk_device_row_get_device (row) != NULL
          && g_str_equal (lk_device_get_id (lk_device_row_get_device (row)), lk_device_get_id (device)))
        return row;
    }
  return NULL;
}

typedef gboolean (*CapabilityMatch) (LkCapability *capability, gconstpointer data);

/* The first demo device whose capability @match accepts. */
static LkDevice *
demo_device_where (Fixture         *fixture,
                   CapabilityMatch  match,
                   gconstpointer    data)
{
  GListModel *results;

  lk_window_set_demo (fixture->window, TRUE);
  search (fixture, "");
  results = lk_window_get_results (fixture->window);
  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);
      g_autoptr(LkCapability) capability = lk_capability_new_for_device (device);

      if (match (capability, data))
        return g_steal_pointer (&device);
    }
  return NULL;
}

static gboolean
has_rule (LkCapability  *capability,
          gconstpointer  rule)
{
  return g_str_equal (lk_capability_get_rule_id (capability), rule);
}

static LkDevice *
device_with_rule (Fixture    *fixture,
                  const char *rule)
{
  LkDevice *device = demo_device_where (fixture, has_rule, rule);

  if (device == NULL)
    g_error ("no demo device for %s", rule);
  return device;
}

static void test_unlock_badges (Fixture *fixture);

static void
test_badges (Fixture       *fixture,
             gconstpointer  data)
{
  const struct { const char *rule; const char *label; } kinds[] = {
    { "ios-corporate", "Can remove passcode" },
    { "android-dedicated", "Can reset passcode" },
    { "android-byod-work-profile", "Can reset work profile" },
  };
  g_autoptr(LkDevice) dedicated = NULL;
  g_autoptr(LkGraphClient) v1 = NULL;
  g_autoptr(GPtrArray) v1_badges = g_ptr_array_new ();
  g_autofree char *graph_url = NULL;
  g_autofree char *token = NULL;
  g_autoptr(LkStaticToken) tokens = NULL;
  GListModel *results;
  LkDeviceRow *v1_row;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(LkDevice) device = device_with_rule (fixture, kinds[i].rule);
      g_autoptr(GPtrArray) badges = g_ptr_array_new ();
      g_autofree char *accessible = g_strdup_printf ("Passcode: %s", kinds[i].label);
      LkDeviceRow *row;
      LkCapabilityBadge *badge;

      lk_window_set_demo (fixture->window, FALSE);
      search (fixture, lk_device_get_device_name (device));
      g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "results");
      row = row_for (fixture, device);
      g_assert_nonnull (row);
      lk_test_collect_widgets (GTK_WIDGET (row), LK_TYPE_CAPABILITY_BADGE, badges);
      g_assert_cmpuint (badges->len, ==, 1);
      badge = g_ptr_array_index (badges, 0);
      g_assert_cmpstr (lk_capability_badge_get_text (badge), ==, kinds[i].label);
      /* Never colour alone: text, tooltip and an accessible label. */
      g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (badge)));
      gtk_test_accessible_assert_property (badge, GTK_ACCESSIBLE_PROPERTY_LABEL, accessible);
    }

  test_unlock_badges (fixture);

  /* Read through v1.0, the same Android Enterprise device cannot be told apart: Unknown. */
  dedicated = device_with_rule (fixture, "android-dedicated");
  graph_url = lk_sandbox_get_graph_url (fixture->sandbox);
  token = lk_sandbox_mint_access_token (fixture->sandbox, SCOPES, 3600);
  tokens = lk_static_token_new (token);
  v1 = lk_graph_client_new (graph_url, "v1.0", LK_TOKEN_PROVIDER (tokens));
  lk_window_set_client (fixture->window, v1);
  lk_window_set_demo (fixture->window, FALSE);
  search (fixture, lk_device_get_device_name (dedicated));
  results = lk_window_get_results (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (results), >=, 1);
  v1_row = row_for (fixture, dedicated);
  g_assert_nonnull (v1_row);
  lk_test_collect_widgets (GTK_WIDGET (v1_row), LK_TYPE_CAPABILITY_BADGE, v1_badges);
  g_assert_cmpstr (lk_capability_badge_get_text (g_ptr_array_index (v1_badges, 0)), ==, "Unknown");
  lk_window_set_client (fixture->window, fixture->client);
}

static gboolean
aborted_once (gpointer data)
{
  return lk_sandbox_count_aborted (data) >= 1;
}

static void
test_new_query_cancels_old (Fixture       *fixture,
                            gconstpointer  data)
{
  LkFault slow = { .kind = LK_FAULT_DELAY, .method = "GET", .path_contains = "managedDevices",
                   .delay_ms = 10000 };
  GListModel *results;
  gint64 until;

  lk_sandbox_add_fault (fixture->sandbox, &slow);
  lk_window_search (fixture->window, "giulia");
  /* By the clock, not by iterations: under ASan on a loaded machine an iteration can take long
   * enough for a count of them to outlast the delay. */
  until = g_get_monotonic_time () + 200 * 1000;
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "searching");
  search (fixture, "rossi");
  g_assert_true (lk_test_wait_until (aborted_once, fixture->sandbox, 3000));

  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "results");
  results = lk_window_get_results (fixture->window);
  g_assert_cmpuint (g_list_model_get_n_items (results), >=, 1);
  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);
      g_autoptr(LkDeviceQuery) query = lk_device_query_new ("rossi");

      g_assert_cmpuint (lk_device_query_score (query, device), >, 0);
    }
}

static gboolean
is_throttled (gpointer data)
{
  return g_strcmp0 (lk_window_get_state (data), "throttled") == 0;
}

static void
test_throttled_then_results (Fixture       *fixture,
                             gconstpointer  data)
{
  LkFault busy = { .kind = LK_FAULT_STATUS, .method = "GET", .path_contains = "managedDevices",
                   .status = 429, .retry_after = "1" };

  lk_sandbox_add_fault (fixture->sandbox, &busy);
  lk_window_search (fixture->window, "rossi");
  g_assert_true (lk_test_wait_until (is_throttled, fixture->window, 3000));
  g_assert_true (lk_test_wait_until (search_settled, fixture->window, 10000));
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "results");
}

static void
test_error_shows_request_id (Fixture       *fixture,
                             gconstpointer  data)
{
  LkFault broken = { .kind = LK_FAULT_STATUS, .method = "GET", .path_contains = "managedDevices",
                     .status = 500, .times = 10 };
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autofree char *client_request_id = NULL;
  gboolean shown = FALSE;

  lk_sandbox_add_fault (fixture->sandbox, &broken);
  search (fixture, "rossi");
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "error");
  client_request_id = lk_sandbox_get_last_header (fixture->sandbox, "managedDevices", "client-request-id");
  g_assert_nonnull (client_request_id);
  lk_test_collect_widgets (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      const char *text = gtk_label_get_label (g_ptr_array_index (labels, i));

      shown |= strstr (text, "Request ID:") != NULL && strstr (text, client_request_id) != NULL
               && gtk_widget_is_visible (g_ptr_array_index (labels, i));
    }
  g_assert_true (shown);
}

static void
test_close_mid_search (Fixture       *fixture,
                       gconstpointer  data)
{
  LkFault slow = { .kind = LK_FAULT_DELAY, .method = "GET", .path_contains = "managedDevices",
                   .delay_ms = 3000 };

  lk_sandbox_add_fault (fixture->sandbox, &slow);
  lk_window_search (fixture->window, "rossi");
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "searching");
  /* teardown destroys the window now and proves it is finalized: no late callback, no leak. */
}

typedef struct
{
  LkDevice *requested;
} Requested;

static void
action_requested_cb (LkWindow  *window,
                     LkDevice  *device,
                     Requested *requested)
{
  g_set_object (&requested->requested, device);
}

/* The page's label whose text holds @text, or NULL. */
static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  lk_test_collect_widgets (root, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_get_visible (g_ptr_array_index (labels, i))
        && strstr (gtk_label_get_label (g_ptr_array_index (labels, i)), text) != NULL)
      return g_ptr_array_index (labels, i);
  return NULL;
}

static gboolean
shared_verdict_shown (gpointer page)
{
  return find_label (page, "Shared iPad") != NULL;
}

typedef struct
{
  GAsyncResult *result;
} Posted;

static void
posted_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ((Posted *) user_data)->result = g_object_ref (result);
}

static gboolean
posted_done (gpointer data)
{
  return ((Posted *) data)->result != NULL;
}


static LkDevicePage *
device_page (Fixture *fixture)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new ();

  lk_test_collect_widgets (GTK_WIDGET (fixture->window), LK_TYPE_DEVICE_PAGE, pages);
  g_assert_cmpuint (pages->len, ==, 1);
  return g_ptr_array_index (pages, 0);
}

static LkCapabilityBadge *
only_badge (GtkWidget *root)
{
  g_autoptr(GPtrArray) badges = g_ptr_array_new ();

  lk_test_collect_widgets (root, LK_TYPE_CAPABILITY_BADGE, badges);
  g_assert_cmpuint (badges->len, ==, 1);
  return g_ptr_array_index (badges, 0);
}

/* A PC or a Mac: its unlock options as a state, in the list and on the page, never "Not
 * supported"; the listing's join type already tells a PC that has none; Linux says so. */
static void
test_unlock_badges (Fixture *fixture)
{
  const struct { const char *name; const char *label; const char *accessible; } kinds[] = {
    { "DESKTOP-7QK2L9M", "Unlock options",
      "Unlock options: Local administrator password (Windows LAPS), BitLocker recovery key. Whether each is available is checked when you open the device." },
    { "MacBook Pro di Lorenzo", "Unlock options",
      "Unlock options: FileVault recovery key, Managed local administrator (macOS). Whether each is available is checked when you open the device." },
    { "PC-MAGAZZINO-03", "Not Entra joined",
      "Not Entra joined: Windows LAPS passwords and BitLocker recovery keys are backed up to Microsoft Entra ID only from Entra joined or hybrid joined PCs." },
    { "ubuntu-mrossi", "No unlock option", "Intune offers no unlock option for Linux or ChromeOS devices." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(LkDevice) device = NULL;
      GListModel *results;
      LkCapabilityBadge *badge;

      lk_window_set_demo (fixture->window, FALSE);
      search (fixture, kinds[i].name);
      results = lk_window_get_results (fixture->window);
      for (guint j = 0; device == NULL && j < g_list_model_get_n_items (results); j++)
        {
          g_autoptr(LkDevice) item = g_list_model_get_item (results, j);

          if (g_str_equal (lk_device_get_device_name (item), kinds[i].name))
            device = g_steal_pointer (&item);
        }
      g_assert_nonnull (device);
      badge = only_badge (GTK_WIDGET (row_for (fixture, device)));
      g_assert_cmpstr (lk_capability_badge_get_text (badge), ==, kinds[i].label);
      gtk_test_accessible_assert_property (badge, GTK_ACCESSIBLE_PROPERTY_LABEL, kinds[i].accessible);
      /* The tooltip names the options and still says why there is no passcode action. */
      g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (GTK_WIDGET (badge)), kinds[i].accessible));
      g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (GTK_WIDGET (badge)), "passcode"));

      lk_window_show_device (fixture->window, device);
      badge = only_badge (GTK_WIDGET (device_page (fixture)));
      g_assert_cmpstr (lk_capability_badge_get_text (badge), ==, kinds[i].label);
    }
}

static GtkWidget *
button_with_action (Fixture    *fixture,
                    const char *action)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  lk_test_collect_widgets (GTK_WIDGET (device_page (fixture)), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (g_ptr_array_index (buttons, i))), action) == 0)
      return g_ptr_array_index (buttons, i);
  g_assert_not_reached ();
  return NULL;
}

static gboolean
check_button_shown (gpointer data)
{
  return gtk_widget_get_visible (button_with_action (data, "device-page.check-status"));
}

static gboolean
action_button_shown (gpointer data)
{
  return gtk_widget_get_visible (button_with_action (data, "win.start-action"));
}

static gboolean
resolved_to_pending (gpointer data)
{
  g_autoptr(GPtrArray) entries = lk_action_history_load (data, NULL);

  return entries->len == 1
         && g_strcmp0 (((LkHistoryEntry *) g_ptr_array_index (entries, 0))->outcome, "pending") == 0;
}

/* An action that may be on its way — in the journal without an outcome, or pending in Intune —
 * replaces the red button with its state and *Check Status*; start-action does nothing. */
static void
test_pending_action_blocks (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(LkDevice) dedicated = device_with_rule (fixture, "android-dedicated");
  g_autofree char *dir = g_dir_make_tmp ("latchkey-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.jsonl", NULL);
  g_autoptr(LkActionHistory) history = lk_action_history_new (path);
  g_autoptr(LkHistoryEntry) intent = lk_history_entry_new ();
  g_autoptr(GError) error = NULL;
  Requested requested = { NULL };
  LkDevicePage *page = device_page (fixture);
  const char *label;
  Posted posted = { NULL };

  g_signal_connect (fixture->window, "action-requested", G_CALLBACK (action_requested_cb), &requested);
  lk_device_page_set_history (page, history);

  /* The journal's intent, with no outcome: the CLI was killed while its POST was on its way. */
  intent->device_id = g_strdup (lk_device_get_id (dedicated));
  intent->device_name = g_strdup (lk_device_get_device_name (dedicated));
  intent->action = g_strdup ("resetDevicePasscode");
  intent->outcome = g_strdup ("sending");
  intent->client_request_id = g_strdup ("0f9e6c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b");
  g_assert_true (lk_action_history_append (history, intent, &error));
  lk_window_show_device (fixture->window, dedicated);
  g_assert_true (lk_test_wait_until (check_button_shown, fixture, 10000));
  g_assert_false (action_button_shown (fixture));
  label = gtk_label_get_label (GTK_LABEL (find_label (GTK_WIDGET (page), "may have reached Intune")));
  g_assert_nonnull (strstr (label, "outcome unknown"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.start-action", NULL));
  g_assert_null (requested.requested);

  /* Intune queues it after all (it was on its way): Check Status reads it, and the journal
   * records it. */
  lk_sandbox_set_action_timing (fixture->sandbox, 60000, 1000);
  lk_graph_client_post_action_async (fixture->client, lk_device_get_id (dedicated), LK_DEVICE_ACTION_RESET_PASSCODE,
                                     NULL, posted_cb, &posted);
  g_assert_true (lk_test_wait_until (posted_done, &posted, 10000));
  g_assert_true (lk_graph_client_post_action_finish (fixture->client, posted.result, NULL));
  g_clear_object (&posted.result);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "device-page.check-status", NULL));
  g_assert_true (lk_test_wait_until (resolved_to_pending, history, 10000));
  g_assert_true (lk_test_wait_until (check_button_shown, fixture, 10000));
  label = gtk_label_get_label (GTK_LABEL (find_label (GTK_WIDGET (page), "already in Intune")));
  g_assert_nonnull (strstr (label, "Pending"));
  g_assert_false (action_button_shown (fixture));

  /* A device with nothing on its way offers its action. */
  g_signal_handlers_disconnect_by_func (fixture->window, action_requested_cb, &requested);
  lk_device_page_set_history (page, NULL);
  g_unlink (path);
  g_rmdir (dir);
}

/* The list cannot tell a Shared iPad; the device page's own GET can. */
static void
test_shared_ipad_page (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(LkDevice) shared = NULL;
  g_autoptr(LkDevice) ipad = NULL;
  GListModel *results;
  LkDevicePage *page = device_page (fixture);

  lk_window_set_demo (fixture->window, TRUE);
  search (fixture, "iPad");
  results = lk_window_get_results (fixture->window);
  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);

      if (g_strcmp0 (lk_device_get_device_name (device), "iPad-AULA-3B") == 0)
        g_set_object (&shared, device);
      else if (g_strcmp0 (lk_device_get_device_name (device), "iPad di Francesca") == 0)
        g_set_object (&ipad, device);
    }
  g_assert_nonnull (shared);
  g_assert_nonnull (ipad);

  lk_window_show_device (fixture->window, shared);
  g_assert_true (lk_test_wait_until ((gboolean (*) (gpointer)) lk_device_page_get_device, page, 1000));
  g_assert_true (lk_test_wait_until (shared_verdict_shown, page, 10000));
  g_assert_false (lk_device_page_get_can_act (page));
  g_assert_false (action_button_shown (fixture));

  lk_window_show_device (fixture->window, ipad);
  g_assert_true (lk_test_wait_until (action_button_shown, fixture, 10000));
  g_assert_true (lk_device_page_get_can_act (page));
}

static void
test_action_requested (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(LkDevice) iphone = device_with_rule (fixture, "ios-corporate");
  g_autoptr(LkDevice) windows = device_with_rule (fixture, "windows");
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  Requested requested = { NULL };
  gboolean action_visible = FALSE;

  g_signal_connect (fixture->window, "action-requested", G_CALLBACK (action_requested_cb), &requested);
  lk_window_show_device (fixture->window, iphone);
  /* The page first reads the device and its action results: then the action is offered. */
  g_assert_true (lk_test_wait_until ((gboolean (*) (gpointer)) lk_device_page_get_can_act, device_page (fixture), 10000));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.start-action", NULL));
  g_assert_nonnull (requested.requested);
  g_assert_cmpstr (lk_device_get_id (requested.requested), ==, lk_device_get_id (iphone));
  g_clear_object (&requested.requested);

  /* No action button for a device that cannot take one. */
  lk_window_show_device (fixture->window, windows);
  lk_test_collect_widgets (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);

      if (g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), "win.start-action") == 0)
        action_visible |= gtk_widget_get_visible (button);
    }
  g_assert_false (action_visible);
}

/* Without an account the window says so and offers the sign-in action. */
static void
test_signed_out (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  gboolean offered = FALSE;

  lk_window_set_client (fixture->window, NULL);
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "signed-out");
  lk_test_collect_widgets (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);

      if (g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), "app.sign-in") == 0)
        offered |= gtk_widget_is_visible (button);
    }
  g_assert_true (offered);
}

/* A real tenant is not listed whole on an empty query; the demo tenant is, at once. */
static void
test_empty_query (Fixture       *fixture,
                  gconstpointer  data)
{
  lk_window_search (fixture->window, "");
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "empty");
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "managedDevices"), ==, 0);

  lk_window_set_demo (fixture->window, TRUE);
  search (fixture, "");
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "results");
  g_assert_cmpuint (g_list_model_get_n_items (lk_window_get_results (fixture->window)), ==,
                    lk_sandbox_get_n_devices (fixture->sandbox));
}

static GtkCheckButton *
filter_toggle (Fixture    *fixture,
               const char *label)
{
  g_autoptr(GPtrArray) toggles = g_ptr_array_new ();

  lk_test_collect_widgets (GTK_WIDGET (fixture->window), GTK_TYPE_CHECK_BUTTON, toggles);
  for (guint i = 0; i < toggles->len; i++)
    if (g_strcmp0 (gtk_check_button_get_label (g_ptr_array_index (toggles, i)), label) == 0)
      return g_ptr_array_index (toggles, i);
  g_error ("no filter toggle %s", label);
  return NULL;
}

/* Devices of @platform (-1: any) and @owner (NULL: any). */
static guint
count_matching (GListModel *model,
                int         platform,
                const char *owner)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (model, i);

      if ((platform < 0
           || (int) lk_platform_from_operating_system (lk_device_get_operating_system (device)) == platform)
          && (owner == NULL || g_strcmp0 (lk_device_get_owner_type (device), owner) == 0))
        n++;
    }
  return n;
}

/* The platform and ownership toggles filter the listing client-side, without a new request. */
static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  GListModel *results = lk_window_get_results (fixture->window);
  GtkCheckButton *android = filter_toggle (fixture, "Android");
  GtkCheckButton *personal = filter_toggle (fixture, "Personal");
  guint all, n_android, n_personal, requests;

  lk_window_set_demo (fixture->window, TRUE);
  search (fixture, "");
  all = g_list_model_get_n_items (results);
  n_android = count_matching (results, LK_PLATFORM_ANDROID, NULL);
  g_assert_cmpuint (n_android, >, 0);
  requests = lk_sandbox_count_requests (fixture->sandbox, "GET", "managedDevices");

  gtk_check_button_set_active (android, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, all - n_android);
  g_assert_cmpuint (count_matching (results, LK_PLATFORM_ANDROID, NULL), ==, 0);

  n_personal = count_matching (results, -1, "personal");
  g_assert_cmpuint (n_personal, >, 0);
  gtk_check_button_set_active (personal, FALSE);
  g_assert_cmpuint (count_matching (results, -1, "personal"), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, all - n_android - n_personal);

  gtk_check_button_set_active (android, TRUE);
  gtk_check_button_set_active (personal, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, all);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "managedDevices"), ==, requests);
}

static gboolean
is_searching (gpointer data)
{
  return g_strcmp0 (lk_window_get_state (data), "searching") == 0;
}

/* Typing is debounced: nothing is sent at once, the search starts after the delay. */
static void
test_typing_debounced (Fixture       *fixture,
                       gconstpointer  data)
{
  LkFault slow = { .kind = LK_FAULT_DELAY, .method = "GET", .path_contains = "managedDevices",
                   .delay_ms = 500 };
  GtkWidget *entry = gtk_window_get_focus (GTK_WINDOW (fixture->window));

  /* The search entry has the focus from the start. */
  g_assert_nonnull (entry);
  g_assert_nonnull (gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_ENTRY));
  entry = gtk_widget_get_ancestor (entry, GTK_TYPE_SEARCH_ENTRY);

  lk_sandbox_add_fault (fixture->sandbox, &slow);
  gtk_editable_set_text (GTK_EDITABLE (entry), "rossi");
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "empty");
  g_assert_true (lk_test_wait_until (is_searching, fixture->window, 2000));
  g_assert_true (lk_test_wait_until (search_settled, fixture->window, 10000));
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "results");
}

static gboolean
window_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* The size the window had when it was closed is the size of the next one. */
static void
test_size_saved (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GSettings) settings = lk_settings_new ();
  LkWindow *window = fixture->window;
  LkWindow *next;
  int width, height;

  lk_window_size_remember (GTK_WINDOW (window), settings);
  gtk_window_set_default_size (GTK_WINDOW (window), 880, 610);
  fixture->window = NULL;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (lk_test_wait_until (window_gone, &window, 5000));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 880);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 610);

  next = lk_window_new (NULL);
  lk_window_size_remember (GTK_WINDOW (next), settings);
  gtk_window_get_default_size (GTK_WINDOW (next), &width, &height);
  g_assert_cmpint (width, ==, 880);
  g_assert_cmpint (height, ==, 610);
  g_object_ref_sink (next);
  gtk_window_destroy (GTK_WINDOW (next));
  g_assert_finalize_object (next);
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}


static GtkWidget *
filter_button (Fixture *fixture)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  lk_test_collect_widgets (GTK_WIDGET (fixture->window), GTK_TYPE_MENU_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (gtk_menu_button_get_popover (g_ptr_array_index (buttons, i)) != NULL
        && gtk_menu_button_get_menu_model (g_ptr_array_index (buttons, i)) == NULL)
      return g_ptr_array_index (buttons, i);
  g_error ("no filter button");
  return NULL;
}

/* Filters that hide every device found say so, offer to show all, and mark their button. */
static void
test_filtered_empty (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *platforms[] = { "iOS/iPadOS/visionOS", "Android", "Windows" };
  GtkWidget *button = filter_button (fixture);
  guint found;

  search_all (fixture, "giulia");
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "results");
  g_assert_false (gtk_widget_has_css_class (button, "filter-active"));
  /* A filter icon, shipped with the app (Adwaita 43 has none). */
  g_assert_cmpstr (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (button)), ==, "lk-filter-symbolic");
  g_assert_true (gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (button)),
                                          "lk-filter-symbolic"));
  found = g_list_model_get_n_items (lk_window_get_results (fixture->window));
  g_assert_cmpuint (found, >, 0);
  for (guint i = 0; i < G_N_ELEMENTS (platforms); i++)
    gtk_check_button_set_active (filter_toggle (fixture, platforms[i]), FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (lk_window_get_results (fixture->window)), ==, 0);
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "filtered-empty");
  g_assert_true (gtk_widget_has_css_class (button, "filter-active"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), !=, "Filter by platform and ownership");
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (fixture->window), lk_test_is_actionable, "win.show-all"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-all", NULL));
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "results");
  g_assert_cmpuint (g_list_model_get_n_items (lk_window_get_results (fixture->window)), ==, found);
  g_assert_false (gtk_widget_has_css_class (button, "filter-active"));
  for (guint i = 0; i < G_N_ELEMENTS (platforms); i++)
    g_assert_true (gtk_check_button_get_active (filter_toggle (fixture, platforms[i])));

  /* A new search under an active filter lands on the same page, not on an empty list. */
  gtk_check_button_set_active (filter_toggle (fixture, "iOS/iPadOS/visionOS"), FALSE);
  gtk_check_button_set_active (filter_toggle (fixture, "Windows"), FALSE);
  search_all (fixture, "giulia.bianchi");
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "filtered-empty");
}

static guint
selected_position (Fixture *fixture)
{
  GtkListView *list = GTK_LIST_VIEW (lk_test_find_widget (GTK_WIDGET (fixture->window), lk_test_is_type,
                                                          GSIZE_TO_POINTER (GTK_TYPE_LIST_VIEW)));

  return gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (list)));
}

static guint
result_position (Fixture  *fixture,
                 LkDevice *device)
{
  GListModel *results = lk_window_get_results (fixture->window);

  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) item = g_list_model_get_item (results, i);

      if (g_str_equal (lk_device_get_id (item), lk_device_get_id (device)))
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

/* The device pane shows a device only while the list does; the open device's row is selected. */
static void
test_pane_follows_results (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(LkDevice) iphone = device_with_rule (fixture, "ios-corporate");
  g_autofree char *name = g_strdup (lk_device_get_device_name (iphone));
  LkDevicePage *page = device_page (fixture);

  lk_window_set_demo (fixture->window, FALSE);
  search_all (fixture, name);
  lk_window_show_device (fixture->window, iphone);
  g_assert_true (lk_device_page_get_device (page) == iphone);
  g_assert_cmpuint (selected_position (fixture), ==, result_position (fixture, iphone));
  g_assert_cmpuint (selected_position (fixture), !=, GTK_INVALID_LIST_POSITION);

  /* Searched again and still there: kept, and its row selected in the new list. */
  search_all (fixture, name);
  g_assert_nonnull (lk_device_page_get_device (page));
  g_assert_cmpstr (lk_device_get_id (lk_device_page_get_device (page)), ==, lk_device_get_id (iphone));
  g_assert_cmpuint (selected_position (fixture), ==, result_position (fixture, iphone));

  /* A search that does not find it clears the pane. */
  search_all (fixture, "no device is called this");
  g_assert_cmpstr (lk_window_get_state (fixture->window), ==, "no-results");
  g_assert_null (lk_device_page_get_device (page));

  search_all (fixture, name);
  lk_window_show_device (fixture->window, iphone);
  search_all (fixture, "rossi");
  g_assert_cmpuint (result_position (fixture, iphone), ==, GTK_INVALID_LIST_POSITION);
  g_assert_null (lk_device_page_get_device (page));
  g_assert_cmpuint (selected_position (fixture), ==, GTK_INVALID_LIST_POSITION);

  /* Hidden by a filter: the same. */
  search_all (fixture, name);
  lk_window_show_device (fixture->window, iphone);
  gtk_check_button_set_active (filter_toggle (fixture, "iOS/iPadOS/visionOS"), FALSE);
  g_assert_null (lk_device_page_get_device (page));
}

/* Lets the frame clock lay the window out: by the clock, as iterations can be too quick. */
static void
settle (void)
{
  gint64 until = g_get_monotonic_time () + 300 * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static gboolean
is_mapped_scrolled (GtkWidget     *widget,
                    gconstpointer  data)
{
  return GTK_IS_SCROLLED_WINDOW (widget) && gtk_widget_get_mapped (widget);
}

/* Each device opens at the top of its page. */
static void
test_scroll_reset (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(LkDevice) iphone = device_with_rule (fixture, "ios-corporate");
  g_autoptr(LkDevice) android = device_with_rule (fixture, "android-dedicated");
  GtkScrolledWindow *scrolled;
  GtkAdjustment *adjustment;

  lk_window_show_device (fixture->window, iphone);
  settle ();
  /* The page's own, not the one inside its "No Device Selected" status page. */
  scrolled = GTK_SCROLLED_WINDOW (lk_test_find_widget (GTK_WIDGET (device_page (fixture)), is_mapped_scrolled, NULL));
  adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, gtk_adjustment_get_page_size (adjustment) + 100);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 100);

  lk_window_show_device (fixture->window, android);
  settle ();
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
}

static gboolean
is_in (GtkWidget *widget,
       GtkWidget *ancestor)
{
  return widget != NULL && (widget == ancestor || gtk_widget_is_ancestor (widget, ancestor));
}

/* Search + Enter opens the first device with the focus on its page, not on its action: a second
 * Enter must not start a passcode action. Property rows are not tab stops. */
static void
test_enter_focus (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GtkWidget *entry = lk_test_find_widget (GTK_WIDGET (fixture->window), lk_test_is_type,
                                          GSIZE_TO_POINTER (GTK_TYPE_SEARCH_ENTRY));
  GtkWidget *action = NULL;
  GtkWidget *focus;
  guint properties = 0;

  search_all (fixture, "giulia");
  gtk_widget_grab_focus (entry);
  g_signal_emit_by_name (entry, "activate");
  settle ();
  g_assert_nonnull (lk_device_page_get_device (device_page (fixture)));
  g_assert_cmpuint (selected_position (fixture), ==, 0);
  focus = gtk_window_get_focus (GTK_WINDOW (fixture->window));
  g_assert_true (is_in (focus, GTK_WIDGET (device_page (fixture))));
  g_assert_null (gtk_widget_get_ancestor (focus, GTK_TYPE_BUTTON));
  g_assert_false (GTK_IS_BUTTON (focus));
  action = lk_test_find_widget (GTK_WIDGET (device_page (fixture)), lk_test_is_actionable, "win.start-action");
  g_assert_true (gtk_widget_get_visible (action));
  g_assert_false (gtk_widget_has_focus (action));

  lk_test_collect_widgets (GTK_WIDGET (device_page (fixture)), ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (gtk_widget_has_css_class (g_ptr_array_index (rows, i), "property"))
      {
        g_assert_false (gtk_widget_get_focusable (g_ptr_array_index (rows, i)));
        properties++;
      }
  g_assert_cmpuint (properties, >, 5);

  /* Folded to a phone's width, opening a device from the list puts the focus on its page too. */
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 700);
  settle ();
  gtk_widget_grab_focus (entry);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.back", NULL));
  g_signal_emit_by_name (entry, "activate");
  settle ();
  focus = gtk_window_get_focus (GTK_WINDOW (fixture->window));
  g_assert_true (is_in (focus, GTK_WIDGET (device_page (fixture))));
  g_assert_false (GTK_IS_BUTTON (focus));
}

/* A screen reader names each result: device, user and passcode state. */
static void
test_row_accessible_names (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(LkDevice) iphone = device_with_rule (fixture, "ios-corporate");
  g_autofree char *expected = NULL;
  LkDeviceRow *row;

  lk_window_set_demo (fixture->window, FALSE);
  search_all (fixture, lk_device_get_device_name (iphone));
  row = row_for (fixture, iphone);
  g_assert_nonnull (row);
  expected = g_strdup_printf ("%s, %s, Can remove passcode", lk_device_get_device_name (iphone),
                              lk_device_get_user_display_name (iphone));
  gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_LABEL, expected);
  /* The focusable list item around it carries the same name. */
  gtk_test_accessible_assert_property (gtk_widget_get_parent (GTK_WIDGET (row)),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, expected);
}

static void
progress_label_cb (GtkLabel   *label,
                   GParamSpec *pspec,
                   GPtrArray  *seen)
{
  g_ptr_array_add (seen, g_strdup (gtk_label_get_label (label)));
}

/* A query sent as several listings never claims "Loaded 68 of 32": it counts what it will show. */
static void
test_progress_counts_shown (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("giulia");
  GtkWidget *bar = lk_test_find_widget (GTK_WIDGET (fixture->window), lk_test_is_type,
                                        GSIZE_TO_POINTER (GTK_TYPE_PROGRESS_BAR));
  GtkWidget *label = gtk_widget_get_prev_sibling (bar);
  guint shown;

  g_assert_cmpuint (lk_device_query_get_filters (query)->len, >, 1);
  g_signal_connect (label, "notify::label", G_CALLBACK (progress_label_cb), seen);
  search_all (fixture, "giulia");
  shown = g_list_model_get_n_items (lk_window_get_results (fixture->window));
  g_assert_cmpuint (seen->len, >, 0);
  for (guint i = 0; i < seen->len; i++)
    {
      const char *text = g_ptr_array_index (seen, i);
      guint loaded = 0;

      g_assert_null (strstr (text, " of "));
      g_assert_cmpint (sscanf (text, "Loaded %u", &loaded), ==, 1);
      g_assert_cmpuint (loaded, <=, shown);
    }
  g_signal_handlers_disconnect_by_func (label, progress_label_cb, seen);
}

static gboolean
acts_when_stale (LkCapability  *capability,
                 gconstpointer  stale)
{
  return lk_capability_can_act (capability)
         && (lk_capability_get_stale_note (capability) != NULL) == GPOINTER_TO_INT (stale);
}

/* Every device that can be helped carries the same positive state; the warning sign only on one
 * whose caveat changes the outcome (not checked in for weeks: the action would wait). */
static void
test_badge_warning_only_when_stale (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(LkDevice) fresh = demo_device_where (fixture, acts_when_stale, GINT_TO_POINTER (FALSE));
  g_autoptr(LkDevice) stale = demo_device_where (fixture, acts_when_stale, GINT_TO_POINTER (TRUE));
  LkDevice *devices[2];

  g_assert_nonnull (fresh);
  g_assert_nonnull (stale);
  devices[0] = fresh;
  devices[1] = stale;
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GPtrArray) badges = g_ptr_array_new ();
      g_autoptr(GPtrArray) images = g_ptr_array_new ();
      LkDeviceRow *row;
      GtkWidget *badge;

      lk_window_set_demo (fixture->window, FALSE);
      search_all (fixture, lk_device_get_device_name (devices[i]));
      row = row_for (fixture, devices[i]);
      g_assert_nonnull (row);
      lk_test_collect_widgets (GTK_WIDGET (row), LK_TYPE_CAPABILITY_BADGE, badges);
      badge = g_ptr_array_index (badges, 0);
      g_assert_true (gtk_widget_has_css_class (badge, "supported"));
      g_assert_true (g_str_has_prefix (lk_capability_badge_get_text (LK_CAPABILITY_BADGE (badge)), "Can "));
      lk_test_collect_widgets (badge, GTK_TYPE_IMAGE, images);
      g_assert_cmpstr (gtk_image_get_icon_name (g_ptr_array_index (images, 0)), ==,
                       i == 0 ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
      g_assert_true (gtk_widget_has_css_class (badge, "stale") == (i == 1));
      g_assert_true ((strstr (gtk_widget_get_tooltip_text (badge), "checked in") != NULL) == (i == 1));
    }
}

/* The Intune device id, which support asks for, is one click away, and the click is confirmed. */
static void
test_copy_device_id (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(LkDevice) iphone = device_with_rule (fixture, "ios-corporate");
  GValue value = G_VALUE_INIT;
  GdkContentProvider *content;
  GtkWidget *button;

  lk_window_show_device (fixture->window, iphone);
  button = lk_test_find_widget (GTK_WIDGET (device_page (fixture)), lk_test_is_actionable, "win.copy");
  g_assert_nonnull (button);
  gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL, "Copy the Intune device ID");
  g_signal_emit_by_name (button, "clicked");
  content = gdk_clipboard_get_content (gtk_widget_get_clipboard (button));
  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, lk_device_get_id (iphone));
  g_value_unset (&value);
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (fixture->window), lk_test_is_label, "Copied to the clipboard"));
}

static gboolean
label_contains (GtkWidget     *widget,
                gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

/* A serial number or IMEI search shows, in the row, the field that matched. */
static void
test_row_shows_matched_field (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(LkDevice) iphone = NULL;
  g_autoptr(LkDevice) android = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *imei = NULL;
  GListModel *results = lk_window_get_results (fixture->window);

  lk_window_set_demo (fixture->window, TRUE);
  search_all (fixture, "");
  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);

      if (iphone == NULL && lk_device_get_serial_number (device) != NULL && lk_device_get_device_name (device) != NULL)
        iphone = g_object_ref (device);
      else if (android == NULL && lk_device_get_imei (device) != NULL)
        android = g_object_ref (device);
    }
  g_assert_nonnull (iphone);
  g_assert_nonnull (android);
  serial = g_strdup_printf ("Serial number %s", lk_device_get_serial_number (iphone));
  imei = g_strdup_printf ("IMEI %s", lk_device_get_imei (android));
  LkDeviceRow *row;

  lk_window_set_demo (fixture->window, FALSE);
  search_all (fixture, lk_device_get_serial_number (iphone));
  row = row_for (fixture, iphone);
  g_assert_nonnull (row);
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (row), label_contains, serial));

  search_all (fixture, lk_device_get_imei (android));
  row = row_for (fixture, android);
  g_assert_nonnull (row);
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (row), label_contains, imei));

  /* A name search shows the model, as before. */
  search_all (fixture, lk_device_get_device_name (iphone));
  row = row_for (fixture, iphone);
  g_assert_null (lk_test_find_widget (GTK_WIDGET (row), label_contains, "Serial number"));
}

static gboolean
last_action_shown (gpointer data)
{
  Fixture *fixture = data;

  return find_label (GTK_WIDGET (device_page (fixture)), "Last action:") != NULL;
}

static gboolean
last_action_from_elsewhere (gpointer data)
{
  Fixture *fixture = data;

  return find_label (GTK_WIDGET (device_page (fixture)), "not from this computer") != NULL;
}

static gboolean
sync_toast_shown (gpointer data)
{
  return lk_test_find_widget (data, label_contains, "was asked to check in with Intune") != NULL;
}

static gboolean
sync_enabled (gpointer data)
{
  Fixture *fixture = data;
  GtkWidget *button = button_with_action (fixture, "device-page.sync");

  return gtk_widget_get_visible (button) && gtk_widget_is_sensitive (button);
}

/* The device page tells the last passcode action on the device — from this computer's journal,
 * with who sent it, or from Intune when it was sent elsewhere — and offers Sync Device, which
 * is sent once and confirmed by a toast. */
static void
test_last_action_and_sync (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(LkDevice) dedicated = device_with_rule (fixture, "android-dedicated");
  g_autoptr(LkDevice) iphone = device_with_rule (fixture, "ios-corporate");
  g_autofree char *dir = g_dir_make_tmp ("latchkey-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.jsonl", NULL);
  g_autoptr(LkActionHistory) history = lk_action_history_new (path);
  g_autoptr(LkHistoryEntry) done = lk_history_entry_new ();
  g_autoptr(GError) error = NULL;
  LkDevicePage *page = device_page (fixture);
  const char *label;
  Posted posted = { NULL };

  lk_device_page_set_history (page, history);
  done->device_id = g_strdup (lk_device_get_id (dedicated));
  done->device_name = g_strdup (lk_device_get_device_name (dedicated));
  done->admin = g_strdup ("giulia.bianchi@contoso-demo.onmicrosoft.com");
  done->action = g_strdup ("resetPasscode");
  done->outcome = g_strdup ("done");
  done->client_request_id = g_strdup ("1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f");
  done->time = g_strdup ("2026-11-28T09:12:44Z");
  g_assert_true (lk_action_history_append (history, done, &error));
  g_assert_no_error (error);

  lk_window_show_device (fixture->window, dedicated);
  g_assert_true (lk_test_wait_until (last_action_shown, fixture, 10000));
  label = gtk_label_get_label (GTK_LABEL (find_label (GTK_WIDGET (page), "Last action:")));
  g_assert_nonnull (strstr (label, "— Done"));
  g_assert_nonnull (strstr (label, "by giulia.bianchi@contoso-\u2060demo.onmicrosoft.com"));

  /* A device with no action anywhere shows none. */
  lk_window_show_device (fixture->window, iphone);
  g_assert_true (lk_test_wait_until ((gboolean (*) (gpointer)) lk_device_page_get_can_act, page, 10000));
  g_assert_null (find_label (GTK_WIDGET (page), "Last action:"));

  /* Sent from elsewhere (here: straight to Graph, not through the journal): Intune's result. */
  lk_graph_client_post_action_async (fixture->client, lk_device_get_id (iphone), LK_DEVICE_ACTION_RESET_PASSCODE,
                                     NULL, posted_cb, &posted);
  g_assert_true (lk_test_wait_until (posted_done, &posted, 10000));
  g_assert_true (lk_graph_client_post_action_finish (fixture->client, posted.result, NULL));
  g_clear_object (&posted.result);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "device-page.check-status", NULL));
  g_assert_true (lk_test_wait_until (last_action_from_elsewhere, fixture, 10000));

  /* Sync Device: one request however often it is pressed while on its way, then a toast. */
  g_assert_true (sync_enabled (fixture));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "device-page.sync", NULL));
  g_assert_false (sync_enabled (fixture));
  gtk_widget_activate_action (GTK_WIDGET (page), "device-page.sync", NULL);
  g_assert_true (lk_test_wait_until (sync_toast_shown, fixture->window, 10000));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "syncDevice"), ==, 1);
  g_assert_true (sync_enabled (fixture));
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (fixture->window), label_contains, lk_device_get_device_name (iphone)));

  lk_device_page_set_history (page, NULL);
  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
entra_id_shown (gpointer data)
{
  return lk_test_find_widget (data, lk_test_is_actionable, "win.copy") != NULL
         && lk_device_get_azure_ad_device_id (lk_device_page_get_device (data)) != NULL;
}

static gboolean
is_subtitle_showing (GtkWidget     *widget,
                     gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "subtitle")
         && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

static void
assert_copies (GtkWidget  *button,
               const char *expected)
{
  GValue value = G_VALUE_INIT;
  GdkContentProvider *content;

  g_signal_emit_by_name (button, "clicked");
  content = gdk_clipboard_get_content (gtk_widget_get_clipboard (button));
  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
  g_assert_cmpstr (g_value_get_string (&value), ==, expected);
  g_value_unset (&value);
}

/* Serial number, IMEI and both device ids can be selected; the ids have copy buttons. The Entra
 * device id comes from the page's single-device GET, never from the listing. */
static void
test_property_values_selectable (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(LkDevice) android = NULL;
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GListModel *results = lk_window_get_results (fixture->window);
  LkDevicePage *page = device_page (fixture);
  LkDevice *details;
  const char *values[4];

  lk_window_set_demo (fixture->window, TRUE);
  search_all (fixture, "");
  for (guint i = 0; i < g_list_model_get_n_items (results) && android == NULL; i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);

      if (lk_device_get_imei (device) != NULL && lk_device_get_serial_number (device) != NULL)
        android = g_object_ref (device);
    }
  g_assert_nonnull (android);
  g_assert_null (lk_device_get_azure_ad_device_id (android));
  lk_window_show_device (fixture->window, android);
  g_assert_true (lk_test_wait_until (entra_id_shown, page, 10000));
  details = lk_device_page_get_device (page);
  g_assert_true (lk_is_guid (lk_device_get_azure_ad_device_id (details)));
  /* Asked for by the page's GETs only (those that also ask for hardwareInformation, on beta). */
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "azureADDeviceId"), ==,
                    lk_sandbox_count_requests (fixture->sandbox, "GET", "hardwareInformation"));

  values[0] = lk_device_get_serial_number (details);
  values[1] = lk_device_get_imei (details);
  values[2] = lk_device_get_id (details);
  values[3] = lk_device_get_azure_ad_device_id (details);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      GtkWidget *label = lk_test_find_widget (GTK_WIDGET (page), is_subtitle_showing, values[i]);

      g_assert_nonnull (label);
      g_assert_true (gtk_label_get_selectable (GTK_LABEL (label)));
      /* Tab still skips the property rows. */
      g_assert_false (gtk_widget_get_focusable (label));
    }

  lk_test_collect_widgets (GTK_WIDGET (page), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);
      const char *tooltip = gtk_widget_get_tooltip_text (button);

      if (g_strcmp0 (tooltip, "Copy the Intune device ID") == 0)
        assert_copies (button, values[2]);
      else if (g_strcmp0 (tooltip, "Copy the Entra device ID") == 0)
        {
          gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL, "Copy the Entra device ID");
          assert_copies (button, values[3]);
          values[3] = NULL;
        }
    }
  g_assert_null (values[3]);
}

/* Mnemonics stay out of accessible names, on the window and the device page (Sync Device). */
static void
test_mnemonics_accessible (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(LkDevice) iphone = device_with_rule (fixture, "ios-corporate");

  lk_window_show_device (fixture->window, iphone);
  g_assert_nonnull (lk_test_find_widget (GTK_WIDGET (fixture->window), lk_test_is_button, "_Sync Device"));
  g_assert_cmpuint (lk_test_assert_mnemonics_not_in_accessible_names (GTK_WIDGET (fixture->window)), >=, 5);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/window/badges", Fixture, NULL, setup, test_badges, teardown);
  g_test_add ("/window/new-query-cancels-old", Fixture, NULL, setup, test_new_query_cancels_old, teardown);
  g_test_add ("/window/throttled-then-results", Fixture, NULL, setup, test_throttled_then_results, teardown);
  g_test_add ("/window/error-shows-request-id", Fixture, NULL, setup, test_error_shows_request_id, teardown);
  g_test_add ("/window/close-mid-search", Fixture, NULL, setup, test_close_mid_search, teardown);
  g_test_add ("/window/action-requested", Fixture, NULL, setup, test_action_requested, teardown);
  g_test_add ("/window/pending-action-blocks", Fixture, NULL, setup, test_pending_action_blocks, teardown);
  g_test_add ("/window/shared-ipad", Fixture, NULL, setup, test_shared_ipad_page, teardown);
  g_test_add ("/window/signed-out", Fixture, NULL, setup, test_signed_out, teardown);
  g_test_add ("/window/empty-query", Fixture, NULL, setup, test_empty_query, teardown);
  g_test_add ("/window/filters", Fixture, NULL, setup, test_filters, teardown);
  g_test_add ("/window/typing-debounced", Fixture, NULL, setup, test_typing_debounced, teardown);
  g_test_add ("/window/size-saved", Fixture, NULL, setup, test_size_saved, teardown);
  g_test_add ("/window/filtered-empty", Fixture, NULL, setup, test_filtered_empty, teardown);
  g_test_add ("/window/pane-follows-results", Fixture, NULL, setup, test_pane_follows_results, teardown);
  g_test_add ("/window/scroll-reset", Fixture, NULL, setup, test_scroll_reset, teardown);
  g_test_add ("/window/enter-focus", Fixture, NULL, setup, test_enter_focus, teardown);
  g_test_add ("/window/row-accessible-names", Fixture, NULL, setup, test_row_accessible_names, teardown);
  g_test_add ("/window/badge-warning-only-when-stale", Fixture, NULL, setup, test_badge_warning_only_when_stale, teardown);
  g_test_add ("/window/copy-device-id", Fixture, NULL, setup, test_copy_device_id, teardown);
  g_test_add ("/window/row-shows-matched-field", Fixture, NULL, setup, test_row_shows_matched_field, teardown);
  g_test_add ("/window/progress-counts-shown", Fixture, NULL, setup, test_progress_counts_shown, teardown);
  g_test_add ("/window/last-action-and-sync", Fixture, NULL, setup, test_last_action_and_sync, teardown);
  g_test_add ("/window/mnemonics-accessible", Fixture, NULL, setup, test_mnemonics_accessible, teardown);
  g_test_add ("/window/property-values-selectable", Fixture, NULL, setup, test_property_values_selectable, teardown);

  return g_test_run ();
}
