/* lk-window-filters.c: the main window's platform and ownership toggles. Each device has a
 * class (platform × owner) and a filter is a set of classes (lk-device-list.h), so turning a
 * toggle over a million devices is a scan of a million bytes.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-capability.h"
#include "lk-window-private.h"

static gboolean
platform_allowed (LkWindow   *self,
                  LkPlatform  platform)
{
  switch (platform)
    {
    case LK_PLATFORM_IOS:
    case LK_PLATFORM_VISIONOS:
      return gtk_check_button_get_active (self->filter_ios);
    case LK_PLATFORM_ANDROID:
      return gtk_check_button_get_active (self->filter_android);
    case LK_PLATFORM_WINDOWS:
      return gtk_check_button_get_active (self->filter_windows);
    case LK_PLATFORM_MACOS:
      return gtk_check_button_get_active (self->filter_macos);
    default:
      return gtk_check_button_get_active (self->filter_other);
    }
}

/* A device's class for the toggles: its platform and its owner (company, personal, other).
 * Pure: the list may run it in a worker. */
enum { OWNER_COMPANY, OWNER_PERSONAL, OWNER_OTHER, N_OWNERS };

guint
lk_window_device_class (LkDevice *device)
{
  const char *owner = lk_device_get_owner_type (device);
  LkPlatform platform = lk_platform_from_operating_system (lk_device_get_operating_system (device));
  guint owned = g_strcmp0 (owner, "company") == 0    ? OWNER_COMPANY
                : g_strcmp0 (owner, "personal") == 0 ? OWNER_PERSONAL
                                                     : OWNER_OTHER;

  return (guint) platform * N_OWNERS + owned;
}

G_STATIC_ASSERT (LK_PLATFORM_OTHER * N_OWNERS + OWNER_OTHER < 32);

/* The classes the toggles let through. */
static guint32
shown_classes (LkWindow *self)
{
  guint32 classes = 0;

  for (guint platform = 0; platform <= LK_PLATFORM_OTHER; platform++)
    {
      guint first = platform * N_OWNERS;

      if (!platform_allowed (self, (LkPlatform) platform))
        continue;
      if (gtk_check_button_get_active (self->filter_corporate))
        classes |= 1u << (first + OWNER_COMPANY);
      if (gtk_check_button_get_active (self->filter_personal))
        classes |= 1u << (first + OWNER_PERSONAL);
      classes |= 1u << (first + OWNER_OTHER);
    }
  return classes;
}

#define N_FILTERS 7

static void
get_filter_buttons (LkWindow       *self,
                    GtkCheckButton *buttons[N_FILTERS])
{
  buttons[0] = self->filter_ios;
  buttons[1] = self->filter_android;
  buttons[2] = self->filter_windows;
  buttons[3] = self->filter_macos;
  buttons[4] = self->filter_other;
  buttons[5] = self->filter_corporate;
  buttons[6] = self->filter_personal;
}

static gboolean
any_filter_off (LkWindow *self)
{
  GtkCheckButton *buttons[N_FILTERS];

  get_filter_buttons (self, buttons);
  for (guint i = 0; i < N_FILTERS; i++)
    if (!gtk_check_button_get_active (buttons[i]))
      return TRUE;
  return FALSE;
}

void
lk_window_filter_toggled_cb (LkWindow *self)
{
  gboolean active;

  if (self->store == NULL)
    return;
  active = any_filter_off (self);
  /* Not by colour alone: the tooltip and what a screen reader says change with it. */
  if (active)
    gtk_widget_add_css_class (GTK_WIDGET (self->filter_button), "filter-active");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->filter_button), "filter-active");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->filter_button),
                               active ? _("Filter by platform and ownership (some devices are hidden)")
                                      : _("Filter by platform and ownership"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->filter_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  active ? _("Filters are on: some devices are hidden") : "", -1);
  /* With every box ticked there is no filter at all: the list then shows its devices as they
   * are, without an index of the shown ones. */
  lk_device_list_set_filter (self->store, active ? shown_classes (self) : G_MAXUINT32);
  if (g_strcmp0 (lk_window_get_state (self), "results") == 0
      || g_strcmp0 (lk_window_get_state (self), "filtered-empty") == 0)
    lk_window_show_listing (self);
}

void
lk_window_show_all_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  LkWindow *self = LK_WINDOW (widget);
  GtkCheckButton *buttons[N_FILTERS];

  get_filter_buttons (self, buttons);
  for (guint i = 0; i < N_FILTERS; i++)
    gtk_check_button_set_active (buttons[i], TRUE);
}
