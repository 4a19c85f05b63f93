/* test-secret-hygiene.c: after a whole session, no secret is anywhere it must not be.
 *
 * run-hygiene.sh gives this program a fresh HOME and XDG folders, its own D-Bus and its own
 * gnome-keyring. The session, against a sandbox over loopback HTTP:
 *   - the window: a sign-in through the demo browser flow, the real LkApplication finding the
 *     account in the keyring, a search, a reset confirmed in the wizard and its temporary
 *     passcode revealed and copied;
 *   - latchkey-cli: sign-in (device code), search, reset --wait, status and history.
 * Then the access and refresh tokens the sandbox issued and the passcodes it generated are
 * looked for in every log line (debug included: this process's and the CLI's standard error),
 * the action history, the GSettings keyfile and every file under HOME and the XDG folders.
 * Only gnome-keyring's own folder may hold a token.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <adwaita.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "lk-account-manager.h"
#include "lk-application.h"
#include "lk-demo-browser.h"
#include "lk-reset-wizard.h"
#include "lk-sandbox.h"
#include "lk-device-page.h"
#include "lk-window.h"
#include "../lk-test-common.h"
#include "../lk-test-widgets.h"
#include "../lk-test-unlock.h"

static const char *cli_path;
static LkSandbox *sandbox;
/* Every log line of this process (all levels, all fields) and the CLI's standard error. */
static GString *captured_log;
/* What the passcodes legitimately reached: the revealed label, the CLI's standard output. */
static GPtrArray *passcodes;

static GLogWriterOutput
capture_log (GLogLevelFlags   level,
             const GLogField *fields,
             gsize            n_fields,
             gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      if (fields[i].length < 0)
        g_string_append_printf (captured_log, "%s=%s ", fields[i].key, (const char *) fields[i].value);
      else
        {
          g_string_append_printf (captured_log, "%s=", fields[i].key);
          g_string_append_len (captured_log, fields[i].value, fields[i].length);
          g_string_append_c (captured_log, ' ');
        }
    }
  g_string_append_c (captured_log, '\n');
  /* Debug output is only captured: the test log stays readable. */
  if (level & G_LOG_LEVEL_DEBUG || level & G_LOG_LEVEL_INFO)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, NULL);
}

static void
capture_print (const char *text)
{
  g_string_append (captured_log, text);
  fputs (text, stdout);
}

static void
capture_printerr (const char *text)
{
  g_string_append (captured_log, text);
  fputs (text, stderr);
}

/* --- where secrets are looked for -------------------------------------------------------------- */

/* @needle in @data (which may be binary: a NUL does not end it). A passcode is short and all
 * digits, so it only counts where it is not part of a longer run of digits (a timestamp). */
static gboolean
contains_secret (const char *data,
                 gsize       len,
                 const char *needle,
                 gboolean    digits)
{
  gsize n = strlen (needle);

  for (gsize i = 0; n > 0 && i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0
        && (!digits || ((i == 0 || !g_ascii_isdigit (data[i - 1]))
                        && (i + n == len || !g_ascii_isdigit (data[i + n])))))
      return TRUE;
  return FALSE;
}

typedef struct
{
  GStrv      tokens;
  GPtrArray *passcodes;
  GStrv      unlock;      /* LAPS passwords, BitLocker and FileVault keys, macOS admin passwords */
} Secrets;

/* Which secret @data holds, for the failure message (never the secret itself), or NULL. */
static const char *
secret_in (const Secrets *secrets,
           const char    *data,
           gsize          len)
{
  for (guint i = 0; secrets->tokens[i] != NULL; i++)
    if (contains_secret (data, len, secrets->tokens[i], FALSE))
      return g_str_has_prefix (secrets->tokens[i], "ey") ? "an access token" : "a refresh token";
  for (guint i = 0; i < secrets->passcodes->len; i++)
    if (contains_secret (data, len, g_ptr_array_index (secrets->passcodes, i), TRUE))
      return "a temporary passcode";
  for (guint i = 0; secrets->unlock != NULL && secrets->unlock[i] != NULL; i++)
    if (contains_secret (data, len, secrets->unlock[i], FALSE))
      return "an unlock secret (LAPS password, BitLocker or FileVault key, macOS admin password)";
  return NULL;
}

/* gnome-keyring's own store: the one place a refresh token belongs (its files are encrypted
 * with the keyring's password, and libsecret is how Latchkey keeps an account). */
static gboolean
is_keyring_dir (const char *path)
{
  g_autofree char *keyrings = g_build_filename (g_getenv ("XDG_DATA_HOME"), "keyrings", NULL);

  return g_str_equal (path, keyrings);
}

