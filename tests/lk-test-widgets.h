/* lk-test-widgets.h: finding widgets in real windows, for the tests that run under Xvfb.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>
#include <gtk/gtk.h>

typedef gboolean (*LkTestWidgetMatch) (GtkWidget *widget, gconstpointer data);

/* The first widget under @widget (itself included, depth first) that @match accepts. */
G_GNUC_UNUSED static GtkWidget *
lk_test_find_widget (GtkWidget         *widget,
                     LkTestWidgetMatch  match,
                     gconstpointer      data)
{
  if (match (widget, data))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = lk_test_find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Adds every widget of @type under @widget (itself included, depth first) to @found. */
G_GNUC_UNUSED static void
lk_test_collect_widgets (GtkWidget *widget,
                         GType      type,
                         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    lk_test_collect_widgets (child, type, found);
}

G_GNUC_UNUSED static gboolean
lk_test_is_type (GtkWidget     *widget,
                 gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

/* A label showing exactly @text. */
G_GNUC_UNUSED static gboolean
lk_test_is_label (GtkWidget     *widget,
                  gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

/* A button labelled @text. */
G_GNUC_UNUSED static gboolean
lk_test_is_button (GtkWidget     *widget,
                   gconstpointer  text)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), text) == 0;
}

/* A widget that activates the action @name. */
G_GNUC_UNUSED static gboolean
lk_test_is_actionable (GtkWidget     *widget,
                       gconstpointer  name)
{
  return GTK_IS_ACTIONABLE (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), name) == 0;
}

/* Presses @keyval with @modifiers on @widget as far as its own shortcuts go (GTK 4 has no way to
 * send a key event from a test): activates the shortcut bound to exactly that key, if any. */
G_GNUC_UNUSED static gboolean
lk_test_press_shortcut (GtkWidget       *widget,
                        guint            keyval,
                        GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger)
              && gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval
              && gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                 GTK_SHORTCUT_ACTION_EXCLUSIVE, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}

/* @text without its mnemonic underlines, as GTK shows it ("__" is one "_"). */
G_GNUC_UNUSED static char *
lk_test_strip_mnemonic (const char *text)
{
  GString *stripped = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '_' && p[1] != '\0')
        p++;
      g_string_append_c (stripped, *p);
    }
  return g_string_free (stripped, FALSE);
}

/* Asserts that no widget under @widget (itself included) whose label or title has a mnemonic
 * (use-underline) carries the underline into its accessible name: a screen reader would read
 * "underscore Reset". Returns how many such widgets it checked. */
G_GNUC_UNUSED static guint
lk_test_assert_mnemonics_not_in_accessible_names (GtkWidget *widget)
{
  GObjectClass *klass = G_OBJECT_GET_CLASS (widget);
  const char *text_property = g_object_class_find_property (klass, "label") != NULL ? "label" : "title";
  gboolean use_underline = FALSE;
  g_autofree char *text = NULL;
  guint checked = 0;

  if (g_object_class_find_property (klass, "use-underline") != NULL
      && g_object_class_find_property (klass, text_property) != NULL
      && G_PARAM_SPEC_VALUE_TYPE (g_object_class_find_property (klass, text_property)) == G_TYPE_STRING)
    {
      g_object_get (widget, "use-underline", &use_underline, NULL);
      if (use_underline)
        g_object_get (widget, text_property, &text, NULL);
    }
  if (text != NULL && strchr (text, '_') != NULL)
    {
      g_autofree char *stripped = lk_test_strip_mnemonic (text);

      /* A widget without a name of its own is named by its label, checked as a label. */
      if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
        {
          g_autofree char *actual = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                                        GTK_ACCESSIBLE_PROPERTY_LABEL, stripped);

          if (actual != NULL)
            g_error ("%s “%s” has the accessible name “%s”, not “%s”", G_OBJECT_TYPE_NAME (widget), text,
                     actual, stripped);
        }
      checked++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    checked += lk_test_assert_mnemonics_not_in_accessible_names (child);
  return checked;
}

/* A check button labelled @text (the window's filter toggles). */
G_GNUC_UNUSED static gboolean
lk_test_is_check_button (GtkWidget     *widget,
                         gconstpointer  text)
{
  return GTK_IS_CHECK_BUTTON (widget)
         && g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)), text) == 0;
}

/* The check button labelled @text under @root; the test stops when there is none. */
G_GNUC_UNUSED static GtkCheckButton *
lk_test_find_check_button (GtkWidget  *root,
                           const char *text)
{
  GtkWidget *found = lk_test_find_widget (root, lk_test_is_check_button, text);

  if (found == NULL)
    g_error ("no check button %s", text);
  return GTK_CHECK_BUTTON (found);
}

/* A button labelled @text that is shown. */
G_GNUC_UNUSED static gboolean
lk_test_is_visible_button (GtkWidget     *widget,
                           gconstpointer  text)
{
  return lk_test_is_button (widget, text) && gtk_widget_is_visible (widget);
}
