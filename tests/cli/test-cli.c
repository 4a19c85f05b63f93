/* test-cli.c: latchkey-cli as a script would use it, against a sandbox over loopback HTTP. */
#include "config.h"

#include "lk-locale.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "lk-sandbox.h"

#define ALL_SCOPES "DeviceManagementManagedDevices.Read.All DeviceManagementManagedDevices.PrivilegedOperations.All"

static const char *cli_path;

typedef struct
{
  LkSandbox *sandbox;
  char      *graph_url;
  char      *token;
} Fixture;

static void
setup (Fixture       *fixture,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->sandbox = lk_sandbox_new ();
  lk_sandbox_load_demo_tenant (fixture->sandbox);
  g_assert_true (lk_sandbox_start (fixture->sandbox, &error));
  fixture->graph_url = lk_sandbox_get_graph_url (fixture->sandbox);
  fixture->token = lk_sandbox_mint_access_token (fixture->sandbox, ALL_SCOPES, 3600);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  lk_sandbox_stop (fixture->sandbox);
  g_assert_finalize_object (fixture->sandbox);
  g_free (fixture->graph_url);
  g_free (fixture->token);
}

/* Runs the CLI with @input on stdin; returns its exit status, stdout in @out. */
static int
run_cli (const char *input,
         char      **out,
         char      **err,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
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

  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
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

static JsonArray *
parse_array (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_demo_search (void)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonArray) devices = NULL;

  g_assert_cmpint (run_cli ("", &out, NULL, "--demo", "--json", "search", "giulia", NULL), ==, 0);
  devices = parse_array (out);
  g_assert_cmpuint (json_array_get_length (devices), >=, 1);
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);
      JsonObject *capability = json_object_get_object_member (device, "capability");
      g_autofree char *text = json_to_string (json_array_get_element (devices, i), FALSE);
      g_autofree char *all = g_ascii_strdown (text, -1);

      g_assert_nonnull (json_object_get_string_member (device, "id"));
      g_assert_nonnull (capability);
      g_assert_nonnull (json_object_get_string_member (capability, "support"));
      g_assert_nonnull (strstr (all, "giulia"));
    }
}

static guint
count_demo_accounts (void)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonArray) accounts = NULL;

  g_assert_cmpint (run_cli ("", &out, NULL, "--demo", "--json", "accounts", NULL), ==, 0);
  accounts = parse_array (out);
  return json_array_get_length (accounts);
}

/* The demo signs in once, through the keyring; later runs reuse the saved account. */
static void
test_demo_account_reused (void)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli ("", &out, NULL, "--demo", "--json", "search", "rossi", NULL), ==, 0);
  /* Without a keyring the sign-in lasts one process: nothing to reuse. */
  if (count_demo_accounts () == 0 && g_getenv ("LK_TEST_REQUIRE_KEYRING") == NULL)
    {
      g_test_skip ("no keyring in this session");
      return;
    }
  g_assert_cmpuint (count_demo_accounts (), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli ("", &out, NULL, "--demo", "--json", "search", "bianchi", NULL), ==, 0);
  g_assert_cmpuint (count_demo_accounts (), ==, 1);
}

static void
test_demo_search_table (void)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli ("", &out, NULL, "--demo", "search", "ana", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "NAME"));
  g_assert_cmpuint (strlen (out), >, 40);
}

static JsonObject *
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

static void
test_token_stdin_search (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(JsonObject) device = find_device (fixture, "Windows", "company");
  g_autoptr(JsonObject) capability = json_object_ref (json_object_get_object_member (device, "capability"));

  g_assert_cmpstr (json_object_get_string_member (capability, "support"), ==, "not-supported");
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "managedDevices"), >=, 1);
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
test_reset_wrong_name (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(JsonObject) device = find_device (fixture, "iOS", "company");
  const char *id = json_object_get_string_member (device, "id");
  g_autofree char *input = g_strconcat (fixture->token, "\nnot the name\n", NULL);

  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url,
                            "--access-token-stdin", "reset", id, NULL), ==, 8);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 0);
}

static void
test_reset_confirmed_then_status (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(JsonObject) device = find_device (fixture, "iOS", "company");
  const char *id = json_object_get_string_member (device, "id");
  g_autofree char *input = g_strconcat (fixture->token, "\n", json_object_get_string_member (device, "deviceName"), "\n", NULL);
  g_autofree char *token_only = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *out = NULL;
  g_autoptr(JsonObject) status = NULL;

  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url,
                            "--access-token-stdin", "reset", id, NULL), ==, 0);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 1);

  g_assert_cmpint (run_cli (token_only, &out, NULL, "--graph-url", fixture->graph_url,
                            "--access-token-stdin", "--json", "status", id, NULL), ==, 0);
  status = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (status, "id"), ==, id);
  g_assert_true (g_str_equal (json_object_get_string_member (status, "state"), "pending")
                 || g_str_equal (json_object_get_string_member (status, "state"), "active")
                 || g_str_equal (json_object_get_string_member (status, "state"), "done"));
}

/* Followed to the end, the outcome is said in words, not as Graph's state code. */
static void
test_reset_wait_words (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(JsonObject) device = find_device (fixture, "iOS", "company");
  const char *id = json_object_get_string_member (device, "id");
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *out = NULL;

  lk_sandbox_set_action_timing (fixture->sandbox, 200, 200);
  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url,
                            "--access-token-stdin", "--yes", "--wait", "reset", id, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Finished: Done\n"));

  /* The history says it in the same words; --json keeps the codes for scripts. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli ("", &out, NULL, "history", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "  Done  "));
  g_assert_null (strstr (out, "  done  "));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli ("", &out, NULL, "history", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"done\""));
}

static void
test_reset_not_supported (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(JsonObject) device = find_device (fixture, "Windows", "company");
  const char *id = json_object_get_string_member (device, "id");
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);

  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url,
                            "--access-token-stdin", "--yes", "reset", id, NULL), ==, 7);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 0);
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
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, >=, 2);
  cli_path = argv[1];

  g_test_add_func ("/cli/demo/search-json", test_demo_search);
  g_test_add_func ("/cli/demo/search-table", test_demo_search_table);
  g_test_add_func ("/cli/demo/account-reused", test_demo_account_reused);
  g_test_add ("/cli/token-stdin/search", Fixture, NULL, setup, test_token_stdin_search, teardown);
  g_test_add ("/cli/show", Fixture, NULL, setup, test_show, teardown);
  g_test_add ("/cli/reset/wrong-name", Fixture, NULL, setup, test_reset_wrong_name, teardown);
  g_test_add ("/cli/reset/confirmed", Fixture, NULL, setup, test_reset_confirmed_then_status, teardown);
  g_test_add ("/cli/reset/wait-words", Fixture, NULL, setup, test_reset_wait_words, teardown);
  g_test_add ("/cli/reset/not-supported", Fixture, NULL, setup, test_reset_not_supported, teardown);
  g_test_add ("/cli/exit-codes", Fixture, NULL, setup, test_exit_codes, teardown);
  g_test_add_func ("/cli/italian-uninstalled", test_italian_uninstalled);

  return g_test_run ();
}
