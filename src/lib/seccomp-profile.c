/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI runtime-spec `linux.seccomp` profiles, with Moby's extension (archMap,
 * per-rule includes/excludes, comment), read from JSON into a td_seccomp.
 *
 * Compatibility choices follow runc and Docker, so their profiles load
 * unchanged:
 *   - syscall names libseccomp does not know are skipped (profiles list
 *     syscalls newer than the local libseccomp) and named in one warning;
 *   - so are SCMP_ARCH_* names it does not know (such an architecture cannot
 *     be this host's, nor be added to a filter);
 *   - errnoRet defaults to EPERM for SCMP_ACT_ERRNO and SCMP_ACT_TRACE;
 *   - a rule comparing one argument twice becomes one rule per comparison
 *     (libseccomp cannot AND them; runc ORs them the same way).
 * Everything else that is unknown (actions, operators, keys, flags) is an
 * error at its file:line:col: a filter silently weaker than written is worse
 * than one that does not load. */

#include <ctype.h>
#include <inttypes.h>
#include <strings.h>
#include <sys/capability.h>

#include "seccomp.h"

#define TD_SCMP_PROFILE_ARGS_MAX 64

/* What the reader collects for the "unknown to libseccomp" warning. */
typedef struct profile_ctx {
        struct td_seccomp *s;
        td_diags *ds;
        char **unknown_arches;
        size_t n_unknown_arches, cap_unknown_arches;
        size_t cap_skipped;
} profile_ctx;

static int strv_add_unique(char ***v, size_t *n, size_t *cap, const char *s) {
        char **slot;

        for (size_t i = 0; i < *n; i++)
                if (streq((*v)[i], s))
                        return 0;
        if (!(slot = td_grow((void **) v, n, cap, sizeof(char *))))
                return -ENOMEM;
        if (!(*slot = strdup(s))) {
                (*n)--;
                return -ENOMEM;
        }
        return 0;
}

static const struct {
        const char *name;
        td_scmp_action_type type;
} oci_actions[] = {
        { "SCMP_ACT_KILL_PROCESS", TD_SCMP_KILL_PROCESS },
        { "SCMP_ACT_KILL_THREAD", TD_SCMP_KILL_THREAD },
        { "SCMP_ACT_KILL", TD_SCMP_KILL_THREAD },
        { "SCMP_ACT_TRAP", TD_SCMP_TRAP },
        { "SCMP_ACT_ERRNO", TD_SCMP_ERRNO },
        { "SCMP_ACT_TRACE", TD_SCMP_TRACE },
        { "SCMP_ACT_LOG", TD_SCMP_LOG },
        { "SCMP_ACT_ALLOW", TD_SCMP_ALLOW },
};

/* An action with its optional errnoRet (`errno_node`, may be NULL). */
static int parse_oci_action(const td_node *n, const char *keypath, const td_node *errno_node,
                            const char *errno_keypath, td_scmp_action *ret, td_diags *ds) {
        const char *names[ELEMENTSOF(oci_actions)], *hint;
        char q[80];
        uint64_t v;

        if (n->type != TD_NODE_SCALAR || n->is_null)
                return td_diag_error(ds, n->mark, keypath, "expected an action like SCMP_ACT_ERRNO, got %s",
                                     td_node_describe(n));
        *ret = (td_scmp_action) { _TD_SCMP_ACTION_INVALID, 0 };
        for (size_t i = 0; i < ELEMENTSOF(oci_actions); i++) {
                names[i] = oci_actions[i].name;
                if (streq(n->scalar, oci_actions[i].name))
                        ret->type = oci_actions[i].type;
        }
        if (streq(n->scalar, "SCMP_ACT_NOTIFY"))
                return td_diag_error(ds, n->mark, keypath,
                                     "SCMP_ACT_NOTIFY is not supported: tenantd runs no seccomp notify agent");
        if (ret->type == _TD_SCMP_ACTION_INVALID) {
                hint = td_nearest(n->scalar, names, ELEMENTSOF(names));
                return td_diag_error(ds, n->mark, keypath,
                                     "expected one of SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL, "
                                     "SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_LOG, SCMP_ACT_ALLOW, got %s%s%s%s",
                                     td_quote(n->scalar, q, sizeof q), hint ? "; did you mean \"" : "",
                                     hint ? hint : "", hint ? "\"?" : "");
        }

        if (ret->type != TD_SCMP_ERRNO && ret->type != TD_SCMP_TRACE) {
                if (errno_node && !errno_node->is_null)
                        return td_diag_error(ds, errno_node->mark, errno_keypath,
                                             "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s", n->scalar);
                return 0;
        }
        /* runc's default for both: EPERM. */
        ret->arg = EPERM;
        if (!errno_node || errno_node->is_null)
                return 0;
        if (td_scmp_parse_u64(errno_node, errno_keypath,
                              ret->type == TD_SCMP_ERRNO ? TD_SCMP_ERRNO_MAX : TD_SCMP_TRACE_MAX, true, &v, ds) < 0)
                return -EINVAL;
        ret->arg = (uint32_t) v;
        return 0;
}

/* An architecture list entry. Unknown SCMP_ARCH_* names are collected for
 * the warning and yield 0 in *ret; anything else unknown is an error. */
static int parse_oci_arch(profile_ctx *p, const td_node *n, const char *keypath, bool oci_only, uint32_t *ret) {
        const char *name;
        char q[80];

        if (td_scmp_parse_string(n, keypath, true, &name, p->ds) < 0)
                return -EINVAL;
        if ((!oci_only || startswith(name, "SCMP_ARCH_")) && td_scmp_arch_from_name(name, ret) == 0)
                return 0;
        *ret = 0;
        if (startswith(name, "SCMP_ARCH_") || !oci_only)
                return strv_add_unique(&p->unknown_arches, &p->n_unknown_arches, &p->cap_unknown_arches, name);
        return td_diag_error(p->ds, n->mark, keypath, "expected an architecture like SCMP_ARCH_X86_64, got %s",
                             td_quote(name, q, sizeof q));
}

/* A list of architectures. Unknown ones are dropped when `drop_unknown`
 * (the filter cannot cover them) and kept as 0 otherwise (a condition that
 * names them still needs to know the list was not empty). */
static int parse_arch_list(profile_ctx *p, const td_node *n, const char *keypath, bool oci_only,
                           bool drop_unknown, uint32_t **ret, size_t *ret_n) {
        int r = 0;

        *ret = NULL;
        *ret_n = 0;
        if (n->is_null)
                return 0;
        if (n->type != TD_NODE_SEQ)
                return td_diag_error(p->ds, n->mark, keypath, "expected a list of architectures, got %s",
                                     td_node_describe(n));
        if (n->n > 0 && !(*ret = calloc(n->n, sizeof(uint32_t))))
                return -ENOMEM;
        for (size_t i = 0; i < n->n; i++) {
                _cleanup_free_ char *key = td_strdupf("%s[%zu]", keypath, i);
                uint32_t a;
                int k;

                if (!key)
                        return -ENOMEM;
                k = parse_oci_arch(p, n->items[i], key, oci_only, &a);
                r = td_scmp_worse(r, k);
                if (k == 0 && (a != 0 || !drop_unknown))
                        (*ret)[(*ret_n)++] = a;
        }
        return r;
}

static int parse_archmap(profile_ctx *p, const td_node *n) {
        static const char *const keys[] = { "architecture", "subArchitectures" };
        struct td_seccomp *s = p->s;
        int r = 0;

        if (n->type != TD_NODE_SEQ)
                return td_diag_error(p->ds, n->mark, "archMap", "expected a list, got %s", td_node_describe(n));
        if (n->n > 0 && !(s->archmap = calloc(n->n, sizeof(td_scmp_archmap))))
                return -ENOMEM;
        for (size_t i = 0; i < n->n; i++) {
                const td_node *e = n->items[i], *c;
                _cleanup_free_ char *key = td_strdupf("archMap[%zu]", i);
                _cleanup_free_ char *k_arch = td_strdupf("archMap[%zu].architecture", i);
                _cleanup_free_ char *k_sub = td_strdupf("archMap[%zu].subArchitectures", i);
                td_scmp_archmap *m = &s->archmap[s->n_archmap];
                int k;

                if (!key || !k_arch || !k_sub)
                        return -ENOMEM;
                *m = (td_scmp_archmap) {};
                if (e->type != TD_NODE_MAP) {
                        r = td_scmp_worse(r, td_diag_error(p->ds, e->mark, key, "expected a mapping {architecture, subArchitectures}, got %s",
                                                           td_node_describe(e)));
                        continue;
                }
                k = td_scmp_check_keys(e, key, keys, ELEMENTSOF(keys), p->ds);
                if (!(c = td_node_get(e, "architecture")))
                        k = td_scmp_worse(k, td_diag_error(p->ds, e->mark, k_arch, "missing; expected an architecture like SCMP_ARCH_X86_64"));
                else
                        k = td_scmp_worse(k, parse_oci_arch(p, c, k_arch, true, &m->arch));
                if ((c = td_node_get(e, "subArchitectures")))
                        k = td_scmp_worse(k, parse_arch_list(p, c, k_sub, true, true, &m->sub_arches, &m->n_sub_arches));
                r = td_scmp_worse(r, k);
                /* An entry for an architecture libseccomp does not know can
                 * never match the native one: drop it. */
                if (k == 0 && m->arch != 0)
                        s->n_archmap++;
                else
                        free(TAKE_PTR(m->sub_arches));
        }
        return r;
}

/* SCMP_CMP_* for an argument's `op`. */
static int parse_oci_op(const td_node *n, const char *keypath, enum scmp_compare *ret, td_diags *ds) {
        static const char *const names[] = {
                "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
                "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
        };
        static const enum scmp_compare values[] = {
                SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ,
                SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ,
        };
        const char *hint;
        char q[80];

        if (n->type == TD_NODE_SCALAR && !n->is_null)
                for (size_t i = 0; i < ELEMENTSOF(names); i++)
                        if (streq(n->scalar, names[i])) {
                                *ret = values[i];
                                return 0;
                        }
        if (n->type != TD_NODE_SCALAR || n->is_null)
                return td_diag_error(ds, n->mark, keypath, "expected an operator like SCMP_CMP_EQ, got %s",
                                     td_node_describe(n));
        hint = td_nearest(n->scalar, names, ELEMENTSOF(names));
        return td_diag_error(ds, n->mark, keypath,
                             "expected one of SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, "
                             "SCMP_CMP_GT, SCMP_CMP_MASKED_EQ, got %s%s%s%s", td_quote(n->scalar, q, sizeof q),
                             hint ? "; did you mean \"" : "", hint ? hint : "", hint ? "\"?" : "");
}

static int parse_oci_arg(const td_node *n, const char *keypath, td_scmp_arg *ret, td_diags *ds) {
        static const char *const keys[] = { "index", "value", "valueTwo", "op" };
        _cleanup_free_ char *k_index = td_strdupf("%s.index", keypath);
        _cleanup_free_ char *k_value = td_strdupf("%s.value", keypath);
        _cleanup_free_ char *k_two = td_strdupf("%s.valueTwo", keypath);
        _cleanup_free_ char *k_op = td_strdupf("%s.op", keypath);
        const td_node *c;
        uint64_t v;
        int r;

        if (!k_index || !k_value || !k_two || !k_op)
                return -ENOMEM;
        if (n->type != TD_NODE_MAP)
                return td_diag_error(ds, n->mark, keypath, "expected a mapping {index, value, valueTwo, op}, got %s",
                                     td_node_describe(n));
        r = td_scmp_check_keys(n, keypath, keys, ELEMENTSOF(keys), ds);
        *ret = (td_scmp_arg) {};
        /* value and valueTwo default to 0 as in the Go structs; index and
         * op have no sensible default. */
        if (!(c = td_node_get(n, "index")))
                r = td_scmp_worse(r, td_diag_error(ds, n->mark, k_index, "missing; expected an argument index 0..5"));
        else if (td_scmp_parse_u64(c, k_index, 5, true, &v, ds) < 0)
                r = td_scmp_worse(r, -EINVAL);
        else
                ret->index = (unsigned) v;
        if ((c = td_node_get(n, "value")) && td_scmp_parse_u64(c, k_value, UINT64_MAX, true, &ret->value, ds) < 0)
                r = td_scmp_worse(r, -EINVAL);
        if ((c = td_node_get(n, "valueTwo")) && td_scmp_parse_u64(c, k_two, UINT64_MAX, true, &ret->value_two, ds) < 0)
                r = td_scmp_worse(r, -EINVAL);
        if (!(c = td_node_get(n, "op")))
                r = td_scmp_worse(r, td_diag_error(ds, n->mark, k_op, "missing; expected an operator like SCMP_CMP_EQ"));
        else
                r = td_scmp_worse(r, parse_oci_op(c, k_op, &ret->op, ds));
        return r;
}

static int parse_caps(const td_node *n, const char *keypath, uint64_t *ret, td_diags *ds) {
        const char *names[64];
        char bufs[64][32], q[80];
        int r = 0;

        if (n->type != TD_NODE_SEQ)
                return td_diag_error(ds, n->mark, keypath, "expected a list of capabilities, got %s", td_node_describe(n));
        for (size_t i = 0; i < n->n; i++) {
                _cleanup_free_ char *key = td_strdupf("%s[%zu]", keypath, i);
                const char *name;
                cap_value_t cap;
                size_t n_names = 0;

                if (!key)
                        return -ENOMEM;
                if (td_scmp_parse_string(n->items[i], key, true, &name, ds) < 0) {
                        r = td_scmp_worse(r, -EINVAL);
                        continue;
                }
                /* libcap also takes bare numbers; profiles spell CAP_NAME. */
                if (strncasecmp(name, "CAP_", 4) == 0 && cap_from_name(name, &cap) == 0 && cap >= 0 && cap < 64) {
                        *ret |= UINT64_C(1) << cap;
                        continue;
                }
                for (cap_value_t c = 0; c <= CAP_LAST_CAP && c < 64; c++) {
                        char *s = cap_to_name(c);
                        if (!s)
                                return -ENOMEM;
                        snprintf(bufs[n_names], sizeof bufs[n_names], "%s", s);
                        for (char *p = bufs[n_names]; *p; p++)
                                *p = (char) toupper((unsigned char) *p);
                        names[n_names] = bufs[n_names];
                        n_names++;
                        cap_free(s);
                }
                const char *hint = td_nearest(name, names, n_names);
                r = td_scmp_worse(r, td_diag_error(ds, n->items[i]->mark, key, "expected a capability like CAP_SYS_ADMIN, got %s%s%s%s",
                                                   td_quote(name, q, sizeof q), hint ? "; did you mean \"" : "",
                                                   hint ? hint : "", hint ? "\"?" : ""));
        }
        return r;
}

/* Moby's minKernel: "major.minor". */
static int parse_min_kernel(const td_node *n, const char *keypath, td_scmp_cond *c, td_diags *ds) {
        unsigned major, minor;
        int end = 0;
        char q[80];

        if (n->type != TD_NODE_SCALAR || n->is_null ||
            sscanf(n->scalar, "%u.%u%n", &major, &minor, &end) != 2 || n->scalar[end] || !isdigit((unsigned char) n->scalar[0]))
                return td_diag_error(ds, n->mark, keypath, "expected a kernel version like \"4.8\", got %s",
                                     n->type == TD_NODE_SCALAR && !n->is_null ? td_quote(n->scalar, q, sizeof q)
                                                                               : td_node_describe(n));
        c->has_min_kernel = true;
        c->min_kernel[0] = major;
        c->min_kernel[1] = minor;
        return 0;
}

static int parse_cond(profile_ctx *p, const td_node *n, const char *keypath, td_scmp_cond *c) {
        static const char *const keys[] = { "caps", "arches", "minKernel" };
        _cleanup_free_ char *k_caps = td_strdupf("%s.caps", keypath);
        _cleanup_free_ char *k_arches = td_strdupf("%s.arches", keypath);
        _cleanup_free_ char *k_kernel = td_strdupf("%s.minKernel", keypath);
        const td_node *e;
        int r;

        if (!k_caps || !k_arches || !k_kernel)
                return -ENOMEM;
        if (n->is_null)
                return 0;
        if (n->type != TD_NODE_MAP)
                return td_diag_error(p->ds, n->mark, keypath, "expected a mapping {caps, arches, minKernel}, got %s",
                                     td_node_describe(n));
        r = td_scmp_check_keys(n, keypath, keys, ELEMENTSOF(keys), p->ds);
        if ((e = td_node_get(n, "caps")) && !e->is_null)
                r = td_scmp_worse(r, parse_caps(e, k_caps, &c->caps, p->ds));
        /* Conditions name architectures Moby's way (amd64, arm64, x32). An
         * unknown one stays in the list as 0: it matches no host, but the
         * list is still non-empty. */
        if ((e = td_node_get(n, "arches")))
                r = td_scmp_worse(r, parse_arch_list(p, e, k_arches, false, false, &c->arches, &c->n_arches));
        if ((e = td_node_get(n, "minKernel")) && !e->is_null)
                r = td_scmp_worse(r, parse_min_kernel(e, k_kernel, c, p->ds));
        return r;
}

/* names[] (and the deprecated single `name`) into rule->syscalls, skipping
 * names libseccomp does not know. */
static int parse_names(profile_ctx *p, const td_node *e, const char *keypath, td_scmp_rule *rule) {
        const td_node *names = td_node_get(e, "names"), *one = td_node_get(e, "name");
        _cleanup_free_ char *k_names = td_strdupf("%s.names", keypath);
        _cleanup_free_ char *k_name = td_strdupf("%s.name", keypath);
        const td_node *list[1024 + 1];
        size_t n = 0;
        int r = 0;

        if (!k_names || !k_name)
                return -ENOMEM;
        if (names && !names->is_null && names->type != TD_NODE_SEQ)
                return td_diag_error(p->ds, names->mark, k_names, "expected a list of syscall names, got %s",
                                     td_node_describe(names));
        if (names && names->type == TD_NODE_SEQ) {
                if (names->n > 1024)
                        return td_diag_error(p->ds, names->mark, k_names, "expected at most 1024 names, got %zu", names->n);
                for (size_t i = 0; i < names->n; i++)
                        list[n++] = names->items[i];
        }
        if (one && !one->is_null)
                list[n++] = one;
        if (n == 0)
                return td_diag_error(p->ds, e->mark, k_names, "missing; expected a non-empty list of syscall names");
        if (!(rule->syscalls = calloc(n, sizeof(char *))))
                return -ENOMEM;

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *key = list[i] == one ? strdup(k_name) : td_strdupf("%s[%zu]", k_names, i);
                const char *name;

                if (!key)
                        return -ENOMEM;
                if (td_scmp_parse_string(list[i], key, true, &name, p->ds) < 0) {
                        r = td_scmp_worse(r, -EINVAL);
                        continue;
                }
                if (seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR) {
                        if (strv_add_unique(&p->s->skipped, &p->s->n_skipped, &p->cap_skipped, name) < 0)
                                return -ENOMEM;
                        continue;
                }
                if (!(rule->syscalls[rule->n_syscalls] = strdup(name)))
                        return -ENOMEM;
                rule->n_syscalls++;
        }
        return r;
}

