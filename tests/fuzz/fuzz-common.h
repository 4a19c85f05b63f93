/* fuzz-common.h: what every harness shares. Header-only (static functions) so each harness
 * stays one C file plus this.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "lk-json.h"

int LLVMFuzzerInitialize   (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A critical or a warning on untrusted input is a bug too (a failed g_return_if_fail means a
 * parser handed garbage onward): abort() on them so libFuzzer records the input. (GLib's own
 * fatal path raises SIGTRAP, which libFuzzer does not catch, so no input would be saved.) */
static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  (void) user_data;
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_log_writer_standard_streams (log_level, fields, n_fields, NULL);
      abort ();
    }
  return g_log_writer_default (log_level, fields, n_fields, NULL);
}

static inline void
fuzz_common_init (void)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
  g_setenv ("G_SLICE", "always-malloc", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
}

/* libFuzzer's buffer has no terminating NUL (ASan catches reading past it): the string APIs
 * get a copy that stops at the first NUL, like a C string from a header would. */
static inline char *
fuzz_strndup (const uint8_t *data,
              size_t         size)
{
  return g_strndup ((const char *) data, size);
}

/* Parses @data as JSON the way the services do (lk_json_parse: depth and size capped before
 * json-glib recurses); NULL when it is not JSON or over a cap. */
static inline JsonNode *
fuzz_parse_json (const uint8_t *data,
                 size_t         size)
{
  return lk_json_parse ((const char *) data, (gssize) size, NULL);
}
