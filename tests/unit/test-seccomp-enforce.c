/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Real enforcement: each filter is compiled here and loaded in a forked
 * child (after no_new_privs, as the exec path will do), and the child checks
 * what the kernel actually does. Every check also runs once without a
 * filter, to show it would fail if the filter did nothing. */

#include <linux/capability.h>
#include <linux/keyctl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "tap.h"
#include "seccomp.h"

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1   /* si_code of a seccomp SIGSYS; glibc does not export it */
#endif

/* Globals written by the parent before fork, read by the child. */
static pid_t parent_pid;
static unsigned long op_value;

static struct td_seccomp *inline_filter(const char *yaml) {
        td_diags ds = {};
        td_node *root = NULL;
        struct td_seccomp *s = NULL;

        if (td_yaml_parse("t.yaml", yaml, strlen(yaml), &root, &ds) == 0)
                (void) td_seccomp_from_node(root, "seccomp", NULL, &s, &ds);
        if (ds.n > 0)
                td_diags_print(&ds, stdout);
        td_node_free(root);
        td_diags_done(&ds);
        return s;
}

static struct td_seccomp *profile_filter(const char *path) {
        td_diags ds = {};
        struct td_seccomp *s = NULL;

        (void) td_seccomp_load_profile(path, &s, &ds);
        td_diags_done(&ds);
        return s;
}

/* Run fn in a child under `s` (none when NULL) compiled for `caps`. Returns
 * the wait status, or -1 if the filter did not compile or fork failed. */
static int run(const struct td_seccomp *s, uint64_t caps, int (*fn)(void)) {
        scmp_filter_ctx ctx = NULL;
        char *err = NULL;
        int status = -1;
        pid_t pid;

        if (s && td_seccomp_compile(s, caps, NULL, &ctx, &err) < 0) {
                printf("#   compile failed: %s\n", err ? err : "?");
                free(err);
                return -1;
        }
        parent_pid = getpid();
        fflush(stdout);
        pid = fork();
        if (pid == 0) {
                struct rlimit no_core = {};
                alarm(20);
                /* kill_process would dump core; this test wants no cores. */
                (void) setrlimit(RLIMIT_CORE, &no_core);
                (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
                /* The order the exec path follows: no_new_privs, then the
                 * filter, so an unprivileged load is allowed and no setuid
                 * exec can shed it. */
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                        _exit(120);
                if (ctx && seccomp_load(ctx) < 0)
                        _exit(121);
                /* exit_group directly: sanitizer runtimes hook _exit to run
                 * a leak check, which needs syscalls a filter may deny. */
                syscall(SYS_exit_group, fn());
                _exit(122);
        }
        if (pid > 0)
                while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                        ;
        if (ctx)
                seccomp_release(ctx);
        return status;
}

static bool exited(int status, int code) {
        return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == code;
}

static bool killed_by(int status, int sig) {
        return status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

/* ---- child bodies: return 0 when the kernel did what the filter says ---- */

static int denied(long r, int e) {
        return r == -1 && errno == e;
}

static int child_eacces(void) { return denied(syscall(SYS_getppid), EACCES) ? 0 : 1; }
static int child_errno0(void) { return syscall(SYS_getppid) == 0 ? 0 : 1; }
static int child_enosys(void) { return denied(syscall(SYS_getppid), ENOSYS) ? 0 : 1; }
static int child_getppid(void) {
        (void) syscall(SYS_getppid);
        return 3;   /* only reached if the call did not kill us */
}

/* The filter's default denies with EPERM; exit_group is allowed, getppid
 * comes through its rule (allow or log), getpid falls to the default. */
static int child_default_deny(void) {
        int bad = 0;
        if (syscall(SYS_getppid) != parent_pid)
                bad |= 1;
        if (!denied(syscall(SYS_getpid), EPERM))
                bad |= 2;
        return bad;
}

static volatile int thread_reached;
static void *thread_main(void *arg) {
        (void) syscall(SYS_getppid);
        thread_reached = 1;
        return arg;
}

/* kill_thread kills the calling thread only: the main thread joins it and
 * reports whether the thread got past the syscall. */
static int child_thread(void) {
        pthread_t t;
        if (pthread_create(&t, NULL, thread_main, NULL) != 0)
                return 99;
        pthread_join(t, NULL);
        return thread_reached ? 43 : 42;
}

static volatile sig_atomic_t trap_code, trap_syscall, trap_hits;
static volatile unsigned trap_arch;
static void on_sigsys(int sig, siginfo_t *si, void *uc) {
        (void) sig;
        (void) uc;
        trap_hits++;
        trap_code = si->si_code;
        trap_syscall = si->si_syscall;
        trap_arch = si->si_arch;
}

static int child_trap(void) {
        struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGSYS, &sa, NULL) < 0)
                return 99;
        (void) syscall(SYS_getppid);
        if (trap_hits != 1)
                return 1;
        if (trap_code != SYS_SECCOMP)
                return 2;
        if (trap_syscall != SYS_getppid)
                return 3;
        if (trap_arch != seccomp_arch_native())
                return 4;
        return 0;
}

