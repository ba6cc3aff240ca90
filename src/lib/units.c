/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit parsers. Hand-written instead of strtoull()/strtod(): those accept
 * leading blanks, a sign ("-1" wraps to 2^64-1), hex, "inf" and locale
 * decimal points, and floating point would make "1.1G" inexact. Here a
 * number is [0-9]+ with an optional "." and fraction, and every step is
 * checked for overflow.
 *
 * Spelling rules (see units.h for the user-visible list):
 *  - Size suffixes are case-insensitive and binary (K = 1024): "2g", "512M",
 *    "512MiB", "512mb", "1.5G", "4096B", "512 MiB" (one optional space).
 *    A lower-case "b" also means bytes: bits never make sense for a limit.
 *  - Duration suffixes are lower-case only (us, ms, s, m or min, h) because
 *    "M" reads as mega next to the size units.
 *  - "max", "unlimited", "infinity" are case-insensitive.
 *  - A fraction is allowed only where it still names a whole number of the
 *    base unit after scaling (bytes are rounded down: "0.1G" is 107374182).
 *    CPU and durations refuse a remainder finer than a millicore or a
 *    microsecond rather than silently changing the operator's value. */
#include <strings.h>

#include "units.h"

/* Largest storable value: the two top values are the TD_UNSET and
 * TD_UNLIMITED sentinels. */
#define VALUE_MAX (TD_UNLIMITED - 1)
#define FRAC_DIGITS_MAX 18

typedef struct number {
        uint64_t whole;
        uint64_t frac;          /* fraction digits as an integer ... */
        uint64_t frac_scale;    /* ... over this power of ten (1: no fraction) */
        bool has_point;
} number;

/* Parse [0-9]+(\.[0-9]+)? at *p, advancing *p. -EINVAL on no digits or a
 * dangling point, -ERANGE on overflow of the integer part or too many
 * fraction digits. */
static int parse_number(const char **p, number *ret) {
        const char *s = *p;
        number n = { .frac_scale = 1 };

        if (*s < '0' || *s > '9')
                return -EINVAL;
        for (; *s >= '0' && *s <= '9'; s++)
                if (__builtin_mul_overflow(n.whole, 10, &n.whole) ||
                    __builtin_add_overflow(n.whole, (uint64_t) (*s - '0'), &n.whole))
                        return -ERANGE;
        if (*s == '.') {
                unsigned digits = 0;

                s++;
                n.has_point = true;
                if (*s < '0' || *s > '9')
                        return -EINVAL;
                for (; *s >= '0' && *s <= '9'; s++) {
                        if (++digits > FRAC_DIGITS_MAX)
                                return -ERANGE;
                        n.frac = n.frac * 10 + (uint64_t) (*s - '0');
                        n.frac_scale *= 10;
                }
        }
        *p = s;
        *ret = n;
        return 0;
}

/* n * mult. With exact, a remainder (a fraction finer than 1/mult) is an
 * error; without, the result is rounded down. */
static int number_scale(const number *n, uint64_t mult, bool exact, uint64_t *ret) {
        uint64_t v;
        unsigned __int128 f;

        if (__builtin_mul_overflow(n->whole, mult, &v))
                return -ERANGE;
        /* frac < 10^18 and mult < 2^64 fit in 128 bits. */
        f = (unsigned __int128) n->frac * mult;
        if (exact && f % n->frac_scale != 0)
                return -EINVAL;
        if (__builtin_add_overflow(v, (uint64_t) (f / n->frac_scale), &v))
                return -ERANGE;
        if (v > VALUE_MAX)
                return -ERANGE;
        *ret = v;
        return 0;
}

static bool is_max_word(const char *s) {
        return strcasecmp(s, "max") == 0 || strcasecmp(s, "unlimited") == 0 ||
               strcasecmp(s, "infinity") == 0;
}

/* The binary multiplier of a size suffix at *p ("", "B", "K", "KiB", "kb",
 * ...), advancing *p past it. -EINVAL for anything else. */
