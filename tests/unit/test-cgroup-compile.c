/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Compile (policy + host -> knob writes) for v1 and v2, every "host can not
 * honour it" error, the weight conversions, value comparison, and layout
 * parsing. Pure: no cgroup file system involved. */
#include "cgroup-internal.h"
#include "policy-test.h"

static int fake_resolve(const char *path, unsigned *maj, unsigned *min) {
        if (streq(path, "/dev/vda")) {
                *maj = 254;
                *min = 0;
                return 0;
        }
        if (streq(path, "/dev/null"))
                return -ENOTBLK;
        return -ENOENT;
}

static td_cg_host host_all(td_cg_version v) {
        td_cg_host h = { .memsw = true, .swap = true, .io_weight = true, .rt = v == TD_CG_V1,
                         .page_size = 4096, .resolve_device = fake_resolve };
        for (size_t c = 0; c < _TD_CG_CONTROLLER_MAX; c++)
                h.version[c] = v;
        return h;
}

static const td_cg_write *find(const td_cg_plan *p, const char *file, bool leaf, size_t *ret_idx) {
        for (size_t i = 0; i < p->n; i++)
                if (streq(p->v[i].file, file) && p->v[i].leaf == leaf) {
                        if (ret_idx)
                                *ret_idx = i;
                        return &p->v[i];
                }
        return NULL;
}

static const char *val(const td_cg_plan *p, const char *file, bool leaf) {
        const td_cg_write *w = find(p, file, leaf, NULL);
        return w ? (w->value ? w->value : "(inherit)") : "(absent)";
}

static size_t idx(const td_cg_plan *p, const char *file, bool leaf) {
        size_t i = SIZE_MAX;
        find(p, file, leaf, &i);
        return i;
}

static const char *full_yaml =
        "tenant: acme\n"
        "cpu:\n"
        "  weight: 200\n"
        "  quota: 150%\n"
        "  realtime: { runtime: 10ms, period: 1s }\n"
        "  cpus: \"0-1\"\n"
        "  mems: \"0\"\n"
        "memory: { max: 1G, high: 768M, swap_max: 512M }\n"
        "io:\n"
        "  weight: 200\n"
        "  devices:\n"
        "    - { device: /dev/vda, read_bps: 10M/s, write_iops: 500 }\n"
        "    - { device: \"8:16\", write_bps: 1M/s }\n"
        "pids: { max: 200 }\n";

static int compile_yaml(const char *yaml, const td_cg_host *h, td_cg_plan *plan, td_diags *ds) {
        td_policy p;
        int r = parse_text(yaml, &p, ds);
        if (r < 0) {
                dump_diags(ds);
                td_policy_done(&p);
                return -999;
        }
        r = td_cg_compile(&p, h, plan, ds);
        td_policy_done(&p);
        return r;
}

