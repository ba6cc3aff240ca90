/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Schema walker: one parsed document (td_node tree) -> td_policy.
 *
 * Each mapping's keys are checked against the set the schema allows
 * (unknown keys get a nearest-key hint), then each known key is converted
 * with the getters of policy-walk.c; a field is written only when its value
 * is valid, so a bad value leaves it unset rather than half-set. The
 * isolation section lives in policy-parse-isolation.c. Checks that need
 * several fields of a merged policy (memory.high <= memory.max, ...) live
 * in policy-merge.c. */
#include <ctype.h>

#include "policy-walk.h"

/* ---- members ---- */

/* User and group names as useradd(8) accepts them: [a-z_][a-z0-9_.-]*$? */
static bool account_name_valid(const char *s) {
        size_t len = strlen(s);

        if (len == 0 || len > 255 || !(islower((unsigned char) s[0]) || s[0] == '_'))
                return false;
        for (size_t i = 1; i < len; i++) {
                char ch = s[i];
                if (ch == '$' && i == len - 1)
                        break;
                if (!(islower((unsigned char) ch) || isdigit((unsigned char) ch) || ch == '_' || ch == '.' || ch == '-'))
                        return false;
        }
        return true;
}

/* A list of user or group names. `what` is "user" or "group". */
static void parse_accounts(td_pctx *c, const td_node *n, const char *kp, const char *what, char ***ret,
                           td_mark **ret_marks, size_t *ret_n) {
        char buf[TD_KP_MAX], q[80], expect[64];

        if (!td_pp_expect_type(c, n, kp, TD_NODE_SEQ))
                return;
        *ret = calloc(n->n + 1, sizeof(char *));
        *ret_marks = calloc(n->n + 1, sizeof(td_mark));
        if (!*ret || !*ret_marks)
                return td_pp_note(c, -ENOMEM);
        snprintf(expect, sizeof expect, "a %s name", what);
        for (size_t i = 0; i < n->n; i++) {
                const td_node *it = n->items[i];
                const char *s = td_pp_scalar(c, it, td_pp_index(buf, kp, i), expect);
                if (!s)
                        continue;
                if (!account_name_valid(s)) {
                        td_pp_fail(c, it->mark, buf, "expected %s like \"acme-web\", got %s", expect, td_quote(s, q, sizeof q));
                        continue;
                }
                /* Root's processes must never be throttled by a tenant's limits. */
                if (streq(s, "root")) {
                        td_pp_fail(c, it->mark, buf, "root cannot be a tenant member");
                        continue;
                }
                (*ret)[*ret_n] = td_pp_strdup(c, s);
                if (!(*ret)[*ret_n])
                        return;
                (*ret_marks)[(*ret_n)++] = it->mark;
        }
}

static void parse_uids(td_pctx *c, const td_node *n, const char *kp, td_members *m) {
        char buf[TD_KP_MAX], q[80];

        if (!td_pp_expect_type(c, n, kp, TD_NODE_SEQ))
                return;
        m->uids = calloc(n->n + 1, sizeof(td_uid_range));
        if (!m->uids)
                return td_pp_note(c, -ENOMEM);
        for (size_t i = 0; i < n->n; i++) {
                const td_node *it = n->items[i];
                const char *s = td_pp_scalar(c, it, td_pp_index(buf, kp, i), "a uid or a uid range like 20000-20999");
                uint32_t first, last;
                if (!s)
                        continue;
                if (td_parse_id_range(s, &first, &last) < 0) {
                        td_pp_fail(c, it->mark, buf, "expected a uid or a uid range like 20000-20999, got %s",
                             td_quote(s, q, sizeof q));
                        continue;
                }
                if (first == 0) {
                        td_pp_fail(c, it->mark, buf, "root (uid 0) cannot be a tenant member");
                        continue;
                }
                m->uids[m->n_uids++] = (td_uid_range) { .first = first, .last = last, .mark = it->mark };
        }
}

static void parse_members(td_pctx *c, const td_node *n, const char *kp) {
        static const char *const keys[] = { "users", "uids", "groups" };
        td_members *m = &c->p->members;
        char buf[TD_KP_MAX];
        const td_node *v;

        if (!td_pp_check_map(c, n, kp, keys, ELEMENTSOF(keys)))
                return;
        if ((v = td_pp_get(n, "users", NULL)))
                parse_accounts(c, v, td_pp_key(buf, kp, "users"), "user", &m->users, &m->user_marks, &m->n_users);
        if ((v = td_pp_get(n, "uids", NULL)))
                parse_uids(c, v, td_pp_key(buf, kp, "uids"), m);
        if ((v = td_pp_get(n, "groups", NULL)))
                parse_accounts(c, v, td_pp_key(buf, kp, "groups"), "group", &m->groups, &m->group_marks, &m->n_groups);
}

