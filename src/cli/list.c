/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tenantctl list [--json]         one line per tenant
 * tenantctl show [--json] TENANT  one tenant in detail
 *
 * Both read, never write: the configured limits come from each tenant's
 * effective policy, the live ones, usage and fault counters from its
 * cgroups (cgroup-stats.h). A tenant is
 *   ok              applied, every live limit as configured
 *   drift           applied, but some live limit differs (apply fixes it)
 *   not applied     its group is missing in some hierarchy
 *   invalid policy  its file or plan chain has errors (apply skips it)
 *   orphan group    a group below the tenant root without a policy
 * The JSON forms carry the same data in bytes, nanoseconds and millicores;
 * "max" stands for unlimited and null for "not available on this kernel". */
#include <getopt.h>

#include "cgroup-limits.h"
#include "cgroup-stats.h"
#include "cli.h"
#include "json-writer.h"
#include "policy-internal.h"

/* ---- JSON ----------------------------------------------------------------- */

/* A counter or limit: null when not available, "max" when unlimited. */
static void jw_u64(td_jw *w, const char *key, uint64_t v) {
        if (v == TD_STAT_NA)
                td_jw_raw(w, key, "null");
        else if (v == TD_UNLIMITED)
                td_jw_raw(w, key, "\"max\"");
        else
                td_jw_u64(w, key, v);
}

/* ---- gathering ---------------------------------------------------------- */

typedef struct tenant_view {
        char *name;
        const td_policy_entry *entry;   /* NULL: orphan group */
        td_policy policy;               /* effective, when `effective` */
        bool effective;
        td_diags ds;                    /* effective-policy errors */
        td_cg_tenant_stats st;
        td_cg_limits limits;
        const char *status;
} tenant_view;

typedef struct ctx {
        td_conf conf;
        td_diags ds;                    /* configuration and cgroup setup: fatal */
        td_diags pds;                   /* policy files: shown per tenant */
        td_policy_set set;
        td_cg *cg;
        td_cg_host host;
        tenant_view *v;
        size_t n, cap;
} ctx;

static void ctx_done(ctx *x) {
        for (size_t i = 0; i < x->n; i++) {
                tenant_view *t = &x->v[i];
                free(t->name);
                if (t->effective)
                        td_policy_done(&t->policy);
                td_diags_done(&t->ds);
                td_cg_tenant_stats_done(&t->st);
                td_cg_limits_done(&t->limits);
        }
        free(x->v);
        td_cg_free(x->cg);
        td_policy_set_done(&x->set);
        td_conf_done(&x->conf);
        td_diags_done(&x->ds);
        td_diags_done(&x->pds);
}

/* A tenant file's name, or its file name without .yaml when the file is
 * too broken to name itself. Caller frees. */
static char *entry_name(const td_policy_entry *e) {
        const char *base, *dot;

        if (e->policy.name)
                return strdup(e->policy.name);
        base = strrchr(e->path, '/');
        base = base ? base + 1 : e->path;
        dot = strrchr(base, '.');
        return strndup(base, dot && dot != base ? (size_t) (dot - base) : strlen(base));
}

/* The fallback group's name when it sits directly below the tenant root
 * (the default "<root>/_fallback"): it is tenantd's own, not an orphan. */
/* The fallback group's name when it lives directly in the tenant root,
 * so it is not listed as an orphan. conf.fallback is relative to the
 * root's parent ("tenants/_fallback" for the root "/a/tenants"), so it is
 * compared with the root's last component. */
static const char *fallback_name(const td_conf *c) {
        const char *base = strrchr(c->tenant_root, '/');
        size_t n;

        base = base ? base + 1 : c->tenant_root;
        n = strlen(base);
        if (c->fallback && strneq(c->fallback, base, n) && c->fallback[n] == '/' &&
            !strchr(c->fallback + n + 1, '/'))
                return c->fallback + n + 1;
        return NULL;
}

static const char *status_of(const tenant_view *t) {
        if (!t->entry)
                return "orphan group";
        if (!t->effective)
                return "invalid policy";
        if (t->st.present != t->st.available || t->st.available == 0)
                return "not applied";
        return t->limits.n_drift > 0 ? "drift" : "ok";
}

