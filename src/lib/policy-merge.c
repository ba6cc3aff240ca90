/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Effective policies: a plan chain and a tenant merged into one tree, parsed
 * again, then checked for clashes between fields that may come from
 * different files.
 *
 * Merging trees rather than td_policy structs keeps one rule for every
 * field ("mappings merge, everything else replaces") instead of a merge
 * function per struct member, and keeps each value's file:line:col, so an
 * error in the merged result still points at the line that wrote it. */
#include "node-internal.h"
#include "policy-internal.h"

#define KP_MAX 256

/* Values that replace as a whole even though they are mappings: an rlimit
 * {soft, hard} pair belongs together, and half of one seccomp filter merged
 * with half of another would be a filter nobody wrote. */
static bool replaces_whole(const char *keypath) {
        return (startswith(keypath, "rlimits.") && !strchr(keypath + 8, '.')) ||
               streq(keypath, "isolation.seccomp");
}

static ssize_t map_index(const td_node *map, const char *key) {
        for (size_t i = 0; i < map->n; i++)
                if (map->keys[i]->scalar && streq(map->keys[i]->scalar, key))
                        return (ssize_t) i;
        return -1;
}

int td_node_merge(td_node **dst, const td_node *src, const char *keypath) {
        if (!*dst || (*dst)->type != TD_NODE_MAP || src->type != TD_NODE_MAP || replaces_whole(keypath)) {
                td_node *copy = td_node_dup(src);
                if (!copy)
                        return -ENOMEM;
                td_node_free(*dst);
                *dst = copy;
                return 0;
        }
        for (size_t i = 0; i < src->n; i++) {
                const char *key = src->keys[i]->scalar ? src->keys[i]->scalar : "";
                ssize_t j = map_index(*dst, key);
                char kp[KP_MAX];
                int r;

                snprintf(kp, sizeof kp, "%s%s%s", keypath, *keypath ? "." : "", key);
                if (j >= 0) {
                        r = td_node_merge(&(*dst)->items[j], src->items[i], kp);
                        if (r < 0)
                                return r;
                        continue;
                }
                _cleanup_(td_node_freep) td_node *k = td_node_dup(src->keys[i]);
                _cleanup_(td_node_freep) td_node *v = td_node_dup(src->items[i]);
                if (!k || !v)
                        return -ENOMEM;
                r = td_node_append(*dst, k, v);
                if (r < 0)
                        return r;
                TAKE_PTR(k);
                TAKE_PTR(v);
        }
        return 0;
}

int td_policy_chain(const td_policy_set *set, const td_policy_entry *e, const td_policy_entry ***ret) {
        size_t n = 1, max = set->n_plans + 1;
        const td_policy_entry *cur = e;

        /* Walk up once to count (a chain longer than the number of plans
         * must revisit one: a cycle), then fill root first. */
        while (cur->policy.parent) {
                cur = td_policy_set_find_plan(set, cur->policy.parent);
                if (!cur)
                        return -ENOENT;
                if (++n > max)
                        return -ELOOP;
        }
        const td_policy_entry **v = calloc(n, sizeof *v);
        if (!v)
                return -ENOMEM;
        cur = e;
        for (size_t i = n; i > 0; i--) {
                v[i - 1] = cur;
                if (i > 1)
                        cur = td_policy_set_find_plan(set, cur->policy.parent);
        }
        *ret = v;
        return (int) n;
}

bool td_policy_chain_valid(const td_policy_set *set, const td_policy_entry *e) {
        _cleanup_free_ const td_policy_entry **chain = NULL;
        int n = td_policy_chain(set, e, &chain);

        if (n < 0)
                return false;
        for (int i = 0; i < n; i++)
                if (!chain[i]->valid)
                        return false;
        return true;
}

/* Merge one file's top level into dst. Ancestors contribute limits only:
 * their own name, parent and description describe the plan, not the child. */
