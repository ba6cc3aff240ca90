/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A fake cgroup file system in a temp directory, for the cgroup core's unit
 * tests (h5). It plays the kernel through td_cg_options' hooks: a new group
 * gets its controllers' knob files with their defaults, v1 cpuset honours
 * clone_children and the subset rules, v1 memory keeps limit <= memsw, v2
 * enables controllers through cgroup.subtree_control, device files merge
 * per device, cgroup.procs moves a pid, rmdir refuses a busy group.
 * A write of "666" fails with EINVAL (to test failure isolation). */

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>

#include "cgroup-internal.h"
#include "tap.h"

typedef struct fake_hier {
        td_cg_version version;
        unsigned controllers;
        const char *name;          /* directory under base: "cpu", "unified" */
        const char *own;           /* the test process's pretend cgroup */
} fake_hier;

typedef struct fake {
        char base[64];
        fake_hier hier[8];
        size_t n_hier;
        bool memsw, rt, blkio_weight;
        int n_mkdir, n_write;
} fake;

#define C(x) (1u << TD_CG_##x)

static inline int fake_put(int dirfd, const char *file, const char *value) {
        _cleanup_close_ int fd = openat(dirfd, file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        size_t n = strlen(value);
        return write(fd, value, n) == (ssize_t) n ? 0 : -EIO;
}

static inline char *fake_get(int dirfd, const char *file) {
        char *s = NULL;
        if (td_read_fileat(dirfd, file, 1 << 16, &s, NULL) < 0)
                return NULL;
        return s;
}

static inline char *fake_get_path(const fake *f, const char *rel) {
        char *s = NULL;
        _cleanup_free_ char *p = td_strdupf("%s/%s", f->base, rel);
        if (td_read_file(p, 1 << 16, &s, NULL) < 0)
                return NULL;
        size_t n = strlen(s);
        while (n > 0 && s[n - 1] == '\n')
                s[--n] = 0;
        return s;
}

static inline bool fake_exists(const fake *f, const char *rel) {
        _cleanup_free_ char *p = td_strdupf("%s/%s", f->base, rel);
        return access(p, F_OK) == 0;
}

/* Which fake hierarchy a directory fd is in. */
static inline const fake_hier *fake_hier_of(const fake *f, int dirfd, char *path, size_t size) {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
        ssize_t len = readlink(link, path, size - 1);
        if (len < 0)
                return NULL;
        path[len] = 0;
        for (size_t i = 0; i < f->n_hier; i++) {
                char pre[128];
                snprintf(pre, sizeof pre, "%s/%s", f->base, f->hier[i].name);
                size_t n = strlen(pre);
                if (strneq(path, pre, n) && (path[n] == '/' || path[n] == 0))
                        return &f->hier[i];
        }
        return NULL;
}

/* Create what is missing: the kernel adds a controller's files to every
 * child when the parent enables it. */
static inline void fake_put_new(int dirfd, const char *file, const char *value) {
        if (faccessat(dirfd, file, F_OK, 0) < 0)
                fake_put(dirfd, file, value);
}

static inline void fake_v2_files(int fd, const char *en) {
        fake_put(fd, "cgroup.controllers", en ? en : "");
        if (td_cg_word_in(en, "cpu")) {
                fake_put_new(fd, "cpu.weight", "100\n");
                fake_put_new(fd, "cpu.max", "max 100000\n");
        }
        if (td_cg_word_in(en, "cpuset")) {
                fake_put_new(fd, "cpuset.cpus", "\n");
                fake_put_new(fd, "cpuset.mems", "\n");
        }
        if (td_cg_word_in(en, "memory")) {
                fake_put_new(fd, "memory.max", "max\n");
                fake_put_new(fd, "memory.high", "max\n");
                fake_put_new(fd, "memory.swap.max", "max\n");
        }
        if (td_cg_word_in(en, "io")) {
                fake_put_new(fd, "io.max", "");
                fake_put_new(fd, "io.weight", "default 100\n");
        }
        if (td_cg_word_in(en, "pids"))
                fake_put_new(fd, "pids.max", "max\n");
}

static inline int fake_populate(const fake *f, const fake_hier *h, int parent, int fd, bool root) {
        unsigned ctl = h->controllers;
        int r = fake_put(fd, "cgroup.procs", "");

        if (h->version == TD_CG_V2) {
                fake_put(fd, "cgroup.subtree_control", "");
                if (root)
                        fake_put(fd, "cgroup.controllers", "cpu cpuset io memory pids\n");
                else {
                        _cleanup_free_ char *en = fake_get(parent, "cgroup.subtree_control");
                        fake_v2_files(fd, en);
                }
                return r;
        }
        fake_put(fd, "tasks", "");
        _cleanup_free_ char *cc = parent >= 0 ? fake_get(parent, "cgroup.clone_children") : NULL;
        bool clone = cc && cc[0] == '1';
        fake_put(fd, "cgroup.clone_children", clone ? "1\n" : "0\n");
        if (ctl & C(CPU)) {
                fake_put(fd, "cpu.shares", "1024\n");
                fake_put(fd, "cpu.cfs_period_us", "100000\n");
                fake_put(fd, "cpu.cfs_quota_us", "-1\n");
                if (f->rt) {
                        fake_put(fd, "cpu.rt_period_us", "1000000\n");
                        fake_put(fd, "cpu.rt_runtime_us", root ? "950000\n" : "0\n");
                }
        }
        if (ctl & C(CPUACCT))
                fake_put(fd, "cpuacct.usage", "0\n");
        if (ctl & C(CPUSET)) {
                _cleanup_free_ char *cpus = clone ? fake_get(parent, "cpuset.cpus") : NULL;
                _cleanup_free_ char *mems = clone ? fake_get(parent, "cpuset.mems") : NULL;
                fake_put(fd, "cpuset.cpus", root ? "0-3\n" : cpus ? cpus : "\n");
                fake_put(fd, "cpuset.mems", root ? "0\n" : mems ? mems : "\n");
        }
        if (ctl & C(MEMORY)) {
                fake_put(fd, "memory.limit_in_bytes", TD_CG_V1_UNLIMITED "\n");
                fake_put(fd, "memory.soft_limit_in_bytes", TD_CG_V1_UNLIMITED "\n");
                if (f->memsw)
                        fake_put(fd, "memory.memsw.limit_in_bytes", TD_CG_V1_UNLIMITED "\n");
        }
        if (ctl & C(IO)) {
                fake_put(fd, "blkio.throttle.read_bps_device", "");
                fake_put(fd, "blkio.throttle.write_bps_device", "");
                fake_put(fd, "blkio.throttle.read_iops_device", "");
                fake_put(fd, "blkio.throttle.write_iops_device", "");
                if (f->blkio_weight)
                        fake_put(fd, "blkio.weight", "500\n");
        }
        if (ctl & C(PIDS))
                fake_put(fd, "pids.max", "max\n");
        return r;
}

static inline int fake_mkdirat(int dirfd, const char *name, void *ud) {
        fake *f = ud;
        char path[PATH_MAX];
        const fake_hier *h = fake_hier_of(f, dirfd, path, sizeof path);

        if (mkdirat(dirfd, name, 0755) < 0)
                return -errno;
        f->n_mkdir++;
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY);
        if (!h || fd < 0)
                return fd < 0 ? -errno : 0;
        return fake_populate(f, h, dirfd, fd, false);
}

