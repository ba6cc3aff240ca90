/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tenantctl check [--effective TENANT] [--offline] [PATH...]
 *
 * Validates the configuration and every policy (or just the files given),
 * including each tenant's and plan's effective policy, so an error that
 * only appears after merging (memory.high from a plan above the tenant's
 * memory.max) is caught before `apply`. Unless --offline, every valid
 * tenant is then compiled against this host's cgroups, so a knob the host
 * cannot honour fails check exactly as it would fail apply. Diagnostics go to stderr, sorted by
 * file and line; stdout gets one summary line, or with --effective only the
 * tenant's merged policy as YAML (so it can be saved or diffed). */
#include <getopt.h>

#include "apply.h"
#include "cli.h"
#include "policy-internal.h"

static void check_usage(FILE *f) {
        fprintf(f, "Usage: tenantctl check [--effective TENANT] [--offline] [PATH...]\n\n"
                   "Validate the configuration and all plans and tenants, or just the given\n"
                   "policy files (the plans they inherit still come from the plans directory).\n\n"
                   "  -e, --effective TENANT  print TENANT's merged policy as YAML\n"
                   "      --offline           skip the checks against this host's cgroups\n"
                   "  -h, --help              show this help\n");
}

/* Effective policies of every entry whose own chain is sound, for the
 * cross-field checks. Returns 0 or -ENOMEM. */
static int check_effective(const td_policy_set *set, td_diags *ds) {
        const struct { const td_policy_entry *v; size_t n; } lists[] = {
                { set->plans, set->n_plans }, { set->tenants, set->n_tenants },
        };

        for (size_t l = 0; l < ELEMENTSOF(lists); l++)
                for (size_t i = 0; i < lists[l].n; i++) {
                        td_policy p;
                        if (!td_policy_chain_valid(set, &lists[l].v[i]))
                                continue;
                        int r = td_policy_entry_effective(set, &lists[l].v[i], &p, ds);
                        if (r == -ENOMEM)
                                return r;
                        if (r == 0)
                                td_policy_done(&p);
                }
        return 0;
}

/* The host half of validation: a dry-run reconcile compiles every valid
 * tenant against the live layout (td_cg_compile), so realtime on v2, a
 * controller that is not mounted, a device that does not exist or
 * io.weight without a proportional I/O scheduler is an error here, naming
 * the tenant, the knob and the reason, and not a surprise at apply time.
 * Nothing is created or written. Returns 0 or -ENOMEM. */
static int check_host(const td_conf *conf, const td_policy_set *set, td_diags *ds) {
        _cleanup_(td_cg_freep) td_cg *cg = NULL;
        td_cg_tenant *t = NULL;
        td_reconcile_report rep = {};
        td_diags scratch = {};
        size_t n = 0;
        int r;

        /* Policy errors were reported already; collect the tenant list quietly. */
        r = td_cg_tenants_from_set(set, &t, &n, &scratch);
        td_diags_done(&scratch);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        r = cli_cgroup_open(conf, NULL, &cg, ds);
        if (r == -ENOMEM)
                goto out;
        if (r < 0) {
                r = td_diag_error(ds, (td_mark) {}, NULL, "cannot inspect this host's cgroups (%s); "
                                  "use --offline to check the policies alone", strerror(-r));
                goto out;
        }
        /* Only errors matter here: the reconciler's warnings are about the
         * live tree (groups it would keep), not about the policies. */
        r = td_cg_reconcile(cg, t, n, conf->on_busy, conf->fallback,
                            TD_RECONCILE_DRY_RUN | TD_RECONCILE_VERIFY, &rep, &scratch);
        for (size_t i = 0; r != -ENOMEM && i < scratch.n; i++) {
                const td_diag *d = &scratch.v[i];
                if (d->severity == TD_SEV_ERROR &&
                    td_diag_error(ds, d->mark, d->key, "%s", d->message) == -ENOMEM)
                        r = -ENOMEM;
        }
        /* Other failures (an unreadable tree) are only in the report. */
        for (size_t i = 0; r != -ENOMEM && i < rep.n; i++)
                if (rep.v[i].action == TD_CG_ACT_FAILED && scratch.n_errors == 0)
                        td_diag_error(ds, (td_mark) {}, NULL, "tenant \"%s\": %s", rep.v[i].tenant,
                                      rep.v[i].message ? rep.v[i].message : "cannot be applied on this host");
out:
        td_diags_done(&scratch);
        td_reconcile_report_done(&rep);
        td_cg_tenants_free(t, n);
        return r == -ENOMEM ? r : 0;
}

