/* lk-device.c: one Intune managedDevice, from Graph's v1.0 or beta JSON. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-device.h"
#include "lk-device-private.h"
#include "lk-graph-error.h"
#include "lk-json.h"
#include "lk-json-writer.h"

#define NO_DATE G_MININT64

struct _LkDevice
{
  GObject     parent_instance;

  /* The strings that differ device to device, one after another in one allocation: a
   * 100 000-device listing makes 100 000 of these, not a million small ones. */
  char       *block;
  const char *id;
  const char *device_name;
  const char *user_principal_name;
  const char *user_display_name;
  const char *email_address;
  const char *serial_number;
  const char *imei;
  const char *os_version;
  const char *model;
  const char *manufacturer;
  /* Enum-like members repeat across thousands of devices: interned, never freed. */
  const char *operating_system;
  const char *enrollment_type;
  const char *owner_type;
  const char *management_agent;
  const char *device_type;
  const char *join_type;
  const char *compliance_state;
  const char *sort_key;
  int         is_supervised;
  int         is_shared_device;   /* hardwareInformation, single-device GET only; -1: unknown */
  char       *azure_ad_device_id; /* the Entra device id, single-device GET only; NULL: unknown */
  /* Microseconds since 1970 (NO_DATE: never or unknown); the GDateTimes are made when asked. */
  gint64      last_sync_us;
  gint64      enrolled_us;
  GDateTime  *last_sync;
  GDateTime  *enrolled;
  GStrv       problems;
};

