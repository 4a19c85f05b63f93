/* test-device-query.c: classification, $filter plans, escaping, and client-side ranking.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-device-query.h"

static LkDevice *
make (const char *id,
      const char *name,
      const char *upn,
      const char *display,
      const char *serial,
      const char *imei)
{
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_string_member (object, "id", id);
  json_object_set_string_member (object, "deviceName", name);
  json_object_set_string_member (object, "userPrincipalName", upn);
  json_object_set_string_member (object, "emailAddress", upn);
  json_object_set_string_member (object, "userDisplayName", display);
  json_object_set_string_member (object, "serialNumber", serial);
  json_object_set_string_member (object, "imei", imei);
  return lk_device_new_from_json (object, NULL);
}

static void
check_filters (const char  *text,
               LkQueryKind  kind,
               const char  *first,
               const char  *second)
{
  g_autoptr(LkDeviceQuery) query = lk_device_query_new (text);
  GPtrArray *filters = lk_device_query_get_filters (query);

  g_assert_cmpint (lk_device_query_get_kind (query), ==, kind);
  g_assert_cmpuint (filters->len, ==, (first != NULL) + (second != NULL));
  if (first != NULL)
    g_assert_cmpstr (g_ptr_array_index (filters, 0), ==, first);
  if (second != NULL)
    g_assert_cmpstr (g_ptr_array_index (filters, 1), ==, second);
}

static void
test_plans (void)
{
  check_filters ("", LK_QUERY_KIND_ALL, NULL, NULL);
  check_filters ("   ", LK_QUERY_KIND_ALL, NULL, NULL);
  check_filters (" giulia ", LK_QUERY_KIND_NAME, "contains(deviceName,'giulia')", "contains(emailAddress,'giulia')");
  check_filters ("Giulia Bianchi", LK_QUERY_KIND_NAME, "contains(deviceName,'Giulia Bianchi')",
                 "contains(emailAddress,'giulia.bianchi')");
  check_filters ("sarah.o'brien@contoso.com", LK_QUERY_KIND_UPN, "userPrincipalName eq 'sarah.o''brien@contoso.com'",
                 "contains(emailAddress,'sarah.o''brien@contoso.com')");
  check_filters ("F2LXK1Q9HG7F", LK_QUERY_KIND_SERIAL, "serialNumber eq 'F2LXK1Q9HG7F'",
                 "contains(deviceName,'F2LXK1Q9HG7F')");
  check_filters ("35 678901 234567 8", LK_QUERY_KIND_IMEI, "imei eq '356789012345678'", NULL);
  check_filters ("356789012345678", LK_QUERY_KIND_IMEI, "imei eq '356789012345678'", NULL);
}

static void
test_apostrophe_plans (void)
{
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("O'Brien");
  GPtrArray *filters = lk_device_query_get_filters (query);

  /* The e-mail address may keep the apostrophe or drop it: both are searched. */
  g_assert_cmpint (lk_device_query_get_kind (query), ==, LK_QUERY_KIND_NAME);
  g_assert_cmpuint (filters->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (filters, 0), ==, "contains(deviceName,'O''Brien')");
  g_assert_cmpstr (g_ptr_array_index (filters, 1), ==, "contains(emailAddress,'o''brien')");
  g_assert_cmpstr (g_ptr_array_index (filters, 2), ==, "contains(emailAddress,'obrien')");
}

static void
test_classification (void)
{
  static const struct { const char *text; LkQueryKind kind; } cases[] = {
    { "", LK_QUERY_KIND_ALL },
    { " \t ", LK_QUERY_KIND_ALL },
    { "anna@contoso.com", LK_QUERY_KIND_UPN },
    { "@contoso", LK_QUERY_KIND_UPN },
    { "35 678901 234567 8", LK_QUERY_KIND_IMEI },
    { "35-678901-234567-8", LK_QUERY_KIND_IMEI },
    { "35678901234567", LK_QUERY_KIND_IMEI },          /* 14 digits (MEID length) */
    { "3567890123456789", LK_QUERY_KIND_IMEI },        /* 16 digits (IMEISV) */
    { "1234567890123", LK_QUERY_KIND_SERIAL },         /* 13 digits: not an IMEI */
    { "12345678901234567", LK_QUERY_KIND_NAME },       /* 17 digits: neither */
    { "F2LXK1Q9HG7F", LK_QUERY_KIND_SERIAL },
    { "r58n12abcde", LK_QUERY_KIND_SERIAL },
    { "ab1c", LK_QUERY_KIND_NAME },                    /* too short for a serial */
    { "ABCDEFG", LK_QUERY_KIND_NAME },                 /* no digit */
    { "DESKTOP-7QK2L9M", LK_QUERY_KIND_NAME },         /* a dash: a device name */
    { "iPhone 15", LK_QUERY_KIND_NAME },
    { "35 67 89", LK_QUERY_KIND_NAME },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(LkDeviceQuery) query = lk_device_query_new (cases[i].text);

      if (lk_device_query_get_kind (query) != cases[i].kind)
        g_error ("\"%s\" classified as %d, expected %d", cases[i].text,
                 lk_device_query_get_kind (query), cases[i].kind);
    }
}

