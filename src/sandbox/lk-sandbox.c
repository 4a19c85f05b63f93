/* lk-sandbox.c: the sandbox object and its public API. The server is in lk-sandbox-server.c
 * (requests, routing, thread), Graph in lk-sandbox-graph.c, Entra ID in lk-sandbox-identity.c,
 * faults in lk-sandbox-faults.c.
 *
 * Everything the handlers touch lives behind self->lock; the handlers run on the sandbox's
 * own thread and GMainContext, public functions on any thread. Answers are delayed (latency,
 * DELAY faults, nothing else) by pausing the message and unpausing it from a timeout on the
 * sandbox context, never by sleeping the thread, so one slow answer never blocks another.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lk-sandbox.h"
#include "lk-sandbox-private.h"

G_DEFINE_FINAL_TYPE (LkSandbox, lk_sandbox, G_TYPE_OBJECT)
static void
access_token_free (gpointer data)
{
  SbAccessToken *token = data;

  g_strfreev (token->scopes);
  g_free (token);
}

static void
grant_free (gpointer data)
{
  SbGrant *grant = data;

  g_free (grant->scope);
  g_free (grant->client_id);
  g_free (grant);
}

static void
auth_code_free (gpointer data)
{
  SbAuthCode *code = data;

  g_free (code->client_id);
  g_free (code->redirect_uri);
  g_free (code->challenge);
  g_free (code->scope);
  g_free (code);
}

static void
device_code_free (gpointer data)
{
  SbDeviceCode *code = data;

  g_free (code->user_code);
  g_free (code->scope);
  g_free (code->client_id);
  g_free (code);
}

static void
action_free (gpointer data)
{
  SbAction *action = data;

  /* The passcode is a secret: do not leave it in freed memory. */
  memset (action, 0, sizeof *action);
  g_free (action);
}

void
sb_fault_free (gpointer data)
{
  SbFault *fault = data;

  g_free ((char *) fault->fault.method);
  g_free ((char *) fault->fault.path_contains);
  g_free ((char *) fault->fault.retry_after);
  g_free ((char *) fault->fault.graph_code);
  g_free ((char *) fault->fault.body);
  g_free (fault);
}

static void
log_entry_free (gpointer data)
{
  SbLogEntry *entry = data;

  g_free (entry->method);
  g_free (entry->path);
  g_free (entry->query);
  g_ptr_array_unref (entry->headers);
  g_free (entry);
}

/* ---- GObject ---- */

static void
lk_sandbox_finalize (GObject *object)
{
  LkSandbox *self = LK_SANDBOX (object);

  lk_sandbox_stop (self);
  sb_raw_writers_clear (&self->raw_writers);
  g_clear_pointer (&self->devices, sb_device_set_free);
  g_clear_pointer (&self->page_cache, g_hash_table_unref);
  g_clear_pointer (&self->unlock, sb_unlock_store_free);
  g_clear_pointer (&self->actions, g_hash_table_unref);
  g_clear_pointer (&self->access_tokens, g_hash_table_unref);
  g_clear_pointer (&self->refresh_tokens, g_hash_table_unref);
  g_clear_pointer (&self->spent_refresh, g_hash_table_unref);
  g_clear_pointer (&self->issued_tokens, g_ptr_array_unref);
  explicit_bzero (self->last_passcode, sizeof self->last_passcode);
  g_clear_pointer (&self->grant_secret, g_free);
  g_clear_pointer (&self->redirect_uris, g_strfreev);
  g_clear_pointer (&self->id_token_claims, g_hash_table_unref);
  g_clear_pointer (&self->auth_codes, g_hash_table_unref);
  g_clear_pointer (&self->device_codes, g_hash_table_unref);
  g_clear_pointer (&self->faults, g_ptr_array_unref);
  g_clear_pointer (&self->log, g_ptr_array_unref);
  g_clear_pointer (&self->base_url, g_free);
  sb_clear_times (&self->rate_accepted);
  sb_clear_times (&self->rate_accepted_writes);
  sb_clear_times (&self->rate_arrived);
  sb_clear_times (&self->rate_arrived_writes);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->started_cond);

  G_OBJECT_CLASS (lk_sandbox_parent_class)->finalize (object);
}

static void
lk_sandbox_class_init (LkSandboxClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lk_sandbox_finalize;
}

