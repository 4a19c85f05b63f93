/* test-cli.c: latchkey-cli as a script would use it, against a sandbox over loopback HTTP. */
#include "config.h"

#include <signal.h>

#include "lk-locale.h"

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "lk-sandbox.h"

#define ALL_SCOPES "DeviceManagementManagedDevices.Read.All DeviceManagementManagedDevices.PrivilegedOperations.All"

static const char *cli_path;
/* The fixture's own XDG_STATE_HOME (its history), and whether GLib's debug output is on. */
static char *state_home;
static gboolean messages_debug;

/* The Android Enterprise dedicated device of the demo tenant: its reset returns a passcode. */
#define ANDROID_DEDICATED_ID "057dd76b-8514-5c99-bc6c-d36f49147ce8"

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
  state_home = g_dir_make_tmp ("latchkey-cli-state-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
teardown (Fixture       *fixture,
          gconstpointer  data)
{
  lk_sandbox_stop (fixture->sandbox);
  g_assert_finalize_object (fixture->sandbox);
  g_free (fixture->graph_url);
  g_free (fixture->token);
  remove_tree (state_home);
  g_clear_pointer (&state_home, g_free);
  messages_debug = FALSE;
}

static char *config_home;   /* non-NULL: the CLI reads settings from a keyfile there */

static GSubprocessLauncher *
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

/* Runs the CLI with @input on stdin; returns its exit status, stdout in @out. */
static int
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

/* Runs @script with sh in a session of its own — its own D-Bus and an unlocked, empty
 * gnome-keyring — so what it finds in the keyring is only what it put there, whatever other
 * tests run at the same time. $CLI is latchkey-cli. FALSE when no such session can be had. */
static GSubprocess *
spawn_in_private_keyring (const char *script)
{
  g_autofree char *dbus = g_find_program_in_path ("dbus-run-session");
  g_autofree char *keyring = g_find_program_in_path ("gnome-keyring-daemon");
  g_autofree char *wrapped = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  GSubprocess *process;

  if (dbus == NULL || keyring == NULL)
    return NULL;
  folder = g_dir_make_tmp ("latchkey-cli-keyring-XXXXXX", &error);
  g_assert_no_error (error);
  /* gnome-keyring-daemon is not ours: its warnings must not be fatal as the tests' are. */
  wrapped = g_strconcat ("set -eu\n"
                         /* The daemon may still be writing there: never fail on it. */
                         "trap 'rm -rf \"$XDG_RUNTIME_DIR\" 2>/dev/null || true' EXIT\n"
                         "eval \"$(printf latchkey-test | G_DEBUG= gnome-keyring-daemon --unlock --components=secrets)\"\n"
                         "export GNOME_KEYRING_CONTROL\n",
                         script, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "CLI", cli_path, TRUE);
  /* Its own control socket and keyring files: with test.sh's in the environment
   * gnome-keyring-daemon would unlock the shared keyring instead of starting one. */
  g_subprocess_launcher_unsetenv (launcher, "GNOME_KEYRING_CONTROL");
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", folder, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", folder, TRUE);
  /* A terminal over SSH: no display to open a browser on. */
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  process = g_subprocess_launcher_spawn (launcher, &error, dbus, "--", "sh", "-c", wrapped, NULL);
  g_assert_no_error (error);
  return process;
}

