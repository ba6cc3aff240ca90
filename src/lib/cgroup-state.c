/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The applied-state cache: tenant -> hash of the policy fields that reach
 * cgroups, as last applied. It is what makes a re-apply with one changed
 * tenant out of 10,000 cost that one tenant's reads and writes: an entry
 * whose hash matches is skipped without a system call. In memory for the
 * daemon (it keeps its td_cg), in a state file for the CLI.
 *
 * The map is open addressing with a `seen` generation per slot, so a run
 * updates entries in place (no allocation for known tenants) and finds
 * vanished ones as the entries it did not see. Rebuilt only when entries go.
 *
 * The cache is only trusted for the tree it was built on: the fingerprint
 * covers each hierarchy's root path and (st_dev, st_ino), and the probed
 * host. A root that was removed and created again, a reboot (the state
 * file lives in /run), or another tenant_root start over with a full pass. */
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>

#include "cgroup-internal.h"

#define FNV_OFFSET UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME UINT64_C(0x100000001b3)
#define STATE_MAGIC "tenantd-cgroup-state 1"

static uint64_t fnv(uint64_t h, const void *data, size_t n) {
        const unsigned char *p = data;
        for (size_t i = 0; i < n; i++)
                h = (h ^ p[i]) * FNV_PRIME;
        return h;
}

static uint64_t fnv_u64(uint64_t h, uint64_t v) {
        return fnv(h, &v, sizeof v);
}

static uint64_t fnv_str(uint64_t h, const char *s) {
        return s ? fnv(h, s, strlen(s) + 1) : fnv_u64(h, 0xfe);
}

uint64_t td_cg_policy_hash(const td_policy *p) {
        uint64_t h = fnv_str(FNV_OFFSET, "tenantd-cgroup-1");
        const uint64_t nums[] = {
                p->cpu.weight, p->cpu.shares, p->cpu.quota, p->cpu.period_us,
                p->cpu.rt_runtime_us, p->cpu.rt_period_us,
                p->memory.max, p->memory.high, p->memory.swap_max,
                p->io.weight, p->io.n_devices, p->pids.max,
        };

        for (size_t i = 0; i < ELEMENTSOF(nums); i++)
                h = fnv_u64(h, nums[i]);
        h = fnv_str(fnv_str(h, p->cpu.cpus), p->cpu.mems);
        for (size_t i = 0; i < p->io.n_devices; i++) {
                const td_io_device *d = &p->io.devices[i];
                h = fnv_str(h, d->device);
                h = fnv_u64(fnv_u64(fnv_u64(fnv_u64(h, d->rbps), d->wbps), d->riops), d->wiops);
        }
        return h ?: 1;
}

static uint64_t tree_fingerprint(const td_cg *cg) {
        uint64_t h = fnv_str(FNV_OFFSET, "tenantd-tree-1");

        for (size_t i = 0; i < cg->layout.n_hier; i++) {
                struct stat st = {};
                if (cg->roots[i].fd >= 0)
                        (void) fstat(cg->roots[i].fd, &st);
                h = fnv_u64(fnv_u64(h, cg->layout.hier[i].version), cg->layout.hier[i].controllers);
                h = fnv_u64(fnv_u64(fnv_str(h, cg->roots[i].dir), st.st_dev), st.st_ino);
        }
        const td_cg_host *ho = &cg->host;
        for (size_t c = 0; c < _TD_CG_CONTROLLER_MAX; c++)
                h = fnv_u64(h, ho->version[c]);
        h = fnv_u64(h, ho->memsw | ho->swap << 1 | ho->io_weight << 2 | ho->bfq_weight << 3 | ho->rt << 4);
        return fnv_u64(h, ho->page_size);
}

/* ---- the map ----------------------------------------------------------- */

static size_t slot_of(const td_cg_cache *c, const char *key) {
        size_t i = fnv_str(FNV_OFFSET, key) & (c->cap - 1);
        while (c->keys[i] && !streq(c->keys[i], key))
                i = (i + 1) & (c->cap - 1);
        return i;
}

ssize_t td_cg_cache_find(const td_cg_cache *c, const char *key) {
        if (c->cap == 0)
                return -1;
        size_t i = slot_of(c, key);
        return c->keys[i] ? (ssize_t) i : -1;
}

/* Move every entry that `keep` (or all, when NULL) into a table of `cap`
 * slots. */
static int rebuild(td_cg_cache *c, size_t cap, bool only_seen) {
        td_cg_cache t = { .cap = cap };

        t.keys = calloc(cap, sizeof(char *));
        t.vals = calloc(cap, sizeof(uint64_t));
        t.seen = calloc(cap, sizeof(uint32_t));
        if (!t.keys || !t.vals || !t.seen) {
                free(t.keys);
                free(t.vals);
                free(t.seen);
                return -ENOMEM;
        }
        for (size_t i = 0; i < c->cap; i++) {
                if (!c->keys[i])
                        continue;
                if (only_seen && c->seen[i] != c->gen) {
                        free(c->keys[i]);
                        continue;
                }
                size_t j = slot_of(&t, c->keys[i]);
                t.keys[j] = c->keys[i];
                t.vals[j] = c->vals[i];
                t.seen[j] = c->seen[i];
                t.n++;
        }
        free(c->keys);
        free(c->vals);
        free(c->seen);
        c->keys = t.keys;
        c->vals = t.vals;
        c->seen = t.seen;
        c->cap = t.cap;
        c->n = t.n;
        return 0;
}

