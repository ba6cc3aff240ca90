/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Effective policies: merging plan chains and tenants, the cross-field
 * checks on the merged result, and printing that parses back unchanged. */
#include <sys/capability.h>

#include "policy-test.h"
#include "seccomp.h"

static tmptree tt;

typedef struct eff {
        td_policy_set set;
        td_diags ds;
        td_policy p;
        int r;
} eff;

/* Write up to two plans (root first) and a tenant "t", load them and build
 * the tenant's effective policy. */
static void build(eff *e, const char *plan_a, const char *plan_b, const char *tenant) {
        *e = (eff) {};
        tmptree_fresh(&tt);
        if (plan_a)
                put(tt.plans, "a.yaml", plan_a);
        if (plan_b)
                put(tt.plans, "b.yaml", plan_b);
        put(tt.tenants, "t.yaml", tenant);
        e->r = td_policy_set_load(&e->set, tt.plans, tt.tenants, NULL, 0, &e->ds);
        if (e->r == 0)
                e->r = td_policy_effective(&e->set, "t", &e->p, &e->ds);
        else
                td_policy_init(&e->p);
}

static void done(eff *e) {
        td_policy_done(&e->p);
        td_policy_set_done(&e->set);
        td_diags_done(&e->ds);
}

static void test_chain(void) {
        eff e;

        build(&e,
              "plan: a\ndescription: \"root plan\"\ncpu:\n  weight: 100\nmemory:\n  max: 1G\n  high: 512M\n"
              "  swap_max: 256M\nio:\n  devices:\n    - { device: /dev/vda, read_bps: 1M/s }\n"
              "rlimits:\n  nofile: 1024\n  nproc: { soft: 100, hard: 200 }\n"
              "isolation:\n  namespaces: { pid: true }\n  capabilities: [chown]\n",
              "plan: b\ninherits: a\nmemory:\n  max: 4G\nrlimits:\n  nproc: 500\n"
              "io:\n  devices:\n    - { device: /dev/vdb, write_iops: 10 }\n",
              "tenant: t\ninherits: b\nmemory:\n  high: 3G\nisolation:\n  namespaces: { net: true }\n");
        dump_diags(&e.ds);
        is_int(e.r, 0, "effective policy builds");
        is_int(e.p.kind, TD_POLICY_TENANT, "kind comes from the tenant");
        is_str(e.p.name, "t", "tenant name");
        is_str(e.p.parent, "b", "tenant's own inherits");
        ok(e.p.description == NULL, "plan descriptions do not become the tenant's");
        is_int(e.p.cpu.weight, 100, "root plan value survives two levels");
        is_int(e.p.memory.max, 4ULL << 30, "child plan overrides root plan");
        is_int(e.p.memory.high, 3ULL << 30, "tenant overrides, key by key");
        is_int(e.p.memory.swap_max, 256ULL << 20, "mapping deep merge keeps untouched keys");
        is_int(e.p.io.n_devices, 1, "a list replaces the inherited list");
        ok(e.p.io.n_devices == 1 && streq(e.p.io.devices[0].device, "/dev/vdb"), "the child's list wins");
        is_int(e.p.rlimits[RLIMIT_NPROC].soft, 500, "rlimit replaced per resource (soft)");
        is_int(e.p.rlimits[RLIMIT_NPROC].hard, 500, "rlimit replaced per resource (hard)");
        is_int(e.p.rlimits[RLIMIT_NOFILE].soft, 1024, "other resources kept");
        ok(e.p.rlimits[RLIMIT_NOFILE].mark.file && strstr(e.p.rlimits[RLIMIT_NOFILE].mark.file, "plans.d/a.yaml"),
           "merged values keep their file");
        is_int(e.p.rlimits[RLIMIT_NOFILE].mark.line, 13, "... and line");
        is_int(e.p.isolation.namespaces, (1u << TD_NS_PID) | (1u << TD_NS_NET), "namespace mappings merge");
        ok(e.p.isolation.caps_set && e.p.isolation.caps_keep == (1ULL << CAP_CHOWN), "capabilities inherited");
        done(&e);

        build(&e, "plan: a\nisolation:\n  namespaces: [pid, ipc]\n", NULL,
              "tenant: t\ninherits: a\nisolation:\n  namespaces: [net]\n");
        is_int(e.p.isolation.namespaces, 1u << TD_NS_NET, "namespace lists replace");
        done(&e);

        build(&e, NULL, NULL, "tenant: t\nmemory:\n  max: 1G\n");
        is_int(e.r, 0, "tenant without a plan");
        is_int(e.p.memory.max, 1ULL << 30, "its own values");
        done(&e);
}

