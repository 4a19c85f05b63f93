/* test-token-store.c: accounts in a real gnome-keyring (private D-Bus session), the
 * session-only paths (no Secret Service, locked collection), and a check that no secret
 * reaches the log or a file.
 *
 * Without org.freedesktop.secrets on the bus the keyring tests skip, unless
 * LK_TEST_REQUIRE_KEYRING=1, then they fail.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "lk-account-manager.h"
#include "lk-token-store.h"
#include "lk-token-store-private.h"
#include "test-identity-common.h"

static GString *captured_log;   /* non-NULL while a test captures */

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  if (captured_log != NULL)
    {
      for (gsize i = 0; i < n_fields; i++)
        {
          if (fields[i].length < 0)
            g_string_append_printf (captured_log, "%s=%s\n", fields[i].key, (const char *) fields[i].value);
          else
            {
              g_string_append_printf (captured_log, "%s=", fields[i].key);
              g_string_append_len (captured_log, fields[i].value, fields[i].length);
              g_string_append_c (captured_log, '\n');
            }
        }
    }
  /* Debug messages are captured above, not printed: the test output stays readable. */
  if (level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static gboolean
keyring_available (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  if (bus != NULL)
    reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                         "org.freedesktop.DBus", "NameHasOwner",
                                         g_variant_new ("(s)", "org.freedesktop.secrets"),
                                         G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                                         NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

static gboolean
need_keyring (void)
{
  if (keyring_available ())
    return TRUE;
  if (g_strcmp0 (g_getenv ("LK_TEST_REQUIRE_KEYRING"), "1") == 0)
    g_test_fail_printf ("No Secret Service on the session bus, and LK_TEST_REQUIRE_KEYRING=1");
  else
    g_test_skip ("No Secret Service on the session bus (run in a private keyring session)");
  return FALSE;
}

static void
clear_all_items (void)
{
  /* Only Latchkey's schema: the private test keyring holds nothing else of value. */
  secret_password_clear_sync (lk_token_store_get_schema (), NULL, NULL, NULL);
}

typedef struct
{
  LkSandbox      *sandbox;
  LkSignInConfig *config;
  FakeBrowser    *browser;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autofree char *authority = NULL;
  g_autofree char *graph = NULL;

  f->sandbox = start_sandbox ();
  authority = lk_sandbox_get_authority_url (f->sandbox);
  graph = lk_sandbox_get_graph_url (f->sandbox);
  f->config = lk_sign_in_config_new (LK_CLOUD_CUSTOM, authority, graph,
                                     lk_sandbox_get_tenant_id (f->sandbox),
                                     lk_sandbox_get_client_id (f->sandbox));
  f->browser = fake_browser_new (BROWSER_NORMAL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  lk_sign_in_config_free (f->config);
  lk_sandbox_stop (f->sandbox);
  g_assert_finalize_object (f->sandbox);
  fake_browser_free (f->browser);
}

static LkAccountManager *
new_manager (Fixture *f)
{
  LkAccountManager *manager = lk_account_manager_new ();

  lk_account_manager_set_store_flags (manager, LK_TOKEN_STORE_FLAGS_NO_PROMPT);
  lk_account_manager_set_open_uri_func (manager, fake_browser_open, f->browser, NULL);
  return manager;
}

static gboolean
load (LkAccountManager *manager, GError **error)
{
  AsyncWait w = { 0 };
  gboolean ok;

  lk_account_manager_load_async (manager, NULL, async_wait_cb, &w);
  ok = lk_account_manager_load_finish (manager, async_wait (&w), error);
  g_object_unref (w.result);
  return ok;
}

static LkAccount *
sign_in (LkAccountManager *manager, LkSignInConfig *config)
{
  g_autoptr(GError) error = NULL;
  AsyncWait w = { 0 };
  LkAccount *account;

  lk_account_manager_sign_in_browser_async (manager, config, NULL, async_wait_cb, &w);
  account = lk_account_manager_sign_in_browser_finish (manager, async_wait (&w), &error);
  g_object_unref (w.result);
  g_assert_no_error (error);
  return account;
}

static char *
get_token (LkAccount *account, gboolean force, GError **error)
{
  AsyncWait w = { 0 };
  char *token;

  lk_token_provider_get_token_async (LK_TOKEN_PROVIDER (account), force, NULL, async_wait_cb, &w);
  token = lk_token_provider_get_token_finish (LK_TOKEN_PROVIDER (account), async_wait (&w), error);
  g_object_unref (w.result);
  return token;
}

static GPtrArray *
load_stored (void)
{
  g_autoptr(GError) error = NULL;
  AsyncWait w = { 0 };
  GPtrArray *accounts;

  lk_token_store_load_all_async (LK_TOKEN_STORE_FLAGS_NO_PROMPT, NULL, async_wait_cb, &w);
  accounts = lk_token_store_load_all_finish (async_wait (&w), &error);
  g_object_unref (w.result);
  g_assert_no_error (error);
  return accounts;
}

static void
test_store_and_restart (Fixture *f, gconstpointer data)
{
  g_autoptr(LkAccountManager) first = NULL;
  g_autoptr(LkAccountManager) second = NULL;
  g_autoptr(LkAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  LkAccount *reloaded;

  if (!need_keyring ())
    return;
  clear_all_items ();

  first = new_manager (f);
  g_assert_true (load (first, &error));
  g_assert_no_error (error);
  account = sign_in (first, f->config);
  g_assert_false (lk_account_get_session_only (account));
  key = g_strdup (lk_account_get_key (account));
  g_clear_object (&account);
  g_assert_finalize_object (g_steal_pointer (&first));

  /* "Restart": a new manager finds it in the keyring and can refresh from it. */
  second = new_manager (f);
  g_assert_true (load (second, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (second)), ==, 1);
  reloaded = lk_account_manager_find_account (second, key);
  g_assert_nonnull (reloaded);
  g_assert_true (lk_account_manager_get_active_account (second) == reloaded);
  g_assert_cmpstr (lk_account_get_username (reloaded), ==, lk_sandbox_get_username (f->sandbox));
  g_assert_true (lk_account_has_scope (reloaded, LK_SCOPE_PRIVILEGED));
  token = get_token (reloaded, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);

  /* The refresh rotated the token, and the keyring has the new one. */
  {
    g_autoptr(LkStoredAccount) now = lk_account_dup_stored (reloaded);

    stored = load_stored ();
    g_assert_cmpuint (stored->len, ==, 1);
    g_assert_cmpstr (((LkStoredAccount *) g_ptr_array_index (stored, 0))->refresh_token, ==,
                     now->refresh_token);
  }
  clear_all_items ();
}

static void
test_multiple_and_sign_out (Fixture *f, gconstpointer data)
{
  g_autoptr(LkAccountManager) manager = NULL;
  g_autoptr(LkAccount) account = NULL;
  g_autoptr(LkStoredAccount) other = lk_stored_account_new ();
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  AsyncWait w = { 0 };

  if (!need_keyring ())
    return;
  clear_all_items ();

  other->authority = g_strdup ("https://login.microsoftonline.com");
  other->tenant = g_strdup ("11111111-2222-3333-4444-555555555555");
  other->tenant_id = g_strdup (other->tenant);
  other->client_id = g_strdup ("client");
  other->username = g_strdup ("helpdesk@contoso.example");
  other->graph_url = g_strdup ("https://graph.microsoft.com");
  other->refresh_token = g_strdup ("not-a-real-refresh-token");
  other->cloud = g_strdup ("global");
  lk_token_store_save_async (other, NULL, async_wait_cb, &w);
  g_assert_true (lk_token_store_save_finish (async_wait (&w), &error));
  g_assert_no_error (error);
  g_clear_object (&w.result);

  manager = new_manager (f);
  g_assert_true (load (manager, &error));
  account = sign_in (manager, f->config);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 2);
  stored = load_stored ();
  g_assert_cmpuint (stored->len, ==, 2);
  g_clear_pointer (&stored, g_ptr_array_unref);

  w.done = FALSE;
  lk_account_manager_sign_out_async (manager, account, NULL, async_wait_cb, &w);
  g_assert_true (lk_account_manager_sign_out_finish (manager, async_wait (&w), &error));
  g_assert_no_error (error);
  g_clear_object (&w.result);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (manager)), ==, 1);

  stored = load_stored ();
  g_assert_cmpuint (stored->len, ==, 1);
  g_assert_cmpstr (((LkStoredAccount *) g_ptr_array_index (stored, 0))->username, ==,
                   "helpdesk@contoso.example");
  clear_all_items ();
}

static void
test_invalid_grant_removes_item (Fixture *f, gconstpointer data)
{
  g_autoptr(LkAccountManager) manager = NULL;
  g_autoptr(LkAccount) account = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  if (!need_keyring ())
    return;
  clear_all_items ();

  manager = new_manager (f);
  account = sign_in (manager, f->config);
  stored = load_stored ();
  g_assert_cmpuint (stored->len, ==, 1);
  g_clear_pointer (&stored, g_ptr_array_unref);

  lk_sandbox_revoke_refresh_tokens (f->sandbox);
  token = get_token (account, TRUE, &error);
  g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_GRANT);
  g_assert_true (lk_account_get_needs_sign_in (account));
  stored = load_stored ();
  g_assert_cmpuint (stored->len, ==, 0);
}

