/* lk-unlock-card.h: one unlock option of a Windows PC or a Mac on the device page.
 *
 * Says whether the option is available and why not; *Show* fetches the secret (never before),
 * which stays hidden until revealed, can be copied (the clipboard is cleared after a delay if
 * it still holds it) and is wiped when the card goes. BitLocker lists the keys first and says,
 * before the first key read, that Microsoft audits it. *Rotate…* asks for the device name,
 * sends once and journals it. Every reveal and rotation is journaled without the secret.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-action-history.h"
#include "lk-device.h"
#include "lk-graph-client.h"
#include "lk-unlock-options.h"

G_BEGIN_DECLS

#define LK_TYPE_UNLOCK_CARD (lk_unlock_card_get_type ())
G_DECLARE_FINAL_TYPE (LkUnlockCard, lk_unlock_card, LK, UNLOCK_CARD, GtkBox)

/* @entra_device_id: the device's azureADDeviceId (LAPS and BitLocker), or NULL. */
GtkWidget  *lk_unlock_card_new                   (const LkUnlockOption *option,
                                                  LkDevice             *device,
                                                  const char           *entra_device_id,
                                                  LkGraphClient        *client,
                                                  LkActionHistory      *history);
LkUnlockKind lk_unlock_card_get_kind             (LkUnlockCard *self);
/* The secret shown (NULL when none was read or it was wiped): for tests. */
const char *lk_unlock_card_get_secret            (LkUnlockCard *self);
void        lk_unlock_card_set_clipboard_timeout (LkUnlockCard *self,
                                                  guint         ms);
/* Forgets the secret (wiped from memory) and hides it again. */
void        lk_unlock_card_wipe                  (LkUnlockCard *self);

/* Replaces @cards (of LkUnlockCard) in @group with one card per option of @device; none when
 * @client is NULL or the device has none (then @group hides). */
void        lk_unlock_cards_fill                 (AdwPreferencesGroup *group,
                                                  GPtrArray           *cards,
                                                  LkDevice            *device,
                                                  const char          *entra_device_id,
                                                  LkGraphClient       *client,
                                                  LkActionHistory     *history);

G_END_DECLS
