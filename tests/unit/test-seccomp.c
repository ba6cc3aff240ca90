/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inline `isolation.seccomp` parsing: every accepted form, every error with
 * its file:line:col and key path, print -> parse round trips, dup. */

#include "diag-test.h"
#include "tap.h"
#include "seccomp.h"

#define KEY "isolation.seccomp"

/* Parse YAML `text` as the value of isolation.seccomp. Returns the parser's
 * result; *ret_msg gets every diagnostic, formatted, joined by '|'. */
static int parse_in(const char *text, const char *base_dir, struct td_seccomp **ret, char **ret_msg) {
        td_diags ds = {};
        td_node *root = NULL;
        int r;

        *ret = NULL;
        r = td_yaml_parse("p.yaml", text, strlen(text), &root, &ds);
        if (r == 0)
                r = td_seccomp_from_node(root, KEY, base_dir, ret, &ds);
        *ret_msg = diags_joined(&ds);
        td_node_free(root);
        td_diags_done(&ds);
        return r;
}

static struct td_seccomp *parses(const char *name, const char *text) {
        struct td_seccomp *s;
        char *msg;
        int r = parse_in(text, NULL, &s, &msg);

        ok(r == 0 && s && msg && !*msg, "%s: parses", name);
        if (r != 0 || (msg && *msg))
                printf("#   r=%d msg=%s\n", r, msg ? msg : "(null)");
        free(msg);
        return s;
}

/* `want` must appear in the diagnostics, and parsing must fail. */
static void fails(const char *name, const char *text, const char *want) {
        struct td_seccomp *s;
        char *msg;
        int r = parse_in(text, NULL, &s, &msg);

        ok(r == -EINVAL && !s && msg && strstr(msg, want), "%s: fails with '%s'", name, want);
        if (!(r == -EINVAL && msg && strstr(msg, want)))
                printf("#   r=%d msg=%s\n", r, msg ? msg : "(null)");
        td_seccomp_free(s);
        free(msg);
}

static void test_actions(void) {
        static const struct {
                const char *text;
                td_scmp_action_type type;
                uint32_t arg;
                const char *canon;
        } good[] = {
                { "kill_process", TD_SCMP_KILL_PROCESS, 0, "kill_process" },
                { "kill_thread", TD_SCMP_KILL_THREAD, 0, "kill_thread" },
                { "kill", TD_SCMP_KILL_THREAD, 0, "kill_thread" },
                { "trap", TD_SCMP_TRAP, 0, "trap" },
                { "errno 1", TD_SCMP_ERRNO, 1, "errno EPERM" },
                { "errno EACCES", TD_SCMP_ERRNO, EACCES, "errno EACCES" },
                { "errno EWOULDBLOCK", TD_SCMP_ERRNO, EAGAIN, "errno EAGAIN" },
                { "errno 0", TD_SCMP_ERRNO, 0, "errno 0" },
                { "errno 4095", TD_SCMP_ERRNO, 4095, "errno 4095" },
                { "errno 0x26", TD_SCMP_ERRNO, 38, "errno ENOSYS" },
                { "trace 0", TD_SCMP_TRACE, 0, "trace 0" },
                { "trace 65535", TD_SCMP_TRACE, 65535, "trace 65535" },
                { "log", TD_SCMP_LOG, 0, "log" },
                { "allow", TD_SCMP_ALLOW, 0, "allow" },
        };
        static const char *const bad[] = {
                "", "kil", "errno", "errno 4096", "errno EFOO", "errno -1", "trace 65536", "trace x",
                "allow 3", "errno 1 2", "ERRNO 1", "errnoEPERM",
        };
        char buf[32];

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                td_scmp_action a = { _TD_SCMP_ACTION_INVALID, 99 };
                int r = td_scmp_action_from_string(good[i].text, &a);
                ok(r == 0 && a.type == good[i].type && a.arg == good[i].arg, "action \"%s\" parses", good[i].text);
                is_str(td_scmp_action_to_string(a, buf, sizeof buf), good[i].canon, "action \"%s\" prints", good[i].text);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                td_scmp_action a;
                is_int(td_scmp_action_from_string(bad[i], &a), -EINVAL, "action \"%s\" is refused", bad[i]);
        }
        is_int(td_errno_from_name("ENOSYS"), ENOSYS, "errno name ENOSYS");
        is_str(td_errno_name(EPERM), "EPERM", "errno 1 is EPERM");
        ok(td_errno_name(4000) == NULL, "errno 4000 has no name");
        is_int(td_errno_from_name("EPERMX"), -EINVAL, "unknown errno name");
        ok(td_scmp_action_to_libseccomp((td_scmp_action) { TD_SCMP_ERRNO, 13 }) == SCMP_ACT_ERRNO(13),
           "errno 13 maps to SCMP_ACT_ERRNO(13)");
        ok(td_scmp_action_to_libseccomp((td_scmp_action) { TD_SCMP_TRACE, 7 }) == SCMP_ACT_TRACE(7),
           "trace 7 maps to SCMP_ACT_TRACE(7)");
}

