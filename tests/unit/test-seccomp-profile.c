/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI / Moby JSON profiles: what loads (Docker's default profile unchanged,
 * tenantd's hosting profile), every error with its file:line:col, Moby's
 * includes/excludes, and compilation into a libseccomp filter. */

#include <linux/capability.h>
#include <sys/stat.h>

#include "diag-test.h"
#include "tap.h"
#include "seccomp.h"

static char tmpdir[] = "/tmp/tenantd-test-seccomp-XXXXXX";

/* Load `path`; *ret_msg gets all diagnostics joined by '|', *ret_warnings
 * their number of warnings. */
static int load_path(const char *path, struct td_seccomp **ret, char **ret_msg, size_t *ret_warnings) {
        td_diags ds = {};
        int r;

        *ret = NULL;
        r = td_seccomp_load_profile(path, ret, &ds);
        if (ret_warnings)
                *ret_warnings = ds.n - ds.n_errors;
        *ret_msg = diags_joined(&ds);
        td_diags_done(&ds);
        return r;
}

static int load_text(const char *json, struct td_seccomp **ret, char **ret_msg, size_t *ret_warnings) {
        char path[sizeof tmpdir + 16];
        FILE *f;

        snprintf(path, sizeof path, "%s/p.json", tmpdir);
        f = fopen(path, "we");
        if (!f)
                return -errno;
        fputs(json, f);
        fclose(f);
        return load_path(path, ret, ret_msg, ret_warnings);
}

static void fails(const char *name, const char *json, const char *want) {
        struct td_seccomp *s = NULL;
        char *msg = NULL;
        int r = load_text(json, &s, &msg, NULL);

        ok(r == -EINVAL && !s && msg && strstr(msg, want), "%s: fails with '%s'", name, want);
        if (!(r == -EINVAL && msg && strstr(msg, want)))
                printf("#   r=%d msg=%s\n", r, msg ? msg : "(null)");
        td_seccomp_free(s);
        free(msg);
}

static const td_scmp_rule *find_rule(const struct td_seccomp *s, const char *syscall, size_t skip) {
        for (size_t i = 0; i < s->n_rules; i++)
                for (size_t j = 0; j < s->rules[i].n_syscalls; j++)
                        if (streq(s->rules[i].syscalls[j], syscall) && skip-- == 0)
                                return &s->rules[i];
        return NULL;
}

/* The filter's PFC text, to see which syscalls made it in. */
static char *export_pfc(scmp_filter_ctx ctx) {
        char *text = NULL;
        size_t len;
        FILE *f = tmpfile();

        if (!f)
                return NULL;
        if (seccomp_export_pfc(ctx, fileno(f)) == 0) {
                len = (size_t) lseek(fileno(f), 0, SEEK_END);
                text = calloc(1, len + 1);
                if (text && pread(fileno(f), text, len, 0) != (ssize_t) len) {
                        free(text);
                        text = NULL;
                }
        }
        fclose(f);
        return text;
}

static void test_valid(void) {
        struct td_seccomp *s = NULL;
        char *msg = NULL;
        size_t warnings = 0;
        const td_scmp_rule *r;
        const char *json =
                "{\n"
                "  \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 13,\n"
                "  \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_FOO\"],\n"
                "  \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],\n"
                "  \"listenerPath\": \"\", \"listenerMetadata\": \"\",\n"
                "  \"syscalls\": [\n"
                "    {\"names\": [\"getpid\", \"no_such_syscall_xyz\"], \"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"c\"},\n"
                "    {\"name\": \"getppid\", \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 5},\n"
                "    {\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [\n"
                "       {\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"},\n"
                "       {\"index\": 0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]},\n"
                "    {\"names\": [\"only_unknown_abc\"], \"action\": \"SCMP_ACT_KILL\"},\n"
                "    {\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": null,\n"
                "     \"includes\": {\"caps\": [\"CAP_KILL\"], \"arches\": [\"amd64\"], \"minKernel\": \"4.8\"},\n"
                "     \"excludes\": {\"caps\": [\"cap_sys_admin\"], \"arches\": [\"loong64x\", \"s390x\"], \"minKernel\": \"99.0\"}},\n"
                "    {\"names\": [\"tkill\"], \"action\": \"SCMP_ACT_KILL_PROCESS\", \"includes\": null, \"excludes\": {}}\n"
                "  ]\n"
                "}\n";

        ok(load_text(json, &s, &msg, &warnings) == 0 && s, "valid profile loads");
        is_int(warnings, 1, "one warning for everything skipped");
        ok(msg && strstr(msg, "p.json:1:1: warning: skipped 2 syscalls and 2 architectures unknown to libseccomp") &&
           strstr(msg, "no_such_syscall_xyz, only_unknown_abc, SCMP_ARCH_FOO, loong64x"),
           "warning names the skipped syscalls and architectures");
        if (msg)
                printf("# %s\n", msg);
        free(msg);
        if (!s)
                return;
        ok(s->profile && strstr(s->profile, "/p.json"), "profile path kept");
        ok(s->default_action.type == TD_SCMP_ERRNO && s->default_action.arg == 13, "defaultErrnoRet");
        ok(s->n_arches == 2 && s->arches[0] == SCMP_ARCH_X86_64 && s->arches[1] == SCMP_ARCH_X86,
           "architectures (unknown one dropped)");
        ok(s->flags == TD_SCMP_FLAG_LOG, "flags");
        ok(s->n_skipped == 2 && streq(s->skipped[0], "no_such_syscall_xyz"), "skipped syscalls kept");
        is_int(s->n_rules, 6, "rules: unknown-only rule dropped, repeated argument split in two");

        r = find_rule(s, "getpid", 0);
        ok(r && r->n_syscalls == 1 && r->action.type == TD_SCMP_ALLOW && r->index == 0, "getpid rule");
        r = find_rule(s, "getppid", 0);
        ok(r && r->action.type == TD_SCMP_TRACE && r->action.arg == 5, "deprecated `name`, trace with errnoRet");
        r = find_rule(s, "personality", 0);
        ok(r && r->n_args == 1 && r->args[0].value == 0, "split rule 1: personality == 0");
        r = find_rule(s, "personality", 1);
        ok(r && r->n_args == 1 && r->args[0].value == 8 && r->index == 2, "split rule 2: personality == 8");
        r = find_rule(s, "kill", 0);
        ok(r && r->action.type == TD_SCMP_ERRNO && r->action.arg == EPERM, "errnoRet defaults to EPERM");
        if (r) {
                ok(r->includes.caps == (UINT64_C(1) << CAP_KILL) && r->excludes.caps == (UINT64_C(1) << CAP_SYS_ADMIN),
                   "includes/excludes caps");
                ok(r->includes.n_arches == 1 && r->includes.arches[0] == SCMP_ARCH_X86_64, "includes arches (Go name)");
                ok(r->excludes.n_arches == 2 && r->excludes.arches[0] == 0 && r->excludes.arches[1] == SCMP_ARCH_S390X,
                   "unknown condition arch kept as 0");
                ok(r->includes.has_min_kernel && r->includes.min_kernel[0] == 4 && r->includes.min_kernel[1] == 8,
                   "minKernel");

                /* Moby's semantics, decided at compile time. */
                uint64_t kill = UINT64_C(1) << CAP_KILL, admin = UINT64_C(1) << CAP_SYS_ADMIN;
                is_int(td_seccomp_rule_applies(r, kill, SCMP_ARCH_X86_64, "5.10.0-9-amd64"), 1, "applies: cap kept");
                is_int(td_seccomp_rule_applies(r, 0, SCMP_ARCH_X86_64, "5.10.0"), 0, "included cap not kept");
                is_int(td_seccomp_rule_applies(r, kill | admin, SCMP_ARCH_X86_64, "5.10.0"), 0, "excluded cap kept");
                is_int(td_seccomp_rule_applies(r, kill, SCMP_ARCH_AARCH64, "5.10.0"), 0, "arch not included");
                is_int(td_seccomp_rule_applies(r, kill, SCMP_ARCH_X86_64, "4.7.19"), 0, "kernel below minKernel");
                is_int(td_seccomp_rule_applies(r, kill, SCMP_ARCH_X86_64, "4.8"), 1, "kernel == minKernel");
                is_int(td_seccomp_rule_applies(r, kill, SCMP_ARCH_X86_64, "99.0.1"), 0, "kernel >= excluded minKernel");
                is_int(td_seccomp_rule_applies(r, kill, SCMP_ARCH_X86_64, "garbage"), -EINVAL, "bad release");
                ok(td_seccomp_rule_applies(r, kill, seccomp_arch_native(), NULL) >= 0, "running kernel's release parses");
        }
        r = find_rule(s, "tkill", 0);
        ok(r && r->action.type == TD_SCMP_KILL_PROCESS && r->includes.n_arches == 0, "null / empty conditions");
        td_seccomp_free(s);
}

