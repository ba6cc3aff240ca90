/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The tenant root in every hierarchy: created below `top` (never above),
 * made ready for tenant groups (v1 cpuset sets, v2 controllers), the host
 * probed there, and the v1 realtime budget that has to flow down to it. */
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>

#include "cgroup-internal.h"

/* ---- the tenant root --------------------------------------------------- */

int td_rc_open_cgroup(const td_cg *cg, size_t h, const char *path) {
        _cleanup_free_ char *dir = td_strdupf("%s%s", cg->layout.hier[h].mount, path);
        int fd;

        if (!dir)
                return -ENOMEM;
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

/* v1 cpuset: a new group starts with empty cpus and mems and can then
 * take no task. Below the tenant root clone_children copies them; above
 * it (the root itself, its new ancestors, a fallback beside it) copy the
 * parent's by hand. Takes and returns fd; closes it on failure. */
static int cpuset_init(td_rc *x, size_t h, int parent_fd, int fd, const char *dirpath) {
        const td_cg_hier *hier = &x->cg->layout.hier[h];
        int r = 0;

        if (hier->version != TD_CG_V1 || !(hier->controllers & (1u << TD_CG_CPUSET)))
                return fd;
        for (size_t i = 0; i < 2 && r >= 0; i++) {
                _cleanup_free_ char *mine = NULL, *theirs = NULL;
                r = td_rc_read(x, fd, td_cg_cpuset_files[i], &mine);
                if (r >= 0 && td_cg_empty(mine) && (r = td_rc_read(x, parent_fd, td_cg_cpuset_files[i], &theirs)) >= 0)
                        r = td_rc_write(x, fd, dirpath, td_cg_cpuset_files[i], NULL, mine, theirs);
        }
        if (r < 0) {
                close(fd);
                return r;
        }
        return fd;
}

/* mkdir -p `path` below `top` (top itself must exist; nothing above it is
 * created). Returns the fd of path, or -ENOENT in a dry run when missing. */
int td_rc_mkdir_below(td_rc *x, size_t h, const char *top, const char *path, bool *ret_fresh) {
        const char *mount = x->cg->layout.hier[h].mount;
        size_t tl = streq(top, "/") ? 0 : strlen(top);
        _cleanup_free_ char *cur = NULL;
        int fd, r;

        *ret_fresh = false;
        if (!strneq(path, top, tl) || path[tl] != '/')
                return -EINVAL;
        fd = td_rc_open_cgroup(x->cg, h, top);
        if (fd < 0)
                return fd;
        cur = td_strdupf("%s%s", mount, streq(top, "/") ? "" : top);
        if (!cur) {
                close(fd);
                return -ENOMEM;
        }
        for (const char *s = path + tl + 1; *s; ) {
                size_t n = strcspn(s, "/");
                _cleanup_free_ char *name = strndup(s, n);
                bool fresh;

                if (!name) {
                        r = -ENOMEM;
                        goto fail;
                }
                r = td_rc_ensure_dir(x, fd, cur, name, &fresh);
                if (r >= 0 && fresh) {
                        _cleanup_free_ char *dirpath = td_strdupf("%s/%s", cur, name);
                        r = dirpath ? cpuset_init(x, h, fd, r, dirpath) : (close(r), -ENOMEM);
                }
                if (fd >= 0)
                        close(fd);
                fd = r;
                if (r < 0 && !(r == -ENOENT && x->dry))
                        return r;
                *ret_fresh |= fresh;
                char *next = td_strdupf("%s/%s", cur, name);
                if (!next) {
                        r = -ENOMEM;
                        goto fail;
                }
                free(cur);
                cur = next;
                s += n + (s[n] == '/');
        }
        return fd;
fail:
        if (fd >= 0)
                close(fd);
        return r;
}

/* Does a cgroup.procs text list `pid`? */
static bool procs_has(const char *text, pid_t pid) {
        for (const char *p = text; *p; ) {
                char *end;
                long v = strtol(p, &end, 10);
                if (end == p)
                        break;
                if (v == pid)
                        return true;
                p = end + strspn(end, "\n");
        }
        return false;
}

static int leave_one(td_cg *cg, size_t h, const char *name, char **ret_dir) {
        const td_cg_root *root = &cg->roots[h];
        size_t tl = strlen(root->top);
        _cleanup_free_ char *procs = NULL, *dir = NULL;
        _cleanup_close_ int top = -1, leaf = -1;
        int r;

        /* The root is <top>/<first>/...: moving into <top>/<first> would put
         * the daemon inside its own tenant tree. */
        const char *first = root->path + tl + 1;
        if (strneq(first, name, strlen(name)) && (first[strlen(name)] == '/' || !first[strlen(name)]))
                return -EEXIST;
        top = td_rc_open_cgroup(cg, h, root->top);
        if (top < 0)
                return top;
        r = td_read_fileat(top, "cgroup.procs", 1 << 20, &procs, NULL);
        if (r < 0)
                return r;
        if (!procs_has(procs, getpid()))
                return 0;   /* moved already, or never there */
        if (cg->mkdirat)
                r = cg->mkdirat(top, name, cg->userdata);
        else
                r = mkdirat(top, name, 0755) < 0 ? -errno : 0;
        if (r < 0 && r != -EEXIST)
                return r;
        leaf = openat(top, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (leaf < 0)
                return -errno;
        /* "0": the writer's own thread group, whatever its pid looks like
         * from the cgroup's namespace. */
        r = td_cg_write_knob(cg, leaf, "cgroup.procs", "0");
        if (r < 0)
                return r;
        dir = td_strdupf("%s%s/%s", cg->layout.hier[h].mount, root->top, name);
        if (!dir)
                return -ENOMEM;
        if (ret_dir) {
                free(*ret_dir);
                *ret_dir = TAKE_PTR(dir);
        }
        return 1;
}

int td_cg_leave_top(td_cg *cg, const char *name, char **ret_dir) {
        _cleanup_free_ char *dir = NULL;
        int n = 0;

        if (!name || !*name || strchr(name, '/') || streq(name, ".") || streq(name, ".."))
                return -EINVAL;
        for (size_t h = 0; h < cg->layout.n_hier; h++) {
                const td_cg_root *root = &cg->roots[h];
                if (cg->layout.hier[h].version != TD_CG_V2 || streq(root->top, "/"))
                        continue;
                int r = leave_one(cg, h, name, &dir);
                if (r < 0)
                        return r;
                n += r;
        }
        if (ret_dir && n > 0)
                *ret_dir = TAKE_PTR(dir);
        return n;
}

/* The deepest existing directory on the way to the root (dry runs). */
static int open_deepest(const td_cg *cg, size_t h, bool *ret_mount_root) {
        _cleanup_free_ char *p = strdup(cg->roots[h].path);
        int fd;

        if (!p)
                return -ENOMEM;
        for (;;) {
                fd = td_rc_open_cgroup(cg, h, p);
                if (fd >= 0 || streq(p, "/"))
                        break;
                char *slash = strrchr(p, '/');
                if (slash == p)
                        slash[1] = 0;
                else
                        *slash = 0;
        }
        *ret_mount_root = streq(p, "/");
        return fd;
}

/* v1 cpuset: a new group starts with empty cpus and mems and then can not
 * take a task, so the root copies its parent's once, and clone_children
 * makes every group below start with its parent's (fewer writes per
 * tenant, and the leaf always fits in its group). */
static int prepare_v1_cpuset(td_rc *x, size_t h) {
        td_cg_root *root = &x->cg->roots[h];
        _cleanup_free_ char *parent = NULL, *cc = NULL;
        _cleanup_close_ int pfd = -1;
        int r;

        parent = strdup(root->path);
        if (!parent)
                return -ENOMEM;
        *strrchr(parent, '/') = 0;
        pfd = td_rc_open_cgroup(x->cg, h, *parent ? parent : "/");
        for (size_t i = 0; i < 2; i++) {
                _cleanup_free_ char *mine = NULL, *theirs = NULL;
                int fd = root->fd >= 0 ? root->fd : pfd;

                free(x->root_cpuset[i]);
                x->root_cpuset[i] = NULL;
                if (fd < 0)
                        continue;
                r = td_rc_read(x, fd, td_cg_cpuset_files[i], &mine);
                if (r < 0)
                        return r;
                if (root->fd >= 0 && td_cg_empty(mine) && pfd >= 0) {
                        r = td_rc_read(x, pfd, td_cg_cpuset_files[i], &theirs);
                        if (r < 0)
                                return r;
                        r = td_rc_write(x, root->fd, root->dir, td_cg_cpuset_files[i], NULL, mine, theirs);
                        if (r < 0)
                                return r;
                        free(mine);
                        mine = TAKE_PTR(theirs);
                }
                x->root_cpuset[i] = TAKE_PTR(mine);
        }
        if (root->fd < 0)
                return 0;
        r = td_rc_read(x, root->fd, "cgroup.clone_children", &cc);
        if (r < 0)
                return r;
        if (!td_cg_value_equal(TD_CG_CMP_NUMBER, cc, "1"))
                r = td_rc_write(x, root->fd, root->dir, "cgroup.clone_children", NULL, cc, "1");
        return r;
}

/* v2: a group's controllers must be enabled in its parent's
 * cgroup.subtree_control. This is the one place tenantd writes above the
 * tenant root: in each directory from `top` (/ for an absolute root, the
 * own cgroup for a relative one) down to the root itself, it enables
 * whichever of cpu, cpuset, io, memory, pids the directory offers and does
 * not enable yet. Inside a systemd Delegate=yes unit `top` is the unit's
 * cgroup, which systemd lets us manage; the kernel refuses (EBUSY) when
 * that directory still holds processes, hence the advice in the message. */
static int prepare_v2(td_rc *x, size_t h) {
        const td_cg_root *root = &x->cg->roots[h];
        unsigned want = x->cg->layout.hier[h].controllers & ~(1u << TD_CG_CPUACCT);
        const char *path = root->path;
        size_t tl = streq(root->top, "/") ? 0 : strlen(root->top);
        int r = 0;

        for (size_t end = tl; r >= 0; ) {
                _cleanup_free_ char *p = end == 0 ? strdup("/") : strndup(path, end);
                _cleanup_free_ char *avail = NULL, *enabled = NULL, *add = strdup("");
                _cleanup_close_ int fd = -1;

                if (!p || !add)
                        return -ENOMEM;
                fd = td_rc_open_cgroup(x->cg, h, p);
                if (fd < 0 && !x->dry)
                        return fd;
                if (fd >= 0 && ((r = td_rc_read(x, fd, "cgroup.controllers", &avail)) < 0 ||
                                (r = td_rc_read(x, fd, "cgroup.subtree_control", &enabled)) < 0))
                        return r;
                for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX; c++) {
                        const char *name = td_cg_controller_to_name(c, TD_CG_V2);
                        if (!(want & (1u << c)) || (avail && !td_cg_word_in(avail, name)) ||
                            td_cg_word_in(enabled, name))
                                continue;
                        char *s = td_strdupf("%s%s+%s", add, *add ? " " : "", name);
                        if (!s)
                                return -ENOMEM;
                        free(add);
                        add = s;
                }
                if (*add) {
                        _cleanup_free_ char *dir = td_strdupf("%s%s", x->cg->layout.hier[h].mount,
                                                              streq(p, "/") ? "" : p);
                        if (!dir)
                                return -ENOMEM;
                        r = td_rc_write(x, fd, dir, "cgroup.subtree_control", NULL, enabled, add);
                        if (r == -EBUSY && td_rc_cur(x)) {
                                free(td_rc_cur(x)->message);
                                td_rc_cur(x)->message = td_strdupf("%s/cgroup.subtree_control: the kernel refuses to "
                                                             "enable controllers in a group that holds processes; "
                                                             "move them (tenantd itself, in a Delegate=yes unit) "
                                                             "into a leaf below it", dir);
                        }
                }
                if (path[end] == 0)
                        break;
                end += 1 + strcspn(path + end + 1, "/");
        }
        return r;
}

static void probe_host(td_rc *x) {
        td_cg *cg = x->cg;
        td_cg_host h = { .page_size = (unsigned) sysconf(_SC_PAGESIZE) };

        for (size_t i = 0; i < cg->layout.n_hier; i++) {
                const td_cg_hier *hier = &cg->layout.hier[i];
                const td_cg_ops *ops = td_cg_ops_for(hier->version);
                bool mount_root = false;
                int fd;

                for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX; c++)
                        if (hier->controllers & (1u << c))
                                h.version[c] = hier->version;
                fd = cg->roots[i].fd >= 0 ? dup(cg->roots[i].fd) : open_deepest(cg, i, &mount_root);
                if (fd >= 0) {
                        ops->probe(fd, hier->controllers, mount_root, &h);
                        close(fd);
                }
        }
        cg->host = h;
        cg->host_probed = true;
}

