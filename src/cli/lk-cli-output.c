/* lk-cli-output.c: how latchkey-cli prints devices, for people and for scripts.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "lk-device-labels.h"
#include "lk-cli-chunks.h"
#include "lk-cli-output.h"
#include "lk-cli-output-private.h"
#include "lk-json-writer.h"
#include "lk-text.h"

const char *
lk_cli_support_id (LkSupport support)
{
  switch (support)
    {
    case LK_SUPPORT_SUPPORTED:
      return "supported";
    case LK_SUPPORT_SUPPORTED_WITH_CAVEATS:
      return "supported-with-caveats";
    case LK_SUPPORT_NOT_SUPPORTED:
      return "not-supported";
    case LK_SUPPORT_UNKNOWN:
    default:
      return "unknown";
    }
}

const char *
lk_cli_or_dash (const char *text)
{
  return text != NULL && *text != '\0' ? text : "—";
}

/* Text from Graph or the history, to print for people: never raw (see lk-text.h). */
static char *
inert (const char *text)
{
  return lk_text_inert (lk_cli_or_dash (text));
}

char *
lk_cli_platform_text (LkDevice *device)
{
  g_autofree char *platform = g_strjoin (" ", lk_cli_or_dash (lk_device_get_operating_system (device)),
                                         lk_device_get_os_version (device) != NULL ? lk_device_get_os_version (device) : "",
                                         NULL);

  return lk_text_inert (platform);
}

const char *
lk_cli_user_text (LkDevice *device)
{
  if (lk_device_get_user_principal_name (device) != NULL)
    return lk_device_get_user_principal_name (device);
  return lk_cli_or_dash (lk_device_get_user_display_name (device));
}

/* --- JSON ------------------------------------------------------------------------------------ */

static void
write_capability (LkJsonWriter *writer,
                  LkCapability *capability)
{
  const char *const *caveats = lk_capability_get_caveats (capability);

  lk_json_writer_begin_object (writer);
  lk_json_writer_member (writer, "support");
  lk_json_writer_string (writer, lk_cli_support_id (lk_capability_get_support (capability)));
  lk_json_writer_member (writer, "action");
  lk_json_writer_string (writer, lk_action_kind_to_string (lk_capability_get_action_kind (capability)));
  lk_json_writer_member (writer, "label");
  lk_json_writer_string (writer, lk_capability_get_label (capability));
  lk_json_writer_member (writer, "reason");
  lk_json_writer_string (writer, lk_capability_get_reason (capability));
  lk_json_writer_member (writer, "caveats");
  lk_json_writer_begin_array (writer);
  for (guint i = 0; caveats != NULL && caveats[i] != NULL; i++)
    lk_json_writer_string (writer, caveats[i]);
  lk_json_writer_end_array (writer);
  lk_json_writer_member (writer, "rule");
  lk_json_writer_string (writer, lk_capability_get_rule_id (capability));
  lk_json_writer_member (writer, "documentation");
  lk_json_writer_string (writer, lk_capability_get_doc_url (capability));
  lk_json_writer_end_object (writer);
}

/* Capabilities as written, by what decides their bytes (the rule, the reason, the stale
 * note): a million devices share a few dozen, and escaping their sentences again for every
 * device was a tenth of --json's time. Bounded, since a reason may quote a device's own text. */
#define MAX_CACHED_CAPABILITIES 256

typedef struct
{
  GHashTable *written;     /* key → GString of the capability's JSON */
  GString    *key;
  GHashTable *by_inputs;   /* LkCapabilityInputs → a GString of written: no classification */
  gint64      now_us;
} CapabilityCache;

static void
string_free (gpointer string)
{
  g_string_free (string, TRUE);
}

static void
capability_cache_init (CapabilityCache *cache)
{
  cache->written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, string_free);
  cache->key = g_string_new (NULL);
  cache->by_inputs = g_hash_table_new_full (lk_capability_inputs_hash, lk_capability_inputs_equal,
                                            g_free, NULL);
  cache->now_us = g_get_real_time ();
}

static void
capability_cache_clear (CapabilityCache *cache)
{
  g_hash_table_unref (cache->by_inputs);
  g_hash_table_unref (cache->written);
  g_string_free (cache->key, TRUE);
}

