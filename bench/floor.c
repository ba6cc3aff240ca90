/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* floor: the plain-syscall floor for the apply benchmark.
 *
 *   floor SCRIPT
 *
 * SCRIPT (written by bench/gen.awk, mode=floor) holds one operation per line:
 *   m PATH          mkdir(PATH, 0755)
 *   w PATH VALUE    open(PATH, O_WRONLY), write(VALUE), close
 * with absolute paths. The whole script is read and split before the clock
 * starts, so only the system calls are timed. No directory fds are kept
 * and nothing is read back: this is the cheapest way to get the same
 * groups and values with ordinary system calls, which is what tenantd is
 * measured against. (tenantd works relative to kept directory fds, which
 * saves path walks, so it may come out above 1.0.)
 *
 * Prints one line: "elapsed_s=S cpu_s=C mkdirs=M writes=W" (C: user +
 * system time of the timed loop) and exits 0, or names
 * the first failing operation on stderr and exits 1 (what was created is
 * left for the caller's cleanup). Depends on nothing but libc, on purpose. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct op {
        char kind;              /* 'm' or 'w' */
        const char *path;
        const char *value;      /* 'w' only */
        size_t value_len;
} op;

static char *read_all(const char *path, size_t *ret_len) {
        FILE *f = fopen(path, "re");
        char *buf = NULL;
        size_t len = 0, cap = 0;

        if (!f)
                return NULL;
        for (;;) {
                if (cap - len < 65536) {
                        char *b = realloc(buf, cap = cap ? cap * 2 : 1 << 20);
                        if (!b) {
                                free(buf);
                                fclose(f);
                                errno = ENOMEM;
                                return NULL;
                        }
                        buf = b;
                }
                size_t n = fread(buf + len, 1, cap - len - 1, f);
                len += n;
                if (n == 0)
                        break;
        }
        if (ferror(f)) {
                free(buf);
                fclose(f);
                errno = EIO;
                return NULL;
        }
        fclose(f);
        buf[len] = 0;
        *ret_len = len;
        return buf;
}

/* Split the script in place into ops. Returns the count or -1. */
static long parse(char *text, op **ret) {
        size_t n = 0, cap = 0;
        op *v = NULL;
        long lineno = 0;

        for (char *line = text; *line; ) {
                char *eol = strchr(line, '\n');
                if (eol)
                        *eol = 0;
                lineno++;
                if (*line) {
                        op o = { .kind = line[0] };
                        char *sp;
                        if ((o.kind != 'm' && o.kind != 'w') || line[1] != ' ' || line[2] != '/') {
                                fprintf(stderr, "floor: script line %ld: expected \"m PATH\" or \"w PATH VALUE\"\n",
                                        lineno);
                                free(v);
                                return -1;
                        }
                        o.path = line + 2;
                        if (o.kind == 'w') {
                                sp = strchr(line + 2, ' ');
                                if (!sp) {
                                        fprintf(stderr, "floor: script line %ld: write without a value\n", lineno);
                                        free(v);
                                        return -1;
                                }
                                *sp = 0;
                                o.value = sp + 1;
                                o.value_len = strlen(o.value);
                        }
                        if (n == cap) {
                                op *nv = realloc(v, (cap = cap ? cap * 2 : 4096) * sizeof *v);
                                if (!nv) {
                                        free(v);
                                        return -1;
                                }
                                v = nv;
                        }
                        v[n++] = o;
                }
                if (!eol)
                        break;
                line = eol + 1;
        }
        *ret = v;
        return (long) n;
}

static double cpu_s(void) {
        struct rusage ru;

        if (getrusage(RUSAGE_SELF, &ru) < 0)
                return 0;
        return (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
               (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double elapsed(const struct timespec *a, const struct timespec *b) {
        return (double) (b->tv_sec - a->tv_sec) + (double) (b->tv_nsec - a->tv_nsec) / 1e9;
}

static int run(const op *o) {
        if (o->kind == 'm')
                return mkdir(o->path, 0755) < 0 ? -errno : 0;
        int fd = open(o->path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        ssize_t w = write(fd, o->value, o->value_len);
        int r = w < 0 ? -errno : (size_t) w != o->value_len ? -EIO : 0;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        return r;
}

int main(int argc, char **argv) {
        struct timespec t0, t1;
        size_t len, mkdirs = 0, writes = 0;
        char *text;
        op *ops;
        long n;

        if (argc != 2) {
                fprintf(stderr, "Usage: floor SCRIPT\n");
                return 2;
        }
        text = read_all(argv[1], &len);
        if (!text) {
                fprintf(stderr, "floor: %s: %s\n", argv[1], strerror(errno));
                return 1;
        }
        n = parse(text, &ops);
        if (n < 0)
                return 1;

        double c0 = cpu_s();
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long i = 0; i < n; i++) {
                int r = run(&ops[i]);
                if (r < 0) {
                        fprintf(stderr, "floor: %s %s: %s\n", ops[i].kind == 'm' ? "mkdir" : "write",
                                ops[i].path, strerror(-r));
                        return 1;
                }
                if (ops[i].kind == 'm')
                        mkdirs++;
                else
                        writes++;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double c1 = cpu_s();

        printf("elapsed_s=%.6f cpu_s=%.6f mkdirs=%zu writes=%zu\n", elapsed(&t0, &t1), c1 - c0, mkdirs, writes);
        free(ops);
        free(text);
        return 0;
}