/* Create the root in every hierarchy and get it ready for tenant groups. */
int td_rc_prepare(td_rc *x) {
        td_cg *cg = x->cg;
        int r;

        for (size_t h = 0; h < cg->layout.n_hier; h++) {
                td_cg_root *root = &cg->roots[h];
                bool fresh;

                if (root->fd >= 0 && (x->flags & TD_RECONCILE_VERIFY)) {
                        /* The root may have been removed behind our back. */
                        close(root->fd);
                        root->fd = -1;
                }
                if (root->fd < 0) {
                        r = td_rc_mkdir_below(x, h, root->top, root->path, &fresh);
                        if (r < 0 && !(r == -ENOENT && x->dry))
                                return td_rc_fail(x, TD_CG_ACT_FAILED, r, "creating the tenant root %s: %s",
                                                   root->dir, strerror(-r));
                        root->fd = r >= 0 ? r : -1;
                }
                /* Every run: a few reads, and the v1 cpuset values are needed
                 * for tenants that do not set their own. */
                const td_cg_hier *hier = &cg->layout.hier[h];
                r = 0;
                if (hier->version == TD_CG_V2)
                        r = prepare_v2(x, h);
                else if (hier->controllers & (1u << TD_CG_CPUSET))
                        r = prepare_v1_cpuset(x, h);
                if (r < 0)
                        return td_rc_fail(x, TD_CG_ACT_FAILED, r, "preparing the tenant root %s: %s",
                                           root->dir, strerror(-r));
        }
        if (!cg->host_given && (!cg->host_probed || (x->flags & TD_RECONCILE_VERIFY) || x->dry))
                probe_host(x);
        return 0;
}

