/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Seccomp filters for tenant processes.
 *
 * Configuration flows parse -> compile -> apply:
 *   - td_seccomp_from_node() turns `isolation.seccomp` (inline rules, or a
 *     reference to an OCI / Moby JSON profile) into a struct td_seccomp. It
 *     does no I/O beyond reading the profile file, and nothing in it depends
 *     on the host: architecture, capabilities and kernel version are decided
 *     later, so one parsed policy serves every tenant.
 *   - td_seccomp_compile() resolves what is host- and process-dependent
 *     (native architecture, Moby's archMap, includes/excludes by kept
 *     capabilities, architecture and kernel version) into a libseccomp filter.
 *   - Loading the filter belongs to the exec path, after capabilities are
 *     dropped and no_new_privs is set (see isolate.h).
 *
 * This file shares its name with libseccomp's <seccomp.h>. Makefile.am puts
 * src/lib on the quote path only (-iquote), so "seccomp.h" is this file and
 * <seccomp.h> is the library's. */

#include <seccomp.h>
#ifndef SCMP_VER_MAJOR
#error "<seccomp.h> resolved to src/lib/seccomp.h: put src/lib on the -iquote path, not -I"
#endif

#include "diag.h"
#include "node.h"

/* A seccomp action. `arg` is the errno (0..4095) for TD_SCMP_ERRNO and the
 * tracer's message (0..65535) for TD_SCMP_TRACE; 0 otherwise. */
typedef enum td_scmp_action_type {
        TD_SCMP_KILL_PROCESS,
        TD_SCMP_KILL_THREAD,
        TD_SCMP_TRAP,
        TD_SCMP_ERRNO,
        TD_SCMP_TRACE,
        TD_SCMP_LOG,
        TD_SCMP_ALLOW,
        _TD_SCMP_ACTION_MAX,
        _TD_SCMP_ACTION_INVALID = -EINVAL,
} td_scmp_action_type;

typedef struct td_scmp_action {
        td_scmp_action_type type;
        uint32_t arg;
} td_scmp_action;

#define TD_SCMP_ERRNO_MAX 4095u
#define TD_SCMP_TRACE_MAX 65535u

/* One argument comparison. For SCMP_CMP_MASKED_EQ `value` is the mask and
 * `value_two` the expected masked value (libseccomp's and OCI's order). */
typedef struct td_scmp_arg {
        unsigned index;          /* 0..5 */
        enum scmp_compare op;
        uint64_t value;
        uint64_t value_two;
} td_scmp_arg;

/* Moby's per-rule condition (`includes` or `excludes`). Empty parts are no
 * condition. */
typedef struct td_scmp_cond {
        uint64_t caps;           /* 1 << CAP_x */
        uint32_t *arches;        /* libseccomp arch tokens; 0 for a name libseccomp does not know */
        size_t n_arches;
        bool has_min_kernel;
        unsigned min_kernel[2];  /* major, minor */
} td_scmp_cond;

/* A rule: every syscall in `syscalls` gets `action` when all `args` match.
 * Comparisons on the same argument cannot be ANDed by libseccomp, so the
 * parsers reject (inline) or split (profiles, as runc does) them. */
typedef struct td_scmp_rule {
        char **syscalls;         /* names known to libseccomp */
        size_t n_syscalls;
        td_scmp_action action;
        td_scmp_arg *args;
        size_t n_args;
        td_scmp_cond includes, excludes;
        unsigned index;          /* position in `rules` / `syscalls`, for messages */
} td_scmp_rule;

/* Moby archMap entry: when `arch` is the native architecture, the filter
 * also covers `sub_arches`. */
typedef struct td_scmp_archmap {
        uint32_t arch;
        uint32_t *sub_arches;
        size_t n_sub_arches;
} td_scmp_archmap;

/* OCI `flags`, mapped to libseccomp filter attributes. */
#define TD_SCMP_FLAG_TSYNC       (1u << 0)   /* SECCOMP_FILTER_FLAG_TSYNC */
#define TD_SCMP_FLAG_LOG         (1u << 1)   /* SECCOMP_FILTER_FLAG_LOG */
#define TD_SCMP_FLAG_SPEC_ALLOW  (1u << 2)   /* SECCOMP_FILTER_FLAG_SPEC_ALLOW */

struct td_seccomp {
        char *profile;           /* resolved profile path; NULL for inline rules */
        td_scmp_action default_action;
        uint32_t *arches;        /* extra architectures; the native one is always covered */
        size_t n_arches;
        td_scmp_archmap *archmap;
        size_t n_archmap;
        uint32_t flags;          /* TD_SCMP_FLAG_* */
        td_scmp_rule *rules;
        size_t n_rules;
        char **skipped;          /* profile syscalls unknown to libseccomp (warned about) */
        size_t n_skipped;
};

/* Parse `isolation.seccomp`: an inline mapping {default_action,
 * architectures, rules} or {profile: PATH}, PATH relative to base_dir (NULL:
 * relative to the working directory). Errors go to ds under `keypath` (e.g.
 * "isolation.seccomp.rules[0].action"); errors inside a profile carry the
 * profile's file:line:col and its JSON key path. Syscalls in a profile that
 * libseccomp does not know are skipped with one warning (runc and Docker do
 * the same: profiles list syscalls newer than the local libseccomp). On
 * success *ret is owned by the caller. Returns 0, -EINVAL (errors in ds) or
 * -ENOMEM. */
