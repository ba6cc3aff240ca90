/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* td-memhog MIB: fault in MIB mebibytes of anonymous memory, one MiB at a
 * time, and hold it. Prints "touched_mib=N" as it goes (so a killed run shows
 * how far it got) and "survived touched_mib=N" when it got everything.
 *
 * Under a memory limit below MIB, with no swap, the kernel's cgroup OOM
 * killer should end this process with SIGKILL; the caller checks for that.
 * Pages are written with non-zero bytes so none of them stays the shared
 * zero page and every one is charged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MIB (1024UL * 1024UL)

int main(int argc, char **argv) {
        unsigned long mib = argc == 2 ? strtoul(argv[1], NULL, 10) : 0;
        if (mib == 0 || mib > 65536) {
                fprintf(stderr, "usage: td-memhog MIB (1..65536)\n");
                return 2;
        }

        /* MAP_NORESERVE: the point is the cgroup limit, not overcommit
         * heuristics refusing the mapping up front. */
        unsigned char *p = mmap(NULL, mib * MIB, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) {
                perror("td-memhog: mmap");
                return 1;
        }
        setvbuf(stdout, NULL, _IOLBF, 0);
        for (unsigned long i = 0; i < mib; i++) {
                memset(p + i * MIB, 0x5a, MIB);
                if ((i + 1) % 16 == 0)
                        printf("touched_mib=%lu\n", i + 1);
        }
        printf("survived touched_mib=%lu\n", mib);
        return 0;
}
