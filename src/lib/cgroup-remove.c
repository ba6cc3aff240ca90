/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Removing groups: tenants whose policy is gone (reconcile) and the whole
 * tree (teardown). Deepest first, never above the tenant root; a group with
 * processes is kept (on_busy=refuse) or emptied into the fallback group
 * first (on_busy=move), and the report says which. */
#include <dirent.h>
#include <fcntl.h>

#include "cgroup-internal.h"

/* ---- removing groups --------------------------------------------------- */

bool td_cg_tenant_name_ok(const char *s) {
        size_t n = strlen(s);

        if (n == 0 || n > TD_NAME_MAX || !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
                return false;
        return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* Subdirectory names of dirfd (cgroups; knob files are skipped). */
int td_cg_list_subdirs(int dirfd, char ***ret, size_t *ret_n) {
        char **v = NULL;
        size_t n = 0, cap = 0;
        int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        struct dirent *de;

        if (!d) {
                if (fd >= 0)
                        close(fd);
                return -errno;
        }
        while ((de = readdir(d))) {
                if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (td_strv_push(&v, &n, &cap, de->d_name) < 0) {
                        td_strv_free_n(v, n);
                        closedir(d);
                        return -ENOMEM;
                }
        }
        closedir(d);
        *ret = v;
        *ret_n = n;
        return 0;
}

/* PIDs in cgroup.procs of dirfd and every group below it. */
static int collect_pids(td_rc *x, int dirfd, pid_t **pids, size_t *n, size_t *cap) {
        _cleanup_free_ char *text = NULL;
        char **sub = NULL;
        size_t n_sub = 0;
        int r;

        r = td_rc_read(x, dirfd, "cgroup.procs", &text);
        if (r < 0)
                return r;
        for (char *s = text; *s; ) {
                char *end;
                long pid = strtol(s, &end, 10);
                if (end == s)
                        break;
                pid_t *p = td_grow((void **) pids, n, cap, sizeof(pid_t));
                if (!p)
                        return -ENOMEM;
                *p = (pid_t) pid;
                s = end + strspn(end, "\n ");
        }
        r = td_cg_list_subdirs(dirfd, &sub, &n_sub);
        for (size_t i = 0; r >= 0 && i < n_sub; i++) {
                _cleanup_close_ int fd = openat(dirfd, sub[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                r = fd < 0 ? -errno : collect_pids(x, fd, pids, n, cap);
        }
        td_strv_free_n(sub, n_sub);
        return r;
}

/* v1 RT: a removed group keeps counting against its parent's realtime
 * budget until the kernel has released it, which can take a while; handing
 * its runtime back first lets the root's budget shrink right away. */
static int give_back_rt(td_rc *x, int fd, const char *path) {
        _cleanup_free_ char *live = NULL;

        if (faccessat(fd, "cpu.rt_runtime_us", F_OK, 0) < 0 || td_rc_read(x, fd, "cpu.rt_runtime_us", &live) < 0 ||
            td_cg_value_number(live) == 0)
                return 0;
        return td_rc_write(x, fd, path, "cpu.rt_runtime_us", "cpu.realtime", live, "0");
}

/* rmdir parent/name and everything below it, deepest first. */
static int remove_tree(td_rc *x, int parent_fd, const char *parent_path, const char *name) {
        _cleanup_free_ char *path = td_strdupf("%s/%s", parent_path, name);
        _cleanup_close_ int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        char **sub = NULL;
        size_t n_sub = 0;
        int r;

        if (!path)
                return -ENOMEM;
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        r = td_cg_list_subdirs(fd, &sub, &n_sub);
        for (size_t i = 0; r >= 0 && i < n_sub; i++)
                r = remove_tree(x, fd, path, sub[i]);
        td_strv_free_n(sub, n_sub);
        if (r < 0)
                return r;
        r = give_back_rt(x, fd, path);
        if (r >= 0)
                r = td_rc_plan(x, "rmdir %s", path);
        if (r < 0 || x->dry)
                return r;
        r = td_rc_rmdirat(x, parent_fd, name);
        if (r < 0)
                return td_rc_fail(x, TD_CG_ACT_FAILED, r, "rmdir %s: %s", path, strerror(-r));
        x->rep->n_rmdirs++;
        return 0;
}

/* Open (creating it below the root's parent when missing) the fallback
 * group in hierarchy h. */
static int open_fallback(td_rc *x, size_t h, const char *fallback, char **ret_dir) {
        _cleanup_free_ char *path = td_cg_fallback_path(x->cg, h, fallback);
        const td_cg_root *root = &x->cg->roots[h];
        bool fresh;

        if (!path)
                return -ENOMEM;
        *ret_dir = td_strdupf("%s%s", x->cg->layout.hier[h].mount, path);
        if (!*ret_dir)
                return -ENOMEM;
        /* A fallback inside the root inherits through clone_children; one
         * beside it gets its parent's sets from mkdir_below. */
        return td_rc_mkdir_below(x, h, root->top, path, &fresh);
}

/* Move every process of the tenant's groups in hierarchy h to the
 * fallback. New children may appear while we move, so a few rounds. */
static int move_out(td_rc *x, size_t h, int gfd, const char *fallback, unsigned *moved) {
        _cleanup_free_ char *fdir = NULL;
        _cleanup_close_ int ffd = open_fallback(x, h, fallback, &fdir);
        unsigned count = 0;
        int r = 0;

        if (ffd < 0 && !(ffd == -ENOENT && x->dry))
                return td_rc_fail(x, TD_CG_ACT_FAILED, ffd, "fallback %s: %s",
                                   fdir ? fdir : fallback, strerror(-ffd));
        for (int round = 0; round < 5 && r >= 0; round++) {
                _cleanup_free_ pid_t *pids = NULL;
                size_t n = 0, cap = 0;

                r = collect_pids(x, gfd, &pids, &n, &cap);
                if (r < 0 || n == 0)
                        break;
                for (size_t i = 0; i < n && r >= 0; i++) {
                        char buf[32];
                        snprintf(buf, sizeof buf, "%d", (int) pids[i]);
                        r = td_rc_plan(x, "move %s %s", buf, fdir);
                        if (r < 0 || x->dry)
                                continue;
                        r = td_cg_write_knob(x->cg, ffd, "cgroup.procs", buf);
                        if (r == -ESRCH)
                                r = 0;   /* exited meanwhile */
                        else if (r < 0)
                                r = td_rc_fail(x, TD_CG_ACT_FAILED, r, "moving %s to %s: %s",
                                                buf, fdir, strerror(-r));
                        else
                                count++;
                }
                if (x->dry) {
                        count = (unsigned) n;
                        break;
                }
        }
        *moved = MAX(*moved, count);
        return r;
}

/* Remove a tenant's groups in every hierarchy; busy ones per on_busy. */
static int remove_tenant(td_rc *x, const char *name, td_busy_policy on_busy, const char *fallback) {
        td_cg *cg = x->cg;
        size_t busy = 0;
        int r;

        r = td_rc_begin(x, name, TD_CG_ACT_REMOVED);
        if (r < 0)
                return r;
        for (size_t h = 0; h < cg->layout.n_hier; h++) {
                _cleanup_free_ pid_t *pids = NULL;
                size_t n = 0, cap = 0;
                _cleanup_close_ int fd = cg->roots[h].fd < 0 ? -1 :
                        openat(cg->roots[h].fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0)
                        continue;
                r = collect_pids(x, fd, &pids, &n, &cap);
                if (r < 0)
                        return td_rc_fail(x, TD_CG_ACT_FAILED, r, "reading its processes: %s", strerror(-r));
                busy = MAX(busy, n);
        }
        if (busy > 0 && (on_busy != TD_BUSY_MOVE || !fallback))
                return td_rc_fail(x, TD_CG_ACT_BUSY, -EBUSY, "%zu process%s still in it (on_busy=refuse%s); "
                                   "group kept", busy, busy == 1 ? "" : "es",
                                   on_busy == TD_BUSY_MOVE ? ", fallback inside the tree being removed" : "");
        for (size_t h = 0; busy > 0 && h < cg->layout.n_hier; h++) {
                _cleanup_close_ int fd = cg->roots[h].fd < 0 ? -1 :
                        openat(cg->roots[h].fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (fd >= 0 && (r = move_out(x, h, fd, fallback, &td_rc_cur(x)->n_moved)) < 0)
                        return r;
        }
        if (busy > 0)
                td_rc_cur(x)->action = TD_CG_ACT_MOVED;
        for (size_t h = 0; h < cg->layout.n_hier; h++)
                if (cg->roots[h].fd >= 0 && (r = remove_tree(x, cg->roots[h].fd, cg->roots[h].dir, name)) < 0)
                        return r;
        return 0;
}

/* Tenants with a group in the tree but no policy: from the cache when it
 * covers the tree (entries this run did not see), else by listing the
 * root in every hierarchy. */
static int find_stale(td_rc *x, const td_cg_cache *cache, bool use_cache, const td_cg_tenant *t, size_t n_t,
                      char ***ret, size_t *ret_n) {
        char **v = NULL;
        size_t n = 0, cap = 0;
        int r = 0;

        if (use_cache) {
                for (size_t i = 0; i < cache->cap && r >= 0; i++)
                        if (cache->keys[i] && cache->seen[i] != cache->gen)
                                r = td_strv_push(&v, &n, &cap, cache->keys[i]);
                goto done;
        }
        /* Names wanted or already listed. */
        td_cg_cache *known = calloc(1, sizeof *known);
        if (!known)
                return -ENOMEM;
        for (size_t i = 0; i < n_t && r >= 0; i++)
                if (t[i].name && td_cg_cache_put(known, t[i].name, 1) < 0)
                        r = -ENOMEM;
        for (size_t h = 0; h < x->cg->layout.n_hier && r >= 0; h++) {
                char **sub = NULL;
                size_t n_sub = 0;

                if (x->cg->roots[h].fd < 0)
                        continue;
                r = td_cg_list_subdirs(x->cg->roots[h].fd, &sub, &n_sub);
                for (size_t i = 0; i < n_sub && r >= 0; i++) {
                        /* Only names a tenant can have: "_fallback" and other
                         * directories of ours or the admin's stay. */
                        if (!td_cg_tenant_name_ok(sub[i]) || td_cg_cache_find(known, sub[i]) >= 0)
                                continue;
                        r = td_strv_push(&v, &n, &cap, sub[i]);
                        if (r >= 0 && td_cg_cache_put(known, sub[i], 2) < 0)
                                r = -ENOMEM;
                }
                td_strv_free_n(sub, n_sub);
        }
        td_cg_cache_free(known);
done:
        if (r < 0) {
                td_strv_free_n(v, n);
                return r;
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

/* Remove the groups of vanished tenants; kept ones stay in the cache. */
int td_rc_remove_stale(td_rc *x, td_cg_cache *cache, bool use_cache, const td_cg_tenant *t, size_t n_t,
                        td_busy_policy on_busy, const char *fallback, int *err) {
        char **stale = NULL;
        size_t n = 0;
        int r;

        r = find_stale(x, cache, use_cache, t, n_t, &stale, &n);
        for (size_t i = 0; i < n && r >= 0; i++) {
                int k = remove_tenant(x, stale[i], on_busy, fallback);
                x->cur = -1;
                if (k == -ENOMEM)
                        r = k;
                *err = td_rc_first_error(*err, k);
                if (k < 0 && !x->dry && td_cg_cache_put(cache, stale[i], 0) < 0)
                        r = -ENOMEM;
        }
        td_strv_free_n(stale, n);
        return r;
}

/* ---- teardown ---------------------------------------------------------- */

int td_cg_teardown(td_cg *cg, td_busy_policy on_busy, const char *fallback, unsigned flags,
                   td_reconcile_report *ret, td_diags *ds) {
        td_rc x = { .cg = cg, .flags = flags, .rep = ret, .ds = ds, .cur = -1,
                 .dry = flags & TD_RECONCILE_DRY_RUN,
                 .record = flags & (TD_RECONCILE_DRY_RUN | TD_RECONCILE_PLAN) };
        td_cg_cache *names = calloc(1, sizeof *names);
        int r = 0, err = 0;

        if (!names)
                return -ENOMEM;

        *ret = (td_reconcile_report) {};
        for (size_t h = 0; h < cg->layout.n_hier && r >= 0; h++) {
                td_cg_root *root = &cg->roots[h];
                char **sub = NULL;
                size_t n = 0;

                if (root->fd < 0)
                        root->fd = open(root->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (root->fd < 0)
                        continue;
                r = td_cg_list_subdirs(root->fd, &sub, &n);
                for (size_t i = 0; i < n && r >= 0; i++)
                        if (td_cg_cache_put(names, sub[i], 0) < 0)
                                r = -ENOMEM;
                td_strv_free_n(sub, n);
        }
        if (r < 0)
                goto out;

        /* Tenants first, then the rest (such as a fallback group inside the
         * tree), so that processes moved there are seen. Moving into a
         * fallback that is itself being removed would only defer the
         * problem: then busy groups are kept. */
        for (int pass = 0; pass < 2; pass++)
                for (size_t i = 0; i < names->cap; i++) {
                        const char *name = names->keys[i];
                        if (!name || td_cg_tenant_name_ok(name) != (pass == 0))
                                continue;
                        bool inside = false;
                        for (size_t h = 0; h < cg->layout.n_hier; h++) {
                                _cleanup_free_ char *fb = td_cg_fallback_path(cg, h, fallback);
                                size_t rl = strlen(cg->roots[h].path);
                                inside |= fb && strneq(fb, cg->roots[h].path, rl) && fb[rl] == '/';
                        }
                        r = remove_tenant(&x, name, pass == 0 && !inside ? on_busy : TD_BUSY_REFUSE,
                                          pass == 0 && !inside ? fallback : NULL);
                        if (r == -ENOMEM)
                                goto out;
                        err = td_rc_first_error(err, r);
                        x.cur = -1;
                }

        if (err == 0) {
                r = td_rc_begin(&x, "(tenant root)", TD_CG_ACT_REMOVED);
                if (r < 0)
                        goto out;
                for (size_t h = 0; h < cg->layout.n_hier; h++) {
                        td_cg_root *root = &cg->roots[h];
                        _cleanup_free_ char *parent = strdup(root->path);
                        if (root->fd < 0)
                                continue;
                        if (!parent) {
                                r = -ENOMEM;
                                goto out;
                        }
                        *strrchr(parent, '/') = 0;
                        _cleanup_close_ int pfd = td_rc_open_cgroup(cg, h, *parent ? parent : "/");
                        _cleanup_free_ char *pdir = td_strdupf("%s%s", cg->layout.hier[h].mount, parent);
                        if (!pdir) {
                                r = -ENOMEM;
                                goto out;
                        }
                        r = pfd < 0 ? td_rc_fail(&x, TD_CG_ACT_FAILED, pfd, "%s: %s", pdir, strerror(-pfd))
                                    : remove_tree(&x, pfd, pdir, strrchr(root->path, '/') + 1);
                        err = td_rc_first_error(err, r);
                        if (r >= 0 && !x.dry) {
                                close(root->fd);
                                root->fd = -1;
                        }
                }
        }
        if (!x.dry && err == 0) {
                /* The root is gone: the realtime budget raised for it in
                 * the directories above goes back (v1 RT only). */
                uint64_t rt_cached = UINT64_MAX;
                err = td_rc_rt_budget(&x, NULL, 0, false, &rt_cached);
                if (err == -ENOMEM) {
                        r = err;
                        goto out;
                }
        }
        if (!x.dry && err == 0) {
                /* A root made again has a new inode on cgroupfs (kernfs
                 * numbers do not come back), so an old state file would not
                 * match it anyway; removing ours also covers file systems
                 * that reuse inodes (the unit tests' fake tree). */
                td_cg_cache_free(cg->cache);
                cg->cache = NULL;
                if (cg->state_path)
                        (void) unlink(cg->state_path);
        }
        r = err;
out:
        td_cg_cache_free(names);
        return r;
}
