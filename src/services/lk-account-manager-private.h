/* lk-account-manager-private.h: the manager's HTTP session, for the services and tests that
 * speak to the identity platform themselves. */
#pragma once

#include <libsoup/soup.h>

#include "lk-account-manager.h"

G_BEGIN_DECLS

SoupSession      *lk_account_manager_get_session        (LkAccountManager *self);

G_END_DECLS
