/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* td_policy_from_node: values through the schema in operators' units, and
 * one case per validation rule, each asserting its exact message so that
 * removing the rule fails the test. */
#include <sys/capability.h>

#include "policy-test.h"

static const char full[] =
        "tenant: acme\n"
        "inherits: business\n"
        "description: \"Acme Ltd, order 4711\"\n"
        "members:\n"
        "  users: [acme, acme-web, \"svc$\"]\n"
        "  uids: [20000-20999, 30001, \"30005\"]\n"
        "  groups: [acme]\n"
        "cpu:\n"
        "  weight: 200\n"
        "  quota: 150%\n"
        "  period: 50ms\n"
        "  realtime: { runtime: 10ms, period: 1s }\n"
        "  cpus: \"0-1\"\n"
        "  mems: 0\n"
        "memory:\n"
        "  max: 2G\n"
        "  high: 1536M\n"
        "  swap_max: max\n"
        "io:\n"
        "  weight: 100\n"
        "  devices:\n"
        "    - device: /dev/vda\n"
        "      read_bps: 50M/s\n"
        "      write_bps: max\n"
        "    - device: \"8:16\"\n"
        "      read_iops: 500\n"
        "      write_iops: 600\n"
        "pids:\n"
        "  max: 200\n"
        "rlimits:\n"
        "  nofile: 4096\n"
        "  nproc: { soft: 100, hard: 200 }\n"
        "  core: 0\n"
        "  cpu: unlimited\n"
        "  as: 4G\n"
        "  nice: 40\n"
        "  rtprio: 0\n"
        "isolation:\n"
        "  chroot: /srv/jail/acme\n"
        "  namespaces: [mount, pid, uts, user]\n"
        "  hostname: acme-web.example\n"
        "  uid_map: [\"0 20000 1\", { inside: 1, outside: 20001, count: 10 }]\n"
        "  gid_map: [\"0 20000 1\"]\n"
        "  capabilities: [net_bind_service, CAP_CHOWN, Cap_Kill]\n"
        "  no_new_privs: true\n"
        "  selinux: \"system_u:system_r:tenant_t:s0:c1,c2\"\n";

