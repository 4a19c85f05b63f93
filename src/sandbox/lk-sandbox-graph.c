/* lk-sandbox-graph.c: the emulated Intune Graph API: managedDevices (list, get, $select,
 * paging), device actions and their results, permissions and throttling.
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

/* ---- Graph: actions ---- */

static gboolean
parse_version (const char *text, guint *major, guint *minor)
{
  char *end = NULL;

  *major = *minor = 0;
  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  *major = (guint) g_ascii_strtoull (text, &end, 10);
  if (end != NULL && *end == '.' && g_ascii_isdigit (end[1]))
    *minor = (guint) g_ascii_strtoull (end + 1, NULL, 10);
  return TRUE;
}

/* What Intune would do with resetPasscode on this device (DESIGN.md's capability table). */
static SbOutcome
outcome_for (const SbDevice *dev)
{
  const char *os = dev->s[SB_F_OPERATING_SYSTEM] != NULL ? dev->s[SB_F_OPERATING_SYSTEM] : "";
  const char *enrollment = dev->s[SB_F_DEVICE_ENROLLMENT_TYPE] != NULL
                           ? dev->s[SB_F_DEVICE_ENROLLMENT_TYPE] : "";
  const char *owner = dev->s[SB_F_MANAGED_DEVICE_OWNER_TYPE] != NULL
                      ? dev->s[SB_F_MANAGED_DEVICE_OWNER_TYPE] : "";
  const char *device_type = dev->s[SB_F_DEVICE_TYPE] != NULL ? dev->s[SB_F_DEVICE_TYPE] : "";
  gboolean company = g_ascii_strcasecmp (owner, "company") == 0;
  guint major, minor;
  gboolean has_version = parse_version (dev->s[SB_F_OS_VERSION], &major, &minor);

  if (g_ascii_strcasecmp (os, "iOS") == 0 || g_ascii_strcasecmp (os, "iPadOS") == 0)
    {
      if (g_str_equal (enrollment, "appleUserEnrollment")
          || g_str_equal (enrollment, "appleUserEnrollmentWithServiceAccount")
          || g_str_equal (enrollment, "appleAccountDrivenUserEnrollment") || !company)
        return OUTCOME_NOT_SUPPORTED;
      return OUTCOME_DONE;
    }
  if (g_ascii_strcasecmp (os, "visionOS") == 0)
    return company && has_version && (major > 1 || (major == 1 && minor >= 1))
           ? OUTCOME_DONE : OUTCOME_NOT_SUPPORTED;
  if (g_ascii_strcasecmp (os, "Android") != 0)
    return OUTCOME_NOT_SUPPORTED;

  if (g_str_has_prefix (enrollment, "androidEnterprise") || g_str_has_prefix (enrollment, "androidAOSP"))
    return OUTCOME_DONE_WITH_PASSCODE;
  if (g_str_equal (device_type, "androidForWork"))
    return has_version && major >= 8 ? OUTCOME_DONE_WITH_PASSCODE : OUTCOME_NOT_SUPPORTED;
  /* Device administrator: Google removed the API from Android 7.0. */
  return has_version && major <= 6 ? OUTCOME_DONE_WITH_PASSCODE : OUTCOME_NOT_SUPPORTED;
}

static void
append_action_json (GString *out, const SbAction *action, gint64 now_us)
{
  gint64 active_from = action->start_us + action->pending_us;
  gint64 done_at, updated;
  const char *state;
  gboolean show_passcode = FALSE;

  if (action->sync_us != 0 && action->sync_us < active_from)
    active_from = action->sync_us;
  done_at = active_from + action->active_us;

  if (now_us < active_from)
    {
      state = "pending";
      updated = action->start_us;
    }
  else if (now_us < done_at)
    {
      state = "active";
      updated = active_from;
    }
  else
    {
      updated = done_at;
      state = action->outcome == OUTCOME_NOT_SUPPORTED ? "notSupported" : "done";
      show_passcode = action->outcome == OUTCOME_DONE_WITH_PASSCODE;
    }

  g_string_append (out, "{\"@odata.type\":\"#microsoft.graph.resetPasscodeActionResult\","
                        "\"actionName\":\"resetPasscode\",\"actionState\":");
  sb_json_append_string (out, state);
  g_string_append (out, ",\"startDateTime\":");
  sb_append_iso8601 (out, action->start_us / G_USEC_PER_SEC);
  g_string_append (out, ",\"lastUpdatedDateTime\":");
  sb_append_iso8601 (out, updated / G_USEC_PER_SEC);
  g_string_append (out, ",\"passcode\":");
  sb_json_append_string (out, show_passcode ? action->passcode : NULL);
  g_string_append (out, ",\"errorCode\":0}");
}