/* Bit i set when getppid with argument 1 == op_value - 1 + i was denied. */
static int child_ops(void) {
        int mask = 0;
        for (int i = 0; i < 3; i++)
                if (denied(syscall(SYS_getppid, 0, op_value - 1 + (unsigned long) i), EACCES))
                        mask |= 1 << i;
        return mask;
}

static int child_personality(void) {
        int bad = 0;
        if (personality(0xffffffff) < 0)
                bad |= 1;
        if (!denied(personality(PER_LINUX32), EPERM))
                bad |= 2;
        return bad;
}

static void test_actions(void) {
        struct td_seccomp *s;
        int st;

        is_int(run(NULL, 0, child_eacces), 1 << 8, "control: getppid works without a filter");

        s = inline_filter("default_action: allow\nrules: [{syscalls: [getppid], action: errno EACCES}]\n");
        ok(exited(run(s, 0, child_eacces), 0), "errno EACCES: syscall fails with EACCES");
        td_seccomp_free(s);

        s = inline_filter("default_action: allow\nrules: [{syscalls: [getppid], action: errno 0}]\n");
        ok(exited(run(s, 0, child_errno0), 0), "errno 0: syscall skipped, returns 0");
        td_seccomp_free(s);

        s = inline_filter("default_action: allow\nrules: [{syscalls: [getppid], action: kill_process}]\n");
        st = run(s, 0, child_getppid);
        ok(killed_by(st, SIGSYS), "kill_process: child dies by SIGSYS (status 0x%x)", (unsigned) st);
        st = run(s, 0, child_thread);
        ok(killed_by(st, SIGSYS), "kill_process from a thread kills the whole process");
        td_seccomp_free(s);

        s = inline_filter("default_action: allow\nrules: [{syscalls: [getppid], action: kill_thread}]\n");
        st = run(s, 0, child_thread);
        ok(exited(st, 42), "kill_thread: only the calling thread dies (status 0x%x)", (unsigned) st);
        ok(killed_by(run(s, 0, child_getppid), SIGSYS), "kill_thread in a single-threaded process: SIGSYS");
        td_seccomp_free(s);
        ok(exited(run(NULL, 0, child_thread), 43), "control: the thread gets past getppid without a filter");

        s = inline_filter("default_action: allow\nrules: [{syscalls: [getppid], action: trap}]\n");
        st = run(s, 0, child_trap);
        ok(exited(st, 0), "trap: SIGSYS handler sees SYS_SECCOMP, si_syscall, si_arch (status 0x%x)", (unsigned) st);
        td_seccomp_free(s);
        ok(exited(run(NULL, 0, child_trap), 1), "control: no SIGSYS without a filter");

        s = inline_filter("default_action: allow\nrules: [{syscalls: [getppid], action: trace 3}]\n");
        ok(exited(run(s, 0, child_enosys), 0), "trace without a tracer: ENOSYS");
        td_seccomp_free(s);

        s = inline_filter("default_action: errno EPERM\n"
                          "rules:\n"
                          "  - { syscalls: [exit_group, exit], action: allow }\n"
                          "  - { syscalls: [getppid], action: log }\n");
        st = run(s, 0, child_default_deny);
        ok(exited(st, 0), "log: the syscall succeeds while the default denies (status 0x%x)", (unsigned) st);
        td_seccomp_free(s);

        s = inline_filter("default_action: errno EPERM\n"
                          "rules: [{ syscalls: [exit_group, exit, getppid], action: allow }]\n");
        ok(exited(run(s, 0, child_default_deny), 0), "allow: the syscall succeeds while the default denies");
        td_seccomp_free(s);
        ok(exited(run(NULL, 0, child_default_deny), 2), "control: getpid is not denied without a filter");
}