static int view_fill(ctx *x, tenant_view *t) {
        int r;

        /* Like apply: a tenant whose file or plan chain has errors, or whose
         * merged policy fails the cross-field checks, is skipped. */
        if (t->entry && t->entry->valid) {
                r = td_policy_entry_effective(&x->set, t->entry, &t->policy, &t->ds);
                if (r == -ENOMEM)
                        return r;
                t->effective = r == 0;
        }
        r = td_cg_tenant_stats_read(x->cg, t->name, &t->st);
        if (r == -EINVAL) {
                /* The stem of a broken file, such as "..", names no group. */
                t->st = (td_cg_tenant_stats) {};
                td_cg_usage_init(&t->st.usage);
                td_cg_live_init(&t->st.live);
        } else if (r < 0)
                return r;
        r = td_cg_limits_compare(t->effective ? &t->policy : NULL, &x->host, &t->st, &t->limits);
        if (r < 0)
                return r;
        t->status = status_of(t);
        return 0;
}

static int view_cmp(const void *a, const void *b) {
        const tenant_view *x = a, *y = b;
        int r = strcmp(x->name, y->name);
        /* Policy before orphan, then file order, for a stable listing. */
        return r ? r : (x->entry == NULL) - (y->entry == NULL);
}

static tenant_view *view_add(ctx *x, char *name, const td_policy_entry *e) {
        tenant_view *t;

        if (!name)
                return NULL;
        t = td_grow((void **) &x->v, &x->n, &x->cap, sizeof *t);
        if (!t) {
                free(name);
                return NULL;
        }
        t->name = name;
        t->entry = e;
        td_policy_init(&t->policy);
        return t;
}

static bool have_view(const ctx *x, const char *name) {
        for (size_t i = 0; i < x->n; i++)
                if (streq(x->v[i].name, name))
                        return true;
        return false;
}

static int ctx_load(const cli_globals *g, ctx *x) {
        td_cg_layout lay;
        long page = sysconf(_SC_PAGESIZE);
        int r;

        r = cli_load_conf(g, &x->conf, &x->ds);
        if (r < 0)
                return r;
        /* Policy errors are per tenant ("invalid policy"), not fatal. */
        r = td_policy_set_load(&x->set, x->conf.plans_dir, x->conf.tenants_dir, NULL, 0, &x->pds);
        if (r == -ENOMEM)
                return r;
        r = td_cg_layout_detect(x->conf.cgroup_mode, &lay, &x->ds);
        if (r < 0)
                return r;
        r = td_cg_open(&lay, x->conf.tenant_root, NULL, &x->cg, &x->ds);
        td_cg_layout_done(&lay);
        if (r < 0)
                return r;
        /* Only what td_cg_limits_compare needs: devices resolve by stat(2). */
        x->host = (td_cg_host) { .page_size = page > 0 ? (unsigned) page : 4096 };
        return 0;
}

/* Every tenant with a policy and every other group below the root, or just
 * `only`. Returns 0, -ENOENT when `only` is neither, -errno. */
static int ctx_collect(ctx *x, const char *only) {
        const char *fallback = fallback_name(&x->conf);
        char **groups = NULL;
        int r;

        for (size_t i = 0; i < x->set.n_tenants; i++) {
                const td_policy_entry *e = &x->set.tenants[i];
                char *name = entry_name(e);
                if (name && only && !streq(name, only)) {
                        free(name);
                        continue;
                }
                if (!view_add(x, name, e))
                        return -ENOMEM;
        }
        r = td_cg_list_groups(x->cg, &groups);
        if (r < 0)
                return r;
        for (char **p = groups; *p && r >= 0; p++) {
                if ((fallback && streq(*p, fallback)) || (only && !streq(*p, only)) || have_view(x, *p))
                        continue;
                if (!view_add(x, strdup(*p), NULL))
                        r = -ENOMEM;
        }
        td_strv_free(groups);
        if (r < 0)
                return r;
        return only && x->n == 0 ? -ENOENT : 0;
}

static int ctx_fill(ctx *x) {
        for (size_t i = 0; i < x->n; i++) {
                int r = view_fill(x, &x->v[i]);
                if (r < 0)
                        return r;
        }
        qsort(x->v, x->n, sizeof *x->v, view_cmp);
        return 0;
}

