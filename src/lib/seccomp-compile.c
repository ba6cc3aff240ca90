/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* td_seccomp -> libseccomp filter for this host and process.
 *
 * Parsing kept everything host-independent; here the native architecture
 * picks Moby's archMap entry and decides includes/excludes `arches`, the
 * kept capabilities decide `caps`, and the kernel release decides
 * `minKernel`. libseccomp's negative errnos are turned into messages here,
 * once, naming the rule and syscall. Nothing here loads the filter. */

#include <inttypes.h>
#include <sys/utsname.h>

#include "seccomp.h"

/* "6.1.0-9-amd64" -> {6, 1}. */
static int parse_release(const char *release, unsigned ret[2]) {
        unsigned major, minor;

        if (sscanf(release, "%u.%u", &major, &minor) != 2)
                return -EINVAL;
        ret[0] = major;
        ret[1] = minor;
        return 0;
}

static bool arch_listed(const td_scmp_cond *c, uint32_t arch) {
        for (size_t i = 0; i < c->n_arches; i++)
                if (c->arches[i] == arch)
                        return true;
        return false;
}

static bool kernel_at_least(const unsigned have[2], const unsigned want[2]) {
        return have[0] != want[0] ? have[0] > want[0] : have[1] >= want[1];
}

/* Moby's semantics: a rule is left out when an exclude matches (its arch,
 * any of its capabilities, kernel >= its minKernel), or an include does not
 * (arch not listed, a capability missing, kernel < its minKernel). */
int td_seccomp_rule_applies(const td_scmp_rule *r, uint64_t caps_keep, uint32_t arch,
                            const char *kernel_release) {
        const td_scmp_cond *inc = &r->includes, *exc = &r->excludes;
        unsigned kver[2] = {};
        struct utsname u;

        if (inc->has_min_kernel || exc->has_min_kernel) {
                if (!kernel_release) {
                        if (uname(&u) < 0)
                                return -errno;
                        kernel_release = u.release;
                }
                if (parse_release(kernel_release, kver) < 0)
                        return -EINVAL;
        }

        if (exc->n_arches > 0 && arch_listed(exc, arch))
                return 0;
        if (exc->caps & caps_keep)
                return 0;
        if (exc->has_min_kernel && kernel_at_least(kver, exc->min_kernel))
                return 0;
        if (inc->n_arches > 0 && !arch_listed(inc, arch))
                return 0;
        if ((inc->caps & caps_keep) != inc->caps)
                return 0;
        if (inc->has_min_kernel && !kernel_at_least(kver, inc->min_kernel))
                return 0;
        return 1;
}

/* Record an error message for the caller and return r. */
_printf_(3, 4)
static int fail(char **ret_error, int r, const char *fmt, ...) {
        va_list ap;
        char *msg = NULL;

        if (!ret_error)
                return r;
        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        *ret_error = msg;
        return r;
}

/* libseccomp's errnos, explained for the case at hand. */
static const char *rule_error(int r) {
        switch (-r) {
        case EEXIST:
                return "another rule gives this syscall the same comparisons with a different action";
        case EINVAL:
                return "libseccomp rejected the rule as invalid";
        case EDOM:
                return "an argument comparison does not fit the architecture";
        case ENOMEM:
                return "out of memory";
        default:
                return strerror(-r);
        }
}

static int add_arches(scmp_filter_ctx ctx, const struct td_seccomp *s, uint32_t native, char **ret_error) {
        const uint32_t *arches = s->arches;
        size_t n = s->n_arches;
        int r;

        /* Moby's archMap: the native architecture's entry names the
         * architectures whose syscalls this host can also run (x86 and x32
         * on x86_64). No entry: native only. */
        if (s->n_archmap > 0) {
                arches = NULL;
                n = 0;
                for (size_t i = 0; i < s->n_archmap; i++)
                        if (s->archmap[i].arch == native) {
                                arches = s->archmap[i].sub_arches;
                                n = s->archmap[i].n_sub_arches;
                                break;
                        }
        }
        for (size_t i = 0; i < n; i++) {
                /* A new context already holds the native architecture;
                 * EEXIST is that, or a list naming one twice. */
                r = seccomp_arch_add(ctx, arches[i]);
                if (r < 0 && r != -EEXIST) {
                        const char *name = td_scmp_arch_name(arches[i]);
                        return fail(ret_error, r, "cannot add architecture %s to the filter: %s",
                                    name ? name : "?", strerror(-r));
                }
        }
        return 0;
}

