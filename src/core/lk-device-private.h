/* lk-device-private.h: building an LkDevice member by member, for the streaming page reader. */
#pragma once

#include "lk-device.h"

G_BEGIN_DECLS

LkDevice *lk_device_builder_new         (void);
/* @member is a managedDevice member name; members Latchkey does not use are ignored. */
void      lk_device_builder_set_string  (LkDevice   *self,
                                         const char *member,
                                         const char *value);
void      lk_device_builder_set_boolean (LkDevice   *self,
                                         const char *member,
                                         gboolean    value);
/* The member held a value of a type it never has (a number for osVersion…). */
void      lk_device_builder_wrong_type  (LkDevice   *self,
                                         const char *member);
/* TRUE when @member is one Latchkey reads (so a wrong type there is worth a note). */
gboolean  lk_device_builder_wants       (const char *member);
/* Returns @self ready to use, or NULL (and frees it) when it has no id. */
LkDevice *lk_device_builder_finish      (LkDevice   *self,
                                         GError    **error);

G_END_DECLS
