/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench-apply: the library side of the apply benchmark (bench/run.sh).
 *
 *   bench-apply --plans-dir DIR --tenants-dir DIR --tenant-root PATH
 *               [--controllers cpu,memory,pids] [--change NAME=FILE]
 *               [--toggles K] [--verify] [--keep]
 *
 * Loads the policy set and computes effective policies (timed, reported,
 * but outside the apply number), opens the tree (td_cg_open with an
 * in-memory cache, as the daemon keeps it), then times td_cg_reconcile
 * alone:
 *   cold      first apply: every group created
 *   noop      the same tenants again (nothing changed)
 *   change    --change: FILE is renamed over tenants_dir/NAME.yaml, the set
 *             reloaded (timed apart) and reconciled: one tenant changed
 *   toggle    K more reconciles, each with one tenant's memory.max flipped
 *             in memory (min/median/max; writes per run)
 *   verify    --verify: a TD_RECONCILE_VERIFY pass (reads every knob)
 *   teardown  td_cg_teardown, unless --keep
 * --controllers keeps only the hierarchies holding those controllers (the
 * CLI always uses every one it detects). The tenant root is relative: it
 * lands below this process's own cgroup in each hierarchy.
 *
 * Output: one "phase=NAME key=value ..." line per phase on stdout; exit 1
 * when a phase failed. Timings are printed, never judged. */
#include <getopt.h>
#include <inttypes.h>
#include <sys/resource.h>
#include <time.h>

#include "cgroup.h"
#include "policy.h"

typedef struct args {
        const char *plans_dir, *tenants_dir, *tenant_root;
        const char *controllers;   /* NULL: all detected */
        const char *change_name, *change_file;
        unsigned toggles;
        bool verify, keep;
} args;