/* ---- formatting --------------------------------------------------------- */

/* Names from the file system go to a terminal: no control characters, and
 * "?" for bytes that are not UTF-8. */
static const char *printable(const char *s, char *buf, size_t size) {
        const unsigned char *p = (const unsigned char *) s, *end = p + strlen(s);
        size_t i = 0;

        while (*p && i + 1 < size) {
                size_t n = td_utf8_len(p, end);
                if (n <= 1 || i + n >= size) {
                        buf[i++] = n == 0 || *p < 0x20 || *p == 0x7f || n > 1 ? '?' : (char) *p;
                        p += n ? n : 1;
                        continue;
                }
                memcpy(buf + i, p, n);
                i += n;
                p += n;
        }
        buf[i] = '\0';
        return buf;
}

static const char *fmt_limit(td_unit unit, uint64_t v, char *buf, size_t size) {
        if (v == TD_STAT_NA) {
                snprintf(buf, size, "n/a");
                return buf;
        }
        return td_format_unit(unit, v, buf, size);
}

/* Usage is not a round number: one decimal, binary units. */
static const char *fmt_bytes(uint64_t v, char *buf, size_t size) {
        static const char units[] = "KMGTPE";
        double d = (double) v;
        int i = -1;

        if (v == TD_STAT_NA) {
                snprintf(buf, size, "n/a");
                return buf;
        }
        while (d >= 1024 && i < 5) {
                d /= 1024;
                i++;
        }
        if (i < 0)
                snprintf(buf, size, "%" PRIu64, v);
        else
                snprintf(buf, size, "%.1f%c", d, units[i]);
        return buf;
}

static const char *fmt_ns(uint64_t v, char *buf, size_t size) {
        if (v == TD_STAT_NA)
                snprintf(buf, size, "n/a");
        else
                snprintf(buf, size, "%.3fs", (double) v / 1e9);
        return buf;
}

static const char *fmt_count(uint64_t v, char *buf, size_t size) {
        if (v == TD_STAT_NA)
                snprintf(buf, size, "n/a");
        else
                snprintf(buf, size, "%" PRIu64, v);
        return buf;
}

static const td_cg_limit_row *find_row(const tenant_view *t, const char *key) {
        for (size_t i = 0; i < t->limits.n; i++)
                if (streq(t->limits.v[i].key, key))
                        return &t->limits.v[i];
        return NULL;
}

/* The live limit, or what apply would set when there is none to read. */
static uint64_t limit_value(const tenant_view *t, const char *key) {
        const td_cg_limit_row *w = find_row(t, key);

        if (!w)
                return TD_STAT_NA;
        return w->live != TD_STAT_NA ? w->live : w->expected;
}

/* ---- list --------------------------------------------------------------- */

enum { COL_NAME, COL_PLAN, COL_CPU, COL_MEM, COL_PIDS, COL_STATUS, _COL_MAX };

static int list_text(const ctx *x) {
        static const char *const head[_COL_MAX] = { "TENANT", "PLAN", "CPU", "MEM CUR/MAX", "PIDS CUR/MAX", "STATUS" };
        size_t width[_COL_MAX];
        char (*cell)[_COL_MAX][96] = calloc(x->n + 1, sizeof *cell);

        if (!cell)
                return -ENOMEM;
        for (size_t c = 0; c < _COL_MAX; c++)
                snprintf(cell[0][c], sizeof cell[0][c], "%s", head[c]);
        for (size_t i = 0; i < x->n; i++) {
                const tenant_view *t = &x->v[i];
                char (*r)[96] = cell[i + 1], a[40], b[40];
                const char *plan = t->entry && t->entry->policy.parent ? t->entry->policy.parent : "-";

                printable(t->name, r[COL_NAME], sizeof r[COL_NAME]);
                printable(plan, r[COL_PLAN], sizeof r[COL_PLAN]);
                fmt_limit(TD_UNIT_CPU, limit_value(t, "cpu.quota"), r[COL_CPU], sizeof r[COL_CPU]);
                snprintf(r[COL_MEM], sizeof r[COL_MEM], "%s/%s", fmt_bytes(t->st.usage.mem_current, a, sizeof a),
                         fmt_limit(TD_UNIT_SIZE, limit_value(t, "memory.max"), b, sizeof b));
                snprintf(r[COL_PIDS], sizeof r[COL_PIDS], "%s/%s", fmt_count(t->st.usage.pids_current, a, sizeof a),
                         fmt_limit(TD_UNIT_COUNT, limit_value(t, "pids.max"), b, sizeof b));
                snprintf(r[COL_STATUS], sizeof r[COL_STATUS], "%s", t->status);
        }
        for (size_t c = 0; c < _COL_MAX; c++) {
                width[c] = 0;
                for (size_t i = 0; i <= x->n; i++)
                        width[c] = MAX(width[c], strlen(cell[i][c]));
        }
        for (size_t i = 0; i <= x->n; i++)
                for (size_t c = 0; c < _COL_MAX; c++)
                        printf(c + 1 < _COL_MAX ? "%-*s  " : "%-*s\n", c + 1 < _COL_MAX ? (int) width[c] : 0,
                               cell[i][c]);
        free(cell);
        return 0;
}

