/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Configuration and policies -> the list of tenants to enforce, and the one
 * call that enforces it. See daemon.h for the rules on broken policies. */
#include <dirent.h>

#include "cgroup-stats.h"
#include "daemon.h"
#include "log.h"
#include "policy-internal.h"

/* An effective policy keeps marks (file names) that point into the policy
 * set it was merged from, so a set lives as long as any policy taken from
 * it: the current one, and older ones whose policies are still enforced
 * for tenants whose files broke since. */
typedef struct policy_gen {
        td_policy_set set;
        unsigned refs;
} policy_gen;

static void gen_unref(policy_gen *g) {
        if (g && --g->refs == 0) {
                td_policy_set_done(&g->set);
                free(g);
        }
}

static void tenant_state_done(tenant_state *t) {
        free(t->name);
        free(t->path);
        td_policy_done(&t->policy);
        gen_unref(t->gen);
}

static void tenant_list_done(tenant_list *l) {
        for (size_t i = 0; i < l->n; i++)
                tenant_state_done(&l->v[i]);
        free(l->v);
        *l = (tenant_list) {};
}

static tenant_state *find_by(tenant_list *l, const char *name, const char *path) {
        for (size_t i = 0; i < l->n; i++)
                if ((name && streq(l->v[i].name, name)) || (path && l->v[i].path && streq(l->v[i].path, path)))
                        return &l->v[i];
        return NULL;
}

static int add_tenant(tenant_list *l, const char *name, const char *path, tenant_state **ret) {
        tenant_state *t = td_grow((void **) &l->v, &l->n, &l->cap, sizeof *t);

        if (!t)
                return -ENOMEM;
        td_policy_init(&t->policy);
        t->name = strdup(name);
        t->path = path ? strdup(path) : NULL;
        if (!t->name || (path && !t->path)) {
                tenant_state_done(t);
                l->n--;
                return -ENOMEM;
        }
        *ret = t;
        return 0;
}

/* Decide what to enforce for one tenant file of the new set. */
static int take_tenant(const td_policy_entry *e, policy_gen *gen, tenant_list *old, tenant_list *l, bool check,
                       td_diags *ds) {
        const char *name = e->policy.name;
        tenant_state *prev, *t;
        td_policy eff;
        int r;

        prev = find_by(old, name, name ? NULL : e->path);
        if (!name && prev)
                name = prev->name;   /* the file no longer says; it used to */
        if (!name) {
                if (!check)
                        log_warning("%s: cannot tell which tenant this file is for; no tenant group "
                                    "is removed until it is fixed", e->path);
                l->protect = true;
                return 0;
        }
        if (find_by(l, name, NULL))
                return 0;   /* a duplicate name: reported by the policy set */

        r = add_tenant(l, name, e->path, &t);
        if (r < 0)
                return r;
        r = e->valid ? td_policy_effective(&gen->set, name, &eff, ds) : -EINVAL;
        if (r == -ENOMEM)
                return r;
        if (r >= 0) {
                t->policy = eff;
                t->has_policy = true;
                t->gen = gen;
                gen->refs++;
                return 0;
        }
        if (check)
                return 0;
        if (prev && prev->has_policy) {
                /* Take over the last valid policy and the set its marks
                 * point into; prev is freed with the old list. */
                t->policy = prev->policy;
                t->gen = TAKE_PTR(prev->gen);
                td_policy_init(&prev->policy);
                prev->has_policy = false;
                t->has_policy = t->stale = true;
                log_warning("tenant %s: %s has errors; still enforcing its last valid policy", name, e->path);
        } else
                log_warning("tenant %s: %s has errors and there is no earlier valid policy; "
                            "its live group, if any, is left as it is", name, e->path);
        return 0;
}

static int load_conf(const daemon_options *o, td_conf *c, td_diags *ds) {
        const char *path = o->config_path ? o->config_path : TD_CONF_PATH;
        int r = td_conf_init(c);

        if (r < 0)
                return r;
        /* Without --config, a missing default file means built-in defaults. */
        if (o->config_path || access(path, F_OK) == 0) {
                r = td_conf_load(c, path, ds);
                if (r < 0)
                        return r;
        }
        if (o->tenant_root) {
                r = td_conf_set_tenant_root(c, o->tenant_root, "--tenant-root", ds);
                if (r < 0)
                        return r;
        }
        struct { const char *value; char **field; } dirs[] = {
                { o->tenants_dir, &c->tenants_dir },
                { o->plans_dir, &c->plans_dir },
        };
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                if (!dirs[i].value)
                        continue;
                char *s = strdup(dirs[i].value);
                if (!s)
                        return -ENOMEM;
                free(*dirs[i].field);
                *dirs[i].field = s;
        }
        return 0;
}