static gboolean
run_in_private_keyring (const char  *script,
                        char       **out)
{
  g_autoptr(GSubprocess) process = spawn_in_private_keyring (script);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  if (process == NULL)
    return FALSE;
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, out, &err, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    g_printerr ("stdout: %s\nstderr: %s\n", *out, err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  return TRUE;
}

/* The JSON array printed after the line @marker in @out. */
static JsonArray *
array_after (const char *out,
             const char *marker)
{
  const char *start = strstr (out, marker);
  g_autofree char *text = NULL;

  g_assert_nonnull (start);
  start += strlen (marker);
  text = g_strndup (start, strcspn (start, "#"));
  return parse_array (text);
}

/* Two demo runs, each on whatever port it gets (the old fixed one is held by the test), then
 * the real program: the demo reuses its one account, and the real program lists none of it. */
static void
test_demo_isolation (void)
{
  g_autoptr(GSocketListener) holder = g_socket_listener_new ();
  g_autofree char *out = NULL;
  g_autoptr(JsonArray) demo = NULL;
  g_autoptr(JsonArray) real = NULL;
  g_autoptr(JsonArray) real_after_sign_in = NULL;

  /* Someone else may hold it already: that is the case this test is about, too. */
  g_socket_listener_add_inet_port (holder, 28623, NULL, NULL);
  if (!run_in_private_keyring ("\"$CLI\" --demo --json search rossi >/dev/null\n"
                               "\"$CLI\" --demo --json search bianchi >/dev/null\n"
                               "echo '#demo'; \"$CLI\" --demo --json accounts\n"
                               "echo '#real'; \"$CLI\" --json accounts\n"
                               "\"$CLI\" --demo --json search giulia >/dev/null\n"
                               "echo '#demo-again'; \"$CLI\" --demo --json accounts\n"
                               "echo '#real-search'; \"$CLI\" search giulia || echo \"exit $?\"\n"
                               "echo '#'\n", &out))
    {
      g_test_skip ("dbus-run-session or gnome-keyring-daemon is missing");
      return;
    }
  demo = array_after (out, "#demo\n");
  g_assert_cmpuint (json_array_get_length (demo), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (demo, 0), "username"), ==,
                   "giulia.bianchi@contoso-demo.onmicrosoft.com");
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (demo, 0), "sessionOnly"));
  real = array_after (out, "#real\n");
  g_assert_cmpuint (json_array_get_length (real), ==, 0);
  real_after_sign_in = array_after (out, "#demo-again\n");
  g_assert_cmpuint (json_array_get_length (real_after_sign_in), ==, 1);
  /* Not signed in (exit 4), not "connection refused" to a demo tenant long gone. */
  g_assert_nonnull (strstr (out, "#real-search\nexit 4\n"));
}

/* The text printed after the line @marker in @out, up to the next marker. */
static char *
text_after (const char *out,
            const char *marker)
{
  const char *start = strstr (out, marker);

  g_assert_nonnull (start);
  start += strlen (marker);
  return g_strndup (start, strcspn (start, "#"));
}

/* accounts --json is one document written by a generator, as search --json is: exactly the
 * bytes json-glib's pretty generator makes of it, with no accounts and with one. */
static void
test_accounts_json (void)
{
  g_autofree char *out = NULL;
  g_autofree char *none = NULL;
  g_autofree char *one = NULL;
  g_autofree char *generated = NULL;
  g_autofree char *regenerated = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *account;

  if (!run_in_private_keyring ("echo '#none'; \"$CLI\" --demo --json accounts\n"
                               "\"$CLI\" --demo --json search rossi >/dev/null\n"
                               "echo '#one'; \"$CLI\" --demo --json accounts\n"
                               "echo '#'\n", &out))
    {
      g_test_skip ("dbus-run-session or gnome-keyring-daemon is missing");
      return;
    }
  none = text_after (out, "#none\n");
  g_assert_cmpstr (none, ==, "[]\n");
  one = text_after (out, "#one\n");
  g_assert_true (json_parser_load_from_data (parser, one, -1, &error));
  g_assert_no_error (error);
  json_generator_set_root (generator, json_parser_get_root (parser));
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  generated = json_generator_to_data (generator, NULL);
  regenerated = g_strconcat (generated, "\n", NULL);
  g_assert_cmpstr (one, ==, regenerated);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (json_parser_get_root (parser))), ==, 1);
  account = json_array_get_object_element (json_node_get_array (json_parser_get_root (parser)), 0);
  g_assert_cmpstr (json_object_get_string_member (account, "username"), ==,
                   "giulia.bianchi@contoso-demo.onmicrosoft.com");
  g_assert_true (json_object_get_boolean_member (account, "active"));
  g_assert_true (json_object_get_boolean_member (account, "canResetPasscodes"));
}

/* The admin's part: opens the sign-in address as a browser would, and follows the redirect
 * to the CLI's listener. */
static gpointer
visit_sign_in_page (gpointer data)
{
  g_autofree char *uri = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) authorize = NULL;
  g_autoptr(SoupMessage) redirect = NULL;
  g_autoptr(GBytes) page = NULL;
  g_autoptr(GBytes) answer = NULL;
  const char *location;

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", 10, NULL);
  authorize = soup_message_new ("GET", uri);
  soup_message_add_flags (authorize, SOUP_MESSAGE_NO_REDIRECT);
  page = soup_session_send_and_read (session, authorize, NULL, NULL);
  location = soup_message_headers_get_one (soup_message_get_response_headers (authorize), "Location");
  g_assert_nonnull (location);
  g_assert_true (g_str_has_prefix (location, "http://localhost:"));
  redirect = soup_message_new ("GET", location);
  answer = soup_session_send_and_read (session, redirect, NULL, NULL);
  g_assert_cmpuint (soup_message_get_status (redirect), ==, 200);
  g_main_context_pop_thread_default (context);
  return NULL;
}

