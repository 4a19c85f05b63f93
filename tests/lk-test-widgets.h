/* lk-test-widgets.h: finding widgets in real windows, for the tests that run under Xvfb. */
#pragma once

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

/* A button labelled @text that is shown. */
G_GNUC_UNUSED static gboolean
lk_test_is_visible_button (GtkWidget     *widget,
                           gconstpointer  text)
{
  return lk_test_is_button (widget, text) && gtk_widget_is_visible (widget);
}
