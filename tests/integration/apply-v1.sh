#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `tenantctl apply` on this host's real cgroup v1 controllers: create, read
# back (with libcgroup's cgget and directly), idempotence, one changed
# tenant, dry run, an invalid policy, removal, busy refuse vs move, and
# the v1 realtime budget. See cgroup-lib.sh for where the tree lives.
. "$TD_SRCDIR/tests/lib.sh"
. "$TD_SRCDIR/tests/integration/cgroup-lib.sh"

cg_require
cg_setup

# A real disk for the io limits ("" when there is none): not a loop or ram
# device, which may have no queue to throttle.
DEV=
for d in /sys/block/*; do
        case ${d##*/} in loop*|ram*|zram*) continue ;; esac
        [ -e "$d/dev" ] && [ -b "/dev/${d##*/}" ] && { DEV=/dev/${d##*/}; break; }
done
DEVNO=$([ -n "$DEV" ] && cat "/sys/block/${DEV##*/}/dev")
IO=
[ -n "$DEV" ] && IO="io: { devices: [ { device: $DEV, read_bps: 10M/s, write_iops: 100 } ] }"

cg_tenant acme <<EOF
cpu: { weight: 200, quota: 50%, cpus: "0" }
memory: { max: 256M, high: 200M, swap_max: 64M }
pids: { max: 64 }
$IO
EOF
cg_tenant beta <<'EOF'
memory: { max: 128M }
pids: { max: 32 }
EOF

# --- cold apply ---
cg_apply; ok $? "apply succeeds"
for c in $CG_CTRLS; do
        check "acme's group and leaf exist in $c" -- test -d "$(cg_tdir "$c" acme procs)"
done
MEMPATH="$(cg_path memory)/$CG_TOP/tenants/acme"
is "$(cgget -n -v -r memory.limit_in_bytes "$MEMPATH")" 268435456 "cgget: memory.limit_in_bytes"
is "$(cgget -n -v -r memory.memsw.limit_in_bytes "$MEMPATH")" 335544320 "cgget: memsw = max + swap_max"
is "$(cg_read memory acme memory.soft_limit_in_bytes)" 209715200 "memory.high -> soft limit"
is "$(cg_read cpu acme cpu.shares)" 2048 "cpu.weight 200 -> cpu.shares 2048"
is "$(cg_read cpu acme cpu.cfs_quota_us)" 50000 "quota 50% of 100ms"
is "$(cg_read cpuset acme cpuset.cpus)" 0 "cpuset.cpus"
is "$(tr -d '\n' <"$(cg_tdir cpuset acme procs)/cpuset.cpus")" 0 "leaf cpuset.cpus within the group"
is "$(cg_read cpuset beta cpuset.cpus)" "$(tr -d '\n' <"$(cg_dir cpuset tenants)/cpuset.cpus")" \
        "beta's cpus follow the tenant root"
is "$(cg_read pids acme pids.max)" 64 "pids.max"
if [ -n "$DEV" ]; then
        is "$(cg_read blkio acme blkio.throttle.read_bps_device)" "$DEVNO 10485760" "read bps of $DEV"
        is "$(cg_read blkio acme blkio.throttle.write_iops_device)" "$DEVNO 100" "write iops of $DEV"
fi

# --- idempotence ---
cg_apply; ok $? "second apply succeeds"
check "second apply: 0 writes" -- grep -q "^apply: 0 writes" <<<"$CG_OUT"
cg_apply --verify; ok $? "apply --verify succeeds"
check "verify: 0 writes (every live value read and equal)" -- grep -q "^apply: 0 writes" <<<"$CG_OUT"

# --- dry run of a change: plan only ---
cg_tenant beta <<'EOF'
memory: { max: 192M }
pids: { max: 32 }
EOF
cg_apply --dry-run; ok $? "dry run succeeds"
check "dry run prints FILE: OLD -> NEW" -- \
        grep -qF "$(cg_tdir memory beta)/memory.limit_in_bytes: 134217728 -> 201326592" <<<"$CG_OUT"
is "$(cg_read memory beta memory.limit_in_bytes)" 134217728 "dry run changed nothing"

# --- one tenant changed: only it is written ---
acme_before=$(cg_read memory acme memory.limit_in_bytes)
cg_apply --verbose; ok $? "apply of the change succeeds"
is "$(grep -c ' -> ' <<<"$CG_OUT")" 1 "exactly one knob written"
check "the written knob is beta's" -- grep -q "/beta/memory.limit_in_bytes: 134217728 -> 201326592" <<<"$CG_OUT"
is "$(cg_read memory beta memory.limit_in_bytes)" 201326592 "beta's new limit is live"
is "$(cg_read memory acme memory.limit_in_bytes)" "$acme_before" "acme untouched"

# --- an invalid policy: reported, its group left alone, others applied ---
cg_tenant beta <<'EOF'
memory: { max: lots }
EOF
cg_tenant gamma <<'EOF'
pids: { max: 16 }
EOF
cg_apply; is $? 1 "apply with an invalid tenant exits 1"
check "the invalid tenant is named" -- grep -q "beta: skipped" <<<"$CG_OUT"
check "its error has file:line:col" -- grep -qE "beta.yaml:[0-9]+:[0-9]+: memory.max" <<<"$CG_OUT"
is "$(cg_read memory beta memory.limit_in_bytes)" 201326592 "invalid beta keeps its live limit"
is "$(cg_read pids gamma pids.max)" 16 "the valid tenants are still applied"

# --- removal of a tenant whose policy is gone ---
rm "$CG_TMP/tenants.d/gamma.yaml"
cg_apply; is $? 1 "apply (beta still invalid) exits 1"
check "gamma removed" -- grep -q "gamma: removed" <<<"$CG_OUT"
gone=0; for c in $CG_CTRLS; do [ -d "$(cg_tdir "$c" gamma)" ] && gone=1; done
is "$gone" 0 "gamma's groups are gone from every hierarchy"
check "beta (invalid, not gone) kept" -- test -d "$(cg_tdir memory beta)"

# --- busy: refuse, then move (only our own sleep) ---
cg_tenant beta <<'EOF'
memory: { max: 128M }
EOF
cg_spawn
cg_enter "$CG_SLEEP" acme; ok $? "our sleep entered acme's leaf"
rm "$CG_TMP/tenants.d/acme.yaml"
cg_apply; is $? 1 "busy acme, on_busy=refuse: exit 1"
check "acme reported busy" -- grep -q "acme: busy.*1 process still in it" <<<"$CG_OUT"
check "acme kept" -- test -d "$(cg_tdir pids acme procs)"
check "sleep still in acme" -- grep -qx "$CG_SLEEP" "$(cg_tdir pids acme procs)/cgroup.procs"
cg_conf move
cg_apply; ok $? "busy acme, on_busy=move: exit 0"
check "acme reported moved" -- grep -q "acme: moved (1 process moved)" <<<"$CG_OUT"
check "sleep now in the fallback group" -- \
        grep -qx "$CG_SLEEP" "$(cg_dir pids tenants/_fallback)/cgroup.procs"
check "acme removed" -- test ! -d "$(cg_tdir memory acme)"

# --- realtime budget (v1 only): root and its ancestors get the tenants' share ---
if [ -e "$(cg_dir cpu)/cpu.rt_runtime_us" ]; then
        cg_tenant rt <<'EOF'
cpu: { realtime: { runtime: 10ms, period: 1s } }
EOF
        cg_apply; ok $? "apply with a realtime budget"
        is "$(cat "$(cg_dir cpu tenants)/cpu.rt_runtime_us")" 10000 "tenant root got the budget"
        is "$(cg_read cpu rt cpu.rt_runtime_us)" 10000 "tenant group rt_runtime_us"
        is "$(tr -d '\n' <"$(cg_tdir cpu rt procs)/cpu.rt_runtime_us")" 10000 "leaf rt_runtime_us"
        rm "$CG_TMP/tenants.d/rt.yaml"
        cg_apply; ok $? "removing the realtime tenant"
        is "$(cat "$(cg_dir cpu tenants)/cpu.rt_runtime_us")" 0 "tenant root gave the budget back"
fi

# --- an unreadable tenants directory is not an empty one ---
cg_tenant keep <<'EOF'
pids: { max: 64 }
EOF
cg_apply; ok $? "apply tenant keep"
check "keep created" -- test -d "$(cg_tdir pids keep)"
"$TENANTCTL" --config "$CG_CONF" --tenants-dir "$CG_TMP/no-such-dir" apply --state "$CG_STATE" >"$CG_TMP/out" 2>&1
is $? 1 "apply with a missing tenants directory fails"
check "keep survives a missing tenants directory" -- test -d "$(cg_tdir pids keep)"
check "and says why nothing was removed" -- grep -q "not removing groups of vanished tenants" "$CG_TMP/out"
rm "$CG_TMP/tenants.d/keep.yaml"

kill "$CG_SLEEP"; wait "$CG_SLEEP" 2>/dev/null
# Teardown with a realtime tenant in place: the budget raised in the
# directory above the root ($CG_TOP, created by apply) goes back too.
rt_above=
if [ -e "$(cg_dir cpu)/cpu.rt_runtime_us" ]; then
        printf 'cpu: { realtime: { runtime: 10ms, period: 1s } }\n' | cg_tenant rt
        cg_apply; ok $? "apply a realtime tenant again"
        is "$(cat "$(cg_dir cpu)/cpu.rt_runtime_us")" 10000 "the directory above the root got the budget"
        rt_above=1
fi
cg_ctl teardown --state "$CG_STATE"; ok $? "teardown once our sleep is gone"
if [ -n "$rt_above" ]; then
        is "$(cat "$(cg_dir cpu)/cpu.rt_runtime_us")" 0 "teardown gave the budget above the root back"
fi
is "$(cg_left | wc -l)" 0 "nothing left of the tenant tree"
done_testing