static int parse_size_suffix(const char **p, uint64_t *ret_mult) {
        static const char letters[] = "KMGTP";
        const char *s = *p, *l;
        uint64_t mult = 1;

        if (*s == ' ')
                s++;
        if (*s && (l = strchr(letters, *s & ~0x20)) && *l) {
                mult <<= 10 * (unsigned) (l - letters + 1);
                s++;
                if (*s == 'i' || *s == 'I') {
                        s++;
                        if (*s != 'B' && *s != 'b')
                                goto done;  /* "Ki" alone is fine */
                }
                if (*s == 'B' || *s == 'b')
                        s++;
        } else if (*s == 'B' || *s == 'b')
                s++;
        else if (s != *p)
                return -EINVAL;  /* a space with no suffix after it */
done:
        *p = s;
        *ret_mult = mult;
        return 0;
}

/* Size, with `rest` pointing after it on success. A fraction needs a suffix:
 * "1.5" bytes is a typo, not a request for one byte. */
static int parse_size_prefix(const char *s, const char **rest, uint64_t *ret) {
        number n;
        uint64_t mult;
        int r;

        r = parse_number(&s, &n);
        if (r < 0)
                return r;
        r = parse_size_suffix(&s, &mult);
        if (r < 0)
                return r;
        if (n.has_point && mult == 1)
                return -EINVAL;
        r = number_scale(&n, mult, false, ret);
        if (r < 0)
                return r;
        *rest = s;
        return 0;
}

static int parse_size(const char *s, uint64_t *ret) {
        const char *rest;
        uint64_t v;
        int r = parse_size_prefix(s, &rest, &v);
        if (r < 0)
                return r;
        if (*rest)
                return -EINVAL;
        *ret = v;
        return 0;
}

/* "10M/s", "10MB/s", "1048576", "1048576/s". A suffix without "/s" is
 * refused: "10M" under read_bps is more likely a unit slip than a rate. */
static int parse_rate(const char *s, uint64_t *ret) {
        const char *start = s, *rest;
        uint64_t v;
        int r = parse_size_prefix(s, &rest, &v);
        if (r < 0)
                return r;
        if (streq(rest, "/s")) {
                *ret = v;
                return 0;
        }
        if (*rest)
                return -EINVAL;
        for (; start < rest; start++)
                if (*start < '0' || *start > '9')
                        return -EINVAL;
        *ret = v;
        return 0;
}

static int parse_count(const char *s, uint64_t *ret) {
        number n;
        int r = parse_number(&s, &n);
        if (r < 0)
                return r;
        if (n.has_point || *s)
                return -EINVAL;
        if (n.whole > VALUE_MAX)
                return -ERANGE;
        *ret = n.whole;
        return 0;
}

/* "500", "500iops", "500/s". */
static int parse_iops(const char *s, uint64_t *ret) {
        number n;
        int r = parse_number(&s, &n);
        if (r < 0)
                return r;
        if (n.has_point)
                return -EINVAL;
        if (*s == ' ' && strcasecmp(s + 1, "iops") == 0)
                s += 5;
        else if (strcasecmp(s, "iops") == 0)
                s += 4;
        else if (streq(s, "/s"))
                s += 2;
        if (*s)
                return -EINVAL;
        if (n.whole > VALUE_MAX)
                return -ERANGE;
        *ret = n.whole;
        return 0;
}

