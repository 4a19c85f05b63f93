/* graph-client-fixture.c: what the Graph client tests share (see graph-client-fixture.h).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "graph-client-fixture.h"

static void test_tokens_iface_init (LkTokenProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestTokens, test_tokens, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (LK_TYPE_TOKEN_PROVIDER, test_tokens_iface_init))

static void
test_tokens_finalize (GObject *object)
{
  TestTokens *self = TEST_TOKENS (object);

  g_free (self->token);
  g_clear_object (&self->sandbox);
  G_OBJECT_CLASS (test_tokens_parent_class)->finalize (object);
}

static void
test_tokens_class_init (TestTokensClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_tokens_finalize;
}

static void
test_tokens_init (TestTokens *self)
{
}

static void
tokens_get_async (LkTokenProvider     *provider,
                  gboolean             force_refresh,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  TestTokens *self = TEST_TOKENS (provider);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  if (self->token == NULL || force_refresh)
    {
      g_free (self->token);
      self->token = lk_sandbox_mint_access_token (self->sandbox, ALL_SCOPES, 3600);
      self->n_refreshes++;
    }
  g_task_return_pointer (task, g_strdup (self->token), g_free);
}

static char *
tokens_get_finish (LkTokenProvider  *provider,
                   GAsyncResult     *result,
                   GError          **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_tokens_iface_init (LkTokenProviderInterface *iface)
{
  iface->get_token_async = tokens_get_async;
  iface->get_token_finish = tokens_get_finish;
}

static void
throttled_cb (LkGraphClient *client,
              double         seconds,
              Fixture       *fixture)
{
  fixture->n_throttled++;
  fixture->last_wait = seconds;
}

static void
setup_with (Fixture *fixture,
            guint    n_generated)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *graph_url = NULL;

  fixture->sandbox = lk_sandbox_new ();
  if (n_generated > 0)
    lk_sandbox_generate_devices (fixture->sandbox, n_generated, 42);
  else
    lk_sandbox_load_demo_tenant (fixture->sandbox);
  g_assert_true (lk_sandbox_start (fixture->sandbox, &error));
  g_assert_no_error (error);

  fixture->tokens = g_object_new (TEST_TYPE_TOKENS, NULL);
  fixture->tokens->sandbox = g_object_ref (fixture->sandbox);
  graph_url = lk_sandbox_get_graph_url (fixture->sandbox);
  fixture->client = lk_graph_client_new (graph_url, "beta", LK_TOKEN_PROVIDER (fixture->tokens));
  /* Fast retries: the rules are the same, the waits are not what is tested here. */
  lk_graph_client_set_backoff (fixture->client, 10, 40);
  g_signal_connect (fixture->client, "throttled", G_CALLBACK (throttled_cb), fixture);
}

void
setup_demo (Fixture       *fixture,
            gconstpointer  data)
{
  setup_with (fixture, 0);
}

void
setup_generated (Fixture       *fixture,
                 gconstpointer  data)
{
  setup_with (fixture, GPOINTER_TO_UINT (data));
}

void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  lk_test_assert_finalized_soon (fixture->client);
  g_assert_finalize_object (fixture->tokens);
  lk_sandbox_stop (fixture->sandbox);
  g_assert_finalize_object (fixture->sandbox);
}

static gboolean
deadline_cb (gpointer user_data)
{
  g_error ("test took longer than its deadline");
  return G_SOURCE_REMOVE;
}

GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  guint deadline = g_timeout_add_seconds (lk_test_wait_s (), deadline_cb, NULL);

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (deadline);
  return *slot;
}

void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
page_cb (GPtrArray *devices,
         guint      total,
         gint64     expected,
         gpointer   user_data)
{
  Pages *pages = user_data;

  pages->n_pages++;
  pages->n_devices += devices->len;
  pages->last_total = total;
  pages->expected = expected;
  if (pages->cancel_after_first != NULL)
    g_cancellable_cancel (pages->cancel_after_first);
}

GPtrArray *
list (Fixture     *fixture,
      const char  *text,
      Pages       *pages,
      GError     **error)
{
  g_autoptr(LkDeviceQuery) query = lk_device_query_new (text);
  g_autoptr(GAsyncResult) result = NULL;

  lk_graph_client_list_devices_async (fixture->client, query, page_cb, pages, NULL,
                                      pages->cancel_after_first, store_result_cb, &result);
  return lk_graph_client_list_devices_finish (fixture->client, wait_for_result (&result), error);
}

LkDevice *
get_device (Fixture     *fixture,
            const char  *id,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_graph_client_get_device_async (fixture->client, id, NULL, store_result_cb, &result);
  return lk_graph_client_get_device_finish (fixture->client, wait_for_result (&result), error);
}

char *
first_device_id (Fixture *fixture)
{
  Pages pages = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = list (fixture, "", &pages, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (devices->len, >, 0);
  lk_sandbox_reset_log (fixture->sandbox);
  return g_strdup (lk_device_get_id (g_ptr_array_index (devices, 0)));
}