static void
save_stored (LkStoredAccount *stored)
{
  g_autoptr(GError) error = NULL;
  AsyncWait w = { 0 };

  lk_token_store_save_async (stored, NULL, async_wait_cb, &w);
  g_assert_true (lk_token_store_save_finish (async_wait (&w), &error));
  g_assert_no_error (error);
  g_object_unref (w.result);
}

/* What versions before the demo mark left behind: one item per port the demo ever had. */
static LkStoredAccount *
legacy_demo_item (guint port)
{
  LkStoredAccount *stored = lk_stored_account_new ();

  stored->authority = g_strdup_printf ("http://127.0.0.1:%u/login", port);
  stored->graph_url = g_strdup_printf ("http://127.0.0.1:%u/graph", port);
  stored->tenant = g_strdup ("8b1f3c52-6d4e-4a7b-9c2d-1e5f7a9b3c4d");
  stored->tenant_id = g_strdup (stored->tenant);
  stored->client_id = g_strdup (LK_SANDBOX_DEMO_CLIENT_ID);
  stored->username = g_strdup ("giulia.bianchi@contoso-demo.onmicrosoft.com");
  stored->refresh_token = g_strdup ("stale-demo-refresh-token");
  stored->cloud = g_strdup ("custom");
  return stored;
}

