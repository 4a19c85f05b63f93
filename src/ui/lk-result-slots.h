/* lk-result-slots.h: the results list's positions, as stable items for the list view.
 *
 * GTK 4.8's list view destroys and remakes its rows (up to 200, with their templates, badges
 * and controllers, each label measured again by Pango) when the items they show are replaced,
 * 40–70 ms of the main thread per change of every item at a million devices. Its model is
 * therefore not the devices but one slot per position: item i is always the same LkResultSlot,
 * which shows whichever device is at position i now. When the devices change (a ranked list,
 * a filter), every slot alive takes its new device, and the list view is told only that the
 * list grew or shrank at its end; it keeps its rows, and each row follows its slot's "device".
 *
 * Only the slots GTK asks for exist (about the rows it holds); the model keeps them weakly.
 * The slot type lives here with its model: nothing but the model makes or changes a slot.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "lk-device.h"

G_BEGIN_DECLS

#define LK_TYPE_RESULT_SLOT (lk_result_slot_get_type ())
G_DECLARE_FINAL_TYPE (LkResultSlot, lk_result_slot, LK, RESULT_SLOT, GObject)

/* The device at the slot's position now (NULL once the list is shorter); "notify::device"
 * says it changed. */
LkDevice *lk_result_slot_get_device   (LkResultSlot *self);

#define LK_TYPE_RESULT_SLOTS (lk_result_slots_get_type ())
G_DECLARE_FINAL_TYPE (LkResultSlots, lk_result_slots, LK, RESULT_SLOTS, GObject)

/* Slots for the positions of @devices (a GListModel of LkDevice, which must say a change of
 * its devices as an items-changed signal, as LkDeviceList does). */
LkResultSlots *lk_result_slots_new     (GListModel    *devices);
/* A long growth or shrink near the rows reaches the list view a step per frame of @view (the
 * list view showing the slots; kept weakly), so GTK lays out each step's rows before the
 * next; without one, or while it is unmapped, a step per idle turn. */
void           lk_result_slots_pace_by (LkResultSlots *self,
                                        GtkWidget     *view);

G_END_DECLS
