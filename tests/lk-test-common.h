/* lk-test-common.h: helpers more than one test suite needs. */
#pragma once

#include <glib-object.h>

#include "lk-capability.h"

/* Like g_assert_finalize_object(), but lets a parser thread that just handed back its result
 * drop its reference to the task (and so to the client or window) first. */
G_GNUC_UNUSED static void
lk_test_assert_finalized_soon (gpointer object)
{
  gpointer weak = object;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);
  while (weak != NULL && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (weak);
}

/* Runs the main context until @check (@data) holds; FALSE after @timeout_ms without it. */
G_GNUC_UNUSED static gboolean
lk_test_wait_until (gboolean (*check) (gpointer),
                    gpointer  data,
                    guint     timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!check (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

/* The first of @devices (element-type LkDevice) whose capability comes from @rule (a rule id of
 * lk-capability.c); the test stops when there is none. */
G_GNUC_UNUSED static LkDevice *
lk_test_device_with_rule (GPtrArray  *devices,
                          const char *rule)
{
  for (guint i = 0; i < devices->len; i++)
    {
      LkDevice *device = g_ptr_array_index (devices, i);
      g_autoptr(LkCapability) capability = lk_capability_new_for_device (device);

      if (g_str_equal (lk_capability_get_rule_id (capability), rule))
        return device;
    }
  g_error ("no demo device for %s", rule);
  return NULL;
}
