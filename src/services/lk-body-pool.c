/* lk-body-pool.c: a process-wide pool of the buffers Graph answers are read into.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-body-pool.h"
#include "lk-memory.h"

/* Page bodies (~800 kB each, a hundred per listing) are read into recycled buffers: a fresh
 * malloc of that size faults every page of it in again, which cost the main thread more than
 * reading the socket. Only large bodies are kept: the small ones (an action's results may
 * carry a temporary passcode) are wiped and freed. */
#define POOL_BUFFERS 4
#define POOL_MIN     (32 * 1024)   /* lk-graph-request.c parses bodies this large in a thread */
#define POOL_MAX     (8 * 1024 * 1024)   /* a page of 1000 whole devices: 4.25 MB */

typedef struct
{
  guint8 *data;
  gsize   size;
} Buffer;

static GMutex pool_lock;
static Buffer pool[POOL_BUFFERS];

guint8 *
lk_body_pool_take (gsize  wanted,
                   gsize *size)
{
  guint8 *data = NULL;

  g_mutex_lock (&pool_lock);
  for (guint i = 0; i < POOL_BUFFERS && data == NULL; i++)
    if (pool[i].data != NULL && pool[i].size >= wanted)
      {
        data = g_steal_pointer (&pool[i].data);
        *size = pool[i].size;
      }
  g_mutex_unlock (&pool_lock);
  if (data == NULL)
    {
      data = lk_memory_alloc_large (wanted);
      *size = wanted;
    }
  return data;
}

void
lk_body_pool_give (guint8 *data,
                   gsize   size)
{
  if (data == NULL)
    return;
  if (size >= POOL_MIN && size <= POOL_MAX)
    {
      g_mutex_lock (&pool_lock);
      for (guint i = 0; i < POOL_BUFFERS && data != NULL; i++)
        if (pool[i].data == NULL)
          {
            pool[i].data = g_steal_pointer (&data);
            pool[i].size = size;
          }
      g_mutex_unlock (&pool_lock);
    }
  if (data != NULL)
    {
      explicit_bzero (data, MIN (size, POOL_MIN));
      g_free (data);
    }
}

typedef struct
{
  guint8 *data;
  gsize   size;
} BodyBuffer;

static void
body_buffer_free (gpointer user_data)
{
  BodyBuffer *buffer = user_data;

  lk_body_pool_give (buffer->data, buffer->size);
  g_free (buffer);
}

GBytes *
lk_body_pool_wrap (guint8 *data,
                   gsize   len,
                   gsize   size)
{
  BodyBuffer *buffer = g_new (BodyBuffer, 1);

  buffer->data = data;
  buffer->size = size;
  return g_bytes_new_with_free_func (buffer->data, len, body_buffer_free, buffer);
}