/* A real session lists neither the demo's account nor the stale ones, and deletes the stale
 * ones; a demo session lists only the demo's, pointed at its sandbox of the day. */
static void
test_demo_kept_apart (Fixture *f, gconstpointer data)
{
  g_autoptr(LkAccountManager) real = NULL;
  g_autoptr(LkAccountManager) demo = NULL;
  g_autoptr(LkAccount) signed_in = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *demo_authority = g_strdup ("http://127.0.0.1:1/login");
  g_autofree char *demo_graph = g_strdup ("http://127.0.0.1:1/graph");
  LkAccount *account;

  if (!need_keyring ())
    return;
  clear_all_items ();
  for (guint port = 28623; port < 28626; port++)
    {
      g_autoptr(LkStoredAccount) legacy = legacy_demo_item (port);

      save_stored (legacy);
    }
  {
    g_autoptr(LkStoredAccount) marked = legacy_demo_item (0);

    marked->demo = TRUE;
    save_stored (marked);
  }

  real = new_manager (f);
  lk_account_manager_set_demo (real, LK_SANDBOX_DEMO_CLIENT_ID, NULL, NULL);
  g_assert_true (load (real, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (real)), ==, 0);
  g_assert_null (lk_account_manager_get_active_account (real));
  signed_in = sign_in (real, f->config);
  g_assert_false (lk_account_get_demo (signed_in));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (real)), ==, 1);

  /* The stale items are gone; the demo's own and the real one stay. */
  stored = load_stored ();
  g_assert_cmpuint (stored->len, ==, 2);

  demo = new_manager (f);
  lk_account_manager_set_demo (demo, LK_SANDBOX_DEMO_CLIENT_ID, demo_authority, demo_graph);
  g_assert_true (load (demo, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (demo)), ==, 1);
  account = lk_account_manager_get_active_account (demo);
  g_assert_true (lk_account_get_demo (account));
  g_assert_cmpstr (lk_account_get_authority (account), ==, demo_authority);
  g_assert_cmpstr (lk_account_get_graph_url (account), ==, demo_graph);
  clear_all_items ();
}

