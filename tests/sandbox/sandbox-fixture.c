/* sandbox-fixture.c: what the sandbox test programs share (see sandbox-fixture.h).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sandbox-fixture.h"

void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->sandbox = lk_sandbox_new ();
  lk_sandbox_load_demo_tenant (f->sandbox);
  g_assert_true (lk_sandbox_start (f->sandbox, &error));
  g_assert_no_error (error);
  f->base = lk_sandbox_get_base_url (f->sandbox);
  f->session = soup_session_new_with_options ("timeout", 20, NULL);
  f->token = lk_sandbox_mint_access_token (f->sandbox, SCOPES_ALL, 3600);
}

void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  lk_sandbox_stop (f->sandbox);
  g_assert_finalize_object (f->sandbox);
  g_free (f->base);
  g_free (f->token);
}

/* Sends a request and returns its body (NULL on a transport error, reported in @error). */
GBytes *
send_full (Fixture      *f,
           const char   *method,
           const char   *url,
           const char   *token,
           const char   *form,
           SoupMessage **out_msg,
           GError      **error)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  GBytes *body;

  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (form != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (form, strlen (form));

      soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
    }
  body = soup_session_send_and_read (f->session, msg, NULL, error);
  if (out_msg != NULL)
    *out_msg = g_steal_pointer (&msg);
  return body;
}

GBytes *
send_ok (Fixture *f, const char *method, const char *url, const char *token, const char *form,
         guint expected_status, SoupMessage **out_msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  GBytes *body = send_full (f, method, url, token, form, &msg, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, expected_status);
  if (out_msg != NULL)
    *out_msg = g_steal_pointer (&msg);
  return body;
}

JsonNode *
parse (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                              &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

JsonNode *
get_json (Fixture *f, const char *url, guint expected_status)
{
  g_autoptr(GBytes) body = send_ok (f, "GET", url, f->token, NULL, expected_status, NULL);

  return parse (body);
}

/* {graph}/{version}/deviceManagement/managedDevices?name=value&… with values escaped. */
char *
list_url (Fixture *f, const char *version, ...)
{
  GString *url = g_string_new (NULL);
  const char *name;
  va_list args;

  g_string_printf (url, "%s/graph/%s/deviceManagement/managedDevices", f->base, version);
  va_start (args, version);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);
      g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

      g_string_append_printf (url, "%c%s=%s", strchr (url->str, '?') != NULL ? '&' : '?',
                              name, escaped);
    }
  va_end (args);
  return g_string_free (url, FALSE);
}

JsonArray *
value_of (JsonNode *root)
{
  return json_object_get_array_member (json_node_get_object (root), "value");
}

const char *
id_of_device (Fixture *f, const char *device_name)
{
  g_auto(GStrv) pieces = g_strsplit (device_name, "'", -1);
  g_autofree char *escaped = g_strjoinv ("''", pieces);
  g_autofree char *filter = g_strdup_printf ("deviceName eq '%s'", escaped);
  g_autofree char *url = list_url (f, "beta", "$filter", filter, "$select", "id,deviceName", NULL);
  g_autoptr(JsonNode) root = get_json (f, url, 200);
  JsonArray *value = value_of (root);

  g_assert_cmpuint (json_array_get_length (value), ==, 1);
  /* interned so callers need not free it */
  return g_intern_string (json_object_get_string_member (json_array_get_object_element (value, 0), "id"));
}

const char *
error_code (GBytes *body)
{
  g_autoptr(JsonNode) root = parse (body);
  JsonObject *err = json_object_get_object_member (json_node_get_object (root), "error");

  return g_intern_string (json_object_get_string_member (err, "code"));
}

void
send_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncResult *r = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &r->error);

  r->done = TRUE;
}