/* Every regular file under @dir; returns how many were read, and fails on the first secret. */
static guint
assert_no_secret_in_files (const Secrets *secrets,
                           const char    *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n_files = 0;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      GStatBuf st;
      gsize len;
      const char *found;

      if (g_lstat (path, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        {
          if (is_keyring_dir (path))
            continue;
          n_files += assert_no_secret_in_files (secrets, path);
          continue;
        }
      /* Sockets, FIFOs and symbolic links hold no data of their own. */
      if (!S_ISREG (st.st_mode))
        continue;
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      n_files++;
      if ((found = secret_in (secrets, contents, len)) != NULL)
        g_error ("%s is in the file %s", found, path);
    }
  return n_files;
}

static void
assert_no_secret_in_text (const Secrets *secrets,
                          const char    *what,
                          const char    *text)
{
  const char *found = secret_in (secrets, text, strlen (text));

  if (found != NULL)
    g_error ("%s is in %s", found, what);
}

static char *
read_file (const char *first,
           ...)
{
  g_autofree char *path = NULL;
  char *contents = NULL;
  va_list args;

  va_start (args, first);
  path = g_build_filename_valist (first, &args);
  va_end (args);
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    g_error ("%s was not written", path);
  return contents;
}

/* --- the window -------------------------------------------------------------------------------- */

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

/* The demo's sign-in (lk-application.c's connect_demo), against this test's sandbox: the
 * authorization code flow with PKCE, the browser played by lk_demo_browser_open_uri. */
static void
sign_in_with_demo_browser (void)
{
  g_autoptr(LkAccountManager) accounts = lk_account_manager_new ();
  g_autofree char *authority = lk_sandbox_get_authority_url (sandbox);
  g_autofree char *graph_url = lk_sandbox_get_graph_url (sandbox);
  g_autoptr(LkSignInConfig) config = lk_sign_in_config_new (LK_CLOUD_CUSTOM, authority, graph_url,
                                                            lk_sandbox_get_tenant_id (sandbox),
                                                            lk_sandbox_get_client_id (sandbox));
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) signed_in = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LkAccount) account = NULL;

  lk_account_manager_set_open_uri_func (accounts, lk_demo_browser_open_uri, NULL, NULL);
  lk_account_manager_load_async (accounts, NULL, store_result_cb, &loaded);
  g_assert_true (lk_account_manager_load_finish (accounts, wait_result (&loaded), &error));
  g_assert_no_error (error);
  lk_account_manager_sign_in_browser_async (accounts, config, NULL, store_result_cb, &signed_in);
  account = lk_account_manager_sign_in_browser_finish (accounts, wait_result (&signed_in), &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  /* Saved in the keyring, not only kept for this session: the window finds it there. */
  g_assert_false (lk_account_manager_get_session_only (accounts));
}

static gboolean
window_connected (gpointer data)
{
  return lk_window_get_client (data) != NULL;
}

static gboolean
search_done (gpointer data)
{
  return g_strcmp0 (lk_window_get_state (data), "results") == 0;
}

static LkResetWizard *
open_wizard (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (LK_IS_RESET_WIZARD (window))
        return LK_RESET_WIZARD (window);
    }
  return NULL;
}

static gboolean
wizard_at_result (gpointer data)
{
  return g_strcmp0 (lk_reset_wizard_get_page (data), "result") == 0;
}

static LkDevice *
result_named (LkWindow   *window,
              const char *name)
{
  GListModel *results = lk_window_get_results (window);

  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(LkDevice) device = g_list_model_get_item (results, i);

      if (g_strcmp0 (lk_device_get_device_name (device), name) == 0)
        return device;
    }
  g_error ("no result named %s", name);
  return NULL;
}

/* Through the wizard to the result, the passcode revealed (on screen: the one the sandbox
 * made), copied, hidden again, and the wizard closed. */