static inline int fake_rmdirat(int dirfd, const char *name, void *ud) {
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY);
        _cleanup_free_ char *procs = fd >= 0 ? fake_get(fd, "cgroup.procs") : NULL;
        DIR *d;
        struct dirent *de;

        if (fd < 0)
                return -errno;
        if (procs && procs[strspn(procs, " \n")])
                return -EBUSY;
        d = fdopendir(dup(fd));
        while (d && (de = readdir(d)))
                if (de->d_type == DT_REG)
                        unlinkat(fd, de->d_name, 0);
        if (d)
                closedir(d);
        return unlinkat(dirfd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}

/* ---- write semantics ---- */

static const char *fake_pid_to_move;
static int fake_unlist(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        if (type != FTW_F || !strstr(path, "/cgroup.procs"))
                return 0;
        _cleanup_free_ char *s = NULL;
        if (td_read_file(path, 1 << 16, &s, NULL) < 0)
                return 0;
        char out[4096] = "";
        for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n"))
                if (!streq(line, fake_pid_to_move))
                        snprintf(out + strlen(out), sizeof out - strlen(out), "%s\n", line);
        _cleanup_close_ int fd = open(path, O_WRONLY | O_TRUNC);
        if (fd >= 0 && write(fd, out, strlen(out)) < 0)
                return 0;
        return 0;
}

