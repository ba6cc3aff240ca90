/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Every diagnostic of ds formatted, for tests that compare a parser's
 * whole output in one string: each followed by `end`, separated by `sep`.
 * diags_joined is the common form, joined with "|". Caller frees; NULL on
 * ENOMEM. */

#include <stdio.h>

#include "diag.h"

static inline char *diags_join(const td_diags *ds, const char *sep, const char *end) {
        char *msg = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&msg, &size);

        for (size_t i = 0; f && i < ds->n; i++) {
                char *s = td_diag_format(&ds->v[i]);
                fprintf(f, "%s%s%s", i ? sep : "", s ? s : "?", end);
                free(s);
        }
        if (f)
                fclose(f);
        return msg;
}

static inline char *diags_joined(const td_diags *ds) {
        return diags_join(ds, "|", "");
}
