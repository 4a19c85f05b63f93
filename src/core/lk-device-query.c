/* lk-device-query.c: what the admin typed → Graph $filter plans + the client-side re-check.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "lk-device-query.h"
#include "lk-device-private.h"

struct _LkDeviceQuery
{
  GObject      parent_instance;

  char        *text;
  LkQueryKind  kind;
  GPtrArray   *filters;
  /* Casefolded words of the text, and whether each (once folded) is plain ASCII. */
  GPtrArray   *words;
  GArray      *words_ascii;
  char        *digits;     /* the IMEI's digits */
};

G_DEFINE_FINAL_TYPE (LkDeviceQuery, lk_device_query, G_TYPE_OBJECT)

/* How well one word matches one field. */
enum
{
  MATCH_NONE = 0,
  MATCH_SUBSTRING = 1,
  MATCH_WORD_PREFIX = 2,
  MATCH_PREFIX = 3,
  MATCH_EXACT = 4,
};

/* Device-identifying fields weigh more than user fields; the model least. */
typedef enum
{
  FIELD_DEVICE_NAME,
  FIELD_SERIAL,
  FIELD_IMEI,
  FIELD_UPN,
  FIELD_DISPLAY_NAME,
  FIELD_EMAIL,
  FIELD_MODEL,
  N_FIELDS
} Field;

static const guint field_weight[N_FIELDS] = { 10, 10, 10, 6, 6, 5, 2 };

static void
lk_device_query_finalize (GObject *object)
{
  LkDeviceQuery *self = LK_DEVICE_QUERY (object);

  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->filters, g_ptr_array_unref);
  g_clear_pointer (&self->words, g_ptr_array_unref);
  g_clear_pointer (&self->words_ascii, g_array_unref);
  g_clear_pointer (&self->digits, g_free);

  G_OBJECT_CLASS (lk_device_query_parent_class)->finalize (object);
}

static void
lk_device_query_class_init (LkDeviceQueryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = lk_device_query_finalize;
}

static void
lk_device_query_init (LkDeviceQuery *self)
{
  self->filters = g_ptr_array_new_with_free_func (g_free);
  self->words = g_ptr_array_new_with_free_func (g_free);
  self->words_ascii = g_array_new (FALSE, FALSE, sizeof (gboolean));
}

char *
lk_odata_escape_literal (const char *text)
{
  GString *escaped = g_string_sized_new (strlen (text) + 2);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append_c (escaped, '\'');
      g_string_append_c (escaped, *p);
    }
  return g_string_free (escaped, FALSE);
}

static gboolean
is_ascii (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    if (*p >= 0x80)
      return FALSE;
  return TRUE;
}

static char *
fold (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text, -1, G_NORMALIZE_DEFAULT_COMPOSE);

  return g_utf8_casefold (normalized != NULL ? normalized : text, -1);
}

static char *
digits_of (const char *text)
{
  GString *digits = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  return g_string_free (digits, FALSE);
}

static LkQueryKind
classify (const char *text)
{
  gboolean has_digit = FALSE, has_alpha = FALSE;
  guint n_digits = 0;
  gsize len = strlen (text);

  if (len == 0)
    return LK_QUERY_KIND_ALL;
  if (strchr (text, '@') != NULL)
    return LK_QUERY_KIND_UPN;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        n_digits++;
      else if (*p != ' ' && *p != '-')
        break;
      if (p[1] == '\0' && n_digits >= 14 && n_digits <= 16)
        return LK_QUERY_KIND_IMEI;
    }

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        has_digit = TRUE;
      else if (g_ascii_isalpha (*p))
        has_alpha = TRUE;
      else
        return LK_QUERY_KIND_NAME;
    }
  if (len >= 5 && has_digit)
    return has_alpha || len < 14 ? LK_QUERY_KIND_SERIAL : LK_QUERY_KIND_NAME;
  return LK_QUERY_KIND_NAME;
}

static void
add_filter (LkDeviceQuery *self,
            gboolean       contains,
            const char    *field,
            const char    *value)
{
  g_autofree char *escaped = lk_odata_escape_literal (value);

  if (contains)
    g_ptr_array_add (self->filters, g_strdup_printf ("contains(%s,'%s')", field, escaped));
  else
    g_ptr_array_add (self->filters, g_strdup_printf ("%s eq '%s'", field, escaped));
}

