/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cgroup front: controller names, the per-version ops table, layout
 * detection, and the td_cg handle (tenant root per hierarchy).
 *
 * Layout detection uses libcgroup where it is right and bypasses it where
 * Debian's libcgroup 2.0.2 falls short. Measured on this project's hybrid
 * test host (v1 controllers under /sys/fs/cgroup/<name>, an almost empty
 * cgroup2 at /sys/fs/cgroup/unified, kernel 6.18):
 *   - cgroup_get_controller_begin/next lists every v1 controller with its
 *     mount point, and also v2 controllers (hugetlb -> /sys/fs/cgroup/unified)
 *     but without saying which version: 2.0.2 has no
 *     cgroup_get_controller_version (the header lacks it). So the version
 *     comes from the filesystem type in /proc/self/mountinfo.
 *   - a cgroup2 mount with no controllers is not listed at all, yet it is
 *     where processes live on a v2 host: found in mountinfo.
 *   - cgroup_get_current_controller_path works for v1 controllers (memory ->
 *     /process_api/...) but fails with ECGOTHER for a v2 controller: it
 *     looks for the controller's name in /proc/self/cgroup, and the v2 line
 *     is "0::/path". So the v2 path is read from /proc/self/cgroup here.
 * Writes never go through libcgroup: cgroup_modify_cgroup re-reads
 * /proc/mounts on every call (strace: 501 opens of /proc/mounts for 500
 * writes) and cost 39.1us per write against 4.8us for openat()+write() on a
 * kept directory fd (500 writes of memory.limit_in_bytes, same host). */
#include <fcntl.h>
#include <libcgroup.h>
#include <limits.h>
#include <sys/stat.h>

#include "cgroup-internal.h"
#include "policy-internal.h"

static const char *const controller_names_v1[_TD_CG_CONTROLLER_MAX] = {
        [TD_CG_CPU] = "cpu", [TD_CG_CPUACCT] = "cpuacct", [TD_CG_CPUSET] = "cpuset",
        [TD_CG_MEMORY] = "memory", [TD_CG_IO] = "blkio", [TD_CG_PIDS] = "pids",
};

const char *td_cg_controller_to_name(td_cg_controller c, td_cg_version v) {
        if (c < 0 || c >= _TD_CG_CONTROLLER_MAX)
                return NULL;
        if (c == TD_CG_IO && v == TD_CG_V2)
                return "io";
        return controller_names_v1[c];
}

td_cg_controller td_cg_controller_from_name(const char *name) {
        if (name && streq(name, "io"))
                return TD_CG_IO;
        for (td_cg_controller c = 0; name && c < _TD_CG_CONTROLLER_MAX; c++)
                if (streq(name, controller_names_v1[c]))
                        return c;
        return _TD_CG_CONTROLLER_INVALID;
}

const char *td_cg_layout_kind_to_name(td_cg_layout_kind k) {
        static const char *const names[_TD_CG_LAYOUT_KIND_MAX] = { "v1", "hybrid", "v2" };
        return k >= 0 && k < _TD_CG_LAYOUT_KIND_MAX ? names[k] : NULL;
}

const char *td_cg_action_to_name(td_cg_action a) {
        static const char *const names[_TD_CG_ACTION_MAX] = {
                "unchanged", "created", "updated", "removed", "moved", "busy", "skipped", "failed",
        };
        return a >= 0 && a < _TD_CG_ACTION_MAX ? names[a] : NULL;
}

const td_cg_ops *td_cg_ops_for(td_cg_version v) {
        switch (v) {
        case TD_CG_V1: return &td_cg_v1_ops;
        case TD_CG_V2: return &td_cg_v2_ops;
        case TD_CG_NONE:
        case _TD_CG_VERSION_MAX:
        case _TD_CG_VERSION_INVALID:
                break;
        }
        return NULL;
}

/* ---- layout ------------------------------------------------------------ */