/* Lock held. Returns NULL for "no actions" ([]). */
static char *
actions_json_locked (LkSandbox *self, const SbDevice *dev)
{
  SbAction *action = g_hash_table_lookup (self->actions, dev->s[SB_F_ID]);
  GString *out;

  if (action == NULL)
    return NULL;
  out = g_string_new ("[");
  append_action_json (out, action, g_get_real_time ());
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

static void
handle_device_action (SbRequest *req, const char *id, const char *action_name)
{
  LkSandbox *self = req->self;
  SbDevice *dev;

  g_mutex_lock (&self->lock);
  dev = sb_device_set_lookup (self->devices, id);
  if (dev == NULL)
    {
      g_mutex_unlock (&self->lock);
      sb_reply_graph_error (req, 404, "ResourceNotFound", "Resource not found");
      return;
    }

  if (g_str_equal (action_name, "resetPasscode"))
    {
      SbAction *action = g_new0 (SbAction, 1);

      action->start_us = g_get_real_time ();
      action->pending_us = (gint64) self->pending_ms * 1000;
      action->active_us = (gint64) self->active_ms * 1000;
      action->outcome = outcome_for (dev);
      if (action->outcome == OUTCOME_DONE_WITH_PASSCODE)
        {
          guint32 r;

          sb_fill_random ((guint8 *) &r, sizeof r);
          g_snprintf (action->passcode, sizeof action->passcode, "%06u", r % 1000000);
          if (self->fixed_passcode[0] != '\0')
            memcpy (action->passcode, self->fixed_passcode, sizeof action->passcode);
          memcpy (self->last_passcode, action->passcode, sizeof self->last_passcode);
        }
      g_hash_table_replace (self->actions, g_strdup (dev->s[SB_F_ID]), action);
      self->n_queued++;
    }
  else
    {
      SbAction *action = g_hash_table_lookup (self->actions, dev->s[SB_F_ID]);
      gint64 now = g_get_real_time ();

      /* A sync nudge makes the device check in: a pending action becomes active. */
      if (action != NULL && action->sync_us == 0 && now < action->start_us + action->pending_us)
        action->sync_us = now;
    }
  g_mutex_unlock (&self->lock);
  soup_server_message_set_status (req->msg, 204, NULL);
}

/* ---- Graph: reading devices ---- */

static guint32
all_fields (gboolean beta)
{
  guint32 mask = 0;

  for (guint i = 0; i < SB_N_FIELDS; i++)
    if (beta || !sb_field_is_beta_only (i))
      mask |= 1u << i;
  return mask;
}

static gboolean
parse_select (const char *select, gboolean beta, guint32 *mask, char **bad)
{
  g_auto(GStrv) parts = NULL;

  if (select == NULL || *select == '\0')
    {
      *mask = all_fields (beta);
      return TRUE;
    }
  *mask = 1u << SB_F_ID;
  parts = g_strsplit (select, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      SbField field;

      g_strstrip (parts[i]);
      if (!sb_field_from_name (parts[i], beta, &field))
        {
          *bad = g_strdup (parts[i]);
          return FALSE;
        }
      *mask |= 1u << field;
    }
  return TRUE;
}

/* What a $select asks of a device: SbFields for the generated or demo devices, documented
 * members for full ones. */
typedef struct
{
  gboolean     full;
  guint32      mask;      /* lean: a bit per SbField */
  SbMemberMask members;   /* full: a bit per documented member */
} SbSelection;

/* Lock not held: reads the set's kind and the ignore-select switch under it. */
static gboolean
parse_selection (LkSandbox *self, const char *select, gboolean beta, SbSelection *sel, char **bad)
{
  gboolean ignore;

  g_mutex_lock (&self->lock);
  sel->full = self->devices->full;
  ignore = self->ignore_select;
  g_mutex_unlock (&self->lock);

  if (sel->full ? !sb_full_select_parse (select, beta, &sel->members, bad)
                : !parse_select (select, beta, &sel->mask, bad))
    return FALSE;
  /* The issue-18 benchmark's fake Graph: the $select was read, then not applied. */
  if (ignore && sel->full)
    sb_full_select_parse (NULL, beta, &sel->members, NULL);
  else if (ignore)
    sel->mask = all_fields (beta);
  return TRUE;
}

/* Lock held. */
static void
write_device (GString *out, LkSandbox *self, const SbDevice *dev, const SbSelection *sel,
              gboolean beta, gboolean wrong_types, gboolean single)
{
  g_autofree char *actions = NULL;

  if (sel->full || (sel->mask & (1u << SB_F_DEVICE_ACTION_RESULTS)) != 0)
    actions = actions_json_locked (self, dev);
  if (sel->full)
    sb_full_device_write_json (out, self->devices, dev, &sel->members, beta, actions, wrong_types, single);
  else
    sb_device_write_json (out, dev, sel->mask, beta, actions, wrong_types, single);
}

static void
reply_bad_select (SbRequest *req, const char *member)
{
  g_autofree char *message = g_strdup_printf ("Could not find a property named '%s' on type "
                                              "'microsoft.graph.managedDevice'.", member);

  sb_reply_graph_error (req, 400, "BadRequest", message);
}

static void
handle_get_device (SbRequest *req, const char *version, const char *id, GHashTable *query)
{
  LkSandbox *self = req->self;
  gboolean beta = g_str_equal (version, "beta");
  const char *select = query != NULL ? g_hash_table_lookup (query, "$select") : NULL;
  g_autofree char *bad = NULL;
  g_autoptr(GString) entity = NULL;
  SbSelection sel;
  SbDevice *dev;
  GString *body;

  if (!parse_selection (self, select, beta, &sel, &bad))
    {
      reply_bad_select (req, bad);
      return;
    }

  g_mutex_lock (&self->lock);
  dev = sb_device_set_lookup (self->devices, id);
  if (dev == NULL)
    {
      g_mutex_unlock (&self->lock);
      sb_reply_graph_error (req, 404, "ResourceNotFound", "Resource not found");
      return;
    }
  entity = g_string_new (NULL);
  write_device (entity, self, dev, &sel, beta, req->wrong_types, TRUE);
  body = g_string_new (NULL);
  g_string_append_printf (body, "{\"@odata.context\":\"%s/graph/%s/$metadata#deviceManagement/managedDevices/$entity\",",
                          self->base_url, version);
  g_mutex_unlock (&self->lock);
  /* The entity's members follow the context in the same object. */
  g_string_append (body, entity->str + 1);
  sb_set_json (req->msg, 200, GRAPH_JSON_TYPE, body);
}

typedef struct
{
  guint  offset;   /* index in the device array where the page starts scanning */
  guint  top;
  gboolean count;
  char  *select;
  char  *filter;
} SbCursor;

static void
cursor_clear (SbCursor *cursor)
{
  g_free (cursor->select);
  g_free (cursor->filter);
}

/* The skiptoken is opaque to clients: sb_base64url of the cursor, so the server stays stateless
 * and a client that rebuilds the URL instead of following it gets nothing useful. */
static char *
cursor_encode (const SbCursor *cursor)
{
  g_autofree char *plain = g_strdup_printf ("lk1\x1f%u\x1f%u\x1f%d\x1f%s\x1f%s", cursor->offset,
                                            cursor->top, cursor->count,
                                            cursor->select != NULL ? cursor->select : "",
                                            cursor->filter != NULL ? cursor->filter : "");

  return sb_base64url_string (plain);
}

static gboolean
cursor_decode (const char *token, SbCursor *cursor)
{
  g_autofree char *plain = sb_base64url_decode (token);
  g_auto(GStrv) parts = NULL;

  if (plain == NULL)
    return FALSE;
  parts = g_strsplit (plain, "\x1f", 6);
  if (g_strv_length (parts) != 6 || !g_str_equal (parts[0], "lk1"))
    return FALSE;
  cursor->offset = (guint) g_ascii_strtoull (parts[1], NULL, 10);
  cursor->top = (guint) g_ascii_strtoull (parts[2], NULL, 10);
  cursor->count = g_str_equal (parts[3], "1");
  cursor->select = *parts[4] != '\0' ? g_strdup (parts[4]) : NULL;
  cursor->filter = *parts[5] != '\0' ? g_strdup (parts[5]) : NULL;
  return cursor->top > 0 && cursor->top <= MAX_PAGE;
}

static gboolean
parse_top (const char *text, guint *top)
{
  guint64 value;

  if (text == NULL)
    {
      *top = MAX_PAGE;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT32, &value, NULL))
    return FALSE;
  *top = (guint) MIN (value, MAX_PAGE);
  return TRUE;
}

