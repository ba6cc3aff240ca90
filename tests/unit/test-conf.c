/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tenantd.conf: defaults, every key good and bad, every kind of error with
 * its position, and the inih behaviours conf.c relies on. */
#include <fcntl.h>
#include <sys/stat.h>

#include "conf.h"
#include "diag-test.h"
#include "tap.h"
#include "units.h"


/* All diagnostics, formatted, one per line, in the order they were added. */
static char *joined(const td_diags *ds) {
        return diags_join(ds, "", "\n");
}

/* Parse `text` as "t.conf" over fresh defaults. */
static int parse(const char *text, td_conf *c, td_diags *ds) {
        *ds = (td_diags) {};
        if (td_conf_init(c) < 0)
                return -ENOMEM;
        return td_conf_parse_string(c, "t.conf", text, strlen(text), ds);
}

/* Parse and expect exactly these diagnostics (joined, "\n"-terminated). */
static void expect_diags(const char *name, const char *text, const char *want) {
        td_conf c;
        td_diags ds;
        int r = parse(text, &c, &ds);
        char *got = joined(&ds);

        is_int(r, *want ? -EINVAL : 0, "%s: return value", name);
        is_str(got, want, "%s: diagnostics", name);
        free(got);
        td_diags_done(&ds);
        td_conf_done(&c);
}

static void test_defaults(void) {
        td_conf c;

        is_int(td_conf_init(&c), 0, "init");
        ok(c.path == NULL, "defaults: no path");
        is_str(c.tenants_dir, SYSCONFDIR "/tenantd/tenants.d", "default tenants_dir");
        is_str(c.plans_dir, SYSCONFDIR "/tenantd/plans.d", "default plans_dir");
        is_int(c.cgroup_mode, TD_CGROUP_AUTO, "default cgroup_version");
        is_str(c.tenant_root, "/tenantd.slice/tenants", "default tenant_root");
        is_int(c.uid_min, 1000, "default uid_min");
        is_str(c.socket_path, RUNSTATEDIR "/tenantd/tenantd.sock", "default socket");
        is_int(c.log_level, TD_LOG_INFO, "default log_level");
        is_int(c.sweep_interval_us, 60000000, "default sweep_interval");
        is_int(c.pam_failure, TD_PAM_FAIL_CLOSED, "default failure_mode");
        is_int(c.on_busy, TD_BUSY_REFUSE, "default on_busy");
        is_str(c.fallback, "tenants/_fallback", "default fallback (relative to tenant_root's parent)");
        ok(td_cgroup_path_problem(c.tenant_root) == NULL, "default tenant_root is valid");
        td_conf_done(&c);
        td_conf_done(&c);   /* idempotent */
        td_conf_done(NULL);
        ok(c.tenants_dir == NULL, "done clears");

        /* An empty file is all defaults. */
        td_diags ds;
        is_int(parse("", &c, &ds), 0, "empty file");
        is_str(c.fallback, "tenants/_fallback", "empty file: default fallback");
        td_conf_done(&c);
        td_diags_done(&ds);
}

