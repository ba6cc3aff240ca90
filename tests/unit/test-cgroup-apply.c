/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reconcile and teardown against a fake cgroup tree (cgroup-fake.h): cold
 * apply, idempotence, O(1) writes for one change, ordering the kernel
 * enforces, dry-run plan text, stale removal, busy refuse/move, failure
 * isolation, invalid policies, the state cache, and a v2 tree delegated by
 * systemd. */
#include "cgroup-fake.h"
#include "policy-test.h"

typedef struct tset {
        td_cg_tenant t[8];
        td_policy p[8];
        size_t n;
        td_diags ds;    /* owns the file names the policies' marks point at */
} tset;

static void tset_add(tset *s, const char *yaml, bool valid) {
        size_t i = s->n++;

        if (parse_text(yaml, &s->p[i], &s->ds) < 0)
                dump_diags(&s->ds);
        s->t[i] = (td_cg_tenant) { .name = s->p[i].name, .policy = &s->p[i], .valid = valid };
}

static void tset_done(tset *s) {
        for (size_t i = 0; i < s->n; i++)
                td_policy_done(&s->p[i]);
        s->n = 0;
        td_diags_done(&s->ds);
}

static td_reconcile_report rep;

static int run(td_cg *cg, tset *s, td_busy_policy busy, unsigned flags) {
        td_diags ds = {};
        td_reconcile_report_done(&rep);
        int r = td_cg_reconcile(cg, s->t, s->n, busy, "tenants/_fallback", flags, &rep, &ds);
        dump_diags(&ds);
        td_diags_done(&ds);
        for (size_t i = 0; i < rep.n; i++)
                printf("#   %s: %s %s\n", rep.v[i].tenant, td_cg_action_to_name(rep.v[i].action),
                       rep.v[i].message ? rep.v[i].message : "");
        return r;
}

static const td_cg_result *result(const char *tenant) {
        for (size_t i = 0; i < rep.n; i++)
                if (streq(rep.v[i].tenant, tenant))
                        return &rep.v[i];
        return NULL;
}

static int action(const char *tenant) {
        const td_cg_result *r = result(tenant);
        return r ? (int) r->action : -1;
}

static bool plan_has(const char *needle) {
        for (size_t i = 0; i < rep.n_plan; i++)
                if (strstr(rep.plan[i], needle))
                        return true;
        for (size_t i = 0; i < rep.n_plan; i++)
                printf("#   plan: %s\n", rep.plan[i]);
        return false;
}

#define IS_FILE(f, path, want, ...) do {                 \
                char *_v = fake_get_path((f), (path));   \
                is_str(_v, (want), __VA_ARGS__);         \
                free(_v);                                \
        } while (0)

#define ACME "tenant: acme\ncpu: { weight: 200, cpus: \"0-1\" }\nmemory: { max: 1G, swap_max: 512M }\n" \
             "pids: { max: 100 }\nio: { devices: [ { device: \"8:16\", read_bps: 1M/s } ] }\n"

#define M "memory/process_api/abc/tdtest/tenants/"
#define CPU "cpu/tdtest/tenants/"
#define CS "cpuset/tdtest/tenants/"

static td_cg *open_v1(fake *f, const char *state) {
        td_cg_layout l;
        td_cg *cg = NULL;
        td_diags ds = {};
        td_cg_options o = fake_options(f, NULL);

        o.state_path = state;
        fake_layout(f, &l);
        int r = td_cg_open(&l, "tdtest/tenants", &o, &cg, &ds);
        is_int(r, 0, "td_cg_open");
        td_cg_layout_done(&l);
        td_diags_done(&ds);
        return cg;
}