static void test_errors(void) {
        char big[sizeof tmpdir + 16];
        struct td_seccomp *s = NULL;
        char *msg = NULL;
        FILE *f;

        fails("syntax error", "{\"defaultAction\": }\n", "p.json:1:");
        fails("not an object", "[]\n", "p.json:1:1: expected a seccomp profile (a JSON object with defaultAction), got a list");
        fails("misspelt top-level key", "{\"defaultActon\": \"SCMP_ACT_ALLOW\"}\n",
              "p.json:1:2: defaultActon: unknown key; did you mean \"defaultAction\"?");
        fails("missing defaultAction", "{\"syscalls\": []}\n", "p.json:1:1: defaultAction: missing");
        fails("misspelt action",
              "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n \"syscalls\": [{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_KIL\"}]}\n",
              "p.json:2:47: syscalls[0].action: expected one of SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, "
              "SCMP_ACT_KILL, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_LOG, SCMP_ACT_ALLOW, "
              "got \"SCMP_ACT_KIL\"; did you mean \"SCMP_ACT_KILL\"?");
        fails("action not a string", "{\"defaultAction\": 3}\n", "defaultAction: expected one of SCMP_ACT_KILL_PROCESS");
        fails("notify action", "{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}\n",
              "defaultAction: SCMP_ACT_NOTIFY is not supported: tenantd runs no seccomp notify agent");
        fails("listener", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/agent.sock\"}\n",
              "listenerPath: not supported: tenantd runs no seccomp notify agent");
        fails("errnoRet with allow", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}\n",
              "p.json:1:56: defaultErrnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW");
        fails("errnoRet quoted", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": \"1\"}\n",
              "defaultErrnoRet: expected an integer 0..4095, got \"1\"");
        fails("errnoRet too big", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 5000}\n",
              "defaultErrnoRet: expected an integer 0..4095, got \"5000\" (out of range)");
        fails("errnoRet negative", "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -1}\n",
              "defaultErrnoRet: expected an integer 0..4095 (decimal), got \"-1\"");
        fails("syscalls not a list", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}\n",
              "syscalls: expected a list of rules, got a mapping");
        fails("rule not an object", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [1]}\n",
              "syscalls[0]: expected a mapping {names, action, ...}, got a string");
        fails("rule without names", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"action\": \"SCMP_ACT_LOG\"}]}\n",
              "syscalls[0].names: missing; expected a non-empty list of syscall names");
        fails("names not a list", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": \"getpid\", \"action\": \"SCMP_ACT_LOG\"}]}\n",
              "syscalls[0].names: expected a list of syscall names, got a string");
        fails("name not a string", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [7], \"action\": \"SCMP_ACT_LOG\"}]}\n",
              "syscalls[0].names[0]: expected a string, got 7");
        fails("misspelt rule key", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getpid\"], "
              "\"action\": \"SCMP_ACT_ERRNO\", \"errnoret\": 1}]}\n",
              "syscalls[0].errnoret: unknown key; did you mean \"errnoRet\"?");
        fails("rule without action", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getpid\"]}]}\n",
              "syscalls[0].action: missing; expected an action like SCMP_ACT_ERRNO");