static void test_full(void) {
        td_diags ds = {};
        td_policy p;

        is_int(parse_text(full, &p, &ds), 0, "full document parses");
        dump_diags(&ds);
        is_int(ds.n, 0, "no diagnostics");
        is_int(p.kind, TD_POLICY_TENANT, "kind tenant");
        is_str(p.name, "acme", "name");
        is_int(p.name_mark.line, 1, "name mark line");
        is_int(p.name_mark.col, 9, "name mark col");
        is_str(p.parent, "business", "inherits");
        is_str(p.description, "Acme Ltd, order 4711", "description");
        is_int(p.members.n_users, 3, "3 users");
        is_str(p.members.users[2], "svc$", "trailing $ user name");
        is_int(p.members.n_uids, 3, "3 uid entries");
        is_int(p.members.uids[0].first, 20000, "range first");
        is_int(p.members.uids[0].last, 20999, "range last");
        is_int(p.members.uids[1].first, 30001, "single uid");
        is_int(p.members.uids[1].last, 30001, "single uid last");
        is_int(p.members.uids[2].first, 30005, "quoted uid");
        is_int(p.members.n_groups, 1, "groups");
        is_int(p.cpu.weight, 200, "cpu.weight");
        is_int(p.cpu.shares, TD_UNSET, "cpu.shares unset");
        is_int(p.cpu.quota, 1500, "cpu.quota millicores");
        is_int(p.cpu.period_us, 50000, "cpu.period us");
        is_int(p.cpu.rt_runtime_us, 10000, "realtime runtime");
        is_int(p.cpu.rt_period_us, 1000000, "realtime period");
        is_str(p.cpu.cpus, "0-1", "cpus");
        is_str(p.cpu.mems, "0", "mems");
        is_int(p.memory.max, 2ULL << 30, "memory.max");
        is_int(p.memory.high, 1536ULL << 20, "memory.high");
        is_int(p.memory.swap_max, TD_UNLIMITED, "swap max");
        is_int(p.io.weight, 100, "io.weight");
        is_int(p.io.n_devices, 2, "2 devices");
        is_str(p.io.devices[0].device, "/dev/vda", "device path");
        is_int(p.io.devices[0].rbps, 50ULL << 20, "read_bps");
        is_int(p.io.devices[0].wbps, TD_UNLIMITED, "write_bps max");
        is_int(p.io.devices[0].riops, TD_UNSET, "read_iops unset");
        is_str(p.io.devices[1].device, "8:16", "device maj:min");
        is_int(p.io.devices[1].wiops, 600, "write_iops");
        is_int(p.pids.max, 200, "pids.max");
        is_int(p.rlimits[RLIMIT_NOFILE].soft, 4096, "nofile soft");
        is_int(p.rlimits[RLIMIT_NOFILE].hard, 4096, "nofile hard = soft");
        is_int(p.rlimits[RLIMIT_NPROC].soft, 100, "nproc soft");
        is_int(p.rlimits[RLIMIT_NPROC].hard, 200, "nproc hard");
        is_int(p.rlimits[RLIMIT_CORE].hard, 0, "core 0");
        is_int(p.rlimits[RLIMIT_CPU].soft, TD_UNLIMITED, "cpu unlimited");
        is_int(p.rlimits[RLIMIT_AS].soft, 4ULL << 30, "as takes a size");
        is_int(p.rlimits[RLIMIT_NICE].soft, 40, "nice");
        is_int(p.rlimits[RLIMIT_STACK].soft, TD_UNSET, "stack unset");
        is_str(p.isolation.chroot, "/srv/jail/acme", "chroot");
        is_int(p.isolation.namespaces,
               (1u << TD_NS_MOUNT) | (1u << TD_NS_PID) | (1u << TD_NS_UTS) | (1u << TD_NS_USER), "namespaces");
        is_str(p.isolation.hostname, "acme-web.example", "hostname");
        is_int(p.isolation.n_uid_map, 2, "uid_map entries");
        is_int(p.isolation.uid_map[1].outside, 20001, "uid_map mapping form");
        is_int(p.isolation.uid_map[1].count, 10, "uid_map count");
        is_int(p.isolation.n_gid_map, 1, "gid_map");
        ok(p.isolation.caps_set, "capabilities set");
        is_int(p.isolation.caps_keep,
               (1ULL << CAP_NET_BIND_SERVICE) | (1ULL << CAP_CHOWN) | (1ULL << CAP_KILL), "caps any case, CAP_ prefix");
        is_int(p.isolation.no_new_privs, 1, "no_new_privs");
        is_str(p.isolation.selinux, "system_u:system_r:tenant_t:s0:c1,c2", "selinux with MCS level");
        td_policy_done(&p);
        td_diags_done(&ds);
}

static void test_plan_and_forms(void) {
        td_diags ds = {};
        td_policy p;

        is_int(parse_text("plan: business\ninherits: starter\nisolation:\n  namespaces: { net: true, pid: false }\n"
                          "  capabilities: []\n  apparmor: tenantd-hosting\n",
                          &p, &ds), 0, "plan parses");
        dump_diags(&ds);
        is_int(p.kind, TD_POLICY_PLAN, "kind plan");
        is_str(p.parent, "starter", "plan inherits");
        is_int(p.isolation.namespaces, 1u << TD_NS_NET, "namespaces mapping form");
        ok(p.isolation.caps_set && p.isolation.caps_keep == 0, "[] drops every capability");
        is_str(p.isolation.apparmor, "tenantd-hosting", "apparmor");
        is_int(p.isolation.no_new_privs, -1, "no_new_privs unset");
        is_int(p.memory.max, TD_UNSET, "memory unset");
        td_policy_done(&p);
        td_policy_done(&p);   /* harmless twice */
        td_diags_done(&ds);
}

