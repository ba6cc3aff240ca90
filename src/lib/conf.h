/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The daemon configuration, /etc/tenantd/tenantd.conf (INI, read with inih).
 * Named conf.h because config.h belongs to autoconf. */

#include "diag.h"

typedef enum td_cgroup_mode {
        TD_CGROUP_AUTO,
        TD_CGROUP_V1,
        TD_CGROUP_V2,
        _TD_CGROUP_MODE_MAX,
        _TD_CGROUP_MODE_INVALID = -EINVAL,
} td_cgroup_mode;

typedef enum td_pam_failure {
        TD_PAM_FAIL_CLOSED,     /* deny the session when placement fails */
        TD_PAM_FAIL_OPEN,       /* log and let the session through */
        _TD_PAM_FAIL_MAX,
        _TD_PAM_FAIL_INVALID = -EINVAL,
} td_pam_failure;

typedef enum td_busy_policy {
        TD_BUSY_REFUSE,         /* keep a removed tenant's group while it has processes */
        TD_BUSY_MOVE,           /* move them to `fallback`, then remove the group */
        _TD_BUSY_MAX,
        _TD_BUSY_INVALID = -EINVAL,
} td_busy_policy;

typedef enum td_log_level {
        TD_LOG_ERR = 3,
        TD_LOG_WARNING = 4,
        TD_LOG_NOTICE = 5,
        TD_LOG_INFO = 6,
        TD_LOG_DEBUG = 7,
} td_log_level;

typedef struct td_conf {
        char *path;                 /* the file read, or NULL for built-in defaults */
        char *tenants_dir;          /* default /etc/tenantd/tenants.d */
        char *plans_dir;            /* default /etc/tenantd/plans.d */
        td_cgroup_mode cgroup_mode; /* default auto */
        char *tenant_root;          /* "/tenants" (absolute within each hierarchy) or
                                     * "tenants" (relative to the daemon's own cgroup);
                                     * default "/tenantd.slice/tenants" ... see tenantd.conf(5) */
        uint32_t uid_min;           /* default 1000 */
        char *socket_path;          /* default /run/tenantd/tenantd.sock */
        td_log_level log_level;     /* default info */
        uint64_t sweep_interval_us; /* default 60s; 0 disables sweeping */
        td_pam_failure pam_failure; /* default closed */
        td_busy_policy on_busy;     /* default refuse */
        char *fallback;             /* cgroup (relative to tenant_root's parent) for on_busy=move;
                                     * default "<tenant_root>/_fallback" */
} td_conf;

/* Fill defaults. Returns 0 or -ENOMEM. */
int td_conf_init(td_conf *c);

/* Read `path` over the defaults. Errors (unknown section or key with a
 * nearest-key hint, bad value, syntax error, unreadable file) go to ds with
 * file:line:col. Returns 0, -EINVAL with errors in ds, -ENOENT when the file
 * is missing (also reported), -ENOMEM. */
int td_conf_load(td_conf *c, const char *path, td_diags *ds);

void td_conf_done(td_conf *c);
