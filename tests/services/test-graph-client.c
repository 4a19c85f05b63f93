/* test-graph-client.c: the Graph send path against the sandbox, over real loopback HTTP: the
 * listing, actions, the shared throttle and rate limiter, and the pure request policy.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "graph-client-fixture.h"
#include "lk-graph-client-private.h"
#include "lk-request-policy.h"

/* --- listing --------------------------------------------------------------------------------- */

static void
test_paging (Fixture       *fixture,
             gconstpointer  data)
{
  Pages pages = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = list (fixture, "", &pages, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (devices->len, ==, 2500);
  g_assert_cmpuint (pages.n_pages, ==, 3);
  g_assert_cmpuint (pages.n_devices, ==, 2500);
  g_assert_cmpuint (pages.last_total, ==, 2500);
  g_assert_cmpint (pages.expected, ==, 2500);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "managedDevices"), ==, 3);
  /* The nextLink is followed whole: the sandbox's opaque skiptoken, never a rebuilt $skip. */
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "skiptoken"), ==, 2);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "$skip="), ==, 0);
}

/* Graph writes @odata.nextLink after "value"; a page that writes it first must list the same
 * devices in the same order, and the link must still be followed whole. */
static void
test_paging_next_link_first (Fixture       *fixture,
                             gconstpointer  data)
{
  Pages pages = { 0 }, pages_first = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) after = list (fixture, "", &pages, &error);
  g_autoptr(GPtrArray) first = NULL;

  g_assert_no_error (error);
  lk_sandbox_set_next_link_first (fixture->sandbox, TRUE);
  first = list (fixture, "", &pages_first, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 2500);
  g_assert_cmpuint (first->len, ==, after->len);
  g_assert_cmpuint (pages_first.n_pages, ==, 3);
  for (guint i = 0; i < after->len; i++)
    g_assert_cmpstr (lk_device_get_id (g_ptr_array_index (first, i)), ==,
                     lk_device_get_id (g_ptr_array_index (after, i)));
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "skiptoken"), ==, 4);
}

/* However many pages a listing may ask for ahead (lk_graph_client_set_pages_ahead()), each
 * page is asked for once and handed over in Graph's order: the same devices, the same order,
 * the same page calls as with the default. 100-device pages, so there are 25 of them. */
static void
test_paging_pages_ahead (Fixture       *fixture,
                         gconstpointer  data)
{
  static const guint aheads[] = { 1, 4, 8, 100 };
  Pages pages = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) reference = NULL;

  lk_graph_client_set_page_size (fixture->client, 100);
  reference = list (fixture, "", &pages, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reference->len, ==, 2500);
  g_assert_cmpuint (pages.n_pages, ==, 25);
  /* The pages' rankings, merged (sixteen of them while the listing went on) and then all: the
   * order a sort of the same devices gives. */
  {
    g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
    g_autoptr(LkDeviceQuery) query = lk_device_query_new ("");

    g_ptr_array_extend (sorted, reference, NULL, NULL);
    lk_device_query_sort (query, sorted);
    for (guint i = 0; i < sorted->len; i++)
      g_assert_true (g_ptr_array_index (sorted, i) == g_ptr_array_index (reference, i));
  }
  for (guint a = 0; a < G_N_ELEMENTS (aheads); a++)
    {
      Pages ahead_pages = { 0 };
      g_autoptr(GPtrArray) devices = NULL;

      lk_sandbox_reset_log (fixture->sandbox);
      lk_graph_client_set_pages_ahead (fixture->client, aheads[a]);
      devices = list (fixture, "", &ahead_pages, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (ahead_pages.n_pages, ==, 25);
      g_assert_cmpuint (ahead_pages.n_devices, ==, 2500);
      g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "managedDevices"), ==, 25);
      g_assert_cmpuint (devices->len, ==, reference->len);
      for (guint i = 0; i < devices->len; i++)
        g_assert_cmpstr (lk_device_get_id (g_ptr_array_index (devices, i)), ==,
                         lk_device_get_id (g_ptr_array_index (reference, i)));
    }
}

