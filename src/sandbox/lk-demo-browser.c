/* lk-demo-browser.c: the "browser" of the demo tenant's auto-approved sign-in.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>

#include "lk-demo-browser.h"

static guint
visit (SoupSession  *session,
       const char   *url,
       char        **location)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;

  if (msg == NULL)
    return 0;
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  body = soup_session_send_and_read (session, msg, NULL, NULL);
  if (location != NULL)
    *location = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                        "Location"));
  return soup_message_get_status (msg);
}

static gpointer
browse_thread (gpointer data)
{
  g_autofree char *uri = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *redirect = NULL;

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", 30, NULL);
  /* The authorize page redirects to the loopback listener with the code (or an error): the
   * listener ends the sign-in either way, so the status of that last visit does not matter. */
  if (visit (session, uri, &redirect) / 100 == 3 && redirect != NULL)
    visit (session, redirect, NULL);
  else
    g_debug ("Demo browser: the authorize endpoint did not redirect");
  g_main_context_pop_thread_default (context);
  return NULL;
}

gboolean
lk_demo_browser_open_uri (const char  *uri,
                          gpointer     user_data,
                          GError     **error)
{
  g_thread_unref (g_thread_new ("lk-demo-browser", browse_thread, g_strdup (uri)));
  return TRUE;
}
