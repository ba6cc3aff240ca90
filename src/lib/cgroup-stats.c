/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Usage, fault counters and live limits of tenant groups (see
 * cgroup-stats.h): the readers openat() files below a group directory fd
 * and hand the text to the pure parsers of cgroup-stats-parse.c.
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
#include <fcntl.h>
#include <inttypes.h>
#include <sys/sysmacros.h>

#include "cgroup-internal.h"
#include "cgroup-stats.h"

#define STATS_FILE_MAX (1024 * 1024)   /* io.stat with many devices stays far below */

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
                if (t && td_stats_parse_cpu_max(t, &q, &p) == 0) {
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
                if (fd < 0)
                        continue;
                char **sub = NULL;
                size_t n_sub = 0;
                r = td_cg_list_subdirs(fd, &sub, &n_sub);
                close(fd);
                for (size_t i = 0; i < n_sub && r >= 0; i++)
                        r = td_strv_push(&v, &n, &cap, sub[i]);
                td_strv_free_n(sub, n_sub);
        }
        if (r >= 0)
                r = td_strv_terminate(&v, &n, &cap);
        if (r < 0) {
                td_strv_free_n(v, n);
                return r;
        }
        qsort(v, n, sizeof(char *), td_strcmp_ptr);
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
