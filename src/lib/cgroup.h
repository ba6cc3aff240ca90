/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The cgroup core: layout detection, compile (policy -> knob writes) and
 * apply/reconcile/teardown of the tenant tree, on cgroup v1, hybrid and v2
 * hosts.
 *
 * OWNERSHIP: this header and cgroup.c (front: names, ops table, layout,
 * handle), cgroup-v1.c, cgroup-v2.c (backends), cgroup-compile.c (with the
 * v1 <-> v2 knob table), cgroup-apply.c, cgroup-root.c, cgroup-remove.c,
 * cgroup-state.c and the private cgroup-internal.h belong to the cgroup
 * core (h5). The declarations below are a stable interface for:
 *   - stats / `tenantctl list|show` (h5b): td_cg_open, td_cg_group_path,
 *     td_cg_group_dirfd, td_cg_get_layout; stats live in cgroup-stats.[ch].
 *   - the daemon: td_cg_open + td_cg_reconcile (keep the td_cg between
 *     runs: it caches dir fds and the applied state, so an unchanged tenant
 *     costs no system call; pass TD_RECONCILE_VERIFY on the sweep timer to
 *     undo changes made behind tenantd's back), or td_reconcile.
 *   - PAM / classify: td_cg_attach.
 *   - enforcement tests / VM harness (h6): `tenantctl apply`.
 * Add new declarations at the end of a section; never change existing ones
 * without telling h5.
 *
 * Tree shape, identical in every hierarchy (v1 controller mounts and the v2
 * unified mount):
 *     <tenant root>/                  created by tenantd, never above it
 *     <tenant root>/<tenant>/         limits live here
 *     <tenant root>/<tenant>/procs/   TD_CG_LEAF: processes go here
 * v2 forbids processes in a group whose controllers are enabled for its
 * children (the "no internal process" rule), so limits and processes can
 * not share a directory; the leaf keeps the shape the same on v1 so PAM
 * and classify place processes in one path everywhere. On v1, knobs that
 * the kernel checks hierarchically against children (cpuset.cpus/mems,
 * cpu.rt_*) are mirrored into the leaf (a v1 cpuset child must be a subset
 * of its parent; an RT task needs rt_runtime_us > 0 in its own group).
 *
 * The tenant root comes from td_conf.tenant_root: an absolute path is the
 * same path in every hierarchy; a relative one is below the calling
 * process's own cgroup in each hierarchy (/proc/self/cgroup), resolved once
 * in td_cg_open (so a daemon may move itself afterwards). Below "top" (/
 * for an absolute root, the own cgroup for a relative one) missing
 * directories down to the root are created. tenantd writes only inside the
 * tenant root, with two exceptions on the path from top to the root:
 *   - v2: it enables its controllers (cpu cpuset io memory pids, those
 *     offered) in cgroup.subtree_control of each directory that lacks them.
 *     In a systemd Delegate=yes unit top is the unit's cgroup; the kernel
 *     refuses this while that cgroup holds processes, so a daemon using a
 *     relative root opens the td_cg first, then moves itself into a leaf
 *     of its own with td_cg_leave_top (tenantd: <own>/supervisor).
 *   - v1 with RT group scheduling: cpu.rt_runtime_us of each directory is
 *     raised to the sum of the tenants' realtime shares (new groups start
 *     with none), and lowered again when that directory holds only our root.
 *
 * Errors are negative errnos. Policy and "host can not honour it" problems
 * go to td_diags (mark = the tenant's file, key = the policy key such as
 * "memory.swap_max"); what happened to each tenant while applying (a write
 * the kernel refused, a busy group) is in the td_reconcile_report. Nothing
 * here prints or exits. */

#include <sys/types.h>

#include "conf.h"
#include "diag.h"
#include "policy.h"

#define TD_CG_LEAF "procs"    /* leaf group for processes, below each tenant */

/* ---- controllers and layout -------------------------------------------- */

typedef enum td_cg_controller {
        TD_CG_CPU,
        TD_CG_CPUACCT,       /* v1 only; on v2 its numbers are in cpu.stat */
        TD_CG_CPUSET,
        TD_CG_MEMORY,
        TD_CG_IO,            /* v1 "blkio", v2 "io" */
        TD_CG_PIDS,
        _TD_CG_CONTROLLER_MAX,
        _TD_CG_CONTROLLER_INVALID = -EINVAL,
} td_cg_controller;