/* ---- v1 realtime budget ------------------------------------------------ */

/* With RT group scheduling the kernel keeps every group's
 * rt_runtime_us/rt_period_us >= the sum of its children's, and a new group
 * starts with 0. So the tenant root needs the sum of its tenants' ratios,
 * and so does each directory between `top` and the root (tenantd created
 * them for a relative root; for an absolute one they are the path from /).
 * This is the second place tenantd writes above the root, v1 only. Raised
 * top-down before the tenants take their share; lowered bottom-up after
 * they gave it back, an ancestor only while the root is its only child,
 * and after teardown to nothing, so no budget stays locked above a root
 * that is gone. */

/* Sum of the valid tenants' ratios in parts per billion, each rounded up. */
static uint64_t rt_sum_ppb(const td_cg_tenant *t, size_t n) {
        uint64_t sum = 0;

        for (size_t i = 0; i < n; i++) {
                const td_policy *p = t[i].policy;
                if (!t[i].valid || !p || p->cpu.rt_runtime_us == TD_UNSET || p->cpu.rt_runtime_us == 0)
                        continue;
                uint64_t tp = p->cpu.rt_period_us != TD_UNSET ? p->cpu.rt_period_us : TD_CG_RT_PERIOD_DEFAULT;
                if (tp > 0)
                        sum += (p->cpu.rt_runtime_us * UINT64_C(1000000000) + tp - 1) / tp;
        }
        return MIN(sum, UINT64_C(1000000000));
}

