/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup v2 backend: knob names and defaults on the unified hierarchy. The
 * mapping table is in cgroup-compile.c; enabling controllers in
 * cgroup.subtree_control is in cgroup-apply.c (it touches the tree). */
#include <fcntl.h>
#include <inttypes.h>

#include "cgroup-internal.h"

static const char *num_or_max(uint64_t v, char *buf, size_t size) {
        if (v == TD_UNLIMITED || v == TD_UNSET)
                return "max";
        snprintf(buf, size, "%" PRIu64, v);
        return buf;
}

static int v2_cpu(td_cg_compile_ctx *cx) {
        const td_cpu *cpu = &cx->policy->cpu;
        uint64_t weight = cpu->weight != TD_UNSET ? cpu->weight
                        : cpu->shares != TD_UNSET ? td_cg_shares_to_weight(cpu->shares)
                        : TD_CG_WEIGHT_DEFAULT;
        uint64_t period = TD_CG_CFS_PERIOD_DEFAULT, us = TD_UNLIMITED;
        char buf[32];
        int r;

        if (cpu->rt_runtime_us != TD_UNSET || cpu->rt_period_us != TD_UNSET) {
                r = td_cg_compile_refuse(cx, td_policy_knob_mark(cx->policy, TD_KNOB_CPU_REALTIME), "cpu.realtime",
                                         "cgroup v2 has no realtime budget per group "
                                         "(cpu.rt_runtime_us exists on v1 only)");
                if (r < 0)
                        return r;
        }
        r = td_cg_plan_add(cx, TD_CG_CPU, false, "cpu.weight", TD_CG_CMP_NUMBER, TD_CG_ORDER_NONE,
                           cpu->weight != TD_UNSET ? "cpu.weight" : "cpu.shares", "100",
                           "%" PRIu64, weight);
        if (r < 0)
                return r;
        r = td_cg_compile_quota(cx, &us, &period);
        if (r < 0)
                return r;
        /* One file for both: the kernel checks quota and period together. */
        return td_cg_plan_add(cx, TD_CG_CPU, false, "cpu.max", TD_CG_CMP_CPU_MAX, TD_CG_ORDER_NONE,
                              "cpu.quota", "max 100000", "%s %" PRIu64,
                              num_or_max(us, buf, sizeof buf), period);
}

static int v2_cpuset(td_cg_compile_ctx *cx) {
        /* "" is v2's default: use the parent's effective set. */
        int r = td_cg_plan_add(cx, TD_CG_CPUSET, false, "cpuset.mems", TD_CG_CMP_CPULIST,
                               TD_CG_ORDER_NONE, "cpu.mems", "", "%s",
                               cx->policy->cpu.mems ? cx->policy->cpu.mems : "");
        if (r < 0)
                return r;
        return td_cg_plan_add(cx, TD_CG_CPUSET, false, "cpuset.cpus", TD_CG_CMP_CPULIST,
                              TD_CG_ORDER_NONE, "cpu.cpus", "", "%s",
                              cx->policy->cpu.cpus ? cx->policy->cpu.cpus : "");
}

static int v2_memory(td_cg_compile_ctx *cx) {
        const td_memory *m = &cx->policy->memory;
        char b[32];
        int r;

        r = td_cg_plan_add(cx, TD_CG_MEMORY, false, "memory.max", TD_CG_CMP_NUMBER, TD_CG_ORDER_NONE,
                           "memory.max", "max", "%s",
                           num_or_max(td_cg_page_round(cx->host, m->max), b, sizeof b));
        if (r < 0)
                return r;
        r = td_cg_plan_add(cx, TD_CG_MEMORY, false, "memory.high", TD_CG_CMP_NUMBER, TD_CG_ORDER_NONE,
                           "memory.high", "max", "%s",
                           num_or_max(td_cg_page_round(cx->host, m->high), b, sizeof b));
        if (r < 0)
                return r;
        if (!cx->host->swap) {
                if (m->swap_max != TD_UNSET)
                        return td_cg_compile_refuse(cx, td_policy_knob_mark(cx->policy, TD_KNOB_MEMORY_SWAP_MAX), "memory.swap_max",
                                                    "swap accounting is off (no memory.swap.max)");
                return 0;
        }
        /* v2 limits swap on its own: swap_max maps one to one. */
        return td_cg_plan_add(cx, TD_CG_MEMORY, false, "memory.swap.max", TD_CG_CMP_NUMBER,
                              TD_CG_ORDER_NONE, "memory.swap_max", "max", "%s",
                              num_or_max(td_cg_page_round(cx->host, m->swap_max), b, sizeof b));
}