static void test_v1(void) {
        fake f;
        tset s = {};
        td_cg *cg;
        char state[128];

        fake_v1(&f);
        snprintf(state, sizeof state, "%s/state", f.base);
        cg = open_v1(&f, state);
        tset_add(&s, ACME, true);
        tset_add(&s, "tenant: beta\n", true);

        /* Cold apply. */
        is_int(run(cg, &s, TD_BUSY_REFUSE, 0), 0, "cold apply succeeds");
        is_int(action("acme"), TD_CG_ACT_CREATED, "acme created");
        is_int(action("beta"), TD_CG_ACT_CREATED, "beta created");
        /* 6 knobs, one of them (the device limit) also in the leaf: v1
         * blk-throttle is not hierarchical. */
        is_int(result("acme")->n_writes, 7, "acme: only its 6 non-default knobs written (+1 leaf mirror)");
        is_int(result("beta")->n_writes, 0, "beta: defaults only, nothing written");
        is_int((int) rep.n_writes, f.n_write, "the report counts every write the kernel saw (%d)", f.n_write);
        ok(cg->host.memsw && cg->host.rt && !cg->host.bfq_weight, "host probed: memsw, rt, no bfq");
        IS_FILE(&f, M "acme/memory.limit_in_bytes", "1073741824", "memory.max -> limit_in_bytes");
        IS_FILE(&f, M "acme/memory.memsw.limit_in_bytes", "1610612736", "memsw = max + swap");
        IS_FILE(&f, CPU "acme/cpu.shares", "2048", "cpu.shares");
        IS_FILE(&f, CS "acme/cpuset.cpus", "0-1", "cpuset.cpus");
        IS_FILE(&f, CS "acme/procs/cpuset.cpus", "0-1", "leaf inherited cpuset.cpus");
        IS_FILE(&f, CS "beta/cpuset.cpus", "0-3", "beta follows the root's cpus");
        IS_FILE(&f, CS "cgroup.clone_children", "1", "root has clone_children");
        IS_FILE(&f, CS "cpuset.cpus", "0-3", "root copied its parent's cpus");
        IS_FILE(&f, "blkio/tdtest/tenants/acme/blkio.throttle.read_bps_device", "8:16 1048576", "device limit");
        IS_FILE(&f, "blkio/tdtest/tenants/acme/procs/blkio.throttle.read_bps_device", "8:16 1048576",
                "device limit mirrored into the leaf, where the processes are");
        IS_FILE(&f, "pids/tdtest/tenants/acme/pids.max", "100", "pids.max");
        ok(fake_exists(&f, "cpuacct/tdtest/tenants/beta/procs"), "leaf in cpuacct too");
        ok(fake_exists(&f, M "acme/procs"), "leaf below the own memory cgroup");

        /* Idempotence, with the cache. */
        is_int(run(cg, &s, TD_BUSY_REFUSE, 0), 0, "re-apply succeeds");
        is_int(rep.n_writes, 0, "re-apply: 0 writes");
        is_int(rep.n, 0, "re-apply: nothing to report");
        ok(rep.n_reads <= 6, "re-apply from cache: only the root's knobs read (%" PRIu64 ")", rep.n_reads);
        /* ... and by reading every value. */
        is_int(run(cg, &s, TD_BUSY_REFUSE, TD_RECONCILE_VERIFY), 0, "verify succeeds");
        is_int(rep.n_writes, 0, "verify: 0 writes");
        ok(rep.n_reads > 20, "verify read the live values (%" PRIu64 ")", rep.n_reads);
        td_cg_free(cg);
        cg = open_v1(&f, state);
        is_int(run(cg, &s, TD_BUSY_REFUSE, 0), 0, "new handle, state file: succeeds");
        is_int(rep.n_writes, 0, "new handle: 0 writes");
        ok(rep.n_reads <= 6, "new handle: cache from the state file (%" PRIu64 " reads)", rep.n_reads);

        /* Raise memory: memsw must go first (the fake refuses otherwise). */
        tset_done(&s);
        tset_add(&s, "tenant: acme\ncpu: { weight: 200, cpus: \"2-3\" }\nmemory: { max: 2G, swap_max: 512M }\n"
                     "pids: { max: 100 }\n", true);
        tset_add(&s, "tenant: beta\n", true);
        is_int(run(cg, &s, TD_BUSY_REFUSE, 0), 0, "raise memory, move cpus to a disjoint set");
        is_int(action("acme"), TD_CG_ACT_UPDATED, "acme updated");
        ok(result("beta") == NULL, "beta untouched");
        IS_FILE(&f, M "acme/memory.limit_in_bytes", "2147483648", "limit raised");
        IS_FILE(&f, M "acme/memory.memsw.limit_in_bytes", "2684354560", "memsw raised");
        IS_FILE(&f, CS "acme/cpuset.cpus", "2-3", "group cpus moved");
        IS_FILE(&f, CS "acme/procs/cpuset.cpus", "2-3", "leaf cpus moved");
        IS_FILE(&f, "blkio/tdtest/tenants/acme/blkio.throttle.read_bps_device", "", "dropped device limit cleared");
        IS_FILE(&f, "blkio/tdtest/tenants/acme/procs/blkio.throttle.read_bps_device", "", "leaf device limit cleared");
        /* limit, memsw, cpus via union (group, leaf, group), device clear in group and leaf */
        is_int(rep.n_writes, 7, "O(1): only acme's changed knobs written");

        /* Lower memory (limit first), narrow cpus (leaf first). */
        tset_done(&s);
        tset_add(&s, "tenant: acme\ncpu: { weight: 200, cpus: \"3\" }\nmemory: { max: 512M }\npids: { max: 100 }\n", true);
        tset_add(&s, "tenant: beta\n", true);
        is_int(run(cg, &s, TD_BUSY_REFUSE, 0), 0, "lower memory, narrow cpus");
        IS_FILE(&f, M "acme/memory.limit_in_bytes", "536870912", "limit lowered");
        IS_FILE(&f, M "acme/memory.memsw.limit_in_bytes", "-1", "memsw back to unlimited");
        IS_FILE(&f, CS "acme/procs/cpuset.cpus", "3", "leaf narrowed");
        tset_done(&s);
        tset_add(&s, "tenant: acme\ncpu: { weight: 200 }\nmemory: { max: 512M }\npids: { max: 100 }\n", true);
        tset_add(&s, "tenant: beta\n", true);
        is_int(run(cg, &s, TD_BUSY_REFUSE, 0), 0, "cpus unset: widen back to the root's");
        IS_FILE(&f, CS "acme/cpuset.cpus", "0-3", "group follows the root again");

        /* Dry run: plan text, nothing changed. */
        tset_done(&s);
        tset_add(&s, "tenant: acme\ncpu: { weight: 200 }\nmemory: { max: 512M }\npids: { max: 50 }\n", true);
        tset_add(&s, "tenant: beta\n", true);
        tset_add(&s, "tenant: gamma\npids: { max: 7 }\n", true);
        is_int(run(cg, &s, TD_BUSY_REFUSE, TD_RECONCILE_DRY_RUN), 0, "dry run succeeds");
        char needle[512];
        snprintf(needle, sizeof needle, "%s/" "pids/tdtest/tenants/acme/pids.max: 100 -> 50", f.base);
        ok(plan_has(needle), "plan line FILE: OLD -> NEW");
        snprintf(needle, sizeof needle, "mkdir %s/pids/tdtest/tenants/gamma", f.base);
        ok(plan_has(needle), "plan line for a new group");
        ok(plan_has("gamma/pids.max: (new) -> 7"), "plan line for a new group's knob");
        is_int(rep.n_writes, 0, "dry run: 0 writes");
        IS_FILE(&f, "pids/tdtest/tenants/acme/pids.max", "100", "dry run changed nothing");
        ok(!fake_exists(&f, "pids/tdtest/tenants/gamma"), "dry run created nothing");

        /* Failure isolation: gamma's write fails (666), the others go on. */
        tset_done(&s);
        tset_add(&s, "tenant: acme\ncpu: { weight: 200 }\nmemory: { max: 512M }\npids: { max: 50 }\n", true);
        tset_add(&s, "tenant: beta\n", true);
        tset_add(&s, "tenant: gamma\npids: { max: 666 }\n", true);
        is_int(run(cg, &s, TD_BUSY_REFUSE, 0), -EINVAL, "one failure: reconcile reports it");
        is_int(action("gamma"), TD_CG_ACT_FAILED, "gamma failed");
        ok(result("gamma") && strstr(result("gamma")->message, "pids.max") &&
           strstr(result("gamma")->message, "Invalid argument"), "message names knob and error");
        is_int(action("acme"), TD_CG_ACT_UPDATED, "acme still applied");
        IS_FILE(&f, "pids/tdtest/tenants/acme/pids.max", "50", "acme's change landed");
        is_int(rep.n_failed, 1, "one failed");

        /* Invalid policy: skipped, its group untouched and not removed. */
        tset_done(&s);
        tset_add(&s, "tenant: acme\ncpu: { weight: 200 }\nmemory: { max: 512M }\npids: { max: 50 }\n", true);
        tset_add(&s, "tenant: beta\npids: { max: 9 }\n", false);
        is_int(run(cg, &s, TD_BUSY_REFUSE, 0), -EINVAL, "invalid tenant: reconcile fails");
        is_int(action("beta"), TD_CG_ACT_SKIPPED, "beta skipped");
        IS_FILE(&f, "pids/tdtest/tenants/beta/pids.max", "max", "beta's group untouched");
        is_int(action("gamma"), TD_CG_ACT_REMOVED, "gamma (gone) removed");
        ok(!fake_exists(&f, "pids/tdtest/tenants/gamma") && !fake_exists(&f, M "gamma"),
           "gamma gone from every hierarchy");

        /* Busy: refuse, then move. */
        _cleanup_free_ char *procs = td_strdupf("%s/" M "beta/procs", f.base);
        _cleanup_close_ int pfd = open(procs, O_RDONLY | O_DIRECTORY);
        fake_put(pfd, "cgroup.procs", "4242\n");
        tset_done(&s);
        tset_add(&s, "tenant: acme\ncpu: { weight: 200 }\nmemory: { max: 512M }\npids: { max: 50 }\n", true);
        is_int(run(cg, &s, TD_BUSY_REFUSE, 0), -EBUSY, "busy + refuse: -EBUSY");
        is_int(action("beta"), TD_CG_ACT_BUSY, "beta kept busy");
        ok(result("beta") && strstr(result("beta")->message, "1 process still in it"), "says why");
        ok(fake_exists(&f, M "beta/procs") && fake_exists(&f, CPU "beta"), "beta kept everywhere");
        is_int(run(cg, &s, TD_BUSY_MOVE, 0), 0, "busy + move succeeds");
        is_int(action("beta"), TD_CG_ACT_MOVED, "beta moved and removed");
        is_int(result("beta")->n_moved, 1, "one process moved");
        IS_FILE(&f, M "_fallback/cgroup.procs", "4242", "the process is in the fallback");
        ok(!fake_exists(&f, M "beta"), "beta removed");

        /* Teardown: busy fallback inside the tree is kept... */
        td_diags ds = {};
        td_reconcile_report_done(&rep);
        is_int(td_cg_teardown(cg, TD_BUSY_MOVE, "tenants/_fallback", 0, &rep, &ds), -EBUSY,
               "teardown with a busy fallback inside: -EBUSY");
        is_int(action("_fallback"), TD_CG_ACT_BUSY, "fallback kept");
        ok(!fake_exists(&f, M "acme"), "acme removed");
        ok(fake_exists(&f, M), "root kept while busy");
        /* ... and once empty everything goes, never above the root. */
        _cleanup_free_ char *fb = td_strdupf("%s/" M "_fallback", f.base);
        _cleanup_close_ int ffd = open(fb, O_RDONLY | O_DIRECTORY);
        fake_put(ffd, "cgroup.procs", "");
        td_reconcile_report_done(&rep);
        is_int(td_cg_teardown(cg, TD_BUSY_REFUSE, "tenants/_fallback", 0, &rep, &ds), 0, "teardown succeeds");
        ok(!fake_exists(&f, "memory/process_api/abc/tdtest/tenants") && !fake_exists(&f, "cpu/tdtest/tenants"),
           "root gone");
        ok(fake_exists(&f, "memory/process_api/abc/tdtest") && fake_exists(&f, "cpu/tdtest"),
           "its parent stays");
        td_diags_done(&ds);

        /* After teardown a new apply starts cold, also from another handle
         * reading the old state file: the new root does not match it. */
        is_int(run(cg, &s, TD_BUSY_REFUSE, 0), 0, "apply after teardown");
        is_int(action("acme"), TD_CG_ACT_CREATED, "acme created again");
        td_reconcile_report_done(&rep);
        is_int(td_cg_teardown(cg, TD_BUSY_REFUSE, "tenants/_fallback", 0, &rep, &ds), 0, "teardown again");
        td_cg_free(cg);
        cg = open_v1(&f, state);
        is_int(run(cg, &s, TD_BUSY_REFUSE, 0), 0, "new handle after teardown");
        is_int(action("acme"), TD_CG_ACT_CREATED, "stale state file ignored: acme created");
        ok(fake_exists(&f, M "acme/procs"), "acme's groups exist again");
        td_diags_done(&ds);

        td_reconcile_report_done(&rep);
        tset_done(&s);
        td_cg_free(cg);
        fake_done(&f);
}

