/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* td_policy_set_load: directories, file safety and checks across files,
 * against policy trees written into a fresh temporary directory. */
#include "policy-test.h"

static tmptree tt;

static void fresh(void) {
        tmptree_fresh(&tt);
}

typedef struct loaded {
        td_policy_set set;
        td_diags ds;
        int r;
} loaded;

static void load(loaded *l) {
        *l = (loaded) {};
        l->r = td_policy_set_load(&l->set, tt.plans, tt.tenants, NULL, 0, &l->ds);
}

static void unload(loaded *l) {
        td_policy_set_done(&l->set);
        td_diags_done(&l->ds);
}

static void test_directories(void) {
        loaded l;

        fresh();
        put(tt.plans, "starter.yaml", "plan: starter\nmemory:\n  max: 1G\n");
        put(tt.plans, "business.yml", "plan: business\ninherits: starter\n");
        put(tt.plans, "README", "not: [a policy\n");
        put(tt.plans, "notes.json", "{");
        put(tt.plans, ".hidden.yaml", "plan: [broken\n");
        put(tt.tenants, "zeta.yaml", "tenant: zeta\ninherits: business\n");
        put(tt.tenants, "alpha.yaml", "tenant: alpha\n");
        put(tt.tenants, "acme.yaml.swp", "garbage: [\n");
        load(&l);
        dump_diags(&l.ds);
        is_int(l.r, 0, "valid tree loads");
        is_int(l.ds.n, 0, "non-policy names and dotfiles are skipped");
        is_int(l.set.n_plans, 2, "two plans (.yaml and .yml)");
        is_int(l.set.n_tenants, 2, "two tenants");
        ok(l.set.n_plans == 2 && streq(l.set.plans[0].policy.name, "business"), "sorted: business.yml first");
        ok(l.set.n_tenants == 2 && streq(l.set.tenants[0].policy.name, "alpha"), "sorted: alpha first");
        ok(l.set.n_tenants == 2 && l.set.tenants[0].valid && l.set.tenants[1].valid, "valid flags");
        ok(td_policy_set_find_tenant(&l.set, "zeta") == &l.set.tenants[1], "find tenant");
        ok(td_policy_set_find_plan(&l.set, "starter") == &l.set.plans[1], "find plan");
        ok(!td_policy_set_find_plan(&l.set, "zeta") && !td_policy_set_find_tenant(&l.set, "starter"),
           "tenants and plans have separate names");
        ok(td_policy_chain_valid(&l.set, &l.set.tenants[1]), "zeta's chain is valid");

        /* The set owns the file names its marks point at. */
        td_diags_done(&l.ds);
        const td_policy_entry *z = td_policy_set_find_tenant(&l.set, "zeta");
        ok(z && z->tree->mark.file == z->path && z->policy.name_mark.file == z->path && strstr(z->path, "zeta.yaml"),
           "marks point at the entry's own path after the diags are gone");
        unload(&l);
}

static void test_bad_files_do_not_hide_others(void) {
        loaded l;

        fresh();
        put(tt.tenants, "a.yaml", "tenant: a\nmemory:\n  max: lots\n");
        put(tt.tenants, "b.yaml", "tenant: b\n  broken: [\n");
        put(tt.tenants, "c.yaml", "tenant: c\ncpu:\n  weight: 0\n");
        put(tt.tenants, "d.yaml", "tenant: d\n");
        load(&l);
        is_int(l.r, -EINVAL, "errors make the load fail");
        ok(has_diag(&l.ds, "a.yaml:3:8: memory.max"), "first file's error");
        ok(has_diag(&l.ds, "b.yaml:2"), "syntax error of the second file");
        ok(has_diag(&l.ds, "c.yaml:3:11: cpu.weight"), "third file's error");
        is_int(l.set.n_tenants, 4, "every file has an entry");
        const td_policy_entry *d = td_policy_set_find_tenant(&l.set, "d");
        ok(d && d->valid, "the good file stays valid");
        ok(!td_policy_set_find_tenant(&l.set, "a")->valid, "a bad file is invalid");
        unload(&l);
}

