/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Stats parsers on real-format samples of cgroup v1 and v2 files (copied
 * from 6.x and 5.x kernels), the readers on fake group trees in a temp
 * directory, and the configured-versus-live comparison. */
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "cgroup-limits.h"
#include "cgroup-stats.h"
#include "tap.h"

#define NA TD_STAT_NA
#define MAXV TD_UNLIMITED

/* ---- samples ---------------------------------------------------------- */

static const char v1_cpu_stat[] =
        "nr_periods 1200\nnr_throttled 37\nthrottled_time 2345678901\nnr_bursts 0\nburst_time 0\n";
static const char v2_cpu_stat[] =
        "usage_usec 5123456\nuser_usec 4000000\nsystem_usec 1123456\n"
        "core_sched.force_idle_usec 0\nnr_periods 800\nnr_throttled 12\n"
        "throttled_usec 345678\nnr_bursts 0\nburst_usec 0\n";
static const char v2_memory_events[] = "low 0\nhigh 17\nmax 5\noom 2\noom_kill 1\noom_group_kill 0\n";
static const char v1_oom_control[] = "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n";
static const char v2_io_stat[] =
        "254:0 rbytes=1048576 wbytes=8192 rios=16 wios=2 dbytes=0 dios=0\n"
        "8:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n";
static const char v1_blkio_bytes[] =
        "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 12288\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 12288\n"
        "254:0 Read 1000\n254:0 Write 24\n254:0 Sync 1024\n254:0 Async 0\n254:0 Discard 0\n"
        "254:0 Total 1024\nTotal 13312\n";

static void test_keyed(void) {
        uint64_t v = 42;

        is_int(td_stats_parse_keyed(v1_cpu_stat, "nr_throttled", &v), 0, "keyed: nr_throttled found");
        is_int(v, 37, "keyed: nr_throttled value");
        is_int(td_stats_parse_keyed(v2_memory_events, "oom", &v), 0, "keyed: oom (not oom_kill)");
        is_int(v, 2, "keyed: oom value is its own line");
        is_int(td_stats_parse_keyed(v2_memory_events, "oom_kill", &v), 0, "keyed: oom_kill");
        is_int(v, 1, "keyed: oom_kill value");
        is_int(td_stats_parse_keyed(v1_oom_control, "oom_kill", &v), 0, "keyed: v1 oom_control oom_kill");
        is_int(v, 3, "keyed: v1 oom_kill value");
        v = 42;
        is_int(td_stats_parse_keyed(v1_cpu_stat, "throttled_usec", &v), -ENOENT, "keyed: absent key");
        is_int(v, 42, "keyed: absent key leaves *ret");
        is_int(td_stats_parse_keyed("max 12", "max", &v), 0, "keyed: no trailing newline");
        is_int(v, 12, "keyed: no trailing newline value");
        is_int(td_stats_parse_keyed("max twelve\n", "max", &v), -EINVAL, "keyed: garbage value");
        is_int(td_stats_parse_keyed("max 12 13\n", "max", &v), -EINVAL, "keyed: two values");
        is_int(td_stats_parse_keyed("max -1\n", "max", &v), -EINVAL, "keyed: negative");
        is_int(td_stats_parse_keyed("max 99999999999999999999999\n", "max", &v), -EINVAL, "keyed: overflow");
        is_int(td_stats_parse_keyed("", "max", &v), -ENOENT, "keyed: empty text");
        is_int(td_stats_parse_keyed("\x01\xff garbage\n\n", "max", &v), -ENOENT, "keyed: binary junk");
}