/* No browser (over SSH): the CLI says so, prints the address and offers --device-code, and
 * keeps waiting, so the address opened by hand still signs in. */
static void
test_sign_in_without_browser (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *authority = lk_sandbox_get_authority_url (fixture->sandbox);
  g_autofree char *script = g_strdup_printf ("\"$CLI\" --authority %s --graph-url %s --tenant %s --client-id %s sign-in\n",
                                             authority, fixture->graph_url,
                                             lk_sandbox_get_tenant_id (fixture->sandbox),
                                             lk_sandbox_get_client_id (fixture->sandbox));
  g_autoptr(GSubprocess) process = spawn_in_private_keyring (script);
  g_autoptr(GDataInputStream) err = NULL;
  g_autoptr(GString) said = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  GThread *browser = NULL;

  if (process == NULL)
    {
      g_test_skip ("dbus-run-session or gnome-keyring-daemon is missing");
      return;
    }
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
  /* Until the CLI ends, which it does only once the address was opened. */
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        break;
      g_string_append_printf (said, "%s\n", line);
      if (browser == NULL && g_str_has_prefix (line, "  http://"))
        browser = g_thread_new ("browser", visit_sign_in_page, g_strdup (line + 2));
    }
  g_assert_nonnull (browser);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_thread_join (browser);
  g_assert_nonnull (strstr (said->str, "Could not open a web browser: there is no graphical session here (over SSH?).\n"
                                       "Open this address in a browser on this computer to sign in:\n  http://127.0.0.1:"));
  g_assert_nonnull (strstr (said->str, "redirect_uri=http%3A%2F%2Flocalhost%3A"));
  g_assert_nonnull (strstr (said->str, "--device-code"));
  if (g_subprocess_get_exit_status (process) != 0)
    g_printerr ("stderr: %s\nstdout: %s\n", said->str, out);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_nonnull (strstr (out, "Signed in as giulia.bianchi@contoso-demo.onmicrosoft.com."));
}

/* A revoked sign-in: the CLI names the one command that signs that account in again. */
static void
test_sign_in_again_named (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *authority = lk_sandbox_get_authority_url (fixture->sandbox);
  LkFault revoked = { .kind = LK_FAULT_OAUTH_ERROR, .method = "POST", .path_contains = "oauth2/v2.0/token",
                      .skip = 1, .graph_code = "invalid_grant" };
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;

  /* The sign-in's one poll gets its tokens; the next run's refresh finds the grant revoked. */
  lk_sandbox_set_device_code_timing (fixture->sandbox, 1, 900);
  lk_sandbox_add_fault (fixture->sandbox, &revoked);
  script = g_strdup_printf ("\"$CLI\" --authority %s --graph-url %s --tenant %s --client-id %s --device-code sign-in >/dev/null 2>&1\n"
                            "\"$CLI\" search rossi 2>&1 || echo \"exit $?\"\n",
                            authority, fixture->graph_url, lk_sandbox_get_tenant_id (fixture->sandbox),
                            lk_sandbox_get_client_id (fixture->sandbox));
  if (!run_in_private_keyring (script, &out))
    {
      g_test_skip ("dbus-run-session or gnome-keyring-daemon is missing");
      return;
    }
  expected = g_strdup_printf ("To sign in again as giulia.bianchi@contoso-demo.onmicrosoft.com, run:\n"
                              "  latchkey-cli sign-in --authority %s --graph-url %s --tenant %s --client-id %s\n"
                              "exit 4\n",
                              authority, fixture->graph_url, lk_sandbox_get_tenant_id (fixture->sandbox),
                              lk_sandbox_get_client_id (fixture->sandbox));
  if (strstr (out, expected) == NULL)
    g_error ("expected:\n%s\ngot:\n%s", expected, out);
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

  remove_tree (config_home);
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

/* ---- issue 12: honest outcomes, the journal, ids, machine-readable output ------------------- */

static JsonArray *
history_json (void)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli ("", &out, NULL, "--json", "history", NULL), ==, 0);
  return parse_array (out);
}