static void
lk_sandbox_init (LkSandbox *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->started_cond);
  sb_raw_writers_init (&self->raw_writers);
  self->devices = sb_device_set_new ();
  self->unlock = sb_unlock_store_new ();
  self->actions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, action_free);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, access_token_free);
  self->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, grant_free);
  self->spent_refresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->issued_tokens = g_ptr_array_new_with_free_func (g_free);
  self->auth_codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, auth_code_free);
  self->device_codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, device_code_free);
  self->faults = g_ptr_array_new_with_free_func (sb_fault_free);
  self->log = g_ptr_array_new_with_free_func (log_entry_free);
  self->pending_ms = 1500;
  self->active_ms = 1500;
  self->dc_interval_s = 5;
  self->dc_expires_s = 900;
  self->auto_approve = TRUE;
  self->client_id = TEST_CLIENT_ID;
  /* What the README tells admins to register (Mobile and desktop applications). */
  self->redirect_uris = g_strdupv ((char *[]) { "http://localhost", NULL });
  self->id_token_claims = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

LkSandbox *
lk_sandbox_new (void)
{
  return g_object_new (LK_TYPE_SANDBOX, NULL);
}

static void
replace_devices (LkSandbox *self, SbDeviceSet *set)
{
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->devices, sb_device_set_free);
  self->devices = set;
  g_hash_table_remove_all (self->actions);
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_load_demo_tenant (LkSandbox *self)
{
  SbDeviceSet *set = sb_device_set_new ();
  g_autoptr(GError) error = NULL;

  g_return_if_fail (LK_IS_SANDBOX (self));

  if (!sb_device_set_load_demo (set, g_get_real_time () / G_USEC_PER_SEC, &error))
    g_critical ("The sandbox's demo tenant fixture is broken: %s", error->message);
  replace_devices (self, set);
  sb_unlock_store_load_demo (self->unlock, g_get_real_time () / G_USEC_PER_SEC);
}

static void
generate_devices (LkSandbox *self, guint n, guint32 seed, gboolean full)
{
  SbDeviceSet *set = sb_device_set_new ();

  sb_device_set_generate (set, n, seed, g_get_real_time () / G_USEC_PER_SEC, full);
  replace_devices (self, set);
}

void
lk_sandbox_generate_devices (LkSandbox *self, guint n, guint32 seed)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  generate_devices (self, n, seed, FALSE);
}

void
lk_sandbox_generate_full_devices (LkSandbox *self, guint n, guint32 seed)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  generate_devices (self, n, seed, TRUE);
}

guint
lk_sandbox_get_n_devices (LkSandbox *self)
{
  guint n;

  g_return_val_if_fail (LK_IS_SANDBOX (self), 0);

  g_mutex_lock (&self->lock);
  n = self->devices->devices->len;
  g_mutex_unlock (&self->lock);
  return n;
}

gboolean
lk_sandbox_start (LkSandbox *self, GError **error)
{
  GError *start_error;

  g_return_val_if_fail (LK_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->thread != NULL)
    return TRUE;

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->started = FALSE;
  self->thread = g_thread_new ("lk-sandbox", sb_server_thread, self);

  g_mutex_lock (&self->lock);
  while (!self->started)
    g_cond_wait (&self->started_cond, &self->lock);
  start_error = g_steal_pointer (&self->start_error);
  g_mutex_unlock (&self->lock);

  if (start_error != NULL)
    {
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->loop, g_main_loop_unref);
      g_clear_pointer (&self->context, g_main_context_unref);
      g_propagate_error (error, start_error);
      return FALSE;
    }
  return TRUE;
}

void
lk_sandbox_stop (LkSandbox *self)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  if (self->thread == NULL)
    return;
  g_main_loop_quit (self->loop);
  g_thread_join (g_steal_pointer (&self->thread));
  sb_raw_writers_stop (&self->raw_writers);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->base_url, g_free);
  self->started = FALSE;
  g_mutex_unlock (&self->lock);
}

char *
lk_sandbox_get_base_url (LkSandbox *self)
{
  char *url;

  g_return_val_if_fail (LK_IS_SANDBOX (self), NULL);

  g_mutex_lock (&self->lock);
  url = g_strdup (self->base_url);
  g_mutex_unlock (&self->lock);
  return url;
}