static int rt_one(td_rc *x, size_t h, const char *path, uint64_t ppb, bool raise) {
        _cleanup_free_ char *dir = td_strdupf("%s%s", x->cg->layout.hier[h].mount, path);
        _cleanup_free_ char *period = NULL, *live = NULL;
        _cleanup_close_ int fd = td_rc_open_cgroup(x->cg, h, path);
        char want[32];
        int r;

        if (!dir)
                return -ENOMEM;
        /* Lowering: a directory that is gone (the root after teardown) or a
         * kernel without RT group scheduling holds no budget to give back. */
        if (fd < 0)
                return x->dry || (!raise && fd == -ENOENT) ? 0 : fd;
        r = td_rc_read(x, fd, "cpu.rt_period_us", &period);
        if (r >= 0)
                r = td_rc_read(x, fd, "cpu.rt_runtime_us", &live);
        if (r == -ENOENT && !raise)
                return 0;
        if (r < 0)
                return td_rc_fail(x, TD_CG_ACT_FAILED, r, "%s/cpu.rt_runtime_us: %s", dir, strerror(-r));
        uint64_t w = (ppb * td_cg_value_number(period) + UINT64_C(999999999)) / UINT64_C(1000000000);
        uint64_t l = td_cg_value_number(live);
        if (raise ? w <= l : w >= l)
                return 0;
        if (!raise && !streq(path, x->cg->roots[h].path)) {
                char **sub = NULL;
                size_t n_sub = 0;
                r = td_cg_list_subdirs(fd, &sub, &n_sub);
                td_strv_free_n(sub, n_sub);
                if (r < 0 || n_sub > 1)
                        return 0;   /* shared with others: leave it */
        }
        snprintf(want, sizeof want, "%" PRIu64, w);
        /* A group removed just now keeps its share until the kernel has
         * released it (after an RCU grace period): lowering retries a bit. */
        r = td_rc_write_retry(x, fd, dir, "cpu.rt_runtime_us", "cpu.realtime", live, want, raise ? 0 : 25);
        if (r == -EINVAL || r == -EBUSY) {
                /* Say where the budget is missing, not just that it is. */
                free(td_rc_cur(x)->message);
                td_rc_cur(x)->message = td_strdupf("%s/cpu.rt_runtime_us: can not %s the realtime budget to %s: %s "
                                             "(the parent group's budget or its other children's)",
                                             dir, raise ? "raise" : "lower", want, strerror(-r));
        }
        return r;
}