static void test_arch_names(void) {
        uint32_t a = 0;

        ok(td_scmp_arch_from_name("x86_64", &a) == 0 && a == SCMP_ARCH_X86_64, "x86_64");
        ok(td_scmp_arch_from_name("amd64", &a) == 0 && a == SCMP_ARCH_X86_64, "amd64 (Go/Moby)");
        ok(td_scmp_arch_from_name("SCMP_ARCH_AARCH64", &a) == 0 && a == SCMP_ARCH_AARCH64, "SCMP_ARCH_AARCH64 (OCI)");
        ok(td_scmp_arch_from_name("arm64", &a) == 0 && a == SCMP_ARCH_AARCH64, "arm64");
        ok(td_scmp_arch_from_name("x86-64", &a) == -EINVAL, "x86-64 is refused");
        is_str(td_scmp_arch_name(SCMP_ARCH_X32), "x32", "token -> x32");
        ok(td_scmp_arch_name(seccomp_arch_native()) != NULL, "native architecture has a name");
}

static void test_valid(void) {
        struct td_seccomp *s, *again, *copy;
        char *out1 = NULL, *out2 = NULL, *out3 = NULL, *msg = NULL;
        size_t n1 = 0, n2 = 0, n3 = 0;
        FILE *f;
        const char *text =
                "default_action: errno EPERM\n"
                "architectures: [x86_64, x86, x32]\n"
                "rules:\n"
                "  - syscalls: [ptrace, process_vm_readv]\n"
                "    action: kill_process\n"
                "  - syscalls: [personality]\n"
                "    action: allow\n"
                "    args:\n"
                "      - { index: 0, op: masked_eq, mask: 0xff, value: 8 }\n"
                "      - { index: 1, op: le, value: 18446744073709551615 }\n"
                "  - syscalls: [getppid]\n"
                "    action: trace 7\n"
                "    args: [{ index: 5, op: ne, value: 0x10000 }]\n"
                "  - { syscalls: [kill], action: errno ESRCH, args: null }\n";

        s = parses("full inline filter", text);
        if (!s)
                return;
        ok(s->default_action.type == TD_SCMP_ERRNO && s->default_action.arg == EPERM, "default action errno EPERM");
        ok(s->n_arches == 3 && s->arches[0] == SCMP_ARCH_X86_64 && s->arches[2] == SCMP_ARCH_X32, "architectures");
        is_int(s->n_rules, 4, "four rules");
        ok(s->rules[0].n_syscalls == 2 && streq(s->rules[0].syscalls[1], "process_vm_readv"), "rule 0 syscalls");
        ok(s->rules[1].n_args == 2 && s->rules[1].args[0].op == SCMP_CMP_MASKED_EQ &&
           s->rules[1].args[0].value == 0xff && s->rules[1].args[0].value_two == 8,
           "masked_eq stores mask then value");
        ok(s->rules[1].args[1].value == UINT64_MAX && s->rules[1].args[1].op == SCMP_CMP_LE, "uint64 max value");
        ok(s->rules[2].action.type == TD_SCMP_TRACE && s->rules[2].action.arg == 7 &&
           s->rules[2].args[0].index == 5 && s->rules[2].args[0].value == 0x10000, "trace rule with hex value");
        ok(s->profile == NULL, "inline filter has no profile");

        f = open_memstream(&out1, &n1);
        td_seccomp_print(s, f, 4);
        fclose(f);
        ok(strstr(out1, "    default_action: errno EPERM\n") && strstr(out1, "mask: 0xff, value: 8"),
           "printed with indent and mask");

        /* The printed text is the value of `seccomp:`: it must parse back to
         * the same filter, which prints the same. */
        ok(parse_in(out1, NULL, &again, &msg) == 0 && again, "printed filter parses back");
        if (again) {
                f = open_memstream(&out2, &n2);
                td_seccomp_print(again, f, 4);
                fclose(f);
                is_str(out2, out1, "print -> parse -> print is stable");
        }
        copy = td_seccomp_dup(s);
        ok(copy != NULL, "dup");
        if (copy) {
                f = open_memstream(&out3, &n3);
                td_seccomp_print(copy, f, 4);
                fclose(f);
                is_str(out3, out1, "dup prints the same");
                ok(copy->rules[1].args != s->rules[1].args && copy->rules[0].syscalls[0] != s->rules[0].syscalls[0],
                   "dup is deep");
        }
        td_seccomp_free(s);
        td_seccomp_free(again);
        td_seccomp_free(copy);
        td_seccomp_free(NULL);
        free(out1);
        free(out2);
        free(out3);
        free(msg);

        s = parses("default action only", "default_action: log\nrules: []\n");
        ok(s && s->n_rules == 0 && s->default_action.type == TD_SCMP_LOG, "no rules is fine");
        td_seccomp_free(s);
}

