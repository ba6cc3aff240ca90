/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the fuzz targets. Each defines LLVMFuzzerTestOneInput; with
 * --enable-fuzzing libFuzzer drives it, otherwise replay.c does, over the
 * saved inputs in tests/fuzz/corpus/<target>/. */

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Format every diagnostic (the formatter and td_quote see hostile text
 * too), then free them. */
static inline void fuzz_drain_diags(td_diags *ds) {
        for (size_t i = 0; i < ds->n; i++)
                free(td_diag_format(&ds->v[i]));
        td_diags_done(ds);
}