/* ---- cpu, memory, io, pids ---- */

static void get_cpulist(td_pctx *c, const td_node *n, const char *kp, const char *expect, char **ret) {
        char q[80];
        unsigned max_id;
        const char *s = td_pp_scalar(c, n, kp, expect);

        if (!s)
                return;
        if (td_parse_cpulist(s, &max_id) < 0)
                return td_pp_fail(c, n->mark, kp, "expected %s, got %s", expect, td_quote(s, q, sizeof q));
        *ret = td_pp_strdup(c, s);
}

static void parse_realtime(td_pctx *c, const td_node *n, const char *kp) {
        static const char *const keys[] = { "runtime", "period" };
        char buf[TD_KP_MAX];
        const td_node *v;

        if (!td_pp_check_map(c, n, kp, keys, ELEMENTSOF(keys)))
                return;
        /* runtime < period is a cross-field check on the merged policy. */
        if ((v = td_pp_get(n, "runtime", NULL)))
                td_pp_unit(c, v, td_pp_key(buf, kp, "runtime"), TD_UNIT_DURATION, NULL, &c->p->cpu.rt_runtime_us);
        if ((v = td_pp_get(n, "period", NULL)))
                td_pp_duration(c, v, td_pp_key(buf, kp, "period"), 1000, 1000000, &c->p->cpu.rt_period_us);
}

static void parse_cpu(td_pctx *c, const td_node *n, const char *kp) {
        static const char *const keys[] = { "weight", "shares", "quota", "period", "realtime", "cpus", "mems" };
        td_cpu *cpu = &c->p->cpu;
        char buf[TD_KP_MAX], qbuf[80];
        const td_node *v;
        uint64_t q;

        if (!td_pp_check_map(c, n, kp, keys, ELEMENTSOF(keys)))
                return;
        if ((v = td_pp_get(n, "weight", NULL)))
                td_pp_count(c, v, td_pp_key(buf, kp, "weight"), 1, 10000, NULL, &cpu->weight);
        if ((v = td_pp_get(n, "shares", NULL)))
                td_pp_count(c, v, td_pp_key(buf, kp, "shares"), 2, 262144, NULL, &cpu->shares);
        /* units.c tells a zero quota (-ERANGE) from junk: the kernel
         * refuses 0, and "above 0" is the more useful message. */
        if ((v = td_pp_get(n, "quota", NULL))) {
                td_pp_key(buf, kp, "quota");
                if (v->type == TD_NODE_SCALAR && !v->is_null && td_parse_unit(TD_UNIT_CPU, v->scalar, true, &q) == -ERANGE)
                        td_pp_fail(c, v->mark, buf, "expected a CPU share above 0 or \"max\", got %s",
                                   td_quote(v->scalar, qbuf, sizeof qbuf));
                else if (td_pp_unit(c, v, buf, TD_UNIT_CPU, "max", &q))
                        cpu->quota = q;
        }
        if ((v = td_pp_get(n, "period", NULL)))
                td_pp_duration(c, v, td_pp_key(buf, kp, "period"), 1000, 1000000, &cpu->period_us);
        if ((v = td_pp_get(n, "realtime", NULL)))
                parse_realtime(c, v, td_pp_key(buf, kp, "realtime"));
        if ((v = td_pp_get(n, "cpus", NULL)))
                get_cpulist(c, v, td_pp_key(buf, kp, "cpus"), "a CPU list like \"0-3,8\"", &cpu->cpus);
        if ((v = td_pp_get(n, "mems", NULL)))
                get_cpulist(c, v, td_pp_key(buf, kp, "mems"), "a memory node list like \"0\" or \"0-1\"", &cpu->mems);
}