/* How a person's name appears in an e-mail address: "Giulia Bianchi" → "giulia.bianchi";
 * with @strip_quotes "Sarah O'Brien" → "sarah.obrien" (many tenants drop the apostrophe, some
 * keep it: both forms are searched). */
static char *
email_form (const char *text,
            gboolean    strip_quotes)
{
  GString *form = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (strip_quotes && (*p == '\'' || *p == '`'))
        continue;
      if (*p == ' ')
        {
          if (form->len > 0 && form->str[form->len - 1] != '.')
            g_string_append_c (form, '.');
          continue;
        }
      g_string_append_c (form, g_ascii_tolower (*p));
    }
  return g_string_free (form, FALSE);
}

/* Each plan is sent as its own listing: Graph may drop an `or` across different functions and
 * silently ignores a filter it does not support, so one combined filter cannot be trusted. */
static void
build_filters (LkDeviceQuery *self)
{
  switch (self->kind)
    {
    case LK_QUERY_KIND_ALL:
      break;
    case LK_QUERY_KIND_NAME:
      {
        g_autofree char *email = email_form (self->text, FALSE);
        g_autofree char *stripped = email_form (self->text, TRUE);

        /* User display names cannot be filtered on: their e-mail address is the way in, and
         * the client-side re-check then matches the display name itself. */
        add_filter (self, TRUE, "deviceName", self->text);
        if (*email != '\0')
          add_filter (self, TRUE, "emailAddress", email);
        if (*stripped != '\0' && strcmp (stripped, email) != 0)
          add_filter (self, TRUE, "emailAddress", stripped);
      }
      break;
    case LK_QUERY_KIND_UPN:
      add_filter (self, FALSE, "userPrincipalName", self->text);
      add_filter (self, TRUE, "emailAddress", self->text);
      break;
    case LK_QUERY_KIND_SERIAL:
      add_filter (self, FALSE, "serialNumber", self->text);
      add_filter (self, TRUE, "deviceName", self->text);
      break;
    case LK_QUERY_KIND_IMEI:
      add_filter (self, FALSE, "imei", self->digits);
      break;
    default:
      g_assert_not_reached ();
    }
}

LkDeviceQuery *
lk_device_query_new (const char *text)
{
  LkDeviceQuery *self = g_object_new (LK_TYPE_DEVICE_QUERY, NULL);
  g_auto(GStrv) words = NULL;

  /* The CLI passes its argument as the terminal typed it, and g_utf8_normalize() reads past
   * the end of invalid UTF-8: replace bad bytes with U+FFFD first. */
  self->text = g_strstrip (g_utf8_make_valid (text != NULL ? text : "", -1));
  self->kind = classify (self->text);
  self->digits = digits_of (self->text);

  words = g_strsplit_set (self->text, " \t", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      char *word;
      gboolean ascii;

      if (*words[i] == '\0')
        continue;
      word = is_ascii (words[i]) ? g_ascii_strdown (words[i], -1) : fold (words[i]);
      ascii = is_ascii (word);
      g_ptr_array_add (self->words, word);
      g_array_append_val (self->words_ascii, ascii);
    }

  build_filters (self);
  return self;
}

const char *
lk_device_query_get_text (LkDeviceQuery *self)
{
  g_return_val_if_fail (LK_IS_DEVICE_QUERY (self), NULL);
  return self->text;
}

LkQueryKind
lk_device_query_get_kind (LkDeviceQuery *self)
{
  g_return_val_if_fail (LK_IS_DEVICE_QUERY (self), LK_QUERY_KIND_ALL);
  return self->kind;
}

GPtrArray *
lk_device_query_get_filters (LkDeviceQuery *self)
{
  g_return_val_if_fail (LK_IS_DEVICE_QUERY (self), NULL);
  return self->filters;
}

static gboolean
is_separator (char c)
{
  return c == ' ' || c == '-' || c == '_' || c == '.' || c == '@' || c == '\'' || c == '(';
}