/* Each row: a document and the one diagnostic it must produce. */
static const struct bad {
        const char *yaml;
        const char *want;
} bad[] = {
        /* generic schema */
        { "tenant: a\nmemory:\n  maxx: 1G\n", "t.yaml:3:3: memory.maxx: unknown key; did you mean \"max\"?" },
        { "tenant: a\nzzzzzzzz: 1\n", "t.yaml:2:1: zzzzzzzz: unknown key" },
        { "tenant: a\npids:\n  maximum: 1\n", "pids.maximum: unknown key; did you mean \"max\"?" },
        { "tenant: a\nmemry: {}\n", "memry: unknown key; did you mean \"memory\"?" },
        { "tenant: a\ncpu: [1]\n", "t.yaml:2:6: cpu: expected a mapping, got a list" },
        { "tenant: a\nmemory:\n", "memory: expected a mapping, got null" },
        { "- a\n", "t.yaml:1:1: expected a mapping, got a list" },
        { "", "expected a mapping, got null" },
        { "tenant: a\nmembers:\n  users: acme\n", "members.users: expected a list, got a string" },
        { "tenant: a\nmemory:\n  max: [1]\n", "memory.max: expected a size like 512M or 2G or \"max\", got a list" },
        { "tenant: a\nmemory:\n  max: lots\n", "t.yaml:3:8: memory.max: expected a size like 512M or 2G or \"max\", got \"lots\"" },
        { "tenant: a\nmemory:\n  high: lots\n", "memory.high: expected a size like 512M or 2G or \"max\", got \"lots\"" },
        { "tenant: a\nmemory:\n  swap_max: -1\n", "memory.swap_max: expected a size like 512M or 2G or \"max\", got \"-1\"" },
        { "tenant: a\nmemory:\n  max: 512K\n", "memory.max: expected a size of at least 1M or \"max\", got 512K" },
        { "tenant: a\ndescription: [x]\n", "description: expected a string, got a list" },
        /* kind and names */
        { "description: x\n", "t.yaml:1:1: expected a \"tenant:\" or \"plan:\" key naming this file's tenant or plan" },
        { "tenant: a\nplan: b\n", "t.yaml:2:1: plan: cannot be combined with \"tenant\"" },
        { "tenant: Acme\n", "tenant: expected a name of lower-case letters, digits, \"-\" and \"_\" (up to 64 characters), got \"Acme\"" },
        { "tenant: -a\n", "tenant: expected a name of lower-case letters" },
        { "tenant: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "tenant: expected a name of lower-case letters" },
        { "plan: a.b\n", "plan: expected a name of lower-case letters" },
        { "tenant: a\ninherits: Big Plan\n", "inherits: expected a name of lower-case letters" },
        { "tenant: [a]\n", "tenant: expected a name, got a list" },
        { "plan: a\nmembers:\n  users: [x]\n", "t.yaml:2:1: members: only allowed in a tenant file, not in a plan" },
        /* members */
        { "tenant: a\nmembers:\n  users: [Bob]\n", "members.users[0]: expected a user name like \"acme-web\", got \"Bob\"" },
        { "tenant: a\nmembers:\n  users: [ok, \"a b\"]\n", "members.users[1]: expected a user name like" },
        { "tenant: a\nmembers:\n  users: [root]\n", "members.users[0]: root cannot be a tenant member" },
        { "tenant: a\nmembers:\n  groups: [\"9x\"]\n", "members.groups[0]: expected a group name like" },
        { "tenant: a\nmembers:\n  groups: [root]\n", "members.groups[0]: root cannot be a tenant member" },
        { "tenant: a\nmembers:\n  uids: [20-10]\n", "members.uids[0]: expected a uid or a uid range like 20000-20999, got \"20-10\"" },
        { "tenant: a\nmembers:\n  uids: [abc]\n", "members.uids[0]: expected a uid or a uid range" },
        { "tenant: a\nmembers:\n  uids: [0-100]\n", "members.uids[0]: root (uid 0) cannot be a tenant member" },
        { "tenant: a\nmembers:\n  uids: [{a: 1}]\n", "members.uids[0]: expected a uid or a uid range like 20000-20999, got a mapping" },
        { "tenant: a\nmembers:\n  owners: [x]\n", "members.owners: unknown key" },
        /* cpu */
        { "tenant: a\ncpu:\n  weight: 0\n", "t.yaml:3:11: cpu.weight: expected a number from 1 to 10000, got 0" },
        { "tenant: a\ncpu:\n  weight: 10001\n", "cpu.weight: expected a number from 1 to 10000, got 10001" },
        { "tenant: a\ncpu:\n  weight: heavy\n", "cpu.weight: expected a whole number, got \"heavy\"" },
        { "tenant: a\ncpu:\n  shares: 1\n", "cpu.shares: expected a number from 2 to 262144, got 1" },
        { "tenant: a\ncpu:\n  shares: 262145\n", "cpu.shares: expected a number from 2 to 262144, got 262145" },
        { "tenant: a\ncpu:\n  quota: 0\n", "cpu.quota: expected a CPU share above 0 or \"max\", got \"0\"" },
        { "tenant: a\ncpu:\n  quota: fast\n", "cpu.quota: expected a CPU share like 150% or 1.5 cores or \"max\", got \"fast\"" },
        { "tenant: a\ncpu:\n  period: 500us\n", "cpu.period: expected a duration from 1ms to 1s, got 500us" },
        { "tenant: a\ncpu:\n  period: 2s\n", "cpu.period: expected a duration from 1ms to 1s, got 2s" },
        { "tenant: a\ncpu:\n  period: max\n", "cpu.period: expected a duration like 100ms or 1s, got \"max\"" },
        { "tenant: a\ncpu:\n  realtime:\n    period: 5s\n", "cpu.realtime.period: expected a duration from 1ms to 1s, got 5s" },
        { "tenant: a\ncpu:\n  realtime:\n    runtime: soon\n", "cpu.realtime.runtime: expected a duration like 100ms or 1s, got \"soon\"" },
        { "tenant: a\ncpu:\n  realtime:\n    budget: 1ms\n", "cpu.realtime.budget: unknown key" },
        { "tenant: a\ncpu:\n  cpus: \"0-\"\n", "cpu.cpus: expected a CPU list like \"0-3,8\", got \"0-\"" },
        { "tenant: a\ncpu:\n  mems: x\n", "cpu.mems: expected a memory node list like \"0\" or \"0-1\", got \"x\"" },
        /* io */
        { "tenant: a\nio:\n  weight: 0\n", "io.weight: expected a number from 1 to 10000, got 0" },
        { "tenant: a\nio:\n  devices: {a: 1}\n", "io.devices: expected a list, got a mapping" },
        { "tenant: a\nio:\n  devices:\n    - read_bps: 1M/s\n", "t.yaml:4:7: io.devices[0]: missing required key \"device\"" },
        { "tenant: a\nio:\n  devices:\n    - device: /dev/vda\n", "io.devices[0]: expected at least one of read_bps, write_bps, read_iops, write_iops" },
        { "tenant: a\nio:\n  devices:\n    - { device: sda, read_iops: 1 }\n", "io.devices[0].device: expected a device path under /dev/ or MAJ:MIN like 8:0, got \"sda\"" },
        { "tenant: a\nio:\n  devices:\n    - { device: /dev/../etc/x, read_iops: 1 }\n", "io.devices[0].device: expected a device path" },
        { "tenant: a\nio:\n  devices:\n    - { device: \"8:\", read_iops: 1 }\n", "io.devices[0].device: expected a device path" },
        { "tenant: a\nio:\n  devices:\n    - { device: \"12345678901:0\", read_iops: 1 }\n", "io.devices[0].device: expected a device path" },
        { "tenant: a\nio:\n  devices:\n    - { device: /dev/, read_iops: 1 }\n", "io.devices[0].device: expected a device path" },
        { "tenant: a\nio:\n  devices:\n    - { device: /dev/x/.., read_iops: 1 }\n", "io.devices[0].device: expected a device path" },
        { "tenant: a\nio:\n  devices:\n    - { device: /dev/vda, read_bps: fast }\n", "io.devices[0].read_bps: expected a rate like 10M/s or \"max\", got \"fast\"" },
        { "tenant: a\nio:\n  devices:\n    - { device: /dev/vda, write_iops: x }\n", "io.devices[0].write_iops: expected a number of operations per second like 500 or \"max\", got \"x\"" },
        { "tenant: a\nio:\n  devices:\n    - { device: /dev/vda, read_iops: 1 }\n    - { device: /dev/vda, read_iops: 2 }\n",
          "io.devices[1].device: \"/dev/vda\" is already listed at line 4" },
        { "tenant: a\nio:\n  devices:\n    - { device: /dev/vda, read_iops: 1, speed: 2 }\n", "io.devices[0].speed: unknown key" },
        /* pids */
        { "tenant: a\npids:\n  max: 0\n", "pids.max: expected a number from 1 to 4194304 or \"max\", got 0" },
        { "tenant: a\npids:\n  max: 4194305\n", "pids.max: expected a number from 1 to 4194304 or \"max\", got 4194305" },
        { "tenant: a\npids:\n  max: many\n", "pids.max: expected a whole number or \"max\", got \"many\"" },
        /* rlimits */
        { "tenant: a\nrlimits:\n  nofil: 10\n", "rlimits.nofil: unknown key; did you mean \"nofile\"?" },
        { "tenant: a\nrlimits:\n  nofile: lots\n", "rlimits.nofile: expected a whole number or \"unlimited\", got \"lots\"" },
        { "tenant: a\nrlimits:\n  as: lots\n", "rlimits.as: expected a whole number, a size like 4G, or \"unlimited\", got \"lots\"" },
        { "tenant: a\nrlimits:\n  nproc: { soft: 300, hard: 200 }\n", "t.yaml:3:10: rlimits.nproc: expected soft <= hard, got soft 300 and hard 200" },
        { "tenant: a\nrlimits:\n  nofile: { soft: unlimited, hard: 10 }\n", "rlimits.nofile: expected soft <= hard, got soft unlimited and hard 10" },
        { "tenant: a\nrlimits:\n  nproc: { soft: 3 }\n", "rlimits.nproc: missing required key \"hard\"" },
        { "tenant: a\nrlimits:\n  nproc: { hard: 3 }\n", "rlimits.nproc: missing required key \"soft\"" },
        { "tenant: a\nrlimits:\n  nproc: { soft: 1, hard: 2, max: 3 }\n", "rlimits.nproc.max: unknown key" },
        { "tenant: a\nrlimits:\n  nproc: { soft: x, hard: 2 }\n", "rlimits.nproc.soft: expected a whole number or \"unlimited\", got \"x\"" },
        { "tenant: a\nrlimits:\n  nice: 41\n", "rlimits.nice: expected a number from 0 to 40, got 41" },
        { "tenant: a\nrlimits:\n  nice: unlimited\n", "rlimits.nice: expected a whole number, got \"unlimited\"" },
        { "tenant: a\nrlimits:\n  rtprio: 100\n", "rlimits.rtprio: expected a number from 0 to 99, got 100" },
        { "tenant: a\nrlimits: [nofile]\n", "rlimits: expected a mapping, got a list" },
        /* isolation */
        { "tenant: a\nisolation:\n  chroot: jail\n", "isolation.chroot: expected an absolute path other than \"/\" without \"..\", got \"jail\"" },
        { "tenant: a\nisolation:\n  chroot: /\n", "isolation.chroot: expected an absolute path other than \"/\"" },
        { "tenant: a\nisolation:\n  chroot: //\n", "isolation.chroot: expected an absolute path other than \"/\"" },
        { "tenant: a\nisolation:\n  chroot: /srv/../etc\n", "isolation.chroot: expected an absolute path other than \"/\" without \"..\", got \"/srv/../etc\"" },
        { "tenant: a\nisolation:\n  chroot: /srv/..\n", "isolation.chroot: expected an absolute path" },
        { "tenant: a\nisolation:\n  namespaces: [mount, usr]\n", "isolation.namespaces[1]: unknown namespace \"usr\"; did you mean \"user\"?" },
        { "tenant: a\nisolation:\n  namespaces: [network]\n", "isolation.namespaces[0]: unknown namespace \"network\"; did you mean \"net\"?" },
        { "tenant: a\nisolation:\n  namespaces: [qqqqqqq]\n", "isolation.namespaces[0]: unknown namespace \"qqqqqqq\"" },
        { "tenant: a\nisolation:\n  namespaces: [pid, mount, pid]\n", "isolation.namespaces[2]: \"pid\" is listed twice" },
        { "tenant: a\nisolation:\n  namespaces: { nett: true }\n", "isolation.namespaces.nett: unknown key; did you mean \"net\"?" },
        { "tenant: a\nisolation:\n  namespaces: { net: yes please }\n", "isolation.namespaces.net: expected true or false, got \"yes please\"" },
        { "tenant: a\nisolation:\n  namespaces: pid\n", "isolation.namespaces: expected a list, got a string" },
        { "tenant: a\nisolation:\n  hostname: -web\n", "isolation.hostname: expected a host name of letters, digits and \"-\" (up to 64 characters), got \"-web\"" },
        { "tenant: a\nisolation:\n  hostname: a_b\n", "isolation.hostname: expected a host name" },
        { "tenant: a\nisolation:\n  hostname: a..b\n", "isolation.hostname: expected a host name" },
        { "tenant: a\nisolation:\n  hostname: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "isolation.hostname: expected a host name" },
        { "tenant: a\nisolation:\n  uid_map: [\"0 20000\"]\n", "isolation.uid_map[0]: expected \"INSIDE OUTSIDE COUNT\" like \"0 20000 1\", got \"0 20000\"" },
        { "tenant: a\nisolation:\n  uid_map: [\"0 20000 1 4\"]\n", "isolation.uid_map[0]: expected \"INSIDE OUTSIDE COUNT\"" },
        { "tenant: a\nisolation:\n  gid_map: [\"0 -1 1\"]\n", "isolation.gid_map[0]: expected \"INSIDE OUTSIDE COUNT\"" },
        { "tenant: a\nisolation:\n  uid_map: [\"0 4294967296 1\"]\n", "isolation.uid_map[0]: expected \"INSIDE OUTSIDE COUNT\"" },
        { "tenant: a\nisolation:\n  uid_map: [{ inside: 0, outside: 4294967296, count: 1 }]\n",
          "isolation.uid_map[0].outside: expected a number from 0 to 4294967295, got 4294967296" },
        { "tenant: a\nisolation:\n  uid_map: [[0, 1, 2]]\n", "isolation.uid_map[0]: expected \"INSIDE OUTSIDE COUNT\" or a mapping, got a list" },
        { "tenant: a\nisolation:\n  uid_map: [{ inside: 0, outside: 1 }]\n", "isolation.uid_map[0]: missing required key \"count\"" },
        { "tenant: a\nisolation:\n  uid_map: [\"0 1 0\"]\n", "isolation.uid_map[0]: expected a count from 1 that keeps both ranges below 4294967296, got 0" },
        { "tenant: a\nisolation:\n  uid_map: [\"4294967295 1 2\"]\n", "isolation.uid_map[0]: expected a count from 1 that keeps both ranges below 4294967296, got 2" },
        { "tenant: a\nisolation:\n  uid_map: [\"0 1000 10\", \"5 5000 1\"]\n", "isolation.uid_map[1]: overlaps an earlier entry of isolation.uid_map" },
        { "tenant: a\nisolation:\n  uid_map: [\"0 1000 10\", \"100 1005 1\"]\n", "isolation.uid_map[1]: overlaps an earlier entry of isolation.uid_map" },
        { "tenant: a\nisolation:\n  capabilities: [net_bind]\n", "isolation.capabilities[0]: unknown capability \"net_bind\"; did you mean \"net_bind_service\"?" },
        { "tenant: a\nisolation:\n  capabilities: [CAP_SYS_ADMN]\n", "isolation.capabilities[0]: unknown capability \"CAP_SYS_ADMN\"; did you mean \"sys_admin\"?" },
        { "tenant: a\nisolation:\n  capabilities: [\"12\"]\n", "isolation.capabilities[0]: unknown capability \"12\"" },
        { "tenant: a\nisolation:\n  capabilities: all\n", "isolation.capabilities: expected a list, got a string" },
        { "tenant: a\nisolation:\n  no_new_privs: 1\n", "isolation.no_new_privs: expected true or false, got \"1\"" },
        { "tenant: a\nisolation:\n  apparmor: \"a b\"\n", "isolation.apparmor: expected an AppArmor profile name, got \"a b\"" },
        { "tenant: a\nisolation:\n  selinux: \"u:r\"\n", "isolation.selinux: expected a context like \"user:role:type[:level]\", got \"u:r\"" },
        { "tenant: a\nisolation:\n  selinux: \"u::t\"\n", "isolation.selinux: expected a context like" },
        { "tenant: a\nisolation:\n  selinux: \"u:r:t:\"\n", "isolation.selinux: expected a context like" },
        { "tenant: a\nisolation:\n  seccomp: [x]\n", "isolation.seccomp" },
        { "tenant: a\nisolation:\n  jail: /x\n", "isolation.jail: unknown key" },
};

/* Rules whose inputs are too long to write inline. */
static void test_bad_long(void) {
        char *yaml = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&yaml, &len);
        td_diags ds = {};
        td_policy p;

        fputs("tenant: a\nmembers:\n  users: [", f);
        for (int i = 0; i < 256; i++)
                fputc('u', f);
        fputs("]\nisolation:\n  apparmor: ", f);
        for (int i = 0; i < 256; i++)
                fputc('p', f);
        fputs("\n  uid_map: [", f);
        for (int i = 0; i < 341; i++)
                fprintf(f, "%s\"%d %d 1\"", i ? ", " : "", i, 100000 + i);
        fputs("]\n", f);
        fclose(f);
        parse_text(yaml, &p, &ds);
        ok(has_diag(&ds, "members.users[0]: expected a user name like"), "user name over 255 characters");
        ok(has_diag(&ds, "isolation.apparmor: expected an AppArmor profile name"), "profile name over 255 characters");
        ok(has_diag(&ds, "isolation.uid_map: expected at most 340 entries, got 341"), "uid_map over the kernel's 340 lines");
        td_policy_done(&p);
        td_diags_done(&ds);
        free(yaml);
}

static void test_bad(void) {
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                td_diags ds = {};
                td_policy p;
                int r = parse_text(bad[i].yaml, &p, &ds);
                ok(r == -EINVAL && has_diag(&ds, bad[i].want), "rejects: %s", bad[i].want);
                if (!has_diag(&ds, bad[i].want))
                        dump_diags(&ds);
                td_policy_done(&p);
                td_diags_done(&ds);
        }
}

