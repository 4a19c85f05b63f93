/* lk-sandbox-identity.c: the emulated Entra ID (Microsoft identity platform v2.0): OpenID
 * configuration, authorize, token (authorization code + PKCE, device code, refresh), the
 * demo sign-in page, and the tokens it mints.
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

void
sb_fill_random (guint8 *buf, gsize len)
{
  gsize done = 0;

  /* Tokens and codes come from the OS, as a real identity provider's would. */
  while (done < len)
    {
      ssize_t n = getrandom (buf + done, len - done, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("getrandom failed: %s", g_strerror (errno));
        }
      done += n;
    }
}

char *
sb_base64url (const guint8 *data, gsize len)
{
  char *text = g_base64_encode (data, len);
  char *p;

  for (p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }
  return text;
}

char *
sb_base64url_string (const char *text)
{
  return sb_base64url ((const guint8 *) text, strlen (text));
}

char *
sb_base64url_decode (const char *text)
{
  g_autoptr(GString) std = g_string_new (text);
  guchar *data;
  gsize len = 0;

  for (gsize i = 0; i < std->len; i++)
    {
      if (std->str[i] == '-')
        std->str[i] = '+';
      else if (std->str[i] == '_')
        std->str[i] = '/';
      else if (!g_ascii_isalnum (std->str[i]))
        return NULL;
    }
  while (std->len % 4 != 0)
    g_string_append_c (std, '=');
  data = g_base64_decode (std->str, &len);
  if (data == NULL || len == 0 || memchr (data, '\0', len) != NULL
      || !g_utf8_validate ((const char *) data, len, NULL))
    {
      g_free (data);
      return NULL;
    }
  {
    char *text_out = g_malloc (len + 1);

    memcpy (text_out, data, len);
    text_out[len] = '\0';
    g_free (data);
    return text_out;
  }
}

char *
sb_random_token (gsize n_bytes)
{
  guint8 buf[64];

  g_assert (n_bytes <= sizeof buf);
  sb_fill_random (buf, n_bytes);
  return sb_base64url (buf, n_bytes);
}

