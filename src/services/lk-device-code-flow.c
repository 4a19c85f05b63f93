/* lk-device-code-flow.c: device code sign-in, polling with a GSource.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "lk-json.h"
#include "lk-auth-error.h"
#include "lk-device-code-flow.h"

#define DEFAULT_INTERVAL_S 5
#define DEFAULT_SLOW_DOWN_MS 5000

struct _LkDeviceCodeFlow
{
  GObject       parent_instance;

  SoupSession  *session;
  LkOidcConfig *config;
  char         *client_id;
  char         *scopes;
  guint         slow_down_ms;

  GTask        *task;
  char         *device_code;   /* secret */
  guint         interval_ms;
  gint64        deadline_us;   /* monotonic */
  GSource      *poll_source;
  GSource      *cancel_source;
  gboolean      started;
};

enum
{
  CODE_RECEIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (LkDeviceCodeFlow, lk_device_code_flow, G_TYPE_OBJECT)

static void poll_token (LkDeviceCodeFlow *self);

static void
clear_sources (LkDeviceCodeFlow *self)
{
  if (self->poll_source != NULL)
    {
      g_source_destroy (self->poll_source);
      g_clear_pointer (&self->poll_source, g_source_unref);
    }
  if (self->cancel_source != NULL)
    {
      g_source_destroy (self->cancel_source);
      g_clear_pointer (&self->cancel_source, g_source_unref);
    }
}

static void
complete (LkDeviceCodeFlow *self,
          LkTokenResponse  *response,
          GError           *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  clear_sources (self);
  lk_secret_string_clear (&self->device_code);
  if (task == NULL)
    {
      lk_token_response_free (response);
      g_clear_error (&error);
      return;
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, response, (GDestroyNotify) lk_token_response_free);
}

static void
lk_device_code_flow_dispose (GObject *object)
{
  LkDeviceCodeFlow *self = LK_DEVICE_CODE_FLOW (object);

  clear_sources (self);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (lk_device_code_flow_parent_class)->dispose (object);
}

static void
lk_device_code_flow_finalize (GObject *object)
{
  LkDeviceCodeFlow *self = LK_DEVICE_CODE_FLOW (object);

  lk_oidc_config_free (self->config);
  g_free (self->client_id);
  g_free (self->scopes);
  lk_secret_string_free (self->device_code);

  G_OBJECT_CLASS (lk_device_code_flow_parent_class)->finalize (object);
}

static void
lk_device_code_flow_class_init (LkDeviceCodeFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lk_device_code_flow_dispose;
  object_class->finalize = lk_device_code_flow_finalize;

  /**
   * LkDeviceCodeFlow::code-received:
   * @user_code: what the user types at @verification_uri (show it; it is short-lived)
   * @verification_uri: where to type it
   * @message: the server's ready-made instruction, or %NULL
   */
  signals[CODE_RECEIVED] =
    g_signal_new ("code-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
}

static void
lk_device_code_flow_init (LkDeviceCodeFlow *self)
{
  self->slow_down_ms = DEFAULT_SLOW_DOWN_MS;
  self->interval_ms = DEFAULT_INTERVAL_S * 1000;
}

LkDeviceCodeFlow *
lk_device_code_flow_new (SoupSession        *session,
                         const LkOidcConfig *config,
                         const char         *client_id,
                         const char         *scopes)
{
  LkDeviceCodeFlow *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (client_id != NULL, NULL);

  self = g_object_new (LK_TYPE_DEVICE_CODE_FLOW, NULL);
  self->session = g_object_ref (session);
  self->config = lk_oidc_config_copy (config);
  self->client_id = g_strdup (client_id);
  self->scopes = g_strdup (scopes);
  return self;
}

void
lk_device_code_flow_set_slow_down_increment_ms (LkDeviceCodeFlow *self,
                                                guint             increment_ms)
{
  g_return_if_fail (LK_IS_DEVICE_CODE_FLOW (self));
  self->slow_down_ms = increment_ms;
}

guint
lk_device_code_flow_get_interval_ms (LkDeviceCodeFlow *self)
{
  g_return_val_if_fail (LK_IS_DEVICE_CODE_FLOW (self), 0);
  return self->interval_ms;
}

static gboolean
poll_cb (gpointer user_data)
{
  LkDeviceCodeFlow *self = user_data;

  g_clear_pointer (&self->poll_source, g_source_unref);
  poll_token (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (LkDeviceCodeFlow *self)
{
  if (g_get_monotonic_time () >= self->deadline_us)
    {
      complete (self, NULL, lk_auth_error_from_oauth ("expired_token"));
      return;
    }
  self->poll_source = g_timeout_source_new (self->interval_ms);
  g_source_set_callback (self->poll_source, poll_cb, self, NULL);
  g_source_attach (self->poll_source, NULL);
}

static void
poll_token_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(LkDeviceCodeFlow) self = user_data;
  g_autoptr(GError) error = NULL;
  LkTokenResponse *response;

  response = lk_oidc_token_request_finish (result, &error);
  if (self->task == NULL)
    {
      lk_token_response_free (response);
      return;
    }
  if (response != NULL)
    {
      g_debug ("Device code sign-in: approved");
      complete (self, response, NULL);
      return;
    }
  if (g_error_matches (error, LK_AUTH_ERROR, LK_AUTH_ERROR_PENDING))
    {
      schedule_poll (self);
      return;
    }
  if (g_error_matches (error, LK_AUTH_ERROR, LK_AUTH_ERROR_SLOW_DOWN))
    {
      self->interval_ms += self->slow_down_ms;
      g_debug ("Device code sign-in: slow_down, polling every %u ms", self->interval_ms);
      schedule_poll (self);
      return;
    }
  complete (self, NULL, g_steal_pointer (&error));
}

static void
poll_token (LkDeviceCodeFlow *self)
{
  const char *params[] = {
    "grant_type", "urn:ietf:params:oauth:grant-type:device_code",
    "client_id", self->client_id,
    "device_code", self->device_code,
    NULL
  };

  lk_oidc_token_request_async (self->session, self->config->token_endpoint, params,
                               g_task_get_cancellable (self->task), poll_token_cb,
                               g_object_ref (self));
}

static void
device_code_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(LkDeviceCodeFlow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  const char *user_code;
  const char *verification_uri;
  gint64 interval_s;
  gint64 expires_in_s;

  object = lk_oidc_post_form_finish (result, &error);
  if (self->task == NULL)
    return;
  if (object == NULL)
    {
      complete (self, NULL, g_steal_pointer (&error));
      return;
    }

  user_code = lk_json_get_string (object, "user_code", NULL);
  /* Entra says verification_uri; some older servers verification_url. */
  verification_uri = lk_json_get_string (object, "verification_uri",
                                         lk_json_get_string (object, "verification_url", NULL));
  self->device_code = g_strdup (lk_json_get_string (object, "device_code", NULL));
  interval_s = lk_json_get_int (object, "interval", DEFAULT_INTERVAL_S);
  expires_in_s = lk_json_get_int (object, "expires_in", 900);

  if (user_code == NULL || verification_uri == NULL || self->device_code == NULL)
    {
      complete (self, NULL, g_error_new_literal (LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_RESPONSE,
                                                 _("The sign-in service did not send a device code.")));
      return;
    }

  self->interval_ms = (guint) CLAMP (interval_s, 0, 600) * 1000;
  if (self->interval_ms == 0)
    self->interval_ms = 200;   /* never hammer a server that asked for no pause */
  self->deadline_us = g_get_monotonic_time () + CLAMP (expires_in_s, 1, 3600) * G_USEC_PER_SEC;

  g_debug ("Device code sign-in: waiting for approval, polling every %u ms", self->interval_ms);
  g_signal_emit (self, signals[CODE_RECEIVED], 0, user_code, verification_uri,
                 lk_json_get_string (object, "message", NULL));
  if (self->task != NULL)
    schedule_poll (self);
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  LkDeviceCodeFlow *self = user_data;

  g_clear_pointer (&self->cancel_source, g_source_unref);
  complete (self, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             _("Sign-in was canceled.")));
  return G_SOURCE_REMOVE;
}

void
lk_device_code_flow_run_async (LkDeviceCodeFlow    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  const char *params[] = {
    "client_id", self->client_id,
    self->scopes ? "scope" : NULL, self->scopes,
    NULL
  };

  g_return_if_fail (LK_IS_DEVICE_CODE_FLOW (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_device_code_flow_run_async);
  if (self->started)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "A device code flow runs only once");
      return;
    }
  self->started = TRUE;
  if (self->config->device_authorization_endpoint == NULL)
    {
      g_task_return_new_error (task, LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_RESPONSE,
                               _("This sign-in service does not offer device code sign-in."));
      return;
    }
  self->task = g_steal_pointer (&task);

  /* The poll timer waits on the main loop; cancel it from there too. */
  if (cancellable != NULL)
    {
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancel_source, G_SOURCE_FUNC (cancelled_cb), self, NULL);
      g_source_attach (self->cancel_source, NULL);
    }
  lk_oidc_post_form_async (self->session, self->config->device_authorization_endpoint, params,
                           cancellable, device_code_cb, g_object_ref (self));
}

LkTokenResponse *
lk_device_code_flow_run_finish (LkDeviceCodeFlow  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lk_device_code_flow_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