#define ARGS(a) "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getpid\"], " \
                "\"action\": \"SCMP_ACT_LOG\", \"args\": " a "}]}\n"
        fails("args not a list", ARGS("{}"), "syscalls[0].args: expected a list of {index, value, valueTwo, op}, got a mapping");
        fails("arg not an object", ARGS("[3]"), "syscalls[0].args[0]: expected a mapping {index, value, valueTwo, op}");
        fails("misspelt op", ARGS("[{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQQ\"}]"),
              "syscalls[0].args[0].op: expected one of SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, "
              "SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ, got \"SCMP_CMP_EQQ\"; did you mean \"SCMP_CMP_EQ\"?");
        fails("inline op in a profile", ARGS("[{\"index\": 0, \"value\": 1, \"op\": \"eq\"}]"), "got \"eq\"");
        fails("index out of range", ARGS("[{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]"),
              "syscalls[0].args[0].index: expected an integer 0..5, got \"6\" (out of range)");
        fails("missing op", ARGS("[{\"index\": 1, \"value\": 1}]"), "syscalls[0].args[0].op: missing");
        fails("missing index", ARGS("[{\"op\": \"SCMP_CMP_EQ\"}]"), "syscalls[0].args[0].index: missing");
        fails("value is a float", ARGS("[{\"index\": 0, \"value\": 1.5, \"op\": \"SCMP_CMP_EQ\"}]"),
              "syscalls[0].args[0].value: expected an integer 0..18446744073709551615 (decimal), got \"1.5\"");
        fails("valueTwo misspelt", ARGS("[{\"index\": 0, \"value\": 1, \"valuetwo\": 1, \"op\": \"SCMP_CMP_EQ\"}]"),
              "syscalls[0].args[0].valuetwo: unknown key; did you mean \"valueTwo\"?");