char *
sb_utc_now_iso8601 (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  sb_append_iso8601 (out, g_get_real_time () / G_USEC_PER_SEC);
  /* without the quotes sb_append_iso8601 adds */
  g_string_erase (out, 0, 1);
  g_string_truncate (out, out->len - 1);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Splits a space-separated scope string into the scopes an access token grants: the OIDC
 * ones are not resource scopes, and /.default means "what the app registration has". */
static char **
granted_scopes (const char *requested)
{
  g_auto(GStrv) parts = g_strsplit (requested != NULL ? requested : "", " ", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *scope = parts[i];

      if (*scope == '\0' || g_str_equal (scope, "openid") || g_str_equal (scope, "profile")
          || g_str_equal (scope, "offline_access") || g_str_equal (scope, "email"))
        continue;
      if (g_str_has_suffix (scope, "/.default") || g_str_equal (scope, ".default"))
        {
          g_strv_builder_add (builder, SCOPE_READ);
          g_strv_builder_add (builder, SCOPE_PRIVILEGED);
          continue;
        }
      g_strv_builder_add (builder, scope);
    }
  return g_strv_builder_end (builder);
}

static gboolean
scope_requested (const char *requested, const char *wanted)
{
  g_auto(GStrv) parts = g_strsplit (requested != NULL ? requested : "", " ", -1);

  return g_strv_contains ((const char *const *) parts, wanted);
}

gboolean
sb_token_has_scope (const SbAccessToken *token, const char *wanted)
{
  for (guint i = 0; token->scopes[i] != NULL; i++)
    {
      const char *slash = strrchr (token->scopes[i], '/');
      const char *name = slash != NULL ? slash + 1 : token->scopes[i];

      if (g_ascii_strcasecmp (name, wanted) == 0)
        return TRUE;
    }
  return FALSE;
}

/* An Entra-looking JWT: header.payload.signature. The signature is random bytes, which also
 * makes every token unique; the sandbox has no keys and clients must not validate it. */
static char *
make_jwt (const char *payload_json)
{
  g_autofree char *header = sb_base64url_string ("{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"sandbox\"}");
  g_autofree char *payload = sb_base64url_string (payload_json);
  g_autofree char *signature = sb_random_token (32);

  return g_strdup_printf ("%s.%s.%s", header, payload, signature);
}

/* Called with the lock held. */
char *
sb_mint_access_token_locked (LkSandbox  *self,
                          const char *scope,
                          guint       lifetime_s)
{
  SbAccessToken *token = g_new0 (SbAccessToken, 1);
  g_autoptr(GString) payload = g_string_new (NULL);
  g_autofree char *joined = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  char *jwt;

  token->scopes = granted_scopes (scope);
  token->expires_us = g_get_monotonic_time () + (gint64) lifetime_s * G_USEC_PER_SEC;
  joined = g_strjoinv (" ", token->scopes);
  g_string_append_printf (payload, "{\"aud\":\"https://graph.microsoft.com\",\"iss\":\"https://sts.windows.net/%s/\",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT ",\"tid\":\"%s\",\"oid\":\"%s\",\"upn\":\"%s\",\"scp\":",
                          DEMO_TENANT_ID, now, now + lifetime_s, DEMO_TENANT_ID, DEMO_USER_OID,
                          DEMO_USERNAME);
  sb_json_append_string (payload, joined);
  g_string_append_c (payload, '}');
  jwt = make_jwt (payload->str);
  g_hash_table_insert (self->access_tokens, g_strdup (jwt), token);
  g_ptr_array_add (self->issued_tokens, g_strdup (jwt));
  return jwt;
}

/* Entra's answers for the errors an admin meets first, as Microsoft documents them
 * ("Microsoft Entra authentication and authorization error codes", learn.microsoft.com;
 * the OAuth error of each as the v2.0 endpoints send it). A fault whose graph_code is
 * "AADSTS<n>" answers with the row of <n>. */
typedef struct
{
  guint       aadsts;
  const char *error;
  const char *description;
} SbEntraError;

static const SbEntraError entra_errors[] = {
  { 50011, "invalid_request", "The redirect URI specified in the request does not match the redirect URIs configured for the application." },
  { 700016, "unauthorized_client", "Application with identifier was not found in the directory. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant." },
  { 65001, "invalid_grant", "The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource." },
  { 7000218, "invalid_client", "The request body must contain the following parameter: 'client_assertion' or 'client_secret'." },
  { 50076, "invalid_grant", "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource." },
  { 50079, "invalid_grant", "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access the resource." },
  { 53003, "access_denied", "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance." },
  { 50020, "invalid_request", "User account from identity provider does not exist in tenant and cannot access the application in that tenant. The account needs to be added as an external user in the tenant first." },
  { 90072, "invalid_grant", "User account from identity provider does not exist in tenant and cannot access the application in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Microsoft Entra user account." },
  { 50126, "invalid_grant", "Error validating credentials due to invalid username or password." },
  { 65004, "access_denied", "User declined to consent to access the app." },
};

static const SbEntraError *
entra_error_lookup (const char *graph_code)
{
  guint64 code;

  if (graph_code == NULL || !g_str_has_prefix (graph_code, "AADSTS")
      || !g_ascii_string_to_unsigned (graph_code + 6, 10, 1, G_MAXUINT, &code, NULL))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (entra_errors); i++)
    if (entra_errors[i].aadsts == code)
      return &entra_errors[i];
  return NULL;
}

/* ---- Entra ID ---- */

static void
append_member (GString *out, const char *name, const char *value, gboolean last)
{
  sb_json_append_string (out, name);
  g_string_append_c (out, ':');
  sb_json_append_string (out, value);
  if (!last)
    g_string_append_c (out, ',');
}