/* systemd Delegate=yes: tenantd.service's cgroup is ours; controllers are
 * enabled above it by systemd. tenantd enables them from there down and
 * writes nothing above. */
static void fake_delegated(fake *f) {
        fake_v2(f, "/system.slice/tenantd.service");
        /* As systemd left it; the unusual word order shows any rewrite. */
        _cleanup_free_ char *top = td_strdupf("%s/unified", f->base);
        _cleanup_free_ char *sl = td_strdupf("%s/unified/system.slice", f->base);
        _cleanup_free_ char *svc = td_strdupf("%s/unified/system.slice/tenantd.service", f->base);
        int tfd = open(top, O_RDONLY | O_DIRECTORY), sfd = open(sl, O_RDONLY | O_DIRECTORY);
        int vfd = open(svc, O_RDONLY | O_DIRECTORY);
        fake_put(tfd, "cgroup.subtree_control", "pids memory io cpu\n");
        fake_put(sfd, "cgroup.controllers", "cpu io memory pids\n");
        fake_put(sfd, "cgroup.subtree_control", "pids memory io cpu\n");
        fake_put(vfd, "cgroup.controllers", "cpu io memory pids\n");
        fake_put(vfd, "memory.max", "max\n");
        fake_put(vfd, "memory.swap.max", "max\n");
        close(tfd);
        close(sfd);
        close(vfd);
}

