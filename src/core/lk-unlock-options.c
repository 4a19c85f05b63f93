/* lk-unlock-options.c: which unlock options a Windows PC or a Mac has, and the secrets' shapes.
 *
 * Facts come from Microsoft's documentation:
 *   [LAPS]    Get deviceLocalCredentialInfo (Graph v1.0): GET /directory/deviceLocalCredentials/
 *             {Entra device id}?$select=credentials, passwordBase64, DeviceLocalCredential.Read.All
 *             (ReadBasic.All is insufficient for the password), an Entra role such as Cloud
 *             Device Administrator or Helpdesk Administrator.
 *             https://learn.microsoft.com/graph/api/devicelocalcredentialinfo-get
 *   [ELAPS]   Windows LAPS with Microsoft Entra ID: Entra joined and hybrid joined devices only.
 *             https://learn.microsoft.com/entra/identity/devices/howto-manage-local-admin-passwords
 *   [BLLIST]  List recoveryKeys: $filter=deviceId eq '…', no $top, paged by @odata.nextLink.
 *             https://learn.microsoft.com/graph/api/bitlocker-list-recoverykeys
 *   [BLGET]   Get bitlockerRecoveryKey: $select=key returns the key and writes an audit record;
 *             BitLockerKey.Read.All; roles Cloud Device / Helpdesk / Intune Service Administrator…
 *             https://learn.microsoft.com/graph/api/bitlockerrecoverykey-get
 *   [FVKEY]   getFileVaultKey (beta): 200 {"value": "<key>"}; DeviceManagementManagedDevices.Read.All
 *             https://learn.microsoft.com/graph/api/intune-devices-manageddevice-getfilevaultkey?view=graph-rest-beta
 *   [FVROT]   rotateFileVaultKey (beta): 204; DeviceManagementManagedDevices.PrivilegedOperations.All
 *             https://learn.microsoft.com/graph/api/intune-devices-manageddevice-rotatefilevaultkey?view=graph-rest-beta
 *   [BLROT]   rotateBitLockerKeys (beta): 204; DeviceManagementManagedDevices.ReadWrite.All
 *             https://learn.microsoft.com/graph/api/intune-devices-manageddevice-rotatebitlockerkeys?view=graph-rest-beta
 *   [LAPSROT] rotateLocalAdminPassword (beta): 204; DeviceManagementManagedDevices.Read.All
 *             https://learn.microsoft.com/graph/api/intune-devices-manageddevice-rotatelocaladminpassword?view=graph-rest-beta
 *   [MACADM]  retrieveMacOSManagedDeviceLocalAdminAccountDetail (beta): macOSManagedDeviceLocal-
 *             AdminAccountDetail {adminAccountPassword, passwordLastRotatedDateTime}; the password
 *             is created when the Mac enrolls through Automated Device Enrollment.
 *             https://learn.microsoft.com/graph/api/intune-devices-manageddevice-retrievemacosmanageddevicelocaladminaccountdetail?view=graph-rest-beta
 *             https://learn.microsoft.com/intune/intune-service/enrollment/macos-laps
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-capability.h"
#include "lk-json.h"
#include "lk-unlock-options.h"

#define DOC_LAPS      "https://learn.microsoft.com/graph/api/devicelocalcredentialinfo-get"
#define DOC_ELAPS     "https://learn.microsoft.com/entra/identity/devices/howto-manage-local-admin-passwords"
#define DOC_BITLOCKER "https://learn.microsoft.com/graph/api/bitlockerrecoverykey-get"
#define DOC_FILEVAULT "https://learn.microsoft.com/graph/api/intune-devices-manageddevice-getfilevaultkey?view=graph-rest-beta"
#define DOC_MACOS_LAPS "https://learn.microsoft.com/intune/intune-service/enrollment/macos-laps"

#define SCOPE_READ       "DeviceManagementManagedDevices.Read.All"
#define SCOPE_PRIVILEGED "DeviceManagementManagedDevices.PrivilegedOperations.All"

G_DEFINE_QUARK (lk-unlock-parse-error-quark, lk_unlock_parse_error)

typedef struct
{
  const char *id;
  LkUnlockKind kind;
  LkUnlockAvailability availability;
  const char *reason;   /* translatable */
  const char *doc;
  const char *read_scope;
  const char *rotate_scope;
} Row;