static void
handle_openid_configuration (SbRequest *req, const char *tenant)
{
  LkSandbox *self = req->self;
  g_autofree char *base = lk_sandbox_get_base_url (self);
  g_autofree char *authority = g_strdup_printf ("%s/login/%s", base, tenant);
  /* Like Entra, the multi-tenant documents name a placeholder the id_token's tid fills in. */
  gboolean multi = g_str_equal (tenant, "common") || g_str_equal (tenant, "organizations")
                   || g_str_equal (tenant, "consumers");
  g_autofree char *issuer = g_strdup_printf ("%s/login/%s/v2.0", base,
                                             multi ? "{tenantid}" : DEMO_TENANT_ID);
  g_autofree char *authorize = g_strdup_printf ("%s/oauth2/v2.0/authorize", authority);
  g_autofree char *token = g_strdup_printf ("%s/oauth2/v2.0/token", authority);
  g_autofree char *devicecode = g_strdup_printf ("%s/oauth2/v2.0/devicecode", authority);
  g_autofree char *logout = g_strdup_printf ("%s/oauth2/v2.0/logout", authority);
  g_autofree char *jwks = g_strdup_printf ("%s/discovery/v2.0/keys", authority);
  GString *body = g_string_new ("{");

  append_member (body, "token_endpoint", token, FALSE);
  g_string_append (body, "\"token_endpoint_auth_methods_supported\":[\"client_secret_post\",\"private_key_jwt\",\"client_secret_basic\"],");
  append_member (body, "jwks_uri", jwks, FALSE);
  g_string_append (body, "\"response_modes_supported\":[\"query\",\"fragment\",\"form_post\"],"
                         "\"subject_types_supported\":[\"pairwise\"],"
                         "\"id_token_signing_alg_values_supported\":[\"RS256\"],"
                         "\"response_types_supported\":[\"code\",\"id_token\",\"code id_token\",\"id_token token\"],"
                         "\"scopes_supported\":[\"openid\",\"profile\",\"email\",\"offline_access\"],"
                         "\"code_challenge_methods_supported\":[\"plain\",\"S256\"],"
                         "\"grant_types_supported\":[\"authorization_code\",\"refresh_token\",\"urn:ietf:params:oauth:grant-type:device_code\"],");
  append_member (body, "issuer", issuer, FALSE);
  g_string_append (body, "\"request_uri_parameter_supported\":false,");
  append_member (body, "authorization_endpoint", authorize, FALSE);
  append_member (body, "device_authorization_endpoint", devicecode, FALSE);
  g_string_append (body, "\"http_logout_supported\":true,\"frontchannel_logout_supported\":true,");
  append_member (body, "end_session_endpoint", logout, FALSE);
  g_string_append (body, "\"claims_supported\":[\"sub\",\"iss\",\"aud\",\"exp\",\"iat\",\"auth_time\",\"nonce\",\"name\",\"tid\",\"ver\",\"oid\",\"preferred_username\",\"email\"],");
  append_member (body, "tenant_region_scope", "EU", FALSE);
  append_member (body, "cloud_instance_name", "microsoftonline.com", TRUE);
  g_string_append_c (body, '}');
  sb_set_json (req->msg, 200, OAUTH_JSON_TYPE, body);
}

static gboolean
is_loopback_host (const char *host)
{
  return g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "localhost") == 0
         || g_strcmp0 (host, "::1") == 0;
}

static const char *
path_or_slash (GUri *uri)
{
  const char *path = g_uri_get_path (uri);

  return path != NULL && *path != '\0' ? path : "/";
}

/* As Entra matches a redirect URI against one registered ("Redirect URI (reply URL)
 * restrictions", learn.microsoft.com): the scheme and host as written — "localhost" does
 * not cover 127.0.0.1 — the path exactly (none registered is "/"), and for an http loopback
 * URI any port. Anything else must be equal. */
static gboolean
redirect_matches (const char *registered,
                  const char *requested)
{
  g_autoptr(GUri) reg = g_uri_parse (registered, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) req = requested != NULL ? g_uri_parse (requested, G_URI_FLAGS_NONE, NULL) : NULL;

  if (reg == NULL || req == NULL)
    return FALSE;
  if (g_strcmp0 (g_uri_get_scheme (reg), "http") != 0 || !is_loopback_host (g_uri_get_host (reg)))
    return g_str_equal (registered, requested);
  return g_strcmp0 (g_uri_get_scheme (req), "http") == 0
         && g_strcmp0 (g_uri_get_host (reg), g_uri_get_host (req)) == 0
         && g_str_equal (path_or_slash (reg), path_or_slash (req))
         && g_uri_get_query (req) == NULL;
}

static gboolean
is_registered_redirect (LkSandbox  *self,
                        const char *redirect_uri)
{
  gboolean found = FALSE;

  g_mutex_lock (&self->lock);
  for (guint i = 0; self->redirect_uris[i] != NULL && !found; i++)
    found = redirect_matches (self->redirect_uris[i], redirect_uri);
  g_mutex_unlock (&self->lock);
  return found;
}

static void
redirect_with (SbRequest  *req,
               const char *redirect_uri,
               const char *first_name,
               const char *first_value,
               const char *second_name,
               const char *second_value,
               const char *state)
{
  g_autoptr(GString) location = g_string_new (redirect_uri);
  const char *names[] = { first_name, second_name, "state" };
  const char *values[] = { first_value, second_value, state };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *escaped = NULL;

      if (names[i] == NULL || values[i] == NULL)
        continue;
      escaped = g_uri_escape_string (values[i], NULL, FALSE);
      g_string_append_c (location, strchr (location->str, '?') != NULL ? '&' : '?');
      g_string_append_printf (location, "%s=%s", names[i], escaped);
    }
  soup_server_message_set_redirect (req->msg, 302, location->str);
}

