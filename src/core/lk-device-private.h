/* lk-device-private.h: building LkDevices member by member, for the two JSON readers (the
 * streaming page reader and lk_device_new_from_json()), so every member has one set of rules. */
#pragma once

#include "lk-device.h"

G_BEGIN_DECLS

/* Which managedDevice member a name is; 0 for the members Latchkey does not read. */
typedef guint LkDeviceMember;
#define LK_DEVICE_MEMBER_OTHER 0

/* Reused device after device (one per page, one thread at a time): it keeps the values of the
 * device being read in one buffer, and remembers the last enum-like values it interned. */
typedef struct _LkDeviceBuilder LkDeviceBuilder;

LkDeviceBuilder *lk_device_builder_new         (void);
void             lk_device_builder_free        (LkDeviceBuilder *builder);
/* Forgets the values so far: the next device starts. */
void             lk_device_builder_begin       (LkDeviceBuilder *builder);
/* @name need not be NUL-terminated. Guesses the member after the last one first: Graph writes
 * the members of every device in the same order. */
LkDeviceMember   lk_device_builder_member      (LkDeviceBuilder *builder,
                                                const char      *name,
                                                gsize            len);
/* @value: @len bytes of valid UTF-8 without NUL, not necessarily NUL-terminated. */
void             lk_device_builder_set_string  (LkDeviceBuilder *builder,
                                                LkDeviceMember   member,
                                                const char      *value,
                                                gsize            len);
void             lk_device_builder_set_boolean (LkDeviceBuilder *builder,
                                                LkDeviceMember   member,
                                                gboolean         value);
/* The member held a value of a type it never has (a number for osVersion…). */
void             lk_device_builder_wrong_type  (LkDeviceBuilder *builder,
                                                LkDeviceMember   member);
/* The device read so far, or NULL (and @error) when it has no id. */
LkDevice        *lk_device_builder_finish      (LkDeviceBuilder  *builder,
                                                GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkDeviceBuilder, lk_device_builder_free)

/* The device name casefolded (accents kept, as lk_device_query folds words), for ranking:
 * computed once when the device is built, never NULL. */
const char      *lk_device_get_sort_key        (LkDevice *self);

G_END_DECLS
