/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The schema walker's typed getters (policy-walk.h). Every problem becomes
 * a diagnostic and the walk goes on, so an operator fixes a file in one
 * round instead of one error per run. */
#include <ctype.h>
#include <strings.h>

#include "policy-walk.h"

const char *td_policy_nearest(const char *word, const char *const *candidates, size_t n) {
        const char *best = td_nearest(word, candidates, n);
        size_t best_len = 0;

        if (best)
                return best;
        for (size_t i = 0; i < n; i++) {
                size_t len = strlen(candidates[i]);
                if (len >= 3 && len > best_len && startswith(word, candidates[i])) {
                        best = candidates[i];
                        best_len = len;
                }
        }
        return best;
}

void td_pp_note(td_pctx *c, int r) {
        if (r == -ENOMEM)
                c->r = -ENOMEM;
        else if (r < 0 && c->r == 0)
                c->r = -EINVAL;
}

void td_pp_fail(td_pctx *c, td_mark mark, const char *kp, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        if (!msg) {
                td_pp_note(c, -ENOMEM);
                return;
        }
        td_pp_note(c, td_diag_error(c->ds, mark, kp && *kp ? kp : NULL, "%s", msg));
}

/* "parent.key" with unprintable bytes of user-written keys replaced, so a
 * message never carries control characters to a terminal. */
const char *td_pp_key(char *buf, const char *parent, const char *key) {
        size_t o = 0;

        if (parent && *parent)
                o = (size_t) snprintf(buf, TD_KP_MAX, "%s.", parent);
        for (size_t i = 0; key[i] && o + 1 < TD_KP_MAX; i++)
                buf[o++] = isprint((unsigned char) key[i]) ? key[i] : '?';
        buf[MIN(o, (size_t) TD_KP_MAX - 1)] = '\0';
        return buf;
}

const char *td_pp_index(char *buf, const char *parent, size_t i) {
        snprintf(buf, TD_KP_MAX, "%s[%zu]", parent, i);
        return buf;
}

/* Look up a key; also returns the key node (for marks of key problems). */
const td_node *td_pp_get(const td_node *map, const char *key, const td_node **ret_key) {
        if (!map || map->type != TD_NODE_MAP)
                return NULL;
        for (size_t i = 0; i < map->n; i++)
                if (map->keys[i]->scalar && streq(map->keys[i]->scalar, key)) {
                        if (ret_key)
                                *ret_key = map->keys[i];
                        return map->items[i];
                }
        return NULL;
}

bool td_pp_expect_type(td_pctx *c, const td_node *n, const char *kp, td_node_type type) {
        if (n->type == type && !n->is_null)
                return true;
        td_pp_fail(c, n->mark, kp, "expected %s, got %s", type == TD_NODE_MAP ? "a mapping" : "a list",
             td_node_describe(n));
        return false;
}

/* A mapping whose keys all belong to `allowed`. Unknown keys are reported
 * (with a hint) but do not stop the known ones from being read. */
bool td_pp_check_map(td_pctx *c, const td_node *n, const char *kp, const char *const *allowed, size_t n_allowed) {
        char buf[TD_KP_MAX];

        if (!td_pp_expect_type(c, n, kp, TD_NODE_MAP))
                return false;
        for (size_t i = 0; i < n->n; i++) {
                const char *key = n->keys[i]->scalar ? n->keys[i]->scalar : "";
                bool known = false;
                for (size_t j = 0; j < n_allowed && !known; j++)
                        known = streq(key, allowed[j]);
                if (known)
                        continue;
                const char *hint = td_policy_nearest(key, allowed, n_allowed);
                if (hint)
                        td_pp_fail(c, n->keys[i]->mark, td_pp_key(buf, kp, key), "unknown key; did you mean \"%s\"?", hint);
                else
                        td_pp_fail(c, n->keys[i]->mark, td_pp_key(buf, kp, key), "unknown key");
        }
        return true;
}

/* The text of a scalar, or NULL after reporting "expected WHAT, got ...". */
const char *td_pp_scalar(td_pctx *c, const td_node *n, const char *kp, const char *what) {
        if (n->type == TD_NODE_SCALAR && !n->is_null && n->scalar)
                return n->scalar;
        td_pp_fail(c, n->mark, kp, "expected %s, got %s", what, td_node_describe(n));
        return NULL;
}

char *td_pp_strdup(td_pctx *c, const char *s) {
        char *d = strdup(s);
        if (!d)
                td_pp_note(c, -ENOMEM);
        return d;
}

/* Parse a value in `unit`; `max_word` ("max", "unlimited") names the word
 * allowed for TD_UNLIMITED, NULL when it is not allowed. */
