/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Diagnostics: every parse or validation problem becomes one entry naming
 * file, line, column, the key path, and what was expected versus found, e.g.
 *   tenants.d/acme.yaml:12:5: memory.max: expected a size like 512M or 2G, got "lots"
 * Parsers append to a td_diags list instead of stopping at the first error,
 * so one run reports every problem in every file. */

#include <stdarg.h>

#include "util.h"

/* A source position. `file` is interned in the owning td_diags (or policy
 * set) and outlives every node and diagnostic that points at it. line and
 * col are 1-based; 0 means unknown. */
typedef struct td_mark {
        const char *file;
        unsigned line, col;
} td_mark;

typedef enum td_severity {
        TD_SEV_ERROR,
        TD_SEV_WARNING,
        _TD_SEV_MAX,
        _TD_SEV_INVALID = -EINVAL,
} td_severity;

typedef struct td_diag {
        td_severity severity;
        td_mark mark;
        char *key;       /* dotted key path such as "memory.max"; may be NULL */
        char *message;   /* "expected ..., got ..." */
} td_diag;

typedef struct td_diags {
        td_diag *v;
        size_t n, cap;
        size_t n_errors;
        char **files;    /* interned file names */
        size_t n_files, cap_files;
        size_t *file_index;  /* open-addressing hash of files: slot = 1 + index, 0 empty */
        size_t index_cap;    /* a power of two, or 0 */
} td_diags;

/* Intern a file name so marks can point at it for the life of `ds`.
 * Returns NULL on ENOMEM. */
const char *td_diags_intern(td_diags *ds, const char *file);

/* Append a diagnostic. Returns -EINVAL for errors (so parsers can
 * `return td_diag_error(...)`), 0 for warnings, -ENOMEM if it could not be
 * recorded. `key` may be NULL. */
int td_diag_add(td_diags *ds, td_severity sev, td_mark mark, const char *key,
                const char *fmt, ...) _printf_(5, 6);
int td_diag_addv(td_diags *ds, td_severity sev, td_mark mark, const char *key,
                 const char *fmt, va_list ap) _printf_(5, 0);
#define td_diag_error(ds, mark, key, ...) td_diag_add((ds), TD_SEV_ERROR, (mark), (key), __VA_ARGS__)
#define td_diag_warn(ds, mark, key, ...) td_diag_add((ds), TD_SEV_WARNING, (mark), (key), __VA_ARGS__)

/* Format one diagnostic as "file:line:col: key: message" (warnings get
 * "warning: " before the key). Caller frees; NULL on ENOMEM. */
char *td_diag_format(const td_diag *d);

/* Sort by file, line, column, key and text, and drop exact duplicates (a
 * plan's problem resurfaces while merging every tenant below it); n_errors
 * is kept right. */
void td_diags_sort_unique(td_diags *ds);

/* td_diags_sort_unique(), then write each diagnostic on its own line. */
void td_diags_print(td_diags *ds, FILE *f);

/* Free contents; `ds` itself may be on the stack. Accepts NULL. */
void td_diags_done(td_diags *ds);

/* Quote a user value for a message: printable, at most ~60 chars, with
 * "..." when cut. Writes into buf (size >= 80) and returns it. */
const char *td_quote(const char *s, char *buf, size_t size);