static void test_v2_delegated(void) {
        fake f;
        tset s = {};
        td_cg_layout l;
        td_cg *cg = NULL;
        td_diags ds = {};

        fake_delegated(&f);
        fake_layout(&f, &l);
        td_cg_options o = fake_options(&f, NULL);
        is_int(td_cg_open(&l, "tenants", &o, &cg, &ds), 0, "v2 open, relative root");
        td_cg_layout_done(&l);
        tset_add(&s, "tenant: acme\ncpu: { weight: 50 }\nmemory: { max: 1G, swap_max: 256M }\n", true);

        is_int(run(cg, &s, TD_BUSY_REFUSE, TD_RECONCILE_DRY_RUN), 0, "v2 dry run");
        ok(plan_has("tenantd.service/cgroup.subtree_control: (empty) -> +cpu +memory +io +pids"),
           "plan enables controllers in the delegated group");
        is_int(run(cg, &s, TD_BUSY_REFUSE, 0), 0, "v2 apply");
        is_int(action("acme"), TD_CG_ACT_CREATED, "v2: acme created");
        IS_FILE(&f, "unified/system.slice/tenantd.service/cgroup.subtree_control", "cpu io memory pids",
                "controllers enabled in the delegated group");
        IS_FILE(&f, "unified/system.slice/tenantd.service/tenants/cgroup.subtree_control", "cpu io memory pids",
                "controllers enabled in the tenant root");
        IS_FILE(&f, "unified/system.slice/cgroup.subtree_control", "pids memory io cpu", "nothing written above");
        IS_FILE(&f, "unified/cgroup.subtree_control", "pids memory io cpu", "nothing written at the top");
        IS_FILE(&f, "unified/system.slice/tenantd.service/tenants/acme/memory.max", "1073741824", "v2 memory.max");
        IS_FILE(&f, "unified/system.slice/tenantd.service/tenants/acme/memory.swap.max", "268435456",
                "v2 swap.max");
        IS_FILE(&f, "unified/system.slice/tenantd.service/tenants/acme/cpu.weight", "50", "v2 cpu.weight");
        ok(fake_exists(&f, "unified/system.slice/tenantd.service/tenants/acme/procs"), "v2 leaf for processes");
        IS_FILE(&f, "unified/system.slice/tenantd.service/tenants/acme/cgroup.subtree_control", "",
                "nothing enabled for the leaf");
        ok(cg->host.version[TD_CG_CPUSET] == TD_CG_NONE, "cpuset not offered: not used");
        is_int(run(cg, &s, TD_BUSY_REFUSE, TD_RECONCILE_VERIFY), 0, "v2 verify");
        is_int(rep.n_writes, 0, "v2 idempotent");

        /* A policy needing cpuset on this host: refused by name. */
        tset_done(&s);
        tset_add(&s, "tenant: acme\ncpu: { cpus: \"0\" }\n", true);
        is_int(run(cg, &s, TD_BUSY_REFUSE, 0), -EINVAL, "cpuset unavailable: fails");
        is_int(action("acme"), TD_CG_ACT_FAILED, "acme failed, named");

        td_reconcile_report_done(&rep);
        tset_done(&s);
        td_diags_done(&ds);
        td_cg_free(cg);
        fake_done(&f);
}