/* @haystack and @needle already have one case; @ascii: compare ASCII case-insensitively. */
static guint
quality_in (const char *haystack,
            const char *needle,
            gboolean    ascii)
{
  gsize hay_len = strlen (haystack);
  gsize len = strlen (needle);
  guint best = MATCH_NONE;

  if (len == 0 || len > hay_len)
    return MATCH_NONE;
  for (gsize i = 0; i + len <= hay_len && best < MATCH_WORD_PREFIX; i++)
    {
      gboolean equal;

      /* The first byte rules out most positions without a call (needle is lower case). */
      if ((ascii ? g_ascii_tolower (haystack[i]) : haystack[i]) != needle[0])
        continue;
      equal = ascii ? g_ascii_strncasecmp (haystack + i, needle, len) == 0
                    : memcmp (haystack + i, needle, len) == 0;
      if (!equal)
        continue;
      if (i == 0)
        return len == hay_len ? MATCH_EXACT : MATCH_PREFIX;
      best = MAX (best, is_separator (haystack[i - 1]) ? MATCH_WORD_PREFIX : MATCH_SUBSTRING);
    }
  return best;
}

static guint
word_quality (const char *field,
              const char *word,
              gboolean    word_ascii)
{
  g_autofree char *folded = NULL;

  if (field == NULL)
    return MATCH_NONE;
  /* ASCII fields compare in place (an ASCII field folds to ASCII, so a word with other
   * characters cannot be in it); others ("Niccolò", "Città") are folded first. */
  if (is_ascii (field))
    return word_ascii ? quality_in (field, word, TRUE) : MATCH_NONE;
  folded = fold (field);
  return quality_in (folded, word, FALSE);
}

static guint
imei_quality (const char *imei,
              const char *digits)
{
  char buffer[64];
  gsize n = 0;

  if (imei == NULL || *digits == '\0')
    return MATCH_NONE;
  for (const char *p = imei; *p != '\0' && n + 1 < sizeof buffer; p++)
    if (g_ascii_isdigit (*p))
      buffer[n++] = *p;
  buffer[n] = '\0';
  return quality_in (buffer, digits, TRUE);
}

guint
lk_device_query_score (LkDeviceQuery *self,
                       LkDevice      *device)
{
  const char *fields[N_FIELDS];
  guint total = 0;

  g_return_val_if_fail (LK_IS_DEVICE_QUERY (self), 0);
  g_return_val_if_fail (LK_IS_DEVICE (device), 0);

  if (self->kind == LK_QUERY_KIND_ALL)
    return 1;

  if (self->kind == LK_QUERY_KIND_IMEI)
    return field_weight[FIELD_IMEI] * imei_quality (lk_device_get_imei (device), self->digits);

  fields[FIELD_DEVICE_NAME] = lk_device_get_device_name (device);
  fields[FIELD_SERIAL] = lk_device_get_serial_number (device);
  fields[FIELD_IMEI] = lk_device_get_imei (device);
  fields[FIELD_UPN] = lk_device_get_user_principal_name (device);
  fields[FIELD_DISPLAY_NAME] = lk_device_get_user_display_name (device);
  fields[FIELD_EMAIL] = lk_device_get_email_address (device);
  fields[FIELD_MODEL] = lk_device_get_model (device);

  /* Every word must match some field; the best field counts for each word. */
  for (guint w = 0; w < self->words->len; w++)
    {
      const char *word = g_ptr_array_index (self->words, w);
      gboolean ascii = g_array_index (self->words_ascii, gboolean, w);
      guint best = 0;

      for (guint f = 0; f < N_FIELDS; f++)
        best = MAX (best, field_weight[f] * word_quality (fields[f], word, ascii));
      if (best == 0)
        return 0;
      total += best;
    }
  return total;
}

/* What ranking compares, next to each other in one array: the first bytes of the sort key and
 * of the id ride along as big-endian numbers (which order like strcmp), so most comparisons
 * never go back to the device, scattered over tens of megabytes at a cache miss each. */
#define KEY_WORDS 3
#define PREFIX_BYTES (KEY_WORDS * 8)

#define ID_BYTES 4
#define MAX_SCORE ((1u << 30) - 1)

/* 48 bytes: a million-device listing holds one per device until its final merge. */
typedef struct
{
  guint64     key[KEY_WORDS];
  guint32     id;
  guint32     score : 30;       /* clamped: no query comes near it */
  guint32     key_longer : 1;   /* the key goes on past the prefix */
  guint32     id_longer : 1;
  LkDevice   *device;
  /* The device's sort key, for keys that go on past the prefix: one load where it is needed
   * (the merge meets it cold), not two through the device. */
  const char *whole_key;
} Ranked;

struct _LkDeviceRanking
{
  Ranked *items;
  guint   len;
};

