/* lk-test-devices.h: devices made for the list models' tests (an id each, nothing else).
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "lk-device.h"

/* @n devices with the ids @prefix0, @prefix1, … (element-type LkDevice, owned). */
G_GNUC_UNUSED static GPtrArray *
lk_test_devices_with_ids (guint       n,
                          const char *prefix)
{
  GPtrArray *array = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonObject) object = json_object_new ();
      g_autofree char *id = g_strdup_printf ("%s%u", prefix, i);

      json_object_set_string_member (object, "id", id);
      g_ptr_array_add (array, lk_device_new_from_json (object, NULL));
    }
  return array;
}
