/* lk-page-reader.h: one page of a managedDevices listing, read straight from the bytes.
 *
 * A 100 000-device tenant is 100 pages of ~800 kB. Building a json-glib node tree for each and
 * then copying the devices out of it was most of a listing's time (see tests/bench/HISTORY.md),
 * so the page is scanned once and each LkDevice is filled as its members go by. Anything that
 * is not valid JSON is an LK_GRAPH_ERROR_INVALID_RESPONSE naming the byte offset.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  GPtrArray *devices;     /* (element-type LkDevice) every item that had an id */
  guint      n_items;     /* items in "value" */
  guint      n_skipped;   /* items that were not objects or had no id */
  char      *next_link;   /* "@odata.nextLink", or NULL */
  gint64     count;       /* "@odata.count", or -1 */
} LkPageContents;

/* Fills @page (zeroed by the caller); on error @page holds nothing to free. */
gboolean lk_page_reader_parse   (const char      *data,
                                 gsize            len,
                                 LkPageContents  *page,
                                 GError         **error);
void     lk_page_contents_clear (LkPageContents  *page);
/* lk_page_reader_parse() reading every member name in full, without comparing it with the
 * device before's: the fuzz harness checks that both read every page the same. */
gboolean lk_page_reader_parse_each_name (const char      *data,
                                         gsize            len,
                                         LkPageContents  *page,
                                         GError         **error);

/* The top-level "@odata.nextLink" of a page, found without reading its devices (a fraction of
 * the time), so the next page can be requested while this one is read; NULL when there is
 * none or the page is not a JSON object. Where both succeed, the same link as
 * lk_page_reader_parse() finds. */
char    *lk_page_reader_find_next_link (const char *data,
                                        gsize       len);
/* The same link where it takes a few bytes to find: at the end (where Graph writes it) or
 * among the members before "value"; NULL otherwise (there may be none, or one that only
 * lk_page_reader_find_next_link() finds). Microseconds on any page, so the listing's own
 * thread can ask it the moment a page has arrived. */
char    *lk_page_reader_find_next_link_quickly (const char *data,
                                                gsize       len);

G_END_DECLS