static void
reset_in_wizard (LkResetWizard *wizard,
                 LkDevice      *device)
{
  GtkWidget *entry = lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_type, GSIZE_TO_POINTER (GTK_TYPE_ENTRY));
  GtkWidget *reveal;
  char *passcode;

  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_cmpstr (lk_reset_wizard_get_page (wizard), ==, "confirm");
  gtk_editable_set_text (GTK_EDITABLE (entry), lk_device_get_device_name (device));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.confirm", NULL);
  lk_action_tracker_set_poll_interval (lk_reset_wizard_get_tracker (wizard), 200, 500);
  g_assert_true (lk_test_wait_until (wizard_at_result, wizard));

  passcode = lk_sandbox_dup_last_passcode (sandbox);
  g_assert_nonnull (passcode);
  g_ptr_array_add (passcodes, passcode);
  reveal = lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_type, GSIZE_TO_POINTER (GTK_TYPE_TOGGLE_BUTTON));
  g_assert_false (lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_label, passcode) != NULL);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (reveal), TRUE);
  g_assert_true (lk_test_find_widget (GTK_WIDGET (wizard), lk_test_is_label, passcode) != NULL);
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.copy", NULL);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (reveal), FALSE);
  gtk_window_destroy (GTK_WINDOW (wizard));
}

/* --- unlock options in the window --------------------------------------------------------------- */

typedef struct
{
  GtkWidget    *page;
  LkUnlockKind  kind;
} CardWanted;

static gboolean
card_shown (gpointer data)
{
  CardWanted *wanted = data;

  return lk_test_unlock_card (wanted->page, wanted->kind) != NULL;
}

/* Shown (the first LAPS or BitLocker read asks for its permission through the demo browser),
 * revealed, spelled out, copied, hidden and forgotten: every path a secret takes on screen. */
static void
reveal_in_card (LkWindow     *window,
                const char   *name,
                LkUnlockKind  kind)
{
  GtkWidget *page = lk_test_find_widget (GTK_WIDGET (window), lk_test_is_type, GSIZE_TO_POINTER (LK_TYPE_DEVICE_PAGE));
  CardWanted wanted = { page, kind };
  LkUnlockCard *card;

  lk_window_search (window, name);
  if (!lk_test_wait_until (search_done, window))
    g_error ("searching %s: the window is %s", name, lk_window_get_state (window));
  lk_window_show_device (window, result_named (window, name));
  g_assert_true (lk_test_wait_until (card_shown, &wanted));
  card = lk_test_unlock_card (page, kind);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "unlock-card.show", NULL));
  if (kind == LK_UNLOCK_BITLOCKER)
    {
      g_assert_true (lk_test_wait_until (lk_test_unlock_keys_listed, card));
      g_signal_emit_by_name (lk_test_find_widget (GTK_WIDGET (card), lk_test_is_visible_button, "_Show"), "clicked");
    }
  g_assert_true (lk_test_wait_until (lk_test_unlock_card_has_secret, card));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lk_test_find_widget (GTK_WIDGET (card), lk_test_is_visible_button, "_Reveal")), TRUE);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lk_test_find_widget (GTK_WIDGET (card), lk_test_is_visible_button, "_Spell Out")), TRUE);
  g_assert_true (lk_test_find_widget (GTK_WIDGET (card), lk_test_is_label, lk_unlock_card_get_secret (card)) != NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "unlock-card.copy", NULL));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (lk_test_find_widget (GTK_WIDGET (card), lk_test_is_visible_button, "_Reveal")), FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "unlock-card.forget", NULL));
}

static void
window_session (void)
{
  g_autoptr(LkApplication) app = lk_application_new ();
  g_autoptr(GError) error = NULL;
  LkWindow *window;
  LkDevice *device;
  LkResetWizard *wizard;
  GtkWidget *page;

  sign_in_with_demo_browser ();

  /* The real application, as `latchkey` starts it: it finds the account in the keyring. */
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  /* Consent for the unlock options' permissions goes through the demo browser too. */
  lk_account_manager_set_open_uri_func (lk_application_get_accounts (app), lk_demo_browser_open_uri, NULL, NULL);
  g_application_activate (G_APPLICATION (app));
  window = LK_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  g_assert_true (lk_test_wait_until (window_connected, window));

  lk_window_search (window, "rossi");
  g_assert_true (lk_test_wait_until (search_done, window));
  device = result_named (window, "GALAXY-S23-MROSSI");
  lk_window_show_device (window, device);
  /* The device page reads the device and its actions before it offers one. */
  page = lk_test_find_widget (GTK_WIDGET (window), lk_test_is_type, GSIZE_TO_POINTER (LK_TYPE_DEVICE_PAGE));
  g_assert_true (lk_test_wait_until ((gboolean (*) (gpointer)) lk_device_page_get_can_act, page));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.start-action", NULL);
  wizard = open_wizard ();
  g_assert_nonnull (wizard);
  reset_in_wizard (wizard, device);

  reveal_in_card (window, "DESKTOP-7QK2L9M", LK_UNLOCK_LAPS);
  reveal_in_card (window, "LAPTOP-SOBRIEN", LK_UNLOCK_BITLOCKER);
  reveal_in_card (window, "MacBook Pro di Lorenzo", LK_UNLOCK_FILEVAULT);
  reveal_in_card (window, "MacBook Pro di Lorenzo", LK_UNLOCK_MACOS_ADMIN);

  /* Closed as the admin closes it: the window saves its size in the settings. */
  gtk_window_close (GTK_WINDOW (window));
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_settings_sync ();
}

