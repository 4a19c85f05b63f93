/* lk-device.c: one Intune managedDevice, from Graph's v1.0 or beta JSON. */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-device.h"
#include "lk-device-private.h"
#include "lk-graph-error.h"
#include "lk-json.h"

struct _LkDevice
{
  GObject     parent_instance;

  char       *id;
  char       *device_name;
  char       *user_principal_name;
  char       *user_display_name;
  char       *email_address;
  char       *serial_number;
  char       *imei;
  char       *os_version;
  char       *model;
  char       *manufacturer;
  /* Enum-like members repeat across thousands of devices: interned, never freed. */
  const char *operating_system;
  const char *enrollment_type;
  const char *owner_type;
  const char *management_agent;
  const char *device_type;
  const char *join_type;
  const char *compliance_state;
  int         is_supervised;
  GDateTime  *last_sync;
  GDateTime  *enrolled;
  GStrv       problems;
  /* While building: notes so far, and beta's ownerType until we know v1.0's is absent. */
  GPtrArray  *pending_problems;
  const char *beta_owner_type;
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

/* Where each string property lives, so the JSON reader, the getters and the writer share
 * one list of members. */
typedef struct
{
  guint        prop;
  const char  *member;
  gsize        offset;
  gboolean     interned;
} StringMember;

static const StringMember string_members[] = {
  { PROP_DEVICE_NAME, "deviceName", G_STRUCT_OFFSET (LkDevice, device_name), FALSE },
  { PROP_USER_PRINCIPAL_NAME, "userPrincipalName", G_STRUCT_OFFSET (LkDevice, user_principal_name), FALSE },
  { PROP_USER_DISPLAY_NAME, "userDisplayName", G_STRUCT_OFFSET (LkDevice, user_display_name), FALSE },
  { PROP_EMAIL_ADDRESS, "emailAddress", G_STRUCT_OFFSET (LkDevice, email_address), FALSE },
  { PROP_SERIAL_NUMBER, "serialNumber", G_STRUCT_OFFSET (LkDevice, serial_number), FALSE },
  { PROP_IMEI, "imei", G_STRUCT_OFFSET (LkDevice, imei), FALSE },
  { PROP_OPERATING_SYSTEM, "operatingSystem", G_STRUCT_OFFSET (LkDevice, operating_system), TRUE },
  { PROP_OS_VERSION, "osVersion", G_STRUCT_OFFSET (LkDevice, os_version), FALSE },
  { PROP_MODEL, "model", G_STRUCT_OFFSET (LkDevice, model), FALSE },
  { PROP_MANUFACTURER, "manufacturer", G_STRUCT_OFFSET (LkDevice, manufacturer), FALSE },
  { PROP_ENROLLMENT_TYPE, "deviceEnrollmentType", G_STRUCT_OFFSET (LkDevice, enrollment_type), TRUE },
  { PROP_OWNER_TYPE, "managedDeviceOwnerType", G_STRUCT_OFFSET (LkDevice, owner_type), TRUE },
  { PROP_MANAGEMENT_AGENT, "managementAgent", G_STRUCT_OFFSET (LkDevice, management_agent), TRUE },
  { PROP_DEVICE_TYPE, "deviceType", G_STRUCT_OFFSET (LkDevice, device_type), TRUE },
  { PROP_JOIN_TYPE, "joinType", G_STRUCT_OFFSET (LkDevice, join_type), TRUE },
  { PROP_COMPLIANCE_STATE, "complianceState", G_STRUCT_OFFSET (LkDevice, compliance_state), TRUE },
};

static const char **
member_slot (LkDevice           *self,
             const StringMember *member)
{
  return (const char **) G_STRUCT_MEMBER_P (self, member->offset);
}

static void
lk_device_finalize (GObject *object)
{
  LkDevice *self = LK_DEVICE (object);

  g_free (self->id);
  for (guint i = 0; i < G_N_ELEMENTS (string_members); i++)
    if (!string_members[i].interned)
      g_free ((char *) *member_slot (self, &string_members[i]));
  g_clear_pointer (&self->last_sync, g_date_time_unref);
  g_clear_pointer (&self->enrolled, g_date_time_unref);
  g_clear_pointer (&self->problems, g_strfreev);
  g_clear_pointer (&self->pending_problems, g_ptr_array_unref);

  G_OBJECT_CLASS (lk_device_parent_class)->finalize (object);
}

static void
lk_device_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  LkDevice *self = LK_DEVICE (object);

