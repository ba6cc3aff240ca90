/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The `isolation:` section: chroot, namespaces, id maps, capabilities,
 * no_new_privs, seccomp (parsed by seccomp.c) and the MAC labels. Pure
 * validation; applying these is isolate.c's job. */
#include <ctype.h>
#include <libgen.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/stat.h>

#include "policy-walk.h"
#include "seccomp.h"

#define ID_MAP_MAX 340          /* kernel limit on uid_map/gid_map lines since 4.15 */

static void parse_namespaces(td_pctx *c, const td_node *n, const char *kp) {
        const char *names[_TD_NS_MAX];
        char buf[TD_KP_MAX], q[80];
        unsigned set = 0;

        for (int i = 0; i < _TD_NS_MAX; i++)
                names[i] = td_ns_to_name((td_ns) i);
        /* Mapping form {net: true} lets a tenant add one namespace to its
         * plan's set: mappings merge, lists replace. */
        if (n->type == TD_NODE_MAP) {
                if (!td_pp_check_map(c, n, kp, names, _TD_NS_MAX))
                        return;
                for (size_t i = 0; i < n->n; i++) {
                        td_ns ns = td_ns_from_name(n->keys[i]->scalar);
                        bool on;
                        if (ns >= 0 && td_pp_bool(c, n->items[i], td_pp_key(buf, kp, n->keys[i]->scalar), &on) && on)
                                set |= 1u << ns;
                }
                c->p->isolation.namespaces = set;
                return;
        }
        if (!td_pp_expect_type(c, n, kp, TD_NODE_SEQ))
                return;
        for (size_t i = 0; i < n->n; i++) {
                const char *s = td_pp_scalar(c, n->items[i], td_pp_index(buf, kp, i), "a namespace name");
                td_ns ns;
                if (!s)
                        continue;
                ns = td_ns_from_name(s);
                if (ns < 0) {
                        const char *hint = td_policy_nearest(s, names, _TD_NS_MAX);
                        td_pp_fail(c, n->items[i]->mark, buf, "unknown namespace %s%s%s%s", td_quote(s, q, sizeof q),
                             hint ? "; did you mean \"" : "", hint ? hint : "", hint ? "\"?" : "");
                } else if (set & (1u << ns))
                        td_pp_fail(c, n->items[i]->mark, buf, "\"%s\" is listed twice", s);
                else
                        set |= 1u << ns;
        }
        c->p->isolation.namespaces = set;
}

/* RFC 1123 host name: dot-separated labels of letters, digits and inner
 * hyphens, at most 64 characters (the kernel's limit for sethostname). */
static bool hostname_valid(const char *s) {
        size_t len = strlen(s), label = 0;

        if (len == 0 || len > 64)
                return false;
        for (size_t i = 0; i <= len; i++) {
                char ch = s[i];
                if (ch == '.' || ch == '\0') {
                        if (label == 0 || s[i - 1] == '-')
                                return false;
                        label = 0;
                } else if (isalnum((unsigned char) ch) || (ch == '-' && label > 0))
                        label++;
                else
                        return false;
        }
        return true;
}

/* "inside outside count" with three decimal uint32s. */
static bool id_map_from_text(const char *s, td_id_map *ret) {
        unsigned long v[3];
        const char *p = s;

        for (int i = 0; i < 3; i++) {
                char *end;
                p += strspn(p, " \t");
                if (!isdigit((unsigned char) *p))
                        return false;
                errno = 0;
                v[i] = strtoul(p, &end, 10);
                if (errno || v[i] > UINT32_MAX)
                        return false;
                p = end;
        }
        if (p[strspn(p, " \t")] != '\0')
                return false;
        *ret = (td_id_map) { .inside = (uint32_t) v[0], .outside = (uint32_t) v[1], .count = (uint32_t) v[2] };
        return true;
}

static bool id_map_entry(td_pctx *c, const td_node *n, const char *kp, td_id_map *ret) {
        static const char *const keys[] = { "inside", "outside", "count" };
        char buf[TD_KP_MAX], q[80];
        uint64_t v[3];
        bool ok = true;

        if (n->type == TD_NODE_SCALAR && !n->is_null) {
                if (!id_map_from_text(n->scalar, ret)) {
                        td_pp_fail(c, n->mark, kp, "expected \"INSIDE OUTSIDE COUNT\" like \"0 20000 1\", got %s",
                             td_quote(n->scalar, q, sizeof q));
                        return false;
                }
                return true;
        }
        if (n->type != TD_NODE_MAP) {
                td_pp_fail(c, n->mark, kp, "expected \"INSIDE OUTSIDE COUNT\" or a mapping, got %s", td_node_describe(n));
                return false;
        }
        if (!td_pp_check_map(c, n, kp, keys, ELEMENTSOF(keys)))
                return false;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                const td_node *x = td_pp_get(n, keys[i], NULL);
                if (!x) {
                        td_pp_fail(c, n->mark, kp, "missing required key \"%s\"", keys[i]);
                        ok = false;
                } else if (!td_pp_count(c, x, td_pp_key(buf, kp, keys[i]), 0, UINT32_MAX, NULL, &v[i]))
                        ok = false;
        }
        if (ok)
                *ret = (td_id_map) { .inside = (uint32_t) v[0], .outside = (uint32_t) v[1], .count = (uint32_t) v[2] };
        return ok;
}