static td_node *yaml(const char *text) {
        td_diags ds = {};
        td_node *n = NULL;

        td_yaml_parse("m.yaml", text, strlen(text), &n, &ds);
        td_diags_done(&ds);
        return n;
}

static void test_node_merge(void) {
        td_node *dst = yaml("rlimits:\n  nproc: { soft: 1, hard: 2 }\nisolation:\n  seccomp:\n"
                            "    default_action: allow\n  hostname: x\nmemory: { max: 1G }\n");
        td_node *src = yaml("rlimits:\n  nproc: { soft: 5 }\nisolation:\n  seccomp: { profile: p.json }\n"
                            "memory: [1]\nextra: 1\n");

        ok(dst && src, "trees parse");
        is_int(td_node_merge(&dst, src, ""), 0, "merge");
        const td_node *nproc = td_node_get(td_node_get(dst, "rlimits"), "nproc");
        ok(nproc && td_node_get(nproc, "soft") && !td_node_get(nproc, "hard"), "an rlimit replaces as a whole");
        const td_node *sc = td_node_get(td_node_get(dst, "isolation"), "seccomp");
        ok(sc && td_node_get(sc, "profile") && !td_node_get(sc, "default_action"), "seccomp replaces as a whole");
        ok(td_node_get(td_node_get(dst, "isolation"), "hostname") != NULL, "isolation itself merges");
        ok(td_node_get(dst, "memory") && td_node_get(dst, "memory")->type == TD_NODE_SEQ, "a different type replaces");
        ok(td_node_get(dst, "extra") != NULL, "new keys are appended");
        ok(td_node_get(src, "extra") && td_node_get(dst, "extra") != td_node_get(src, "extra"), "copied, not aliased");
        td_node_free(dst);
        td_node_free(src);
}