static gboolean
cursor_from_query (GHashTable *query, SbCursor *cursor, SbRequest *req)
{
  const char *skiptoken = query != NULL ? g_hash_table_lookup (query, "$skiptoken") : NULL;
  const char *count;

  if (skiptoken != NULL)
    {
      if (cursor_decode (skiptoken, cursor))
        return TRUE;
      sb_reply_graph_error (req, 400, "BadRequest", "The skip token is invalid or has expired.");
      return FALSE;
    }
  if (!parse_top (query != NULL ? g_hash_table_lookup (query, "$top") : NULL, &cursor->top))
    {
      sb_reply_graph_error (req, 400, "BadRequest", "Invalid value for $top query parameter.");
      return FALSE;
    }
  count = query != NULL ? g_hash_table_lookup (query, "$count") : NULL;
  cursor->count = count != NULL && g_ascii_strcasecmp (count, "true") == 0;
  cursor->select = query != NULL ? g_strdup (g_hash_table_lookup (query, "$select")) : NULL;
  cursor->filter = query != NULL ? g_strdup (g_hash_table_lookup (query, "$filter")) : NULL;
  /* $orderby is accepted and ignored, as Intune does. */
  return TRUE;
}

/* ENDLESS_NEXT_LINK: the same page again (its cursor unchanged), under a link made different
 * by a page number the next request brings back. */
