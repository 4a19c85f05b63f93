/* lk-test-common.h: helpers more than one test suite needs.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <glib/gstdio.h>

#include <json-glib/json-glib.h>

#include "lk-capability.h"

/* How long a test waits for something it expects before it gives up and fails: LK_TEST_WAIT_S
 * seconds (60, or that variable of the environment; build-aux/valgrind.sh raises it). A wait
 * ends as soon as its condition holds, so the ceiling costs a passing test nothing; it only has
 * to outlast a slow machine (a busy 2-core CI runner, ASan, valgrind), never to measure one. A
 * test stops at its first failed assertion, so at most one wait runs out: meson's timeout for
 * each test is larger than the test's own time under ASan plus one ceiling. A wait whose
 * deadline is what a test checks (a timeout that must fire) keeps its own. */
#define LK_TEST_WAIT_S_DEFAULT 60

G_GNUC_UNUSED static guint
lk_test_wait_s (void)
{
  const char *text = g_getenv ("LK_TEST_WAIT_S");
  guint64 seconds = 0;

  if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 1, 24 * 3600, &seconds, NULL))
    g_error ("LK_TEST_WAIT_S=%s: not a number of seconds", text);
  return seconds > 0 ? (guint) seconds : LK_TEST_WAIT_S_DEFAULT;
}

/* The monotonic time (g_get_monotonic_time()) at which a wait that starts now gives up. */
G_GNUC_UNUSED static gint64
lk_test_deadline (void)
{
  return g_get_monotonic_time () + (gint64) lk_test_wait_s () * G_USEC_PER_SEC;
}

/* Like g_assert_finalize_object(), but lets a parser thread that just handed back its result
 * drop its reference to the task (and so to the client or window) first. */
G_GNUC_UNUSED static void
lk_test_assert_finalized_soon (gpointer object)
{
  gpointer weak = object;
  gint64 deadline = lk_test_deadline ();

  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);
  while (weak != NULL && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (weak);
}

/* Runs the main context until @check (@data) holds; FALSE if it still does not after the
 * shared ceiling (lk_test_wait_s()).
 *
 * Between two checks the main context runs for LK_TEST_TURN_US, as an application's main loop
 * would, not for one iteration: an iteration dispatches only the most urgent sources ready, and
 * a costly check (every row of a 25 000-device window, ~10 ms on a loaded machine) then decided
 * which ones those were. The window's row filling, which runs on the view's frames, and a
 * default-idle step starved for the whole minute in about one run in five on a loaded 2-core
 * machine, and caught up within a second of the loop running without the check. */
#define LK_TEST_TURN_US 10000

G_GNUC_UNUSED static gboolean
lk_test_wait_until (gboolean (*check) (gpointer),
                    gpointer  data)
{
  gint64 deadline = lk_test_deadline ();

  while (!check (data))
    {
      gint64 now = g_get_monotonic_time ();
      gint64 turn_end = now + LK_TEST_TURN_US;

      if (now > deadline)
        return FALSE;
      while (g_get_monotonic_time () < turn_end)
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (1000);
    }
  return TRUE;
}

/* Deletes @path and everything under it (a test's temporary folder). */
G_GNUC_UNUSED static void
lk_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        lk_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* The first of @devices (element-type LkDevice) whose capability comes from @rule (a rule id of
 * lk-capability.c); the test stops when there is none. */
G_GNUC_UNUSED static LkDevice *
lk_test_device_with_rule (GPtrArray  *devices,
                          const char *rule)
{
  for (guint i = 0; i < devices->len; i++)
    {
      LkDevice *device = g_ptr_array_index (devices, i);
      g_autoptr(LkCapability) capability = lk_capability_new_for_device (device);

      if (g_str_equal (lk_capability_get_rule_id (capability), rule))
        return device;
    }
  g_error ("no demo device for %s", rule);
  return NULL;
}

/* A device of id "d1" named "X" with the JSON @members ("\"operatingSystem\":\"iOS\"", or ""). */
G_GNUC_UNUSED static LkDevice *
lk_test_device_from (const char *members)
{
  g_autofree char *text = g_strdup_printf ("{\"id\":\"d1\",\"deviceName\":\"X\"%s%s}",
                                           *members != '\0' ? "," : "", members);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  LkDevice *device;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  device = lk_device_new_from_json (json_node_get_object (json_parser_get_root (parser)), &error);
  g_assert_no_error (error);
  return device;
}

#if __has_include ("lk-sandbox.h") && __has_include ("lk-graph-client.h")
/* Suites that link the services and the sandbox (the core's do not) also get these. */
#include "lk-graph-client.h"
#include "lk-sandbox.h"

/* A sandbox holding the demo tenant, not yet started: a test may still set faults, device
 * strings or timings. */
G_GNUC_UNUSED static LkSandbox *
lk_test_demo_sandbox (void)
{
  LkSandbox *sandbox = lk_sandbox_new ();

  lk_sandbox_load_demo_tenant (sandbox);
  return sandbox;
}

/* Starts @sandbox and returns a client of its Graph (beta) whose token was minted for
 * @scopes (space-separated), valid an hour. */
G_GNUC_UNUSED static LkGraphClient *
lk_test_demo_client (LkSandbox  *sandbox,
                     const char *scopes)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *graph_url = NULL;
  g_autofree char *token = NULL;
  g_autoptr(LkStaticToken) tokens = NULL;

  g_assert_true (lk_sandbox_start (sandbox, &error));
  g_assert_no_error (error);
  graph_url = lk_sandbox_get_graph_url (sandbox);
  token = lk_sandbox_mint_access_token (sandbox, scopes, 3600);
  tokens = lk_static_token_new (token);
  return lk_graph_client_new (graph_url, "beta", LK_TOKEN_PROVIDER (tokens));
}
#endif
