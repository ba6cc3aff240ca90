/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>

#include "diag.h"

static size_t hash_str(const char *s) {
        uint64_t h = 1469598103934665603ull;   /* FNV-1a */

        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 1099511628211ull;
        return (size_t) h;
}

/* Interning is hashed: loading 10,000 policy files interns 10,000 names,
 * and a linear scan made that quadratic (57% of `check` in bench/). */
static int index_rebuild(td_diags *ds, size_t cap) {
        size_t *v = calloc(cap, sizeof(size_t));

        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < ds->n_files; i++) {
                size_t k = hash_str(ds->files[i]) & (cap - 1);
                while (v[k])
                        k = (k + 1) & (cap - 1);
                v[k] = i + 1;
        }
        free(ds->file_index);
        ds->file_index = v;
        ds->index_cap = cap;
        return 0;
}

const char *td_diags_intern(td_diags *ds, const char *file) {
        size_t k;

        if (!file)
                return NULL;
        if ((ds->n_files + 1) * 2 > ds->index_cap &&
            index_rebuild(ds, ds->index_cap ? ds->index_cap * 2 : 64) < 0)
                return NULL;
        for (k = hash_str(file) & (ds->index_cap - 1); ds->file_index[k]; k = (k + 1) & (ds->index_cap - 1))
                if (streq(ds->files[ds->file_index[k] - 1], file))
                        return ds->files[ds->file_index[k] - 1];

        char *copy = strdup(file);
        if (!copy)
                return NULL;
        char **slot = td_grow((void **) &ds->files, &ds->n_files, &ds->cap_files, sizeof(char *));
        if (!slot) {
                free(copy);
                return NULL;
        }
        *slot = copy;
        ds->file_index[k] = ds->n_files;   /* 1 + index of the new name */
        return copy;
}

int td_diag_addv(td_diags *ds, td_severity sev, td_mark mark, const char *key, const char *fmt, va_list ap) {
        _cleanup_free_ char *msg = NULL, *k = NULL;
        td_diag *d;

        if (vasprintf(&msg, fmt, ap) < 0)
                return -ENOMEM;
        if (key && !(k = strdup(key)))
                return -ENOMEM;
        d = td_grow((void **) &ds->v, &ds->n, &ds->cap, sizeof(td_diag));
        if (!d)
                return -ENOMEM;
        d->severity = sev;
        d->mark = mark;
        d->mark.file = td_diags_intern(ds, mark.file);
        d->key = TAKE_PTR(k);
        d->message = TAKE_PTR(msg);
        if (sev == TD_SEV_ERROR) {
                ds->n_errors++;
                return -EINVAL;
        }
        return 0;
}

int td_diag_add(td_diags *ds, td_severity sev, td_mark mark, const char *key, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = td_diag_addv(ds, sev, mark, key, fmt, ap);
        va_end(ap);
        return r;
}

char *td_diag_format(const td_diag *d) {
        const char *file = d->mark.file ? d->mark.file : "<input>";
        const char *warn = d->severity == TD_SEV_WARNING ? "warning: " : "";
        char pos[64] = "";

        if (d->mark.line > 0)
                snprintf(pos, sizeof pos, "%u:%u:", d->mark.line, d->mark.col);
        if (d->key)
                return td_strdupf("%s:%s %s%s: %s", file, pos, warn, d->key, d->message);
        return td_strdupf("%s:%s %s%s", file, pos, warn, d->message);
}

/* Order by position, then by text, so duplicates end up side by side.
 * File names are interned per td_diags, but compare them as strings: the
 * policy set interns its own. */
static int diag_cmp(const void *a, const void *b) {
        const td_diag *x = a, *y = b;
        int r = strcmp(x->mark.file ? x->mark.file : "", y->mark.file ? y->mark.file : "");

        if (r)
                return r;
        if (x->mark.line != y->mark.line)
                return x->mark.line < y->mark.line ? -1 : 1;
        if (x->mark.col != y->mark.col)
                return x->mark.col < y->mark.col ? -1 : 1;
        r = strcmp(x->key ? x->key : "", y->key ? y->key : "");
        if (r)
                return r;
        r = strcmp(x->message, y->message);
        return r ? r : (int) x->severity - (int) y->severity;
}

void td_diags_sort_unique(td_diags *ds) {
        size_t k = 0;

        if (ds->n < 2)
                return;
        qsort(ds->v, ds->n, sizeof(td_diag), diag_cmp);
        for (size_t i = 0; i < ds->n; i++) {
                if (k > 0 && diag_cmp(&ds->v[k - 1], &ds->v[i]) == 0) {
                        if (ds->v[i].severity == TD_SEV_ERROR)
                                ds->n_errors--;
                        free(ds->v[i].key);
                        free(ds->v[i].message);
                        continue;
                }
                ds->v[k++] = ds->v[i];
        }
        ds->n = k;
}

void td_diags_print(td_diags *ds, FILE *f) {
        td_diags_sort_unique(ds);
        for (size_t i = 0; i < ds->n; i++) {
                _cleanup_free_ char *s = td_diag_format(&ds->v[i]);
                if (s)
                        fprintf(f, "%s\n", s);
        }
}

void td_diags_done(td_diags *ds) {
        if (!ds)
                return;
        for (size_t i = 0; i < ds->n; i++) {
                free(ds->v[i].key);
                free(ds->v[i].message);
        }
        free(ds->v);
        for (size_t i = 0; i < ds->n_files; i++)
                free(ds->files[i]);
        free(ds->files);
        free(ds->file_index);
        *ds = (td_diags) {};
}

const char *td_quote(const char *s, char *buf, size_t size) {
        size_t o = 0, i;

        if (size < 8) {
                if (size)
                        buf[0] = '\0';
                return buf;
        }
        buf[o++] = '"';
        for (i = 0; s && s[i] && o + 6 < size && i < 60; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c == '"' || c == '\\') {
                        buf[o++] = '\\';
                        buf[o++] = (char) c;
                } else if (isprint(c))
                        buf[o++] = (char) c;
                else
                        buf[o++] = '?';
        }
        if (s && s[i]) {
                memcpy(buf + o, "...", 3);
                o += 3;
        }
        buf[o++] = '"';
        buf[o] = '\0';
        return buf;
}