int td_cg_cache_reserve(td_cg_cache *c, size_t n) {
        size_t cap = c->cap ? c->cap : 64;

        while (cap < 2 * (n + 1))
                cap *= 2;
        return cap == c->cap ? 0 : rebuild(c, cap, false);
}

ssize_t td_cg_cache_put(td_cg_cache *c, const char *key, uint64_t val) {
        int r = td_cg_cache_reserve(c, c->n + 1);
        if (r < 0)
                return r;
        size_t i = slot_of(c, key);
        if (!c->keys[i]) {
                if (!(c->keys[i] = strdup(key)))
                        return -ENOMEM;
                c->n++;
                c->dirty = true;
        }
        if (c->vals[i] != val)
                c->dirty = true;
        c->vals[i] = val;
        c->seen[i] = c->gen;
        return (ssize_t) i;
}

int td_cg_cache_prune(td_cg_cache *c) {
        size_t unseen = 0;

        for (size_t i = 0; i < c->cap; i++)
                unseen += c->keys[i] && c->seen[i] != c->gen;
        if (unseen == 0)
                return 0;
        c->dirty = true;
        return rebuild(c, c->cap, true);
}

void td_cg_cache_free(td_cg_cache *c) {
        if (!c)
                return;
        for (size_t i = 0; i < c->cap; i++)
                free(c->keys[i]);
        free(c->keys);
        free(c->vals);
        free(c->seen);
        free(c);
}

/* ---- the state file ---------------------------------------------------- */

static void cache_load(td_cg_cache *c, const char *path) {
        _cleanup_free_ char *text = NULL;
        uint64_t fp, rt;
        char *s;

        if (!path || td_read_file(path, 64 << 20, &text, NULL) < 0)
                return;
        if (sscanf(text, STATE_MAGIC " %" SCNx64 " %" SCNx64, &fp, &rt) != 2 || fp != c->fingerprint)
                return;   /* another tree, or the tree was created again */
        s = strchr(text, '\n');
        while (s && *++s) {
                char *eol = strchrnul(s, '\n'), *sp = memchr(s, ' ', eol - s);
                uint64_t h;
                if (!sp || sscanf(s, "%" SCNx64, &h) != 1)
                        return;   /* damaged: start over */
                *eol = 0;
                if (td_cg_cache_put(c, sp + 1, h) < 0)
                        return;
                s = eol;
        }
        c->rt_ppb = rt;
        c->valid = true;
        c->dirty = false;
}

int td_cg_cache_save(td_cg_cache *c, const char *path) {
        _cleanup_free_ char *tmp = td_strdupf("%s.tmp", path);
        _cleanup_fclose_ FILE *f = NULL;

        if (!tmp)
                return -ENOMEM;
        if (!c->dirty && access(path, F_OK) == 0)
                return 0;
        f = fopen(tmp, "we");
        if (!f && errno == ENOENT) {
                /* /run/tenantd on a fresh boot. */
                _cleanup_free_ char *dir = strdup(path);
                char *slash = dir ? strrchr(dir, '/') : NULL;
                if (slash && slash != dir) {
                        *slash = 0;
                        (void) mkdir(dir, 0755);
                }
                f = fopen(tmp, "we");
        }
        if (!f)
                return -errno;
        fprintf(f, STATE_MAGIC " %016" PRIx64 " %" PRIx64 "\n", c->fingerprint, c->rt_ppb);
        for (size_t i = 0; i < c->cap; i++)
                if (c->keys[i])
                        fprintf(f, "%016" PRIx64 " %s\n", c->vals[i], c->keys[i]);
        if (fflush(f) != 0 || ferror(f)) {
                (void) unlink(tmp);
                return -EIO;
        }
        if (rename(tmp, path) < 0)
                return -errno;
        c->dirty = false;
        return 0;
}

int td_cg_cache_get(td_cg *cg, td_cg_cache **ret) {
        uint64_t fp = tree_fingerprint(cg);

        if (cg->cache && cg->cache->fingerprint != fp) {
                td_cg_cache_free(cg->cache);
                cg->cache = NULL;
        }
        if (!cg->cache) {
                cg->cache = calloc(1, sizeof *cg->cache);
                if (!cg->cache)
                        return -ENOMEM;
                cg->cache->fingerprint = fp;
                cg->cache->rt_ppb = UINT64_MAX;
                cache_load(cg->cache, cg->state_path);
        }
        *ret = cg->cache;
        return 0;
}