static int parse_rule_args(const td_node *n, const char *keypath, td_scmp_rule *rule, td_diags *ds) {
        int r = 0;

        if (n->is_null)
                return 0;
        if (n->type != TD_NODE_SEQ)
                return td_diag_error(ds, n->mark, keypath, "expected a list of {index, value, valueTwo, op}, got %s",
                                     td_node_describe(n));
        /* Six distinct arguments at most, but a rule may repeat one as
         * alternatives (see add_rule); the bound only keeps input cheap. */
        if (n->n > TD_SCMP_PROFILE_ARGS_MAX)
                return td_diag_error(ds, n->mark, keypath, "expected at most %d comparisons, got %zu",
                                     TD_SCMP_PROFILE_ARGS_MAX, n->n);
        if (n->n > 0 && !(rule->args = calloc(n->n, sizeof(td_scmp_arg))))
                return -ENOMEM;
        for (size_t i = 0; i < n->n; i++) {
                _cleanup_free_ char *key = td_strdupf("%s[%zu]", keypath, i);
                if (!key)
                        return -ENOMEM;
                r = td_scmp_worse(r, parse_oci_arg(n->items[i], key, &rule->args[rule->n_args++], ds));
        }
        return r;
}

/* Append `rule` to s->rules, split into one rule per comparison when an
 * argument is compared more than once (runc's reading of such rules). Takes
 * the rule's contents in every case. */