static int merge_file(td_node *dst, const td_node *tree, bool ancestor) {
        if (!tree || tree->type != TD_NODE_MAP)
                return 0;
        for (size_t i = 0; i < tree->n; i++) {
                const char *key = tree->keys[i]->scalar ? tree->keys[i]->scalar : "";
                if (ancestor && (streq(key, TD_POLICY_KEY_PLAN) || streq(key, TD_POLICY_KEY_TENANT) ||
                                 streq(key, TD_POLICY_KEY_INHERITS) || streq(key, "description")))
                        continue;
                ssize_t j = map_index(dst, key);
                if (j >= 0) {
                        int r = td_node_merge(&dst->items[j], tree->items[i], key);
                        if (r < 0)
                                return r;
                        continue;
                }
                _cleanup_(td_node_freep) td_node *k = td_node_dup(tree->keys[i]);
                _cleanup_(td_node_freep) td_node *v = td_node_dup(tree->items[i]);
                if (!k || !v || td_node_append(dst, k, v) < 0)
                        return -ENOMEM;
                TAKE_PTR(k);
                TAKE_PTR(v);
        }
        return 0;
}

int td_policy_entry_effective(const td_policy_set *set, const td_policy_entry *e, td_policy *ret,
                              td_diags *ds) {
        _cleanup_free_ const td_policy_entry **chain = NULL;
        _cleanup_free_ const char **files = NULL;
        _cleanup_(td_node_freep) td_node *merged = NULL;
        td_policy p;
        int n, r;

        /* An empty policy on failure too: td_policy_done() is then safe
         * whatever happened, which matters inside sshd (PAM). */
        td_policy_init(ret);

        /* A broken chain (missing plan, cycle) or a file with errors was
         * reported when the set was loaded; there is nothing to build. */
        n = td_policy_chain(set, e, &chain);
        if (n == -ENOMEM)
                return n;
        if (n < 0 || !td_policy_chain_valid(set, e))
                return -EINVAL;

        merged = td_node_new(TD_NODE_MAP, e->tree->mark);
        files = calloc((size_t) n, sizeof *files);
        if (!merged || !files)
                return -ENOMEM;
        for (int i = 0; i < n; i++) {
                files[i] = chain[i]->tree->mark.file;
                r = merge_file(merged, chain[i]->tree, i + 1 < n);
                if (r < 0)
                        return r;
        }

        /* NULL base_dir: each seccomp profile path is relative to the file
         * that wrote it, known from its node's mark. */
        r = td_policy_from_node(merged, NULL, &p, ds);
        if (r == 0)
                r = td_policy_cross_check(merged, &p, files, (size_t) n, ds);
        if (r < 0) {
                td_policy_done(&p);
                return r;
        }
        *ret = p;
        return 0;
}

int td_policy_effective(const td_policy_set *set, const char *tenant, td_policy *ret, td_diags *ds) {
        const td_policy_entry *e = td_policy_set_find_tenant(set, tenant);

        if (!e) {
                td_policy_init(ret);
                return -ENOENT;
        }
        return td_policy_entry_effective(set, e, ret, ds);
}

/* ---- cross-field checks ---- */

typedef struct xctx {
        const td_node *tree;
        const char *const *files;
        size_t n_files;
        td_diags *ds;
        int r;
} xctx;

static const td_node *at(const td_node *tree, const char *a, const char *b, const char *c) {
        const td_node *n = td_node_get(tree, a);
        if (n && b)
                n = td_node_get(n, b);
        if (n && c)
                n = td_node_get(n, c);
        return n;
}

/* Position of a node's file on the chain; later files override earlier. */
static size_t rank(const xctx *x, const td_node *n) {
        for (size_t i = 0; i < x->n_files; i++)
                if (n->mark.file == x->files[i])
                        return i;
        return 0;
}

static void xfail(xctx *x, const td_node *n, const char *kp, const char *fmt, ...) _printf_(4, 5);
static void xfail(xctx *x, const td_node *n, const char *kp, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        r = msg ? td_diag_error(x->ds, n->mark, kp, "%s", msg) : -ENOMEM;
        if (r == -ENOMEM || x->r == 0)
                x->r = r;
}

static char *where(const td_node *n) {
        return td_strdupf("%s:%u:%u", n->mark.file ? n->mark.file : "<input>", n->mark.line, n->mark.col);
}

