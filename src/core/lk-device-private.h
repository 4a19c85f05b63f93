/* lk-device-private.h: building LkDevices member by member, for the two JSON readers (the
 * streaming page reader and lk_device_new_from_json()), so every member has one set of rules;
 * and the device's compact layout, shared by lk-device.c and lk-device-builder.c.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "lk-device.h"

G_BEGIN_DECLS

/* @a and @b, both @n >= 4 readable bytes, hold the same bytes: the page reader's members and
 * names against the device before's, the builder's interned values against its cache. A few
 * wide loads, overlapping at the end, where memcmp's call would cost more than the comparison;
 * memcmp from 64 bytes on (a skipped hardwareInformation is 1.3 kB), where its wider loads win. */
G_ALWAYS_INLINE static inline gboolean
lk_same_bytes (const char *a,
               const char *b,
               gsize       n)
{
  guint64 x, y, x2, y2;
  guint32 u, v, u2, v2;

  if (n >= 64)
    return memcmp (a, b, n) == 0;
  if (n >= 16)
    {
#ifdef __SSE2__
      for (gsize i = 0; i + 16 <= n; i += 16)
        if (_mm_movemask_epi8 (_mm_cmpeq_epi8 (_mm_loadu_si128 ((const __m128i *) (a + i)),
                                               _mm_loadu_si128 ((const __m128i *) (b + i)))) != 0xffff)
          return FALSE;
      return _mm_movemask_epi8 (_mm_cmpeq_epi8 (_mm_loadu_si128 ((const __m128i *) (a + n - 16)),
                                                _mm_loadu_si128 ((const __m128i *) (b + n - 16)))) == 0xffff;
#else
      return memcmp (a, b, n) == 0;
#endif
    }
  if (n >= 8)
    {
      memcpy (&x, a, 8);
      memcpy (&y, b, 8);
      memcpy (&x2, a + n - 8, 8);
      memcpy (&y2, b + n - 8, 8);
      return x == y && x2 == y2;
    }
  memcpy (&u, a, 4);
  memcpy (&v, b, 4);
  memcpy (&u2, a + n - 4, 4);
  memcpy (&v2, b + n - 4, 4);
  return u == v && u2 == v2;
}

/* Which managedDevice member a name is; 0 for the members Latchkey does not read. */
typedef guint LkDeviceMember;
#define LK_DEVICE_MEMBER_OTHER 0

/* Reused device after device (one per page, used on the thread that made it): it keeps the
 * values of the device being read in one buffer, and remembers, with the thread's other
 * builders, the last enum-like values interned. */
typedef struct _LkDeviceBuilder LkDeviceBuilder;

LkDeviceBuilder *lk_device_builder_new         (void);
void             lk_device_builder_free        (LkDeviceBuilder *builder);
/* Forgets the values so far: the next device starts. */
void             lk_device_builder_begin       (LkDeviceBuilder *builder);
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

/* The device name in one case, for ranking, never NULL: for a name in ASCII the name itself,
 * whose letters are folded as it is compared (each byte through lk_device_sort_key_byte()); for
 * any other name its casefold (accents kept, as lk_device_query folds words), computed once
 * when the device is built, which that fold leaves as it is. */
const char      *lk_device_get_sort_key        (LkDevice *self);

/* A sort key's byte as ranking compares it: ASCII letters in lower case. */
static inline guchar
lk_device_sort_key_byte (char c)
{
  return c >= 'A' && c <= 'Z' ? (guchar) (c + ('a' - 'A')) : (guchar) c;
}

/* --- the layout (lk-device.c and lk-device-builder.c only) ------------------------------------ */

#define LK_DEVICE_NO_DATE G_MININT64

/* The members Latchkey reads. The string ones come first, in property order, so the JSON
 * readers, the getters and the writer share one list. Slot 0 of a device's strings is its
 * sort key. */
