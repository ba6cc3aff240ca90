/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <sys/stat.h>
#include <syslog.h>

#include "log.h"

static td_log_target log_target = TD_LOG_TARGET_STDERR;
static td_log_level log_max = TD_LOG_INFO;
static bool log_journal;      /* stderr is the journal: prefix "<N>" */

/* systemd sets JOURNAL_STREAM=DEV:INO for a unit whose stderr goes to the
 * journal. Comparing with fd 2 tells whether it is still ours (a child
 * that redirected stderr inherits the variable but not the stream). */
static bool stderr_is_journal(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
                return false;
        return (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino;
}

void td_log_open(td_log_target target, const char *ident) {
        if (log_target == TD_LOG_TARGET_SYSLOG && target != TD_LOG_TARGET_SYSLOG)
                closelog();
        log_target = target;
        if (target == TD_LOG_TARGET_SYSLOG)
                /* LOG_NDELAY: connect now, before any chroot or sandboxing
                 * could take /dev/log away. */
                openlog(ident ? ident : program_invocation_short_name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
        else
                log_journal = stderr_is_journal();
}

void td_log_close(void) {
        if (log_target == TD_LOG_TARGET_SYSLOG)
                closelog();
        log_target = TD_LOG_TARGET_STDERR;
}

void td_log_set_max_level(td_log_level max) {
        log_max = max;
}

td_log_level td_log_get_max_level(void) {
        return log_max;
}

static void log_va(td_log_level level, const char *suffix, const char *fmt, va_list ap) _printf_(3, 0);
static void log_va(td_log_level level, const char *suffix, const char *fmt, va_list ap) {
        _cleanup_free_ char *msg = NULL;

        if (level > log_max)
                return;
        if (vasprintf(&msg, fmt, ap) < 0)
                /* Out of memory: still say something rather than nothing. */
                msg = NULL;
        const char *text = msg ? msg : fmt;

        if (log_target == TD_LOG_TARGET_SYSLOG) {
                syslog((int) level, "%s%s", text, suffix);
                return;
        }
        if (log_journal)
                fprintf(stderr, "<%d>%s%s\n", (int) level, text, suffix);
        else
                fprintf(stderr, "%s%s\n", text, suffix);
}

void td_log(td_log_level level, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        log_va(level, "", fmt, ap);
        va_end(ap);
}

int td_log_errno(td_log_level level, int err, const char *fmt, ...) {
        char suffix[128];
        va_list ap;

        snprintf(suffix, sizeof suffix, ": %s", strerror(err < 0 ? -err : err));
        va_start(ap, fmt);
        log_va(level, suffix, fmt, ap);
        va_end(ap);
        return err;
}

size_t td_log_diags(td_diags *ds, td_log_level error_level) {
        td_log_level warn_level = MAX(error_level, TD_LOG_WARNING);
        size_t errors = 0;

        td_diags_sort_unique(ds);
        for (size_t i = 0; i < ds->n; i++) {
                const td_diag *d = &ds->v[i];
                _cleanup_free_ char *s = td_diag_format(d);
                td_log(d->severity == TD_SEV_ERROR ? error_level : warn_level, "%s", s ? s : d->message);
                errors += d->severity == TD_SEV_ERROR;
        }
        return errors;
}
