/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* YAML reader on libyaml's event API. The document API (yaml_document_t)
 * would build its own tree first and expand nothing: aliases would still
 * need resolving, and its node limits are not ours. With events the tree is
 * built once, each node gets its position, and hostile input is cut off as
 * soon as a limit is crossed:
 *  - anchors and aliases work by copying the anchored subtree; before each
 *    copy its size is added to the running node count, so a "billion laughs"
 *    document fails after at most TD_DOC_MAX_NODES small allocations;
 *  - nesting (including what an alias would add) stops at TD_DOC_MAX_DEPTH.
 * Merge keys (`<<: *base`) are refused with an error rather than read as a
 * key named "<<": a silent misread would drop the operator's limits, and the
 * policy model has plan inheritance for sharing settings. */
#include <yaml.h>

#include "node-internal.h"

/* Policies use a handful of anchors; a cap keeps alias look-ups cheap. */
#define YP_ANCHORS_MAX 1024

typedef struct yp_anchor {
        char *name;
        uint32_t hash;
        const td_node *node;     /* owned by the tree being built */
        size_t count;
        unsigned height;
} yp_anchor;

typedef struct yp_frame {
        td_node *node;           /* the open sequence or mapping */
        td_node *key;            /* mapping: key still waiting for its value */
        char *anchor;            /* registered when the collection closes */
} yp_frame;

typedef struct yp {
        const char *file;        /* interned in ds */
        td_diags *ds;
        yp_frame stack[TD_DOC_MAX_DEPTH];
        unsigned depth;
        td_node *root;
        yp_anchor *anchors;
        size_t n_anchors, cap_anchors;
        size_t nodes;            /* nodes created so far, alias copies included */
        unsigned docs;
        bool failed;             /* an error was reported; keep reading for more */
} yp;

static td_mark yp_mark(const yp *p, yaml_mark_t m) {
        return (td_mark) { p->file, (unsigned) m.line + 1, (unsigned) m.column + 1 };
}

static uint32_t hash_name(const char *s) {
        uint32_t h = 2166136261u;  /* FNV-1a */
        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 16777619u;
        return h;
}

static void yp_done(yp *p) {
        for (unsigned i = 0; i < p->depth; i++) {
                td_node_free(p->stack[i].node);
                td_node_free(p->stack[i].key);
                free(p->stack[i].anchor);
        }
        p->depth = 0;
        for (size_t i = 0; i < p->n_anchors; i++)
                free(p->anchors[i].name);
        free(p->anchors);
        td_node_free(p->root);
}

/* The key path of what is being built at stack depth `depth`: a list
 * contributes the index of its next item, a mapping its pending key (none
 * while the key itself is being read). */
static char *yp_path(const yp *p, unsigned depth) {
        td_path path = {};

        for (unsigned i = 0; i < depth; i++) {
                const yp_frame *f = &p->stack[i];
                if (f->node->type == TD_NODE_SEQ)
                        path.seg[path.n++].index = f->node->n;
                else if (f->key)
                        path.seg[path.n++].key = f->key->type == TD_NODE_SCALAR ? f->key->scalar : "?";
        }
        return td_path_format(&path, path.n, NULL);
}

/* Record an error at the current key path and keep reading for more.
 * Returns 0, or -ENOMEM. */
static int yp_error(yp *p, td_mark mark, const char *fmt, ...) _printf_(3, 4);
static int yp_error(yp *p, td_mark mark, const char *fmt, ...) {
        _cleanup_free_ char *key = yp_path(p, p->depth);
        va_list ap;
        int r;

        if (!key)
                return -ENOMEM;
        p->failed = true;
        va_start(ap, fmt);
        r = td_diag_addv(p->ds, TD_SEV_ERROR, mark, *key ? key : NULL, fmt, ap);
        va_end(ap);
        return r == -ENOMEM ? r : 0;
}

/* For limits and other errors that end the parse: -EINVAL (or -ENOMEM). */
#define yp_fatal(p, mark, ...) ({ int _r = yp_error((p), (mark), __VA_ARGS__); _r < 0 ? _r : -EINVAL; })

static int yp_count(yp *p, size_t add, td_mark mark) {
        if (add > TD_DOC_MAX_NODES || p->nodes + add > TD_DOC_MAX_NODES)
                return yp_fatal(p, mark, "document has more than %d nodes once aliases are expanded",
                                TD_DOC_MAX_NODES);
        p->nodes += add;
        return 0;
}

static int yp_too_deep(yp *p, td_mark mark) {
        return yp_fatal(p, mark, "nesting is deeper than %d levels", TD_DOC_MAX_DEPTH);
}

static int yp_add_anchor(yp *p, const char *name, const td_node *n, td_mark mark) {
        yp_anchor *a;

        if (p->n_anchors >= YP_ANCHORS_MAX)
                return yp_fatal(p, mark, "more than %d anchors", YP_ANCHORS_MAX);
        a = td_grow((void **) &p->anchors, &p->n_anchors, &p->cap_anchors, sizeof *a);
        if (!a)
                return -ENOMEM;
        a->name = strdup(name);
        if (!a->name) {
                p->n_anchors--;
                return -ENOMEM;
        }
        a->hash = hash_name(name);
        a->node = n;
        td_node_measure(n, &a->count, &a->height);
        return 0;
}

