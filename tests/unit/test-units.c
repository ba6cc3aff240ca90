/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "tap.h"
#include "units.h"

#define K 1024ULL
#define M (1024ULL * K)
#define G (1024ULL * M)
#define T (1024ULL * G)
#define P (1024ULL * T)

static const char *unit_name(td_unit u) {
        static const char *const names[] = { "size", "rate", "iops", "cpu", "duration", "count", "rlimit" };
        return (unsigned) u < ELEMENTSOF(names) ? names[u] : "?";
}

static void good(td_unit u, const char *s, bool allow_max, uint64_t want) {
        uint64_t v = 12345;
        int r = td_parse_unit(u, s, allow_max, &v);
        ok(r == 0 && v == want, "%s \"%s\" -> %" PRIu64, unit_name(u), s, want);
        if (r != 0 || v != want)
                printf("#   r=%d v=%" PRIu64 "\n", r, v);
}

/* Bad input must fail with want_errno and leave *ret untouched. */
static void bad(td_unit u, const char *s, int want_errno) {
        uint64_t v = 12345;
        int r = td_parse_unit(u, s, true, &v);
        ok(r == -want_errno && v == 12345, "%s \"%s\" rejected (%s)", unit_name(u), s ? s : "(null)",
           want_errno == EINVAL ? "EINVAL" : "ERANGE");
        if (r != -want_errno)
                printf("#   r=%d v=%" PRIu64 "\n", r, v);
}

static void fmt(td_unit u, uint64_t v, const char *want) {
        char buf[64];
        is_str(td_format_unit(u, v, buf, sizeof buf), want, "format %s %" PRIu64 " -> %s", unit_name(u), v, want);
}

static void test_size(void) {
        good(TD_UNIT_SIZE, "0", false, 0);
        good(TD_UNIT_SIZE, "4096", false, 4096);
        good(TD_UNIT_SIZE, "512K", false, 512 * K);
        good(TD_UNIT_SIZE, "512M", false, 512 * M);
        good(TD_UNIT_SIZE, "512MiB", false, 512 * M);
        good(TD_UNIT_SIZE, "512MB", false, 512 * M);
        good(TD_UNIT_SIZE, "512mb", false, 512 * M);
        good(TD_UNIT_SIZE, "512Mi", false, 512 * M);
        good(TD_UNIT_SIZE, "512 MiB", false, 512 * M);
        good(TD_UNIT_SIZE, "2g", false, 2 * G);
        good(TD_UNIT_SIZE, "2G", false, 2 * G);
        good(TD_UNIT_SIZE, "1T", false, T);
        good(TD_UNIT_SIZE, "3P", false, 3 * P);
        good(TD_UNIT_SIZE, "1.5G", false, 3 * G / 2);
        good(TD_UNIT_SIZE, "0.5K", false, 512);
        good(TD_UNIT_SIZE, "0.1K", false, 102);  /* rounded down to whole bytes */
        good(TD_UNIT_SIZE, "4096B", false, 4096);
        good(TD_UNIT_SIZE, "4096b", false, 4096);
        good(TD_UNIT_SIZE, "max", true, TD_UNLIMITED);
        good(TD_UNIT_SIZE, "MAX", true, TD_UNLIMITED);
        good(TD_UNIT_SIZE, "unlimited", true, TD_UNLIMITED);
        good(TD_UNIT_SIZE, "infinity", true, TD_UNLIMITED);
        good(TD_UNIT_SIZE, "18446744073709551613", false, TD_UNLIMITED - 1);
        good(TD_UNIT_SIZE, "16383P", false, 16383 * P);

        bad(TD_UNIT_SIZE, "", EINVAL);
        bad(TD_UNIT_SIZE, NULL, EINVAL);
        bad(TD_UNIT_SIZE, "-1", EINVAL);
        bad(TD_UNIT_SIZE, "-1G", EINVAL);
        bad(TD_UNIT_SIZE, "+1G", EINVAL);
        bad(TD_UNIT_SIZE, " 1G", EINVAL);
        bad(TD_UNIT_SIZE, "1G ", EINVAL);
        bad(TD_UNIT_SIZE, "1 ", EINVAL);
        bad(TD_UNIT_SIZE, "1  G", EINVAL);
        bad(TD_UNIT_SIZE, "lots", EINVAL);
        bad(TD_UNIT_SIZE, "1X", EINVAL);
        bad(TD_UNIT_SIZE, "1GG", EINVAL);
        bad(TD_UNIT_SIZE, "1Gx", EINVAL);
        bad(TD_UNIT_SIZE, "1iB", EINVAL);
        bad(TD_UNIT_SIZE, "1.5", EINVAL);      /* a fraction needs a suffix */
        bad(TD_UNIT_SIZE, "1.", EINVAL);
        bad(TD_UNIT_SIZE, ".5G", EINVAL);
        bad(TD_UNIT_SIZE, "1..5G", EINVAL);
        bad(TD_UNIT_SIZE, "0x10", EINVAL);
        bad(TD_UNIT_SIZE, "1e3", EINVAL);
        bad(TD_UNIT_SIZE, "1,5G", EINVAL);
        bad(TD_UNIT_SIZE, "1E", EINVAL);       /* exabytes would not fit below the sentinels */
        bad(TD_UNIT_SIZE, "16384P", ERANGE);
        bad(TD_UNIT_SIZE, "18446744073709551614", ERANGE);  /* TD_UNLIMITED itself */
        bad(TD_UNIT_SIZE, "18446744073709551616", ERANGE);
        bad(TD_UNIT_SIZE, "99999999999999999999999", ERANGE);
        bad(TD_UNIT_SIZE, "1.0000000000000000000001G", ERANGE);

        uint64_t v = 7;
        is_int(td_parse_unit(TD_UNIT_SIZE, "max", false, &v), -EINVAL, "max refused without allow_max");
        is_int(v, 7, "value untouched on error");
}

