/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Private to the cgroup core (cgroup*.c, owned by h5): the per-version
 * operations table, the compile context and the td_cg handle. Other code
 * uses cgroup.h only. */

#include "cgroup.h"

/* Kernel defaults and sentinels. */
#define TD_CG_V1_UNLIMITED "9223372036854771712"   /* PAGE_COUNTER_MAX * 4096, read back for -1 */
#define TD_CG_SHARES_DEFAULT 1024
#define TD_CG_WEIGHT_DEFAULT 100
#define TD_CG_CFS_PERIOD_DEFAULT 100000
#define TD_CG_RT_PERIOD_DEFAULT 1000000

typedef struct td_cg_compile_ctx {
        const td_policy *policy;
        const td_cg_host *host;
        td_cg_plan *plan;
        td_diags *ds;
        int error;            /* first error (-EINVAL once anything was reported) */
} td_cg_compile_ctx;

/* Append a write; value is formatted. dflt is the value a newly created
 * group has (NULL: inherited from its parent, v1 cpuset with
 * clone_children). Returns 0 or -ENOMEM. */
int td_cg_plan_add(td_cg_compile_ctx *cx, td_cg_controller c, bool leaf, const char *file,
                   td_cg_cmp cmp, td_cg_order order, const char *key, const char *dflt,
                   const char *fmt, ...) _printf_(9, 10);
/* Same with value NULL: "copy the tenant root's live value" (v1 cpuset). */
int td_cg_plan_add_inherit(td_cg_compile_ctx *cx, td_cg_controller c, bool leaf, const char *file,
                           td_cg_order order, const char *key);

/* Report that the host can not honour `key`: "tenant X: KEY: REASON". */
int td_cg_compile_refuse(td_cg_compile_ctx *cx, td_mark mark, const char *key, const char *fmt, ...)
        _printf_(4, 5);

/* Resolve one io device of the policy to "MAJ:MIN" (buf >= 32), or report. */
int td_cg_compile_device(td_cg_compile_ctx *cx, const td_io_device *d, char *buf, size_t size);

/* cpu.quota (millicores) and cpu.period as microseconds per period;
 * *ret_quota_us is TD_UNLIMITED when unset or "max". A quota below the
 * kernel's 1ms minimum is reported. Returns 0, -EINVAL or -ENOMEM. */
int td_cg_compile_quota(td_cg_compile_ctx *cx, uint64_t *ret_quota_us, uint64_t *ret_period_us);

/* Round a byte limit down to the page size (the kernel stores pages, and
 * reads back the rounded value); TD_UNLIMITED passes through. */
uint64_t td_cg_page_round(const td_cg_host *h, uint64_t bytes);

typedef struct td_cg_ops {
        td_cg_version version;
        /* Emit controller c's writes for cx->policy. Unset knobs get the
         * kernel default; knobs the host lacks are skipped when unset and
         * refused when set. */
        int (*compile)(td_cg_compile_ctx *cx, td_cg_controller c);
        /* The line that removes every limit of device "MAJ:MIN" in a
         * multi-line device file. Caller frees. */
        char *(*device_clear)(const char *file, const char *dev);
        /* Two values of one device line (without the "MAJ:MIN ") equal? */
        bool (*device_equal)(const char *file, const char *a, const char *b);
        /* Fill the host features of this version from the tenant root (or,
         * in a dry run before it exists, its deepest existing ancestor,
         * mount_root when that is the hierarchy's root). */
        void (*probe)(int dirfd, unsigned controllers, bool mount_root, td_cg_host *h);
} td_cg_ops;

extern const td_cg_ops td_cg_v1_ops;
extern const td_cg_ops td_cg_v2_ops;
const td_cg_ops *td_cg_ops_for(td_cg_version v);

/* Value comparison shared by apply and the backends (cgroup-apply.c). */
bool td_cg_value_equal(td_cg_cmp cmp, const char *live, const char *want);
/* Is `word` one of the space-separated words of `list` (NULL: no)? */
bool td_cg_word_in(const char *list, const char *word);
/* A knob value as a number for ordering: unlimited UINT64_MAX, junk 0. */
uint64_t td_cg_value_number(const char *s);
/* Parse a cpuset list into a bitmap of 4096 bits; -EINVAL on junk. */
int td_cg_cpulist_parse(const char *s, uint64_t bits[64]);
/* Format a bitmap as a canonical list "0-3,8". Caller frees. */
char *td_cg_cpulist_format(const uint64_t bits[64]);

/* ---- the handle -------------------------------------------------------- */

/* ---- applied-state cache (cgroup-state.c) ----------------------------- */

/* Hash of every policy field that reaches a cgroup knob; never 0, which
 * marks an entry "look at it again". */
uint64_t td_cg_policy_hash(const td_policy *p);

typedef struct td_cg_cache {
        char **keys;            /* tenant names; open addressing */
        uint64_t *vals;         /* policy hash as applied, 0: check again */
        uint32_t *seen;         /* generation that last saw the slot */
        size_t cap, n;
        uint32_t gen;           /* bumped per reconcile */
        uint64_t fingerprint;   /* of the tree and host it describes */
        uint64_t rt_ppb;        /* v1 realtime budget applied, UINT64_MAX: unknown */
        bool valid;             /* covers every group below the root */
        bool dirty;             /* differs from the state file */
} td_cg_cache;