int td_seccomp_from_node(const td_node *n, const char *keypath, const char *base_dir,
                         struct td_seccomp **ret, td_diags *ds);

/* Load an OCI / Moby JSON profile; same contract. */
int td_seccomp_load_profile(const char *path, struct td_seccomp **ret, td_diags *ds);

/* Free. Accepts NULL. */
void td_seccomp_free(struct td_seccomp *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct td_seccomp *, td_seccomp_free);

/* Deep copy, owned by the caller; NULL on ENOMEM. */
struct td_seccomp *td_seccomp_dup(const struct td_seccomp *s);

/* Print the *value* of `seccomp:` as block YAML, every line indented by
 * `indent` spaces; the caller has printed the key ("seccomp:\n"). A profile
 * prints as `profile: PATH`; inline rules as YAML that parses back to the
 * same filter. */
void td_seccomp_print(const struct td_seccomp *s, FILE *f, int indent);

/* Build a libseccomp filter for this host and process.
 * `caps_keep` is the capability set the process keeps (1 << CAP_x) and
 * decides Moby's includes/excludes `caps`; `kernel_release` is compared with
 * `minKernel` (NULL: the running kernel, uname -r). A rule whose action is
 * the default action is left out. On success *ret is a new filter owned by
 * the caller (seccomp_release or _cleanup_scmp_ctx_), not yet loaded. On
 * failure returns a negative errno and, if ret_error is not NULL, sets it to
 * a malloc'ed message naming the rule and syscall (NULL on ENOMEM). */
int td_seccomp_compile(const struct td_seccomp *s, uint64_t caps_keep, const char *kernel_release,
                       scmp_filter_ctx *ret, char **ret_error);

/* Whether Moby's includes/excludes let rule `r` apply for a process keeping
 * `caps_keep` on architecture `arch` (a libseccomp token) and kernel
 * `kernel_release` ("6.1.0-9-amd64"; NULL: the running kernel). Returns 1,
 * 0, or -EINVAL if kernel_release does not start with "X.Y". */
int td_seccomp_rule_applies(const td_scmp_rule *r, uint64_t caps_keep, uint32_t arch,
                            const char *kernel_release);

static inline void td_scmp_ctx_releasep(scmp_filter_ctx *ctx) {
        if (*ctx)
                seccomp_release(*ctx);
}
#define _cleanup_scmp_ctx_ _cleanup_(td_scmp_ctx_releasep)

/* Action text as written in policies ("errno EPERM", "trace 7", "allow").
 * Writes into buf (size >= 32) and returns it. */
const char *td_scmp_action_to_string(td_scmp_action a, char *buf, size_t size);

/* Parse a policy action ("kill", "errno 13", "errno EACCES"). Returns 0 or
 * -EINVAL. */
int td_scmp_action_from_string(const char *s, td_scmp_action *ret);

/* The libseccomp action value (SCMP_ACT_*) for `a`. */
uint32_t td_scmp_action_to_libseccomp(td_scmp_action a);

/* Errno name <-> number, Linux names ("EPERM" <-> 1; aliases such as
 * EWOULDBLOCK resolve too). NULL / -EINVAL when unknown. */
const char *td_errno_name(int e);
int td_errno_from_name(const char *name);

/* Architecture name -> libseccomp token. Accepts libseccomp names
 * ("x86_64"), Go / Moby names ("amd64", "arm64") and OCI names
 * ("SCMP_ARCH_X86_64"). Returns 0 or -EINVAL. */
int td_scmp_arch_from_name(const char *name, uint32_t *ret);
/* Token -> libseccomp name; NULL when unknown. */
const char *td_scmp_arch_name(uint32_t arch);

/* --- Internal to seccomp*.c: the schema walker both parsers share. --- */

/* Error on every key of `map` not in `known`, with a "did you mean" hint. */
int td_scmp_check_keys(const td_node *map, const char *keypath, const char *const *known,
                       size_t n_known, td_diags *ds);
/* An unsigned integer, decimal or 0x hex, at most `max`. `json` refuses
 * quoted strings (a JSON number is required). */
int td_scmp_parse_u64(const td_node *n, const char *keypath, uint64_t max, bool json,
                      uint64_t *ret, td_diags *ds);
/* A non-empty string scalar; *ret aliases the node. `json` refuses
 * numbers, true/false (unquoted scalars). */
int td_scmp_parse_string(const td_node *n, const char *keypath, bool json, const char **ret, td_diags *ds);
/* Report a syscall name libseccomp does not know, with a hint. */
int td_scmp_unknown_syscall(const td_node *n, const char *keypath, td_diags *ds);
/* Combine parser results: -ENOMEM wins over -EINVAL wins over 0. */
static inline int td_scmp_worse(int a, int b) {
        return a == -ENOMEM || b == -ENOMEM ? -ENOMEM : a < 0 ? a : b;
}
void td_scmp_rule_done(td_scmp_rule *r);
/* Deep copy into *dst; -ENOMEM leaves *dst empty. */
int td_scmp_rule_dup(const td_scmp_rule *src, td_scmp_rule *dst);
/* td_seccomp_load_profile for a path written in a policy: a file that cannot
 * be read is reported at `at` (the `profile` node) under `keypath`. */
int td_scmp_load_profile_at(const td_node *at, const char *keypath, const char *path,
                            struct td_seccomp **ret, td_diags *ds);
