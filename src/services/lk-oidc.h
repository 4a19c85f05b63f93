/* lk-oidc.h: OpenID Connect discovery and the OAuth 2.0 token endpoint.
 *
 * Every endpoint must be https, or plain http on a loopback address (the sandbox).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include "lk-secret.h"

G_BEGIN_DECLS

typedef struct
{
  char *issuer;
  char *authorization_endpoint;
  char *token_endpoint;
  char *device_authorization_endpoint;  /* NULL when the provider has none */
} LkOidcConfig;

#define LK_TYPE_OIDC_CONFIG (lk_oidc_config_get_type ())
GType         lk_oidc_config_get_type (void) G_GNUC_CONST;
LkOidcConfig *lk_oidc_config_copy     (const LkOidcConfig *config);
void          lk_oidc_config_free     (LkOidcConfig       *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkOidcConfig, lk_oidc_config_free)

/* The answer of the token endpoint. Holds secrets: free it with lk_token_response_free(),
 * which wipes them. */
typedef struct
{
  char   *access_token;
  char   *refresh_token;   /* NULL when none came back */
  char   *id_token;
  char   *scope;           /* granted scopes, NULL when not reported */
  gint64  expires_in;      /* seconds; 3600 when not reported */
} LkTokenResponse;

void lk_token_response_free (LkTokenResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LkTokenResponse, lk_token_response_free)

/* TRUE for https URLs, and http URLs whose host is a loopback address. */
gboolean      lk_oidc_url_is_acceptable (const char *url);

/* Fetches {authority}/{tenant}/v2.0/.well-known/openid-configuration. */
void          lk_oidc_discover_async   (SoupSession         *session,
                                        const char          *authority,
                                        const char          *tenant,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
LkOidcConfig *lk_oidc_discover_finish  (GAsyncResult        *result,
                                        GError             **error);

/* POSTs a form to the token endpoint. @params: NULL-terminated name, value pairs (values
 * may be secrets: the request body is wiped when freed). On an OAuth error the GError is
 * mapped with lk_auth_error_from_response(), keeping its AADSTS code. */
void             lk_oidc_token_request_async  (SoupSession         *session,
                                               const char          *token_endpoint,
                                               const char * const  *params,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
LkTokenResponse *lk_oidc_token_request_finish (GAsyncResult        *result,
                                               GError             **error);

/* POSTs a form and returns the JSON object of a 2xx answer (device authorization). */
void        lk_oidc_post_form_async  (SoupSession         *session,
                                      const char          *url,
                                      const char * const  *params,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
JsonObject *lk_oidc_post_form_finish (GAsyncResult        *result,
                                      GError             **error);

/* Decodes the payload of a JWT without checking the signature: only for display (the token
 * came over TLS from the discovered endpoint). NULL when it is not a JWT. */
JsonObject   *lk_oidc_decode_jwt_claims (const char *jwt);

G_END_DECLS