static void
handle_authorize (SbRequest *req, GHashTable *query, SbFault *fault)
{
  LkSandbox *self = req->self;
  const char *client_id = query != NULL ? g_hash_table_lookup (query, "client_id") : NULL;
  const char *redirect_uri = query != NULL ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *state = query != NULL ? g_hash_table_lookup (query, "state") : NULL;
  const char *response_type = query != NULL ? g_hash_table_lookup (query, "response_type") : NULL;
  const char *scope = query != NULL ? g_hash_table_lookup (query, "scope") : NULL;
  const char *challenge = query != NULL ? g_hash_table_lookup (query, "code_challenge") : NULL;
  const char *method = query != NULL ? g_hash_table_lookup (query, "code_challenge_method") : NULL;
  SbAuthCode *code;
  char *code_value;

  /* Without a known client or a registered redirect URI there is nowhere safe to redirect. */
  if (g_strcmp0 (client_id, self->client_id) != 0)
    {
      sb_reply_html (req, 400, "Sign in", "AADSTS700016: Application with identifier was not found in the directory.");
      return;
    }
  /* Entra shows this on its own page: a redirect URI it does not know is nowhere to go. */
  if (!is_registered_redirect (self, redirect_uri))
    {
      g_autofree char *text = g_strdup_printf ("AADSTS50011: The redirect URI '%s' specified in the request does not match the redirect URIs configured for the application '%s'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.",
                                               redirect_uri != NULL ? redirect_uri : "", client_id);

      sb_reply_html (req, 400, "Sign in", text);
      return;
    }
  if (fault != NULL && fault->fault.kind == LK_FAULT_OAUTH_ERROR)
    {
      const SbEntraError *entra = entra_error_lookup (fault->fault.graph_code);
      g_autofree char *description = entra != NULL
        ? g_strdup_printf ("AADSTS%u: %s Trace ID: %s Correlation ID: %s", entra->aadsts,
                           entra->description, req->request_id, req->request_id)
        : g_strdup ("AADSTS65004: User declined to consent to access the app.");

      redirect_with (req, redirect_uri, "error",
                     entra != NULL ? entra->error
                     : fault->fault.graph_code != NULL ? fault->fault.graph_code : "access_denied",
                     "error_description", description, state);
      return;
    }
  if (g_strcmp0 (response_type, "code") != 0)
    {
      redirect_with (req, redirect_uri, "error", "unsupported_response_type", "error_description",
                     "AADSTS700054: response_type is not enabled for the application.", state);
      return;
    }
  if (scope == NULL || *scope == '\0')
    {
      redirect_with (req, redirect_uri, "error", "invalid_request", "error_description",
                     "AADSTS900144: The request body must contain the following parameter: 'scope'.", state);
      return;
    }
  if (challenge == NULL || g_strcmp0 (method, "S256") != 0)
    {
      redirect_with (req, redirect_uri, "error", "invalid_request", "error_description",
                     "AADSTS9002325: Proof Key for Code Exchange (S256) is required.", state);
      return;
    }

  code = g_new0 (SbAuthCode, 1);
  code->client_id = g_strdup (client_id);
  code->redirect_uri = g_strdup (redirect_uri);
  code->challenge = g_strdup (challenge);
  code->scope = g_strdup (scope);
  code->expires_us = g_get_monotonic_time () + 600 * G_USEC_PER_SEC;
  code_value = sb_random_token (48);
  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->auth_codes, code_value, code);
  g_mutex_unlock (&self->lock);
  redirect_with (req, redirect_uri, "code", code_value, NULL, NULL, state);
}

/* Lock held. */
static char *signed_refresh_token (LkSandbox *self, const char *scope, const char *client_id);

/* Lock held: a claim of the id_token, or the value a test set in its place. */
static void
append_claim (LkSandbox  *self,
              GString    *claims,
              const char *name,
              const char *value)
{
  const char *override = g_hash_table_lookup (self->id_token_claims, name);

  append_member (claims, name, override != NULL ? override : value, FALSE);
}