/* "150%", "12.5%", "1.5", "1.5 cores", "2cores", "1 core" -> millicores. */
static int parse_cpu(const char *s, uint64_t *ret) {
        number n;
        uint64_t mult, v;
        int r = parse_number(&s, &n);
        if (r < 0)
                return -EINVAL;
        if (streq(s, "%"))
                mult = 10;
        else {
                if (*s == ' ')
                        s++;
                if (*s && strcasecmp(s, "cores") != 0 && strcasecmp(s, "core") != 0)
                        return -EINVAL;
                if (*s == '\0' && s[-1] == ' ')
                        return -EINVAL;
                mult = 1000;
        }
        /* Here -ERANGE is kept for a zero share alone, so the caller can
         * say "above 0" without looking at the text; an absurdly large
         * share is plain junk. */
        r = number_scale(&n, mult, true, &v);
        if (r < 0)
                return -EINVAL;
        /* A zero quota would stop the group dead; the kernel refuses it
         * too. */
        if (v == 0)
                return -ERANGE;
        *ret = v;
        return 0;
}

static const struct {
        const char *suffix;
        uint64_t usec;
} duration_units[] = {
        { "us", 1 },
        { "ms", 1000 },
        { "s", 1000000 },
        { "m", 60 * 1000000ULL },
        { "min", 60 * 1000000ULL },
        { "h", 3600 * 1000000ULL },
};

/* "100ms", "1s", "1.5s", "500us", "2m", bare "100000" = microseconds. */
static int parse_duration(const char *s, uint64_t *ret) {
        number n;
        uint64_t mult = 0;
        int r = parse_number(&s, &n);
        if (r < 0)
                return r;
        if (*s == '\0') {
                if (n.has_point)
                        return -EINVAL;
                mult = 1;
        } else
                for (size_t i = 0; i < ELEMENTSOF(duration_units); i++)
                        if (streq(s, duration_units[i].suffix))
                                mult = duration_units[i].usec;
        if (mult == 0)
                return -EINVAL;
        return number_scale(&n, mult, true, ret);
}

int td_parse_unit(td_unit unit, const char *s, bool allow_max, uint64_t *ret) {
        uint64_t v = 0;
        int r;

        if (!s || !*s)
                return -EINVAL;
        if (is_max_word(s)) {
                if (!allow_max)
                        return -EINVAL;
                *ret = TD_UNLIMITED;
                return 0;
        }

        switch (unit) {
        case TD_UNIT_SIZE:
        case TD_UNIT_RLIMIT:
                r = parse_size(s, &v);
                break;
        case TD_UNIT_RATE:
                r = parse_rate(s, &v);
                break;
        case TD_UNIT_IOPS:
                r = parse_iops(s, &v);
                break;
        case TD_UNIT_CPU:
                r = parse_cpu(s, &v);
                break;
        case TD_UNIT_DURATION:
                r = parse_duration(s, &v);
                break;
        case TD_UNIT_COUNT:
                r = parse_count(s, &v);
                break;
        case _TD_UNIT_MAX:
        case _TD_UNIT_INVALID:
        default:
                return -EINVAL;
        }
        if (r < 0)
                return r;
        *ret = v;
        return 0;
}

const char *td_unit_expect(td_unit unit) {
        switch (unit) {
        case TD_UNIT_SIZE:
                return "a size like 512M or 2G";
        case TD_UNIT_RATE:
                return "a rate like 10M/s";
        case TD_UNIT_IOPS:
                return "a number of operations per second like 500";
        case TD_UNIT_CPU:
                return "a CPU share like 150% or 1.5 cores";
        case TD_UNIT_DURATION:
                return "a duration like 100ms or 1s";
        case TD_UNIT_COUNT:
                return "a whole number";
        case TD_UNIT_RLIMIT:
                return "a whole number, a size like 4G, or \"unlimited\"";
        case _TD_UNIT_MAX:
        case _TD_UNIT_INVALID:
        default:
                return "a value";
        }
}

/* Largest binary suffix that divides v exactly; 0 stays "0". */
static void format_size(uint64_t v, const char *tail, char *buf, size_t size) {
        static const char letters[] = "KMGTP";
        unsigned i = 0;

        while (v != 0 && i < sizeof letters - 1 && v % 1024 == 0) {
                v /= 1024;
                i++;
        }
        if (i == 0)
                snprintf(buf, size, "%" PRIu64 "%s", v, tail);
        else
                snprintf(buf, size, "%" PRIu64 "%c%s", v, letters[i - 1], tail);
}