/* How many large bodies are being read at once, and the most there ever were. */
typedef struct
{
  gint running;
  gint most;
} Readers;

static gpointer
slow_parse (GBytes   *body,
            gpointer  parse_data,
            GError  **error)
{
  Readers *readers = parse_data;
  gint now = g_atomic_int_add (&readers->running, 1) + 1;
  gint most;

  do
    most = g_atomic_int_get (&readers->most);
  while (now > most && !g_atomic_int_compare_and_exchange (&readers->most, most, now));
  g_usleep (40 * G_TIME_SPAN_MILLISECOND);
  g_atomic_int_add (&readers->running, -1);
  return GUINT_TO_POINTER (g_bytes_get_size (body));
}

/* Large bodies are read on one thread fewer than the cores (at least one), however many wait:
 * the thread that receives them keeps a core. Six pages of 1000 devices asked for at once,
 * each read slowly, so that all of them wait together. */
static void
test_readers_leave_a_core (Fixture       *fixture,
                           gconstpointer  data)
{
  Readers readers = { 0 };
  GAsyncResult *results[6] = { NULL };
  g_autofree char *url = lk_graph_client_list_url (fixture->client, NULL);
  gint limit = MAX ((gint) g_get_num_processors () - 1, 1);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    lk_graph_send_async (fixture->client, &(LkGraphCall) { .method = "GET", .url = url, .parse = slow_parse,
                                                          .parse_data = &readers },
                         NULL, store_result_cb, &results[i]);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(GError) error = NULL;
      gpointer size = lk_graph_send_finish (fixture->client, wait_for_result (&results[i]), &error);

      g_assert_no_error (error);
      /* Read in a thread: larger than lk-graph-request.c's THREAD_PARSE_MIN. */
      g_assert_cmpuint (GPOINTER_TO_UINT (size), >, 32 * 1024);
      g_clear_object (&results[i]);
    }
  g_assert_cmpint (readers.most, >=, 1);
  g_assert_cmpint (readers.most, <=, limit);
}

static void
test_headers (Fixture       *fixture,
              gconstpointer  data)
{
  Pages pages = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = list (fixture, "", &pages, &error);
  g_autofree char *request_id = lk_sandbox_get_last_header (fixture->sandbox, "managedDevices", "client-request-id");
  g_autofree char *user_agent = lk_sandbox_get_last_header (fixture->sandbox, "managedDevices", "User-Agent");

  g_assert_no_error (error);
  g_assert_nonnull (request_id);
  g_assert_true (g_uuid_string_is_valid (request_id));
  g_assert_nonnull (user_agent);
  g_assert_true (g_str_has_prefix (user_agent, "Latchkey/"));
}

