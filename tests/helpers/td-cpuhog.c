/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* td-cpuhog SECONDS: spin on one CPU for SECONDS of wall-clock time, then
 * report the CPU time this process itself got:
 *
 *     wall_ms=3000 cpu_ms=1502 pct=50.1
 *
 * The ratio, not the amount of work, is what a CPU quota bounds; measuring
 * it here (getrusage of self, CLOCK_MONOTONIC) keeps it right under a slow
 * emulator too, where work per second means nothing. The caller places the
 * process in its cgroup before exec, so the whole window is under the quota. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static long long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long cpu_ms(void) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        return (long long) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
               (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

int main(int argc, char **argv) {
        double secs = argc == 2 ? strtod(argv[1], NULL) : 0;
        if (secs <= 0 || secs > 600) {
                fprintf(stderr, "usage: td-cpuhog SECONDS (0 < SECONDS <= 600)\n");
                return 2;
        }

        long long w0 = now_ms(), c0 = cpu_ms(), end = w0 + (long long) (secs * 1000);
        volatile unsigned long sink = 0;
        /* Check the clock only every so often: the loop must be almost all
         * user time, but a throttled period must not overshoot the window. */
        while (now_ms() < end)
                for (unsigned i = 0; i < 100000; i++)
                        sink = sink + i;
        (void) sink;

        long long wall = now_ms() - w0, cpu = cpu_ms() - c0;
        printf("wall_ms=%lld cpu_ms=%lld pct=%.1f\n", wall, cpu, wall > 0 ? 100.0 * cpu / wall : 0.0);
        return 0;
}
