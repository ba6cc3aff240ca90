/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Loading the plans and tenants directories and checking across files.
 *
 * Every file is read and checked even when others are broken: the set is a
 * list of entries with a `valid` flag, and later stages (effective
 * policies, the daemon) use only valid chains. */
#include <dirent.h>
#include <libgen.h>
#include <sys/stat.h>

#include "policy-internal.h"

typedef struct loader {
        td_policy_set *set;
        td_diags *ds;
        uid_t euid;
        char *plans_real;         /* realpath of plans_dir, or NULL */
        char *tenants_real;
        bool files_mode;          /* only the given files, plus the plans they need */
        struct stat *given;       /* explicit files, to skip them in plans_dir */
        size_t n_given;
        /* In files mode, the diagnostics of each file read from plans_dir,
         * so those of unrelated plans can be dropped with them. */
        struct range { td_policy_kind kind; size_t index, from, to; } *ranges;
        size_t n_ranges, cap_ranges;
} loader;

int td_policy_check_perms(const struct stat *st, uid_t euid, char *buf, size_t size) {
        if (euid != 0)
                return 0;
        if (st->st_uid != 0) {
                snprintf(buf, size, "owned by uid %u, not root", (unsigned) st->st_uid);
                return -EPERM;
        }
        if (st->st_mode & (S_IWGRP | S_IWOTH)) {
                bool g = st->st_mode & S_IWGRP, o = st->st_mode & S_IWOTH;
                snprintf(buf, size, "writable by %s (mode %04o)", g && o ? "group and others" : g ? "group" : "others",
                         (unsigned) (st->st_mode & 07777));
                return -EPERM;
        }
        return 0;
}

/* A problem with a whole file or directory: "PATH: WHAT DETAIL". */
static int file_error(td_diags *ds, const char *path, const char *what, const char *detail) {
        td_mark m = { .file = path };
        return td_diag_error(ds, m, NULL, "%s%s", what, detail);
}

/* Returns false (after reporting) when the object is unsafe. */
static bool perms_check(loader *l, const char *path, const struct stat *st) {
        char why[96];

        if (td_policy_check_perms(st, l->euid, why, sizeof why) == 0)
                return true;
        file_error(l->ds, path, "unsafe permissions: ", why);
        return false;
}

/* Node marks point into the set from here on, so the tree and the policy
 * outlive whatever td_diags the caller used for loading. */
static void retarget_marks(td_node *n, const char *file) {
        if (!n)
                return;
        n->mark.file = file;
        for (size_t i = 0; i < n->n; i++) {
                if (n->keys)
                        retarget_marks(n->keys[i], file);
                retarget_marks(n->items[i], file);
        }
}

static void entry_free(td_policy_entry *e) {
        td_policy_done(&e->policy);
        td_node_free(e->tree);
        free(e->path);
        *e = (td_policy_entry) {};
}

static td_policy_entry *new_entry(td_policy_set *set, td_policy_kind kind) {
        td_policy_entry *e = kind == TD_POLICY_PLAN
                ? td_grow((void **) &set->plans, &set->n_plans, &set->cap_plans, sizeof *e)
                : td_grow((void **) &set->tenants, &set->n_tenants, &set->cap_tenants, sizeof *e);
        if (e)
                td_policy_init(&e->policy);
        return e;
}

/* Read and parse one file into the set. `dir_kind` is the kind its
 * directory demands, or _TD_POLICY_KIND_INVALID for a file given by path
 * outside both directories. `dir_safe`: whoever can write the directory
 * can swap the file, so a file in an unsafe one is never valid. Only
 * -ENOMEM is returned as an error: any problem with the file itself is a
 * diagnostic. */