static void parse_memory(td_pctx *c, const td_node *n, const char *kp) {
        static const char *const keys[] = { "max", "high", "swap_max" };
        td_memory *m = &c->p->memory;
        char buf[TD_KP_MAX];
        const td_node *v;
        uint64_t x;

        if (!td_pp_check_map(c, n, kp, keys, ELEMENTSOF(keys)))
                return;
        /* Below 1M the kernel OOM-kills a tenant before its shell starts. */
        if ((v = td_pp_get(n, "max", NULL)) && td_pp_unit(c, v, td_pp_key(buf, kp, "max"), TD_UNIT_SIZE, "max", &x)) {
                if (x < 1024 * 1024)
                        td_pp_fail(c, v->mark, buf, "expected a size of at least 1M or \"max\", got %s", v->scalar);
                else
                        m->max = x;
        }
        if ((v = td_pp_get(n, "high", NULL)))
                td_pp_unit(c, v, td_pp_key(buf, kp, "high"), TD_UNIT_SIZE, "max", &m->high);
        if ((v = td_pp_get(n, "swap_max", NULL)))
                td_pp_unit(c, v, td_pp_key(buf, kp, "swap_max"), TD_UNIT_SIZE, "max", &m->swap_max);
}

/* "/dev/..." without "..", or "MAJ:MIN". */
static bool device_valid(const char *s) {
        if (startswith(s, "/dev/"))
                return s[5] && !strstr(s, "/../") && !(strlen(s) >= 3 && streq(s + strlen(s) - 3, "/.."));
        size_t a = strspn(s, "0123456789");
        if (a == 0 || a > 10 || s[a] != ':')
                return false;
        size_t b = strspn(s + a + 1, "0123456789");
        return b > 0 && b <= 10 && s[a + 1 + b] == '\0';
}

static void parse_device(td_pctx *c, const td_node *n, const char *kp, td_io_device *d) {
        static const char *const keys[] = { "device", "read_bps", "write_bps", "read_iops", "write_iops" };
        static const struct { const char *key; td_unit unit; size_t off; } lim[] = {
                { "read_bps", TD_UNIT_RATE, offsetof(td_io_device, rbps) },
                { "write_bps", TD_UNIT_RATE, offsetof(td_io_device, wbps) },
                { "read_iops", TD_UNIT_IOPS, offsetof(td_io_device, riops) },
                { "write_iops", TD_UNIT_IOPS, offsetof(td_io_device, wiops) },
        };
        char buf[TD_KP_MAX], q[80];
        const td_node *v;
        bool any = false;

        *d = (td_io_device) { .mark = n->mark, .rbps = TD_UNSET, .wbps = TD_UNSET, .riops = TD_UNSET, .wiops = TD_UNSET };
        if (!td_pp_check_map(c, n, kp, keys, ELEMENTSOF(keys)))
                return;
        if (!(v = td_pp_get(n, "device", NULL)))
                td_pp_fail(c, n->mark, kp, "missing required key \"device\"");
        else {
                const char *s = td_pp_scalar(c, v, td_pp_key(buf, kp, "device"), "a device path under /dev/ or MAJ:MIN");
                if (s && !device_valid(s))
                        td_pp_fail(c, v->mark, buf, "expected a device path under /dev/ or MAJ:MIN like 8:0, got %s",
                             td_quote(s, q, sizeof q));
                else if (s)
                        d->device = td_pp_strdup(c, s);
                if (s)
                        d->mark = v->mark;
        }
        for (size_t i = 0; i < ELEMENTSOF(lim); i++)
                if ((v = td_pp_get(n, lim[i].key, NULL))) {
                        any = true;
                        td_pp_unit(c, v, td_pp_key(buf, kp, lim[i].key), lim[i].unit, "max",
                                 (uint64_t *) ((char *) d + lim[i].off));
                }
        if (!any)
                td_pp_fail(c, n->mark, kp, "expected at least one of read_bps, write_bps, read_iops, write_iops");
}

static void parse_devices(td_pctx *c, const td_node *n, const char *kp) {
        td_io *io = &c->p->io;
        char buf[TD_KP_MAX];

        if (!td_pp_expect_type(c, n, kp, TD_NODE_SEQ))
                return;
        io->devices = calloc(n->n + 1, sizeof(td_io_device));
        if (!io->devices)
                return td_pp_note(c, -ENOMEM);
        for (size_t i = 0; i < n->n; i++) {
                td_io_device *d = &io->devices[io->n_devices++];
                parse_device(c, n->items[i], td_pp_index(buf, kp, i), d);
                for (size_t j = 0; d->device && j + 1 < io->n_devices; j++)
                        if (io->devices[j].device && streq(io->devices[j].device, d->device)) {
                                char b2[TD_KP_MAX];
                                td_pp_fail(c, d->mark, td_pp_key(b2, buf, "device"), "\"%s\" is already listed at line %u",
                                     d->device, io->devices[j].mark.line);
                                break;
                        }
        }
}

