/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A policy as YAML, for `tenantctl check --effective`: operators' units,
 * the schema's key order, only fields that are set. The output parses back
 * into an equal policy (tests/unit/test-policy-merge.c checks this), so it
 * can be saved as a flattened tenant file. */
#include <ctype.h>
#include <sys/capability.h>

#include "policy.h"
#include "seccomp.h"

/* Every free-text value goes out double-quoted with escapes: YAML would
 * otherwise read "yes", "1e3", "null" or "a: b" as something else. */
static void put_string(FILE *f, const char *s) {
        fputc('"', f);
        for (; *s; s++) {
                unsigned char ch = (unsigned char) *s;
                if (ch == '"' || ch == '\\')
                        fprintf(f, "\\%c", ch);
                else if (ch == '\n')
                        fputs("\\n", f);
                else if (ch == '\t')
                        fputs("\\t", f);
                else if (ch < 0x20 || ch == 0x7f)
                        fprintf(f, "\\x%02x", ch);
                else
                        fputc(ch, f);
        }
        fputc('"', f);
}

static void put_key_string(FILE *f, int indent, const char *key, const char *s) {
        if (!s)
                return;
        fprintf(f, "%*s%s: ", indent, "", key);
        put_string(f, s);
        fputc('\n', f);
}

static void put_unit(FILE *f, int indent, const char *key, td_unit unit, uint64_t v) {
        char buf[64];

        if (v == TD_UNSET)
                return;
        fprintf(f, "%*s%s: %s\n", indent, "", key, td_format_unit(unit, v, buf, sizeof buf));
}

static void put_string_list(FILE *f, int indent, const char *key, char *const *v, size_t n) {
        if (n == 0)
                return;
        fprintf(f, "%*s%s: [", indent, "", key);
        for (size_t i = 0; i < n; i++) {
                if (i > 0)
                        fputs(", ", f);
                put_string(f, v[i]);
        }
        fputs("]\n", f);
}

static void print_members(const td_members *m, FILE *f) {
        if (m->n_users + m->n_uids + m->n_groups == 0)
                return;
        fputs("members:\n", f);
        put_string_list(f, 2, "users", m->users, m->n_users);
        if (m->n_uids > 0) {
                fputs("  uids: [", f);
                for (size_t i = 0; i < m->n_uids; i++) {
                        fputs(i > 0 ? ", " : "", f);
                        if (m->uids[i].first == m->uids[i].last)
                                fprintf(f, "%" PRIu32, m->uids[i].first);
                        else
                                fprintf(f, "\"%" PRIu32 "-%" PRIu32 "\"", m->uids[i].first, m->uids[i].last);
                }
                fputs("]\n", f);
        }
        put_string_list(f, 2, "groups", m->groups, m->n_groups);
}

static void print_cpu(const td_cpu *c, FILE *f) {
        if (c->weight == TD_UNSET && c->shares == TD_UNSET && c->quota == TD_UNSET && c->period_us == TD_UNSET &&
            c->rt_runtime_us == TD_UNSET && c->rt_period_us == TD_UNSET && !c->cpus && !c->mems)
                return;
        fputs("cpu:\n", f);
        put_unit(f, 2, "weight", TD_UNIT_COUNT, c->weight);
        put_unit(f, 2, "shares", TD_UNIT_COUNT, c->shares);
        put_unit(f, 2, "quota", TD_UNIT_CPU, c->quota);
        put_unit(f, 2, "period", TD_UNIT_DURATION, c->period_us);
        if (c->rt_runtime_us != TD_UNSET || c->rt_period_us != TD_UNSET) {
                fputs("  realtime:\n", f);
                put_unit(f, 4, "runtime", TD_UNIT_DURATION, c->rt_runtime_us);
                put_unit(f, 4, "period", TD_UNIT_DURATION, c->rt_period_us);
        }
        put_key_string(f, 2, "cpus", c->cpus);
        put_key_string(f, 2, "mems", c->mems);
}

static void print_memory_io_pids(const td_policy *p, FILE *f) {
        const td_memory *m = &p->memory;

        if (m->max != TD_UNSET || m->high != TD_UNSET || m->swap_max != TD_UNSET) {
                fputs("memory:\n", f);
                put_unit(f, 2, "max", TD_UNIT_SIZE, m->max);
                put_unit(f, 2, "high", TD_UNIT_SIZE, m->high);
                put_unit(f, 2, "swap_max", TD_UNIT_SIZE, m->swap_max);
        }
        if (p->io.weight != TD_UNSET || p->io.n_devices > 0) {
                fputs("io:\n", f);
                put_unit(f, 2, "weight", TD_UNIT_COUNT, p->io.weight);
                if (p->io.n_devices > 0)
                        fputs("  devices:\n", f);
                for (size_t i = 0; i < p->io.n_devices; i++) {
                        const td_io_device *d = &p->io.devices[i];
                        fputs("    - device: ", f);
                        put_string(f, d->device ? d->device : "");
                        fputc('\n', f);
                        put_unit(f, 6, "read_bps", TD_UNIT_RATE, d->rbps);
                        put_unit(f, 6, "write_bps", TD_UNIT_RATE, d->wbps);
                        put_unit(f, 6, "read_iops", TD_UNIT_IOPS, d->riops);
                        put_unit(f, 6, "write_iops", TD_UNIT_IOPS, d->wiops);
                }
        }
        if (p->pids.max != TD_UNSET) {
                fputs("pids:\n", f);
                put_unit(f, 2, "max", TD_UNIT_COUNT, p->pids.max);
        }
}

