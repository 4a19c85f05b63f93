/* cli-fixture.c: what the latchkey-cli test programs share (see cli-fixture.h).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "cli-fixture.h"

const char *cli_path;
char *state_home;
gboolean messages_debug;

void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->sandbox = lk_sandbox_new ();
  lk_sandbox_load_demo_tenant (fixture->sandbox);
  g_assert_true (lk_sandbox_start (fixture->sandbox, &error));
  fixture->graph_url = lk_sandbox_get_graph_url (fixture->sandbox);
  fixture->token = lk_sandbox_mint_access_token (fixture->sandbox, ALL_SCOPES, 3600);
  state_home = g_dir_make_tmp ("latchkey-cli-state-XXXXXX", &error);
  g_assert_no_error (error);
}

void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  lk_sandbox_stop (fixture->sandbox);
  g_assert_finalize_object (fixture->sandbox);
  g_free (fixture->graph_url);
  g_free (fixture->token);
  lk_test_remove_tree (state_home);
  g_clear_pointer (&state_home, g_free);
  messages_debug = FALSE;
}

char *config_home;

GSubprocessLauncher *
launcher_new (void)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                             | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                             | G_SUBPROCESS_FLAGS_STDERR_PIPE);

  if (state_home != NULL)
    g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", state_home, TRUE);
  if (messages_debug)
    g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  if (config_home != NULL)
    {
      g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
      g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_home, TRUE);
    }
  return launcher;
}

int
run_cli (const char *input,
         char      **out,
         char      **err,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) cli_path);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = launcher_new ();
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, input, NULL, &stdout_text, &stderr_text, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process) || g_test_verbose ())
    g_printerr ("stdout: %s\nstderr: %s\n", stdout_text, stderr_text);
  g_assert_true (g_subprocess_get_if_exited (process));
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);
  return g_subprocess_get_exit_status (process);
}

JsonArray *
parse_array (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

JsonObject *
find_device (Fixture    *fixture,
             const char *os,
             const char *owner)
{
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *out = NULL;
  g_autoptr(JsonArray) devices = NULL;

  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url,
                            "--access-token-stdin", "--json", "search", "", NULL), ==, 0);
  devices = parse_array (out);
  g_assert_cmpuint (json_array_get_length (devices), >, 30);
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);

      if (g_ascii_strcasecmp (json_object_get_string_member_with_default (device, "operatingSystem", ""), os) == 0
          && g_strcmp0 (json_object_get_string_member_with_default (device, "managedDeviceOwnerType", ""), owner) == 0)
        return json_object_ref (device);
    }
  g_assert_not_reached ();
  return NULL;
}

JsonArray *
history_json (void)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli ("", &out, NULL, "--json", "history", NULL), ==, 0);
  return parse_array (out);
}

void
cli_test_init (int    *argc,
               char ***argv)
{
  g_test_init (argc, argv, NULL);
  g_assert_cmpint (*argc, >=, 2);
  cli_path = (*argv)[1];
}