/* Eight bytes' ASCII capitals in lower case, all eight at once (each byte as
 * lk_device_sort_key_byte() makes it): a byte is a capital when its low seven bits are from
 * 'A' to 'Z' and its high bit is clear. */
static inline guint64
fold_word (guint64 word)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  guint64 low = word & (ones * 0x7f);
  guint64 from_a = low + ones * (0x80 - 'A');
  guint64 past_z = low + ones * (0x80 - 'Z' - 1);
  guint64 capital = from_a & ~past_z & ~word & (ones * 0x80);

  return word | capital >> 2;
}

/* The eight bytes of @text from @offset as one number (NULs past @len), sort key bytes folded
 * as ranking compares them when @fold. */
static guint64
big_endian (const char *text,
            gsize       offset,
            gsize       len,
            gboolean    fold)
{
  guint64 value = 0;

  if (offset + 8 <= len)
    {
      /* Every device's key and id pass here: one load, not eight. */
      memcpy (&value, text + offset, 8);
      value = GUINT64_FROM_BE (value);
      return fold ? fold_word (value) : value;
    }
  for (gsize i = offset; i < offset + 8; i++)
    {
      guchar byte = i < len ? (guchar) text[i] : 0;

      value = value << 8 | (fold ? lk_device_sort_key_byte ((char) byte) : byte);
    }
  return value;
}

/* strcmp() of two sort keys as ranking compares them (lk_device_sort_key_byte()). */
static int
compare_keys (const char *a,
              const char *b)
{
  for (;; a++, b++)
    {
      guchar x = lk_device_sort_key_byte (*a), y = lk_device_sort_key_byte (*b);

      if (x != y)
        return x < y ? -1 : 1;
      if (x == '\0')
        return 0;
    }
}

static void
ranked_init (Ranked        *ranked,
             guint          score,
             LkDevice      *device)
{
  const char *key = lk_device_get_sort_key (device);
  const char *id = lk_device_get_id (device);
  gsize key_len = strnlen (key, PREFIX_BYTES + 1);
  gsize id_len = strnlen (id, ID_BYTES + 1);

  for (guint w = 0; w < KEY_WORDS; w++)
    ranked->key[w] = big_endian (key, w * 8, key_len, TRUE);
  ranked->id = (guint32) (big_endian (id, 0, id_len, FALSE) >> (64 - 8 * ID_BYTES));
  ranked->key_longer = key_len > PREFIX_BYTES;
  ranked->id_longer = id_len > ID_BYTES;
  ranked->score = MIN (score, MAX_SCORE);
  ranked->device = device;
  ranked->whole_key = key;
}

/* Inlined into the merge, which makes ten of these a device for a thousand runs (a call each
 * was 7 % of a million devices' merge). */
G_ALWAYS_INLINE static inline int
compare_ranked_inline (const Ranked *x,
                       const Ranked *y)
{
  int order;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  for (guint w = 0; w < KEY_WORDS; w++)
    if (x->key[w] != y->key[w])
      return x->key[w] < y->key[w] ? -1 : 1;
  if (x->key_longer && y->key_longer)
    {
      order = compare_keys (x->whole_key + PREFIX_BYTES, y->whole_key + PREFIX_BYTES);
      if (order != 0)
        return order;
    }
  else if (x->key_longer != y->key_longer)
    return x->key_longer ? 1 : -1;
  if (x->id != y->id)
    return x->id < y->id ? -1 : 1;
  if (x->id_longer && y->id_longer)
    return strcmp (lk_device_get_id (x->device) + ID_BYTES, lk_device_get_id (y->device) + ID_BYTES);
  return (int) x->id_longer - (int) y->id_longer;
}

/* Sorts @n items (n > 1) by compare_ranked_inline(), stable: a merge sort of pointers to them
 * with the comparison inlined (qsort() calls it through a pointer: a page's ranking was a
 * tenth of reading a page of whole devices), then the items moved once into their order. Runs
 * of eight are sorted by insertion first. */