#undef ARGS

#define COND(c) "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getpid\"], " \
                "\"action\": \"SCMP_ACT_LOG\", \"includes\": " c "}]}\n"
        fails("misspelt cap", COND("{\"caps\": [\"CAP_SYS_ADMN\"]}"),
              "syscalls[0].includes.caps[0]: expected a capability like CAP_SYS_ADMIN, got \"CAP_SYS_ADMN\"; "
              "did you mean \"CAP_SYS_ADMIN\"?");
        fails("numeric cap", COND("{\"caps\": [\"12\"]}"), "expected a capability like CAP_SYS_ADMIN, got \"12\"");
        fails("caps not a list", COND("{\"caps\": \"CAP_KILL\"}"), "syscalls[0].includes.caps: expected a list of capabilities");
        fails("bad minKernel", COND("{\"minKernel\": \"4\"}"),
              "syscalls[0].includes.minKernel: expected a kernel version like \"4.8\", got \"4\"");
        fails("minKernel with junk", COND("{\"minKernel\": \"4.8-rc1\"}"), "got \"4.8-rc1\"");
        fails("misspelt condition key", COND("{\"cap\": []}"), "syscalls[0].includes.cap: unknown key; did you mean \"caps\"?");
        fails("condition not an object", COND("[]"), "syscalls[0].includes: expected a mapping {caps, arches, minKernel}");
