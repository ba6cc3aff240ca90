/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Pure parsers over the text of one cgroup file: flat keyed "key value"
 * files, v2's nested keyed io.stat / io.max, v1's blkio "MAJ:MIN Op value"
 * tables, cpu.max and cpuset lists. Unit-tested on real samples; the
 * readers in cgroup-stats.c feed them. */

#include <stdbool.h>
#include <stdint.h>

#define TD_STAT_NA UINT64_MAX   /* same bits as TD_UNSET: "no value" */

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

/* v2 cpu.max: "QUOTA PERIOD", QUOTA may be "max" (TD_UNLIMITED). Returns 0
 * or -EINVAL. */
int td_stats_parse_cpu_max(const char *text, uint64_t *ret_quota, uint64_t *ret_period);

/* cpuset lists equal as sets ("0-2,4" == "0,1,2,4"; "" == ""). False when
 * either does not parse. */
bool td_cpulist_equal(const char *a, const char *b);
