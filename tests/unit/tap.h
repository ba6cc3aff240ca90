/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Minimal TAP producer for automake's tap-driver.sh. Each check prints
 * "ok N - name" or "not ok N - name" with the failing expression; a test
 * program ends with tap_done(), whose exit status is non-zero on failure.
 * A whole program skips with tap_skip_all("reason"), which exits 77 after
 * printing "1..0 # SKIP reason". */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static inline void tap_result(int ok, const char *expr, const char *file, int line, const char *name) {
        tap_n++;
        printf("%sok %d - %s\n", ok ? "" : "not ", tap_n, name);
        if (!ok) {
                tap_failed++;
                printf("#   failed at %s:%d: %s\n", file, line, expr);
        }
        fflush(stdout);
}

#define ok(expr, ...) do {                                               \
                char _name[512];                                          \
                snprintf(_name, sizeof _name, __VA_ARGS__);               \
                tap_result(!!(expr), #expr, __FILE__, __LINE__, _name);   \
        } while (0)

#define is_int(got, want, ...) do {                                      \
                long long _g = (long long) (got), _w = (long long) (want);\
                char _name[512];                                          \
                snprintf(_name, sizeof _name, __VA_ARGS__);               \
                tap_result(_g == _w, #got " == " #want, __FILE__, __LINE__, _name); \
                if (_g != _w)                                             \
                        printf("#   got %lld, want %lld\n", _g, _w);      \
        } while (0)

#define is_str(got, want, ...) do {                                      \
                const char *_g = (got), *_w = (want);                     \
                char _name[512];                                          \
                int _ok = (_g && _w) ? strcmp(_g, _w) == 0 : _g == _w;    \
                snprintf(_name, sizeof _name, __VA_ARGS__);               \
                tap_result(_ok, #got " eq " #want, __FILE__, __LINE__, _name); \
                if (!_ok)                                                 \
                        printf("#   got  \"%s\"\n#   want \"%s\"\n",       \
                               _g ? _g : "(null)", _w ? _w : "(null)");   \
        } while (0)

static inline void tap_diag(const char *msg) { printf("# %s\n", msg); }

static inline __attribute__((noreturn)) void tap_skip_all(const char *reason) {
        printf("1..0 # SKIP %s\n", reason);
        exit(77);
}

static inline int tap_done(void) {
        printf("1..%d\n", tap_n);
        return tap_failed ? 1 : 0;
}