static int load_file(loader *l, const char *path, td_policy_kind dir_kind, bool dir_safe) {
        _cleanup_(td_node_freep) td_node *tree = NULL;
        _cleanup_free_ char *copy = NULL, *own_path = NULL;
        size_t errors = l->ds->n_errors;
        td_policy p;
        struct stat st;
        int r;

        if (stat(path, &st) < 0)
                return file_error(l->ds, path, "cannot read: ", strerror(errno)) == -ENOMEM ? -ENOMEM : 0;
        if (!S_ISREG(st.st_mode))
                return file_error(l->ds, path, "expected a regular file", "") == -ENOMEM ? -ENOMEM : 0;
        /* stat() then open() is a race only for someone who can write the
         * directory, and a directory like that fails the same check. */
        perms_check(l, path, &st);

        own_path = strdup(path);
        copy = strdup(path);
        if (!own_path || !copy)
                return -ENOMEM;
        r = td_doc_load(path, false, &tree, l->ds);
        if (r == -ENOMEM)
                return r;
        retarget_marks(tree, own_path);
        r = tree ? td_policy_from_node(tree, dirname(copy), &p, l->ds) : (td_policy_init(&p), -EINVAL);
        if (r == -ENOMEM) {
                td_policy_done(&p);
                return r;
        }
        if (p.kind < 0)
                p.kind = dir_kind >= 0 ? dir_kind : TD_POLICY_TENANT;
        else if (dir_kind >= 0 && p.kind != dir_kind &&
                 td_diag_error(l->ds, p.name_mark, p.kind == TD_POLICY_PLAN ? "plan" : "tenant",
                               p.kind == TD_POLICY_PLAN
                                       ? "this plan file is in the tenants directory; move it to the plans directory"
                                       : "this tenant file is in the plans directory; move it to the tenants directory")
                         == -ENOMEM) {
                td_policy_done(&p);
                return -ENOMEM;
        }

        td_policy_entry *e = new_entry(l->set, p.kind);
        if (!e) {
                td_policy_done(&p);
                return -ENOMEM;
        }
        e->policy = p;
        e->tree = TAKE_PTR(tree);
        e->path = TAKE_PTR(own_path);
        e->valid = l->ds->n_errors == errors && dir_safe;
        return 0;
}

static bool is_policy_name(const char *name) {
        size_t len = strlen(name);
        if (name[0] == '.')
                return false;
        return (len > 5 && streq(name + len - 5, ".yaml")) || (len > 4 && streq(name + len - 4, ".yml"));
}

static bool is_given(const loader *l, const struct stat *st) {
        for (size_t i = 0; i < l->n_given; i++)
                if (l->given[i].st_dev == st->st_dev && l->given[i].st_ino == st->st_ino)
                        return true;
        return false;
}

static int record_range(loader *l, size_t n_plans, size_t n_tenants, size_t from) {
        struct range *rg = td_grow((void **) &l->ranges, &l->n_ranges, &l->cap_ranges, sizeof *rg);

        if (!rg)
                return -ENOMEM;
        /* load_file added exactly one entry, a plan or (misplaced) a tenant. */
        bool plan = l->set->n_plans > n_plans;
        *rg = (struct range) {
                .kind = plan ? TD_POLICY_PLAN : TD_POLICY_TENANT,
                .index = plan ? n_plans : n_tenants,
                .from = from,
                .to = l->ds->n,
        };
        return 0;
}

/* Every *.yaml / *.yml of a directory, in byte order so results do not
 * depend on the locale; dotfiles (editor and package manager leftovers
 * such as .acme.yaml.swp or .dpkg-new) are skipped. */
static int load_dir(loader *l, const char *dir, td_policy_kind kind) {
        _cleanup_free_ char **names = NULL;
        size_t n = 0, cap = 0;
        struct stat st;
        bool safe = true;
        DIR *d;
        int r = 0;

        d = opendir(dir);
        if (!d)
                return file_error(l->ds, dir, "cannot read directory: ", strerror(errno)) == -ENOMEM ? -ENOMEM : 0;
        if (fstat(dirfd(d), &st) == 0)
                safe = perms_check(l, dir, &st);
        for (struct dirent *de; (de = readdir(d));) {
                if (!is_policy_name(de->d_name))
                        continue;
                char **slot = td_grow((void **) &names, &n, &cap, sizeof(char *));
                if (!slot || !(*slot = td_strdupf("%s/%s", dir, de->d_name))) {
                        if (slot)
                                n--;
                        r = -ENOMEM;
                        break;
                }
        }
        closedir(d);
        if (n > 1)
                qsort(names, n, sizeof(char *), td_strcmp_ptr);
        for (size_t i = 0; i < n && r == 0; i++) {
                size_t from = l->ds->n, n_plans = l->set->n_plans, n_tenants = l->set->n_tenants;
                if (l->files_mode && stat(names[i], &st) == 0 && is_given(l, &st))
                        continue;
                r = load_file(l, names[i], kind, safe);
                if (r == 0 && l->files_mode)
                        r = record_range(l, n_plans, n_tenants, from);
        }
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        return r;
}

