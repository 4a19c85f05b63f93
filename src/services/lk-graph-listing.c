/* lk-graph-listing.c: LkGraphClient's device listing: pages requested ahead (a page's nextLink
 * is followed as soon as it is seen, before the page is read), read in worker threads, handed
 * to the caller in order, then ranked.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "lk-graph-client-private.h"
#include "lk-page-reader.h"
#include "lk-graph-error.h"
#include "lk-id-set.h"
#include "lk-memory.h"

/* A page holds at most 1000 devices ($top's ceiling), each ~0.4–0.5 kB once read (README
 * "Performance": memory per held device). */
#define MAX_PAGE_DEVICES      1000
#define HELD_BYTES_PER_DEVICE 512

typedef struct
{
  GPtrArray *devices;      /* matching devices of this page */
  guint      n_received;   /* items in "value" */
  guint64    print;        /* when asked for (PageJob.want_print): page_is_new()'s hash */
  guint      n_skipped;    /* items that were not devices (or had no id) */
  char      *next_link;
  gint64     count;
  LkDeviceRanking *ranking;   /* of devices, made while they were fresh in the cache */
  guint32   *id_hashes;    /* lk_id_set_hash() of each device's id, in the same order */
} Page;

static void
page_free (Page *page)
{
  g_clear_pointer (&page->ranking, lk_device_ranking_free);
  g_clear_pointer (&page->devices, g_ptr_array_unref);
  g_free (page->id_hashes);
  g_free (page->next_link);
  g_free (page);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Page, page_free)

/* What a page's parser gets: the query, and where to say which page comes next before the
 * page is read (so it can be fetched meanwhile). */
typedef struct
{
  LkDeviceQuery *query;
  GMainContext  *context;
  GTask         *listing;
  GCancellable  *cancellable;  /* the listing's: a page of a listing given up is not read */
  guint          sequence;
  gboolean       link_said;    /* peek_device_page() found the nextLink (set before the worker) */
  gboolean       want_print;   /* the listing tells new pages by their ids (page_is_new()) */
} PageJob;

static void
page_job_free (PageJob *job)
{
  g_object_unref (job->query);
  g_object_unref (job->cancellable);
  g_main_context_unref (job->context);
  g_object_unref (job->listing);
  g_free (job);
}

typedef struct
{
  GTask *listing;
  guint  sequence;
  char  *url;
} EarlyLink;

static void
early_link_free (EarlyLink *early)
{
  g_object_unref (early->listing);
  g_free (early->url);
  g_free (early);
}

static gboolean early_link_cb (gpointer user_data);

/* Says @link (taken) is the page's nextLink, always through an idle: never re-entered from
 * the request or the worker, and never before the listing's own bookkeeping for this page is
 * done. At a high priority: the connection waits for it (the main thread may be busy with
 * pages and frames, and a default idle would come after all of them). */
static void
post_early_link (PageJob *job,
                 char    *link)
{
  EarlyLink *early = g_new0 (EarlyLink, 1);
  g_autoptr(GSource) idle = g_idle_source_new ();

  early->listing = g_object_ref (job->listing);
  early->sequence = job->sequence;
  early->url = link;
  g_source_set_priority (idle, G_PRIORITY_HIGH);
  g_source_set_callback (idle, early_link_cb, early, (GDestroyNotify) early_link_free);
  g_source_set_static_name (idle, "[latchkey] early nextLink");
  g_source_attach (idle, job->context);
}

/* On the listing's thread the moment a page has arrived: the link at its end (where Graph
 * writes it) or before "value" is found in microseconds, so the next page is asked for at
 * once. Found in the worker, it came 0.6 ms later (median; up to 5 ms, the worker and the idle
 * waiting for a core): 117 ms of a traced 316 ms listing of 100 pages. The listing as a whole,
 * bound by CPU, moved within its noise (tests/bench/HISTORY.md, ninth session). */
static void
peek_device_page (GBytes   *body,
                  gpointer  parse_data)
{
  PageJob *job = parse_data;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  char *link;

  if (g_cancellable_is_cancelled (job->cancellable))
    return;
  link = lk_page_reader_find_next_link_quickly (data, len);
  if (link != NULL)
    {
      job->link_said = TRUE;
      post_early_link (job, link);
    }
}

