/* lk-bench-cli.h: lk-bench's CLI-as-run and curl children (lk-bench-cli.c), and the page
 * helpers of lk-bench-children.c they share.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* "--child cli --text json|table|jsonl": latchkey-cli search "" with its output in a file. */
int       lk_bench_child_cli  (const char *graph_url,
                               const char *token,
                               const char *mode);
/* "--child curl": the same pages as the listing, read by curl over one connection. */
int       lk_bench_child_curl (const char *graph_url,
                               const char *token);

/* In lk-bench-children.c: the listing's first page, and one page read raw (*@url becomes its nextLink). */
char     *first_page_url      (const char   *graph_url,
                               const char   *select,
                               guint         top);
gboolean  raw_page            (SoupSession  *session,
                               const char   *authorization,
                               char        **url,
                               guint64      *bytes);

G_END_DECLS
