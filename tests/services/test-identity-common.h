/* test-identity-common.h: shared helpers of the sign-in tests (sandbox, fake browser, loop).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>
#include <libsoup/soup.h>

#include "lk-auth-error.h"
#include "lk-oidc.h"
#include "lk-sandbox.h"

#include "../lk-test-common.h"

typedef enum
{
  BROWSER_NORMAL,
  BROWSER_TAMPER_STATE,
  BROWSER_STRAY_FIRST,
} BrowserMode;

typedef struct
{
  SoupSession *session;   /* does not follow redirects: we read the Location ourselves */
  BrowserMode  mode;
  char        *base;      /* http://127.0.0.1:PORT/ of the listener */
  char        *location;
  char        *redirect;  /* the redirect with the code, to look for it in logs */
  guint        stray_404;
  guint        stray_400;
  guint        final_status;
  char        *final_body;  /* the page the listener answered the redirect with */
  GThread     *thread;      /* the browser playing now or last: joined before it is freed */
  gint         finished;    /* atomic: that thread has stopped touching this struct */
} FakeBrowser;

static gboolean
fake_browser_finished (gpointer data)
{
  return g_atomic_int_get (&((FakeBrowser *) data)->finished);
}

/* Waits for the browser thread to end, serving the main context meanwhile (its last request
 * may be to a listener running there): a sign-in can complete, and a test end, before the
 * browser has read the page it was redirected to. */
static void
fake_browser_join (FakeBrowser *b)
{
  if (b->thread == NULL)
    return;
  g_assert_true (lk_test_wait_until (fake_browser_finished, b));
  g_thread_join (g_steal_pointer (&b->thread));
}

G_GNUC_UNUSED static void
fake_browser_free (FakeBrowser *b)
{
  fake_browser_join (b);
  g_clear_object (&b->session);
  g_free (b->base);
  g_free (b->location);
  g_free (b->redirect);
  g_free (b->final_body);
  g_free (b);
}

G_GNUC_UNUSED static FakeBrowser *
fake_browser_new (BrowserMode mode)
{
  FakeBrowser *b = g_new0 (FakeBrowser, 1);

  b->mode = mode;
  return b;
}

G_GNUC_UNUSED static guint
browser_get_sync (FakeBrowser *b, const char *url, char **body)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) bytes = NULL;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  /* Sync on a private thread-default context would block the listener on our main
   * context; callers only use this from a thread. */
  bytes = soup_session_send_and_read (b->session, msg, NULL, NULL);
  if (body != NULL && bytes != NULL)
    *body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  /* No answer at all (the listener closed first) is what a browser shows as an empty
   * response: 2 here (0 means "not yet"), never mistaken for a page. */
  return bytes != NULL ? soup_message_get_status (msg) : 2;
}

G_GNUC_UNUSED static guint
browser_get_sync_status (FakeBrowser *b, const char *url)
{
  return browser_get_sync (b, url, NULL);
}

G_GNUC_UNUSED static gpointer
browser_thread (gpointer data)
{
  FakeBrowser *b = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *target = NULL;
  const char *location;

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", 10, NULL);
  g_set_object (&b->session, session);

  msg = soup_message_new ("GET", b->location);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  bytes = soup_session_send_and_read (session, msg, NULL, NULL);
  location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  if (location == NULL)
    {
      b->final_status = 1;
      goto out;
    }
  target = g_strdup (location);
  g_free (b->base);
  b->base = g_strndup (target, strcspn (target, "?"));
  g_free (b->redirect);
  b->redirect = g_strdup (target);

  if (b->mode == BROWSER_STRAY_FIRST)
    {
      g_autofree char *favicon = g_strconcat (b->base, "favicon.ico", NULL);
      g_autofree char *bare = g_strconcat (b->base, "?foo=bar", NULL);

      if (browser_get_sync_status (b, favicon) == 404)
        b->stray_404++;
      if (browser_get_sync_status (b, bare) == 400)
        b->stray_400++;
    }
  if (b->mode == BROWSER_TAMPER_STATE)
    {
      char *state = strstr (target, "state=");

      g_assert_nonnull (state);
      state[6] = state[6] == 'A' ? 'B' : 'A';
    }
  g_clear_pointer (&b->final_body, g_free);   /* one browser may sign in more than once */
  b->final_status = browser_get_sync (b, target, &b->final_body);

out:
  g_clear_object (&b->session);
  g_main_context_pop_thread_default (context);
  g_atomic_int_set (&b->finished, TRUE);
  return NULL;
}

/* The LkOpenUriFunc: plays the browser on a thread so the listener on the main loop can
 * answer it. */
G_GNUC_UNUSED static gboolean
fake_browser_open (const char *uri, gpointer user_data, GError **error)
{
  FakeBrowser *b = user_data;

  fake_browser_join (b);
  g_free (b->location);
  b->location = g_strdup (uri);
  g_atomic_int_set (&b->finished, FALSE);
  b->thread = g_thread_new ("fake-browser", browser_thread, b);
  return TRUE;
}

/* Runs the default main context until *@done, failing the test after the shared ceiling
 * (lk_test_wait_s()). */
G_GNUC_UNUSED static gboolean
loop_timeout_cb (gpointer data)
{
  g_error ("Test timed out waiting for an async result");
  return G_SOURCE_REMOVE;
}

G_GNUC_UNUSED static void
run_until (gboolean *done)
{
  guint id = g_timeout_add_seconds (lk_test_wait_s (), loop_timeout_cb, NULL);

  while (!*done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} AsyncWait;

G_GNUC_UNUSED static void
async_wait_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AsyncWait *w = data;

  w->result = g_object_ref (result);
  w->done = TRUE;
}

G_GNUC_UNUSED static GAsyncResult *
async_wait (AsyncWait *w)
{
  run_until (&w->done);
  return w->result;
}

G_GNUC_UNUSED static LkSandbox *
start_sandbox (void)
{
  g_autoptr(GError) error = NULL;
  LkSandbox *sandbox = lk_sandbox_new ();

  lk_sandbox_load_demo_tenant (sandbox);
  g_assert_true (lk_sandbox_start (sandbox, &error));
  g_assert_no_error (error);
  return sandbox;
}

G_GNUC_UNUSED static LkOidcConfig *
discover (SoupSession *session, LkSandbox *sandbox)
{
  g_autofree char *authority = lk_sandbox_get_authority_url (sandbox);
  g_autoptr(GError) error = NULL;
  AsyncWait w = { 0 };
  LkOidcConfig *config;

  lk_oidc_discover_async (session, authority, lk_sandbox_get_tenant_id (sandbox), NULL,
                          async_wait_cb, &w);
  config = lk_oidc_discover_finish (async_wait (&w), &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  g_object_unref (w.result);
  return config;
}