/* --- the CLI ------------------------------------------------------------------------------------- */

/* GLib's default log writer sends debug, info and messages to standard output: those lines
 * are log lines like any other. "(latchkey-cli:123): Latchkey-DEBUG: 10:20:04.863: …" */
static gboolean
is_log_line (const char *line)
{
  return g_regex_match_simple ("^(\\*\\* )?(\\(.*:[0-9]+\\): )?[A-Za-z-]*(DEBUG|INFO|MESSAGE|WARNING|CRITICAL): ",
                               line, 0, 0);
}

/* Runs latchkey-cli; its standard error and the log lines of its standard output join the
 * captured log; the rest of standard output (where a passcode is meant to be shown) is
 * returned. */
static char *
run_cli (int         expected_status,
         const char *first_arg,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  GString *output = g_string_new (NULL);
  va_list args;

  g_ptr_array_add (argv, (gpointer) cli_path);
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_string_append (captured_log, err);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    g_string_append_printf (is_log_line (lines[i]) ? captured_log : output, "%s\n", lines[i]);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != expected_status)
    g_error ("latchkey-cli %s: status %d\nstdout: %s\nstderr: %s", first_arg,
             g_subprocess_get_exit_status (process), out, err);
  return g_string_free (output, FALSE);
}

static char *
device_id (const char *json,
           const char *name)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *devices;

  if (!json_parser_load_from_data (parser, json, -1, NULL))
    g_error ("latchkey-cli --json search wrote: %s", json);
  devices = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (devices); i++)
    {
      JsonObject *device = json_array_get_object_element (devices, i);

      if (g_strcmp0 (json_object_get_string_member (device, "deviceName"), name) == 0)
        return g_strdup (json_object_get_string_member (device, "id"));
    }
  g_error ("latchkey-cli found no %s", name);
  return NULL;
}

static void
cli_session (void)
{
  g_autofree char *authority = lk_sandbox_get_authority_url (sandbox);
  g_autofree char *graph_url = lk_sandbox_get_graph_url (sandbox);
  g_autofree char *signed_in = NULL;
  g_autofree char *found = NULL;
  g_autofree char *id = NULL;
  g_autofree char *reset = NULL;
  g_autofree char *status = NULL;
  g_autofree char *history = NULL;
  g_autofree char *filevault = NULL;
  g_autofree char *admin = NULL;
  char *passcode;

  /* The device-code flow: the browser one would open a real browser from a child process. */
  signed_in = run_cli (0, "--cloud", "custom", "--authority", authority, "--graph-url", graph_url,
                       "--tenant", lk_sandbox_get_tenant_id (sandbox),
                       "--client-id", lk_sandbox_get_client_id (sandbox), "--device-code", "sign-in", NULL);
  found = run_cli (0, "--json", "search", "pixel8", NULL);
  id = device_id (found, "PIXEL8-JSMITH");
  reset = run_cli (0, "--yes", "--wait", "reset", id, NULL);
  passcode = lk_sandbox_dup_last_passcode (sandbox);
  g_assert_nonnull (passcode);
  g_ptr_array_add (passcodes, passcode);
  /* Standard output is where the admin asked to see it: the value is the real one. */
  g_assert_nonnull (strstr (reset, passcode));
  status = run_cli (0, "status", id, NULL);
  history = run_cli (0, "history", NULL);

  /* Unlock secrets the CLI reads with the permissions it already has. */
  filevault = run_cli (0, "--json", "search", "Lorenzo", NULL);
  g_free (id);
  id = device_id (filevault, "MacBook Pro di Lorenzo");
  g_free (filevault);
  filevault = run_cli (0, "--reveal", "filevault", id, NULL);
  g_assert_nonnull (strstr (filevault, "K7QJ-M2XW-9PRT-4HVN-B6CZ-3LDF"));
  admin = run_cli (0, "--reveal", "--json", "laps", id, NULL);
  g_assert_nonnull (strstr (admin, "fT4-vQ9m-Zx2s-Lp7"));
}

/* --- the test ------------------------------------------------------------------------------------ */

