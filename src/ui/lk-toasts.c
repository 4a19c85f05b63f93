/* lk-toasts.c: toasts that show untrusted text, and the toast for a finished action.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-reset-wizard.h"
#include "lk-toasts.h"

AdwToast *
lk_toast_new_plain (const char *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);

  return adw_toast_new (escaped);
}

/* The toast lives in the window, so the window outlives any click on it. */
static void
show_passcode_cb (AdwToast        *toast,
                  LkActionTracker *tracker)
{
  GtkWindow *window = g_object_get_data (G_OBJECT (toast), "lk-window");
  LkResetWizard *wizard = lk_reset_wizard_find_for_tracker (tracker);

  if (wizard == NULL)
    wizard = lk_reset_wizard_new_for_tracker (lk_action_tracker_get_client (tracker), tracker, window);
  if (wizard != NULL)
    gtk_window_present (GTK_WINDOW (wizard));
}

/* Each outcome its own sentence, so that a language words it as it needs; the device name is
 * the one placeholder. */
static char *
outcome_message (LkActionKind    kind,
                 LkTrackerState  state,
                 const char     *device)
{
  switch (state)
    {
    case LK_TRACKER_DONE:
      switch (kind)
        {
        case LK_ACTION_KIND_REMOVE_PASSCODE:
          return g_strdup_printf (_("The passcode of %s was removed"), device);
        case LK_ACTION_KIND_RESET_DEVICE_PASSCODE:
          return g_strdup_printf (_("The device passcode of %s was reset"), device);
        case LK_ACTION_KIND_RESET_WORK_PROFILE_PASSCODE:
          return g_strdup_printf (_("The work-profile passcode of %s was reset"), device);
        case LK_ACTION_KIND_RESET_PASSCODE:
        case LK_ACTION_KIND_NONE:
        default:
          return g_strdup_printf (_("The passcode of %s was reset"), device);
        }
    case LK_TRACKER_FAILED:
      return g_strdup_printf (_("%s reported that the passcode action failed"), device);
    case LK_TRACKER_NOT_SUPPORTED:
      return g_strdup_printf (_("%s does not support the passcode action"), device);
    case LK_TRACKER_CANCELED:
      return g_strdup_printf (_("The passcode action on %s was canceled in Intune"), device);
    case LK_TRACKER_READY:
    case LK_TRACKER_SENDING:
    case LK_TRACKER_CHECKING:
    case LK_TRACKER_PENDING:
    case LK_TRACKER_ACTIVE:
    case LK_TRACKER_ERROR:
    default:
      return g_strdup_printf (_("The passcode action on %s did not succeed: History has the details"), device);
    }
}

AdwToast *
lk_toast_new_for_tracker (LkActionTracker *tracker,
                          GtkWindow       *window)
{
  const char *device;
  g_autofree char *message = NULL;
  AdwToast *toast;

  g_return_val_if_fail (LK_IS_ACTION_TRACKER (tracker), NULL);

  device = lk_device_get_device_name (lk_action_tracker_get_device (tracker));

  /* A passcode that came after its wizard was closed would be unreachable: offer it. The toast
   * stays until dismissed, and holds the tracker (and so the passcode) only that long. */
  if (lk_action_tracker_get_state (tracker) == LK_TRACKER_DONE
      && lk_action_tracker_get_passcode (tracker) != NULL
      && lk_reset_wizard_find_for_tracker (tracker) == NULL)
    {
      message = g_strdup_printf (_("New passcode for %s is ready"), device);
      toast = lk_toast_new_plain (message);
      adw_toast_set_button_label (toast, _("Show"));
      adw_toast_set_timeout (toast, 0);
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      g_object_set_data (G_OBJECT (toast), "lk-window", window);
      g_signal_connect_data (toast, "button-clicked", G_CALLBACK (show_passcode_cb),
                             g_object_ref (tracker), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
      return toast;
    }
  message = outcome_message (lk_action_tracker_get_kind (tracker), lk_action_tracker_get_state (tracker),
                             device != NULL ? device : _("Unnamed device"));
  return lk_toast_new_plain (message);
}
