/* lk-request-policy.c: the pure rules of the Graph send path.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n.h>

#include "lk-graph-error.h"
#include "lk-request-policy.h"

static GDateTime *
parse_http_date (const char *value)
{
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  char weekday[4], month[4], zone[4];
  int day, year, hour, minute, second;

  /* IMF-fixdate, the only form RFC 9110 lets servers send: "Sun, 06 Nov 1994 08:49:37 GMT". */
  if (sscanf (value, "%3s, %d %3s %d %d:%d:%d %3s", weekday, &day, month, &year,
              &hour, &minute, &second, zone) != 8
      || !g_str_equal (zone, "GMT"))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    if (g_str_equal (month, months[i]))
      return g_date_time_new_utc (year, (int) i + 1, day, hour, minute, second);
  return NULL;
}

double
lk_retry_after_parse (const char *value,
                      GDateTime  *now)
{
  g_autoptr(GDateTime) when = NULL;
  char *end = NULL;
  double seconds;

  if (value == NULL)
    return -1;
  while (g_ascii_isspace (*value))
    value++;
  if (*value == '\0')
    return -1;

  if (g_ascii_isdigit (*value) || *value == '.')
    {
      seconds = g_ascii_strtod (value, &end);
      while (end != NULL && g_ascii_isspace (*end))
        end++;
      if (end == NULL || *end != '\0' || !isfinite (seconds) || seconds < 0)
        return -1;
      return seconds;
    }

  when = parse_http_date (value);
  if (when == NULL || now == NULL)
    return -1;
  seconds = g_date_time_difference (when, now) / (double) G_TIME_SPAN_SECOND;
  return MAX (seconds, 0.0);
}

guint
lk_backoff_delay_ms (guint  attempt,
                     guint  base_ms,
                     guint  cap_ms,
                     double jitter)
{
  guint64 delay = base_ms;

  for (guint i = 0; i < attempt && delay < cap_ms; i++)
    delay *= 2;
  delay = MIN (delay, (guint64) cap_ms);
  jitter = CLAMP (jitter, 0.0, 1.0);
  return (guint) (delay / 2 + (guint64) ((delay - delay / 2) * jitter));
}

gboolean
lk_host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  /* GUri keeps IPv6 literals in brackets. A lone "[" must not make the length below wrap. */
  if (host[0] == '[' && strlen (host) >= 2 && host[strlen (host) - 1] == ']')
    bare = g_strndup (host + 1, strlen (host) - 2);
  address = g_inet_address_new_from_string (bare != NULL ? bare : host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static gboolean
refuse (GError    **error,
        const char *host)
{
  g_autofree char *message = g_strdup_printf (_("Refused to send the sign-in token to “%s”: it is not the configured Microsoft Graph address."),
                                              host != NULL ? host : "?");

  g_propagate_error (error, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INSECURE, message,
                                                             0, NULL, NULL, NULL));
  return FALSE;
}

gboolean
lk_url_may_carry_token (const char  *url,
                        const char  *graph_url,
                        GError     **error)
{
  g_autoptr(GUri) target = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GUri) root = g_uri_parse (graph_url, G_URI_FLAGS_ENCODED, NULL);
  const char *root_path;
  const char *scheme;
  gsize root_len;

  /* A root without a host (a misconfigured "https:/beta") must not compare equal to any host. */
  if (target == NULL || root == NULL || g_uri_get_host (target) == NULL || g_uri_get_host (root) == NULL)
    return refuse (error, target != NULL ? g_uri_get_host (target) : NULL);

  scheme = g_uri_get_scheme (target);
  if (g_ascii_strcasecmp (scheme, g_uri_get_scheme (root)) != 0
      || g_ascii_strcasecmp (g_uri_get_host (target), g_uri_get_host (root)) != 0
      || g_uri_get_port (target) != g_uri_get_port (root))
    return refuse (error, g_uri_get_host (target));

  if (g_ascii_strcasecmp (scheme, "https") != 0
      && !(g_ascii_strcasecmp (scheme, "http") == 0 && lk_host_is_loopback (g_uri_get_host (target))))
    {
      g_autofree char *message = g_strdup_printf (_("Refused to send the sign-in token to “%s” over an unencrypted connection."),
                                                  g_uri_get_host (target));
      g_propagate_error (error, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INSECURE, message,
                                                                 0, NULL, NULL, NULL));
      return FALSE;
    }

  /* The token is for Graph, not for whatever else shares its host. */
  root_path = g_uri_get_path (root);
  root_len = strlen (root_path);
  while (root_len > 0 && root_path[root_len - 1] == '/')
    root_len--;
  if (root_len > 0
      && (strncmp (g_uri_get_path (target), root_path, root_len) != 0
          || (g_uri_get_path (target)[root_len] != '/' && g_uri_get_path (target)[root_len] != '\0')))
    return refuse (error, g_uri_get_host (target));

  return TRUE;
}