static void test_v1_mapping(void) {
        td_cg_host h = host_all(TD_CG_V1);
        td_cg_plan plan = {};
        td_diags ds = {};

        h.bfq_weight = true;
        is_int(compile_yaml(full_yaml, &h, &plan, &ds), 0, "v1: full policy compiles");
        dump_diags(&ds);
        is_str(val(&plan, "cpu.shares", false), "2048", "v1: weight 200 -> cpu.shares 2048 (systemd)");
        is_str(val(&plan, "cpu.cfs_period_us", false), "100000", "v1: default period 100ms");
        is_str(val(&plan, "cpu.cfs_quota_us", false), "150000", "v1: 150%% -> 150000us per 100000us");
        ok(idx(&plan, "cpu.cfs_period_us", false) < idx(&plan, "cpu.cfs_quota_us", false), "v1: period before quota");
        is_str(val(&plan, "cpu.rt_runtime_us", false), "10000", "v1: rt runtime in the group");
        is_str(val(&plan, "cpu.rt_runtime_us", true), "10000", "v1: rt runtime mirrored in the leaf");
        ok(idx(&plan, "cpu.rt_period_us", false) < idx(&plan, "cpu.rt_runtime_us", false), "v1: rt_period before rt_runtime");
        is_int(find(&plan, "cpu.rt_runtime_us", false, NULL)->order, TD_CG_ORDER_NESTED, "v1: rt runtime nested with the leaf");
        is_int(find(&plan, "cpu.rt_period_us", false, NULL)->order, TD_CG_ORDER_NESTED_INV, "v1: rt period nested, inverse");
        is_str(val(&plan, "cpuset.cpus", false), "0-1", "v1: cpuset.cpus");
        is_str(val(&plan, "cpuset.cpus", true), "0-1", "v1: cpuset.cpus mirrored in the leaf");
        is_str(val(&plan, "cpuset.mems", false), "0", "v1: cpuset.mems");
        ok(idx(&plan, "cpuset.cpus", false) + 1 == idx(&plan, "cpuset.cpus", true), "v1: group then leaf, adjacent");
        is_str(val(&plan, "memory.limit_in_bytes", false), "1073741824", "v1: memory.max -> limit_in_bytes");
        is_str(val(&plan, "memory.soft_limit_in_bytes", false), "805306368", "v1: memory.high -> soft limit");
        is_str(val(&plan, "memory.memsw.limit_in_bytes", false), "1610612736", "v1: memsw = max + swap_max");
        ok(idx(&plan, "memory.limit_in_bytes", false) + 1 == idx(&plan, "memory.memsw.limit_in_bytes", false),
           "v1: memsw right after limit");
        is_int(find(&plan, "memory.limit_in_bytes", false, NULL)->order, TD_CG_ORDER_LE_NEXT, "v1: limit <= memsw ordering");
        is_str(val(&plan, "blkio.weight", false), "1000", "v1: io.weight 200 -> blkio.weight 1000 (clamped)");
        is_str(val(&plan, "blkio.bfq.weight", false), "109", "v1: io.weight 200 -> bfq weight 109");
        is_str(val(&plan, "blkio.throttle.read_bps_device", false), "254:0 10485760", "v1: /dev/vda -> 254:0 read bps");
        is_str(val(&plan, "blkio.throttle.write_bps_device", false), "8:16 1048576", "v1: MAJ:MIN taken as written");
        is_str(val(&plan, "blkio.throttle.write_iops_device", false), "254:0 500", "v1: write iops");
        is_str(val(&plan, "blkio.throttle.read_iops_device", false), "", "v1: unused device file listed empty (clears)");
        is_str(val(&plan, "pids.max", false), "200", "v1: pids.max");
        td_cg_plan_done(&plan);
        td_diags_done(&ds);

        /* Unset knobs compile to the kernel defaults, so removal undoes. */
        h.bfq_weight = false;
        is_int(compile_yaml("tenant: plain\n", &h, &plan, &ds), 0, "v1: empty policy compiles");
        is_str(val(&plan, "cpu.shares", false), "1024", "v1 default: cpu.shares 1024");
        is_str(val(&plan, "cpu.cfs_quota_us", false), "-1", "v1 default: quota -1");
        is_str(val(&plan, "memory.limit_in_bytes", false), "-1", "v1 default: limit -1");
        is_str(val(&plan, "memory.memsw.limit_in_bytes", false), "-1", "v1 default: memsw -1");
        is_str(val(&plan, "cpuset.cpus", false), "(inherit)", "v1 default: cpuset follows the tenant root");
        is_str(val(&plan, "cpu.rt_runtime_us", true), "0", "v1 default: no rt budget");
        is_str(val(&plan, "pids.max", false), "max", "v1 default: pids max");
        td_cg_plan_done(&plan);
        td_diags_done(&ds);

        is_int(compile_yaml("tenant: r\nmemory: { max: 1500000000 }\n", &h, &plan, &ds), 0, "v1: odd size compiles");
        is_str(val(&plan, "memory.limit_in_bytes", false), "1499996160", "v1: size rounded down to a page");
        td_cg_plan_done(&plan);
        td_diags_done(&ds);
}