static void test_value(void) {
        uint64_t v = 0;

        is_int(td_stats_parse_value("21233664\n", false, &v), 0, "value: plain");
        is_int(v, 21233664, "value: plain value");
        is_int(td_stats_parse_value("max\n", true, &v), 0, "value: v2 max");
        ok(v == MAXV, "value: max is unlimited");
        is_int(td_stats_parse_value("max\n", false, &v), -EINVAL, "value: max where not allowed");
        is_int(td_stats_parse_value("-1\n", true, &v), 0, "value: v1 -1 (cfs_quota_us)");
        ok(v == MAXV, "value: -1 is unlimited");
        is_int(td_stats_parse_value("9223372036854771712\n", true, &v), 0, "value: v1 PAGE_COUNTER_MAX (4K)");
        ok(v == MAXV, "value: v1 4K-page unlimited");
        is_int(td_stats_parse_value("9223372036854710272\n", true, &v), 0, "value: v1 PAGE_COUNTER_MAX (64K)");
        ok(v == MAXV, "value: v1 64K-page unlimited");
        is_int(td_stats_parse_value("9223372036854771712\n", false, &v), 0, "value: big counter without max");
        ok(v == UINT64_C(9223372036854771712), "value: big counter kept as is");
        is_int(td_stats_parse_value("67108864\n", true, &v), 0, "value: a real limit");
        is_int(v, 67108864, "value: a real limit is not unlimited");
        is_int(td_stats_parse_value("18446744073709551615\n", false, &v), 0, "value: UINT64_MAX itself");
        ok(v == UINT64_MAX, "value: UINT64_MAX parsed exactly");
        is_int(td_stats_parse_value("18446744073709551616\n", false, &v), -EINVAL, "value: UINT64_MAX + 1");
        is_int(td_stats_parse_value("", false, &v), -EINVAL, "value: empty");
        is_int(td_stats_parse_value("12abc\n", false, &v), -EINVAL, "value: trailing junk");
        is_int(td_stats_parse_value("1\n2\n", false, &v), -EINVAL, "value: two lines");
        is_int(td_stats_parse_value("-12\n", true, &v), -EINVAL, "value: other negative");
        is_int(td_stats_parse_value("maximum\n", true, &v), -EINVAL, "value: max prefix only");
}

static void test_io(void) {
        td_io_totals t = { 9, 9, 9, 9 };
        uint64_t rd = 9, wr = 9;

        is_int(td_stats_parse_io_stat(v2_io_stat, &t), 0, "io.stat: parses");
        ok(t.rbytes == 1052672 && t.wbytes == 8192 && t.rios == 17 && t.wios == 2,
           "io.stat: sums over devices (%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 ")",
           t.rbytes, t.wbytes, t.rios, t.wios);
        is_int(td_stats_parse_io_stat("", &t), 0, "io.stat: empty (no io yet)");
        ok(t.rbytes == 0 && t.wios == 0, "io.stat: empty gives zeros");
        is_int(td_stats_parse_io_stat("8:0 rbytes=1 wbytes=2 rios=3 wios=4 newkey=5\n", &t), 0,
               "io.stat: unknown key ignored");
        ok(t.rbytes == 1 && t.wbytes == 2 && t.rios == 3 && t.wios == 4, "io.stat: unknown key values");
        is_int(td_stats_parse_io_stat("8:0 rbytes=abc\n", &t), -EINVAL, "io.stat: bad number");
        is_int(td_stats_parse_io_stat("sda rbytes=1\n", &t), -EINVAL, "io.stat: bad device");
        is_int(td_stats_parse_io_stat("8:0 rbytes 1\n", &t), -EINVAL, "io.stat: no '='");

        is_int(td_stats_parse_blkio(v1_blkio_bytes, &rd, &wr), 0, "blkio: parses");
        is_int(rd, 5096, "blkio: Read summed over devices");
        is_int(wr, 8216, "blkio: Write summed over devices");
        is_int(td_stats_parse_blkio("Total 0\n", &rd, &wr), 0, "blkio: fresh group");
        ok(rd == 0 && wr == 0, "blkio: fresh group zeros");
        is_int(td_stats_parse_blkio("8:0 Read\n", &rd, &wr), -EINVAL, "blkio: missing value");
        is_int(td_stats_parse_blkio("8:0 Read x\n", &rd, &wr), -EINVAL, "blkio: bad value");
        is_int(td_stats_parse_blkio("Total\n", &rd, &wr), -EINVAL, "blkio: bad total");
}

