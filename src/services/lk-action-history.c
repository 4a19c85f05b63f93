/* lk-action-history.c: the local journal of every passcode action.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "lk-action-history.h"
#include "lk-json.h"
#include "lk-text.h"

struct _LkActionHistory
{
  GObject  parent_instance;
  char    *path;
};

G_DEFINE_FINAL_TYPE (LkActionHistory, lk_action_history, G_TYPE_OBJECT)

/* The columns, in the order of the CSV export and of the JSON members. */
#define FIELD(name, member) { name, G_STRUCT_OFFSET (LkHistoryEntry, member) }
static const struct { const char *name; gsize offset; } fields[] = {
  FIELD ("time", time),
  FIELD ("admin", admin),
  FIELD ("tenant", tenant),
  FIELD ("deviceId", device_id),
  FIELD ("deviceName", device_name),
  FIELD ("action", action),
  FIELD ("outcome", outcome),
  FIELD ("detail", detail),
  FIELD ("requestId", request_id),
  FIELD ("clientRequestId", client_request_id),
  FIELD ("priorResultStart", prior_result_start),
};
#undef FIELD

static char **
field_slot (LkHistoryEntry *entry,
            guint           i)
{
  return (char **) G_STRUCT_MEMBER_P (entry, fields[i].offset);
}

LkHistoryEntry *
lk_history_entry_new (void)
{
  return g_new0 (LkHistoryEntry, 1);
}