static void test_rate_iops(void) {
        good(TD_UNIT_RATE, "10M/s", false, 10 * M);
        good(TD_UNIT_RATE, "10MB/s", false, 10 * M);
        good(TD_UNIT_RATE, "10MiB/s", false, 10 * M);
        good(TD_UNIT_RATE, "1048576", false, M);
        good(TD_UNIT_RATE, "1048576/s", false, M);
        good(TD_UNIT_RATE, "1.5k/s", false, 1536);
        good(TD_UNIT_RATE, "max", true, TD_UNLIMITED);
        bad(TD_UNIT_RATE, "10M", EINVAL);       /* a suffix without /s */
        bad(TD_UNIT_RATE, "10M/m", EINVAL);
        bad(TD_UNIT_RATE, "10M/s ", EINVAL);
        bad(TD_UNIT_RATE, "/s", EINVAL);
        bad(TD_UNIT_RATE, "-10M/s", EINVAL);

        good(TD_UNIT_IOPS, "500", false, 500);
        good(TD_UNIT_IOPS, "500iops", false, 500);
        good(TD_UNIT_IOPS, "500 IOPS", false, 500);
        good(TD_UNIT_IOPS, "500/s", false, 500);
        good(TD_UNIT_IOPS, "0", false, 0);
        good(TD_UNIT_IOPS, "max", true, TD_UNLIMITED);
        bad(TD_UNIT_IOPS, "500K", EINVAL);
        bad(TD_UNIT_IOPS, "1.5", EINVAL);
        bad(TD_UNIT_IOPS, "500 ", EINVAL);
        bad(TD_UNIT_IOPS, "iops", EINVAL);
}

static void test_cpu(void) {
        good(TD_UNIT_CPU, "150%", false, 1500);
        good(TD_UNIT_CPU, "12.5%", false, 125);
        good(TD_UNIT_CPU, "0.1%", false, 1);
        good(TD_UNIT_CPU, "1.5", false, 1500);
        good(TD_UNIT_CPU, "2", false, 2000);
        good(TD_UNIT_CPU, "1.5 cores", false, 1500);
        good(TD_UNIT_CPU, "2 cores", false, 2000);
        good(TD_UNIT_CPU, "1 core", false, 1000);
        good(TD_UNIT_CPU, "2cores", false, 2000);
        good(TD_UNIT_CPU, "0.001", false, 1);
        good(TD_UNIT_CPU, "max", true, TD_UNLIMITED);
        bad(TD_UNIT_CPU, "0%", ERANGE);        /* "quota must be above 0" */
        bad(TD_UNIT_CPU, "0", ERANGE);
        bad(TD_UNIT_CPU, "0.0 cores", ERANGE);
        bad(TD_UNIT_CPU, "-1", EINVAL);
        bad(TD_UNIT_CPU, "12.55%", EINVAL);    /* finer than a millicore */
        bad(TD_UNIT_CPU, "0.0001", EINVAL);
        bad(TD_UNIT_CPU, "150 %", EINVAL);
        bad(TD_UNIT_CPU, "150%%", EINVAL);
        bad(TD_UNIT_CPU, "1.5 ", EINVAL);
        bad(TD_UNIT_CPU, "1.5 cpus", EINVAL);
        bad(TD_UNIT_CPU, "cores", EINVAL);
        /* For CPU, -ERANGE means "zero" alone; overflow is junk. */
        bad(TD_UNIT_CPU, "99999999999999999999%", EINVAL);
        bad(TD_UNIT_CPU, "18446744073709552", EINVAL);  /* x1000 overflows */
}

