/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The tenant policy model.
 *
 * Flow (see STYLE.md): parse (YAML text -> td_node tree -> td_policy, with
 * diagnostics) -> validate (pure; per file and across files) -> merge (plan
 * chain + tenant -> effective td_policy) -> compile/apply elsewhere
 * (cgroup.h, isolate.h). Nothing in policy*.c touches the system beyond
 * reading the policy files and stat()ing them for ownership.
 *
 * Scalars use the sentinels of units.h: TD_UNSET (not configured) and
 * TD_UNLIMITED ("max"). Strings are NULL when unset. */

#include <sys/resource.h>

#include "diag.h"
#include "node.h"
#include "units.h"

struct td_seccomp;   /* seccomp.h */

#define TD_NAME_MAX 64   /* tenant and plan names: [a-z0-9][a-z0-9_-]{0,63} */

typedef struct td_uid_range {
        uint32_t first, last;    /* inclusive */
        td_mark mark;
} td_uid_range;

typedef struct td_members {
        char **users;            /* user names as written; resolved at classify time */
        td_mark *user_marks;
        size_t n_users;
        td_uid_range *uids;      /* "20000-20999" or 30001 */
        size_t n_uids;
        char **groups;
        td_mark *group_marks;
        size_t n_groups;
} td_members;

typedef struct td_cpu {
        uint64_t weight;         /* 1..10000 (cgroup v2 cpu.weight) */
        uint64_t shares;         /* 2..262144 (v1 cpu.shares); exclusive with weight */
        uint64_t quota;          /* millicores (150% -> 1500), or TD_UNLIMITED */
        uint64_t period_us;      /* 1000..1000000; default 100000 when quota set */
        uint64_t rt_runtime_us;  /* realtime budget per rt_period_us (v1 only) */
        uint64_t rt_period_us;
        char *cpus;              /* cpuset list "0-3,6" */
        char *mems;
} td_cpu;

typedef struct td_memory {
        uint64_t max;            /* bytes or TD_UNLIMITED */
        uint64_t high;           /* soft limit; <= max */
        uint64_t swap_max;       /* swap on top of max (v1: memsw = max + swap_max) */
} td_memory;

typedef struct td_io_device {
        char *device;            /* "/dev/vda" or "8:0", resolved at compile time */
        td_mark mark;
        uint64_t rbps, wbps;     /* bytes/s, TD_UNSET or TD_UNLIMITED */
        uint64_t riops, wiops;
} td_io_device;

typedef struct td_io {
        uint64_t weight;         /* 1..10000 (v1 blkio.weight is clamped to 10..1000) */
        td_io_device *devices;
        size_t n_devices;
} td_io;

typedef struct td_pids {
        uint64_t max;            /* TD_UNLIMITED or count */
} td_pids;

typedef struct td_rlimit {
        uint64_t soft, hard;     /* TD_UNSET when the resource is not set */
        td_mark mark;
} td_rlimit;

typedef enum td_ns {
        TD_NS_MOUNT,
        TD_NS_PID,
        TD_NS_IPC,
        TD_NS_UTS,
        TD_NS_NET,
        TD_NS_CGROUP,
        TD_NS_USER,
        _TD_NS_MAX,
        _TD_NS_INVALID = -EINVAL,
} td_ns;

typedef struct td_id_map {
        uint32_t inside, outside, count;
} td_id_map;

typedef struct td_isolation {
        char *chroot;                 /* absolute directory */
        unsigned namespaces;          /* bit (1u << td_ns) per namespace */
        char *hostname;               /* requires uts */
        td_id_map *uid_map;           /* requires user */
        size_t n_uid_map;
        td_id_map *gid_map;
        size_t n_gid_map;
        bool caps_set;                /* capabilities: given (possibly empty) */
        uint64_t caps_keep;           /* bit (1 << CAP_x) per capability kept */
        int no_new_privs;             /* -1 unset, 0, 1 */
        struct td_seccomp *seccomp;   /* NULL: no filter */
        char *apparmor;               /* profile name */
        char *selinux;                /* exec context user:role:type:level */
} td_isolation;

typedef enum td_policy_kind {
        TD_POLICY_TENANT,
        TD_POLICY_PLAN,
        _TD_POLICY_KIND_MAX,
        _TD_POLICY_KIND_INVALID = -EINVAL,
} td_policy_kind;

/* Settings that only the host can refuse (cgroup-compile.c: a controller
 * that is not mounted, realtime on v2, no swap accounting, no proportional
 * I/O scheduler). Their key positions are kept so such an error points at
 * the key, in whichever file of the plan chain set it. */