typedef enum td_cg_version {
        TD_CG_NONE,          /* controller not available on this host */
        TD_CG_V1,
        TD_CG_V2,
        _TD_CG_VERSION_MAX,
        _TD_CG_VERSION_INVALID = -EINVAL,
} td_cg_version;

typedef enum td_cg_layout_kind {
        TD_CG_LAYOUT_V1,     /* all used controllers on v1 mounts */
        TD_CG_LAYOUT_HYBRID, /* some on v1, some on the unified mount */
        TD_CG_LAYOUT_V2,     /* all on the unified mount */
        _TD_CG_LAYOUT_KIND_MAX,
        _TD_CG_LAYOUT_KIND_INVALID = -EINVAL,
} td_cg_layout_kind;

/* Kernel name: "cpu", "cpuacct", "cpuset", "memory", "blkio"/"io", "pids". */
const char *td_cg_controller_to_name(td_cg_controller c, td_cg_version v);
td_cg_controller td_cg_controller_from_name(const char *name);   /* accepts blkio and io */
const char *td_cg_layout_kind_to_name(td_cg_layout_kind k);      /* "v1", "hybrid", "v2" */

/* One mounted hierarchy that holds at least one of our controllers. */
typedef struct td_cg_hier {
        td_cg_version version;
        unsigned controllers;  /* bit (1u << td_cg_controller) */
        char *mount;           /* mount point, e.g. /sys/fs/cgroup/memory */
        char *own;             /* the calling process's cgroup in it, "/" or "/a/b" */
} td_cg_hier;

typedef struct td_cg_layout {
        td_cg_hier hier[_TD_CG_CONTROLLER_MAX];
        size_t n_hier;
        int ctrl_hier[_TD_CG_CONTROLLER_MAX];   /* index into hier, -1: not available */
        td_cg_layout_kind kind;
} td_cg_layout;

/* Detect the real host's layout: libcgroup (cgroup_init,
 * cgroup_get_controller_begin/next) for the v1 mounts, /proc/self/mountinfo
 * and /proc/self/cgroup for what libcgroup 2.0.2 gets wrong or does not
 * report (see cgroup.c). `mode` restricts to v1 or v2 mounts. Returns 0,
 * -ENOENT with an error in ds when no cgroup hierarchy is usable, -ENOMEM. */
int td_cg_layout_detect(td_cgroup_mode mode, td_cg_layout *ret, td_diags *ds);

/* Build a layout from the text of a mountinfo and a /proc/PID/cgroup file
 * (pure; unit tests and the detection fallback). */
int td_cg_layout_parse(const char *mountinfo, const char *self_cgroup, td_cgroup_mode mode,
                       td_cg_layout *ret);

/* Add a hierarchy by hand (unit tests with a fake tree under a temp dir).
 * Controllers already present are taken over by the new entry. */
int td_cg_layout_add(td_cg_layout *l, td_cg_version v, unsigned controllers,
                     const char *mount, const char *own);

void td_cg_layout_init(td_cg_layout *l);
void td_cg_layout_done(td_cg_layout *l);

/* ---- host capabilities and compile ------------------------------------- */

/* What the host can honour, probed from the live tree (td_cg_probe_host) or
 * filled by hand in unit tests. Compile never touches the system except
 * through resolve_device. */
typedef struct td_cg_host {
        td_cg_version version[_TD_CG_CONTROLLER_MAX];
        bool memsw;           /* v1 memory.memsw.limit_in_bytes exists (swap accounting) */
        bool swap;            /* v2 memory.swap.max exists */
        bool io_weight;       /* v1 blkio.weight / v2 io.weight exists */
        bool bfq_weight;      /* v1 blkio.bfq.weight / v2 io.bfq.weight exists */
        bool rt;              /* v1 cpu.rt_runtime_us exists (CONFIG_RT_GROUP_SCHED) */
        unsigned page_size;   /* memory limits are rounded down to it; 0: 4096 */
        /* "/dev/vda" -> 254:0. NULL: stat(2), which must find a block device.
         * Returns 0 or -errno (-ENOTBLK for a non-block file). */
        int (*resolve_device)(const char *path, unsigned *ret_major, unsigned *ret_minor);
} td_cg_host;