static void test_v2_mapping(void) {
        td_cg_host h = host_all(TD_CG_V2);
        td_cg_plan plan = {};
        td_diags ds = {};
        const char *yaml = "tenant: acme\ncpu: { shares: 2048, quota: 50%, period: 200ms, cpus: \"1\" }\n"
                           "memory: { max: 1G, high: 768M, swap_max: 512M }\n"
                           "io: { weight: 300, devices: [ { device: /dev/vda, read_bps: 10M/s, write_iops: 500 } ] }\n"
                           "pids: { max: max }\n";

        is_int(compile_yaml(yaml, &h, &plan, &ds), 0, "v2: policy compiles");
        dump_diags(&ds);
        is_str(val(&plan, "cpu.weight", false), "200", "v2: shares 2048 -> cpu.weight 200 (systemd)");
        is_str(val(&plan, "cpu.max", false), "100000 200000", "v2: cpu.max QUOTA PERIOD");
        is_str(val(&plan, "cpuset.cpus", false), "1", "v2: cpuset.cpus");
        is_str(val(&plan, "cpuset.mems", false), "", "v2: unset mems -> \"\" (parent's)");
        ok(find(&plan, "cpuset.cpus", true, NULL) == NULL, "v2: nothing written into the leaf");
        is_str(val(&plan, "memory.max", false), "1073741824", "v2: memory.max");
        is_str(val(&plan, "memory.high", false), "805306368", "v2: memory.high");
        is_str(val(&plan, "memory.swap.max", false), "536870912", "v2: swap_max -> memory.swap.max (not summed)");
        is_str(val(&plan, "io.weight", false), "default 300", "v2: io.weight");
        is_str(val(&plan, "io.max", false), "254:0 rbps=10485760 wbps=max riops=max wiops=500", "v2: io.max line");
        is_str(val(&plan, "pids.max", false), "max", "v2: pids max");
        ok(find(&plan, "cpu.rt_runtime_us", false, NULL) == NULL, "v2: no rt knobs");
        td_cg_plan_done(&plan);
        td_diags_done(&ds);

        is_int(compile_yaml("tenant: d\n", &h, &plan, &ds), 0, "v2: empty policy compiles");
        is_str(val(&plan, "cpu.max", false), "max 100000", "v2 default: cpu.max max 100000");
        is_str(val(&plan, "memory.max", false), "max", "v2 default: memory.max max");
        is_str(val(&plan, "io.max", false), "", "v2 default: io.max empty (clears)");
        td_cg_plan_done(&plan);
        td_diags_done(&ds);

        /* Hybrid: memory on v2, the rest on v1. */
        td_cg_host hy = host_all(TD_CG_V1);
        hy.version[TD_CG_MEMORY] = TD_CG_V2;
        is_int(compile_yaml("tenant: h\ncpu: { weight: 50 }\nmemory: { max: 1G }\n", &hy, &plan, &ds), 0, "hybrid compiles");
        is_str(val(&plan, "cpu.shares", false), "512", "hybrid: cpu on v1");
        is_str(val(&plan, "memory.max", false), "1073741824", "hybrid: memory on v2");
        ok(find(&plan, "memory.limit_in_bytes", false, NULL) == NULL, "hybrid: no v1 memory knobs");
        td_cg_plan_done(&plan);
        td_diags_done(&ds);
}

/* Each case: a host tweak, a policy, and the text the error must contain. */
static void refuse(const char *name, td_cg_host h, const char *yaml, const char *key, const char *reason) {
        td_cg_plan plan = {};
        td_diags ds = {};
        char needle[256];

        is_int(compile_yaml(yaml, &h, &plan, &ds), -EINVAL, "%s: compile fails", name);
        snprintf(needle, sizeof needle, "%s: tenant \"bad\": this host can not honour it: ", key);
        ok(has_diag(&ds, needle), "%s: error names key and tenant", name);
        ok(has_diag(&ds, reason), "%s: error says why (%s)", name, reason);
        if (!has_diag(&ds, reason))
                dump_diags(&ds);
        is_int(plan.n, 0, "%s: no plan on failure", name);
        td_diags_done(&ds);
}