typedef enum td_knob {
        TD_KNOB_CPU,             /* the cpu: section */
        TD_KNOB_CPU_QUOTA,
        TD_KNOB_CPU_REALTIME,
        TD_KNOB_CPU_CPUS,
        TD_KNOB_CPU_MEMS,
        TD_KNOB_MEMORY,
        TD_KNOB_MEMORY_SWAP_MAX,
        TD_KNOB_IO,
        TD_KNOB_IO_WEIGHT,
        TD_KNOB_PIDS,
        _TD_KNOB_MAX,
        _TD_KNOB_INVALID = -EINVAL,
} td_knob;

typedef struct td_policy {
        td_policy_kind kind;
        char *name;
        td_mark name_mark;
        char *parent;                 /* tenant: `plan:`, plan: `inherits:`; NULL if none */
        td_mark parent_mark;
        char *description;
        td_members members;           /* tenants only */
        td_cpu cpu;
        td_memory memory;
        td_io io;
        td_pids pids;
        td_rlimit rlimits[RLIM_NLIMITS];
        td_isolation isolation;
        td_mark knob_marks[_TD_KNOB_MAX];   /* line 0: not written */
} td_policy;

/* Where `knob` was written, or the policy's name when it was not (a
 * section-level problem, such as a missing controller, is then reported
 * at the tenant). */
td_mark td_policy_knob_mark(const td_policy *p, td_knob knob);

/* Initialise every field to "unset". */
void td_policy_init(td_policy *p);
/* Free contents (not p itself). Accepts NULL. */
void td_policy_done(td_policy *p);

/* Convert one parsed document into a policy, reporting every schema problem
 * (unknown key with a nearest-key hint, wrong type, bad unit, out of range,
 * tenant-only key in a plan) to ds. `base_dir` resolves relative seccomp
 * profile paths. Returns 0, or -EINVAL with errors in ds (the policy is then
 * still freed by the caller with td_policy_done), or -ENOMEM. */
int td_policy_from_node(const td_node *root, const char *base_dir, td_policy *ret, td_diags *ds);

/* A loaded set of plans and tenants with their source trees. */
typedef struct td_policy_entry {
        td_policy policy;             /* as written in its own file */
        td_node *tree;                /* owned; used for merging */
        char *path;
        bool valid;                   /* its own file had no errors */
} td_policy_entry;

typedef struct td_policy_set {
        td_policy_entry *plans;
        size_t n_plans, cap_plans;
        td_policy_entry *tenants;
        size_t n_tenants, cap_tenants;
} td_policy_set;

/* Load every *.yaml and *.yml file of plans_dir (may be NULL) and tenants_dir,
 * or, when `files` is non-empty, just those files (plans referenced by them
 * are still loaded from plans_dir). Unsafe ownership or modes (writable by
 * a non-root user, or not owned by root, when running as root) are errors.
 * Then validate across files: duplicate names, missing plans, inheritance
 * cycles, a uid or user claimed by two tenants. One bad file never stops the
 * others from being read and checked. Returns 0 when there were no errors,
 * -EINVAL when ds has errors, -ENOMEM. The set is filled either way. */
int td_policy_set_load(td_policy_set *set, const char *plans_dir, const char *tenants_dir,
                       char *const *files, size_t n_files, td_diags *ds);

void td_policy_set_done(td_policy_set *set);

const td_policy_entry *td_policy_set_find_tenant(const td_policy_set *set, const char *name);
const td_policy_entry *td_policy_set_find_plan(const td_policy_set *set, const char *name);

/* Build the effective policy of a tenant: its plan chain merged from the
 * root plan down, then the tenant's own file (mappings merge key by key,
 * everything else is replaced). Cross-field checks that only the merged
 * result can fail (memory.high above memory.max from different files) are
 * reported to ds. Returns 0 and fills *ret (caller td_policy_done()s it),
 * -ENOENT when there is no such tenant (no diagnostic), -EINVAL (errors in
 * ds, or the tenant's file or plan chain was found invalid by
 * td_policy_set_load), or -ENOMEM. *ret is an empty policy on failure.
 * Marks in *ret point into `set`: free the policy first. */
int td_policy_effective(const td_policy_set *set, const char *tenant, td_policy *ret, td_diags *ds);

/* Print a policy as YAML in operators' units (check --effective). */
void td_policy_print(const td_policy *p, FILE *f);

/* Names used in rlimits: "nofile" -> RLIMIT_NOFILE etc.; -EINVAL if unknown. */
int td_rlimit_from_name(const char *name);
const char *td_rlimit_to_name(int resource);
/* Namespace names "mount", "pid", ... */
const char *td_ns_to_name(td_ns ns);
td_ns td_ns_from_name(const char *name);