static void
reply_tokens_locked (SbRequest *req, const char *scope, const char *client_id)
{
  LkSandbox *self = req->self;
  g_auto(GStrv) granted = granted_scopes (scope);
  g_autofree char *granted_text = g_strjoinv (" ", granted);
  g_autofree char *access = sb_mint_access_token_locked (self, scope, TOKEN_LIFETIME);
  g_autoptr(GString) claims = g_string_new ("{");
  g_autofree char *issuer = g_strdup_printf ("%s/login/%s/v2.0", self->base_url, DEMO_TENANT_ID);
  g_autofree char *id_token = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  /* WRONG_TYPES: numbers as strings and a string as a number, as some servers send them. */
  GString *body = g_string_new (req->wrong_types ? "{\"token_type\":1," : "{\"token_type\":\"Bearer\",");

  append_member (claims, "ver", "2.0", FALSE);
  append_claim (self, claims, "iss", issuer);
  append_claim (self, claims, "aud", client_id);
  append_claim (self, claims, "tid", DEMO_TENANT_ID);
  append_member (claims, "oid", DEMO_USER_OID, FALSE);
  append_member (claims, "sub", DEMO_USER_OID, FALSE);
  append_member (claims, "name", DEMO_USER_NAME, FALSE);
  append_claim (self, claims, "preferred_username", DEMO_USERNAME);
  g_string_append_printf (claims, "\"iat\":%" G_GINT64_FORMAT ",\"nbf\":%" G_GINT64_FORMAT
                          ",\"exp\":%" G_GINT64_FORMAT "}", now, now, now + TOKEN_LIFETIME);
  id_token = make_jwt (claims->str);

  append_member (body, "scope", granted_text, FALSE);
  g_string_append_printf (body, req->wrong_types ? "\"expires_in\":\"%d\",\"ext_expires_in\":\"%d\","
                                                : "\"expires_in\":%d,\"ext_expires_in\":%d,",
                          TOKEN_LIFETIME, TOKEN_LIFETIME);
  append_member (body, "access_token", access, FALSE);
  if (scope_requested (scope, "offline_access"))
    {
      g_autofree char *refresh = self->grant_secret != NULL
                                   ? signed_refresh_token (self, scope, client_id)
                                   : sb_random_token (48);
      SbGrant *grant = g_new0 (SbGrant, 1);

      grant->scope = g_strdup (scope);
      grant->client_id = g_strdup (client_id);
      g_hash_table_insert (self->refresh_tokens, g_strdup (refresh), grant);
      g_ptr_array_add (self->issued_tokens, g_strdup (refresh));
      append_member (body, "refresh_token", refresh, FALSE);
    }
  append_member (body, "id_token", id_token, TRUE);
  g_string_append_c (body, '}');
  sb_set_json (req->msg, 200, OAUTH_JSON_TYPE, body);
}

static gboolean
pkce_matches (const char *verifier, const char *challenge)
{
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  g_autofree char *expected = NULL;

  if (verifier == NULL)
    return FALSE;
  g_checksum_update (sha, (const guchar *) verifier, -1);
  g_checksum_get_digest (sha, digest, &len);
  expected = sb_base64url (digest, len);
  return g_str_equal (expected, challenge);
}