#undef COND

        fails("archMap and architectures",
              "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86\"], \"archMap\": []}\n",
              "architectures: use either architectures or archMap, not both");
        fails("architecture not in OCI form", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"x86_64\"]}\n",
              "architectures[0]: expected an architecture like SCMP_ARCH_X86_64, got \"x86_64\"");
        fails("archMap entry without architecture",
              "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": [{\"subArchitectures\": []}]}\n",
              "archMap[0].architecture: missing");
        fails("archMap not a list", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": {}}\n",
              "archMap: expected a list, got a mapping");
        fails("unsupported flag",
              "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"]}\n",
              "flags[0]: expected one of SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, "
              "SECCOMP_FILTER_FLAG_SPEC_ALLOW (the others need a notify agent or a newer libseccomp), "
              "got \"SECCOMP_FILTER_FLAG_NEW_LISTENER\"");

        ok(load_path("/nonexistent/tenantd.json", &s, &msg, NULL) == -EINVAL && !s && msg &&
           strstr(msg, "/nonexistent/tenantd.json: cannot read seccomp profile \"/nonexistent/tenantd.json\": No such file"),
           "missing file");
        free(msg);
        msg = NULL;

        snprintf(big, sizeof big, "%s/big.json", tmpdir);
        f = fopen(big, "we");
        if (f) {
                fputs("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"x\": \"", f);
                for (int i = 0; i < TD_DOC_MAX_BYTES / 64 + 1; i++)
                        fputs("0123456789012345678901234567890123456789012345678901234567890123", f);
                fputs("\"}\n", f);
                fclose(f);
        }
        ok(load_path(big, &s, &msg, NULL) == -EINVAL && msg && strstr(msg, "is larger than the 1048576 byte limit"),
           "oversized profile refused");
        free(msg);
}

/* A compiled filter holds exactly the rules that apply. */
static void test_compile(void) {
        struct td_seccomp *s = NULL;
        scmp_filter_ctx ctx = NULL;
        char *msg = NULL, *err = NULL, *pfc;
        uint32_t v = 0;
        int r;

        r = load_text("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],\n"
                      " \"syscalls\": [\n"
                      "  {\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"},\n"
                      "  {\"names\": [\"acct\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"caps\": [\"CAP_SYS_PACCT\"]}},\n"
                      "  {\"names\": [\"syslog\"], \"action\": \"SCMP_ACT_ERRNO\", \"excludes\": {\"caps\": [\"CAP_SYSLOG\"]}}]}\n",
                      &s, &msg, NULL);
        ok(r == 0 && s, "compile fixture loads");
        free(msg);
        if (!s)
                return;
        r = td_seccomp_compile(s, 0, NULL, &ctx, &err);
        ok(r == 0 && ctx && !err, "rule equal to the default action is left out, not an error");
        pfc = ctx ? export_pfc(ctx) : NULL;
        ok(pfc && !strstr(pfc, "\"acct\"") && strstr(pfc, "\"syslog\""), "caps 0: acct left out, syslog in");
        ok(ctx && seccomp_attr_get(ctx, SCMP_FLTATR_CTL_LOG, &v) == 0 && v == 1, "SECCOMP_FILTER_FLAG_LOG set");
        free(pfc);
        seccomp_release(ctx);
        ctx = NULL;

        r = td_seccomp_compile(s, (UINT64_C(1) << CAP_SYS_PACCT) | (UINT64_C(1) << CAP_SYSLOG), NULL, &ctx, &err);
        pfc = r == 0 ? export_pfc(ctx) : NULL;
        ok(pfc && strstr(pfc, "\"acct\"") && !strstr(pfc, "\"syslog\""), "caps kept: acct in, syslog left out");
        free(pfc);
        seccomp_release(ctx);
        ctx = NULL;
        td_seccomp_free(s);

        /* libseccomp's EEXIST becomes a message naming rule and syscall. */
        r = load_text("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [\n"
                      "  {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]},\n"
                      "  {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_KILL\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}\n",
                      &s, &msg, NULL);
        free(msg);
        ok(r == 0 && s, "conflicting rules load (they conflict only in a filter)");
        if (s) {
                r = td_seccomp_compile(s, 0, NULL, &ctx, &err);
                is_int(r, -EEXIST, "conflicting rules: -EEXIST");
                is_str(err, "syscalls[1] (getppid): another rule gives this syscall the same comparisons with a different action",
                       "conflicting rules: message");
                ok(ctx == NULL, "nothing returned on failure");
                free(err);
                err = NULL;
        }
        td_seccomp_free(s);

        r = load_text("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [\n"
                      "  {\"names\": [\"getppid\"], \"action\": \"SCMP_ACT_LOG\", \"includes\": {\"minKernel\": \"5.0\"}}]}\n",
                      &s, &msg, NULL);
        free(msg);
        if (s) {
                is_int(td_seccomp_compile(s, 0, "x.y", &ctx, &err), -EINVAL, "bad kernel release: -EINVAL");
                is_str(err, "cannot compare minKernel with kernel release \"x.y\"", "bad kernel release: message");
                free(err);
        }
        td_seccomp_free(s);
}