/* Returns the JSON written, kept in @cache, or NULL when the cache is full. */
static GString *
write_capability_cached (LkJsonWriter    *writer,
                         LkCapability    *capability,
                         CapabilityCache *cache)
{
  const char *stale = lk_capability_get_stale_note (capability);
  GString *json;
  LkJsonWriter apart;

  g_string_assign (cache->key, lk_capability_get_rule_id (capability));
  g_string_append_c (cache->key, '\n');
  g_string_append (cache->key, lk_capability_get_reason (capability));
  g_string_append_c (cache->key, '\n');
  g_string_append (cache->key, stale != NULL ? stale : "");
  json = g_hash_table_lookup (cache->written, cache->key->str);
  if (json == NULL && g_hash_table_size (cache->written) >= MAX_CACHED_CAPABILITIES)
    {
      write_capability (writer, capability);
      return NULL;
    }
  if (json == NULL)
    {
      json = g_string_new (NULL);
      lk_json_writer_init_at (&apart, json, writer->pretty, writer->depth);
      write_capability (&apart, capability);
      g_hash_table_insert (cache->written, g_strdup (cache->key->str), json);
    }
  lk_json_writer_raw (writer, json->str, json->len);
  return json;
}

/* A device's capability, written once per kind of device: most devices are like one already
 * written (the same platform, version, enrollment…), and then neither classified nor hashed
 * by their words (making the capability and its key was a fifth of --json's time). */
static void
write_device_capability (LkJsonWriter    *writer,
                         LkDevice        *device,
                         CapabilityCache *cache)
{
  g_autoptr(LkCapability) capability = NULL;
  LkCapabilityInputs inputs;
  gboolean same_words = lk_capability_get_inputs (device, cache->now_us, &inputs);
  GString *json = same_words ? g_hash_table_lookup (cache->by_inputs, &inputs) : NULL;
  const char *stale;

  if (json != NULL)
    {
      lk_json_writer_raw (writer, json->str, json->len);
      return;
    }
  capability = lk_capability_new_for_device (device);
  json = write_capability_cached (writer, capability, cache);
  stale = lk_capability_get_stale_note (capability);
  /* The capability looked at the clock after now_us: only a note this device's inputs decide. */
  if (json != NULL && same_words && (stale == NULL || inputs.never_checked_in)
      && g_hash_table_size (cache->by_inputs) < MAX_CACHED_CAPABILITIES)
    g_hash_table_insert (cache->by_inputs, g_memdup2 (&inputs, sizeof inputs), json);
}

/* A managedDevice with the capability Latchkey sees in it: one element of --json's array. */
static void
write_device (LkJsonWriter    *writer,
              LkDevice        *device,
              CapabilityCache *cache)
{
  lk_json_writer_begin_object (writer);
  lk_device_write_json_members (device, writer);
  lk_json_writer_member (writer, "capability");
  write_device_capability (writer, device, cache);
  lk_json_writer_end_object (writer);
}

static void
format_json_chunk (guint    chunk,
                   guint    start,
                   guint    end,
                   GString *out,
                   gpointer user_data)
{
  GPtrArray *devices = user_data;
  LkJsonWriter writer;
  CapabilityCache cache;

  capability_cache_init (&cache);
  lk_json_writer_init_in_array (&writer, out, TRUE, start);
  for (guint i = start; i < end; i++)
    write_device (&writer, g_ptr_array_index (devices, i), &cache);
  capability_cache_clear (&cache);
}

/* Written device by device, in the ranked order, in chunks formatted on several threads. */
void
lk_cli_print_devices_json (GPtrArray *devices)
{
  g_autoptr(GString) out = g_string_new (NULL);
  LkJsonWriter writer;

  lk_json_writer_init (&writer, out, TRUE);
  lk_json_writer_begin_array (&writer);
  lk_cli_out_flush (out);
  lk_cli_write_chunked (devices->len, format_json_chunk, devices);
  lk_json_writer_init_in_array (&writer, out, TRUE, devices->len);
  lk_json_writer_end_array (&writer);
  g_string_append_c (out, '\n');
  lk_cli_out_finish (out);
}

static void
format_jsonl_chunk (guint    chunk,
                    guint    start,
                    guint    end,
                    GString *out,
                    gpointer user_data)
{
  GPtrArray *devices = user_data;
  CapabilityCache cache;

  capability_cache_init (&cache);
  for (guint i = start; i < end; i++)
    {
      LkJsonWriter writer;

      lk_json_writer_init (&writer, out, FALSE);
      write_device (&writer, g_ptr_array_index (devices, i), &cache);
      g_string_append_c (out, '\n');
    }
  capability_cache_clear (&cache);
}

LkCliStream *
lk_cli_jsonl_stream_new (void)
{
  return lk_cli_stream_new (format_jsonl_chunk);
}