void
lk_history_entry_free (LkHistoryEntry *entry)
{
  if (entry == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_free (*field_slot (entry, i));
  g_free (entry);
}

static void
lk_action_history_finalize (GObject *object)
{
  LkActionHistory *self = LK_ACTION_HISTORY (object);

  g_free (self->path);
  G_OBJECT_CLASS (lk_action_history_parent_class)->finalize (object);
}

static void
lk_action_history_class_init (LkActionHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lk_action_history_finalize;
}

static void
lk_action_history_init (LkActionHistory *self)
{
}

LkActionHistory *
lk_action_history_new (const char *path)
{
  LkActionHistory *self = g_object_new (LK_TYPE_ACTION_HISTORY, NULL);

  self->path = path != NULL ? g_strdup (path)
                            : g_build_filename (g_get_user_state_dir (), "latchkey", "history.jsonl", NULL);
  return self;
}

const char *
lk_action_history_get_path (LkActionHistory *self)
{
  g_return_val_if_fail (LK_IS_ACTION_HISTORY (self), NULL);
  return self->path;
}

static gboolean
ends_with_newline (int fd)
{
  struct stat st;
  char last = '\n';

  if (fstat (fd, &st) != 0 || st.st_size == 0)
    return TRUE;
  if (pread (fd, &last, 1, st.st_size - 1) != 1)
    return TRUE;
  return last == '\n';
}

static gboolean
append_line (LkActionHistory  *self,
             LkHistoryEntry   *entry,
             gboolean          durable,
             GError          **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;
  g_autofree char *dir = NULL;
  gsize len;
  int fd;

  g_return_val_if_fail (LK_IS_ACTION_HISTORY (self), FALSE);

  if (entry->time == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      entry->time = g_date_time_format_iso8601 (now);
    }

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (*field_slot (entry, i) != NULL)
      {
        json_builder_set_member_name (builder, fields[i].name);
        json_builder_add_string_value (builder, *field_slot (entry, i));
      }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  line = json_to_string (root, FALSE);
  len = strlen (line);
  line = g_realloc (line, len + 3);
  line[len++] = '\n';
  line[len] = '\0';

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the history folder %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  /* One write() of one line with O_APPEND: lines from two windows never interleave. */
  fd = g_open (self->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd >= 0 && !ends_with_newline (fd))
    {
      /* A crash cut the last line short: end it, so that it alone is lost and not this one. */
      memmove (line + 1, line, len + 1);
      line[0] = '\n';
      len++;
    }
  if (fd < 0 || write (fd, line, len) != (gssize) len)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not write the action history %s: %s"), self->path, g_strerror (saved));
      return FALSE;
    }
  /* The "about to send" record must be on disk before the request leaves: a crash or a
   * SIGKILL right after must still find it. */
  if (durable && fsync (fd) != 0)
    {
      int saved = errno;
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not write the action history %s: %s"), self->path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

gboolean
lk_action_history_append (LkActionHistory  *self,
                          LkHistoryEntry   *entry,
                          GError          **error)
{
  return append_line (self, entry, TRUE, error);
}

gboolean
lk_action_history_append_outcome (LkActionHistory  *self,
                                  LkHistoryEntry   *entry,
                                  GError          **error)
{
  return append_line (self, entry, FALSE, error);
}

static LkHistoryEntry *
entry_copy (const LkHistoryEntry *entry)
{
  LkHistoryEntry *copy = lk_history_entry_new ();

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    *field_slot (copy, i) = g_strdup (*field_slot ((LkHistoryEntry *) entry, i));
  return copy;
}

/* The outcome that closes an intent whose request never left: "error" reads as "not sent". */
static void
append_not_sent (LkActionHistory      *self,
                 const LkHistoryEntry *intent)
{
  g_autoptr(LkHistoryEntry) outcome = lk_history_entry_new ();
  g_autoptr(GError) error = NULL;

  outcome->device_id = g_strdup (intent->device_id);
  outcome->client_request_id = g_strdup (intent->client_request_id);
  outcome->outcome = g_strdup ("error");
  outcome->detail = g_strdup (_("Not sent: the action was abandoned before its request left"));
  /* Not fatal, and so not synced: an intent alone reads as "outcome unknown", which holds a
   * second send back. (lk_action_history_withdraw_intent() calls this on the main thread.) */
  if (!lk_action_history_append_outcome (self, outcome, &error))
    g_debug ("History: could not close an intent that was not sent: %s", error->message);
}

/* Worker thread: touches only the task's own entry and the history's path, which never
 * changes after construction. */
static void
append_intent_thread (GTask        *task,
                      gpointer      source,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  LkActionHistory *self = source;
  LkHistoryEntry *intent = task_data;
  GError *error = NULL;

  if (!lk_action_history_append (self, intent, &error))
    {
      g_task_return_new_error (task, error->domain, error->code,
                               _("Nothing was sent: the action could not be recorded in the history first. %s"),
                               error->message);
      g_error_free (error);
      return;
    }
  /* Decided here, not in the callback: the sender may be gone because the main loop is. */
  if (g_cancellable_is_cancelled (cancellable))
    {
      append_not_sent (self, intent);
      g_task_return_error_if_cancelled (task);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
lk_action_history_append_intent_async (LkActionHistory      *self,
                                       const LkHistoryEntry *entry,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LK_IS_ACTION_HISTORY (self));
  g_return_if_fail (entry != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_action_history_append_intent_async);
  /* The worker's answer stands: an intent on disk and no cancellation seen means "send". */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, entry_copy (entry), (GDestroyNotify) lk_history_entry_free);
  g_task_run_in_thread (task, append_intent_thread);
}

gboolean
lk_action_history_append_intent_finish (LkActionHistory  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_action_history_append_intent_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

const char *
lk_action_history_intent_get_client_request_id (GAsyncResult *result)
{
  LkHistoryEntry *intent;

  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_action_history_append_intent_async, NULL);
  intent = g_task_get_task_data (G_TASK (result));
  return intent->client_request_id;
}

void
lk_action_history_withdraw_intent (LkActionHistory *self,
                                   GAsyncResult    *result)
{
  g_return_if_fail (g_task_is_valid (result, self));
  append_not_sent (self, g_task_get_task_data (G_TASK (result)));
}

/* Later records of the same request (its outcome) fill in the first one; its time stays the
 * time the action was sent, and its client-request-id (the same) keys the fold's table. */
static void
merge_into (LkHistoryEntry *into,
            LkHistoryEntry *later)
{
  for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
    if (fields[f].offset != G_STRUCT_OFFSET (LkHistoryEntry, time)
        && fields[f].offset != G_STRUCT_OFFSET (LkHistoryEntry, client_request_id)
        && *field_slot (later, f) != NULL)
      {
        g_free (*field_slot (into, f));
        *field_slot (into, f) = g_steal_pointer (field_slot (later, f));
      }
}

GPtrArray *
lk_action_history_load (LkActionHistory  *self,
                        GError          **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_history_entry_free);
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) by_request = NULL;

  g_return_val_if_fail (LK_IS_ACTION_HISTORY (self), NULL);

  if (!g_file_get_contents (self->path, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&entries);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  /* A journal: one action's records (intent, then outcome) share its client-request-id. */
  by_request = g_hash_table_new (g_str_hash, g_str_equal);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) root = lk_json_parse_object (lines[i], -1, NULL);
      LkHistoryEntry *first;
      LkHistoryEntry *entry;
      JsonObject *object;

      if (root == NULL)
        continue;
      object = json_node_get_object (root);
      entry = lk_history_entry_new ();
      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        *field_slot (entry, f) = g_strdup (lk_json_get_string (object, fields[f].name, NULL));
      first = entry->client_request_id != NULL ? g_hash_table_lookup (by_request, entry->client_request_id) : NULL;
      if (first != NULL)
        {
          merge_into (first, entry);
          lk_history_entry_free (entry);
          continue;
        }
      g_ptr_array_add (entries, entry);
      if (entry->client_request_id != NULL)
        g_hash_table_insert (by_request, entry->client_request_id, entry);
    }
  return g_steal_pointer (&entries);
}

struct _LkHistoryRecord
{
  GObject         parent_instance;
  LkHistoryEntry *entry;
};

G_DEFINE_FINAL_TYPE (LkHistoryRecord, lk_history_record, G_TYPE_OBJECT)

static void
lk_history_record_finalize (GObject *object)
{
  g_clear_pointer (&LK_HISTORY_RECORD (object)->entry, lk_history_entry_free);
  G_OBJECT_CLASS (lk_history_record_parent_class)->finalize (object);
}