/* Which directory's kind a file given by path must have. */
static td_policy_kind kind_of_location(const loader *l, const char *path) {
        _cleanup_free_ char *copy = strdup(path);
        _cleanup_free_ char *real = NULL;

        if (!copy || !(real = realpath(dirname(copy), NULL)))
                return _TD_POLICY_KIND_INVALID;
        if (l->plans_real && streq(real, l->plans_real))
                return TD_POLICY_PLAN;
        if (l->tenants_real && streq(real, l->tenants_real))
                return TD_POLICY_TENANT;
        return _TD_POLICY_KIND_INVALID;
}

/* In files mode, which plans do the given files need? The given plans,
 * and by name (duplicates included, so they are still reported) every
 * plan on the inherits: chains of the given files. */
static bool *needed_plans(const td_policy_set *set, size_t n_given_plans, size_t n_given_tenants) {
        bool *need = calloc(set->n_plans + 1, sizeof(bool));
        bool changed = true;

        if (!need)
                return NULL;
        for (size_t i = 0; i < n_given_plans; i++)
                need[i] = true;
        while (changed) {
                changed = false;
                for (size_t i = 0; i < set->n_plans; i++) {
                        const char *name = set->plans[i].policy.name;
                        bool wanted = false;
                        if (need[i] || !name)
                                continue;
                        for (size_t j = 0; j < n_given_tenants && !wanted; j++)
                                wanted = set->tenants[j].policy.parent && streq(set->tenants[j].policy.parent, name);
                        for (size_t j = 0; j < set->n_plans && !wanted; j++)
                                wanted = need[j] && set->plans[j].policy.parent &&
                                         streq(set->plans[j].policy.parent, name);
                        if (wanted)
                                need[i] = changed = true;
                }
        }
        return need;
}

static void drop_diags(td_diags *ds, size_t from, size_t to) {
        if (from == to)
                return;   /* also keeps ds->v == NULL out of the pointer arithmetic */
        for (size_t i = from; i < to; i++) {
                if (ds->v[i].severity == TD_SEV_ERROR)
                        ds->n_errors--;
                free(ds->v[i].key);
                free(ds->v[i].message);
        }
        memmove(ds->v + from, ds->v + to, (ds->n - to) * sizeof(td_diag));
        ds->n -= to - from;
}

/* Remove what plans_dir contributed but no given file needs, entries and
 * diagnostics alike: checking one tenant file must not fail because an
 * unrelated plan is broken. */
static int drop_unrelated(loader *l, size_t n_given_plans, size_t n_given_tenants) {
        td_policy_set *set = l->set;
        _cleanup_free_ bool *need = needed_plans(set, n_given_plans, n_given_tenants);
        size_t k = 0;

        if (!need)
                return -ENOMEM;
        /* Ranges are in load order; dropping from the back keeps the
         * earlier ones' indices valid. */
        for (size_t i = l->n_ranges; i > 0; i--) {
                const struct range *rg = &l->ranges[i - 1];
                if (rg->kind == TD_POLICY_TENANT || !need[rg->index])
                        drop_diags(l->ds, rg->from, rg->to);
        }
        for (size_t i = 0; i < set->n_plans; i++) {
                if (need[i])
                        set->plans[k++] = set->plans[i];
                else
                        entry_free(&set->plans[i]);
        }
        set->n_plans = k;
        for (size_t i = n_given_tenants; i < set->n_tenants; i++)
                entry_free(&set->tenants[i]);
        set->n_tenants = n_given_tenants;
        return 0;
}