/* The group a relative tenant_root hangs from on v2: the cgroup the daemon
 * started in, or its parent when that is a DAEMON_LEAF already (systemd's
 * DelegateSubgroup=supervisor, or a restart into the leaf after the unit's
 * group got its controllers). Caller frees. */
static char *v2_home_of(const char *own) {
        const char *slash = strrchr(own, '/');

        if (!slash || !streq(slash + 1, DAEMON_LEAF))
                return strdup(own);
        return slash == own ? strdup("/") : strndup(own, slash - own);
}

/* Open the live tree for c->tenant_root and, for a relative root on
 * cgroup v2, leave the top of it (see td_cg_leave_top): in a systemd
 * Delegate=yes unit the daemon starts in the unit's own cgroup, where
 * controllers can't be enabled for the tenant groups while it stays. Once
 * moved, /proc/self/cgroup names the leaf, so a relative root is resolved
 * against where the daemon started (d->v2_home), on reloads too. */
static int open_cg(daemon_state *d, const td_conf *c, td_cg **ret, td_diags *ds) {
        _cleanup_(td_cg_layout_done) td_cg_layout layout;
        _cleanup_(td_cg_freep) td_cg *cg = NULL;
        _cleanup_free_ char *leaf = NULL;
        int r;

        td_cg_layout_init(&layout);
        r = td_cg_layout_detect(c->cgroup_mode, &layout, ds);
        if (r < 0)
                return r;
        for (size_t i = 0; i < layout.n_hier; i++) {
                td_cg_hier *h = &layout.hier[i];
                if (h->version != TD_CG_V2)
                        continue;
                if (!d->v2_home && !(d->v2_home = v2_home_of(h->own)))
                        return -ENOMEM;
                char *home = strdup(d->v2_home);
                if (!home)
                        return -ENOMEM;
                free(h->own);
                h->own = home;
        }
        r = td_cg_open(&layout, c->tenant_root, NULL, &cg, ds);
        if (r < 0)
                return r;
        r = td_cg_leave_top(cg, DAEMON_LEAF, &leaf);
        if (r == -EEXIST) {
                td_mark m = { .file = td_diags_intern(ds, c->path ? c->path : "tenantd.conf") };
                if (!m.file)
                        return -ENOMEM;
                return td_diag_error(ds, m, "tenant_root",
                                     "a relative tenant_root must not start with \"%s\": on cgroup v2 "
                                     "tenantd moves itself into that leaf of its own cgroup", DAEMON_LEAF);
        }
        if (r < 0) {
                td_log_errno(TD_LOG_ERR, r, "cannot move tenantd into a leaf " DAEMON_LEAF " of its cgroup "
                             "(cgroup v2 enables controllers only in groups without processes)");
                return r;
        }
        if (r > 0)
                log_notice("moved tenantd into %s: on cgroup v2 a group that holds processes can't enable "
                           "controllers for the tenant groups below it", leaf);
        *ret = TAKE_PTR(cg);
        return 0;
}

/* Policies -> tenant list in *ret. Returns 0 or -ENOMEM. */
static int load_tenants(daemon_state *d, const td_conf *c, bool check, tenant_list *ret, td_diags *ds) {
        policy_gen *gen = calloc(1, sizeof *gen);
        DIR *dir;
        int r;

        if (!gen)
                return -ENOMEM;
        gen->refs = 1;   /* ours, dropped at the end */
        r = td_policy_set_load(&gen->set, c->plans_dir, c->tenants_dir, NULL, 0, ds);
        if (r == -ENOMEM)
                goto out;
        d->n_plans = gen->set.n_plans;
        /* A directory that can't be read is not an empty one. (The policy
         * set has reported why it can't be read.) */
        dir = opendir(c->tenants_dir);
        if (!dir) {
                if (!check)
                        log_warning("%s: cannot read the tenants directory; no tenant group is removed "
                                    "until it can be read", c->tenants_dir);
                ret->protect = true;
        } else
                closedir(dir);
        r = 0;
        for (size_t i = 0; i < gen->set.n_tenants && r >= 0; i++)
                r = take_tenant(&gen->set.tenants[i], gen, &d->tenants, ret, check, ds);
out:
        gen_unref(gen);
        return r;
}