static void
lk_history_record_class_init (LkHistoryRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lk_history_record_finalize;
}

static void
lk_history_record_init (LkHistoryRecord *self)
{
}

const LkHistoryEntry *
lk_history_record_get_entry (LkHistoryRecord *self)
{
  g_return_val_if_fail (LK_IS_HISTORY_RECORD (self), NULL);
  return self->entry;
}

GListModel *
lk_action_history_load_model (LkActionHistory  *self,
                              GError          **error)
{
  g_autoptr(GPtrArray) entries = lk_action_history_load (self, error);
  GListStore *store;

  if (entries == NULL)
    return NULL;
  store = g_list_store_new (LK_TYPE_HISTORY_RECORD);
  for (guint i = entries->len; i > 0; i--)
    {
      g_autoptr(LkHistoryRecord) record = g_object_new (LK_TYPE_HISTORY_RECORD, NULL);

      record->entry = g_ptr_array_steal_index_fast (entries, i - 1);
      g_list_store_append (store, record);
    }
  return G_LIST_MODEL (store);
}

static void
append_csv_field (GString    *csv,
                  const char *value)
{
  /* The CSV is often read on a terminal first (latchkey-cli history --csv): control and bidi
   * characters from a device's name are written visibly, as in the plain-text output. */
  g_autofree char *inert = lk_text_inert (value);
  /* A device name is chosen by its user: a spreadsheet must not run "=HYPERLINK(…)" from it. */
  gboolean formula = inert != NULL && strchr ("=+-@\t\r", inert[0]) != NULL && inert[0] != '\0';

  if (inert == NULL)
    return;
  value = inert;
  if (!formula && strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (csv, value);
      return;
    }
  g_string_append_c (csv, '"');
  if (formula)
    g_string_append_c (csv, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

char *
lk_action_history_to_csv (GPtrArray *entries)
{
  GString *csv = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_string_append_printf (csv, "%s%s", i > 0 ? "," : "", fields[i].name);
  g_string_append (csv, "\r\n");
  for (guint e = 0; entries != NULL && e < entries->len; e++)
    {
      LkHistoryEntry *entry = g_ptr_array_index (entries, e);

      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        {
          if (i > 0)
            g_string_append_c (csv, ',');
          append_csv_field (csv, *field_slot (entry, i));
        }
      g_string_append (csv, "\r\n");
    }
  return g_string_free (csv, FALSE);
}

/* The words the History window and latchkey-cli show for an entry's outcome. */
const char *
lk_history_outcome_label (const char *outcome)
{
  if (g_strcmp0 (outcome, "done") == 0)
    return _("Done");
  if (g_strcmp0 (outcome, "sent") == 0)
    return _("Sent, no result yet");
  if (g_strcmp0 (outcome, "pending") == 0)
    return _("Waiting for the device");
  if (g_strcmp0 (outcome, "active") == 0)
    return _("In progress on the device");
  if (g_strcmp0 (outcome, "canceled") == 0)
    return _("Canceled");
  if (g_strcmp0 (outcome, "awaitingApproval") == 0)
    return _("Awaiting approval (Multi Admin Approval)");
  /* An intent with no outcome after it: the process ended (killed, crashed) while the request
   * may have been on its way, so it may or may not have reached Intune. */
  if (g_strcmp0 (outcome, "sending") == 0 || g_strcmp0 (outcome, "unknown") == 0)
    return _("Outcome unknown — check status");
  if (g_strcmp0 (outcome, "failed") == 0)
    return _("Failed on the device");
  if (g_strcmp0 (outcome, "notSupported") == 0)
    return _("Not supported by the device");
  if (g_strcmp0 (outcome, "error") == 0)
    return _("Not sent");
  if (g_strcmp0 (outcome, "revealed") == 0)
    return _("Secret shown");
  return outcome != NULL ? outcome : "—";
}

gboolean
lk_history_entry_is_unlock (const LkHistoryEntry *entry)
{
  return entry->action != NULL && (g_str_has_prefix (entry->action, "reveal") || g_str_has_prefix (entry->action, "rotate"));
}

gboolean
lk_history_outcome_is_open (const char *outcome)
{
  static const char *const open[] = { "sending", "unknown", "sent", "pending", "active", NULL };

  return outcome != NULL && g_strv_contains (open, outcome);
}

LkHistoryEntry *
lk_history_find_latest (GPtrArray  *entries,
                        const char *device_id)
{
  for (guint i = entries != NULL ? entries->len : 0; i > 0; i--)
    {
      LkHistoryEntry *entry = g_ptr_array_index (entries, i - 1);

      /* A reveal or rotation of an unlock secret is journaled here too, but is no passcode
       * action: it never holds a reset back, nor answers for one. */
      if (g_strcmp0 (entry->device_id, device_id) == 0 && !lk_history_entry_is_unlock (entry))
        return entry;
    }
  return NULL;
}