static void test_every_key(void) {
        static const char text[] =
                "; a full configuration\n"
                "# hash comments too\n"
                "[tenantd]\n"
                "tenants_dir = /srv/t\n"
                "plans_dir = /srv/p\n"
                "cgroup_version = v1\n"
                "tenant_root = hosting/tenants\n"
                "uid_min = 5000\n"
                "socket = /run/x.sock\n"
                "log_level = debug\n"
                "sweep_interval = 5m\n"
                "[cgroup]\n"
                "on_busy = move\n"
                "fallback = tenants/_parked\n"
                "[pam]\n"
                "failure_mode = open\n";
        td_conf c;
        td_diags ds;

        is_int(parse(text, &c, &ds), 0, "full config parses");
        is_int(ds.n, 0, "full config: no diagnostics");
        is_str(c.tenants_dir, "/srv/t", "tenants_dir");
        is_str(c.plans_dir, "/srv/p", "plans_dir");
        is_int(c.cgroup_mode, TD_CGROUP_V1, "cgroup_version");
        is_str(c.tenant_root, "hosting/tenants", "tenant_root");
        is_int(c.uid_min, 5000, "uid_min");
        is_str(c.socket_path, "/run/x.sock", "socket");
        is_int(c.log_level, TD_LOG_DEBUG, "log_level");
        is_int(c.sweep_interval_us, 300000000, "sweep_interval");
        is_int(c.on_busy, TD_BUSY_MOVE, "on_busy");
        is_str(c.fallback, "tenants/_parked", "fallback");
        is_int(c.pam_failure, TD_PAM_FAIL_OPEN, "failure_mode");
        td_conf_done(&c);
        td_diags_done(&ds);

        /* Each choice, each spelling. */
        static const struct { const char *line; int want; size_t off; } choices[] = {
                { "[tenantd]\ncgroup_version = auto", TD_CGROUP_AUTO, offsetof(td_conf, cgroup_mode) },
                { "[tenantd]\ncgroup_version = v2", TD_CGROUP_V2, offsetof(td_conf, cgroup_mode) },
                { "[tenantd]\nlog_level = err", TD_LOG_ERR, offsetof(td_conf, log_level) },
                { "[tenantd]\nlog_level = warning", TD_LOG_WARNING, offsetof(td_conf, log_level) },
                { "[tenantd]\nlog_level = notice", TD_LOG_NOTICE, offsetof(td_conf, log_level) },
                { "[tenantd]\nlog_level = info", TD_LOG_INFO, offsetof(td_conf, log_level) },
                { "[cgroup]\non_busy = refuse", TD_BUSY_REFUSE, offsetof(td_conf, on_busy) },
                { "[pam]\nfailure_mode = closed", TD_PAM_FAIL_CLOSED, offsetof(td_conf, pam_failure) },
        };
        for (size_t i = 0; i < ELEMENTSOF(choices); i++) {
                const char *name = strchr(choices[i].line, '\n') + 1;   /* TAP names are one line */
                is_int(parse(choices[i].line, &c, &ds), 0, "%s", name);
                is_int(*(int *) ((char *) &c + choices[i].off), choices[i].want, "%s: value", name);
                td_conf_done(&c);
                td_diags_done(&ds);
        }

        /* Durations and uids at their edges. */
        static const struct { const char *line; uint64_t want; } nums[] = {
                { "[tenantd]\nsweep_interval = 0", 0 },
                { "[tenantd]\nsweep_interval = 0s", 0 },
                { "[tenantd]\nsweep_interval = 1s", 1000000 },
                { "[tenantd]\nsweep_interval = 1h", 3600000000ULL },
                { "[tenantd]\nsweep_interval = 1500ms", 1500000 },
                { "[tenantd]\nuid_min = 0", 0 },
                { "[tenantd]\nuid_min = 4294967294", 4294967294ULL },
        };
        for (size_t i = 0; i < ELEMENTSOF(nums); i++) {
                const char *name = strchr(nums[i].line, '\n') + 1;
                is_int(parse(nums[i].line, &c, &ds), 0, "%s", name);
                uint64_t got = strstr(name, "uid") ? c.uid_min : c.sweep_interval_us;
                ok(got == nums[i].want, "%s: value %" PRIu64, name, got);
                td_conf_done(&c);
                td_diags_done(&ds);
        }
}