static void
append_endless_link (GString *body, const char *base_url, const char *version,
                     const SbCursor *cursor, GHashTable *query)
{
  const char *page = query != NULL ? g_hash_table_lookup (query, "page") : NULL;
  guint64 n = page != NULL ? g_ascii_strtoull (page, NULL, 10) : 0;
  g_autofree char *token = cursor_encode (cursor);

  g_string_append_printf (body, ",\"@odata.nextLink\":\"%s/graph/%s/deviceManagement/managedDevices?$skiptoken=%s&page=%" G_GUINT64_FORMAT "\"",
                          base_url, version, token, n + 1);
}

/* The index of the first matching device past this page (@top of them from @from), or
 * G_MAXUINT when the page is the last. Called with the lock held. */
static guint
page_end (LkSandbox *self, SbFilter *filter, guint from, guint top)
{
  GArray *devices = self->devices->devices;
  guint n = 0;

  for (guint i = from; i < devices->len; i++)
    {
      if (!sb_filter_matches (filter, &g_array_index (devices, SbDevice, i)))
        continue;
      if (n++ == top)
        return i;
    }
  return G_MAXUINT;
}

static void
append_next_link (GString *body, SbRequest *req, SbCursor *cursor, guint next, const char *version)
{
  g_autofree char *token = NULL;

  if (next == G_MAXUINT && !req->foreign_next_link)
    return;
  cursor->offset = next != G_MAXUINT ? next : req->self->devices->devices->len;
  token = cursor_encode (cursor);
  g_string_append_printf (body, ",\"@odata.nextLink\":\"%s/graph/%s/deviceManagement/managedDevices?$skiptoken=%s\"",
                          req->foreign_next_link ? "https://evil.example.com" : req->self->base_url,
                          version, token);
}

/* Whether a fault touches this answer: such answers are never taken from or kept in the page
 * cache (lk_sandbox_set_page_cache). */