/* The ids of every device a page brought, matching the query or not, in their order: FNV-1a
 * over each id and its NUL. Made where the devices were just read. */
static guint64
page_print (GPtrArray *devices)
{
  guint64 print = 14695981039346656037ull;

  for (guint i = 0; i < devices->len; i++)
    for (const char *p = lk_device_get_id (g_ptr_array_index (devices, i)); ; p++)
      {
        print = (print ^ (guchar) *p) * 1099511628211ull;
        if (*p == '\0')
          break;
      }
  return print;
}

static gpointer
parse_device_page (GBytes   *body,
                   gpointer  parse_data,
                   GError  **error)
{
  PageJob *job = parse_data;
  LkPageContents parsed = { 0 };
  g_autoptr(Page) page = NULL;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);

  /* A new search cancels the one before, whose pages may still be waiting for a worker. */
  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    return NULL;
  /* Not found at a glance (peek_device_page()): looked for before the ~2-5 ms of reading
   * the devices. */
  if (!job->link_said)
    {
      char *link = lk_page_reader_find_next_link (data, len);

      if (link != NULL)
        post_early_link (job, link);
    }

  /* What the page's devices will take, made present on another thread ahead of this reader
   * (it asks for the next page's share too): about its text for the members Latchkey
   * $selects (~0.7 kB a device on the wire, ~0.4 kB held), never more than a full page's
   * devices hold, so a page of whole ~4 kB devices (a server ignoring $select) does not
   * prefault 4 MB for 0.5 MB of devices. */
  lk_memory_prefault (MIN (len, (gsize) MAX_PAGE_DEVICES * HELD_BYTES_PER_DEVICE));
  /* Streamed straight into devices: no JSON tree for the 1000 devices of a page. */
  if (!lk_page_reader_parse (data, len, &parsed, error))
    return NULL;

  page = g_new0 (Page, 1);
  page->n_received = parsed.n_items;
  page->n_skipped = parsed.n_skipped;
  if (job->want_print)
    page->print = page_print (parsed.devices);
  page->next_link = g_steal_pointer (&parsed.next_link);
  page->count = parsed.count;
  /* No text matches every device: the page's devices are all kept, as they are. */
  if (lk_device_query_get_kind (job->query) == LK_QUERY_KIND_ALL)
    page->devices = g_steal_pointer (&parsed.devices);
  else
    {
      page->devices = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < parsed.devices->len; i++)
        {
          LkDevice *device = g_ptr_array_index (parsed.devices, i);

          if (lk_device_query_score (job->query, device) > 0)
            g_ptr_array_add (page->devices, g_object_ref (device));
        }
    }
  lk_page_contents_clear (&parsed);
  page->ranking = lk_device_query_rank (job->query, page->devices);
  /* The duplicate check runs on the listing's thread, where these devices are not in the
   * cache: their ids are hashed here, where they were just written. */
  page->id_hashes = g_new (guint32, MAX (page->devices->len, 1));
  for (guint i = 0; i < page->devices->len; i++)
    page->id_hashes[i] = lk_id_set_hash (lk_device_get_id (g_ptr_array_index (page->devices, i)));
  return g_steal_pointer (&page);
}

/* --- listing --------------------------------------------------------------------------------- */

/* A chain of nextLinks that are all different passes the loop check, and each page is bounded
 * on its own (idle timeout, budget), but the listing would go on for ever. A page that brings
 * no device the listing has not already got is allowed (Graph may send a short or even empty
 * page with a nextLink, and its paging guide says to follow nextLink until none is left), but
 * this many of them in a row is no listing: eight, a margin over the odd empty page while a
 * hostile chain costs at most a few seconds of requests. */
#define MAX_BARREN_PAGES 8

typedef struct
{
  Page   *page;
  GError *error;
} Arrival;

static void
arrival_free (Arrival *arrival)
{
  g_clear_pointer (&arrival->page, page_free);
  g_clear_error (&arrival->error);
  g_free (arrival);
}