static void parse_io(td_pctx *c, const td_node *n, const char *kp) {
        static const char *const keys[] = { "weight", "devices" };
        char buf[TD_KP_MAX];
        const td_node *v;

        if (!td_pp_check_map(c, n, kp, keys, ELEMENTSOF(keys)))
                return;
        if ((v = td_pp_get(n, "weight", NULL)))
                td_pp_count(c, v, td_pp_key(buf, kp, "weight"), 1, 10000, NULL, &c->p->io.weight);
        if ((v = td_pp_get(n, "devices", NULL)))
                parse_devices(c, v, td_pp_key(buf, kp, "devices"));
}

static void parse_pids(td_pctx *c, const td_node *n, const char *kp) {
        static const char *const keys[] = { "max" };
        char buf[TD_KP_MAX];
        const td_node *v;

        if (!td_pp_check_map(c, n, kp, keys, ELEMENTSOF(keys)))
                return;
        if ((v = td_pp_get(n, "max", NULL)))
                td_pp_count(c, v, td_pp_key(buf, kp, "max"), 1, 4194304, "max", &c->p->pids.max);
}

/* ---- rlimits ---- */

static bool rlimit_is_bytes(int res) {
        switch (res) {
        case RLIMIT_AS: case RLIMIT_CORE: case RLIMIT_DATA: case RLIMIT_FSIZE:
        case RLIMIT_MEMLOCK: case RLIMIT_MSGQUEUE: case RLIMIT_RSS: case RLIMIT_STACK:
                return true;
        default:
                return false;
        }
}

static bool get_rlimit_value(td_pctx *c, const td_node *n, const char *kp, int res, uint64_t *ret) {
        /* nice and rtprio are priorities, not amounts: no "unlimited". */
        if (res == RLIMIT_NICE)
                return td_pp_count(c, n, kp, 0, 40, NULL, ret);
        if (res == RLIMIT_RTPRIO)
                return td_pp_count(c, n, kp, 0, 99, NULL, ret);
        if (rlimit_is_bytes(res))
                return td_pp_unit(c, n, kp, TD_UNIT_RLIMIT, "unlimited", ret);
        return td_pp_unit(c, n, kp, TD_UNIT_COUNT, "unlimited", ret);
}

static void parse_rlimit(td_pctx *c, const td_node *n, const char *kp, int res) {
        static const char *const keys[] = { "soft", "hard" };
        char buf[TD_KP_MAX], a[32], b[32];
        td_unit fmt = rlimit_is_bytes(res) ? TD_UNIT_SIZE : TD_UNIT_RLIMIT;
        uint64_t soft = TD_UNSET, hard = TD_UNSET;
        const td_node *vs, *vh;

        if (n->type != TD_NODE_MAP) {
                if (get_rlimit_value(c, n, kp, res, &soft))
                        c->p->rlimits[res] = (td_rlimit) { .soft = soft, .hard = soft, .mark = n->mark };
                return;
        }
        if (!td_pp_check_map(c, n, kp, keys, ELEMENTSOF(keys)))
                return;
        vs = td_pp_get(n, "soft", NULL);
        vh = td_pp_get(n, "hard", NULL);
        if (!vs)
                td_pp_fail(c, n->mark, kp, "missing required key \"soft\"");
        if (!vh)
                td_pp_fail(c, n->mark, kp, "missing required key \"hard\"");
        if (!vs || !vh)
                return;
        /* Both halves are checked so both can be reported. */
        bool soft_ok = get_rlimit_value(c, vs, td_pp_key(buf, kp, "soft"), res, &soft);
        bool hard_ok = get_rlimit_value(c, vh, td_pp_key(buf, kp, "hard"), res, &hard);
        if (!soft_ok || !hard_ok)
                return;
        if (soft > hard) {
                td_pp_fail(c, n->mark, kp, "expected soft <= hard, got soft %s and hard %s",
                     soft == TD_UNLIMITED ? "unlimited" : td_format_unit(fmt, soft, a, sizeof a),
                     td_format_unit(fmt, hard, b, sizeof b));
                return;
        }
        c->p->rlimits[res] = (td_rlimit) { .soft = soft, .hard = hard, .mark = n->mark };
}

