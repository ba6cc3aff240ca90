/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Helpers shared by the policy unit tests: parse YAML text into a policy
 * and look for one formatted diagnostic. */

#include "policy-internal.h"
#include "tap.h"

/* Parse `yaml` (named "t.yaml") into *p; diagnostics into *ds. */
static inline int parse_text(const char *yaml, td_policy *p, td_diags *ds) {
        td_node *root = NULL;
        int r = td_yaml_parse("t.yaml", yaml, strlen(yaml), &root, ds);
        if (r < 0) {
                td_policy_init(p);
                return r;
        }
        r = td_policy_from_node(root, NULL, p, ds);
        td_node_free(root);
        return r;
}

/* True when some diagnostic, formatted "file:line:col: key: message",
 * contains `needle`. */
static inline bool has_diag(const td_diags *ds, const char *needle) {
        for (size_t i = 0; i < ds->n; i++) {
                char *s = td_diag_format(&ds->v[i]);
                bool hit = s && strstr(s, needle);
                free(s);
                if (hit)
                        return true;
        }
        return false;
}

static inline void dump_diags(const td_diags *ds) {
        for (size_t i = 0; i < ds->n; i++) {
                char *s = td_diag_format(&ds->v[i]);
                printf("#   diag: %s\n", s ? s : "?");
                free(s);
        }
}

/* A throwaway policy tree: ROOT/plans.d and ROOT/tenants.d under /tmp. */
#include <ftw.h>
#include <sys/stat.h>

typedef struct tmptree {
        char root[64], plans[128], tenants[128];
} tmptree;

static inline int tmptree_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(path) < 0 ? -1 : 0;
}

static inline void tmptree_rm(tmptree *t) {
        if (t->root[0])
                nftw(t->root, tmptree_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        t->root[0] = '\0';
}

/* Start over with empty plans.d and tenants.d directories. */
static inline void tmptree_fresh(tmptree *t) {
        tmptree_rm(t);
        snprintf(t->root, sizeof t->root, "/tmp/tenantd-test-policy-XXXXXX");
        if (!mkdtemp(t->root)) {
                perror("mkdtemp");
                exit(1);
        }
        snprintf(t->plans, sizeof t->plans, "%s/plans.d", t->root);
        snprintf(t->tenants, sizeof t->tenants, "%s/tenants.d", t->root);
        if (mkdir(t->plans, 0755) < 0 || mkdir(t->tenants, 0755) < 0) {
                perror("mkdir");
                exit(1);
        }
}

/* Write dir/name (mode 0644, so the root-only safety check passes). */
static inline void put(const char *dir, const char *name, const char *text) {
        char path[256];
        FILE *f;

        snprintf(path, sizeof path, "%s/%s", dir, name);
        f = fopen(path, "w");
        if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
                perror(path);
                exit(1);
        }
        chmod(path, 0644);
}