/* How apply compares a live value with the wanted one. */
typedef enum td_cg_cmp {
        TD_CG_CMP_STRING,     /* exact, after trimming whitespace */
        TD_CG_CMP_NUMBER,     /* integers; "max", "-1" and v1's PAGE_COUNTER_MAX
                               * (9223372036854771712) all mean unlimited */
        TD_CG_CMP_CPU_MAX,    /* v2 "QUOTA PERIOD", quota "max" */
        TD_CG_CMP_CPULIST,    /* "0-2,4" == "0,1,2,4" */
        TD_CG_CMP_DEVICE,     /* one "MAJ:MIN ..." line of a multi-line file */
        _TD_CG_CMP_MAX,
        _TD_CG_CMP_INVALID = -EINVAL,
} td_cg_cmp;

/* Ordering of writes that the kernel checks against one another. Compile
 * emits the writes of a pair adjacent, the constrained-lower one first;
 * apply swaps them when the live values require it. */
typedef enum td_cg_order {
        TD_CG_ORDER_NONE,
        TD_CG_ORDER_LE_NEXT,  /* this value must stay <= the next write's file
                               * (memory.limit_in_bytes <= memsw.limit_in_bytes) */
        TD_CG_ORDER_NESTED,   /* v1 group/leaf mirror (this: group, next: leaf): the
                               * group must stay a superset of the leaf, so widen
                               * the group first and narrow the leaf first */
        TD_CG_ORDER_NESTED_INV, /* same, but a smaller value is wider (rt_period_us) */
        _TD_CG_ORDER_MAX,
        _TD_CG_ORDER_INVALID = -EINVAL,
} td_cg_order;

typedef struct td_cg_write {
        td_cg_controller controller;
        bool leaf;            /* write into <tenant>/procs instead of <tenant> */
        const char *file;     /* knob file, static string ("memory.max") */
        char *value;          /* owned; exactly what is written */
        td_cg_cmp cmp;
        td_cg_order order;
        const char *key;      /* policy key for messages ("memory.swap_max"), static */
        const char *dflt;     /* value in a newly created group; NULL: inherited
                               * from the parent (v1 cpuset, clone_children) */
} td_cg_write;

typedef struct td_cg_plan {
        td_cg_write *v;
        size_t n, cap;
} td_cg_plan;

void td_cg_plan_done(td_cg_plan *p);

/* Compile a tenant's EFFECTIVE policy into the complete list of knob writes
 * for its group on `host`: every knob tenantd manages gets a value, unset
 * ones their kernel default, so that reconcile also undoes a removed
 * setting. Every knob the host can not honour is an error naming tenant,
 * key and reason in ds (never dropped): realtime on v2 or without
 * RT_GROUP_SCHED, controller not mounted, device not found or not a block
 * device, swap_max without swap accounting, io weight without a weight
 * file. Returns 0, -EINVAL (errors in ds; *ret untouched), -ENOMEM.
 * See cgroup-compile.c for the v1 <-> v2 table. */
int td_cg_compile(const td_policy *p, const td_cg_host *host, td_cg_plan *ret, td_diags *ds);

/* The default td_cg_host.resolve_device: stat(2) a path, which must be a
 * block device ("/dev/vda" -> 254:0). Returns 0, -ENOTBLK or -errno. */
int td_cg_resolve_device(const char *path, unsigned *ret_major, unsigned *ret_minor);

/* systemd's conversions (src/basic/cgroup-util.h), also used by crun:
 * shares 2..262144 <-> weight 1..10000, linear with 1024 <-> 100. */
uint64_t td_cg_shares_to_weight(uint64_t shares);
uint64_t td_cg_weight_to_shares(uint64_t weight);
/* systemd's io.weight 1..10000 -> blkio.weight 10..1000 (100 -> 500), and
 * -> bfq weight 1..1000 (piecewise linear, 100 -> 100). */
uint64_t td_cg_io_weight_to_blkio(uint64_t weight);
uint64_t td_cg_io_weight_to_bfq(uint64_t weight);

/* ---- the live tree ----------------------------------------------------- */

typedef struct td_cg td_cg;   /* opaque: layout, roots, dir fds, state cache */