static void
sort_ranked (Ranked *items,
             gsize   n)
{
  g_autofree const Ranked **order = g_new (const Ranked *, 2 * n);
  g_autofree Ranked *sorted = NULL;
  const Ranked **from = order, **to = order + n;

  for (gsize start = 0; start < n; start += 8)
    {
      gsize end = MIN (start + 8, n);

      for (gsize i = start; i < end; i++)
        {
          gsize j = i;

          for (; j > start && compare_ranked_inline (&items[i], from[j - 1]) < 0; j--)
            from[j] = from[j - 1];
          from[j] = &items[i];
        }
    }
  for (gsize width = 8; width < n; width *= 2)
    {
      for (gsize start = 0; start < n; start += 2 * width)
        {
          gsize middle = MIN (start + width, n), end = MIN (start + 2 * width, n);
          gsize a = start, b = middle, k = start;

          while (a < middle && b < end)
            to[k++] = compare_ranked_inline (from[b], from[a]) < 0 ? from[b++] : from[a++];
          while (a < middle)
            to[k++] = from[a++];
          while (b < end)
            to[k++] = from[b++];
        }
      const Ranked **swap = from;
      from = to;
      to = swap;
    }
  sorted = g_new (Ranked, n);
  for (gsize i = 0; i < n; i++)
    sorted[i] = *from[i];
  memcpy (items, sorted, n * sizeof (Ranked));
}

LkDeviceRanking *
lk_device_query_rank (LkDeviceQuery *self,
                      GPtrArray     *devices)
{
  LkDeviceRanking *ranking;
  gboolean all;

  g_return_val_if_fail (LK_IS_DEVICE_QUERY (self), NULL);
  g_return_val_if_fail (devices != NULL, NULL);

  all = self->kind == LK_QUERY_KIND_ALL;
  ranking = g_new0 (LkDeviceRanking, 1);
  ranking->len = devices->len;
  ranking->items = g_new (Ranked, MAX (devices->len, 1));
  /* Scores once per device, not once per comparison; every device scores 1 for no text. */
  for (guint i = 0; i < devices->len; i++)
    {
      LkDevice *device = g_ptr_array_index (devices, i);

      ranked_init (&ranking->items[i], all ? 1 : lk_device_query_score (self, device), device);
    }
  if (devices->len > 1)
    sort_ranked (ranking->items, devices->len);
  for (guint i = 0; i < devices->len; i++)
    devices->pdata[i] = ranking->items[i].device;
  return ranking;
}

void
lk_device_ranking_free (LkDeviceRanking *ranking)
{
  g_free (ranking->items);
  g_free (ranking);
}

void
lk_device_query_sort (LkDeviceQuery *self,
                      GPtrArray     *devices)
{
  g_return_if_fail (LK_IS_DEVICE_QUERY (self));

  if (devices != NULL && devices->len > 1)
    lk_device_ranking_free (lk_device_query_rank (self, devices));
}

/* A k-way merge through a tournament of the runs' heads (a loser tree): nothing is copied but
 * the result, written straight into @devices (fresh memory costs a page fault per 4 kB), and
 * each device taken costs one comparison per round of the tournament (log2 of the runs: 7 for
 * 100 pages), where a binary heap's sift costs two. With more than one core and many devices,
 * two merges run at once, one from the front (the smallest first) and one from the back (the
 * largest first), each writing its own end: the final ranking of a listing is the one step
 * after its last page. They meet wherever their work does: each claims devices to take a few
 * thousand at a time from one count of all of them, since the two halves seldom cost the same
 * (of a million whole devices, the names past the middle tie in their first bytes more often:
 * 78 against 111 ms). Devices that compare equal (the same name and id, which a listing never
 * keeps twice) are told apart by their run's number, so the two never both take one device. */
typedef struct
{
  const Ranked *head;    /* the next to take */
  guint         left;    /* how many are left, the head among them; 0: none, it loses to all */
  guint         run;
} Cursor;

typedef struct
{
  Cursor   *runs;
  guint     n_runs;
  /* tree[0]: the run whose head is taken next; tree[1 .. n_runs - 1]: the loser of each
   * match. Match i plays 2i and 2i + 1, where n_runs + r stands for run r. */
  guint    *tree;
  int       step;        /* 1: from the front; -1: from the back */
  gpointer *out;         /* the first slot written */
  Ranked   *ranked_out;  /* or, from the front only: where whole Ranked go (a merged run) */
  guint     n_total;     /* the devices both merges take together */
  gint     *claimed;     /* how many of them the merges have claimed, shared */
  const gint *stop;      /* set (by another thread): leave off at the next claim; or NULL */
  gboolean  stopped;
  LkRunMergerHook on_claim;  /* the run merger's test hook, after each claim; or NULL */
} Merge;