static void
test_search_apostrophe (Fixture       *fixture,
                        gconstpointer  data)
{
  Pages pages = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = list (fixture, "O'Brien", &pages, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (devices->len, >=, 1);
  for (guint i = 0; i < devices->len; i++)
    {
      LkDevice *device = g_ptr_array_index (devices, i);
      g_autofree char *haystack = g_strjoin (" ", lk_device_get_device_name (device),
                                             lk_device_get_user_display_name (device),
                                             lk_device_get_user_principal_name (device),
                                             lk_device_get_email_address (device), NULL);
      g_autofree char *folded = g_utf8_casefold (haystack, -1);

      g_assert_nonnull (strstr (folded, "o'brien"));
    }
  /* The literal was escaped as O''Brien (URL-encoded: %27%27). */
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", "%27O%27%27Brien%27"), >=, 1);
}

static void
test_unsupported_filter_rechecked (Fixture       *fixture,
                                   gconstpointer  data)
{
  Pages pages = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = list (fixture, "", &pages, &error);
  g_autoptr(GPtrArray) some = NULL;

  /* A serial-number query the sandbox may answer with every device (ignored filter): the
   * client-side re-check must still leave only devices that match. */
  g_assert_no_error (error);
  memset (&pages, 0, sizeof pages);
  some = list (fixture, "zzzz-no-such-device-zzzz", &pages, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (some->len, ==, 0);
  g_assert_cmpuint (all->len, >, 30);
}

/* Runs the main context for @ms, stray sources and all. */
static void
iterate_for (gint64 ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
test_cancel_mid_paging (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Pages pages = { .cancel_after_first = cancellable };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = list (fixture, "", &pages, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (devices);
  g_assert_cmpuint (pages.n_pages, ==, 1);
  /* No late callback: let every stray source run for a while, then check again. */
  iterate_for (300);
  g_assert_cmpuint (pages.n_pages, ==, 1);
}

/* A listing cancelled while the run merger's thread has a group of its pages in hand: the
 * thread is held inside the merge by a test hook until the listing has gone, then let go. */
typedef struct
{
  GMutex   lock;
  GCond    cond;
  gint     entered;    /* set under the lock, read without it */
  gboolean released;
  gint     gone;       /* devices finalized (on the merger's thread) */
  guint    watched;
  GAsyncResult **result;  /* the listing's answer, once it came */
} Held;

static Held *held_now;

static void
hold_first_claim (void)
{
  Held *held = held_now;
  gint64 end = lk_test_deadline ();

  g_mutex_lock (&held->lock);
  if (!held->entered)
    {
      g_atomic_int_set (&held->entered, TRUE);
      while (!held->released && g_cond_wait_until (&held->cond, &held->lock, end))
        ;
    }
  g_mutex_unlock (&held->lock);
}

static gboolean
entered_or_answered (gpointer data)
{
  Held *held = data;

  return g_atomic_int_get (&held->entered) || *held->result != NULL;
}

static gboolean
all_gone (gpointer data)
{
  Held *held = data;

  return (guint) g_atomic_int_get (&held->gone) >= held->watched;
}

static void
device_gone (gpointer  data,
             GObject  *where)
{
  g_atomic_int_inc (&((Held *) data)->gone);
}

static void
watch_page_cb (GPtrArray *devices,
               guint      total,
               gint64     expected,
               gpointer   user_data)
{
  Held *held = user_data;

  for (guint i = 0; i < devices->len; i++)
    g_object_weak_ref (g_ptr_array_index (devices, i), device_gone, held);
  held->watched += devices->len;
}

/* The devices the thread compares must outlive the listing until it ends (AddressSanitizer
 * and valgrind would see a name read after its device went); then they go with it. */
static void
test_cancel_with_merger_at_work (Fixture       *fixture,
                                 gconstpointer  data)
{
  Held held = { 0 };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;

  held.result = &result;
  g_mutex_init (&held.lock);
  g_cond_init (&held.cond);
  held_now = &held;
  lk_run_merger_set_claim_hook (hold_first_claim);
  /* Twenty-five pages, slow enough that the last nine are still coming (for 0.18 s at least)
   * when the thread, sixteen pages in, takes its first group. */
  lk_graph_client_set_page_size (fixture->client, 100);
  lk_sandbox_set_latency (fixture->sandbox, 40, 40);
  lk_graph_client_list_devices_async (fixture->client, query, watch_page_cb, &held, NULL,
                                      cancellable, store_result_cb, &result);
  g_assert_true (lk_test_wait_until (entered_or_answered, &held));
  g_assert_true (g_atomic_int_get (&held.entered));
  g_assert_null (result);
  g_cancellable_cancel (cancellable);
  devices = lk_graph_client_list_devices_finish (fixture->client, wait_for_result (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (devices);
  /* The listing goes with its task; its stray sources run out. */
  g_clear_object (&result);
  iterate_for (200);
  g_assert_cmpuint (held.watched, >=, 1600);
  g_assert_cmpint (g_atomic_int_get (&held.gone), ==, 0);

  g_mutex_lock (&held.lock);
  held.released = TRUE;
  g_cond_broadcast (&held.cond);
  g_mutex_unlock (&held.lock);
  g_assert_true (lk_test_wait_until (all_gone, &held));
  g_assert_cmpuint ((guint) g_atomic_int_get (&held.gone), ==, held.watched);
  lk_run_merger_set_claim_hook (NULL);
  held_now = NULL;
  g_cond_clear (&held.cond);
  g_mutex_clear (&held.lock);
}

/* --- actions --------------------------------------------------------------------------------- */

static gboolean
post (Fixture      *fixture,
      const char   *id,
      GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  lk_graph_client_post_action_async (fixture->client, id, LK_DEVICE_ACTION_RESET_PASSCODE, NULL,
                                     store_result_cb, &result);
  return lk_graph_client_post_action_finish (fixture->client, wait_for_result (&result), error);
}

static void
test_post_dropped_not_resent (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *id = first_device_id (fixture);
  LkFault fault = { .kind = LK_FAULT_DROP, .method = "POST", .path_contains = id };
  g_autoptr(GError) error = NULL;

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  g_assert_false (post (fixture, id, &error));
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_OUTCOME_UNKNOWN);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 1);
}

static void
test_post_timeout_not_resent (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *id = first_device_id (fixture);
  LkFault fault = { .kind = LK_FAULT_DELAY, .method = "POST", .path_contains = id, .delay_ms = 3000 };
  g_autoptr(GError) error = NULL;

  lk_graph_client_set_timeout (fixture->client, 1);
  lk_sandbox_add_fault (fixture->sandbox, &fault);
  g_assert_false (post (fixture, id, &error));
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_OUTCOME_UNKNOWN);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 1);
}

static void
test_post_429_retried (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *id = first_device_id (fixture);
  LkFault fault = { .kind = LK_FAULT_STATUS, .method = "POST", .path_contains = id,
                    .status = 429, .retry_after = "0.1" };
  g_autoptr(GError) error = NULL;

  /* A 429 means Intune did not take the request: sending it again is safe. */
  lk_sandbox_add_fault (fixture->sandbox, &fault);
  g_assert_true (post (fixture, id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 2);
}

static LkDevice *
find_device (Fixture    *fixture,
             const char *enrollment_type)
{
  Pages pages = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = list (fixture, "", &pages, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < devices->len; i++)
    {
      LkDevice *device = g_ptr_array_index (devices, i);

      if (g_strcmp0 (lk_device_get_enrollment_type (device), enrollment_type) == 0)
        return g_object_ref (device);
    }
  g_assert_not_reached ();
  return NULL;
}

static void
test_reset_and_track (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(LkDevice) device = find_device (fixture, "androidEnterpriseDedicatedDevice");
  const char *id = lk_device_get_id (device);
  g_autoptr(GError) error = NULL;
  LkActionState state = LK_ACTION_STATE_UNKNOWN;
  gboolean saw_pending = FALSE;
  g_autofree char *passcode = NULL;

  lk_sandbox_set_action_timing (fixture->sandbox, 300, 300);
  g_assert_true (post (fixture, id, &error));
  g_assert_no_error (error);

  for (guint round = 0; round < 100 && !lk_action_state_is_final (state); round++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) results = NULL;
      LkActionResult *reset;

      lk_graph_client_get_action_results_async (fixture->client, id, NULL, store_result_cb, &result);
      results = lk_graph_client_get_action_results_finish (fixture->client, wait_for_result (&result), &error);
      g_assert_no_error (error);
      reset = lk_action_results_find_reset_passcode (results);
      g_assert_nonnull (reset);
      state = lk_action_result_get_state (reset);
      saw_pending |= state == LK_ACTION_STATE_PENDING;
      if (state == LK_ACTION_STATE_DONE)
        passcode = g_strdup (lk_action_result_get_passcode (reset));
      else
        g_usleep (50 * 1000);
    }
  g_assert_true (saw_pending);
  g_assert_cmpint (state, ==, LK_ACTION_STATE_DONE);
  g_assert_nonnull (passcode);
  g_assert_cmpuint (strlen (passcode), >=, 4);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "POST", "resetPasscode"), ==, 1);
}