static void test_limits_parse(void) {
        td_dev_limits l = {};
        const td_dev_limit *d;
        uint64_t w = 0;

        is_int(td_stats_parse_weight("default 100\n8:0 200\n", &w), 0, "weight: v2 io.weight");
        is_int(w, 100, "weight: default line");
        is_int(td_stats_parse_weight("500\n", &w), 0, "weight: v1 blkio.weight");
        is_int(w, 500, "weight: bare number");
        is_int(td_stats_parse_weight("8:0 200\n", &w), -EINVAL, "weight: no default line");

        is_int(td_stats_parse_io_max("8:0 rbps=2097152 wbps=max riops=max wiops=120\n254:0 rbps=max "
                                     "wbps=1048576 riops=max wiops=max\n", &l), 0, "io.max: parses");
        is_int(l.n, 2, "io.max: two devices");
        d = td_dev_limits_find(&l, 8, 0);
        ok(d && d->v[TD_DEV_RBPS] == 2097152 && d->v[TD_DEV_WBPS] == MAXV && d->v[TD_DEV_WIOPS] == 120,
           "io.max: 8:0 values");
        d = td_dev_limits_find(&l, 254, 0);
        ok(d && d->v[TD_DEV_WBPS] == 1048576 && d->v[TD_DEV_RBPS] == MAXV, "io.max: 254:0 values");
        ok(!td_dev_limits_find(&l, 8, 16), "io.max: unknown device not found");
        is_int(td_stats_parse_io_max("8:0 rbps=lots\n", &l), -EINVAL, "io.max: garbage value");
        is_int(td_stats_parse_io_max("8:0 rbps=maxx\n", &l), -EINVAL, "io.max: max with junk");
        td_dev_limits_done(&l);

        is_int(td_stats_parse_v1_throttle("8:0 1048576\n", TD_DEV_WBPS, &l), 0, "v1 throttle: write_bps");
        is_int(td_stats_parse_v1_throttle("8:0 500\n8:16 100\n", TD_DEV_RIOPS, &l), 0, "v1 throttle: read_iops");
        is_int(td_stats_parse_v1_throttle("", TD_DEV_RBPS, &l), 0, "v1 throttle: empty file");
        d = td_dev_limits_find(&l, 8, 0);
        ok(d && d->v[TD_DEV_WBPS] == 1048576 && d->v[TD_DEV_RIOPS] == 500 && d->v[TD_DEV_RBPS] == MAXV,
           "v1 throttle: merged per device");
        d = td_dev_limits_find(&l, 8, 16);
        ok(d && d->v[TD_DEV_RIOPS] == 100 && d->v[TD_DEV_WBPS] == MAXV, "v1 throttle: second device");
        is_int(td_stats_parse_v1_throttle("8:0\n", TD_DEV_RBPS, &l), -EINVAL, "v1 throttle: no value");
        td_dev_limits_done(&l);

        ok(td_cpulist_equal("0-2,4", "0,1,2,4"), "cpulist: ranges equal");
        ok(td_cpulist_equal("", "\n"), "cpulist: empty equal");
        ok(!td_cpulist_equal("0-1", "0"), "cpulist: differ");
        ok(!td_cpulist_equal("0-x", "0"), "cpulist: garbage never equal");
}

/* ---- fake trees -------------------------------------------------------- */

static char tmp[] = "/tmp/test-cgroup-stats.XXXXXX";

static void put(const char *dir, const char *file, const char *text) {
        char path[512];
        int fd;

        snprintf(path, sizeof path, "%s/%s/%s", tmp, dir, file);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t) strlen(text)) {
                perror(path);
                exit(1);
        }
        close(fd);
}

static void mkdirs(const char *dir) {
        char path[512];

        snprintf(path, sizeof path, "%s/%s", tmp, dir);
        for (char *p = path + strlen(tmp) + 1; ; p++) {
                if (*p == '/' || *p == '\0') {
                        char c = *p;
                        *p = '\0';
                        if (mkdir(path, 0755) < 0 && errno != EEXIST) {
                                perror(path);
                                exit(1);
                        }
                        *p = c;
                        if (!c)
                                break;
                }
        }
}

