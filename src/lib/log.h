/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Logging for programs (tenantd, tenantctl). Library code never calls this:
 * it returns errors and fills td_diags, and the program decides where
 * messages go. One process-wide target, set once at startup:
 *  - stderr: one line per message. When stderr is connected to the journal
 *    (systemd sets $JOURNAL_STREAM to its device:inode), each line gets the
 *    sd-daemon "<N>" priority prefix so journald keeps the level.
 *  - syslog: openlog(ident, LOG_PID, LOG_DAEMON), one syslog(3) per message.
 * Messages above the maximum level (td_log_set_max_level) are dropped
 * before they are formatted. Not thread-safe; tenantd is single-threaded. */

#include "conf.h"
#include "diag.h"

typedef enum td_log_target {
        TD_LOG_TARGET_STDERR,
        TD_LOG_TARGET_SYSLOG,
        _TD_LOG_TARGET_MAX,
        _TD_LOG_TARGET_INVALID = -EINVAL,
} td_log_target;

/* Select the target. `ident` must outlive the process's logging (syslog
 * keeps the pointer); NULL uses program_invocation_short_name. May be called
 * again to switch (closes syslog when leaving it). */
void td_log_open(td_log_target target, const char *ident);
void td_log_close(void);

/* Drop messages less important than `max` (default TD_LOG_INFO). */
void td_log_set_max_level(td_log_level max);
td_log_level td_log_get_max_level(void);

/* Log one message. td_log_errno appends ": <strerror(-err)>" and returns
 * `err` (a negative errno), for `return td_log_errno(TD_LOG_ERR, r, "...")`. */
void td_log(td_log_level level, const char *fmt, ...) _printf_(2, 3);
int td_log_errno(td_log_level level, int err, const char *fmt, ...) _printf_(3, 4);

#define log_error(...)   td_log(TD_LOG_ERR, __VA_ARGS__)
#define log_warning(...) td_log(TD_LOG_WARNING, __VA_ARGS__)
#define log_notice(...)  td_log(TD_LOG_NOTICE, __VA_ARGS__)
#define log_info(...)    td_log(TD_LOG_INFO, __VA_ARGS__)
#define log_debug(...)   td_log(TD_LOG_DEBUG, __VA_ARGS__)

/* Log every diagnostic in ds, sorted by file, line and column, each
 * distinct one once: errors at `error_level`, warnings at TD_LOG_WARNING (or
 * error_level when that is less important). Reorders ds. Returns the number
 * of distinct errors. */
size_t td_log_diags(td_diags *ds, td_log_level error_level);
