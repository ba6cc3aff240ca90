/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Seccomp policy model: names (actions, errnos, architectures), the schema
 * walker shared with the profile reader, inline `isolation.seccomp` parsing,
 * and free / dup / print. */

#include <ctype.h>
#include <inttypes.h>
#include <strings.h>

#include "seccomp.h"

/* ---- errno names ----------------------------------------------------- */

/* Linux errno names. Values come from the C library's headers, so the table
 * is right on architectures whose numbers differ (alpha, mips, parisc,
 * sparc). Aliases come last so number -> name finds the usual spelling. */
#define E(x) { #x, x }
static const struct {
        const char *name;
        int value;
} errno_table[] = {
        E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(ENOEXEC),
        E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(ENOTBLK), E(EBUSY),
        E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE),
        E(ENOTTY), E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE),
        E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK), E(ENOSYS), E(ENOTEMPTY),
        E(ELOOP), E(ENOMSG), E(EIDRM), E(ECHRNG), E(EL2NSYNC), E(EL3HLT), E(EL3RST), E(ELNRNG),
        E(EUNATCH), E(ENOCSI), E(EL2HLT), E(EBADE), E(EBADR), E(EXFULL), E(ENOANO), E(EBADRQC),
        E(EBADSLT), E(EBFONT), E(ENOSTR), E(ENODATA), E(ETIME), E(ENOSR), E(ENONET), E(ENOPKG),
        E(EREMOTE), E(ENOLINK), E(EADV), E(ESRMNT), E(ECOMM), E(EPROTO), E(EMULTIHOP),
        E(EDOTDOT), E(EBADMSG), E(EOVERFLOW), E(ENOTUNIQ), E(EBADFD), E(EREMCHG), E(ELIBACC),
        E(ELIBBAD), E(ELIBSCN), E(ELIBMAX), E(ELIBEXEC), E(EILSEQ), E(ERESTART), E(ESTRPIPE),
        E(EUSERS), E(ENOTSOCK), E(EDESTADDRREQ), E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT),
        E(EPROTONOSUPPORT), E(ESOCKTNOSUPPORT), E(EOPNOTSUPP), E(EPFNOSUPPORT),
        E(EAFNOSUPPORT), E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH),
        E(ENETRESET), E(ECONNABORTED), E(ECONNRESET), E(ENOBUFS), E(EISCONN), E(ENOTCONN),
        E(ESHUTDOWN), E(ETOOMANYREFS), E(ETIMEDOUT), E(ECONNREFUSED), E(EHOSTDOWN),
        E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS), E(ESTALE), E(EUCLEAN), E(ENOTNAM),
        E(ENAVAIL), E(EISNAM), E(EREMOTEIO), E(EDQUOT), E(ENOMEDIUM), E(EMEDIUMTYPE),
        E(ECANCELED), E(ENOKEY), E(EKEYEXPIRED), E(EKEYREVOKED), E(EKEYREJECTED),
        E(EOWNERDEAD), E(ENOTRECOVERABLE), E(ERFKILL), E(EHWPOISON),
        E(EWOULDBLOCK), E(EDEADLOCK), E(ENOTSUP),
};
#undef E

const char *td_errno_name(int e) {
        for (size_t i = 0; i < ELEMENTSOF(errno_table); i++)
                if (errno_table[i].value == e)
                        return errno_table[i].name;
        return NULL;
}

int td_errno_from_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(errno_table); i++)
                if (streq(errno_table[i].name, name))
                        return errno_table[i].value;
        return -EINVAL;
}

/* ---- actions ---------------------------------------------------------- */

static const char *const action_names[_TD_SCMP_ACTION_MAX] = {
        [TD_SCMP_KILL_PROCESS] = "kill_process",
        [TD_SCMP_KILL_THREAD] = "kill_thread",
        [TD_SCMP_TRAP] = "trap",
        [TD_SCMP_ERRNO] = "errno",
        [TD_SCMP_TRACE] = "trace",
        [TD_SCMP_LOG] = "log",
        [TD_SCMP_ALLOW] = "allow",
};

/* Every spelling accepted, for hints. */
static const char *const action_words[] = {
        "kill_process", "kill_thread", "kill", "trap", "errno", "trace", "log", "allow",
};

#define ACTION_EXPECTED "one of kill_process, kill_thread, kill, trap, errno N, trace N, log, allow"

const char *td_scmp_action_to_string(td_scmp_action a, char *buf, size_t size) {
        const char *name = a.type >= 0 && a.type < _TD_SCMP_ACTION_MAX ? action_names[a.type] : "?";
        const char *en;

        if (a.type == TD_SCMP_ERRNO && (en = td_errno_name((int) a.arg)))
                snprintf(buf, size, "errno %s", en);
        else if (a.type == TD_SCMP_ERRNO || a.type == TD_SCMP_TRACE)
                snprintf(buf, size, "%s %" PRIu32, name, a.arg);
        else
                snprintf(buf, size, "%s", name);
        return buf;
}