static gboolean
request_has_fault (const SbRequest *req)
{
  return req->delay_ms != 0 || req->truncate || req->drop || req->drop_after || req->drop_mid_body
         || req->wrong_types || req->foreign_next_link || req->endless_next_link || req->ignore_filter
         || req->raw != NULL;
}

/* The page cache's key for a list request, or NULL when the cache is off or the request is not
 * plain. Lock held. */
static char *
page_cache_key (SbRequest *req, const char *version, const SbCursor *cursor)
{
  g_autofree char *token = NULL;

  if (req->self->page_cache == NULL || request_has_fault (req))
    return NULL;
  token = cursor_encode (cursor);
  return g_strconcat (version, ":", token, NULL);
}

static void
handle_list_devices (SbRequest *req, const char *version, GHashTable *query)
{
  LkSandbox *self = req->self;
  gboolean beta = g_str_equal (version, "beta");
  SbCursor cursor = { 0 };
  g_autoptr(SbFilter) filter = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *cache_key = NULL;
  GBytes *cached = NULL;
  GString *body;
  SbSelection sel;
  guint n_written = 0, i, n_devices, from, next;

  if (!cursor_from_query (query, &cursor, req))
    {
      cursor_clear (&cursor);
      return;
    }
  if (!parse_selection (self, cursor.select, beta, &sel, &bad))
    {
      reply_bad_select (req, bad);
      cursor_clear (&cursor);
      return;
    }
  /* A filter ignored is gone from the links too: they are the unfiltered list's, the same
   * whichever filter was asked for. */
  if (req->ignore_filter)
    g_clear_pointer (&cursor.filter, g_free);
  filter = sb_filter_parse (cursor.filter);

  g_mutex_lock (&self->lock);
  cache_key = page_cache_key (req, version, &cursor);
  if (cache_key != NULL && (cached = g_hash_table_lookup (self->page_cache, cache_key)) != NULL)
    {
      g_bytes_ref (cached);
      self->page_cache_hits++;
      g_mutex_unlock (&self->lock);
      sb_set_json_bytes (req->msg, 200, GRAPH_JSON_TYPE, cached);
      g_bytes_unref (cached);
      cursor_clear (&cursor);
      return;
    }
  body = g_string_sized_new (cursor.top * (sel.full ? 4200 : 700) + 512);
  g_string_append_printf (body, "{\"@odata.context\":\"%s/graph/%s/$metadata#deviceManagement/managedDevices",
                          self->base_url, version);
  if (cursor.select != NULL)
    g_string_append_printf (body, "(%s)", cursor.select);
  g_string_append (body, "\"");

  n_devices = self->devices->devices->len;
  if (cursor.count)
    {
      guint total = 0;

      for (i = 0; i < n_devices; i++)
        if (sb_filter_matches (filter, &g_array_index (self->devices->devices, SbDevice, i)))
          total++;
      g_string_append_printf (body, ",\"@odata.count\":%u", total);
    }

  /* Where the page ends is known before it is written, so the link can go either side. */
  from = cursor.offset;
  next = page_end (self, filter, from, cursor.top);
  if (self->next_link_first)
    append_next_link (body, req, &cursor, next, version);
  g_string_append (body, ",\"value\":[");
  for (i = MIN (from, n_devices); i < MIN (next, n_devices); i++)
    {
      SbDevice *dev = &g_array_index (self->devices->devices, SbDevice, i);

      if (!sb_filter_matches (filter, dev))
        continue;
      if (n_written > 0)
        g_string_append_c (body, ',');
      write_device (body, self, dev, &sel, beta, req->wrong_types, FALSE);
      n_written++;
    }
  g_string_append_c (body, ']');
  if (!self->next_link_first)
    {
      if (req->endless_next_link)
        append_endless_link (body, self->base_url, version, &cursor, query);
      else
        append_next_link (body, req, &cursor, next, version);
    }
  g_string_append_c (body, '}');
  cursor_clear (&cursor);
  if (cache_key == NULL)
    {
      g_mutex_unlock (&self->lock);
      sb_set_json (req->msg, 200, GRAPH_JSON_TYPE, body);
      return;
    }
  cached = g_string_free_to_bytes (body);
  g_hash_table_replace (self->page_cache, g_steal_pointer (&cache_key), g_bytes_ref (cached));
  g_mutex_unlock (&self->lock);
  sb_set_json_bytes (req->msg, 200, GRAPH_JSON_TYPE, cached);
  g_bytes_unref (cached);
}