/* How many devices a merge claims at a time: a few thousand, so the two merges touch their
 * shared count once every few hundred microseconds. */
#define MERGE_CLAIM 4096

/* TRUE when run @a's head is taken before run @b's in @merge's direction. */
static inline gboolean
taken_before (const Merge *merge,
              guint        a,
              guint        b)
{
  const Cursor *x = &merge->runs[a];
  const Cursor *y = &merge->runs[b];
  int order;

  if (x->left == 0 || y->left == 0)
    return y->left == 0 && x->left != 0;
  order = compare_ranked_inline (x->head, y->head);
  if (order == 0)
    order = x->run < y->run ? -1 : 1;
  return order * merge->step < 0;
}

/* The first round: the winner of match @node, each match's loser kept. */
static guint
play_match (Merge *merge,
            guint  node)
{
  guint a, b;

  if (node >= merge->n_runs)
    return node - merge->n_runs;
  a = play_match (merge, 2 * node);
  b = play_match (merge, 2 * node + 1);
  if (taken_before (merge, a, b))
    {
      merge->tree[node] = b;
      return a;
    }
  merge->tree[node] = a;
  return b;
}

static gpointer
merge_run (gpointer data)
{
  Merge *merge = data;
  gpointer *out = merge->out;
  guint *tree = merge->tree;

  if (merge->n_runs == 0)
    return NULL;
  tree[0] = play_match (merge, 1);
  for (guint taken = 0, claim_end = 0; ; taken++)
    {
      guint winner = tree[0];
      Cursor *first = &merge->runs[winner];

      if (taken == claim_end)
        {
          guint start;

          if (merge->stop != NULL && g_atomic_int_get (merge->stop))
            {
              merge->stopped = TRUE;
              break;
            }
          start = (guint) g_atomic_int_add (merge->claimed, MERGE_CLAIM);
          if (start >= merge->n_total)
            break;
          claim_end = taken + MIN (MERGE_CLAIM, merge->n_total - start);
          if (merge->on_claim != NULL)
            merge->on_claim ();
        }

      if (merge->ranked_out != NULL)
        merge->ranked_out[taken] = *first->head;
      else
        {
          *out = (gpointer) first->head->device;
          out += merge->step;
        }
      if (--first->left > 0)
        {
          first->head += merge->step;
          /* Its next heads, and the rest of a long key, are most likely not in the cache: the
           * runs were written while the pages went through it. */
          if (first->left > 4)
            __builtin_prefetch (first->head + 4 * merge->step);
          if (first->left > 2 && first->head[2 * merge->step].key_longer)
            __builtin_prefetch (first->head[2 * merge->step].whole_key + PREFIX_BYTES);
        }
      /* Its head replays its matches, from its own up to the final. */
      for (guint node = (merge->n_runs + winner) / 2; node > 0; node /= 2)
        if (taken_before (merge, tree[node], winner))
          {
            guint loser = winner;

            winner = tree[node];
            tree[node] = loser;
          }
      tree[0] = winner;
    }
  return NULL;
}

/* A merge of @rankings' runs in @step's direction into @out onwards, taking its share of the
 * @n_total devices whose claims @claimed counts. */
static void
merge_init (Merge     *merge,
            GPtrArray *rankings,
            int        step,
            gpointer  *out,
            guint      n_total,
            gint      *claimed)
{
  merge->runs = g_new (Cursor, MAX (rankings->len, 1));
  merge->tree = g_new (guint, MAX (rankings->len, 1));
  merge->n_runs = 0;
  merge->step = step;
  merge->out = out;
  merge->ranked_out = NULL;
  merge->n_total = n_total;
  merge->claimed = claimed;
  merge->stop = NULL;
  merge->stopped = FALSE;
  merge->on_claim = NULL;
  for (guint r = 0; r < rankings->len; r++)
    {
      LkDeviceRanking *ranking = g_ptr_array_index (rankings, r);

      if (ranking->len > 0)
        merge->runs[merge->n_runs++] = (Cursor) { step > 0 ? ranking->items : ranking->items + ranking->len - 1,
                                                  ranking->len, r };
    }
}

static void
merge_clear (Merge *merge)
{
  g_free (merge->runs);
  g_free (merge->tree);
}