static int set_attrs(scmp_filter_ctx ctx, const struct td_seccomp *s, char **ret_error) {
        static const struct {
                uint32_t flag;
                enum scmp_filter_attr attr;
                const char *name;
        } map[] = {
                { TD_SCMP_FLAG_TSYNC, SCMP_FLTATR_CTL_TSYNC, "SECCOMP_FILTER_FLAG_TSYNC" },
                { TD_SCMP_FLAG_LOG, SCMP_FLTATR_CTL_LOG, "SECCOMP_FILTER_FLAG_LOG" },
                { TD_SCMP_FLAG_SPEC_ALLOW, SCMP_FLTATR_CTL_SSB, "SECCOMP_FILTER_FLAG_SPEC_ALLOW" },
        };
        int r;

        /* A syscall from an architecture the filter does not cover (int 0x80
         * on x86_64 without x86) kills the whole process: libseccomp's
         * default kills only the thread, leaving the rest of the process
         * running in a state nobody planned for. */
        r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
        if (r < 0)
                return fail(ret_error, r, "cannot set the bad-architecture action: %s", strerror(-r));
        /* A binary tree keeps long allow-lists (Docker's has ~400 entries)
         * at O(log n) per syscall instead of a linear walk; an older
         * libseccomp without it still builds a correct filter. */
        (void) seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

        for (size_t i = 0; i < ELEMENTSOF(map); i++) {
                if (!(s->flags & map[i].flag))
                        continue;
                r = seccomp_attr_set(ctx, map[i].attr, 1);
                if (r < 0)
                        return fail(ret_error, r, "%s is not supported by this libseccomp or kernel: %s",
                                    map[i].name, strerror(-r));
        }
        return 0;
}

static int add_rule(scmp_filter_ctx ctx, const struct td_seccomp *s, const td_scmp_rule *rule,
                    uint32_t def, char **ret_error) {
        struct scmp_arg_cmp cmp[6];
        uint32_t act = td_scmp_action_to_libseccomp(rule->action);
        const char *what = s->profile ? "syscalls" : "rules";

        /* libseccomp refuses a rule whose action is the default action
         * (EACCES): such a rule changes nothing, so it is left out, as runc
         * does. */
        if (act == def)
                return 0;

        for (size_t i = 0; i < rule->n_args && i < ELEMENTSOF(cmp); i++)
                cmp[i] = (struct scmp_arg_cmp) {
                        .arg = rule->args[i].index,
                        .op = rule->args[i].op,
                        .datum_a = rule->args[i].value,
                        .datum_b = rule->args[i].value_two,
                };
        for (size_t i = 0; i < rule->n_syscalls; i++) {
                int nr = seccomp_syscall_resolve_name(rule->syscalls[i]);
                int r;

                /* Parsing only keeps names libseccomp knows. */
                if (nr == __NR_SCMP_ERROR)
                        return fail(ret_error, -EINVAL, "%s[%u] (%s): syscall unknown to libseccomp",
                                    what, rule->index, rule->syscalls[i]);
                /* Not seccomp_rule_add_exact: a syscall missing on one of
                 * the filter's architectures is left out there, not an
                 * error (socketcall exists on x86 but not x86_64). */
                r = seccomp_rule_add_array(ctx, act, nr, (unsigned) MIN(rule->n_args, ELEMENTSOF(cmp)), cmp);
                if (r == -ENOMEM)
                        return fail(ret_error, r, "out of memory");
                if (r < 0)
                        return fail(ret_error, r, "%s[%u] (%s): %s", what, rule->index, rule->syscalls[i],
                                    rule_error(r));
        }
        return 0;
}

int td_seccomp_compile(const struct td_seccomp *s, uint64_t caps_keep, const char *kernel_release,
                       scmp_filter_ctx *ret, char **ret_error) {
        _cleanup_scmp_ctx_ scmp_filter_ctx ctx = NULL;
        uint32_t native = seccomp_arch_native();
        uint32_t def = td_scmp_action_to_libseccomp(s->default_action);
        int r;

        if (ret_error)
                *ret_error = NULL;
        /* seccomp_init fails only for an invalid action or on ENOMEM;
         * parsing made the action valid. */
        ctx = seccomp_init(def);
        if (!ctx)
                return fail(ret_error, -ENOMEM, "cannot create a seccomp filter (out of memory)");
        r = set_attrs(ctx, s, ret_error);
        if (r < 0)
                return r;
        r = add_arches(ctx, s, native, ret_error);
        if (r < 0)
                return r;

        for (size_t i = 0; i < s->n_rules; i++) {
                const td_scmp_rule *rule = &s->rules[i];

                r = td_seccomp_rule_applies(rule, caps_keep, native, kernel_release);
                if (r < 0)
                        return fail(ret_error, r, "cannot compare minKernel with kernel release \"%s\"",
                                    kernel_release ? kernel_release : "(uname)");
                if (r == 0)
                        continue;
                r = add_rule(ctx, s, rule, def, ret_error);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(ctx);
        return 0;
}
