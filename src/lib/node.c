/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The document tree: construction helpers for the readers (node-internal.h)
 * and the read-only API of node.h. */
#include <fcntl.h>
#include <sys/stat.h>

#include "node-internal.h"

td_node *td_node_new(td_node_type type, td_mark mark) {
        td_node *n = calloc(1, sizeof *n);
        if (!n)
                return NULL;
        n->type = type;
        n->mark = mark;
        return n;
}

td_node *td_node_new_scalar(td_mark mark, const char *text, size_t len, bool quoted, bool is_null) {
        td_node *n = td_node_new(TD_NODE_SCALAR, mark);
        if (!n)
                return NULL;
        n->scalar = malloc(len + 1);
        if (!n->scalar) {
                free(n);
                return NULL;
        }
        if (len)
                memcpy(n->scalar, text, len);
        n->scalar[len] = '\0';
        n->quoted = quoted;
        n->is_null = is_null;
        return n;
}

/* td_node has no capacity field; the capacity is implied by n: 4 for the
 * first items, then the next power of two. Growing happens exactly when n
 * reaches it. */
static bool node_full(size_t n) {
        return n == 0 || (n >= 4 && (n & (n - 1)) == 0);
}

static int grow_array(td_node ***array, size_t n) {
        size_t cap = n == 0 ? 4 : n * 2;
        td_node **p;

        if (cap > SIZE_MAX / sizeof(td_node *))
                return -ENOMEM;
        p = realloc(*array, cap * sizeof(td_node *));
        if (!p)
                return -ENOMEM;
        *array = p;
        return 0;
}

int td_node_append(td_node *parent, td_node *key, td_node *value) {
        if (!parent || !value || parent->type == TD_NODE_SCALAR ||
            (parent->type == TD_NODE_MAP) != !!key)
                return -EINVAL;

        if (node_full(parent->n)) {
                /* Grow keys first: if items then fails, a bigger keys array
                 * is harmless. */
                if (key && grow_array(&parent->keys, parent->n) < 0)
                        return -ENOMEM;
                if (grow_array(&parent->items, parent->n) < 0)
                        return -ENOMEM;
        }
        if (key)
                parent->keys[parent->n] = key;
        parent->items[parent->n++] = value;
        return 0;
}

void td_node_free(td_node *n) {
        if (!n)
                return;
        for (size_t i = 0; i < n->n; i++) {
                if (n->keys)
                        td_node_free(n->keys[i]);
                td_node_free(n->items[i]);
        }
        free(n->keys);
        free(n->items);
        free(n->scalar);
        free(n);
}

td_node *td_node_dup(const td_node *n) {
        _cleanup_(td_node_freep) td_node *c = NULL;

        if (!n)
                return NULL;
        if (n->type == TD_NODE_SCALAR)
                return td_node_new_scalar(n->mark, n->scalar, strlen(n->scalar), n->quoted, n->is_null);

        c = td_node_new(n->type, n->mark);
        if (!c)
                return NULL;
        for (size_t i = 0; i < n->n; i++) {
                _cleanup_(td_node_freep) td_node *k = NULL, *v = NULL;

                if (n->type == TD_NODE_MAP) {
                        k = td_node_dup(n->keys[i]);
                        if (!k)
                                return NULL;
                }
                v = td_node_dup(n->items[i]);
                if (!v)
                        return NULL;
                if (td_node_append(c, k, v) < 0)
                        return NULL;
                k = v = NULL;  /* owned by c now */
        }
        return TAKE_PTR(c);
}

void td_node_measure(const td_node *n, size_t *ret_count, unsigned *ret_height) {
        size_t count = 1;
        unsigned height = 0;

        if (n->type != TD_NODE_SCALAR) {
                for (size_t i = 0; i < n->n; i++) {
                        size_t c;
                        unsigned h;

                        if (n->keys) {
                                td_node_measure(n->keys[i], &c, &h);
                                count += c;
                                height = MAX(height, h);
                        }
                        td_node_measure(n->items[i], &c, &h);
                        count += c;
                        height = MAX(height, h);
                }
                height++;
        }
        *ret_count = count;
        *ret_height = height;
}

td_node *td_node_get(const td_node *map, const char *key) {
        if (!map || map->type != TD_NODE_MAP || !key)
                return NULL;
        for (size_t i = 0; i < map->n; i++)
                if (map->keys[i]->type == TD_NODE_SCALAR && streq(map->keys[i]->scalar, key))
                        return map->items[i];
        return NULL;
}