/* *cached: the budget last applied (UINT64_MAX: unknown); skipped when
 * equal, so an unchanged tree costs no reads here either. */
int td_rc_rt_budget(td_rc *x, const td_cg_tenant *t, size_t n, bool raise, uint64_t *cached) {
        td_cg *cg = x->cg;
        int h = cg->layout.ctrl_hier[TD_CG_CPU];
        int r = 0;

        /* Unprobed (teardown): try; rt_one finds out. */
        if (h < 0 || cg->layout.hier[h].version != TD_CG_V1 || ((cg->host_probed || cg->host_given) && !cg->host.rt))
                return 0;
        const td_cg_root *root = &cg->roots[h];
        uint64_t ppb = rt_sum_ppb(t, n);
        if (ppb == *cached)
                return 0;
        size_t tl = streq(root->top, "/") ? 0 : strlen(root->top);
        size_t ends[64], k = 0;

        /* Each directory below top down to the root, as prefix lengths. */
        for (size_t end = tl + 1; k < ELEMENTSOF(ends); end++)
                if (root->path[end] == '/' || root->path[end] == 0) {
                        ends[k++] = end;
                        if (root->path[end] == 0)
                                break;
                }
        r = td_rc_begin(x, "(tenant root)", TD_CG_ACT_UNCHANGED);
        for (size_t i = 0; i < k && r >= 0; i++) {
                _cleanup_free_ char *p = strndup(root->path, ends[raise ? i : k - 1 - i]);
                r = p ? rt_one(x, (size_t) h, p, ppb, raise) : -ENOMEM;
        }
        if (r >= 0) {
                td_rc_drop_unchanged(x);
                if (!raise && !x->dry)
                        *cached = ppb;
        }
        x->cur = -1;
        return r;
}