static char *
base_url_with (LkSandbox *self, const char *suffix)
{
  g_autofree char *base = lk_sandbox_get_base_url (self);

  return base != NULL ? g_strconcat (base, suffix, NULL) : NULL;
}

char *
lk_sandbox_get_graph_url (LkSandbox *self)
{
  return base_url_with (self, "/graph");
}

char *
lk_sandbox_get_authority_url (LkSandbox *self)
{
  return base_url_with (self, "/login");
}

const char *
lk_sandbox_get_tenant_id (LkSandbox *self)
{
  return DEMO_TENANT_ID;
}

const char *
lk_sandbox_get_client_id (LkSandbox *self)
{
  return self->client_id;
}

void
lk_sandbox_set_redirect_uris (LkSandbox          *self,
                              const char * const *uris)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  g_strfreev (self->redirect_uris);
  self->redirect_uris = g_strdupv ((char **) uris);
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_set_id_token_claim (LkSandbox  *self,
                               const char *claim,
                               const char *value)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  if (value != NULL)
    g_hash_table_replace (self->id_token_claims, g_strdup (claim), g_strdup (value));
  else
    g_hash_table_remove (self->id_token_claims, claim);
  g_mutex_unlock (&self->lock);
}

const char *
lk_sandbox_get_username (LkSandbox *self)
{
  return DEMO_USERNAME;
}

char **
lk_sandbox_dup_issued_tokens (LkSandbox *self)
{
  GStrvBuilder *builder;
  char **tokens;

  g_return_val_if_fail (LK_IS_SANDBOX (self), NULL);

  builder = g_strv_builder_new ();
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->issued_tokens->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->issued_tokens, i));
  g_mutex_unlock (&self->lock);
  tokens = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return tokens;
}

char *
lk_sandbox_dup_last_passcode (LkSandbox *self)
{
  char *passcode;

  g_return_val_if_fail (LK_IS_SANDBOX (self), NULL);

  g_mutex_lock (&self->lock);
  passcode = self->last_passcode[0] != '\0' ? g_strdup (self->last_passcode) : NULL;
  g_mutex_unlock (&self->lock);
  return passcode;
}

void
lk_sandbox_set_directory_role (LkSandbox  *self,
                               const char *role)
{
  g_return_if_fail (LK_IS_SANDBOX (self));
  sb_unlock_store_set_role (self->unlock, role);
}

guint
lk_sandbox_count_key_reads (LkSandbox *self)
{
  g_return_val_if_fail (LK_IS_SANDBOX (self), 0);
  return sb_unlock_store_count (self->unlock, FALSE);
}

guint
lk_sandbox_count_rotations (LkSandbox *self)
{
  g_return_val_if_fail (LK_IS_SANDBOX (self), 0);
  return sb_unlock_store_count (self->unlock, TRUE);
}

char **
lk_sandbox_dup_unlock_secrets (LkSandbox *self)
{
  g_return_val_if_fail (LK_IS_SANDBOX (self), NULL);
  return sb_unlock_store_dup_secrets (self->unlock);
}

char *
lk_sandbox_mint_access_token (LkSandbox  *self,
                              const char *scopes,
                              guint       lifetime_s)
{
  char *token;

  g_return_val_if_fail (LK_IS_SANDBOX (self), NULL);

  g_mutex_lock (&self->lock);
  token = sb_mint_access_token_locked (self, scopes, lifetime_s);
  g_mutex_unlock (&self->lock);
  return token;
}

void
lk_sandbox_expire_access_tokens (LkSandbox *self)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  g_hash_table_remove_all (self->access_tokens);
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_revoke_refresh_tokens (LkSandbox *self)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  g_hash_table_remove_all (self->refresh_tokens);
  /* Signed tokens are checked by their signature: a new key revokes them all. */
  if (self->grant_secret != NULL)
    {
      g_free (self->grant_secret);
      self->grant_secret = sb_random_token (32);
    }
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_set_auto_approve (LkSandbox *self, gboolean auto_approve)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  self->auto_approve = !!auto_approve;
  g_mutex_unlock (&self->lock);
}