static void
token_authorization_code (SbRequest *req, GHashTable *form, const char *client_id)
{
  LkSandbox *self = req->self;
  const char *code_value = g_hash_table_lookup (form, "code");
  SbAuthCode *code;

  g_mutex_lock (&self->lock);
  code = code_value != NULL ? g_hash_table_lookup (self->auth_codes, code_value) : NULL;
  if (code == NULL || code->expires_us < g_get_monotonic_time ())
    sb_reply_oauth_error (req, 400, "invalid_grant", 70000,
                       "The provided value for the 'code' parameter is not valid.");
  else if (code->redeemed)
    sb_reply_oauth_error (req, 400, "invalid_grant", 54005,
                       "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
  else if (g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"), code->redirect_uri) != 0)
    sb_reply_oauth_error (req, 400, "invalid_grant", 50148,
                       "The redirect_uri does not match the one used in the authorization request.");
  else if (!pkce_matches (g_hash_table_lookup (form, "code_verifier"), code->challenge))
    sb_reply_oauth_error (req, 400, "invalid_grant", 501481,
                       "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
  else if (g_strcmp0 (client_id, code->client_id) != 0)
    sb_reply_oauth_error (req, 400, "invalid_grant", 70000,
                       "The code was issued to another client.");
  else
    {
      code->redeemed = TRUE;
      reply_tokens_locked (req, code->scope, client_id);
    }
  g_mutex_unlock (&self->lock);
}

static void
token_device_code (SbRequest *req, GHashTable *form, const char *client_id)
{
  LkSandbox *self = req->self;
  const char *device_code = g_hash_table_lookup (form, "device_code");
  gint64 now = g_get_monotonic_time ();
  SbDeviceCode *code;
  gint64 last_poll;

  g_mutex_lock (&self->lock);
  code = device_code != NULL ? g_hash_table_lookup (self->device_codes, device_code) : NULL;
  if (code == NULL || g_strcmp0 (code->client_id, client_id) != 0)
    {
      sb_reply_oauth_error (req, 400, "invalid_grant", 70000,
                         "The provided value for the 'device_code' parameter is not valid.");
      g_mutex_unlock (&self->lock);
      return;
    }
  last_poll = code->last_poll_us;
  code->last_poll_us = now;
  if (now >= code->expires_us)
    sb_reply_oauth_error (req, 400, "expired_token", 70020,
                       "The provided value for the input parameter 'device_code' is not valid. This device code has expired.");
  else if (code->state == DC_DECLINED)
    sb_reply_oauth_error (req, 400, "authorization_declined", 70000,
                       "The user declined the authorization request.");
  else if (code->state == DC_APPROVED || self->auto_approve)
    {
      g_autofree char *scope = g_strdup (code->scope);

      /* A device code signs in once. */
      g_hash_table_remove (self->device_codes, device_code);
      reply_tokens_locked (req, scope, client_id);
    }
  else if (last_poll != 0 && now - last_poll < (gint64) code->interval_s * G_USEC_PER_SEC)
    sb_reply_oauth_error (req, 400, "slow_down", 70016,
                       "OAuth 2.0 device flow error. Polling too fast: wait the interval.");
  else
    sb_reply_oauth_error (req, 400, "authorization_pending", 70016,
                       "OAuth 2.0 device flow error. Authorization is pending. Continue polling.");
  g_mutex_unlock (&self->lock);
}

/* A refresh token an earlier run of the demo issued: "lkrt.<payload>.<hmac>", the payload being
 * sb_base64url("client_id\nscope\nnonce"). Spent ones are remembered for this run only. */
static SbGrant *
grant_from_signed_token (LkSandbox  *self,
                         const char *refresh)
{
  g_auto(GStrv) parts = NULL;
  g_auto(GStrv) fields = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *mac = NULL;
  SbGrant *grant;

  if (self->grant_secret == NULL || refresh == NULL || !g_str_has_prefix (refresh, "lkrt.")
      || g_hash_table_contains (self->spent_refresh, refresh))
    return NULL;
  parts = g_strsplit (refresh, ".", -1);
  if (g_strv_length (parts) != 3)
    return NULL;
  mac = g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) self->grant_secret,
                                   strlen (self->grant_secret), parts[1], -1);
  if (!g_str_equal (mac, parts[2]) || (payload = sb_base64url_decode (parts[1])) == NULL)
    return NULL;
  fields = g_strsplit (payload, "\n", 3);
  if (g_strv_length (fields) != 3)
    return NULL;
  grant = g_new0 (SbGrant, 1);
  grant->client_id = g_strdup (fields[0]);
  grant->scope = g_strdup (fields[1]);
  g_hash_table_insert (self->refresh_tokens, g_strdup (refresh), grant);
  return grant;
}

static char *
signed_refresh_token (LkSandbox  *self,
                      const char *scope,
                      const char *client_id)
{
  g_autofree char *nonce = sb_random_token (16);
  g_autofree char *text = g_strdup_printf ("%s\n%s\n%s", client_id, scope, nonce);
  g_autofree char *payload = sb_base64url_string (text);
  g_autofree char *mac = g_compute_hmac_for_string (G_CHECKSUM_SHA256,
                                                    (const guchar *) self->grant_secret,
                                                    strlen (self->grant_secret), payload, -1);

  return g_strdup_printf ("lkrt.%s.%s", payload, mac);
}

/* The first scope of @requested (bare, as "BitLockerKey.Read.All") that @consented lacks:
 * Entra refreshes only into permissions the user or an admin consented to; anything more
 * needs an interactive request (incremental consent). NULL when all are consented. */
static char *
unconsented_scope (const char *consented,
                   const char *requested)
{
  g_auto(GStrv) have = granted_scopes (consented);
  g_auto(GStrv) want = granted_scopes (requested);

  for (guint i = 0; want[i] != NULL; i++)
    {
      const char *bare = strrchr (want[i], '/') != NULL ? strrchr (want[i], '/') + 1 : want[i];
      gboolean found = FALSE;

      for (guint j = 0; have[j] != NULL && !found; j++)
        {
          const char *had = strrchr (have[j], '/') != NULL ? strrchr (have[j], '/') + 1 : have[j];

          found = g_ascii_strcasecmp (bare, had) == 0;
        }
      if (!found)
        return g_strdup (bare);
    }
  return NULL;
}

static void
token_refresh (SbRequest *req, GHashTable *form, const char *client_id)
{
  LkSandbox *self = req->self;
  const char *refresh = g_hash_table_lookup (form, "refresh_token");
  const char *scope = g_hash_table_lookup (form, "scope");
  SbGrant *grant;

  g_mutex_lock (&self->lock);
  grant = refresh != NULL ? g_hash_table_lookup (self->refresh_tokens, refresh) : NULL;
  if (grant == NULL)
    grant = grant_from_signed_token (self, refresh);
  g_autofree char *missing = grant != NULL && scope != NULL ? unconsented_scope (grant->scope, scope) : NULL;

  if (grant == NULL || g_strcmp0 (grant->client_id, client_id) != 0)
    sb_reply_oauth_error (req, 400, "invalid_grant", 70000,
                       "The provided value for the 'refresh_token' is not valid: it was revoked, expired or already used.");
  else if (missing != NULL)
    sb_reply_oauth_error (req, 400, "invalid_grant", 65001,
                       "The user or administrator has not consented to use the application. Send an interactive authorization request for this user and resource.");
  else
    {
      g_autofree char *granted = g_strdup (scope != NULL && *scope != '\0' ? scope : grant->scope);

      /* Rotation: the refresh token just used never works again. */
      if (!scope_requested (granted, "offline_access"))
        {
          char *with_offline = g_strconcat (granted, " offline_access", NULL);

          g_free (granted);
          granted = with_offline;
        }
      if (self->grant_secret != NULL)
        g_hash_table_add (self->spent_refresh, g_strdup (refresh));
      g_hash_table_remove (self->refresh_tokens, refresh);
      reply_tokens_locked (req, granted, client_id);
    }
  g_mutex_unlock (&self->lock);
}

static GHashTable *
decode_form_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  return soup_form_decode (text);
}