/* --- shared throttle ------------------------------------------------------------------------- */

typedef struct
{
  GAsyncResult *result;
  gint64        finished;
} Timed;

static void
timed_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Timed *timed = user_data;

  timed->result = g_object_ref (result);
  timed->finished = g_get_monotonic_time ();
}

static void
test_shared_throttle (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *id = first_device_id (fixture);
  LkFault fault = { .kind = LK_FAULT_STATUS, .method = "GET", .path_contains = id,
                    .status = 429, .retry_after = "1" };
  g_autoptr(LkDevice) first = NULL;
  g_autoptr(LkDevice) second = NULL;
  Timed a = { 0 }, b = { 0 };
  gint64 start;

  lk_sandbox_add_fault (fixture->sandbox, &fault);
  start = g_get_monotonic_time ();
  lk_graph_client_get_device_async (fixture->client, id, NULL, timed_cb, &a);
  /* Once the 429 has arrived, a new request to another device waits for the same second. */
  while (fixture->n_throttled == 0)
    g_main_context_iteration (NULL, TRUE);
  lk_graph_client_get_action_results_async (fixture->client, id, NULL, timed_cb, &b);
  wait_for_result (&a.result);
  wait_for_result (&b.result);
  g_assert_cmpint (b.finished - start, >=, 900 * 1000);
  first = lk_graph_client_get_device_finish (fixture->client, a.result, NULL);
  g_assert_nonnull (first);
  g_clear_object (&a.result);
  g_ptr_array_unref (lk_graph_client_get_action_results_finish (fixture->client, b.result, NULL));
  g_clear_object (&b.result);
}