typedef struct
{
  LkDeviceQuery    *query;
  LkDevicePageFunc  page_func;
  gpointer          page_data;
  GDestroyNotify    page_data_destroy;
  guint             plan;         /* index into the query's filters */
  gboolean          stream_only;  /* pages go to page_func and are dropped; seen owns its ids */
  GPtrArray        *devices;      /* every match so far */
  LkRunMerger      *merger;       /* each page's ranking, for the final one (one plan only) */
  GHashTable       *seen;         /* stream-only: the ids it owns, when several plans */
  LkIdSet          *ids;          /* otherwise: the ids of devices, by index into devices */
  gboolean          duplicates;   /* a device came twice: the rankings no longer fit, sort */
  GHashTable       *links;        /* every URL requested in this plan: a repeat is a loop */
  guint             n_barren;     /* pages in a row that brought no new device, in this plan */
  GHashTable       *page_prints;  /* this plan's pages, each its ids hashed (page_is_new) */
  guint             total;
  gint64            expected;

  /* Pages are numbered across plans in the order they are requested and handed over in that
   * order, whatever order they are read in. */
  GCancellable     *cancellable;  /* the caller's, and ours to stop pages requested ahead */
  GCancellable     *caller_cancellable;
  gulong            cancel_id;
  guint             n_requested;
  guint             n_delivered;
  GHashTable       *arrived;      /* sequence → Arrival, read but not handed over yet */
  GHashTable       *followed;     /* sequence → the nextLink requested after that page */
  char             *held_link;    /* known, waiting for room (ahead) */
  guint             ahead;        /* pages requested and not handed over, at most */

  /* Threading: every field is the listing's thread's alone (its context, where it started),
   * with one handover. `done` is set there when the listing's outcome is decided: after an
   * error or a cancellation nothing more is read, and for the final sort the listing is lent
   * whole to a worker (sort_in_thread) until sorted_cb. From `done` on, late pages
   * (listing_page_cb) and early nextLinks (early_link_cb) are dropped without touching any
   * other field. A page's parser, in a worker, sees only its PageJob. */
  GMainContext     *context;
  gboolean          done;
} Listing;

#define assert_on_listing_thread(listing) g_assert (g_main_context_is_owner ((listing)->context))

static void
listing_free (Listing *listing)
{
  if (listing->page_data_destroy != NULL)
    listing->page_data_destroy (listing->page_data);
  if (listing->cancel_id != 0)
    g_cancellable_disconnect (listing->caller_cancellable, listing->cancel_id);
  g_clear_object (&listing->caller_cancellable);
  g_clear_object (&listing->cancellable);
  g_clear_pointer (&listing->arrived, g_hash_table_unref);
  g_clear_pointer (&listing->followed, g_hash_table_unref);
  g_free (listing->held_link);
  g_clear_pointer (&listing->seen, g_hash_table_unref);
  g_clear_pointer (&listing->ids, lk_id_set_free);
  g_clear_pointer (&listing->links, g_hash_table_unref);
  g_clear_pointer (&listing->page_prints, g_hash_table_unref);
  /* Its thread may still be comparing the devices' names: they go with it. */
  if (listing->merger != NULL)
    lk_run_merger_abandon (g_steal_pointer (&listing->merger), g_steal_pointer (&listing->devices));
  g_clear_pointer (&listing->devices, g_ptr_array_unref);
  g_clear_object (&listing->query);
  g_main_context_unref (listing->context);
  g_free (listing);
}

static void
listing_return_error (GTask  *task,
                      GError *error)
{
  Listing *listing = g_task_get_task_data (task);

  listing->done = TRUE;
  /* Pages requested ahead are not wanted any more. */
  g_cancellable_cancel (listing->cancellable);
  g_task_return_error (task, error);
}

static void
sort_in_thread (GTask        *sort_task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Listing *listing = task_data;
  /* Only one plan makes a merger, with the first page that has devices: none, and there is
   * nothing to merge (no devices, or several plans, or a duplicate before any ranking). */
  g_autoptr(GPtrArray) runs = listing->merger != NULL ? lk_run_merger_finish (g_steal_pointer (&listing->merger))
                                                      : NULL;

  if (runs != NULL && !listing->duplicates)
    lk_device_query_merge (listing->query, runs, listing->devices);
  else
    lk_device_query_sort (listing->query, listing->devices);
  g_task_return_boolean (sort_task, TRUE);
}

