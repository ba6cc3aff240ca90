/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Every diagnostic of ds formatted and joined with "|", for tests that
 * compare a parser's whole output in one string. Caller frees; NULL on
 * ENOMEM. */

#include <stdio.h>

#include "diag.h"

static inline char *diags_joined(const td_diags *ds) {
        char *msg = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&msg, &size);

        for (size_t i = 0; f && i < ds->n; i++) {
                char *s = td_diag_format(&ds->v[i]);
                fprintf(f, "%s%s", i ? "|" : "", s ? s : "?");
                free(s);
        }
        if (f)
                fclose(f);
        return msg;
}