static void test_arg_ops(void) {
        static const struct {
                const char *arg;
                unsigned long value;
                int denied_mask;   /* bits for value-1, value, value+1 */
        } cases[] = {
                { "{index: 1, op: ne, value: 1000}", 1000, 5 },
                { "{index: 1, op: lt, value: 1000}", 1000, 1 },
                { "{index: 1, op: le, value: 1000}", 1000, 3 },
                { "{index: 1, op: eq, value: 1000}", 1000, 2 },
                { "{index: 1, op: ge, value: 1000}", 1000, 6 },
                { "{index: 1, op: gt, value: 1000}", 1000, 4 },
                /* 999 = 0x3e7, 1000 = 0x3e8, 1001 = 0x3e9 */
                { "{index: 1, op: masked_eq, mask: 0xf, value: 8}", 1000, 2 },
                /* 64-bit comparisons see the upper half of the register. */
                { "{index: 1, op: eq, value: 0x100000000}", 0x100000000UL, 2 },
                { "{index: 1, op: gt, value: 0xffffffff}", 0xffffffffUL, 4 },
        };
        char yaml[256];

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct td_seccomp *s;
                snprintf(yaml, sizeof yaml,
                         "default_action: allow\nrules: [{syscalls: [getppid], action: errno EACCES, args: [%s]}]\n",
                         cases[i].arg);
                s = inline_filter(yaml);
                op_value = cases[i].value;
                int st = run(s, 0, child_ops);
                ok(exited(st, cases[i].denied_mask), "%s: denies exactly mask %d (status 0x%x)", cases[i].arg,
                   cases[i].denied_mask, (unsigned) st);
                td_seccomp_free(s);
        }
        op_value = 1000;
        is_int(run(NULL, 0, child_ops), 0, "control: nothing denied without a filter");

        struct td_seccomp *s = inline_filter(
                "default_action: allow\n"
                "rules: [{syscalls: [personality], action: errno EPERM, args: [{index: 0, op: ne, value: 0xffffffff}]}]\n");
        ok(exited(run(s, 0, child_personality), 0), "personality(0xffffffff) allowed, personality(PER_LINUX32) denied");
        td_seccomp_free(s);
}

/* ---- imported profiles ---- */

/* Docker's default: bit set per check that did not hold. */
static int child_docker(void) {
        int bad = 0;
        if (syscall(SYS_getpid) <= 0)
                bad |= 1;
        if (!denied(unshare(0), EPERM))
                bad |= 2;
        if (!denied(mount("none", "/nonexistent/tenantd-test", "tmpfs", 0, NULL), EPERM))
                bad |= 4;
        if (!denied(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0), EPERM))
                bad |= 8;
        return bad;
}

static void test_docker(void) {
        const char *dir = getenv("TD_SHARED_DATA");
        char path[4096];
        struct td_seccomp *s;
        int st;

        snprintf(path, sizeof path, "%s/docker-default-seccomp.json", dir ? dir : "../shared/data");
        if (access(path, R_OK) < 0) {
                printf("ok %d - # SKIP Docker's default profile not found at %s (TD_SHARED_DATA)\n", ++tap_n, path);
                return;
        }
        s = profile_filter(path);
        ok(s != NULL, "Docker's default profile loads");
        st = run(s, 0, child_docker);
        ok(exited(st, 0), "Docker default, no caps: getpid works; unshare, mount, keyctl get EPERM (status 0x%x)",
           (unsigned) st);
        /* With CAP_SYS_ADMIN kept, the rule that includes it lets unshare
         * and mount through (mount then fails on the missing path). */
        st = run(s, UINT64_C(1) << CAP_SYS_ADMIN, child_docker);
        ok(exited(st, 2 | 4), "Docker default, CAP_SYS_ADMIN kept: unshare and mount pass, keyctl still EPERM (status 0x%x)",
           (unsigned) st);
        ok(exited(run(NULL, 0, child_docker), 2 | 4 | 8), "control: nothing denied without a filter");
        td_seccomp_free(s);
}

