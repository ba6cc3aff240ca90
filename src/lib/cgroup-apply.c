/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Apply: the only step that touches the tree (with cgroup-root.c for the
 * tenant root, cgroup-remove.c for removing groups, cgroup-state.c for the
 * cache of what was applied). This file: the run's report, knob reads and
 * writes in the order the kernel needs, one tenant, and td_cg_reconcile.
 *
 * Speed. Cold apply of N tenants costs, per hierarchy and tenant, two
 * mkdirat() (group and leaf) and one openat()+write() per knob that differs
 * from the kernel's default for a new group: a group this run created is
 * known to hold the defaults (td_cg_write.dflt), so nothing is read. Every
 * path is relative to a directory fd kept open (the tenant root's for the
 * whole session, the group's while it is worked on); libcgroup is never on
 * this path (see cgroup.c for the numbers).
 * Re-apply: td_cg keeps, per tenant, a hash of the policy fields that reach
 * cgroups (and the state file keeps it across CLI runs). A tenant whose
 * hash is unchanged costs no system call at all, so one changed tenant of
 * 10,000 costs the reads and writes of that one tenant. The price is that
 * a knob changed behind tenantd's back is only seen by a VERIFY pass (the
 * daemon's sweep, `tenantctl apply --verify`) or when the cache is
 * invalidated: a different tree, root directory (st_dev, st_ino) or host
 * capabilities.
 * Measured on the project's v1 test host (2 cores, a loaded VM; kernel
 * cgroup creation dominates and varies by run, so each pair ran back to
 * back): 1,000 tenants in all six hierarchies, memory.max + pids.max each:
 * cold apply 0.553s vs 0.545s for a bare loop of the same mkdirat() and
 * openat()+write() calls. 10,000 tenants (pids only): cold 2.78s vs 2.55s
 * bare; re-apply unchanged 6.9ms, 0 writes, 0 reads; re-apply with one
 * changed 3.5ms, 1 write, 1 read; VERIFY 0.40s, 1 write, 10,000 reads. */
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <time.h>

#include "cgroup-internal.h"

const char *const td_cg_cpuset_files[2] = { "cpuset.mems", "cpuset.cpus" };

/* ---- report ------------------------------------------------------------ */

void td_reconcile_report_done(td_reconcile_report *r) {
        if (!r)
                return;
        for (size_t i = 0; i < r->n; i++) {
                free(r->v[i].tenant);
                free(r->v[i].message);
        }
        for (size_t i = 0; i < r->n_plan; i++)
                free(r->plan[i]);
        free(r->v);
        free(r->plan);
        *r = (td_reconcile_report) {};
}

int td_rc_plan(td_rc *x, const char *fmt, ...) {
        va_list ap;
        char *s, **slot;

        if (!x->record)
                return 0;
        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                s = NULL;
        va_end(ap);
        if (!s)
                return -ENOMEM;
        slot = td_grow((void **) &x->rep->plan, &x->rep->n_plan, &x->rep->cap_plan, sizeof(char *));
        if (!slot) {
                free(s);
                return -ENOMEM;
        }
        *slot = s;
        return 0;
}

int td_rc_begin(td_rc *x, const char *tenant, td_cg_action a) {
        td_cg_result *res = td_grow((void **) &x->rep->v, &x->rep->n, &x->rep->cap, sizeof *res);

        if (!res)
                return -ENOMEM;
        res->tenant = strdup(tenant);
        res->action = a;
        if (!res->tenant) {
                x->rep->n--;
                return -ENOMEM;
        }
        x->cur = (ssize_t) x->rep->n - 1;
        return 0;
}

td_cg_result *td_rc_cur(td_rc *x) {
        return x->cur >= 0 ? &x->rep->v[x->cur] : NULL;
}

