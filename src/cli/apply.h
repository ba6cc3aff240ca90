/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by `tenantctl apply` and `tenantctl teardown` (apply.c, h5). */

#include "cgroup.h"
#include "cli.h"

/* Default cache of applied state for the CLI (see td_cg_options). */
#define CLI_CGROUP_STATE TD_RUN_DIR "/cgroup.state"

/* Detect the layout per conf->cgroup_mode and open conf->tenant_root.
 * state_path may be NULL. Errors go to ds. Returns 0 or -errno. */
int cli_cgroup_open(const td_conf *conf, const char *state_path, td_cg **ret, td_diags *ds);

/* Print plan lines (when `plan`) to stdout, one line per tenant result,
 * and a summary; failures also to stderr, naming the tenants. */
void cli_print_report(const td_reconcile_report *rep, bool plan, bool dry_run, const char *verb);