/* Merge one "MAJ:MIN ..." line into a device file; `clear` removes it. */
static inline int fake_merge_device(int dirfd, const char *file, const char *value, bool clear) {
        _cleanup_free_ char *old = fake_get(dirfd, file);
        size_t dn = strcspn(value, " ");
        char out[4096] = "";

        for (char *line = old ? strtok(old, "\n") : NULL; line; line = strtok(NULL, "\n"))
                if (!(strneq(line, value, dn) && line[dn] == ' '))
                        snprintf(out + strlen(out), sizeof out - strlen(out), "%s\n", line);
        if (!clear)
                snprintf(out + strlen(out), sizeof out - strlen(out), "%s\n", value);
        return fake_put(dirfd, file, out);
}

static inline bool fake_subset(const char *a, const char *b) {   /* a within b */
        uint64_t ba[64], bb[64];
        if (td_cg_cpulist_parse(a ? a : "", ba) < 0 || td_cg_cpulist_parse(b ? b : "", bb) < 0)
                return false;
        for (size_t i = 0; i < 64; i++)
                if (ba[i] & ~bb[i])
                        return false;
        return true;
}

static inline int fake_write(int dirfd, const char *file, const char *value, void *ud) {
        fake *f = ud;
        char path[PATH_MAX];
        const fake_hier *h = fake_hier_of(f, dirfd, path, sizeof path);

        if (faccessat(dirfd, file, F_OK, 0) < 0)
                return -errno;
        if (streq(value, "666"))
                return -EINVAL;
        f->n_write++;
        if (streq(file, "cgroup.procs") && h) {
                char top[PATH_MAX], self[16];
                snprintf(top, sizeof top, "%s/%s", f->base, h->name);
                if (streq(value, "0")) {   /* "0": the writer itself */
                        snprintf(self, sizeof self, "%d", (int) getpid());
                        value = self;
                }
                fake_pid_to_move = value;
                nftw(top, fake_unlist, 16, FTW_PHYS);
                _cleanup_free_ char *old = fake_get(dirfd, file);
                _cleanup_free_ char *s = td_strdupf("%s%s\n", old ? old : "", value);
                return fake_put(dirfd, file, s);
        }
        if (streq(file, "cgroup.subtree_control")) {
                _cleanup_free_ char *old = fake_get(dirfd, file);
                /* v2's "no internal process" rule, below the hierarchy's root. */
                _cleanup_free_ char *procs = fake_get(dirfd, "cgroup.procs");
                char here[PATH_MAX];
                snprintf(here, sizeof here, "%s/%s", f->base, h ? h->name : "");
                if (h && h->version == TD_CG_V2 && strchr(value, '+') && procs && procs[strspn(procs, " \n")] &&
                    !streq(path, here))
                        return -EBUSY;
                char out[256] = "";
                static const char *const all[] = { "cpu", "cpuset", "io", "memory", "pids" };
                for (size_t i = 0; i < ELEMENTSOF(all); i++) {
                        char plus[16], minus[16];
                        snprintf(plus, sizeof plus, "+%s", all[i]);
                        snprintf(minus, sizeof minus, "-%s", all[i]);
                        bool on = (td_cg_word_in(old, all[i]) || td_cg_word_in(value, plus)) &&
                                  !td_cg_word_in(value, minus);
                        if (on)
                                snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s",
                                         *out ? " " : "", all[i]);
                }
                strcat(out, "\n");
                /* Children see the new set at once. */
                DIR *d = fdopendir(dup(dirfd));
                struct dirent *de;
                while (d && (de = readdir(d)))
                        if (de->d_type == DT_DIR && de->d_name[0] != '.') {
                                _cleanup_close_ int cfd = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY);
                                if (cfd >= 0)
                                        fake_v2_files(cfd, out);
                        }
                if (d)
                        closedir(d);
                return fake_put(dirfd, file, out);
        }
        if (streq(file, "io.max")) {
                bool clear = strstr(value, "rbps=max wbps=max riops=max wiops=max") != NULL;
                return fake_merge_device(dirfd, file, value, clear);
        }
        if (startswith(file, "blkio.throttle.")) {
                const char *sp = strchr(value, ' ');
                return fake_merge_device(dirfd, file, value, sp && streq(sp + 1, "0"));
        }
        if (streq(file, "memory.limit_in_bytes") || streq(file, "memory.memsw.limit_in_bytes")) {
                bool lim = streq(file, "memory.limit_in_bytes");
                _cleanup_free_ char *other = fake_get(dirfd, lim ? "memory.memsw.limit_in_bytes"
                                                                   : "memory.limit_in_bytes");
                uint64_t v = td_cg_value_number(value), o = other ? td_cg_value_number(other) : UINT64_MAX;
                if (other && (lim ? v > o : v < o))
                        return -EINVAL;   /* the kernel keeps limit <= memsw */
        }
        if (h && h->version == TD_CG_V1 && startswith(file, "cpuset.")) {
                /* v1: a child within its parent, a parent around its children. */
                _cleanup_close_ int pfd = openat(dirfd, "..", O_RDONLY | O_DIRECTORY);
                _cleanup_free_ char *pv = pfd >= 0 ? fake_get(pfd, file) : NULL;
                if (pv && pv[strspn(pv, "\n ")] && !fake_subset(value, pv))
                        return -EACCES;
                _cleanup_close_ int lfd = openat(dirfd, TD_CG_LEAF, O_RDONLY | O_DIRECTORY);
                _cleanup_free_ char *lv = lfd >= 0 ? fake_get(lfd, file) : NULL;
                if (lv && !fake_subset(lv, value))
                        return -EBUSY;
        }
        return fake_put(dirfd, file, value);
}