  for (guint i = 0; i < G_N_ELEMENTS (string_members); i++)
    if (string_members[i].prop == prop_id)
      {
        g_value_set_string (value, *member_slot (self, &string_members[i]));
        return;
      }

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_IS_SUPERVISED:
      g_value_set_int (value, self->is_supervised);
      break;
    case PROP_LAST_SYNC:
      g_value_set_boxed (value, self->last_sync);
      break;
    case PROP_ENROLLED:
      g_value_set_boxed (value, self->enrolled);
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

  props[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL,
                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  for (guint i = 0; i < G_N_ELEMENTS (string_members); i++)
    {
      const char *name;

      /* A few read better under their own names than Graph's. */
      if (string_members[i].prop == PROP_ENROLLMENT_TYPE)
        name = "enrollment-type";
      else if (string_members[i].prop == PROP_OWNER_TYPE)
        name = "owner-type";
      else
        {
          g_autofree char *generated = property_name (string_members[i].member);
          name = g_intern_string (generated);
        }
      props[string_members[i].prop] = g_param_spec_string (name, NULL, NULL, NULL,
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
}

static void
note_problem (GPtrArray  **problems,
              const char  *member)
{
  if (*problems == NULL)
    *problems = g_ptr_array_new_with_free_func (g_free);
  /* Translators: %s is a Microsoft Graph member name such as "osVersion". */
  g_ptr_array_add (*problems, g_strdup_printf (_("Microsoft Graph sent “%s” with an unexpected type; it is shown as unknown."),
                                               member));
}

LkDevice *
lk_device_new_from_json (JsonObject  *object,
                         GError     **error)
{
  g_autoptr(LkDevice) self = NULL;
  GPtrArray *problems = NULL;
  const char *id;

  id = lk_json_get_string (object, "id", NULL);
  if (id == NULL || *id == '\0')
    {
      g_propagate_error (error, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INVALID_RESPONSE,
                                                                 _("Microsoft Graph sent a device without an ID."),
                                                                 200, NULL, NULL, NULL));
      return NULL;
    }

  self = g_object_new (LK_TYPE_DEVICE, NULL);
  self->id = g_strdup (id);
  for (guint i = 0; i < G_N_ELEMENTS (string_members); i++)
    {
      const StringMember *member = &string_members[i];
      const char *value = lk_json_get_string (object, member->member, NULL);

      if (value == NULL && lk_json_member_has_wrong_type (object, member->member, G_TYPE_STRING))
        note_problem (&problems, member->member);
      if (value == NULL || *value == '\0')
        continue;
      *member_slot (self, member) = member->interned ? g_intern_string (value) : g_strdup (value);
    }

  /* v1.0 says managedDeviceOwnerType; beta also has ownerType. */
  if (self->owner_type == NULL)
    {
      const char *owner = lk_json_get_string (object, "ownerType", NULL);
      if (owner != NULL && *owner != '\0')
        self->owner_type = g_intern_string (owner);
    }

  if (lk_json_member_has_wrong_type (object, "isSupervised", G_TYPE_BOOLEAN))
    note_problem (&problems, "isSupervised");
  else if (json_object_has_member (object, "isSupervised"))
    self->is_supervised = lk_json_get_boolean (object, "isSupervised", FALSE) ? 1 : 0;

  self->last_sync = lk_json_get_date_time (object, "lastSyncDateTime");
  self->enrolled = lk_json_get_date_time (object, "enrolledDateTime");
  if (self->last_sync == NULL && lk_json_member_has_wrong_type (object, "lastSyncDateTime", G_TYPE_STRING))
    note_problem (&problems, "lastSyncDateTime");

  if (problems != NULL)
    {
      g_ptr_array_add (problems, NULL);
      self->problems = (GStrv) g_ptr_array_free (problems, FALSE);
    }
  return g_steal_pointer (&self);
}

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
  return self->last_sync;
}

GDateTime *
lk_device_get_enrolled (LkDevice *self)
{
  g_return_val_if_fail (LK_IS_DEVICE (self), NULL);
  return self->enrolled;
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
  for (guint i = 0; i < G_N_ELEMENTS (string_members); i++)
    {
      const char *value = *member_slot (self, &string_members[i]);

      if (value != NULL)
        json_object_set_string_member (object, string_members[i].member, value);
      else
        json_object_set_null_member (object, string_members[i].member);
    }
  if (self->is_supervised >= 0)
    json_object_set_boolean_member (object, "isSupervised", self->is_supervised == 1);
  else
    json_object_set_null_member (object, "isSupervised");
  set_date (object, "lastSyncDateTime", self->last_sync);
  set_date (object, "enrolledDateTime", self->enrolled);
  return object;
}

/* --- building member by member (the streaming page reader) ---------------------------------- */

LkDevice *
lk_device_builder_new (void)
{
  return g_object_new (LK_TYPE_DEVICE, NULL);
}

/* What the page reader does with a member: one hash lookup instead of a string compare with
 * every member name, twice, for each of a page's ~25 000 members. */
enum
{
  MEMBER_OTHER = 0,
  MEMBER_STRING_FIRST = 1,   /* + index into string_members */
  MEMBER_ID = 100,
  MEMBER_OWNER_TYPE,
  MEMBER_IS_SUPERVISED,
  MEMBER_LAST_SYNC,
  MEMBER_ENROLLED,
};

static GHashTable *
member_table (void)
{
  static GHashTable *table;

  if (g_once_init_enter (&table))
    {
      GHashTable *new_table = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; i < G_N_ELEMENTS (string_members); i++)
        g_hash_table_insert (new_table, (gpointer) string_members[i].member,
                             GUINT_TO_POINTER (MEMBER_STRING_FIRST + i));
      g_hash_table_insert (new_table, (gpointer) "id", GUINT_TO_POINTER (MEMBER_ID));
      g_hash_table_insert (new_table, (gpointer) "ownerType", GUINT_TO_POINTER (MEMBER_OWNER_TYPE));
      g_hash_table_insert (new_table, (gpointer) "isSupervised", GUINT_TO_POINTER (MEMBER_IS_SUPERVISED));
      g_hash_table_insert (new_table, (gpointer) "lastSyncDateTime", GUINT_TO_POINTER (MEMBER_LAST_SYNC));
      g_hash_table_insert (new_table, (gpointer) "enrolledDateTime", GUINT_TO_POINTER (MEMBER_ENROLLED));
      g_once_init_leave (&table, new_table);
    }
  return table;
}

