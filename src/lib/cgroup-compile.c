/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Compile: an effective policy plus a host description becomes the list of
 * knob writes for one tenant group. Pure apart from resolving device paths
 * (host->resolve_device, stat(2) by default).
 *
 * Policy key        cgroup v1 file (cgroup-v1.c)          cgroup v2 file (cgroup-v2.c)
 * ----------------  ------------------------------------  -----------------------------------
 * cpu.weight        cpu.shares = weight*1024/100 [1]      cpu.weight
 * cpu.shares        cpu.shares                            cpu.weight = shares*100/1024 [1]
 * cpu.quota/period  cpu.cfs_period_us, cpu.cfs_quota_us   cpu.max "QUOTA PERIOD" ("max PERIOD")
 *                   (quota_us = millicores*period/1000, max -> -1)
 * cpu.realtime      cpu.rt_period_us, cpu.rt_runtime_us   error: v2 has no RT group budget
 *                   (group and leaf, see cgroup.h)
 * cpu.cpus / mems   cpuset.cpus / cpuset.mems (+ leaf)    cpuset.cpus / cpuset.mems
 * memory.max        memory.limit_in_bytes                 memory.max
 * memory.high       memory.soft_limit_in_bytes [2]        memory.high
 * memory.swap_max   memory.memsw.limit_in_bytes           memory.swap.max
 *                   = max + swap_max [3]
 * io.weight         blkio.weight = w*500/100, 10..1000,   io.weight "default W", and
 *                   and/or blkio.bfq.weight [4]           io.bfq.weight "default B" [4]
 * io.devices[]      blkio.throttle.{read,write}_bps_device io.max "MAJ:MIN rbps= wbps= riops=
 *                   blkio.throttle.{read,write}_iops_device        wiops=" (one line per device)
 *                   ("MAJ:MIN N", one line per device; "MAJ:MIN 0" clears)
 * pids.max          pids.max                              pids.max
 *
 * [1] systemd's linear conversion (cgroup-util.h, CGROUP_CPU_SHARES_DEFAULT
 *     1024 <-> CGROUP_WEIGHT_DEFAULT 100, clamped to 2..262144 / 1..10000).
 *     Not crun's 1 + (shares-2)*9999/262142: that maps the v1 default 1024
 *     to weight 39, so an untouched v1 group would be a non-default v2 one.
 * [2] Not the same mechanism: v1's soft limit only matters under global
 *     memory pressure; v2's high throttles. Closest match in both.
 * [3] v1 accounts memory+swap together. max unlimited or swap_max unlimited
 *     -> memsw unlimited. Apply keeps limit_in_bytes <= memsw at every step.
 * [4] systemd's conversions. Every weight file the host has is written; a
 *     host with none of them can not honour io.weight (an error).
 *
 * Unset knobs compile to the kernel's default so that removing a setting
 * from a policy undoes it on the next apply. Memory sizes are rounded down
 * to the page size because the kernel does so and reads back the result. */
#include <inttypes.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cgroup-internal.h"

#define SHARES_MIN 2
#define SHARES_MAX 262144
#define WEIGHT_MIN 1
#define WEIGHT_MAX 10000
#define BLKIO_WEIGHT_MIN 10
#define BLKIO_WEIGHT_MAX 1000
#define BLKIO_WEIGHT_DEFAULT 500
#define BFQ_WEIGHT_MIN 1
#define BFQ_WEIGHT_MAX 1000
#define BFQ_WEIGHT_DEFAULT 100

static uint64_t clamp_u64(uint64_t v, uint64_t lo, uint64_t hi) {
        return v < lo ? lo : v > hi ? hi : v;
}

uint64_t td_cg_shares_to_weight(uint64_t shares) {
        return clamp_u64(shares * TD_CG_WEIGHT_DEFAULT / TD_CG_SHARES_DEFAULT, WEIGHT_MIN, WEIGHT_MAX);
}

uint64_t td_cg_weight_to_shares(uint64_t weight) {
        return clamp_u64(weight * TD_CG_SHARES_DEFAULT / TD_CG_WEIGHT_DEFAULT, SHARES_MIN, SHARES_MAX);
}

uint64_t td_cg_io_weight_to_blkio(uint64_t weight) {
        return clamp_u64(weight * BLKIO_WEIGHT_DEFAULT / TD_CG_WEIGHT_DEFAULT,
                         BLKIO_WEIGHT_MIN, BLKIO_WEIGHT_MAX);
}

