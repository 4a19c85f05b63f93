/* lk-secret.c: random values and wiping, for every layer that holds a secret.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <glib/gi18n.h>

#include "lk-secret.h"

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

char *
lk_random_token (gsize    len,
                 GError **error)
{
  g_autofree guint8 *buf = g_malloc (len);
  gsize got = 0;
  char *text;

  /* PKCE verifiers and state must be unguessable: the kernel's CSPRNG, never g_random. */
  while (got < len)
    {
      ssize_t n = getrandom (buf + got, len - got, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not get random numbers from the system: %s"),
                       g_strerror (saved_errno));
          return NULL;
        }
      got += (gsize) n;
    }
  text = lk_base64url_encode (buf, len);
  explicit_bzero (buf, len);
  return text;
}

char *
lk_base64url_encode (const guint8 *data,
                     gsize         len)
{
  char *text = g_base64_encode (data, len);
  gsize n = strlen (text);

  for (gsize i = 0; i < n; i++)
    {
      if (text[i] == '+')
        text[i] = '-';
      else if (text[i] == '/')
        text[i] = '_';
    }
  while (n > 0 && text[n - 1] == '=')
    text[--n] = '\0';
  return text;
}