static bool ranges_overlap(uint64_t a, uint64_t na, uint64_t b, uint64_t nb) {
        return a < b + nb && b < a + na;
}

/* The kernel refuses maps whose inside or outside ranges overlap. */
static bool id_map_overlaps(const td_id_map *m, const td_id_map *v, size_t n) {
        for (size_t j = 0; j < n; j++)
                if (ranges_overlap(m->inside, m->count, v[j].inside, v[j].count) ||
                    ranges_overlap(m->outside, m->count, v[j].outside, v[j].count))
                        return true;
        return false;
}

static void parse_id_map(td_pctx *c, const td_node *n, const char *kp, td_id_map **ret, size_t *ret_n) {
        char buf[TD_KP_MAX];

        if (!td_pp_expect_type(c, n, kp, TD_NODE_SEQ))
                return;
        if (n->n > ID_MAP_MAX)
                return td_pp_fail(c, n->mark, kp, "expected at most %d entries, got %zu", ID_MAP_MAX, n->n);
        *ret = calloc(n->n + 1, sizeof(td_id_map));
        if (!*ret)
                return td_pp_note(c, -ENOMEM);
        for (size_t i = 0; i < n->n; i++) {
                td_id_map m;
                if (!id_map_entry(c, n->items[i], td_pp_index(buf, kp, i), &m))
                        continue;
                /* The kernel refuses these writes; say so before apply. */
                if (m.count == 0 || (uint64_t) m.inside + m.count > (uint64_t) UINT32_MAX + 1 ||
                    (uint64_t) m.outside + m.count > (uint64_t) UINT32_MAX + 1) {
                        td_pp_fail(c, n->items[i]->mark, buf, "expected a count from 1 that keeps both ranges below 4294967296, got %u",
                             m.count);
                        continue;
                }
                if (id_map_overlaps(&m, *ret, *ret_n)) {
                        td_pp_fail(c, n->items[i]->mark, buf, "overlaps an earlier entry of %s", kp);
                        continue;
                }
                (*ret)[(*ret_n)++] = m;
        }
}

/* "chown", "CAP_CHOWN", "Cap_Chown" -> CAP_CHOWN via libcap's own table,
 * so names follow the installed libcap rather than a copy of it. */
static int cap_parse(const char *s, cap_value_t *ret) {
        char name[64] = "cap_";
        size_t o = 4;

        if (strncasecmp(s, "cap_", 4) == 0)
                s += 4;
        if (!*s || strlen(s) + o >= sizeof name)
                return -EINVAL;
        for (; *s; s++) {
                if (!isalpha((unsigned char) *s) && *s != '_')
                        return -EINVAL;   /* libcap would also take numbers */
                name[o++] = (char) tolower((unsigned char) *s);
        }
        name[o] = '\0';
        if (cap_from_name(name, ret) < 0 || *ret < 0 || *ret >= 64)
                return -EINVAL;
        return 0;
}

/* Nearest known capability name (without "cap_") for a hint; NULL if none
 * is close or on ENOMEM. Only on the error path, so it may allocate. */
static char *cap_hint(const char *s) {
        char *names[CAP_LAST_CAP + 1] = {};
        const char *bare[CAP_LAST_CAP + 1];
        char lower[64];
        char *result = NULL;
        size_t n = 0, i;

        if (strncasecmp(s, "cap_", 4) == 0)
                s += 4;
        for (i = 0; s[i] && i + 1 < sizeof lower; i++)
                lower[i] = (char) tolower((unsigned char) s[i]);
        lower[i] = '\0';
        for (cap_value_t v = 0; v <= CAP_LAST_CAP; v++) {
                names[n] = cap_to_name(v);
                if (!names[n])
                        break;
                bare[n] = startswith(names[n], "cap_") ? names[n] + 4 : names[n];
                n++;
        }
        const char *best = td_policy_nearest(lower, bare, n);
        if (best)
                result = strdup(best);
        for (i = 0; i < n; i++)
                cap_free(names[i]);
        return result;
}

static void parse_capabilities(td_pctx *c, const td_node *n, const char *kp) {
        char buf[TD_KP_MAX], q[80];
        uint64_t keep = 0;

        if (!td_pp_expect_type(c, n, kp, TD_NODE_SEQ))
                return;
        for (size_t i = 0; i < n->n; i++) {
                const char *s = td_pp_scalar(c, n->items[i], td_pp_index(buf, kp, i), "a capability name");
                cap_value_t v;
                if (!s)
                        continue;
                if (cap_parse(s, &v) < 0) {
                        _cleanup_free_ char *hint = cap_hint(s);
                        td_pp_fail(c, n->items[i]->mark, buf, "unknown capability %s%s%s%s", td_quote(s, q, sizeof q),
                             hint ? "; did you mean \"" : "", hint ? hint : "", hint ? "\"?" : "");
                        continue;
                }
                keep |= UINT64_C(1) << v;
        }
        c->p->isolation.caps_set = true;
        c->p->isolation.caps_keep = keep;
}


