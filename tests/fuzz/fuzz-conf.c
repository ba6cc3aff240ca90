/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tenantd.conf (INI via inih). td_conf_load takes a path, so the input goes
 * into a memfd and is read back through /proc/self/fd: no temporary file to
 * leak when the fuzzer is killed mid-run. */
#include <sys/mman.h>
#include <sys/stat.h>

#include "conf.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_close_ int fd = -1;
        td_diags ds = {};
        td_conf c;
        char path[64];
        size_t off = 0;

        fd = memfd_create("fuzz-conf", MFD_CLOEXEC);
        if (fd < 0)
                abort();  /* the harness itself is broken, not the input */
        /* A memfd starts as 0777; td_conf_load refuses a configuration that
         * anyone but root may write, and would never get to the parser. */
        if (fchmod(fd, 0644) < 0)
                abort();
        while (off < size) {
                ssize_t k = write(fd, data + off, size - off);
                if (k <= 0)
                        abort();
                off += (size_t) k;
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

        if (td_conf_init(&c) == 0) {
                (void) td_conf_load(&c, path, &ds);
                td_conf_done(&c);
        }
        fuzz_drain_diags(&ds);
        return 0;
}