void td_cg_layout_init(td_cg_layout *l) {
        *l = (td_cg_layout) {};
        for (size_t i = 0; i < _TD_CG_CONTROLLER_MAX; i++)
                l->ctrl_hier[i] = -1;
}

void td_cg_layout_done(td_cg_layout *l) {
        if (!l)
                return;
        for (size_t i = 0; i < l->n_hier; i++) {
                free(l->hier[i].mount);
                free(l->hier[i].own);
        }
        td_cg_layout_init(l);
}

static void layout_update_kind(td_cg_layout *l) {
        bool v1 = false, v2 = false;

        for (size_t i = 0; i < l->n_hier; i++) {
                v1 |= l->hier[i].version == TD_CG_V1;
                v2 |= l->hier[i].version == TD_CG_V2;
        }
        l->kind = v1 && v2 ? TD_CG_LAYOUT_HYBRID : v2 ? TD_CG_LAYOUT_V2 : TD_CG_LAYOUT_V1;
}

int td_cg_layout_add(td_cg_layout *l, td_cg_version v, unsigned controllers,
                     const char *mount, const char *own) {
        if (l->n_hier >= ELEMENTSOF(l->hier))
                return -E2BIG;
        if (v != TD_CG_V1 && v != TD_CG_V2)
                return -EINVAL;
        td_cg_hier h = { .version = v, .controllers = controllers,
                         .mount = strdup(mount), .own = strdup(own && *own ? own : "/") };
        if (!h.mount || !h.own) {
                free(h.mount);
                free(h.own);
                return -ENOMEM;
        }
        size_t idx = l->n_hier++;
        l->hier[idx] = h;
        for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX; c++)
                if (controllers & (1u << c)) {
                        int old = l->ctrl_hier[c];
                        if (old >= 0)
                                l->hier[old].controllers &= ~(1u << c);
                        l->ctrl_hier[c] = (int) idx;
                }
        layout_update_kind(l);
        return 0;
}

/* Our controllers named in a comma list ("rw,cpu,cpuacct"). */
static unsigned controllers_in_list(const char *list, char sep) {
        unsigned mask = 0;

        for (const char *s = list; s && *s; ) {
                size_t n = strcspn(s, (char[]) { sep, '\n', ' ', 0 });
                char name[32];
                if (n < sizeof name) {
                        memcpy(name, s, n);
                        name[n] = 0;
                        td_cg_controller c = td_cg_controller_from_name(name);
                        if (c >= 0)
                                mask |= 1u << c;
                }
                s += n;
                s += strspn(s, (char[]) { sep, '\n', ' ', 0 });
        }
        return mask;
}

/* The process's cgroup for a v1 controller (by name) or v2 (NULL), from a
 * /proc/PID/cgroup text. Returns a pointer into a static buffer or NULL. */
static const char *self_path(const char *self_cgroup, const char *controller, char *buf, size_t size) {
        for (const char *line = self_cgroup; line && *line; ) {
                const char *eol = strchrnul(line, '\n');
                const char *c1 = memchr(line, ':', eol - line);
                const char *c2 = c1 ? memchr(c1 + 1, ':', eol - c1 - 1) : NULL;
                if (c2) {
                        bool match;
                        if (!controller)
                                match = c2 == c1 + 1 && strneq(line, "0:", 2);
                        else {
                                char list[256];
                                size_t n = MIN((size_t) (c2 - c1 - 1), sizeof list - 1);
                                memcpy(list, c1 + 1, n);
                                list[n] = 0;
                                match = controllers_in_list(list, ',') &
                                        (1u << td_cg_controller_from_name(controller));
                        }
                        if (match && (size_t) (eol - c2) <= size) {
                                memcpy(buf, c2 + 1, eol - c2 - 1);
                                buf[eol - c2 - 1] = 0;
                                return buf;
                        }
                }
                line = *eol ? eol + 1 : eol;
        }
        return NULL;
}

/* A cgroup path as seen by the process, made relative to a mount whose
 * root (mountinfo field 4) is `mroot` (not "/" in a container with a
 * bind-mounted subtree). */