/* Formatted on a worker thread while the listing reads the next pages: on the listing's
 * thread, a million whole devices' lines took longer than --json's whole run. */
void
lk_cli_jsonl_stream_push (LkCliStream *stream,
                          GPtrArray   *devices)
{
  lk_cli_stream_push (stream, devices->len, g_ptr_array_ref (devices), (GDestroyNotify) g_ptr_array_unref);
}

void
lk_cli_print_device_json (LkDevice *device)
{
  g_autoptr(GString) out = g_string_new (NULL);
  LkJsonWriter writer;
  CapabilityCache cache;

  capability_cache_init (&cache);
  lk_json_writer_init (&writer, out, TRUE);
  write_device (&writer, device, &cache);
  capability_cache_clear (&cache);
  g_string_append_c (out, '\n');
  lk_cli_out_finish (out);
}

/* What json-glib's generator writes, made safe for a terminal (see lk_text_json_inert()). */
static void
print_json (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  g_autofree char *safe = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  safe = lk_text_json_inert (text);
  g_print ("%s\n", safe);
}

static void
print_field (const char *label,
             const char *value)
{
  g_autofree char *text = inert (value);

  g_print ("  %-22s %s\n", label, text);
}

static char *
format_date (GDateTime *when)
{
  g_autoptr(GDateTime) local = NULL;

  if (when == NULL)
    return g_strdup (_("never"));
  local = g_date_time_to_local (when);
  return g_date_time_format (local, "%x %X");
}

void
lk_cli_print_device_details (LkDevice *device)
{
  g_autoptr(LkCapability) capability = lk_capability_new_for_device (device);
  g_autofree char *platform = lk_cli_platform_text (device);
  g_autofree char *last_sync = format_date (lk_device_get_last_sync (device));
  g_autofree char *enrolled = format_date (lk_device_get_enrolled (device));
  const char *const *caveats = lk_capability_get_caveats (capability);
  const char *const *problems = lk_device_get_problems (device);
  int supervised = lk_device_get_is_supervised (device);
  g_autofree char *name = inert (lk_device_get_device_name (device));

  g_print ("%s\n", name);
  print_field (_("ID"), lk_device_get_id (device));
  print_field (_("User"), lk_device_get_user_display_name (device));
  print_field (_("User principal name"), lk_device_get_user_principal_name (device));
  print_field (_("Platform"), platform);
  print_field (_("Model"), lk_device_get_model (device));
  print_field (_("Manufacturer"), lk_device_get_manufacturer (device));
  print_field (_("Serial number"), lk_device_get_serial_number (device));
  print_field (_("IMEI"), lk_device_get_imei (device));
  /* In words, like the window; --json keeps Graph's values. */
  print_field (_("Ownership"), lk_owner_type_label (lk_device_get_owner_type (device)));
  print_field (_("Enrollment type"), lk_enrollment_type_label (lk_device_get_enrollment_type (device)));
  print_field (_("Device type"), lk_device_type_label (lk_device_get_device_type (device)));
  print_field (_("Management agent"), lk_management_agent_label (lk_device_get_management_agent (device)));
  print_field (_("Supervised"), supervised < 0 ? NULL : supervised ? _("yes") : _("no"));
  print_field (_("Compliance"), lk_compliance_state_label (lk_device_get_compliance_state (device)));
  print_field (_("Last check-in"), last_sync);
  print_field (_("Enrolled"), enrolled);
  g_print ("\n%s: %s\n", _("Passcode action"), lk_capability_get_label (capability));
  g_print ("  %s\n", lk_capability_get_reason (capability));
  for (guint i = 0; caveats != NULL && caveats[i] != NULL; i++)
    g_print ("  • %s\n", caveats[i]);
  g_print ("  %s\n", lk_capability_get_doc_url (capability));
  for (guint i = 0; problems != NULL && problems[i] != NULL; i++)
    {
      g_autofree char *problem = inert (problems[i]);

      g_print (_("Note: %s\n"), problem);
    }
}

void
lk_cli_print_action_preview (LkDevice     *device,
                             LkCapability *capability)
{
  g_autofree char *platform = lk_cli_platform_text (device);
  const char *const *caveats = lk_capability_get_caveats (capability);
  g_autofree char *name = inert (lk_device_get_device_name (device));

  g_print ("%s — %s\n", lk_capability_get_label (capability), name);
  print_field (_("User"), lk_cli_user_text (device));
  print_field (_("Platform"), platform);
  print_field (_("Serial number"), lk_device_get_serial_number (device));
  g_print ("  %s\n", lk_capability_get_reason (capability));
  for (guint i = 0; caveats != NULL && caveats[i] != NULL; i++)
    g_print ("  • %s\n", caveats[i]);
}