const char *td_node_describe(const td_node *n) {
        if (!n)
                return "null";
        switch (n->type) {
        case TD_NODE_MAP:
                return "a mapping";
        case TD_NODE_SEQ:
                return "a list";
        case TD_NODE_SCALAR:
                return n->is_null ? "null" : "a string";
        case _TD_NODE_TYPE_MAX:
        case _TD_NODE_TYPE_INVALID:
        default:
                return "an unknown node";
        }
}

char *td_path_format(const td_path *path, unsigned n, const char *last) {
        _cleanup_fclose_ FILE *f = NULL;
        char *buf = NULL;
        size_t size = 0;
        bool first = true;

        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        for (unsigned i = 0; i < n && i < ELEMENTSOF(path->seg); i++) {
                if (path->seg[i].key) {
                        fprintf(f, "%s%s", first ? "" : ".", path->seg[i].key);
                        first = false;
                } else
                        fprintf(f, "[%zu]", path->seg[i].index);
        }
        if (last)
                fprintf(f, "%s%s", first ? "" : ".", last);
        if (fflush(f) != 0 || ferror(f)) {
                fclose(TAKE_PTR(f));
                free(buf);
                return NULL;
        }
        fclose(TAKE_PTR(f));
        return buf;
}

typedef struct key_ref {
        const char *text;
        size_t index;
} key_ref;

static int key_ref_cmp(const void *a, const void *b) {
        const key_ref *x = a, *y = b;
        int r = strcmp(x->text, y->text);
        if (r)
                return r;
        return x->index < y->index ? -1 : x->index > y->index;
}

int td_node_check_duplicates(const td_node *map, const char *path, td_diags *ds) {
        _cleanup_free_ key_ref *refs = NULL;
        size_t n = 0;
        int ret = 0;

        if (!map || map->type != TD_NODE_MAP || map->n < 2)
                return 0;
        refs = calloc(map->n, sizeof *refs);
        if (!refs)
                return -ENOMEM;
        for (size_t i = 0; i < map->n; i++)
                if (map->keys[i]->type == TD_NODE_SCALAR)
                        refs[n++] = (key_ref) { map->keys[i]->scalar, i };
        qsort(refs, n, sizeof *refs, key_ref_cmp);

        /* Sorted by (text, position): the first of each run is the original,
         * every other member of the run is a repeat of it. */
        for (size_t i = 1, first = 0; i < n; i++) {
                if (!streq(refs[i].text, refs[first].text)) {
                        first = i;
                        continue;
                }
                const td_node *k = map->keys[refs[i].index], *orig = map->keys[refs[first].index];
                _cleanup_free_ char *key = NULL;
                char q[80];

                key = path && *path ? td_strdupf("%s.%s", path, k->scalar) : strdup(k->scalar);
                if (!key)
                        return -ENOMEM;
                int r = td_diag_error(ds, k->mark, key, "duplicate key %s; first defined at line %u, column %u",
                                      td_quote(k->scalar, q, sizeof q), orig->mark.line, orig->mark.col);
                if (r == -ENOMEM)
                        return r;
                ret = -EINVAL;
        }
        return ret;
}

/* Read a regular file whole. O_NONBLOCK makes opening a FIFO return at
 * once (instead of waiting for a writer forever, which would hang the
 * daemon on a hostile profile path); fstat then refuses anything that is
 * not a regular file, devices such as /dev/zero included. */
static int read_regular_file(const char *path, char **ret, size_t *ret_len) {
        _cleanup_close_ int fd = -1;
        struct stat st;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if (st.st_size > TD_DOC_MAX_BYTES)
                return -EFBIG;
        return td_read_fd(fd, TD_DOC_MAX_BYTES, ret, ret_len);
}

int td_doc_load(const char *path, bool json, td_node **ret, td_diags *ds) {
        _cleanup_free_ char *text = NULL;
        td_mark mark = { .file = path };
        size_t len = 0;
        int r;

        r = read_regular_file(path, &text, &len);
        if (r == -EFBIG)
                return td_diag_error(ds, mark, NULL, "file is larger than the %d-byte limit", TD_DOC_MAX_BYTES);
        if (r == -EBADFD)
                return td_diag_error(ds, mark, NULL, "expected a regular file, got a device, FIFO or socket");
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                /* Keep the errno (ENOENT, EACCES) for the caller; the
                 * diagnostic carries the explanation for the user. */
                if (td_diag_error(ds, mark, NULL, "cannot read: %s", strerror(-r)) == -ENOMEM)
                        return -ENOMEM;
                return r;
        }
        return json ? td_json_parse(path, text, len, ret, ds) : td_yaml_parse(path, text, len, ret, ds);
}