static void
test_weights_and_ties (void)
{
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("giulia");
  g_autoptr(LkDeviceQuery) all = lk_device_query_new ("");
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(LkDevice) by_name = make ("n", "giulia-phone", "x@contoso.it", "X", "S", NULL);
  g_autoptr(LkDevice) by_user = make ("u", "Pixel 8", "giulia.bianchi@contoso.it", "Giulia Bianchi", "S", NULL);
  g_autoptr(LkDevice) substring = make ("s", "PHONE-OFGIULIA", "x@contoso.it", "X", "S", NULL);

  /* A prefix in the device name beats a prefix in the user's fields, which beats a substring
   * of the device name only because user fields still weigh more than a bare substring. */
  g_assert_cmpuint (lk_device_query_score (query, by_name), >, lk_device_query_score (query, by_user));
  g_assert_cmpuint (lk_device_query_score (query, by_user), >, lk_device_query_score (query, substring));
  g_assert_cmpuint (lk_device_query_score (query, substring), >, 0);

  /* ALL: the same score for everyone, then name (case-insensitive, accents folded), then id. */
  g_assert_cmpuint (lk_device_query_score (all, by_name), ==, lk_device_query_score (all, by_user));
  g_ptr_array_add (devices, make ("2", "beta", "a@b", "A", "S", NULL));
  g_ptr_array_add (devices, make ("b", "Èlan", "a@b", "A", "S", NULL));
  g_ptr_array_add (devices, make ("1", "Beta", "a@b", "A", "S", NULL));
  g_ptr_array_add (devices, make ("a", "alpha", "a@b", "A", "S", NULL));
  lk_device_query_sort (all, devices);
  g_assert_cmpstr (lk_device_get_id (g_ptr_array_index (devices, 0)), ==, "a");
  g_assert_cmpstr (lk_device_get_id (g_ptr_array_index (devices, 1)), ==, "1");
  g_assert_cmpstr (lk_device_get_id (g_ptr_array_index (devices, 2)), ==, "2");
  g_assert_cmpstr (lk_device_get_id (g_ptr_array_index (devices, 3)), ==, "b");
}

static void
test_escape (void)
{
  g_autofree char *a = lk_odata_escape_literal ("O'Brien");
  g_autofree char *b = lk_odata_escape_literal ("''");
  g_autofree char *c = lk_odata_escape_literal ("plain");

  g_assert_cmpstr (a, ==, "O''Brien");
  g_assert_cmpstr (b, ==, "''''");
  g_assert_cmpstr (c, ==, "plain");
}

static void
test_score_and_rank (void)
{
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("rossi");
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(LkDevice) other = make ("x", "DESKTOP-7QK2L9M", "anna.verdi@contoso.it", "Anna Verdi", "ABC", NULL);

  g_ptr_array_add (devices, make ("3", "iPhone di Marco", "marco.rossi@contoso.it", "Marco Rossi", "S3", NULL));
  g_ptr_array_add (devices, make ("2", "GALAXY-ROSSI", "m@contoso.it", "M", "S2", NULL));
  g_ptr_array_add (devices, make ("1", "rossi", "z@contoso.it", "Z", "S1", NULL));

  g_assert_cmpuint (lk_device_query_score (query, other), ==, 0);
  lk_device_query_sort (query, devices);
  /* exact device name > word prefix in the device name > user fields */
  g_assert_cmpstr (lk_device_get_id (g_ptr_array_index (devices, 0)), ==, "1");
  g_assert_cmpstr (lk_device_get_id (g_ptr_array_index (devices, 1)), ==, "2");
  g_assert_cmpstr (lk_device_get_id (g_ptr_array_index (devices, 2)), ==, "3");
}

