/* lk-clipboard.c: copying a secret so that it does not stay on the clipboard.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lk-clipboard.h"

typedef struct
{
  GdkClipboard       *clipboard;
  GdkContentProvider *content;
} ClipboardGuard;

static gboolean
clear_clipboard_cb (gpointer user_data)
{
  ClipboardGuard *guard = user_data;

  /* Only if it still holds our secret: never wipe what the admin copied since. */
  if (gdk_clipboard_get_content (guard->clipboard) == guard->content)
    gdk_clipboard_set_content (guard->clipboard, NULL);
  g_object_unref (guard->clipboard);
  g_object_unref (guard->content);
  g_free (guard);
  return G_SOURCE_REMOVE;
}

void
lk_clipboard_set_secret (GtkWidget  *widget,
                         const char *secret,
                         guint       clear_ms)
{
  ClipboardGuard *guard;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  if (secret == NULL)
    return;
  guard = g_new0 (ClipboardGuard, 1);
  guard->clipboard = g_object_ref (gtk_widget_get_clipboard (widget));
  guard->content = gdk_content_provider_new_typed (G_TYPE_STRING, secret);
  gdk_clipboard_set_content (guard->clipboard, guard->content);
  g_timeout_add (clear_ms, clear_clipboard_cb, guard);
}
