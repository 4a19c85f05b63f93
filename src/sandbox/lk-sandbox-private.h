/* lk-sandbox-private.h: the sandbox's device store, OData filter and JSON writer, shared by
 * lk-sandbox.c (server), lk-sandbox-devices.c (fixtures, generator, serialization) and
 * lk-sandbox-filter.c. Not part of the public API.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* managedDevice members the sandbox stores, in the order they are serialized. */
typedef enum
{
  SB_F_ID,
  SB_F_DEVICE_NAME,
  SB_F_USER_PRINCIPAL_NAME,
  SB_F_USER_DISPLAY_NAME,
  SB_F_EMAIL_ADDRESS,
  SB_F_SERIAL_NUMBER,
  SB_F_IMEI,
  SB_F_OPERATING_SYSTEM,
  SB_F_OS_VERSION,
  SB_F_MODEL,
  SB_F_MANUFACTURER,
  SB_F_DEVICE_ENROLLMENT_TYPE,
  SB_F_MANAGED_DEVICE_OWNER_TYPE,
  SB_F_MANAGEMENT_AGENT,
  SB_F_COMPLIANCE_STATE,
  SB_F_AZURE_AD_DEVICE_ID,
  SB_F_DEVICE_TYPE,          /* beta only */
  SB_F_OWNER_TYPE,           /* beta only */
  SB_F_JOIN_TYPE,            /* beta only */
  SB_N_STRING_FIELDS,
  SB_F_IS_SUPERVISED = SB_N_STRING_FIELDS,
  SB_F_LAST_SYNC_DATE_TIME,
  SB_F_ENROLLED_DATE_TIME,
  SB_F_DEVICE_ACTION_RESULTS,
  SB_F_HARDWARE_INFORMATION, /* beta only; its values only on a single-device GET */
  SB_N_FIELDS,
} SbField;

typedef struct
{
  const char *s[SB_N_STRING_FIELDS];  /* in the set's string chunk; NULL serializes as null */
  gint64      last_sync;              /* unix seconds; 0 = never (0001-01-01T00:00:00Z) */
  gint64      enrolled;
  gint8       is_supervised;
  gint8       is_shared_device;       /* a Shared iPad */
} SbDevice;

typedef struct
{
  GStringChunk *chunk;
  GArray       *devices;   /* of SbDevice */
  GHashTable   *by_id;     /* id (in chunk) → index + 1 */
} SbDeviceSet;

SbDeviceSet *sb_device_set_new           (void);
void         sb_device_set_free          (SbDeviceSet *set);
SbDevice    *sb_device_set_lookup        (SbDeviceSet *set, const char *id);
gboolean     sb_device_set_load_demo     (SbDeviceSet *set, gint64 now, GError **error);
void         sb_device_set_generate      (SbDeviceSet *set, guint n, guint32 seed, gint64 now);

const char  *sb_field_name               (SbField field);
gboolean     sb_field_from_name          (const char *name, gboolean beta, SbField *out_field);
gboolean     sb_field_is_beta_only       (SbField field);

/* Writes @dev as a JSON object with the members in @fields (a bitmask of 1 << SbField).
 * v1.0 maps beta-only enrollment types to "unknown". @actions_json is the already
 * serialized deviceActionResults array (or NULL for []). @wrong_types breaks member types.
 * @single: a single-device GET, the only answer where hardwareInformation holds values. */
void         sb_device_write_json        (GString        *out,
                                          const SbDevice *dev,
                                          guint32         fields,
                                          gboolean        beta,
                                          const char     *actions_json,
                                          gboolean        wrong_types,
                                          gboolean        single);

/* JSON helpers. */
void         sb_json_append_string       (GString *out, const char *value);
void         sb_append_iso8601           (GString *out, gint64 unix_seconds);

/* $filter: NULL means "every device" (no filter, or one the service silently ignores). */
typedef struct _SbFilter SbFilter;
SbFilter    *sb_filter_parse             (const char *text);
void         sb_filter_free              (SbFilter *filter);
gboolean     sb_filter_matches           (const SbFilter *filter, const SbDevice *dev);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbFilter, sb_filter_free)

/* LK_FAULT_RAW (lk-sandbox-raw.c): the threads writing slow answers. */
typedef struct
{
  GMutex     lock;
  GPtrArray *threads;    /* of GThread, joined by stop */
  gint       stopping;   /* atomic */
} SbRawWriters;

void         sb_raw_writers_init         (SbRawWriters *writers);
void         sb_raw_writers_stop         (SbRawWriters *writers);
void         sb_raw_writers_clear        (SbRawWriters *writers);
/* Writes @bytes on @stream (stolen from the server), one byte per @delay_ms (0: at once, on
 * this thread), then closes it. */
void         sb_raw_send                 (SbRawWriters *writers,
                                          GIOStream    *stream,
                                          GSocket      *socket,
                                          GBytes       *bytes,
                                          guint         delay_ms);

/* Unlock options (lk-sandbox-unlock.c): LAPS, BitLocker, FileVault, the macOS admin account. */
typedef struct _SbUnlockStore SbUnlockStore;

typedef enum
{
  SB_UNLOCK_NONE,        /* not an unlock endpoint */
  SB_UNLOCK_DIRECTORY,   /* Entra ID: scope refusals answer Authorization_RequestDenied */
  SB_UNLOCK_INTUNE,      /* Intune: scope refusals answer as Intune does */
} SbUnlockRoute;

typedef struct
{
  char       **token_scopes;  /* in: what the caller's token grants */
  guint        status;        /* out: 200, 204 or an error status */
  const char  *code;          /* out: the Graph error code of an error status */
  const char  *message;
  GString     *body;          /* out: the JSON of a 200 (the caller takes it) */
} SbUnlockAnswer;

SbUnlockStore *sb_unlock_store_new         (void);
void           sb_unlock_store_free        (SbUnlockStore *store);
void           sb_unlock_store_load_demo   (SbUnlockStore *store, gint64 now);
void           sb_unlock_store_set_role    (SbUnlockStore *store, const char *role);
/* BitLocker key reads (audit records), or rotations queued. */
guint          sb_unlock_store_count       (SbUnlockStore *store, gboolean rotations);
char         **sb_unlock_store_dup_secrets (SbUnlockStore *store);
/* Whether the path parts (after /graph/) name an unlock endpoint, and the scopes it accepts. */
SbUnlockRoute  sb_unlock_route             (char **parts, guint n, const char *const **scopes);
/* Answers an unlock request; @devices locked by the caller. @graph_base is {base}/graph. */
void           sb_unlock_answer            (SbUnlockStore  *store,
                                            SbDeviceSet    *devices,
                                            const char     *method,
                                            char          **parts,
                                            guint           n,
                                            GHashTable     *query,
                                            const char     *graph_base,
                                            guint           pending_ms,
                                            SbUnlockAnswer *answer);

G_END_DECLS