static const Row rows[] = {
  /* [LAPS] [ELAPS] [LAPSROT] */
  { "windows-laps", LK_UNLOCK_LAPS, LK_UNLOCK_AVAILABLE,
    N_("Windows LAPS keeps this PC’s local administrator password in Microsoft Entra ID, if a LAPS policy backs it up there."),
    DOC_LAPS, LK_SCOPE_LAPS_READ, SCOPE_READ },
  { "windows-laps-not-joined", LK_UNLOCK_LAPS, LK_UNLOCK_NOT_ENTRA_JOINED,
    N_("Windows LAPS backs passwords up to Microsoft Entra ID only from Entra joined or hybrid joined PCs, and this one is not."),
    DOC_ELAPS, LK_SCOPE_LAPS_READ, SCOPE_READ },
  /* [BLLIST] [BLGET] [BLROT] */
  { "windows-bitlocker", LK_UNLOCK_BITLOCKER, LK_UNLOCK_AVAILABLE,
    N_("BitLocker recovery keys escrowed to Microsoft Entra ID unlock this PC’s drives. Microsoft records every key read in the audit log."),
    DOC_BITLOCKER, LK_SCOPE_BITLOCKER_READ, LK_SCOPE_READ_WRITE },
  { "windows-bitlocker-not-joined", LK_UNLOCK_BITLOCKER, LK_UNLOCK_NOT_ENTRA_JOINED,
    N_("BitLocker keys are escrowed to Microsoft Entra ID only from Entra joined or hybrid joined PCs, and this one is not."),
    DOC_BITLOCKER, LK_SCOPE_BITLOCKER_READ, LK_SCOPE_READ_WRITE },
  /* [FVKEY] [FVROT] */
  { "macos-filevault", LK_UNLOCK_FILEVAULT, LK_UNLOCK_AVAILABLE,
    N_("Intune keeps the FileVault personal recovery key of a Mac whose FileVault policy escrows it."),
    DOC_FILEVAULT, SCOPE_READ, SCOPE_PRIVILEGED },
  /* [MACADM] [LAPSROT] */
  { "macos-admin", LK_UNLOCK_MACOS_ADMIN, LK_UNLOCK_AVAILABLE,
    N_("Intune manages this Mac’s local administrator account and keeps its password."),
    DOC_MACOS_LAPS, SCOPE_READ, SCOPE_READ },
  { "macos-admin-not-ade", LK_UNLOCK_MACOS_ADMIN, LK_UNLOCK_NOT_ADE,
    N_("Intune creates a managed local administrator account only on Macs enrolled through Automated Device Enrollment, and this one was not."),
    DOC_MACOS_LAPS, SCOPE_READ, SCOPE_READ },
};

static const char *const kind_names[LK_UNLOCK_N_KINDS] = {
  [LK_UNLOCK_LAPS] = "laps",
  [LK_UNLOCK_BITLOCKER] = "bitlocker",
  [LK_UNLOCK_FILEVAULT] = "filevault",
  [LK_UNLOCK_MACOS_ADMIN] = "macos-admin",
};

static const char *const rotate_actions[LK_UNLOCK_N_KINDS] = {
  [LK_UNLOCK_LAPS] = "rotateLocalAdminPassword",
  [LK_UNLOCK_BITLOCKER] = "rotateBitLockerKeys",
  [LK_UNLOCK_FILEVAULT] = "rotateFileVaultKey",
  /* [MACADM] Intune rotates the macOS managed admin password with the same action. */
  [LK_UNLOCK_MACOS_ADMIN] = "rotateLocalAdminPassword",
};

const char *
lk_unlock_kind_to_string (LkUnlockKind kind)
{
  g_return_val_if_fail (kind < LK_UNLOCK_N_KINDS, NULL);
  return kind_names[kind];
}