/* A bad value leaves its field unset instead of half-set. */
static void test_bad_leaves_unset(void) {
        td_diags ds = {};
        td_policy p;

        parse_text("tenant: a\ncpu:\n  weight: 0\nmemory:\n  max: 512K\n  high: 1G\n"
                   "rlimits:\n  nproc: { soft: 3, hard: 2 }\n", &p, &ds);
        is_int(p.cpu.weight, TD_UNSET, "bad weight stays unset");
        is_int(p.memory.max, TD_UNSET, "bad max stays unset");
        is_int(p.memory.high, 1ULL << 30, "good sibling still read");
        is_int(p.rlimits[RLIMIT_NPROC].soft, TD_UNSET, "bad rlimit pair unset");
        td_policy_done(&p);
        td_diags_done(&ds);
}

/* All errors of a document, not just the first. */
static void test_all_errors(void) {
        td_diags ds = {};
        td_policy p;

        parse_text("tenant: a\ncpu:\n  weight: 0\n  quota: x\nmemory:\n  maxx: 1G\n"
                   "isolation:\n  chroot: rel\n  bogus: 1\n", &p, &ds);
        is_int(ds.n_errors, 5, "five problems, five errors");
        ok(has_diag(&ds, "cpu.weight") && has_diag(&ds, "cpu.quota") && has_diag(&ds, "memory.maxx") &&
           has_diag(&ds, "isolation.chroot") && has_diag(&ds, "isolation.bogus"), "each one named");
        td_policy_done(&p);
        td_diags_done(&ds);
}