static void test_docker_default(void) {
        const char *dir = getenv("TD_SHARED_DATA");
        char path[4096], *msg = NULL, *err = NULL, *pfc;
        struct td_seccomp *s = NULL;
        scmp_filter_ctx ctx = NULL;
        const td_scmp_rule *r;
        size_t warnings = 0;
        uint64_t admin = UINT64_C(1) << CAP_SYS_ADMIN;

        snprintf(path, sizeof path, "%s/docker-default-seccomp.json", dir ? dir : "../shared/data");
        if (access(path, R_OK) < 0) {
                printf("ok %d - # SKIP Docker's default profile not found at %s (TD_SHARED_DATA)\n", ++tap_n, path);
                return;
        }
        ok(load_path(path, &s, &msg, &warnings) == 0 && s, "Docker's default profile loads unchanged");
        if (msg && *msg)
                printf("# %s\n", msg);
        ok(warnings <= 1, "at most one warning (skipped names)");
#ifndef SCMP_ARCH_LOONGARCH64
        ok(msg && strstr(msg, "SCMP_ARCH_LOONGARCH64"), "loongarch64, unknown to this libseccomp, is reported");
#endif
        free(msg);
        if (!s)
                return;
        ok(s->default_action.type == TD_SCMP_ERRNO && s->default_action.arg == EPERM, "default SCMP_ACT_ERRNO EPERM");
        ok(s->n_archmap >= 8, "archMap entries kept");
        ok(s->n_rules > 30, "rules kept (%zu)", s->n_rules);

        r = find_rule(s, "open_by_handle_at", 0);
        ok(r && td_seccomp_rule_applies(r, 0, SCMP_ARCH_X86_64, NULL) == 0 &&
           td_seccomp_rule_applies(r, UINT64_C(1) << CAP_DAC_READ_SEARCH, SCMP_ARCH_X86_64, NULL) == 1,
           "open_by_handle_at allowed only with CAP_DAC_READ_SEARCH");
        r = find_rule(s, "ptrace", 0);
        ok(r && td_seccomp_rule_applies(r, 0, SCMP_ARCH_X86_64, "4.7.0") == 0 &&
           td_seccomp_rule_applies(r, 0, SCMP_ARCH_X86_64, "4.8.0") == 1, "ptrace allowed from kernel 4.8");
        r = find_rule(s, "arch_prctl", 0);
        ok(r && td_seccomp_rule_applies(r, 0, SCMP_ARCH_X86_64, NULL) == 1 &&
           td_seccomp_rule_applies(r, 0, SCMP_ARCH_AARCH64, NULL) == 0, "arch_prctl only on amd64/x32");
        /* The masked clone rule (flags without CLONE_NEW*) is for processes
         * without CAP_SYS_ADMIN, on every arch but s390. */
        r = NULL;
        for (size_t i = 0; i < s->n_rules; i++)
                if (streq(s->rules[i].syscalls[0], "clone") && s->rules[i].n_args == 1 && s->rules[i].args[0].index == 0)
                        r = &s->rules[i];
        ok(r && td_seccomp_rule_applies(r, 0, SCMP_ARCH_X86_64, NULL) == 1 &&
           td_seccomp_rule_applies(r, admin, SCMP_ARCH_X86_64, NULL) == 0 &&
           td_seccomp_rule_applies(r, 0, SCMP_ARCH_S390X, NULL) == 0, "masked clone rule: excludes caps and arches");

        ok(td_seccomp_compile(s, 0, NULL, &ctx, &err) == 0 && ctx, "compiles with no capabilities");
        if (err)
                printf("#   %s\n", err);
        pfc = ctx ? export_pfc(ctx) : NULL;
        ok(pfc && strstr(pfc, "\"getpid\"") && !strstr(pfc, "\"mount\""), "no caps: getpid allowed, mount not");
        if (seccomp_arch_native() == SCMP_ARCH_X86_64)
                ok(ctx && seccomp_arch_exist(ctx, SCMP_ARCH_X86) == 0 && seccomp_arch_exist(ctx, SCMP_ARCH_X32) == 0 &&
                   seccomp_arch_exist(ctx, SCMP_ARCH_AARCH64) == -EEXIST, "archMap: x86 and x32 added on x86_64");
        free(pfc);
        seccomp_release(ctx);
        ctx = NULL;

        ok(td_seccomp_compile(s, admin, NULL, &ctx, &err) == 0 && ctx, "compiles with CAP_SYS_ADMIN");
        pfc = ctx ? export_pfc(ctx) : NULL;
        ok(pfc && strstr(pfc, "\"mount\""), "CAP_SYS_ADMIN kept: mount allowed");
        free(pfc);
        seccomp_release(ctx);
        td_seccomp_free(s);
}

