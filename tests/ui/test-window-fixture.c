/* test-window-fixture.c: the real window on a demo sandbox, and helpers the window tests share.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>

#include "../lk-test-common.h"
#include "../lk-test-widgets.h"

#include "lk-capability-badge.h"
#include "lk-cloud.h"
#include "lk-device-page.h"
#include "lk-device-query.h"
#include "lk-device-row.h"
#include "lk-graph-error.h"
#include "lk-sandbox.h"
#include "lk-window.h"
#include "test-window.h"

gboolean
search_settled (gpointer data)
{
  LkWindow *window = data;
  const char *state = lk_window_get_state (window);

  return g_strcmp0 (state, "searching") != 0 && g_strcmp0 (state, "throttled") != 0
         && g_strcmp0 (state, "connecting") != 0;
}

void
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

void
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

void
search (Fixture    *fixture,
        const char *text)
{
  lk_window_search (fixture->window, text);
  g_assert_true (lk_test_wait_until (search_settled, fixture->window));
}

/* Not only the first page: the listing has ended (its progress line is gone). */
gboolean
search_complete (gpointer data)
{
  /* The progress line's revealer, not the demo banner's. */
  GtkWidget *revealer = gtk_widget_get_ancestor (lk_test_find_widget (data, lk_test_is_type,
                                                           GSIZE_TO_POINTER (GTK_TYPE_PROGRESS_BAR)),
                                      GTK_TYPE_REVEALER);
  return search_settled (data) && !gtk_revealer_get_reveal_child (GTK_REVEALER (revealer));
}

void
search_all (Fixture    *fixture,
            const char *text)
{
  lk_window_search (fixture->window, text);
  g_assert_true (lk_test_wait_until (search_complete, fixture->window));
}

/* The first demo device whose capability @match accepts. */
LkDevice *
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

LkDevice *
device_with_rule (Fixture    *fixture,
                  const char *rule)
{
  LkDevice *device = demo_device_where (fixture, has_rule, rule);

  if (device == NULL)
    g_error ("no demo device for %s", rule);
  return device;
}

LkDevicePage *
device_page (Fixture *fixture)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new ();

  lk_test_collect_widgets (GTK_WIDGET (fixture->window), LK_TYPE_DEVICE_PAGE, pages);
  g_assert_cmpuint (pages->len, ==, 1);
  return g_ptr_array_index (pages, 0);
}

gboolean
label_contains (GtkWidget     *widget,
                gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

