/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tenantctl apply [--dry-run] [--trust-state] [--verbose] [--state FILE | --no-state]
 *
 * Reconciles the live cgroups with the policies (td_cg_reconcile): creates
 * missing groups, rewrites knobs whose live value differs, removes groups of
 * tenants whose policy is gone (busy ones per on_busy). Tenants whose policy
 * has errors are reported and their groups left alone. --dry-run prints the
 * plan as "FILE: OLD -> NEW" lines and changes nothing. Exit status 1 when
 * any tenant failed, was kept busy, or was skipped for policy errors.
 *
 * By default every live value is read and compared, so a group deleted or a
 * knob edited by hand is put right: an operator running apply expects the
 * live tree to match afterwards. The state file records what was applied;
 * --trust-state lets an unchanged tenant cost nothing (no reads, no writes),
 * which is what makes re-applying one changed tenant out of 10,000 O(1), at
 * the price of missing hand edits until the next full apply. The daemon
 * keeps that cache in memory and does a full pass on its sweep timer. */
#include <dirent.h>
#include <getopt.h>

#include "apply.h"
#include "policy.h"

static void apply_usage(FILE *f) {
        fprintf(f, "Usage: tenantctl apply [--dry-run] [--trust-state] [--verbose] [--state FILE | --no-state]\n\n"
                   "Make the live cgroups match the tenant policies.\n\n"
                   "  -n, --dry-run     print the plan (\"FILE: OLD -> NEW\") and change nothing\n"
                   "      --trust-state skip tenants unchanged since the last apply (no reads)\n"
                   "  -v, --verbose     print every change made\n"
                   "      --state FILE  cache of applied state (default " CLI_CGROUP_STATE ")\n"
                   "      --no-state    no cache file\n"
                   "  -h, --help        show this help\n");
}

int cli_cgroup_open(const td_conf *conf, const char *state_path, td_cg **ret, td_diags *ds) {
        td_cg_layout layout;
        td_cg_options opts = { .state_path = state_path };
        int r;

        r = td_cg_layout_detect(conf->cgroup_mode, &layout, ds);
        if (r < 0)
                return r;
        r = td_cg_open(&layout, conf->tenant_root, &opts, ret, ds);
        td_cg_layout_done(&layout);
        return r;
}

void cli_print_report(const td_reconcile_report *rep, bool plan, bool dry_run, const char *verb) {
        size_t counts[_TD_CG_ACTION_MAX] = {};
        bool first = true;

        if (plan)
                for (size_t i = 0; i < rep->n_plan; i++)
                        printf("%s\n", rep->plan[i]);
        fflush(stdout);   /* keep the order when stdout and stderr share a terminal */
        for (size_t i = 0; i < rep->n; i++) {
                const td_cg_result *res = &rep->v[i];
                bool bad = res->action == TD_CG_ACT_FAILED || res->action == TD_CG_ACT_BUSY ||
                           res->action == TD_CG_ACT_SKIPPED;
                counts[res->action]++;
                fprintf(bad ? stderr : stdout, "%s: %s%s", res->tenant, dry_run && !bad ? "would be " : "",
                        td_cg_action_to_name(res->action));
                if (res->n_writes)
                        fprintf(bad ? stderr : stdout, " (%u write%s)", res->n_writes, res->n_writes == 1 ? "" : "s");
                if (res->n_moved)
                        fprintf(bad ? stderr : stdout, " (%u process%s moved)", res->n_moved,
                                res->n_moved == 1 ? "" : "es");
                fprintf(bad ? stderr : stdout, "%s%s\n", res->message ? ": " : "", res->message ? res->message : "");
                fflush(bad ? stderr : stdout);
        }
        printf("%s%s: ", verb, dry_run ? " (dry run)" : "");
        for (td_cg_action a = 0; a < _TD_CG_ACTION_MAX; a++)
                if (counts[a]) {
                        printf("%s%zu %s", first ? "" : ", ", counts[a], td_cg_action_to_name(a));
                        first = false;
                }
        printf("%s%" PRIu64 " write%s, %" PRIu64 " mkdir, %" PRIu64 " rmdir\n", first ? "" : "; ",
               rep->n_writes, rep->n_writes == 1 ? "" : "s", rep->n_mkdirs, rep->n_rmdirs);
        if (rep->n_failed) {
                fprintf(stderr, "tenantctl %s: failed:", verb);
                for (size_t i = 0; i < rep->n; i++)
                        if (rep->v[i].action == TD_CG_ACT_FAILED || rep->v[i].action == TD_CG_ACT_BUSY ||
                            rep->v[i].action == TD_CG_ACT_SKIPPED)
                                fprintf(stderr, " %s", rep->v[i].tenant);
                fprintf(stderr, "\n");
        }
}