/* The daemon started in the delegated unit's cgroup: controllers can't be
 * enabled there while it stays (EBUSY), so it moves itself, and only
 * itself, into a leaf; then apply works. */
#define SVC "unified/system.slice/tenantd.service"
static void test_v2_leave_top(void) {
        fake f;
        tset s = {};
        td_cg_layout l;
        td_cg *cg = NULL;
        td_diags ds = {};
        char self[16], *dir = NULL;

        fake_delegated(&f);
        snprintf(self, sizeof self, "%d", (int) getpid());
        _cleanup_free_ char *svc = td_strdupf("%s/" SVC, f.base);
        _cleanup_close_ int vfd = open(svc, O_RDONLY | O_DIRECTORY);
        fake_put(vfd, "cgroup.procs", self);
        fake_layout(&f, &l);
        td_cg_options o = fake_options(&f, NULL);
        tset_add(&s, "tenant: acme\nmemory: { max: 1G }\n", true);

        is_int(td_cg_open(&l, "tenants", &o, &cg, &ds), 0, "open, relative root");
        is_int(run(cg, &s, TD_BUSY_REFUSE, 0), -EBUSY, "apply while the daemon sits in the unit's group: EBUSY");
        ok(result("acme") == NULL || action("acme") != TD_CG_ACT_CREATED, "acme not created");
        td_reconcile_report_done(&rep);

        is_int(td_cg_leave_top(cg, "supervisor", &dir), 1, "leave_top moves in one hierarchy");
        ok(dir && strlen(dir) > strlen(SVC "/supervisor") &&
           streq(dir + strlen(dir) - strlen(SVC "/supervisor"), SVC "/supervisor"),
           "it names the leaf: %s", dir ? dir : "(null)");
        IS_FILE(&f, SVC "/supervisor/cgroup.procs", self, "the caller is in the leaf");
        IS_FILE(&f, SVC "/cgroup.procs", "", "and no longer in the unit's group");
        is_int(run(cg, &s, TD_BUSY_REFUSE, 0), 0, "apply after leaving");
        IS_FILE(&f, SVC "/tenants/acme/memory.max", "1073741824", "acme's limit written");
        IS_FILE(&f, SVC "/cgroup.subtree_control", "cpu io memory pids", "controllers enabled in the unit's group");
        free(dir);
        dir = NULL;
        is_int(td_cg_leave_top(cg, "supervisor", &dir), 0, "second call: nothing to do");
        ok(dir == NULL, "no leaf named when nothing moved");
        is_int(td_cg_leave_top(cg, "a/b", NULL), -EINVAL, "a name with a slash: -EINVAL");
        is_int(td_cg_leave_top(cg, "..", NULL), -EINVAL, "\"..\": -EINVAL");
        td_cg_free(cg);

        /* Back in the unit's group, with roots that do or don't need it. */
        fake_put(vfd, "cgroup.procs", self);
        is_int(td_cg_open(&l, "supervisor/tenants", &o, &cg, &ds), 0, "open, root below supervisor/");
        is_int(td_cg_leave_top(cg, "supervisor", NULL), -EEXIST, "moving into its own tenant tree: -EEXIST");
        td_cg_free(cg);
        is_int(td_cg_open(&l, "supervisors", &o, &cg, &ds), 0, "open, root supervisors");
        is_int(td_cg_leave_top(cg, "supervisor", NULL), 1, "a longer name is no clash");
        td_cg_free(cg);
        fake_put(vfd, "cgroup.procs", self);
        is_int(td_cg_open(&l, "/tenants", &o, &cg, &ds), 0, "open, absolute root");
        is_int(td_cg_leave_top(cg, "supervisor", NULL), 0, "absolute root: stays where it is");
        IS_FILE(&f, SVC "/cgroup.procs", self, "still in the unit's group");
        td_cg_free(cg);
        td_cg_layout_done(&l);

        tset_done(&s);
        td_diags_done(&ds);
        fake_done(&f);
}

