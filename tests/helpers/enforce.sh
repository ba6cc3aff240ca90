# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared parts of the enforcement tests (tests/integration/enforce-v1.sh on
# this host's cgroup v1, tests/vm/guest-enforce-v2.sh on cgroup v2 in the
# VM). Source after tests/lib.sh. Limits are set by `tenantctl apply` from a
# temp config (enf_setup + enf_tenant + enf_apply); each enf_check_* then
# runs a real workload from tests/helpers inside a tenant and emits TAP.
#
# Every cgroup touched is below the test's own cgroup, in every hierarchy,
# under a "tenantd-test-PID" tenant root; only processes this test starts
# are moved, into tenants' leaf groups ("<tenant>/procs", see cgroup.h).

ENF_HELPERS=${ENF_HELPERS:-$TD_BUILDDIR/tests/helpers}
ENF_ROOT_NAME=tenantd-test-$$
ENF_V1_CTRLS="cpu cpuacct cpuset memory blkio pids"

# Mount point of a v1 controller's hierarchy ("" when not mounted).
enf_v1_mount() {
        awk -v c="$1" '{ for (i = 7; i <= NF && $i != "-"; i++); if ($(i+1) != "cgroup") next
                n = split($(i+3), o, ","); for (j = 1; j <= n; j++) if (o[j] == c) { print $5; exit } }' \
                /proc/self/mountinfo
}

# enf_init VERSION: 1 for the host's v1 controllers, 2 for the unified
# hierarchy at /sys/fs/cgroup, hybrid for whatever v1 controllers are
# mounted plus the unified hierarchy (at V2_MOUNT, default /sys/fs/cgroup)
# for the rest. Sets ENF_BASES (one "ctrl=dir" per hierarchy, dir being the
# tenant root there; "unified=dir" for the v2 one).
enf_init() {
        ENF_V=$1 ENF_BASES=
        local c m own
        if [ "$ENF_V" != 1 ]; then
                own=$(own_cgroup "")
                ENF_BASES="unified=${V2_MOUNT:-/sys/fs/cgroup}${own%/}/$ENF_ROOT_NAME"
                [ "$ENF_V" = 2 ] && return 0
        fi
        for c in $ENF_V1_CTRLS; do
                m=$(enf_v1_mount "$c")
                [ -n "$m" ] || continue
                own=$(own_cgroup "$c")
                ENF_BASES="$ENF_BASES $c=$m${own%/}/$ENF_ROOT_NAME"
        done
}

# enf_ver CTRL: 1 when CTRL is on a v1 hierarchy here, else 2.
enf_ver() {
        local b
        for b in $ENF_BASES; do
                [ "${b%%=*}" = "$1" ] && { echo 1; return; }
        done
        echo 2
}

# enf_dir CTRL TENANT [procs]: the tenant's group (or leaf) holding CTRL:
# its v1 hierarchy's, or else the unified one's.
enf_dir() {
        local b want=$1
        [ "$(enf_ver "$1")" = 2 ] && want=unified
        for b in $ENF_BASES; do
                if [ "${b%%=*}" = "$want" ]; then
                        echo "${b#*=}/$2${3:+/$3}"
                        return 0
                fi
        done
        return 1
}

# enf_read CTRL TENANT FILE [procs]: a knob's content on one line ("" if absent).
enf_read() { tr '\n' ' ' <"$(enf_dir "$1" "$2" "${4:-}")/$3" 2>/dev/null | sed 's/ *$//'; }