G_DEFINE_FINAL_TYPE (LkDevice, lk_device, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_DEVICE_NAME,
  PROP_USER_PRINCIPAL_NAME,
  PROP_USER_DISPLAY_NAME,
  PROP_EMAIL_ADDRESS,
  PROP_SERIAL_NUMBER,
  PROP_IMEI,
  PROP_OPERATING_SYSTEM,
  PROP_OS_VERSION,
  PROP_MODEL,
  PROP_MANUFACTURER,
  PROP_ENROLLMENT_TYPE,
  PROP_OWNER_TYPE,
  PROP_MANAGEMENT_AGENT,
  PROP_DEVICE_TYPE,
  PROP_JOIN_TYPE,
  PROP_COMPLIANCE_STATE,
  PROP_IS_SUPERVISED,
  PROP_LAST_SYNC,
  PROP_ENROLLED,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

/* The members Latchkey reads. The string ones come first, in property order, so the JSON
 * readers, the getters and the writer share one list. */
enum
{
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
  gsize       offset;
  gboolean    interned;
} Member;

#define STRING_MEMBER(graph_name, property, field, is_interned) \
  { graph_name, sizeof graph_name - 1, property, G_STRUCT_OFFSET (LkDevice, field), is_interned }
#define OTHER_MEMBER(graph_name) { graph_name, sizeof graph_name - 1, 0, 0, FALSE }

static const Member members[N_MEMBERS] = {
  [MEMBER_DEVICE_NAME] = STRING_MEMBER ("deviceName", PROP_DEVICE_NAME, device_name, FALSE),
  [MEMBER_USER_PRINCIPAL_NAME] = STRING_MEMBER ("userPrincipalName", PROP_USER_PRINCIPAL_NAME, user_principal_name, FALSE),
  [MEMBER_USER_DISPLAY_NAME] = STRING_MEMBER ("userDisplayName", PROP_USER_DISPLAY_NAME, user_display_name, FALSE),
  [MEMBER_EMAIL_ADDRESS] = STRING_MEMBER ("emailAddress", PROP_EMAIL_ADDRESS, email_address, FALSE),
  [MEMBER_SERIAL_NUMBER] = STRING_MEMBER ("serialNumber", PROP_SERIAL_NUMBER, serial_number, FALSE),
  [MEMBER_IMEI] = STRING_MEMBER ("imei", PROP_IMEI, imei, FALSE),
  [MEMBER_OPERATING_SYSTEM] = STRING_MEMBER ("operatingSystem", PROP_OPERATING_SYSTEM, operating_system, TRUE),
  [MEMBER_OS_VERSION] = STRING_MEMBER ("osVersion", PROP_OS_VERSION, os_version, FALSE),
  [MEMBER_MODEL] = STRING_MEMBER ("model", PROP_MODEL, model, FALSE),
  [MEMBER_MANUFACTURER] = STRING_MEMBER ("manufacturer", PROP_MANUFACTURER, manufacturer, FALSE),
  [MEMBER_ENROLLMENT_TYPE] = STRING_MEMBER ("deviceEnrollmentType", PROP_ENROLLMENT_TYPE, enrollment_type, TRUE),
  [MEMBER_OWNER_TYPE] = STRING_MEMBER ("managedDeviceOwnerType", PROP_OWNER_TYPE, owner_type, TRUE),
  [MEMBER_MANAGEMENT_AGENT] = STRING_MEMBER ("managementAgent", PROP_MANAGEMENT_AGENT, management_agent, TRUE),
  [MEMBER_DEVICE_TYPE] = STRING_MEMBER ("deviceType", PROP_DEVICE_TYPE, device_type, TRUE),
  [MEMBER_JOIN_TYPE] = STRING_MEMBER ("joinType", PROP_JOIN_TYPE, join_type, TRUE),
  [MEMBER_COMPLIANCE_STATE] = STRING_MEMBER ("complianceState", PROP_COMPLIANCE_STATE, compliance_state, TRUE),
  [MEMBER_ID] = STRING_MEMBER ("id", PROP_ID, id, FALSE),
  [MEMBER_BETA_OWNER_TYPE] = OTHER_MEMBER ("ownerType"),
  [MEMBER_IS_SUPERVISED] = OTHER_MEMBER ("isSupervised"),
  [MEMBER_LAST_SYNC] = OTHER_MEMBER ("lastSyncDateTime"),
  [MEMBER_ENROLLED] = OTHER_MEMBER ("enrolledDateTime"),
};

#undef STRING_MEMBER
#undef OTHER_MEMBER

static const char **
member_slot (LkDevice *self,
             guint     member)
{
  return (const char **) G_STRUCT_MEMBER_P (self, members[member].offset);
}

static void
lk_device_finalize (GObject *object)
{
  LkDevice *self = LK_DEVICE (object);

  g_free (self->block);
  g_free (self->azure_ad_device_id);
  g_clear_pointer (&self->last_sync, g_date_time_unref);
  g_clear_pointer (&self->enrolled, g_date_time_unref);
  g_clear_pointer (&self->problems, g_strfreev);

  G_OBJECT_CLASS (lk_device_parent_class)->finalize (object);
}

static void
lk_device_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  LkDevice *self = LK_DEVICE (object);

  for (guint i = 1; i < N_STRING_MEMBERS; i++)
    if (members[i].prop == prop_id)
      {
        g_value_set_string (value, *member_slot (self, i));
        return;
      }

  switch (prop_id)
    {
    case PROP_IS_SUPERVISED:
      g_value_set_int (value, self->is_supervised);
      break;
    case PROP_LAST_SYNC:
      g_value_set_boxed (value, lk_device_get_last_sync (self));
      break;
    case PROP_ENROLLED:
      g_value_set_boxed (value, lk_device_get_enrolled (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static char *
property_name (const char *member)
{
  GString *name = g_string_new (NULL);

  /* "userPrincipalName" → "user-principal-name" */
  for (const char *p = member; *p != '\0'; p++)
    {
      if (g_ascii_isupper (*p))
        g_string_append_c (name, '-');
      g_string_append_c (name, g_ascii_tolower (*p));
    }
  return g_string_free (name, FALSE);
}

static void
lk_device_class_init (LkDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lk_device_finalize;
  object_class->get_property = lk_device_get_property;

  for (guint i = 1; i < N_STRING_MEMBERS; i++)
    {
      const char *name;

      /* A few read better under their own names than Graph's. */
      if (i == MEMBER_ENROLLMENT_TYPE)
        name = "enrollment-type";
      else if (i == MEMBER_OWNER_TYPE)
        name = "owner-type";
      else
        {
          g_autofree char *generated = property_name (members[i].name);
          name = g_intern_string (generated);
        }
      props[members[i].prop] = g_param_spec_string (name, NULL, NULL, NULL,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
    }
  props[PROP_IS_SUPERVISED] = g_param_spec_int ("is-supervised", NULL, NULL, -1, 1, -1,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_LAST_SYNC] = g_param_spec_boxed ("last-sync", NULL, NULL, G_TYPE_DATE_TIME,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_ENROLLED] = g_param_spec_boxed ("enrolled", NULL, NULL, G_TYPE_DATE_TIME,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
lk_device_init (LkDevice *self)
{
  self->is_supervised = -1;
  self->is_shared_device = -1;
  self->last_sync_us = self->enrolled_us = NO_DATE;
  self->sort_key = "";
}

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
      || day > g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year))
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

static GDateTime *
date_time (GDateTime **cache,
           gint64      us)
{
  GDateTime *when, *whole;
  gint64 seconds;

  if (us == NO_DATE)
    return NULL;
  when = g_atomic_pointer_get (cache);
  if (when != NULL)
    return when;

  seconds = us >= 0 ? us / G_USEC_PER_SEC : -((-us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  whole = g_date_time_new_from_unix_utc (seconds);
  when = g_date_time_add (whole, us - seconds * G_USEC_PER_SEC);
  g_date_time_unref (whole);
  /* Devices are read-only once built, so two threads may race here: one GDateTime wins. */
  if (!g_atomic_pointer_compare_and_exchange (cache, NULL, when))
    {
      g_date_time_unref (when);
      when = g_atomic_pointer_get (cache);
    }
  return when;
}

/* --- building member by member ---------------------------------------------------------------- */

#define RECENT 4

struct _LkDeviceBuilder
{
  GString        *values;                    /* the current device's strings, each NUL-ended */
  gssize          offsets[N_STRING_MEMBERS]; /* into values; -1: absent */
  const char     *interned[N_STRING_MEMBERS];
  const char     *beta_owner_type;
  int             is_supervised;
  gint64          last_sync_us;
  gint64          enrolled_us;
  GPtrArray      *problems;
  /* The interned values seen last for each member: "Android" again costs a compare instead of
   * g_intern_string()'s global lock. */
  const char     *recent[N_MEMBERS][RECENT];
  gsize           recent_len[N_MEMBERS][RECENT];
  guint           recent_next[N_MEMBERS];
  /* The member that followed each member last time. */
  LkDeviceMember  previous;
  LkDeviceMember  next[N_MEMBERS];
};

LkDeviceBuilder *
lk_device_builder_new (void)
{
  LkDeviceBuilder *builder = g_new0 (LkDeviceBuilder, 1);

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
  for (guint i = 0; i < N_STRING_MEMBERS; i++)
    {
      builder->offsets[i] = -1;
      builder->interned[i] = NULL;
    }
  builder->beta_owner_type = NULL;
  builder->is_supervised = -1;
  builder->last_sync_us = builder->enrolled_us = NO_DATE;
  g_clear_pointer (&builder->problems, g_ptr_array_unref);
  builder->previous = LK_DEVICE_MEMBER_OTHER;
}

static gboolean
is_member (LkDeviceMember  member,
           const char     *name,
           gsize           len)
{
  return members[member].len == len && memcmp (members[member].name, name, len) == 0;
}

LkDeviceMember
lk_device_builder_member (LkDeviceBuilder *builder,
                          const char      *name,
                          gsize            len)
{
  LkDeviceMember guess = builder->next[builder->previous];
  LkDeviceMember found = LK_DEVICE_MEMBER_OTHER;

  if (guess != LK_DEVICE_MEMBER_OTHER && is_member (guess, name, len))
    found = guess;
  else
    for (LkDeviceMember i = 1; i < N_MEMBERS; i++)
      if (is_member (i, name, len))
        {
          found = i;
          break;
        }
  builder->next[builder->previous] = found;
  builder->previous = found;
  return found;
}

static const char *
intern (LkDeviceBuilder *builder,
        LkDeviceMember   member,
        const char      *value,
        gsize            len)
{
  const char **recent = builder->recent[member];
  gsize *recent_len = builder->recent_len[member];
  guint slot;
  g_autofree char *text = NULL;
  const char *interned;

  for (guint i = 0; i < RECENT; i++)
    if (recent[i] != NULL && recent_len[i] == len && memcmp (recent[i], value, len) == 0)
      return recent[i];
  text = g_strndup (value, len);
  interned = g_intern_string (text);
  slot = builder->recent_next[member]++ % RECENT;
  recent[slot] = interned;
  recent_len[slot] = len;
  return interned;
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
                                    members[member].name));
}

/* g_string_append_len() without its call and checks: a page appends ~15 000 values. */
static void
append_value (LkDeviceBuilder *builder,
              LkDeviceMember   member,
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
  builder->offsets[member] = (gssize) at;
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
      /* Graph sends "" for unknown text: the same as absent. */
      builder->offsets[member] = -1;
      builder->interned[member] = NULL;
      if (len == 0)
        break;
      if (members[member].interned)
        {
          builder->interned[member] = intern (builder, member, value, len);
          break;
        }
      append_value (builder, member, value, len);
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
      builder->offsets[MEMBER_ID] = -1;
      return;
    }
  note_problem (builder, member);
}

/* The name in one case, for ranking, written at @out (room for its length + 1); FALSE when
 * the name has other characters than ASCII (the caller folds it instead). */
static gboolean
ascii_sort_key (const char *name,
                char       *out)
{
  for (; *name != '\0'; name++, out++)
    {
      if ((guchar) *name >= 0x80)
        return FALSE;
      *out = *name >= 'A' && *name <= 'Z' ? *name + ('a' - 'A') : *name;
    }
  *out = '\0';
  return TRUE;
}

LkDevice *
lk_device_builder_finish (LkDeviceBuilder  *builder,
                          GError          **error)
{
  LkDevice *self;
  const char *name = NULL;
  g_autofree char *folded = NULL;
  gsize name_len = 0, key_len, size = builder->values->len;

  if (builder->offsets[MEMBER_ID] < 0)
    {
      g_propagate_error (error, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INVALID_RESPONSE,
                                                                 _("Microsoft Graph sent a device without an ID."),
                                                                 200, NULL, NULL, NULL));
      return NULL;
    }

  self = g_object_new (LK_TYPE_DEVICE, NULL);
  /* The sort key goes in the same block, after the strings. */
  if (builder->offsets[MEMBER_DEVICE_NAME] >= 0)
    {
      name = builder->values->str + builder->offsets[MEMBER_DEVICE_NAME];
      name_len = strlen (name);
    }
  key_len = name_len;
  self->block = g_malloc (size + key_len + 1);
  memcpy (self->block, builder->values->str, size);
  if (name != NULL && !ascii_sort_key (name, self->block + size))
    {
      g_autofree char *normalized = g_utf8_normalize (name, -1, G_NORMALIZE_DEFAULT_COMPOSE);

      folded = g_utf8_casefold (normalized != NULL ? normalized : name, -1);
      key_len = strlen (folded);
      self->block = g_realloc (self->block, size + key_len + 1);
      memcpy (self->block + size, folded, key_len + 1);
    }
  if (name != NULL)
    self->sort_key = self->block + size;

  for (guint i = 1; i < N_STRING_MEMBERS; i++)
    if (members[i].interned)
      *member_slot (self, i) = builder->interned[i];
    else if (builder->offsets[i] >= 0)
      *member_slot (self, i) = self->block + builder->offsets[i];
  if (self->owner_type == NULL)
    self->owner_type = builder->beta_owner_type;
  self->is_supervised = builder->is_supervised;
  self->last_sync_us = builder->last_sync_us;
  self->enrolled_us = builder->enrolled_us;
  if (builder->problems != NULL)
    {
      g_ptr_array_add (builder->problems, NULL);
      self->problems = (GStrv) g_ptr_array_free (g_steal_pointer (&builder->problems), FALSE);
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
      device->is_shared_device = shared_device_from (lk_json_get_object (object, "hardwareInformation"));
      device->azure_ad_device_id = g_strdup (lk_json_get_string (object, "azureADDeviceId", NULL));
    }
  return device;
}

/* --- reading ---------------------------------------------------------------------------------- */

#define GETTER(name, field) \
  const char * \
  lk_device_get_##name (LkDevice *self) \
  { \
    g_return_val_if_fail (LK_IS_DEVICE (self), NULL); \
    return self->field; \
  }

GETTER (id, id)
GETTER (device_name, device_name)
GETTER (user_principal_name, user_principal_name)
GETTER (user_display_name, user_display_name)
GETTER (email_address, email_address)
GETTER (serial_number, serial_number)
GETTER (imei, imei)
GETTER (operating_system, operating_system)
GETTER (os_version, os_version)
GETTER (model, model)
GETTER (manufacturer, manufacturer)
GETTER (enrollment_type, enrollment_type)
GETTER (owner_type, owner_type)
GETTER (management_agent, management_agent)
GETTER (device_type, device_type)
GETTER (join_type, join_type)
GETTER (compliance_state, compliance_state)
GETTER (sort_key, sort_key)

#undef GETTER

int
lk_device_get_is_supervised (LkDevice *self)
{
  g_return_val_if_fail (LK_IS_DEVICE (self), -1);
  return self->is_supervised;
}

GDateTime *
lk_device_get_last_sync (LkDevice *self)
{
  g_return_val_if_fail (LK_IS_DEVICE (self), NULL);
  return date_time (&self->last_sync, self->last_sync_us);
}

GDateTime *
lk_device_get_enrolled (LkDevice *self)
{
  g_return_val_if_fail (LK_IS_DEVICE (self), NULL);
  return date_time (&self->enrolled, self->enrolled_us);
}

const char *const *
lk_device_get_problems (LkDevice *self)
{
  g_return_val_if_fail (LK_IS_DEVICE (self), NULL);
  return (const char *const *) self->problems;
}

static void
set_date (JsonObject *object,
          const char *member,
          GDateTime  *when)
{
  g_autofree char *text = when != NULL ? g_date_time_format_iso8601 (when) : NULL;

  if (text != NULL)
    json_object_set_string_member (object, member, text);
  else
    json_object_set_null_member (object, member);
}

JsonObject *
lk_device_to_json (LkDevice *self)
{
  JsonObject *object;

  g_return_val_if_fail (LK_IS_DEVICE (self), NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "id", self->id);
  for (guint i = 1; i < MEMBER_ID; i++)
    {
      const char *value = *member_slot (self, i);

      if (value != NULL)
        json_object_set_string_member (object, members[i].name, value);
      else
        json_object_set_null_member (object, members[i].name);
    }
  if (self->is_supervised >= 0)
    json_object_set_boolean_member (object, "isSupervised", self->is_supervised == 1);
  else
    json_object_set_null_member (object, "isSupervised");
  set_date (object, "lastSyncDateTime", lk_device_get_last_sync (self));
  set_date (object, "enrolledDateTime", lk_device_get_enrolled (self));
  if (self->azure_ad_device_id != NULL)
    json_object_set_string_member (object, "azureADDeviceId", self->azure_ad_device_id);
  if (self->is_shared_device >= 0)
    {
      JsonObject *hardware = json_object_new ();

      json_object_set_boolean_member (hardware, "isSharedDevice", self->is_shared_device == 1);
      json_object_set_object_member (object, "hardwareInformation", hardware);
    }
  return object;
}

/* g_date_time_format_iso8601() of the UTC time @us, without a GDateTime: it was a tenth of
 * --json's time. Days to a civil date as in Howard Hinnant's "chrono-compatible low-level date
 * algorithms"; "%C%y" is a four-digit year, ".%f" six digits only when there are any. */
static void
format_iso8601 (char   text[32],
                gint64 us)
{
  gint64 seconds = us >= 0 ? us / G_USEC_PER_SEC : -((-us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  gint64 micro = us - seconds * G_USEC_PER_SEC;
  gint64 days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  gint64 rest = seconds - days * 86400;
  gint64 z = days + 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;
  int day = (int) (doy - (153 * mp + 2) / 5 + 1);
  int month = (int) (mp < 10 ? mp + 3 : mp - 9);
  int year = (int) (yoe + era * 400 + (month <= 2));
  int n;

  n = g_snprintf (text, 32, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day,
                  (int) (rest / 3600), (int) (rest / 60 % 60), (int) (rest % 60));
  if (micro != 0)
    n += g_snprintf (text + n, 32 - n, ".%06d", (int) micro);
  g_strlcpy (text + n, "Z", 32 - n);
}

static void
write_date (LkJsonWriter *writer,
            const char   *member,
            gint64        us)
{
  char text[32];

  lk_json_writer_member (writer, member);
  if (us == NO_DATE)
    {
      lk_json_writer_null (writer);
      return;
    }
  format_iso8601 (text, us);
  lk_json_writer_string (writer, text);
}

void
lk_device_write_json_members (LkDevice     *self,
                              LkJsonWriter *writer)
{
  g_return_if_fail (LK_IS_DEVICE (self));

  lk_json_writer_member (writer, "id");
  lk_json_writer_string (writer, self->id);
  for (guint i = 1; i < MEMBER_ID; i++)
    {
      lk_json_writer_member (writer, members[i].name);
      lk_json_writer_string (writer, *member_slot (self, i));
    }
  lk_json_writer_member (writer, "isSupervised");
  if (self->is_supervised >= 0)
    lk_json_writer_boolean (writer, self->is_supervised == 1);
  else
    lk_json_writer_null (writer);
  write_date (writer, "lastSyncDateTime", self->last_sync_us);
  write_date (writer, "enrolledDateTime", self->enrolled_us);
  /* As lk_device_to_json: the Entra device id only when a single-device GET read it. */
  if (self->azure_ad_device_id != NULL)
    {
      lk_json_writer_member (writer, "azureADDeviceId");
      lk_json_writer_string (writer, self->azure_ad_device_id);
    }
  if (self->is_shared_device >= 0)
    {
      lk_json_writer_member (writer, "hardwareInformation");
      lk_json_writer_begin_object (writer);
      lk_json_writer_member (writer, "isSharedDevice");
      lk_json_writer_boolean (writer, self->is_shared_device == 1);
      lk_json_writer_end_object (writer);
    }
}

gboolean
lk_device_id_is_valid (const char *id)
{
  if (id == NULL || *id == '\0' || g_str_equal (id, ".") || g_str_equal (id, ".."))
    return FALSE;
  if (!g_utf8_validate (id, -1, NULL))
    return FALSE;
  for (const char *p = id; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c < 0x80 && strchr ("/?#%\\", (int) c) != NULL))
        return FALSE;
    }
  return TRUE;
}

const char *
lk_device_get_azure_ad_device_id (LkDevice *self)
{
  g_return_val_if_fail (LK_IS_DEVICE (self), NULL);
  return self->azure_ad_device_id;
}

int
lk_device_get_is_shared_device (LkDevice *self)
{
  g_return_val_if_fail (LK_IS_DEVICE (self), -1);
  return self->is_shared_device;
}
