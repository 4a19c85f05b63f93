/* lk-cli-table.c: latchkey-cli's search table, for people: measured while the listing runs,
 * its rows formatted in chunks on several threads.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "lk-capability.h"
#include "lk-cli-chunks.h"
#include "lk-cli-output.h"
#include "lk-cli-output-private.h"
#include "lk-text.h"

enum { N_COLUMNS = 5 };

/* One row's cells as people see them (never raw Graph text); most are plain ASCII, shown as
 * they are without a copy. */
typedef struct
{
  const char *text[N_COLUMNS];
  char       *owned[N_COLUMNS];
} Row;

static gboolean
plain_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || (guchar) *p >= 0x7f)
      return FALSE;
  return TRUE;
}

static void
row_set (Row        *row,
         guint       column,
         const char *text)
{
  text = lk_cli_or_dash (text);
  if (plain_ascii (text))
    row->text[column] = text;
  else
    row->text[column] = row->owned[column] = lk_text_inert (text);
}

/* Labels by what decides them (LkCapabilityInputs → interned label), so that a device like one
 * already seen is not classified. Bounded like the JSON's capabilities. */
#define MAX_CACHED_LABELS 256

static GHashTable *
labels_new (void)
{
  return g_hash_table_new_full (lk_capability_inputs_hash, lk_capability_inputs_equal, g_free, NULL);
}

/* @device's capability label, interned: kept between the table's passes, it must outlive the
 * capability. The label does not depend on the date, only on the inputs. */
static const char *
label_for (GHashTable *labels,
           LkDevice   *device)
{
  g_autoptr(LkCapability) capability = NULL;
  LkCapabilityInputs inputs;
  const char *label;

  (void) lk_capability_get_inputs (device, 0, &inputs);
  label = g_hash_table_lookup (labels, &inputs);
  if (label != NULL)
    return label;
  capability = lk_capability_new_for_device (device);
  label = g_intern_string (lk_capability_get_label (capability));
  if (g_hash_table_size (labels) < MAX_CACHED_LABELS)
    g_hash_table_insert (labels, g_memdup2 (&inputs, sizeof inputs), (gpointer) label);
  return label;
}

/* @label: the device's capability label (label_for()). */
static void
row_fill (Row        *row,
          LkDevice   *device,
          const char *label)
{
  row_set (row, 0, lk_device_get_device_name (device));
  row_set (row, 1, lk_cli_user_text (device));
  row->text[2] = row->owned[2] = lk_cli_platform_text (device);
  row->text[3] = label;
  row_set (row, 4, lk_device_get_id (device));
}

static void
row_clear (Row *row)
{
  for (guint c = 0; c < N_COLUMNS; c++)
    g_clear_pointer (&row->owned[c], g_free);
}

/* Characters, not bytes: names are often Italian ("Città", "Niccolò"). The cells are valid
 * UTF-8 (inert text), so every byte but a continuation byte starts one; g_utf8_strlen() twice
 * per cell was a twelfth of the table's time. */
static glong
text_width (const char *text)
{
  glong n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += ((guchar) *p & 0xc0) != 0x80;
  return n;
}

static void
append_row (GString     *out,
            const Row   *row,
            const glong *widths)
{
  static const char spaces[] = "                                                                ";

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      g_string_append (out, row->text[c]);
      if (c + 1 < N_COLUMNS)
        for (glong pad = widths[c] + 2 - text_width (row->text[c]); pad > 0; pad -= sizeof spaces - 1)
          g_string_append_len (out, spaces, MIN (pad, (glong) sizeof spaces - 1));
    }
  g_string_append_c (out, '\n');
}

static void
widen (glong     *widths,
       const Row *row)
{
  for (guint c = 0; c < N_COLUMNS; c++)
    widths[c] = MAX (widths[c], text_width (row->text[c]));
}

typedef struct
{
  GPtrArray   *devices;
  glong        widths[N_COLUMNS];
} Table;