/* Two fields that may not both be set: report at the later one. */
static void exclusive(xctx *x, const td_node *a, const char *kpa, const td_node *b, const char *kpb) {
        if (rank(x, a) > rank(x, b)) {
                const td_node *tn = a; a = b; b = tn;
                const char *tk = kpa; kpa = kpb; kpb = tk;
        }
        _cleanup_free_ char *loc = where(a);
        if (!loc)
                return (void) (x->r = -ENOMEM);
        xfail(x, b, kpb, "cannot be combined with %s (at %s); set only one", kpa, loc);
}

/* low <= high (or low < high when strict), reported at the later field. */
static void ordered(xctx *x, const td_node *lo, const char *kplo, const td_node *hi, const char *kphi, bool strict) {
        _cleanup_free_ char *loc = NULL;

        if (rank(x, hi) > rank(x, lo)) {
                loc = where(lo);
                if (!loc)
                        return (void) (x->r = -ENOMEM);
                xfail(x, hi, kphi, "expected %s %s (%s, at %s), got %s", strict ? "more than" : "at least", kplo,
                      lo->scalar, loc, hi->scalar);
        } else {
                loc = where(hi);
                if (!loc)
                        return (void) (x->r = -ENOMEM);
                xfail(x, lo, kplo, "expected %s %s (%s, at %s), got %s", strict ? "less than" : "at most", kphi,
                      hi->scalar, loc, lo->scalar);
        }
}

static void check_cpu_memory(xctx *x, const td_policy *p) {
        const td_memory *m = &p->memory;

        if (m->high != TD_UNSET && m->max != TD_UNSET && m->high != TD_UNLIMITED && m->max != TD_UNLIMITED &&
            m->high > m->max)
                ordered(x, at(x->tree, "memory", "high", NULL), "memory.high", at(x->tree, "memory", "max", NULL),
                        "memory.max", false);
        if (p->cpu.weight != TD_UNSET && p->cpu.shares != TD_UNSET)
                exclusive(x, at(x->tree, "cpu", "weight", NULL), "cpu.weight", at(x->tree, "cpu", "shares", NULL),
                          "cpu.shares");
        if (p->cpu.rt_runtime_us != TD_UNSET) {
                const td_node *rt = at(x->tree, "cpu", "realtime", "runtime");
                if (p->cpu.rt_period_us != TD_UNSET) {
                        if (p->cpu.rt_runtime_us >= p->cpu.rt_period_us)
                                ordered(x, rt, "cpu.realtime.runtime", at(x->tree, "cpu", "realtime", "period"),
                                        "cpu.realtime.period", true);
                } else if (p->cpu.rt_runtime_us >= 1000000)
                        xfail(x, rt, "cpu.realtime.runtime",
                              "expected less than cpu.realtime.period (1s by default), got %s", rt->scalar);
        }
}

static void check_isolation(xctx *x, const td_policy *p) {
        const td_isolation *iso = &p->isolation;
        static const struct { const char *key; td_ns ns; } needs[] = {
                { "hostname", TD_NS_UTS }, { "uid_map", TD_NS_USER }, { "gid_map", TD_NS_USER },
        };

        for (size_t i = 0; i < ELEMENTSOF(needs); i++) {
                const td_node *n = at(x->tree, "isolation", needs[i].key, NULL);
                char kp[64];
                if (!n || (iso->namespaces & (1u << needs[i].ns)))
                        continue;
                snprintf(kp, sizeof kp, "isolation.%s", needs[i].key);
                xfail(x, n, kp, "requires \"%s\" in isolation.namespaces", td_ns_to_name(needs[i].ns));
        }
        /* Both are Linux security modules' exec labels; a host runs one. */
        if (iso->apparmor && iso->selinux)
                exclusive(x, at(x->tree, "isolation", "apparmor", NULL), "isolation.apparmor",
                          at(x->tree, "isolation", "selinux", NULL), "isolation.selinux");
}

int td_policy_cross_check(const td_node *tree, const td_policy *p, const char *const *files, size_t n_files,
                          td_diags *ds) {
        xctx x = { .tree = tree, .files = files, .n_files = n_files, .ds = ds };

        check_cpu_memory(&x, p);
        check_isolation(&x, p);
        return x.r;
}
