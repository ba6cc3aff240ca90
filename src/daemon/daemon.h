/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* tenantd's state between reconciles: the configuration, the live tree
 * handle, and for every tenant the policy to enforce.
 *
 * The rule that shapes this file: a broken policy never costs a tenant its
 * limits. A tenant whose file (or plan chain) has errors keeps the last
 * valid effective policy this daemon enforced for it; if there never was
 * one, its live group is left exactly as it is (SKIPPED in reconcile). And
 * when a file is too broken to tell which tenant it is for, or the tenants
 * directory can't be read, no tenant group is removed at all until that is
 * fixed: an unreadable file must not look like a deleted tenant. */

#include "cgroup.h"
#include "conf.h"
#include "policy.h"

typedef struct daemon_options {
        const char *config_path;   /* --config; NULL: the default, which may be missing */
        const char *tenant_root;   /* --tenant-root override, or NULL */
        const char *tenants_dir;   /* --tenants-dir override, or NULL */
        const char *plans_dir;     /* --plans-dir override, or NULL */
        bool foreground, once, check;
} daemon_options;

struct policy_gen;              /* state.c: a policy set and its reference count */

typedef struct tenant_state {
        char *name;
        char *path;                /* the file it was last read from */
        td_policy policy;          /* effective; meaningful when has_policy */
        struct policy_gen *gen;    /* the set policy's marks point into; NULL without policy */
        bool has_policy;
        bool stale;                /* current file is broken: policy is the last valid one */
} tenant_state;

typedef struct tenant_list {
        tenant_state *v;
        size_t n, cap;
        bool protect;              /* keep unlisted live groups (see above) */
} tenant_list;

typedef struct daemon_state {
        td_conf conf;
        bool have_conf;
        td_cg *cg;                 /* NULL in --check mode */
        tenant_list tenants;
        size_t n_plans;            /* in the last policy set, for messages */
        size_t load_errors;        /* errors of the last load (config + policies) */
        char *v2_home;             /* own v2 cgroup at the first load, before moving to DAEMON_LEAF */
} daemon_state;

/* On cgroup v2 with a relative tenant_root the daemon moves itself into
 * this leaf of the cgroup it was started in (td_cg_leave_top). */
#define DAEMON_LEAF "supervisor"

/* Load (or reload) configuration and policies and, unless `check`, open the
 * live tree. Every diagnostic is logged. On the first load (`initial`), a
 * bad configuration or an unusable cgroup tree is fatal: returns -EINVAL or
 * -errno. On a reload the same problems keep everything as it was and
 * return the error; policy errors never fail a load (see above) but are
 * counted in d->load_errors. Returns -ENOMEM on allocation failure. */
int daemon_load(daemon_state *d, const daemon_options *o, bool initial);

/* Make the live tree match d->tenants: the one call into cgroup.h
 * (td_cg_reconcile, keeping d->cg and its cache across runs). `flags` are
 * TD_RECONCILE_*; the periodic sweep passes TD_RECONCILE_VERIFY so that
 * limits changed behind tenantd's back are found and rewritten. Logs each
 * tenant that changed or failed and a summary. Returns 0 when every tenant
 * is as wanted, otherwise the first failure's -errno. */
int daemon_reconcile(daemon_state *d, unsigned flags);

void daemon_state_done(daemon_state *d);