static void test_duplicates_and_parents(void) {
        loaded l;

        fresh();
        put(tt.plans, "business.yaml", "plan: business\n");
        put(tt.plans, "z-business.yaml", "plan: business\n");
        put(tt.tenants, "a.yaml", "tenant: acme\ninherits: business\n");
        put(tt.tenants, "b.yaml", "tenant: acme\n");
        put(tt.tenants, "c.yaml", "tenant: solo\ninherits: qqqqqqqq\n");
        load(&l);
        dump_diags(&l.ds);
        ok(has_diag(&l.ds, "z-business.yaml:1:7: plan: \"business\" is already defined (at "),
           "duplicate plan reported at the later file");
        ok(has_diag(&l.ds, "plans.d/business.yaml:1:7)"), "... naming the first location");
        ok(has_diag(&l.ds, "b.yaml:1:9: tenant: \"acme\" is already defined (at ") && has_diag(&l.ds, "a.yaml:1:9)"),
           "duplicate tenant names both files");
        ok(l.set.tenants[0].valid && !l.set.tenants[1].valid, "the later duplicate is invalid, the first stays");
        ok(l.set.plans[0].valid && !l.set.plans[1].valid, "same for plans");
        ok(!has_diag(&l.ds, "a.yaml:2:11: inherits: no plan"), "existing (if duplicated) plan is found");
        ok(has_diag(&l.ds, "c.yaml:2:11: inherits: no plan named \"qqqqqqqq\"") &&
           !has_diag(&l.ds, "did you mean \"business\""), "missing plan without a hint");
        unload(&l);

        fresh();
        put(tt.plans, "business.yaml", "plan: business\n");
        put(tt.plans, "orphan.yaml", "plan: orphan\ninherits: nowhere\n");
        put(tt.tenants, "a.yaml", "tenant: acme\ninherits: busines\n");
        load(&l);
        ok(has_diag(&l.ds, "orphan.yaml:2:11: inherits: no plan named \"nowhere\""), "plan with a missing parent");
        ok(!td_policy_set_find_plan(&l.set, "orphan")->valid, "... is invalid");
        ok(has_diag(&l.ds, "a.yaml:2:11: inherits: no plan named \"busines\"; did you mean \"business\"?"),
           "missing plan with a hint");
        ok(!l.set.tenants[0].valid, "tenant with a missing plan is invalid");
        unload(&l);
}

static void test_cycles(void) {
        loaded l;

        fresh();
        put(tt.plans, "a.yaml", "plan: a\ninherits: b\n");
        put(tt.plans, "b.yaml", "plan: b\ninherits: a\n");
        put(tt.plans, "c.yaml", "plan: c\ninherits: a\n");
        put(tt.plans, "s.yaml", "plan: s\ninherits: s\n");
        put(tt.tenants, "t.yaml", "tenant: t\ninherits: c\n");
        load(&l);
        dump_diags(&l.ds);
        ok(has_diag(&l.ds, "a.yaml:2:11: inherits: plan cycle: a -> b -> a"), "two-plan cycle named");
        ok(!has_diag(&l.ds, "plan cycle: b -> a -> b"), "reported once");
        ok(has_diag(&l.ds, "s.yaml:2:11: inherits: plan cycle: s -> s"), "self inheritance");
        is_int(l.ds.n_errors, 2, "no error for plans and tenants below a cycle");
        ok(!l.set.plans[0].valid && !l.set.plans[1].valid, "plans on the cycle invalid");
        ok(!td_policy_chain_valid(&l.set, &l.set.tenants[0]), "tenant below a cycle has no valid chain");
        const td_policy_entry **chain = NULL;
        is_int(td_policy_chain(&l.set, &l.set.tenants[0], &chain), -ELOOP, "td_policy_chain reports the loop");
        td_policy p;
        is_int(td_policy_effective(&l.set, "t", &p, &l.ds), -EINVAL, "no effective policy below a cycle");
        is_int(td_policy_effective(&l.set, "nobody", &p, &l.ds), -ENOENT, "unknown tenant");
        unload(&l);
}