static void test_errors(void) {
        fails("not a mapping", "[a, b]\n",
              "p.yaml:1:1: " KEY ": expected a mapping {default_action, architectures, rules} or {profile: PATH}, got a list");
        fails("unknown key", "default_action: allow\nrulez: []\n",
              "p.yaml:2:1: " KEY ".rulez: unknown key; did you mean \"rules\"?");
        fails("missing default", "rules: []\n", KEY ".default_action: missing; expected an action");
        fails("misspelt action", "default_action: allow\nrules:\n  - syscalls: [getpid]\n    action: kil\n",
              "p.yaml:4:13: " KEY ".rules[0].action: expected one of kill_process, kill_thread, kill, trap, "
              "errno N, trace N, log, allow, got \"kil\"; did you mean \"kill\"?");
        fails("action is a list", "default_action: [allow]\n", KEY ".default_action: expected one of kill_process");
        fails("errno out of range", "default_action: errno 4096\n",
              KEY ".default_action: expected errno N with N in 0..4095 or a name like EPERM, got \"errno 4096\"");
        fails("errno unknown name", "default_action: errno EPERN\n", "got \"errno EPERN\"");
        fails("errno missing", "default_action: errno\n", "expected errno N with N in 0..4095");
        fails("trace out of range", "default_action: trace 70000\n",
              KEY ".default_action: expected trace N with N in 0..65535, got \"trace 70000\"");
        fails("allow with argument", "default_action: allow 1\n", "got \"allow 1\"");
        fails("rules not a list", "default_action: allow\nrules: {a: 1}\n",
              KEY ".rules: expected a list of rules, got a mapping");
        fails("rule not a mapping", "default_action: allow\nrules: [getpid]\n",
              KEY ".rules[0]: expected a mapping {syscalls, action, args}, got a string");
        fails("rule unknown key", "default_action: allow\nrules: [{syscall: [getpid], action: log}]\n",
              KEY ".rules[0].syscall: unknown key; did you mean \"syscalls\"?");
        fails("rule without syscalls", "default_action: allow\nrules: [{action: log}]\n",
              KEY ".rules[0].syscalls: missing; expected a list of syscall names");
        fails("empty syscalls", "default_action: allow\nrules: [{syscalls: [], action: log}]\n",
              KEY ".rules[0].syscalls: expected a non-empty list of syscall names, got an empty list");
        fails("syscall not a string", "default_action: allow\nrules: [{syscalls: [[getpid]], action: log}]\n",
              KEY ".rules[0].syscalls[0]: expected a non-empty string, got a list");
        fails("unknown syscall", "default_action: allow\nrules: [{syscalls: [getpid, getppidd], action: log}]\n",
              "p.yaml:2:29: " KEY ".rules[0].syscalls[1]: unknown syscall \"getppidd\"; did you mean \"getppid\"?");
        fails("unknown syscall, nothing close", "default_action: allow\nrules: [{syscalls: [zzzzzzzzzz], action: log}]\n",
              "unknown syscall \"zzzzzzzzzz\" (not known to libseccomp");
        fails("rule without action", "default_action: allow\nrules: [{syscalls: [getpid]}]\n",
              KEY ".rules[0].action: missing; expected one of kill_process");
        fails("args not a list", "default_action: allow\nrules: [{syscalls: [getpid], action: log, args: 3}]\n",
              KEY ".rules[0].args: expected a list of {index, op, value}, got a string");
        fails("arg not a mapping", "default_action: allow\nrules: [{syscalls: [getpid], action: log, args: [1]}]\n",
              KEY ".rules[0].args[0]: expected a mapping {index, op, value}, got a string");

#define RULE(args) "default_action: allow\nrules: [{syscalls: [getpid], action: log, args: [" args "]}]\n"
        fails("arg unknown key", RULE("{index: 0, op: eq, valeu: 1}"),
              KEY ".rules[0].args[0].valeu: unknown key; did you mean \"value\"?");
        fails("arg missing index", RULE("{op: eq, value: 1}"), KEY ".rules[0].args[0].index: missing; expected an argument index 0..5");
        fails("arg index 6", RULE("{index: 6, op: eq, value: 1}"),
              KEY ".rules[0].args[0].index: expected an integer 0..5, got \"6\" (out of range)");
        fails("arg index negative", RULE("{index: -1, op: eq, value: 1}"),
              KEY ".rules[0].args[0].index: expected an integer 0..5 (decimal or 0x hex), got \"-1\"");
        fails("arg missing value", RULE("{index: 0, op: eq}"), KEY ".rules[0].args[0].value: missing; expected an integer");
        fails("arg value not a number", RULE("{index: 0, op: eq, value: lots}"),
              KEY ".rules[0].args[0].value: expected an integer 0..18446744073709551615 (decimal or 0x hex), got \"lots\"");
        fails("arg value overflow", RULE("{index: 0, op: eq, value: 18446744073709551616}"), "(out of range)");
        fails("arg value bad hex", RULE("{index: 0, op: eq, value: 0x}"), "got \"0x\"");
        fails("arg missing op", RULE("{index: 0, value: 1}"), KEY ".rules[0].args[0].op: missing; expected one of ne, lt");
        fails("arg misspelt op", RULE("{index: 0, op: eqq, value: 1}"),
              KEY ".rules[0].args[0].op: expected one of ne, lt, le, eq, ge, gt, masked_eq, got \"eqq\"; did you mean \"eq\"?");
        fails("masked_eq without mask", RULE("{index: 0, op: masked_eq, value: 1}"),
              KEY ".rules[0].args[0].mask: missing; masked_eq needs a mask");
        fails("mask with eq", RULE("{index: 0, op: eq, value: 1, mask: 3}"),
              KEY ".rules[0].args[0].mask: only valid with op masked_eq, not eq");
        fails("same argument twice", RULE("{index: 0, op: ge, value: 1}, {index: 0, op: le, value: 9}"),
              KEY ".rules[0].args[1].index: argument 0 is already compared in this rule");
        fails("seven comparisons", RULE("{index: 0, op: eq, value: 1}, {index: 1, op: eq, value: 1}, "
                                        "{index: 2, op: eq, value: 1}, {index: 3, op: eq, value: 1}, "
                                        "{index: 4, op: eq, value: 1}, {index: 5, op: eq, value: 1}, "
                                        "{index: 5, op: eq, value: 2}"),
              KEY ".rules[0].args: expected at most 6 comparisons, got 7");
#undef RULE
        fails("architectures not a list", "default_action: allow\narchitectures: x86_64\n",
              KEY ".architectures: expected a list of architectures like [x86_64, x86], got a string");
        fails("misspelt architecture", "default_action: allow\narchitectures: [x86-64]\n",
              KEY ".architectures[0]: expected an architecture like x86_64, x86, x32, aarch64, arm, got \"x86-64\"; "
              "did you mean \"x86_64\"?");
        fails("profile with rules", "profile: x.json\nrules: []\n",
              KEY ".profile: a profile excludes rules; use one or the other");
        fails("profile empty", "profile: ''\n", KEY ".profile: expected a non-empty string, got an empty string");
        fails("profile not a string", "profile: [a]\n", KEY ".profile: expected a non-empty string, got a list");
        fails("profile missing file", "profile: /nonexistent/tenantd-test.json\n",
              "p.yaml:1:10: " KEY ".profile: cannot read seccomp profile \"/nonexistent/tenantd-test.json\": "
              "No such file or directory");
}