static void
sorted_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Listing *listing = g_task_get_task_data (task);

  assert_on_listing_thread (listing);
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, g_ptr_array_ref (listing->devices),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void request_page (GTask *task, const char *url);

static void
listing_next_plan (GTask *task)
{
  LkGraphClient *self = g_task_get_source_object (task);
  Listing *listing = g_task_get_task_data (task);
  GPtrArray *filters = lk_device_query_get_filters (listing->query);
  g_autofree char *url = NULL;

  if (listing->plan > 0 && listing->plan >= filters->len)
    {
      /* Ranking 100 000 devices takes tens of milliseconds: not on the main loop, and with
       * one plan as a merge of the pages, which were ranked as they were read. */
      /* No source object: the worker may drop the last reference (see ParseWork). */
      g_autoptr(GTask) sort_task = g_task_new (NULL, g_task_get_cancellable (task), sorted_cb,
                                               g_object_ref (task));

      listing->done = TRUE;
      g_task_set_source_tag (sort_task, listing_next_plan);
      g_task_set_task_data (sort_task, listing, NULL);
      g_task_run_in_thread (sort_task, sort_in_thread);
      return;
    }

  url = lk_graph_client_list_url (self, filters->len > 0 ? g_ptr_array_index (filters, listing->plan) : NULL);
  listing->plan++;
  listing->n_barren = 0;
  g_hash_table_remove_all (listing->page_prints);
  /* A loop is a plan linking back into itself. Another plan may follow the same links (Graph
   * ignoring its filter pages through the same unfiltered list): each plan's chain ends. */
  g_hash_table_remove_all (listing->links);
  request_page (task, url);
}

/* The page after page @sequence is at @url: requested now, or as soon as there is room.
 * FALSE: the listing ended with an error. */
static gboolean
follow_link (GTask      *task,
             guint       sequence,
             const char *url)
{
  Listing *listing = g_task_get_task_data (task);

  if (g_hash_table_contains (listing->followed, GUINT_TO_POINTER (sequence)))
    return TRUE;
  g_hash_table_insert (listing->followed, GUINT_TO_POINTER (sequence), g_strdup (url));
  /* A page linking back to one already read (or to itself) would be fetched forever. */
  if (g_hash_table_contains (listing->links, url))
    {
      g_autofree char *message = g_strdup_printf (_("Microsoft Graph linked page %u back to a page already read in this listing, so the listing was stopped."),
                                                  sequence + 1);

      listing_return_error (task, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INVALID_RESPONSE,
                                                                   message, 200, NULL, NULL, NULL));
      return FALSE;
    }
  if (listing->n_requested - listing->n_delivered >= listing->ahead)
    {
      g_free (listing->held_link);
      listing->held_link = g_strdup (url);
      return TRUE;
    }
  request_page (task, url);
  return TRUE;
}

static gboolean
early_link_cb (gpointer user_data)
{
  EarlyLink *early = user_data;
  Listing *listing = g_task_get_task_data (early->listing);

  assert_on_listing_thread (listing);
  if (!listing->done && !g_cancellable_is_cancelled (listing->cancellable))
    (void) follow_link (early->listing, early->sequence, early->url);
  return G_SOURCE_REMOVE;
}

static void
note_barren (Listing  *listing,
             gboolean  barren)
{
  listing->n_barren = barren ? listing->n_barren + 1 : 0;
}

/* The devices @page brought, matching the query or not. */
static guint
page_devices_read (Page *page)
{
  return page->n_received - page->n_skipped;
}

/* Whether @page may bring something new: it brought devices, and not the same ones in the same
 * order as an earlier page of this plan. Judged on every device the page brought, not only
 * those matching the query: Graph silently ignores a filter it does not support and sends
 * every device, and a search's pages are then mostly devices the client-side re-check drops,
 * which is no loop. A hash of the ids (eight bytes a page, made by the page's reader) rather
 * than the ids, because a stream-only listing of one plan keeps none (its memory stays flat
 * at any tenant size) and this is all it can tell. Several plans legitimately list the same
 * devices, so the hashes start again with each plan. */
