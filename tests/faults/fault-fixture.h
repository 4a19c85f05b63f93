/* fault-fixture.h: what the fault matrix and the load test share: a sandbox, a real account
 * signed in to it (session-only: its refresh token lives in memory), a Graph client that gets
 * its tokens from that account, and a history file for the tracker.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "../lk-test-common.h"

#include <glib/gstdio.h>

#include "lk-account-manager.h"
#include "lk-action-tracker.h"
#include "lk-graph-client.h"
#include "lk-graph-error.h"
#include "../services/test-identity-common.h"

#define TOKEN_PATH "oauth2/v2.0/token"

typedef struct
{
  LkSandbox        *sandbox;
  LkSignInConfig   *config;
  FakeBrowser      *browser;
  LkAccountManager *manager;
  LkAccount        *account;
  LkGraphClient    *client;
  LkActionHistory  *history;
  char             *dir;
  guint             n_throttled;
} FaultFixture;

G_GNUC_UNUSED static void
fault_fixture_throttled_cb (LkGraphClient *client,
                            double         seconds,
                            FaultFixture  *f)
{
  f->n_throttled++;
}

/* Signs in through the browser flow (the sandbox approves at once). */
G_GNUC_UNUSED static LkAccount *
fault_fixture_sign_in (FaultFixture *f)
{
  g_autoptr(GError) error = NULL;
  AsyncWait w = { 0 };
  LkAccount *account;

  lk_account_manager_sign_in_browser_async (f->manager, f->config, NULL, async_wait_cb, &w);
  account = lk_account_manager_sign_in_browser_finish (f->manager, async_wait (&w), &error);
  g_object_unref (w.result);
  g_assert_no_error (error);
  return account;
}

/* @n_devices: generated devices, or 0 for the demo tenant. @session_only: FALSE keeps the
 * account in the keyring of the session bus. */
G_GNUC_UNUSED static void
fault_fixture_setup (FaultFixture *f,
                     guint         n_devices,
                     gboolean      session_only)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *authority = NULL;
  g_autofree char *graph = NULL;
  g_autofree char *path = NULL;

  f->sandbox = lk_sandbox_new ();
  if (n_devices > 0)
    lk_sandbox_generate_devices (f->sandbox, n_devices, 42);
  else
    lk_sandbox_load_demo_tenant (f->sandbox);
  lk_sandbox_set_action_timing (f->sandbox, 100, 100);
  g_assert_true (lk_sandbox_start (f->sandbox, &error));
  g_assert_no_error (error);

  authority = lk_sandbox_get_authority_url (f->sandbox);
  graph = lk_sandbox_get_graph_url (f->sandbox);
  f->config = lk_sign_in_config_new (LK_CLOUD_CUSTOM, authority, graph,
                                     lk_sandbox_get_tenant_id (f->sandbox),
                                     lk_sandbox_get_client_id (f->sandbox));
  f->browser = fake_browser_new (BROWSER_NORMAL);
  f->manager = lk_account_manager_new ();
  lk_account_manager_set_session_only (f->manager, session_only);
  lk_account_manager_set_store_flags (f->manager, LK_TOKEN_STORE_FLAGS_NO_PROMPT);
  lk_account_manager_set_open_uri_func (f->manager, fake_browser_open, f->browser, NULL);
  f->account = fault_fixture_sign_in (f);

  f->client = lk_graph_client_new (graph, "beta", LK_TOKEN_PROVIDER (f->account));
  /* Fast retries: the rules are the same, only the waits are shorter. */
  lk_graph_client_set_backoff (f->client, 10, 40);
  g_signal_connect (f->client, "throttled", G_CALLBACK (fault_fixture_throttled_cb), f);

  f->dir = g_dir_make_tmp ("latchkey-faults-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "history.jsonl", NULL);
  f->history = lk_action_history_new (path);
  lk_sandbox_reset_log (f->sandbox);
}

G_GNUC_UNUSED static void
fault_fixture_teardown (FaultFixture *f)
{
  g_unlink (lk_action_history_get_path (f->history));
  g_rmdir (f->dir);
  g_free (f->dir);
  g_clear_object (&f->history);
  lk_test_assert_finalized_soon (f->client);
  g_clear_object (&f->account);
  lk_test_assert_finalized_soon (f->manager);
  lk_sign_in_config_free (f->config);
  lk_sandbox_stop (f->sandbox);
  g_assert_finalize_object (f->sandbox);
  fake_browser_free (f->browser);
}

/* A device of the demo tenant whose capability offers an action (Android dedicated: the
 * sandbox answers its reset with a temporary passcode). */
G_GNUC_UNUSED static LkDevice *
fault_fixture_find_device (FaultFixture *f,
                           const char   *rule)
{
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("");
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  AsyncWait w = { 0 };

  lk_graph_client_list_devices_async (f->client, query, NULL, NULL, NULL, NULL, async_wait_cb, &w);
  devices = lk_graph_client_list_devices_finish (f->client, async_wait (&w), &error);
  g_object_unref (w.result);
  g_assert_no_error (error);
  lk_sandbox_reset_log (f->sandbox);
  for (guint i = 0; i < devices->len; i++)
    {
      LkDevice *device = g_ptr_array_index (devices, i);
      g_autoptr(LkCapability) capability = lk_capability_new_for_device (device);

      if (g_str_equal (lk_capability_get_rule_id (capability), rule))
        return g_object_ref (device);
    }
  g_error ("no device for %s", rule);
  return NULL;
}
