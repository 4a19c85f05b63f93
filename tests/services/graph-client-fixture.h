/* graph-client-fixture.h: what the Graph client tests share — a sandbox (the demo tenant or a
 * generated one), a token provider that mints from it and counts its refreshes, a client with
 * fast retries, and waiting for a result.
 *
 * The tests: test-graph-client.c (listing, actions, throttle, rate limit, request policy) and
 * test-graph-client-faults.c (the sandbox's faults against the one send path).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "../lk-test-common.h"

#include "lk-device-query.h"
#include "lk-graph-client.h"
#include "lk-graph-error.h"
#include "lk-sandbox.h"

#define ALL_SCOPES "DeviceManagementManagedDevices.Read.All DeviceManagementManagedDevices.PrivilegedOperations.All"

/* A token provider that refreshes from the sandbox, and counts. */
#define TEST_TYPE_TOKENS (test_tokens_get_type ())
G_DECLARE_FINAL_TYPE (TestTokens, test_tokens, TEST, TOKENS, GObject)

struct _TestTokens
{
  GObject    parent_instance;
  LkSandbox *sandbox;
  char      *token;
  guint      n_refreshes;
};

typedef struct
{
  LkSandbox     *sandbox;
  TestTokens    *tokens;
  LkGraphClient *client;
  guint          n_throttled;
  double         last_wait;
} Fixture;

/* What a listing's page callback saw. */
typedef struct
{
  guint         n_pages;
  guint         n_devices;
  guint         last_total;
  gint64        expected;
  GCancellable *cancel_after_first;
} Pages;

#define ADD(path, func, setup, data) \
  g_test_add (path, Fixture, data, setup, func, teardown)

void          setup_demo      (Fixture        *fixture,
                               gconstpointer   data);
/* GPOINTER_TO_UINT (@data) generated devices. */
void          setup_generated (Fixture        *fixture,
                               gconstpointer   data);
void          teardown        (Fixture        *fixture,
                               gconstpointer   data);
/* Runs the main loop until @slot is set (store_result_cb), at most 30 s. */
GAsyncResult *wait_for_result (GAsyncResult  **slot);
void          store_result_cb (GObject        *source,
                               GAsyncResult   *result,
                               gpointer        user_data);
GPtrArray    *list            (Fixture        *fixture,
                               const char     *text,
                               Pages          *pages,
                               GError        **error);
LkDevice     *get_device      (Fixture        *fixture,
                               const char     *id,
                               GError        **error);
char         *first_device_id (Fixture        *fixture);
