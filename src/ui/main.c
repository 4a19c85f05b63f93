/* main.c: latchkey, the window. */
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "lk-application.h"
#include "lk-memory.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LkApplication) app = NULL;

  lk_application_mark_start ();
  lk_memory_init ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = lk_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