static int add_rule(struct td_seccomp *s, size_t *cap, td_scmp_rule *rule) {
        bool dup_index = false;
        td_scmp_rule *slot;

        for (size_t i = 0; i < rule->n_args; i++)
                for (size_t j = 0; j < i; j++)
                        dup_index = dup_index || rule->args[i].index == rule->args[j].index;
        if (!dup_index) {
                if (!(slot = td_grow((void **) &s->rules, &s->n_rules, cap, sizeof(td_scmp_rule)))) {
                        td_scmp_rule_done(rule);
                        return -ENOMEM;
                }
                *slot = *rule;
                *rule = (td_scmp_rule) {};
                return 0;
        }
        for (size_t i = 0; i < rule->n_args; i++) {
                td_scmp_rule one = *rule;
                one.args = &rule->args[i];
                one.n_args = 1;
                if (!(slot = td_grow((void **) &s->rules, &s->n_rules, cap, sizeof(td_scmp_rule))) ||
                    td_scmp_rule_dup(&one, slot) < 0) {
                        if (slot)
                                s->n_rules--;
                        td_scmp_rule_done(rule);
                        return -ENOMEM;
                }
        }
        td_scmp_rule_done(rule);
        return 0;
}

static int parse_syscall_entry(profile_ctx *p, const td_node *e, size_t i, size_t *cap) {
        static const char *const keys[] = {
                "names", "name", "action", "errnoRet", "args", "comment", "includes", "excludes",
        };
        _cleanup_free_ char *key = td_strdupf("syscalls[%zu]", i);
        _cleanup_free_ char *k_act = td_strdupf("syscalls[%zu].action", i);
        _cleanup_free_ char *k_errno = td_strdupf("syscalls[%zu].errnoRet", i);
        _cleanup_free_ char *k_args = td_strdupf("syscalls[%zu].args", i);
        _cleanup_free_ char *k_inc = td_strdupf("syscalls[%zu].includes", i);
        _cleanup_free_ char *k_exc = td_strdupf("syscalls[%zu].excludes", i);
        td_scmp_rule rule = { .index = (unsigned) i };
        const td_node *c;
        int r;

        if (!key || !k_act || !k_errno || !k_args || !k_inc || !k_exc)
                return -ENOMEM;
        if (e->type != TD_NODE_MAP)
                return td_diag_error(p->ds, e->mark, key, "expected a mapping {names, action, ...}, got %s",
                                     td_node_describe(e));
        r = td_scmp_check_keys(e, key, keys, ELEMENTSOF(keys), p->ds);
        r = td_scmp_worse(r, parse_names(p, e, key, &rule));
        if (!(c = td_node_get(e, "action")))
                r = td_scmp_worse(r, td_diag_error(p->ds, e->mark, k_act, "missing; expected an action like SCMP_ACT_ERRNO"));
        else
                r = td_scmp_worse(r, parse_oci_action(c, k_act, td_node_get(e, "errnoRet"), k_errno, &rule.action, p->ds));
        if ((c = td_node_get(e, "args")))
                r = td_scmp_worse(r, parse_rule_args(c, k_args, &rule, p->ds));
        if ((c = td_node_get(e, "includes")))
                r = td_scmp_worse(r, parse_cond(p, c, k_inc, &rule.includes));
        if ((c = td_node_get(e, "excludes")))
                r = td_scmp_worse(r, parse_cond(p, c, k_exc, &rule.excludes));
        /* `comment` is documentation; any value is fine. */

        if (r < 0 || rule.n_syscalls == 0) {
                /* Nothing left once unknown names are skipped: no rule. */
                td_scmp_rule_done(&rule);
                return r;
        }
        return add_rule(p->s, cap, &rule);
}

