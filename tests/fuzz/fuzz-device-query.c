/* fuzz-device-query.c: what the admin types (or pastes) into the search box becomes OData
 * $filter text sent to Graph. The invariant that matters: every quote in a filter is part of a
 * properly escaped literal, so the typed text can never close a literal and add clauses.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "lk-device-query.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  (void) argc;
  (void) argv;
  fuzz_common_init ();
  return 0;
}

/* TRUE when every literal in @filter is closed; a doubled '' inside a literal is an escaped
 * quote. An odd quote count would mean the user's text broke out of a literal. */
static gboolean
literals_balanced (const char *filter)
{
  gboolean inside = FALSE;

  for (const char *p = filter; *p != '\0'; p++)
    {
      if (*p != '\'')
        continue;
      if (inside && p[1] == '\'')
        p++;
      else
        inside = !inside;
    }
  return !inside;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_strndup (data, size);
  g_autofree char *escaped = lk_odata_escape_literal (text);
  g_autoptr(LkDeviceQuery) query = NULL;
  GPtrArray *filters;
  guint quotes_in = 0, quotes_out = 0;

  /* Escaping doubles every quote and changes nothing else. */
  for (const char *p = text; *p != '\0'; p++)
    quotes_in += *p == '\'';
  for (const char *p = escaped; *p != '\0'; p++)
    quotes_out += *p == '\'';
  g_assert_cmpuint (quotes_out, ==, 2 * quotes_in);
  g_assert_cmpuint (strlen (escaped), ==, strlen (text) + quotes_in);

  /* Not only UTF-8: the CLI hands its argument over as the terminal typed it. */
  query = lk_device_query_new (text);
  g_assert_nonnull (lk_device_query_get_text (query));
  g_assert_cmpint (lk_device_query_get_kind (query), <=, LK_QUERY_KIND_IMEI);
  filters = lk_device_query_get_filters (query);
  g_assert_nonnull (filters);
  for (guint i = 0; i < filters->len; i++)
    {
      const char *filter = g_ptr_array_index (filters, i);

      g_assert_nonnull (filter);
      g_assert_true (literals_balanced (filter));
    }
  return 0;
}
