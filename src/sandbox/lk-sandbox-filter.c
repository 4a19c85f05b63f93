/* lk-sandbox-filter.c: the OData $filter subset Intune's managedDevices accepts, with the
 * service's observed quirks: startswith behaves like contains, an `or` mixing eq and contains
 * keeps only its left-most operand, and anything unsupported (another member, another
 * function, a syntax error) makes the service drop the whole filter silently.
 *
 * SPDX-FileCopyrightText: 2026 The Latchkey authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "lk-sandbox-private.h"

typedef enum
{
  NODE_EQ,
  NODE_CONTAINS,   /* contains() and startswith() */
  NODE_AND,
  NODE_OR,
  NODE_OTHER_FUNCTION, /* parsed so the filter can be ignored as a whole */
} NodeKind;

typedef struct _Node Node;
struct _Node
{
  NodeKind   kind;
  char      *member;   /* leaves */
  char      *literal;  /* leaves, unescaped */
  SbField    field;
  GPtrArray *children; /* AND/OR, of Node */
};

struct _SbFilter
{
  Node *root;
};

typedef struct
{
  const char *p;
  gboolean    failed;
} Parser;

static void
node_free (gpointer data)
{
  Node *node = data;

  if (node == NULL)
    return;
  g_free (node->member);
  g_free (node->literal);
  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_free (node);
}

static Node *
node_new_group (NodeKind kind, Node *first)
{
  Node *node = g_new0 (Node, 1);

  node->kind = kind;
  node->children = g_ptr_array_new_with_free_func (node_free);
  g_ptr_array_add (node->children, first);
  return node;
}

static void
skip_space (Parser *ps)
{
  while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
    ps->p++;
}

static gboolean
accept_char (Parser *ps, char c)
{
  skip_space (ps);
  if (*ps->p != c)
    return FALSE;
  ps->p++;
  return TRUE;
}

static char *
read_ident (Parser *ps)
{
  const char *start;

  skip_space (ps);
  start = ps->p;
  while (g_ascii_isalnum (*ps->p) || *ps->p == '_' || *ps->p == '/' || *ps->p == '.')
    ps->p++;
  if (ps->p == start)
    return NULL;
  return g_strndup (start, ps->p - start);
}

/* Keywords must stand alone: "order" is not "or" followed by "der". */
static gboolean
accept_keyword (Parser *ps, const char *keyword)
{
  gsize len = strlen (keyword);

  skip_space (ps);
  if (strncmp (ps->p, keyword, len) != 0)
    return FALSE;
  if (g_ascii_isalnum (ps->p[len]) || ps->p[len] == '_')
    return FALSE;
  ps->p += len;
  return TRUE;
}

