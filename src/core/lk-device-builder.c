/* lk-device-builder.c: LkDevices built member by member, for the streaming page reader and for
 * lk_device_new_from_json(): Graph's dates read without a GDateTime, repeated values interned,
 * a device's other strings copied into one block.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-device.h"
#include "lk-device-private.h"
#include "lk-graph-error.h"
#include "lk-json.h"

#define NO_DATE LK_DEVICE_NO_DATE

/* --- dates ------------------------------------------------------------------------------------ */

static int
digits (const char *p,
        guint       n)
{
  int value = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return -1;
      value = value * 10 + (p[i] - '0');
    }
  return value;
}

/* Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static gint64
days_from_civil (gint64 y,
                 guint  m,
                 guint  d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static gboolean
is_leap_year (int year)
{
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

/* g_date_get_days_in_month() without its call and checks: two dates a device. */
static int
days_in_month (int month,
               int year)
{
  static const guint8 days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  return days[month - 1] + (month == 2 && is_leap_year (year));
}

/* Graph's "2024-05-20T10:15:30.1234567Z" without a GDateTime; anything else (an offset, a
 * leap second…) goes to GLib's parser. */
static gboolean
parse_date_fast (const char *p,
                 gsize       len,
                 gint64     *us)
{
  int year, month, day, hour, minute, second;
  gint64 fraction = 0;
  gsize i = 19;

  if (len < 20 || p[4] != '-' || p[7] != '-' || p[10] != 'T'
      || p[13] != ':' || p[16] != ':')
    return FALSE;
  year = digits (p, 4);
  month = digits (p + 5, 2);
  day = digits (p + 8, 2);
  hour = digits (p + 11, 2);
  minute = digits (p + 14, 2);
  second = digits (p + 17, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23
      || minute < 0 || minute > 59 || second < 0 || second > 59
      || day > days_in_month (month, year))
    return FALSE;
  if (p[i] == '.' || p[i] == ',')
    {
      guint n = 0;

      for (i++; i < len && g_ascii_isdigit (p[i]); i++, n++)
        if (n < 6)
          fraction = fraction * 10 + (p[i] - '0');
      if (n == 0)
        return FALSE;
      for (; n < 6; n++)
        fraction *= 10;
    }
  if (i + 1 != len || p[i] != 'Z')
    return FALSE;
  *us = ((days_from_civil (year, (guint) month, (guint) day) * 24 + hour) * 60 + minute) * 60 + second;
  *us = *us * G_USEC_PER_SEC + fraction;
  return TRUE;
}

/* NO_DATE for text that is not a date, and for year 1, which Graph writes for "never". */
static gint64
parse_date (const char *value,
            gsize       len)
{
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) when = NULL;
  gint64 us;

  if (parse_date_fast (value, len, &us))
    return us < days_from_civil (2, 1, 1) * 86400 * G_USEC_PER_SEC ? NO_DATE : us;

  text = g_strndup (value, len);
  when = g_date_time_new_from_iso8601 (text, NULL);
  if (when == NULL || g_date_time_get_year (when) <= 1)
    return NO_DATE;
  return g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when);
}

/* --- building member by member ---------------------------------------------------------------- */

/* Direct-mapped cache of the interned values seen lately, shared by every member: "Android" or
 * "SM-S911B" again costs a hash and a compare instead of GQuark's global lock (and a copy for
 * its NUL). One cache a thread, kept from page to page (its values are quarks, never freed),
 * of 4096 slots (96 kB): with one a builder, a page's builder began with none, and in 1024
 * slots a tenant's ~350 values of these members collided; a million whole devices missed
 * ~150 000 times, now fewer than a thousand. */
#define N_CACHED 4096

/* How many distinct values the builders may intern, process-wide: interned text is never
 * freed, so a hostile service sending a fresh model name per device must not grow it without
 * bound. Past it values go in the device's block like any other. */
#define MAX_INTERNED 65536

typedef struct
{
  const char *text;   /* the quark's string */
  guint32     len;
  guint32     slot;   /* LK_DEVICE_QUARK | quark */
  guint       member;
} Cached;

struct _LkDeviceBuilder
{
  GString        *values;                    /* the current device's strings, each NUL-ended */
  guint32         slots[N_STRING_MEMBERS];   /* as LkDevice's, offsets into values */
  guint32         beta_owner_type;
  int             is_supervised;
  gint64          last_sync_us;
  gint64          enrolled_us;
  GPtrArray      *problems;
  Cached         *cache;                     /* its thread's: a builder stays on one thread */
};

static GPrivate thread_cache = G_PRIVATE_INIT (g_free);

static int n_interned;

