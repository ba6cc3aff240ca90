/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Parsers for the units operators write. Each returns 0 and stores the
 * value, or a negative errno and leaves *ret untouched: -EINVAL for text
 * that is not of the unit's form, -ERANGE for a well-formed value out of
 * range (overflow; for TD_UNIT_CPU only a zero share, so the caller can say
 * "must be above 0"). The caller turns either into a diagnostic using
 * td_unit_expect(); where it passed allow_max it appends ' or "max"' itself
 * (td_unit_expect never mentions "max"; only the rlimit text already offers
 * "unlimited"). "max", "unlimited" and "infinity"
 * (any case) parse to TD_UNLIMITED where allowed. No I/O.
 * Size suffixes are binary and case-insensitive (2g = 2G = 2GiB = 2GB);
 * duration suffixes are lower-case us, ms, s, m (or min), h. units.c has the
 * full spelling rules. */

#include <inttypes.h>

#include "util.h"

#define TD_UNSET     UINT64_MAX           /* not configured */
#define TD_UNLIMITED (UINT64_MAX - 1)     /* "max" / "unlimited" */

typedef enum td_unit {
        TD_UNIT_SIZE,      /* bytes: 4096, 512K, 512M, 2G, 1T, 1.5G, "512 MiB"; K=1024 */
        TD_UNIT_RATE,      /* bytes/second: 10M/s, 10MB/s, 1048576 */
        TD_UNIT_IOPS,      /* operations/second: 500, 500iops, 500/s */
        TD_UNIT_CPU,       /* millicores: 150% or 1.5 or "1.5 cores" -> 1500 */
        TD_UNIT_DURATION,  /* microseconds: 100ms, 1s, 500us, 100000 (bare = us) */
        TD_UNIT_COUNT,     /* plain non-negative integer */
        TD_UNIT_RLIMIT,    /* integer or size (for byte rlimits) or unlimited */
        _TD_UNIT_MAX,
        _TD_UNIT_INVALID = -EINVAL,
} td_unit;

/* Parse `s` in `unit`. allow_max: accept "max"/"unlimited"/"infinity". */
int td_parse_unit(td_unit unit, const char *s, bool allow_max, uint64_t *ret);

/* "a size like 512M or 2G" and so on, for "expected ..., got ..." errors. */
const char *td_unit_expect(td_unit unit);

/* Format a value back into the operator's units (for `check --effective`
 * and `show`): 2G, 10M/s, 150%, 100ms, max. Writes into buf, returns buf. */
const char *td_format_unit(td_unit unit, uint64_t v, char *buf, size_t size);

/* Parse a cpuset list such as "0-3,8,10-11". Returns 0 and the highest
 * listed id, or -EINVAL. Ids above 4095 are rejected. */
int td_parse_cpulist(const char *s, unsigned *ret_max);

/* Parse "N" or "N-M" (uids); -EINVAL on junk, reversed or > 2^32-2. */
int td_parse_id_range(const char *s, uint32_t *ret_first, uint32_t *ret_last);