static void test_hosting(void) {
        const char *srcdir = getenv("TD_SRCDIR");
        char path[4096], *msg = NULL, *err = NULL;
        struct td_seccomp *s = NULL;
        scmp_filter_ctx ctx = NULL;
        size_t warnings = 1;

        snprintf(path, sizeof path, "%s/policies/seccomp/hosting.json", srcdir ? srcdir : ".");
        ok(load_path(path, &s, &msg, &warnings) == 0 && s, "hosting profile loads");
        ok(msg && !*msg && warnings == 0, "hosting profile: no diagnostics at all");
        if (msg && *msg)
                printf("#   %s\n", msg);
        free(msg);
        if (!s)
                return;
        ok(s->default_action.type == TD_SCMP_ALLOW, "hosting profile allows by default");
        ok(find_rule(s, "ptrace", 0) && find_rule(s, "bpf", 0) && find_rule(s, "keyctl", 0) &&
           find_rule(s, "open_by_handle_at", 0) && find_rule(s, "personality", 0), "hosting profile denies the usual suspects");
        ok(td_seccomp_compile(s, 0, NULL, &ctx, &err) == 0 && ctx, "hosting profile compiles");
        if (err)
                printf("#   %s\n", err);
        free(err);
        seccomp_release(ctx);
        td_seccomp_free(s);
}

static void cleanup(void) {
        char path[sizeof tmpdir + 16];

        snprintf(path, sizeof path, "%s/p.json", tmpdir);
        unlink(path);
        snprintf(path, sizeof path, "%s/big.json", tmpdir);
        unlink(path);
        rmdir(tmpdir);
}

int main(void) {
        if (!mkdtemp(tmpdir))
                tap_skip_all("cannot create a temporary directory");
        atexit(cleanup);
        test_valid();
        test_errors();
        test_compile();
        test_docker_default();
        test_hosting();
        return tap_done();
}