static void test_bad_values(void) {
        /* One file, every key wrong: every one is reported, each at the
         * column of its value, in one pass. */
        expect_diags("every bad value",
                     "[tenantd]\n"
                     "tenants_dir =\n"
                     "plans_dir = \n"
                     "cgroup_version = v3\n"
                     "tenant_root = /a/../b\n"
                     "uid_min = -1\n"
                     "socket = run/x.sock\n"
                     "log_level = verbose\n"
                     "sweep_interval = 60\n"
                     "[cgroup]\n"
                     "on_busy = kill\n"
                     "fallback = a//b\n"
                     "[pam]\n"
                     "failure_mode = maybe\n",
                     "t.conf:2:14: tenantd.tenants_dir: expected a directory path, got \"\"\n"
                     "t.conf:3:12: tenantd.plans_dir: expected a directory path, got \"\"\n"
                     "t.conf:4:18: tenantd.cgroup_version: expected one of auto, v1, v2, got \"v3\"\n"
                     "t.conf:5:15: tenantd.tenant_root: expected a cgroup path like /tenantd.slice/tenants "
                     "or tenants (\".\" and \"..\" are not allowed), got \"/a/../b\"\n"
                     "t.conf:6:11: tenantd.uid_min: expected a uid from 0 to 4294967294, got \"-1\"\n"
                     "t.conf:7:10: tenantd.socket: expected an absolute path of at most 107 bytes, got \"run/x.sock\"\n"
                     "t.conf:8:13: tenantd.log_level: expected one of err, warning, notice, info, debug, "
                     "got \"verbose\"\n"
                     "t.conf:9:18: tenantd.sweep_interval: expected 0 (off) or a duration with a unit like 30s "
                     "or 5m, got \"60\"\n"
                     "t.conf:11:11: cgroup.on_busy: expected one of refuse, move, got \"kill\"\n"
                     "t.conf:14:16: pam.failure_mode: expected one of closed, open, got \"maybe\"\n"
                     /* fallback comes last: it is checked once the whole file is read. */
                     "t.conf:12:12: cgroup.fallback: expected a cgroup path relative to tenant_root's "
                     "parent like tenants/_fallback (empty path component), got \"a//b\"\n");

        expect_diags("sweep below 1s", "[tenantd]\nsweep_interval = 500ms\n",
                     "t.conf:2:18: tenantd.sweep_interval: expected 0 (off) or a duration of at least 1s "
                     "like 30s or 5m, got \"500ms\"\n");
        expect_diags("sweep junk", "[tenantd]\nsweep_interval = soon\n",
                     "t.conf:2:18: tenantd.sweep_interval: expected 0 (off) or a duration of at least 1s "
                     "like 30s or 5m, got \"soon\"\n");
        expect_diags("uid_min too big", "[tenantd]\nuid_min = 4294967295\n",
                     "t.conf:2:11: tenantd.uid_min: expected a uid from 0 to 4294967294, got \"4294967295\"\n");
        expect_diags("uid_min huge", "[tenantd]\nuid_min = 99999999999999999999999\n",
                     "t.conf:2:11: tenantd.uid_min: expected a uid from 0 to 4294967294, "
                     "got \"99999999999999999999999\"\n");
        expect_diags("uid_min junk", "[tenantd]\nuid_min = 12abc\n",
                     "t.conf:2:11: tenantd.uid_min: expected a uid from 0 to 4294967294, got \"12abc\"\n");
        expect_diags("socket too long",
                     "[tenantd]\nsocket = /run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
                     "t.conf:2:10: tenantd.socket: expected an absolute path of at most 107 bytes, got "
                     "\"/run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"\n");
        expect_diags("case matters", "[tenantd]\nlog_level = INFO\n",
                     "t.conf:2:13: tenantd.log_level: expected one of err, warning, notice, info, debug, "
                     "got \"INFO\"\n");
        /* "#" is not an inline comment (inih: only ";"); the message says so. */
        expect_diags("hash after value", "[tenantd]\nlog_level = info # chatty\n",
                     "t.conf:2:13: tenantd.log_level: expected one of err, warning, notice, info, debug, "
                     "got \"info # chatty\" (only \";\" starts a comment after a value)\n");
}

static void test_structure_errors(void) {
        expect_diags("unknown section with hint", "[cgrop]\non_busy = move\n[pam]\nfailure_mode = open\n",
                     "t.conf:1:2: expected a section [tenantd], [cgroup] or [pam], got \"[cgrop]\" "
                     "(did you mean [cgroup]?)\n");
        expect_diags("unknown section, no hint", "[logging]\nlevel = 3\n",
                     "t.conf:1:2: expected a section [tenantd], [cgroup] or [pam], got \"[logging]\"\n");
        expect_diags("unknown key with hint", "[tenantd]\nloglevel = info\n[cgroup]\n  on_bussy = move\n",
                     "t.conf:2:1: tenantd.loglevel: unknown key (did you mean \"log_level\"?)\n"
                     "t.conf:4:3: cgroup.on_bussy: unknown key (did you mean \"on_busy\"?)\n");
        expect_diags("unknown key, no hint", "[pam]\ncolour = blue\n",
                     "t.conf:2:1: pam.colour: unknown key\n");
        expect_diags("key in the wrong section", "[cgroup]\ntenant_root = /x\n",
                     "t.conf:2:1: cgroup.tenant_root: unknown key in [cgroup] (it belongs in [tenantd])\n");
        expect_diags("key outside any section", "log_level = info\nwhatever = 1\n",
                     "t.conf:1:1: log_level: key outside any section (expected it under [tenantd])\n"
                     "t.conf:2:1: whatever: key outside any section (expected it under [tenantd], "
                     "[cgroup] or [pam])\n");
        expect_diags("empty key", "[tenantd]\n = 3\n",
                     "t.conf:2:2: expected a key name before \"=\"\n");
        expect_diags("duplicate key", "[tenantd]\nuid_min = 1\n\n[pam]\n[tenantd]\nuid_min = 2\n",
                     "t.conf:6:1: tenantd.uid_min: duplicate key (first set on line 2)\n");
        /* Every syntax error, not just inih's first one. */
        expect_diags("syntax errors",
                     "[tenantd]\n"
                     "log_level info\n"
                     "uid_min = 7\n"
                     "[pam\n"
                     "just words\n"
                     "[cgroup] junk\n"
                     "[pam] ; fine\n",
                     "t.conf:2:1: expected \"key = value\", a [section] or a comment, got \"log_level info\"\n"
                     "t.conf:4:1: expected a section header like [tenantd], got a line without \"]\"\n"
                     "t.conf:5:1: expected \"key = value\", a [section] or a comment, got \"just words\"\n"
                     "t.conf:6:10: unexpected text after the section header\n");
        /* With multiline parsing, inih would glue an indented line onto the
         * previous value; conf.c strips the indent, so it is its own line. */
        expect_diags("value does not continue", "[tenantd]\nsocket = /run/a\n   more\n",
                     "t.conf:3:4: expected \"key = value\", a [section] or a comment, got \"more\"\n");
        expect_diags("inline ; comment breaks the key", "[tenantd]\nuid_min ; = 3\n",
                     "t.conf:2:1: expected \"key = value\", a [section] or a comment, got \"uid_min\"\n");
        expect_diags("empty value before a comment", "[tenantd]\nsocket =   ; none\n",
                     "t.conf:2:9: tenantd.socket: expected an absolute path of at most 107 bytes, got \"\"\n");
}

static void test_inih_behaviour(void) {
        td_conf c;
        td_diags ds;

        /* Indented keys under a section: each its own key (multiline off in effect). */
        is_int(parse("[tenantd]\n    uid_min = 10\n    log_level = debug\n\tplans_dir = /p\n", &c, &ds), 0,
             "indented keys");
        is_int(c.uid_min, 10, "indented: uid_min");
        is_int(c.log_level, TD_LOG_DEBUG, "indented: log_level not glued to uid_min");
        is_str(c.plans_dir, "/p", "indented with a tab");
        td_conf_done(&c);
        td_diags_done(&ds);

        /* Inline ';' comments, ':' separator, CRLF, a BOM, no final newline. */
        is_int(parse("\xEF\xBB\xBF[tenantd]\r\nuid_min: 42 ; the answer\r\nplans_dir=/x;y\r\n"
                     "[pam]\r\nfailure_mode = open", &c, &ds), 0, "inline comment, colon, CRLF, BOM");
        is_int(c.uid_min, 42, "colon separator and ; comment");
        is_str(c.plans_dir, "/x;y", "';' without a blank before it is part of the value");
        is_int(c.pam_failure, TD_PAM_FAIL_OPEN, "last line without newline");
        td_conf_done(&c);
        td_diags_done(&ds);

        /* A BOM does not shift columns. */
        expect_diags("column after BOM", "\xEF\xBB\xBF[nope]\n",
                     "t.conf:1:2: expected a section [tenantd], [cgroup] or [pam], got \"[nope]\"\n");

        /* Debian's inih has a 200-byte line buffer: 197 characters fit. */
        char line[512];
        snprintf(line, sizeof line, "[tenantd]\nplans_dir = /%0184d\nuid_min = 3\n", 0);
        is_int(parse(line, &c, &ds), 0, "197-character line fits");
        is_int(strlen(c.plans_dir), 185, "197-character line: value intact");
        td_conf_done(&c);
        td_diags_done(&ds);

        snprintf(line, sizeof line, "[tenantd]\nplans_dir = /%0185d\nbad line\nuid_min = x\n", 0);
        expect_diags("198-character line",
                     line,
                     "t.conf:2:1: line too long (198 characters, at most 197)\n"
                     /* Line numbers stay right after it: inih never saw the tail. */
                     "t.conf:3:1: expected \"key = value\", a [section] or a comment, got \"bad line\"\n"
                     "t.conf:4:11: tenantd.uid_min: expected a uid from 0 to 4294967294, got \"x\"\n");

        /* A NUL byte ends the text; what precedes is still checked. */
        static const char nul[] = "[tenantd]\nuid_min = x\nlog\0_level = debug\n";
        td_conf_init(&c);
        ds = (td_diags) {};
        is_int(td_conf_parse_string(&c, "t.conf", nul, sizeof nul - 1, &ds), -EINVAL, "NUL byte");
        char *got = joined(&ds);
        is_str(got, "t.conf:3:1: expected text, got a NUL byte\n"
                    "t.conf:2:11: tenantd.uid_min: expected a uid from 0 to 4294967294, got \"x\"\n"
                    "t.conf:3:1: expected \"key = value\", a [section] or a comment, got \"log\"\n",
               "NUL byte: diagnostics");
        free(got);
        td_conf_done(&c);
        td_diags_done(&ds);
}

static void test_paths(void) {
        static const char *const good[] = { "/tenants", "tenants", "/tenantd.slice/tenants", "a/b-c/d_e.f",
                                            "/A9", "..a", "a.." };
        static const struct { const char *path, *why; } bad[] = {
                { "", "empty" },
                { "/", "the root cgroup itself" },
                { "//", "empty path component" },
                { "/a//b", "empty path component" },
                { "a/", "empty path component" },
                { "/a/..", "\".\" and \"..\" are not allowed" },
                { "./a", "\".\" and \"..\" are not allowed" },
                { "a b", "only A-Z a-z 0-9 . _ - are allowed in a component" },
                { "/ten:ants", "only A-Z a-z 0-9 . _ - are allowed in a component" },
                { "t\xc3\xa9", "only A-Z a-z 0-9 . _ - are allowed in a component" },
        };
        for (size_t i = 0; i < ELEMENTSOF(good); i++)
                ok(td_cgroup_path_problem(good[i]) == NULL, "cgroup path \"%s\" is valid", good[i]);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                is_str(td_cgroup_path_problem(bad[i].path), bad[i].why, "cgroup path \"%s\"", bad[i].path);
        char longname[300];
        memset(longname, 'a', 256);
        longname[256] = '\0';
        is_str(td_cgroup_path_problem(longname), "component longer than 255 characters", "256-char component");

        /* Directories: relative ones resolve against the file's directory. */
        td_conf c;
        td_diags ds = {};
        static const char text[] = "[tenantd]\ntenants_dir = t.d\nplans_dir = ../p.d\n";
        td_conf_init(&c);
        is_int(td_conf_parse_string(&c, "/etc/x/tenantd.conf", text, strlen(text), &ds), 0, "relative dirs");
        is_str(c.tenants_dir, "/etc/x/t.d", "tenants_dir beside the file");
        is_str(c.plans_dir, "/etc/x/../p.d", "plans_dir beside the file");
        td_conf_done(&c);
        td_conf_init(&c);
        is_int(td_conf_parse_string(&c, "/tenantd.conf", text, strlen(text), &ds), 0, "file in /");
        is_str(c.tenants_dir, "/t.d", "file in /: joined");
        td_conf_done(&c);
        td_conf_init(&c);
        is_int(td_conf_parse_string(&c, "tenantd.conf", text, strlen(text), &ds), 0, "file in cwd");
        is_str(c.tenants_dir, "t.d", "file in cwd: left relative");
        td_conf_done(&c);
        td_diags_done(&ds);
}

static void check_fallback(const char *text, const char *want_root, const char *want_fallback) {
        td_conf c;
        td_diags ds;
        int r = parse(text, &c, &ds);
        char *got = joined(&ds);

        is_int(r, 0, "fallback case parses");
        if (r != 0)
                printf("# %s", got);
        is_str(c.tenant_root, want_root, "fallback case: tenant_root");
        is_str(c.fallback, want_fallback, "fallback case: fallback");
        free(got);
        td_conf_done(&c);
        td_diags_done(&ds);
}

static void test_fallback(void) {
        /* The default follows tenant_root's last component, whichever
         * section comes first. */
        check_fallback("[tenantd]\ntenant_root = /t\n", "/t", "t/_fallback");
        check_fallback("[tenantd]\ntenant_root = a/b/t\n", "a/b/t", "t/_fallback");
        check_fallback("[cgroup]\non_busy = move\n[tenantd]\ntenant_root = /x/hosted\n", "/x/hosted",
                       "hosted/_fallback");
        check_fallback("[cgroup]\nfallback = parked\n[tenantd]\ntenant_root = /a/b/t\n", "/a/b/t", "parked");
        check_fallback("[cgroup]\nfallback = t/_p/deeper\n[tenantd]\ntenant_root = /a/b/t\n", "/a/b/t",
                       "t/_p/deeper");
        check_fallback("[cgroup]\nfallback = tenantsX\n", "/tenantd.slice/tenants", "tenantsX");

        expect_diags("fallback is the root", "[cgroup]\nfallback = tenants\n",
                     "t.conf:2:12: cgroup.fallback: expected a cgroup path relative to tenant_root's parent, "
                     "outside the tenant groups (it is tenant_root itself), got \"tenants\"\n");
        expect_diags("fallback absolute", "[cgroup]\nfallback = /park\n",
                     "t.conf:2:12: cgroup.fallback: expected a cgroup path relative to tenant_root's parent, "
                     "outside the tenant groups (it must be relative to tenant_root's parent), got \"/park\"\n");
        expect_diags("fallback could be a tenant", "[cgroup]\nfallback = tenants/acme\n",
                     "t.conf:2:12: cgroup.fallback: expected a cgroup path relative to tenant_root's parent, "
                     "outside the tenant groups (inside tenant_root its first component must start with "
                     "\"_\" so that it can't be a tenant), got \"tenants/acme\"\n");
        expect_diags("fallback bad path", "[cgroup]\nfallback = ../x\n",
                     "t.conf:2:12: cgroup.fallback: expected a cgroup path relative to tenant_root's parent "
                     "like tenants/_fallback (\".\" and \"..\" are not allowed), got \"../x\"\n");
        expect_diags("fallback with a bad root: one error", "[tenantd]\ntenant_root = /\n[cgroup]\nfallback = x\n",
                     "t.conf:2:15: tenantd.tenant_root: expected a cgroup path like /tenantd.slice/tenants "
                     "or tenants (the root cgroup itself), got \"/\"\n");

        /* Command-line override of the root. */
        td_conf c;
        td_diags ds = {};
        td_conf_init(&c);
        is_int(td_conf_set_tenant_root(&c, "/other/hosted", "--tenant-root", &ds), 0, "override root");
        is_str(c.tenant_root, "/other/hosted", "override: root");
        is_str(c.fallback, "hosted/_fallback", "override: default fallback moves along");
        is_int(td_conf_set_tenant_root(&c, "/a/../b", "--tenant-root", &ds), -EINVAL, "override: bad root");
        is_str(c.tenant_root, "/other/hosted", "override: bad root leaves it alone");
        char *got = joined(&ds);
        is_str(got, "--tenant-root: tenant_root: expected a cgroup path like /tenantd.slice/tenants or "
                    "tenants (\".\" and \"..\" are not allowed), got \"/a/../b\"\n", "override: message");
        free(got);
        td_conf_done(&c);
        td_diags_done(&ds);

        td_conf_init(&c);
        free(c.fallback);
        c.fallback = strdup("park");
        is_int(td_conf_set_tenant_root(&c, "t", "--tenant-root", &ds), 0, "override keeps a sibling fallback");
        is_str(c.fallback, "park", "sibling fallback stays");
        is_int(td_conf_set_tenant_root(&c, "/x/park", "--tenant-root", &ds), -EINVAL,
               "override onto the fallback");
        is_str(c.tenant_root, "t", "override onto the fallback: unchanged");
        td_conf_done(&c);
        td_diags_done(&ds);
}

static void test_load(void) {
        char dir[] = "/tmp/tenantd-test-conf-XXXXXX", path[256], sub[256];
        td_conf c;
        td_diags ds = {};
        char *got;
        FILE *f;

        if (!mkdtemp(dir)) {
                ok(0, "mkdtemp: %s", strerror(errno));
                return;
        }
        snprintf(path, sizeof path, "%s/tenantd.conf", dir);
        snprintf(sub, sizeof sub, "%s/sub", dir);

        td_conf_init(&c);
        is_int(td_conf_load(&c, path, &ds), -ENOENT, "missing file: -ENOENT");
        is_int(ds.n_errors, 1, "missing file: reported");
        td_conf_done(&c);
        td_diags_done(&ds);

        mkdir(sub, 0755);
        td_conf_init(&c);
        is_int(td_conf_load(&c, sub, &ds), -EINVAL, "directory: -EINVAL");
        got = joined(&ds);
        ok(strstr(got, "sub: expected a regular file") != NULL, "directory: message");
        free(got);
        td_conf_done(&c);
        td_diags_done(&ds);

        f = fopen(path, "w");
        fputs("[tenantd]\ntenants_dir = t.d\nuid_min = 2000\n", f);
        fclose(f);
        chmod(path, 0644);
        td_conf_init(&c);
        is_int(td_conf_load(&c, path, &ds), 0, "load a file");
        is_str(c.path, path, "path recorded");
        is_int(c.uid_min, 2000, "value from the file");
        char want[300];
        snprintf(want, sizeof want, "%s/t.d", dir);
        is_str(c.tenants_dir, want, "tenants_dir relative to the file");
        td_conf_done(&c);

        if (geteuid() == 0) {
                chmod(path, 0666);
                td_conf_init(&c);
                is_int(td_conf_load(&c, path, &ds), -EINVAL, "world-writable file refused as root");
                chmod(path, 0644);
                ok(chown(path, 65534, 65534) == 0, "chown to nobody");
                is_int(td_conf_load(&c, path, &ds), -EINVAL, "file owned by another user refused as root");
                got = joined(&ds);
                ok(strstr(got, "expected a file only root can write, got mode 0666") != NULL,
                   "world-writable: message");
                ok(strstr(got, "expected a file owned by root, got owner uid 65534") != NULL,
                   "foreign owner: message");
                free(got);
                td_conf_done(&c);
                td_diags_done(&ds);
        } else
                tap_diag("not root: ownership checks not exercised");

        unlink(path);
        rmdir(sub);
        rmdir(dir);
}

/* Good and bad files shipped in tests/data/conf, and the example config. */
static void test_data_files(void) {
        const char *srcdir = getenv("TD_SRCDIR");
        char path[4096];
        td_conf c;
        td_diags ds = {};

        if (!srcdir) {
                tap_diag("TD_SRCDIR unset: data files not checked");
                return;
        }
        snprintf(path, sizeof path, "%s/policies/tenantd.conf", srcdir);
        td_conf_init(&c);
        is_int(td_conf_load(&c, path, &ds), 0, "shipped example config loads");
        is_int(ds.n, 0, "shipped example config: no diagnostics");
        /* It documents the defaults: loading it changes nothing that matters. */
        td_conf d;
        td_conf_init(&d);
        is_str(c.tenant_root, d.tenant_root, "example: tenant_root is the default");
        is_str(c.fallback, d.fallback, "example: fallback is the default");
        is_str(c.socket_path, "/run/tenantd/tenantd.sock", "example: socket");
        is_int(c.sweep_interval_us, d.sweep_interval_us, "example: sweep_interval is the default");
        is_int(c.uid_min, d.uid_min, "example: uid_min is the default");
        td_conf_done(&d);
        td_conf_done(&c);
        td_diags_done(&ds);

        static const struct { const char *name; int ret; size_t n_errors; } files[] = {
                { "good-minimal.conf", 0, 0 },
                { "good-relative-root.conf", 0, 0 },
                { "bad-everything.conf", -EINVAL, 9 },
        };
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                snprintf(path, sizeof path, "%s/tests/data/conf/%s", srcdir, files[i].name);
                td_conf_init(&c);
                is_int(td_conf_load(&c, path, &ds), files[i].ret, "%s: return", files[i].name);
                is_int(ds.n_errors, files[i].n_errors, "%s: error count", files[i].name);
                if (ds.n_errors != files[i].n_errors)
                        td_diags_print(&ds, stdout);
                td_conf_done(&c);
                td_diags_done(&ds);
        }
}