static int v2_io(td_cg_compile_ctx *cx) {
        const td_io *io = &cx->policy->io;
        _cleanup_free_ char *text = NULL;
        int r = 0;

        if (io->weight != TD_UNSET && !cx->host->io_weight && !cx->host->bfq_weight)
                (void) td_cg_compile_refuse(cx, td_policy_knob_mark(cx->policy, TD_KNOB_IO_WEIGHT), "io.weight",
                                            "no io.weight or io.bfq.weight (no iocost, and BFQ "
                                            "is not available)");
        if (cx->host->io_weight) {
                uint64_t w = io->weight != TD_UNSET ? io->weight : TD_CG_WEIGHT_DEFAULT;
                r = td_cg_plan_add(cx, TD_CG_IO, false, "io.weight", TD_CG_CMP_NUMBER, TD_CG_ORDER_NONE,
                                   "io.weight", "default 100", "default %" PRIu64, w);
                if (r < 0)
                        return r;
        }
        if (cx->host->bfq_weight) {
                uint64_t w = io->weight != TD_UNSET ? td_cg_io_weight_to_bfq(io->weight) : 100;
                r = td_cg_plan_add(cx, TD_CG_IO, false, "io.bfq.weight", TD_CG_CMP_NUMBER,
                                   TD_CG_ORDER_NONE, "io.weight", "default 100", "default %" PRIu64, w);
                if (r < 0)
                        return r;
        }

        for (size_t i = 0; i < io->n_devices; i++) {
                const td_io_device *d = &io->devices[i];
                char dev[32], v[4][32];
                char *s;

                if (td_cg_compile_device(cx, d, dev, sizeof dev) < 0)
                        continue;
                /* All four keys every time: a line then states the whole limit. */
                s = td_strdupf("%s%s%s rbps=%s wbps=%s riops=%s wiops=%s", text ? text : "",
                               text ? "\n" : "", dev,
                               num_or_max(d->rbps, v[0], sizeof v[0]), num_or_max(d->wbps, v[1], sizeof v[1]),
                               num_or_max(d->riops, v[2], sizeof v[2]), num_or_max(d->wiops, v[3], sizeof v[3]));
                if (!s)
                        return -ENOMEM;
                free(text);
                text = s;
        }
        return td_cg_plan_add(cx, TD_CG_IO, false, "io.max", TD_CG_CMP_DEVICE, TD_CG_ORDER_NONE,
                              "io.devices", "", "%s", text ? text : "");
}

static int v2_compile(td_cg_compile_ctx *cx, td_cg_controller c) {
        char buf[32];

        switch (c) {
        case TD_CG_CPU:
                return v2_cpu(cx);
        case TD_CG_CPUSET:
                return v2_cpuset(cx);
        case TD_CG_MEMORY:
                return v2_memory(cx);
        case TD_CG_IO:
                return v2_io(cx);
        case TD_CG_PIDS:
                return td_cg_plan_add(cx, TD_CG_PIDS, false, "pids.max", TD_CG_CMP_NUMBER,
                                      TD_CG_ORDER_NONE, "pids.max", "max", "%s",
                                      num_or_max(cx->policy->pids.max, buf, sizeof buf));
        case TD_CG_CPUACCT:     /* v2 keeps these numbers in cpu.stat */
        case _TD_CG_CONTROLLER_MAX:
        case _TD_CG_CONTROLLER_INVALID:
                break;
        }
        return 0;
}

static char *v2_device_clear(const char *file, const char *dev) {
        return td_strdupf("%s rbps=max wbps=max riops=max wiops=max", dev);
}