static const char *rlimit_text(int res, uint64_t v, char *buf, size_t size) {
        bool bytes = res == RLIMIT_AS || res == RLIMIT_CORE || res == RLIMIT_DATA || res == RLIMIT_FSIZE ||
                     res == RLIMIT_MEMLOCK || res == RLIMIT_MSGQUEUE || res == RLIMIT_RSS || res == RLIMIT_STACK;

        if (v == TD_UNLIMITED)
                return "unlimited";
        return td_format_unit(bytes ? TD_UNIT_SIZE : TD_UNIT_RLIMIT, v, buf, size);
}

static void print_rlimits(const td_policy *p, FILE *f) {
        bool any = false;

        /* Alphabetical, like the schema's list, not kernel numbering. */
        static const int order[] = {
                RLIMIT_AS, RLIMIT_CORE, RLIMIT_CPU, RLIMIT_DATA, RLIMIT_FSIZE, RLIMIT_LOCKS,
                RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_NOFILE, RLIMIT_NPROC,
                RLIMIT_RSS, RLIMIT_RTPRIO, RLIMIT_RTTIME, RLIMIT_SIGPENDING, RLIMIT_STACK,
        };
        for (size_t i = 0; i < ELEMENTSOF(order); i++) {
                const td_rlimit *rl = &p->rlimits[order[i]];
                char a[64], b[64];
                if (rl->soft == TD_UNSET)
                        continue;
                if (!any)
                        fputs("rlimits:\n", f);
                any = true;
                if (rl->soft == rl->hard)
                        fprintf(f, "  %s: %s\n", td_rlimit_to_name(order[i]), rlimit_text(order[i], rl->soft, a, sizeof a));
                else
                        fprintf(f, "  %s: { soft: %s, hard: %s }\n", td_rlimit_to_name(order[i]),
                                rlimit_text(order[i], rl->soft, a, sizeof a), rlimit_text(order[i], rl->hard, b, sizeof b));
        }
}

static void print_id_map(FILE *f, const char *key, const td_id_map *v, size_t n) {
        if (n == 0)
                return;
        fprintf(f, "  %s: [", key);
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%s\"%" PRIu32 " %" PRIu32 " %" PRIu32 "\"", i > 0 ? ", " : "", v[i].inside, v[i].outside,
                        v[i].count);
        fputs("]\n", f);
}

static void print_caps(FILE *f, uint64_t keep) {
        bool first = true;

        fputs("  capabilities: [", f);
        for (cap_value_t v = 0; v < 64; v++) {
                if (!(keep & (UINT64_C(1) << v)))
                        continue;
                char *name = cap_to_name(v);
                fprintf(f, "%s%s", first ? "" : ", ", name ? (startswith(name, "cap_") ? name + 4 : name) : "?");
                cap_free(name);
                first = false;
        }
        fputs("]\n", f);
}

static void print_isolation(const td_isolation *iso, FILE *f) {
        if (!iso->chroot && !iso->namespaces && !iso->hostname && !iso->n_uid_map && !iso->n_gid_map &&
            !iso->caps_set && iso->no_new_privs < 0 && !iso->seccomp && !iso->apparmor && !iso->selinux)
                return;
        fputs("isolation:\n", f);
        put_key_string(f, 2, "chroot", iso->chroot);
        if (iso->namespaces) {
                bool first = true;
                fputs("  namespaces: [", f);
                for (int ns = 0; ns < _TD_NS_MAX; ns++)
                        if (iso->namespaces & (1u << ns)) {
                                fprintf(f, "%s%s", first ? "" : ", ", td_ns_to_name((td_ns) ns));
                                first = false;
                        }
                fputs("]\n", f);
        }
        put_key_string(f, 2, "hostname", iso->hostname);
        print_id_map(f, "uid_map", iso->uid_map, iso->n_uid_map);
        print_id_map(f, "gid_map", iso->gid_map, iso->n_gid_map);
        if (iso->caps_set)
                print_caps(f, iso->caps_keep);
        if (iso->no_new_privs >= 0)
                fprintf(f, "  no_new_privs: %s\n", iso->no_new_privs ? "true" : "false");
        if (iso->seccomp) {
                fputs("  seccomp:\n", f);
                td_seccomp_print(iso->seccomp, f, 4);
        }
        put_key_string(f, 2, "apparmor", iso->apparmor);
        put_key_string(f, 2, "selinux", iso->selinux);
}

void td_policy_print(const td_policy *p, FILE *f) {
        if (p->name)
                fprintf(f, "%s: %s\n", p->kind == TD_POLICY_PLAN ? "plan" : "tenant", p->name);
        if (p->parent)
                fprintf(f, "inherits: %s\n", p->parent);
        put_key_string(f, 0, "description", p->description);
        print_members(&p->members, f);
        print_cpu(&p->cpu, f);
        print_memory_io_pids(p, f);
        print_rlimits(p, f);
        print_isolation(&p->isolation, f);
}