typedef struct td_cg_options {
        /* Cache of what was applied, so an unchanged tenant costs neither
         * reads nor writes (see cgroup-apply.c). NULL: in memory only (the
         * daemon keeps its td_cg). The file is ignored when it was written
         * for a different tree. */
        const char *state_path;
        /* NULL: probe the live tree. Tests pass a fake. Copied. */
        const td_cg_host *host;
        /* NULL: mkdirat(2) / unlinkat(AT_REMOVEDIR). Unit tests run on a
         * plain directory and use these to play the kernel: a new group
         * gets its knob files, and rmdir removes them first. */
        int (*mkdirat)(int dirfd, const char *name, void *userdata);
        int (*rmdirat)(int dirfd, const char *name, void *userdata);
        /* NULL: td_write_fileat. Lets a fake merge io.max lines, move pids
         * between cgroup.procs files, and refuse what the kernel refuses. */
        int (*write)(int dirfd, const char *file, const char *value, void *userdata);
        void *userdata;
} td_cg_options;

/* Resolve the tenant root in every hierarchy of `layout` (copied). Creates
 * nothing. Returns 0 and a handle owned by the caller, -EINVAL (bad root,
 * e.g. containing "..", error in ds), -ENOMEM. */
int td_cg_open(const td_cg_layout *layout, const char *tenant_root, const td_cg_options *opts,
               td_cg **ret, td_diags *ds);
td_cg *td_cg_free(td_cg *cg);
DEFINE_TRIVIAL_CLEANUP_FUNC(td_cg *, td_cg_free);

const td_cg_layout *td_cg_get_layout(const td_cg *cg);
const td_cg_host *td_cg_get_host(const td_cg *cg);    /* probed on first reconcile */

/* Absolute path of the tenant root (tenant NULL), a tenant group, or its
 * leaf, in the hierarchy holding controller c. Caller frees; NULL on ENOMEM
 * or when c is not available. */
char *td_cg_group_path(const td_cg *cg, td_cg_controller c, const char *tenant, bool leaf);

/* Open (O_DIRECTORY|O_CLOEXEC, read-only) the same; caller closes.
 * -ENOENT when it does not exist, -EOPNOTSUPP when c is not available. */
int td_cg_group_dirfd(const td_cg *cg, td_cg_controller c, const char *tenant, bool leaf);

/* Move process `pid` into the tenant's leaf in every hierarchy. The group
 * must exist (apply first). Returns 0 or the first -errno (it still tries
 * every hierarchy). */
int td_cg_attach(td_cg *cg, const char *tenant, pid_t pid);

/* Move the calling process out of the top of a relative tenant root, into
 * the leaf <top>/<name>, in every v2 hierarchy where top is a cgroup other
 * than the hierarchy's root and holds the caller. Why: the kernel refuses
 * to enable controllers in the cgroup.subtree_control of a group that holds
 * processes (v2's "no internal process" rule), and a daemon in a systemd
 * Delegate=yes unit with a relative tenant root sits in exactly that group.
 * It writes "0" to the leaf's cgroup.procs, so the caller's whole thread
 * group moves and no other process does; one that is left in top keeps
 * the controllers off, and reconcile then says so. v1 has no such rule and
 * is left alone. Call it after td_cg_open (which has resolved the root)
 * and before the first reconcile. Returns how many hierarchies it moved
 * in (0: nothing to do), -EEXIST when the tenant root's first component
 * below top is `name` (the caller would move into its own tenant tree),
 * -EINVAL for a name that is not one path component, or -errno of the
 * mkdir or the write. *ret_dir (optional, caller frees) is the last leaf
 * moved into, mount point included. */
int td_cg_leave_top(td_cg *cg, const char *name, char **ret_dir);

/* ---- reconcile --------------------------------------------------------- */

typedef enum td_reconcile_flags {
        TD_RECONCILE_DRY_RUN = 1u << 0,  /* change nothing; fill report->plan */
        TD_RECONCILE_VERIFY  = 1u << 1,  /* ignore the cache: read every live value */
        TD_RECONCILE_PLAN    = 1u << 2,  /* fill report->plan also when applying */
        TD_RECONCILE_KEEP_STALE = 1u << 3, /* remove no group of an unlisted tenant: the
                                            * caller could not read every policy (an
                                            * unreadable tenants directory is not an
                                            * empty one) */
} td_reconcile_flags;

typedef enum td_cg_action {
        TD_CG_ACT_UNCHANGED,  /* nothing to do */
        TD_CG_ACT_CREATED,    /* group created (and limits written) */
        TD_CG_ACT_UPDATED,    /* some knobs rewritten */
        TD_CG_ACT_REMOVED,    /* policy gone, group empty, removed */
        TD_CG_ACT_MOVED,      /* policy gone, processes moved to fallback, removed */
        TD_CG_ACT_BUSY,       /* policy gone but processes remain (on_busy=refuse): kept */
        TD_CG_ACT_SKIPPED,    /* effective policy invalid: live group left untouched */
        TD_CG_ACT_FAILED,     /* error, see message */
        _TD_CG_ACTION_MAX,
        _TD_CG_ACTION_INVALID = -EINVAL,
} td_cg_action;

