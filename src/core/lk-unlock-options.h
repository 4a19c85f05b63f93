/* lk-unlock-options.h: the ways back into a Windows PC or a Mac beside passcode actions.
 *
 * One table in lk-unlock-options.c says, per device, which unlock options apply (Windows LAPS,
 * BitLocker recovery keys, macOS FileVault recovery key, the macOS managed local admin account),
 * whether each is available and why not; each row cites Microsoft's documentation. The helpers
 * decode and format the secrets Graph returns. Secrets are plain char arrays the caller wipes
 * (lk_unlock_secret_free() does).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "lk-device.h"

G_BEGIN_DECLS

typedef enum
{
  LK_UNLOCK_LAPS,          /* Windows LAPS password backed up to Entra ID */
  LK_UNLOCK_BITLOCKER,     /* BitLocker recovery keys escrowed to Entra ID */
  LK_UNLOCK_FILEVAULT,     /* macOS FileVault personal recovery key escrowed to Intune */
  LK_UNLOCK_MACOS_ADMIN,   /* the Intune-managed macOS local admin account (macOS LAPS) */
  LK_UNLOCK_N_KINDS,
} LkUnlockKind;

typedef enum
{
  LK_UNLOCK_AVAILABLE,
  LK_UNLOCK_NOT_ENTRA_JOINED,    /* no Entra device id, or only registered */
  LK_UNLOCK_NOT_ADE,             /* macOS LAPS needs Automated Device Enrollment */
  LK_UNLOCK_NOT_APPLICABLE,      /* not this platform's option */
} LkUnlockAvailability;

typedef struct
{
  LkUnlockKind          kind;
  LkUnlockAvailability  availability;
  const char           *rule_id;      /* stable, e.g. "windows-laps" */
  const char           *reason;       /* translated sentence */
  const char           *doc_url;      /* the Microsoft page the row cites */
  const char           *read_scope;   /* delegated permission reading it needs */
  const char           *rotate_scope; /* delegated permission rotating it needs */
} LkUnlockOption;

/* The options that apply to @device (in the order a device page shows them); @entra_device_id is
 * the managedDevice's azureADDeviceId (NULL when unknown). Returns a new array of
 * LkUnlockOption (free with g_array_unref); empty for platforms with none. @no_options_reason
 * (optional) gets a translated sentence for an empty answer (Linux, ChromeOS…). */
GArray     *lk_unlock_options_for_device   (LkDevice    *device,
                                            const char  *entra_device_id,
                                            const char **no_options_reason);
/* The list badge of a device whose platform has unlock options instead of a passcode action
 * (Windows, macOS) or none at all (Linux, ChromeOS): one short state, translated ("Unlock
 * options", "Not Entra joined" when the listing already tells, "No unlock option"), and in
 * @summary a sentence naming the options that apply and saying that their availability is
 * checked when the device opens (free it). NULL (and @summary NULL) for phones, tablets,
 * headsets and unknown systems: their passcode badge stays. */
const char *lk_unlock_badge_state          (LkDevice    *device,
                                            char       **summary);
const char *lk_unlock_kind_to_string       (LkUnlockKind kind);   /* "laps", "bitlocker"… */
gboolean    lk_unlock_kind_from_string     (const char   *text,
                                            LkUnlockKind *kind);
const char *lk_unlock_kind_label           (LkUnlockKind kind);   /* translated */
/* The Intune action that rotates the secret ("rotateLocalAdminPassword"…). */
const char *lk_unlock_kind_rotate_action   (LkUnlockKind kind);
/* TRUE for the all-zero GUID Intune reports for a device not known to Entra ID. */
gboolean    lk_entra_device_id_is_set      (const char  *entra_device_id);

/* A revealed secret and what goes with it; never logged. */
typedef struct
{
  LkUnlockKind kind;
  char        *secret;          /* wiped by lk_unlock_secret_free() */
  char        *account_name;    /* LAPS: the account; NULL otherwise */
  char        *backup_time;     /* ISO 8601: backup, rotation or creation time */
  char        *key_id;          /* BitLocker: the recovery key id */
  char        *request_id;
  char        *client_request_id;
} LkUnlockSecret;

LkUnlockSecret *lk_unlock_secret_new  (LkUnlockKind kind);
void            lk_unlock_secret_free (LkUnlockSecret *secret);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkUnlockSecret, lk_unlock_secret_free)

/* A BitLocker recovery key's listing entry (no key). */
typedef struct
{
  char *id;
  char *created;       /* ISO 8601 */
  char *volume_type;   /* "1" operating system, "2" fixed data, "3" removable data */
  char *device_id;
} LkBitLockerKeyInfo;

void        lk_bitlocker_key_info_free     (LkBitLockerKeyInfo *info);
/* Translated name of a volumeType ("Operating system drive"…). */
const char *lk_bitlocker_volume_type_label (const char *volume_type);

/* Windows LAPS passwordBase64: the documentation's example holds UTF-16LE bytes, Windows LAPS
 * itself backs up UTF-8. A UTF-16LE password of printable characters has a NUL in every other
 * byte and UTF-8 text has none, so that decides. NULL with @error for invalid base64, odd
 * UTF-16 or text that is not valid UTF-8. */
char       *lk_laps_decode_password        (const char  *password_base64,
                                            GError     **error);
/* "123456-…" as eight groups of six digits, or NULL when @key is not such a key. */
char       *lk_bitlocker_format_key        (const char  *key);
/* An ISO 8601 time from Graph in local time ("%x %X"), or NULL when it does not parse (the
 * documentation's own example writes "String (timestamp)"). */
char       *lk_unlock_format_time          (const char  *iso8601);
/* Each character of @secret as words to read aloud ("Q as in Quebec, 7 seven…"), translated;
 * one item per character. */
GStrv       lk_phonetic_spell              (const char  *secret);

/* Parsers of Graph's documented answers (a root from lk_json_parse_object()); the entity may
 * be wrapped in "value". NULL with @error when the shape is not the documented one, or when
 * there is no secret (LK_UNLOCK_PARSE_ERROR_EMPTY). */
LkUnlockSecret *lk_unlock_parse_laps          (JsonNode *root, GError **error);
LkUnlockSecret *lk_unlock_parse_bitlocker_key (JsonNode *root, GError **error);
LkUnlockSecret *lk_unlock_parse_filevault     (JsonNode *root, GError **error);
LkUnlockSecret *lk_unlock_parse_macos_admin   (JsonNode *root, GError **error);
/* One page of recoveryKeys: appends LkBitLockerKeyInfo to @keys; @next_link gets
 * @odata.nextLink (NULL at the end). */
gboolean        lk_unlock_parse_bitlocker_page (JsonNode   *root,
                                                GPtrArray  *keys,
                                                char      **next_link,
                                                GError    **error);

#define LK_UNLOCK_PARSE_ERROR (lk_unlock_parse_error_quark ())
GQuark lk_unlock_parse_error_quark (void);

typedef enum
{
  LK_UNLOCK_PARSE_ERROR_INVALID,   /* not the documented shape */
  LK_UNLOCK_PARSE_ERROR_EMPTY,     /* well formed, but no secret in it */
} LkUnlockParseError;

/* Delegated permissions (README "Unlock options"). */
#define LK_SCOPE_LAPS_READ       "DeviceLocalCredential.Read.All"
#define LK_SCOPE_BITLOCKER_READ  "BitLockerKey.Read.All"
#define LK_SCOPE_READ_WRITE      "DeviceManagementManagedDevices.ReadWrite.All"

G_END_DECLS