static void
test_multiword_and_accents (void)
{
  g_autoptr(LkDeviceQuery) both = lk_device_query_new ("marco iphone");
  g_autoptr(LkDeviceQuery) accent = lk_device_query_new ("NICCOLÒ");
  g_autoptr(LkDeviceQuery) imei = lk_device_query_new ("35-6789-0123-4567-8");
  g_autoptr(LkDevice) marco = make ("1", "iPhone di Marco", "marco.rossi@contoso.it", "Marco Rossi", "S", "356789012345678");
  g_autoptr(LkDevice) niccolo = make ("2", "Pixel", "n@contoso.it", "Niccolò Conti", "S", NULL);

  g_assert_cmpuint (lk_device_query_score (both, marco), >, 0);
  g_assert_cmpuint (lk_device_query_score (both, niccolo), ==, 0);
  g_assert_cmpuint (lk_device_query_score (accent, niccolo), >, 0);
  g_assert_cmpuint (lk_device_query_score (imei, marco), >, 0);
  g_assert_cmpuint (lk_device_query_score (imei, niccolo), ==, 0);
}

static void
test_non_ascii_words (void)
{
  g_autoptr(LkDeviceQuery) citta = lk_device_query_new ("Città");
  g_autoptr(LkDevice) plain = make ("1", "CITTA-01", "a@contoso.it", "A", "S", NULL);
  g_autoptr(LkDevice) accented = make ("2", "CITTÀ-01", "a@contoso.it", "A", "S", NULL);
  g_autoptr(LkDevice) decomposed = make ("3", "citta\xcc\x80 02", "a@contoso.it", "A", "S", NULL);

  /* An accented word is not in an ASCII field; case and Unicode normalization do not matter. */
  g_assert_cmpuint (lk_device_query_score (citta, plain), ==, 0);
  g_assert_cmpuint (lk_device_query_score (citta, accented), >, 0);
  g_assert_cmpuint (lk_device_query_score (citta, decomposed), ==, lk_device_query_score (citta, accented));
}

static char *
expected_key (LkDevice *device)
{
  g_autofree char *normalized = g_utf8_normalize (lk_device_get_device_name (device), -1,
                                                  G_NORMALIZE_DEFAULT_COMPOSE);

  return g_utf8_casefold (normalized, -1);
}

static int
compare_expected (gconstpointer a,
                  gconstpointer b)
{
  LkDevice *x = *(LkDevice **) a;
  LkDevice *y = *(LkDevice **) b;
  g_autofree char *kx = expected_key (x);
  g_autofree char *ky = expected_key (y);
  int order = strcmp (kx, ky);

  return order != 0 ? order : strcmp (lk_device_get_id (x), lk_device_get_id (y));
}

/* With no words to score, devices are in the order of their names casefolded (accents kept),
 * then of their ids, byte for byte: whatever the case of the letters, where in the name they
 * differ (inside the bytes compared inline or past them) and whether the name is ASCII. */
static void
test_rank_folds_case (void)
{
  const char *names[] = { "iPhone 15 Pro Max di Giulia ROSSI", "iphone 15 pro max di giulia bianchi",
                          "IPHONE 15 PRO MAX DI GIULIA Bianchi", "iPhone 15 Pro Max di Giulia rossi",
                          "iPhone 15 Pro Max di Giulia Rossì", "IPHONE 15 PRO MAX DI GIULIA ROSSÌ",
                          "Zeta", "zeta", "ZETA_", "zeta[", "alpha", "Alpha", "Ärger", "ärger", "Äa",
                          "DESKTOP-QLEE9GZ", "desktop-qlee9gz", "Desktop-Qlee9gz-2", "@home", "[lab]",
                          "_build", "`tick", "~tilde", "Ωmega", "ωmega",
                          /* Eight bytes and more, read a word at a time: the bytes around the
                           * capitals, and bytes above ASCII whose low seven bits are capitals. */
                          "@@@@@@@@home", "AAAAAAAA@", "aaaaaaaa`", "[[[[[[[[lab]", "ZZZZZZZZ[",
                          "zzzzzzzz{", "@AZ[`az{@AZ[`az{@AZ[`az{", "ÄÖÜÁÉÍÓÚ Rossi", "ÁÚÀÈÌÒÙÝ",
                          "Città di Castello-01", "CITTÀ DI CASTELLO-01" };
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("");
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();

  for (guint round = 0; round < 3; round++)
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        /* Later names have smaller ids: an order of unfolded bytes would show. */
        g_autofree char *id = g_strdup_printf ("%c%02u", 'c' - round, (guint) (G_N_ELEMENTS (names) - i));

        g_ptr_array_add (devices, make (id, names[i], "a@contoso.it", "A", "S", NULL));
      }
  g_ptr_array_extend (expected, devices, NULL, NULL);
  g_ptr_array_sort (expected, compare_expected);
  lk_device_query_sort (query, devices);
  for (guint i = 0; i < devices->len; i++)
    g_assert_true (g_ptr_array_index (devices, i) == g_ptr_array_index (expected, i));
}