static int load_given(loader *l, char *const *files, size_t n_files) {
        int r;

        l->files_mode = true;
        l->given = calloc(n_files, sizeof(struct stat));
        if (!l->given)
                return -ENOMEM;
        for (size_t i = 0; i < n_files; i++) {
                if (stat(files[i], &l->given[l->n_given]) == 0)
                        l->n_given++;
                _cleanup_free_ char *copy = strdup(files[i]);
                struct stat st;
                bool safe = true;
                if (!copy)
                        return -ENOMEM;
                if (stat(dirname(copy), &st) == 0)
                        safe = perms_check(l, copy, &st);
                r = load_file(l, files[i], kind_of_location(l, files[i]), safe);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- checks across files ---- */

static char *where(td_mark m) {
        return td_strdupf("%s:%u:%u", m.file ? m.file : "<input>", m.line, m.col);
}

/* Report at `m` that something clashes with what `other` holds; the rest
 * of the message is "... (at FILE:L:C)" naming other's position. */
static int clash(td_diags *ds, td_mark m, const char *key, td_mark other, const char *what) {
        _cleanup_free_ char *loc = where(other);

        if (!loc)
                return -ENOMEM;
        return td_diag_error(ds, m, key, "%s (at %s)", what, loc);
}

/* Entries by name, then load order (qsort is not stable: the index
 * breaks ties). Unnamed entries sort first and are skipped. */
static const td_policy_entry *dup_base;
static int dup_cmp(const void *a, const void *b) {
        size_t i = *(const size_t *) a, j = *(const size_t *) b;
        const char *x = dup_base[i].policy.name, *y = dup_base[j].policy.name;
        int c = !x || !y ? (x != NULL) - (y != NULL) : strcmp(x, y);
        return c ? c : (i > j) - (i < j);
}

/* Sorted, so 10,000 tenants cost n log n name comparisons, not n^2 / 2. */
static int check_duplicates(td_policy_entry *v, size_t n, const char *key, td_diags *ds) {
        _cleanup_free_ size_t *idx = calloc(n ?: 1, sizeof *idx);
        const td_policy_entry *first = NULL;   /* of the current run of one name */

        if (!idx)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                idx[i] = i;
        dup_base = v;
        qsort(idx, n, sizeof *idx, dup_cmp);
        for (size_t k = 0; k < n; k++) {
                td_policy_entry *e = &v[idx[k]];
                if (!e->policy.name)
                        continue;
                if (!first || !streq(first->policy.name, e->policy.name)) {
                        first = e;
                        continue;
                }
                _cleanup_free_ char *what = td_strdupf("\"%s\" is already defined", e->policy.name);
                if (!what || clash(ds, e->policy.name_mark, key, first->policy.name_mark, what) == -ENOMEM)
                        return -ENOMEM;
                /* The later file loses, so adding a bad file never takes a
                 * working tenant or plan out of service. */
                e->valid = false;
        }
        return 0;
}

static int check_parents(const td_policy_set *set, td_policy_entry *v, size_t n, td_diags *ds) {
        _cleanup_free_ const char **names = calloc(set->n_plans + 1, sizeof(char *));
        size_t k = 0;

        if (!names)
                return -ENOMEM;
        for (size_t i = 0; i < set->n_plans; i++)
                if (set->plans[i].policy.name)
                        names[k++] = set->plans[i].policy.name;
        for (size_t i = 0; i < n; i++) {
                const td_policy *p = &v[i].policy;
                if (!p->parent || td_policy_set_find_plan(set, p->parent))
                        continue;
                const char *hint = td_policy_nearest(p->parent, names, k);
                int r = hint ? td_diag_error(ds, p->parent_mark, "inherits", "no plan named \"%s\"; did you mean \"%s\"?",
                                             p->parent, hint)
                             : td_diag_error(ds, p->parent_mark, "inherits", "no plan named \"%s\"", p->parent);
                if (r == -ENOMEM)
                        return r;
                v[i].valid = false;
        }
        return 0;
}

/* A plan is on a cycle when following inherits: from it comes back to it.
 * Each cycle is reported once, at its first plan in load order, as
 * "a -> b -> a"; every plan on it becomes invalid (and so does every
 * tenant below it, through td_policy_chain_valid). */
static int check_cycles(td_policy_set *set, td_diags *ds) {
        for (size_t i = 0; i < set->n_plans; i++) {
                const td_policy_entry *cur = &set->plans[i];
                bool first = true, on_cycle = false;
                size_t steps = 0;

                while (cur && cur->policy.parent && steps++ <= set->n_plans) {
                        cur = td_policy_set_find_plan(set, cur->policy.parent);
                        if (cur == &set->plans[i]) {
                                on_cycle = true;
                                break;
                        }
                        if (cur && cur < &set->plans[i])
                                first = false;
                }
                if (!on_cycle)
                        continue;
                set->plans[i].valid = false;
                if (!first)
                        continue;
                _cleanup_free_ char *text = NULL;
                size_t len = 0;
                _cleanup_fclose_ FILE *f = open_memstream(&text, &len);
                if (!f)
                        return -ENOMEM;
                cur = &set->plans[i];
                fprintf(f, "plan cycle: %s", cur->policy.name);
                do {
                        cur = td_policy_set_find_plan(set, cur->policy.parent);
                        fprintf(f, " -> %s", cur->policy.name);
                } while (cur != &set->plans[i]);
                if (fclose(TAKE_PTR(f)) != 0)
                        return -ENOMEM;
                if (td_diag_error(ds, set->plans[i].policy.parent_mark, "inherits", "%s", text) == -ENOMEM)
                        return -ENOMEM;
        }
        return 0;
}

/* Member claims of all tenants, sorted so clashes are neighbours: user and
 * group names by name, uid ranges by first uid. O(n log n) for hosts with
 * thousands of tenants. */
typedef struct claim {
        const char *name;         /* user or group name, NULL for uids */
        uint32_t first, last;
        td_mark mark;
        size_t tenant;
} claim;

static int claim_cmp(const void *a, const void *b) {
        const claim *x = a, *y = b;
        int r = x->name && y->name ? strcmp(x->name, y->name) : 0;
        if (r)
                return r;
        if (x->first != y->first)
                return x->first < y->first ? -1 : 1;
        if (x->tenant != y->tenant)
                return x->tenant < y->tenant ? -1 : 1;
        return x->mark.line < y->mark.line ? -1 : x->mark.line > y->mark.line;
}

/* "members.users[2]": the index of the list item written at `m`. */
static char *item_key(const td_policy_entry *e, const char *list, td_mark m) {
        const td_node *v = td_node_get(td_node_get(e->tree, "members"), list);

        for (size_t i = 0; v && v->type == TD_NODE_SEQ && i < v->n; i++)
                if (v->items[i]->mark.line == m.line && v->items[i]->mark.col == m.col)
                        return td_strdupf("members.%s[%zu]", list, i);
        return td_strdupf("members.%s", list);
}

static void id_text(const claim *c, char *buf, size_t size) {
        if (c->first == c->last)
                snprintf(buf, size, "uid %u", c->first);
        else
                snprintf(buf, size, "uids %u-%u", c->first, c->last);
}

/* Report `c` (from the later tenant) clashing with `prev`. */
static int report_claim(td_policy_set *set, const char *list, const claim *c, const claim *prev, td_diags *ds) {
        const claim *x = c->tenant > prev->tenant ? c : prev, *y = x == c ? prev : c;
        const char *other = set->tenants[y->tenant].policy.name;
        _cleanup_free_ char *what = NULL, *key = item_key(&set->tenants[x->tenant], list, x->mark);
        char a[48], b[48];

        if (x->name)
                what = td_strdupf("%s \"%s\" is already a member of tenant \"%s\"", streq(list, "users") ? "user" : "group",
                                  x->name, other);
        else {
                id_text(x, a, sizeof a);
                id_text(y, b, sizeof b);
                what = td_strdupf("%s overlap%s %s of tenant \"%s\"", a, x->first == x->last ? "s" : "", b, other);
        }
        if (!what || !key)
                return -ENOMEM;
        /* As with duplicate names, only the later claim is invalid. */
        set->tenants[x->tenant].valid = false;
        return clash(ds, x->mark, key, y->mark, what) == -ENOMEM ? -ENOMEM : 0;
}

static int check_names(td_policy_set *set, claim *v, size_t n, const char *list, td_diags *ds) {
        if (n > 1)
                qsort(v, n, sizeof *v, claim_cmp);
        for (size_t g = 0, i = 1; i < n; i++) {
                if (!streq(v[i].name, v[g].name)) {
                        g = i;
                        continue;
                }
                if (v[i].tenant != v[g].tenant && report_claim(set, list, &v[i], &v[g], ds) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* Sweep by first uid, remembering the two furthest-reaching ranges of two
 * different tenants: a new range overlaps an earlier tenant's range iff it
 * starts at or before the furthest end among the other tenants. */
static int check_uids(td_policy_set *set, claim *v, size_t n, td_diags *ds) {
        const claim *best = NULL, *second = NULL;

        if (n > 1)
                qsort(v, n, sizeof *v, claim_cmp);
        for (size_t i = 0; i < n; i++) {
                const claim *c = &v[i];
                const claim *o = best && best->tenant != c->tenant ? best : second;
                if (o && c->first <= o->last && report_claim(set, "uids", c, o, ds) < 0)
                        return -ENOMEM;
                if (!best || c->last > best->last) {
                        if (best && best->tenant != c->tenant)
                                second = best;
                        best = c;
                } else if (c->tenant != best->tenant && (!second || c->last > second->last))
                        second = c;
        }
        return 0;
}

static int check_members(td_policy_set *set, td_diags *ds) {
        _cleanup_free_ claim *users = NULL, *groups = NULL, *uids = NULL;
        size_t nu = 0, ng = 0, ni = 0, cu = 0, cg = 0, ci = 0;
        int r;

        for (size_t t = 0; t < set->n_tenants; t++) {
                const td_members *m = &set->tenants[t].policy.members;
                claim *c;
                for (size_t i = 0; i < m->n_users; i++) {
                        if (!(c = td_grow((void **) &users, &nu, &cu, sizeof *c)))
                                return -ENOMEM;
                        *c = (claim) { .name = m->users[i], .mark = m->user_marks[i], .tenant = t };
                }
                for (size_t i = 0; i < m->n_groups; i++) {
                        if (!(c = td_grow((void **) &groups, &ng, &cg, sizeof *c)))
                                return -ENOMEM;
                        *c = (claim) { .name = m->groups[i], .mark = m->group_marks[i], .tenant = t };
                }
                for (size_t i = 0; i < m->n_uids; i++) {
                        if (!(c = td_grow((void **) &uids, &ni, &ci, sizeof *c)))
                                return -ENOMEM;
                        *c = (claim) { .first = m->uids[i].first, .last = m->uids[i].last,
                                       .mark = m->uids[i].mark, .tenant = t };
                }
        }
        r = check_names(set, users, nu, "users", ds);
        if (r == 0)
                r = check_names(set, groups, ng, "groups", ds);
        if (r == 0)
                r = check_uids(set, uids, ni, ds);
        return r;
}

static int cross_check(td_policy_set *set, td_diags *ds) {
        int r;

        r = check_duplicates(set->plans, set->n_plans, "plan", ds);
        if (r == 0)
                r = check_duplicates(set->tenants, set->n_tenants, "tenant", ds);
        if (r == 0)
                r = check_parents(set, set->plans, set->n_plans, ds);
        if (r == 0)
                r = check_parents(set, set->tenants, set->n_tenants, ds);
        if (r == 0)
                r = check_cycles(set, ds);
        if (r == 0)
                r = check_members(set, ds);
        return r;
}

int td_policy_set_load(td_policy_set *set, const char *plans_dir, const char *tenants_dir, char *const *files,
                       size_t n_files, td_diags *ds) {
        loader l = { .set = set, .ds = ds, .euid = geteuid() };
        size_t errors = ds->n_errors;
        int r = 0;

        *set = (td_policy_set) {};
        if (plans_dir)
                l.plans_real = realpath(plans_dir, NULL);
        if (tenants_dir)
                l.tenants_real = realpath(tenants_dir, NULL);

        if (n_files > 0) {
                r = load_given(&l, files, n_files);
                size_t n_plans = set->n_plans, n_tenants = set->n_tenants;
                if (r == 0 && plans_dir)
                        r = load_dir(&l, plans_dir, TD_POLICY_PLAN);
                if (r == 0)
                        r = drop_unrelated(&l, n_plans, n_tenants);
        } else {
                if (plans_dir)
                        r = load_dir(&l, plans_dir, TD_POLICY_PLAN);
                if (r == 0 && tenants_dir)
                        r = load_dir(&l, tenants_dir, TD_POLICY_TENANT);
        }
        if (r == 0)
                r = cross_check(set, ds);

        free(l.plans_real);
        free(l.tenants_real);
        free(l.given);
        free(l.ranges);
        if (r < 0)
                return r;
        return ds->n_errors > errors ? -EINVAL : 0;
}