static int print_effective(const td_policy_set *set, const char *name, td_diags *ds) {
        const td_policy_entry *e = td_policy_set_find_tenant(set, name);
        td_policy p;
        int r;

        if (!e) {
                _cleanup_free_ const char **names = calloc(set->n_tenants + 1, sizeof(char *));
                size_t k = 0;
                if (!names)
                        return -ENOMEM;
                for (size_t i = 0; i < set->n_tenants; i++)
                        if (set->tenants[i].policy.name)
                                names[k++] = set->tenants[i].policy.name;
                const char *hint = td_policy_nearest(name, names, k);
                fprintf(stderr, "tenantctl: no tenant named \"%s\"%s%s%s\n", name, hint ? "; did you mean \"" : "",
                        hint ? hint : "", hint ? "\"?" : "");
                return -ENOENT;
        }
        if (!td_policy_chain_valid(set, e)) {
                fprintf(stderr, "tenantctl: tenant \"%s\" is not valid; see the errors above\n", name);
                return -EINVAL;
        }
        /* Errors were already collected by check_effective. */
        td_diags scratch = {};
        r = td_policy_entry_effective(set, e, &p, &scratch);
        td_diags_done(&scratch);
        if (r < 0) {
                if (r != -ENOMEM)
                        fprintf(stderr, "tenantctl: tenant \"%s\" is not valid; see the errors above\n", name);
                return r;
        }
        td_policy_print(&p, stdout);
        td_policy_done(&p);
        return 0;
}

int verb_check(const cli_globals *g, int argc, char **argv) {
        static const struct option opts[] = {
                { "effective", required_argument, NULL, 'e' },
                { "offline",   no_argument,       NULL, 'O' },
                { "help",      no_argument,       NULL, 'h' },
                {}
        };
        const char *effective = NULL;
        bool offline = false;
        td_diags ds = {};
        td_conf conf = {};
        td_policy_set set = {};
        int c, r, ret = CLI_EXIT_FAIL;

        while ((c = getopt_long(argc, argv, "e:h", opts, NULL)) >= 0) {
                switch (c) {
                case 'e': effective = optarg; break;
                case 'O': offline = true; break;
                case 'h': check_usage(stdout); return CLI_EXIT_OK;
                default: check_usage(stderr); return CLI_EXIT_USAGE;
                }
        }
        if (effective && !*effective) {
                fprintf(stderr, "tenantctl check: --effective needs a tenant name\n");
                return CLI_EXIT_USAGE;
        }

        /* A broken configuration is reported, and the policies are still
         * checked with whatever directories it got to. */
        r = cli_load_conf(g, &conf, &ds);
        if (r == -ENOMEM)
                goto oom;
        r = td_policy_set_load(&set, conf.plans_dir, conf.tenants_dir,
                               argv + optind, (size_t) (argc - optind), &ds);
        if (r == -ENOMEM)
                goto oom;
        r = check_effective(&set, &ds);
        if (r == -ENOMEM)
                goto oom;
        if (!offline && !effective) {
                r = check_host(&conf, &set, &ds);
                if (r == -ENOMEM)
                        goto oom;
        }

        td_diags_print(&ds, stderr);
        if (effective) {
                r = print_effective(&set, effective, &ds);
                if (r == -ENOMEM)
                        goto oom;
                ret = r == 0 && ds.n_errors == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
        } else {
                printf("checked %zu plan%s and %zu tenant%s: ", set.n_plans, set.n_plans == 1 ? "" : "s",
                       set.n_tenants, set.n_tenants == 1 ? "" : "s");
                if (ds.n_errors == 0)
                        printf("ok\n");
                else
                        printf("%zu error%s\n", ds.n_errors, ds.n_errors == 1 ? "" : "s");
                ret = ds.n_errors == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
        }
        goto out;
oom:
        fprintf(stderr, "tenantctl: out of memory\n");
out:
        td_policy_set_done(&set);
        td_conf_done(&conf);
        td_diags_done(&ds);
        return ret;
}