static void parse_rlimits(td_pctx *c, const td_node *n, const char *kp) {
        const char *names[RLIM_NLIMITS];
        char buf[TD_KP_MAX];
        size_t k = 0;

        for (int i = 0; i < RLIM_NLIMITS; i++)
                if (td_rlimit_to_name(i))
                        names[k++] = td_rlimit_to_name(i);
        if (!td_pp_check_map(c, n, kp, names, k))
                return;
        for (size_t i = 0; i < n->n; i++) {
                int res = td_rlimit_from_name(n->keys[i]->scalar);
                if (res >= 0)
                        parse_rlimit(c, n->items[i], td_pp_key(buf, kp, n->keys[i]->scalar), res);
        }
}

/* ---- the document ---- */

/* tenant:/plan: decide the kind; exactly one of them. */
static void parse_kind(td_pctx *c, const td_node *root) {
        const td_node *kt = NULL, *kp = NULL;
        const td_node *t = td_pp_get(root, TD_POLICY_KEY_TENANT, &kt);
        const td_node *p = td_pp_get(root, TD_POLICY_KEY_PLAN, &kp);

        if (t && p)
                td_pp_fail(c, kp->mark, "plan", "cannot be combined with \"tenant\"; a file defines one tenant or one plan");
        else if (!t && !p)
                td_pp_fail(c, root->mark, NULL, "expected a \"tenant:\" or \"plan:\" key naming this file's tenant or plan");
        if (t) {
                c->p->kind = TD_POLICY_TENANT;
                td_pp_name(c, t, "tenant", &c->p->name, &c->p->name_mark);
        } else if (p) {
                c->p->kind = TD_POLICY_PLAN;
                td_pp_name(c, p, "plan", &c->p->name, &c->p->name_mark);
        }
}

/* Record the key positions of the host-dependent settings. */
static void note_knob_marks(const td_node *root, td_policy *p) {
        static const struct { td_knob knob; const char *section, *key; } table[] = {
                { TD_KNOB_CPU,             "cpu",    NULL },
                { TD_KNOB_CPU_QUOTA,       "cpu",    "quota" },
                { TD_KNOB_CPU_REALTIME,    "cpu",    "realtime" },
                { TD_KNOB_CPU_CPUS,        "cpu",    "cpus" },
                { TD_KNOB_CPU_MEMS,        "cpu",    "mems" },
                { TD_KNOB_MEMORY,          "memory", NULL },
                { TD_KNOB_MEMORY_SWAP_MAX, "memory", "swap_max" },
                { TD_KNOB_IO,              "io",     NULL },
                { TD_KNOB_IO_WEIGHT,       "io",     "weight" },
                { TD_KNOB_PIDS,            "pids",   NULL },
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                const td_node *k = NULL, *v = td_pp_get(root, table[i].section, &k);

                if (v && table[i].key)
                        v = td_pp_get(v, table[i].key, &k);
                if (v && k)
                        p->knob_marks[table[i].knob] = k->mark;
        }
}

int td_policy_from_node(const td_node *root, const char *base_dir, td_policy *ret, td_diags *ds) {
        static const char *const keys[] = { "tenant", "plan", "inherits", "description", "members",
                                            "cpu", "memory", "io", "pids", "rlimits", "isolation" };
        static const struct {
                const char *key;
                void (*parse)(td_pctx *c, const td_node *n, const char *kp);
        } sections[] = {
                { "cpu", parse_cpu },         { "memory", parse_memory },
                { "io", parse_io },           { "pids", parse_pids },
                { "rlimits", parse_rlimits }, { "isolation", td_pp_isolation },
        };
        td_pctx c = { .ds = ds, .base_dir = base_dir, .p = ret };
        const td_node *v, *k = NULL;

        td_policy_init(ret);
        if (!td_pp_check_map(&c, root, "", keys, ELEMENTSOF(keys)))
                return c.r;
        parse_kind(&c, root);
        note_knob_marks(root, ret);
        if ((v = td_pp_get(root, TD_POLICY_KEY_INHERITS, NULL)))
                td_pp_name(&c, v, "inherits", &ret->parent, &ret->parent_mark);
        if ((v = td_pp_get(root, "description", NULL)))
                td_pp_string(&c, v, "description", &ret->description);
        if ((v = td_pp_get(root, "members", &k))) {
                /* Plans are shared by many tenants; members in one would put
                 * the same users into every tenant that inherits it. */
                if (ret->kind == TD_POLICY_PLAN)
                        td_pp_fail(&c, k->mark, "members", "only allowed in a tenant file, not in a plan");
                else
                        parse_members(&c, v, "members");
        }
        for (size_t i = 0; i < ELEMENTSOF(sections); i++)
                if ((v = td_pp_get(root, sections[i].key, NULL)))
                        sections[i].parse(&c, v, sections[i].key);
        return c.r;
}