static void format_duration(uint64_t v, char *buf, size_t size) {
        /* Largest unit first; "min" is only a parse alias of "m". */
        static const size_t order[] = { 5, 3, 2, 1, 0 };

        if (v == 0) {
                snprintf(buf, size, "0");
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(order); i++) {
                uint64_t u = duration_units[order[i]].usec;
                if (v % u == 0) {
                        snprintf(buf, size, "%" PRIu64 "%s", v / u, duration_units[order[i]].suffix);
                        return;
                }
        }
}

const char *td_format_unit(td_unit unit, uint64_t v, char *buf, size_t size) {
        if (!buf || size == 0)
                return buf;
        if (v == TD_UNSET) {
                snprintf(buf, size, "unset");
                return buf;
        }
        if (v == TD_UNLIMITED) {
                snprintf(buf, size, unit == TD_UNIT_RLIMIT ? "unlimited" : "max");
                return buf;
        }
        switch (unit) {
        case TD_UNIT_SIZE:
                format_size(v, "", buf, size);
                break;
        case TD_UNIT_RATE:
                format_size(v, "/s", buf, size);
                break;
        case TD_UNIT_CPU:
                if (v % 10 == 0)
                        snprintf(buf, size, "%" PRIu64 "%%", v / 10);
                else
                        snprintf(buf, size, "%" PRIu64 ".%" PRIu64 "%%", v / 10, v % 10);
                break;
        case TD_UNIT_DURATION:
                format_duration(v, buf, size);
                break;
        case TD_UNIT_IOPS:
        case TD_UNIT_COUNT:
        case TD_UNIT_RLIMIT:
        case _TD_UNIT_MAX:
        case _TD_UNIT_INVALID:
        default:
                snprintf(buf, size, "%" PRIu64, v);
                break;
        }
        return buf;
}

/* An unsigned decimal at *p no larger than max; no sign, no blanks. */
static int parse_uint_max(const char **p, uint64_t max, uint64_t *ret) {
        const char *s = *p;
        uint64_t v = 0;

        if (*s < '0' || *s > '9')
                return -EINVAL;
        for (; *s >= '0' && *s <= '9'; s++) {
                v = v * 10 + (uint64_t) (*s - '0');
                if (v > max)
                        return -EINVAL;
        }
        *p = s;
        *ret = v;
        return 0;
}

#define CPULIST_ID_MAX 4095

int td_parse_cpulist(const char *s, unsigned *ret_max) {
        uint64_t highest = 0;

        if (!s || !*s)
                return -EINVAL;
        for (;;) {
                uint64_t a, b;

                if (parse_uint_max(&s, CPULIST_ID_MAX, &a) < 0)
                        return -EINVAL;
                b = a;
                if (*s == '-') {
                        s++;
                        if (parse_uint_max(&s, CPULIST_ID_MAX, &b) < 0 || b < a)
                                return -EINVAL;
                }
                highest = MAX(highest, b);
                if (*s == '\0')
                        break;
                if (*s != ',')
                        return -EINVAL;
                s++;
        }
        *ret_max = (unsigned) highest;
        return 0;
}

/* (uid_t) -1 is "no change" to setresuid() and -2 is often nobody's
 * overflow id; ranges stop below the former. */
#define ID_MAX (UINT32_MAX - 1)

int td_parse_id_range(const char *s, uint32_t *ret_first, uint32_t *ret_last) {
        uint64_t a, b;

        if (!s || parse_uint_max(&s, ID_MAX, &a) < 0)
                return -EINVAL;
        b = a;
        if (*s == '-') {
                s++;
                if (parse_uint_max(&s, ID_MAX, &b) < 0 || b < a)
                        return -EINVAL;
        }
        if (*s)
                return -EINVAL;
        *ret_first = (uint32_t) a;
        *ret_last = (uint32_t) b;
        return 0;
}