/* A 5xx after the POST left, processed or not, is "outcome unknown" (exit 9), never resent,
 * and never "not sent" in the history; status resolves it from deviceActionResults. */
static void
test_reset_5xx_outcome_unknown (Fixture       *fixture,
                                gconstpointer  data)
{
  static const guint statuses[] = { 500, 503 };
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);

  lk_sandbox_set_action_timing (fixture->sandbox, 60000, 1000);
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      LkFault fault = { LK_FAULT_STATUS, "POST", "resetPasscode", .status = statuses[i],
                        .retry_after = "0.1", .processed = i == 0 };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(JsonArray) history = NULL;
      JsonObject *entry;

      lk_sandbox_add_fault (fixture->sandbox, &fault);
      g_assert_cmpint (run_cli (input, &out, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                                "--yes", "--force", "reset", ANDROID_DEDICATED_ID, NULL), ==, 9);
      g_assert_nonnull (strstr (out, "latchkey-cli status " ANDROID_DEDICATED_ID));
      g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, i + 1);
      lk_sandbox_clear_faults (fixture->sandbox);

      history = history_json ();
      g_assert_cmpuint (json_array_get_length (history), ==, i + 1);
      entry = json_array_get_object_element (history, i);
      g_assert_cmpstr (json_object_get_string_member (entry, "outcome"), ==, "unknown");
      g_clear_pointer (&out, g_free);
      g_assert_cmpint (run_cli ("", &out, NULL, "history", NULL), ==, 0);
      g_assert_nonnull (strstr (out, "Outcome unknown — check status"));
      g_assert_null (strstr (out, "Not sent"));
    }
  /* The 500 had been queued (and is pending): status says so, and the journal learns it. */
  {
    g_autofree char *out = NULL;
    g_autoptr(JsonArray) history = NULL;

    g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                              "status", ANDROID_DEDICATED_ID, NULL), ==, 0);
    history = history_json ();
    g_assert_cmpuint (json_array_get_length (history), ==, 2);
  }
}

/* A 4xx before processing is "not sent": safe to retry, and said so. */
static void
test_reset_403_not_sent (Fixture       *fixture,
                         gconstpointer  data)
{
  LkFault fault = { LK_FAULT_FORBIDDEN, "POST", "resetPasscode", .graph_code = "Forbidden" };
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autoptr(JsonArray) history = NULL;
  g_autofree char *err = NULL;

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  g_assert_cmpint (run_cli (input, NULL, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "reset", ANDROID_DEDICATED_ID, NULL), ==, 5);
  /* Intune's answer names the permission; Latchkey says so, and who can grant it. */
  g_assert_nonnull (strstr (err, "DeviceManagementManagedDevices.PrivilegedOperations.All"));
  g_assert_nonnull (strstr (err, "admin consent"));
  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "outcome"), ==, "error");
  /* Nothing is in flight after a refusal: the next reset goes through. */
  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "reset", ANDROID_DEDICATED_ID, NULL), ==, 0);
  g_assert_cmpuint (lk_sandbox_count_queued_actions (fixture->sandbox), ==, 1);
}

/* A 403 without a role says which roles allow it; Multi Admin Approval is not a failure. */
static void
test_reset_403_reasons (Fixture       *fixture,
                        gconstpointer  data)
{
  LkFault role = { LK_FAULT_FORBIDDEN, "POST", "resetPasscode", .graph_code = "UnknownError" };
  LkFault approval = { LK_FAULT_FORBIDDEN, "POST", "resetPasscode", .graph_code = "ApprovalRequired" };
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonArray) history = NULL;

  lk_sandbox_add_fault (fixture->sandbox, &role);
  g_assert_cmpint (run_cli (input, NULL, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "reset", ANDROID_DEDICATED_ID, NULL), ==, 5);
  g_assert_nonnull (strstr (err, "Help Desk Operator"));
  lk_sandbox_clear_faults (fixture->sandbox);

  g_clear_pointer (&err, g_free);
  lk_sandbox_add_fault (fixture->sandbox, &approval);
  g_assert_cmpint (run_cli (input, NULL, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "reset", ANDROID_DEDICATED_ID, NULL), ==, 12);
  g_assert_nonnull (strstr (err, "Multi Admin Approval"));
  g_assert_null (strstr (err, "Error:"));
  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 1), "outcome"), ==,
                   "awaitingApproval");
  g_assert_cmpint (run_cli ("", &out, NULL, "history", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Awaiting approval (Multi Admin Approval)"));
  g_assert_cmpuint (lk_sandbox_count_queued_actions (fixture->sandbox), ==, 0);
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

/* ---- SIGKILL at every point: the journal loses nothing and doubles nothing ---------------- */

static GSubprocess *
spawn_cli (const char *input,
           ...)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) cli_path);
  va_start (args, input);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  /* stdin stays open: a CLI at its prompt waits there. */
  g_assert_true (g_output_stream_write_all (g_subprocess_get_stdin_pipe (process), input, strlen (input),
                                            NULL, NULL, &error));
  g_assert_no_error (error);
  return process;
}