static void test_duration(void) {
        good(TD_UNIT_DURATION, "100ms", false, 100000);
        good(TD_UNIT_DURATION, "1s", false, 1000000);
        good(TD_UNIT_DURATION, "1.5s", false, 1500000);
        good(TD_UNIT_DURATION, "500us", false, 500);
        good(TD_UNIT_DURATION, "2m", false, 120000000);
        good(TD_UNIT_DURATION, "2min", false, 120000000);
        good(TD_UNIT_DURATION, "1h", false, 3600000000ULL);
        good(TD_UNIT_DURATION, "100000", false, 100000);
        good(TD_UNIT_DURATION, "0", false, 0);
        good(TD_UNIT_DURATION, "0.5ms", false, 500);
        bad(TD_UNIT_DURATION, "1.5", EINVAL);   /* bare = whole microseconds */
        bad(TD_UNIT_DURATION, "0.5us", EINVAL);
        bad(TD_UNIT_DURATION, "1.0000001s", EINVAL);
        bad(TD_UNIT_DURATION, "100MS", EINVAL);  /* lower-case only */
        bad(TD_UNIT_DURATION, "1d", EINVAL);
        bad(TD_UNIT_DURATION, "1 s", EINVAL);
        bad(TD_UNIT_DURATION, "s", EINVAL);
        bad(TD_UNIT_DURATION, "-1s", EINVAL);
        bad(TD_UNIT_DURATION, "99999999999999h", ERANGE);
}

static void test_count_rlimit(void) {
        good(TD_UNIT_COUNT, "0", false, 0);
        good(TD_UNIT_COUNT, "200", false, 200);
        good(TD_UNIT_COUNT, "007", false, 7);
        good(TD_UNIT_COUNT, "max", true, TD_UNLIMITED);
        bad(TD_UNIT_COUNT, "1K", EINVAL);
        bad(TD_UNIT_COUNT, "1.0", EINVAL);
        bad(TD_UNIT_COUNT, "-0", EINVAL);
        bad(TD_UNIT_COUNT, "12a", EINVAL);
        bad(TD_UNIT_COUNT, "18446744073709551615", ERANGE);

        good(TD_UNIT_RLIMIT, "4096", false, 4096);
        good(TD_UNIT_RLIMIT, "4G", false, 4 * G);
        good(TD_UNIT_RLIMIT, "unlimited", true, TD_UNLIMITED);
        bad(TD_UNIT_RLIMIT, "lots", EINVAL);

        uint64_t v = 1;
        is_int(td_parse_unit(_TD_UNIT_MAX, "1", false, &v), -EINVAL, "unknown unit rejected");
}

static void test_format(void) {
        fmt(TD_UNIT_SIZE, 2147483648ULL, "2G");
        fmt(TD_UNIT_SIZE, 1536 * M, "1536M");
        fmt(TD_UNIT_SIZE, 4096, "4K");
        fmt(TD_UNIT_SIZE, 1000, "1000");
        fmt(TD_UNIT_SIZE, 0, "0");
        fmt(TD_UNIT_SIZE, 5 * P, "5P");
        fmt(TD_UNIT_SIZE, 2048 * P, "2048P");
        fmt(TD_UNIT_SIZE, TD_UNLIMITED, "max");
        fmt(TD_UNIT_SIZE, TD_UNSET, "unset");
        fmt(TD_UNIT_RATE, 10 * M, "10M/s");
        fmt(TD_UNIT_RATE, 1000, "1000/s");
        fmt(TD_UNIT_IOPS, 500, "500");
        fmt(TD_UNIT_CPU, 1500, "150%");
        fmt(TD_UNIT_CPU, 125, "12.5%");
        fmt(TD_UNIT_CPU, 1, "0.1%");
        fmt(TD_UNIT_CPU, TD_UNLIMITED, "max");
        fmt(TD_UNIT_DURATION, 100000, "100ms");
        fmt(TD_UNIT_DURATION, 1000000, "1s");
        fmt(TD_UNIT_DURATION, 1500000, "1500ms");
        fmt(TD_UNIT_DURATION, 120000000, "2m");
        fmt(TD_UNIT_DURATION, 3600000000ULL, "1h");
        fmt(TD_UNIT_DURATION, 1001, "1001us");
        fmt(TD_UNIT_DURATION, 0, "0");
        fmt(TD_UNIT_COUNT, 200, "200");
        fmt(TD_UNIT_RLIMIT, 4096, "4096");
        fmt(TD_UNIT_RLIMIT, TD_UNLIMITED, "unlimited");

        char small[4];
        td_format_unit(TD_UNIT_SIZE, 123456789, small, sizeof small);
        is_str(small, "123", "format truncates to the buffer");

        /* Every formatted value parses back to itself. */
        static const struct { td_unit u; uint64_t v; } rt[] = {
                { TD_UNIT_SIZE, 3 * G / 2 }, { TD_UNIT_SIZE, 12345 }, { TD_UNIT_RATE, 7 * K },
                { TD_UNIT_CPU, 1234 }, { TD_UNIT_DURATION, 61000000 }, { TD_UNIT_DURATION, 1234567 },
                { TD_UNIT_SIZE, TD_UNLIMITED }, { TD_UNIT_CPU, TD_UNLIMITED },
        };
        for (size_t i = 0; i < ELEMENTSOF(rt); i++) {
                char buf[64];
                uint64_t back = 0;
                td_format_unit(rt[i].u, rt[i].v, buf, sizeof buf);
                ok(td_parse_unit(rt[i].u, buf, true, &back) == 0 && back == rt[i].v,
                   "round trip %s %s", unit_name(rt[i].u), buf);
        }
}