/* One row per cross-field rule: plan text, tenant text, the message. */
static const struct cross {
        const char *plan, *tenant, *want;
} cross[] = {
        { NULL, "tenant: t\nmemory:\n  max: 1G\n  high: 2G\n",
          "t.yaml:4:9: memory.high: expected at most memory.max (1G, at " },
        { "plan: a\nmemory:\n  high: 768M\n", "tenant: t\ninherits: a\nmemory:\n  max: 512M\n",
          "tenants.d/t.yaml:4:8: memory.max: expected at least memory.high (768M, at " },
        { "plan: a\nmemory:\n  max: 1G\n", "tenant: t\ninherits: a\nmemory:\n  high: 2G\n",
          "tenants.d/t.yaml:4:9: memory.high: expected at most memory.max (1G, at " },
        { "plan: a\ncpu:\n  weight: 100\n", "tenant: t\ninherits: a\ncpu:\n  shares: 1024\n",
          "tenants.d/t.yaml:4:11: cpu.shares: cannot be combined with cpu.weight (at " },
        { "plan: a\ncpu:\n  shares: 1024\n", "tenant: t\ninherits: a\ncpu:\n  weight: 100\n",
          "tenants.d/t.yaml:4:11: cpu.weight: cannot be combined with cpu.shares (at " },
        { NULL, "tenant: t\ncpu:\n  realtime: { runtime: 2s }\n",
          "cpu.realtime.runtime: expected less than cpu.realtime.period (1s by default), got 2s" },
        { NULL, "tenant: t\ncpu:\n  realtime: { runtime: 10ms, period: 5ms }\n",
          "cpu.realtime.runtime: expected less than cpu.realtime.period (5ms, at " },
        { "plan: a\ncpu:\n  realtime: { runtime: 10ms }\n", "tenant: t\ninherits: a\ncpu:\n  realtime: { period: 10ms }\n",
          "tenants.d/t.yaml:4:23: cpu.realtime.period: expected more than cpu.realtime.runtime (10ms, at " },
        { NULL, "tenant: t\nisolation:\n  hostname: web\n  namespaces: [pid]\n",
          "t.yaml:3:13: isolation.hostname: requires \"uts\" in isolation.namespaces" },
        { NULL, "tenant: t\nisolation:\n  uid_map: [\"0 1000 1\"]\n",
          "isolation.uid_map: requires \"user\" in isolation.namespaces" },
        { NULL, "tenant: t\nisolation:\n  gid_map: [\"0 1000 1\"]\n  namespaces: [uts]\n",
          "isolation.gid_map: requires \"user\" in isolation.namespaces" },
        { "plan: a\nisolation:\n  apparmor: hosting\n", "tenant: t\ninherits: a\nisolation:\n  selinux: \"u:r:t\"\n",
          "tenants.d/t.yaml:4:12: isolation.selinux: cannot be combined with isolation.apparmor (at " },
};

static void test_cross(void) {
        for (size_t i = 0; i < ELEMENTSOF(cross); i++) {
                eff e;
                build(&e, cross[i].plan, NULL, cross[i].tenant);
                ok(e.r == -EINVAL && has_diag(&e.ds, cross[i].want), "cross-field: %s", cross[i].want);
                if (!has_diag(&e.ds, cross[i].want))
                        dump_diags(&e.ds);
                is_int(e.ds.n_errors, 1, "exactly one error");
                done(&e);
        }

        /* The same pairs, valid. */
        static const char *const fine[] = {
                "tenant: t\nmemory:\n  max: 1G\n  high: max\n",
                "tenant: t\nmemory:\n  max: max\n  high: 8G\n",
                "tenant: t\nmemory:\n  max: 1G\n  high: 1G\n",
                "tenant: t\ncpu:\n  realtime: { runtime: 999ms }\n",
                "tenant: t\ncpu:\n  realtime: { runtime: 4ms, period: 5ms }\n",
                "tenant: t\nisolation:\n  hostname: web\n  namespaces: [uts]\n",
                "tenant: t\nisolation:\n  uid_map: [\"0 1000 1\"]\n  gid_map: [\"0 1000 1\"]\n  namespaces: [user]\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(fine); i++) {
                eff e;
                build(&e, NULL, NULL, fine[i]);
                ok(e.r == 0 && e.ds.n == 0, "valid cross-field case %zu", i);
                dump_diags(&e.ds);
                done(&e);
        }
}

/* A plan's own merged chain is checked the same way. */
static void test_plan_effective(void) {
        eff e;

        build(&e, "plan: a\nmemory:\n  max: 1G\n", "plan: b\ninherits: a\nmemory:\n  high: 2G\n", "tenant: t\n");
        const td_policy_entry *b = td_policy_set_find_plan(&e.set, "b");
        td_policy p;
        ok(b && td_policy_entry_effective(&e.set, b, &p, &e.ds) == -EINVAL, "plan chain clash rejected");
        ok(has_diag(&e.ds, "plans.d/b.yaml:4:9: memory.high: expected at most memory.max"), "at the child plan");
        done(&e);
}

static char *print_to_string(const td_policy *p) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        td_policy_print(p, f);
        fclose(f);
        return buf;
}

