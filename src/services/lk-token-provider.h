/* lk-token-provider.h: where the Graph client gets its bearer token.
 *
 * Implemented by the account (refreshing from the keyring) and by a static token
 * (--access-token-stdin). The token returned is a secret: callers never log it.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define LK_TYPE_TOKEN_PROVIDER (lk_token_provider_get_type ())
G_DECLARE_INTERFACE (LkTokenProvider, lk_token_provider, LK, TOKEN_PROVIDER, GObject)

struct _LkTokenProviderInterface
{
  GTypeInterface parent_iface;

  /* @force_refresh: the last token got a 401; fetch a new one even if it looks valid. */
  void   (*get_token_async)  (LkTokenProvider     *self,
                              gboolean             force_refresh,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
  char * (*get_token_finish) (LkTokenProvider     *self,
                              GAsyncResult        *result,
                              GError             **error);
};

void  lk_token_provider_get_token_async  (LkTokenProvider     *self,
                                          gboolean             force_refresh,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
char *lk_token_provider_get_token_finish (LkTokenProvider     *self,
                                          GAsyncResult        *result,
                                          GError             **error);

#define LK_TYPE_STATIC_TOKEN (lk_static_token_get_type ())
G_DECLARE_FINAL_TYPE (LkStaticToken, lk_static_token, LK, STATIC_TOKEN, GObject)

/* A token obtained elsewhere (Connect-MgGraph -AccessToken style); it cannot be refreshed. */
LkStaticToken *lk_static_token_new (const char *access_token);

G_END_DECLS
