/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* YAML text -> td_node tree -> td_policy: the path every policy file takes.
 * Inputs with a seccomp `profile:` are resolved against a directory that
 * does not exist, so the fuzzer does not wander the file system through
 * relative paths (absolute ones are still read: they end in ENOENT,
 * EISDIR or a size limit). */
#include "fuzz.h"
#include "node.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        td_diags ds = {};
        td_node *root = NULL;

        if (td_yaml_parse("fuzz.yaml", (const char *) data, size, &root, &ds) == 0) {
                td_policy p;

                td_policy_init(&p);
                (void) td_policy_from_node(root, "/nonexistent-tenantd-fuzz", &p, &ds);
                td_policy_done(&p);

                /* The tree API must hold up on whatever came out. */
                td_node *copy = td_node_dup(root);
                (void) td_node_describe(td_node_get(copy, "tenant"));
                td_node_free(copy);
        }
        td_node_free(root);
        fuzz_drain_diags(&ds);
        return 0;
}