static void
format_table_chunk (guint    chunk,
                    guint    start,
                    guint    end,
                    GString *out,
                    gpointer user_data)
{
  Table *table = user_data;
  g_autoptr(GHashTable) labels = labels_new ();

  for (guint i = start; i < end; i++)
    {
      LkDevice *device = g_ptr_array_index (table->devices, i);
      Row row = { { NULL } };

      row_fill (&row, device, label_for (labels, device));
      append_row (out, &row, table->widths);
      row_clear (&row);
    }
}

static void
header_fill (Row *header)
{
  *header = (Row) { { C_("column", "NAME"), C_("column", "USER"), C_("column", "PLATFORM"),
                      C_("column", "PASSCODE ACTION"), C_("column", "ID") }, { NULL } };
}

/* The rows, in chunks on several threads, with the widths measured during the listing. */
static void
print_rows (Table *table)
{
  g_autoptr(GString) out = g_string_new (NULL);
  Row header;

  header_fill (&header);
  append_row (out, &header, table->widths);
  lk_cli_out_flush (out);
  lk_cli_write_chunked (table->devices->len, format_table_chunk, table);
  lk_cli_out_finish (out);
}

/* The first pass while the listing runs: the widths do not depend on the order, and the pages
 * are measured on a thread of their own as they arrive, while the CLI mostly waits for the
 * next one. Only the rows are left for when the devices are ranked (their labels are found
 * again then, by label_for(): cheaper than keeping each until its place is known). */
struct _LkCliTableMeasure
{
  GThreadPool *pool;                /* one thread: pages are measured one after the other */
  glong        widths[N_COLUMNS];   /* that thread's until lk_cli_print_devices_table_measured() */
};

static void
measure_page (gpointer data,
              gpointer user_data)
{
  g_autoptr(GPtrArray) devices = data;
  LkCliTableMeasure *measure = user_data;
  g_autoptr(GHashTable) labels = labels_new ();

  for (guint i = 0; i < devices->len; i++)
    {
      LkDevice *device = g_ptr_array_index (devices, i);
      Row row = { { NULL } };

      row_fill (&row, device, label_for (labels, device));
      widen (measure->widths, &row);
      row_clear (&row);
    }
}

LkCliTableMeasure *
lk_cli_table_measure_new (void)
{
  LkCliTableMeasure *measure = g_new0 (LkCliTableMeasure, 1);

  /* Exclusive: its thread exists from here, so a push cannot fail for want of one. */
  measure->pool = g_thread_pool_new (measure_page, measure, 1, TRUE, NULL);
  return measure;
}

void
lk_cli_table_measure_add (LkCliTableMeasure *measure,
                          GPtrArray         *devices)
{
  /* The devices are read-only once built: the thread may read them while the listing goes on. */
  GPtrArray *page = g_ptr_array_copy (devices, (GCopyFunc) (void (*) (void)) g_object_ref, NULL);

  g_ptr_array_set_free_func (page, g_object_unref);
  if (measure->pool != NULL)
    g_thread_pool_push (measure->pool, page, NULL);
  else
    measure_page (page, measure);
}

void
lk_cli_table_measure_free (LkCliTableMeasure *measure)
{
  if (measure->pool != NULL)
    g_thread_pool_free (measure->pool, FALSE, TRUE);
  g_free (measure);
}

void
lk_cli_print_devices_table_measured (GPtrArray         *devices,
                                     LkCliTableMeasure *measure)
{
  Table table = { devices };
  Row header;

  /* Every page measured (the thread joined) before its widths are read. */
  if (measure->pool != NULL)
    g_thread_pool_free (g_steal_pointer (&measure->pool), FALSE, TRUE);
  if (devices->len == 0)
    return;
  header_fill (&header);
  memcpy (table.widths, measure->widths, sizeof table.widths);
  widen (table.widths, &header);
  print_rows (&table);
}