/* Intune's 403s, as its service writes them: the code says little ("Forbidden", or
 * "UnknownError" with the real code nested), the message is a JSON text of Intune's own.
 * Missing permission: microsoftgraph/microsoft-graph-docs-contrib#87; missing Intune role:
 * microsoftgraph/microsoft-graph-docs#11070; Multi Admin Approval: learn.microsoft.com/intune/
 * fundamentals/role-based-access-control/multi-admin-approval-graph-api. */
void
sb_reply_intune_missing_scope (SbRequest *req, const char *const scopes[])
{
  g_autofree char *list = g_strjoinv (", ", (char **) scopes);
  g_autofree char *message = g_strdup_printf ("{\r\n  \"_version\": 3,\r\n  \"Message\": \"Application is not authorized to perform this operation. "
                                              "Application must have one of the following scopes: %s - Operation ID (for customer support): "
                                              "00000000-0000-0000-0000-000000000000 - Activity ID: %s - Url: https://fef.msua02.manage.microsoft.com/"
                                              "DeviceFE/StatelessDeviceFEService/deviceManagement/managedDevices\",\r\n  \"CustomApiErrorPhrase\": \"\",\r\n"
                                              "  \"RetryAfter\": null,\r\n  \"ErrorSourceService\": \"\",\r\n  \"HttpHeaders\": \"{}\"\r\n}",
                                              list, req->request_id);

  sb_reply_graph_error (req, 403, "Forbidden", message);
}

void
sb_reply_intune_missing_role (SbRequest *req)
{
  g_autofree char *message = g_strdup_printf ("{\"ErrorCode\":\"Forbidden\",\"Message\":\"{\\r\\n  \\\"_version\\\": 3,\\r\\n  \\\"Message\\\": "
                                              "\\\"An error has occurred - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - "
                                              "Activity ID: %s - Url: https://fef.msua05.manage.microsoft.com/DeviceFE/StatelessDeviceFEService/"
                                              "deviceManagement/managedDevices\\\"\\r\\n}\",\"Target\":null,\"Details\":null,\"InnerError\":null,"
                                              "\"InstanceAnnotations\":[]}", req->request_id);

  sb_reply_graph_error (req, 403, "UnknownError", message);
}

void
sb_reply_intune_approval_required (SbRequest *req)
{
  g_autofree char *code = g_uuid_string_random ();
  g_autofree char *message = g_strdup_printf ("Approval Required. Request Approval using the request ID returned as part of the "
                                              "x-msft-approval-code response header. x-msft-approval-code: %s", code);

  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "x-msft-approval-code", code);
  sb_reply_graph_error (req, 403, "ApprovalRequired", message);
}