static double clock_s(clockid_t id) {
        struct timespec ts;
        clock_gettime(id, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static double now(void) {
        return clock_s(CLOCK_MONOTONIC);
}

/* User + system time of this process: on a busy shared host it moves far
 * less than wall time with other people's load. */
static double cpu_now(void) {
        return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static void print_diags(td_diags *ds, const char *what) {
        if (ds->n == 0)
                return;
        fprintf(stderr, "bench-apply: %s: %zu diagnostic(s), %zu error(s)\n", what, ds->n, ds->n_errors);
        td_diags_print(ds, stderr);
        td_diags_done(ds);
}

static int parse_args(int argc, char **argv, args *a) {
        enum { O_PLANS = 0x100, O_TENANTS, O_ROOT, O_CTRL, O_CHANGE, O_TOGGLES, O_VERIFY, O_KEEP };
        static const struct option opts[] = {
                { "plans-dir", required_argument, NULL, O_PLANS },
                { "tenants-dir", required_argument, NULL, O_TENANTS },
                { "tenant-root", required_argument, NULL, O_ROOT },
                { "controllers", required_argument, NULL, O_CTRL },
                { "change", required_argument, NULL, O_CHANGE },
                { "toggles", required_argument, NULL, O_TOGGLES },
                { "verify", no_argument, NULL, O_VERIFY },
                { "keep", no_argument, NULL, O_KEEP },
                {}
        };
        int c;

        *a = (args) { .toggles = 0 };
        while ((c = getopt_long(argc, argv, "", opts, NULL)) >= 0) {
                switch (c) {
                case O_PLANS: a->plans_dir = optarg; break;
                case O_TENANTS: a->tenants_dir = optarg; break;
                case O_ROOT: a->tenant_root = optarg; break;
                case O_CTRL: a->controllers = optarg; break;
                case O_CHANGE: {
                        char *eq = strchr(optarg, '=');
                        if (!eq)
                                return -EINVAL;
                        *eq = 0;
                        a->change_name = optarg;
                        a->change_file = eq + 1;
                        break;
                }
                case O_TOGGLES: a->toggles = (unsigned) strtoul(optarg, NULL, 10); break;
                case O_VERIFY: a->verify = true; break;
                case O_KEEP: a->keep = true; break;
                default: return -EINVAL;
                }
        }
        if (optind != argc || !a->plans_dir || !a->tenants_dir || !a->tenant_root)
                return -EINVAL;
        /* Only below our own cgroup: an absolute root would be anywhere. */
        if (a->tenant_root[0] == '/')
                return -EINVAL;
        return 0;
}

/* The detected v1 layout, narrowed to `list` (comma separated). */
static int make_layout(const char *list, td_cg_layout *ret, td_diags *ds) {
        td_cg_layout full;
        unsigned want = 0;
        int r;

        r = td_cg_layout_detect(TD_CGROUP_V1, &full, ds);
        if (r < 0)
                return r;
        if (!list) {
                *ret = full;
                return 0;
        }
        _cleanup_free_ char *copy = strdup(list);
        if (!copy) {
                td_cg_layout_done(&full);
                return -ENOMEM;
        }
        for (char *save = NULL, *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
                td_cg_controller c = td_cg_controller_from_name(w);
                if (c < 0) {
                        td_cg_layout_done(&full);
                        return -EINVAL;
                }
                want |= 1u << c;
        }
        td_cg_layout_init(ret);
        for (size_t i = 0; i < full.n_hier && r >= 0; i++) {
                const td_cg_hier *h = &full.hier[i];
                if (h->controllers & want)
                        r = td_cg_layout_add(ret, h->version, h->controllers & want, h->mount, h->own);
        }
        td_cg_layout_done(&full);
        if (r < 0)
                td_cg_layout_done(ret);
        return r;
}

static void print_report(const char *phase, double secs, double cpu, const td_reconcile_report *rep) {
        printf("phase=%s elapsed_s=%.6f cpu_s=%.6f mkdirs=%" PRIu64 " writes=%" PRIu64 " reads=%" PRIu64
               " rmdirs=%" PRIu64 " results=%zu failed=%zu\n", phase, secs, cpu, rep->n_mkdirs, rep->n_writes,
               rep->n_reads, rep->n_rmdirs, rep->n, rep->n_failed);
        for (size_t i = 0; i < rep->n && i < 5; i++)
                if (rep->v[i].message)
                        fprintf(stderr, "bench-apply: %s: %s: %s\n", phase, rep->v[i].tenant, rep->v[i].message);
}

/* One timed td_cg_reconcile. Returns its result; *ret_secs the time. */
static int reconcile_timed(td_cg *cg, const td_cg_tenant *t, size_t n, unsigned flags, const char *phase,
                           bool print, double *ret_secs, uint64_t *ret_writes) {
        td_reconcile_report rep = {};
        td_diags ds = {};
        double c0 = cpu_now(), t0 = now();
        int r = td_cg_reconcile(cg, t, n, TD_BUSY_REFUSE, NULL, flags, &rep, &ds);
        double secs = now() - t0, cpu = cpu_now() - c0;

        if (print)
                print_report(phase, secs, cpu, &rep);
        if (ret_secs)
                *ret_secs = secs;
        if (ret_writes)
                *ret_writes = rep.n_writes;
        print_diags(&ds, phase);
        td_reconcile_report_done(&rep);
        return r;
}

typedef struct loaded {
        td_policy_set set;
        td_cg_tenant *t;
        size_t n;
} loaded;

static void loaded_done(loaded *l) {
        td_cg_tenants_free(l->t, l->n);
        td_policy_set_done(&l->set);
        *l = (loaded) {};
}

/* Load the set and compute effective policies, printing both times. */
static int load(const args *a, const char *phase, loaded *ret) {
        td_diags ds = {};
        double t0 = now(), t1;
        int r;

        *ret = (loaded) {};
        r = td_policy_set_load(&ret->set, a->plans_dir, a->tenants_dir, NULL, 0, &ds);
        t1 = now();
        if (r >= 0)
                r = td_cg_tenants_from_set(&ret->set, &ret->t, &ret->n, &ds);
        printf("phase=%s load_s=%.6f effective_s=%.6f tenants=%zu errors=%zu\n", phase, t1 - t0,
               now() - t1, ret->set.n_tenants, ds.n_errors);
        print_diags(&ds, phase);
        return r;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;
        return x < y ? -1 : x > y;
}

/* K reconciles, each with tenant 0's memory.max moved by one MiB. */
static int toggles(td_cg *cg, loaded *l, unsigned k) {
        _cleanup_free_ double *secs = calloc(k ? k : 1, sizeof(double));
        uint64_t w_min = UINT64_MAX, w_max = 0;
        int r = 0;

        if (!secs || l->n == 0)
                return -ENOMEM;
        td_policy *p = (td_policy *) l->t[0].policy;
        uint64_t base = p->memory.max;
        for (unsigned i = 0; i < k && r >= 0; i++) {
                uint64_t w;
                p->memory.max = base + ((i % 2) ? 0 : (UINT64_C(1) << 20));
                r = reconcile_timed(cg, l->t, l->n, 0, "toggle", false, &secs[i], &w);
                w_min = MIN(w_min, w);
                w_max = MAX(w_max, w);
        }
        qsort(secs, k, sizeof(double), cmp_double);
        printf("phase=toggle runs=%u min_s=%.6f median_s=%.6f max_s=%.6f writes_min=%" PRIu64
               " writes_max=%" PRIu64 "\n", k, secs[0], secs[k / 2], secs[k - 1], w_min, w_max);
        return r;
}

static int change_file(const args *a, td_cg *cg, loaded *l) {
        _cleanup_free_ char *dst = td_strdupf("%s/%s.yaml", a->tenants_dir, a->change_name);
        int r;

        if (!dst)
                return -ENOMEM;
        if (rename(a->change_file, dst) < 0)
                return -errno;
        loaded_done(l);
        r = load(a, "reload", l);
        if (r < 0)
                return r;
        return reconcile_timed(cg, l->t, l->n, 0, "change", true, NULL, NULL);
}

static int teardown(td_cg *cg) {
        td_reconcile_report rep = {};
        td_diags ds = {};
        double c0 = cpu_now(), t0 = now();
        int r = td_cg_teardown(cg, TD_BUSY_REFUSE, NULL, 0, &rep, &ds);

        print_report("teardown", now() - t0, cpu_now() - c0, &rep);
        print_diags(&ds, "teardown");
        td_reconcile_report_done(&rep);
        return r;
}

static int run(const args *a) {
        _cleanup_(td_cg_freep) td_cg *cg = NULL;
        td_cg_options opts = {};
        td_cg_layout layout;
        td_diags ds = {};
        loaded l;
        int r, failed = 0;

        r = load(a, "load", &l);
        if (r < 0)
                goto out;
        r = make_layout(a->controllers, &layout, &ds);
        if (r >= 0) {
                r = td_cg_open(&layout, a->tenant_root, &opts, &cg, &ds);
                for (size_t i = 0; i < layout.n_hier; i++)
                        printf("hier=%s controllers=0x%x own=%s\n", layout.hier[i].mount,
                               layout.hier[i].controllers, layout.hier[i].own);
                td_cg_layout_done(&layout);
        }
        print_diags(&ds, "open");
        if (r < 0)
                goto out;

        failed |= reconcile_timed(cg, l.t, l.n, 0, "cold", true, NULL, NULL) < 0;
        failed |= reconcile_timed(cg, l.t, l.n, 0, "noop", true, NULL, NULL) < 0;
        if (a->change_name)
                failed |= change_file(a, cg, &l) < 0;
        if (a->toggles)
                failed |= toggles(cg, &l, a->toggles) < 0;
        if (a->verify)
                failed |= reconcile_timed(cg, l.t, l.n, TD_RECONCILE_VERIFY, "verify", true, NULL, NULL) < 0;
        if (!a->keep)
                failed |= teardown(cg) < 0;
        r = failed ? -EIO : 0;
out:
        {
                struct rusage ru;
                if (getrusage(RUSAGE_SELF, &ru) == 0)
                        printf("maxrss_kb=%ld\n", ru.ru_maxrss);
        }
        loaded_done(&l);
        return r;
}

int main(int argc, char **argv) {
        args a;
        int r;

        if (parse_args(argc, argv, &a) < 0) {
                fprintf(stderr, "Usage: bench-apply --plans-dir DIR --tenants-dir DIR --tenant-root RELPATH\n"
                                "                   [--controllers LIST] [--change NAME=FILE] [--toggles K]\n"
                                "                   [--verify] [--keep]\n");
                return 2;
        }
        r = run(&a);
        if (r < 0)
                fprintf(stderr, "bench-apply: %s\n", strerror(-r));
        return r < 0 ? 1 : 0;
}