uint64_t td_cg_io_weight_to_bfq(uint64_t weight) {
        weight = clamp_u64(weight, WEIGHT_MIN, WEIGHT_MAX);
        /* Two linear pieces so that both ends and the default line up. */
        if (weight <= TD_CG_WEIGHT_DEFAULT)
                return BFQ_WEIGHT_DEFAULT - (TD_CG_WEIGHT_DEFAULT - weight) *
                       (BFQ_WEIGHT_DEFAULT - BFQ_WEIGHT_MIN) / (TD_CG_WEIGHT_DEFAULT - WEIGHT_MIN);
        return BFQ_WEIGHT_DEFAULT + (weight - TD_CG_WEIGHT_DEFAULT) *
               (BFQ_WEIGHT_MAX - BFQ_WEIGHT_DEFAULT) / (WEIGHT_MAX - TD_CG_WEIGHT_DEFAULT);
}

uint64_t td_cg_page_round(const td_cg_host *h, uint64_t bytes) {
        uint64_t page = h->page_size ? h->page_size : 4096;

        if (bytes == TD_UNLIMITED || bytes == TD_UNSET)
                return bytes;
        return bytes / page * page;
}

void td_cg_plan_done(td_cg_plan *p) {
        if (!p)
                return;
        for (size_t i = 0; i < p->n; i++)
                free(p->v[i].value);
        free(p->v);
        *p = (td_cg_plan) {};
}

static td_cg_write *plan_push(td_cg_compile_ctx *cx, td_cg_controller c, bool leaf, const char *file,
                              td_cg_cmp cmp, td_cg_order order, const char *key, const char *dflt) {
        td_cg_write *w = td_grow((void **) &cx->plan->v, &cx->plan->n, &cx->plan->cap, sizeof(td_cg_write));

        if (!w)
                return NULL;
        *w = (td_cg_write) {
                .controller = c, .leaf = leaf, .file = file, .cmp = cmp,
                .order = order, .key = key, .dflt = dflt,
        };
        return w;
}

int td_cg_plan_add(td_cg_compile_ctx *cx, td_cg_controller c, bool leaf, const char *file,
                   td_cg_cmp cmp, td_cg_order order, const char *key, const char *dflt,
                   const char *fmt, ...) {
        va_list ap;
        char *value;

        va_start(ap, fmt);
        if (vasprintf(&value, fmt, ap) < 0)
                value = NULL;
        va_end(ap);
        if (!value)
                return -ENOMEM;

        td_cg_write *w = plan_push(cx, c, leaf, file, cmp, order, key, dflt);
        if (!w) {
                free(value);
                return -ENOMEM;
        }
        w->value = value;
        return 0;
}

int td_cg_plan_add_inherit(td_cg_compile_ctx *cx, td_cg_controller c, bool leaf, const char *file,
                           td_cg_order order, const char *key) {
        return plan_push(cx, c, leaf, file, TD_CG_CMP_CPULIST, order, key, NULL) ? 0 : -ENOMEM;
}

int td_cg_compile_refuse(td_cg_compile_ctx *cx, td_mark mark, const char *key, const char *fmt, ...) {
        _cleanup_free_ char *reason = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&reason, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        r = td_diag_error(cx->ds, mark, key, "tenant \"%s\": this host can not honour it: %s",
                          cx->policy->name ? cx->policy->name : "?", reason);
        if (r == -ENOMEM)
                return r;
        if (cx->error == 0)
                cx->error = -EINVAL;
        return 0;   /* keep compiling so every problem is reported */
}

int td_cg_resolve_device(const char *path, unsigned *ret_major, unsigned *ret_minor) {
        struct stat st;

        if (stat(path, &st) < 0)
                return -errno;
        if (!S_ISBLK(st.st_mode))
                return -ENOTBLK;
        *ret_major = major(st.st_rdev);
        *ret_minor = minor(st.st_rdev);
        return 0;
}

int td_cg_compile_device(td_cg_compile_ctx *cx, const td_io_device *d, char *buf, size_t size) {
        unsigned maj, min;
        char q[80];
        int r;

        if (!d->device)
                return td_cg_compile_refuse(cx, d->mark, "io.devices.device", "no device given"), -EINVAL;
        /* "MAJ:MIN" is taken as written: the device may be hot-plugged later. */
        if (sscanf(d->device, "%u:%u", &maj, &min) == 2 && !strchr(d->device, '/')) {
                snprintf(buf, size, "%u:%u", maj, min);
                return 0;
        }
        r = (cx->host->resolve_device ? cx->host->resolve_device : td_cg_resolve_device)(d->device, &maj, &min);
        if (r == -ENOTBLK) {
                td_cg_compile_refuse(cx, d->mark, "io.devices.device", "%s is not a block device",
                                     td_quote(d->device, q, sizeof q));
                return -EINVAL;
        }
        if (r < 0) {
                td_cg_compile_refuse(cx, d->mark, "io.devices.device", "device %s: %s",
                                     td_quote(d->device, q, sizeof q), strerror(-r));
                return -EINVAL;
        }
        snprintf(buf, size, "%u:%u", maj, min);
        return 0;
}

