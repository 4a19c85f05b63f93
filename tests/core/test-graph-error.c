/* test-graph-error.c: Intune's real 403 bodies tell their reasons apart.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-graph-error.h"

static GError *
error_from_fixture (const char *name)
{
  g_autofree char *path = g_build_filename (FIXTURES_DIR, "graph-errors", name, NULL);
  g_autofree char *body = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &body, &len, NULL));
  return lk_graph_error_new_from_response (403, body, len, NULL, "client-id-1");
}

static void
test_missing_permission (void)
{
  g_autoptr(GError) error = error_from_fixture ("forbidden-missing-permission.json");

  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_FORBIDDEN);
  g_assert_cmpint (lk_graph_error_get_forbidden_reason (error), ==, LK_FORBIDDEN_MISSING_SCOPE);
  g_assert_nonnull (strstr (error->message, "DeviceManagementManagedDevices.PrivilegedOperations.All."));
  g_assert_nonnull (strstr (error->message, "admin consent"));
  g_assert_cmpstr (lk_graph_error_get_request_id (error), ==, "7b3c4c1e-0d6f-4f7e-9a57-2f5c8d0e6a11");
}

static void
test_missing_role (void)
{
  g_autoptr(GError) error = error_from_fixture ("forbidden-missing-role.json");

  g_assert_cmpint (lk_graph_error_get_forbidden_reason (error), ==, LK_FORBIDDEN_MISSING_ROLE);
  g_assert_nonnull (strstr (error->message, "Help Desk Operator"));
  g_assert_nonnull (strstr (error->message, "Reset passcode"));
}

static void
test_approval_required (void)
{
  g_autoptr(GError) error = error_from_fixture ("approval-required.json");

  g_assert_cmpint (lk_graph_error_get_forbidden_reason (error), ==, LK_FORBIDDEN_MULTI_ADMIN_APPROVAL);
  g_assert_nonnull (strstr (error->message, "Multi Admin Approval"));
  g_assert_nonnull (strstr (error->message, "has not failed"));
}

static void
test_permission_parse_is_bounded (void)
{
  g_autofree char *two = lk_graph_error_parse_missing_permission ("… following scopes: A.Read.All, B.ReadWrite.All - Operation");
  g_autofree char *hostile = lk_graph_error_parse_missing_permission ("following scopes: X.All\033[2J<b>y</b>");
  g_autofree char *none = lk_graph_error_parse_missing_permission ("following scopes: \033[2J");

  g_assert_cmpstr (two, ==, "A.Read.All, B.ReadWrite.All");
  g_assert_cmpstr (hostile, ==, "X.All");
  g_assert_null (none);
  g_assert_null (lk_graph_error_parse_missing_permission (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/graph-error/403/missing-permission", test_missing_permission);
  g_test_add_func ("/graph-error/403/missing-role", test_missing_role);
  g_test_add_func ("/graph-error/403/approval-required", test_approval_required);
  g_test_add_func ("/graph-error/403/permission-parse-bounded", test_permission_parse_is_bounded);
  return g_test_run ();
}
