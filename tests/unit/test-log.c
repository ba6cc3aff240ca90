/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* log.c: level filtering, the stderr format (with and without the journal
 * priority prefix), td_log_errno, and td_log_diags's order and dedup. */
#include <fcntl.h>
#include <sys/stat.h>

#include "log.h"
#include "tap.h"

static char tmp_path[] = "/tmp/tenantd-test-log-XXXXXX";
static int saved_stderr = -1;

/* Send fd 2 to a fresh temp file. */
static void capture(void) {
        int fd;

        fflush(stderr);
        fd = open(tmp_path, O_RDWR | O_TRUNC | O_CLOEXEC);
        dup2(fd, STDERR_FILENO);
        close(fd);
}

/* Restore fd 2; return what was written (caller frees). */
static char *captured(void) {
        char *text = NULL;

        fflush(stderr);
        dup2(saved_stderr, STDERR_FILENO);
        if (td_read_file(tmp_path, 1 << 20, &text, NULL) < 0)
                return strdup("(unreadable)");
        return text;
}

static void test_levels(void) {
        char *got;

        td_log_open(TD_LOG_TARGET_STDERR, "test-log");
        is_int(td_log_get_max_level(), TD_LOG_INFO, "default max level is info");

        capture();
        log_error("e %d", 1);
        log_warning("w");
        log_notice("n");
        log_info("i");
        log_debug("d");
        got = captured();
        is_str(got, "e 1\nw\nn\ni\n", "info: debug dropped");
        free(got);

        td_log_set_max_level(TD_LOG_WARNING);
        capture();
        log_error("e");
        log_warning("w");
        log_notice("n");
        log_info("i");
        got = captured();
        is_str(got, "e\nw\n", "warning: notice and info dropped");
        free(got);

        td_log_set_max_level(TD_LOG_DEBUG);
        capture();
        log_debug("d");
        is_int(td_log_errno(TD_LOG_ERR, -ENOENT, "open %s", "x"), -ENOENT, "td_log_errno returns err");
        got = captured();
        is_str(got, "d\nopen x: No such file or directory\n", "debug passes; errno text appended");
        free(got);
        td_log_set_max_level(TD_LOG_INFO);
}

static void test_journal_prefix(void) {
        struct stat st;
        char env[64];
        char *got;

        /* JOURNAL_STREAM names fd 2's device and inode: as under systemd. */
        capture();
        fstat(STDERR_FILENO, &st);
        snprintf(env, sizeof env, "%llu:%llu", (unsigned long long) st.st_dev, (unsigned long long) st.st_ino);
        setenv("JOURNAL_STREAM", env, 1);
        td_log_open(TD_LOG_TARGET_STDERR, "test-log");
        log_warning("to the journal");
        log_info("info too");
        got = captured();
        is_str(got, "<4>to the journal\n<6>info too\n", "journal stream: <N> prefixes");
        free(got);

        /* Inherited variable, different stream: no prefix. */
        setenv("JOURNAL_STREAM", "1:2", 1);
        td_log_open(TD_LOG_TARGET_STDERR, "test-log");
        capture();
        log_warning("plain");
        got = captured();
        is_str(got, "plain\n", "someone else's journal stream: plain lines");
        free(got);
        unsetenv("JOURNAL_STREAM");
        td_log_open(TD_LOG_TARGET_STDERR, "test-log");
}

static void test_diags(void) {
        td_diags ds = {};
        td_mark a1 = { .file = "b.yaml", .line = 3, .col = 5 };
        td_mark a2 = { .file = "a.yaml", .line = 7, .col = 1 };
        td_mark a3 = { .file = "a.yaml", .line = 2, .col = 9 };
        char *got;

        td_diag_error(&ds, a1, "memory.max", "expected a size, got \"x\"");
        td_diag_warn(&ds, a2, "cpu", "odd");
        td_diag_error(&ds, a3, "pids.max", "expected a number, got \"y\"");
        /* The same error again, as merging reports a plan's problem once per tenant. */
        td_diag_error(&ds, a1, "memory.max", "expected a size, got \"x\"");

        capture();
        is_int(td_log_diags(&ds, TD_LOG_ERR), 2, "distinct errors counted");
        got = captured();
        is_str(got,
               "a.yaml:2:9: pids.max: expected a number, got \"y\"\n"
               "a.yaml:7:1: warning: cpu: odd\n"
               "b.yaml:3:5: memory.max: expected a size, got \"x\"\n",
               "sorted by file and line, duplicate dropped");
        free(got);

        /* Errors logged at a quieter level are filtered with it. */
        capture();
        td_log_diags(&ds, TD_LOG_DEBUG);
        got = captured();
        is_str(got, "", "diagnostics at debug are dropped at level info");
        free(got);
        td_diags_done(&ds);
}

int main(void) {
        int fd = mkstemp(tmp_path);

        if (fd < 0)
                tap_skip_all("mkstemp failed");
        close(fd);
        saved_stderr = dup(STDERR_FILENO);
        test_levels();
        test_journal_prefix();
        test_diags();
        unlink(tmp_path);
        return tap_done();
}