static char *
read_string (Parser *ps)
{
  g_autoptr(GString) out = g_string_new (NULL);

  skip_space (ps);
  if (*ps->p != '\'')
    return NULL;
  ps->p++;
  for (;;)
    {
      if (*ps->p == '\0')
        return NULL;
      if (*ps->p == '\'')
        {
          if (ps->p[1] != '\'')
            break;
          ps->p++;  /* '' is an escaped quote */
        }
      g_string_append_c (out, *ps->p);
      ps->p++;
    }
  ps->p++;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static Node *parse_or (Parser *ps);

static Node *
parse_primary (Parser *ps)
{
  g_autofree char *ident = NULL;
  Node *node;

  if (accept_char (ps, '('))
    {
      node = parse_or (ps);
      if (node == NULL || !accept_char (ps, ')'))
        {
          node_free (node);
          return NULL;
        }
      return node;
    }

  ident = read_ident (ps);
  if (ident == NULL)
    return NULL;

  node = g_new0 (Node, 1);
  if (accept_char (ps, '('))
    {
      if (g_str_equal (ident, "contains") || g_str_equal (ident, "startswith"))
        node->kind = NODE_CONTAINS;
      else
        node->kind = NODE_OTHER_FUNCTION;
      node->member = read_ident (ps);
      if (node->member == NULL || !accept_char (ps, ',')
          || (node->literal = read_string (ps)) == NULL || !accept_char (ps, ')'))
        {
          node_free (node);
          return NULL;
        }
      return node;
    }

  node->kind = NODE_EQ;
  node->member = g_steal_pointer (&ident);
  if (!accept_keyword (ps, "eq") || (node->literal = read_string (ps)) == NULL)
    {
      node_free (node);
      return NULL;
    }
  return node;
}

static Node *
parse_and (Parser *ps)
{
  Node *left = parse_primary (ps);
  Node *group = NULL;

  if (left == NULL)
    return NULL;
  while (accept_keyword (ps, "and"))
    {
      Node *right = parse_primary (ps);

      if (right == NULL)
        {
          node_free (group != NULL ? group : left);
          return NULL;
        }
      if (group == NULL)
        group = node_new_group (NODE_AND, left);
      g_ptr_array_add (group->children, right);
    }
  return group != NULL ? group : left;
}

static Node *
parse_or (Parser *ps)
{
  Node *left = parse_and (ps);
  Node *group = NULL;

  if (left == NULL)
    return NULL;
  while (accept_keyword (ps, "or"))
    {
      Node *right = parse_and (ps);

      if (right == NULL)
        {
          node_free (group != NULL ? group : left);
          return NULL;
        }
      if (group == NULL)
        group = node_new_group (NODE_OR, left);
      g_ptr_array_add (group->children, right);
    }
  return group != NULL ? group : left;
}

/* Bit 0: uses eq, bit 1: uses contains. */
static guint
functions_used (const Node *node)
{
  guint used = 0;

  if (node->children == NULL)
    return node->kind == NODE_EQ ? 1 : 2;
  for (guint i = 0; i < node->children->len; i++)
    used |= functions_used (g_ptr_array_index (node->children, i));
  return used;
}

/* Emulates the service dropping the right operands of an `or` that mixes functions. */
static Node *
simplify (Node *node)
{
  if (node->children == NULL)
    return node;
  for (guint i = 0; i < node->children->len; i++)
    node->children->pdata[i] = simplify (node->children->pdata[i]);
  if (node->kind == NODE_OR && functions_used (node) == 3)
    {
      Node *first = g_ptr_array_steal_index (node->children, 0);

      node_free (node);
      return first;
    }
  return node;
}

/* Microsoft's metadata: which member supports which function. */
static gboolean
leaf_supported (Node *node)
{
  static const char *const eq_members[] = {
    "deviceName", "userPrincipalName", "serialNumber", "imei", "operatingSystem",
    "complianceState", "managementAgent", NULL,
  };
  static const char *const contains_members[] = {
    "deviceName", "emailAddress", "osVersion", "model", NULL,
  };

  if (node->kind == NODE_EQ && g_strv_contains (eq_members, node->member))
    return sb_field_from_name (node->member, TRUE, &node->field);
  if (node->kind == NODE_CONTAINS && g_strv_contains (contains_members, node->member))
    return sb_field_from_name (node->member, TRUE, &node->field);
  return FALSE;
}

static gboolean
supported (Node *node)
{
  if (node->children == NULL)
    return leaf_supported (node);
  for (guint i = 0; i < node->children->len; i++)
    if (!supported (g_ptr_array_index (node->children, i)))
      return FALSE;
  return TRUE;
}

SbFilter *
sb_filter_parse (const char *text)
{
  Parser ps = { text, FALSE };
  Node *root;
  SbFilter *filter;

  if (text == NULL)
    return NULL;
  root = parse_or (&ps);
  if (root == NULL)
    return NULL;
  skip_space (&ps);
  if (*ps.p != '\0')
    {
      node_free (root);
      return NULL;
    }
  root = simplify (root);
  if (!supported (root))
    {
      node_free (root);
      return NULL;
    }
  filter = g_new0 (SbFilter, 1);
  filter->root = root;
  return filter;
}

void
sb_filter_free (SbFilter *filter)
{
  if (filter == NULL)
    return;
  node_free (filter->root);
  g_free (filter);
}

static gboolean
contains_ci (const char *haystack, const char *needle)
{
  gsize n = strlen (needle);

  for (; *haystack != '\0'; haystack++)
    if (g_ascii_strncasecmp (haystack, needle, n) == 0)
      return TRUE;
  return n == 0;
}

static gboolean
node_matches (const Node *node, const SbDevice *dev)
{
  const char *value;

  switch (node->kind)
    {
    case NODE_AND:
      for (guint i = 0; i < node->children->len; i++)
        if (!node_matches (g_ptr_array_index (node->children, i), dev))
          return FALSE;
      return TRUE;
    case NODE_OR:
      for (guint i = 0; i < node->children->len; i++)
        if (node_matches (g_ptr_array_index (node->children, i), dev))
          return TRUE;
      return FALSE;
    case NODE_EQ:
    case NODE_CONTAINS:
    case NODE_OTHER_FUNCTION:
    default:
      value = dev->s[node->field];
      if (value == NULL)
        return FALSE;
      if (node->kind == NODE_EQ)
        return g_ascii_strcasecmp (value, node->literal) == 0;
      return contains_ci (value, node->literal);
    }
}

gboolean
sb_filter_matches (const SbFilter *filter, const SbDevice *dev)
{
  return filter == NULL || node_matches (filter->root, dev);
}
