/* test-cli.c: latchkey-cli as a script would use it, against a sandbox over loopback HTTP:
 * search, show, settings, exit codes, device ids and JSON output.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"


#include "cli-fixture.h"
#include "lk-locale.h"

static void
test_token_stdin_search (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(JsonObject) device = find_device (fixture, "Windows", "company");
  g_autoptr(JsonObject) capability = json_object_ref (json_object_get_object_member (device, "capability"));

  g_assert_cmpstr (json_object_get_string_member (capability, "support"), ==, "not-supported");
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "managedDevices"), >=, 1);
}

/* The api-version setting (gsettings, or the window's Preferences) holds for scripts too: an
 * admin pinned to v1.0 does not get beta from the CLI. The option still wins. */
static void
test_api_version_setting (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *keyfile = NULL;

  config_home = g_dir_make_tmp ("latchkey-cli-config-XXXXXX", &error);
  g_assert_no_error (error);
  dir = g_build_filename (config_home, "glib-2.0", "settings", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  keyfile = g_build_filename (dir, "keyfile", NULL);
  g_assert_true (g_file_set_contents (keyfile, "[io/github/latchkey/Latchkey]\napi-version='v1.0'\n", -1, &error));
  g_assert_no_error (error);

  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url,
                            "--access-token-stdin", "--json", "search", "giulia", NULL), ==, 0);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "/v1.0/deviceManagement/managedDevices"), >=, 1);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "/beta/"), ==, 0);

  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url, "--api-version", "beta",
                            "--access-token-stdin", "--json", "search", "giulia", NULL), ==, 0);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "/beta/deviceManagement/managedDevices"), >=, 1);

  lk_test_remove_tree (config_home);
  g_clear_pointer (&config_home, g_free);
}

static void
test_show (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(JsonObject) device = find_device (fixture, "iOS", "company");
  const char *id = json_object_get_string_member (device, "id");
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url,
                            "--access-token-stdin", "show", id, NULL), ==, 0);
  g_assert_nonnull (strstr (out, json_object_get_string_member (device, "deviceName")));
  g_assert_nonnull (strstr (out, id));
  /* Graph's enum values in words, as the window shows them. */
  g_assert_nonnull (strstr (out, "Corporate"));
  g_assert_nonnull (strstr (out, "Intune MDM"));
  g_assert_null (strstr (out, " company\n"));
}

static void
test_exit_codes (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url,
                            "--access-token-stdin", "search", "zzzz-nothing-like-this", NULL), ==, 3);
  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url,
                            "--access-token-stdin", "show", "00000000-0000-0000-0000-000000000000", NULL), ==, 3);
  g_assert_cmpint (run_cli ("", NULL, NULL, "--graph-url", fixture->graph_url, "search", "x", NULL), ==, 4);
  g_assert_cmpint (run_cli ("", NULL, NULL, "frobnicate", NULL), ==, 2);
  g_assert_cmpint (run_cli ("", NULL, NULL, "--api-version", "v2", "search", "x", NULL), ==, 2);

  lk_sandbox_expire_access_tokens (fixture->sandbox);
  g_assert_cmpint (run_cli (input, NULL, &err, "--graph-url", fixture->graph_url,
                            "--access-token-stdin", "search", "ana", NULL), ==, 4);
  /* The token never shows in an error. */
  g_assert_null (strstr (err, fixture->token));
}

#define SHARED_IPAD_ID "4f1c2a9e-7b3d-5e60-8c21-9d0a6b4e3f17"
#define IPAD_ID "ac34bc52-bc55-55b7-9210-7255eddf2efb"

static JsonObject *
show_json (Fixture    *fixture,
           const char *id)
{
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *out = NULL;
  JsonObject *device;

  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--json", "show", id, NULL), ==, 0);
  device = parse_object (out);
  return device;
}

/* A list cannot tell a Shared iPad: "Check device" until the single-device GET (which selects
 * hardwareInformation) says; a Shared iPad is never sent Remove passcode. */