static void
test_rate_limit (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *id = first_device_id (fixture);
  Timed timed[8] = { 0 };
  gint64 start = g_get_monotonic_time ();
  gint64 last = 0;

  /* 5 requests per second: the 8 lookups need a second window, and no 429 is involved. */
  lk_graph_client_set_rate_limit (fixture->client, 5, 2, 1000);
  for (guint i = 0; i < G_N_ELEMENTS (timed); i++)
    lk_graph_client_get_device_async (fixture->client, id, NULL, timed_cb, &timed[i]);
  for (guint i = 0; i < G_N_ELEMENTS (timed); i++)
    {
      g_autoptr(LkDevice) device = NULL;

      wait_for_result (&timed[i].result);
      device = lk_graph_client_get_device_finish (fixture->client, timed[i].result, NULL);
      g_assert_nonnull (device);
      g_clear_object (&timed[i].result);
      last = MAX (last, timed[i].finished);
    }
  g_assert_cmpint (last - start, >=, 900 * 1000);
  g_assert_cmpuint (fixture->n_throttled, ==, 0);
  g_assert_cmpuint (lk_sandbox_count_requests (fixture->sandbox, "GET", id), ==, 8);
}

/* --- pure policy ----------------------------------------------------------------------------- */

static void
test_retry_after_parse (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 25, 10, 0, 0);

  g_assert_cmpfloat (lk_retry_after_parse ("3", now), ==, 3.0);
  g_assert_cmpfloat_with_epsilon (lk_retry_after_parse ("0.5", now), 0.5, 1e-9);
  g_assert_cmpfloat (lk_retry_after_parse ("Wed, 25 Nov 2026 10:00:07 GMT", now), ==, 7.0);
  g_assert_cmpfloat (lk_retry_after_parse ("Wed, 25 Nov 2026 09:00:00 GMT", now), ==, 0.0);
  g_assert_cmpfloat (lk_retry_after_parse (NULL, now), <, 0);
  g_assert_cmpfloat (lk_retry_after_parse ("soon", now), <, 0);
  g_assert_cmpfloat (lk_retry_after_parse ("-4", now), <, 0);
  g_assert_cmpfloat (lk_retry_after_parse ("3 apples", now), <, 0);
}

static void
test_backoff (void)
{
  g_assert_cmpuint (lk_backoff_delay_ms (0, 1000, 32000, 0.0), ==, 500);
  g_assert_cmpuint (lk_backoff_delay_ms (0, 1000, 32000, 0.999), <=, 1000);
  g_assert_cmpuint (lk_backoff_delay_ms (3, 1000, 32000, 0.0), ==, 4000);
  g_assert_cmpuint (lk_backoff_delay_ms (30, 1000, 32000, 0.999), <=, 32000);
  g_assert_cmpuint (lk_backoff_delay_ms (30, 1000, 32000, 0.0), ==, 16000);
}