const char *td_cg_action_to_name(td_cg_action a);   /* "unchanged", "created", ... */

typedef struct td_cg_result {
        char *tenant;
        td_cg_action action;
        int error;            /* -errno when FAILED (or BUSY: -EBUSY), else 0 */
        unsigned n_writes;    /* knob writes for this tenant (dry run: that it would do) */
        unsigned n_moved;     /* processes moved to the fallback group */
        char *message;        /* e.g. "memory.max: write 1G: Device or resource busy"; may be NULL */
} td_cg_result;

typedef struct td_reconcile_report {
        td_cg_result *v;      /* one per tenant touched, failed, skipped or removed */
        size_t n, cap;
        size_t n_failed;      /* FAILED + BUSY + SKIPPED (exit status 1) */
        uint64_t n_writes;    /* knob writes performed (0 in a dry run); benches assert O(1) */
        uint64_t n_reads;     /* live knob values read */
        uint64_t n_mkdirs, n_rmdirs;
        /* Plan lines, in order: "FILE: OLD -> NEW" for a knob (OLD is
         * "(new)" in a group a dry run would create, "(empty)" for an empty
         * file; device files get one line per device), "mkdir DIR",
         * "rmdir DIR", "move PID DIR". Results for unchanged tenants are
         * left out, and a tenant whose policy hash is cached as applied is
         * not looked at (see TD_RECONCILE_VERIFY). "(tenant root)" names
         * failures at the root. */
        char **plan;
        size_t n_plan, cap_plan;
} td_reconcile_report;

void td_reconcile_report_done(td_reconcile_report *r);

/* One tenant for td_cg_reconcile. policy NULL or !valid: reported as
 * SKIPPED and its live group left as it is (neither updated nor removed). */
typedef struct td_cg_tenant {
        const char *name;
        const td_policy *policy;   /* effective */
        const char *path;          /* its file, for messages; may be NULL */
        bool valid;
} td_cg_tenant;

/* Every tenant of `set` with its effective policy, for td_cg_reconcile:
 * an entry whose own file or effective policy has errors gets valid =
 * false (the errors go to ds). Returns 0 and an array the caller frees with
 * td_cg_tenants_free, or -ENOMEM. */
int td_cg_tenants_from_set(const td_policy_set *set, td_cg_tenant **ret, size_t *ret_n, td_diags *ds);
void td_cg_tenants_free(td_cg_tenant *t, size_t n);

/* Make the live tree match `tenants` (which must not repeat a name):
 * create missing groups, write knobs whose live value differs, remove groups
 * of tenants not listed once empty (or, on_busy=move, after moving their
 * processes to `fallback`, a path relative to the tenant root's parent in
 * each hierarchy, created when missing). One tenant's failure never stops
 * the others. Returns 0 when every tenant succeeded, -EBUSY/-errno of the
 * first failure otherwise (details in *ret and ds), or -ENOMEM. *ret is
 * filled either way and must be freed with td_reconcile_report_done. */
int td_cg_reconcile(td_cg *cg, const td_cg_tenant *tenants, size_t n, td_busy_policy on_busy,
                    const char *fallback, unsigned flags, td_reconcile_report *ret, td_diags *ds);

/* Remove the whole tenant tree (every tenant group, then the root),
 * deepest first, never above the root; busy groups per on_busy (moving
 * into a fallback inside the tree would not empty it: then busy groups are
 * kept). The state file, if any, goes too. Same return convention;
 * honours TD_RECONCILE_DRY_RUN. */
int td_cg_teardown(td_cg *cg, td_busy_policy on_busy, const char *fallback, unsigned flags,
                   td_reconcile_report *ret, td_diags *ds);

/* One-shot convenience for the CLI and simple callers: detect the layout,
 * open conf->tenant_root, compute every tenant's effective policy from
 * `set` (tenants whose own file or effective policy has errors are SKIPPED),
 * and reconcile with conf->on_busy / conf->fallback. Policy errors go to
 * ds. Same return convention as td_cg_reconcile. */
int td_reconcile(const td_conf *conf, const td_policy_set *set, unsigned flags,
                 td_reconcile_report *ret, td_diags *ds);