static const char *
state_label (LkActionState state)
{
  switch (state)
    {
    case LK_ACTION_STATE_NONE:
      return _("No action");
    case LK_ACTION_STATE_PENDING:
      return _("Pending: waiting for the device to check in");
    case LK_ACTION_STATE_CANCELED:
      return _("Canceled");
    case LK_ACTION_STATE_ACTIVE:
      return _("In progress on the device");
    case LK_ACTION_STATE_DONE:
      return _("Done");
    case LK_ACTION_STATE_FAILED:
      return _("Failed");
    case LK_ACTION_STATE_NOT_SUPPORTED:
      return _("Not supported by the device");
    case LK_ACTION_STATE_UNKNOWN:
    default:
      return _("Unknown state");
    }
}

/* The tracker's final states in the words `status` uses for Graph's action states. */
const char *
lk_cli_tracker_state_label (LkTrackerState state)
{
  switch (state)
    {
    case LK_TRACKER_PENDING:
      return state_label (LK_ACTION_STATE_PENDING);
    case LK_TRACKER_ACTIVE:
      return state_label (LK_ACTION_STATE_ACTIVE);
    case LK_TRACKER_DONE:
      return state_label (LK_ACTION_STATE_DONE);
    case LK_TRACKER_FAILED:
    case LK_TRACKER_ERROR:
      return state_label (LK_ACTION_STATE_FAILED);
    case LK_TRACKER_NOT_SUPPORTED:
      return state_label (LK_ACTION_STATE_NOT_SUPPORTED);
    case LK_TRACKER_CANCELED:
      return state_label (LK_ACTION_STATE_CANCELED);
    case LK_TRACKER_READY:
    case LK_TRACKER_SENDING:
    case LK_TRACKER_CHECKING:
    default:
      return state_label (LK_ACTION_STATE_UNKNOWN);
    }
}

void
lk_cli_print_action_result (LkActionResult *result)
{
  g_autofree char *started = NULL;
  g_autofree char *updated = NULL;

  if (result == NULL)
    {
      g_print (_("No passcode action has been sent to this device.\n"));
      return;
    }
  started = format_date (lk_action_result_get_start (result));
  updated = format_date (lk_action_result_get_last_updated (result));
  print_field (_("State"), state_label (lk_action_result_get_state (result)));
  print_field (_("Started"), started);
  print_field (_("Last updated"), updated);
  if (lk_action_result_get_error_code (result) != 0)
    {
      g_autofree char *code = g_strdup_printf ("%" G_GINT64_FORMAT, lk_action_result_get_error_code (result));
      print_field (_("Error code"), code);
    }
  /* The temporary passcode is what the admin came for; it goes to stdout only, never a log. */
  if (lk_action_result_get_passcode (result) != NULL)
    {
      print_field (_("Temporary passcode"), lk_action_result_get_passcode (result));
      g_print (_("  The temporary passcode stays visible in the Intune admin center for 7 days.\n"));
    }
}

void
lk_cli_print_action_result_json (const char     *device_id,
                                 LkActionResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, device_id);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, result != NULL ? lk_action_result_get_state_string (result) : "none");
  if (result != NULL)
    {
      g_autofree char *started = lk_action_result_get_start (result) != NULL
                                   ? g_date_time_format_iso8601 (lk_action_result_get_start (result)) : NULL;
      g_autofree char *updated = lk_action_result_get_last_updated (result) != NULL
                                   ? g_date_time_format_iso8601 (lk_action_result_get_last_updated (result)) : NULL;

      json_builder_set_member_name (builder, "startDateTime");
      json_builder_add_string_value (builder, started);
      json_builder_set_member_name (builder, "lastUpdatedDateTime");
      json_builder_add_string_value (builder, updated);
      json_builder_set_member_name (builder, "errorCode");
      json_builder_add_int_value (builder, lk_action_result_get_error_code (result));
      json_builder_set_member_name (builder, "passcode");
      json_builder_add_string_value (builder, lk_action_result_get_passcode (result));
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  print_json (root);
}