static int opendir_at(const char *dir) {
        char path[512];

        snprintf(path, sizeof path, "%s/%s", tmp, dir);
        return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void test_read_v1(void) {
        td_cg_usage u;
        td_cg_live l;
        int g, lf;

        mkdirs("v1/g/procs");
        put("v1/g", "cpu.stat", v1_cpu_stat);
        put("v1/g", "cpuacct.usage", "987654321\n");
        put("v1/g", "cpuacct.usage_user", "900000000\n");
        /* cpuacct.usage_sys missing (kernels before 4.x): n/a */
        put("v1/g", "memory.usage_in_bytes", "21233664\n");
        put("v1/g", "memory.max_usage_in_bytes", "25165824\n");
        put("v1/g", "memory.memsw.usage_in_bytes", "22282240\n");
        put("v1/g", "memory.failcnt", "7\n");
        put("v1/g", "memory.oom_control", v1_oom_control);
        put("v1/g/procs", "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        put("v1/g", "pids.current", "3\n");
        /* pids.peak missing (before 6.1) */
        put("v1/g", "pids.events", "max 0\n");
        put("v1/g/procs", "pids.events", "max 4\n");
        put("v1/g", "blkio.throttle.io_service_bytes_recursive", v1_blkio_bytes);
        put("v1/g", "blkio.throttle.io_serviced_recursive", "8:0 Read 1\n8:0 Write 2\nTotal 3\n");
        put("v1/g", "cpu.cfs_quota_us", "150000\n");
        put("v1/g", "cpu.cfs_period_us", "100000\n");
        put("v1/g", "cpu.shares", "2048\n");
        put("v1/g", "memory.limit_in_bytes", "67108864\n");
        put("v1/g", "memory.soft_limit_in_bytes", "9223372036854771712\n");
        put("v1/g", "memory.memsw.limit_in_bytes", "garbage\n");
        put("v1/g", "pids.max", "max\n");
        put("v1/g", "blkio.bfq.weight", "100\n");
        put("v1/g", "blkio.throttle.read_bps_device", "");
        put("v1/g", "blkio.throttle.write_bps_device", "8:0 2097152\n");
        put("v1/g", "blkio.throttle.read_iops_device", "");
        put("v1/g", "blkio.throttle.write_iops_device", "");

        g = opendir_at("v1/g");
        lf = opendir_at("v1/g/procs");
        td_cg_usage_init(&u);
        for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX; c++)
                is_int(td_cg_usage_read(c, TD_CG_V1, g, lf, &u), 0, "v1 usage: %s",
                       td_cg_controller_to_name(c, TD_CG_V1));
        ok(u.cpu_ns == 987654321 && u.cpu_user_ns == 900000000, "v1 usage: cpuacct ns");
        ok(u.cpu_system_ns == NA, "v1 usage: missing cpuacct.usage_sys is n/a, not 0");
        ok(u.cpu_periods == 1200 && u.cpu_throttled == 37 && u.cpu_throttled_ns == 2345678901,
           "v1 usage: cpu.stat throttling (ns)");
        ok(u.mem_current == 21233664 && u.mem_peak == 25165824, "v1 usage: memory current/peak");
        is_int(u.swap_current, 22282240 - 21233664, "v1 usage: swap = memsw - memory");
        is_int(u.mem_max_events, 7, "v1 usage: failcnt");
        is_int(u.oom_kills, 5, "v1 usage: oom_kill summed over group and leaf");
        ok(u.mem_high_events == NA && u.mem_oom_events == NA, "v1 usage: v2-only events n/a");
        ok(u.pids_current == 3 && u.pids_peak == NA, "v1 usage: pids current, peak n/a");
        is_int(u.pids_max_events, 4, "v1 usage: pids.events max from the leaf (v1 counts there)");
        ok(u.io_rbytes == 5096 && u.io_wbytes == 8216 && u.io_rios == 1 && u.io_wios == 2,
           "v1 usage: blkio recursive bytes and ops");

        /* Without the _recursive files, group and leaf are added. */
        mkdirs("v1/old/procs");
        put("v1/old", "blkio.throttle.io_service_bytes", "Total 0\n");
        put("v1/old/procs", "blkio.throttle.io_service_bytes", "8:0 Read 10\n8:0 Write 20\nTotal 30\n");
        put("v1/old/procs", "blkio.throttle.io_serviced", "8:0 Read 1\n8:0 Write garbage\n");
        int og = opendir_at("v1/old"), ol = opendir_at("v1/old/procs");
        td_cg_usage_init(&u);
        is_int(td_cg_usage_read(TD_CG_IO, TD_CG_V1, og, ol, &u), 0, "v1 usage: old blkio");
        ok(u.io_rbytes == 10 && u.io_wbytes == 20, "v1 usage: old blkio group + leaf");
        ok(u.io_rios == NA && u.io_wios == NA, "v1 usage: garbled io_serviced is n/a");
        close(og);
        close(ol);

        td_cg_live_init(&l);
        for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX; c++)
                is_int(td_cg_live_read(c, TD_CG_V1, g, &l), 0, "v1 live: %s", td_cg_controller_to_name(c, TD_CG_V1));
        ok(l.cpu_quota_us == 150000 && l.cpu_period_us == 100000 && l.cpu_shares == 2048, "v1 live: cpu");
        ok(l.cpu_weight == NA, "v1 live: no cpu.weight on v1");
        ok(l.mem_max == 67108864 && l.mem_high == MAXV, "v1 live: memory limit and unlimited soft limit");
        ok(l.memsw_max == NA, "v1 live: garbled memsw is n/a");
        ok(l.pids_max == MAXV, "v1 live: pids.max max");
        ok(l.bfq_weight == 100 && l.io_weight == NA, "v1 live: bfq weight only");
        ok(l.devs_read && l.devs.n == 1 && l.devs.v[0].v[TD_DEV_WBPS] == 2097152, "v1 live: throttle");
        ok(l.cpus == NULL && l.mems == NULL, "v1 live: no cpuset files, lists n/a");
        td_cg_live_done(&l);
        close(g);
        close(lf);
}