# enf_run TENANT CMD...: run CMD inside the tenant's leaf in every hierarchy
# that has it, in the foreground; returns CMD's status. The subshell moves
# itself before exec so the workload's whole life is under the limits.
enf_run() {
        local t=$1; shift
        (enf_enter "$t" || exit 126; exec "$@")
}
enf_enter() {
        local b d n=0
        for b in $ENF_BASES; do
                d=${b#*=}/$1/procs
                [ -d "$d" ] || continue
                echo "$BASHPID" >"$d/cgroup.procs" || return 1
                n=$((n + 1))
        done
        [ "$n" -gt 0 ]
}

# enf_kill_tree: SIGKILL every process left in the test's tenant tree (all
# of them descend from this test: nothing else is ever moved there).
enf_kill_tree() {
        local b f p
        for b in $ENF_BASES; do
                [ -d "${b#*=}" ] || continue
                for f in $(find "${b#*=}" -name cgroup.procs 2>/dev/null); do
                        for p in $(cat "$f" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
                done
        done
}

# enf_remove_tree: rmdir whatever of the tenant root apply (or a failed
# apply) left, deepest first. Only directories: a cgroup rmdir fails while
# busy, and nothing outside the tenant root is touched.
enf_remove_tree() {
        local b i
        for b in $ENF_BASES; do
                [ -d "${b#*=}" ] || continue
                for i in 1 2 3 4 5; do
                        find "${b#*=}" -depth -type d -exec rmdir {} + 2>/dev/null
                        [ -d "${b#*=}" ] || break
                        sleep 0.2
                done
        done
}

# ---- config and policies ------------------------------------------------

# enf_setup: a temp dir with tenantd.conf, tenants.d/, plans.d/. Sets
# ENF_TMP and ENF_CONF.
enf_setup() {
        ENF_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tenantd-test-$$.XXXXXX") || return 1
        ENF_CONF=$ENF_TMP/tenantd.conf
        mkdir -p "$ENF_TMP/tenants.d" "$ENF_TMP/plans.d"
        cat >"$ENF_CONF" <<EOF
# enforcement test config; tenant_root is relative: below this test's own
# cgroup in every hierarchy.
[tenantd]
tenants_dir = $ENF_TMP/tenants.d
plans_dir = $ENF_TMP/plans.d
cgroup_version = $([ "$ENF_V" = hybrid ] && echo auto || echo "v$ENF_V")
tenant_root = $ENF_ROOT_NAME
EOF
}

# enf_tenant NAME < YAML-BODY: write tenants.d/NAME.yaml (the "tenant:" line
# is added here).
enf_tenant() {
        { echo "tenant: $1"; cat; } >"$ENF_TMP/tenants.d/$1.yaml"
}

# enf_apply [ARGS]: tenantctl apply with the test config and a state file
# of the test's own (not /run/tenantd's); stdout+stderr in
# $ENF_TMP/apply.out. Returns tenantctl's status.
enf_apply() {
        "$TENANTCTL" --config "$ENF_CONF" apply --state "$ENF_TMP/cgroup.state" "$@" >"$ENF_TMP/apply.out" 2>&1
}

enf_cleanup() {
        enf_kill_tree
        if [ -n "${ENF_CONF:-}" ] && [ -x "$TENANTCTL" ]; then
                "$TENANTCTL" --config "$ENF_CONF" teardown --state "$ENF_TMP/cgroup.state" >/dev/null 2>&1
        fi
        enf_remove_tree
        [ -n "${ENF_TMP:-}" ] && rm -rf "$ENF_TMP"
}

# ---- checks -------------------------------------------------------------

# enf_field KEY < TEXT: the value of "KEY=value" or "KEY value" in TEXT.
enf_field() { tr ' ' '\n' | awk -v k="$1" 'f { print; exit } $0 == k { f = 1 } index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }'; }
enf_between() { [ -n "$1" ] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

# CPU: a hog under a 50% quota gets 40..60% of one core, by its own CPU time
# over its wall-clock time (a ratio, so an emulated guest measures the same).
enf_check_cpu() {
        local t=$1 out pct thr root
        # The quota is an upper bound; on a busy host (parallel make check,
        # a VM test's vCPU threads) the hog can also get less. Its tenant
        # root competes with every other task at the top of the cpu
        # hierarchy, so give the test's tenant root (ours, below our own
        # cgroup; tenantd leaves the root's knobs alone) the largest share:
        # then the quota, not the neighbours, is what is measured.
        root=$(enf_dir cpu "")
        if [ "$(enf_ver cpu)" = 2 ]; then echo 10000 >"$root/cpu.weight"; else echo 262144 >"$root/cpu.shares"; fi
        out=$(enf_run "$t" "$ENF_HELPERS/td-cpuhog" 3)
        diag "cpu: $out"
        pct=$(echo "$out" | enf_field pct); pct=${pct%.*}
        enf_between "$pct" 40 60; ok $? "cpu: hog under a 50% quota got ${pct:-?}% of one core (want 40..60)"
        thr=$(enf_read cpu "$t" cpu.stat | enf_field nr_throttled)
        enf_between "$thr" 1 1000000; ok $? "cpu: the kernel throttled the group (nr_throttled ${thr:-?})"
}

# Memory: a hog over the limit dies by SIGKILL from the group's OOM killer,
# a process outside the tenant (started here) lives on.
enf_check_memory() {
        local t=$1 limit_mib=$2 outside rc out touched kills fail
        sleep 300 &
        outside=$!
        out=$(enf_run "$t" "$ENF_HELPERS/td-memhog" $((limit_mib * 4)) 2>&1)
        rc=$?
        touched=$(echo "$out" | sed -n 's/.*touched_mib=//p' | tail -n1)
        diag "memory: hog exit $rc, last touched ${touched:-0} MiB of $((limit_mib * 4))"
        is "$rc" 137 "memory: hog over memory.max ($limit_mib MiB) was killed by SIGKILL"
        enf_between "${touched:-0}" 0 "$limit_mib"; ok $? "memory: the hog never held more than the limit (${touched:-0} MiB)"
        if [ "$(enf_ver memory)" = 2 ]; then
                kills=$(enf_read memory "$t" memory.events | enf_field oom_kill)
                enf_between "$kills" 1 1000; ok $? "memory: memory.events counts the OOM kill (oom_kill ${kills:-?})"
        else
                # v1 counts the kill in the victim's group (the leaf), not
                # in the group whose limit was hit; read both.
                kills=$(( $(enf_read memory "$t" memory.oom_control | enf_field oom_kill) +
                          $(enf_read memory "$t" memory.oom_control procs | enf_field oom_kill) ))
                fail=$(enf_read memory "$t" memory.failcnt)
                enf_between "$kills" 1 1000; ok $? "memory: memory.oom_control counts the OOM kill (oom_kill ${kills:-?})"
                enf_between "$fail" 1 100000000; ok $? "memory: memory.failcnt counts hits on the limit (${fail:-?})"
        fi
        kill -0 "$outside" 2>/dev/null; ok $? "memory: a process outside the tenant survived"
        kill "$outside" 2>/dev/null
        wait "$outside" 2>/dev/null
}

# Pids: a fork bomb alone in the tenant gets exactly max - 1 children (it is
# the first pid), then EAGAIN; while it holds them the group is full.
enf_check_pids() {
        local t=$1 max=$2 out="$ENF_TMP/bomb.out" bomb i forks err cur ev_g ev_l ev rc
        (enf_enter "$t" || exit 126; exec "$ENF_HELPERS/td-forkbomb" $((max * 20)) 30) >"$out" 2>&1 &
        bomb=$!
        for i in $(seq 1 100); do
                grep -q forks= "$out" && break
                kill -0 "$bomb" 2>/dev/null || break
                sleep 0.1
        done
        cur=$(enf_read pids "$t" pids.current)
        kill -TERM "$bomb" 2>/dev/null
        wait "$bomb"
        rc=$?
        diag "pids: $(cat "$out") (exit $rc)"
        forks=$(enf_field forks <"$out")
        err=$(enf_field errno <"$out")
        is "$forks" $((max - 1)) "pids: the bomb forked pids.max - 1 times ($max - 1)"
        is "$err" EAGAIN "pids: the next fork failed with EAGAIN"
        is "$cur" "$max" "pids: pids.current reached pids.max while the bomb held its children"
        ev_g=$(enf_read pids "$t" pids.events | enf_field max)
        ev_l=$(enf_read pids "$t" pids.events procs | enf_field max)
        ev=$(( ${ev_g:-0} > ${ev_l:-0} ? ${ev_g:-0} : ${ev_l:-0} ))
        enf_between "$ev" 1 100000; ok $? "pids: pids.events counts refused forks (max $ev)"
        is "$(enf_read pids "$t" pids.current)" 0 "pids: the bomb and all its children are gone"
}

# I/O: O_DIRECT writes under a write_bps limit run at that rate +-25%.
# enf_check_io TENANT PATH MIB KIB_PER_S
enf_check_io() {
        local t=$1 path=$2 mib=$3 want=$4 out rate
        # Bounded: a limit far below the intended one must fail the check,
        # not hang the suite (the wait for in-flight bios is not killable).
        out=$(enf_run "$t" timeout -k 10 $((mib * 1024 * 4 / want + 10)) "$ENF_HELPERS/td-dwrite" "$path" "$mib" 2>&1)
        diag "io: $out"
        rate=$(echo "$out" | enf_field kib_per_s)
        enf_between "$rate" $((want * 3 / 4)) $((want * 5 / 4))
        ok $? "io: O_DIRECT writes ran at ${rate:-?} KiB/s under a $want KiB/s limit (+-25%)"
}

# Cpuset: a process in the tenant may run on the listed CPUs only, as it
# sees itself (sched_getaffinity) and as others see it (/proc/PID/status).
enf_check_cpuset() {
        local t=$1 cpus=$2 out aff st pid
        out=$(enf_run "$t" "$ENF_HELPERS/td-affinity")
        aff=$(echo "$out" | enf_field affinity)
        st=$(echo "$out" | enf_field status)
        is "$aff" "$cpus" "cpuset: sched_getaffinity inside the tenant is $cpus"
        is "$st" "$cpus" "cpuset: its Cpus_allowed_list is $cpus"
        (enf_enter "$t" || exit 126; exec sleep 30) &
        pid=$!
        for _ in 1 2 3 4 5 6 7 8 9 10; do
                [ "$(readlink "/proc/$pid/exe")" != "$(readlink /proc/$$/exe)" ] && break
                sleep 0.1
        done
        is "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$pid/status")" "$cpus" \
                "cpuset: /proc/PID/status of another tenant process shows $cpus"
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
}
