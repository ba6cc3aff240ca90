/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The policy model's life cycle and name tables. Parsing lives in
 * policy-parse.c, loading a directory set in policy-set.c, merging in
 * policy-merge.c and printing in policy-print.c. */
#include "policy.h"
#include "seccomp.h"

static const char *const rlimit_names[RLIM_NLIMITS] = {
        [RLIMIT_AS] = "as",
        [RLIMIT_CORE] = "core",
        [RLIMIT_CPU] = "cpu",
        [RLIMIT_DATA] = "data",
        [RLIMIT_FSIZE] = "fsize",
        [RLIMIT_LOCKS] = "locks",
        [RLIMIT_MEMLOCK] = "memlock",
        [RLIMIT_MSGQUEUE] = "msgqueue",
        [RLIMIT_NICE] = "nice",
        [RLIMIT_NOFILE] = "nofile",
        [RLIMIT_NPROC] = "nproc",
        [RLIMIT_RSS] = "rss",
        [RLIMIT_RTPRIO] = "rtprio",
        [RLIMIT_RTTIME] = "rttime",
        [RLIMIT_SIGPENDING] = "sigpending",
        [RLIMIT_STACK] = "stack",
};

static const char *const ns_names[_TD_NS_MAX] = {
        [TD_NS_MOUNT] = "mount",
        [TD_NS_PID] = "pid",
        [TD_NS_IPC] = "ipc",
        [TD_NS_UTS] = "uts",
        [TD_NS_NET] = "net",
        [TD_NS_CGROUP] = "cgroup",
        [TD_NS_USER] = "user",
};

int td_rlimit_from_name(const char *name) {
        if (!name)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(rlimit_names); i++)
                if (rlimit_names[i] && streq(rlimit_names[i], name))
                        return (int) i;
        return -EINVAL;
}

const char *td_rlimit_to_name(int resource) {
        if (resource < 0 || (size_t) resource >= ELEMENTSOF(rlimit_names))
                return NULL;
        return rlimit_names[resource];
}

const char *td_ns_to_name(td_ns ns) {
        if (ns < 0 || ns >= _TD_NS_MAX)
                return NULL;
        return ns_names[ns];
}

td_ns td_ns_from_name(const char *name) {
        if (!name)
                return _TD_NS_INVALID;
        for (size_t i = 0; i < ELEMENTSOF(ns_names); i++)
                if (streq(ns_names[i], name))
                        return (td_ns) i;
        return _TD_NS_INVALID;
}

void td_policy_init(td_policy *p) {
        *p = (td_policy) {
                .kind = _TD_POLICY_KIND_INVALID,
                .cpu = {
                        .weight = TD_UNSET, .shares = TD_UNSET, .quota = TD_UNSET,
                        .period_us = TD_UNSET, .rt_runtime_us = TD_UNSET, .rt_period_us = TD_UNSET,
                },
                .memory = { .max = TD_UNSET, .high = TD_UNSET, .swap_max = TD_UNSET },
                .io = { .weight = TD_UNSET },
                .pids = { .max = TD_UNSET },
                .isolation = { .no_new_privs = -1 },
        };
        for (size_t i = 0; i < ELEMENTSOF(p->rlimits); i++)
                p->rlimits[i].soft = p->rlimits[i].hard = TD_UNSET;
}

void td_policy_done(td_policy *p) {
        if (!p)
                return;
        free(p->name);
        free(p->parent);
        free(p->description);

        td_strv_free_n(p->members.users, p->members.n_users);
        free(p->members.user_marks);
        free(p->members.uids);
        td_strv_free_n(p->members.groups, p->members.n_groups);
        free(p->members.group_marks);

        free(p->cpu.cpus);
        free(p->cpu.mems);

        for (size_t i = 0; i < p->io.n_devices; i++)
                free(p->io.devices[i].device);
        free(p->io.devices);

        free(p->isolation.chroot);
        free(p->isolation.hostname);
        free(p->isolation.uid_map);
        free(p->isolation.gid_map);
        td_seccomp_free(p->isolation.seccomp);
        free(p->isolation.apparmor);
        free(p->isolation.selinux);

        /* Leave a valid, empty policy behind so a second done is harmless. */
        td_policy_init(p);
}

static void entry_done(td_policy_entry *e) {
        td_policy_done(&e->policy);
        td_node_free(e->tree);
        free(e->path);
}

void td_policy_set_done(td_policy_set *set) {
        if (!set)
                return;
        for (size_t i = 0; i < set->n_plans; i++)
                entry_done(&set->plans[i]);
        free(set->plans);
        for (size_t i = 0; i < set->n_tenants; i++)
                entry_done(&set->tenants[i]);
        free(set->tenants);
        *set = (td_policy_set) {};
}

static const td_policy_entry *find(const td_policy_entry *v, size_t n, const char *name) {
        if (!name)
                return NULL;
        /* First match: a duplicate is an error reported at load time, and
         * the first file in sorted order is the one the operator sees first. */
        for (size_t i = 0; i < n; i++)
                if (v[i].policy.name && streq(v[i].policy.name, name))
                        return &v[i];
        return NULL;
}

const td_policy_entry *td_policy_set_find_tenant(const td_policy_set *set, const char *name) {
        return find(set->tenants, set->n_tenants, name);
}

const td_policy_entry *td_policy_set_find_plan(const td_policy_set *set, const char *name) {
        return find(set->plans, set->n_plans, name);
}

td_mark td_policy_knob_mark(const td_policy *p, td_knob knob) {
        if (knob >= 0 && knob < _TD_KNOB_MAX && p->knob_marks[knob].line > 0)
                return p->knob_marks[knob];
        return p->name_mark;
}
