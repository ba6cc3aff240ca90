/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tenantd: keeps the live cgroup tree in line with the tenant policies.
 *
 * Start: load the configuration and every policy, reconcile once, tell
 * systemd we are ready (Type=notify; harmless without systemd), then wait:
 *   SIGHUP          reload configuration and policies, reconcile
 *   SIGTERM/SIGINT  exit 0; the tenant tree stays as it is (limits keep
 *                   working without the daemon; tenantctl teardown removes it)
 *   sweep timer     every sweep_interval, reconcile again, re-reading every
 *                   live value so changes made behind our back are undone
 * Signals arrive through a signalfd, the sweep through a timerfd: one
 * poll() loop, no async signal handlers, no races with reconcile.
 *
 * No fork, no PID file: systemd (Type=notify, or Type=simple) supervises the
 * process directly; --foreground only picks stderr over syslog for logs. */
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>

#include "daemon.h"
#include "log.h"

#define EXIT_USAGE 2

static void usage(FILE *f) {
        fprintf(f, "Usage: tenantd [OPTIONS]\n\n"
                   "Keep the cgroup tree of tenants in line with their policies.\n\n"
                   "  -c, --config FILE       configuration (default " TD_CONF_PATH ")\n"
                   "  -f, --foreground        log to stderr instead of syslog\n"
                   "      --tenant-root PATH  override tenant_root\n"
                   "      --tenants-dir DIR   override tenants_dir\n"
                   "      --plans-dir DIR     override plans_dir\n"
                   "      --once              reconcile once and exit (status 1 on any error)\n"
                   "      --check             validate configuration and policies, change nothing\n"
                   "  -h, --help              show this help\n"
                   "      --version           show the version\n\n"
                   "See tenantd(8).\n");
}

/* Returns -1 to continue, or an exit status. */
static int parse_args(int argc, char **argv, daemon_options *o) {
        enum { OPT_ROOT = 0x100, OPT_TENANTS, OPT_PLANS, OPT_ONCE, OPT_CHECK, OPT_VERSION };
        static const struct option opts[] = {
                { "config",      required_argument, NULL, 'c' },
                { "foreground",  no_argument,       NULL, 'f' },
                { "tenant-root", required_argument, NULL, OPT_ROOT },
                { "tenants-dir", required_argument, NULL, OPT_TENANTS },
                { "plans-dir",   required_argument, NULL, OPT_PLANS },
                { "once",        no_argument,       NULL, OPT_ONCE },
                { "check",       no_argument,       NULL, OPT_CHECK },
                { "help",        no_argument,       NULL, 'h' },
                { "version",     no_argument,       NULL, OPT_VERSION },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "c:fh", opts, NULL)) >= 0) {
                switch (c) {
                case 'c': o->config_path = optarg; break;
                case 'f': o->foreground = true; break;
                case OPT_ROOT: o->tenant_root = optarg; break;
                case OPT_TENANTS: o->tenants_dir = optarg; break;
                case OPT_PLANS: o->plans_dir = optarg; break;
                case OPT_ONCE: o->once = true; break;
                case OPT_CHECK: o->check = true; break;
                case 'h': usage(stdout); return EXIT_SUCCESS;
                case OPT_VERSION: puts(PACKAGE_STRING); return EXIT_SUCCESS;
                default: usage(stderr); return EXIT_USAGE;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "tenantd: unexpected argument \"%s\"\n", argv[optind]);
                usage(stderr);
                return EXIT_USAGE;
        }
        if (o->once && o->check) {
                fprintf(stderr, "tenantd: --once and --check exclude each other\n");
                return EXIT_USAGE;
        }
        return -1;
}

/* sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET (an
 * abstract socket when it starts with "@"). Best effort: without systemd,
 * or when the socket is gone, there is nobody to tell. */
static void notify(const char *state) {
        const char *e = getenv("NOTIFY_SOCKET");
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        _cleanup_close_ int fd = -1;
        size_t len;

        if (!e || (e[0] != '/' && e[0] != '@') || (len = strlen(e)) >= sizeof sa.sun_path)
                return;
        memcpy(sa.sun_path, e, len);
        if (sa.sun_path[0] == '@')
                sa.sun_path[0] = '\0';
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return;
        (void) sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *) &sa,
                      (socklen_t) (offsetof(struct sockaddr_un, sun_path) + len));
}

