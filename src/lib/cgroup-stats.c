/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Usage, fault counters and live limits of tenant groups (see
 * cgroup-stats.h). The parsers are pure; the readers openat() files below a
 * group directory fd; the comparison is pure again.
 *
 * Where the kernel counts what (this decides which directory is read):
 *  - usage (memory, cpu time, pids.current, io) is hierarchical on both
 *    versions: the tenant group includes its "procs" leaf.
 *  - limit hits are counted on the group whose limit was hit, which is the
 *    tenant group: v1 memory.failcnt, v2 memory.events max/high/oom,
 *    cpu.stat nr_throttled.
 *  - v1 counts OOM kills (memory.oom_control oom_kill) and refused forks
 *    (pids.events max) in the cgroup of the task concerned, i.e. the leaf,
 *    and does not propagate them; v2 did the same until memory.events
 *    (5.2) and later pids.events became hierarchical, each together with a
 *    FILE.local holding the old meaning. So: v1, or v2 without FILE.local,
 *    sums group and leaf; v2 with FILE.local reads the group only (summing
 *    would count the leaf's events twice). The integration test checks the
 *    v1 side against real forks and OOM kills. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cgroup-stats.h"

#define STATS_FILE_MAX (1024 * 1024)   /* io.stat with many devices stays far below */
/* v1 reads "unlimited" back as PAGE_COUNTER_MAX pages in bytes: LONG_MAX
 * rounded down to the page size. Anything from here up (pages to 64K) is it. */
#define V1_UNLIMITED_MIN (UINT64_C(9223372036854775807) - 65535)

/* ---- parse --------------------------------------------------------------- */

/* Unsigned decimal at *p; advances *p. -EINVAL on no digits or overflow. */
static int parse_u64(const char **p, uint64_t *ret) {
        const char *s = *p;
        uint64_t v = 0;

        if (*s < '0' || *s > '9')
                return -EINVAL;
        for (; *s >= '0' && *s <= '9'; s++) {
                uint64_t d = (uint64_t) (*s - '0');
                if (v > (UINT64_MAX - d) / 10)
                        return -EINVAL;
                v = v * 10 + d;
        }
        *p = s;
        *ret = v;
        return 0;
}

static const char *skip_blanks(const char *s) {
        return s + strspn(s, " \t");
}

static bool at_eol(const char *s) {
        s = skip_blanks(s);
        return *s == '\0' || *s == '\n';
}

static const char *next_line(const char *s) {
        const char *nl = strchr(s, '\n');
        return nl ? nl + 1 : NULL;
}

/* "MAJ:MIN" at *p; advances past it. */
static int parse_dev(const char **p, unsigned *ret_major, unsigned *ret_minor) {
        uint64_t maj, min;

        if (parse_u64(p, &maj) < 0 || **p != ':')
                return -EINVAL;
        (*p)++;
        if (parse_u64(p, &min) < 0 || maj > UINT32_MAX || min > UINT32_MAX)
                return -EINVAL;
        *ret_major = (unsigned) maj;
        *ret_minor = (unsigned) min;
        return 0;
}

int td_stats_parse_keyed(const char *text, const char *key, uint64_t *ret) {
        size_t klen = strlen(key);

        for (const char *s = text; s && *s; s = next_line(s)) {
                const char *p = s;
                uint64_t v;

                if (!strneq(p, key, klen) || (p[klen] != ' ' && p[klen] != '\t'))
                        continue;
                p = skip_blanks(p + klen);
                if (parse_u64(&p, &v) < 0 || !at_eol(p))
                        return -EINVAL;
                *ret = v;
                return 0;
        }
        return -ENOENT;
}

/* Nothing but blanks and newlines from s on. */
static bool only_space(const char *s) {
        return s[strspn(s, " \t\n")] == '\0';
}

int td_stats_parse_value(const char *text, bool allow_max, uint64_t *ret) {
        const char *p = skip_blanks(text);
        uint64_t v;

        if (allow_max && ((startswith(p, "max") && only_space(p + 3)) ||
                          (startswith(p, "-1") && only_space(p + 2)))) {
                *ret = TD_UNLIMITED;
                return 0;
        }
        if (parse_u64(&p, &v) < 0 || !only_space(p))
                return -EINVAL;
        *ret = allow_max && v >= V1_UNLIMITED_MIN ? TD_UNLIMITED : v;
        return 0;
}

int td_stats_parse_io_stat(const char *text, td_io_totals *ret) {
        static const char *const keys[] = { "rbytes=", "wbytes=", "rios=", "wios=" };
        uint64_t sum[4] = {};

        for (const char *s = text; s && *s; s = next_line(s)) {
                const char *p = skip_blanks(s);
                unsigned maj, min;

                if (at_eol(p))
                        continue;
                if (parse_dev(&p, &maj, &min) < 0)
                        return -EINVAL;
                for (p = skip_blanks(p); !at_eol(p); p = skip_blanks(p)) {
                        const char *eq = p + strcspn(p, "= \t\n");
                        uint64_t v;
                        size_t k;

                        if (*eq != '=' || eq == p)
                                return -EINVAL;
                        for (k = 0; k < ELEMENTSOF(keys); k++)
                                if (strneq(p, keys[k], (size_t) (eq - p) + 1))
                                        break;
                        p = eq + 1;
                        if (parse_u64(&p, &v) < 0 || (*p && !strchr(" \t\n", *p)))
                                return -EINVAL;
                        if (k < ELEMENTSOF(keys))
                                sum[k] += v;
                }
        }
        *ret = (td_io_totals) { sum[0], sum[1], sum[2], sum[3] };
        return 0;
}

int td_stats_parse_blkio(const char *text, uint64_t *ret_read, uint64_t *ret_write) {
        uint64_t rd = 0, wr = 0;

        for (const char *s = text; s && *s; s = next_line(s)) {
                const char *p = skip_blanks(s), *op;
                unsigned maj, min;
                uint64_t v;
                size_t n;

                if (at_eol(p))
                        continue;
                if (startswith(p, "Total ")) {   /* the summary over devices */
                        p = skip_blanks(p + 6);
                        if (parse_u64(&p, &v) < 0 || !at_eol(p))
                                return -EINVAL;
                        continue;
                }
                if (parse_dev(&p, &maj, &min) < 0 || (*p != ' ' && *p != '\t'))
                        return -EINVAL;
                op = skip_blanks(p);
                n = strcspn(op, " \t\n");
                p = skip_blanks(op + n);
                if (n == 0 || parse_u64(&p, &v) < 0 || !at_eol(p))
                        return -EINVAL;
                if (n == 4 && strneq(op, "Read", 4))
                        rd += v;
                else if (n == 5 && strneq(op, "Write", 5))
                        wr += v;
        }
        *ret_read = rd;
        *ret_write = wr;
        return 0;
}

int td_stats_parse_weight(const char *text, uint64_t *ret) {
        uint64_t v;

        if (td_stats_parse_keyed(text, "default", &v) == 0) {
                *ret = v;
                return 0;
        }
        return td_stats_parse_value(text, false, ret);
}

const char *td_dev_field_to_name(td_dev_field f) {
        static const char *const names[_TD_DEV_FIELD_MAX] = {
                [TD_DEV_RBPS] = "read_bps", [TD_DEV_WBPS] = "write_bps",
                [TD_DEV_RIOPS] = "read_iops", [TD_DEV_WIOPS] = "write_iops",
        };
        return f >= 0 && f < _TD_DEV_FIELD_MAX ? names[f] : NULL;
}

void td_dev_limits_done(td_dev_limits *l) {
        if (!l)
                return;
        free(l->v);
        *l = (td_dev_limits) {};
}

const td_dev_limit *td_dev_limits_find(const td_dev_limits *l, unsigned major, unsigned minor) {
        for (size_t i = 0; i < l->n; i++)
                if (l->v[i].major == major && l->v[i].minor == minor)
                        return &l->v[i];
        return NULL;
}

static td_dev_limit *dev_get(td_dev_limits *l, unsigned major, unsigned minor) {
        td_dev_limit *d = (td_dev_limit *) td_dev_limits_find(l, major, minor);

        if (d)
                return d;
        d = td_grow((void **) &l->v, &l->n, &l->cap, sizeof *d);
        if (!d)
                return NULL;
        d->major = major;
        d->minor = minor;
        for (size_t k = 0; k < _TD_DEV_FIELD_MAX; k++)
                d->v[k] = TD_UNLIMITED;
        return d;
}

int td_stats_parse_v1_throttle(const char *text, td_dev_field f, td_dev_limits *l) {
        if (f < 0 || f >= _TD_DEV_FIELD_MAX)
                return -EINVAL;
        for (const char *s = text; s && *s; s = next_line(s)) {
                const char *p = skip_blanks(s);
                unsigned maj, min;
                uint64_t v;
                td_dev_limit *d;

                if (at_eol(p))
                        continue;
                if (parse_dev(&p, &maj, &min) < 0 || (*p != ' ' && *p != '\t'))
                        return -EINVAL;
                p = skip_blanks(p);
                if (parse_u64(&p, &v) < 0 || !at_eol(p))
                        return -EINVAL;
                if (!(d = dev_get(l, maj, min)))
                        return -ENOMEM;
                /* 0 is how v1 clears a limit; it is not listed, but be safe. */
                d->v[f] = v == 0 ? TD_UNLIMITED : v;
        }
        return 0;
}

int td_stats_parse_io_max(const char *text, td_dev_limits *l) {
        static const char *const keys[_TD_DEV_FIELD_MAX] = { "rbps", "wbps", "riops", "wiops" };

        for (const char *s = text; s && *s; s = next_line(s)) {
                const char *p = skip_blanks(s);
                unsigned maj, min;
                td_dev_limit *d;

                if (at_eol(p))
                        continue;
                if (parse_dev(&p, &maj, &min) < 0)
                        return -EINVAL;
                if (!(d = dev_get(l, maj, min)))
                        return -ENOMEM;
                for (p = skip_blanks(p); !at_eol(p); p = skip_blanks(p)) {
                        size_t n = strcspn(p, " \t\n"), k;
                        const char *eq = memchr(p, '=', n), *val;
                        uint64_t v;

                        if (!eq || eq == p)
                                return -EINVAL;
                        val = eq + 1;
                        if ((size_t) (p + n - val) == 3 && strneq(val, "max", 3))
                                v = TD_UNLIMITED;
                        else if (parse_u64(&val, &v) < 0 || val != p + n)
                                return -EINVAL;
                        for (k = 0; k < _TD_DEV_FIELD_MAX; k++)
                                if (strlen(keys[k]) == (size_t) (eq - p) && strneq(p, keys[k], (size_t) (eq - p)))
                                        d->v[k] = v;
                        p += n;
                }
        }
        return 0;
}

/* v2 cpu.max: "QUOTA PERIOD", QUOTA "max". */
static int parse_cpu_max(const char *text, uint64_t *ret_quota, uint64_t *ret_period) {
        const char *p = skip_blanks(text);
        uint64_t q, per;

        if (startswith(p, "max")) {
                q = TD_UNLIMITED;
                p += 3;
        } else if (parse_u64(&p, &q) < 0)
                return -EINVAL;
        if (*p != ' ')
                return -EINVAL;
        p = skip_blanks(p);
        if (parse_u64(&p, &per) < 0 || !at_eol(p))
                return -EINVAL;
        *ret_quota = q;
        *ret_period = per;
        return 0;
}

/* Parse a cpuset list into a 4096-bit set. "" is the empty set. */
static int cpulist_bits(const char *s, uint64_t bits[64]) {
        memset(bits, 0, 64 * sizeof(uint64_t));
        s = skip_blanks(s);
        if (at_eol(s))
                return 0;
        for (;;) {
                uint64_t a, b;

                s = skip_blanks(s);
                if (parse_u64(&s, &a) < 0)
                        return -EINVAL;
                b = a;
                if (*s == '-') {
                        s++;
                        if (parse_u64(&s, &b) < 0)
                                return -EINVAL;
                }
                if (b < a || b >= 4096)
                        return -EINVAL;
                for (uint64_t i = a; i <= b; i++)
                        bits[i / 64] |= UINT64_C(1) << (i % 64);
                s = skip_blanks(s);
                if (*s != ',')
                        break;
                s++;
        }
        return at_eol(s) ? 0 : -EINVAL;
}

bool td_cpulist_equal(const char *a, const char *b) {
        uint64_t x[64], y[64];

        if (!a || !b || cpulist_bits(a, x) < 0 || cpulist_bits(b, y) < 0)
                return false;
        return memcmp(x, y, sizeof x) == 0;
}

/* ---- read ---------------------------------------------------------------- */

/* The text of a file, or NULL when it is missing or unreadable: a counter
 * the kernel does not have is "n/a", not an error. Only -ENOMEM fails. */
static int read_text(int dirfd, const char *file, char **ret) {
        int r;

        *ret = NULL;
        if (dirfd < 0)
                return 0;
        r = td_read_fileat(dirfd, file, STATS_FILE_MAX, ret, NULL);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                *ret = NULL;
        return 0;
}

static int read_value(int dirfd, const char *file, bool allow_max, uint64_t *ret) {
        _cleanup_free_ char *t = NULL;
        uint64_t v;
        int r = read_text(dirfd, file, &t);

        if (r < 0)
                return r;
        if (t && td_stats_parse_value(t, allow_max, &v) == 0)
                *ret = v;
        return 0;
}

/* A keyed value, times `scale` (usec -> ns). */
static int read_keyed(int dirfd, const char *file, const char *key, uint64_t scale, uint64_t *ret) {
        _cleanup_free_ char *t = NULL;
        uint64_t v;
        int r = read_text(dirfd, file, &t);

        if (r < 0)
                return r;
        if (t && td_stats_parse_keyed(t, key, &v) == 0)
                *ret = v > UINT64_MAX / scale - 1 ? TD_STAT_NA : v * scale;
        return 0;
}

static uint64_t add_na(uint64_t a, uint64_t b) {
        if (a == TD_STAT_NA)
                return b;
        if (b == TD_STAT_NA)
                return a;
        return a + b;
}

/* An event counter the kernel keeps in the task's own cgroup (see the top
 * of this file): group + leaf, unless FILE.local says the group's count is
 * already hierarchical. */
static int read_event(td_cg_version v, int group_fd, int leaf_fd, const char *file, const char *key,
                      uint64_t *ret) {
        char local[64];
        uint64_t g = TD_STAT_NA, l = TD_STAT_NA;
        int r;

        r = read_keyed(group_fd, file, key, 1, &g);
        if (r < 0)
                return r;
        snprintf(local, sizeof local, "%s.local", file);
        if (v == TD_CG_V2 && faccessat(group_fd, local, F_OK, 0) == 0) {
                *ret = g;
                return 0;
        }
        r = read_keyed(leaf_fd, file, key, 1, &l);
        if (r < 0)
                return r;
        *ret = add_na(g, l);
        return 0;
}

void td_cg_usage_init(td_cg_usage *u) {
        *u = (td_cg_usage) {
                .cpu_ns = TD_STAT_NA, .cpu_user_ns = TD_STAT_NA, .cpu_system_ns = TD_STAT_NA,
                .cpu_periods = TD_STAT_NA, .cpu_throttled = TD_STAT_NA, .cpu_throttled_ns = TD_STAT_NA,
                .mem_current = TD_STAT_NA, .mem_peak = TD_STAT_NA, .swap_current = TD_STAT_NA,
                .mem_max_events = TD_STAT_NA, .mem_high_events = TD_STAT_NA,
                .mem_oom_events = TD_STAT_NA, .oom_kills = TD_STAT_NA,
                .pids_current = TD_STAT_NA, .pids_peak = TD_STAT_NA, .pids_max_events = TD_STAT_NA,
                .io_rbytes = TD_STAT_NA, .io_wbytes = TD_STAT_NA,
                .io_rios = TD_STAT_NA, .io_wios = TD_STAT_NA,
        };
}

static int usage_cpu(td_cg_version v, int fd, td_cg_usage *u) {
        bool v2 = v == TD_CG_V2;
        int r;

        if (v2) {
                if ((r = read_keyed(fd, "cpu.stat", "usage_usec", 1000, &u->cpu_ns)) < 0 ||
                    (r = read_keyed(fd, "cpu.stat", "user_usec", 1000, &u->cpu_user_ns)) < 0 ||
                    (r = read_keyed(fd, "cpu.stat", "system_usec", 1000, &u->cpu_system_ns)) < 0)
                        return r;
        }
        if ((r = read_keyed(fd, "cpu.stat", "nr_periods", 1, &u->cpu_periods)) < 0 ||
            (r = read_keyed(fd, "cpu.stat", "nr_throttled", 1, &u->cpu_throttled)) < 0)
                return r;
        return read_keyed(fd, "cpu.stat", v2 ? "throttled_usec" : "throttled_time", v2 ? 1000 : 1,
                          &u->cpu_throttled_ns);
}

static int usage_memory(td_cg_version v, int fd, int leaf_fd, td_cg_usage *u) {
        int r;

        if (v == TD_CG_V2) {
                if ((r = read_value(fd, "memory.current", false, &u->mem_current)) < 0 ||
                    (r = read_value(fd, "memory.peak", false, &u->mem_peak)) < 0 ||
                    (r = read_value(fd, "memory.swap.current", false, &u->swap_current)) < 0 ||
                    (r = read_keyed(fd, "memory.events", "max", 1, &u->mem_max_events)) < 0 ||
                    (r = read_keyed(fd, "memory.events", "high", 1, &u->mem_high_events)) < 0 ||
                    (r = read_keyed(fd, "memory.events", "oom", 1, &u->mem_oom_events)) < 0)
                        return r;
                return read_event(v, fd, leaf_fd, "memory.events", "oom_kill", &u->oom_kills);
        }

        uint64_t memsw = TD_STAT_NA;
        if ((r = read_value(fd, "memory.usage_in_bytes", false, &u->mem_current)) < 0 ||
            (r = read_value(fd, "memory.max_usage_in_bytes", false, &u->mem_peak)) < 0 ||
            (r = read_value(fd, "memory.memsw.usage_in_bytes", false, &memsw)) < 0 ||
            (r = read_value(fd, "memory.failcnt", false, &u->mem_max_events)) < 0)
                return r;
        /* memsw counts memory + swap, read a moment apart: clamp at 0. */
        if (memsw != TD_STAT_NA && u->mem_current != TD_STAT_NA)
                u->swap_current = memsw > u->mem_current ? memsw - u->mem_current : 0;
        return read_event(v, fd, leaf_fd, "memory.oom_control", "oom_kill", &u->oom_kills);
}

static int usage_io(td_cg_version v, int fd, int leaf_fd, td_cg_usage *u) {
        _cleanup_free_ char *text = NULL;
        int r;

        if (v == TD_CG_V2) {
                td_io_totals t;
                if ((r = read_text(fd, "io.stat", &text)) < 0)
                        return r;
                if (text && td_stats_parse_io_stat(text, &t) == 0) {
                        u->io_rbytes = t.rbytes;
                        u->io_wbytes = t.wbytes;
                        u->io_rios = t.rios;
                        u->io_wios = t.wios;
                }
                return 0;
        }

        /* The group's own files count only its own tasks (none: they are in
         * the leaf); _recursive (4.12+) includes the leaf. Without it, add
         * the leaf's numbers by hand. */
        static const char *const files[2][2] = {
                { "blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_serviced_recursive" },
                { "blkio.throttle.io_service_bytes", "blkio.throttle.io_serviced" },
        };
        uint64_t *out[2][2] = { { &u->io_rbytes, &u->io_wbytes }, { &u->io_rios, &u->io_wios } };
        bool recursive = faccessat(fd, files[0][0], F_OK, 0) == 0;
        int fds[2] = { fd, recursive ? -1 : leaf_fd };

        for (size_t i = 0; i < 2; i++)
                for (size_t k = 0; k < 2; k++) {
                        _cleanup_free_ char *t = NULL;
                        uint64_t rd, wr;

                        if ((r = read_text(fds[i], files[recursive ? 0 : 1][k], &t)) < 0)
                                return r;
                        if (!t || td_stats_parse_blkio(t, &rd, &wr) < 0)
                                continue;
                        *out[k][0] = add_na(*out[k][0], rd);
                        *out[k][1] = add_na(*out[k][1], wr);
                }
        return 0;
}

int td_cg_usage_read(td_cg_controller c, td_cg_version v, int group_fd, int leaf_fd, td_cg_usage *u) {
        int r;

        if (v != TD_CG_V1 && v != TD_CG_V2)
                return 0;
        switch (c) {
        case TD_CG_CPU:
                return usage_cpu(v, group_fd, u);
        case TD_CG_CPUACCT:
                if (v == TD_CG_V2)   /* in cpu.stat */
                        return 0;
                if ((r = read_value(group_fd, "cpuacct.usage", false, &u->cpu_ns)) < 0 ||
                    (r = read_value(group_fd, "cpuacct.usage_user", false, &u->cpu_user_ns)) < 0)
                        return r;
                return read_value(group_fd, "cpuacct.usage_sys", false, &u->cpu_system_ns);
        case TD_CG_MEMORY:
                return usage_memory(v, group_fd, leaf_fd, u);
        case TD_CG_PIDS:
                if ((r = read_value(group_fd, "pids.current", false, &u->pids_current)) < 0 ||
                    (r = read_value(group_fd, "pids.peak", false, &u->pids_peak)) < 0)
                        return r;
                return read_event(v, group_fd, leaf_fd, "pids.events", "max", &u->pids_max_events);
        case TD_CG_IO:
                return usage_io(v, group_fd, leaf_fd, u);
        case TD_CG_CPUSET:
        case _TD_CG_CONTROLLER_MAX:
        case _TD_CG_CONTROLLER_INVALID:
                break;
        }
        return 0;
}

void td_cg_live_init(td_cg_live *l) {
        *l = (td_cg_live) {
                .cpu_quota_us = TD_STAT_NA, .cpu_period_us = TD_STAT_NA,
                .cpu_shares = TD_STAT_NA, .cpu_weight = TD_STAT_NA,
                .rt_runtime_us = TD_STAT_NA, .rt_period_us = TD_STAT_NA,
                .mem_max = TD_STAT_NA, .mem_high = TD_STAT_NA,
                .memsw_max = TD_STAT_NA, .swap_max = TD_STAT_NA,
                .pids_max = TD_STAT_NA, .io_weight = TD_STAT_NA, .bfq_weight = TD_STAT_NA,
        };
}

void td_cg_live_done(td_cg_live *l) {
        if (!l)
                return;
        free(l->cpus);
        free(l->mems);
        td_dev_limits_done(&l->devs);
        td_cg_live_init(l);
}

static int read_weight(int fd, const char *file, uint64_t *ret) {
        _cleanup_free_ char *t = NULL;
        uint64_t v;
        int r = read_text(fd, file, &t);

        if (r < 0)
                return r;
        if (t && td_stats_parse_weight(t, &v) == 0)
                *ret = v;
        return 0;
}

/* cpuset lists, trimmed; NULL when unreadable. */
static int read_list(int fd, const char *file, char **ret) {
        char *t;
        int r = read_text(fd, file, &t);

        if (r < 0 || !t)
                return r;
        size_t n = strlen(t);
        while (n > 0 && strchr(" \t\n", t[n - 1]))
                t[--n] = '\0';
        free(*ret);
        *ret = t;
        return 0;
}

static int live_cpu(td_cg_version v, int fd, td_cg_live *l) {
        int r;

        if (v == TD_CG_V2) {
                _cleanup_free_ char *t = NULL;
                uint64_t q, p;
                if ((r = read_text(fd, "cpu.max", &t)) < 0)
                        return r;
                if (t && parse_cpu_max(t, &q, &p) == 0) {
                        l->cpu_quota_us = q;
                        l->cpu_period_us = p;
                }
                return read_value(fd, "cpu.weight", false, &l->cpu_weight);
        }
        if ((r = read_value(fd, "cpu.cfs_quota_us", true, &l->cpu_quota_us)) < 0 ||
            (r = read_value(fd, "cpu.cfs_period_us", false, &l->cpu_period_us)) < 0 ||
            (r = read_value(fd, "cpu.shares", false, &l->cpu_shares)) < 0 ||
            (r = read_value(fd, "cpu.rt_runtime_us", false, &l->rt_runtime_us)) < 0)
                return r;
        return read_value(fd, "cpu.rt_period_us", false, &l->rt_period_us);
}

static int live_io(td_cg_version v, int fd, td_cg_live *l) {
        static const char *const v1_files[_TD_DEV_FIELD_MAX] = {
                "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
                "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device",
        };
        bool v2 = v == TD_CG_V2;
        int r;

        if ((r = read_weight(fd, v2 ? "io.weight" : "blkio.weight", &l->io_weight)) < 0 ||
            (r = read_weight(fd, v2 ? "io.bfq.weight" : "blkio.bfq.weight", &l->bfq_weight)) < 0)
                return r;
        td_dev_limits_done(&l->devs);
        l->devs_read = true;
        for (size_t k = 0; k < (v2 ? 1 : ELEMENTSOF(v1_files)); k++) {
                _cleanup_free_ char *t = NULL;
                if ((r = read_text(fd, v2 ? "io.max" : v1_files[k], &t)) < 0)
                        return r;
                r = !t ? -ENOENT : v2 ? td_stats_parse_io_max(t, &l->devs)
                                      : td_stats_parse_v1_throttle(t, (td_dev_field) k, &l->devs);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        l->devs_read = false;
        }
        if (!l->devs_read)
                td_dev_limits_done(&l->devs);
        return 0;
}

int td_cg_live_read(td_cg_controller c, td_cg_version v, int group_fd, td_cg_live *l) {
        bool v2 = v == TD_CG_V2;
        int r;

        if (v != TD_CG_V1 && v != TD_CG_V2)
                return 0;
        switch (c) {
        case TD_CG_CPU:
                return live_cpu(v, group_fd, l);
        case TD_CG_CPUSET:
                if ((r = read_list(group_fd, "cpuset.cpus", &l->cpus)) < 0)
                        return r;
                return read_list(group_fd, "cpuset.mems", &l->mems);
        case TD_CG_MEMORY:
                if ((r = read_value(group_fd, v2 ? "memory.max" : "memory.limit_in_bytes", true,
                                    &l->mem_max)) < 0 ||
                    (r = read_value(group_fd, v2 ? "memory.high" : "memory.soft_limit_in_bytes", true,
                                    &l->mem_high)) < 0)
                        return r;
                return read_value(group_fd, v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes", true,
                                  v2 ? &l->swap_max : &l->memsw_max);
        case TD_CG_PIDS:
                return read_value(group_fd, "pids.max", true, &l->pids_max);
        case TD_CG_IO:
                return live_io(v, group_fd, l);
        case TD_CG_CPUACCT:
        case _TD_CG_CONTROLLER_MAX:
        case _TD_CG_CONTROLLER_INVALID:
                break;
        }
        return 0;
}

/* ---- a whole tenant ---------------------------------------------------- */

static bool group_name_ok(const char *s) {
        return s && *s && !strchr(s, '/') && !streq(s, ".") && !streq(s, "..");
}

void td_cg_tenant_stats_done(td_cg_tenant_stats *s) {
        if (!s)
                return;
        td_cg_live_done(&s->live);
        td_cg_usage_init(&s->usage);
}

int td_cg_tenant_stats_read(const td_cg *cg, const char *tenant, td_cg_tenant_stats *ret) {
        const td_cg_layout *lay = td_cg_get_layout(cg);
        td_cg_tenant_stats s = {};
        int r = 0;

        if (!group_name_ok(tenant))
                return -EINVAL;
        td_cg_live_init(&s.live);
        td_cg_usage_init(&s.usage);
        for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX && r >= 0; c++) {
                _cleanup_close_ int gfd = -1, lfd = -1;

                if (lay->ctrl_hier[c] < 0)
                        continue;
                s.version[c] = lay->hier[lay->ctrl_hier[c]].version;
                s.available |= 1u << c;
                gfd = td_cg_group_dirfd(cg, c, tenant, false);
                if (gfd == -ENOMEM)
                        r = gfd;
                if (gfd < 0)
                        continue;   /* not created (yet): "not applied" */
                s.present |= 1u << c;
                lfd = td_cg_group_dirfd(cg, c, tenant, true);
                if (lfd == -ENOMEM)
                        r = lfd;
                r = r < 0 ? r : td_cg_live_read(c, s.version[c], gfd, &s.live);
                r = r < 0 ? r : td_cg_usage_read(c, s.version[c], gfd, lfd, &s.usage);
        }
        if (r < 0) {
                td_cg_tenant_stats_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}

void td_strv_free(char **v) {
        for (char **p = v; p && *p; p++)
                free(*p);
        free(v);
}

static int str_cmp(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Append the subdirectory names of one tenant root to *v. Takes fd. */
static int list_dir(int fd, char ***v, size_t *n, size_t *cap) {
        DIR *d = fdopendir(fd);
        struct dirent *de;

        if (!d) {
                close(fd);
                return -errno;
        }
        while ((de = readdir(d))) {
                struct stat st;
                char **slot;

                if (!group_name_ok(de->d_name))
                        continue;
                if (de->d_type != DT_DIR &&
                    (de->d_type != DT_UNKNOWN || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                     !S_ISDIR(st.st_mode)))
                        continue;
                if (!(slot = td_grow((void **) v, n, cap, sizeof(char *))) || !(*slot = strdup(de->d_name))) {
                        if (slot)
                                (*n)--;
                        closedir(d);
                        return -ENOMEM;
                }
        }
        closedir(d);
        return 0;
}

int td_cg_list_groups(const td_cg *cg, char ***ret) {
        const td_cg_layout *lay = td_cg_get_layout(cg);
        char **v = NULL;
        size_t n = 0, cap = 0, k = 0;
        int r = 0;

        for (size_t h = 0; h < lay->n_hier && r >= 0; h++) {
                td_cg_controller c;
                int fd;

                for (c = 0; c < _TD_CG_CONTROLLER_MAX; c++)
                        if (lay->ctrl_hier[c] == (int) h)
                                break;
                if (c == _TD_CG_CONTROLLER_MAX)
                        continue;
                fd = td_cg_group_dirfd(cg, c, NULL, false);
                if (fd == -ENOMEM)
                        r = fd;
                else if (fd >= 0)
                        r = list_dir(fd, &v, &n, &cap);
        }
        /* The terminating NULL (td_grow zeroes the new slot). */
        if (r >= 0 && !td_grow((void **) &v, &n, &cap, sizeof(char *)))
                r = -ENOMEM;
        if (r < 0) {
                /* No terminator yet: free by count. */
                for (size_t i = 0; i < n; i++)
                        free(v[i]);
                free(v);
                return r;
        }
        n--;
        qsort(v, n, sizeof(char *), str_cmp);
        for (size_t i = 0; i < n; i++) {
                if (k > 0 && streq(v[k - 1], v[i])) {
                        free(v[i]);
                        continue;
                }
                v[k++] = v[i];
        }
        v[k] = NULL;
        *ret = v;
        return (int) k;
}

/* ---- configured versus live -------------------------------------------- */

void td_cg_limits_done(td_cg_limits *l) {
        if (!l)
                return;
        for (size_t i = 0; i < l->n; i++) {
                free(l->v[i].expected_s);
                free(l->v[i].live_s);
        }
        free(l->v);
        *l = (td_cg_limits) {};
}

typedef struct cmp_ctx {
        td_cg_limits *l;
        const td_cg_host *host;
        const td_policy *p;
        const td_cg_tenant_stats *st;
        bool orphan;          /* no policy: show live values, compare nothing */
} cmp_ctx;

static uint64_t opt(uint64_t v, uint64_t dflt) {
        return v == TD_UNSET ? dflt : v;
}

/* A byte limit as apply writes it: page-rounded, unset meaning max. */
static uint64_t page_limit(const td_cg_host *h, uint64_t v) {
        uint64_t page = h->page_size ? h->page_size : 4096;

        if (v == TD_UNSET || v == TD_UNLIMITED)
                return TD_UNLIMITED;
        return v / page * page;
}

static td_cg_limit_row *add_row(cmp_ctx *x, const char *key, const char *file, td_unit unit,
                                bool configured, uint64_t expected, uint64_t live) {
        td_cg_limit_row *w = td_grow((void **) &x->l->v, &x->l->n, &x->l->cap, sizeof *w);

        if (!w)
                return NULL;
        snprintf(w->key, sizeof w->key, "%s", key);
        w->file = file;
        w->unit = unit;
        w->configured = !x->orphan && configured;
        w->compared = !x->orphan;
        w->expected = x->orphan ? TD_STAT_NA : expected;
        w->live = live;
        w->drift = w->compared && live != TD_STAT_NA && expected != live;
        return w;
}

static int cmp_cpu(cmp_ctx *x, td_cg_version v) {
        const td_cpu *cpu = &x->p->cpu;
        const td_cg_live *lv = &x->st->live;
        bool v2 = v == TD_CG_V2, sh = cpu->shares != TD_UNSET, wt = cpu->weight != TD_UNSET;
        uint64_t period = opt(cpu->period_us, 100000), quota = opt(cpu->quota, TD_UNLIMITED);
        uint64_t live_m = TD_STAT_NA;
        td_cg_limit_row *w;

        /* The weight in the file's own scale, converted like compile does. */
        if (!add_row(x, v2 ? (sh && !wt ? "cpu.shares" : "cpu.weight") : (wt && !sh ? "cpu.weight" : "cpu.shares"),
                     v2 ? "cpu.weight" : "cpu.shares", TD_UNIT_COUNT, sh || wt,
                     v2 ? (wt ? cpu->weight : sh ? td_cg_shares_to_weight(cpu->shares) : 100)
                        : (sh ? cpu->shares : wt ? td_cg_weight_to_shares(cpu->weight) : 1024),
                     v2 ? lv->cpu_weight : lv->cpu_shares))
                return -ENOMEM;

        if (lv->cpu_quota_us == TD_UNLIMITED)
                live_m = TD_UNLIMITED;
        else if (lv->cpu_quota_us != TD_STAT_NA && lv->cpu_period_us != TD_STAT_NA && lv->cpu_period_us > 0)
                live_m = (lv->cpu_quota_us * 1000 + lv->cpu_period_us / 2) / lv->cpu_period_us;
        w = add_row(x, "cpu.quota", v2 ? "cpu.max" : "cpu.cfs_quota_us", TD_UNIT_CPU,
                    cpu->quota != TD_UNSET, quota, live_m);
        if (!w)
                return -ENOMEM;
        /* Millicores are rounded for display; compare what is in the file. */
        if (w->compared && lv->cpu_quota_us != TD_STAT_NA)
                w->drift = (quota == TD_UNLIMITED ? TD_UNLIMITED : quota * period / 1000) != lv->cpu_quota_us;
        if (!add_row(x, "cpu.period", v2 ? "cpu.max" : "cpu.cfs_period_us", TD_UNIT_DURATION,
                     cpu->period_us != TD_UNSET, period, lv->cpu_period_us))
                return -ENOMEM;

        if (v2 || (lv->rt_runtime_us == TD_STAT_NA && cpu->rt_runtime_us == TD_UNSET))
                return 0;
        if (!add_row(x, "cpu.realtime.runtime", "cpu.rt_runtime_us", TD_UNIT_DURATION,
                     cpu->rt_runtime_us != TD_UNSET, opt(cpu->rt_runtime_us, 0), lv->rt_runtime_us) ||
            !add_row(x, "cpu.realtime.period", "cpu.rt_period_us", TD_UNIT_DURATION,
                     cpu->rt_period_us != TD_UNSET, opt(cpu->rt_period_us, 1000000), lv->rt_period_us))
                return -ENOMEM;
        return 0;
}

static int cmp_list(cmp_ctx *x, td_cg_version v, const char *key, const char *file, const char *want,
                    const char *live) {
        /* v1: an unset list is copied from the tenant root, so anything
         * goes; v2: unset is "", the parent's effective set. */
        const char *expected = want ? want : v == TD_CG_V2 ? "" : NULL;
        td_cg_limit_row *w = add_row(x, key, file, TD_UNIT_COUNT, want != NULL, TD_STAT_NA, TD_STAT_NA);

        if (!w)
                return -ENOMEM;
        w->list = true;
        w->compared = !x->orphan && expected;
        if ((w->compared && !(w->expected_s = strdup(expected))) || (live && !(w->live_s = strdup(live))))
                return -ENOMEM;
        w->drift = w->compared && live && !td_cpulist_equal(expected, live);
        return 0;
}

static int cmp_memory(cmp_ctx *x, td_cg_version v) {
        const td_memory *m = &x->p->memory;
        const td_cg_live *lv = &x->st->live;
        bool v2 = v == TD_CG_V2;
        uint64_t max = page_limit(x->host, m->max), swap = TD_UNLIMITED;

        if (!add_row(x, "memory.max", v2 ? "memory.max" : "memory.limit_in_bytes", TD_UNIT_SIZE,
                     m->max != TD_UNSET, max, lv->mem_max) ||
            !add_row(x, "memory.high", v2 ? "memory.high" : "memory.soft_limit_in_bytes", TD_UNIT_SIZE,
                     m->high != TD_UNSET, page_limit(x->host, m->high), lv->mem_high))
                return -ENOMEM;
        if (v2)
                swap = page_limit(x->host, m->swap_max);
        else if (m->swap_max != TD_UNSET && m->swap_max != TD_UNLIMITED && max != TD_UNLIMITED) {
                /* v1 limits memory + swap together (compile: memsw = max + swap_max). */
                uint64_t sum = max + page_limit(x->host, m->swap_max);
                if (sum >= max && sum < (UINT64_C(1) << 62))
                        swap = sum;
        }
        if ((v2 ? lv->swap_max : lv->memsw_max) == TD_STAT_NA && m->swap_max == TD_UNSET)
                return 0;   /* no swap accounting, nothing asked */
        if (!add_row(x, "memory.swap_max", v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes", TD_UNIT_SIZE,
                     m->swap_max != TD_UNSET, swap, v2 ? lv->swap_max : lv->memsw_max))
                return -ENOMEM;
        return 0;
}

static const char *dev_file(td_cg_version v, td_dev_field k) {
        static const char *const v1_files[_TD_DEV_FIELD_MAX] = {
                "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
                "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device",
        };
        return v == TD_CG_V2 ? "io.max" : v1_files[k];
}

/* One row per configured device limit, and per live limit of a device the
 * policy does not list (drift: apply clears it). */
static int cmp_devices(cmp_ctx *x, td_cg_version v) {
        const td_io *io = &x->p->io;
        const td_cg_live *lv = &x->st->live;
        _cleanup_free_ bool *seen = calloc(lv->devs.n + 1, sizeof(bool));
        char key[160];

        if (!seen)
                return -ENOMEM;
        for (size_t i = 0; i < io->n_devices; i++) {
                const td_io_device *d = &io->devices[i];
                uint64_t want[_TD_DEV_FIELD_MAX] = { d->rbps, d->wbps, d->riops, d->wiops };
                const td_dev_limit *found = NULL;
                unsigned maj, min;
                bool ok;

                if (d->device && sscanf(d->device, "%u:%u", &maj, &min) == 2 && !strchr(d->device, '/'))
                        ok = true;
                else
                        ok = d->device && (x->host->resolve_device ? x->host->resolve_device
                                                                   : td_cg_resolve_device)(d->device, &maj, &min) == 0;
                if (ok && (found = td_dev_limits_find(&lv->devs, maj, min)))
                        seen[found - lv->devs.v] = true;
                for (td_dev_field k = 0; k < _TD_DEV_FIELD_MAX; k++) {
                        uint64_t live = !ok || !lv->devs_read ? TD_STAT_NA : found ? found->v[k] : TD_UNLIMITED;
                        td_cg_limit_row *w;

                        if (want[k] == TD_UNSET && (live == TD_UNLIMITED || live == TD_STAT_NA))
                                continue;
                        snprintf(key, sizeof key, "io.devices[%s].%s", d->device ? d->device : "?",
                                 td_dev_field_to_name(k));
                        w = add_row(x, key, dev_file(v, k), k <= TD_DEV_WBPS ? TD_UNIT_RATE : TD_UNIT_IOPS,
                                    want[k] != TD_UNSET, opt(want[k], TD_UNLIMITED), live);
                        if (!w)
                                return -ENOMEM;
                        if (!ok)   /* device gone or not a block device: compile reports it */
                                w->compared = w->drift = false;
                }
        }
        for (size_t i = 0; i < lv->devs.n; i++)
                for (td_dev_field k = 0; k < _TD_DEV_FIELD_MAX && !seen[i]; k++) {
                        const td_dev_limit *d = &lv->devs.v[i];
                        if (d->v[k] == TD_UNLIMITED)
                                continue;
                        snprintf(key, sizeof key, "io.devices[%u:%u].%s", d->major, d->minor,
                                 td_dev_field_to_name(k));
                        if (!add_row(x, key, dev_file(v, k), k <= TD_DEV_WBPS ? TD_UNIT_RATE : TD_UNIT_IOPS,
                                     false, TD_UNLIMITED, d->v[k]))
                                return -ENOMEM;
                }
        return 0;
}

static int cmp_io(cmp_ctx *x, td_cg_version v) {
        const td_cg_live *lv = &x->st->live;
        uint64_t wt = x->p->io.weight;
        bool v2 = v == TD_CG_V2, set = wt != TD_UNSET;

        if (lv->io_weight != TD_STAT_NA || (set && lv->bfq_weight == TD_STAT_NA))
                if (!add_row(x, "io.weight", v2 ? "io.weight" : "blkio.weight", TD_UNIT_COUNT, set,
                             v2 ? opt(wt, 100) : set ? td_cg_io_weight_to_blkio(wt) : 500, lv->io_weight))
                        return -ENOMEM;
        if (lv->bfq_weight != TD_STAT_NA)
                if (!add_row(x, "io.weight", v2 ? "io.bfq.weight" : "blkio.bfq.weight", TD_UNIT_COUNT, set,
                             set ? td_cg_io_weight_to_bfq(wt) : 100, lv->bfq_weight))
                        return -ENOMEM;
        return cmp_devices(x, v);
}

static int cmp_controller(cmp_ctx *x, td_cg_controller c, td_cg_version v) {
        switch (c) {
        case TD_CG_CPU:
                return cmp_cpu(x, v);
        case TD_CG_CPUSET: {
                int r = cmp_list(x, v, "cpu.cpus", "cpuset.cpus", x->p->cpu.cpus, x->st->live.cpus);
                return r < 0 ? r : cmp_list(x, v, "cpu.mems", "cpuset.mems", x->p->cpu.mems, x->st->live.mems);
        }
        case TD_CG_MEMORY:
                return cmp_memory(x, v);
        case TD_CG_IO:
                return cmp_io(x, v);
        case TD_CG_PIDS:
                return add_row(x, "pids.max", "pids.max", TD_UNIT_COUNT, x->p->pids.max != TD_UNSET,
                               opt(x->p->pids.max, TD_UNLIMITED), x->st->live.pids_max) ? 0 : -ENOMEM;
        case TD_CG_CPUACCT:
        case _TD_CG_CONTROLLER_MAX:
        case _TD_CG_CONTROLLER_INVALID:
                break;
        }
        return 0;
}

int td_cg_limits_compare(const td_policy *p, const td_cg_host *host, const td_cg_tenant_stats *st,
                         td_cg_limits *ret) {
        td_cg_limits l = {};
        td_policy none;
        cmp_ctx x = { .l = &l, .host = host, .p = p, .st = st, .orphan = !p };
        int r = 0;

        /* An orphan is compared against nothing, but walks the same code. */
        td_policy_init(&none);
        if (!p)
                x.p = &none;
        for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX && r >= 0; c++)
                if (st->version[c] == TD_CG_V1 || st->version[c] == TD_CG_V2)
                        r = cmp_controller(&x, c, st->version[c]);
        if (r < 0) {
                td_cg_limits_done(&l);
                return r;
        }
        for (size_t i = 0; i < l.n; i++)
                l.n_drift += l.v[i].drift;
        *ret = l;
        return (int) l.n_drift;
}
