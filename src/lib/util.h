/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Small shared helpers: cleanup attributes, safe string and file I/O.
 * Library code never prints and never exits; see log.h for how programs
 * route messages. */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _warn_unused_ __attribute__((warn_unused_result))

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define streq(a, b) (strcmp((a), (b)) == 0)
#define strneq(a, b, n) (strncmp((a), (b), (n)) == 0)

static inline void freep(void *p) { free(*(void **) p); }
static inline void closep(int *fd) { if (*fd >= 0) { int e = errno; close(*fd); errno = e; } }
static inline void fclosep(FILE **f) { if (*f) fclose(*f); }

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Declare a cleanup helper for a type whose destructor takes the pointer. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)          \
        static inline void func##p(type *p) {            \
                if (*p)                                  \
                        func(*p);                        \
        }

#define TAKE_PTR(p) ({ __typeof__(p) _p = (p); (p) = NULL; _p; })
#define TAKE_FD(fd) ({ int _fd = (fd); (fd) = -1; _fd; })

/* Returns true when s starts with prefix. */
static inline bool startswith(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Heap-allocated printf. Returns NULL on ENOMEM; caller frees. */
char *td_strdupf(const char *fmt, ...) _printf_(1, 2);

/* Append to a growable array of elements of `size` bytes. *n is the count;
 * capacity grows geometrically and is tracked by *cap. Returns a pointer to
 * the new zeroed element or NULL on ENOMEM (the array is left intact). */
void *td_grow(void **array, size_t *n, size_t *cap, size_t size);

/* String vectors grown with td_grow. td_strv_push appends a copy of s:
 * 0, or -ENOMEM with the vector as it was. td_strv_terminate appends the
 * NULL that td_strv_free stops at (*n stays the count): 0 or -ENOMEM.
 * td_strv_free_n frees n strings and the array, td_strv_free a
 * NULL-terminated vector; both accept NULL. td_strcmp_ptr orders char *
 * elements for qsort and bsearch. */
int td_strv_push(char ***v, size_t *n, size_t *cap, const char *s);
int td_strv_terminate(char ***v, size_t *n, size_t *cap);
void td_strv_free_n(char **v, size_t n);
void td_strv_free(char **v);
int td_strcmp_ptr(const void *a, const void *b);

/* Read a whole file (at most max bytes; -EFBIG if larger). On success
 * *ret is NUL-terminated, owned by the caller, and *ret_len its length. */
int td_read_file(const char *path, size_t max, char **ret, size_t *ret_len);
/* The same from an open fd, read to its end. */
int td_read_fd(int fd, size_t max, char **ret, size_t *ret_len);
int td_read_fileat(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len);

/* Write a string to an existing file (a cgroup knob). Returns 0 or -errno;
 * the kernel's errno (EINVAL, EBUSY, ...) is passed through unchanged. */
int td_write_fileat(int dirfd, const char *path, const char *value);

/* Length (1..4) of the valid UTF-8 sequence at s, which ends before `end`,
 * or 0 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). */
size_t td_utf8_len(const unsigned char *s, const unsigned char *end);

/* Levenshtein distance, capped at 255; used for "did you mean" hints. */
unsigned td_edit_distance(const char *a, const char *b);

/* Pick the candidate closest to `word` (distance <= 2, or a prefix match);
 * NULL when none is close. Returned pointer aliases the candidates array. */
const char *td_nearest(const char *word, const char *const *candidates, size_t n);