/* Absolute, not "/" itself (no confinement), no ".." component (the path
 * must mean what it says when the daemon resolves it). */
static bool chroot_valid(const char *s) {
        if (s[0] != '/' || s[strspn(s, "/")] == '\0')
                return false;
        for (const char *p = s; (p = strstr(p, "..")); p += 2)
                if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
                        return false;
        return true;
}

static bool apparmor_valid(const char *s) {
        if (!*s || strlen(s) > 255)
                return false;
        for (; *s; s++)
                if (!isgraph((unsigned char) *s))
                        return false;
        return true;
}

/* user:role:type[:level]; the level may itself contain ':' (s0:c1,c2). */
static bool selinux_valid(const char *s) {
        if (!apparmor_valid(s))
                return false;
        for (int i = 0; i < 3; i++) {
                size_t len = strcspn(s, ":");
                if (len == 0)
                        return false;
                s += len;
                if (i < 2 && *s++ != ':')
                        return false;
        }
        return *s == '\0' || (s[0] == ':' && s[1] != '\0');
}

/* Whoever can write a profile can weaken the filter of every tenant that
 * uses it, exactly as if they could write the policy: the same rule. */
static void check_profile_perms(td_pctx *c, const struct td_seccomp *s) {
        const char *path = s ? s->profile : NULL;   /* resolved against base_dir */
        struct stat st;
        char why[96];

        if (!path || stat(path, &st) < 0 || td_policy_check_perms(&st, geteuid(), why, sizeof why) == 0)
                return;
        td_pp_fail(c, (td_mark) { .file = path }, NULL, "unsafe permissions: %s", why);
}

static void parse_seccomp(td_pctx *c, const td_node *n, const char *kp) {
        _cleanup_free_ char *dir = NULL;
        const char *base = c->base_dir;
        int r;

        /* A merged tree mixes files from plans_dir and tenants_dir: a
         * relative profile path is relative to the file that wrote it. */
        if (!base && n->mark.file) {
                _cleanup_free_ char *copy = strdup(n->mark.file);
                if (!copy)
                        return td_pp_note(c, -ENOMEM);
                dir = strdup(dirname(copy));
                if (!dir)
                        return td_pp_note(c, -ENOMEM);
                base = dir;
        }
        r = td_seccomp_from_node(n, kp, base, &c->p->isolation.seccomp, c->ds);
        td_pp_note(c, r);
        if (r == 0)
                check_profile_perms(c, c->p->isolation.seccomp);
}

void td_pp_isolation(td_pctx *c, const td_node *n, const char *kp) {
        static const char *const keys[] = { "chroot", "namespaces", "hostname", "uid_map", "gid_map",
                                            "capabilities", "no_new_privs", "seccomp", "apparmor", "selinux" };
        td_isolation *iso = &c->p->isolation;
        char buf[TD_KP_MAX];
        const td_node *v;
        bool b;

        if (!td_pp_check_map(c, n, kp, keys, ELEMENTSOF(keys)))
                return;
        if ((v = td_pp_get(n, "chroot", NULL)))
                td_pp_checked_string(c, v, td_pp_key(buf, kp, "chroot"), chroot_valid,
                                   "an absolute path other than \"/\" without \"..\"", &iso->chroot);
        if ((v = td_pp_get(n, "namespaces", NULL)))
                parse_namespaces(c, v, td_pp_key(buf, kp, "namespaces"));
        if ((v = td_pp_get(n, "hostname", NULL)))
                td_pp_checked_string(c, v, td_pp_key(buf, kp, "hostname"), hostname_valid,
                                   "a host name of letters, digits and \"-\" (up to 64 characters)", &iso->hostname);
        if ((v = td_pp_get(n, "uid_map", NULL)))
                parse_id_map(c, v, td_pp_key(buf, kp, "uid_map"), &iso->uid_map, &iso->n_uid_map);
        if ((v = td_pp_get(n, "gid_map", NULL)))
                parse_id_map(c, v, td_pp_key(buf, kp, "gid_map"), &iso->gid_map, &iso->n_gid_map);
        if ((v = td_pp_get(n, "capabilities", NULL)))
                parse_capabilities(c, v, td_pp_key(buf, kp, "capabilities"));
        if ((v = td_pp_get(n, "no_new_privs", NULL)) && td_pp_bool(c, v, td_pp_key(buf, kp, "no_new_privs"), &b))
                iso->no_new_privs = b;
        if ((v = td_pp_get(n, "seccomp", NULL)))
                parse_seccomp(c, v, td_pp_key(buf, kp, "seccomp"));
        if ((v = td_pp_get(n, "apparmor", NULL)))
                td_pp_checked_string(c, v, td_pp_key(buf, kp, "apparmor"), apparmor_valid,
                                   "an AppArmor profile name", &iso->apparmor);
        if ((v = td_pp_get(n, "selinux", NULL)))
                td_pp_checked_string(c, v, td_pp_key(buf, kp, "selinux"), selinux_valid,
                                   "a context like \"user:role:type[:level]\"", &iso->selinux);
}