static void
test_url_policy (void)
{
  const char *graph = "https://graph.microsoft.com";
  GError *error = NULL;

  g_assert_true (lk_url_may_carry_token ("https://graph.microsoft.com/beta/deviceManagement/managedDevices?$skiptoken=x", graph, NULL));
  g_assert_false (lk_url_may_carry_token ("https://evil.example.com/beta/x", graph, &error));
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INSECURE);
  g_clear_error (&error);
  g_assert_false (lk_url_may_carry_token ("http://graph.microsoft.com/beta/x", graph, NULL));
  g_assert_false (lk_url_may_carry_token ("https://graph.microsoft.com:8443/beta/x", graph, NULL));
  g_assert_false (lk_url_may_carry_token ("https://graph.microsoft.com.evil.example/beta", graph, NULL));
  g_assert_false (lk_url_may_carry_token ("http://graph.example.com/beta/x", "http://graph.example.com", &error));
  g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INSECURE);
  g_clear_error (&error);
  g_assert_true (lk_url_may_carry_token ("http://127.0.0.1:4000/graph/beta/x", "http://127.0.0.1:4000/graph", NULL));
  g_assert_false (lk_url_may_carry_token ("http://127.0.0.1:4000/login/token", "http://127.0.0.1:4000/graph", NULL));
  g_assert_false (lk_url_may_carry_token ("http://127.0.0.1:4000/graphics", "http://127.0.0.1:4000/graph", NULL));
  g_assert_true (lk_host_is_loopback ("127.0.0.1"));
  g_assert_true (lk_host_is_loopback ("127.8.9.10"));
  g_assert_true (lk_host_is_loopback ("[::1]"));
  g_assert_true (lk_host_is_loopback ("localhost"));
  g_assert_false (lk_host_is_loopback ("10.0.0.1"));
  g_assert_false (lk_host_is_loopback ("localhost.example.com"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/graph/policy/retry-after", test_retry_after_parse);
  g_test_add_func ("/graph/policy/backoff", test_backoff);
  g_test_add_func ("/graph/policy/url", test_url_policy);
  ADD ("/graph/paging", test_paging, setup_generated, GUINT_TO_POINTER (2500));
  ADD ("/graph/paging/next-link-first", test_paging_next_link_first, setup_generated, GUINT_TO_POINTER (2500));
  ADD ("/graph/paging/pages-ahead", test_paging_pages_ahead, setup_generated, GUINT_TO_POINTER (2500));
  ADD ("/graph/readers-leave-a-core", test_readers_leave_a_core, setup_generated, GUINT_TO_POINTER (2500));
  ADD ("/graph/cancel-mid-paging", test_cancel_mid_paging, setup_generated, GUINT_TO_POINTER (5000));
  ADD ("/graph/cancel-with-merger-at-work", test_cancel_with_merger_at_work, setup_generated,
       GUINT_TO_POINTER (2500));
  ADD ("/graph/headers", test_headers, setup_demo, NULL);
  ADD ("/graph/search/apostrophe", test_search_apostrophe, setup_demo, NULL);
  ADD ("/graph/search/recheck", test_unsupported_filter_rechecked, setup_demo, NULL);
  ADD ("/graph/shared-throttle", test_shared_throttle, setup_demo, NULL);
  ADD ("/graph/rate-limit", test_rate_limit, setup_demo, NULL);
  ADD ("/graph/post/drop-not-resent", test_post_dropped_not_resent, setup_demo, NULL);
  ADD ("/graph/post/timeout-not-resent", test_post_timeout_not_resent, setup_demo, NULL);
  ADD ("/graph/post/429-retried", test_post_429_retried, setup_demo, NULL);
  ADD ("/graph/post/reset-and-track", test_reset_and_track, setup_demo, NULL);

  return g_test_run ();
}
