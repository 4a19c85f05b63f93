/* fuzz-request-policy.c: the send path's pure rules on server-chosen input: a Retry-After
 * header value, and an "@odata.nextLink" (or any URL) a bearer token might follow.
 *
 * Input layout: "<value or url>\n<graph root>"; without a newline the graph root is the
 * production one. The invariants checked are the ones lk-graph-client.c relies on.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "fuzz-common.h"
#include "lk-graph-error.h"
#include "lk-request-policy.h"

static GDateTime *now;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  (void) argc;
  (void) argv;
  fuzz_common_init ();
  now = g_date_time_new_utc (2026, 11, 25, 8, 0, 0);
  return 0;
}

static void
check_url (const char *url,
           const char *graph_url)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = lk_url_may_carry_token (url, graph_url, &error);

  if (ok)
    {
      g_autoptr(GUri) uri = NULL;

      g_assert_no_error (error);
      g_autoptr(GUri) root = g_uri_parse (graph_url, G_URI_FLAGS_ENCODED, NULL);
      g_autofree char *root_path = NULL;

      /* Whatever passed is an absolute URL on the Graph root's host (GUri has already removed
       * dot segments, so "/beta/../x" cannot pass as under "/beta"), https unless loopback. */
      uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
      g_assert_nonnull (uri);
      g_assert_nonnull (root);
      g_assert_nonnull (g_uri_get_host (uri));
      g_assert_true (g_ascii_strcasecmp (g_uri_get_host (uri), g_uri_get_host (root)) == 0);
      g_assert_true (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0
                     || lk_host_is_loopback (g_uri_get_host (uri)));
      root_path = g_strdup (g_uri_get_path (root));
      while (g_str_has_suffix (root_path, "/"))
        root_path[strlen (root_path) - 1] = '\0';
      g_assert_true (g_str_has_prefix (g_uri_get_path (uri), root_path));
    }
  else
    {
      g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INSECURE);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_strndup (data, size);
  char *newline = strchr (text, '\n');
  const char *graph_url = "https://graph.microsoft.com/beta";
  double seconds;

  if (newline != NULL)
    {
      *newline = '\0';
      graph_url = newline + 1;
    }

  seconds = lk_retry_after_parse (text, now);
  g_assert_true (seconds < 0 || (isfinite (seconds) && seconds >= 0));
  seconds = lk_retry_after_parse (text, NULL);
  g_assert_true (seconds < 0 || isfinite (seconds));

  (void) lk_host_is_loopback (text);

  check_url (text, graph_url);
  check_url (text, "https://graph.microsoft.com/v1.0");
  check_url (text, "http://127.0.0.1:8080/graph/beta");

  if (size >= 4)
    {
      guint attempt = data[0];
      guint base_ms = 1 + data[1] * 10u;
      guint cap_ms = base_ms + data[2] * 1000u;
      double jitter = data[3] / 256.0;
      guint delay = lk_backoff_delay_ms (attempt, base_ms, cap_ms, jitter);

      g_assert_cmpuint (delay, <=, cap_ms);
      g_assert_cmpuint (delay, >=, MIN (base_ms, cap_ms) / 2);
    }
  return 0;
}
