/* lk-token-store-private.h: the libsecret schema, for the store and its tests.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsecret/secret.h>

#include "lk-token-store.h"

G_BEGIN_DECLS

const SecretSchema *lk_token_store_get_schema (void);

G_END_DECLS
