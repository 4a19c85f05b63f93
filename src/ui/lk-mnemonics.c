/* lk-mnemonics.c: accessible names for widgets whose labels carry a mnemonic underline.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "lk-mnemonics.h"

static void
name_without_mnemonic (GtkWidget *widget)
{
  g_autofree char *label = NULL;
  gboolean use_underline = FALSE;
  GString *name;

  g_object_get (widget, "label", &label, "use-underline", &use_underline, NULL);
  if (label == NULL || !use_underline)
    return;
  name = g_string_new (NULL);
  /* As GTK shows it: an underline marks the next character, "__" is one underline. */
  for (const char *p = label; *p != '\0'; p++)
    {
      if (*p == '_' && p[1] != '\0')
        p++;
      g_string_append_c (name, *p);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name->str, -1);
  g_string_free (name, TRUE);
}

static void
mnemonic_label_changed_cb (GtkWidget  *widget,
                           GParamSpec *pspec,
                           gpointer    user_data)
{
  name_without_mnemonic (widget);
}

/* Labels themselves get this right: only widgets with a string "label" and "use-underline"
 * are named, once each (the data key keeps a second walk from connecting twice). */
void
lk_widget_name_without_mnemonics (GtkWidget *root)
{
  GObjectClass *klass = G_OBJECT_GET_CLASS (root);

  if (!GTK_IS_LABEL (root) && g_object_class_find_property (klass, "use-underline") != NULL
      && g_object_class_find_property (klass, "label") != NULL
      && G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (klass, "label")) == G_TYPE_STRING
      && g_object_get_data (G_OBJECT (root), "lk-named-without-mnemonic") == NULL)
    {
      g_object_set_data (G_OBJECT (root), "lk-named-without-mnemonic", GINT_TO_POINTER (TRUE));
      name_without_mnemonic (root);
      g_signal_connect (root, "notify::label", G_CALLBACK (mnemonic_label_changed_cb), NULL);
      g_signal_connect (root, "notify::use-underline", G_CALLBACK (mnemonic_label_changed_cb), NULL);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    lk_widget_name_without_mnemonics (child);
}