static void list_json(const ctx *x) {
        td_jw w = { .f = stdout };

        td_jw_open(&w, NULL, '{');
        td_jw_str(&w, "tenant_root", x->conf.tenant_root);
        td_jw_str(&w, "layout", td_cg_layout_kind_to_name(td_cg_get_layout(x->cg)->kind));
        td_jw_open(&w, "tenants", '[');
        for (size_t i = 0; i < x->n; i++) {
                const tenant_view *t = &x->v[i];
                td_jw_open(&w, NULL, '{');
                td_jw_str(&w, "name", t->name);
                td_jw_str(&w, "plan", t->entry ? t->entry->policy.parent : NULL);
                td_jw_str(&w, "status", t->status);
                td_jw_str(&w, "policy_file", t->entry ? t->entry->path : NULL);
                jw_u64(&w, "cpu_quota_millicores", limit_value(t, "cpu.quota"));
                jw_u64(&w, "memory_current_bytes", t->st.usage.mem_current);
                jw_u64(&w, "memory_max_bytes", limit_value(t, "memory.max"));
                jw_u64(&w, "pids_current", t->st.usage.pids_current);
                jw_u64(&w, "pids_max", limit_value(t, "pids.max"));
                jw_u64(&w, "drift", t->limits.n_drift);
                td_jw_close(&w, '}');
        }
        td_jw_close(&w, ']');
        td_jw_close(&w, '}');
}

/* ---- show --------------------------------------------------------------- */

/* The tenant's policy errors: those in the files of its plan chain (set
 * load) and those of its merged policy. Caller frees with td_strv_free. */
static int tenant_errors(const ctx *x, const tenant_view *t, char ***ret) {
        _cleanup_free_ const td_policy_entry **chain = NULL;
        const td_diags *lists[2] = { &x->pds, &t->ds };
        size_t n_chain = 0, n = 0, cap = 0;
        char **v = NULL;
        int r = 0;

        if (t->entry) {
                /* A broken chain (missing plan, cycle) leaves the own file. */
                int k = td_policy_chain(&x->set, t->entry, &chain);
                if (k == -ENOMEM)
                        return k;
                n_chain = k > 0 ? (size_t) k : 0;
        }
        for (size_t l = 0; l < 2 && r >= 0; l++)
                for (size_t i = 0; i < lists[l]->n && r >= 0; i++) {
                        const td_diag *d = &lists[l]->v[i];
                        const char *file = d->mark.file;
                        bool mine = l == 1 || (t->entry && file && streq(file, t->entry->path));
                        for (size_t f = 0; f < n_chain && !mine; f++)
                                mine = file && streq(file, chain[f]->path);
                        if (!mine)
                                continue;
                        char **slot = td_grow((void **) &v, &n, &cap, sizeof(char *));
                        if (!slot || !(*slot = td_diag_format(d)))
                                r = -ENOMEM;
                }
        if (r >= 0)
                r = td_strv_terminate(&v, &n, &cap);
        if (r < 0) {
                td_strv_free_n(v, n);
                return r;
        }
        *ret = v;
        return 0;
}

/* What apply writes: the policy's value, the kernel default ("(default)"),
 * or nothing to compare (a v1 cpuset list is copied from the parent). */
