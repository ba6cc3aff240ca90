/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tenantctl teardown [--dry-run] [--state FILE | --no-state]
 *
 * Removes the whole tenant tree (td_cg_teardown): every tenant group,
 * deepest first, then the tenant root itself, never anything above it.
 * Busy groups follow on_busy (refuse, or move to a fallback outside the
 * tree); the root stays while anything is left. Exit status 1 when
 * something had to be kept. */
#include <getopt.h>

#include "apply.h"

static void teardown_usage(FILE *f) {
        fprintf(f, "Usage: tenantctl teardown [--dry-run] [--state FILE | --no-state]\n\n"
                   "Remove every tenant group and the tenant root.\n\n"
                   "  -n, --dry-run     print what would be removed and change nothing\n"
                   "      --state FILE  apply's state cache, removed with the tree\n"
                   "                    (default " CLI_CGROUP_STATE ")\n"
                   "      --no-state    leave any state file alone\n"
                   "  -h, --help        show this help\n");
}

int verb_teardown(const cli_globals *g, int argc, char **argv) {
        enum { OPT_STATE = 0x100, OPT_NO_STATE };
        static const struct option opts[] = {
                { "dry-run",  no_argument,       NULL, 'n' },
                { "state",    required_argument, NULL, OPT_STATE },
                { "no-state", no_argument,       NULL, OPT_NO_STATE },
                { "help",     no_argument,       NULL, 'h' },
                {}
        };
        const char *state = CLI_CGROUP_STATE;
        unsigned flags = TD_RECONCILE_PLAN;
        td_diags ds = {};
        td_conf conf = {};
        td_cg *cg = NULL;
        td_reconcile_report rep = {};
        int c, r, ret = CLI_EXIT_FAIL;

        while ((c = getopt_long(argc, argv, "nh", opts, NULL)) >= 0) {
                switch (c) {
                case 'n': flags |= TD_RECONCILE_DRY_RUN; break;
                case OPT_STATE: state = optarg; break;
                case OPT_NO_STATE: state = NULL; break;
                case 'h': teardown_usage(stdout); return CLI_EXIT_OK;
                default: teardown_usage(stderr); return CLI_EXIT_USAGE;
                }
        }
        if (optind < argc) {
                teardown_usage(stderr);
                return CLI_EXIT_USAGE;
        }
        r = cli_load_conf(g, &conf, &ds);
        if (r >= 0)
                r = cli_cgroup_open(&conf, state, &cg, &ds);
        if (r < 0) {
                td_diags_print(&ds, stderr);
                if (r == -ENOMEM)
                        fprintf(stderr, "tenantctl: out of memory\n");
                goto out;
        }
        r = td_cg_teardown(cg, conf.on_busy, conf.fallback, flags, &rep, &ds);
        td_diags_print(&ds, stderr);
        cli_print_report(&rep, true, flags & TD_RECONCILE_DRY_RUN, "teardown");
        ret = r < 0 || rep.n_failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
out:
        td_reconcile_report_done(&rep);
        td_cg_free(cg);
        td_conf_done(&conf);
        td_diags_done(&ds);
        return ret;
}