static void
handle_token (SbRequest *req)
{
  g_autoptr(GHashTable) form = decode_form_body (req->msg);
  const char *grant_type = g_hash_table_lookup (form, "grant_type");
  const char *client_id = g_hash_table_lookup (form, "client_id");

  if (g_strcmp0 (client_id, req->self->client_id) != 0)
    sb_reply_oauth_error (req, 400, "unauthorized_client", 700016,
                       "Application with identifier was not found in the directory.");
  else if (grant_type == NULL)
    sb_reply_oauth_error (req, 400, "invalid_request", 900144,
                       "The request body must contain the following parameter: 'grant_type'.");
  else if (g_str_equal (grant_type, "authorization_code"))
    token_authorization_code (req, form, client_id);
  else if (g_str_equal (grant_type, "urn:ietf:params:oauth:grant-type:device_code"))
    token_device_code (req, form, client_id);
  else if (g_str_equal (grant_type, "refresh_token"))
    token_refresh (req, form, client_id);
  else
    sb_reply_oauth_error (req, 400, "unsupported_grant_type", 70003,
                       "The app requested an unsupported grant type.");
}

static char *
random_user_code (void)
{
  static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  guint8 buf[9];
  char code[10];

  sb_fill_random (buf, sizeof buf);
  for (guint i = 0; i < sizeof buf; i++)
    code[i] = alphabet[buf[i] % (sizeof alphabet - 1)];
  code[9] = '\0';
  return g_strdup (code);
}

static void
handle_devicecode (SbRequest *req)
{
  LkSandbox *self = req->self;
  g_autoptr(GHashTable) form = decode_form_body (req->msg);
  const char *client_id = g_hash_table_lookup (form, "client_id");
  const char *scope = g_hash_table_lookup (form, "scope");
  g_autofree char *device_code = NULL;
  g_autofree char *verification = NULL;
  g_autofree char *message = NULL;
  SbDeviceCode *code;
  GString *body;

  if (g_strcmp0 (client_id, self->client_id) != 0)
    {
      sb_reply_oauth_error (req, 400, "unauthorized_client", 700016,
                         "Application with identifier was not found in the directory.");
      return;
    }
  if (scope == NULL || *scope == '\0')
    {
      sb_reply_oauth_error (req, 400, "invalid_request", 900144,
                         "The request body must contain the following parameter: 'scope'.");
      return;
    }

  code = g_new0 (SbDeviceCode, 1);
  code->user_code = random_user_code ();
  code->scope = g_strdup (scope);
  code->client_id = g_strdup (client_id);
  code->issued_us = g_get_monotonic_time ();
  device_code = sb_random_token (48);

  g_mutex_lock (&self->lock);
  code->interval_s = self->dc_interval_s;
  code->expires_us = code->issued_us + (gint64) self->dc_expires_s * G_USEC_PER_SEC;
  verification = g_strdup_printf ("%s/login/device", self->base_url);
  body = g_string_new ("{");
  append_member (body, "user_code", code->user_code, FALSE);
  append_member (body, "device_code", device_code, FALSE);
  append_member (body, "verification_uri", verification, FALSE);
  g_string_append_printf (body, "\"expires_in\":%u,\"interval\":%u,", self->dc_expires_s,
                          self->dc_interval_s);
  /* TRANSLATORS: the sandbox's imitation of Entra ID's device-code instructions */
  message = g_strdup_printf (_("To sign in, use a web browser to open the page %s and enter the code %s to authenticate."),
                             verification, code->user_code);
  append_member (body, "message", message, TRUE);
  g_string_append_c (body, '}');
  g_hash_table_insert (self->device_codes, g_strdup (device_code), code);
  g_mutex_unlock (&self->lock);
  sb_set_json (req->msg, 200, OAUTH_JSON_TYPE, body);
}