typedef gboolean (*Condition) (Fixture *fixture);

static void
kill_when (GSubprocess *process,
           Fixture     *fixture,
           Condition    condition)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!condition (fixture) && g_get_monotonic_time () < end)
    g_usleep (5000);
  g_assert_true (condition (fixture));
  g_subprocess_send_signal (process, SIGKILL);
  g_assert_true (g_subprocess_wait (process, NULL, NULL));
  g_assert_true (g_subprocess_get_if_signaled (process));
}

static gboolean
at_prompt (Fixture *fixture)
{
  /* The device and its action results were read: the CLI waits for the name. */
  return lk_sandbox_count_requests (fixture->sandbox, "GET", ANDROID_DEDICATED_ID) >= 2;
}

static gboolean
post_queued_unanswered (Fixture *fixture)
{
  return lk_sandbox_count_queued_actions (fixture->sandbox) >= 1;
}

static gboolean
second_sent_recorded (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (state_home, "latchkey", "history.jsonl", NULL);
  g_autofree char *text = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  for (const char *p = text; (p = strstr (p, "\"outcome\":\"sent\"")) != NULL; p++)
    n++;
  return n >= 1 && lk_sandbox_count_queued_actions (fixture->sandbox) >= 2;
}

static void
test_journal_survives_sigkill (Fixture       *fixture,
                               gconstpointer  data)
{
  LkFault hold = { LK_FAULT_DELAY, "POST", "resetPasscode", .delay_ms = 10000 };
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autoptr(GSubprocess) before = NULL;
  g_autoptr(GSubprocess) during = NULL;
  g_autoptr(GSubprocess) after = NULL;
  g_autoptr(JsonArray) history = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  lk_sandbox_set_action_timing (fixture->sandbox, 60000, 1000);

  /* Before: killed at the confirmation prompt. Nothing was sent, nothing recorded. */
  before = spawn_cli (input, "--graph-url", fixture->graph_url, "--access-token-stdin", "reset",
                      ANDROID_DEDICATED_ID, NULL);
  kill_when (before, fixture, at_prompt);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 0);
  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 0);
  g_clear_pointer (&history, json_array_unref);

  /* During: Intune queued it and its answer is held back; the CLI dies waiting. */
  lk_sandbox_add_fault (fixture->sandbox, &hold);
  during = spawn_cli (input, "--graph-url", fixture->graph_url, "--access-token-stdin", "--yes", "reset",
                      ANDROID_DEDICATED_ID, NULL);
  kill_when (during, fixture, post_queued_unanswered);
  lk_sandbox_clear_faults (fixture->sandbox);
  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "outcome"), ==, "sending");
  g_clear_pointer (&history, json_array_unref);
  g_assert_cmpint (run_cli ("", &out, NULL, "history", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Outcome unknown — check status"));

  /* Nothing invites a second send: reset refuses (exit 10) until --force. */
  g_assert_cmpint (run_cli (input, NULL, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "reset", ANDROID_DEDICATED_ID, NULL), ==, 10);
  g_assert_nonnull (strstr (err, "--force"));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 1);

  /* status resolves the record from deviceActionResults: Intune has it, pending. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "status", ANDROID_DEDICATED_ID, NULL), ==, 0);
  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "outcome"), ==, "pending");
  g_clear_pointer (&history, json_array_unref);

  /* After: the second (forced) POST was answered and recorded; killed while following it. */
  after = spawn_cli (input, "--graph-url", fixture->graph_url, "--access-token-stdin", "--yes", "--force",
                     "--wait", "reset", ANDROID_DEDICATED_ID, NULL);
  kill_when (after, fixture, second_sent_recorded);
  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 1), "outcome"), ==, "sent");
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 2);
  g_assert_cmpuint (lk_sandbox_count_queued_actions (fixture->sandbox), ==, 2);
}

