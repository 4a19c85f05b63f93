/* lk-token-provider.c: the token provider interface, and the static token.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-graph-error.h"
#include "lk-token-provider.h"

G_DEFINE_INTERFACE (LkTokenProvider, lk_token_provider, G_TYPE_OBJECT)

static void
lk_token_provider_default_init (LkTokenProviderInterface *iface)
{
}

void
lk_token_provider_get_token_async (LkTokenProvider     *self,
                                   gboolean             force_refresh,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (LK_IS_TOKEN_PROVIDER (self));

  LK_TOKEN_PROVIDER_GET_IFACE (self)->get_token_async (self, force_refresh, cancellable,
                                                       callback, user_data);
}

char *
lk_token_provider_get_token_finish (LkTokenProvider  *self,
                                    GAsyncResult     *result,
                                    GError          **error)
{
  g_return_val_if_fail (LK_IS_TOKEN_PROVIDER (self), NULL);

  return LK_TOKEN_PROVIDER_GET_IFACE (self)->get_token_finish (self, result, error);
}

struct _LkStaticToken
{
  GObject  parent_instance;
  char    *access_token;
};

static void lk_static_token_provider_init (LkTokenProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LkStaticToken, lk_static_token, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (LK_TYPE_TOKEN_PROVIDER,
                                                      lk_static_token_provider_init))

static void
lk_static_token_finalize (GObject *object)
{
  LkStaticToken *self = LK_STATIC_TOKEN (object);

  if (self->access_token != NULL)
    explicit_bzero (self->access_token, strlen (self->access_token));
  g_clear_pointer (&self->access_token, g_free);

  G_OBJECT_CLASS (lk_static_token_parent_class)->finalize (object);
}

static void
lk_static_token_class_init (LkStaticTokenClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lk_static_token_finalize;
}

static void
lk_static_token_init (LkStaticToken *self)
{
}

static void
static_get_token_async (LkTokenProvider     *provider,
                        gboolean             force_refresh,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  LkStaticToken *self = LK_STATIC_TOKEN (provider);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, static_get_token_async);
  /* A token from elsewhere cannot be renewed: after a 401 the only way on is a new token. */
  if (force_refresh)
    g_task_return_error (task, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_UNAUTHORIZED,
                                                                _("The access token was rejected or has expired. Provide a new one."),
                                                                401, NULL, NULL, NULL));
  else
    g_task_return_pointer (task, g_strdup (self->access_token), g_free);
}

static char *
static_get_token_finish (LkTokenProvider  *provider,
                         GAsyncResult     *result,
                         GError          **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lk_static_token_provider_init (LkTokenProviderInterface *iface)
{
  iface->get_token_async = static_get_token_async;
  iface->get_token_finish = static_get_token_finish;
}

LkStaticToken *
lk_static_token_new (const char *access_token)
{
  LkStaticToken *self;

  g_return_val_if_fail (access_token != NULL, NULL);

  self = g_object_new (LK_TYPE_STATIC_TOKEN, NULL);
  self->access_token = g_strdup (access_token);
  return self;
}