guint8 lk_device_members_by_length[LK_DEVICE_MAX_NAME_LEN + 1][LK_DEVICE_SAME_LENGTH];

static void
index_members (void)
{
  static gsize indexed;

  if (!g_once_init_enter (&indexed))
    return;
  for (LkDeviceMember i = 1; i < N_MEMBERS; i++)
    {
      guint len = lk_device_members[i].len;
      guint k = 0;

      g_assert (len <= LK_DEVICE_MAX_NAME_LEN);
      while (lk_device_members_by_length[len][k] != 0)
        k++;
      g_assert (k < LK_DEVICE_SAME_LENGTH);
      lk_device_members_by_length[len][k] = (guint8) i;
    }
  g_once_init_leave (&indexed, 1);
}

LkDeviceBuilder *
lk_device_builder_new (void)
{
  LkDeviceBuilder *builder = g_new0 (LkDeviceBuilder, 1);

  index_members ();
  builder->cache = g_private_get (&thread_cache);
  if (builder->cache == NULL)
    {
      builder->cache = g_new0 (Cached, N_CACHED);
      g_private_set (&thread_cache, builder->cache);
    }
  builder->values = g_string_sized_new (512);
  lk_device_builder_begin (builder);
  return builder;
}

void
lk_device_builder_free (LkDeviceBuilder *builder)
{
  g_string_free (builder->values, TRUE);
  g_clear_pointer (&builder->problems, g_ptr_array_unref);
  g_free (builder);
}

void
lk_device_builder_begin (LkDeviceBuilder *builder)
{
  g_string_truncate (builder->values, 0);
  memset (builder->slots, 0, sizeof builder->slots);
  builder->beta_owner_type = 0;
  builder->is_supervised = -1;
  builder->last_sync_us = builder->enrolled_us = NO_DATE;
  g_clear_pointer (&builder->problems, g_ptr_array_unref);
}

/* Where @value may be in the cache: from its length and its first and last eight bytes, not a
 * byte-by-byte hash (a multiply a byte, one after the other, was 6% of reading a page). Two
 * values that differ only in between share a slot: the compare tells them apart. */
static guint
cache_slot (LkDeviceMember  member,
            const char     *value,
            gsize           len)
{
  guint64 head = 0, tail = 0, hash;

  if (len >= 8)
    {
      memcpy (&head, value, 8);
      memcpy (&tail, value + len - 8, 8);
    }
  else
    for (gsize i = 0; i < len; i++)
      head = head << 8 | (guchar) value[i];
  hash = (head * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) ^ (tail * G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F))
         ^ ((guint64) len << 8) ^ member;
  hash ^= hash >> 32;
  return (guint) (hash ^ (hash >> 16)) % N_CACHED;
}

/* intern() when @value is not in the cache: rare once a thread has read a page or two. */
G_NO_INLINE static guint32
intern_miss (Cached         *cached,
             LkDeviceMember  member,
             const char     *value,
             gsize           len)
{
  g_autofree char *copy = NULL;
  char stack[128];
  const char *text;
  GQuark quark;

  /* GQuark wants a NUL at the end: most values are short enough for the stack. */
  if (len < sizeof stack)
    {
      memcpy (stack, value, len);
      stack[len] = '\0';
      text = stack;
    }
  else
    text = copy = g_strndup (value, len);
  quark = g_quark_try_string (text);
  if (quark == 0)
    {
      if (g_atomic_int_get (&n_interned) >= MAX_INTERNED)
        return 0;
      g_atomic_int_inc (&n_interned);
      quark = g_quark_from_string (text);
    }
  cached->text = g_quark_to_string (quark);
  cached->len = (guint32) len;
  cached->member = member;
  cached->slot = LK_DEVICE_QUARK | quark;
  return cached->slot;
}

/* The slot of @value interned, or 0 when no more values may be interned. */
G_ALWAYS_INLINE static inline guint32
intern (LkDeviceBuilder *builder,
        LkDeviceMember   member,
        const char      *value,
        gsize            len)
{
  Cached *cached = &builder->cache[cache_slot (member, value, len)];

  if (G_LIKELY (cached->text != NULL && cached->member == member && cached->len == len
                && (len >= 4 ? lk_same_bytes (cached->text, value, len) : memcmp (cached->text, value, len) == 0)))
    return cached->slot;
  return intern_miss (cached, member, value, len);
}

static void
note_problem (LkDeviceBuilder *builder,
              LkDeviceMember   member)
{
  if (builder->problems == NULL)
    builder->problems = g_ptr_array_new_with_free_func (g_free);
  /* Translators: %s is a Microsoft Graph member name such as "osVersion". */
  g_ptr_array_add (builder->problems,
                   g_strdup_printf (_("Microsoft Graph sent “%s” with an unexpected type; it is shown as unknown."),
                                    lk_device_members[member].name));
}

