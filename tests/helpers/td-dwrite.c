/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* td-dwrite PATH MIB [BLOCK_KIB]: write MIB mebibytes with O_DIRECT to PATH
 * (a block device, or a file that is created and preallocated), in blocks of
 * BLOCK_KIB (default 128), and report the rate the writes completed at:
 *
 *     bytes=8388608 ms=4012 kib_per_s=2041
 *
 * O_DIRECT because block-I/O limits act on the bios a task issues: buffered
 * writes would land in the page cache and reach the disk later from the
 * flusher, unthrottled on cgroup v1. The time covers the writes and the
 * final fdatasync. The file is left behind for the caller to remove.
 *
 * td-dwrite --dev PATH prints MAJ:MIN of the disk PATH lives on (st_rdev for
 * a block device, st_dev otherwise). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int print_dev(const char *path) {
        struct stat st;
        if (stat(path, &st) < 0) {
                fprintf(stderr, "td-dwrite: %s: %s\n", path, strerror(errno));
                return 1;
        }
        dev_t d = S_ISBLK(st.st_mode) ? st.st_rdev : st.st_dev;
        printf("%u:%u\n", major(d), minor(d));
        return 0;
}

int main(int argc, char **argv) {
        if (argc == 3 && strcmp(argv[1], "--dev") == 0)
                return print_dev(argv[2]);

        unsigned long mib = argc >= 3 ? strtoul(argv[2], NULL, 10) : 0;
        unsigned long bkib = argc >= 4 ? strtoul(argv[3], NULL, 10) : 128;
        if (argc < 3 || argc > 4 || mib == 0 || mib > 4096 || bkib < 4 || bkib > 16384 || bkib % 4) {
                fprintf(stderr, "usage: td-dwrite PATH MIB [BLOCK_KIB]  |  td-dwrite --dev PATH\n");
                return 2;
        }
        size_t bs = bkib * 1024, total = mib * 1024 * 1024;

        int fd = open(argv[1], O_WRONLY | O_CREAT | O_DIRECT | O_CLOEXEC, 0600);
        if (fd < 0) {
                fprintf(stderr, "td-dwrite: open %s: %s\n", argv[1], strerror(errno));
                return 1;
        }
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
                /* Allocate up front so the timed part is data, not block
                 * allocation and journal traffic. */
                int r = posix_fallocate(fd, 0, (off_t) total);
                if (r != 0 && r != EOPNOTSUPP)
                        fprintf(stderr, "td-dwrite: fallocate: %s (continuing)\n", strerror(r));
        }

        void *buf;
        if (posix_memalign(&buf, 4096, bs) != 0) {
                fprintf(stderr, "td-dwrite: out of memory\n");
                return 1;
        }
        memset(buf, 0xa5, bs);

        long long t0 = now_ms();
        for (size_t done = 0; done < total;) {
                size_t n = total - done < bs ? total - done : bs;
                ssize_t w = pwrite(fd, buf, n, (off_t) done);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0) {
                        fprintf(stderr, "td-dwrite: write at %zu: %s\n", done, w < 0 ? strerror(errno) : "short write");
                        return 1;
                }
                done += (size_t) w;
        }
        if (fdatasync(fd) < 0) {
                fprintf(stderr, "td-dwrite: fdatasync: %s\n", strerror(errno));
                return 1;
        }
        long long ms = now_ms() - t0;
        close(fd);
        free(buf);
        printf("bytes=%zu ms=%lld kib_per_s=%lld\n", total, ms, ms > 0 ? (long long) (total / 1024) * 1000 / ms : 0);
        return 0;
}
