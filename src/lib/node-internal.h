/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Tree-building helpers shared by the YAML and JSON readers (node.c). Not for
 * consumers of the tree: they only read it through node.h. */

#include "node.h"

/* A new empty node, or NULL on ENOMEM. */
td_node *td_node_new(td_node_type type, td_mark mark);

/* A scalar holding a copy of text[0..len), or NULL on ENOMEM. */
td_node *td_node_new_scalar(td_mark mark, const char *text, size_t len, bool quoted, bool is_null);

/* Append to a sequence (key must be NULL) or a mapping (key required).
 * Takes ownership of key and value on success only. -ENOMEM, or -EINVAL
 * when the arguments do not fit the parent's type. */
int td_node_append(td_node *parent, td_node *key, td_node *value);

/* Count the nodes of a subtree (keys included) and its nesting height (a
 * scalar is 0, a list of scalars 1). Recursion is bounded by the readers'
 * TD_DOC_MAX_DEPTH. */
void td_node_measure(const td_node *n, size_t *ret_count, unsigned *ret_height);

/* Report each repeated key of a mapping as an error at the repeat, naming
 * the key and where it was first written. `path` is the dotted path of the
 * mapping itself ("" at the top). Returns 0, -EINVAL when a duplicate was
 * found, -ENOMEM. Runs in O(n log n) so hostile input stays cheap. */
int td_node_check_duplicates(const td_node *map, const char *path, td_diags *ds);

/* Where the readers are inside the document, for error key paths like
 * "io.devices[0].device". Segments point into the tree being built. */
typedef struct td_path {
        struct {
                const char *key;   /* mapping key, or NULL for a list index */
                size_t index;
        } seg[TD_DOC_MAX_DEPTH + 1];
        unsigned n;
} td_path;

/* Render the first n segments of path, plus `last` when non-NULL.
 * Caller frees; NULL on ENOMEM. */
char *td_path_format(const td_path *path, unsigned n, const char *last);
