/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The schema walker's toolkit, shared by policy-parse.c and
 * policy-parse-isolation.c: typed getters that report "KEY.PATH: expected
 * X, got Y" and keep going. Each getter writes *ret only when the value is
 * valid and returns whether it did. Not for use outside policy parsing. */

#include "policy-internal.h"

#define TD_KP_MAX 256   /* longest key path; longer user keys are cut */

typedef struct td_pctx {
        td_diags *ds;
        const char *base_dir;
        td_policy *p;
        int r;                  /* 0, -EINVAL after any error, -ENOMEM sticks */
} td_pctx;

/* Record a result: -ENOMEM sticks, any other failure makes the parse -EINVAL. */
void td_pp_note(td_pctx *c, int r);
/* Report an error at `mark` for key path `kp` (NULL or "": none). */
void td_pp_fail(td_pctx *c, td_mark mark, const char *kp, const char *fmt, ...) _printf_(4, 5);

/* Key paths into a TD_KP_MAX buffer: "parent.key" (unprintable bytes of
 * user keys replaced by '?') and "parent[i]". Return buf. */
const char *td_pp_key(char *buf, const char *parent, const char *key);
const char *td_pp_index(char *buf, const char *parent, size_t i);

/* Value of `key` in a mapping (and its key node, for key problems). */
const td_node *td_pp_get(const td_node *map, const char *key, const td_node **ret_key);

/* Type checks: a non-null mapping or list; a mapping whose keys all belong
 * to `allowed` (unknown ones reported with a hint, true if it is a mapping). */
bool td_pp_expect_type(td_pctx *c, const td_node *n, const char *kp, td_node_type type);
bool td_pp_check_map(td_pctx *c, const td_node *n, const char *kp, const char *const *allowed, size_t n_allowed);

/* A scalar's text, or NULL after "expected WHAT, got <type>". */
const char *td_pp_scalar(td_pctx *c, const td_node *n, const char *kp, const char *what);
char *td_pp_strdup(td_pctx *c, const char *s);

/* Values in units.h units. `max_word` names the word for TD_UNLIMITED
 * ("max", "unlimited"), NULL when it is not allowed. */
bool td_pp_unit(td_pctx *c, const td_node *n, const char *kp, td_unit unit, const char *max_word, uint64_t *ret);
bool td_pp_count(td_pctx *c, const td_node *n, const char *kp, uint64_t min, uint64_t max, const char *max_word,
                 uint64_t *ret);
bool td_pp_duration(td_pctx *c, const td_node *n, const char *kp, uint64_t min_us, uint64_t max_us, uint64_t *ret);
bool td_pp_bool(td_pctx *c, const td_node *n, const char *kp, bool *ret);
bool td_pp_string(td_pctx *c, const td_node *n, const char *kp, char **ret);
bool td_pp_name(td_pctx *c, const td_node *n, const char *kp, char **ret, td_mark *ret_mark);
/* A string that `valid` accepts, else "expected EXPECT, got <value>". */
void td_pp_checked_string(td_pctx *c, const td_node *n, const char *kp, bool (*valid)(const char *),
                          const char *expect, char **ret);

/* policy-parse-isolation.c: the `isolation:` section. */
void td_pp_isolation(td_pctx *c, const td_node *n, const char *kp);