static const char *configured_cell(const td_cg_limit_row *w, bool orphan, char *buf, size_t size) {
        char v[64];

        if (orphan || !w->compared) {
                snprintf(buf, size, "%s", orphan ? "-" : "(inherited)");
                return buf;
        }
        if (w->list)
                snprintf(v, sizeof v, "%s", w->expected_s[0] ? w->expected_s : "\"\"");
        else
                fmt_limit(w->unit, w->expected, v, sizeof v);
        snprintf(buf, size, "%s%s", v, w->configured ? "" : " (default)");
        return buf;
}

static const char *live_cell(const td_cg_limit_row *w, char *buf, size_t size) {
        if (!w->list)
                return fmt_limit(w->unit, w->live, buf, size);
        snprintf(buf, size, "%s", !w->live_s ? "n/a" : w->live_s[0] ? w->live_s : "\"\"");
        return buf;
}

static void show_limits_text(const tenant_view *t) {
        size_t wk = 5, wf = 4, wc = 10;
        char c[96], l[96];

        for (size_t i = 0; i < t->limits.n; i++) {
                const td_cg_limit_row *w = &t->limits.v[i];
                wk = MAX(wk, strlen(w->key));
                wf = MAX(wf, strlen(w->file));
                wc = MAX(wc, strlen(configured_cell(w, !t->entry, c, sizeof c)));
        }
        printf("\n  %-*s  %-*s  %-*s  %s\n", (int) wk, "LIMIT", (int) wf, "FILE", (int) wc, "CONFIGURED", "LIVE");
        for (size_t i = 0; i < t->limits.n; i++) {
                const td_cg_limit_row *w = &t->limits.v[i];
                char key[sizeof w->key];
                printf("  %-*s  %-*s  %-*s  %s%s\n", (int) wk, printable(w->key, key, sizeof key), (int) wf, w->file,
                       (int) wc, configured_cell(w, !t->entry, c, sizeof c), live_cell(w, l, sizeof l),
                       w->drift ? "   <- drift" : "");
        }
}

static void show_usage_text(const td_cg_usage *u) {
        char a[40], b[40], c[40], d[40];

        printf("\nusage:\n");
        printf("  %-20s %s (user %s, system %s)\n", "cpu time", fmt_ns(u->cpu_ns, a, sizeof a),
               fmt_ns(u->cpu_user_ns, b, sizeof b), fmt_ns(u->cpu_system_ns, c, sizeof c));
        printf("  %-20s %s (peak %s, swap %s)\n", "memory", fmt_bytes(u->mem_current, a, sizeof a),
               fmt_bytes(u->mem_peak, b, sizeof b), fmt_bytes(u->swap_current, c, sizeof c));
        printf("  %-20s %s (peak %s)\n", "pids", fmt_count(u->pids_current, a, sizeof a),
               fmt_count(u->pids_peak, b, sizeof b));
        printf("  %-20s %s read in %s ops, %s written in %s ops\n", "io", fmt_bytes(u->io_rbytes, a, sizeof a),
               fmt_count(u->io_rios, b, sizeof b), fmt_bytes(u->io_wbytes, c, sizeof c),
               fmt_count(u->io_wios, d, sizeof d));

        printf("\nfaults:\n");
        printf("  %-20s %s\n", "memory limit hits", fmt_count(u->mem_max_events, a, sizeof a));
        printf("  %-20s %s\n", "memory high events", fmt_count(u->mem_high_events, a, sizeof a));
        printf("  %-20s %s\n", "oom events", fmt_count(u->mem_oom_events, a, sizeof a));
        printf("  %-20s %s\n", "oom kills", fmt_count(u->oom_kills, a, sizeof a));
        printf("  %-20s %s\n", "pids limit hits", fmt_count(u->pids_max_events, a, sizeof a));
        printf("  %-20s %s of %s periods, %s\n", "cpu throttled", fmt_count(u->cpu_throttled, a, sizeof a),
               fmt_count(u->cpu_periods, b, sizeof b), fmt_ns(u->cpu_throttled_ns, c, sizeof c));
}

/* The merged policy's description (a plan's, if the tenant has none), or
 * the tenant file's own when the merge failed. */
