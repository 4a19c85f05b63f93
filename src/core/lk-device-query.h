/* lk-device-query.h: what the admin typed → the best Graph $filter(s) + the client-side re-check.
 *
 * Graph's managedDevices filters are limited and quirky (see DESIGN.md): an unsupported filter
 * is silently ignored and returns every device, `or` across different functions may be dropped,
 * $orderby is ignored. So a query becomes one or more *plans* (each one $filter sent as its own
 * listing, results merged by id), and every result is re-checked and ranked here.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include "lk-device.h"

G_BEGIN_DECLS

typedef enum
{
  LK_QUERY_KIND_ALL,      /* empty text: every device */
  LK_QUERY_KIND_NAME,     /* part of a device or user name */
  LK_QUERY_KIND_UPN,      /* an e-mail address / UPN (contains '@') */
  LK_QUERY_KIND_SERIAL,   /* one token of letters and digits that looks like a serial number */
  LK_QUERY_KIND_IMEI,     /* 14–16 digits, spaces or dashes allowed */
} LkQueryKind;

#define LK_TYPE_DEVICE_QUERY (lk_device_query_get_type ())
G_DECLARE_FINAL_TYPE (LkDeviceQuery, lk_device_query, LK, DEVICE_QUERY, GObject)

LkDeviceQuery *lk_device_query_new            (const char    *text);
const char    *lk_device_query_get_text       (LkDeviceQuery *self);   /* trimmed */
LkQueryKind    lk_device_query_get_kind       (LkDeviceQuery *self);
/* The $filter values to send, one listing each; an empty array means "no $filter". */
GPtrArray     *lk_device_query_get_filters    (LkDeviceQuery *self);   /* (element-type utf8) (transfer none) */
/* 0 when @device does not match the text; higher is a better match. */
guint          lk_device_query_score          (LkDeviceQuery *self,
                                               LkDevice      *device);
/* Sorts a GPtrArray of LkDevice best match first, then by device name (case-insensitive). */
void           lk_device_query_sort           (LkDeviceQuery *self,
                                               GPtrArray     *devices);
/* A ranked run of devices (a listing's page), with what ranking compares kept next to each
 * other, made where the devices are fresh in the cache (the thread that read them). */
typedef struct _LkDeviceRanking LkDeviceRanking;
/* Sorts @devices like lk_device_query_sort() and returns their ranking (which borrows them). */
LkDeviceRanking *lk_device_query_rank         (LkDeviceQuery *self,
                                               GPtrArray     *devices);
void           lk_device_ranking_free         (LkDeviceRanking *ranking);
/* Puts @devices, which are the devices of @rankings (element-type LkDeviceRanking) in any order,
 * in lk_device_query_sort()'s order: a merge, far cheaper than sorting them again. */
void           lk_device_query_merge          (LkDeviceQuery *self,
                                               GPtrArray     *rankings,
                                               GPtrArray     *devices);

/* Merges a listing's runs in groups of @group while it goes on, on a thread of the lowest
 * priority, so the final merge (lk_device_query_merge()) has fewer runs. Not thread-safe: one
 * thread adds, then finishes or abandons. */
typedef struct _LkRunMerger LkRunMerger;
LkRunMerger   *lk_run_merger_new              (guint            group);
/* Takes @ranking. */
void           lk_run_merger_add              (LkRunMerger     *merger,
                                               LkDeviceRanking *ranking);
/* For tests: called on the thread each time it has claimed devices of a group to merge, before
 * it compares them (NULL: nothing). */
typedef void (*LkRunMergerHook) (void);
void           lk_run_merger_set_claim_hook   (LkRunMergerHook  hook);
/* How many groups the thread has merged so far (for tests). */
guint          lk_run_merger_get_n_merged     (LkRunMerger     *merger);
/* Every run added, some merged (element-type LkDeviceRanking, owned), and frees @merger: it
 * waits for the claim the thread has in hand, never for work it has not started. */
GPtrArray     *lk_run_merger_finish           (LkRunMerger     *merger);
/* Frees @merger without waiting; takes @devices (may be NULL), the array holding the devices
 * the runs borrow, which the thread may still be comparing: it goes when the thread ends. */
void           lk_run_merger_abandon          (LkRunMerger     *merger,
                                               GPtrArray       *devices);

/* Escapes a string literal for $filter: ' becomes ''. */
char          *lk_odata_escape_literal        (const char    *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkDeviceRanking, lk_device_ranking_free)

G_END_DECLS