static const char *strip_mount_root(const char *path, const char *mroot) {
        size_t n = strlen(mroot);

        if (streq(mroot, "/") || !strneq(path, mroot, n) || (path[n] && path[n] != '/'))
                return path;
        return path[n] ? path + n : "/";
}

int td_cg_layout_parse(const char *mountinfo, const char *self_cgroup, td_cgroup_mode mode,
                       td_cg_layout *ret) {
        td_cg_layout l;
        unsigned taken = 0;
        char v2_mount[PATH_MAX] = "", v2_root[PATH_MAX] = "";
        int r;

        td_cg_layout_init(&l);
        for (const char *line = mountinfo; line && *line; ) {
                const char *eol = strchrnul(line, '\n');
                char root[PATH_MAX], mnt[PATH_MAX], fstype[32], opts[512];
                _cleanup_free_ char *copy = strndup(line, eol - line);
                const char *sep = copy ? strstr(copy, " - ") : NULL;

                line = *eol ? eol + 1 : eol;
                if (!copy) {
                        td_cg_layout_done(&l);
                        return -ENOMEM;
                }
                if (!sep || sscanf(copy, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 ||
                    sscanf(sep, " - %31s %*s %511s", fstype, opts) != 2)
                        continue;
                if (streq(fstype, "cgroup2") && mode != TD_CGROUP_V1 && !*v2_mount) {
                        snprintf(v2_mount, sizeof v2_mount, "%s", mnt);
                        snprintf(v2_root, sizeof v2_root, "%s", root);
                }
                if (!streq(fstype, "cgroup") || mode == TD_CGROUP_V2)
                        continue;
                unsigned mask = controllers_in_list(opts, ',') & ~taken;
                if (!mask)
                        continue;   /* name=systemd, devices, or a second mount of one we have */
                char own[PATH_MAX];
                td_cg_controller first = __builtin_ctz(mask);
                const char *p = self_path(self_cgroup, td_cg_controller_to_name(first, TD_CG_V1), own, sizeof own);
                r = td_cg_layout_add(&l, TD_CG_V1, mask, mnt, strip_mount_root(p ? p : "/", root));
                if (r < 0) {
                        td_cg_layout_done(&l);
                        return r;
                }
                taken |= mask;
        }
        /* A controller belongs to one hierarchy: whatever v1 does not hold is
         * on the unified one (the caller narrows this to cgroup.controllers). */
        unsigned rest = ((1u << _TD_CG_CONTROLLER_MAX) - 1) & ~taken;
        if (*v2_mount && rest) {
                char own[PATH_MAX];
                const char *p = self_path(self_cgroup, NULL, own, sizeof own);
                r = td_cg_layout_add(&l, TD_CG_V2, rest, v2_mount, strip_mount_root(p ? p : "/", v2_root));
                if (r < 0) {
                        td_cg_layout_done(&l);
                        return r;
                }
        }
        *ret = l;
        return 0;
}

/* libcgroup's ECG* codes as negative errnos, at this one boundary. */
static int errno_from_ecg(int ecg) {
        switch (ecg) {
        case 0: return 0;
        case ECGOTHER: return -cgroup_get_last_errno() ?: -EIO;
        case ECGROUPNOTMOUNTED:
        case ECGROUPSUBSYSNOTMOUNTED:
        case ECGROUPNOTEXIST: return -ENOENT;
        case ECGROUPNOTALLOWED:
        case ECGROUPNOTOWNER: return -EPERM;
        default: return -EIO;
        }
}

/* Cross-check the mountinfo result with libcgroup's view of the v1
 * controllers; on disagreement mountinfo wins (it is what the kernel says
 * now; libcgroup caches its table at cgroup_init) and a warning says so. */
static void layout_check_libcgroup(const td_cg_layout *l, td_diags *ds) {
        td_mark m = { .file = "/proc/self/mountinfo" };
        struct cgroup_mount_point mp;
        void *handle = NULL;
        int r;

        r = cgroup_init();
        if (r != 0) {
                if (l->kind != TD_CG_LAYOUT_V2)
                        td_diag_warn(ds, m, NULL, "libcgroup: cgroup_init: %s (using mountinfo only)",
                                     strerror(-errno_from_ecg(r)));
                return;
        }
        for (r = cgroup_get_controller_begin(&handle, &mp); r == 0;
             r = cgroup_get_controller_next(&handle, &mp)) {
                td_cg_controller c = td_cg_controller_from_name(mp.name);
                if (c < 0 || l->ctrl_hier[c] < 0)
                        continue;
                const td_cg_hier *h = &l->hier[l->ctrl_hier[c]];
                if (!streq(h->mount, mp.path))
                        td_diag_warn(ds, m, NULL, "libcgroup puts %s at %s, mountinfo at %s; using %s",
                                     mp.name, mp.path, h->mount, h->mount);
        }
        cgroup_get_controller_end(&handle);
}

/* Narrow the unified hierarchy to the controllers its root offers. */
static void layout_narrow_v2(td_cg_layout *l) {
        for (size_t i = 0; i < l->n_hier; i++) {
                td_cg_hier *h = &l->hier[i];
                _cleanup_free_ char *text = NULL;
                _cleanup_free_ char *path = NULL;

                if (h->version != TD_CG_V2)
                        continue;
                path = td_strdupf("%s/cgroup.controllers", h->mount);
                if (!path || td_read_file(path, 4096, &text, NULL) < 0)
                        continue;
                /* cpuacct has no v2 controller: its numbers come with cpu. */
                unsigned avail = controllers_in_list(text, ' ');
                if (avail & (1u << TD_CG_CPU))
                        avail |= 1u << TD_CG_CPUACCT;
                for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX; c++)
                        if ((h->controllers & (1u << c)) && !(avail & (1u << c))) {
                                h->controllers &= ~(1u << c);
                                l->ctrl_hier[c] = -1;
                        }
        }
        /* A hierarchy left without our controllers gets no tenant tree. */
        for (size_t i = 0; i < l->n_hier; ) {
                if (l->hier[i].controllers) {
                        i++;
                        continue;
                }
                free(l->hier[i].mount);
                free(l->hier[i].own);
                memmove(&l->hier[i], &l->hier[i + 1], (l->n_hier - i - 1) * sizeof l->hier[0]);
                l->n_hier--;
                for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX; c++)
                        if (l->ctrl_hier[c] > (int) i)
                                l->ctrl_hier[c]--;
        }
}