/* After a failed attempt, status says the Done it shows is an earlier action's. */
static void
test_status_names_earlier_result (Fixture       *fixture,
                                  gconstpointer  data)
{
  LkFault fault = { LK_FAULT_STATUS, "POST", "resetPasscode", .status = 502 };
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *out = NULL;

  lk_sandbox_set_action_timing (fixture->sandbox, 100, 100);
  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "--wait", "reset", ANDROID_DEDICATED_ID, NULL), ==, 0);
  lk_sandbox_add_fault (fixture->sandbox, &fault);
  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "reset", ANDROID_DEDICATED_ID, NULL), ==, 9);
  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "status", ANDROID_DEDICATED_ID, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Started"));
  g_assert_nonnull (strstr (out, "This result is from an earlier action."));
  /* The unanswered one may still be on its way as far as anyone knows here. */
  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "reset", ANDROID_DEDICATED_ID, NULL), ==, 10);
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

/* --- unlock options ------------------------------------------------------------------------ */

#define UNLOCK_SCOPES ALL_SCOPES " DeviceManagementManagedDevices.ReadWrite.All DeviceLocalCredential.Read.All BitLockerKey.Read.All"
#define WIN_JOINED_ID "76beaaf6-5c5d-5f09-bc21-b96db427b165"
#define WIN_HYBRID_ID "7ca9331a-f11f-5185-bcc2-445033f92167"
#define WIN_REGISTERED_ID "a3e1c0d2-7b4f-5e8a-9c61-2f0d8b7e4a19"
#define MAC_ADE_ID "35fcdb7f-dcca-5ea8-91e1-1253fdf5964e"
#define LINUX_ID "0691faa4-30ee-53e8-bf0a-e993d144303f"
#define WIN_JOINED_LAPS "Vk7#qL2x!mP9wRt4"

static char *
unlock_input (Fixture    *fixture,
              const char *rest)
{
  g_autofree char *token = lk_sandbox_mint_access_token (fixture->sandbox, UNLOCK_SCOPES, 3600);

  return g_strconcat (token, "\n", rest, NULL);
}

static void
test_unlock_options (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *input = unlock_input (fixture, "");
  g_autofree char *out = NULL;
  g_autofree char *registered = NULL;
  g_autoptr(JsonArray) options = NULL;
  g_autoptr(JsonArray) none = NULL;

  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--json", "unlock", WIN_JOINED_ID, NULL), ==, 0);
  options = parse_array (out);
  g_assert_cmpuint (json_array_get_length (options), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (options, 0), "kind"), ==, "laps");
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (options, 1), "available"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (options, 1), "permission"), ==, "BitLockerKey.Read.All");

  g_assert_cmpint (run_cli (input, &registered, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "unlock", WIN_REGISTERED_ID, NULL), ==, 0);
  g_assert_nonnull (strstr (registered, "not available"));
  g_assert_nonnull (strstr (registered, "Entra joined or hybrid joined"));

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--json", "unlock", LINUX_ID, NULL), ==, 7);
  none = parse_array (out);
  g_assert_cmpuint (json_array_get_length (none), ==, 0);
  /* Listing options reads no secret. */
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, NULL, "deviceLocalCredentials"), ==, 0);
}

/* Without --reveal nothing secret is fetched; with it, the secret once, journaled without it. */
static void
test_unlock_laps_reveal (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *input = unlock_input (fixture, "");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *history_text = NULL;
  g_autofree char *history_path = g_build_filename (state_home, "latchkey", "history.jsonl", NULL);
  g_autoptr(JsonObject) secret = NULL;
  g_autoptr(JsonArray) history = NULL;

  g_assert_cmpint (run_cli (input, &out, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "laps", WIN_JOINED_ID, NULL), ==, 0);
  g_assert_null (strstr (out, WIN_JOINED_LAPS));
  g_assert_nonnull (strstr (err, "--reveal"));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, NULL, "deviceLocalCredentials"), ==, 0);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--reveal", "--json", "--reason", "INC-4711", "laps", WIN_JOINED_ID, NULL), ==, 0);
  secret = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (secret, "secret"), ==, WIN_JOINED_LAPS);
  g_assert_cmpstr (json_object_get_string_member (secret, "account"), ==, "ContosoAdmin");
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "deviceLocalCredentials"), ==, 1);

  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "action"), ==, "revealLocalAdminPassword");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "outcome"), ==, "revealed");
  g_assert_true (g_file_get_contents (history_path, &history_text, NULL, NULL));
  g_assert_nonnull (strstr (history_text, "INC-4711"));
  g_assert_null (strstr (history_text, WIN_JOINED_LAPS));
}