static void test_member_claims(void) {
        loaded l;

        fresh();
        put(tt.tenants, "a.yaml", "tenant: a\nmembers:\n  users: [alice, shared]\n  uids: [20000-20999, 40000]\n"
                               "  groups: [www]\n");
        put(tt.tenants, "b.yaml", "tenant: b\nmembers:\n  users: [bob, shared]\n  uids: [21000-21999, 20999]\n"
                               "  groups: [www]\n");
        put(tt.tenants, "c.yaml", "tenant: c\nmembers:\n  users: [carol, carol]\n  uids: [30000-30999, 30500, 40000-40010]\n");
        load(&l);
        dump_diags(&l.ds);
        ok(has_diag(&l.ds, "b.yaml:3:16: members.users[1]: user \"shared\" is already a member of tenant \"a\" (at ")
           && has_diag(&l.ds, "a.yaml:3:18)"), "user claimed twice, both files:lines");
        ok(has_diag(&l.ds, "b.yaml:5:12: members.groups[0]: group \"www\" is already a member of tenant \"a\""),
           "group claimed twice");
        ok(has_diag(&l.ds, "b.yaml:4:23: members.uids[1]: uid 20999 overlaps uids 20000-20999 of tenant \"a\" (at ")
           && has_diag(&l.ds, "a.yaml:4:10)"), "single uid inside another tenant's range");
        ok(has_diag(&l.ds, "c.yaml:4:30: members.uids[2]: uids 40000-40010 overlap uid 40000 of tenant \"a\""),
           "range over another tenant's single uid");
        ok(!has_diag(&l.ds, "21000-21999 overlap"), "adjacent ranges do not overlap");
        ok(!has_diag(&l.ds, "carol") && !has_diag(&l.ds, "30500"), "repeats within one tenant are not clashes");
        is_int(l.ds.n_errors, 4, "exactly four clashes");
        ok(l.set.tenants[0].valid && !l.set.tenants[1].valid && !l.set.tenants[2].valid,
           "the later claimants are invalid, the first stays in service");
        unload(&l);
}

static void test_wrong_directory(void) {
        loaded l;

        fresh();
        put(tt.plans, "t.yaml", "tenant: misplaced\n");
        put(tt.tenants, "p.yaml", "plan: lost\n");
        load(&l);
        ok(has_diag(&l.ds, "plans.d/t.yaml:1:9: tenant: this tenant file is in the plans directory; move it to the tenants directory"),
           "tenant in plans.d");
        ok(has_diag(&l.ds, "tenants.d/p.yaml:1:7: plan: this plan file is in the tenants directory; move it to the plans directory"),
           "plan in tenants.d");
        ok(td_policy_set_find_plan(&l.set, "lost") != NULL, "filed by its content");
        unload(&l);
}

static void test_perms_pure(void) {
        struct stat st = { .st_uid = 0, .st_mode = S_IFREG | 0644 };
        char buf[96] = "";

        is_int(td_policy_check_perms(&st, 0, buf, sizeof buf), 0, "root-owned 0644 is safe");
        st.st_mode = S_IFREG | 0664;
        is_int(td_policy_check_perms(&st, 0, buf, sizeof buf), -EPERM, "group-writable");
        is_str(buf, "writable by group (mode 0664)", "reason: group");
        st.st_mode = S_IFDIR | 0757;
        td_policy_check_perms(&st, 0, buf, sizeof buf);
        is_str(buf, "writable by others (mode 0757)", "reason: others");
        st.st_mode = S_IFDIR | 01777;
        td_policy_check_perms(&st, 0, buf, sizeof buf);
        is_str(buf, "writable by group and others (mode 1777)", "reason: both, sticky shown");
        st = (struct stat) { .st_uid = 1000, .st_mode = S_IFREG | 0600 };
        is_int(td_policy_check_perms(&st, 0, buf, sizeof buf), -EPERM, "owned by a user");
        is_str(buf, "owned by uid 1000, not root", "reason: owner");
        st.st_mode = S_IFREG | 0666;
        is_int(td_policy_check_perms(&st, 1000, buf, sizeof buf), 0, "no check when not root");
}

