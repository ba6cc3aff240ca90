/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sys/stat.h>

#include "util.h"

char *td_strdupf(const char *fmt, ...) {
        va_list ap;
        char *s = NULL;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                s = NULL;
        va_end(ap);
        return s;
}

void *td_grow(void **array, size_t *n, size_t *cap, size_t size) {
        if (*n >= *cap) {
                size_t ncap = *cap ? *cap * 2 : 8;
                void *p;

                if (ncap > SIZE_MAX / size)
                        return NULL;
                p = realloc(*array, ncap * size);
                if (!p)
                        return NULL;
                *array = p;
                *cap = ncap;
        }
        void *e = (char *) *array + (*n)++ * size;
        memset(e, 0, size);
        return e;
}

int td_strv_push(char ***v, size_t *n, size_t *cap, const char *s) {
        char *copy = strdup(s);
        char **slot = copy ? td_grow((void **) v, n, cap, sizeof(char *)) : NULL;

        if (!slot) {
                free(copy);
                return -ENOMEM;
        }
        *slot = copy;
        return 0;
}

int td_strv_terminate(char ***v, size_t *n, size_t *cap) {
        if (!td_grow((void **) v, n, cap, sizeof(char *)))
                return -ENOMEM;
        (*v)[--*n] = NULL;
        return 0;
}

void td_strv_free_n(char **v, size_t n) {
        for (size_t i = 0; v && i < n; i++)
                free(v[i]);
        free(v);
}

void td_strv_free(char **v) {
        for (char **p = v; p && *p; p++)
                free(*p);
        free(v);
}

int td_strcmp_ptr(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int td_read_fd(int fd, size_t max, char **ret, size_t *ret_len) {
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0;

        for (;;) {
                if (cap - len < 4096) {
                        /* +1 keeps room for the terminating NUL. */
                        size_t ncap = cap ? cap * 2 : 4096;
                        char *p = realloc(buf, ncap + 1);
                        if (!p)
                                return -ENOMEM;
                        buf = p;
                        cap = ncap;
                }
                ssize_t k = read(fd, buf + len, cap - len);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                len += (size_t) k;
                /* Reading past max (not stopping at it) tells "grew past the
                 * limit" from "exactly at it". */
                if (len > max)
                        return -EFBIG;
        }
        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        if (ret_len)
                *ret_len = len;
        return 0;
}

int td_read_fileat(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len) {
        _cleanup_close_ int fd = -1;

        fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        return td_read_fd(fd, max, ret, ret_len);
}

int td_read_file(const char *path, size_t max, char **ret, size_t *ret_len) {
        return td_read_fileat(AT_FDCWD, path, max, ret, ret_len);
}

int td_write_fileat(int dirfd, const char *path, const char *value) {
        _cleanup_close_ int fd = -1;
        size_t len = strlen(value);
        ssize_t k;

        fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        /* cgroup knobs take one value per write(2); never split it. */
        k = write(fd, value, len);
        if (k < 0)
                return -errno;
        if ((size_t) k != len)
                return -EIO;
        return 0;
}

size_t td_utf8_len(const unsigned char *s, const unsigned char *end) {
        unsigned char c = s[0], lo = 0x80, hi = 0xbf;
        size_t n;

        if (c < 0x80)
                return 1;
        if (c >= 0xc2 && c <= 0xdf)
                n = 2;
        else if (c >= 0xe0 && c <= 0xef) {
                n = 3;
                if (c == 0xe0)
                        lo = 0xa0;       /* overlong */
                else if (c == 0xed)
                        hi = 0x9f;       /* surrogates */
        } else if (c >= 0xf0 && c <= 0xf4) {
                n = 4;
                if (c == 0xf0)
                        lo = 0x90;       /* overlong */
                else if (c == 0xf4)
                        hi = 0x8f;       /* above U+10FFFF */
        } else
                return 0;
        if ((size_t) (end - s) < n || s[1] < lo || s[1] > hi)
                return 0;
        for (size_t i = 2; i < n; i++)
                if (s[i] < 0x80 || s[i] > 0xbf)
                        return 0;
        return n;
}

unsigned td_edit_distance(const char *a, const char *b) {
        size_t la = strlen(a), lb = strlen(b);
        unsigned row[64];

        if (la >= ELEMENTSOF(row) || lb >= ELEMENTSOF(row))
                return 255;
        for (size_t j = 0; j <= lb; j++)
                row[j] = (unsigned) j;
        for (size_t i = 1; i <= la; i++) {
                unsigned prev = row[0];
                row[0] = (unsigned) i;
                for (size_t j = 1; j <= lb; j++) {
                        unsigned cur = row[j];
                        unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
                        row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), prev + cost);
                        prev = cur;
                }
        }
        return MIN(row[lb], 255u);
}

const char *td_nearest(const char *word, const char *const *candidates, size_t n) {
        const char *best = NULL;
        unsigned best_d = 3;

        for (size_t i = 0; i < n; i++) {
                unsigned d = td_edit_distance(word, candidates[i]);
                if (d < best_d) {
                        best_d = d;
                        best = candidates[i];
                }
        }
        if (!best && strlen(word) >= 3)
                for (size_t i = 0; i < n; i++)
                        if (startswith(candidates[i], word))
                                return candidates[i];
        return best;
}