enum
{
  LK_DEVICE_SORT_KEY = 0,
  MEMBER_DEVICE_NAME = 1,
  MEMBER_USER_PRINCIPAL_NAME,
  MEMBER_USER_DISPLAY_NAME,
  MEMBER_EMAIL_ADDRESS,
  MEMBER_SERIAL_NUMBER,
  MEMBER_IMEI,
  MEMBER_OPERATING_SYSTEM,
  MEMBER_OS_VERSION,
  MEMBER_MODEL,
  MEMBER_MANUFACTURER,
  MEMBER_ENROLLMENT_TYPE,
  MEMBER_OWNER_TYPE,
  MEMBER_MANAGEMENT_AGENT,
  MEMBER_DEVICE_TYPE,
  MEMBER_JOIN_TYPE,
  MEMBER_COMPLIANCE_STATE,
  MEMBER_ID,
  N_STRING_MEMBERS,
  MEMBER_BETA_OWNER_TYPE = N_STRING_MEMBERS,   /* beta's ownerType */
  MEMBER_IS_SUPERVISED,
  MEMBER_LAST_SYNC,
  MEMBER_ENROLLED,
  N_MEMBERS
};

typedef struct
{
  const char *name;
  guint       len;
  guint       prop;
  gboolean    interned;  /* repeats across devices: kept as a GQuark, not in the block */
} LkDeviceMemberInfo;

extern const LkDeviceMemberInfo lk_device_members[N_MEMBERS];

/* A string slot: 0 for none, an offset + 1 into the device's block, or LK_DEVICE_QUARK | a
 * GQuark for the values that repeat across thousands of devices (OS, model, enrollment…). Four
 * bytes where a pointer took eight, and the repeated text is not in every device's block. */
#define LK_DEVICE_QUARK 0x80000000u

/* What few devices need: made when first needed. The dates are made from the microseconds
 * when asked; the rest only by a single-device GET or a device with wrong-typed members. */
typedef struct
{
  GDateTime *last_sync;
  GDateTime *enrolled;
  GStrv      problems;
  char      *azure_ad_device_id; /* the Entra device id, single-device GET only; NULL: unknown */
  int        is_shared_device;   /* hardwareInformation, single-device GET only; -1: unknown */
} LkDeviceExtra;

/* A listing holds every device it finds (a million of them for a big tenant), so every byte
 * here counts: 128 bytes (GSlice's size class), where the pointer-per-member layout took 232
 * (240). The LkDeviceExtra, when there is one, is in the GObject's qdata, which every GObject
 * has anyway. Read-only once built. */
struct _LkDevice
{
  GObject        parent_instance;

  /* The strings that differ device to device, one after another in one allocation. */
  char          *block;
  /* Microseconds since 1970; LK_DEVICE_NO_DATE: never or unknown. */
  gint64         last_sync_us;
  gint64         enrolled_us;
  guint32        strings[N_STRING_MEMBERS];
  gint8          is_supervised;   /* -1 unknown, 0, 1 */
};

/* The device's LkDeviceExtra, made (once, whatever thread asks) when it has none. */
LkDeviceExtra   *lk_device_get_extra           (LkDevice *self);
/* The same, or NULL when it has none. */
LkDeviceExtra   *lk_device_peek_extra          (LkDevice *self);

/* The members Latchkey reads by the length of their names, made by the first
 * lk_device_builder_new(): a full managedDevice has ~120 members and Latchkey reads 21, so most
 * names are looked up only to find they are none of these, and most fail at the length or the
 * first byte. */
#define LK_DEVICE_MAX_NAME_LEN 32
#define LK_DEVICE_SAME_LENGTH  6
extern guint8 lk_device_members_by_length[LK_DEVICE_MAX_NAME_LEN + 1][LK_DEVICE_SAME_LENGTH];

/* @name need not be NUL-terminated. Inline: the page reader looks up ~120 names a device. The
 * builder is asked for because making one builds the index. */
static inline LkDeviceMember
lk_device_builder_member (LkDeviceBuilder *builder,
                          const char      *name,
                          gsize            len)
{
  const guint8 *same;

  (void) builder;
  if (len == 0 || len > LK_DEVICE_MAX_NAME_LEN)
    return LK_DEVICE_MEMBER_OTHER;
  same = lk_device_members_by_length[len];
  for (guint k = 0; k < LK_DEVICE_SAME_LENGTH && same[k] != 0; k++)
    {
      const char *candidate = lk_device_members[same[k]].name;
      gsize i = 0;

      /* A byte loop: most names differ in their first bytes, and memcmp's call costs more. */
      while (i < len && candidate[i] == name[i])
        i++;
      if (i == len)
        return same[k];
    }
  return LK_DEVICE_MEMBER_OTHER;
}

G_END_DECLS