/* YAML lets an anchor be redefined; an alias refers to the latest one. */
static const yp_anchor *yp_find_anchor(const yp *p, const char *name) {
        uint32_t h = hash_name(name);
        for (size_t i = p->n_anchors; i > 0; i--)
                if (p->anchors[i - 1].hash == h && streq(p->anchors[i - 1].name, name))
                        return &p->anchors[i - 1];
        return NULL;
}

/* Attach a finished node (owned) to the open collection, or make it the
 * root. */
static int yp_insert(yp *p, td_node *n) {
        _cleanup_(td_node_freep) td_node *node = n;
        yp_frame *top;
        int r;

        if (p->depth == 0) {
                td_node_free(p->root);
                p->root = TAKE_PTR(node);
                return 0;
        }
        top = &p->stack[p->depth - 1];
        if (top->node->type == TD_NODE_SEQ) {
                r = td_node_append(top->node, NULL, node);
                if (r < 0)
                        return r;
                TAKE_PTR(node);
                return 0;
        }
        if (!top->key) {
                /* Still kept as the key so the events pair up; the tree is
                 * discarded because of the error. */
                if (node->type != TD_NODE_SCALAR)
                        r = yp_error(p, node->mark, "expected a scalar mapping key, got %s",
                                     td_node_describe(node));
                else if (!node->quoted && streq(node->scalar, "<<"))
                        r = yp_error(p, node->mark, "merge keys (<<) are not supported; "
                                     "write the keys out or use plan inheritance");
                else
                        r = 0;
                if (r < 0)
                        return r;
                top->key = TAKE_PTR(node);
                return 0;
        }
        r = td_node_append(top->node, top->key, node);
        if (r < 0)
                return r;
        top->key = NULL;
        TAKE_PTR(node);
        return 0;
}

static int yp_scalar(yp *p, const yaml_event_t *e) {
        const char *v = (const char *) e->data.scalar.value;
        size_t len = e->data.scalar.length;
        yaml_scalar_style_t style = e->data.scalar.style;
        td_mark mark = yp_mark(p, e->start_mark);
        bool quoted = style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
        bool is_null = false;
        td_node *n;
        int r;

        r = yp_count(p, 1, mark);
        if (r < 0)
                return r;
        /* "\0" in a double-quoted string would silently cut a C string (a
         * path, a user name) short. */
        if (memchr(v, '\0', len))
                return yp_fatal(p, mark, "NUL characters are not allowed in strings");
        if (style == YAML_PLAIN_SCALAR_STYLE)
                is_null = len == 0 || streq(v, "~") || streq(v, "null") || streq(v, "Null") ||
                          streq(v, "NULL");
        n = td_node_new_scalar(mark, v, len, quoted, is_null);
        if (!n)
                return -ENOMEM;
        if (e->data.scalar.anchor) {
                r = yp_add_anchor(p, (const char *) e->data.scalar.anchor, n, mark);
                if (r < 0) {
                        td_node_free(n);
                        return r;
                }
        }
        return yp_insert(p, n);
}

static int yp_open(yp *p, const yaml_event_t *e, td_node_type type) {
        const yaml_char_t *anchor = type == TD_NODE_MAP ? e->data.mapping_start.anchor
                                                        : e->data.sequence_start.anchor;
        td_mark mark = yp_mark(p, e->start_mark);
        yp_frame *f;
        int r;

        if (p->depth >= TD_DOC_MAX_DEPTH)
                return yp_too_deep(p, mark);
        r = yp_count(p, 1, mark);
        if (r < 0)
                return r;
        f = &p->stack[p->depth];
        *f = (yp_frame) {};
        f->node = td_node_new(type, mark);
        if (!f->node)
                return -ENOMEM;
        if (anchor) {
                f->anchor = strdup((const char *) anchor);
                if (!f->anchor) {
                        td_node_free(f->node);
                        return -ENOMEM;
                }
        }
        p->depth++;
        return 0;
}

static int yp_close(yp *p) {
        yp_frame f;
        int r = 0;

        if (p->depth == 0)
                return -EINVAL;  /* libyaml pairs its events; cannot happen */
        f = p->stack[--p->depth];
        p->stack[p->depth] = (yp_frame) {};
        td_node_free(f.key);  /* only set after an error */
        if (f.node->type == TD_NODE_MAP) {
                _cleanup_free_ char *path = yp_path(p, p->depth);
                if (!path)
                        r = -ENOMEM;
                else
                        r = td_node_check_duplicates(f.node, path, p->ds);
                if (r == -EINVAL)
                        p->failed = true;
                else if (r < 0)
                        goto fail;
        }
        if (f.anchor) {
                r = yp_add_anchor(p, f.anchor, f.node, f.node->mark);
                if (r < 0)
                        goto fail;
                free(f.anchor);
        }
        return yp_insert(p, f.node);
fail:
        free(f.anchor);
        td_node_free(f.node);
        return r;
}

