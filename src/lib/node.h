/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A small document tree shared by the YAML (libyaml) and JSON readers.
 * Policies are YAML; seccomp profiles are JSON (OCI / Moby). Both become the
 * same tree of scalars, sequences and mappings, each node carrying the
 * position it came from, so one schema walker produces one style of error
 * for both formats. */

#include "diag.h"

typedef enum td_node_type {
        TD_NODE_SCALAR,
        TD_NODE_SEQ,
        TD_NODE_MAP,
        _TD_NODE_TYPE_MAX,
        _TD_NODE_TYPE_INVALID = -EINVAL,
} td_node_type;

typedef struct td_node td_node;
struct td_node {
        td_node_type type;
        td_mark mark;          /* where the node starts */
        char *scalar;          /* TD_NODE_SCALAR: text, NUL-terminated */
        bool quoted;           /* scalar was quoted ('', "" or a JSON string) */
        bool is_null;          /* YAML ~ / null / empty, JSON null */
        size_t n;              /* SEQ: items; MAP: pairs */
        td_node **items;       /* SEQ items, or MAP values */
        td_node **keys;        /* MAP keys (always scalars), NULL for SEQ */
};

/* Limits that keep hostile input cheap. A file is read whole, so the size
 * limit bounds memory; alias expansion is bounded by counting the nodes
 * that a fully expanded document would have (billion laughs). */
#define TD_DOC_MAX_BYTES   (1024 * 1024)
#define TD_DOC_MAX_NODES   100000
#define TD_DOC_MAX_DEPTH   64

/* Parse YAML text (one document; an empty document yields a NULL-scalar
 * node). `file` is used for marks and interned in `ds`. Returns 0 and a tree
 * owned by the caller, or -EINVAL with at least one error in `ds`
 * (syntax error, multiple documents, alias bomb, non-scalar mapping key,
 * duplicate mapping key, too deep), or -ENOMEM. Aliases are expanded into
 * copies of the anchored node (the copy's own mark is the alias); merge keys
 * (`<<: *x`) are refused. Tags are ignored. Marks point at `file` as interned
 * in ds, so the tree must not outlive ds if marks are used. */
int td_yaml_parse(const char *file, const char *text, size_t len, td_node **ret, td_diags *ds);

/* Parse JSON text (RFC 8259) with the same contract as td_yaml_parse. */
int td_json_parse(const char *file, const char *text, size_t len, td_node **ret, td_diags *ds);

/* Read `path` (refusing files over TD_DOC_MAX_BYTES with an error naming the
 * limit, and anything but a regular file: a FIFO must not hang the reader)
 * and parse it as YAML or, with `json`, as JSON. A file that cannot be
 * opened or read returns its -errno (-ENOENT, -EACCES, -EISDIR) with an
 * error in ds. */
int td_doc_load(const char *path, bool json, td_node **ret, td_diags *ds);

/* Free a tree. Accepts NULL. */
void td_node_free(td_node *n);
DEFINE_TRIVIAL_CLEANUP_FUNC(td_node *, td_node_free);

/* Deep copy; NULL on ENOMEM. Marks are copied (file pointers shared). */
td_node *td_node_dup(const td_node *n);

/* Look up a key in a mapping; NULL when absent or `map` is not a mapping. */
td_node *td_node_get(const td_node *map, const char *key);

/* Human name of a node's type for messages: "a mapping", "a list",
 * "a string", "null". */
const char *td_node_describe(const td_node *n);