static const char everything[] =
        "tenant: t\ninherits: a\ndescription: \"quote \\\" and \\\\ and tab\\t\"\n"
        "members:\n  users: [acme, \"web$\"]\n  uids: [20000-20999, 30001]\n  groups: [acme]\n"
        "cpu:\n  weight: 200\n  quota: 1.5\n  period: 50ms\n  realtime: { runtime: 10ms, period: 1s }\n"
        "  cpus: \"0-1,3\"\n  mems: 0\n"
        "memory:\n  max: 2G\n  high: 1536M\n  swap_max: max\n"
        "io:\n  weight: 100\n  devices:\n    - { device: /dev/vda, read_bps: 50M/s, write_bps: max }\n"
        "    - { device: \"8:0\", read_iops: 500, write_iops: 1000 }\n"
        "pids:\n  max: max\n"
        "rlimits:\n  nofile: 4096\n  nproc: { soft: 100, hard: unlimited }\n  as: 4G\n  core: 0\n  nice: 10\n"
        "isolation:\n  chroot: /srv/jail/t\n  namespaces: [mount, pid, uts, user]\n  hostname: t-web\n"
        "  uid_map: [\"0 20000 1\"]\n  gid_map: [{ inside: 0, outside: 20000, count: 1 }]\n"
        "  capabilities: [net_bind_service, CAP_KILL]\n  no_new_privs: false\n"
        "  seccomp:\n    default_action: errno EPERM\n    rules:\n      - syscalls: [ptrace]\n        action: kill_process\n"
        "  selinux: \"u:r:t:s0\"\n";

static void test_print_round_trip(void) {
        eff e;

        build(&e, "plan: a\nmemory:\n  max: 8G\n", NULL, everything);
        dump_diags(&e.ds);
        is_int(e.r, 0, "policy with every field builds");
        _cleanup_free_ char *first = print_to_string(&e.p);
        printf("# printed:\n");
        for (char *s = first, *nl; s && *s; s = nl + 1) {
                nl = strchr(s, '\n');
                printf("#   %.*s\n", (int) (nl ? nl - s : (long) strlen(s)), s);
                if (!nl)
                        break;
        }

        td_diags ds = {};
        td_policy again;
        is_int(parse_text(first, &again, &ds), 0, "printed policy parses");
        dump_diags(&ds);
        _cleanup_free_ char *second = print_to_string(&again);
        is_str(second, first, "print(parse(print(p))) == print(p)");
        is_int(again.memory.max, e.p.memory.max, "memory.max survives");
        is_int(again.cpu.quota, 1500, "quota in millicores");
        is_int(again.rlimits[RLIMIT_NPROC].hard, TD_UNLIMITED, "unlimited rlimit");
        is_int(again.rlimits[RLIMIT_AS].soft, 4ULL << 30, "byte rlimit");
        is_int(again.members.uids[0].last, 20999, "uid range");
        is_str(again.description, "quote \" and \\ and tab\t", "escapes survive");
        is_int(again.isolation.caps_keep, e.p.isolation.caps_keep, "capabilities");
        is_int(again.isolation.no_new_privs, 0, "no_new_privs false");
        ok(again.isolation.seccomp && again.isolation.seccomp->n_rules == 1, "seccomp rules");
        is_int(again.io.devices[1].wiops, 1000, "device iops");
        ok(strstr(first, "  max: 2G\n") && strstr(first, "quota: 150%") && strstr(first, "period: 50ms"),
           "operators' units");
        td_policy_done(&again);
        td_diags_done(&ds);
        done(&e);

        /* Only set fields: an empty tenant prints as its name. */
        build(&e, NULL, NULL, "tenant: t\n");
        _cleanup_free_ char *bare = print_to_string(&e.p);
        is_str(bare, "tenant: t\n", "unset fields are not printed");
        done(&e);
}

int main(void) {
        test_chain();
        test_node_merge();
        test_cross();
        test_plan_effective();
        test_print_round_trip();
        tmptree_rm(&tt);
        return tap_done();
}