/* @all cut into runs of up to @max_len, each ranked alone, merged into @merged; then @all
 * sorted, to compare with. */
static void
merge_in_runs (LkDeviceQuery *query,
               GPtrArray     *all,
               GRand         *rand,
               int            max_len,
               GPtrArray     *merged)
{
  g_autoptr(GPtrArray) rankings = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_device_ranking_free);

  for (guint i = 0; i < all->len;)
    {
      guint len = (guint) g_rand_int_range (rand, 1, max_len);
      g_autoptr(GPtrArray) run = g_ptr_array_new ();

      len = MIN (len, all->len - i);   /* MIN evaluates its arguments twice */

      for (guint j = 0; j < len; j++)
        g_ptr_array_add (run, g_ptr_array_index (all, i + j));
      g_ptr_array_add (rankings, lk_device_query_rank (query, run));
      i += len;
    }
  g_ptr_array_extend (merged, all, NULL, NULL);
  lk_device_query_merge (query, rankings, merged);
  lk_device_query_sort (query, all);
}

/* A listing's pages, each ranked on its own, merged: the same order as ranking them all. */
static void
test_merge_rankings (void)
{
  const char *texts[] = { "", "an", "pixel giulia", "rossi" };
  const char *names[] = { "iPhone di Anna", "Pixel 8", "Città-01", "anna-laptop", "ANNA-LAPTOP",
                          "Pixel di Giulia", "Ärger", "zeta", "Niccolò", "Rossi-PC",
                          /* past the 24 bytes compared inline, alike up to there */
                          "iPhone 15 Pro Max di Giulia Bianchi", "iPhone 15 Pro Max di Giulia Rossi",
                          "iPhone 15 Pro Max di Giul", "iPhone 15 Pro Max di Giu", NULL };
  GRand *rand = g_rand_new_with_seed (7);

  for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
    for (guint round = 0; round < 20; round++)
      {
        g_autoptr(LkDeviceQuery) query = lk_device_query_new (texts[t]);
        g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
        g_autoptr(GPtrArray) merged = g_ptr_array_new ();
        guint n = (guint) g_rand_int_range (rand, 0, 200);

        for (guint i = 0; i < n; i++)
          {
            /* Ids alike in their first 8 bytes too, some shorter than that (but unique). */
            g_autofree char *id = g_strdup_printf ("%0*x%.*s#%u", g_rand_int_range (rand, 1, 9),
                                                   g_rand_int_range (rand, 0, 4),
                                                   g_rand_int_range (rand, 0, 6), "-a1b2", i);
            const char *name = names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))];

            g_ptr_array_add (all, make (id, name, "anna.rossi@contoso.com", "Giulia", "X1", "35"));
          }
        merge_in_runs (query, all, rand, 40, merged);
        g_assert_cmpuint (merged->len, ==, all->len);
        for (guint i = 0; i < all->len; i++)
          g_assert_true (g_ptr_array_index (merged, i) == g_ptr_array_index (all, i));
      }
  g_rand_free (rand);
}

/* Enough devices that the merge runs from both ends at once (two threads), which claim them
 * four times between them (MERGE_CLAIM is 4096), with many that compare equal (the same name
 * and id, in different runs): every device comes out once, in the sort's order. */
static void
test_merge_from_both_ends (void)
{
  const char *names[] = { "iPhone di Anna", "Pixel 8", "anna-laptop", "zeta", "Rossi-PC" };
  GRand *rand = g_rand_new_with_seed (11);
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("");
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) merged = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint n = 3 * 4096 + 1;

  /* A third alike, around the middle where the two merges meet. */
  for (guint i = 0; i < n; i++)
    {
      gboolean alike = i % 3 == 0;
      g_autofree char *id = alike ? g_strdup ("alike")
                                  : g_strdup_printf ("%05u", (guint) g_rand_int_range (rand, 0, 10000));
      const char *name = alike ? "Pixel 8" : names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))];

      g_ptr_array_add (all, make (id, name, "a@contoso.com", "A", "X1", NULL));
    }
  merge_in_runs (query, all, rand, 1000, merged);
  g_assert_cmpuint (merged->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      LkDevice *a = g_ptr_array_index (merged, i);
      LkDevice *b = g_ptr_array_index (all, i);

      g_assert_true (g_hash_table_add (seen, a));
      g_assert_cmpstr (lk_device_get_device_name (a), ==, lk_device_get_device_name (b));
      g_assert_cmpstr (lk_device_get_id (a), ==, lk_device_get_id (b));
    }
  g_rand_free (rand);
}