static void test_read_v2(void) {
        td_cg_usage u;
        td_cg_live l;
        int g, lf;

        mkdirs("v2/g/procs");
        put("v2/g", "cpu.stat", v2_cpu_stat);
        put("v2/g", "memory.current", "10485760\n");
        /* memory.peak missing (before 5.19) */
        put("v2/g", "memory.swap.current", "0\n");
        put("v2/g", "memory.events", v2_memory_events);
        put("v2/g", "memory.events.local", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
        put("v2/g/procs", "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 1\n");
        put("v2/g", "pids.current", "5\n");
        put("v2/g", "pids.peak", "9\n");
        put("v2/g", "pids.events", "max 6\n");
        put("v2/g/procs", "pids.events", "max 6\n");   /* old kernels: no .local, so summed */
        put("v2/g", "io.stat", v2_io_stat);
        put("v2/g", "cpu.max", "50000 100000\n");
        put("v2/g", "cpu.weight", "200\n");
        put("v2/g", "cpuset.cpus", "0-1\n");
        put("v2/g", "cpuset.mems", "\n");
        put("v2/g", "memory.max", "max\n");
        put("v2/g", "memory.high", "1073741824\n");
        put("v2/g", "memory.swap.max", "0\n");
        put("v2/g", "pids.max", "100\n");
        put("v2/g", "io.weight", "default 100\n");
        put("v2/g", "io.max", "8:0 rbps=max wbps=1048576 riops=max wiops=max\n");

        g = opendir_at("v2/g");
        lf = opendir_at("v2/g/procs");
        td_cg_usage_init(&u);
        for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX; c++)
                is_int(td_cg_usage_read(c, TD_CG_V2, g, lf, &u), 0, "v2 usage: %s",
                       td_cg_controller_to_name(c, TD_CG_V2));
        ok(u.cpu_ns == UINT64_C(5123456000) && u.cpu_user_ns == UINT64_C(4000000000) &&
           u.cpu_system_ns == UINT64_C(1123456000), "v2 usage: cpu.stat usec -> ns");
        ok(u.cpu_periods == 800 && u.cpu_throttled == 12 && u.cpu_throttled_ns == 345678000,
           "v2 usage: throttling");
        ok(u.mem_current == 10485760 && u.mem_peak == NA, "v2 usage: memory.current, peak n/a (not 0)");
        ok(u.mem_max_events == 5 && u.mem_high_events == 17 && u.mem_oom_events == 2,
           "v2 usage: memory.events max/high/oom");
        is_int(u.oom_kills, 1, "v2 usage: hierarchical oom_kill (.local exists) not summed with leaf");
        ok(u.pids_current == 5 && u.pids_peak == 9, "v2 usage: pids current/peak");
        is_int(u.pids_max_events, 12, "v2 usage: pids.events without .local summed over group and leaf");
        ok(u.io_rbytes == 1052672 && u.io_wios == 2, "v2 usage: io.stat");

        put("v2/g", "pids.events.local", "max 0\n");
        td_cg_usage_init(&u);
        is_int(td_cg_usage_read(TD_CG_PIDS, TD_CG_V2, g, lf, &u), 0, "v2 usage: pids again");
        is_int(u.pids_max_events, 6, "v2 usage: pids.events with .local is the group's alone");

        td_cg_live_init(&l);
        for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX; c++)
                is_int(td_cg_live_read(c, TD_CG_V2, g, &l), 0, "v2 live: %s", td_cg_controller_to_name(c, TD_CG_V2));
        ok(l.cpu_quota_us == 50000 && l.cpu_period_us == 100000 && l.cpu_weight == 200, "v2 live: cpu.max, weight");
        ok(l.mem_max == MAXV && l.mem_high == 1073741824 && l.swap_max == 0, "v2 live: memory");
        ok(l.memsw_max == NA, "v2 live: no memsw");
        is_str(l.cpus, "0-1", "v2 live: cpuset.cpus trimmed");
        is_str(l.mems, "", "v2 live: empty cpuset.mems");
        ok(l.pids_max == 100 && l.io_weight == 100 && l.bfq_weight == NA, "v2 live: pids, io weight");
        ok(l.devs_read && td_dev_limits_find(&l.devs, 8, 0) &&
           td_dev_limits_find(&l.devs, 8, 0)->v[TD_DEV_WBPS] == 1048576, "v2 live: io.max");
        td_cg_live_done(&l);

        /* Garbage everywhere: n/a, never 0, never a failure. */
        mkdirs("v2/bad");
        put("v2/bad", "cpu.stat", "usage_usec lots\n");
        put("v2/bad", "memory.current", "\xff\xfe\n");
        put("v2/bad", "memory.events", "max -3\n");
        put("v2/bad", "io.stat", "8:0 rbytes=1 wbytes\n");
        put("v2/bad", "cpu.max", "100000\n");
        put("v2/bad", "io.max", "junk\n");
        int b = opendir_at("v2/bad");
        td_cg_usage_init(&u);
        td_cg_live_init(&l);
        for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX; c++) {
                td_cg_usage_read(c, TD_CG_V2, b, -1, &u);
                td_cg_live_read(c, TD_CG_V2, b, &l);
        }
        ok(u.cpu_ns == NA && u.mem_current == NA && u.mem_max_events == NA && u.io_rbytes == NA,
           "garbage: usage n/a");
        ok(l.cpu_quota_us == NA && !l.devs_read && l.devs.n == 0, "garbage: live n/a");
        td_cg_live_done(&l);
        close(b);
        close(g);
        close(lf);
}