static guint
member_kind (const char *member)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (member_table (), member));
}

gboolean
lk_device_builder_wants (const char *member)
{
  return member_kind (member) != MEMBER_OTHER;
}

static GDateTime *
parse_date (const char *value)
{
  GDateTime *when = g_date_time_new_from_iso8601 (value, NULL);

  /* Graph writes year 1 for "never happened". */
  if (when != NULL && g_date_time_get_year (when) <= 1)
    g_clear_pointer (&when, g_date_time_unref);
  return when;
}

void
lk_device_builder_set_string (LkDevice   *self,
                              const char *member,
                              const char *value)
{
  guint kind = member_kind (member);
  const StringMember *string_member;
  const char **slot;

  switch (kind)
    {
    case MEMBER_OTHER:
      break;
    case MEMBER_ID:
      g_free (self->id);
      self->id = g_strdup (value);
      break;
    case MEMBER_OWNER_TYPE:
      if (*value != '\0')
        self->beta_owner_type = g_intern_string (value);
      break;
    case MEMBER_LAST_SYNC:
      g_clear_pointer (&self->last_sync, g_date_time_unref);
      self->last_sync = parse_date (value);
      break;
    case MEMBER_ENROLLED:
      g_clear_pointer (&self->enrolled, g_date_time_unref);
      self->enrolled = parse_date (value);
      break;
    case MEMBER_IS_SUPERVISED:
      lk_device_builder_wrong_type (self, member);
      break;
    default:
      string_member = &string_members[kind - MEMBER_STRING_FIRST];
      slot = member_slot (self, string_member);
      if (*value == '\0')
        break;
      if (!string_member->interned)
        g_free ((char *) *slot);
      *slot = string_member->interned ? g_intern_string (value) : g_strdup (value);
      break;
    }
}

void
lk_device_builder_set_boolean (LkDevice   *self,
                               const char *member,
                               gboolean    value)
{
  guint kind = member_kind (member);

  if (kind == MEMBER_IS_SUPERVISED)
    self->is_supervised = value ? 1 : 0;
  else if (kind != MEMBER_OTHER)
    lk_device_builder_wrong_type (self, member);
}

void
lk_device_builder_wrong_type (LkDevice   *self,
                              const char *member)
{
  if (strcmp (member, "id") == 0)
    {
      g_clear_pointer (&self->id, g_free);
      return;
    }
  note_problem (&self->pending_problems, member);
}

LkDevice *
lk_device_builder_finish (LkDevice  *self,
                          GError   **error)
{
  if (self->id == NULL || *self->id == '\0')
    {
      g_object_unref (self);
      g_propagate_error (error, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INVALID_RESPONSE,
                                                                 _("Microsoft Graph sent a device without an ID."),
                                                                 200, NULL, NULL, NULL));
      return NULL;
    }
  if (self->owner_type == NULL)
    self->owner_type = self->beta_owner_type;
  if (self->pending_problems != NULL)
    {
      g_ptr_array_add (self->pending_problems, NULL);
      self->problems = (GStrv) g_ptr_array_free (g_steal_pointer (&self->pending_problems), FALSE);
    }
  return self;
}