static gboolean
page_is_new (Listing *listing,
             Page    *page)
{
  guint64 *key;

  if (page_devices_read (page) == 0)
    return FALSE;
  if (g_hash_table_contains (listing->page_prints, &page->print))
    return FALSE;
  key = g_new (guint64, 1);
  *key = page->print;
  g_hash_table_add (listing->page_prints, key);
  return TRUE;
}

/* Whether the listing tells its new pages by their ids (page_is_new()): a listing of every
 * device with one plan keeps every id, and a page whose devices it already has is a repeat. */
static gboolean
wants_page_prints (Listing *listing)
{
  return listing->stream_only || lk_device_query_get_filters (listing->query)->len > 1
         || lk_device_query_get_kind (listing->query) != LK_QUERY_KIND_ALL;
}

/* A stream-only listing's page: handed over and dropped. One plan reads each device once
 * (a service repeating one is passed on as sent: remembering every id would make memory grow
 * with the tenant); several plans find the same devices, so their ids are kept. */
static void
deliver_page_streamed (Listing  *listing,
                       Page     *page,
                       guint     n_plans,
                       gboolean  is_new)
{
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_full (page->devices->len, g_object_unref);

  for (guint i = 0; i < page->devices->len; i++)
    {
      LkDevice *device = g_ptr_array_index (page->devices, i);
      const char *id = lk_device_get_id (device);

      if (n_plans > 1 && g_hash_table_contains (listing->seen, id))
        {
          g_object_unref (device);
          continue;
        }
      if (n_plans > 1)
        g_hash_table_add (listing->seen, g_strdup (id));
      g_ptr_array_add (fresh, device);
    }
  g_clear_pointer (&page->ranking, lk_device_ranking_free);
  note_barren (listing, !is_new);
  listing->total += page->n_received;
  if (page->count >= 0 && listing->plan == 1)
    listing->expected = page->count;
  if (listing->page_func != NULL)
    listing->page_func (fresh, listing->total, listing->expected, listing->page_data);
}

/* The devices delivered so far, then the page's fresh ones: the ids LkIdSet indexes. */
typedef struct
{
  GPtrArray *devices;
  GPtrArray *fresh;
} Delivered;

static const char *
delivered_id (guint    index,
              gpointer user_data)
{
  Delivered *delivered = user_data;
  GPtrArray *in = index < delivered->devices->len ? delivered->devices : delivered->fresh;

  if (in == delivered->fresh)
    index -= delivered->devices->len;
  return lk_device_get_id (g_ptr_array_index (in, index));
}

/* Pages' rankings merged sixteen at a time while the listing goes on: the final merge of a
 * million devices has 63 runs, not 1000. */
#define RUN_GROUP 16

/* How many adds ahead the duplicate check asks for the slots it will read: each add is a
 * cache miss at random in a table of up to 16 MB, on the listing's thread. */
#define ID_PREFETCH_AHEAD 8

