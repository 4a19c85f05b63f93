/* lk-auth-error.c: the sign-in error domain. */
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

void
lk_secret_string_free (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

void
lk_secret_string_clear (char **secret)
{
  lk_secret_string_free (*secret);
  *secret = NULL;
}
