/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The effective policy against the live values, one row per knob (see
 * cgroup-limits.h). Pure: the values come in a td_cg_tenant_stats. */
#include <inttypes.h>

#include "cgroup-limits.h"

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
