/* lk-settings.c: Latchkey's GSettings schema, named once. */
#include "config.h"

#include "lk-settings.h"

GSettings *
lk_settings_new (void)
{
  return g_settings_new (LK_SETTINGS_SCHEMA_ID);
}

GSettings *
lk_settings_new_if_installed (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, LK_SETTINGS_SCHEMA_ID, TRUE);
  return schema != NULL ? g_settings_new_full (schema, NULL, NULL) : NULL;
}