static void test_perms_real(void) {
        char path[512];
        loaded l;

        if (geteuid() != 0) {
                ok(1, "# SKIP file ownership checks need root");
                return;
        }
        fresh();
        put(tt.tenants, "a.yaml", "tenant: a\n");
        put(tt.tenants, "b.yaml", "tenant: b\n");
        put(tt.tenants, "c.yaml", "tenant: c\n");
        snprintf(path, sizeof path, "%s/a.yaml", tt.tenants);
        chmod(path, 0666);
        snprintf(path, sizeof path, "%s/b.yaml", tt.tenants);
        ok(chown(path, 1000, 0) == 0, "chown b.yaml");
        load(&l);
        dump_diags(&l.ds);
        ok(has_diag(&l.ds, "tenants.d/a.yaml: unsafe permissions: writable by group and others (mode 0666)"),
           "world-writable file");
        ok(has_diag(&l.ds, "tenants.d/b.yaml: unsafe permissions: owned by uid 1000, not root"), "user-owned file");
        ok(!l.set.tenants[0].valid && !l.set.tenants[1].valid && l.set.tenants[2].valid, "only unsafe files invalid");
        unload(&l);

        /* A seccomp profile is policy too. */
        char dir[128];
        snprintf(dir, sizeof dir, "%s/seccomp", tt.root);
        mkdir(dir, 0755);
        put(dir, "p.json", "{ \"defaultAction\": \"SCMP_ACT_ERRNO\" }\n");
        put(tt.tenants, "s.yaml", "tenant: s\nisolation:\n  seccomp: { profile: ../seccomp/p.json }\n");
        snprintf(path, sizeof path, "%s/p.json", dir);
        chmod(path, 0664);
        load(&l);
        ok(has_diag(&l.ds, "tenants.d/../seccomp/p.json: unsafe permissions: writable by group (mode 0664)"),
           "group-writable seccomp profile");
        ok(!td_policy_set_find_tenant(&l.set, "s")->valid, "its tenant is invalid");
        unload(&l);
        chmod(path, 0644);
        load(&l);
        ok(!has_diag(&l.ds, "p.json"), "a safe profile is fine");
        unload(&l);

        /* A file given by path: its own directory is checked too. */
        char given[256];
        snprintf(given, sizeof given, "%s/c.yaml", tt.tenants);
        char *files[] = { given };
        chmod(tt.tenants, 0777);
        l = (loaded) {};
        l.r = td_policy_set_load(&l.set, NULL, NULL, files, 1, &l.ds);
        ok(has_diag(&l.ds, "tenants.d: unsafe permissions: writable by group and others (mode 0777)"),
           "directory of a given file");
        ok(l.set.n_tenants == 1 && !l.set.tenants[0].valid, "given file in an unsafe directory is invalid");
        unload(&l);

        chmod(tt.tenants, 0775);
        load(&l);
        ok(has_diag(&l.ds, "tenants.d: unsafe permissions: writable by group (mode 0775)"), "group-writable directory");
        ok(!td_policy_set_find_tenant(&l.set, "c")->valid, "files in an unsafe directory are invalid");
        unload(&l);
        chmod(tt.tenants, 0755);
}