static int yp_alias(yp *p, const yaml_event_t *e) {
        const char *name = (const char *) e->data.alias.anchor;
        td_mark mark = yp_mark(p, e->start_mark);
        const yp_anchor *a = yp_find_anchor(p, name);
        td_node *copy;
        int r;

        /* An anchor is registered when its node is complete, so an alias
         * inside its own anchored node ("&a [*a]") is unknown here. */
        if (!a)
                return yp_fatal(p, mark, "unknown anchor \"%s\" (aliases must follow a complete anchored node)",
                                name);
        if (p->depth + a->height > TD_DOC_MAX_DEPTH)
                return yp_too_deep(p, mark);
        r = yp_count(p, a->count, mark);
        if (r < 0)
                return r;
        copy = td_node_dup(a->node);
        if (!copy)
                return -ENOMEM;
        /* The copy sits where the alias was written; what is inside it keeps
         * pointing at the anchored original, where it can be fixed. */
        copy->mark = mark;
        return yp_insert(p, copy);
}

static int yp_document_start(yp *p, const yaml_event_t *e) {
        if (p->docs++ > 0)
                return yp_fatal(p, yp_mark(p, e->start_mark),
                                "expected a single YAML document, got a second one");
        return 0;
}

/* Convert libyaml's 0-based marks and problem strings into a diagnostic. */
static int yp_syntax_error(yp *p, const yaml_parser_t *parser, const char *text, size_t len) {
        td_mark mark;
        char ctx[256] = "";

        if (parser->error == YAML_MEMORY_ERROR)
                return -ENOMEM;
        if (parser->error == YAML_READER_ERROR) {
                /* Reader errors carry a byte offset, not a mark. */
                unsigned line = 1, col = 1;
                for (size_t i = 0; i < parser->problem_offset && i < len; i++) {
                        if (text[i] == '\n') {
                                line++;
                                col = 1;
                        } else if (((unsigned char) text[i] & 0xc0) != 0x80)
                                col++;
                }
                mark = (td_mark) { p->file, line, col };
                if (parser->problem_value >= 0)
                        snprintf(ctx, sizeof ctx, " (byte 0x%02x)", (unsigned) parser->problem_value);
        } else {
                mark = yp_mark(p, parser->problem_mark);
                if (parser->context)
                        snprintf(ctx, sizeof ctx, " (%s at line %zu, column %zu)", parser->context,
                                 parser->context_mark.line + 1, parser->context_mark.column + 1);
        }
        p->failed = true;
        if (td_diag_error(p->ds, mark, NULL, "YAML syntax error: %s%s",
                          parser->problem ? parser->problem : "malformed input", ctx) == -ENOMEM)
                return -ENOMEM;
        return -EINVAL;
}

static int yp_event(yp *p, const yaml_event_t *e, bool *done) {
        switch (e->type) {
        case YAML_STREAM_END_EVENT:
                *done = true;
                return 0;
        case YAML_DOCUMENT_START_EVENT:
                return yp_document_start(p, e);
        case YAML_SCALAR_EVENT:
                return yp_scalar(p, e);
        case YAML_SEQUENCE_START_EVENT:
                return yp_open(p, e, TD_NODE_SEQ);
        case YAML_MAPPING_START_EVENT:
                return yp_open(p, e, TD_NODE_MAP);
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
                return yp_close(p);
        case YAML_ALIAS_EVENT:
                return yp_alias(p, e);
        case YAML_NO_EVENT:
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
        default:
                return 0;
        }
}

int td_yaml_parse(const char *file, const char *text, size_t len, td_node **ret, td_diags *ds) {
        _cleanup_(yaml_parser_delete) yaml_parser_t parser = {};
        yp p = { .ds = ds };
        bool done = false;
        int r = 0;

        p.file = td_diags_intern(ds, file ? file : "<input>");
        if (!p.file)
                return -ENOMEM;
        if (len > TD_DOC_MAX_BYTES)
                return td_diag_error(ds, (td_mark) { p.file }, NULL, "document is larger than the %d-byte limit",
                                     TD_DOC_MAX_BYTES);
        if (!yaml_parser_initialize(&parser))
                return -ENOMEM;
        /* libyaml asserts on a NULL input, even an empty one. */
        yaml_parser_set_input_string(&parser, (const unsigned char *) (text ? text : ""), text ? len : 0);

        while (!done) {
                _cleanup_(yaml_event_delete) yaml_event_t e = {};

                if (!yaml_parser_parse(&parser, &e)) {
                        r = yp_syntax_error(&p, &parser, text, len);
                        break;
                }
                r = yp_event(&p, &e, &done);
                if (r < 0)
                        break;
        }
        if (r == 0 && p.failed)
                r = -EINVAL;
        if (r == 0 && !p.root) {
                /* An empty file, or only comments: a null document. */
                p.root = td_node_new_scalar((td_mark) { p.file, 1, 1 }, "", 0, false, true);
                if (!p.root)
                        r = -ENOMEM;
        }
        if (r == 0)
                *ret = TAKE_PTR(p.root);
        yp_done(&p);
        return r;
}