static void test_expect(void) {
        is_str(td_unit_expect(TD_UNIT_SIZE), "a size like 512M or 2G", "expect size");
        is_str(td_unit_expect(TD_UNIT_RATE), "a rate like 10M/s", "expect rate");
        is_str(td_unit_expect(TD_UNIT_IOPS), "a number of operations per second like 500", "expect iops");
        is_str(td_unit_expect(TD_UNIT_CPU), "a CPU share like 150% or 1.5 cores", "expect cpu");
        is_str(td_unit_expect(TD_UNIT_DURATION), "a duration like 100ms or 1s", "expect duration");
        is_str(td_unit_expect(TD_UNIT_COUNT), "a whole number", "expect count");
        for (int u = 0; u < _TD_UNIT_MAX; u++)
                ok(!strstr(td_unit_expect((td_unit) u), "max"), "expect %s leaves \"max\" to the caller",
                   unit_name((td_unit) u));
}

static void test_cpulist(void) {
        unsigned max = 999;
        is_int(td_parse_cpulist("0-3,8,10-11", &max), 0, "cpulist 0-3,8,10-11");
        is_int(max, 11, "highest id 11");
        is_int(td_parse_cpulist("0", &max), 0, "cpulist 0");
        is_int(max, 0, "highest id 0");
        is_int(td_parse_cpulist("7,2", &max), 0, "unordered list");
        is_int(max, 7, "highest id 7");
        is_int(td_parse_cpulist("4095", &max), 0, "cpu 4095");

        static const char *const bad_lists[] = {
                "", "4096", "0-4096", "3-1", "0,", ",0", "0--1", "0-", "-1", "a", "0 - 3", " 0", "0,,1",
                "0-3:2", "99999999999999999999",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad_lists); i++) {
                max = 999;
                ok(td_parse_cpulist(bad_lists[i], &max) == -EINVAL && max == 999, "cpulist \"%s\" rejected",
                   bad_lists[i]);
        }
}

static void test_id_range(void) {
        uint32_t a = 1, b = 1;
        is_int(td_parse_id_range("20000-20999", &a, &b), 0, "range 20000-20999");
        ok(a == 20000 && b == 20999, "range bounds");
        is_int(td_parse_id_range("30001", &a, &b), 0, "single id");
        ok(a == 30001 && b == 30001, "single id bounds");
        is_int(td_parse_id_range("0", &a, &b), 0, "id 0");
        is_int(td_parse_id_range("4294967294", &a, &b), 0, "id 2^32-2");
        ok(a == 4294967294u, "id 2^32-2 value");

        static const char *const bad_ranges[] = {
                "", "4294967295", "1-4294967295", "5-4", "-1", "1-", "1-2-3", "a", "1 ", " 1", "1,2", "+1",
                "99999999999999999999",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad_ranges); i++) {
                a = b = 7;
                ok(td_parse_id_range(bad_ranges[i], &a, &b) == -EINVAL && a == 7 && b == 7,
                   "id range \"%s\" rejected", bad_ranges[i]);
        }
}

int main(void) {
        test_size();
        test_rate_iops();
        test_cpu();
        test_duration();
        test_count_rlimit();
        test_format();
        test_expect();
        test_cpulist();
        test_id_range();
        return tap_done();
}
