/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Configured versus live: the effective policy against the values read by
 * td_cg_tenant_stats_read, one row per knob, drift flagged (pure), for
 * `tenantctl show` and `list`. */

#include "cgroup-stats.h"

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