/* Mark the current tenant failed (first message wins). Returns `error`. */
int td_rc_fail(td_rc *x, td_cg_action a, int error, const char *fmt, ...) {
        td_cg_result *res = td_rc_cur(x);
        va_list ap;

        if (!res || res->action == TD_CG_ACT_FAILED || res->action == TD_CG_ACT_BUSY)
                return error;
        res->action = a;
        res->error = error;
        x->rep->n_failed++;
        va_start(ap, fmt);
        if (vasprintf(&res->message, fmt, ap) < 0)
                res->message = NULL;
        va_end(ap);
        return error;
}

/* ---- file system ------------------------------------------------------- */

int td_rc_mkdirat(td_rc *x, int dirfd, const char *name) {
        if (x->cg->mkdirat)
                return x->cg->mkdirat(dirfd, name, x->cg->userdata);
        return mkdirat(dirfd, name, 0755) < 0 ? -errno : 0;
}

int td_rc_rmdirat(td_rc *x, int dirfd, const char *name) {
        if (x->cg->rmdirat)
                return x->cg->rmdirat(dirfd, name, x->cg->userdata);
        return unlinkat(dirfd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}

/* Open parent/name, creating it when missing (*fresh = true). In a dry run
 * nothing is created: a missing directory yields -ENOENT with *fresh set,
 * and a "mkdir" plan line. parent_fd < 0 means the parent is missing too. */
int td_rc_ensure_dir(td_rc *x, int parent_fd, const char *parent_path, const char *name, bool *fresh) {
        int fd, r;

        *fresh = false;
        if (parent_fd >= 0) {
                fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd >= 0)
                        return fd;
                if (errno != ENOENT)
                        return -errno;
        }
        *fresh = true;
        r = td_rc_plan(x, "mkdir %s/%s", parent_path, name);
        if (r < 0)
                return r;
        if (x->dry || parent_fd < 0)
                return -ENOENT;
        r = td_rc_mkdirat(x, parent_fd, name);
        if (r < 0 && r != -EEXIST)
                return r;
        *fresh = r == 0;
        x->rep->n_mkdirs += r == 0;
        fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

int td_rc_read(td_rc *x, int dirfd, const char *file, char **ret) {
        x->rep->n_reads++;
        return td_read_fileat(dirfd, file, 1 << 16, ret, NULL);
}

bool td_cg_empty(const char *s) {
        return !s || s[strspn(s, " \n\t")] == 0;
}

static void chomp_copy(char *buf, size_t size, const char *s) {
        size_t n = s ? strlen(s) : 0;
        while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
                n--;
        snprintf(buf, size, "%.*s", (int) n, s ? s : "");
}

/* Write one value, with a plan line "DIR/FILE: OLD -> NEW". `retries`:
 * how often to try again, 20ms apart, on EINVAL/EBUSY (see rt_one). */
int td_rc_write_retry(td_rc *x, int dirfd, const char *dirpath, const char *file, const char *key,
                            const char *old, const char *value, int retries) {
        char o[256], n[256];
        int r;

        chomp_copy(o, sizeof o, old);
        chomp_copy(n, sizeof n, value);
        r = td_rc_plan(x, "%s/%s: %s -> %s", dirpath, file, !old ? "(new)" : *o ? o : "(empty)", n);
        if (r < 0)
                return r;
        if (x->dry) {
                if (td_rc_cur(x))
                        td_rc_cur(x)->n_writes++;   /* would write; rep->n_writes stays 0 */
                return 0;
        }
        /* An empty write(2) may never reach the kernel's handler. */
        for (int i = 0;; i++) {
                r = td_cg_write_knob(x->cg, dirfd, file, *value ? value : "\n");
                if ((r != -EINVAL && r != -EBUSY) || i >= retries)
                        break;
                nanosleep(&(struct timespec) { .tv_nsec = 20 * 1000 * 1000 }, NULL);
        }
        if (r < 0)
                return td_rc_fail(x, TD_CG_ACT_FAILED, r, "%s (%s/%s): writing \"%s\": %s",
                                   key ? key : file, dirpath, file, n, strerror(-r));
        x->rep->n_writes++;
        if (td_rc_cur(x))
                td_rc_cur(x)->n_writes++;
        return 0;
}

int td_rc_write(td_rc *x, int dirfd, const char *dirpath, const char *file, const char *key,
                      const char *old, const char *value) {
        return td_rc_write_retry(x, dirfd, dirpath, file, key, old, value, 0);
}

/* ---- knob slots: one write with its directory and live value ----------- */

typedef struct slot {
        const td_cg_write *w;
        int dirfd;              /* -1 in a dry run for a group that does not exist */
        const char *dirpath;
        bool fresh;             /* created by this run (or would be, dry run) */
        const char *inherit;    /* value a fresh group starts with when w->dflt is NULL */
        char *live;             /* owned; NULL: not read yet */
        bool live_known;
        bool fresh_live;        /* live is an assumption: show OLD as "(new)" in a dry run */
} slot;

/* The tenant root's value of a v1 cpuset file. */
static const char *root_value(const td_rc *x, const char *file) {
        for (size_t i = 0; i < 2; i++)
                if (streq(file, td_cg_cpuset_files[i]))
                        return x->root_cpuset[i] ? x->root_cpuset[i] : "";
        return "";
}

static const char *slot_want(td_rc *x, const slot *s) {
        /* NULL: v1 cpuset left unset, follow the tenant root. */
        return s->w->value ? s->w->value : root_value(x, s->w->file);
}

static int slot_live(td_rc *x, slot *s, const char **ret) {
        int r;

        if (!s->live_known) {
                if (s->fresh) {
                        /* dflt NULL: v1 cpuset, copied from the parent at
                         * mkdir (clone_children); the group's parent is the root. */
                        const char *d = s->w->dflt ? s->w->dflt : s->inherit ? s->inherit
                                      : root_value(x, s->w->file);
                        s->live = strdup(d);
                        s->fresh_live = true;
                        if (!s->live)
                                return -ENOMEM;
                } else {
                        r = td_rc_read(x, s->dirfd, s->w->file, &s->live);
                        if (r < 0)
                                return td_rc_fail(x, TD_CG_ACT_FAILED, r, "%s (%s/%s): reading: %s",
                                                   s->w->key, s->dirpath, s->w->file, strerror(-r));
                }
                s->live_known = true;
        }
        *ret = s->live;
        return 0;
}

/* Write `value` into the slot unless it already holds it. */
static int slot_set(td_rc *x, slot *s, const char *value) {
        const char *live;
        int r = slot_live(x, s, &live);

        if (r < 0)
                return r;
        if (td_cg_value_equal(s->w->cmp, live, value))
                return 0;
        r = td_rc_write(x, s->dirfd, s->dirpath, s->w->file, s->w->key,
                       s->fresh_live && x->dry ? NULL : live, value);
        if (r < 0)
                return r;
        free(s->live);
        s->live = strdup(value);
        s->fresh_live = false;
        return s->live ? 0 : -ENOMEM;
}

/* Multi-line device files: one line per device, compared per device. */
static int slot_devices(td_rc *x, slot *s, const td_cg_ops *ops) {
        const char *live, *want = s->w->value;
        int r = slot_live(x, s, &live);

        if (r < 0)
                return r;
        /* Wanted lines that differ from the live line of the same device. */
        for (const char *l = want; *l; ) {
                size_t n = strcspn(l, "\n"), dn = strcspn(l, " ");
                _cleanup_free_ char *line = strndup(l, n);
                const char *old = NULL;
                char oldbuf[256] = "";

                if (!line)
                        return -ENOMEM;
                for (const char *m = live; *m; ) {
                        size_t mn = strcspn(m, "\n");
                        if (mn > dn && strneq(m, l, dn) && m[dn] == ' ') {
                                snprintf(oldbuf, sizeof oldbuf, "%.*s", (int) mn, m);
                                old = oldbuf;
                        }
                        m += mn + (m[mn] == '\n');
                }
                if (!old || !ops->device_equal(s->w->file, old + dn + 1, line + dn + 1)) {
                        r = td_rc_write(x, s->dirfd, s->dirpath, s->w->file, s->w->key,
                                       old ? old : s->fresh_live && x->dry ? NULL : "", line);
                        if (r < 0)
                                return r;
                }
                l += n + (l[n] == '\n');
        }
        /* Live devices no longer wanted: clear them. */
        for (const char *m = live; *m; ) {
                size_t mn = strcspn(m, "\n"), dn = strcspn(m, " \n");
                bool wanted = false;
                for (const char *l = want; *l; ) {
                        size_t n = strcspn(l, "\n");
                        wanted |= n > dn && strneq(l, m, dn) && l[dn] == ' ';
                        l += n + (l[n] == '\n');
                }
                if (!wanted && dn > 0 && dn < 32) {
                        char dev[32], oldbuf[256];
                        snprintf(dev, sizeof dev, "%.*s", (int) dn, m);
                        snprintf(oldbuf, sizeof oldbuf, "%.*s", (int) mn, m);
                        _cleanup_free_ char *clear = ops->device_clear(s->w->file, dev);
                        if (!clear)
                                return -ENOMEM;
                        r = td_rc_write(x, s->dirfd, s->dirpath, s->w->file, s->w->key, oldbuf, clear);
                        if (r < 0)
                                return r;
                }
                m += mn + (m[mn] == '\n');
        }
        return 0;
}

/* TD_CG_ORDER_LE_NEXT: a must stay <= b (memory.limit <= memsw.limit). */
static int slots_le_pair(td_rc *x, slot *a, slot *b) {
        const char *lb;
        int r = slot_live(x, b, &lb);

        if (r < 0)
                return r;
        if (td_cg_value_number(slot_want(x, a)) > td_cg_value_number(lb)) {
                r = slot_set(x, b, slot_want(x, b));
                return r < 0 ? r : slot_set(x, a, slot_want(x, a));
        }
        r = slot_set(x, a, slot_want(x, a));
        return r < 0 ? r : slot_set(x, b, slot_want(x, b));
}

/* TD_CG_ORDER_NESTED(_INV): group g must stay wider than its leaf l. */
static int slots_nested(td_rc *x, slot *g, slot *l) {
        const char *want = slot_want(x, g), *lg;
        int r = slot_live(x, g, &lg);

        if (r < 0)
                return r;
        if (g->w->cmp == TD_CG_CMP_CPULIST) {
                uint64_t bw[64], bg[64], u[64];
                bool widen = true, narrow = true;
                if (td_cg_cpulist_parse(want, bw) < 0 || td_cg_cpulist_parse(lg, bg) < 0)
                        return slot_set(x, g, want) ?: slot_set(x, l, want);
                for (size_t i = 0; i < 64; i++) {
                        widen &= (bg[i] & ~bw[i]) == 0;
                        narrow &= (bw[i] & ~bg[i]) == 0;
                        u[i] = bg[i] | bw[i];
                }
                if (!widen && !narrow) {
                        /* Neither contains the other: widen to the union
                         * first so the leaf always fits. */
                        _cleanup_free_ char *uni = td_cg_cpulist_format(u);
                        if (!uni)
                                return -ENOMEM;
                        r = slot_set(x, g, uni);
                        if (r < 0)
                                return r;
                        widen = false;   /* now a narrowing: leaf first */
                }
                if (widen)
                        return slot_set(x, g, want) ?: slot_set(x, l, want);
                return slot_set(x, l, want) ?: slot_set(x, g, want);
        }
        uint64_t nw = td_cg_value_number(want), ng = td_cg_value_number(lg);
        bool widen = g->w->order == TD_CG_ORDER_NESTED_INV ? nw <= ng : nw >= ng;
        if (widen)
                return slot_set(x, g, want) ?: slot_set(x, l, slot_want(x, l));
        return slot_set(x, l, slot_want(x, l)) ?: slot_set(x, g, want);
}

static void slot_done(slot *s) {
        free(s->live);
}

/* ---- one tenant in one hierarchy --------------------------------------- */

typedef struct group_dirs {
        int gfd, lfd;
        char *gpath, *lpath;
        bool gfresh, lfresh;
} group_dirs;

static void group_dirs_done(group_dirs *d) {
        if (d->gfd >= 0)
                close(d->gfd);
        if (d->lfd >= 0)
                close(d->lfd);
        free(d->gpath);
        free(d->lpath);
}

static slot slot_make(const td_cg_write *w, const group_dirs *d, const char *inherit) {
        return (slot) {
                .w = w,
                .dirfd = w->leaf ? d->lfd : d->gfd,
                .dirpath = w->leaf ? d->lpath : d->gpath,
                .fresh = w->leaf ? d->lfresh : d->gfresh,
                .inherit = inherit,
        };
}

/* Run the plan's writes for hierarchy h. leaves: false = group writes (and
 * leaf writes when the leaf already existed), true = deferred leaf writes
 * of a group created just now (its leaf was made after the group's knobs
 * were set, so it started from those). */
static int run_writes(td_rc *x, size_t h, const td_cg_plan *plan, group_dirs *d, bool leaves) {
        const td_cg_ops *ops = td_cg_ops_for(x->cg->layout.hier[h].version);
        int r = 0;

        for (size_t i = 0; i < plan->n && r >= 0; i++) {
                const td_cg_write *w = &plan->v[i];
                const td_cg_write *next = i + 1 < plan->n ? &plan->v[i + 1] : NULL;

                if (x->cg->layout.ctrl_hier[w->controller] != (int) h)
                        continue;
                if (leaves) {
                        if (!w->leaf)
                                continue;
                        /* A new leaf copied the group's value (clone_children). */
                        const char *gval = NULL;
                        for (size_t j = 0; j < plan->n; j++)
                                if (!plan->v[j].leaf && streq(plan->v[j].file, w->file))
                                        gval = plan->v[j].value;
                        slot s = slot_make(w, d, gval ? gval : NULL);
                        if (!gval && !w->value)
                                s.inherit = slot_want(x, &s);
                        r = slot_set(x, &s, slot_want(x, &s));
                        slot_done(&s);
                        continue;
                }
                if (w->leaf && d->gfresh)
                        continue;   /* deferred */
                slot a = slot_make(w, d, NULL);
                if (w->cmp == TD_CG_CMP_DEVICE) {
                        r = slot_devices(x, &a, ops);
                } else if (w->order == TD_CG_ORDER_LE_NEXT && next) {
                        slot b = slot_make(next, d, NULL);
                        r = slots_le_pair(x, &a, &b);
                        slot_done(&b);
                        i++;
                } else if ((w->order == TD_CG_ORDER_NESTED || w->order == TD_CG_ORDER_NESTED_INV) &&
                           next && next->leaf && !d->gfresh) {
                        slot b = slot_make(next, d, NULL);
                        const char *glive;
                        /* A leaf made just now copied the group's current value. */
                        if (d->lfresh && (r = slot_live(x, &a, &glive)) >= 0)
                                b.inherit = glive;
                        if (r >= 0)
                                r = slots_nested(x, &a, &b);
                        slot_done(&b);
                        i++;
                } else {
                        r = slot_set(x, &a, slot_want(x, &a));
                }
                slot_done(&a);
        }
        return r;
}

static int apply_hier(td_rc *x, size_t h, const char *name, const td_cg_plan *plan, bool *created) {
        const td_cg_root *root = &x->cg->roots[h];
        group_dirs d = { .gfd = -1, .lfd = -1 };
        int r;

        d.gpath = td_strdupf("%s/%s", root->dir, name);
        d.lpath = td_strdupf("%s/%s/" TD_CG_LEAF, root->dir, name);
        if (!d.gpath || !d.lpath) {
                r = -ENOMEM;
                goto out;
        }
        r = d.gfd = td_rc_ensure_dir(x, root->fd, root->dir, name, &d.gfresh);
        if (r < 0 && !(r == -ENOENT && x->dry)) {
                r = td_rc_fail(x, TD_CG_ACT_FAILED, r, "mkdir %s: %s", d.gpath, strerror(-r));
                goto out;
        }
        *created |= d.gfresh;
        if (!d.gfresh) {
                r = d.lfd = td_rc_ensure_dir(x, d.gfd, d.gpath, TD_CG_LEAF, &d.lfresh);
                if (r < 0 && !(r == -ENOENT && x->dry)) {
                        r = td_rc_fail(x, TD_CG_ACT_FAILED, r, "mkdir %s: %s", d.lpath, strerror(-r));
                        goto out;
                }
        }
        r = run_writes(x, h, plan, &d, false);
        if (r < 0 || !d.gfresh)
                goto out;
        /* After the group's knobs, so that the leaf inherits them. */
        r = d.lfd = td_rc_ensure_dir(x, d.gfd, d.gpath, TD_CG_LEAF, &d.lfresh);
        if (r < 0 && !(r == -ENOENT && x->dry)) {
                r = td_rc_fail(x, TD_CG_ACT_FAILED, r, "mkdir %s: %s", d.lpath, strerror(-r));
                goto out;
        }
        d.lfresh = true;
        r = run_writes(x, h, plan, &d, true);
out:
        group_dirs_done(&d);
        return r < 0 ? r : 0;
}

/* ---- reconcile --------------------------------------------------------- */

void td_rc_drop_unchanged(td_rc *x) {
        td_cg_result *res = td_rc_cur(x);

        if (res && res->action == TD_CG_ACT_UNCHANGED && !res->message) {
                free(res->tenant);
                x->rep->n--;
        }
        x->cur = -1;
}

/* Apply one tenant. Returns 0 or its failure; *ret_hash is what to cache
 * (0 on failure: look again next time). */
static int reconcile_one(td_rc *x, const td_cg_tenant *t, uint64_t cached, uint64_t *ret_hash) {
        _cleanup_(td_cg_plan_done) td_cg_plan plan = {};
        bool created = false;
        uint64_t h;
        int r;

        *ret_hash = 0;
        if (!t->valid || !t->policy) {
                r = td_rc_begin(x, t->name, TD_CG_ACT_SKIPPED);
                if (r < 0)
                        return r;
                return td_rc_fail(x, TD_CG_ACT_SKIPPED, -EINVAL, "its policy has errors; "
                                   "its live group is left as it is");
        }
        h = td_cg_policy_hash(t->policy);
        if (h == cached) {
                *ret_hash = h;
                return 0;
        }
        r = td_rc_begin(x, t->name, TD_CG_ACT_UNCHANGED);
        if (r < 0)
                return r;
        r = td_cg_compile(t->policy, &x->cg->host, &plan, x->ds);
        if (r < 0)
                return td_rc_fail(x, TD_CG_ACT_FAILED, r, r == -EINVAL ?
                                   "this host can not honour its policy (see the errors above)" :
                                   "compiling: %s", strerror(-r));
        for (size_t i = 0; i < x->cg->layout.n_hier && r >= 0; i++)
                r = apply_hier(x, i, t->name, &plan, &created);
        if (r < 0)
                return r;
        /* In a dry run n_writes counts the writes it would do. */
        td_rc_cur(x)->action = created ? TD_CG_ACT_CREATED : td_rc_cur(x)->n_writes > 0 ? TD_CG_ACT_UPDATED
                                                                            : TD_CG_ACT_UNCHANGED;
        *ret_hash = h;
        return 0;
}

int td_cg_reconcile(td_cg *cg, const td_cg_tenant *tenants, size_t n, td_busy_policy on_busy,
                    const char *fallback, unsigned flags, td_reconcile_report *ret, td_diags *ds) {
        td_rc x = { .cg = cg, .flags = flags, .rep = ret, .ds = ds, .cur = -1,
                 .dry = flags & TD_RECONCILE_DRY_RUN,
                 .record = flags & (TD_RECONCILE_DRY_RUN | TD_RECONCILE_PLAN) };
        td_cg_cache *cache;
        bool unnamed = false, use_cache;
        int r, err = 0;

        *ret = (td_reconcile_report) {};
        r = td_rc_begin(&x, "(tenant root)", TD_CG_ACT_UNCHANGED);
        if (r >= 0)
                r = td_rc_prepare(&x);
        if (r >= 0)
                r = td_cg_cache_get(cg, &cache);
        if (r >= 0 && !x.dry)
                r = td_cg_cache_reserve(cache, n);
        if (r < 0)
                goto out;
        td_rc_drop_unchanged(&x);
        use_cache = cache->valid && !(flags & TD_RECONCILE_VERIFY);
        cache->gen++;

        uint64_t rt_cached = use_cache ? cache->rt_ppb : UINT64_MAX, rt_next = rt_cached;
        r = td_rc_rt_budget(&x, tenants, n, true, &rt_cached);   /* raise before the tenants need it */
        if (r == -ENOMEM)
                goto out;
        bool rt_failed = r < 0;
        err = td_rc_first_error(err, r);

        for (size_t i = 0; i < n; i++) {
                const td_cg_tenant *t = &tenants[i];
                uint64_t h;

                if (!t->name) {
                        /* Its file could not even be read for a name. */
                        unnamed = true;
                        r = td_rc_begin(&x, t->path ? t->path : "(unnamed tenant)", TD_CG_ACT_SKIPPED);
                        if (r < 0)
                                goto out;
                        err = td_rc_first_error(err, td_rc_fail(&x, TD_CG_ACT_SKIPPED, -EINVAL,
                                                           "no tenant name could be read from it"));
                        x.cur = -1;
                        continue;
                }
                ssize_t k = td_cg_cache_find(cache, t->name);
                if (k >= 0)
                        cache->seen[k] = cache->gen;   /* wanted: not stale */
                r = reconcile_one(&x, t, use_cache && k >= 0 ? cache->vals[k] : 0, &h);
                if (r == -ENOMEM)
                        goto out;
                err = td_rc_first_error(err, r);
                td_rc_drop_unchanged(&x);
                /* A skipped tenant stays known (0: look again) so its group
                 * is found when it goes away, without a directory scan. */
                if (!x.dry && td_cg_cache_put(cache, t->name, h) < 0) {
                        r = -ENOMEM;
                        goto out;
                }
        }

        if (unnamed)
                /* A file whose name could not be read may be the policy of a
                 * live group: removing "stale" groups now could hit it. */
                td_diag_warn(ds, (td_mark) { .file = "tenant_root" }, NULL, "a tenant file without a "
                             "readable name: not removing groups of vanished tenants this time");
        else if (flags & TD_RECONCILE_KEEP_STALE)
                td_diag_warn(ds, (td_mark) { .file = "tenant_root" }, NULL, "not every policy could be "
                             "read: not removing groups of vanished tenants this time");
        else {
                r = td_rc_remove_stale(&x, cache, use_cache, tenants, n, on_busy, fallback, &err);
                if (r < 0)
                        goto out;
        }

        /* After the removals: a removed group gives its share back. */
        r = td_rc_rt_budget(&x, tenants, n, false, &rt_next);
        if (r == -ENOMEM)
                goto out;
        if (rt_failed)
                rt_next = UINT64_MAX;   /* try again next time */
        err = td_rc_first_error(err, r);

        if (!x.dry) {
                /* Entries not seen are gone (removed, or never in the tree). */
                if (!unnamed && !(flags & TD_RECONCILE_KEEP_STALE) && (r = td_cg_cache_prune(cache)) < 0)
                        goto out;
                cache->dirty |= cache->rt_ppb != rt_next || !cache->valid;
                cache->rt_ppb = rt_next;
                cache->valid = (!unnamed && !(flags & TD_RECONCILE_KEEP_STALE)) || cache->valid;
                if (cg->state_path)
                        (void) td_cg_cache_save(cache, cg->state_path);   /* only a cache */
        }
        r = err;
out:
        for (size_t i = 0; i < 2; i++)
                free(x.root_cpuset[i]);
        return r;
}