int td_cg_layout_detect(td_cgroup_mode mode, td_cg_layout *ret, td_diags *ds) {
        _cleanup_free_ char *mountinfo = NULL, *self = NULL;
        td_mark m = { .file = "/proc/self/mountinfo" };
        td_cg_layout l;
        int r;

        r = td_read_file("/proc/self/mountinfo", 4 << 20, &mountinfo, NULL);
        if (r >= 0)
                r = td_read_file("/proc/self/cgroup", 1 << 20, &self, NULL);
        if (r < 0)
                return r == -ENOMEM ? r : td_diag_error(ds, m, NULL, "can not read: %s", strerror(-r)), r;
        r = td_cg_layout_parse(mountinfo, self, mode, &l);
        if (r < 0)
                return r;
        layout_narrow_v2(&l);
        layout_update_kind(&l);
        bool any = false;
        for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX; c++)
                any |= l.ctrl_hier[c] >= 0;
        if (!any) {
                td_cg_layout_done(&l);
                td_diag_error(ds, m, NULL, "no usable cgroup hierarchy (cgroup_version=%s)",
                              td_cgroup_mode_to_string(mode) ?: "?");
                return -ENOENT;
        }
        layout_check_libcgroup(&l, ds);
        *ret = l;
        return 0;
}

/* ---- the handle -------------------------------------------------------- */