/* A decimal or 0x-hex unsigned integer filling all of s. */
static int parse_uint(const char *s, uint64_t max, uint64_t *ret) {
        bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
        const char *p = hex ? s + 2 : s;
        uint64_t v = 0;
        unsigned base = hex ? 16 : 10;

        if (!*p)
                return -EINVAL;
        for (; *p; p++) {
                unsigned d;
                if (isdigit((unsigned char) *p))
                        d = (unsigned) (*p - '0');
                else if (hex && isxdigit((unsigned char) *p))
                        d = (unsigned) (tolower((unsigned char) *p) - 'a' + 10);
                else
                        return -EINVAL;
                if (v > (UINT64_MAX - d) / base)
                        return -ERANGE;
                v = v * base + d;
        }
        if (v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

int td_scmp_action_from_string(const char *s, td_scmp_action *ret) {
        char word[16];
        size_t len = strcspn(s, " \t");
        const char *arg = s + len;
        uint64_t v = 0;

        if (len == 0 || len >= sizeof word)
                return -EINVAL;
        memcpy(word, s, len);
        word[len] = '\0';
        arg += strspn(arg, " \t");

        if (streq(word, "errno") || streq(word, "trace")) {
                bool is_errno = word[0] == 'e';
                int e;
                if (!*arg)
                        return -EINVAL;
                if (is_errno && isalpha((unsigned char) *arg)) {
                        if ((e = td_errno_from_name(arg)) < 0)
                                return -EINVAL;
                        v = (uint64_t) e;
                } else if (parse_uint(arg, is_errno ? TD_SCMP_ERRNO_MAX : TD_SCMP_TRACE_MAX, &v) < 0)
                        return -EINVAL;
                *ret = (td_scmp_action) { is_errno ? TD_SCMP_ERRNO : TD_SCMP_TRACE, (uint32_t) v };
                return 0;
        }
        if (*arg)
                return -EINVAL;
        if (streq(word, "kill")) {
                *ret = (td_scmp_action) { TD_SCMP_KILL_THREAD, 0 };
                return 0;
        }
        for (int t = 0; t < _TD_SCMP_ACTION_MAX; t++)
                if (streq(word, action_names[t])) {
                        *ret = (td_scmp_action) { (td_scmp_action_type) t, 0 };
                        return 0;
                }
        return -EINVAL;
}

uint32_t td_scmp_action_to_libseccomp(td_scmp_action a) {
        switch (a.type) {
        case TD_SCMP_KILL_PROCESS: return SCMP_ACT_KILL_PROCESS;
        case TD_SCMP_KILL_THREAD:  return SCMP_ACT_KILL_THREAD;
        case TD_SCMP_TRAP:         return SCMP_ACT_TRAP;
        case TD_SCMP_ERRNO:        return SCMP_ACT_ERRNO(a.arg);
        case TD_SCMP_TRACE:        return SCMP_ACT_TRACE(a.arg);
        case TD_SCMP_LOG:          return SCMP_ACT_LOG;
        case TD_SCMP_ALLOW:        return SCMP_ACT_ALLOW;
        case _TD_SCMP_ACTION_MAX:
        case _TD_SCMP_ACTION_INVALID:
                break;
        }
        /* Unreachable for parsed input; fail closed. */
        return SCMP_ACT_KILL_PROCESS;
}

/* ---- architectures --------------------------------------------------- */

/* libseccomp names, with the Go / Moby spelling profiles use in
 * includes.arches. OCI's SCMP_ARCH_X is the libseccomp name upper-cased. */
static const struct {
        const char *name, *alias;
        uint32_t token;
} arch_table[] = {
        { "x86", "386", SCMP_ARCH_X86 },
        { "x86_64", "amd64", SCMP_ARCH_X86_64 },
        { "x32", NULL, SCMP_ARCH_X32 },
        { "arm", NULL, SCMP_ARCH_ARM },
        { "aarch64", "arm64", SCMP_ARCH_AARCH64 },
        { "mips", NULL, SCMP_ARCH_MIPS },
        { "mipsel", "mipsle", SCMP_ARCH_MIPSEL },
        { "mips64", NULL, SCMP_ARCH_MIPS64 },
        { "mipsel64", "mips64le", SCMP_ARCH_MIPSEL64 },
        { "mips64n32", "mips64p32", SCMP_ARCH_MIPS64N32 },
        { "mipsel64n32", "mips64p32le", SCMP_ARCH_MIPSEL64N32 },
        { "ppc", NULL, SCMP_ARCH_PPC },
        { "ppc64", NULL, SCMP_ARCH_PPC64 },
        { "ppc64le", NULL, SCMP_ARCH_PPC64LE },
        { "s390", NULL, SCMP_ARCH_S390 },
        { "s390x", NULL, SCMP_ARCH_S390X },
        { "parisc", NULL, SCMP_ARCH_PARISC },
        { "parisc64", NULL, SCMP_ARCH_PARISC64 },
        { "riscv64", NULL, SCMP_ARCH_RISCV64 },
#ifdef SCMP_ARCH_LOONGARCH64
        { "loongarch64", "loong64", SCMP_ARCH_LOONGARCH64 },
#endif
#ifdef SCMP_ARCH_M68K
        { "m68k", NULL, SCMP_ARCH_M68K },
#endif
#ifdef SCMP_ARCH_SH
        { "sh", NULL, SCMP_ARCH_SH },
        { "sheb", NULL, SCMP_ARCH_SHEB },
#endif
};

int td_scmp_arch_from_name(const char *name, uint32_t *ret) {
        bool oci = startswith(name, "SCMP_ARCH_");

        for (size_t i = 0; i < ELEMENTSOF(arch_table); i++) {
                bool hit = oci ? strcasecmp(name + strlen("SCMP_ARCH_"), arch_table[i].name) == 0
                               : streq(name, arch_table[i].name) ||
                                 (arch_table[i].alias && streq(name, arch_table[i].alias));
                if (hit) {
                        *ret = arch_table[i].token;
                        return 0;
                }
        }
        return -EINVAL;
}

const char *td_scmp_arch_name(uint32_t arch) {
        for (size_t i = 0; i < ELEMENTSOF(arch_table); i++)
                if (arch_table[i].token == arch)
                        return arch_table[i].name;
        return NULL;
}

/* Hint candidates for an architecture name, in the style it was written. */
static const char *arch_hint(const char *name) {
        const char *cand[2 * ELEMENTSOF(arch_table)];
        size_t n = 0;

        for (size_t i = 0; i < ELEMENTSOF(arch_table); i++) {
                cand[n++] = arch_table[i].name;
                if (arch_table[i].alias)
                        cand[n++] = arch_table[i].alias;
        }
        return td_nearest(name, cand, n);
}

/* ---- schema walker shared with seccomp-profile.c ------------------------ */

int td_scmp_check_keys(const td_node *map, const char *keypath, const char *const *known,
                       size_t n_known, td_diags *ds) {
        int r = 0;

        for (size_t i = 0; i < map->n; i++) {
                const char *k = map->keys[i]->scalar;
                bool found = false;
                for (size_t j = 0; j < n_known && !found; j++)
                        found = streq(k, known[j]);
                if (found)
                        continue;

                _cleanup_free_ char *key = keypath && *keypath ? td_strdupf("%s.%s", keypath, k) : strdup(k);
                const char *hint = td_nearest(k, known, n_known);
                if (!key)
                        return -ENOMEM;
                r = td_scmp_worse(r, hint ? td_diag_error(ds, map->keys[i]->mark, key,
                                                          "unknown key; did you mean \"%s\"?", hint)
                                          : td_diag_error(ds, map->keys[i]->mark, key, "unknown key"));
        }
        return r;
}

int td_scmp_parse_u64(const td_node *n, const char *keypath, uint64_t max, bool json,
                      uint64_t *ret, td_diags *ds) {
        char q[80];
        int r;

        if (n->type != TD_NODE_SCALAR || n->is_null || (json && n->quoted))
                return td_diag_error(ds, n->mark, keypath, "expected an integer 0..%" PRIu64 ", got %s",
                                     max, n->type == TD_NODE_SCALAR && !n->is_null
                                             ? td_quote(n->scalar, q, sizeof q) : td_node_describe(n));
        r = parse_uint(n->scalar, max, ret);
        if (r == -ERANGE)
                return td_diag_error(ds, n->mark, keypath, "expected an integer 0..%" PRIu64 ", got %s (out of range)",
                                     max, td_quote(n->scalar, q, sizeof q));
        if (r < 0)
                return td_diag_error(ds, n->mark, keypath,
                                     "expected an integer 0..%" PRIu64 " (decimal%s), got %s", max,
                                     json ? "" : " or 0x hex", td_quote(n->scalar, q, sizeof q));
        return 0;
}

int td_scmp_parse_string(const td_node *n, const char *keypath, bool json, const char **ret, td_diags *ds) {
        if (n->type == TD_NODE_SCALAR && !n->is_null && json && !n->quoted)
                return td_diag_error(ds, n->mark, keypath, "expected a string, got %s", n->scalar);
        if (n->type != TD_NODE_SCALAR || n->is_null || !*n->scalar)
                return td_diag_error(ds, n->mark, keypath, "expected a non-empty string, got %s",
                                     n->type == TD_NODE_SCALAR && !n->is_null ? "an empty string"
                                                                              : td_node_describe(n));
        *ret = n->scalar;
        return 0;
}

/* All syscall names libseccomp knows for the native architecture. Only the
 * error path needs them, so they are built on demand. */
static int syscall_names(char ***ret, size_t *ret_n) {
        uint32_t arch = seccomp_arch_native();
        char **v = NULL;
        size_t n = 0, cap = 0;

        /* Syscall numbers are dense below ~1024 on every architecture;
         * x32 adds its bit, which resolve_num_arch handles. */
        for (int nr = 0; nr < 1024; nr++) {
                char *name = seccomp_syscall_resolve_num_arch(arch, nr);
                char **slot;
                if (!name)
                        continue;
                slot = td_grow((void **) &v, &n, &cap, sizeof(char *));
                if (!slot) {
                        free(name);
                        td_strv_free_n(v, n);
                        return -ENOMEM;
                }
                *slot = name;
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

int td_scmp_unknown_syscall(const td_node *n, const char *keypath, td_diags *ds) {
        char **names = NULL, q[80];
        size_t n_names = 0;
        const char *hint;
        int r;

        if (syscall_names(&names, &n_names) < 0)
                return -ENOMEM;
        hint = td_nearest(n->scalar, (const char *const *) names, n_names);
        if (hint)
                r = td_diag_error(ds, n->mark, keypath, "unknown syscall %s; did you mean \"%s\"?",
                                  td_quote(n->scalar, q, sizeof q), hint);
        else
                r = td_diag_error(ds, n->mark, keypath, "unknown syscall %s (not known to libseccomp %u.%u.%u)",
                                  td_quote(n->scalar, q, sizeof q), SCMP_VER_MAJOR, SCMP_VER_MINOR,
                                  SCMP_VER_MICRO);
        for (size_t i = 0; i < n_names; i++)
                free(names[i]);
        free(names);
        return r;
}

/* ---- free / dup --------------------------------------------------------- */

void td_scmp_rule_done(td_scmp_rule *r) {
        td_strv_free_n(r->syscalls, r->n_syscalls);
        free(r->args);
        free(r->includes.arches);
        free(r->excludes.arches);
        *r = (td_scmp_rule) {};
}

void td_seccomp_free(struct td_seccomp *s) {
        if (!s)
                return;
        free(s->profile);
        free(s->arches);
        for (size_t i = 0; i < s->n_archmap; i++)
                free(s->archmap[i].sub_arches);
        free(s->archmap);
        for (size_t i = 0; i < s->n_rules; i++)
                td_scmp_rule_done(&s->rules[i]);
        free(s->rules);
        td_strv_free_n(s->skipped, s->n_skipped);
        free(s);
}

/* Copy n elements of `size` bytes; NULL input or n == 0 gives NULL. */
static int memdup_n(const void *src, size_t n, size_t size, void *ret) {
        void *p = NULL;

        if (src && n > 0) {
                p = malloc(n * size);
                if (!p)
                        return -ENOMEM;
                memcpy(p, src, n * size);
        }
        *(void **) ret = p;
        return 0;
}

static int strv_dup(char *const *v, size_t n, char ***ret) {
        char **c = NULL;

        if (n > 0 && !(c = calloc(n, sizeof(char *))))
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (!(c[i] = strdup(v[i]))) {
                        td_strv_free_n(c, i);
                        return -ENOMEM;
                }
        *ret = c;
        return 0;
}

int td_scmp_rule_dup(const td_scmp_rule *src, td_scmp_rule *dst) {
        *dst = *src;
        dst->syscalls = NULL;
        dst->args = NULL;
        dst->includes.arches = dst->excludes.arches = NULL;
        if (strv_dup(src->syscalls, src->n_syscalls, &dst->syscalls) < 0 ||
            memdup_n(src->args, src->n_args, sizeof(td_scmp_arg), &dst->args) < 0 ||
            memdup_n(src->includes.arches, src->includes.n_arches, sizeof(uint32_t), &dst->includes.arches) < 0 ||
            memdup_n(src->excludes.arches, src->excludes.n_arches, sizeof(uint32_t), &dst->excludes.arches) < 0) {
                td_scmp_rule_done(dst);
                return -ENOMEM;
        }
        return 0;
}

struct td_seccomp *td_seccomp_dup(const struct td_seccomp *s) {
        _cleanup_(td_seccomp_freep) struct td_seccomp *c = calloc(1, sizeof *c);

        if (!c)
                return NULL;
        c->default_action = s->default_action;
        c->flags = s->flags;
        if ((s->profile && !(c->profile = strdup(s->profile))) ||
            memdup_n(s->arches, s->n_arches, sizeof(uint32_t), &c->arches) < 0 ||
            strv_dup(s->skipped, s->n_skipped, &c->skipped) < 0)
                return NULL;
        c->n_arches = s->n_arches;
        c->n_skipped = s->n_skipped;

        if (s->n_archmap > 0 && !(c->archmap = calloc(s->n_archmap, sizeof(td_scmp_archmap))))
                return NULL;
        for (; c->n_archmap < s->n_archmap; c->n_archmap++) {
                const td_scmp_archmap *m = &s->archmap[c->n_archmap];
                td_scmp_archmap *d = &c->archmap[c->n_archmap];
                d->arch = m->arch;
                if (memdup_n(m->sub_arches, m->n_sub_arches, sizeof(uint32_t), &d->sub_arches) < 0)
                        return NULL;
                d->n_sub_arches = m->n_sub_arches;
        }

        if (s->n_rules > 0 && !(c->rules = calloc(s->n_rules, sizeof(td_scmp_rule))))
                return NULL;
        for (; c->n_rules < s->n_rules; c->n_rules++)
                if (td_scmp_rule_dup(&s->rules[c->n_rules], &c->rules[c->n_rules]) < 0)
                        return NULL;
        return TAKE_PTR(c);
}

/* ---- print ------------------------------------------------------------ */

static const char *op_name(enum scmp_compare op) {
        switch (op) {
        case SCMP_CMP_NE: return "ne";
        case SCMP_CMP_LT: return "lt";
        case SCMP_CMP_LE: return "le";
        case SCMP_CMP_EQ: return "eq";
        case SCMP_CMP_GE: return "ge";
        case SCMP_CMP_GT: return "gt";
        case SCMP_CMP_MASKED_EQ: return "masked_eq";
        case _SCMP_CMP_MIN:
        case _SCMP_CMP_MAX:
                break;
        }
        return "?";
}

/* Small numbers read best in decimal, flag masks in hex; both parse back. */
static void print_u64(FILE *f, uint64_t v) {
        if (v < 4096)
                fprintf(f, "%" PRIu64, v);
        else
                fprintf(f, "0x%" PRIx64, v);
}

/* Print a path or name as a YAML plain scalar when that is safe, else as a
 * double-quoted one. */
static void print_scalar(FILE *f, const char *s) {
        bool plain = *s && !strchr("-?:,[]{}#&*!|>'\"%@` ", *s);

        for (const char *p = s; plain && *p; p++)
                plain = isprint((unsigned char) *p) && *p != '#' && !(p[0] == ':' && (p[1] == ' ' || !p[1]));
        if (plain && !isspace((unsigned char) s[strlen(s) - 1])) {
                fputs(s, f);
                return;
        }
        fputc('"', f);
        for (const char *p = s; *p; p++) {
                unsigned char c = (unsigned char) *p;
                if (c == '"' || c == '\\')
                        fprintf(f, "\\%c", c);
                else if (isprint(c))
                        fputc(c, f);
                else
                        fprintf(f, "\\x%02x", c);
        }
        fputc('"', f);
}

static void print_rule(const td_scmp_rule *r, FILE *f, int indent) {
        char buf[32];

        fprintf(f, "%*s- syscalls: [", indent, "");
        for (size_t i = 0; i < r->n_syscalls; i++)
                fprintf(f, "%s%s", i ? ", " : "", r->syscalls[i]);
        fprintf(f, "]\n%*s  action: %s\n", indent, "", td_scmp_action_to_string(r->action, buf, sizeof buf));
        if (r->n_args == 0)
                return;
        fprintf(f, "%*s  args:\n", indent, "");
        for (size_t i = 0; i < r->n_args; i++) {
                const td_scmp_arg *a = &r->args[i];
                fprintf(f, "%*s    - { index: %u, op: %s, ", indent, "", a->index, op_name(a->op));
                if (a->op == SCMP_CMP_MASKED_EQ) {
                        fprintf(f, "mask: 0x%" PRIx64, a->value);
                        fputs(", value: ", f);
                        print_u64(f, a->value_two);
                } else {
                        fputs("value: ", f);
                        print_u64(f, a->value);
                }
                fputs(" }\n", f);
        }
}

void td_seccomp_print(const struct td_seccomp *s, FILE *f, int indent) {
        char buf[32];

        if (s->profile) {
                fprintf(f, "%*sprofile: ", indent, "");
                print_scalar(f, s->profile);
                fputc('\n', f);
                return;
        }
        fprintf(f, "%*sdefault_action: %s\n", indent, "",
                td_scmp_action_to_string(s->default_action, buf, sizeof buf));
        if (s->n_arches > 0) {
                fprintf(f, "%*sarchitectures: [", indent, "");
                for (size_t i = 0; i < s->n_arches; i++) {
                        const char *name = td_scmp_arch_name(s->arches[i]);
                        fprintf(f, "%s%s", i ? ", " : "", name ? name : "?");
                }
                fputs("]\n", f);
        }
        if (s->n_rules == 0)
                return;
        fprintf(f, "%*srules:\n", indent, "");
        for (size_t i = 0; i < s->n_rules; i++)
                print_rule(&s->rules[i], f, indent + 2);
}

/* ---- inline parsing ----------------------------------------------------- */

static int parse_action(const td_node *n, const char *keypath, td_scmp_action *ret, td_diags *ds) {
        char q[80];
        const char *hint;
        size_t len;

        if (n->type != TD_NODE_SCALAR || n->is_null)
                return td_diag_error(ds, n->mark, keypath, "expected " ACTION_EXPECTED ", got %s",
                                     td_node_describe(n));
        if (td_scmp_action_from_string(n->scalar, ret) == 0)
                return 0;

        len = strcspn(n->scalar, " \t");
        if (strneq(n->scalar, "errno", len) && len == 5)
                return td_diag_error(ds, n->mark, keypath,
                                     "expected errno N with N in 0..%u or a name like EPERM, got %s",
                                     TD_SCMP_ERRNO_MAX, td_quote(n->scalar, q, sizeof q));
        if (strneq(n->scalar, "trace", len) && len == 5)
                return td_diag_error(ds, n->mark, keypath, "expected trace N with N in 0..%u, got %s",
                                     TD_SCMP_TRACE_MAX, td_quote(n->scalar, q, sizeof q));

        _cleanup_free_ char *word = strndup(n->scalar, len);
        if (!word)
                return -ENOMEM;
        hint = td_nearest(word, action_words, ELEMENTSOF(action_words));
        if (hint && !streq(hint, word))
                return td_diag_error(ds, n->mark, keypath, "expected " ACTION_EXPECTED ", got %s; did you mean \"%s\"?",
                                     td_quote(n->scalar, q, sizeof q), hint);
        return td_diag_error(ds, n->mark, keypath, "expected " ACTION_EXPECTED ", got %s",
                             td_quote(n->scalar, q, sizeof q));
}

static const char *const op_words[] = { "ne", "lt", "le", "eq", "ge", "gt", "masked_eq" };
static const enum scmp_compare op_values[] = {
        SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ,
};

static int parse_arg(const td_node *n, const char *keypath, td_scmp_arg *ret, td_diags *ds) {
        static const char *const keys[] = { "index", "op", "value", "mask" };
        const td_node *idx, *op, *value, *mask;
        _cleanup_free_ char *k_index = NULL, *k_op = NULL, *k_value = NULL, *k_mask = NULL;
        uint64_t v;
        char q[80];
        int r;

        if (n->type != TD_NODE_MAP)
                return td_diag_error(ds, n->mark, keypath, "expected a mapping {index, op, value}, got %s",
                                     td_node_describe(n));
        r = td_scmp_check_keys(n, keypath, keys, ELEMENTSOF(keys), ds);
        if (!(k_index = td_strdupf("%s.index", keypath)) || !(k_op = td_strdupf("%s.op", keypath)) ||
            !(k_value = td_strdupf("%s.value", keypath)) || !(k_mask = td_strdupf("%s.mask", keypath)))
                return -ENOMEM;

        idx = td_node_get(n, "index");
        op = td_node_get(n, "op");
        value = td_node_get(n, "value");
        mask = td_node_get(n, "mask");
        *ret = (td_scmp_arg) {};

        if (!idx)
                r = td_scmp_worse(r, td_diag_error(ds, n->mark, k_index, "missing; expected an argument index 0..5"));
        else if (td_scmp_parse_u64(idx, k_index, 5, false, &v, ds) < 0)
                r = td_scmp_worse(r, -EINVAL);
        else
                ret->index = (unsigned) v;

        if (!value)
                r = td_scmp_worse(r, td_diag_error(ds, n->mark, k_value, "missing; expected an integer"));
        else if (td_scmp_parse_u64(value, k_value, UINT64_MAX, false, &ret->value, ds) < 0)
                r = td_scmp_worse(r, -EINVAL);

        if (!op)
                return td_scmp_worse(r, td_diag_error(ds, n->mark, k_op, "missing; expected one of ne, lt, le, eq, ge, gt, masked_eq"));
        if (op->type != TD_NODE_SCALAR || op->is_null)
                return td_scmp_worse(r, td_diag_error(ds, op->mark, k_op, "expected one of ne, lt, le, eq, ge, gt, masked_eq, got %s",
                                                      td_node_describe(op)));
        bool known = false;
        for (size_t i = 0; i < ELEMENTSOF(op_words) && !known; i++)
                if ((known = streq(op->scalar, op_words[i])))
                        ret->op = op_values[i];
        if (!known) {
                const char *hint = td_nearest(op->scalar, op_words, ELEMENTSOF(op_words));
                return td_scmp_worse(r, td_diag_error(ds, op->mark, k_op,
                                                      "expected one of ne, lt, le, eq, ge, gt, masked_eq, got %s%s%s%s",
                                                      td_quote(op->scalar, q, sizeof q), hint ? "; did you mean \"" : "",
                                                      hint ? hint : "", hint ? "\"?" : ""));
        }

        if (ret->op == SCMP_CMP_MASKED_EQ) {
                /* libseccomp and OCI hold the mask first, the value second. */
                ret->value_two = ret->value;
                if (!mask)
                        r = td_scmp_worse(r, td_diag_error(ds, n->mark, k_mask, "missing; masked_eq needs a mask"));
                else if (td_scmp_parse_u64(mask, k_mask, UINT64_MAX, false, &ret->value, ds) < 0)
                        r = td_scmp_worse(r, -EINVAL);
        } else if (mask)
                r = td_scmp_worse(r, td_diag_error(ds, mask->mark, k_mask, "only valid with op masked_eq, not %s",
                                                   op->scalar));
        return r;
}

static int parse_args(const td_node *n, const char *keypath, td_scmp_rule *rule, td_diags *ds) {
        int r = 0;

        if (n->type != TD_NODE_SEQ)
                return td_diag_error(ds, n->mark, keypath, "expected a list of {index, op, value}, got %s",
                                     td_node_describe(n));
        if (n->n > 6)
                return td_diag_error(ds, n->mark, keypath, "expected at most 6 comparisons, got %zu", n->n);
        if (n->n > 0 && !(rule->args = calloc(n->n, sizeof(td_scmp_arg))))
                return -ENOMEM;
        for (size_t i = 0; i < n->n; i++) {
                _cleanup_free_ char *key = td_strdupf("%s[%zu]", keypath, i);
                _cleanup_free_ char *kidx = td_strdupf("%s[%zu].index", keypath, i);
                td_scmp_arg a;
                int k;

                if (!key || !kidx)
                        return -ENOMEM;
                k = parse_arg(n->items[i], key, &a, ds);
                r = td_scmp_worse(r, k);
                if (k < 0)
                        continue;
                /* libseccomp cannot AND two comparisons of one argument
                 * (seccomp_rule_add fails with EINVAL); say so here, with
                 * the position, rather than at compile time. */
                for (size_t j = 0; j < rule->n_args; j++)
                        if (rule->args[j].index == a.index) {
                                const td_node *at = td_node_get(n->items[i], "index");
                                r = td_scmp_worse(r, td_diag_error(ds, at->mark, kidx,
                                        "argument %u is already compared in this rule; libseccomp cannot AND two "
                                        "comparisons of one argument (separate rules are alternatives)", a.index));
                                k = -EINVAL;
                                break;
                        }
                if (k == 0)
                        rule->args[rule->n_args++] = a;
        }
        return r;
}

static int parse_syscalls(const td_node *n, const char *keypath, td_scmp_rule *rule, td_diags *ds) {
        int r = 0;

        if (n->type != TD_NODE_SEQ || n->n == 0)
                return td_diag_error(ds, n->mark, keypath, "expected a non-empty list of syscall names, got %s",
                                     n->type == TD_NODE_SEQ ? "an empty list" : td_node_describe(n));
        if (!(rule->syscalls = calloc(n->n, sizeof(char *))))
                return -ENOMEM;
        for (size_t i = 0; i < n->n; i++) {
                _cleanup_free_ char *key = td_strdupf("%s[%zu]", keypath, i);
                const char *name;

                if (!key)
                        return -ENOMEM;
                if (td_scmp_parse_string(n->items[i], key, false, &name, ds) < 0) {
                        r = td_scmp_worse(r, -EINVAL);
                        continue;
                }
                if (seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR) {
                        r = td_scmp_worse(r, td_scmp_unknown_syscall(n->items[i], key, ds));
                        continue;
                }
                if (!(rule->syscalls[rule->n_syscalls] = strdup(name)))
                        return -ENOMEM;
                rule->n_syscalls++;
        }
        return r;
}

static int parse_rule(const td_node *n, const char *keypath, td_scmp_rule *rule, td_diags *ds) {
        static const char *const keys[] = { "syscalls", "action", "args" };
        _cleanup_free_ char *k_sys = td_strdupf("%s.syscalls", keypath);
        _cleanup_free_ char *k_act = td_strdupf("%s.action", keypath);
        _cleanup_free_ char *k_args = td_strdupf("%s.args", keypath);
        const td_node *c;
        int r;

        if (!k_sys || !k_act || !k_args)
                return -ENOMEM;
        if (n->type != TD_NODE_MAP)
                return td_diag_error(ds, n->mark, keypath, "expected a mapping {syscalls, action, args}, got %s",
                                     td_node_describe(n));
        r = td_scmp_check_keys(n, keypath, keys, ELEMENTSOF(keys), ds);

        if (!(c = td_node_get(n, "syscalls")))
                r = td_scmp_worse(r, td_diag_error(ds, n->mark, k_sys, "missing; expected a list of syscall names"));
        else
                r = td_scmp_worse(r, parse_syscalls(c, k_sys, rule, ds));
        if (!(c = td_node_get(n, "action")))
                r = td_scmp_worse(r, td_diag_error(ds, n->mark, k_act, "missing; expected " ACTION_EXPECTED));
        else
                r = td_scmp_worse(r, parse_action(c, k_act, &rule->action, ds));
        if ((c = td_node_get(n, "args")) && !c->is_null)
                r = td_scmp_worse(r, parse_args(c, k_args, rule, ds));
        return r;
}

static int parse_arches(const td_node *n, const char *keypath, struct td_seccomp *s, td_diags *ds) {
        int r = 0;
        char q[80];

        if (n->type != TD_NODE_SEQ)
                return td_diag_error(ds, n->mark, keypath, "expected a list of architectures like [x86_64, x86], got %s",
                                     td_node_describe(n));
        if (n->n > 0 && !(s->arches = calloc(n->n, sizeof(uint32_t))))
                return -ENOMEM;
        for (size_t i = 0; i < n->n; i++) {
                _cleanup_free_ char *key = td_strdupf("%s[%zu]", keypath, i);
                const char *name, *hint;
                uint32_t a;

                if (!key)
                        return -ENOMEM;
                if (td_scmp_parse_string(n->items[i], key, false, &name, ds) < 0) {
                        r = td_scmp_worse(r, -EINVAL);
                        continue;
                }
                if (td_scmp_arch_from_name(name, &a) < 0) {
                        hint = arch_hint(name);
                        r = td_scmp_worse(r, td_diag_error(ds, n->items[i]->mark, key,
                                "expected an architecture like x86_64, x86, x32, aarch64, arm, got %s%s%s%s",
                                td_quote(name, q, sizeof q), hint ? "; did you mean \"" : "",
                                hint ? hint : "", hint ? "\"?" : ""));
                        continue;
                }
                s->arches[s->n_arches++] = a;
        }
        return r;
}

static int parse_inline(const td_node *n, const char *keypath, struct td_seccomp *s, td_diags *ds) {
        _cleanup_free_ char *k_def = td_strdupf("%s.default_action", keypath);
        _cleanup_free_ char *k_arch = td_strdupf("%s.architectures", keypath);
        _cleanup_free_ char *k_rules = td_strdupf("%s.rules", keypath);
        const td_node *c;
        int r = 0;

        if (!k_def || !k_arch || !k_rules)
                return -ENOMEM;
        if (!(c = td_node_get(n, "default_action")))
                r = td_diag_error(ds, n->mark, k_def, "missing; expected an action such as allow or errno EPERM");
        else
                r = parse_action(c, k_def, &s->default_action, ds);
        if ((c = td_node_get(n, "architectures")) && !c->is_null)
                r = td_scmp_worse(r, parse_arches(c, k_arch, s, ds));

        c = td_node_get(n, "rules");
        if (!c || c->is_null)
                return r;
        if (c->type != TD_NODE_SEQ)
                return td_scmp_worse(r, td_diag_error(ds, c->mark, k_rules, "expected a list of rules, got %s",
                                                      td_node_describe(c)));
        if (c->n > 0 && !(s->rules = calloc(c->n, sizeof(td_scmp_rule))))
                return -ENOMEM;
        for (size_t i = 0; i < c->n; i++) {
                _cleanup_free_ char *key = td_strdupf("%s.rules[%zu]", keypath, i);
                td_scmp_rule *rule = &s->rules[s->n_rules++];

                if (!key)
                        return -ENOMEM;
                rule->index = (unsigned) i;
                r = td_scmp_worse(r, parse_rule(c->items[i], key, rule, ds));
        }
        return r;
}

/* Join a profile path written in a policy with the policy's directory. */
static char *resolve_profile(const char *base_dir, const char *path) {
        if (path[0] == '/' || !base_dir || !*base_dir)
                return strdup(path);
        return td_strdupf("%s%s%s", base_dir, base_dir[strlen(base_dir) - 1] == '/' ? "" : "/", path);
}

int td_seccomp_from_node(const td_node *n, const char *keypath, const char *base_dir,
                         struct td_seccomp **ret, td_diags *ds) {
        static const char *const keys[] = { "profile", "default_action", "architectures", "rules" };
        _cleanup_(td_seccomp_freep) struct td_seccomp *s = NULL;
        const td_node *prof;
        int r;

        if (!keypath)
                keypath = "seccomp";
        if (n->type != TD_NODE_MAP)
                return td_diag_error(ds, n->mark, keypath,
                                     "expected a mapping {default_action, architectures, rules} or {profile: PATH}, got %s",
                                     td_node_describe(n));
        r = td_scmp_check_keys(n, keypath, keys, ELEMENTSOF(keys), ds);

        prof = td_node_get(n, "profile");
        if (prof) {
                _cleanup_free_ char *k_prof = td_strdupf("%s.profile", keypath);
                _cleanup_free_ char *path = NULL;
                const char *p;

                if (!k_prof)
                        return -ENOMEM;
                for (size_t i = 1; i < ELEMENTSOF(keys); i++)
                        if (td_node_get(n, keys[i]))
                                r = td_scmp_worse(r, td_diag_error(ds, prof->mark, k_prof,
                                                                   "a profile excludes %s; use one or the other", keys[i]));
                if (td_scmp_parse_string(prof, k_prof, false, &p, ds) < 0)
                        return -EINVAL;
                if (r < 0)
                        return r;
                if (!(path = resolve_profile(base_dir, p)))
                        return -ENOMEM;
                return td_scmp_load_profile_at(prof, k_prof, path, ret, ds);
        }

        if (!(s = calloc(1, sizeof *s)))
                return -ENOMEM;
        r = td_scmp_worse(r, parse_inline(n, keypath, s, ds));
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}