static gboolean
set_device_code_state (LkSandbox *self, const char *user_code, SbDeviceCodeState state)
{
  GHashTableIter iter;
  SbDeviceCode *code;
  gboolean found = FALSE;

  g_return_val_if_fail (LK_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (user_code != NULL, FALSE);

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->device_codes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &code))
    {
      if (g_ascii_strcasecmp (code->user_code, user_code) != 0 || code->state != DC_PENDING)
        continue;
      code->state = state;
      found = TRUE;
      break;
    }
  g_mutex_unlock (&self->lock);
  return found;
}

gboolean
lk_sandbox_approve_device_code (LkSandbox *self, const char *user_code)
{
  return set_device_code_state (self, user_code, DC_APPROVED);
}

gboolean
lk_sandbox_decline_device_code (LkSandbox *self, const char *user_code)
{
  return set_device_code_state (self, user_code, DC_DECLINED);
}

void
lk_sandbox_set_device_code_timing (LkSandbox *self, guint interval_s, guint expires_in_s)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  self->dc_interval_s = interval_s;
  self->dc_expires_s = expires_in_s;
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_add_fault (LkSandbox *self, const LkFault *fault)
{
  SbFault *copy;

  g_return_if_fail (LK_IS_SANDBOX (self));
  g_return_if_fail (fault != NULL);

  copy = g_new0 (SbFault, 1);
  copy->fault = *fault;
  copy->fault.method = g_strdup (fault->method);
  copy->fault.path_contains = g_strdup (fault->path_contains);
  copy->fault.retry_after = g_strdup (fault->retry_after);
  copy->fault.graph_code = g_strdup (fault->graph_code);
  /* A copy with a NUL after it, whatever @size says. */
  if (fault->body != NULL)
    {
      gsize size = sb_raw_size (fault);
      char *body = g_malloc (size + 1);

      memcpy (body, fault->body, size);
      body[size] = '\0';
      copy->fault.body = body;
      copy->fault.size = size;
    }
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->faults, copy);
  g_mutex_unlock (&self->lock);
}

gboolean
lk_sandbox_set_device_string (LkSandbox  *self,
                              const char *id,
                              const char *member,
                              const char *value)
{
  SbDevice *dev;
  SbField field;
  gboolean found;

  g_return_val_if_fail (LK_IS_SANDBOX (self), FALSE);

  g_mutex_lock (&self->lock);
  dev = sb_device_set_lookup (self->devices, id);
  found = dev != NULL && sb_field_from_name (member, TRUE, &field) && field < SB_N_STRING_FIELDS
          && field != SB_F_ID;
  if (found)
    dev->s[field] = value != NULL ? g_string_chunk_insert (self->devices->chunk, value) : NULL;
  g_mutex_unlock (&self->lock);
  return found;
}

void
lk_sandbox_clear_faults (LkSandbox *self)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->faults, 0);
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_set_latency (LkSandbox *self, guint min_ms, guint max_ms)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  self->latency_min_ms = min_ms;
  self->latency_max_ms = MAX (min_ms, max_ms);
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_set_next_link_first (LkSandbox *self, gboolean first)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  self->next_link_first = first;
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_set_ignore_select (LkSandbox *self, gboolean ignore)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  self->ignore_select = ignore;
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_set_page_cache (LkSandbox *self, gboolean cache)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->page_cache, g_hash_table_unref);
  if (cache)
    self->page_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  self->page_cache_hits = 0;
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_get_page_cache_stats (LkSandbox *self, guint *pages, guint *hits)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  *pages = self->page_cache != NULL ? g_hash_table_size (self->page_cache) : 0;
  *hits = self->page_cache_hits;
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_set_action_timing (LkSandbox *self, guint pending_ms, guint active_ms)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  self->pending_ms = pending_ms;
  self->active_ms = active_ms;
  g_mutex_unlock (&self->lock);
}

static gboolean
entry_matches (const SbLogEntry *entry, const char *method, const char *path_contains)
{
  if (method != NULL && g_ascii_strcasecmp (entry->method, method) != 0)
    return FALSE;
  /* The query counts too, so tests can look for a skiptoken or an escaped $filter literal. */
  return path_contains == NULL || strstr (entry->path, path_contains) != NULL
         || (entry->query != NULL && strstr (entry->query, path_contains) != NULL);
}

