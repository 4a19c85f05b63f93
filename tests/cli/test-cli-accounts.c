/* test-cli-accounts.c: latchkey-cli's demo tenant, sign-in and accounts.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>

#include "cli-fixture.h"

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

/* The JSON array printed after the line @marker in @out. */
static JsonArray *
array_after (const char *out,
             const char *marker)
{
  g_autofree char *text = text_after (out, marker);

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

int
main (int   argc,
      char *argv[])
{
  cli_test_init (&argc, &argv);

  g_test_add_func ("/cli/demo/search-json", test_demo_search);
  g_test_add_func ("/cli/demo/search-table", test_demo_search_table);
  g_test_add_func ("/cli/demo/account-reused", test_demo_account_reused);
  g_test_add_func ("/cli/demo/isolation", test_demo_isolation);
  g_test_add_func ("/cli/accounts/json", test_accounts_json);
  g_test_add ("/cli/sign-in-again-named", Fixture, NULL, setup, test_sign_in_again_named, teardown);
  g_test_add ("/cli/sign-in-without-browser", Fixture, NULL, setup, test_sign_in_without_browser, teardown);

  return g_test_run ();
}