static void test_limits_and_oddities(void) {
        char path[256];
        loaded l;

        fresh();
        /* One byte over the document limit. */
        size_t big = TD_DOC_MAX_BYTES + 1;
        char *text = malloc(big + 1);
        memset(text, '#', big);
        memcpy(text, "tenant: big\n", 12);
        text[big] = '\0';
        put(tt.tenants, "big.yaml", text);
        free(text);
        snprintf(path, sizeof path, "%s/dir.yaml", tt.tenants);
        mkdir(path, 0755);
        put(tt.tenants, "ok.yaml", "tenant: fine\n");
        load(&l);
        dump_diags(&l.ds);
        ok(has_diag(&l.ds, "big.yaml"), "oversized file refused");
        ok(has_diag(&l.ds, "dir.yaml: expected a regular file"), "directory named *.yaml");
        ok(td_policy_set_find_tenant(&l.set, "fine") && td_policy_set_find_tenant(&l.set, "fine")->valid,
           "others still load");
        unload(&l);

        l = (loaded) {};
        snprintf(path, sizeof path, "%s/missing", tt.root);
        l.r = td_policy_set_load(&l.set, NULL, path, NULL, 0, &l.ds);
        is_int(l.r, -EINVAL, "missing directory fails");
        ok(has_diag(&l.ds, "missing: cannot read directory: No such file or directory"), "missing directory named");
        unload(&l);
}

static void test_files_mode(void) {
        char a[256], p2[256], inplans[256];
        loaded l = {};

        fresh();
        put(tt.plans, "business.yaml", "plan: business\ninherits: starter\n");
        put(tt.plans, "starter.yaml", "plan: starter\ncpu:\n  weight: 0\n");
        put(tt.plans, "unrelated.yaml", "plan: unrelated\nmemory:\n  max: lots\n");
        put(tt.plans, "stray.yaml", "tenant: stray\n");
        put(tt.tenants, "acme.yaml", "tenant: acme\ninherits: business\n");
        put(tt.tenants, "other.yaml", "tenant: other\nmemory:\n  max: lots\n");
        put(tt.root, "new.yaml", "tenant: new\ninherits: business\n");
        snprintf(a, sizeof a, "%s/new.yaml", tt.root);
        char *files[] = { a };
        l.r = td_policy_set_load(&l.set, tt.plans, tt.tenants, files, 1, &l.ds);
        dump_diags(&l.ds);
        is_int(l.set.n_tenants, 1, "only the given tenant");
        is_int(l.set.n_plans, 2, "only the plans its chain needs");
        ok(has_diag(&l.ds, "starter.yaml:3:11: cpu.weight"), "a needed plan's errors are reported");
        ok(!has_diag(&l.ds, "unrelated") && !has_diag(&l.ds, "stray") && !has_diag(&l.ds, "other.yaml"),
           "unrelated files are not");
        is_int(l.ds.n_errors, 1, "error count excludes dropped diagnostics");
        unload(&l);

        l = (loaded) {};
        snprintf(p2, sizeof p2, "%s/nonexistent.yaml", tt.root);
        char *files3[] = { p2 };
        l.r = td_policy_set_load(&l.set, tt.plans, tt.tenants, files3, 1, &l.ds);
        ok(l.r == -EINVAL && has_diag(&l.ds, "nonexistent.yaml: cannot read: No such file or directory"),
           "missing given file");
        unload(&l);

        /* A given plan file is not read twice from plans_dir, and a given
         * tenant file inside plans_dir is misplaced. */
        l = (loaded) {};
        snprintf(p2, sizeof p2, "%s/business.yaml", tt.plans);
        snprintf(inplans, sizeof inplans, "%s/stray.yaml", tt.plans);
        char *files2[] = { p2, inplans };
        l.r = td_policy_set_load(&l.set, tt.plans, tt.tenants, files2, 2, &l.ds);
        dump_diags(&l.ds);
        ok(!has_diag(&l.ds, "already defined"), "given plan not loaded twice");
        ok(has_diag(&l.ds, "stray.yaml:1:9: tenant: this tenant file is in the plans directory"),
           "location decides the expected kind");
        unload(&l);
}

int main(void) {
        test_directories();
        test_bad_files_do_not_hide_others();
        test_duplicates_and_parents();
        test_cycles();
        test_member_claims();
        test_wrong_directory();
        test_perms_pure();
        test_perms_real();
        test_limits_and_oddities();
        test_files_mode();
        tmptree_rm(&tt);
        return tap_done();
}