/* g_string_append_len() without its call and checks: a page appends ~15 000 values. */
static guint32
append_value (LkDeviceBuilder *builder,
              const char      *value,
              gsize            len)
{
  GString *values = builder->values;
  gsize at = values->len;

  if (at + len + 1 >= values->allocated_len)
    g_string_set_size (values, MAX (at + len + 1, values->allocated_len * 2));
  memcpy (values->str + at, value, len);
  values->str[at + len] = '\0';
  values->len = at + len + 1;
  return (guint32) at + 1;
}

/* The e-mail address is most often the UPN again: the device keeps it once, whichever comes
 * first (Graph's documented order, a whole managedDevice, has emailAddress before
 * userPrincipalName; a $select may have either first). The slot of the other of the two when
 * it holds the same text, else 0. */
static guint32
same_as_partner (LkDeviceBuilder *builder,
                 LkDeviceMember   member,
                 const char      *value,
                 gsize            len)
{
  guint32 other;

  if (member == MEMBER_EMAIL_ADDRESS)
    other = builder->slots[MEMBER_USER_PRINCIPAL_NAME];
  else if (member == MEMBER_USER_PRINCIPAL_NAME)
    other = builder->slots[MEMBER_EMAIL_ADDRESS];
  else
    return 0;
  if (other != 0 && (other & LK_DEVICE_QUARK) == 0
      && other - 1 + len < builder->values->len
      && builder->values->str[other - 1 + len] == '\0'
      && memcmp (builder->values->str + other - 1, value, len) == 0)
    return other;
  return 0;
}

static void
set_text (LkDeviceBuilder *builder,
          LkDeviceMember   member,
          const char      *value,
          gsize            len)
{
  guint32 slot = 0;

  /* Graph sends "" for unknown text: the same as absent. */
  if (len > 0 && lk_device_members[member].interned)
    slot = intern (builder, member, value, len);
  if (len > 0 && slot == 0)
    slot = same_as_partner (builder, member, value, len);
  if (len > 0 && slot == 0 && len < G_MAXINT32 - builder->values->len)
    slot = append_value (builder, value, len);
  builder->slots[member] = slot;
}

void
lk_device_builder_set_string (LkDeviceBuilder *builder,
                              LkDeviceMember   member,
                              const char      *value,
                              gsize            len)
{
  switch (member)
    {
    case LK_DEVICE_MEMBER_OTHER:
      break;
    case MEMBER_BETA_OWNER_TYPE:
      if (len > 0)
        builder->beta_owner_type = intern (builder, member, value, len);
      break;
    case MEMBER_LAST_SYNC:
      builder->last_sync_us = parse_date (value, len);
      break;
    case MEMBER_ENROLLED:
      builder->enrolled_us = parse_date (value, len);
      break;
    case MEMBER_IS_SUPERVISED:
      lk_device_builder_wrong_type (builder, member);
      break;
    default:
      set_text (builder, member, value, len);
      break;
    }
}

void
lk_device_builder_set_boolean (LkDeviceBuilder *builder,
                               LkDeviceMember   member,
                               gboolean         value)
{
  if (member == MEMBER_IS_SUPERVISED)
    builder->is_supervised = value ? 1 : 0;
  else if (member != LK_DEVICE_MEMBER_OTHER)
    lk_device_builder_wrong_type (builder, member);
}

void
lk_device_builder_wrong_type (LkDeviceBuilder *builder,
                              LkDeviceMember   member)
{
  if (member == LK_DEVICE_MEMBER_OTHER)
    return;
  if (member == MEMBER_ID)
    {
      builder->slots[MEMBER_ID] = 0;
      return;
    }
  note_problem (builder, member);
}

static gboolean
is_ascii (const char *text)
{
  for (; *text != '\0'; text++)
    if ((guchar) *text >= 0x80)
      return FALSE;
  return TRUE;
}

/* Copies the strings into @self's block. The sort key is the name itself when the name is
 * ASCII (its letters are folded as it is compared: lk_device_sort_key_byte()), so a million
 * devices do not keep a second copy of every name; other names keep their casefold after the
 * strings when it differs from the name. */