/* Create base/<name>/<own> for each hierarchy, with root knob files. */
static inline void fake_init(fake *f) {
        snprintf(f->base, sizeof f->base, "/tmp/tenantd-test-fake-XXXXXX");
        if (!mkdtemp(f->base))
                tap_skip_all("mkdtemp failed");
        for (size_t i = 0; i < f->n_hier; i++) {
                const fake_hier *h = &f->hier[i];
                _cleanup_free_ char *dir = td_strdupf("%s/%s", f->base, h->name);
                mkdir(dir, 0755);
                _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY);
                fake_populate(f, h, -1, fd, true);
                /* The pretend own cgroup, each level like a kernel group. */
                char *p = td_strdupf("%s", h->own);
                int cur = dup(fd);
                for (char *tok = strtok(p, "/"); tok; tok = strtok(NULL, "/")) {
                        fake_mkdirat(cur, tok, f);
                        int next = openat(cur, tok, O_RDONLY | O_DIRECTORY);
                        close(cur);
                        cur = next;
                }
                close(cur);
                free(p);
        }
}

static int fake_rm(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        return remove(path) < 0 ? 0 : 0;
}

static inline void fake_done(fake *f) {
        nftw(f->base, fake_rm, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void fake_layout(const fake *f, td_cg_layout *l) {
        td_cg_layout_init(l);
        for (size_t i = 0; i < f->n_hier; i++) {
                _cleanup_free_ char *mnt = td_strdupf("%s/%s", f->base, f->hier[i].name);
                td_cg_layout_add(l, f->hier[i].version, f->hier[i].controllers, mnt, f->hier[i].own);
        }
}

static inline td_cg_options fake_options(fake *f, const td_cg_host *host) {
        return (td_cg_options) {
                .host = host, .mkdirat = fake_mkdirat, .rmdirat = fake_rmdirat,
                .write = fake_write, .userdata = f,
        };
}

/* The v1 layout of the project's test host: one hierarchy per controller,
 * the memory one below a machine-managed group. */
static inline void fake_v1(fake *f) {
        *f = (fake) { .memsw = true, .rt = true };
        f->hier[f->n_hier++] = (fake_hier) { TD_CG_V1, C(CPU), "cpu", "/" };
        f->hier[f->n_hier++] = (fake_hier) { TD_CG_V1, C(CPUACCT), "cpuacct", "/" };
        f->hier[f->n_hier++] = (fake_hier) { TD_CG_V1, C(CPUSET), "cpuset", "/" };
        f->hier[f->n_hier++] = (fake_hier) { TD_CG_V1, C(MEMORY), "memory", "/process_api/abc" };
        f->hier[f->n_hier++] = (fake_hier) { TD_CG_V1, C(IO), "blkio", "/" };
        f->hier[f->n_hier++] = (fake_hier) { TD_CG_V1, C(PIDS), "pids", "/" };
        fake_init(f);
}

static inline void fake_v2(fake *f, const char *own) {
        *f = (fake) {};
        f->hier[f->n_hier++] = (fake_hier) { TD_CG_V2, C(CPU) | C(CPUACCT) | C(CPUSET) | C(MEMORY) |
                                             C(IO) | C(PIDS), "unified", own };
        fake_init(f);
}