void
lk_cli_print_account (LkAccount *account,
                      gboolean   active)
{
  g_autofree char *username = inert (lk_account_get_username (account));

  g_print ("%s %s\n", active ? "*" : " ", username);
  print_field (_("Tenant"), lk_account_get_tenant_id (account));
  print_field (_("Cloud"), lk_cloud_get_display_name (lk_account_get_cloud (account)));
  print_field (_("Microsoft Graph"), lk_account_get_graph_url (account));
  if (lk_account_get_needs_sign_in (account))
    print_field (_("State"), _("Sign in again"));
  else if (lk_account_get_session_only (account))
    print_field (_("State"), _("This session only (no keyring)"));
  print_field (_("Passcode actions"), lk_account_has_scope (account, LK_SCOPE_PRIVILEGED)
                                        ? _("allowed by the app registration")
                                        : _("not granted (search only)"));
}

static void
write_account (LkJsonWriter *writer,
               LkAccount    *account,
               gboolean      active)
{
  lk_json_writer_begin_object (writer);
  lk_json_writer_member (writer, "username");
  lk_json_writer_string (writer, lk_account_get_username (account));
  lk_json_writer_member (writer, "tenantId");
  lk_json_writer_string (writer, lk_account_get_tenant_id (account));
  lk_json_writer_member (writer, "cloud");
  lk_json_writer_string (writer, lk_cloud_to_nick (lk_account_get_cloud (account)));
  lk_json_writer_member (writer, "authority");
  lk_json_writer_string (writer, lk_account_get_authority (account));
  lk_json_writer_member (writer, "graphUrl");
  lk_json_writer_string (writer, lk_account_get_graph_url (account));
  lk_json_writer_member (writer, "active");
  lk_json_writer_boolean (writer, active);
  lk_json_writer_member (writer, "sessionOnly");
  lk_json_writer_boolean (writer, lk_account_get_session_only (account));
  lk_json_writer_member (writer, "needsSignIn");
  lk_json_writer_boolean (writer, lk_account_get_needs_sign_in (account));
  lk_json_writer_member (writer, "canResetPasscodes");
  lk_json_writer_boolean (writer, lk_account_has_scope (account, LK_SCOPE_PRIVILEGED));
  lk_json_writer_end_object (writer);
}

/* One pretty array, as search --json writes its devices. */
void
lk_cli_print_accounts_json (GPtrArray *accounts,
                            LkAccount *active)
{
  g_autoptr(GString) out = g_string_new (NULL);
  LkJsonWriter writer;

  lk_json_writer_init (&writer, out, TRUE);
  lk_json_writer_begin_array (&writer);
  for (guint i = 0; i < accounts->len; i++)
    {
      LkAccount *account = g_ptr_array_index (accounts, i);

      write_account (&writer, account, account == active);
    }
  lk_json_writer_end_array (&writer);
  g_string_append_c (out, '\n');
  lk_cli_out_finish (out);
}

void
lk_cli_print_history (GPtrArray *entries)
{
  for (guint i = 0; i < entries->len; i++)
    {
      LkHistoryEntry *entry = g_ptr_array_index (entries, i);
      /* The history file is as untrusted as Graph: it holds Graph's strings, and anyone with
       * the user's rights may edit it. */
      g_autofree char *time = inert (entry->time);
      g_autofree char *outcome = lk_text_inert (lk_history_outcome_label (entry->outcome));
      g_autofree char *action = inert (entry->action);
      g_autofree char *device = inert (entry->device_name != NULL ? entry->device_name : entry->device_id);
      g_autofree char *admin = lk_text_inert (entry->admin);

      g_print ("%s  %-10s  %-26s  %s", time, outcome, action, device);
      if (admin != NULL)
        g_print ("  (%s)", admin);
      g_print ("\n");
    }
}

void
lk_cli_print_history_json (GPtrArray *entries)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_sized_new (entries->len);

  for (guint i = 0; i < entries->len; i++)
    {
      LkHistoryEntry *entry = g_ptr_array_index (entries, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "time", entry->time);
      json_object_set_string_member (object, "admin", entry->admin);
      json_object_set_string_member (object, "tenant", entry->tenant);
      json_object_set_string_member (object, "deviceId", entry->device_id);
      json_object_set_string_member (object, "deviceName", entry->device_name);
      json_object_set_string_member (object, "action", entry->action);
      json_object_set_string_member (object, "outcome", entry->outcome);
      json_object_set_string_member (object, "detail", entry->detail);
      json_object_set_string_member (object, "requestId", entry->request_id);
      json_object_set_string_member (object, "clientRequestId", entry->client_request_id);
      json_array_add_object_element (array, object);
    }
  json_node_take_array (root, array);
  print_json (root);
}