bool td_pp_unit(td_pctx *c, const td_node *n, const char *kp, td_unit unit, const char *max_word,
                     uint64_t *ret) {
        char what[160], q[80];
        const char *expect = td_unit_expect(unit);
        const char *s;

        /* The rlimit wording already offers "unlimited". */
        if (max_word && unit != TD_UNIT_RLIMIT)
                snprintf(what, sizeof what, "%s or \"%s\"", expect, max_word);
        else
                snprintf(what, sizeof what, "%s", expect);
        s = td_pp_scalar(c, n, kp, what);
        if (!s)
                return false;
        if (td_parse_unit(unit, s, max_word != NULL, ret) < 0) {
                td_pp_fail(c, n->mark, kp, "expected %s, got %s", what, td_quote(s, q, sizeof q));
                return false;
        }
        return true;
}

/* A whole number in [min, max], or the max word. */
bool td_pp_count(td_pctx *c, const td_node *n, const char *kp, uint64_t min, uint64_t max,
                      const char *max_word, uint64_t *ret) {
        uint64_t v;

        if (!td_pp_unit(c, n, kp, TD_UNIT_COUNT, max_word, &v))
                return false;
        if (v != TD_UNLIMITED && (v < min || v > max)) {
                if (max_word)
                        td_pp_fail(c, n->mark, kp, "expected a number from %" PRIu64 " to %" PRIu64 " or \"%s\", got %s",
                             min, max, max_word, n->scalar);
                else
                        td_pp_fail(c, n->mark, kp, "expected a number from %" PRIu64 " to %" PRIu64 ", got %s", min,
                             max, n->scalar);
                return false;
        }
        *ret = v;
        return true;
}

/* A duration in [min_us, max_us]; the bounds are written as the operator
 * would ("1ms", "1s"). */
bool td_pp_duration(td_pctx *c, const td_node *n, const char *kp, uint64_t min_us, uint64_t max_us,
                         uint64_t *ret) {
        char lo[32], hi[32];
        uint64_t v;

        if (!td_pp_unit(c, n, kp, TD_UNIT_DURATION, NULL, &v))
                return false;
        if (v < min_us || v > max_us) {
                td_pp_fail(c, n->mark, kp, "expected a duration from %s to %s, got %s",
                     td_format_unit(TD_UNIT_DURATION, min_us, lo, sizeof lo),
                     td_format_unit(TD_UNIT_DURATION, max_us, hi, sizeof hi), n->scalar);
                return false;
        }
        *ret = v;
        return true;
}

bool td_pp_bool(td_pctx *c, const td_node *n, const char *kp, bool *ret) {
        char q[80];
        const char *s = td_pp_scalar(c, n, kp, "true or false");

        if (!s)
                return false;
        if (strcasecmp(s, "true") == 0)
                *ret = true;
        else if (strcasecmp(s, "false") == 0)
                *ret = false;
        else {
                td_pp_fail(c, n->mark, kp, "expected true or false, got %s", td_quote(s, q, sizeof q));
                return false;
        }
        return true;
}

/* A free-text string, copied into *ret (replacing nothing: *ret is NULL). */
bool td_pp_string(td_pctx *c, const td_node *n, const char *kp, char **ret) {
        const char *s = td_pp_scalar(c, n, kp, "a string");

        if (!s)
                return false;
        *ret = td_pp_strdup(c, s);
        return *ret != NULL;
}

bool td_policy_name_valid(const char *s) {
        size_t len = strlen(s);

        if (len == 0 || len > TD_NAME_MAX)
                return false;
        if (!(islower((unsigned char) s[0]) || isdigit((unsigned char) s[0])))
                return false;
        for (size_t i = 1; i < len; i++)
                if (!(islower((unsigned char) s[i]) || isdigit((unsigned char) s[i]) || s[i] == '-' || s[i] == '_'))
                        return false;
        return true;
}

bool td_pp_name(td_pctx *c, const td_node *n, const char *kp, char **ret, td_mark *ret_mark) {
        char q[80];
        const char *s = td_pp_scalar(c, n, kp, "a name");

        if (!s)
                return false;
        if (!td_policy_name_valid(s)) {
                td_pp_fail(c, n->mark, kp,
                     "expected a name of lower-case letters, digits, \"-\" and \"_\" (up to %d characters), got %s",
                     TD_NAME_MAX, td_quote(s, q, sizeof q));
                return false;
        }
        *ret = td_pp_strdup(c, s);
        *ret_mark = n->mark;
        return *ret != NULL;
}

void td_pp_checked_string(td_pctx *c, const td_node *n, const char *kp, bool (*valid)(const char *),
                               const char *expect, char **ret) {
        char q[80];
        const char *s = td_pp_scalar(c, n, kp, expect);

        if (!s)
                return;
        if (!valid(s))
                return td_pp_fail(c, n->mark, kp, "expected %s, got %s", expect, td_quote(s, q, sizeof q));
        *ret = td_pp_strdup(c, s);
}