static int arm_sweep(int tfd, uint64_t usec) {
        struct itimerspec its = {};

        /* 0 disarms. The stray-process sweep (tenant processes found outside
         * their group) is a separate, later feature; this timer only re-runs
         * reconcile. */
        if (usec > 0) {
                its.it_value.tv_sec = (time_t) (usec / 1000000);
                its.it_value.tv_nsec = (long) (usec % 1000000) * 1000;
                its.it_interval = its.it_value;
        }
        if (timerfd_settime(tfd, 0, &its, NULL) < 0)
                return td_log_errno(TD_LOG_ERR, -errno, "cannot set the sweep timer");
        return 0;
}

static void reload(daemon_state *d, const daemon_options *o, int tfd) {
        char msg[64];
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        snprintf(msg, sizeof msg, "RELOADING=1\nMONOTONIC_USEC=%llu",
                 (unsigned long long) ts.tv_sec * 1000000ULL + (unsigned long long) ts.tv_nsec / 1000);
        notify(msg);
        log_info("reloading configuration and policies");
        if (daemon_load(d, o, false) >= 0) {
                (void) arm_sweep(tfd, d->conf.sweep_interval_us);
                (void) daemon_reconcile(d, 0);
        }
        notify("READY=1");
}

static int run(daemon_state *d, const daemon_options *o, const sigset_t *mask) {
        _cleanup_close_ int sfd = -1, tfd = -1;

        sfd = signalfd(-1, mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (sfd < 0)
                return td_log_errno(TD_LOG_ERR, -errno, "signalfd");
        tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (tfd < 0)
                return td_log_errno(TD_LOG_ERR, -errno, "timerfd_create");
        if (arm_sweep(tfd, d->conf.sweep_interval_us) < 0)
                return -EIO;

        notify("READY=1\nSTATUS=enforcing tenant policies");
        log_info("ready: %zu tenants below %s", d->tenants.n, d->conf.tenant_root);

        for (;;) {
                struct pollfd p[2] = { { .fd = sfd, .events = POLLIN }, { .fd = tfd, .events = POLLIN } };
                struct signalfd_siginfo si;
                uint64_t expirations;

                if (poll(p, ELEMENTSOF(p), -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return td_log_errno(TD_LOG_ERR, -errno, "poll");
                }
                while (p[0].revents & POLLIN && read(sfd, &si, sizeof si) == (ssize_t) sizeof si) {
                        switch (si.ssi_signo) {
                        case SIGHUP:
                                reload(d, o, tfd);
                                break;
                        case SIGTERM:
                        case SIGINT:
                                notify("STOPPING=1");
                                log_info("received %s, exiting; the tenant tree stays in place",
                                         si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
                                return 0;
                        default:
                                break;
                        }
                }
                /* Several expirations while a reconcile ran count as one. */
                if (p[1].revents & POLLIN && read(tfd, &expirations, sizeof expirations) > 0) {
                        log_debug("sweep: reconciling");
                        (void) daemon_reconcile(d, TD_RECONCILE_VERIFY);
                }
        }
}

/* --check: one line on stdout, diagnostics already logged to stderr. */
static int check_summary(const daemon_state *d) {
        size_t valid = 0;

        for (size_t i = 0; i < d->tenants.n; i++)
                valid += d->tenants.v[i].has_policy;
        if (d->load_errors > 0) {
                printf("tenantd: %zu error%s (%zu of %zu tenants valid)\n", d->load_errors,
                       d->load_errors == 1 ? "" : "s", valid, d->tenants.n);
                return EXIT_FAILURE;
        }
        printf("tenantd: configuration and policies OK (%zu plans, %zu tenants)\n", d->n_plans, d->tenants.n);
        return EXIT_SUCCESS;
}

int main(int argc, char **argv) {
        daemon_options o = {};
        daemon_state d = {};
        sigset_t mask;
        int r, status;

        status = parse_args(argc, argv, &o);
        if (status >= 0)
                return status;

        /* Block before anything else, so a SIGHUP or SIGTERM sent during
         * startup waits in the signalfd instead of killing us. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
                perror("tenantd: sigprocmask");
                return EXIT_FAILURE;
        }

        /* One-shot modes report to whoever ran them. */
        td_log_open(o.foreground || o.once || o.check ? TD_LOG_TARGET_STDERR : TD_LOG_TARGET_SYSLOG, "tenantd");

        r = daemon_load(&d, &o, true);
        if (r < 0) {
                if (r == -ENOMEM)
                        log_error("out of memory");
                status = EXIT_FAILURE;
        } else if (o.check)
                status = check_summary(&d);
        else {
                r = daemon_reconcile(&d, 0);
                if (o.once)
                        status = r < 0 || d.load_errors > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
                else
                        status = run(&d, &o, &mask) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        }
        daemon_state_done(&d);
        td_log_close();
        return status;
}
