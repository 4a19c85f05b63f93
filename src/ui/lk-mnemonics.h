/* lk-mnemonics.h: accessible names for widgets whose labels carry a mnemonic underline.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* GTK 4.8 names a button after its label as written, underline and all: a screen reader would
 * read "_Reset". Names every button under @root (and again whenever its label changes) after
 * the label as shown. */
void lk_widget_name_without_mnemonics (GtkWidget *root);

G_END_DECLS