/* Below this many devices one merge is quicker than starting a thread (~0.1 ms). */
#define TWO_WAY_MERGE_MIN 4096

void
lk_device_query_merge (LkDeviceQuery *self,
                       GPtrArray     *rankings,
                       GPtrArray     *devices)
{
  Merge front, back;
  guint n = 0;
  gint claimed = 0;
  GThread *thread = NULL;

  g_return_if_fail (LK_IS_DEVICE_QUERY (self));

  for (guint r = 0; r < rankings->len; r++)
    n += ((LkDeviceRanking *) g_ptr_array_index (rankings, r))->len;
  g_return_if_fail (n == devices->len);
  /* The claims' count overshoots by up to a claim per merge. */
  g_return_if_fail (n <= G_MAXINT - 2 * MERGE_CLAIM);

  /* The same devices in a new order: no reference changes hands. */
  merge_init (&front, rankings, 1, devices->pdata, n, &claimed);
  if (n >= TWO_WAY_MERGE_MIN && g_get_num_processors () > 1)
    {
      merge_init (&back, rankings, -1, devices->pdata + n - 1, n, &claimed);
      thread = g_thread_new ("lk-merge", merge_run, &back);
    }
  merge_run (&front);
  if (thread != NULL)
    {
      g_thread_join (thread);
      merge_clear (&back);
    }
  merge_clear (&front);
}

/* --- merging runs while a listing goes on ---------------------------------------------------- */

/* The final merge of a million devices in 1000 runs makes ten comparisons a device after the
 * last page, ~95 ms on both cores. Meanwhile the cores are not quite full: the reader waits for
 * a page now and then, and the receiving side idles between them (a twelfth of both cores at
 * 1 M). A thread at the lowest priority merges the runs in groups as they come, on that idle
 * time only, so the final merge has a sixteenth of the runs and four rounds fewer. It is never
 * waited for with work left: finishing takes whatever it has merged, and the runs it has not
 * (the group in hand goes back whole at its next claim, a few thousand devices later). */
struct _LkRunMerger
{
  gatomicrefcount refs;      /* the caller's and the thread's */
  GMutex          lock;
  GCond           cond;
  guint           group;
  GPtrArray      *ready;     /* runs for the final merge: merged groups, and runs as they came */
  GPtrArray      *waiting;   /* runs not taken into a group yet */
  gint            stop;
  gboolean        started;
  gboolean        running;   /* the thread has work in hand, or may take some */
  guint           n_merged;  /* groups merged (for tests) */
  GPtrArray      *devices;   /* abandoned: what the runs borrow, kept until the thread ends */
};

static void
run_merger_unref (LkRunMerger *merger)
{
  if (!g_atomic_ref_count_dec (&merger->refs))
    return;
  g_ptr_array_unref (merger->ready);
  g_ptr_array_unref (merger->waiting);
  g_clear_pointer (&merger->devices, g_ptr_array_unref);
  g_mutex_clear (&merger->lock);
  g_cond_clear (&merger->cond);
  g_free (merger);
}

static LkRunMergerHook claim_hook;

void
lk_run_merger_set_claim_hook (LkRunMergerHook hook)
{
  g_atomic_pointer_set (&claim_hook, hook);
}

/* @group's runs merged into one; NULL when *@stop was set first. */
static LkDeviceRanking *
merge_group (GPtrArray  *group,
             const gint *stop)
{
  Merge merge;
  gint claimed = 0;
  guint n = 0;
  LkDeviceRanking *merged;

  for (guint r = 0; r < group->len; r++)
    n += ((LkDeviceRanking *) g_ptr_array_index (group, r))->len;
  merged = g_new0 (LkDeviceRanking, 1);
  merged->len = n;
  merged->items = g_new (Ranked, MAX (n, 1));
  merge_init (&merge, group, 1, NULL, n, &claimed);
  merge.ranked_out = merged->items;
  merge.stop = stop;
  merge.on_claim = g_atomic_pointer_get (&claim_hook);
  merge_run (&merge);
  merge_clear (&merge);
  if (merge.stopped)
    g_clear_pointer (&merged, lk_device_ranking_free);
  return merged;
}

static gpointer
run_merger_thread (gpointer data)
{
  LkRunMerger *merger = data;

#ifdef __linux__
  /* Linux sets a thread's nice value on its own. Without the lowest priority the merging
   * would take its share of a core from the reader and the receiving thread: better none. */
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 19) != 0)
    g_atomic_int_set (&merger->stop, TRUE);