static void
deliver_page (GTask *task,
              Page  *page)
{
  Listing *listing = g_task_get_task_data (task);
  GPtrArray *filters = lk_device_query_get_filters (listing->query);
  g_autoptr(GPtrArray) fresh = NULL;
  gboolean is_new = wants_page_prints (listing) ? page_is_new (listing, page) : page_devices_read (page) > 0;

  /* The page's references move to the listing; the caller borrows them. */
  g_ptr_array_set_free_func (page->devices, NULL);
  if (listing->stream_only)
    {
      deliver_page_streamed (listing, page, filters->len, is_new);
      return;
    }
  /* Several plans may find the same device, and a page may repeat one of an earlier page (a
   * service that reorders while paging, or a hostile one): report each once. */
  fresh = g_ptr_array_sized_new (page->devices->len);
  for (guint i = 0; i < page->devices->len; i++)
    {
      LkDevice *device = g_ptr_array_index (page->devices, i);
      Delivered delivered = { listing->devices, fresh };

      if (i + ID_PREFETCH_AHEAD < page->devices->len)
        lk_id_set_prefetch (listing->ids, page->id_hashes[i + ID_PREFETCH_AHEAD]);
      /* In place first, so the set can ask for its id (only where a hash is equal). */
      g_ptr_array_add (fresh, device);
      if (!lk_id_set_add_hashed (listing->ids, page->id_hashes[i], listing->devices->len + fresh->len - 1,
                                 delivered_id, &delivered))
        {
          g_ptr_array_set_size (fresh, fresh->len - 1);
          /* The page's ranking borrows the device dropped here: rankings are no use now (the
           * merger's runs, without this page's, are let go when the listing sorts). */
          listing->duplicates = TRUE;
          g_clear_pointer (&page->ranking, lk_device_ranking_free);
          g_object_unref (device);
        }
    }
  if (filters->len <= 1 && page->ranking != NULL && !listing->duplicates)
    {
      if (listing->merger == NULL)
        listing->merger = lk_run_merger_new (RUN_GROUP);
      lk_run_merger_add (listing->merger, g_steal_pointer (&page->ranking));
    }
  /* One plan: a page whose matches were all listed already is a repeat however it is cut (a
   * page with no match is not: its devices were not kept). Several plans find the same
   * devices by design, so there only an empty or repeated page counts. */
  note_barren (listing, !is_new || (filters->len <= 1 && page->devices->len > 0 && fresh->len == 0));
  if (fresh->len > 0)
    g_ptr_array_extend (listing->devices, fresh, NULL, NULL);
  /* Several plans are several listings of overlapping devices: their counts do not add up to
   * anything the admin will see, so the count is of the distinct matches, with no total. */
  if (filters->len <= 1)
    listing->total += page->n_received;
  else
    listing->total = listing->devices->len;
  if (page->count >= 0 && filters->len <= 1)
    {
      if (listing->expected < 0)
        listing->devices = lk_memory_reserve_pointers (listing->devices, page->count, g_object_unref);
      listing->expected = page->count;
    }
  if (listing->expected >= 0 && listing->total > listing->expected)
    listing->expected = -1;
  if (page->n_skipped > 0)
    g_debug ("Graph: skipped %u list items that were not devices", page->n_skipped);

  if (listing->page_func != NULL)
    listing->page_func (fresh, listing->total, listing->expected, listing->page_data);
}

static GError *
barren_error (void)
{
  g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                           "Microsoft Graph sent %u page in a row without a new device, each linking to yet another page, so the listing was stopped.",
                                                           "Microsoft Graph sent %u pages in a row without a new device, each linking to yet another page, so the listing was stopped.",
                                                           MAX_BARREN_PAGES),
                                              MAX_BARREN_PAGES);

  return lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INVALID_RESPONSE, message, 200, NULL, NULL, NULL);
}

/* Hands over the pages that are next in order; returns FALSE once the listing has ended. */
static gboolean
deliver_arrived (GTask *task)
{
  Listing *listing = g_task_get_task_data (task);
  gpointer key = GUINT_TO_POINTER (listing->n_delivered);
  Arrival *arrival = NULL;
  const char *early;

  while (g_hash_table_steal_extended (listing->arrived, key, NULL, (gpointer *) &arrival))
    {
      g_autoptr(GError) error = g_steal_pointer (&arrival->error);
      g_autoptr(Page) page = g_steal_pointer (&arrival->page);

      arrival_free (arrival);
      if (g_task_return_error_if_cancelled (task))
        {
          listing->done = TRUE;
          return FALSE;
        }
      if (page == NULL && error == NULL)
        error = lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INVALID_RESPONSE, NULL, 204,
                                                 NULL, NULL, NULL);
      if (error != NULL)
        {
          listing_return_error (task, g_steal_pointer (&error));
          return FALSE;
        }

      deliver_page (task, page);
      early = g_hash_table_lookup (listing->followed, key);
      listing->n_delivered++;
      if (listing->n_barren >= MAX_BARREN_PAGES && page->next_link != NULL)
        {
          listing_return_error (task, barren_error ());
          return FALSE;
        }
      if (early != NULL && g_strcmp0 (early, page->next_link) != 0)
        {
          /* The link found early and the full reader's are the same on any page naming one;
           * a page naming two different ones is not Graph's, and which it meant cannot be told. */
          listing_return_error (task, lk_graph_error_new_literal_full (LK_GRAPH_ERROR_INVALID_RESPONSE,
                                                                       NULL, 200, NULL, NULL, NULL));
          return FALSE;
        }
      if (page->next_link == NULL)
        {
          listing_next_plan (task);
          return FALSE;
        }
      if (!follow_link (task, GPOINTER_TO_UINT (key), page->next_link))
        return FALSE;
      if (listing->held_link != NULL && listing->n_requested - listing->n_delivered < listing->ahead)
        {
          g_autofree char *held = g_steal_pointer (&listing->held_link);

          request_page (task, held);
        }
      key = GUINT_TO_POINTER (listing->n_delivered);
    }
  return TRUE;
}