static const char *description(const tenant_view *t) {
        if (t->effective)
                return t->policy.description;
        return t->entry ? t->entry->policy.description : NULL;
}

/* The tenant's group in one hierarchy: its controllers ("cpu", or on v2
 * "cpu,cpuset,memory,io,pids"; cpuacct is part of cpu there), path and
 * whether it exists. Returns 1, 0 when the hierarchy holds none of ours,
 * -ENOMEM. ret->path is the caller's to free. */
typedef struct hier_group {
        char names[64];
        const char *version;
        char *path;
        bool present;
} hier_group;

static int hier_group_get(const ctx *x, const tenant_view *t, size_t h, hier_group *ret) {
        const td_cg_layout *lay = td_cg_get_layout(x->cg);
        td_cg_controller first = _TD_CG_CONTROLLER_MAX;
        hier_group g = { .version = lay->hier[h].version == TD_CG_V2 ? "v2" : "v1" };
        size_t len = 0;

        for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX; c++) {
                if (lay->ctrl_hier[c] != (int) h || (c == TD_CG_CPUACCT && lay->hier[h].version == TD_CG_V2))
                        continue;
                if (first == _TD_CG_CONTROLLER_MAX)
                        first = c;
                snprintf(g.names + len, sizeof g.names - len, "%s%s", len ? "," : "",
                         td_cg_controller_to_name(c, lay->hier[h].version));
                len = strlen(g.names);
        }
        if (first == _TD_CG_CONTROLLER_MAX)
                return 0;
        g.path = td_cg_group_path(x->cg, first, t->name, false);
        if (!g.path)
                return -ENOMEM;
        g.present = t->st.present & (1u << first);
        *ret = g;
        return 1;
}

static int show_text(const ctx *x, const tenant_view *t, char **errors) {
        char buf[256];

        printf("tenant:  %s\n", printable(t->name, buf, sizeof buf));
        printf("plan:    %s\n", t->entry && t->entry->policy.parent ? t->entry->policy.parent : "-");
        if (description(t))
                printf("about:   %s\n", printable(description(t), buf, sizeof buf));
        printf("policy:  %s\n", t->entry ? printable(t->entry->path, buf, sizeof buf) : "- (none)");
        printf("status:  %s", t->status);
        if (t->limits.n_drift > 0)
                printf(" (%zu live limit%s differ%s from the policy; `tenantctl apply` restores them)",
                       t->limits.n_drift, t->limits.n_drift == 1 ? "" : "s", t->limits.n_drift == 1 ? "s" : "");
        printf("\ngroups:\n");
        for (size_t h = 0; h < td_cg_get_layout(x->cg)->n_hier; h++) {
                hier_group hg;
                int r = hier_group_get(x, t, h, &hg);
                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                printf("  %-8s %s  %s%s\n", hg.names, hg.version, printable(hg.path, buf, sizeof buf),
                       hg.present ? "" : " (missing)");
                free(hg.path);
        }
        show_limits_text(t);
        show_usage_text(&t->st.usage);
        if (errors[0]) {
                printf("\nerrors:\n");
                for (char **e = errors; *e; e++)
                        printf("  %s\n", printable(*e, buf, sizeof buf));
        }
        return 0;
}

static void jw_row_value(td_jw *w, const char *key, const char *s, uint64_t v) {
        if (s)
                td_jw_str(w, key, s);
        else
                jw_u64(w, key, v);
}

