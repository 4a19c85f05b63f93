/* lk-token-store-private.h: the libsecret schema, for the store and its tests. */
#pragma once

#include <libsecret/secret.h>

#include "lk-token-store.h"

G_BEGIN_DECLS

const SecretSchema *lk_token_store_get_schema (void);

G_END_DECLS