static gboolean
contains_any (const char *haystack, gsize len, const char * const *needles)
{
  for (guint i = 0; needles[i] != NULL; i++)
    if (*needles[i] != '\0' && g_strstr_len (haystack, len, needles[i]) != NULL)
      return TRUE;
  return FALSE;
}

static void
scan_dir (const char *path, const char * const *needles, guint depth)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (depth > 8 || (dir = g_dir_open (path, 0, NULL)) == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf st;

      if (g_lstat (child, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        scan_dir (child, needles, depth + 1);
      else if (S_ISREG (st.st_mode) && st.st_size < 16 * 1024 * 1024)
        {
          g_autofree char *contents = NULL;
          gsize len = 0;

          if (g_file_get_contents (child, &contents, &len, NULL) && contains_any (contents, len, needles))
            g_test_fail_printf ("A secret was written to %s", child);
        }
    }
}

static void
test_no_secret_in_logs_or_files (Fixture *f, gconstpointer data)
{
  g_autoptr(LkAccountManager) manager = NULL;
  g_autoptr(LkAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_token = NULL;
  g_autofree char *second_token = NULL;
  g_autofree char *first_refresh = NULL;
  g_autofree char *code = NULL;
  g_autoptr(LkStoredAccount) after = NULL;
  const char *dirs[] = { g_get_home_dir (), g_get_user_data_dir (), g_get_user_config_dir (),
                         g_get_user_cache_dir (), g_get_user_state_dir (), g_get_user_runtime_dir () };
  const char *needles[6] = { NULL };

  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  captured_log = g_string_new (NULL);

  manager = new_manager (f);
  if (!keyring_available ())
    lk_account_manager_set_session_only (manager, TRUE);
  account = sign_in (manager, f->config);
  first_token = get_token (account, FALSE, &error);
  g_assert_no_error (error);
  {
    g_autoptr(LkStoredAccount) before = lk_account_dup_stored (account);
    first_refresh = g_strdup (before->refresh_token);
  }
  lk_account_set_refresh_margin (account, 1000000);
  second_token = get_token (account, FALSE, &error);
  g_assert_no_error (error);
  after = lk_account_dup_stored (account);

  /* The authorization code the browser carried back. */
  if (f->browser->redirect != NULL)
    {
      const char *start = strstr (f->browser->redirect, "code=");

      if (start != NULL)
        code = g_strndup (start + 5, strcspn (start + 5, "&"));
    }

  needles[0] = first_token;
  needles[1] = second_token;
  needles[2] = first_refresh;
  needles[3] = after->refresh_token;
  needles[4] = code;
  g_assert_nonnull (code);
  g_assert_true (strstr (captured_log->str, "Browser sign-in") != NULL);   /* it did log */
  g_assert_false (contains_any (captured_log->str, captured_log->len, needles));

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    scan_dir (dirs[i], needles, 0);

  g_string_free (g_steal_pointer (&captured_log), TRUE);
  g_unsetenv ("G_MESSAGES_DEBUG");
  if (keyring_available ())
    clear_all_items ();
}

/* Runs in a child whose session bus address leads nowhere. */
static void
test_no_secret_service (Fixture *f, gconstpointer data)
{
  if (g_test_subprocess ())
    {
      g_autoptr(LkAccountManager) manager = NULL;
      g_autoptr(LkAccount) account = NULL;
      g_autoptr(GError) error = NULL;

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/latchkey-test-bus", TRUE);
      manager = new_manager (f);
      g_assert_false (load (manager, &error));
      g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_KEYRING_UNAVAILABLE);
      g_assert_true (lk_account_manager_get_session_only (manager));
      account = sign_in (manager, f->config);
      g_assert_true (lk_account_get_session_only (account));
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* Other suites share this session's keyring (test.sh runs two tests at a time): leave it
 * unlocked as found, with the password build-aux/test.sh gave gnome-keyring. Unlocking
 * through the Secret Service API always prompts, so this uses gnome-keyring's own
 * UnlockWithMasterPassword, the secret sent over a "plain" session. */
static void
unlock_default_collection (void)
{
  static const char password[] = "latchkey-test";
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) opened = NULL;
  g_autoptr(GVariant) alias = NULL;
  g_autoptr(GVariant) unlocked = NULL;
  g_autoptr(GError) error = NULL;
  const char *session = NULL;
  const char *collection = NULL;

  opened = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                        "org.freedesktop.Secret.Service", "OpenSession",
                                        g_variant_new ("(sv)", "plain", g_variant_new_string ("")),
                                        G_VARIANT_TYPE ("(vo)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (opened, "(v&o)", NULL, &session);
  alias = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "ReadAlias",
                                       g_variant_new ("(s)", "default"), G_VARIANT_TYPE ("(o)"),
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (alias, "(&o)", &collection);
  unlocked = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                          "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                                          "UnlockWithMasterPassword",
                                          g_variant_new ("(o(o@ay@ays))", collection, session,
                                                         g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1),
                                                         g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, password,
                                                                                    strlen (password), 1),
                                                         "text/plain"),
                                          NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  /* Not gnome-keyring (another Secret Service): nothing more can be done without a prompt. */
  if (error != NULL)
    g_test_message ("Could not unlock the default collection again: %s", error->message);
}

/* Runs in a child too: the keyring may prompt if something went wrong, and the trap's
 * timeout bounds it. Registered last; the collection is unlocked again afterwards. */
static void
test_locked_collection (Fixture *f, gconstpointer data)
{
  if (g_test_subprocess ())
    {
      g_autoptr(LkAccountManager) manager = NULL;
      g_autoptr(LkAccount) account = NULL;
      g_autoptr(SecretService) service = NULL;
      g_autoptr(SecretCollection) collection = NULL;
      g_autoptr(GError) error = NULL;
      GList *objects;

      manager = new_manager (f);
      lk_account_manager_set_session_only (manager, FALSE);
      account = sign_in (manager, f->config);
      g_assert_false (lk_account_get_session_only (account));

      service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
      g_assert_no_error (error);
      collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                     SECRET_COLLECTION_NONE, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (collection);
      objects = g_list_append (NULL, collection);
      secret_service_lock_sync (service, objects, NULL, NULL, &error);
      g_list_free (objects);
      g_assert_no_error (error);

      g_clear_object (&manager);
      manager = new_manager (f);
      g_assert_false (load (manager, &error));
      g_assert_error (error, LK_AUTH_ERROR, LK_AUTH_ERROR_KEYRING_LOCKED);
      g_assert_true (lk_account_manager_get_session_only (manager));
      return;
    }
  if (!need_keyring ())
    return;
  clear_all_items ();
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  unlock_default_collection ();
  clear_all_items ();
}

static void
never_called_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_assert_not_reached ();
}

