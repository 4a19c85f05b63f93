/* lk-cli-output.h: how latchkey-cli prints devices, for people and for scripts.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "lk-account.h"
#include "lk-action-history.h"
#include "lk-action-result.h"
#include "lk-action-tracker.h"
#include "lk-capability.h"
#include "lk-cli-chunks.h"
#include "lk-device.h"

G_BEGIN_DECLS

/* The devices go out in order, written one by one into a buffered stdout: no tree, no string
 * of the whole document. --json is one pretty array, --jsonl one compact object a line. */
void  lk_cli_print_devices_json        (GPtrArray      *devices);

/* The table's column widths, measured page by page while the listing runs, on a thread of its
 * own; lk_cli_print_devices_table_measured() then only makes the rows. @devices: the devices
 * a page brought (borrowed). Every page of the listing must be added. */
typedef struct _LkCliTableMeasure LkCliTableMeasure;
LkCliTableMeasure *lk_cli_table_measure_new   (void);
void  lk_cli_table_measure_add        (LkCliTableMeasure *measure,
                                       GPtrArray         *devices);
void  lk_cli_table_measure_free       (LkCliTableMeasure *measure);
/* The plain table of @devices, with the widths @measure took of these same devices. */
void  lk_cli_print_devices_table_measured (GPtrArray         *devices,
                                           LkCliTableMeasure *measure);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkCliTableMeasure, lk_cli_table_measure_free)

/* --jsonl: a stream to push each page's devices to as they arrive (lk-cli-chunks.h); they are
 * written in that order, a JSON object a line, while the listing goes on. */
LkCliStream *lk_cli_jsonl_stream_new   (void);
void  lk_cli_jsonl_stream_push         (LkCliStream    *stream,
                                        GPtrArray      *devices);
void  lk_cli_print_device_details      (LkDevice       *device);
void  lk_cli_print_device_json         (LkDevice       *device);
void  lk_cli_print_action_preview      (LkDevice       *device,
                                        LkCapability   *capability);
void  lk_cli_print_action_result       (LkActionResult *result);
void  lk_cli_print_action_result_json  (const char     *device_id,
                                        LkActionResult *result);

void  lk_cli_print_account             (LkAccount      *account,
                                        gboolean        active);
/* @accounts: LkAccount, in order; @active is marked "active". */
void  lk_cli_print_accounts_json       (GPtrArray      *accounts,
                                        LkAccount      *active);

void  lk_cli_print_history             (GPtrArray      *entries);
void  lk_cli_print_history_json        (GPtrArray      *entries);

/* A tracker's state in words (translated), for people; --json keeps Graph's codes. */
const char *lk_cli_tracker_state_label (LkTrackerState  state);

/* Stable identifiers for --json output. */
const char *lk_cli_support_id          (LkSupport       support);

G_END_DECLS