/* The old tree stays; say where it is. A relative root was resolved
 * against the daemon's cgroup, per hierarchy, which tenantctl run from a
 * shell would not find again: name a directory of it instead. */
static void log_old_root(const daemon_state *d, const char *new_root) {
        const char *old = d->conf.tenant_root;
        _cleanup_free_ char *dir = NULL;

        if (old[0] == '/') {
                log_notice("tenant root changed from %s to %s: groups below %s are no longer managed "
                           "(tenantctl --tenant-root %s teardown removes them)", old, new_root, old, old);
                return;
        }
        for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX && !dir; c++)
                dir = td_cg_group_path(d->cg, c, NULL, false);
        log_notice("tenant root changed from %s to %s: groups below %s (relative to tenantd's own cgroup, "
                   "e.g. %s) are no longer managed", old, new_root, old, dir ? dir : "?");
}

int daemon_load(daemon_state *d, const daemon_options *o, bool initial) {
        _cleanup_(td_diags_done) td_diags ds = {};
        tenant_list tenants = {};
        td_conf conf;
        td_cg *cg = NULL;
        size_t errors;
        int r;

        r = load_conf(o, &conf, &ds);
        errors = td_log_diags(&ds, TD_LOG_ERR);
        td_diags_done(&ds);
        if (r < 0) {
                td_conf_done(&conf);
                if (r != -ENOMEM && !initial)
                        log_error("reload: configuration has errors; keeping the previous configuration "
                                  "and policies");
                return r;
        }
        if (!o->check) {
                bool same = d->cg && streq(conf.tenant_root, d->conf.tenant_root) &&
                            conf.cgroup_mode == d->conf.cgroup_mode;
                if (!same) {
                        r = open_cg(d, &conf, &cg, &ds);
                        errors += td_log_diags(&ds, TD_LOG_ERR);
                        td_diags_done(&ds);
                        if (r < 0) {
                                td_log_errno(TD_LOG_ERR, r, "cannot use the cgroup tree at %s%s", conf.tenant_root,
                                             initial ? "" : "; keeping the previous configuration");
                                td_conf_done(&conf);
                                return r;
                        }
                        if (d->cg && !streq(conf.tenant_root, d->conf.tenant_root))
                                log_old_root(d, conf.tenant_root);
                        else if (d->cg)
                                log_notice("cgroup_version changed to %s: cgroup layout detected again",
                                           td_cgroup_mode_to_string(conf.cgroup_mode));
                }
        }

        r = load_tenants(d, &conf, o->check, &tenants, &ds);
        errors += td_log_diags(&ds, TD_LOG_ERR);
        if (r < 0) {
                tenant_list_done(&tenants);
                td_cg_free(cg);
                td_conf_done(&conf);
                return r;
        }

        /* Commit: nothing below can fail. The level applies from here on;
         * the load's own errors passed at any level. */
        if (!o->check)
                td_log_set_max_level(conf.log_level);
        tenant_list_done(&d->tenants);
        d->tenants = tenants;
        if (cg) {
                td_cg_free(d->cg);
                d->cg = cg;
        }
        if (d->have_conf)
                td_conf_done(&d->conf);
        d->conf = conf;
        d->have_conf = true;
        d->load_errors = errors;
        return 0;
}

/* When not every policy could be read (d->tenants.protect) reconcile runs
 * with TD_RECONCILE_KEEP_STALE and removes no group; name the groups kept
 * that way, since their tenants may only look deleted. */
static void log_kept(const daemon_state *d) {
        _cleanup_free_ const char **names = calloc(d->tenants.n + 1, sizeof(char *));
        char **groups = NULL;
        int n;

        if (!names)
                return;
        for (size_t i = 0; i < d->tenants.n; i++)
                names[i] = d->tenants.v[i].name;
        qsort(names, d->tenants.n, sizeof(char *), td_strcmp_ptr);
        n = td_cg_list_groups(d->cg, &groups);
        for (int i = 0; i < n; i++) {
                const char *g = groups[i];
                if (td_policy_name_valid(g) && !bsearch(&g, names, d->tenants.n, sizeof(char *), td_strcmp_ptr))
                        log_notice("tenant group %s is kept: a tenant file can't be read, so it may still "
                                   "be wanted", g);
        }
        td_strv_free(groups);
}