static void test_refusals(void) {
        td_cg_host v1 = host_all(TD_CG_V1), v2 = host_all(TD_CG_V2), h;

        refuse("realtime on v2", v2, "tenant: bad\ncpu: { realtime: { runtime: 10ms, period: 1s } }\n",
               "cpu.realtime", "cgroup v2 has no realtime budget");
        h = v1;
        h.rt = false;
        refuse("realtime without RT_GROUP_SCHED", h, "tenant: bad\ncpu: { realtime: { runtime: 10ms } }\n",
               "cpu.realtime", "no RT group scheduling");
        h = v1;
        h.version[TD_CG_MEMORY] = TD_CG_NONE;
        refuse("memory not mounted", h, "tenant: bad\nmemory: { max: 1G }\n", "memory",
               "the memory controller is not available");
        h = v1;
        h.version[TD_CG_IO] = TD_CG_NONE;
        refuse("blkio not mounted", h, "tenant: bad\nio: { weight: 100 }\n", "io",
               "the blkio controller is not available");
        refuse("missing device", v1, "tenant: bad\nio: { devices: [ { device: /dev/nope, read_bps: 1M/s } ] }\n",
               "io.devices.device", "\"/dev/nope\": No such file or directory");
        refuse("not a block device", v2, "tenant: bad\nio: { devices: [ { device: /dev/null, read_bps: 1M/s } ] }\n",
               "io.devices.device", "\"/dev/null\" is not a block device");
        h = v1;
        h.memsw = false;
        refuse("memsw without swap accounting", h, "tenant: bad\nmemory: { max: 1G, swap_max: 1G }\n",
               "memory.swap_max", "swap accounting is off");
        refuse("v1 swap_max without max", v1, "tenant: bad\nmemory: { swap_max: 1G }\n",
               "memory.swap_max", "swap_max needs memory.max");
        h = v2;
        h.swap = false;
        refuse("v2 swap without memory.swap.max", h, "tenant: bad\nmemory: { swap_max: 1G }\n",
               "memory.swap_max", "no memory.swap.max");
        h = v1;
        h.io_weight = h.bfq_weight = false;
        refuse("io weight without bfq (v1)", h, "tenant: bad\nio: { weight: 100 }\n", "io.weight",
               "no blkio.weight or blkio.bfq.weight");
        h = v2;
        h.io_weight = h.bfq_weight = false;
        refuse("io weight without bfq (v2)", h, "tenant: bad\nio: { weight: 100 }\n", "io.weight",
               "no io.weight or io.bfq.weight");
        refuse("quota below 1ms", v2, "tenant: bad\ncpu: { quota: 0.5%, period: 100ms }\n", "cpu.quota",
               "below the kernel's minimum quota");

        /* Several problems: all reported at once. */
        td_cg_plan plan = {};
        td_diags ds = {};
        h = v2;
        h.swap = false;
        is_int(compile_yaml("tenant: bad\ncpu: { realtime: { runtime: 10ms } }\nmemory: { swap_max: 1G }\n",
                            &h, &plan, &ds), -EINVAL, "two problems: fails");
        is_int(ds.n_errors, 2, "two problems: both reported");
        td_diags_done(&ds);
}

static void test_conversions(void) {
        is_int(td_cg_shares_to_weight(1024), 100, "shares 1024 -> weight 100");
        is_int(td_cg_shares_to_weight(2), 1, "shares 2 -> weight 1 (clamped)");
        is_int(td_cg_shares_to_weight(262144), 10000, "shares 262144 -> weight 10000 (clamped)");
        is_int(td_cg_weight_to_shares(100), 1024, "weight 100 -> shares 1024");
        is_int(td_cg_weight_to_shares(1), 10, "weight 1 -> shares 10");
        is_int(td_cg_weight_to_shares(10000), 102400, "weight 10000 -> shares 102400");
        is_int(td_cg_io_weight_to_blkio(100), 500, "io 100 -> blkio 500");
        is_int(td_cg_io_weight_to_blkio(1), 10, "io 1 -> blkio 10 (clamped)");
        is_int(td_cg_io_weight_to_bfq(100), 100, "io 100 -> bfq 100");
        is_int(td_cg_io_weight_to_bfq(1), 1, "io 1 -> bfq 1");
        is_int(td_cg_io_weight_to_bfq(10000), 1000, "io 10000 -> bfq 1000");
}

