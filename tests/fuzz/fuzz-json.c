/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The JSON reader (seccomp profiles). */
#include "fuzz.h"
#include "node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        td_diags ds = {};
        td_node *root = NULL;

        if (td_json_parse("fuzz.json", (const char *) data, size, &root, &ds) == 0) {
                td_node *copy = td_node_dup(root);
                (void) td_node_describe(td_node_get(copy, "syscalls"));
                td_node_free(copy);
        }
        td_node_free(root);
        fuzz_drain_diags(&ds);
        return 0;
}
