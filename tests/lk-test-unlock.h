/* lk-test-unlock.h: the device page's unlock cards, for the tests that drive them under Xvfb.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-test-widgets.h"
#include "lk-unlock-card.h"

/* The card of @kind under @root, or NULL. */
G_GNUC_UNUSED static LkUnlockCard *
lk_test_unlock_card (GtkWidget    *root,
                     LkUnlockKind  kind)
{
  g_autoptr(GPtrArray) cards = g_ptr_array_new ();

  lk_test_collect_widgets (root, LK_TYPE_UNLOCK_CARD, cards);
  for (guint i = 0; i < cards->len; i++)
    if (lk_unlock_card_get_kind (g_ptr_array_index (cards, i)) == kind)
      return g_ptr_array_index (cards, i);
  return NULL;
}

/* For lk_test_wait_until(): the card holds a secret read from Graph. */
G_GNUC_UNUSED static gboolean
lk_test_unlock_card_has_secret (gpointer card)
{
  return lk_unlock_card_get_secret (card) != NULL;
}

/* For lk_test_wait_until(): a BitLocker card lists its keys, each with its Show button. */
G_GNUC_UNUSED static gboolean
lk_test_unlock_keys_listed (gpointer card)
{
  return lk_test_find_widget (card, lk_test_is_visible_button, "_Show") != NULL;
}
