/* lk-time-format.c: "3 hours ago", the way an admin reads a last check-in.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-time-format.h"

static char *
format_relative (GDateTime *when,
                 GDateTime *now,
                 gboolean   in_sentence)
{
  g_autoptr(GDateTime) current = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_utc ();
  g_autoptr(GDateTime) local = NULL;
  GTimeSpan span;
  gint64 minutes, hours, days;

  if (when == NULL)
    return g_strdup (in_sentence ? C_("last check-in, in a sentence", "never")
                                 : C_("last check-in", "Never"));

  span = g_date_time_difference (current, when);
  /* A device clock ahead of ours is not "in the future" for an admin. */
  if (span < G_TIME_SPAN_MINUTE)
    return g_strdup (in_sentence ? C_("in a sentence", "just now") : _("Just now"));

  minutes = span / G_TIME_SPAN_MINUTE;
  hours = span / G_TIME_SPAN_HOUR;
  days = span / G_TIME_SPAN_DAY;
  if (minutes < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute ago", "%d minutes ago", minutes),
                            (int) minutes);
  if (hours < 24)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago", hours),
                            (int) hours);
  if (days < 2)
    return g_strdup (in_sentence ? C_("in a sentence", "yesterday") : _("Yesterday"));
  if (days < 30)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago", days),
                            (int) days);

  local = g_date_time_to_local (when);
  /* Translators: a date in the past, in strftime format. */
  return g_date_time_format (local, _("%-d %B %Y"));
}

char *
lk_format_relative_time (GDateTime *when,
                         GDateTime *now)
{
  return format_relative (when, now, FALSE);
}

char *
lk_format_relative_time_in_sentence (GDateTime *when,
                                     GDateTime *now)
{
  return format_relative (when, now, TRUE);
}