static void
fill_block (LkDevice        *self,
            LkDeviceBuilder *builder)
{
  gsize size = builder->values->len;
  guint32 name_slot = builder->slots[MEMBER_DEVICE_NAME];
  const char *name = name_slot != 0 && (name_slot & LK_DEVICE_QUARK) == 0
                     ? builder->values->str + name_slot - 1 : NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *folded = NULL;
  gsize key_len;

  self->strings[LK_DEVICE_SORT_KEY] = name_slot;
  if (name == NULL || is_ascii (name))
    {
      self->block = g_malloc (MAX (size, 1));
      memcpy (self->block, builder->values->str, size);
      return;
    }
  normalized = g_utf8_normalize (name, -1, G_NORMALIZE_DEFAULT_COMPOSE);
  folded = g_utf8_casefold (normalized != NULL ? normalized : name, -1);
  if (strcmp (folded, name) == 0)
    {
      self->block = g_malloc (size);
      memcpy (self->block, builder->values->str, size);
      return;
    }
  key_len = strlen (folded);
  self->block = g_malloc (size + key_len + 1);
  memcpy (self->block, builder->values->str, size);
  memcpy (self->block + size, folded, key_len + 1);
  self->strings[LK_DEVICE_SORT_KEY] = (guint32) size + 1;
}

LkDevice *
lk_device_builder_finish (LkDeviceBuilder  *builder,
                          GError          **error)
{
  LkDevice *self;

  if (builder->slots[MEMBER_ID] == 0)
    {
      g_propagate_error (error, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INVALID_RESPONSE,
                                                                 _("Microsoft Graph sent a device without an ID."),
                                                                 200, NULL, NULL, NULL));
      return NULL;
    }

  self = g_object_new (LK_TYPE_DEVICE, NULL);
  for (guint i = 1; i < N_STRING_MEMBERS; i++)
    self->strings[i] = builder->slots[i];
  fill_block (self, builder);
  if (self->strings[MEMBER_OWNER_TYPE] == 0)
    self->strings[MEMBER_OWNER_TYPE] = builder->beta_owner_type;
  self->is_supervised = (gint8) builder->is_supervised;
  self->last_sync_us = builder->last_sync_us;
  self->enrolled_us = builder->enrolled_us;
  if (builder->problems != NULL)
    {
      g_ptr_array_add (builder->problems, NULL);
      lk_device_get_extra (self)->problems = (GStrv) g_ptr_array_free (g_steal_pointer (&builder->problems), FALSE);
    }
  return self;
}

/* --- one entity, through json-glib ------------------------------------------------------------ */

/* Graph beta's hardwareInformation says whether an iPad is a Shared iPad: isSharedDevice
 * ("Shared iPad"), and sharedDeviceCachedUsers lists its users. Graph returns it only on a
 * single-device GET that selects it
 * (learn.microsoft.com/graph/api/resources/intune-devices-hardwareinformation?view=graph-rest-beta). */
static int
shared_device_from (JsonObject *hardware)
{
  JsonArray *users;

  if (hardware == NULL)
    return -1;
  users = lk_json_get_array (hardware, "sharedDeviceCachedUsers");
  if (users != NULL && json_array_get_length (users) > 0)
    return 1;
  if (lk_json_member_has_wrong_type (hardware, "isSharedDevice", G_TYPE_BOOLEAN)
      || !json_object_has_member (hardware, "isSharedDevice")
      || json_object_get_null_member (hardware, "isSharedDevice"))
    return -1;
  return lk_json_get_boolean (hardware, "isSharedDevice", FALSE) ? 1 : 0;
}

LkDevice *
lk_device_new_from_json (JsonObject  *object,
                         GError     **error)
{
  g_autoptr(LkDeviceBuilder) builder = lk_device_builder_new ();
  LkDevice *device;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  g_return_val_if_fail (object != NULL, NULL);

  /* In document order, like the page reader: the notes come out in the same order. */
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      LkDeviceMember member = lk_device_builder_member (builder, name, strlen (name));
      GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

      if (member == LK_DEVICE_MEMBER_OTHER || JSON_NODE_HOLDS_NULL (node))
        continue;
      if (type == G_TYPE_STRING)
        {
          const char *value = json_node_get_string (node);

          /* json-glib allows a string node without a string; that is null. */
          if (value != NULL)
            lk_device_builder_set_string (builder, member, value, strlen (value));
        }
      else if (type == G_TYPE_BOOLEAN)
        lk_device_builder_set_boolean (builder, member, json_node_get_boolean (node));
      else
        lk_device_builder_wrong_type (builder, member);
    }
  device = lk_device_builder_finish (builder, error);
  if (device != NULL)
    {
      int shared = shared_device_from (lk_json_get_object (object, "hardwareInformation"));
      const char *entra_id = lk_json_get_string (object, "azureADDeviceId", NULL);

      /* Only a single-device GET selects these: a listing's devices carry no room for them. */
      if (shared >= 0 || entra_id != NULL)
        {
          LkDeviceExtra *extra = lk_device_get_extra (device);

          extra->is_shared_device = shared;
          extra->azure_ad_device_id = g_strdup (entra_id);
        }
    }
  return device;
}