static bool dir_readable(const char *path) {
        DIR *d = opendir(path);

        if (!d)
                return false;
        closedir(d);
        return true;
}

int verb_apply(const cli_globals *g, int argc, char **argv) {
        enum { OPT_VERIFY = 0x100, OPT_TRUST, OPT_STATE, OPT_NO_STATE };
        static const struct option opts[] = {
                { "dry-run",  no_argument,       NULL, 'n' },
                { "verify",   no_argument,       NULL, OPT_VERIFY },   /* the default; kept for scripts */
                { "trust-state", no_argument,    NULL, OPT_TRUST },
                { "verbose",  no_argument,       NULL, 'v' },
                { "state",    required_argument, NULL, OPT_STATE },
                { "no-state", no_argument,       NULL, OPT_NO_STATE },
                { "help",     no_argument,       NULL, 'h' },
                {}
        };
        const char *state = CLI_CGROUP_STATE;
        unsigned flags = TD_RECONCILE_VERIFY;
        td_diags ds = {};
        td_conf conf = {};
        td_policy_set set = {};
        td_cg *cg = NULL;
        td_cg_tenant *t = NULL;
        size_t n = 0;
        td_reconcile_report rep = {};
        int c, r, ret = CLI_EXIT_FAIL;

        while ((c = getopt_long(argc, argv, "nvh", opts, NULL)) >= 0) {
                switch (c) {
                case 'n': flags |= TD_RECONCILE_DRY_RUN; break;
                case 'v': flags |= TD_RECONCILE_PLAN; break;
                case OPT_VERIFY: flags |= TD_RECONCILE_VERIFY; break;
                case OPT_TRUST: flags &= ~TD_RECONCILE_VERIFY; break;
                case OPT_STATE: state = optarg; break;
                case OPT_NO_STATE: state = NULL; break;
                case 'h': apply_usage(stdout); return CLI_EXIT_OK;
                default: apply_usage(stderr); return CLI_EXIT_USAGE;
                }
        }
        if (optind < argc) {
                apply_usage(stderr);
                return CLI_EXIT_USAGE;
        }

        /* A broken configuration names the cgroups we would write: stop. */
        r = cli_load_conf(g, &conf, &ds);
        if (r < 0)
                goto out;
        /* Policy errors are reported; the tenants they hit are skipped. */
        r = td_policy_set_load(&set, conf.plans_dir, conf.tenants_dir, NULL, 0, &ds);
        if (r == -ENOMEM)
                goto out;
        /* An unreadable tenants directory (a typo in --tenants-dir, a
         * permission) is not an empty one: it must not delete every
         * tenant's group. The load has reported why. */
        if (!dir_readable(conf.tenants_dir))
                flags |= TD_RECONCILE_KEEP_STALE;
        r = td_cg_tenants_from_set(&set, &t, &n, &ds);
        if (r < 0)
                goto out;
        r = cli_cgroup_open(&conf, state, &cg, &ds);
        if (r < 0)
                goto out;
        r = td_cg_reconcile(cg, t, n, conf.on_busy, conf.fallback, flags, &rep, &ds);
        td_diags_print(&ds, stderr);
        cli_print_report(&rep, flags & (TD_RECONCILE_DRY_RUN | TD_RECONCILE_PLAN),
                         flags & TD_RECONCILE_DRY_RUN, "apply");
        /* Policy errors fail the run even when no tenant could be named
         * (and so none was counted as skipped). */
        ret = r < 0 || rep.n_failed || ds.n_errors ? CLI_EXIT_FAIL : CLI_EXIT_OK;
        td_diags_done(&ds);
out:
        if (ds.n > 0)
                td_diags_print(&ds, stderr);
        if (r == -ENOMEM)
                fprintf(stderr, "tenantctl: out of memory\n");
        td_reconcile_report_done(&rep);
        td_cg_free(cg);
        td_cg_tenants_free(t, n);
        td_policy_set_done(&set);
        td_conf_done(&conf);
        td_diags_done(&ds);
        return ret;
}