/* ---- compare ----------------------------------------------------------- */

static const td_cg_limit_row *row(const td_cg_limits *l, const char *key, const char *file) {
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->v[i].key, key) && (!file || streq(l->v[i].file, file)))
                        return &l->v[i];
        return NULL;
}

static int fake_resolve(const char *path, unsigned *ret_major, unsigned *ret_minor) {
        if (!streq(path, "/dev/vda"))
                return -ENOENT;
        *ret_major = 254;
        *ret_minor = 0;
        return 0;
}

static void test_compare(void) {
        td_cg_host host = { .page_size = 4096, .resolve_device = fake_resolve };
        td_cg_tenant_stats st = {};
        td_cg_limits l = {};
        td_io_device dev[2] = {
                { .device = (char *) "/dev/vda", .rbps = TD_UNSET, .wbps = 2097152, .riops = TD_UNSET, .wiops = TD_UNSET },
                { .device = (char *) "/dev/gone", .rbps = 100, .wbps = TD_UNSET, .riops = TD_UNSET, .wiops = TD_UNSET },
        };
        const td_cg_limit_row *w;
        td_policy p;
        int n;

        td_policy_init(&p);
        p.cpu.weight = 200;
        p.cpu.quota = 1500;
        p.memory.max = 64 * 1024 * 1024 + 100;   /* not page aligned: apply rounds down */
        p.memory.swap_max = 16 * 1024 * 1024;
        p.pids.max = 100;
        p.cpu.cpus = (char *) "0-1";
        p.io.devices = dev;
        p.io.n_devices = 2;

        for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX; c++)
                st.version[c] = TD_CG_V1;
        td_cg_live_init(&st.live);
        st.live.cpu_shares = 2048;
        st.live.cpu_quota_us = 150000;
        st.live.cpu_period_us = 100000;
        st.live.mem_max = 64 * 1024 * 1024;
        st.live.mem_high = MAXV;
        st.live.memsw_max = 80 * 1024 * 1024;
        st.live.pids_max = 50;                      /* drift */
        st.live.cpus = (char *) "0,1";
        st.live.mems = (char *) "0";
        st.live.bfq_weight = 100;
        st.live.devs_read = true;
        is_int(td_stats_parse_v1_throttle("254:0 2097152\n8:16 5000\n", TD_DEV_WBPS, &st.live.devs), 0,
               "compare: live throttle");

        n = td_cg_limits_compare(&p, &host, &st, &l);
        is_int(n, 2, "compare v1: two drifting rows (pids.max, stray device limit)");
        w = row(&l, "cpu.weight", "cpu.shares");
        ok(w && w->configured && w->expected == 2048 && !w->drift, "compare v1: weight 200 -> shares 2048");
        w = row(&l, "cpu.quota", "cpu.cfs_quota_us");
        ok(w && w->expected == 1500 && w->live == 1500 && !w->drift, "compare v1: quota 150%%");
        w = row(&l, "cpu.period", NULL);
        ok(w && !w->configured && w->expected == 100000 && !w->drift, "compare v1: default period");
        w = row(&l, "memory.max", "memory.limit_in_bytes");
        ok(w && w->expected == 64 * 1024 * 1024 && !w->drift, "compare v1: memory.max page-rounded");
        w = row(&l, "memory.high", NULL);
        ok(w && !w->configured && w->expected == MAXV && !w->drift, "compare v1: unset high is max");
        w = row(&l, "memory.swap_max", "memory.memsw.limit_in_bytes");
        ok(w && w->expected == 80 * 1024 * 1024 && !w->drift, "compare v1: memsw = max + swap_max");
        w = row(&l, "pids.max", NULL);
        ok(w && w->drift && w->expected == 100 && w->live == 50, "compare v1: pids.max drift");
        w = row(&l, "cpu.cpus", NULL);
        ok(w && w->compared && !w->drift, "compare v1: cpulist compared as a set");
        w = row(&l, "cpu.mems", NULL);
        ok(w && !w->compared && !w->drift, "compare v1: unset mems inherited, not compared");
        w = row(&l, "io.weight", "blkio.bfq.weight");
        ok(w && !w->configured && w->expected == 100 && !w->drift, "compare v1: bfq weight default");
        ok(!row(&l, "io.weight", "blkio.weight"), "compare v1: no blkio.weight row when the file is absent");
        w = row(&l, "io.devices[/dev/vda].write_bps", "blkio.throttle.write_bps_device");
        ok(w && w->configured && !w->drift && w->live == 2097152, "compare v1: device by path");
        w = row(&l, "io.devices[/dev/gone].read_bps", NULL);
        ok(w && !w->compared && w->live == NA && !w->drift, "compare v1: unresolvable device not compared");
        w = row(&l, "io.devices[8:16].write_bps", NULL);
        ok(w && !w->configured && w->drift && w->live == 5000, "compare v1: live limit not in policy is drift");
        is_int(l.n_drift, 2, "compare v1: n_drift");
        td_cg_limits_done(&l);

        /* v1 quota: a rounded millicore display must not fake drift. */
        p.cpu.quota = 333;
        p.cpu.period_us = 1500;
        st.live.cpu_quota_us = 499;
        st.live.cpu_period_us = 1500;
        n = td_cg_limits_compare(&p, &host, &st, &l);
        w = row(&l, "cpu.quota", NULL);
        ok(n >= 0 && w && !w->drift, "compare v1: quota compared in microseconds");
        td_cg_limits_done(&l);
        td_dev_limits_done(&st.live.devs);

        /* v2: native names and defaults; orphan compares nothing. */
        td_cg_tenant_stats s2 = {};
        for (td_cg_controller c = 0; c < _TD_CG_CONTROLLER_MAX; c++)
                s2.version[c] = c == TD_CG_CPUACCT ? TD_CG_NONE : TD_CG_V2;
        td_cg_live_init(&s2.live);
        s2.live.cpu_weight = 100;
        s2.live.cpu_quota_us = MAXV;
        s2.live.cpu_period_us = 100000;
        s2.live.mem_max = MAXV;
        s2.live.swap_max = MAXV;
        s2.live.cpus = (char *) "";
        s2.live.pids_max = MAXV;
        s2.live.io_weight = 100;
        s2.live.devs_read = true;
        td_policy_init(&p);
        n = td_cg_limits_compare(&p, &host, &s2, &l);
        is_int(n, 0, "compare v2: empty policy and default group: no drift");
        w = row(&l, "cpu.cpus", "cpuset.cpus");
        ok(w && w->compared && !w->drift, "compare v2: unset cpus expects \"\"");
        w = row(&l, "cpu.quota", "cpu.max");
        ok(w && w->expected == MAXV && w->live == MAXV, "compare v2: cpu.max max");
        w = row(&l, "memory.high", "memory.high");
        ok(w && w->live == NA && !w->drift, "compare v2: unreadable live is not drift");
        td_cg_limits_done(&l);

        s2.live.mem_max = 1 << 30;
        n = td_cg_limits_compare(NULL, &host, &s2, &l);
        is_int(n, 0, "compare orphan: nothing drifts");
        w = row(&l, "memory.max", NULL);
        ok(w && !w->compared && !w->configured && w->live == 1 << 30, "compare orphan: live shown");
        td_cg_limits_done(&l);
}