/* The cache for cg's tree: loaded from the state file on first use, dropped
 * when the tree or host changed. Owned by cg. */
int td_cg_cache_get(td_cg *cg, td_cg_cache **ret);
ssize_t td_cg_cache_find(const td_cg_cache *c, const char *key);       /* slot or -1 */
/* Insert or update, mark seen in this generation; slot or -ENOMEM. */
ssize_t td_cg_cache_put(td_cg_cache *c, const char *key, uint64_t val);
int td_cg_cache_reserve(td_cg_cache *c, size_t n);
/* Drop every entry not seen in this generation. */
int td_cg_cache_prune(td_cg_cache *c);
/* Write it (atomically, only when dirty). */
int td_cg_cache_save(td_cg_cache *c, const char *path);

typedef struct td_cg_root {
        char *path;           /* absolute cgroup path of the tenant root, "/a/tenants" */
        char *top;            /* highest path tenantd may touch: "/" (absolute root) or own */
        char *dir;            /* mount + path */
        int fd;               /* O_DIRECTORY of dir once it exists, else -1 */
} td_cg_root;

struct td_cg {
        td_cg_layout layout;
        td_cg_root roots[_TD_CG_CONTROLLER_MAX];   /* parallel to layout.hier */
        td_cg_host host;
        bool host_given, host_probed;
        char *state_path;
        td_cg_cache *cache;
        int (*mkdirat)(int dirfd, const char *name, void *userdata);
        int (*rmdirat)(int dirfd, const char *name, void *userdata);
        int (*write)(int dirfd, const char *file, const char *value, void *userdata);
        void *userdata;
};

/* td_write_fileat, or the test's fake. */
int td_cg_write_knob(const td_cg *cg, int dirfd, const char *file, const char *value);

/* Absolute cgroup path of the fallback group in hierarchy `hier`:
 * `fallback` relative to the tenant root's parent. Caller frees. */
char *td_cg_fallback_path(const td_cg *cg, size_t hier, const char *fallback);

void td_cg_cache_free(td_cg_cache *c);

/* ---- one reconcile or teardown run (cgroup-apply.c, -root.c, -remove.c) -- */

typedef struct td_rc {
        td_cg *cg;
        unsigned flags;
        bool dry;
        bool record;              /* fill rep->plan */
        td_reconcile_report *rep;
        td_diags *ds;
        ssize_t cur;              /* index of the current td_cg_result, -1: none */
        char *root_cpuset[2];     /* v1: the tenant root's cpuset.mems, cpuset.cpus */
} td_rc;

extern const char *const td_cg_cpuset_files[2];   /* "cpuset.mems", "cpuset.cpus" */

static inline int td_rc_first_error(int a, int b) {
        return a < 0 ? a : b;
}

/* Report: a result per tenant touched; td_rc_fail marks the current one
 * (first message wins) and returns `error`. */
int td_rc_begin(td_rc *x, const char *tenant, td_cg_action a);
td_cg_result *td_rc_cur(td_rc *x);
int td_rc_fail(td_rc *x, td_cg_action a, int error, const char *fmt, ...) _printf_(4, 5);
void td_rc_drop_unchanged(td_rc *x);
int td_rc_plan(td_rc *x, const char *fmt, ...) _printf_(2, 3);

/* File system, through the test hooks. ensure_dir: open parent/name,
 * creating it (*fresh) unless a dry run (then -ENOENT, plan line). */
int td_rc_mkdirat(td_rc *x, int dirfd, const char *name);
int td_rc_rmdirat(td_rc *x, int dirfd, const char *name);
int td_rc_ensure_dir(td_rc *x, int parent_fd, const char *parent_path, const char *name, bool *fresh);
int td_rc_read(td_rc *x, int dirfd, const char *file, char **ret);
/* Write with a "DIR/FILE: OLD -> NEW" plan line, counted; a failure marks
 * the current result. _retry: again up to `retries` times on EINVAL/EBUSY. */
int td_rc_write(td_rc *x, int dirfd, const char *dirpath, const char *file, const char *key,
                const char *old, const char *value);
int td_rc_write_retry(td_rc *x, int dirfd, const char *dirpath, const char *file, const char *key,
                      const char *old, const char *value, int retries);
bool td_cg_empty(const char *s);   /* NULL or only whitespace */

/* The root (cgroup-root.c). */
int td_rc_open_cgroup(const td_cg *cg, size_t h, const char *path);
int td_rc_mkdir_below(td_rc *x, size_t h, const char *top, const char *path, bool *ret_fresh);
int td_rc_prepare(td_rc *x);
int td_rc_rt_budget(td_rc *x, const td_cg_tenant *t, size_t n, bool raise, uint64_t *cached);

/* Removal (cgroup-remove.c). */
bool td_cg_tenant_name_ok(const char *s);
int td_cg_list_subdirs(int dirfd, char ***ret, size_t *ret_n);
int td_rc_remove_stale(td_rc *x, td_cg_cache *cache, bool use_cache, const td_cg_tenant *t, size_t n_t,
                       td_busy_policy on_busy, const char *fallback, int *err);

