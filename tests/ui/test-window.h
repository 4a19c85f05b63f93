/* test-window.h: what the window's test files share — the fixture (the real window, a demo
 * sandbox over loopback HTTP) and its helpers in test-window-fixture.c — and the tests that
 * test-window.c registers, in one order, from the files of each theme.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "lk-capability.h"
#include "lk-device-page.h"
#include "lk-sandbox.h"
#include "lk-window.h"

#define SCOPES "DeviceManagementManagedDevices.Read.All DeviceManagementManagedDevices.PrivilegedOperations.All"

typedef struct
{
  LkSandbox     *sandbox;
  LkGraphClient *client;
  LkWindow      *window;
} Fixture;

typedef gboolean (*CapabilityMatch) (LkCapability *capability, gconstpointer data);

/* test-window-fixture.c */
gboolean search_settled (gpointer data);
void setup (Fixture *fixture, gconstpointer data);
void teardown (Fixture *fixture, gconstpointer data);
void search (Fixture *fixture, const char *text);
gboolean search_complete (gpointer data);
void search_all (Fixture *fixture, const char *text);
LkDevice *demo_device_where (Fixture *fixture, CapabilityMatch match, gconstpointer data);
LkDevice *device_with_rule (Fixture *fixture, const char *rule);
LkDevicePage *device_page (Fixture *fixture);
gboolean label_contains (GtkWidget *widget, gconstpointer text);

/* test-window-list.c: the results list, its badges, filters and keyboard */
void test_badges (Fixture *fixture, gconstpointer data);
void test_filters (Fixture *fixture, gconstpointer data);
void test_rows_follow_filter (Fixture *fixture, gconstpointer data);
void test_filtered_empty (Fixture *fixture, gconstpointer data);
void test_pane_follows_results (Fixture *fixture, gconstpointer data);
void test_scroll_reset (Fixture *fixture, gconstpointer data);
void test_enter_focus (Fixture *fixture, gconstpointer data);
void test_row_accessible_names (Fixture *fixture, gconstpointer data);
void test_badge_warning_only_when_stale (Fixture *fixture, gconstpointer data);
void test_badge_rebound (Fixture *fixture, gconstpointer data);
void test_row_shows_matched_field (Fixture *fixture, gconstpointer data);
void test_mnemonics_accessible (Fixture *fixture, gconstpointer data);

/* test-window-device-page.c: the device page, its actions and the journal */
void test_pending_action_blocks (Fixture *fixture, gconstpointer data);
void test_shared_ipad_page (Fixture *fixture, gconstpointer data);
void test_action_requested (Fixture *fixture, gconstpointer data);
void test_copy_device_id (Fixture *fixture, gconstpointer data);
void test_last_action_and_sync (Fixture *fixture, gconstpointer data);
void test_property_values_selectable (Fixture *fixture, gconstpointer data);
