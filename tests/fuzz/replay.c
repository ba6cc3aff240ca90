/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Stand-in for libFuzzer's main() in ordinary builds: feed each file named
 * on the command line, or each regular file inside a named directory, to
 * LLVMFuzzerTestOneInput once. A crash (or a sanitizer report, in a
 * sanitizer build) is the failure; the exit status is otherwise 0. Prints
 * one line per input so a crash log shows which input was running. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "util.h"

/* libFuzzer inputs are bounded by -max_len; generous for replays. */
#define REPLAY_MAX_BYTES (4 * 1024 * 1024)

static int run_file(const char *path) {
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        int r;

        r = td_read_file(path, REPLAY_MAX_BYTES, &buf, &len);
        if (r < 0) {
                fprintf(stderr, "replay: %s: %s\n", path, strerror(-r));
                return r;
        }
        printf("replay: %s (%zu bytes)\n", path, len);
        fflush(stdout);
        /* Copy into an exact-size allocation so ASan sees reads past the
         * end of the input, as libFuzzer arranges. */
        _cleanup_free_ uint8_t *data = malloc(len ? len : 1);
        if (!data)
                return -ENOMEM;
        memcpy(data, buf, len);
        LLVMFuzzerTestOneInput(data, len);
        return 0;
}

static int name_cmp(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static int run_dir(const char *dir) {
        DIR *d = opendir(dir);
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *de;
        int ret = 0;

        if (!d) {
                fprintf(stderr, "replay: %s: %m\n", dir);
                return -errno;
        }
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                char **slot = td_grow((void **) &names, &n, &cap, sizeof(char *));
                if (!slot || !(*slot = td_strdupf("%s/%s", dir, de->d_name))) {
                        ret = -ENOMEM;
                        break;
                }
        }
        closedir(d);
        /* A stable order makes "the input before the crash" meaningful. */
        if (n)
                qsort(names, n, sizeof(char *), name_cmp);
        for (size_t i = 0; i < n; i++) {
                struct stat st;
                if (ret == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
                        int r = run_file(names[i]);
                        if (r < 0)
                                ret = r;
                }
                free(names[i]);
        }
        free(names);
        return ret;
}

int main(int argc, char **argv) {
        int ret = 0;

        if (argc < 2) {
                fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
                return 2;
        }
        for (int i = 1; i < argc; i++) {
                struct stat st;
                int r;

                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "replay: %s: %m\n", argv[i]);
                        ret = 1;
                        continue;
                }
                r = S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
                if (r < 0)
                        ret = 1;
        }
        return ret;
}