/* Parse "rbps=1 wbps=max ..." into four values; absent keys are max. */
static void io_max_parse(const char *s, uint64_t v[4]) {
        static const char *const keys[4] = { "rbps=", "wbps=", "riops=", "wiops=" };

        for (size_t k = 0; k < 4; k++)
                v[k] = TD_UNLIMITED;
        while (s && *s) {
                s += strspn(s, " \t");
                for (size_t k = 0; k < 4; k++)
                        if (startswith(s, keys[k])) {
                                const char *val = s + strlen(keys[k]);
                                v[k] = startswith(val, "max") ? TD_UNLIMITED : strtoull(val, NULL, 10);
                        }
                s = strpbrk(s, " \t");
        }
}

static bool v2_device_equal(const char *file, const char *a, const char *b) {
        uint64_t va[4], vb[4];

        io_max_parse(a, va);
        io_max_parse(b, vb);
        return memcmp(va, vb, sizeof va) == 0;
}

bool td_cg_word_in(const char *list, const char *word) {
        for (const char *t = list; t && *t; ) {
                size_t n = strcspn(t, " \n");
                if (n == strlen(word) && strneq(t, word, n))
                        return true;
                t += n;
                t += strspn(t, " \n");
        }
        return false;
}

/* The mount root has no limit files. Before the tenant root exists (check
 * and dry runs) the files of a group that systemd or another manager made
 * below the mount root tell as much: the first child with `file`, opened,
 * or -1 when there is none (then the caller guesses). */
static int child_with(int dirfd, const char *file) {
        char **sub = NULL;
        size_t n = 0;
        int fd = -1;

        if (td_cg_list_subdirs(dirfd, &sub, &n) < 0)
                return -1;
        for (size_t i = 0; i < n && fd < 0; i++) {
                fd = openat(dirfd, sub[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd >= 0 && faccessat(fd, file, F_OK, 0) < 0) {
                        close(fd);
                        fd = -1;
                }
        }
        td_strv_free_n(sub, n);
        return fd;
}

static void v2_probe(int dirfd, unsigned controllers, bool mount_root, td_cg_host *h) {
        _cleanup_free_ char *avail = NULL;
        _cleanup_close_ int mem_fd = -1, io_fd = -1;

        /* Tenant groups are children of the tenant root, so they can have
         * what the root has available (its cgroup.controllers): apply
         * enables all of it in the root's subtree_control. */
        if (td_read_fileat(dirfd, "cgroup.controllers", 4096, &avail, NULL) < 0)
                avail = NULL;
        for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX; c++)
                if ((controllers & (1u << c)) && c != TD_CG_CPUACCT &&
                    !td_cg_word_in(avail, td_cg_controller_to_name(c, TD_CG_V2)))
                        h->version[c] = TD_CG_NONE;
        if (h->version[TD_CG_CPUACCT] == TD_CG_V2)
                h->version[TD_CG_CPUACCT] = h->version[TD_CG_CPU];
        mem_fd = mount_root ? child_with(dirfd, "memory.max") : -1;
        io_fd = mount_root ? child_with(dirfd, "io.stat") : -1;
        if (controllers & (1u << TD_CG_MEMORY)) {
                if (!mount_root || mem_fd >= 0)
                        h->swap = faccessat(mount_root ? mem_fd : dirfd, "memory.swap.max", F_OK, 0) == 0;
                else
                        h->swap = true;   /* nothing to look at: the common case */
        }
        if (controllers & (1u << TD_CG_IO)) {
                int fd = mount_root ? io_fd : dirfd;
                h->io_weight = fd >= 0 ? faccessat(fd, "io.weight", F_OK, 0) == 0 : true;
                h->bfq_weight = fd >= 0 && faccessat(fd, "io.bfq.weight", F_OK, 0) == 0;
        }
}

const td_cg_ops td_cg_v2_ops = {
        .version = TD_CG_V2,
        .compile = v2_compile,
        .device_clear = v2_device_clear,
        .device_equal = v2_device_equal,
        .probe = v2_probe,
};
