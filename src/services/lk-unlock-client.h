/* lk-unlock-client.h: reading and rotating unlock secrets (LAPS, BitLocker, FileVault, macOS
 * admin) through the Graph client's one send path.
 *
 * A secret is fetched only when asked for (never prefetched), returned once, and never logged.
 * Errors are LK_GRAPH_ERROR with request ids; a 404 means nothing is escrowed and says so, a 403
 * names the permission and the role the read needs.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "lk-action-history.h"
#include "lk-graph-client.h"
#include "lk-unlock-options.h"

G_BEGIN_DECLS

#define LK_TYPE_UNLOCK_CLIENT (lk_unlock_client_get_type ())
G_DECLARE_FINAL_TYPE (LkUnlockClient, lk_unlock_client, LK, UNLOCK_CLIENT, GObject)

LkUnlockClient *lk_unlock_client_new                   (LkGraphClient *graph);

/* The managed device's azureADDeviceId (the Entra device id LAPS and BitLocker are keyed by):
 * one GET of that member. NULL without error when Intune has none (or the all-zero GUID). */
void            lk_unlock_client_get_entra_id_async    (LkUnlockClient      *self,
                                                        const char          *managed_device_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
char           *lk_unlock_client_get_entra_id_finish   (LkUnlockClient      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Every BitLocker recovery key escrowed for @entra_device_id (following @odata.nextLink),
 * without the keys themselves (element-type LkBitLockerKeyInfo); an empty array when none. */
void            lk_unlock_client_list_bitlocker_async  (LkUnlockClient      *self,
                                                        const char          *entra_device_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray      *lk_unlock_client_list_bitlocker_finish (LkUnlockClient      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Reads one secret. @id: the Entra device id (LAPS), the recovery key id (BitLocker; Microsoft
 * writes an audit record of the read), the managed device id (FileVault, macOS admin). */
void            lk_unlock_client_reveal_async          (LkUnlockClient      *self,
                                                        LkUnlockKind         kind,
                                                        const char          *id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
/* The secret with the answer's request ids; free with lk_unlock_secret_free(). An error
 * carries them too (lk_graph_error_get_request_id()). */
LkUnlockSecret *lk_unlock_client_reveal_finish         (LkUnlockClient      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* The history's name of a reveal of @kind ("revealLocalAdminPassword"…); a rotation is
 * journaled under lk_unlock_kind_rotate_action(). */
const char     *lk_unlock_kind_reveal_action           (LkUnlockKind         kind);
/* The journal line of a reveal or rotation — who, tenant, device, which secret kind, outcome,
 * request ids; never the secret. @detail: the admin's reason or an error message. Not yet
 * written: lk_action_history_append() writes it (a rotation's intent,
 * lk_action_history_append_intent_async()). */
LkHistoryEntry *lk_unlock_journal_entry_new            (LkDevice            *device,
                                                        const char          *admin,
                                                        const char          *tenant,
                                                        const char          *action,
                                                        const char          *outcome,
                                                        const char          *detail,
                                                        const char          *request_id,
                                                        const char          *client_request_id);

/* The Intune action that rotates @kind's secret. */
LkDeviceAction  lk_unlock_kind_device_action           (LkUnlockKind         kind);

G_END_DECLS