/* Lock not held. Returns FALSE after answering 401. */
static gboolean
check_bearer_for (SbRequest *req, const char *const required_any[], gboolean directory, char **out_token)
{
  LkSandbox *self = req->self;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  const char *message = NULL;
  gboolean allowed = FALSE;
  SbAccessToken *token;

  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0 || auth[7] == '\0')
    message = "Access token is empty.";
  else
    {
      g_mutex_lock (&self->lock);
      token = g_hash_table_lookup (self->access_tokens, auth + 7);
      if (token == NULL)
        message = "Access token validation failure. Invalid audience.";
      else if (token->expires_us <= g_get_monotonic_time ())
        message = "Lifetime validation failed, the token is expired.";
      else
        for (guint i = 0; required_any[i] != NULL; i++)
          allowed |= sb_token_has_scope (token, required_any[i]);
      g_mutex_unlock (&self->lock);
    }

  if (message != NULL)
    {
      g_autofree char *www = g_strdup_printf ("Bearer realm=\"\", authorization_uri=\"%s/login/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
                                              self->base_url);

      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "WWW-Authenticate", www);
      sb_reply_graph_error (req, 401, "InvalidAuthenticationToken", message);
      return FALSE;
    }
  *out_token = g_strdup (auth + 7);
  if (!allowed && directory)
    sb_reply_graph_error (req, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  else if (!allowed)
    sb_reply_intune_missing_scope (req, required_any);
  if (!allowed)
    {
      g_clear_pointer (out_token, g_free);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_bearer (SbRequest *req, const char *required_any[], char **out_token)
{
  return check_bearer_for (req, required_any, FALSE, out_token);
}

static guint
forget_and_count (GQueue *times, gint64 cutoff)
{
  while (!g_queue_is_empty (times) && *(gint64 *) g_queue_peek_head (times) <= cutoff)
    g_free (g_queue_pop_head (times));
  return g_queue_get_length (times);
}

static void
push_time (GQueue *times, gint64 now)
{
  g_queue_push_tail (times, g_memdup2 (&now, sizeof now));
}

void
sb_clear_times (GQueue *times)
{
  g_queue_clear_full (times, g_free);
}

/* Intune's per-app throttling over a sliding window; TRUE after answering 429. */
static gboolean
rate_limited (SbRequest *req, gboolean write)
{
  LkSandbox *self = req->self;
  gint64 now = g_get_monotonic_time ();
  gint64 cutoff;
  gint64 wait = 0;
  guint n;

  g_mutex_lock (&self->lock);
  if (self->rate_requests == 0)
    {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }
  cutoff = now - self->rate_window_us;
  push_time (&self->rate_arrived, now);
  self->rate_peak = MAX (self->rate_peak, forget_and_count (&self->rate_arrived, cutoff));
  if (write)
    {
      push_time (&self->rate_arrived_writes, now);
      n = forget_and_count (&self->rate_arrived_writes, cutoff);
      self->rate_peak_writes = MAX (self->rate_peak_writes, n);
    }

  if (forget_and_count (&self->rate_accepted, cutoff) >= self->rate_requests)
    wait = *(gint64 *) g_queue_peek_head (&self->rate_accepted) - cutoff;
  if (write && forget_and_count (&self->rate_accepted_writes, cutoff) >= self->rate_writes)
    wait = MAX (wait, *(gint64 *) g_queue_peek_head (&self->rate_accepted_writes) - cutoff);
  if (wait == 0)
    {
      push_time (&self->rate_accepted, now);
      if (write)
        push_time (&self->rate_accepted_writes, now);
    }
  else
    self->n_rate_limited++;
  g_mutex_unlock (&self->lock);

  if (wait > 0)
    {
      char retry_after[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (retry_after, sizeof retry_after, "%.3f", wait / (double) G_USEC_PER_SEC);
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Retry-After", retry_after);
      sb_reply_graph_error (req, 429, "TooManyRequests",
                         "Too many requests: the application's limit for this tenant was reached.");
    }
  return wait > 0;
}

/* After the token was accepted: throttling, then the faults that replace the answer. FALSE when
 * the request is answered (or dropped) already; otherwise @fault is a processed fault to apply
 * after the handler, or NULL. */
static gboolean
graph_checks_pass (SbRequest   *req,
                   const char  *method,
                   const char  *path,
                   const char  *token,
                   const char  *version,
                   SbFault    **fault)
{
  *fault = NULL;
  if (rate_limited (req, g_str_equal (method, "POST")))
    return FALSE;
  *fault = sb_take_faults (req->self, req, method, path);
  if (*fault != NULL && !(*fault)->fault.processed)
    {
      sb_apply_graph_fault (req, *fault, token, version);
      g_clear_pointer (fault, sb_fault_free);
      return FALSE;
    }
  if (req->drop)
    {
      g_clear_pointer (fault, sb_fault_free);
      return FALSE;
    }
  return TRUE;
}

/* LAPS, BitLocker, FileVault and their rotations: lk-sandbox-unlock.c answers, after the same
 * token, throttling and fault checks as every Graph request. */
static void
handle_unlock (SbRequest *req, const char *method, const char *path, char **parts, guint n,
               GHashTable *query, SbUnlockRoute route, const char *const scopes[])
{
  LkSandbox *self = req->self;
  g_autofree char *token = NULL;
  g_autofree char *graph_base = NULL;
  SbUnlockAnswer answer = { NULL };
  SbAccessToken *granted;
  SbFault *fault;

  if (!check_bearer_for (req, scopes, route == SB_UNLOCK_DIRECTORY, &token)
      || !graph_checks_pass (req, method, path, token, parts[0], &fault))
    return;
  g_mutex_lock (&self->lock);
  granted = g_hash_table_lookup (self->access_tokens, token);
  answer.token_scopes = granted != NULL ? g_strdupv (granted->scopes) : NULL;
  graph_base = g_strdup_printf ("%s/graph", req->foreign_next_link ? "https://evil.example.com" : self->base_url);
  sb_unlock_answer (self->unlock, self->devices, method, parts, n, query, graph_base,
                    self->pending_ms, &answer);
  g_mutex_unlock (&self->lock);
  g_strfreev (answer.token_scopes);
  if (answer.body != NULL)
    sb_set_json (req->msg, answer.status, GRAPH_JSON_TYPE, answer.body);
  else if (answer.status == 204)
    soup_server_message_set_status (req->msg, 204, NULL);
  else
    sb_reply_graph_error (req, answer.status, answer.code, answer.message);
  if (fault != NULL)
    {
      sb_apply_graph_fault (req, fault, token, parts[0]);
      sb_fault_free (fault);
    }
}

void
sb_handle_graph (SbRequest *req, const char *method, const char *path, GHashTable *query)
{
  static const char *read_scopes[] = { SCOPE_READ, SCOPE_READ_WRITE, SCOPE_PRIVILEGED, NULL };
  static const char *write_scopes[] = { SCOPE_PRIVILEGED, NULL };
  static const char *sync_scopes[] = { SCOPE_PRIVILEGED, SCOPE_READ_WRITE, NULL };
  g_auto(GStrv) parts = g_strsplit (path + strlen ("/graph/"), "/", -1);
  guint n = g_strv_length (parts);
  const char **scopes;
  g_autofree char *token = NULL;
  SbFault *fault;
  gboolean is_get = g_str_equal (method, "GET");
  gboolean is_post = g_str_equal (method, "POST");
  const char *const *unlock_scopes;
  SbUnlockRoute unlock_route;

  if (n < 1 || (!g_str_equal (parts[0], "v1.0") && !g_str_equal (parts[0], "beta")))
    {
      sb_reply_graph_error (req, 400, "BadRequest", "Invalid version.");
      return;
    }
  unlock_route = n > 1 ? sb_unlock_route (parts, n, &unlock_scopes) : SB_UNLOCK_NONE;
  if (unlock_route != SB_UNLOCK_NONE)
    {
      handle_unlock (req, method, path, parts, n, query, unlock_route, unlock_scopes);
      return;
    }
  if (n < 3 || !g_str_equal (parts[1], "deviceManagement") || !g_str_equal (parts[2], "managedDevices")
      || n > 5 || (n == 4 && *parts[3] == '\0'))
    {
      sb_reply_graph_error (req, 400, "BadRequest", "Resource not found for the segment.");
      return;
    }
  if (n == 5 && !g_str_equal (parts[4], "resetPasscode") && !g_str_equal (parts[4], "syncDevice"))
    {
      sb_reply_graph_error (req, 400, "BadRequest", "Resource not found for the segment.");
      return;
    }
  if ((n < 5 && !is_get) || (n == 5 && !is_post))
    {
      sb_reply_graph_error (req, 405, "MethodNotAllowed", "The method is not allowed on this resource.");
      return;
    }

  scopes = n < 5 ? read_scopes : g_str_equal (parts[4], "syncDevice") ? sync_scopes : write_scopes;
  if (!check_bearer (req, scopes, &token))
    return;

  if (!graph_checks_pass (req, method, path, token, parts[0], &fault))
    return;

  if (n == 3)
    handle_list_devices (req, parts[0], query);
  else if (n == 4)
    handle_get_device (req, parts[0], parts[3], query);
  else
    handle_device_action (req, parts[3], parts[4]);

  /* A processed fault: the work is done, the answer is lost on the way back. */
  if (fault != NULL)
    {
      sb_apply_graph_fault (req, fault, token, parts[0]);
      sb_fault_free (fault);
    }
}
