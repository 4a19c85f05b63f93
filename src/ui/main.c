/* main.c: latchkey, the window. */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "lk-application.h"
#include "lk-locale.h"
#include "lk-memory.h"

/* TRUE when the kernel shows a GPU (a DRM render node or card) to this process. */
static gboolean
has_gpu (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/dev/dri", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD") || g_str_has_prefix (name, "card"))
      return TRUE;
  return FALSE;
}

static void
restore_gdk_debug_cb (GApplication *application,
                      gpointer      user_data)
{
  /* GTK has read it: programs started from here (the browser for sign-in) choose for
   * themselves. */
  g_unsetenv ("GDK_DEBUG");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LkApplication) app = NULL;

  lk_application_mark_start ();
  lk_memory_init ();
  lk_locale_init ();

  app = lk_application_new ();
  /* Without a GPU, GL is Mesa drawing on the CPU: loading it (LLVM) took half of the start,
   * and GTK's cairo renderer draws this window faster anyway. The user's own choice stands. */
  if (g_getenv ("GDK_DEBUG") == NULL && g_getenv ("GSK_RENDERER") == NULL && !has_gpu ())
    {
      g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
      g_signal_connect (app, "startup", G_CALLBACK (restore_gdk_debug_cb), NULL);
    }
  return g_application_run (G_APPLICATION (app), argc, argv);
}