static void
test_shared_ipad (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonArray) devices = NULL;
  g_autoptr(JsonObject) shared = NULL;
  g_autoptr(JsonObject) ipad = NULL;
  JsonObject *capability;

  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--json", "search", "iPad", NULL), ==, 0);
  devices = parse_array (out);
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);

      capability = json_object_get_object_member (device, "capability");
      if (g_strcmp0 (json_object_get_string_member (device, "deviceType"), "iPad") == 0
          && g_strcmp0 (json_object_get_string_member (device, "managedDeviceOwnerType"), "company") == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (capability, "label"), ==, "Check device");
          g_assert_cmpstr (json_object_get_string_member (capability, "action"), ==, "none");
        }
    }

  shared = show_json (fixture, SHARED_IPAD_ID);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "hardwareInformation"), >=, 1);
  capability = json_object_get_object_member (shared, "capability");
  g_assert_cmpstr (json_object_get_string_member (capability, "rule"), ==, "ios-shared-ipad");
  g_assert_cmpstr (json_object_get_string_member (capability, "support"), ==, "not-supported");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (capability, "documentation"), "device-remove-passcode"));

  ipad = show_json (fixture, IPAD_ID);
  capability = json_object_get_object_member (ipad, "capability");
  g_assert_cmpstr (json_object_get_string_member (capability, "rule"), ==, "ios-corporate");

  g_assert_cmpint (run_cli (input, NULL, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "reset", SHARED_IPAD_ID, NULL), ==, 7);
  g_assert_nonnull (strstr (err, "Shared iPad"));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 0);
}

/* Every command that takes an id refuses a bad one with a usage error, before any request. */
static void
test_invalid_device_ids (Fixture       *fixture,
                         gconstpointer  data)
{
  static const char *const ids[] = { "", ".", "..", "a/b", "../x", "a?b", "a#b", "a%2e", "a\\b", "a\tb", "a\033[2Jb" };
  static const char *const commands[] = { "show", "status", "reset", "sync" };

  /* Nothing on stdin: the CLI refuses before it reads a token, and writing one to a process
   * that has already exited could fail with EPIPE. */
  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
      {
        g_autofree char *err = NULL;

        g_assert_cmpint (run_cli ("", NULL, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                                  "--yes", commands[c], ids[i], NULL), ==, 2);
        g_assert_nonnull (strstr (err, "not a device ID"));
        /* The id is not echoed: it may hold terminal control characters. */
        g_assert_null (strchr (err, '\033'));
      }
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, NULL, "/graph/"), ==, 0);
}

/* Prompts and logs never reach stdout; JSON is made by the generator. */
static void
test_json_stays_json (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *input = g_strconcat (fixture->token, "\nKIOSK-RECEPTION-01\n", NULL);
  g_autofree char *token_only = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonArray) history = NULL;

  lk_sandbox_set_action_timing (fixture->sandbox, 100, 100);
  lk_sandbox_set_passcode (fixture->sandbox, "a\"b\\c");
  messages_debug = TRUE;
  /* The name is typed at the prompt, which goes to stderr. */
  g_assert_cmpint (run_cli (input, &out, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--json", "--wait", "reset", ANDROID_DEDICATED_ID, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "Type the device name"));
  object = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "done");
  g_assert_cmpstr (json_object_get_string_member (object, "passcode"), ==, "a\"b\\c");
  /* GLib's debug lines went to stderr. */
  g_assert_nonnull (strstr (err, "DEBUG"));

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli ("", &out, NULL, "--json", "history", NULL), ==, 0);
  history = parse_array (out);
  g_assert_cmpuint (json_array_get_length (history), ==, 1);

  g_clear_pointer (&object, json_object_unref);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (token_only, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--json", "sync", ANDROID_DEDICATED_ID, NULL), ==, 0);
  object = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (object, "sync"), ==, "requested");
}

/* Run from the build tree in Italian (LANGUAGE=it, as with build-aux/demo.sh), the CLI speaks
 * Italian from the catalogue built there: nothing is installed in the prefix. */
static void
test_italian_uninstalled (void)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                      | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *locale_dir = lk_locale_dir_for_exe (cli_path);
  g_autofree char *catalogue = g_build_filename (locale_dir, "it", "LC_MESSAGES", "latchkey.mo", NULL);

  g_assert_true (g_file_test (catalogue, G_FILE_TEST_EXISTS));
  g_assert_false (g_str_equal (locale_dir, LOCALEDIR));
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "it", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, cli_path, "--help", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_assert_nonnull (strstr (out, "trova i dispositivi Intune"));
}

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);

  g_test_add ("/cli/token-stdin/search", Fixture, NULL, setup, test_token_stdin_search, teardown);
  g_test_add ("/cli/settings/api-version", Fixture, NULL, setup, test_api_version_setting, teardown);
  g_test_add ("/cli/show", Fixture, NULL, setup, test_show, teardown);
  g_test_add ("/cli/exit-codes", Fixture, NULL, setup, test_exit_codes, teardown);
  g_test_add ("/cli/shared-ipad", Fixture, NULL, setup, test_shared_ipad, teardown);
  g_test_add ("/cli/invalid-device-ids", Fixture, NULL, setup, test_invalid_device_ids, teardown);
  g_test_add ("/cli/json-stays-json", Fixture, NULL, setup, test_json_stays_json, teardown);
  g_test_add_func ("/cli/italian-uninstalled", test_italian_uninstalled);

  return g_test_run ();
}
