/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* td-forkbomb CAP [HOLD_SECONDS]: fork idle children until fork() fails or
 * CAP children exist, print
 *
 *     forks=N errno=EAGAIN        (or errno=none when CAP was reached)
 *
 * then keep the children for up to HOLD_SECONDS (default 0) or until SIGTERM,
 * so the caller can look at the cgroup while it is full, and finally kill
 * and reap every child. Exit status: 0 when fork failed with EAGAIN (the
 * pids controller said no), 3 when CAP was reached without a failure, 1 on
 * other errors.
 *
 * Bounded by construction: CAP caps the count, each child dies with its
 * parent (PR_SET_PDEATHSIG) and only the parent forks, so a broken limit
 * leaves no runaway tree behind. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void child(pid_t parent) {
        /* The death signal is set after fork: check the parent did not die
         * in between, else nobody would ever kill this child. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
                _exit(1);
        for (;;)
                pause();
}

static void hold(double secs) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        struct timespec ts = { .tv_sec = (time_t) secs,
                               .tv_nsec = (long) ((secs - (double) (time_t) secs) * 1e9) };
        (void) sigtimedwait(&set, NULL, &ts);
}

int main(int argc, char **argv) {
        long cap = argc >= 2 ? strtol(argv[1], NULL, 10) : 0;
        double hold_secs = argc >= 3 ? strtod(argv[2], NULL) : 0;
        if (argc < 2 || argc > 3 || cap <= 0 || cap > 100000 || hold_secs < 0 || hold_secs > 600) {
                fprintf(stderr, "usage: td-forkbomb CAP [HOLD_SECONDS]  (CAP 1..100000)\n");
                return 2;
        }
        pid_t *kids = calloc((size_t) cap, sizeof *kids);
        if (!kids) {
                perror("td-forkbomb");
                return 1;
        }

        /* SIGTERM is taken synchronously in hold(); block it from the start
         * so an early one is not lost (children unblock nothing: they only
         * pause until SIGKILL). */
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigprocmask(SIG_BLOCK, &set, NULL);

        pid_t self = getpid();
        long n = 0;
        int err = 0;
        while (n < cap) {
                pid_t pid = fork();
                if (pid < 0) {
                        err = errno;
                        break;
                }
                if (pid == 0)
                        child(self);
                kids[n++] = pid;
        }

        printf("forks=%ld errno=%s\n", n, err == 0 ? "none" : err == EAGAIN ? "EAGAIN" : strerror(err));
        fflush(stdout);
        if (hold_secs > 0)
                hold(hold_secs);

        for (long i = 0; i < n; i++)
                kill(kids[i], SIGKILL);
        for (long i = 0; i < n; i++)
                while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
                        ;
        free(kids);
        return err == EAGAIN ? 0 : err == 0 ? 3 : 1;
}