guint
lk_sandbox_count_requests (LkSandbox  *self,
                           const char *method,
                           const char *path_contains)
{
  guint n = 0;

  g_return_val_if_fail (LK_IS_SANDBOX (self), 0);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->log->len; i++)
    if (entry_matches (g_ptr_array_index (self->log, i), method, path_contains))
      n++;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
lk_sandbox_count_aborted (LkSandbox *self)
{
  guint n;

  g_return_val_if_fail (LK_IS_SANDBOX (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_aborted;
  g_mutex_unlock (&self->lock);
  return n;
}

char *
lk_sandbox_get_last_header (LkSandbox  *self,
                            const char *path_contains,
                            const char *header)
{
  char *value = NULL;

  g_return_val_if_fail (LK_IS_SANDBOX (self), NULL);
  g_return_val_if_fail (header != NULL, NULL);

  g_mutex_lock (&self->lock);
  for (guint i = self->log->len; i > 0 && value == NULL; i--)
    {
      SbLogEntry *entry = g_ptr_array_index (self->log, i - 1);

      if (!entry_matches (entry, NULL, path_contains))
        continue;
      for (guint h = 0; h + 1 < entry->headers->len; h += 2)
        if (g_ascii_strcasecmp (g_ptr_array_index (entry->headers, h), header) == 0)
          {
            value = g_strdup (g_ptr_array_index (entry->headers, h + 1));
            break;
          }
      break;  /* only the last matching request counts */
    }
  g_mutex_unlock (&self->lock);
  return value;
}

void
lk_sandbox_reset_log (LkSandbox *self)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->log, 0);
  self->n_aborted = 0;
  self->n_queued = 0;
  self->n_rate_limited = 0;
  self->rate_peak = 0;
  self->rate_peak_writes = 0;
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_set_rate_limit (LkSandbox *self,
                           guint      requests,
                           guint      writes,
                           guint      window_ms)
{
  g_return_if_fail (LK_IS_SANDBOX (self));
  g_return_if_fail (requests == 0 || (writes > 0 && window_ms > 0));

  g_mutex_lock (&self->lock);
  self->rate_requests = requests;
  self->rate_writes = writes;
  self->rate_window_us = (gint64) window_ms * 1000;
  sb_clear_times (&self->rate_accepted);
  sb_clear_times (&self->rate_accepted_writes);
  sb_clear_times (&self->rate_arrived);
  sb_clear_times (&self->rate_arrived_writes);
  g_mutex_unlock (&self->lock);
}

guint
lk_sandbox_count_rate_limited (LkSandbox *self)
{
  guint n;

  g_return_val_if_fail (LK_IS_SANDBOX (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_rate_limited;
  g_mutex_unlock (&self->lock);
  return n;
}

void
lk_sandbox_get_rate_peak (LkSandbox *self,
                          guint     *requests,
                          guint     *writes)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  if (requests != NULL)
    *requests = self->rate_peak;
  if (writes != NULL)
    *writes = self->rate_peak_writes;
  g_mutex_unlock (&self->lock);
}

guint
lk_sandbox_count_queued_actions (LkSandbox *self)
{
  guint n;

  g_return_val_if_fail (LK_IS_SANDBOX (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_queued;
  g_mutex_unlock (&self->lock);
  return n;
}

void
lk_sandbox_set_grant_secret (LkSandbox  *self,
                             const char *secret)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  g_free (self->grant_secret);
  self->grant_secret = g_strdup (secret);
  g_mutex_unlock (&self->lock);
}

void
lk_sandbox_setup_demo (LkSandbox *self)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  lk_sandbox_load_demo_tenant (self);
  lk_sandbox_set_latency (self, 80, 250);
  self->client_id = DEMO_CLIENT_ID;
  /* Not a secret worth keeping: it guards only this emulator's demo data. */
  lk_sandbox_set_grant_secret (self, "latchkey-demo-tenant");
}

void
lk_sandbox_set_passcode (LkSandbox  *self,
                         const char *passcode)
{
  g_return_if_fail (LK_IS_SANDBOX (self));

  g_mutex_lock (&self->lock);
  memset (self->fixed_passcode, 0, sizeof self->fixed_passcode);
  if (passcode != NULL)
    g_strlcpy (self->fixed_passcode, passcode, sizeof self->fixed_passcode);
  g_mutex_unlock (&self->lock);
}