static const td_log_level action_level[_TD_CG_ACTION_MAX] = {
        [TD_CG_ACT_UNCHANGED] = TD_LOG_DEBUG,
        [TD_CG_ACT_CREATED] = TD_LOG_NOTICE,
        [TD_CG_ACT_UPDATED] = TD_LOG_NOTICE,
        [TD_CG_ACT_REMOVED] = TD_LOG_NOTICE,
        [TD_CG_ACT_MOVED] = TD_LOG_NOTICE,
        [TD_CG_ACT_BUSY] = TD_LOG_WARNING,
        [TD_CG_ACT_SKIPPED] = TD_LOG_WARNING,
        [TD_CG_ACT_FAILED] = TD_LOG_ERR,
};

/* One line per tenant that changed or has a problem, one summary line.
 * The report lists only tenants reconcile touched; n is how many it was
 * given. */
static void log_report(const td_reconcile_report *rep, size_t n) {
        size_t count[_TD_CG_ACTION_MAX] = {};

        for (size_t i = 0; i < rep->n; i++) {
                const td_cg_result *x = &rep->v[i];
                bool known = x->action >= 0 && x->action < _TD_CG_ACTION_MAX;
                char detail[96] = "";

                if (known)
                        count[x->action]++;
                if (x->n_writes > 0 && x->n_moved > 0)
                        snprintf(detail, sizeof detail, " (%u writes, %u processes moved)", x->n_writes, x->n_moved);
                else if (x->n_writes > 0)
                        snprintf(detail, sizeof detail, " (%u write%s)", x->n_writes, x->n_writes == 1 ? "" : "s");
                else if (x->n_moved > 0)
                        snprintf(detail, sizeof detail, " (%u processes moved)", x->n_moved);
                td_log(known ? action_level[x->action] : TD_LOG_ERR, "tenant %s: %s%s%s%s", x->tenant,
                       known ? td_cg_action_to_name(x->action) : "unknown result", detail,
                       x->message ? ": " : "", x->message ? x->message : "");
        }
        log_info("reconciled %zu tenants: %zu created, %zu updated, %zu removed, %zu skipped, %zu busy, "
                 "%zu failed; %" PRIu64 " writes, %" PRIu64 " reads",
                 n, count[TD_CG_ACT_CREATED], count[TD_CG_ACT_UPDATED],
                 count[TD_CG_ACT_REMOVED] + count[TD_CG_ACT_MOVED], count[TD_CG_ACT_SKIPPED],
                 count[TD_CG_ACT_BUSY], count[TD_CG_ACT_FAILED], rep->n_writes, rep->n_reads);
}

int daemon_reconcile(daemon_state *d, unsigned flags) {
        _cleanup_(td_diags_done) td_diags ds = {};
        _cleanup_(td_reconcile_report_done) td_reconcile_report rep = {};
        _cleanup_free_ td_cg_tenant *v = NULL;
        size_t n = 0, cap = 0;
        int r;

        for (size_t i = 0; i < d->tenants.n; i++) {
                const tenant_state *t = &d->tenants.v[i];
                td_cg_tenant *x = td_grow((void **) &v, &n, &cap, sizeof *x);
                if (!x)
                        return -ENOMEM;
                *x = (td_cg_tenant) {
                        .name = t->name,
                        .policy = t->has_policy ? &t->policy : NULL,
                        .path = t->path,
                        .valid = t->has_policy,
                };
        }
        if (d->tenants.protect) {
                flags |= TD_RECONCILE_KEEP_STALE;
                log_kept(d);
        }

        r = td_cg_reconcile(d->cg, v, n, d->conf.on_busy, d->conf.fallback, flags, &rep, &ds);
        td_log_diags(&ds, TD_LOG_ERR);
        if (r == -ENOMEM)
                log_error("reconcile: out of memory");
        log_report(&rep, n);
        return r;
}

void daemon_state_done(daemon_state *d) {
        free(d->v2_home);
        d->v2_home = NULL;
        tenant_list_done(&d->tenants);
        td_cg_free(d->cg);
        d->cg = NULL;
        if (d->have_conf)
                td_conf_done(&d->conf);
        d->have_conf = false;
}