/* A failed precondition returns before any GTask exists: none is leaked (ASan/valgrind runs
 * see it) and the callback is never called. */
static void
test_preconditions_leave_no_task (void)
{
  LkStoredAccount nameless = { 0 };

  g_test_expect_message ("Latchkey-Services", G_LOG_LEVEL_CRITICAL, "*account != NULL*");
  lk_token_store_save_async (NULL, NULL, never_called_cb, NULL);
  g_test_assert_expected_messages ();
  g_test_expect_message ("Latchkey-Services", G_LOG_LEVEL_CRITICAL, "*account != NULL*");
  lk_token_store_delete_async (&nameless, NULL, never_called_cb, NULL);
  g_test_assert_expected_messages ();
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

#define ADD(path, func) g_test_add ("/token-store/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("store-and-restart", test_store_and_restart);
  ADD ("demo-kept-apart", test_demo_kept_apart);
  ADD ("multiple-and-sign-out", test_multiple_and_sign_out);
  ADD ("invalid-grant-removes-item", test_invalid_grant_removes_item);
  ADD ("no-secret-in-logs-or-files", test_no_secret_in_logs_or_files);
  ADD ("no-secret-service", test_no_secret_service);
  ADD ("locked-collection", test_locked_collection);
#undef ADD
  g_test_add_func ("/token-store/preconditions-leave-no-task", test_preconditions_leave_no_task);
  return g_test_run ();
}