int td_cg_compile_quota(td_cg_compile_ctx *cx, uint64_t *ret_quota_us, uint64_t *ret_period_us) {
        const td_cpu *cpu = &cx->policy->cpu;
        uint64_t period = cpu->period_us != TD_UNSET ? cpu->period_us : TD_CG_CFS_PERIOD_DEFAULT;
        uint64_t us = TD_UNLIMITED;

        if (cpu->quota != TD_UNSET && cpu->quota != TD_UNLIMITED) {
                us = cpu->quota * period / 1000;
                if (us < 1000) {
                        int r = td_cg_compile_refuse(cx, td_policy_knob_mark(cx->policy, TD_KNOB_CPU_QUOTA), "cpu.quota",
                                                     "%" PRIu64 "us per %" PRIu64 "us period is below "
                                                     "the kernel's minimum quota of 1000us", us, period);
                        return r < 0 ? r : -EINVAL;
                }
        }
        *ret_quota_us = us;
        *ret_period_us = period;
        return 0;
}

/* Where the settings that need controller c were written. */
static td_mark controller_mark(const td_policy *p, td_cg_controller c) {
        switch (c) {
        case TD_CG_CPU:     return td_policy_knob_mark(p, TD_KNOB_CPU);
        case TD_CG_CPUSET:  return td_policy_knob_mark(p, p->cpu.cpus ? TD_KNOB_CPU_CPUS : TD_KNOB_CPU_MEMS);
        case TD_CG_MEMORY:  return td_policy_knob_mark(p, TD_KNOB_MEMORY);
        case TD_CG_IO:      return td_policy_knob_mark(p, TD_KNOB_IO);
        case TD_CG_PIDS:    return td_policy_knob_mark(p, TD_KNOB_PIDS);
        case TD_CG_CPUACCT:
        case _TD_CG_CONTROLLER_MAX:
        case _TD_CG_CONTROLLER_INVALID:
                break;
        }
        return p->name_mark;
}

/* Which controllers the policy uses, for "controller not mounted" errors. */
static bool uses_controller(const td_policy *p, td_cg_controller c) {
        switch (c) {
        case TD_CG_CPU:
                return p->cpu.weight != TD_UNSET || p->cpu.shares != TD_UNSET ||
                       p->cpu.quota != TD_UNSET || p->cpu.rt_runtime_us != TD_UNSET;
        case TD_CG_CPUSET:
                return p->cpu.cpus || p->cpu.mems;
        case TD_CG_MEMORY:
                return p->memory.max != TD_UNSET || p->memory.high != TD_UNSET ||
                       p->memory.swap_max != TD_UNSET;
        case TD_CG_IO:
                return p->io.weight != TD_UNSET || p->io.n_devices > 0;
        case TD_CG_PIDS:
                return p->pids.max != TD_UNSET;
        case TD_CG_CPUACCT:
        case _TD_CG_CONTROLLER_MAX:
        case _TD_CG_CONTROLLER_INVALID:
                break;
        }
        return false;
}

static const char *controller_key(td_cg_controller c) {
        switch (c) {
        case TD_CG_CPU:     return "cpu";
        case TD_CG_CPUSET:  return "cpu.cpus";
        case TD_CG_MEMORY:  return "memory";
        case TD_CG_IO:      return "io";
        case TD_CG_PIDS:    return "pids";
        case TD_CG_CPUACCT:
        case _TD_CG_CONTROLLER_MAX:
        case _TD_CG_CONTROLLER_INVALID:
                break;
        }
        return NULL;
}

int td_cg_compile(const td_policy *p, const td_cg_host *host, td_cg_plan *ret, td_diags *ds) {
        td_cg_plan plan = {};
        td_cg_compile_ctx cx = { .policy = p, .host = host, .plan = &plan, .ds = ds };
        int r;

        for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX; c++) {
                const td_cg_ops *ops = td_cg_ops_for(host->version[c]);

                if (!ops) {
                        if (uses_controller(p, c))
                                td_cg_compile_refuse(&cx, controller_mark(p, c), controller_key(c),
                                                     "the %s controller is not available (not mounted, "
                                                     "or not enabled in the v2 parent)",
                                                     td_cg_controller_to_name(c, TD_CG_V1));
                        continue;
                }
                r = ops->compile(&cx, c);
                if (r < 0 && r != -EINVAL) {
                        td_cg_plan_done(&plan);
                        return r;
                }
        }
        if (cx.error < 0) {
                td_cg_plan_done(&plan);
                return cx.error;
        }
        *ret = plan;
        return 0;
}