static void
test_no_secret_left (void)
{
  g_autofree char *history = NULL;
  g_autofree char *settings = NULL;
  g_autoptr(GError) error = NULL;
  Secrets secrets = { NULL, passcodes };
  const char *const homes[] = { "HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME",
                                "XDG_CACHE_HOME", "XDG_RUNTIME_DIR" };
  guint n_files = 0;
  g_autofree char *keyrings = g_build_filename (g_getenv ("XDG_DATA_HOME"), "keyrings", NULL);

  sandbox = lk_sandbox_new ();
  lk_sandbox_load_demo_tenant (sandbox);
  lk_sandbox_set_action_timing (sandbox, 300, 300);
  lk_sandbox_set_device_code_timing (sandbox, 1, 900);
  g_assert_true (lk_sandbox_start (sandbox, &error));
  g_assert_no_error (error);

  window_session ();
  cli_session ();

  secrets.tokens = lk_sandbox_dup_issued_tokens (sandbox);
  secrets.unlock = lk_sandbox_dup_unlock_secrets (sandbox);
  g_assert_cmpuint (g_strv_length (secrets.unlock), >=, 10);
  /* Sign-in and refreshes, in the window and in every CLI run: access and refresh tokens. */
  g_assert_cmpuint (g_strv_length (secrets.tokens), >=, 6);
  g_assert_cmpuint (passcodes->len, ==, 2);

  /* Each place is checked to hold what it should, so an empty search cannot pass. */
  g_assert_nonnull (strstr (captured_log->str, "Browser sign-in: redeeming the authorization code"));
  g_assert_nonnull (strstr (captured_log->str, "Device code sign-in: approved"));
  g_assert_nonnull (strstr (captured_log->str, "Access token refreshed for an account"));
  assert_no_secret_in_text (&secrets, "the debug log", captured_log->str);

  history = read_file (g_getenv ("XDG_STATE_HOME"), "latchkey", "history.jsonl", NULL);
  g_assert_nonnull (strstr (history, "GALAXY-S23-MROSSI"));
  g_assert_nonnull (strstr (history, "PIXEL8-JSMITH"));
  g_assert_nonnull (strstr (history, "revealLocalAdminPassword"));
  g_assert_nonnull (strstr (history, "revealBitLockerKey"));
  g_assert_nonnull (strstr (history, "revealFileVaultKey"));
  g_assert_nonnull (strstr (history, "revealMacOSAdminPassword"));
  assert_no_secret_in_text (&secrets, "the action history", history);

  settings = read_file (g_getenv ("XDG_CONFIG_HOME"), "glib-2.0", "settings", "keyfile", NULL);
  g_assert_nonnull (strstr (settings, "active-account"));
  assert_no_secret_in_text (&secrets, "the GSettings keyfile", settings);

  /* The keyring was used (and is the one folder not searched). */
  g_assert_true (g_file_test (keyrings, G_FILE_TEST_IS_DIR));
  for (guint i = 0; i < G_N_ELEMENTS (homes); i++)
    n_files += assert_no_secret_in_files (&secrets, g_getenv (homes[i]));
  g_test_message ("%u files searched", n_files);
  g_assert_cmpuint (n_files, >=, 2);

  g_strfreev (secrets.tokens);
  g_strfreev (secrets.unlock);
  lk_sandbox_stop (sandbox);
  g_clear_object (&sandbox);
}

int
main (int   argc,
      char *argv[])
{
  const char *const homes[] = { "HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME",
                                "XDG_CACHE_HOME", "XDG_RUNTIME_DIR" };
  int status;

  /* run-hygiene.sh made these; searching the caller's real home would be wrong. */
  for (guint i = 0; i < G_N_ELEMENTS (homes); i++)
    if (g_getenv (homes[i]) == NULL || g_strcmp0 (g_getenv ("GSETTINGS_BACKEND"), "keyfile") != 0)
      {
        g_printerr ("Run through run-hygiene.sh (it sets %s and the keyfile settings backend)\n", homes[i]);
        return 1;
      }
  /* Every line from the first: debug included, the libraries' too. */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  captured_log = g_string_new (NULL);
  passcodes = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (capture_log, NULL, NULL);
  g_set_print_handler (capture_print);
  g_set_printerr_handler (capture_printerr);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_cmpint (argc, >=, 2);
  cli_path = argv[1];

  g_test_add_func ("/security/no-secret-left", test_no_secret_left);
  status = g_test_run ();

  g_ptr_array_unref (passcodes);
  g_string_free (captured_log, TRUE);
  return status;
}