void
sb_handle_login (SbRequest *req, const char *method, const char *path, GHashTable *query)
{
  g_auto(GStrv) parts = g_strsplit (path + strlen ("/login/"), "/", -1);
  guint n = g_strv_length (parts);
  g_autofree char *rest = n > 1 ? g_strjoinv ("/", parts + 1) : g_strdup ("");
  SbFault *fault = sb_take_faults (req->self, req, method, path);
  gboolean is_authorize = g_str_equal (rest, "oauth2/v2.0/authorize");

  if (req->drop)
    {
      g_clear_pointer (&fault, sb_fault_free);
      return;
    }
  if (fault != NULL && !(is_authorize && fault->fault.kind == LK_FAULT_OAUTH_ERROR))
    {
      const SbEntraError *entra = entra_error_lookup (fault->fault.graph_code);

      if (entra != NULL)
        sb_reply_oauth_error (req, 400, entra->error, entra->aadsts, entra->description);
      else if (fault->fault.kind == LK_FAULT_OAUTH_ERROR)
        sb_reply_oauth_error (req, 400, fault->fault.graph_code != NULL ? fault->fault.graph_code
                                                                     : "invalid_grant",
                           70000, "Sandbox fault injection.");
      else if (fault->fault.kind == LK_FAULT_MALFORMED)
        sb_reply_malformed (req);
      else if (fault->fault.kind == LK_FAULT_HUGE_BODY)
        sb_reply_huge (req, req->self->base_url, fault->fault.size);
      else
        {
          guint status = fault->fault.status != 0 ? fault->fault.status : 503;

          if (fault->fault.retry_after != NULL)
            soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                          "Retry-After", fault->fault.retry_after);
          sb_reply_oauth_error (req, fault->fault.kind == LK_FAULT_STATUS ? status : 400,
                             fault->fault.kind == LK_FAULT_STATUS ? "temporarily_unavailable"
                                                                  : "invalid_request",
                             90033, "A transient error has occurred (sandbox fault injection).");
        }
      sb_fault_free (fault);
      return;
    }

  if (n == 1 && g_str_equal (parts[0], "device") && g_str_equal (method, "GET"))
    sb_reply_html (req, 200, _("Enter code"),
                _("This is the Latchkey sandbox: device codes are approved by the test or the demo, not here."));
  else if (n < 2 || *parts[0] == '\0')
    sb_reply_oauth_error (req, 404, "invalid_request", 90002, "Tenant not found.");
  else if (g_str_equal (rest, "v2.0/.well-known/openid-configuration") && g_str_equal (method, "GET"))
    handle_openid_configuration (req, parts[0]);
  else if (g_str_equal (rest, "discovery/v2.0/keys") && g_str_equal (method, "GET"))
    sb_set_json (req->msg, 200, OAUTH_JSON_TYPE, g_string_new ("{\"keys\":[]}"));
  else if (is_authorize && g_str_equal (method, "GET"))
    handle_authorize (req, query, fault);
  else if (g_str_equal (rest, "oauth2/v2.0/logout"))
    sb_reply_html (req, 200, _("Signed out"), _("You have signed out of the Latchkey sandbox."));
  else if (g_str_equal (rest, "oauth2/v2.0/token") && g_str_equal (method, "POST"))
    handle_token (req);
  else if (g_str_equal (rest, "oauth2/v2.0/devicecode") && g_str_equal (method, "POST"))
    handle_devicecode (req);
  else
    sb_reply_oauth_error (req, 404, "invalid_request", 90002, "The endpoint does not exist.");
  g_clear_pointer (&fault, sb_fault_free);
}