static int show_json(const ctx *x, const tenant_view *t, char **errors) {
        const td_cg_usage *u = &t->st.usage;
        td_jw w = { .f = stdout };

        td_jw_open(&w, NULL, '{');
        td_jw_str(&w, "name", t->name);
        td_jw_str(&w, "plan", t->entry ? t->entry->policy.parent : NULL);
        td_jw_str(&w, "description", description(t));
        td_jw_str(&w, "status", t->status);
        td_jw_str(&w, "policy_file", t->entry ? t->entry->path : NULL);
        td_jw_str(&w, "tenant_root", x->conf.tenant_root);
        td_jw_str(&w, "layout", td_cg_layout_kind_to_name(td_cg_get_layout(x->cg)->kind));
        td_jw_open(&w, "groups", '[');
        for (size_t h = 0; h < td_cg_get_layout(x->cg)->n_hier; h++) {
                hier_group hg;
                int r = hier_group_get(x, t, h, &hg);
                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                td_jw_open(&w, NULL, '{');
                td_jw_str(&w, "controllers", hg.names);
                td_jw_str(&w, "version", hg.version);
                td_jw_str(&w, "path", hg.path);
                td_jw_bool(&w, "present", hg.present);
                td_jw_close(&w, '}');
                free(hg.path);
        }
        td_jw_close(&w, ']');
        jw_u64(&w, "drift", t->limits.n_drift);
        td_jw_open(&w, "limits", '[');
        for (size_t i = 0; i < t->limits.n; i++) {
                const td_cg_limit_row *r = &t->limits.v[i];
                td_jw_open(&w, NULL, '{');
                td_jw_str(&w, "key", r->key);
                td_jw_str(&w, "file", r->file);
                if (r->configured)
                        jw_row_value(&w, "configured", r->expected_s, r->expected);
                else
                        td_jw_str(&w, "configured", NULL);
                if (r->compared)
                        jw_row_value(&w, "expected", r->expected_s, r->expected);
                else
                        td_jw_str(&w, "expected", NULL);
                if (r->list)
                        td_jw_str(&w, "live", r->live_s);
                else
                        jw_u64(&w, "live", r->live);
                td_jw_bool(&w, "drift", r->drift);
                td_jw_close(&w, '}');
        }
        td_jw_close(&w, ']');
        td_jw_open(&w, "usage", '{');
        jw_u64(&w, "cpu_ns", u->cpu_ns);
        jw_u64(&w, "cpu_user_ns", u->cpu_user_ns);
        jw_u64(&w, "cpu_system_ns", u->cpu_system_ns);
        jw_u64(&w, "memory_current_bytes", u->mem_current);
        jw_u64(&w, "memory_peak_bytes", u->mem_peak);
        jw_u64(&w, "swap_current_bytes", u->swap_current);
        jw_u64(&w, "pids_current", u->pids_current);
        jw_u64(&w, "pids_peak", u->pids_peak);
        jw_u64(&w, "io_read_bytes", u->io_rbytes);
        jw_u64(&w, "io_write_bytes", u->io_wbytes);
        jw_u64(&w, "io_read_ops", u->io_rios);
        jw_u64(&w, "io_write_ops", u->io_wios);
        td_jw_close(&w, '}');
        td_jw_open(&w, "faults", '{');
        jw_u64(&w, "memory_max_hits", u->mem_max_events);
        jw_u64(&w, "memory_high_events", u->mem_high_events);
        jw_u64(&w, "memory_oom_events", u->mem_oom_events);
        jw_u64(&w, "oom_kills", u->oom_kills);
        jw_u64(&w, "pids_max_hits", u->pids_max_events);
        jw_u64(&w, "cpu_periods", u->cpu_periods);
        jw_u64(&w, "cpu_throttled_periods", u->cpu_throttled);
        jw_u64(&w, "cpu_throttled_ns", u->cpu_throttled_ns);
        td_jw_close(&w, '}');
        td_jw_open(&w, "errors", '[');
        for (char **e = errors; *e; e++)
                td_jw_str(&w, NULL, *e);
        td_jw_close(&w, ']');
        td_jw_close(&w, '}');
        return 0;
}

/* ---- verbs -------------------------------------------------------------- */

static void list_usage(FILE *f) {
        fprintf(f, "Usage: tenantctl list [--json]\n\n"
                   "One line per tenant: plan, CPU quota, memory and pids (current/limit) and\n"
                   "status (ok, drift, not applied, invalid policy, orphan group).\n\n"
                   "  -j, --json  machine-readable output\n"
                   "  -h, --help  show this help\n");
}

static void show_usage(FILE *f) {
        fprintf(f, "Usage: tenantctl show [--json] TENANT\n\n"
                   "One tenant in detail: configured and live limits side by side (drift\n"
                   "flagged), usage, fault counters, policy errors.\n\n"
                   "  -j, --json  machine-readable output\n"
                   "  -h, --help  show this help\n");
}

/* Returns the index of the first operand, or -1 (help shown: exit 0) or
 * -2 (usage error). */