/* Runs merged in groups on the merger's thread while more are added, then with the final
 * merge: the order a sort gives, every device once, whether the thread got to every group or
 * was stopped with one in hand. */
static void
test_run_merger (void)
{
  const char *names[] = { "iPhone di Anna", "Pixel 8", "Città-01", "anna-laptop", "ANNA-LAPTOP",
                          "iPhone 15 Pro Max di Giulia Bianchi", "iPhone 15 Pro Max di Giulia Rossi",
                          "zeta", "Niccolò", "Rossi-PC" };
  GRand *rand = g_rand_new_with_seed (23);
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("");

  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GPtrArray) merged = g_ptr_array_new ();
      g_autoptr(GPtrArray) runs = NULL;
      LkRunMerger *merger = lk_run_merger_new (4);
      guint n_runs = 0;

      for (guint i = 0; i < 60; i++, n_runs++)
        {
          g_autoptr(GPtrArray) run = g_ptr_array_new ();
          guint len = (guint) g_rand_int_range (rand, 0, 300);

          for (guint j = 0; j < len; j++)
            {
              g_autofree char *id = g_strdup_printf ("%08x-%u", g_rand_int (rand), all->len);
              LkDevice *device = make (id, names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))],
                                       "a@contoso.com", "A", "X1", NULL);

              g_ptr_array_add (all, device);
              g_ptr_array_add (run, device);
            }
          lk_run_merger_add (merger, lk_device_query_rank (query, run));
        }
      /* Rounds 0 and 1 give the thread time to merge (up to 10 s); 2 and 3 stop it at once. */
      for (guint wait = 0; round < 2 && lk_run_merger_get_n_merged (merger) < n_runs / 4 && wait < 1000; wait++)
        g_usleep (10 * G_TIME_SPAN_MILLISECOND);
      if (round < 2)
        g_assert_cmpuint (lk_run_merger_get_n_merged (merger), ==, n_runs / 4);
      runs = lk_run_merger_finish (merger);
      if (round < 2)
        g_assert_cmpuint (runs->len, ==, n_runs / 4);
      g_ptr_array_extend (merged, all, NULL, NULL);
      lk_device_query_merge (query, runs, merged);
      lk_device_query_sort (query, all);
      g_assert_cmpuint (merged->len, ==, all->len);
      for (guint i = 0; i < all->len; i++)
        g_assert_true (g_ptr_array_index (merged, i) == g_ptr_array_index (all, i));
    }
  g_rand_free (rand);
}

/* Abandoned with its thread at work, the merger keeps the devices its runs borrow until the
 * thread ends (AddressSanitizer and valgrind would see a name read after its device went). */
static void
test_run_merger_abandon (void)
{
  g_autoptr(LkDeviceQuery) query = lk_device_query_new ("");
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);
  LkRunMerger *merger = lk_run_merger_new (2);

  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(GPtrArray) run = g_ptr_array_new ();

      for (guint j = 0; j < 1500; j++)
        {
          g_autofree char *id = g_strdup_printf ("%u", all->len);
          LkDevice *device = make (id, "iPhone 15 Pro Max di Giulia Bianchi", "a@contoso.com", "A", "X1", NULL);

          g_ptr_array_add (all, device);
          g_ptr_array_add (run, device);
        }
      lk_run_merger_add (merger, lk_device_query_rank (query, run));
    }
  lk_run_merger_abandon (merger, all);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/query/plans", test_plans);
  g_test_add_func ("/query/escape", test_escape);
  g_test_add_func ("/query/apostrophe-plans", test_apostrophe_plans);
  g_test_add_func ("/query/classification", test_classification);
  g_test_add_func ("/query/weights-and-ties", test_weights_and_ties);
  g_test_add_func ("/query/score-and-rank", test_score_and_rank);
  g_test_add_func ("/query/multiword-and-accents", test_multiword_and_accents);
  g_test_add_func ("/query/non-ascii-words", test_non_ascii_words);
  g_test_add_func ("/query/rank-folds-case", test_rank_folds_case);
  g_test_add_func ("/query/merge-rankings", test_merge_rankings);
  g_test_add_func ("/query/merge-from-both-ends", test_merge_from_both_ends);
  g_test_add_func ("/query/run-merger", test_run_merger);
  g_test_add_func ("/query/run-merger-abandon", test_run_merger_abandon);

  return g_test_run ();
}
