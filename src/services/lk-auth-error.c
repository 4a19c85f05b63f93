/* lk-auth-error.c: the sign-in error domain.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-auth-error.h"

G_DEFINE_QUARK (lk-auth-error-quark, lk_auth_error)

GError *
lk_auth_error_from_oauth (const char *oauth_error)
{
  if (oauth_error == NULL)
    oauth_error = "";

  if (g_str_equal (oauth_error, "access_denied"))
    return g_error_new_literal (LK_AUTH_ERROR, LK_AUTH_ERROR_ACCESS_DENIED,
                                _("Sign-in was refused. You or your administrator did not grant Latchkey access."));
  if (g_str_equal (oauth_error, "authorization_declined"))
    return g_error_new_literal (LK_AUTH_ERROR, LK_AUTH_ERROR_DECLINED,
                                _("The sign-in request was declined on the other device."));
  if (g_str_equal (oauth_error, "expired_token"))
    return g_error_new_literal (LK_AUTH_ERROR, LK_AUTH_ERROR_EXPIRED,
                                _("The sign-in code expired before it was used. Start again to get a new code."));
  if (g_str_equal (oauth_error, "bad_verification_code"))
    return g_error_new_literal (LK_AUTH_ERROR, LK_AUTH_ERROR_BAD_VERIFICATION_CODE,
                                _("The sign-in code was not recognized. Start again to get a new code."));
  if (g_str_equal (oauth_error, "invalid_grant"))
    return g_error_new_literal (LK_AUTH_ERROR, LK_AUTH_ERROR_INVALID_GRANT,
                                _("Your sign-in has expired or was revoked. Sign in again."));
  if (g_str_equal (oauth_error, "authorization_pending"))
    return g_error_new_literal (LK_AUTH_ERROR, LK_AUTH_ERROR_PENDING,
                                _("Waiting for the sign-in to be approved."));
  if (g_str_equal (oauth_error, "slow_down"))
    return g_error_new_literal (LK_AUTH_ERROR, LK_AUTH_ERROR_SLOW_DOWN,
                                _("The sign-in service asked Latchkey to slow down."));
  if (g_str_equal (oauth_error, "consent_required") ||
      g_str_equal (oauth_error, "interaction_required") ||
      g_str_equal (oauth_error, "login_required"))
    return g_error_new_literal (LK_AUTH_ERROR, LK_AUTH_ERROR_ACCESS_DENIED,
                                _("Sign-in needs an administrator’s consent or more interaction in the browser."));
  if (g_str_equal (oauth_error, "invalid_client") ||
      g_str_equal (oauth_error, "unauthorized_client"))
    return g_error_new_literal (LK_AUTH_ERROR, LK_AUTH_ERROR_OAUTH,
                                _("The application (client) ID is not valid for this tenant, or the app registration is not a public client."));

  /* The OAuth error code is a fixed protocol word, never a secret. */
  return g_error_new (LK_AUTH_ERROR, LK_AUTH_ERROR_OAUTH,
                      _("The sign-in service reported an error (%s)."), oauth_error);
}

guint
lk_auth_error_parse_aadsts (const char *description)
{
  guint64 code = 0;
  gsize digits = 0;

  if (description == NULL || !g_str_has_prefix (description, "AADSTS"))
    return 0;
  description += strlen ("AADSTS");
  while (g_ascii_isdigit (description[digits]) && digits < 9)
    digits++;
  if (digits == 0)
    return 0;
  {
    g_autofree char *number = g_strndup (description, digits);

    g_ascii_string_to_unsigned (number, 10, 1, G_MAXUINT, &code, NULL);
  }
  return (guint) code;
}

/* What to do about the errors an admin meets on a first sign-in ("Microsoft Entra
 * authentication and authorization error codes", learn.microsoft.com). */
static const char *
aadsts_advice (guint code)
{
  switch (code)
    {
    case 50011:
      return N_("The redirect URI is not registered for this app. In the Microsoft Entra admin center, open the app registration, Authentication, Mobile and desktop applications, and add http://localhost (exactly so: Latchkey adds the port).");
    case 700016:
      return N_("No app with this application (client) ID exists in this tenant. Check the client ID and the tenant on the sign-in page, or register Latchkey in this tenant.");
    case 65001:
      return N_("Latchkey’s permissions have not been consented to in this tenant. An administrator must open the app registration, API permissions, and grant admin consent.");
    case 7000218:
      return N_("Signing in with a code needs public client flows. In the app registration, under Authentication, set “Allow public client flows” to Yes, or sign in with the browser.");
    case 50076:
      return N_("Your organization requires multi-factor authentication. Sign in again with the browser to complete it.");
    case 50079:
      return N_("Your organization requires you to register for multi-factor authentication first. Sign in again with the browser to set it up.");
    case 53003:
      return N_("A Conditional Access policy blocked this sign-in. Ask your administrator which policy applies to Latchkey (device, location or app).");
    case 50020:
    case 90072:
      return N_("This account belongs to another tenant and is not a guest in this one. Sign in with an account of this tenant, or set the tenant to the account’s own.");
    case 50126:
      return N_("The user name or password is wrong. Sign in again.");
    default:
      return NULL;
    }
}

/* The service's words, made safe to show: up to the end of the first sentence, at most 300
 * bytes, control characters turned into spaces, valid UTF-8. */
static char *
first_sentence (const char *description)
{
  g_autofree char *valid = g_utf8_make_valid (description, -1);
  const char *end = strstr (valid, ". ");
  gsize len = end != NULL ? (gsize) (end - valid) + 1 : strlen (valid);
  const char *cut;

  if (len > 300)
    {
      /* Cut on a character boundary. */
      cut = g_utf8_find_prev_char (valid, valid + 300);
      len = cut != NULL ? (gsize) (cut - valid) : 0;
    }
  valid[len] = '\0';
  for (char *p = valid; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return g_strstrip (g_steal_pointer (&valid));
}

GError *
lk_auth_error_from_response (const char *oauth_error,
                             const char *description)
{
  GError *error = lk_auth_error_from_oauth (oauth_error);
  const char *advice;
  g_autofree char *detail = NULL;
  char *message;

  if (description == NULL || *description == '\0')
    return error;
  detail = first_sentence (description);
  if (*detail == '\0')
    return error;
  advice = aadsts_advice (lk_auth_error_parse_aadsts (detail));
  message = g_strdup_printf ("%s\n%s", advice != NULL ? _(advice) : error->message, detail);
  g_free (error->message);
  error->message = message;
  return error;
}