static void
test_unlock_bitlocker (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *input = unlock_input (fixture, "");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonArray) keys = NULL;
  g_autoptr(JsonObject) key = NULL;
  const char *key_id;

  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--json", "bitlocker", WIN_HYBRID_ID, NULL), ==, 0);
  keys = parse_array (out);
  g_assert_cmpuint (json_array_get_length (keys), ==, 3);
  g_assert_cmpuint (lk_sandbox_count_key_reads (fixture->sandbox), ==, 0);
  key_id = json_object_get_string_member (json_array_get_object_element (keys, 1), "keyId");

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (input, &out, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--json", "--reveal", "bitlocker", WIN_HYBRID_ID, key_id, NULL), ==, 0);
  key = parse_object (out);
  g_assert_cmpstr (json_object_get_string_member (key, "keyId"), ==, key_id);
  g_assert_true (g_regex_match_simple ("^([0-9]{6}-){7}[0-9]{6}$", json_object_get_string_member (key, "secret"), 0, 0));
  g_assert_nonnull (strstr (err, "audit log"));
  g_assert_cmpuint (lk_sandbox_count_key_reads (fixture->sandbox), ==, 1);

  /* Not Entra joined: said so, nothing asked of Graph's directory. */
  g_assert_cmpint (run_cli (input, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "bitlocker", WIN_REGISTERED_ID, NULL), ==, 7);
}

/* A token with only the passcode permissions: exit 5, the permission named, nothing revealed. */
static void
test_unlock_forbidden (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *input = g_strconcat (fixture->token, "\n", NULL);
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli (input, &out, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--reveal", "laps", WIN_JOINED_ID, NULL), ==, 5);
  g_assert_nonnull (strstr (err, "DeviceLocalCredential.Read.All"));
  g_assert_null (strstr (out, WIN_JOINED_LAPS));
  /* The FileVault key needs only what the passcode features already have. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (input, &out, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--reveal", "filevault", MAC_ADE_ID, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "K7QJ-M2XW-9PRT-4HVN-B6CZ-3LDF"));
}

/* rotate: the same typed-name confirmation, journal and exit codes as reset. */
static void
test_unlock_rotate (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *wrong = unlock_input (fixture, "not the name\n");
  g_autofree char *right = unlock_input (fixture, "DESKTOP-7QK2L9M\n");
  LkFault fault = { LK_FAULT_STATUS, "POST", "rotateBitLockerKeys", .status = 502 };
  g_autoptr(JsonArray) history = NULL;

  g_assert_cmpint (run_cli (wrong, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "rotate", "laps", WIN_JOINED_ID, NULL), ==, 8);
  g_assert_cmpuint (lk_sandbox_count_rotations (fixture->sandbox), ==, 0);
  g_assert_cmpint (run_cli (right, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "rotate", "laps", WIN_JOINED_ID, NULL), ==, 0);
  g_assert_cmpuint (lk_sandbox_count_rotations (fixture->sandbox), ==, 1);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "rotateLocalAdminPassword"), ==, 1);

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  g_assert_cmpint (run_cli (right, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "rotate", "bitlocker", WIN_JOINED_ID, NULL), ==, 9);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "rotateBitLockerKeys"), ==, 1);

  g_assert_cmpint (run_cli (right, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "rotate", "filevault", WIN_JOINED_ID, NULL), ==, 7);
  g_assert_cmpint (run_cli (right, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "rotate", "passcode", WIN_JOINED_ID, NULL), ==, 2);

  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "action"), ==, "rotateLocalAdminPassword");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "outcome"), ==, "sent");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 1), "outcome"), ==, "unknown");
}

/* rotate refuses (exit 10) while a rotation of the same kind may be on its way, as reset does;
 * another kind is not held back, and --force sends anyway. */
