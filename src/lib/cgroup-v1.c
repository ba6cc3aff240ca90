/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup v1 backend: knob names, defaults and ordering for the legacy
 * per-controller hierarchies. The mapping table is in cgroup-compile.c. */
#include <fcntl.h>
#include <inttypes.h>

#include "cgroup-internal.h"

#define V1_MINUS1 "-1"   /* what v1 takes for "unlimited"; reads back as a number */

static const char *num_or(uint64_t v, const char *unlimited, char *buf, size_t size) {
        if (v == TD_UNLIMITED || v == TD_UNSET)
                return unlimited;
        snprintf(buf, size, "%" PRIu64, v);
        return buf;
}

static int v1_cpu_rt(td_cg_compile_ctx *cx) {
        const td_cpu *cpu = &cx->policy->cpu;
        bool set = cpu->rt_runtime_us != TD_UNSET || cpu->rt_period_us != TD_UNSET;
        int r;

        if (!cx->host->rt) {
                if (set)
                        return td_cg_compile_refuse(cx, td_policy_knob_mark(cx->policy, TD_KNOB_CPU_REALTIME), "cpu.realtime",
                                                    "the kernel has no RT group scheduling "
                                                    "(cpu.rt_runtime_us missing)");
                return 0;
        }
        uint64_t period = cpu->rt_period_us != TD_UNSET ? cpu->rt_period_us : TD_CG_RT_PERIOD_DEFAULT;
        uint64_t runtime = cpu->rt_runtime_us != TD_UNSET ? cpu->rt_runtime_us : 0;
        if (runtime > period)
                return td_cg_compile_refuse(cx, td_policy_knob_mark(cx->policy, TD_KNOB_CPU_REALTIME), "cpu.realtime.runtime",
                                            "runtime %" PRIu64 "us exceeds the period %" PRIu64 "us",
                                            runtime, period);

        /* Group and leaf get the same budget: RT tasks run in the leaf and
         * need their own runtime there, and the kernel keeps a group's
         * ratio >= the sum of its children's. Period before runtime so a
         * lowered runtime is checked against the final period. */
        for (int leaf = 0; leaf <= 1; leaf++) {
                r = td_cg_plan_add(cx, TD_CG_CPU, leaf, "cpu.rt_period_us", TD_CG_CMP_NUMBER,
                                   leaf ? TD_CG_ORDER_NONE : TD_CG_ORDER_NESTED_INV,
                                   "cpu.realtime.period", "1000000", "%" PRIu64, period);
                if (r < 0)
                        return r;
        }
        for (int leaf = 0; leaf <= 1; leaf++) {
                r = td_cg_plan_add(cx, TD_CG_CPU, leaf, "cpu.rt_runtime_us", TD_CG_CMP_NUMBER,
                                   leaf ? TD_CG_ORDER_NONE : TD_CG_ORDER_NESTED,
                                   "cpu.realtime.runtime", "0", "%" PRIu64, runtime);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int v1_cpu(td_cg_compile_ctx *cx) {
        const td_cpu *cpu = &cx->policy->cpu;
        uint64_t shares = cpu->shares != TD_UNSET ? cpu->shares
                        : cpu->weight != TD_UNSET ? td_cg_weight_to_shares(cpu->weight)
                        : TD_CG_SHARES_DEFAULT;
        uint64_t period = TD_CG_CFS_PERIOD_DEFAULT, us = TD_UNLIMITED;
        char quota[32] = V1_MINUS1;
        int r;

        r = td_cg_plan_add(cx, TD_CG_CPU, false, "cpu.shares", TD_CG_CMP_NUMBER, TD_CG_ORDER_NONE,
                           cpu->shares != TD_UNSET ? "cpu.shares" : "cpu.weight", "1024",
                           "%" PRIu64, shares);
        if (r < 0)
                return r;
        r = td_cg_compile_quota(cx, &us, &period);
        if (r == -ENOMEM)
                return r;   /* on -EINVAL (reported) go on, to report realtime too */
        if (us != TD_UNLIMITED)
                snprintf(quota, sizeof quota, "%" PRIu64, us);
        /* Period first: the quota is then checked against the final period. */
        r = td_cg_plan_add(cx, TD_CG_CPU, false, "cpu.cfs_period_us", TD_CG_CMP_NUMBER,
                           TD_CG_ORDER_NONE, "cpu.period", "100000", "%" PRIu64, period);
        if (r < 0)
                return r;
        r = td_cg_plan_add(cx, TD_CG_CPU, false, "cpu.cfs_quota_us", TD_CG_CMP_NUMBER,
                           TD_CG_ORDER_NONE, "cpu.quota", V1_MINUS1, "%s", quota);
        if (r < 0)
                return r;
        return v1_cpu_rt(cx);
}

static int v1_cpuset(td_cg_compile_ctx *cx) {
        /* mems before cpus, as the kernel documentation sets them up; each
         * mirrored into the leaf, which must stay a subset of its group. */
        const struct { const char *file, *key, *value; } knobs[] = {
                { "cpuset.mems", "cpu.mems", cx->policy->cpu.mems },
                { "cpuset.cpus", "cpu.cpus", cx->policy->cpu.cpus },
        };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(knobs); i++)
                for (int leaf = 0; leaf <= 1; leaf++) {
                        td_cg_order o = leaf ? TD_CG_ORDER_NONE : TD_CG_ORDER_NESTED;
                        if (knobs[i].value)
                                /* A new group inherits its parent's set (the
                                 * tenant root has clone_children), hence dflt NULL. */
                                r = td_cg_plan_add(cx, TD_CG_CPUSET, leaf, knobs[i].file, TD_CG_CMP_CPULIST,
                                                   o, knobs[i].key, NULL, "%s", knobs[i].value);
                        else
                                r = td_cg_plan_add_inherit(cx, TD_CG_CPUSET, leaf, knobs[i].file, o,
                                                           knobs[i].key);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static int v1_memory(td_cg_compile_ctx *cx) {
        const td_memory *m = &cx->policy->memory;
        uint64_t max = td_cg_page_round(cx->host, m->max);
        char b1[32], b2[32], b3[32];
        const char *memsw = V1_MINUS1;
        int r;

        if (m->swap_max != TD_UNSET) {
                if (!cx->host->memsw)
                        return td_cg_compile_refuse(cx, td_policy_knob_mark(cx->policy, TD_KNOB_MEMORY_SWAP_MAX), "memory.swap_max",
                                                    "swap accounting is off (no memory.memsw.limit_in_bytes; "
                                                    "boot with swapaccount=1)");
                if (max == TD_UNSET || max == TD_UNLIMITED) {
                        if (m->swap_max != TD_UNLIMITED)
                                return td_cg_compile_refuse(cx, td_policy_knob_mark(cx->policy, TD_KNOB_MEMORY_SWAP_MAX), "memory.swap_max",
                                                            "cgroup v1 limits memory and swap together, "
                                                            "so swap_max needs memory.max");
                } else if (m->swap_max != TD_UNLIMITED) {
                        uint64_t sum = max + td_cg_page_round(cx->host, m->swap_max);
                        if (sum >= max && sum < (UINT64_C(1) << 62)) {
                                snprintf(b3, sizeof b3, "%" PRIu64, sum);
                                memsw = b3;
                        }
                }
        }

        /* limit_in_bytes must never exceed memsw.limit_in_bytes; apply
         * swaps the pair when raising (TD_CG_ORDER_LE_NEXT). */
        r = td_cg_plan_add(cx, TD_CG_MEMORY, false, "memory.limit_in_bytes", TD_CG_CMP_NUMBER,
                           cx->host->memsw ? TD_CG_ORDER_LE_NEXT : TD_CG_ORDER_NONE, "memory.max",
                           V1_MINUS1, "%s", num_or(max, V1_MINUS1, b1, sizeof b1));
        if (r < 0)
                return r;
        if (cx->host->memsw) {
                r = td_cg_plan_add(cx, TD_CG_MEMORY, false, "memory.memsw.limit_in_bytes",
                                   TD_CG_CMP_NUMBER, TD_CG_ORDER_NONE, "memory.swap_max", V1_MINUS1,
                                   "%s", memsw);
                if (r < 0)
                        return r;
        }
        return td_cg_plan_add(cx, TD_CG_MEMORY, false, "memory.soft_limit_in_bytes", TD_CG_CMP_NUMBER,
                              TD_CG_ORDER_NONE, "memory.high", V1_MINUS1, "%s",
                              num_or(td_cg_page_round(cx->host, m->high), V1_MINUS1, b2, sizeof b2));
}

/* Append "MAJ:MIN VALUE\n" for one device limit; unset or max adds nothing
 * (a missing line is v1's "unlimited"). */
static int v1_device_line(char **text, const char *dev, uint64_t v) {
        char *s;

        if (v == TD_UNSET || v == TD_UNLIMITED)
                return 0;
        s = td_strdupf("%s%s%s %" PRIu64, *text ? *text : "", *text ? "\n" : "", dev, v);
        if (!s)
                return -ENOMEM;
        free(*text);
        *text = s;
        return 0;
}

static int v1_io(td_cg_compile_ctx *cx) {
        static const char *const files[4] = {
                "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
                "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device",
        };
        const td_io *io = &cx->policy->io;
        char *text[4] = {};
        int r = 0;

        if (io->weight != TD_UNSET && !cx->host->io_weight && !cx->host->bfq_weight)
                (void) td_cg_compile_refuse(cx, td_policy_knob_mark(cx->policy, TD_KNOB_IO_WEIGHT), "io.weight",
                                            "no blkio.weight or blkio.bfq.weight (no proportional "
                                            "I/O scheduler such as BFQ for cgroups)");
        if (cx->host->io_weight) {
                uint64_t w = io->weight != TD_UNSET ? td_cg_io_weight_to_blkio(io->weight) : 500;
                r = td_cg_plan_add(cx, TD_CG_IO, false, "blkio.weight", TD_CG_CMP_NUMBER,
                                   TD_CG_ORDER_NONE, "io.weight", "500", "%" PRIu64, w);
                if (r < 0)
                        return r;
        }
        if (cx->host->bfq_weight) {
                uint64_t w = io->weight != TD_UNSET ? td_cg_io_weight_to_bfq(io->weight) : 100;
                r = td_cg_plan_add(cx, TD_CG_IO, false, "blkio.bfq.weight", TD_CG_CMP_NUMBER,
                                   TD_CG_ORDER_NONE, "io.weight", "100", "%" PRIu64, w);
                if (r < 0)
                        return r;
        }

        for (size_t i = 0; i < io->n_devices && r >= 0; i++) {
                const td_io_device *d = &io->devices[i];
                char dev[32];

                if (td_cg_compile_device(cx, d, dev, sizeof dev) < 0)
                        continue;
                uint64_t v[4] = { d->rbps, d->wbps, d->riops, d->wiops };
                for (size_t k = 0; k < 4 && r >= 0; k++)
                        r = v1_device_line(&text[k], dev, v[k]);
        }
        /* Every file is listed, even empty, so that removed limits get cleared.
         * v1 blk-throttle is not hierarchical: a limit on <tenant>/ did not
         * slow O_DIRECT writes from <tenant>/procs at all here (measured
         * 372 MB/s under a 2 MiB/s limit; the same limit on the leaf gave
         * 2061 KiB/s). So the leaf, where every process of the tenant runs,
         * gets the same lines; the group keeps them for show and drift. */
        for (int leaf = 0; leaf <= 1; leaf++)
                for (size_t k = 0; k < 4 && r >= 0; k++)
                        r = td_cg_plan_add(cx, TD_CG_IO, leaf, files[k], TD_CG_CMP_DEVICE, TD_CG_ORDER_NONE,
                                           "io.devices", "", "%s", text[k] ? text[k] : "");
        for (size_t k = 0; k < 4; k++)
                free(text[k]);
        return r;
}

static int v1_compile(td_cg_compile_ctx *cx, td_cg_controller c) {
        char buf[32];

        switch (c) {
        case TD_CG_CPU:
                return v1_cpu(cx);
        case TD_CG_CPUSET:
                return v1_cpuset(cx);
        case TD_CG_MEMORY:
                return v1_memory(cx);
        case TD_CG_IO:
                return v1_io(cx);
        case TD_CG_PIDS:
                return td_cg_plan_add(cx, TD_CG_PIDS, false, "pids.max", TD_CG_CMP_NUMBER,
                                      TD_CG_ORDER_NONE, "pids.max", "max", "%s",
                                      num_or(cx->policy->pids.max, "max", buf, sizeof buf));
        case TD_CG_CPUACCT:     /* accounting only */
        case _TD_CG_CONTROLLER_MAX:
        case _TD_CG_CONTROLLER_INVALID:
                break;
        }
        return 0;
}

static char *v1_device_clear(const char *file, const char *dev) {
        return td_strdupf("%s 0", dev);
}

static bool v1_device_equal(const char *file, const char *a, const char *b) {
        return td_cg_value_equal(TD_CG_CMP_NUMBER, a, b);
}

static bool has(int dirfd, const char *file) {
        return faccessat(dirfd, file, F_OK, 0) == 0;
}

static void v1_probe(int dirfd, unsigned controllers, bool mount_root, td_cg_host *h) {
        if (controllers & (1u << TD_CG_MEMORY))
                h->memsw = has(dirfd, "memory.memsw.limit_in_bytes");
        if (controllers & (1u << TD_CG_CPU))
                h->rt = has(dirfd, "cpu.rt_runtime_us");
        if (controllers & (1u << TD_CG_IO)) {
                h->io_weight = has(dirfd, "blkio.weight");
                h->bfq_weight = has(dirfd, "blkio.bfq.weight");
        }
}

const td_cg_ops td_cg_v1_ops = {
        .version = TD_CG_V1,
        .compile = v1_compile,
        .device_clear = v1_device_clear,
        .device_equal = v1_device_equal,
        .probe = v1_probe,
};