/* ---- comparing live values with wanted ones ------------------------------ */

/* Unlimited in any of the kernel's spellings, as UINT64_MAX; -1 for junk. */
static bool parse_knob_number(const char *s, uint64_t *ret) {
        char *end;

        s += strspn(s, " \t\n");
        if (startswith(s, "default "))   /* io.weight, io.bfq.weight */
                s += strlen("default ");
        if (startswith(s, "max") || startswith(s, "-1")) {
                *ret = UINT64_MAX;
                return true;
        }
        errno = 0;
        uint64_t v = strtoull(s, &end, 10);
        if (errno || end == s || (*end && *end != '\n' && *end != ' '))
                return false;
        /* v1 reads back -1 as PAGE_COUNTER_MAX pages in bytes, which is
         * LONG_MAX rounded down to the page size. */
        *ret = v >= UINT64_C(9223372036854771712) ? UINT64_MAX : v;
        return true;
}

static size_t trimmed_len(const char *s) {
        size_t n = strlen(s);
        while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
                n--;
        return n;
}

int td_cg_cpulist_parse(const char *s, uint64_t bits[64]) {
        memset(bits, 0, 64 * sizeof(uint64_t));
        s += strspn(s, " \n");
        while (*s && *s != '\n') {
                char *end;
                unsigned long a = strtoul(s, &end, 10), b = a;
                if (end == s)
                        return -EINVAL;
                if (*end == '-') {
                        s = end + 1;
                        b = strtoul(s, &end, 10);
                        if (end == s)
                                return -EINVAL;
                }
                if (a > b || b >= 4096)
                        return -EINVAL;
                for (unsigned long i = a; i <= b; i++)
                        bits[i / 64] |= UINT64_C(1) << (i % 64);
                s = end;
                if (*s == ',')
                        s++;
                else if (*s && *s != '\n' && *s != ' ')
                        return -EINVAL;
        }
        return 0;
}

char *td_cg_cpulist_format(const uint64_t bits[64]) {
        char *out = strdup(""), *s;

        for (unsigned i = 0; out && i < 4096; i++) {
                if (!(bits[i / 64] & (UINT64_C(1) << (i % 64))))
                        continue;
                unsigned j = i;
                while (j + 1 < 4096 && (bits[(j + 1) / 64] & (UINT64_C(1) << ((j + 1) % 64))))
                        j++;
                s = j > i ? td_strdupf("%s%s%u-%u", out, *out ? "," : "", i, j)
                          : td_strdupf("%s%s%u", out, *out ? "," : "", i);
                free(out);
                out = s;
                i = j;
        }
        return out;
}

bool td_cg_value_equal(td_cg_cmp cmp, const char *live, const char *want) {
        uint64_t a, b, pa, pb;
        uint64_t ba[64], bb[64];

        if (!live || !want)
                return live == want;
        switch (cmp) {
        case TD_CG_CMP_NUMBER:
                if (parse_knob_number(live, &a) && parse_knob_number(want, &b))
                        return a == b;
                break;
        case TD_CG_CMP_CPU_MAX: {
                const char *sl = strchr(live, ' '), *sw = strchr(want, ' ');
                if (sl && sw && parse_knob_number(live, &a) && parse_knob_number(want, &b) &&
                    parse_knob_number(sl + 1, &pa) && parse_knob_number(sw + 1, &pb))
                        return a == b && pa == pb;
                break;
        }
        case TD_CG_CMP_CPULIST:
                if (td_cg_cpulist_parse(live, ba) >= 0 && td_cg_cpulist_parse(want, bb) >= 0)
                        return memcmp(ba, bb, sizeof ba) == 0;
                break;
        case TD_CG_CMP_STRING:
        case TD_CG_CMP_DEVICE:
        case _TD_CG_CMP_MAX:
        case _TD_CG_CMP_INVALID:
                break;
        }
        size_t nl = trimmed_len(live), nw = trimmed_len(want);
        return nl == nw && strneq(live, want, nl);
}

/* A knob as a number for ordering decisions: unlimited is UINT64_MAX, junk 0. */
uint64_t td_cg_value_number(const char *s) {
        uint64_t v;
        return s && parse_knob_number(s, &v) ? v : 0;
}
