/* fuzz-graph-error.c: the body of a failed Graph response ({"error": {"code", "message",
 * "innerError": {"request-id", "client-request-id", "date"}}}, or anything else) together with
 * an HTTP status and a request-id header, all as the server chose them.
 *
 * Input layout: 2 bytes of status (big-endian, folded into 100–599), then the body; the
 * request-id header is the body up to its first NUL when it has one (made valid UTF-8, as
 * libsoup does).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "lk-graph-error.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  (void) argc;
  (void) argv;
  fuzz_common_init ();
  return 0;
}

static void
exercise (GError *error)
{
  g_autofree char *ids = NULL;
  const char *graph_code;

  g_assert_nonnull (error);
  g_assert_true (error->domain == LK_GRAPH_ERROR);
  g_assert_nonnull (error->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));

  graph_code = lk_graph_error_get_graph_code (error);
  (void) lk_graph_error_get_graph_message (error);
  (void) lk_graph_error_get_http_status (error);
  (void) lk_graph_error_get_request_id (error);
  (void) lk_graph_error_get_client_request_id (error);
  (void) lk_graph_error_get_forbidden_reason (error);
  (void) lk_graph_error_code_for_status (lk_graph_error_get_http_status (error), graph_code);

  ids = lk_graph_error_format_ids (error);
  if (ids != NULL)
    g_assert_true (g_utf8_validate (ids, -1, NULL));

  lk_graph_error_set_client_request_id (error, "00000000-0000-0000-0000-000000000000");
  g_clear_pointer (&ids, g_free);
  ids = lk_graph_error_format_ids (error);
  g_assert_nonnull (ids);

  /* GError copies must carry the facts along (the UI copies errors into its state). */
  {
    g_autoptr(GError) copy = g_error_copy (error);
    g_autofree char *copy_ids = lk_graph_error_format_ids (copy);

    g_assert_cmpstr (copy_ids, ==, ids);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) no_body = NULL;
  g_autofree char *header = NULL;
  const char *body;
  size_t body_len;
  guint status;

  if (size < 2)
    return 0;
  status = 100 + ((guint) data[0] << 8 | data[1]) % 500;
  body = (const char *) data + 2;
  body_len = size - 2;
  /* libsoup hands headers over as valid UTF-8 (soup_message_headers_append_untrusted_data()). */
  if (memchr (body, '\0', body_len) != NULL)
    header = g_utf8_make_valid (body, -1);

  error = lk_graph_error_new_from_response (status, body, body_len, header, NULL);
  exercise (error);

  no_body = lk_graph_error_new_from_response (status, NULL, 0, NULL, header);
  exercise (no_body);
  return 0;
}
