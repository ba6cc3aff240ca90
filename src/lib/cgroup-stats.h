/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Usage, fault counters and live limits of tenant groups, on cgroup v1 and
 * v2, for `tenantctl list|show` (owned by h5b; the core is cgroup.h).
 *
 * Three layers, like the rest of tenantd:
 *   parse    pure functions over the text of one cgroup file (flat keyed
 *            "key value" files, v2's nested keyed io.stat / io.max, v1's
 *            blkio "MAJ:MIN Op value" tables), unit-tested on real samples
 *            (cgroup-stats-parse.h);
 *   read     td_cg_usage_read / td_cg_live_read take an open group
 *            directory and openat() each file, so unit tests run them on a
 *            plain temp directory; td_cg_tenant_stats_read opens the
 *            tenant's directories through td_cg_group_dirfd;
 *   compare  td_cg_limits_compare: the effective policy against the live
 *            values, one row per knob, drift flagged (pure; cgroup-limits.h).
 *
 * libcgroup is not used here: cgroup_get_value_string() needs a populated
 * struct cgroup per group and hands back the raw text anyway (it parses
 * neither io.stat nor the blkio tables), while one openat()+read() per file
 * on a directory fd is shorter, cannot be confused by libcgroup 2.0.2's
 * mount table on hybrid hosts, and works on a fake tree in unit tests.
 *
 * Numbers: TD_STAT_NA means "not available" (file missing on this kernel,
 * unreadable or garbled) and is shown as "n/a" / JSON null, never as 0.
 * Limits use TD_UNLIMITED for "max" / "-1" / v1's PAGE_COUNTER_MAX. Byte
 * and time values are in bytes and nanoseconds on both versions. */

#include "cgroup.h"
#include "cgroup-stats-parse.h"
#include "units.h"


/* ---- usage and fault counters ------------------------------------------ */

typedef struct td_cg_usage {
        /* cpu: v1 cpuacct.usage / usage_user / usage_sys (ns), v2 cpu.stat
         * usage_usec / user_usec / system_usec */
        uint64_t cpu_ns, cpu_user_ns, cpu_system_ns;
        /* cpu.stat on both: nr_periods, nr_throttled, throttled_time (v1,
         * ns) / throttled_usec (v2) */
        uint64_t cpu_periods, cpu_throttled, cpu_throttled_ns;
        /* v1 memory.usage_in_bytes / max_usage_in_bytes, v2 memory.current /
         * memory.peak (kernel 5.19+; NA before) */
        uint64_t mem_current, mem_peak;
        /* v1 memsw.usage_in_bytes - usage_in_bytes, v2 memory.swap.current */
        uint64_t swap_current;
        /* limit hits: v1 memory.failcnt, v2 memory.events "max" */
        uint64_t mem_max_events;
        uint64_t mem_high_events;   /* v2 memory.events "high"; NA on v1 */
        uint64_t mem_oom_events;    /* v2 memory.events "oom"; NA on v1 */
        uint64_t oom_kills;         /* v1 memory.oom_control / v2 memory.events "oom_kill" */
        uint64_t pids_current, pids_peak;   /* pids.peak: kernel 6.1+ */
        uint64_t pids_max_events;   /* pids.events "max" */
        /* v1 blkio.throttle.io_service_bytes/io_serviced(_recursive),
         * v2 io.stat; sums over devices */
        uint64_t io_rbytes, io_wbytes, io_rios, io_wios;
} td_cg_usage;

void td_cg_usage_init(td_cg_usage *u);   /* everything TD_STAT_NA */

/* Read controller c's counters of one tenant. group_fd is the tenant group,
 * leaf_fd its TD_CG_LEAF child or -1. Processes live in the leaf, and on v1
 * (and on v2 before the counters became hierarchical) some events are
 * counted in the cgroup of the task that caused them, not where the limit
 * is: those counters are summed over group and leaf (see the .c). Fields
 * whose files are missing or garbled stay TD_STAT_NA. Returns 0 or -ENOMEM. */
int td_cg_usage_read(td_cg_controller c, td_cg_version v, int group_fd, int leaf_fd, td_cg_usage *u);

/* ---- live limits -------------------------------------------------------- */

typedef struct td_cg_live {
        uint64_t cpu_quota_us, cpu_period_us;   /* quota TD_UNLIMITED for -1 / max */
        uint64_t cpu_shares;         /* v1 cpu.shares */
        uint64_t cpu_weight;         /* v2 cpu.weight */
        uint64_t rt_runtime_us, rt_period_us;   /* v1 cpu.rt_*; NA without RT_GROUP_SCHED */
        char *cpus, *mems;           /* cpuset.cpus / cpuset.mems, trimmed; NULL: NA */
        uint64_t mem_max;            /* v1 memory.limit_in_bytes, v2 memory.max */
        uint64_t mem_high;           /* v1 memory.soft_limit_in_bytes, v2 memory.high */
        uint64_t memsw_max;          /* v1 memory.memsw.limit_in_bytes (memory + swap) */
        uint64_t swap_max;           /* v2 memory.swap.max */
        uint64_t pids_max;
        uint64_t io_weight;          /* v1 blkio.weight (10..1000), v2 io.weight default */
        uint64_t bfq_weight;         /* v1 blkio.bfq.weight, v2 io.bfq.weight default */
        td_dev_limits devs;          /* v1 throttle files / v2 io.max */
        bool devs_read;              /* devs holds the live state (files were readable) */
} td_cg_live;

void td_cg_live_init(td_cg_live *l);    /* everything NA */
void td_cg_live_done(td_cg_live *l);    /* frees contents; accepts NULL */

/* Read controller c's limit files from the tenant group directory. Missing
 * or garbled files leave their fields NA. Returns 0 or -ENOMEM. */
int td_cg_live_read(td_cg_controller c, td_cg_version v, int group_fd, td_cg_live *l);

/* ---- a whole tenant ------------------------------------------------------ */

typedef struct td_cg_tenant_stats {
        unsigned available;   /* bit (1u << c): controller c is mounted */
        unsigned present;     /* bit (1u << c): the tenant's group exists there */
        td_cg_version version[_TD_CG_CONTROLLER_MAX];
        td_cg_live live;
        td_cg_usage usage;
} td_cg_tenant_stats;

/* Open the tenant's group (and leaf) in every hierarchy of cg and read
 * everything. `tenant` must be a single path component (not "." or "..",
 * no "/"): -EINVAL otherwise. A missing group is not an error (its bit in
 * `present` stays clear). Returns 0 or -ENOMEM / -EINVAL; *ret is then
 * owned by the caller (td_cg_tenant_stats_done). */
int td_cg_tenant_stats_read(const td_cg *cg, const char *tenant, td_cg_tenant_stats *ret);
void td_cg_tenant_stats_done(td_cg_tenant_stats *s);

/* Names of the groups directly below the tenant root, in any hierarchy,
 * sorted and without duplicates (tenant groups, the fallback group when it
 * lives there, and whatever else someone created). A missing root gives
 * none. Returns the count and a NULL-terminated array (caller frees with
 * td_strv_free), or -errno. */
int td_cg_list_groups(const td_cg *cg, char ***ret);
