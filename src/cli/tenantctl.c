/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>

#include "cli.h"

static const struct {
        const char *name;
        cli_verb_fn fn;
        const char *help;
} verbs[] = {
        { "check",    verb_check,    "check [--effective TENANT] [--offline] [PATH...]\n"
                                     "        validate the config and policies, and against this host" },
        { "apply",    verb_apply,    "apply [--dry-run] [--trust-state] [--verbose] [--state FILE|--no-state]\n"
                                     "        make the live cgroups match the policies" },
        { "teardown", verb_teardown, "teardown [--dry-run] [--state FILE|--no-state]\n"
                                     "        remove the whole tenant tree" },
        { "list",     verb_list,     "list [--json]\n"
                                     "        every tenant: limits, usage, status" },
        { "show",     verb_show,     "show [--json] TENANT\n"
                                     "        one tenant: configured vs live limits, usage, faults" },
};

static void usage(FILE *f) {
        fprintf(f, "Usage: tenantctl [--config FILE] [--tenant-root PATH] [--tenants-dir DIR]\n"
                   "                 [--plans-dir DIR] COMMAND [ARGS...]\n\nCommands:\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                fprintf(f, "  %s\n", verbs[i].help);
        fprintf(f, "\n`tenantctl COMMAND --help` describes each command; see tenantctl(8).\n");
}

int cli_load_conf(const cli_globals *g, td_conf *ret, td_diags *ds) {
        const char *path = g->config_path ? g->config_path : TD_CONF_PATH;
        int r, r_load = 0;

        r = td_conf_init(ret);
        if (r < 0)
                return r;
        /* A broken file still gets the overrides applied, so `check` can go
         * on to report policy errors from the directories the user named;
         * the load error is returned at the end. */
        if (g->config_path || access(path, F_OK) == 0) {
                r_load = td_conf_load(ret, path, ds);
                if (r_load == -ENOMEM)
                        return r_load;
        }

        /* Through the setter, so a derived default fallback follows the new
         * root and a bad path is reported like one in the file. */
        if (g->tenant_root) {
                r = td_conf_set_tenant_root(ret, g->tenant_root, "--tenant-root", ds);
                if (r < 0)
                        return r;
        }

        struct { const char *value; char **field; } overrides[] = {
                { g->tenants_dir, &ret->tenants_dir },
                { g->plans_dir,   &ret->plans_dir },
        };
        for (size_t i = 0; i < ELEMENTSOF(overrides); i++) {
                if (!overrides[i].value)
                        continue;
                char *s = strdup(overrides[i].value);
                if (!s)
                        return -ENOMEM;
                free(*overrides[i].field);
                *overrides[i].field = s;
        }
        return r_load;
}

int main(int argc, char **argv) {
        static const struct option opts[] = {
                { "config",      required_argument, NULL, 'c' },
                { "tenant-root", required_argument, NULL, 'R' },
                { "tenants-dir", required_argument, NULL, 'T' },
                { "plans-dir",   required_argument, NULL, 'P' },
                { "help",        no_argument,       NULL, 'h' },
                { "version",     no_argument,       NULL, 'V' },
                {}
        };
        cli_globals g = {};
        int c;

        /* '+' stops at the verb so each verb parses its own options. */
        while ((c = getopt_long(argc, argv, "+c:h", opts, NULL)) >= 0) {
                switch (c) {
                case 'c': g.config_path = optarg; break;
                case 'R': g.tenant_root = optarg; break;
                case 'T': g.tenants_dir = optarg; break;
                case 'P': g.plans_dir = optarg; break;
                case 'h': usage(stdout); return CLI_EXIT_OK;
                case 'V': puts(PACKAGE_STRING); return CLI_EXIT_OK;
                default: usage(stderr); return CLI_EXIT_USAGE;
                }
        }
        if (optind >= argc) {
                usage(stderr);
                return CLI_EXIT_USAGE;
        }
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(argv[optind], verbs[i].name)) {
                        /* The verb sees argv[0] == its name, getopt restarted. */
                        int first = optind;
                        optind = 0;
                        return verbs[i].fn(&g, argc - first, argv + first);
                }
        fprintf(stderr, "tenantctl: unknown command \"%s\"\n", argv[optind]);
        usage(stderr);
        return CLI_EXIT_USAGE;
}