/* Before an absolute root exists, a dry run probes the mount root, which has
 * no limit files: a group beside (system.slice) says whether swap and io
 * weights exist, instead of a guess. */
static void test_v2_probe_mount_root(void) {
        fake f;
        tset s = {};
        td_cg_layout l;
        td_cg *cg = NULL;
        td_diags ds = {};

        fake_v2(&f, "/");
        _cleanup_free_ char *sl = td_strdupf("%s/unified/system.slice", f.base);
        mkdir(sl, 0755);
        _cleanup_close_ int sfd = open(sl, O_RDONLY | O_DIRECTORY);
        fake_put(sfd, "memory.max", "max\n");
        fake_put(sfd, "io.stat", "");
        fake_layout(&f, &l);
        td_cg_options o = fake_options(&f, NULL);
        is_int(td_cg_open(&l, "/tenants", &o, &cg, &ds), 0, "probe: open, absolute root not there yet");
        tset_add(&s, "tenant: acme\nmemory: { max: 1G, swap_max: 256M }\n", true);

        is_int(run(cg, &s, TD_BUSY_REFUSE, TD_RECONCILE_DRY_RUN), -EINVAL,
               "probe: no memory.swap.max beside the root: swap_max refused in a dry run");
        ok(!cg->host.swap && !cg->host.io_weight, "probe: no swap, no io.weight, read from system.slice");
        ok(!fake_exists(&f, "unified/tenants"), "probe: the dry run created nothing");
        td_reconcile_report_done(&rep);

        fake_put(sfd, "memory.swap.max", "max\n");
        fake_put(sfd, "io.weight", "default 100\n");
        is_int(run(cg, &s, TD_BUSY_REFUSE, TD_RECONCILE_DRY_RUN), 0, "probe: with memory.swap.max there, accepted");
        ok(cg->host.swap && cg->host.io_weight && !cg->host.bfq_weight, "probe: swap and io.weight seen");
        td_reconcile_report_done(&rep);

        td_cg_free(cg);
        td_cg_layout_done(&l);
        tset_done(&s);
        td_diags_done(&ds);
        fake_done(&f);
}

/* v1 has no internal-process rule: nothing moves. */
static void test_v1_leave_top(void) {
        fake f;
        td_cg_layout l;
        td_cg *cg = NULL;
        td_diags ds = {};

        fake_v1(&f);
        fake_layout(&f, &l);
        td_cg_options o = fake_options(&f, NULL);
        is_int(td_cg_open(&l, "tenants", &o, &cg, &ds), 0, "v1 open, relative root");
        is_int(td_cg_leave_top(cg, "supervisor", NULL), 0, "v1: leave_top does nothing");
        td_cg_free(cg);
        td_cg_layout_done(&l);
        td_diags_done(&ds);
        fake_done(&f);
}

int main(void) {
        test_v1();
        test_v2_delegated();
        test_v2_leave_top();
        test_v1_leave_top();
        test_v2_probe_mount_root();
        return tap_done();
}