static char *join_path(const char *a, const char *b) {
        /* Both are cgroup paths: "/" + "x" -> "/x", "/a" + "x" -> "/a/x". */
        return td_strdupf("%s%s%s", a, streq(a, "/") ? "" : "/", b);
}

static char *parent_path(const char *p) {
        const char *slash = strrchr(p, '/');
        return slash == p ? strdup("/") : strndup(p, slash - p);
}

int td_cg_open(const td_cg_layout *layout, const char *tenant_root, const td_cg_options *opts,
               td_cg **ret, td_diags *ds) {
        td_mark m = { .file = "tenant_root" };
        const char *why = td_cgroup_path_problem(tenant_root);
        _cleanup_(td_cg_freep) td_cg *cg = NULL;
        char q[96];
        int r;

        if (why)
                return td_diag_error(ds, m, "tenant_root", "expected a cgroup path like "
                                     "/tenantd.slice/tenants or tenants (%s), got %s",
                                     why, td_quote(tenant_root, q, sizeof q));
        cg = calloc(1, sizeof *cg);
        if (!cg)
                return -ENOMEM;
        td_cg_layout_init(&cg->layout);
        for (size_t i = 0; i < ELEMENTSOF(cg->roots); i++)
                cg->roots[i].fd = -1;
        for (size_t i = 0; i < layout->n_hier; i++) {
                const td_cg_hier *h = &layout->hier[i];
                td_cg_root *root = &cg->roots[i];
                bool abs = tenant_root[0] == '/';

                r = td_cg_layout_add(&cg->layout, h->version, h->controllers, h->mount, h->own);
                if (r < 0)
                        return r;
                root->path = abs ? strdup(tenant_root) : join_path(h->own, tenant_root);
                root->top = strdup(abs ? "/" : h->own);
                root->dir = root->path ? td_strdupf("%s%s", h->mount, root->path) : NULL;
                if (!root->path || !root->top || !root->dir)
                        return -ENOMEM;
                root->fd = open(root->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        }
        memcpy(cg->layout.ctrl_hier, layout->ctrl_hier, sizeof cg->layout.ctrl_hier);
        if (opts) {
                if (opts->host) {
                        cg->host = *opts->host;
                        cg->host_given = true;
                }
                if (opts->state_path && !(cg->state_path = strdup(opts->state_path)))
                        return -ENOMEM;
                cg->mkdirat = opts->mkdirat;
                cg->rmdirat = opts->rmdirat;
                cg->write = opts->write;
                cg->userdata = opts->userdata;
        }
        *ret = TAKE_PTR(cg);
        return 0;
}

td_cg *td_cg_free(td_cg *cg) {
        if (!cg)
                return NULL;
        for (size_t i = 0; i < cg->layout.n_hier; i++) {
                td_cg_root *root = &cg->roots[i];
                if (root->fd >= 0)
                        close(root->fd);
                free(root->path);
                free(root->top);
                free(root->dir);
        }
        td_cg_layout_done(&cg->layout);
        td_cg_cache_free(cg->cache);
        free(cg->state_path);
        free(cg);
        return NULL;
}

const td_cg_layout *td_cg_get_layout(const td_cg *cg) {
        return &cg->layout;
}

const td_cg_host *td_cg_get_host(const td_cg *cg) {
        return &cg->host;
}

char *td_cg_fallback_path(const td_cg *cg, size_t hier, const char *fallback) {
        _cleanup_free_ char *parent = parent_path(cg->roots[hier].path);
        return parent ? join_path(parent, fallback) : NULL;
}

char *td_cg_group_path(const td_cg *cg, td_cg_controller c, const char *tenant, bool leaf) {
        if (c < 0 || c >= _TD_CG_CONTROLLER_MAX || cg->layout.ctrl_hier[c] < 0)
                return NULL;
        const td_cg_root *root = &cg->roots[cg->layout.ctrl_hier[c]];
        if (!tenant)
                return strdup(root->dir);
        return td_strdupf("%s/%s%s", root->dir, tenant, leaf ? "/" TD_CG_LEAF : "");
}

int td_cg_group_dirfd(const td_cg *cg, td_cg_controller c, const char *tenant, bool leaf) {
        _cleanup_free_ char *path = NULL;
        int fd;

        if (c < 0 || c >= _TD_CG_CONTROLLER_MAX || cg->layout.ctrl_hier[c] < 0)
                return -EOPNOTSUPP;
        path = td_cg_group_path(cg, c, tenant, leaf);
        if (!path)
                return -ENOMEM;
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

int td_cg_write_knob(const td_cg *cg, int dirfd, const char *file, const char *value) {
        if (cg->write)
                return cg->write(dirfd, file, value, cg->userdata);
        return td_write_fileat(dirfd, file, value);
}

int td_cg_attach(td_cg *cg, const char *tenant, pid_t pid) {
        char buf[32];
        int first = 0;

        snprintf(buf, sizeof buf, "%d", (int) pid);
        for (size_t i = 0; i < cg->layout.n_hier; i++) {
                _cleanup_free_ char *path = td_strdupf("%s/%s/" TD_CG_LEAF, cg->roots[i].dir, tenant);
                _cleanup_close_ int fd = -1;
                int r;

                if (!path)
                        return -ENOMEM;
                fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                r = fd < 0 ? -errno : td_cg_write_knob(cg, fd, "cgroup.procs", buf);
                if (r < 0 && first == 0)
                        first = r;
        }
        return first;
}

/* ---- one-shot entry point ---------------------------------------------- */

/* The tenants and their policies in one block: n td_cg_tenant, then n
 * td_policy, so that td_cg_tenants_free needs nothing but the pointer. */
int td_cg_tenants_from_set(const td_policy_set *set, td_cg_tenant **ret, size_t *ret_n, td_diags *ds) {
        size_t n = set->n_tenants;
        td_cg_tenant *t = calloc(1, n * (sizeof(td_cg_tenant) + sizeof(td_policy)) + 1);
        td_policy *pol = (td_policy *) (t + n);
        int r;

        if (!t)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const td_policy_entry *e = &set->tenants[i];
                t[i] = (td_cg_tenant) { .name = e->policy.name, .path = e->path };
                if (!e->valid || !e->policy.name)
                        continue;
                /* By entry, not by name: a name lookup per tenant made this
                 * quadratic (19% of `check` at 10,000 tenants in bench/). */
                r = td_policy_entry_effective(set, e, &pol[i], ds);
                if (r == -ENOMEM) {
                        td_cg_tenants_free(t, i);
                        return r;
                }
                if (r >= 0) {
                        t[i].policy = &pol[i];
                        t[i].valid = true;
                }
        }
        *ret = t;
        *ret_n = n;
        return 0;
}

void td_cg_tenants_free(td_cg_tenant *t, size_t n) {
        if (!t)
                return;
        for (size_t i = 0; i < n; i++)
                if (t[i].policy)
                        td_policy_done((td_policy *) t[i].policy);
        free(t);
}

int td_reconcile(const td_conf *conf, const td_policy_set *set, unsigned flags,
                 td_reconcile_report *ret, td_diags *ds) {
        _cleanup_(td_cg_freep) td_cg *cg = NULL;
        td_cg_layout layout;
        td_cg_tenant *t;
        size_t n;
        int r;

        *ret = (td_reconcile_report) {};
        r = td_cg_layout_detect(conf->cgroup_mode, &layout, ds);
        if (r < 0)
                return r;
        r = td_cg_open(&layout, conf->tenant_root, NULL, &cg, ds);
        td_cg_layout_done(&layout);
        if (r < 0)
                return r;
        r = td_cg_tenants_from_set(set, &t, &n, ds);
        if (r < 0)
                return r;
        r = td_cg_reconcile(cg, t, n, conf->on_busy, conf->fallback, flags, ret, ds);
        td_cg_tenants_free(t, n);
        return r;
}
