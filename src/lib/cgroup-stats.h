/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Usage, fault counters and live limits of tenant groups, on cgroup v1 and
 * v2, for `tenantctl list|show` (owned by h5b; the core is cgroup.h).
 *
 * Three layers, like the rest of tenantd:
 *   parse    pure functions over the text of one cgroup file (flat keyed
 *            "key value" files, v2's nested keyed io.stat / io.max, v1's
 *            blkio "MAJ:MIN Op value" tables), unit-tested on real samples;
 *   read     td_cg_usage_read / td_cg_live_read take an open group
 *            directory and openat() each file, so unit tests run them on a
 *            plain temp directory; td_cg_tenant_stats_read opens the
 *            tenant's directories through td_cg_group_dirfd;
 *   compare  td_cg_limits_compare: the effective policy against the live
 *            values, one row per knob, drift flagged (pure).
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
#include "units.h"

#define TD_STAT_NA UINT64_MAX   /* same bits as TD_UNSET: "no value" */

/* ---- parse (pure) ------------------------------------------------------ */

/* The value of `key` in a flat keyed file, one "key value" per line
 * (cpu.stat, memory.events, pids.events, memory.oom_control). Returns 0,
 * -ENOENT when the key is absent, -EINVAL when its value is not an
 * unsigned decimal (garbage, overflow). */
int td_stats_parse_keyed(const char *text, const char *key, uint64_t *ret);

/* A one-value file ("123\n"). With allow_max, "max" (v2), "-1" (v1) and
 * values at v1's PAGE_COUNTER_MAX (9223372036854771712 with 4K pages, a
 * little less with larger pages) give TD_UNLIMITED. -EINVAL otherwise. */
int td_stats_parse_value(const char *text, bool allow_max, uint64_t *ret);

typedef struct td_io_totals {
        uint64_t rbytes, wbytes, rios, wios;
} td_io_totals;

/* v2 io.stat, "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N"
 * per device: the sums over devices (empty text: zeros). Unknown keys are
 * ignored (newer kernels add some). -EINVAL on a garbled line. */
int td_stats_parse_io_stat(const char *text, td_io_totals *ret);

/* v1 blkio.*.io_service_bytes[_recursive] / io_serviced[_recursive]:
 * "MAJ:MIN Read|Write|Sync|Async|Discard|Total N" lines and a final
 * "Total N". Returns the sums of Read and Write over devices. -EINVAL on a
 * garbled line. */
int td_stats_parse_blkio(const char *text, uint64_t *ret_read, uint64_t *ret_write);

/* "default N" of v2 io.weight / io.bfq.weight (and of v1 blkio.bfq.weight
 * on current kernels), or the bare "N" of v1 blkio.weight. */
int td_stats_parse_weight(const char *text, uint64_t *ret);

typedef enum td_dev_field {
        TD_DEV_RBPS,
        TD_DEV_WBPS,
        TD_DEV_RIOPS,
        TD_DEV_WIOPS,
        _TD_DEV_FIELD_MAX,
        _TD_DEV_FIELD_INVALID = -EINVAL,
} td_dev_field;

/* Policy key of a field: "read_bps", "write_bps", "read_iops", "write_iops". */
const char *td_dev_field_to_name(td_dev_field f);

typedef struct td_dev_limit {
        unsigned major, minor;
        uint64_t v[_TD_DEV_FIELD_MAX];   /* TD_UNLIMITED when not limited */
} td_dev_limit;

typedef struct td_dev_limits {
        td_dev_limit *v;
        size_t n, cap;
} td_dev_limits;

void td_dev_limits_done(td_dev_limits *l);
/* The entry of a device, or NULL. */
const td_dev_limit *td_dev_limits_find(const td_dev_limits *l, unsigned major, unsigned minor);

/* v1 blkio.throttle.{read,write}_{bps,iops}_device ("MAJ:MIN N" lines) into
 * field f of l (entries are added as needed). v2 io.max ("MAJ:MIN rbps=N
 * wbps=max riops=... wiops=..."; absent keys are max). -EINVAL on a garbled
 * line (l keeps the lines before it), -ENOMEM. */
int td_stats_parse_v1_throttle(const char *text, td_dev_field f, td_dev_limits *l);
int td_stats_parse_io_max(const char *text, td_dev_limits *l);

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
void td_strv_free(char **v);

/* ---- configured versus live --------------------------------------------- */

typedef struct td_cg_limit_row {
        char key[160];          /* policy key: "memory.max", "io.devices[8:0].read_bps" */
        const char *file;       /* the kernel file it was read from (static) */
        td_unit unit;           /* how to show the values */
        bool configured;        /* set in the policy; else `expected` is the kernel default */
        bool compared;          /* expected is known (v1 cpuset unset: inherited, not) */
        uint64_t expected;      /* what apply writes, in `unit` */
        uint64_t live;          /* TD_STAT_NA: not readable */
        bool list;              /* a cpuset list: values are expected_s / live_s */
        char *expected_s, *live_s;   /* NULL: not compared / not readable */
        bool drift;             /* compared, live readable and different */
} td_cg_limit_row;

typedef struct td_cg_limits {
        td_cg_limit_row *v;
        size_t n, cap;
        size_t n_drift;
} td_cg_limits;

void td_cg_limits_done(td_cg_limits *l);

/* Rows for every knob tenantd manages on controllers `st` has, with the
 * values apply would write for policy p (NULL: an orphan group, nothing is
 * compared). host supplies the page size (0: 4096) and resolve_device (NULL:
 * stat(2)); its version[] is not used (st's is). Conversions follow
 * cgroup-compile.c: v1 cpu.shares from a weight, blkio weights, memsw =
 * max + swap_max, page rounding. Returns the number of drifting rows and
 * fills *ret (caller td_cg_limits_done()s it), or -ENOMEM (*ret untouched). */
int td_cg_limits_compare(const td_policy *p, const td_cg_host *host, const td_cg_tenant_stats *st,
                         td_cg_limits *ret);

/* cpuset lists equal as sets ("0-2,4" == "0,1,2,4"; "" == ""). False when
 * either does not parse. */
bool td_cpulist_equal(const char *a, const char *b);
