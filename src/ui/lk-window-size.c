/* lk-window-size.c: a window that opens at the size it was closed at.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lk-window-size.h"

static gboolean
close_request_cb (GtkWindow *window,
                  GSettings *settings)
{
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
  return GDK_EVENT_PROPAGATE;
}

void
lk_window_size_remember (GtkWindow *window,
                         GSettings *settings)
{
  g_return_if_fail (GTK_IS_WINDOW (window));
  g_return_if_fail (G_IS_SETTINGS (settings));

  gtk_window_set_default_size (window, g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (window);
  /* The window holds the settings for as long as it may be closed. */
  g_signal_connect_data (window, "close-request", G_CALLBACK (close_request_cb), g_object_ref (settings),
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
}