gboolean
lk_unlock_kind_from_string (const char   *text,
                            LkUnlockKind *kind)
{
  for (guint i = 0; i < LK_UNLOCK_N_KINDS; i++)
    if (g_strcmp0 (text, kind_names[i]) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

const char *
lk_unlock_kind_label (LkUnlockKind kind)
{
  switch (kind)
    {
    case LK_UNLOCK_LAPS:
      return _("Local administrator password (Windows LAPS)");
    case LK_UNLOCK_BITLOCKER:
      return _("BitLocker recovery key");
    case LK_UNLOCK_FILEVAULT:
      return _("FileVault recovery key");
    case LK_UNLOCK_MACOS_ADMIN:
      return _("Managed local administrator (macOS)");
    case LK_UNLOCK_N_KINDS:
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
lk_unlock_kind_rotate_action (LkUnlockKind kind)
{
  g_return_val_if_fail (kind < LK_UNLOCK_N_KINDS, NULL);
  return rotate_actions[kind];
}

gboolean
lk_entra_device_id_is_set (const char *entra_device_id)
{
  if (entra_device_id == NULL || *entra_device_id == '\0')
    return FALSE;
  for (const char *p = entra_device_id; *p != '\0'; p++)
    if (*p != '0' && *p != '-')
      return TRUE;
  return FALSE;
}

static void
add_row (GArray     *options,
         const char *rule_id)
{
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      LkUnlockOption option;

      if (!g_str_equal (rows[i].id, rule_id))
        continue;
      option.kind = rows[i].kind;
      option.availability = rows[i].availability;
      option.rule_id = rows[i].id;
      option.reason = _(rows[i].reason);
      option.doc_url = rows[i].doc;
      option.read_scope = rows[i].read_scope;
      option.rotate_scope = rows[i].rotate_scope;
      g_array_append_val (options, option);
      return;
    }
  g_assert_not_reached ();
}

/* [ELAPS] joined or hybrid joined: an Entra device id, and (beta) no "registered" join type. */
static gboolean
windows_entra_joined (LkDevice   *device,
                      const char *entra_device_id)
{
  const char *join_type = lk_device_get_join_type (device);

  if (!lk_entra_device_id_is_set (entra_device_id))
    return FALSE;
  return g_strcmp0 (join_type, "azureADRegistered") != 0;
}

/* [MACADM] Automated Device Enrollment: Apple's bulk enrollment types. */
static gboolean
mac_enrolled_by_ade (LkDevice *device)
{
  const char *type = lk_device_get_enrollment_type (device);

  return g_strcmp0 (type, "appleBulkWithUser") == 0 || g_strcmp0 (type, "appleBulkWithoutUser") == 0;
}

GArray *
lk_unlock_options_for_device (LkDevice    *device,
                              const char  *entra_device_id,
                              const char **no_options_reason)
{
  GArray *options = g_array_new (FALSE, FALSE, sizeof (LkUnlockOption));
  const char *none = NULL;

  switch (lk_platform_from_operating_system (lk_device_get_operating_system (device)))
    {
    case LK_PLATFORM_WINDOWS:
      {
        gboolean joined = windows_entra_joined (device, entra_device_id);

        add_row (options, joined ? "windows-laps" : "windows-laps-not-joined");
        add_row (options, joined ? "windows-bitlocker" : "windows-bitlocker-not-joined");
      }
      break;
    case LK_PLATFORM_MACOS:
      add_row (options, "macos-filevault");
      add_row (options, mac_enrolled_by_ade (device) ? "macos-admin" : "macos-admin-not-ade");
      break;
    case LK_PLATFORM_IOS:
    case LK_PLATFORM_VISIONOS:
    case LK_PLATFORM_ANDROID:
      none = _("Phones, tablets and headsets are unlocked with their passcode actions.");
      break;
    case LK_PLATFORM_LINUX:
    case LK_PLATFORM_CHROMEOS:
      none = _("Intune offers no unlock option for Linux or ChromeOS devices.");
      break;
    case LK_PLATFORM_UNKNOWN:
    case LK_PLATFORM_OTHER:
    default:
      none = _("Intune offers no unlock option for this operating system.");
      break;
    }
  if (no_options_reason != NULL)
    *no_options_reason = none;
  return options;
}

/* [ELAPS] What a listing already tells of a Windows PC: registered only, or (after a
 * single-device GET) no Entra device id. A listing that reads neither leaves it to the page. */
static gboolean
windows_known_unjoined (LkDevice *device)
{
  const char *entra_device_id = lk_device_get_azure_ad_device_id (device);

  return g_strcmp0 (lk_device_get_join_type (device), "azureADRegistered") == 0
         || (entra_device_id != NULL && !lk_entra_device_id_is_set (entra_device_id));
}

/* The labels of the options that apply to @device, joined for a sentence: those available, and
 * on Windows those only the device page can tell (the listing reads no Entra device id). */
static char *
applicable_options (LkDevice *device)
{
  g_autoptr(GArray) options = lk_unlock_options_for_device (device, NULL, NULL);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  for (guint i = 0; i < options->len; i++)
    {
      const LkUnlockOption *option = &g_array_index (options, LkUnlockOption, i);

      if (option->availability == LK_UNLOCK_AVAILABLE || option->availability == LK_UNLOCK_NOT_ENTRA_JOINED)
        g_ptr_array_add (labels, (gpointer) lk_unlock_kind_label (option->kind));
    }
  g_ptr_array_add (labels, NULL);
  /* Translators: the separator between unlock options in a list, e.g. "FileVault recovery key, Managed…". */
  return g_strjoinv (C_("list", ", "), (char **) labels->pdata);
}

const char *
lk_unlock_badge_state (LkDevice  *device,
                       char     **summary)
{
  g_autofree char *names = NULL;

  switch (lk_platform_from_operating_system (lk_device_get_operating_system (device)))
    {
    case LK_PLATFORM_LINUX:
    case LK_PLATFORM_CHROMEOS:
      *summary = g_strdup (_("Intune offers no unlock option for Linux or ChromeOS devices."));
      return C_("badge", "No unlock option");
    case LK_PLATFORM_WINDOWS:
      if (windows_known_unjoined (device))
        {
          *summary = g_strdup (_("Not Entra joined: Windows LAPS passwords and BitLocker recovery keys are backed up to Microsoft Entra ID only from Entra joined or hybrid joined PCs."));
          return C_("badge", "Not Entra joined");
        }
      G_GNUC_FALLTHROUGH;
    case LK_PLATFORM_MACOS:
      names = applicable_options (device);
      /* Translators: %s lists the options, e.g. "FileVault recovery key, Managed local administrator (macOS)". */
      *summary = g_strdup_printf (_("Unlock options: %s. Whether each is available is checked when you open the device."), names);
      return C_("badge", "Unlock options");
    case LK_PLATFORM_UNKNOWN:
    case LK_PLATFORM_IOS:
    case LK_PLATFORM_VISIONOS:
    case LK_PLATFORM_ANDROID:
    case LK_PLATFORM_OTHER:
    default:
      *summary = NULL;
      return NULL;
    }
}

/* --- secrets ------------------------------------------------------------------------------- */

static void
wipe_free (char *text)
{
  if (text != NULL)
    explicit_bzero (text, strlen (text));
  g_free (text);
}

LkUnlockSecret *
lk_unlock_secret_new (LkUnlockKind kind)
{
  LkUnlockSecret *secret = g_new0 (LkUnlockSecret, 1);

  secret->kind = kind;
  return secret;
}

void
lk_unlock_secret_free (LkUnlockSecret *secret)
{
  if (secret == NULL)
    return;
  wipe_free (secret->secret);
  g_free (secret->account_name);
  g_free (secret->backup_time);
  g_free (secret->key_id);
  g_free (secret->request_id);
  g_free (secret->client_request_id);
  g_free (secret);
}

void
lk_bitlocker_key_info_free (LkBitLockerKeyInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->created);
  g_free (info->volume_type);
  g_free (info->device_id);
  g_free (info);
}

const char *
lk_bitlocker_volume_type_label (const char *volume_type)
{
  /* volumeType: 1 operatingSystemVolume, 2 fixedDataVolume, 3 removableDataVolume. */
  if (g_strcmp0 (volume_type, "1") == 0 || g_strcmp0 (volume_type, "operatingSystemVolume") == 0)
    return _("Operating system drive");
  if (g_strcmp0 (volume_type, "2") == 0 || g_strcmp0 (volume_type, "fixedDataVolume") == 0)
    return _("Fixed data drive");
  if (g_strcmp0 (volume_type, "3") == 0 || g_strcmp0 (volume_type, "removableDataVolume") == 0)
    return _("Removable data drive");
  return _("Unknown drive");
}

static char *
decode_utf16le (const guchar *data,
                gsize         len,
                GError      **error)
{
  g_autofree gunichar2 *units = NULL;
  char *text;

  if (len % 2 != 0)
    return NULL;
  units = g_new (gunichar2, len / 2 + 1);
  for (gsize i = 0; i < len / 2; i++)
    units[i] = (gunichar2) (data[2 * i] | (data[2 * i + 1] << 8));
  text = g_utf16_to_utf8 (units, (glong) (len / 2), NULL, NULL, NULL);
  explicit_bzero (units, (len / 2) * sizeof (gunichar2));
  return text;
}

/* UTF-16LE of printable characters: every odd byte of a BMP character below U+0100 is NUL, and
 * no UTF-8 text holds a NUL. Any NUL at an odd offset, none at even ones, decides UTF-16LE. */
static gboolean
looks_utf16le (const guchar *data,
               gsize         len)
{
  gboolean odd_nul = FALSE;

  if (len < 2 || len % 2 != 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (data[i] != 0)
        continue;
      if (i % 2 == 0)
        return FALSE;
      odd_nul = TRUE;
    }
  return odd_nul;
}

char *
lk_laps_decode_password (const char  *password_base64,
                         GError     **error)
{
  g_autofree guchar *data = NULL;
  gsize len = 0;
  char *text = NULL;

  if (password_base64 == NULL || *password_base64 == '\0'
      || strspn (password_base64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
         != strlen (password_base64) || strlen (password_base64) % 4 != 0)
    {
      g_set_error_literal (error, LK_UNLOCK_PARSE_ERROR, LK_UNLOCK_PARSE_ERROR_INVALID,
                           _("The password Microsoft Entra ID sent is not valid base64."));
      return NULL;
    }
  data = g_base64_decode (password_base64, &len);
  if (looks_utf16le (data, len))
    text = decode_utf16le (data, len, error);
  else if (len > 0 && memchr (data, 0, len) == NULL && g_utf8_validate ((const char *) data, (gssize) len, NULL))
    text = g_strndup ((const char *) data, len);
  explicit_bzero (data, len);
  if (text == NULL)
    g_set_error_literal (error, LK_UNLOCK_PARSE_ERROR, LK_UNLOCK_PARSE_ERROR_INVALID,
                         _("The password Microsoft Entra ID sent is neither UTF-8 nor UTF-16 text."));
  return text;
}

char *
lk_bitlocker_format_key (const char *key)
{
  GString *out;
  guint digits = 0;

  if (key == NULL)
    return NULL;
  out = g_string_sized_new (56);
  for (const char *p = key; *p != '\0'; p++)
    {
      if (*p == '-' || *p == ' ')
        continue;
      if (!g_ascii_isdigit (*p) || digits == 48)
        {
          explicit_bzero (out->str, out->len);
          g_string_free (out, TRUE);
          return NULL;
        }
      if (digits > 0 && digits % 6 == 0)
        g_string_append_c (out, '-');
      g_string_append_c (out, *p);
      digits++;
    }
  if (digits != 48)
    {
      explicit_bzero (out->str, out->len);
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

char *
lk_unlock_format_time (const char *iso8601)
{
  g_autoptr(GDateTime) when = iso8601 != NULL ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;
  g_autoptr(GDateTime) local = when != NULL ? g_date_time_to_local (when) : NULL;

  return local != NULL ? g_date_time_format (local, "%x %X") : NULL;
}

static const char *const letter_words[26] = {
  N_("Alfa"), N_("Bravo"), N_("Charlie"), N_("Delta"), N_("Echo"), N_("Foxtrot"), N_("Golf"),
  N_("Hotel"), N_("India"), N_("Juliett"), N_("Kilo"), N_("Lima"), N_("Mike"), N_("November"),
  N_("Oscar"), N_("Papa"), N_("Quebec"), N_("Romeo"), N_("Sierra"), N_("Tango"), N_("Uniform"),
  N_("Victor"), N_("Whiskey"), N_("X-ray"), N_("Yankee"), N_("Zulu"),
};

static const char *const digit_words[10] = {
  N_("zero"), N_("one"), N_("two"), N_("three"), N_("four"), N_("five"), N_("six"),
  N_("seven"), N_("eight"), N_("nine"),
};

static char *
spell_one (gunichar c)
{
  char utf8[8] = { 0 };

  g_unichar_to_utf8 (c, utf8);
  if (c < 128 && g_ascii_isupper ((char) c))
    /* Translators: phonetic spelling of a capital letter, e.g. "Q: capital Quebec". */
    return g_strdup_printf (_("%s: capital %s"), utf8, _(letter_words[c - 'A']));
  if (c < 128 && g_ascii_islower ((char) c))
    /* Translators: phonetic spelling of a small letter, e.g. "q: small quebec". */
    return g_strdup_printf (_("%s: small %s"), utf8, _(letter_words[c - 'a']));
  if (c < 128 && g_ascii_isdigit ((char) c))
    /* Translators: phonetic spelling of a digit, e.g. "7: digit seven". */
    return g_strdup_printf (_("%s: digit %s"), utf8, _(digit_words[c - '0']));
  if (c == ' ')
    return g_strdup (_("space"));
  /* Translators: phonetic spelling of a symbol, e.g. "#: symbol". */
  return g_strdup_printf (_("%s: symbol"), utf8);
}

GStrv
lk_phonetic_spell (const char *secret)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (secret == NULL || !g_utf8_validate (secret, -1, NULL))
    return g_strv_builder_end (builder);
  for (const char *p = secret; *p != '\0'; p = g_utf8_next_char (p))
    {
      char *word = spell_one (g_utf8_get_char (p));

      g_strv_builder_add (builder, word);
      explicit_bzero (word, strlen (word));
      g_free (word);
    }
  return g_strv_builder_end (builder);
}

/* --- parsers ------------------------------------------------------------------------------- */

static gboolean
fail_invalid (GError     **error,
              const char  *what)
{
  g_set_error (error, LK_UNLOCK_PARSE_ERROR, LK_UNLOCK_PARSE_ERROR_INVALID,
               _("Microsoft Graph sent %s in a shape Latchkey does not know."), what);
  return FALSE;
}

static gboolean
fail_empty (GError     **error,
            const char  *message)
{
  g_set_error_literal (error, LK_UNLOCK_PARSE_ERROR, LK_UNLOCK_PARSE_ERROR_EMPTY, message);
  return FALSE;
}

/* Graph's examples wrap the entity in "value"; a plain entity is read as it is. */
static JsonObject *
entity (JsonNode *root)
{
  JsonObject *object;
  JsonObject *value;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  value = lk_json_get_object (object, "value");
  return value != NULL ? value : object;
}

/* [LAPS] The newest of "credentials" by backupDateTime (the list also holds earlier ones). */
static JsonObject *
newest_credential (JsonArray *credentials)
{
  JsonObject *best = NULL;
  g_autoptr(GDateTime) best_time = NULL;

  for (guint i = 0; i < json_array_get_length (credentials); i++)
    {
      JsonNode *node = json_array_get_element (credentials, i);
      JsonObject *credential;
      g_autoptr(GDateTime) when = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      credential = json_node_get_object (node);
      if (lk_json_get_string (credential, "passwordBase64", NULL) == NULL)
        continue;
      when = lk_json_get_date_time (credential, "backupDateTime");
      if (best == NULL || (when != NULL && (best_time == NULL || g_date_time_compare (when, best_time) > 0)))
        {
          best = credential;
          g_clear_pointer (&best_time, g_date_time_unref);
          best_time = g_steal_pointer (&when);
        }
    }
  return best;
}

LkUnlockSecret *
lk_unlock_parse_laps (JsonNode  *root,
                      GError   **error)
{
  JsonObject *object = entity (root);
  JsonArray *credentials;
  JsonObject *credential;
  g_autoptr(LkUnlockSecret) secret = NULL;

  if (object == NULL)
    return fail_invalid (error, _("the LAPS password")), NULL;
  credentials = lk_json_get_array (object, "credentials");
  credential = credentials != NULL ? newest_credential (credentials) : NULL;
  if (credential == NULL)
    return fail_empty (error, _("Microsoft Entra ID holds no LAPS password for this device.")), NULL;
  secret = lk_unlock_secret_new (LK_UNLOCK_LAPS);
  secret->secret = lk_laps_decode_password (lk_json_get_string (credential, "passwordBase64", NULL), error);
  if (secret->secret == NULL)
    return NULL;
  secret->account_name = g_strdup (lk_json_get_string (credential, "accountName", NULL));
  secret->backup_time = g_strdup (lk_json_get_string (credential, "backupDateTime",
                                                      lk_json_get_string (object, "lastBackupDateTime", NULL)));
  return g_steal_pointer (&secret);
}

LkUnlockSecret *
lk_unlock_parse_bitlocker_key (JsonNode  *root,
                               GError   **error)
{
  JsonObject *object = entity (root);
  g_autoptr(LkUnlockSecret) secret = NULL;
  const char *key;

  if (object == NULL)
    return fail_invalid (error, _("the BitLocker recovery key")), NULL;
  key = lk_json_get_string (object, "key", NULL);
  if (key == NULL || *key == '\0')
    return fail_empty (error, _("Microsoft Entra ID sent the key’s details but not the key.")), NULL;
  secret = lk_unlock_secret_new (LK_UNLOCK_BITLOCKER);
  /* A key of another shape is shown as sent rather than hidden: the admin reads it out. */
  secret->secret = lk_bitlocker_format_key (key);
  if (secret->secret == NULL)
    secret->secret = g_strdup (key);
  secret->key_id = g_strdup (lk_json_get_string (object, "id", NULL));
  secret->backup_time = g_strdup (lk_json_get_string (object, "createdDateTime", NULL));
  return g_steal_pointer (&secret);
}

LkUnlockSecret *
lk_unlock_parse_filevault (JsonNode  *root,
                           GError   **error)
{
  g_autoptr(LkUnlockSecret) secret = NULL;
  const char *value;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return fail_invalid (error, _("the FileVault recovery key")), NULL;
  /* [FVKEY] The function returns a String: {"value": "…"}. */
  value = lk_json_get_string (json_node_get_object (root), "value", NULL);
  if (value == NULL || *value == '\0')
    return fail_empty (error, _("Intune holds no FileVault recovery key for this Mac.")), NULL;
  secret = lk_unlock_secret_new (LK_UNLOCK_FILEVAULT);
  secret->secret = g_strdup (value);
  return g_steal_pointer (&secret);
}

LkUnlockSecret *
lk_unlock_parse_macos_admin (JsonNode  *root,
                             GError   **error)
{
  JsonObject *object = entity (root);
  g_autoptr(LkUnlockSecret) secret = NULL;
  const char *password;

  if (object == NULL)
    return fail_invalid (error, _("the local administrator password")), NULL;
  password = lk_json_get_string (object, "adminAccountPassword", NULL);
  if (password == NULL || *password == '\0')
    return fail_empty (error, _("Intune holds no local administrator password for this Mac.")), NULL;
  secret = lk_unlock_secret_new (LK_UNLOCK_MACOS_ADMIN);
  secret->secret = g_strdup (password);
  secret->backup_time = g_strdup (lk_json_get_string (object, "passwordLastRotatedDateTime", NULL));
  return g_steal_pointer (&secret);
}

gboolean
lk_unlock_parse_bitlocker_page (JsonNode   *root,
                                GPtrArray  *keys,
                                char      **next_link,
                                GError    **error)
{
  JsonObject *object;
  JsonArray *value;

  *next_link = NULL;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return fail_invalid (error, _("the BitLocker recovery keys"));
  object = json_node_get_object (root);
  value = lk_json_get_array (object, "value");
  if (value == NULL)
    return fail_invalid (error, _("the BitLocker recovery keys"));
  for (guint i = 0; i < json_array_get_length (value); i++)
    {
      JsonNode *node = json_array_get_element (value, i);
      JsonObject *key;
      LkBitLockerKeyInfo *info;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      key = json_node_get_object (node);
      if (lk_json_get_string (key, "id", NULL) == NULL)
        continue;
      info = g_new0 (LkBitLockerKeyInfo, 1);
      info->id = g_strdup (lk_json_get_string (key, "id", NULL));
      info->created = g_strdup (lk_json_get_string (key, "createdDateTime", NULL));
      info->volume_type = g_strdup (lk_json_get_string (key, "volumeType", NULL));
      info->device_id = g_strdup (lk_json_get_string (key, "deviceId", NULL));
      g_ptr_array_add (keys, info);
    }
  *next_link = g_strdup (lk_json_get_string (object, "@odata.nextLink", NULL));
  return TRUE;
}