#endif
  g_mutex_lock (&merger->lock);
  while (!g_atomic_int_get (&merger->stop))
    {
      g_autoptr(GPtrArray) group = NULL;
      LkDeviceRanking *merged;

      if (merger->waiting->len < merger->group)
        {
          g_cond_wait (&merger->cond, &merger->lock);
          continue;
        }
      group = g_ptr_array_new_full (merger->group, (GDestroyNotify) lk_device_ranking_free);
      for (guint r = 0; r < merger->group; r++)
        g_ptr_array_add (group, g_ptr_array_steal_index (merger->waiting, 0));
      g_mutex_unlock (&merger->lock);
      merged = merge_group (group, &merger->stop);
      g_mutex_lock (&merger->lock);
      if (merged != NULL)
        {
          g_ptr_array_add (merger->ready, merged);
          merger->n_merged++;
        }
      else
        g_ptr_array_extend_and_steal (merger->ready, g_steal_pointer (&group));
    }
  merger->running = FALSE;
  g_cond_broadcast (&merger->cond);
  g_mutex_unlock (&merger->lock);
  run_merger_unref (merger);
  return NULL;
}

LkRunMerger *
lk_run_merger_new (guint group)
{
  LkRunMerger *merger;

  g_return_val_if_fail (group >= 2, NULL);
  merger = g_new0 (LkRunMerger, 1);
  g_atomic_ref_count_init (&merger->refs);
  g_mutex_init (&merger->lock);
  g_cond_init (&merger->cond);
  merger->group = group;
  merger->ready = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_device_ranking_free);
  merger->waiting = g_ptr_array_new_with_free_func ((GDestroyNotify) lk_device_ranking_free);
  return merger;
}

void
lk_run_merger_add (LkRunMerger     *merger,
                   LkDeviceRanking *ranking)
{
  gboolean start;

  g_mutex_lock (&merger->lock);
  g_ptr_array_add (merger->waiting, ranking);
  /* The thread starts with the first group: a listing of a few pages never has one. */
  start = !merger->started && merger->waiting->len >= merger->group;
  if (start)
    {
      merger->started = merger->running = TRUE;
      g_atomic_ref_count_inc (&merger->refs);
    }
  g_cond_signal (&merger->cond);
  g_mutex_unlock (&merger->lock);
  if (start)
    {
      GThread *thread = NULL;

      /* Elsewhere no thread can be given the lowest priority on its own: no merging. */
#ifdef __linux__
      thread = g_thread_try_new ("lk-run-merger", run_merger_thread, merger, NULL);
#endif
      if (thread != NULL)
        g_thread_unref (thread);
      else
        {
          g_mutex_lock (&merger->lock);
          merger->running = FALSE;
          g_mutex_unlock (&merger->lock);
          run_merger_unref (merger);
        }
    }
}

guint
lk_run_merger_get_n_merged (LkRunMerger *merger)
{
  guint n;

  g_mutex_lock (&merger->lock);
  n = merger->n_merged;
  g_mutex_unlock (&merger->lock);
  return n;
}

GPtrArray *
lk_run_merger_finish (LkRunMerger *merger)
{
  GPtrArray *runs;

  g_mutex_lock (&merger->lock);
  g_atomic_int_set (&merger->stop, TRUE);
  g_cond_broadcast (&merger->cond);
  /* At most the claim in hand: a few thousand devices, on cores the listing no longer uses. */
  while (merger->running)
    g_cond_wait (&merger->cond, &merger->lock);
  runs = g_steal_pointer (&merger->ready);
  g_ptr_array_extend_and_steal (runs, g_steal_pointer (&merger->waiting));
  merger->ready = g_ptr_array_new ();
  merger->waiting = g_ptr_array_new ();
  g_mutex_unlock (&merger->lock);
  run_merger_unref (merger);
  return runs;
}

void
lk_run_merger_abandon (LkRunMerger *merger,
                       GPtrArray   *devices)
{
  g_mutex_lock (&merger->lock);
  g_atomic_int_set (&merger->stop, TRUE);
  g_cond_broadcast (&merger->cond);
  /* The thread may be comparing these devices' names: it lets them go when it ends. */
  merger->devices = devices;
  g_mutex_unlock (&merger->lock);
  run_merger_unref (merger);
}