/* tenantd's hosting profile: bit set per check that did not hold. */
static int child_hosting(void) {
        int bad = 0;
        long r;
        pid_t pid;

        /* PTRACE_CONT on pid 0 fails with ESRCH unfiltered, and unlike
         * PTRACE_TRACEME cannot make the parent our tracer. */
        if (!denied(ptrace(PTRACE_CONT, 0, NULL, NULL), EPERM))
                bad |= 1;
        if (personality(0xffffffff) < 0 || personality(PER_LINUX) < 0)
                bad |= 2;
        if (!denied(personality(ADDR_NO_RANDOMIZE), EPERM) || !denied(personality(0x80040000), EPERM) ||
            !denied(personality(0xfffffffe), EPERM) || !denied(personality(READ_IMPLIES_EXEC | PER_LINUX32), EPERM))
                bad |= 4;
        if (!denied(unshare(CLONE_NEWUSER), EPERM))
                bad |= 8;
        r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
        if (r == 0)
                _exit(0);
        if (r > 0)
                waitpid((pid_t) r, NULL, 0);
        if (!denied(r, EPERM))
                bad |= 16;
        if (!denied(syscall(SYS_io_uring_setup, 1, NULL), ENOSYS))
                bad |= 32;
        pid = fork();
        if (pid == 0)
                _exit(0);
        if (pid < 0 || waitpid(pid, NULL, 0) != pid)
                bad |= 64;
        if (!denied(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0), EPERM))
                bad |= 128;
        return bad;
}

#if defined(__x86_64__)
/* A 32-bit syscall through int 0x80: i386 numbers, i386 registers. */
static long int80(long nr, long a1, long a2) {
        long r;
        __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a1), "c"(a2) : "memory");
        return r;
}
static int child_int80(void) {
        if (int80(20 /* i386 getpid */, 0, 0) != getpid())
                return 1;
        if (int80(26 /* i386 ptrace */, PTRACE_CONT, 0) != -EPERM)
                return 2;
        return 0;
}
static int child_int80_getpid(void) {
        return int80(20, 0, 0) == getpid() ? 0 : 1;
}
#endif

static void test_hosting(void) {
        const char *srcdir = getenv("TD_SRCDIR");
        char path[4096];
        struct td_seccomp *s;
        int st;

        snprintf(path, sizeof path, "%s/policies/seccomp/hosting.json", srcdir ? srcdir : ".");
        s = profile_filter(path);
        ok(s != NULL, "hosting profile loads");
        st = run(s, 0, child_hosting);
        ok(exited(st, 0), "hosting profile: ptrace, personality flags, user namespaces, keyctl denied; "
           "fork, personality query allowed; io_uring ENOSYS (status 0x%x)", (unsigned) st);
        st = run(NULL, 0, child_hosting);
        ok(st >= 0 && WIFEXITED(st) && (WEXITSTATUS(st) & (1 | 4 | 8)) == (1 | 4 | 8),
           "control: ptrace, personality flags and unshare pass without a filter (status 0x%x)", (unsigned) st);

#if defined(__x86_64__)
        if (seccomp_arch_native() == SCMP_ARCH_X86_64 && exited(run(NULL, 0, child_int80_getpid), 0)) {
                /* archMap adds x86 on x86_64: 32-bit syscalls are filtered by
                 * name too, not killed as a foreign architecture. */
                ok(exited(run(s, 0, child_int80), 0), "hosting profile: i386 getpid works, i386 ptrace EPERM");
                struct td_seccomp *native = inline_filter("default_action: allow\n"
                                                          "rules: [{syscalls: [ptrace], action: errno EPERM}]\n");
                st = run(native, 0, child_int80_getpid);
                ok(killed_by(st, SIGSYS), "filter without x86: an i386 syscall kills the process (status 0x%x)",
                   (unsigned) st);
                td_seccomp_free(native);
        } else
                printf("ok %d - # SKIP no i386 syscall emulation on this kernel\n", ++tap_n);
#endif
        td_seccomp_free(s);
}

int main(void) {
        if (seccomp_api_get() < 3)
                tap_skip_all("kernel or libseccomp lacks seccomp API level 3 (kill_process, log)");
        test_actions();
        test_arg_ops();
        test_docker();
        test_hosting();
        return tap_done();
}
