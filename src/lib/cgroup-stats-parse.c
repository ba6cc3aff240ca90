/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pure parsers for the text of cgroup files (see cgroup-stats-parse.h). */
#include <inttypes.h>

#include "cgroup-internal.h"
#include "cgroup-stats-parse.h"

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
int td_stats_parse_cpu_max(const char *text, uint64_t *ret_quota, uint64_t *ret_period) {
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

bool td_cpulist_equal(const char *a, const char *b) {
        uint64_t x[64], y[64];

        if (!a || !b || td_cg_cpulist_parse(a, x) < 0 || td_cg_cpulist_parse(b, y) < 0)
                return false;
        return memcmp(x, y, sizeof x) == 0;
}