static void test_names(void) {
        is_int(td_rlimit_from_name("nofile"), RLIMIT_NOFILE, "rlimit by name");
        is_int(td_rlimit_from_name("NOFILE"), -EINVAL, "rlimit names are lower case");
        is_int(td_rlimit_from_name(NULL), -EINVAL, "rlimit NULL");
        is_str(td_rlimit_to_name(RLIMIT_MEMLOCK), "memlock", "rlimit to name");
        ok(td_rlimit_to_name(-1) == NULL && td_rlimit_to_name(RLIM_NLIMITS) == NULL, "rlimit out of range");
        for (int i = 0; i < RLIM_NLIMITS; i++)
                ok(td_rlimit_to_name(i) && td_rlimit_from_name(td_rlimit_to_name(i)) == i, "rlimit %d round trips", i);
        for (int i = 0; i < _TD_NS_MAX; i++)
                is_int(td_ns_from_name(td_ns_to_name((td_ns) i)), i, "namespace %d round trips", i);
        is_int(td_ns_from_name("usr"), _TD_NS_INVALID, "unknown namespace");
        ok(td_ns_to_name(_TD_NS_MAX) == NULL, "namespace out of range");
        static const char *const cands[] = { "max", "maximal", "ne", "net" };
        is_str(td_policy_nearest("mux", cands, 4), "max", "edit distance first");
        is_str(td_policy_nearest("maximalist", cands, 4), "maximal", "longest candidate the word starts with");
        is_str(td_policy_nearest("network", cands, 4), "net", "prefix of at least 3 characters");
        ok(td_policy_nearest("nexxxxx", cands, 4) == NULL, "a 2-character prefix is not a hint");
        ok(td_policy_nearest("qqqqqq", cands, 4) == NULL, "nothing close");
        ok(td_policy_name_valid("a") && td_policy_name_valid("0-a_b"), "valid names");
        ok(!td_policy_name_valid("") && !td_policy_name_valid("_a") && !td_policy_name_valid("aB"), "invalid names");
}

int main(void) {
        test_full();
        test_plan_and_forms();
        test_bad();
        test_bad_long();
        test_bad_leaves_unset();
        test_all_errors();
        test_names();
        return tap_done();
}
