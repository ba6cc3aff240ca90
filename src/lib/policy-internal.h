/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Helpers shared by the policy*.c files and `tenantctl check`; not part of
 * the stable policy.h interface. */

#include <sys/stat.h>

#include "policy.h"

/* Keys that name a file's kind and ancestry; they never merge into a child. */
#define TD_POLICY_KEY_TENANT   "tenant"
#define TD_POLICY_KEY_PLAN     "plan"
#define TD_POLICY_KEY_INHERITS "inherits"

/* Pure permission rule for a policy file or its directory when running as
 * `euid`: as root, the object must be owned by root and not writable by
 * group or others, because whoever can write it controls every tenant's
 * limits. Returns 0 when safe, or -EPERM and writes a reason such as
 * "writable by group and others (mode 0666)" or "owned by uid 1000, not
 * root" into buf. Not root: always 0 (nothing to escalate to). */
int td_policy_check_perms(const struct stat *st, uid_t euid, char *buf, size_t size);

/* td_nearest(), plus one more rule for hints: a candidate of at least 3
 * characters that `word` starts with ("maximum" -> "max", "network" ->
 * "net"), the longest such one. NULL when nothing is close. */
const char *td_policy_nearest(const char *word, const char *const *candidates, size_t n);

/* True when a name is a valid tenant or plan name ([a-z0-9][a-z0-9_-]{0,63}). */
bool td_policy_name_valid(const char *s);

/* Merge `src` into `*dst` (both trees owned by the caller; `src` is copied,
 * never aliased): mappings merge key by key, recursively, except the values
 * of `rlimits.*` and `isolation.seccomp`, which replace as a whole like
 * scalars and lists. `keypath` is the dotted path of dst ("" at the root).
 * Returns 0 or -ENOMEM (dst is then unchanged or partially merged, still a
 * valid tree). */
int td_node_merge(td_node **dst, const td_node *src, const char *keypath);

/* The plan chain of an entry, root plan first, ending with the entry itself.
 * Returns the chain length (>= 1) in *ret (caller frees the array), or
 * -ELOOP (cycle), -ENOENT (missing plan), -ENOMEM. The set-level errors for
 * these were reported by td_policy_set_load. */
int td_policy_chain(const td_policy_set *set, const td_policy_entry *e,
                    const td_policy_entry ***ret);

/* True when every file on the entry's chain is valid. */
bool td_policy_chain_valid(const td_policy_set *set, const td_policy_entry *e);

/* Effective policy of any entry (tenant or plan), with the cross-field
 * checks of td_policy_effective. Same contract (no -ENOENT). */
int td_policy_entry_effective(const td_policy_set *set, const td_policy_entry *e,
                              td_policy *ret, td_diags *ds);

/* Run the checks that need a whole (merged) policy. `tree` is the tree
 * `p` was parsed from; its marks locate the fields. `files` lists the chain's
 * file names (the marks' file pointers), root plan first: when two fields
 * clash, the error points at the one from the later file, the one that
 * introduced the clash, and names the other. Returns 0, -EINVAL with errors
 * in ds, or -ENOMEM. */
int td_policy_cross_check(const td_node *tree, const td_policy *p, const char *const *files,
                          size_t n_files, td_diags *ds);