typedef struct
{
  GTask *task;
  guint  sequence;
} Fetch;

static void
listing_page_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GTask) task = fetch->task;
  Listing *listing = g_task_get_task_data (task);
  Arrival *arrival = g_new0 (Arrival, 1);
  guint sequence = fetch->sequence;

  g_free (fetch);
  assert_on_listing_thread (listing);
  arrival->page = lk_graph_send_finish (LK_GRAPH_CLIENT (source), result, &arrival->error);
  if (listing->done)
    {
      arrival_free (arrival);
      return;
    }
  g_hash_table_insert (listing->arrived, GUINT_TO_POINTER (sequence), arrival);
  deliver_arrived (task);
}

static void
request_page (GTask      *task,
              const char *url)
{
  LkGraphClient *self = g_task_get_source_object (task);
  Listing *listing = g_task_get_task_data (task);
  Fetch *fetch = g_new0 (Fetch, 1);
  PageJob *job = g_new0 (PageJob, 1);

  g_hash_table_add (listing->links, g_strdup (url));
  fetch->task = g_object_ref (task);
  fetch->sequence = listing->n_requested++;
  job->query = g_object_ref (listing->query);
  job->context = g_main_context_ref_thread_default ();
  job->listing = g_object_ref (task);
  job->cancellable = g_object_ref (listing->cancellable);
  job->sequence = fetch->sequence;
  job->want_print = wants_page_prints (listing);
  /* The nextLink is followed whole, and checked like any URL before a token goes with it. */
  lk_graph_send_async (self, &(LkGraphCall) { .method = "GET", .url = url, .parse = parse_device_page,
                                              .peek = peek_device_page, .parse_data = job,
                                              .parse_data_free = (GDestroyNotify) page_job_free,
                                              .result_free = (GDestroyNotify) page_free },
                       listing->cancellable, listing_page_cb, fetch);
}

void
lk_graph_client_list_devices_async (LkGraphClient       *self,
                                    LkDeviceQuery       *query,
                                    LkDevicePageFunc     page_func,
                                    gpointer             page_data,
                                    GDestroyNotify       page_data_destroy,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Listing *listing;

  g_return_if_fail (LK_IS_GRAPH_CLIENT (self));
  g_return_if_fail (LK_IS_DEVICE_QUERY (query));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lk_graph_client_list_devices_async);
  listing = g_new0 (Listing, 1);
  listing->query = g_object_ref (query);
  listing->page_func = page_func;
  listing->page_data = page_data;
  listing->page_data_destroy = page_data_destroy;
  listing->devices = g_ptr_array_new_with_free_func (g_object_unref);
  listing->stream_only = self->stream_only;
  listing->ahead = self->pages_ahead;
  if (listing->stream_only)
    listing->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  else
    listing->ids = lk_id_set_new ();
  listing->links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  listing->page_prints = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  listing->expected = -1;
  listing->context = g_main_context_ref_thread_default ();
  listing->arrived = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) arrival_free);
  listing->followed = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  listing->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      listing->caller_cancellable = g_object_ref (cancellable);
      listing->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (lk_graph_forward_cancel_cb),
                                                  g_object_ref (listing->cancellable), g_object_unref);
    }
  g_task_set_task_data (task, listing, (GDestroyNotify) listing_free);

  listing_next_plan (task);
}

GPtrArray *
lk_graph_client_list_devices_finish (LkGraphClient  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
