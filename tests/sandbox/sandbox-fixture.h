/* sandbox-fixture.h: what the sandbox test programs share — a running sandbox with the demo
 * tenant, a libsoup session and a token for it, and requests that assert their answer.
 *
 * The tests are split by theme: test-sandbox.c (Graph: paging, filters, $select, devices,
 * scopes, unlock routes, fixtures, the generator), test-sandbox-actions.c (device actions and
 * fault injection) and test-sandbox-identity.c (Entra ID).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "lk-device.h"
#include "lk-sandbox.h"

#include "../lk-test-common.h"

#define SCOPES_ALL "https://graph.microsoft.com/DeviceManagementManagedDevices.Read.All " \
                   "https://graph.microsoft.com/DeviceManagementManagedDevices.PrivilegedOperations.All"
#define DEDICATED_ID "ZEBRA-TC52-MAG03"
#define LK_DEVICE_SELECT_BETA_TEST LK_DEVICE_SELECT_BETA

typedef struct
{
  LkSandbox   *sandbox;
  SoupSession *session;
  char        *base;
  char        *token;
} Fixture;

/* A test run with the fixture. */
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)

void        fixture_setup    (Fixture       *f,
                              gconstpointer  data);
void        fixture_teardown (Fixture       *f,
                              gconstpointer  data);
/* Sends a request and returns its body (NULL on a transport error, reported in @error). */
GBytes     *send_full        (Fixture       *f,
                              const char    *method,
                              const char    *url,
                              const char    *token,
                              const char    *form,
                              SoupMessage  **out_msg,
                              GError       **error);
/* The same, asserting the transport worked and the status is @expected_status. */
GBytes     *send_ok          (Fixture       *f,
                              const char    *method,
                              const char    *url,
                              const char    *token,
                              const char    *form,
                              guint          expected_status,
                              SoupMessage  **out_msg);
JsonNode   *parse            (GBytes        *body);
JsonNode   *get_json         (Fixture       *f,
                              const char    *url,
                              guint          expected_status);
/* {graph}/{version}/deviceManagement/managedDevices?name=value&… with values escaped. */
char       *list_url         (Fixture       *f,
                              const char    *version,
                              ...) G_GNUC_NULL_TERMINATED;
JsonArray  *value_of         (JsonNode      *root);
/* Interned: callers need not free it. */
const char *id_of_device     (Fixture       *f,
                              const char    *device_name);
const char *error_code       (GBytes        *body);

/* A request sent with soup_session_send_and_read_async (send_done_cb): done, and its error. */
typedef struct
{
  gboolean done;
  GError  *error;
} AsyncResult;

void        send_done_cb     (GObject       *source,
                              GAsyncResult  *result,
                              gpointer       user_data);
