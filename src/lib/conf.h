/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The daemon configuration, /etc/tenantd/tenantd.conf (INI, read with inih).
 * Named conf.h because config.h belongs to autoconf.
 *
 *   [tenantd]
 *   tenants_dir = /etc/tenantd/tenants.d     ; relative: to the file's directory
 *   plans_dir = /etc/tenantd/plans.d
 *   cgroup_version = auto                    ; auto | v1 | v2
 *   tenant_root = /tenantd.slice/tenants     ; "/x": same path in every hierarchy;
 *                                            ; "x": below the reader's own cgroup
 *   uid_min = 1000
 *   socket = /run/tenantd/tenantd.sock
 *   log_level = info                         ; err | warning | notice | info | debug
 *   sweep_interval = 60s                     ; 0 disables; at least 1s otherwise
 *   [cgroup]
 *   on_busy = refuse                         ; refuse | move
 *   fallback = tenants/_fallback             ; relative to tenant_root's parent
 *   [pam]
 *   failure_mode = closed                    ; closed | open
 *
 * Full reference: tenantd.conf(5). */

#include "diag.h"

/* Built-in locations, from configure's --sysconfdir and --runstatedir (the
 * Makefile always passes both; the fallbacks serve other builds). */
#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif
#define TD_CONF_PATH    SYSCONFDIR "/tenantd/tenantd.conf"
#define TD_TENANTS_DIR  SYSCONFDIR "/tenantd/tenants.d"
#define TD_PLANS_DIR    SYSCONFDIR "/tenantd/plans.d"
#define TD_RUN_DIR      RUNSTATEDIR "/tenantd"
#define TD_SOCKET_PATH  TD_RUN_DIR "/tenantd.sock"

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
        char *fallback;             /* cgroup for on_busy=move, relative to tenant_root's
                                     * parent in each hierarchy (td_cg_reconcile's
                                     * convention); never absolute. Default
                                     * "<last component of tenant_root>/_fallback",
                                     * i.e. <tenant_root>/_fallback */
} td_conf;

#define TD_CONF_DEFAULT_TENANT_ROOT "/tenantd.slice/tenants"
#define TD_CONF_DEFAULT_FALLBACK "tenants/_fallback"

/* Fill defaults. Returns 0 or -ENOMEM. */
int td_conf_init(td_conf *c);

/* Read `path` over the defaults. Errors (unknown section or key with a
 * nearest-key hint, bad value, syntax error, unreadable file) go to ds with
 * file:line:col. Returns 0, -EINVAL with errors in ds, -ENOENT when the file
 * is missing (also reported), another -errno when it can't be read (also
 * reported), -ENOMEM. On -EINVAL, c holds the defaults overlaid with the
 * valid values: load into a scratch td_conf when the old one must survive.
 * When running as root, a file that a non-root user could have written is an
 * error (it names the cgroups tenantd writes to). */
int td_conf_load(td_conf *c, const char *path, td_diags *ds);

/* td_conf_load's parser on text of `len` bytes. `file` names the text in
 * marks (NULL: "<string>"); relative directories resolve against its
 * directory part. No I/O. Same returns as td_conf_load (no -ENOENT). */
int td_conf_parse_string(td_conf *c, const char *file, const char *text, size_t len, td_diags *ds);

/* Replace tenant_root (a command-line override; `origin` such as
 * "--tenant-root" names it in diagnostics). A fallback inside the old root
 * moves into the new one. Returns 0, -EINVAL with an error in ds (c is then
 * unchanged), -ENOMEM. */
int td_conf_set_tenant_root(td_conf *c, const char *root, const char *origin, td_diags *ds);

/* Why `path` is not a valid tenant_root / fallback, as a phrase for a
 * message ("\"..\" is not allowed"), or NULL when it is valid: absolute or
 * relative, not "/" itself, no empty, "." or ".." components, only
 * [A-Za-z0-9._-]. Static string. */
const char *td_cgroup_path_problem(const char *path);

void td_conf_done(td_conf *c);

/* Names as written in the file; to_string returns NULL for an invalid value,
 * from_string the _INVALID value (-EINVAL). */
const char *td_cgroup_mode_to_string(td_cgroup_mode m);
td_cgroup_mode td_cgroup_mode_from_string(const char *s);
const char *td_pam_failure_to_string(td_pam_failure f);
td_pam_failure td_pam_failure_from_string(const char *s);
const char *td_busy_policy_to_string(td_busy_policy b);
td_busy_policy td_busy_policy_from_string(const char *s);
const char *td_log_level_to_string(td_log_level l);
int td_log_level_from_string(const char *s);