static void
test_unlock_rotate_in_flight (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *right = unlock_input (fixture, "DESKTOP-7QK2L9M\n");
  LkFault fault = { LK_FAULT_STATUS, "POST", "rotateBitLockerKeys", .status = 500 };
  g_autofree char *err = NULL;
  g_autoptr(JsonArray) history = NULL;

  g_assert_cmpint (run_cli (right, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "rotate", "laps", WIN_JOINED_ID, NULL), ==, 0);
  g_assert_cmpint (run_cli (right, NULL, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "rotate", "laps", WIN_JOINED_ID, NULL), ==, 10);
  g_assert_nonnull (strstr (err, "Nothing was sent"));
  g_assert_nonnull (strstr (err, "--force"));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "rotateLocalAdminPassword"), ==, 1);

  /* Outcome unknown after a 5xx: never resent by a second command either. */
  lk_sandbox_add_fault (fixture->sandbox, &fault);
  g_assert_cmpint (run_cli (right, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "rotate", "bitlocker", WIN_JOINED_ID, NULL), ==, 9);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (right, NULL, &err, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "rotate", "bitlocker", WIN_JOINED_ID, NULL), ==, 10);
  g_assert_nonnull (strstr (err, "may have reached Intune"));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "rotateBitLockerKeys"), ==, 1);

  g_assert_cmpint (run_cli (right, NULL, NULL, "--graph-url", fixture->graph_url, "--access-token-stdin",
                            "--yes", "--force", "rotate", "laps", WIN_JOINED_ID, NULL), ==, 0);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "rotateLocalAdminPassword"), ==, 2);

  history = history_json ();
  g_assert_cmpuint (json_array_get_length (history), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 0), "outcome"), ==, "sent");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (history, 1), "outcome"), ==, "unknown");
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
  g_test_add_func ("/cli/demo/isolation", test_demo_isolation);
  g_test_add_func ("/cli/accounts/json", test_accounts_json);
  g_test_add ("/cli/token-stdin/search", Fixture, NULL, setup, test_token_stdin_search, teardown);
  g_test_add ("/cli/settings/api-version", Fixture, NULL, setup, test_api_version_setting, teardown);
  g_test_add ("/cli/show", Fixture, NULL, setup, test_show, teardown);
  g_test_add ("/cli/reset/wrong-name", Fixture, NULL, setup, test_reset_wrong_name, teardown);
  g_test_add ("/cli/reset/confirmed", Fixture, NULL, setup, test_reset_confirmed_then_status, teardown);
  g_test_add ("/cli/reset/wait-words", Fixture, NULL, setup, test_reset_wait_words, teardown);
  g_test_add ("/cli/reset/not-supported", Fixture, NULL, setup, test_reset_not_supported, teardown);
  g_test_add ("/cli/exit-codes", Fixture, NULL, setup, test_exit_codes, teardown);
  g_test_add ("/cli/reset/5xx-outcome-unknown", Fixture, NULL, setup, test_reset_5xx_outcome_unknown, teardown);
  g_test_add ("/cli/reset/403-not-sent", Fixture, NULL, setup, test_reset_403_not_sent, teardown);
  g_test_add ("/cli/reset/403-reasons", Fixture, NULL, setup, test_reset_403_reasons, teardown);
  g_test_add ("/cli/shared-ipad", Fixture, NULL, setup, test_shared_ipad, teardown);
  g_test_add ("/cli/invalid-device-ids", Fixture, NULL, setup, test_invalid_device_ids, teardown);
  g_test_add ("/cli/json-stays-json", Fixture, NULL, setup, test_json_stays_json, teardown);
  g_test_add ("/cli/journal/sigkill", Fixture, NULL, setup, test_journal_survives_sigkill, teardown);
  g_test_add ("/cli/status/earlier-result", Fixture, NULL, setup, test_status_names_earlier_result, teardown);
  g_test_add ("/cli/sign-in-again-named", Fixture, NULL, setup, test_sign_in_again_named, teardown);
  g_test_add ("/cli/sign-in-without-browser", Fixture, NULL, setup, test_sign_in_without_browser, teardown);
  g_test_add_func ("/cli/italian-uninstalled", test_italian_uninstalled);
  g_test_add ("/cli/unlock/options", Fixture, NULL, setup, test_unlock_options, teardown);
  g_test_add ("/cli/unlock/laps-reveal", Fixture, NULL, setup, test_unlock_laps_reveal, teardown);
  g_test_add ("/cli/unlock/bitlocker", Fixture, NULL, setup, test_unlock_bitlocker, teardown);
  g_test_add ("/cli/unlock/forbidden", Fixture, NULL, setup, test_unlock_forbidden, teardown);
  g_test_add ("/cli/unlock/rotate", Fixture, NULL, setup, test_unlock_rotate, teardown);
  g_test_add ("/cli/unlock/rotate-in-flight", Fixture, NULL, setup, test_unlock_rotate_in_flight, teardown);

  return g_test_run ();
}