/* One run reports every problem, not just the first. */
static void test_all_errors_reported(void) {
        td_diags ds = {};
        td_node *root = NULL;
        struct td_seccomp *s = NULL;
        const char *text =
                "default_action: nope\n"
                "rules:\n"
                "  - { syscalls: [getpidd], action: allow }\n"
                "  - { syscalls: [getpid], action: errno 99999, args: [{index: 9, op: eq, value: 0}] }\n";
        int r;

        r = td_yaml_parse("p.yaml", text, strlen(text), &root, &ds);
        if (r == 0)
                r = td_seccomp_from_node(root, KEY, NULL, &s, &ds);
        is_int(r, -EINVAL, "several errors: -EINVAL");
        is_int(ds.n_errors, 4, "several errors: all four reported");
        ok(s == NULL, "several errors: nothing returned");
        td_node_free(root);
        td_diags_done(&ds);
}

/* {profile: PATH} resolves PATH against base_dir and prints the resolved path. */
static void test_profile_reference(void) {
        const char *srcdir = getenv("TD_SRCDIR");
        char base[4096], *msg = NULL, *out = NULL;
        struct td_seccomp *s = NULL;
        size_t n = 0;
        FILE *f;

        snprintf(base, sizeof base, "%s/policies", srcdir ? srcdir : ".");
        ok(parse_in("profile: seccomp/hosting.json\n", base, &s, &msg) == 0 && s, "profile relative to base_dir loads");
        if (msg && *msg)
                printf("#   %s\n", msg);
        if (s) {
                ok(s->profile && strstr(s->profile, "/policies/seccomp/hosting.json"), "profile path resolved");
                ok(s->default_action.type == TD_SCMP_ALLOW && s->n_rules > 0, "hosting profile content");
                f = open_memstream(&out, &n);
                td_seccomp_print(s, f, 2);
                fclose(f);
                ok(startswith(out, "  profile: ") && strstr(out, "/seccomp/hosting.json\n"), "profile prints as profile: PATH");
        }
        td_seccomp_free(s);
        free(msg);
        free(out);
}

int main(void) {
        test_actions();
        test_arch_names();
        test_valid();
        test_errors();
        test_all_errors_reported();
        test_profile_reference();
        return tap_done();
}