/* ---- a whole tenant through td_cg -------------------------------------- */

static void test_tenant(void) {
        char mnt[2][512];
        td_cg_layout lay;
        td_cg *cg = NULL;
        td_diags ds = {};
        td_cg_tenant_stats st;
        char **names = NULL;
        int n;

        snprintf(mnt[0], sizeof mnt[0], "%s/mnt/memory", tmp);
        snprintf(mnt[1], sizeof mnt[1], "%s/mnt/pids", tmp);
        mkdirs("mnt/memory/tenants/acme/procs");
        mkdirs("mnt/memory/tenants/odd\"name\\x/procs");
        mkdirs("mnt/pids/tenants/acme/procs");
        mkdirs("mnt/pids/tenants/_fallback");
        put("mnt/memory/tenants", "memory.usage_in_bytes", "1\n");   /* a file, not a group */
        put("mnt/memory/tenants/acme", "memory.usage_in_bytes", "4096\n");
        put("mnt/memory/tenants/acme", "memory.limit_in_bytes", "8192\n");
        put("mnt/pids/tenants/acme", "pids.current", "2\n");

        td_cg_layout_init(&lay);
        ok(td_cg_layout_add(&lay, TD_CG_V1, 1u << TD_CG_MEMORY, mnt[0], "/") == 0 &&
           td_cg_layout_add(&lay, TD_CG_V1, 1u << TD_CG_PIDS, mnt[1], "/") == 0, "tenant: fake layout");
        is_int(td_cg_open(&lay, "/tenants", NULL, &cg, &ds), 0, "tenant: td_cg_open");
        td_cg_layout_done(&lay);
        if (!cg)
                return;

        is_int(td_cg_tenant_stats_read(cg, "acme", &st), 0, "tenant: read acme");
        ok(st.available == ((1u << TD_CG_MEMORY) | (1u << TD_CG_PIDS)), "tenant: available controllers");
        ok(st.present == st.available, "tenant: present in both");
        ok(st.usage.mem_current == 4096 && st.usage.pids_current == 2 && st.live.mem_max == 8192,
           "tenant: values read through td_cg_group_dirfd");
        td_cg_tenant_stats_done(&st);

        is_int(td_cg_tenant_stats_read(cg, "ghost", &st), 0, "tenant: missing group is no error");
        ok(st.present == 0 && st.usage.mem_current == NA, "tenant: missing group: nothing present");
        td_cg_tenant_stats_done(&st);
        is_int(td_cg_tenant_stats_read(cg, "..", &st), -EINVAL, "tenant: .. refused");
        is_int(td_cg_tenant_stats_read(cg, "a/b", &st), -EINVAL, "tenant: slash refused");

        n = td_cg_list_groups(cg, &names);
        is_int(n, 3, "list groups: union of hierarchies, deduplicated");
        ok(n == 3 && streq(names[0], "_fallback") && streq(names[1], "acme") &&
           streq(names[2], "odd\"name\\x") && !names[3], "list groups: sorted, NULL-terminated");
        td_strv_free(names);
        td_cg_free(cg);
        td_diags_done(&ds);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
        return remove(path);
}

int main(void) {
        if (!mkdtemp(tmp))
                tap_skip_all("cannot create a temp dir");
        test_keyed();
        test_value();
        test_io();
        test_limits_parse();
        test_read_v1();
        test_read_v2();
        test_compare();
        test_tenant();
        nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        return tap_done();
}
