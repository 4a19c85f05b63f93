/* lk-settings.h: Latchkey's GSettings schema, named once. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LK_SETTINGS_SCHEMA_ID "io.github.latchkey.Latchkey"

/* The settings; the schema must be installed (the application's case). */
GSettings *lk_settings_new              (void);
/* The settings, or NULL when the schema is not installed (a CLI run from anywhere). */
GSettings *lk_settings_new_if_installed (void);

G_END_DECLS