static int parse_args(int argc, char **argv, bool *json, void (*usage)(FILE *f)) {
        static const struct option opts[] = {
                { "json", no_argument, NULL, 'j' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "jh", opts, NULL)) >= 0)
                switch (c) {
                case 'j': *json = true; break;
                case 'h': usage(stdout); return -1;
                default: usage(stderr); return -2;
                }
        return optind;
}

/* Load everything; on failure say why and return the exit status. */
static int load(const cli_globals *g, ctx *x) {
        int r = ctx_load(g, x);

        if (r >= 0)
                return 0;
        td_diags_print(&x->ds, stderr);
        if (r == -ENOMEM)
                fprintf(stderr, "tenantctl: out of memory\n");
        else if (x->ds.n_errors == 0)
                fprintf(stderr, "tenantctl: cannot read the tenant tree: %s\n", strerror(-r));
        return CLI_EXIT_FAIL;
}

static void policy_hint(const ctx *x) {
        if (x->pds.n_errors > 0)
                fprintf(stderr, "tenantctl: %zu error%s in the policies; `tenantctl check` lists them\n",
                        x->pds.n_errors, x->pds.n_errors == 1 ? "" : "s");
}

int verb_list(const cli_globals *g, int argc, char **argv) {
        ctx x = {};
        bool json = false;
        int k = parse_args(argc, argv, &json, list_usage), r;

        if (k < 0)
                return k == -1 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
        if (k < argc) {
                fprintf(stderr, "tenantctl list: unexpected argument \"%s\"\n", argv[k]);
                list_usage(stderr);
                return CLI_EXIT_USAGE;
        }
        r = load(g, &x);
        if (r == 0) {
                r = ctx_collect(&x, NULL);
                if (r >= 0)
                        r = ctx_fill(&x);
                if (r >= 0 && json)
                        list_json(&x);
                else if (r >= 0)
                        r = list_text(&x);
                if (r < 0)
                        fprintf(stderr, "tenantctl list: %s\n", strerror(-r));
                else
                        policy_hint(&x);
                r = r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
        }
        fflush(stdout);
        ctx_done(&x);
        return r;
}

static void unknown_tenant(ctx *x, const char *name) {
        _cleanup_free_ const char **names = NULL;
        const char *hint = NULL;
        char q[96];

        /* Suggest a close name among everything list would show. */
        if (ctx_collect(x, NULL) >= 0 && (names = calloc(x->n + 1, sizeof(char *)))) {
                for (size_t i = 0; i < x->n; i++)
                        names[i] = x->v[i].name;
                hint = td_nearest(name, names, x->n);
        }
        fprintf(stderr, "tenantctl show: no tenant %s: no policy in %s and no group below %s%s%s%s\n",
                td_quote(name, q, sizeof q), x->conf.tenants_dir, x->conf.tenant_root,
                hint ? "; did you mean \"" : "", hint ? hint : "", hint ? "\"?" : "");
}

int verb_show(const cli_globals *g, int argc, char **argv) {
        ctx x = {};
        bool json = false;
        char **errors = NULL;
        int k = parse_args(argc, argv, &json, show_usage), r;

        if (k < 0)
                return k == -1 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
        if (argc - k != 1 || !argv[k][0]) {
                fprintf(stderr, "tenantctl show: %s\n", argc - k == 0 || !argv[k][0] ? "a tenant name is required"
                                                                                 : "only one tenant name is allowed");
                show_usage(stderr);
                return CLI_EXIT_USAGE;
        }
        r = load(g, &x);
        if (r != 0)
                goto out;
        r = ctx_collect(&x, argv[k]);
        if (r == -ENOENT) {
                unknown_tenant(&x, argv[k]);
                r = CLI_EXIT_FAIL;
                goto out;
        }
        if (r >= 0)
                r = ctx_fill(&x);
        /* Two files may claim one name (an error of its own): show the first. */
        if (r >= 0)
                r = tenant_errors(&x, &x.v[0], &errors);
        if (r >= 0)
                r = json ? show_json(&x, &x.v[0], errors) : show_text(&x, &x.v[0], errors);
        if (r < 0)
                fprintf(stderr, "tenantctl show: %s\n", strerror(-r));
        r = r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
out:
        fflush(stdout);
        td_strv_free(errors);
        ctx_done(&x);
        return r;
}