static void test_compare(void) {
        ok(td_cg_value_equal(TD_CG_CMP_NUMBER, TD_CG_V1_UNLIMITED "\n", "-1"), "v1 unlimited == -1");
        ok(td_cg_value_equal(TD_CG_CMP_NUMBER, "max\n", "-1"), "max == -1");
        ok(td_cg_value_equal(TD_CG_CMP_NUMBER, "default 100\n", "100"), "\"default 100\" == 100");
        ok(!td_cg_value_equal(TD_CG_CMP_NUMBER, "1073741824\n", "max"), "1G != max");
        ok(td_cg_value_equal(TD_CG_CMP_CPU_MAX, "max 100000\n", "max 100000"), "cpu.max equal");
        ok(!td_cg_value_equal(TD_CG_CMP_CPU_MAX, "50000 100000\n", "50000 200000"), "cpu.max period differs");
        ok(td_cg_value_equal(TD_CG_CMP_CPULIST, "0-2,4\n", "0,1,2,4"), "cpulist forms equal");
        ok(td_cg_value_equal(TD_CG_CMP_CPULIST, "\n", ""), "empty cpulists equal");
        ok(!td_cg_value_equal(TD_CG_CMP_CPULIST, "0-3\n", "0-2"), "cpulists differ");
        uint64_t b[64];
        is_int(td_cg_cpulist_parse("0-2,4,7-8", b), 0, "cpulist parses");
        char *s = td_cg_cpulist_format(b);
        is_str(s, "0-2,4,7-8", "cpulist formats back");
        free(s);
        is_int(td_cg_cpulist_parse("3-1", b), -EINVAL, "reversed range refused");
}

static void test_layout(void) {
        /* This project's test host: v1 controllers, an empty cgroup2. */
        const char *mi =
                "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
                "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
                "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
                "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
                "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
                "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
                "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
                "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
                "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
        const char *self = "9:name=systemd:/\n8:pids:/\n7:blkio:/\n4:memory:/process_api/abc\n"
                           "3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/\n";
        td_cg_layout l;

        is_int(td_cg_layout_parse(mi, self, TD_CGROUP_AUTO, &l), 0, "host layout parses");
        is_int(l.kind, TD_CG_LAYOUT_V1, "all our controllers on v1 (unified holds none)");
        int m = l.ctrl_hier[TD_CG_MEMORY];
        ok(m >= 0 && streq(l.hier[m].mount, "/sys/fs/cgroup/memory"), "memory mount");
        ok(m >= 0 && streq(l.hier[m].own, "/process_api/abc"), "own memory cgroup");
        ok(l.ctrl_hier[TD_CG_CPU] != l.ctrl_hier[TD_CG_CPUACCT], "cpu and cpuacct apart");
        td_cg_layout_done(&l);

        /* Co-mounted cpu,cpuacct and memory on the unified hierarchy. */
        const char *mi2 =
                "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
                "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
        const char *self2 = "1:cpu,cpuacct:/a\n0::/b/c\n";
        is_int(td_cg_layout_parse(mi2, self2, TD_CGROUP_AUTO, &l), 0, "hybrid layout parses");
        is_int(l.kind, TD_CG_LAYOUT_HYBRID, "hybrid");
        ok(l.ctrl_hier[TD_CG_CPU] == l.ctrl_hier[TD_CG_CPUACCT], "cpu,cpuacct one hierarchy");
        m = l.ctrl_hier[TD_CG_MEMORY];
        ok(m >= 0 && l.hier[m].version == TD_CG_V2 && streq(l.hier[m].own, "/b/c"), "memory on v2, own from 0::");
        td_cg_layout_done(&l);

        is_int(td_cg_layout_parse(mi2, self2, TD_CGROUP_V2, &l), 0, "forced v2 parses");
        is_int(l.kind, TD_CG_LAYOUT_V2, "forced v2: only the unified mount");
        td_cg_layout_done(&l);

        /* A container: the mount's root is a subtree. */
        const char *mi3 = "50 40 0:40 /lxc/c1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
        is_int(td_cg_layout_parse(mi3, "0::/lxc/c1/init\n", TD_CGROUP_AUTO, &l), 0, "container layout parses");
        m = l.ctrl_hier[TD_CG_PIDS];
        ok(m >= 0 && streq(l.hier[m].own, "/init"), "own path relative to the mount root");
        td_cg_layout_done(&l);
}

int main(void) {
        test_v1_mapping();
        test_v2_mapping();
        test_refusals();
        test_conversions();
        test_compare();
        test_layout();
        return tap_done();
}