static int parse_flags(profile_ctx *p, const td_node *n) {
        static const struct {
                const char *name;
                uint32_t flag;
        } flags[] = {
                { "SECCOMP_FILTER_FLAG_TSYNC", TD_SCMP_FLAG_TSYNC },
                { "SECCOMP_FILTER_FLAG_LOG", TD_SCMP_FLAG_LOG },
                { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", TD_SCMP_FLAG_SPEC_ALLOW },
        };
        int r = 0;

        if (n->is_null)
                return 0;
        if (n->type != TD_NODE_SEQ)
                return td_diag_error(p->ds, n->mark, "flags", "expected a list of SECCOMP_FILTER_FLAG_* names, got %s",
                                     td_node_describe(n));
        for (size_t i = 0; i < n->n; i++) {
                _cleanup_free_ char *key = td_strdupf("flags[%zu]", i);
                const char *name;
                bool found = false;
                char q[80];

                if (!key)
                        return -ENOMEM;
                if (td_scmp_parse_string(n->items[i], key, true, &name, p->ds) < 0) {
                        r = td_scmp_worse(r, -EINVAL);
                        continue;
                }
                for (size_t j = 0; j < ELEMENTSOF(flags); j++)
                        if (streq(name, flags[j].name)) {
                                p->s->flags |= flags[j].flag;
                                found = true;
                        }
                if (!found)
                        r = td_scmp_worse(r, td_diag_error(p->ds, n->items[i]->mark, key,
                                "expected one of SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, "
                                "SECCOMP_FILTER_FLAG_SPEC_ALLOW (the others need a notify agent or a newer libseccomp), got %s",
                                td_quote(name, q, sizeof q)));
        }
        return r;
}

/* One warning naming what was skipped, so an operator sees that a profile
 * covers less on this host than it lists. */
static int warn_skipped(profile_ctx *p, const td_node *root) {
        struct td_seccomp *s = p->s;
        char list[512] = "";
        size_t o = 0, total = s->n_skipped + p->n_unknown_arches;

        if (total == 0)
                return 0;
        for (size_t i = 0; i < total && o < sizeof list - 64; i++) {
                const char *name = i < s->n_skipped ? s->skipped[i] : p->unknown_arches[i - s->n_skipped];
                int w = snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", name);
                o += w > 0 ? (size_t) w : 0;
                if (o >= sizeof list - 64 && i + 1 < total)
                        snprintf(list + o, sizeof list - o, ", ...");
        }
        char counts[96];
        if (s->n_skipped > 0 && p->n_unknown_arches > 0)
                snprintf(counts, sizeof counts, "%zu syscall%s and %zu architecture%s", s->n_skipped,
                         s->n_skipped == 1 ? "" : "s", p->n_unknown_arches, p->n_unknown_arches == 1 ? "" : "s");
        else if (s->n_skipped > 0)
                snprintf(counts, sizeof counts, "%zu syscall%s", s->n_skipped, s->n_skipped == 1 ? "" : "s");
        else
                snprintf(counts, sizeof counts, "%zu architecture%s", p->n_unknown_arches,
                         p->n_unknown_arches == 1 ? "" : "s");
        return td_diag_warn(p->ds, root->mark, NULL, "skipped %s unknown to libseccomp %u.%u.%u: %s", counts,
                            SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO, list);
}

static int parse_profile(profile_ctx *p, const td_node *root) {
        static const char *const keys[] = {
                "defaultAction", "defaultErrnoRet", "architectures", "archMap", "flags", "syscalls",
                "listenerPath", "listenerMetadata",
        };
        const td_node *c, *arches;
        size_t cap_rules = 0;
        int r;

        if (root->type != TD_NODE_MAP)
                return td_diag_error(p->ds, root->mark, NULL, "expected a seccomp profile (a JSON object with defaultAction), got %s",
                                     td_node_describe(root));
        r = td_scmp_check_keys(root, NULL, keys, ELEMENTSOF(keys), p->ds);
        if ((c = td_node_get(root, "listenerPath")) && !c->is_null && !(c->type == TD_NODE_SCALAR && !*c->scalar))
                r = td_scmp_worse(r, td_diag_error(p->ds, c->mark, "listenerPath",
                                                   "not supported: tenantd runs no seccomp notify agent"));
        if (!(c = td_node_get(root, "defaultAction")))
                r = td_scmp_worse(r, td_diag_error(p->ds, root->mark, "defaultAction", "missing; expected an action like SCMP_ACT_ERRNO"));
        else
                r = td_scmp_worse(r, parse_oci_action(c, "defaultAction", td_node_get(root, "defaultErrnoRet"),
                                                      "defaultErrnoRet", &p->s->default_action, p->ds));

        arches = td_node_get(root, "architectures");
        if ((c = td_node_get(root, "archMap")) && !c->is_null) {
                /* Moby refuses both, since which one wins is unclear. */
                if (arches && !arches->is_null)
                        r = td_scmp_worse(r, td_diag_error(p->ds, arches->mark, "architectures",
                                                           "use either architectures or archMap, not both"));
                r = td_scmp_worse(r, parse_archmap(p, c));
        } else if (arches)
                r = td_scmp_worse(r, parse_arch_list(p, arches, "architectures", true, true, &p->s->arches, &p->s->n_arches));
        if ((c = td_node_get(root, "flags")))
                r = td_scmp_worse(r, parse_flags(p, c));

        if ((c = td_node_get(root, "syscalls")) && !c->is_null) {
                if (c->type != TD_NODE_SEQ)
                        return td_scmp_worse(r, td_diag_error(p->ds, c->mark, "syscalls", "expected a list of rules, got %s",
                                                              td_node_describe(c)));
                for (size_t i = 0; i < c->n; i++)
                        r = td_scmp_worse(r, parse_syscall_entry(p, c->items[i], i, &cap_rules));
        }
        if (r < 0)
                return r;
        return warn_skipped(p, root);
}

int td_scmp_load_profile_at(const td_node *at, const char *keypath, const char *path,
                            struct td_seccomp **ret, td_diags *ds) {
        _cleanup_(td_seccomp_freep) struct td_seccomp *s = NULL;
        _cleanup_(td_node_freep) td_node *root = NULL;
        _cleanup_free_ char *text = NULL;
        profile_ctx p = { .ds = ds };
        td_mark where = at ? at->mark : (td_mark) { .file = path };
        size_t len;
        char q[80];
        int r;

        r = td_read_file(path, TD_DOC_MAX_BYTES, &text, &len);
        if (r == -EFBIG)
                return td_diag_error(ds, where, keypath, "seccomp profile %s is larger than the %d byte limit",
                                     td_quote(path, q, sizeof q), TD_DOC_MAX_BYTES);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return td_diag_error(ds, where, keypath, "cannot read seccomp profile %s: %s",
                                     td_quote(path, q, sizeof q), strerror(-r));
        r = td_json_parse(path, text, len, &root, ds);
        if (r < 0)
                return r;

        if (!(s = calloc(1, sizeof *s)) || !(s->profile = strdup(path)))
                return -ENOMEM;
        p.s = s;
        r = parse_profile(&p, root);
        for (size_t i = 0; i < p.n_unknown_arches; i++)
                free(p.unknown_arches[i]);
        free(p.unknown_arches);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(s);
        return 0;
}

int td_seccomp_load_profile(const char *path, struct td_seccomp **ret, td_diags *ds) {
        return td_scmp_load_profile_at(NULL, NULL, path, ret, ds);
}