static void test_names(void) {
        is_str(td_cgroup_mode_to_string(TD_CGROUP_V2), "v2", "cgroup mode name");
        is_int(td_cgroup_mode_from_string("v1"), TD_CGROUP_V1, "cgroup mode from name");
        is_int(td_cgroup_mode_from_string("V1"), -EINVAL, "cgroup mode: case matters");
        ok(td_cgroup_mode_to_string(_TD_CGROUP_MODE_MAX) == NULL, "cgroup mode out of range");
        is_str(td_pam_failure_to_string(TD_PAM_FAIL_OPEN), "open", "pam failure name");
        is_int(td_pam_failure_from_string("closed"), TD_PAM_FAIL_CLOSED, "pam failure from name");
        is_str(td_busy_policy_to_string(TD_BUSY_MOVE), "move", "busy name");
        is_int(td_busy_policy_from_string("refuse"), TD_BUSY_REFUSE, "busy from name");
        is_int(td_busy_policy_from_string(""), -EINVAL, "busy: empty");
        for (int l = TD_LOG_ERR; l <= TD_LOG_DEBUG; l++)
                is_int(td_log_level_from_string(td_log_level_to_string(l)), l, "log level %d round trip", l);
        ok(td_log_level_to_string(2) == NULL, "log level 2 has no name");
        is_int(td_log_level_from_string("error"), -EINVAL, "log level: syslog spelling only");
}

int main(void) {
        test_defaults();
        test_every_key();
        test_bad_values();
        test_structure_errors();
        test_inih_behaviour();
        test_paths();
        test_fallback();
        test_load();
        test_data_files();
        test_names();
        return tap_done();
}
