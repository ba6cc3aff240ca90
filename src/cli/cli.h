/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* tenantctl: one file per verb (check.c, apply.c, ...), dispatched from
 * tenantctl.c. A verb returns the process exit status:
 * 0 success, 1 failure (invalid policy, some tenant failed), 2 usage. */

#include "conf.h"

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

typedef struct cli_globals {
        const char *config_path;     /* --config, or NULL for the default */
        const char *tenant_root;     /* --tenant-root override, or NULL */
        const char *tenants_dir;     /* --tenants-dir override, or NULL */
        const char *plans_dir;       /* --plans-dir override, or NULL */
} cli_globals;

/* Load the configuration named by --config (a missing file is then an
 * error) or the default path (missing means built-in defaults), then apply
 * the command-line overrides. Errors go to ds. Returns 0 or -errno. */
int cli_load_conf(const cli_globals *g, td_conf *ret, td_diags *ds);

typedef int (*cli_verb_fn)(const cli_globals *g, int argc, char **argv);

int verb_check(const cli_globals *g, int argc, char **argv);
int verb_apply(const cli_globals *g, int argc, char **argv);
int verb_teardown(const cli_globals *g, int argc, char **argv);
int verb_list(const cli_globals *g, int argc, char **argv);
int verb_show(const cli_globals *g, int argc, char **argv);
