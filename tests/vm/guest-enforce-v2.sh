#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs INSIDE the test VM (tests/vm/enforce-v2.sh boots it): cgroup v2 at
# /sys/fs/cgroup, a scratch raw disk as $1 (default /dev/vda).
#
# 1. `tenantctl apply` of a tenant that sets every v2 knob tenantd manages,
#    read back from the kernel's files.
# 2. `tenantctl list` and `show` (text and --json) right after: every tenant
#    ok, layout v2, every live limit as the policy asks; then a workload
#    started here in one tenant shows up in its usage.
# 3. The enforcement checks of tests/integration/enforce-v1.sh, on v2: CPU
#    quota, memory.max with OOM kill, pids.max against a fork bomb, io.max
#    write bandwidth on the raw disk with O_DIRECT, cpuset pinning; then
#    `show --json` reports the counters they left, equal to the kernel's.
# 4. Drift: a limit written by hand is flagged by show and list, and apply
#    (which compares with the live values) puts it back.
# 5. A realtime CPU policy is refused on v2 by apply and by `check` (with
#    the file, the tenant and the knob), passed by `check --offline`, and the
#    other tenants stay as they were.
# 6. tenantd started as systemd starts it in a Delegate=yes unit with a
#    relative tenant_root: it moves itself (and nothing else) into a leaf
#    so controllers can be enabled, and resolves the root against the
#    unit's group on reloads too.
# 7. README command 1, tools/demo.sh, started from a login session's group.
# 8. A hybrid host made from this one: cpu,cpuacct moved to a v1 mount,
#    apply, show, the CPU, memory and pids checks across both, teardown.
# One boot runs it all: under emulation a boot costs 10-40 s.
. "$TD_SRCDIR/tests/lib.sh"
. "$TD_SRCDIR/tests/helpers/enforce.sh"

[ "${TD_IN_VM:-}" = 1 ] || skip_all "runs only inside the test VM (tests/vm/enforce-v2.sh)"
disk=${1:-/dev/vda}
[ -b "$disk" ] || skip_all "no scratch disk $disk in the VM"
[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || skip_all "/sys/fs/cgroup is not cgroup2"
# The guest's root is the host's: enforce-v2.sh skipped already if it lacks python3.
PY=$(command -v python3) || skip_all "python3 is needed to check the JSON"

enf_init 2
enf_setup || skip_all "cannot create a temp dir"
trap enf_cleanup EXIT
disk_mm=$(cat "/sys/class/block/${disk#/dev/}/dev")
ncpu=$(nproc)
pin=$((ncpu - 1))

tc() { "$TENANTCTL" --config "$ENF_CONF" "$@"; }

# Under emulation every exec costs (a python start up to seconds while
# the 9p cache is cold): tenantctl's JSON is written to files, several are
# checked by one python run, and kernel files are read with bash builtins.

# tcj NAME ARGS...: `tenantctl ARGS`, stdout to $ENF_TMP/NAME.json, exit
# status in RC[NAME]; stderr is shown when that is not 0.
declare -A RC
tcj() {
        local n=$1 l
        shift
        tc "$@" >"$ENF_TMP/$n.json" 2>"$ENF_TMP/$n.err"
        RC[$n]=$?
        [ "${RC[$n]}" = 0 ] || while IFS= read -r l; do diag "tenantctl $*: $l"; done <"$ENF_TMP/$n.err"
}

# jget NAME... -- EXPR...: parse $ENF_TMP/NAME.json for each NAME (as
# D['NAME']; d is the first) and evaluate each EXPR over them, into the
# array J: J[0] is "json ok" (or "invalid JSON in NAME: why"), then one line
# per EXPR ("error: ..." when it fails, so the lines stay in step).
jget() {
        # Not < <(...): the guest's /dev has no /dev/fd for it.
        mapfile -t J <<<"$("$PY" -c 'import json, os, sys
a = sys.argv[2:]
names, exprs = a[:a.index("--")], a[a.index("--") + 1:]
D = {}
for n in names:
    try:
        with open(os.path.join(sys.argv[1], n + ".json")) as f:
            D[n] = json.load(f)
    except (OSError, ValueError) as e:
        print("invalid JSON in %s: %s" % (n, e))
        sys.exit(1)
d = D[names[0]]
print("json ok")
for e in exprs:
    try:
        print(eval(e))
    except Exception as x:
        print("error: %r" % x)' "$ENF_TMP" "$@")"
}

# Every tenant's status in a `list --json`, "name=status ...", by name.
statuses() { echo "' '.join('%s=%s' % (t['name'], t['status']) for t in sorted(D['$1']['tenants'], key=lambda t: t['name']))"; }
ALL_OK="bomb=ok cpuhog=ok disk=ok knobs=ok memhog=ok pin=ok"

# kv FILE KEY: KEY's value in a flat keyed kernel file ("" when absent).
kv() {
        local k v
        while read -r k v; do
                [ "$k" = "$2" ] && { echo "$v"; return 0; }
        done 2>/dev/null <"$1"
        return 1
}
# kf CTRL TENANT FILE [procs]: the path of a tenant's kernel file.
kf() { echo "$(enf_dir "$1" "$2" "${4:-}")/$3"; }
# has REGEX: some line of the array L matches (bash's =~).
has() {
        local l
        for l in "${L[@]}"; do [[ $l =~ $1 ]] && return 0; done
        return 1
}

# ---- every knob, read back ----------------------------------------------
enf_tenant knobs <<EOF
cpu:
  weight: 250
  quota: 150%
  period: 50ms
  cpus: "$pin"
  mems: "0"
memory:
  max: 256M
  high: 192M
  swap_max: 32M
io:
  weight: 300
  devices:
    - device: $disk
      read_bps: 10M/s
      write_bps: 5M/s
      read_iops: 500
      write_iops: 400
pids:
  max: 123
EOF

# ---- enforcement tenants ------------------------------------------------
enf_tenant cpuhog <<'EOF'
cpu:
  quota: 50%
EOF
enf_tenant memhog <<'EOF'
memory:
  max: 64M
  swap_max: 0
EOF
enf_tenant bomb <<'EOF'
pids:
  max: 16
EOF
enf_tenant disk <<EOF
io:
  devices:
    - device: $disk
      write_bps: 2M/s
EOF
enf_tenant pin <<EOF
cpu:
  cpus: "$pin"
EOF

enf_apply
rc=$?
sed 's/^/# apply: /' "$ENF_TMP/apply.out"
is "$rc" 0 "tenantctl apply exits 0"

k() { enf_read "$1" knobs "$2"; }
is "$(k cpu cpu.weight)" 250 "v2 readback: cpu.weight"
is "$(k cpu cpu.max)" "75000 50000" "v2 readback: cpu.max (150% of a 50ms period)"
is "$(k memory memory.max)" $((256 << 20)) "v2 readback: memory.max"
is "$(k memory memory.high)" $((192 << 20)) "v2 readback: memory.high"
is "$(k memory memory.swap.max)" $((32 << 20)) "v2 readback: memory.swap.max"
is "$(k io io.max)" "$disk_mm rbps=$((10 << 20)) wbps=$((5 << 20)) riops=500 wiops=400" "v2 readback: io.max"
is "$(k io io.weight)" "default 300" "v2 readback: io.weight"
is "$(k pids pids.max)" 123 "v2 readback: pids.max"
is "$(k cpuset cpuset.cpus)" "$pin" "v2 readback: cpuset.cpus"
is "$(k cpuset cpuset.mems)" 0 "v2 readback: cpuset.mems"

# ---- list and show right after apply --------------------------------------
tcj list list --json
tcj knobs show --json knobs
tc list >"$ENF_TMP/list.txt" 2>&1
RC[list.txt]=$?
mapfile -t L <"$ENF_TMP/list.txt"
printf '# list: %s\n' "${L[@]}"
jget list knobs -- "D['list']['layout']" "$(statuses list)" \
        "[(t['cpu_quota_millicores'], t['memory_max_bytes'], t['pids_max'], t['drift']) for t in d['tenants'] if t['name'] == 'knobs']" \
        "(D['knobs']['status'], D['knobs']['drift'], D['knobs']['layout'])" \
        "[(g['controllers'], g['version'], g['path'], g['present']) for g in D['knobs']['groups']]" \
        "' '.join(sorted(r['key'] for r in D['knobs']['limits'] if r['configured'] is not None))" \
        "[(r['key'], r['expected'], r['live']) for r in D['knobs']['limits'] if r['expected'] is not None and r['live'] != r['expected']]" \
        "[(r['key'], r['live']) for r in D['knobs']['limits'] if r['key'] in ('cpu.quota', 'cpu.period', 'memory.swap_max', 'io.weight', 'cpu.cpus')]"
is "${RC[list]} ${RC[knobs]} ${J[0]}" "0 0 json ok" "list --json and show --json knobs exit 0 and parse"
is "${J[1]}" v2 "list --json: layout v2"
is "${J[2]}" "$ALL_OK" "list --json: every tenant, each ok"
is "${J[3]}" "[(1500, $((256 << 20)), 123, 0)]" "list --json: knobs' quota, memory.max, pids.max, no drift"
is "${J[4]}" "('ok', 0, 'v2')" "show --json knobs: status ok, no drift, layout v2"
is "${J[5]}" "[('cpu,cpuset,memory,io,pids', 'v2', '$(enf_dir memory knobs)', True)]" \
        "show --json knobs: one v2 group with every controller, at its path"
is "${J[6]}" "cpu.cpus cpu.mems cpu.period cpu.quota cpu.weight io.devices[$disk].read_bps io.devices[$disk].read_iops io.devices[$disk].write_bps io.devices[$disk].write_iops io.weight memory.high memory.max memory.swap_max pids.max" \
        "show --json knobs: a row for every configured knob"
is "${J[7]}" "[]" "show --json knobs: every live value as apply wrote it"
is "${J[8]}" "[('cpu.quota', 1500), ('cpu.period', 50000), ('cpu.cpus', '$pin'), ('memory.swap_max', $((32 << 20))), ('io.weight', 300)]" \
        "show --json knobs: live quota in millicores, period in us, cpus, swap.max, io.weight"
is "${RC[list.txt]} ${#L[@]}" "0 7" "list: exits 0, a header and one row per tenant"
has '^knobs +- +150% +[0-9.]+[KMG]?/256M +0/123 +ok$'; ok $? "list: knobs' row (plan, quota, memory, pids, status)"
n=0
for l in "${L[@]:1}"; do [[ $l =~ \ ok$ ]] || n=$((n + 1)); done
is "$n" 0 "list: every row ends in ok"

# ---- usage of a workload started here ---------------------------------------
# In knobs' procs leaf (it moves itself before exec, so all its life is
# accounted there): 16 MiB touched, 0.3 s of CPU, then idle.
(enf_enter knobs || exit 126; exec "$PY" -c '
import time
b = bytearray(b"\x5a") * (16 << 20)
end = time.process_time() + 0.3
while time.process_time() < end:
    pass
print("ready", flush=True)
time.sleep(300)') >"$ENF_TMP/work.out" 2>&1 &
work=$!
for _ in $(seq 1 300); do
        [ "$(<"$ENF_TMP/work.out")" = ready ] && break
        kill -0 "$work" 2>/dev/null || break
        sleep 0.1
done
is "$(<"$ENF_TMP/work.out")" ready "workload in knobs' procs leaf is running"
tcj work show --json knobs
tc show knobs >"$ENF_TMP/show.txt" 2>&1
RC[show.txt]=$?
usec=$(kv "$(kf cpu knobs cpu.stat)" usage_usec)
kpids=$(<"$(kf pids knobs pids.current)")
kill "$work" 2>/dev/null
wait "$work" 2>/dev/null
jget work -- "d['usage']['memory_current_bytes']" "d['usage']['pids_current']" \
        "d['usage']['cpu_ns']" "d['usage']['memory_peak_bytes']"
mem=${J[1]} pids=${J[2]} cpu=${J[3]} peak=${J[4]}
diag "knobs with the workload: memory $mem bytes (peak $peak), pids $pids, cpu $cpu ns"
is "${RC[work]} ${J[0]}" "0 json ok" "show --json knobs with a workload exits 0 and parses"
enf_between "$mem" $((16 << 20)) $((256 << 20)); ok $? "usage: memory current ($mem) covers the 16 MiB touched"
enf_between "$peak" "${mem:-x}" $((256 << 20)); ok $? "usage: memory peak ($peak) >= current"
is "$pids" 1 "usage: pids current is the one workload process"
is "$pids" "$kpids" "usage: pids current matches the kernel's pids.current"
enf_between "$cpu" 300000000 $((${usec:-0} * 1000))
ok $? "usage: cpu time ($cpu ns) covers the 0.3 s burnt, not above cpu.stat's next reading (${usec:-?} us)"
mapfile -t L <"$ENF_TMP/show.txt"
printf '# show: %s\n' "${L[@]}"
is "${RC[show.txt]}" 0 "show knobs exits 0"
has '^status:  ok$'; ok $? "show knobs: status ok"
has "^  cpu,cpuset,memory,io,pids +v2  $(enf_dir memory knobs)\$"; ok $? "show knobs: its v2 group and path"
has '^  pids +1 \(peak [1-9][0-9]*\)$'; ok $? "show knobs: one pid in use"

# ---- enforcement --------------------------------------------------------------
enf_check_cpu cpuhog
enf_check_memory memhog 64
enf_check_pids bomb 16
enf_check_io disk "$disk" 8 2048
if [ "$ncpu" -ge 2 ]; then
        enf_check_cpuset pin "$pin"
else
        ok 0 "cpuset # SKIP one CPU only"
fi

# ---- what show reports of it ----------------------------------------------------
# Every workload above has ended: the counters stand still, and show must
# give the kernel's own numbers.
for t in cpuhog memhog bomb disk; do tcj "$t" show --json "$t"; done
jget cpuhog memhog bomb disk -- \
        "D['cpuhog']['usage']['cpu_ns']" "D['cpuhog']['faults']['cpu_throttled_periods']" \
        "D['memhog']['faults']['memory_max_hits']" "D['memhog']['faults']['oom_kills']" \
        "D['memhog']['faults']['memory_oom_events']" \
        "D['bomb']['faults']['pids_max_hits']" "D['bomb']['usage']['pids_current']" \
        "D['disk']['usage']['io_write_bytes']"
is "${RC[cpuhog]} ${RC[memhog]} ${RC[bomb]} ${RC[disk]} ${J[0]}" "0 0 0 0 json ok" \
        "show --json of cpuhog, memhog, bomb and disk exit 0 and parse"

f=$(kf cpu cpuhog cpu.stat)
usec=$(kv "$f" usage_usec)
is "${J[1]}" "$((${usec:-0} * 1000))" "cpuhog: cpu time equals cpu.stat usage_usec"
enf_between "${J[1]}" 1000000000 3000000000; ok $? "cpuhog: 3 s under a 50% quota is 1..3 s of CPU (${J[1]} ns)"
is "${J[2]}" "$(kv "$f" nr_throttled)" "cpuhog: throttled periods equal cpu.stat nr_throttled"

f=$(kf memory memhog memory.events)
ev=$(<"$f")
diag "memhog: memory_max_hits ${J[3]}, oom_kills ${J[4]}, memory_oom_events ${J[5]}; memory.events: ${ev//$'\n'/ }"
enf_between "${J[3]}" 1 100000000; ok $? "memhog: memory_max_hits (${J[3]}) > 0"
is "${J[3]}" "$(kv "$f" max)" "memhog: memory_max_hits equals memory.events max"
enf_between "${J[4]}" 1 1000; ok $? "memhog: oom_kills (${J[4]}) >= 1"
is "${J[4]}" "$(kv "$f" oom_kill)" "memhog: oom_kills equals memory.events oom_kill"
is "${J[5]}" "$(kv "$f" oom)" "memhog: memory_oom_events equals memory.events oom"

# A refused fork is counted in the pids.events of the forking task's
# group. On v2 that is the tenant's group (the procs leaf has no pids
# controller of its own; should it get one, its count is added), and
# where the count became hierarchical pids.events.local appeared: then
# the group's alone is the total.
g=$(kv "$(kf pids bomb pids.events)" max)
l=$(kv "$(kf pids bomb pids.events procs)" max)
want=$((${g:-0} + ${l:-0}))
[ -e "$(kf pids bomb pids.events.local)" ] && want=${g:-0}
diag "bomb: pids_max_hits ${J[6]}; pids.events max: group ${g:-none}, leaf ${l:-none}"
enf_between "${J[6]}" 1 100000; ok $? "bomb: pids_max_hits (${J[6]}) > 0"
is "${J[6]}" "$want" "bomb: pids_max_hits equals the kernel's pids.events max"
is "${J[7]}" 0 "bomb: pids current back to 0"

w=0
while read -r _ fields; do
        for x in $fields; do
                case $x in wbytes=*) w=$((w + ${x#wbytes=})) ;; esac
        done
done <"$(kf io disk io.stat)"
is "${J[8]}" "$w" "disk: io_write_bytes equals io.stat's wbytes"
enf_between "${J[8]}" $((8 << 20)) $((64 << 20)); ok $? "disk: io_write_bytes (${J[8]}) covers the 8 MiB written"

# ---- drift ----------------------------------------------------------------------
echo $((512 << 20)) >"$(kf memory knobs memory.max)"
tcj drift show --json knobs
tcj drift-list list --json
tc show knobs >"$ENF_TMP/drift.txt" 2>&1
mapfile -t L <"$ENF_TMP/drift.txt"
enf_apply
rc=$?
sed 's/^/# apply: /' "$ENF_TMP/apply.out"
apply_out=$(<"$ENF_TMP/apply.out")
tcj repaired list --json
jget drift drift-list repaired -- "(d['status'], d['drift'])" \
        "[(r['expected'], r['live'], r['drift']) for r in d['limits'] if r['key'] == 'memory.max']" \
        "$(statuses drift-list)" "$(statuses repaired)"
is "${RC[drift]} ${RC[drift-list]} ${RC[repaired]} ${J[0]}" "0 0 0 json ok" "drift: show --json and list --json exit 0 and parse"
is "${J[1]}" "('drift', 1)" "drift: show after writing memory.max by hand: status drift, one limit"
is "${J[2]}" "[($((256 << 20)), $((512 << 20)), True)]" "drift: memory.max flagged with both values"
has '^  memory\.max +memory\.max +256M +512M +<- drift$'; ok $? "drift: show's text has configured and live side by side, flagged"
is "${J[3]}" "${ALL_OK/knobs=ok/knobs=drift}" "drift: list shows knobs in drift, the rest ok"
is "$rc" 0 "drift: apply exits 0"
[[ $apply_out =~ (^|$'\n')"knobs: updated (1 write)"($'\n'|$) ]]; ok $? "drift: apply rewrote knobs' one drifted file"
is "$(<"$(kf memory knobs memory.max)")" $((256 << 20)) "drift: memory.max is back"
is "${J[4]}" "$ALL_OK" "drift: list shows every tenant ok again"

# ---- realtime is v1-only ----------------------------------------------------
enf_tenant rt <<'EOF'
cpu:
  realtime:
    runtime: 10ms
    period: 1s
EOF
enf_apply
rc=$?
sed 's/^/# apply: /' "$ENF_TMP/apply.out"
is "$rc" 1 "apply with a realtime policy on v2 fails"
# The message must name both: "tenants.d/rt.yaml:3:3: cpu.realtime: ...".
grep -E '\brt\b' "$ENF_TMP/apply.out" | grep -q 'cpu\.realtime'
ok $? "the error names the tenant (rt) and the knob (cpu.realtime) in one message"
is "$(k memory memory.max)" $((256 << 20)) "the other tenants are left as they were"

# check compiles every tenant against the host as apply does, creating nothing.
tc check >"$ENF_TMP/check.out" 2>&1
rc=$?
mapfile -t L <"$ENF_TMP/check.out"
printf '# check: %s\n' "${L[@]}"
is "$rc" 1 "check (against the host) fails on the realtime policy"
has "^$ENF_TMP/tenants\.d/rt\.yaml:3:3: cpu\.realtime: tenant \"rt\": this host can not honour it: "
ok $? "check: the error names file:line:col of the realtime key, the knob and the tenant"
has '^checked 0 plans and 7 tenants: 1 error$'; ok $? "check: that is the only error"
[ ! -e "$(enf_dir cpu rt)" ]; ok $? "check created no group for rt"
tc check --offline >"$ENF_TMP/check.out" 2>&1
rc=$?
mapfile -t L <"$ENF_TMP/check.out"
printf '# check --offline: %s\n' "${L[@]}"
is "$rc" 0 "check --offline passes the realtime policy"
has '^checked 0 plans and 7 tenants: ok$'; ok $? "check --offline: no error at all"

# ---- the daemon in a delegated unit -----------------------------------------
# As systemd starts it with Delegate=yes and a relative tenant_root: in the
# unit's own cgroup (here a pretend unit below our own cgroup), which must
# enable controllers for the tenant groups and so may hold no process.
svc=/sys/fs/cgroup$(own_cgroup "" | sed 's|/$||')/tenantd-test-$$.service
svc_conf=$ENF_TMP/svc.conf
sleeper=
svc_cleanup() {
        [ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null && wait "$sleeper" 2>/dev/null
        [ -n "${tdpid:-}" ] && kill "$tdpid" 2>/dev/null && wait "$tdpid" 2>/dev/null
        [ -d "$svc" ] && find "$svc" -depth -type d -exec rmdir {} + 2>/dev/null
}
trap 'svc_cleanup; enf_cleanup' EXIT
mkdir -p "$ENF_TMP/svc.d" "$svc"
printf 'tenant: web\nmemory: { max: 64M }\npids: { max: 20 }\n' >"$ENF_TMP/svc.d/web.yaml"
svc_config() {
        printf '[tenantd]\ntenants_dir = %s\nplans_dir = %s\ncgroup_version = v2\ntenant_root = %s\n' \
                "$ENF_TMP/svc.d" "$ENF_TMP/plans.d" "$1" >"$svc_conf"
}
# svc_tenantd [-l] ARGS...: tenantd started inside the unit's cgroup, or
# with -l in its leaf (as systemd's DelegateSubgroup=supervisor does, and
# as a restart must once the unit's group has controllers enabled).
svc_tenantd() {
        local g=$svc
        [ "$1" = -l ] && { g=$svc/supervisor; shift; }
        (echo "$BASHPID" >"$g/cgroup.procs" && exec "$TENANTD" --config "$svc_conf" "$@")
}

svc_config tenants
sleep 300 &
sleeper=$!
echo "$sleeper" >"$svc/cgroup.procs"
svc_tenantd --once >"$ENF_TMP/svc1.out" 2>&1
rc=$?
sed 's/^/# tenantd (another process in the unit): /' "$ENF_TMP/svc1.out"
is "$rc" 1 "daemon: another process left in the unit's group: --once fails"
grep -q 'holds processes' "$ENF_TMP/svc1.out"; ok $? "daemon: and says the group holds processes"
is "$(<"$svc/cgroup.procs")" "$sleeper" "daemon: it moved only itself; the other process stays where it was"
kill "$sleeper"; wait "$sleeper" 2>/dev/null; sleeper=

svc_tenantd --once >"$ENF_TMP/svc2.out" 2>&1
rc=$?
sed 's/^/# tenantd (alone in the unit): /' "$ENF_TMP/svc2.out"
is "$rc" 0 "daemon: alone in the unit's group: --once succeeds"
grep -q "moved tenantd into $svc/supervisor" "$ENF_TMP/svc2.out"; ok $? "daemon: it says it moved into <unit>/supervisor"
sc=$(<"$svc/cgroup.subtree_control")
[[ " $sc " == *" cpu "* && " $sc " == *" memory "* && " $sc " == *" pids "* ]]
ok $? "daemon: controllers enabled in the unit's group ($sc)"
is "$(<"$svc/tenants/web/memory.max") $(<"$svc/tenants/web/pids.max")" "$((64 << 20)) 20" \
        "daemon: web's limits written below the unit"

# Started in the leaf, a running daemon resolves a relative root against
# the unit's group, on a reload too.
svc_tenantd -l --foreground >"$ENF_TMP/svc3.out" 2>&1 &
bgpid=$!
for _ in $(seq 100); do grep -q 'reconciled' "$ENF_TMP/svc3.out" && break; sleep 0.1; done
# $! is the subshell that started it; the daemon is the one process in the leaf.
tdpid=$(head -n1 "$svc/supervisor/cgroup.procs")
is "$(cat "/proc/${tdpid:-0}/comm" 2>/dev/null)" tenantd "daemon (running): it sits in the leaf"
! grep -q 'moved tenantd' "$ENF_TMP/svc3.out"; ok $? "daemon (running): started in the leaf, it had nothing to move"
svc_config tenants2
kill -HUP "$tdpid"
for _ in $(seq 100); do [ -e "$svc/tenants2/web/memory.max" ] && break; sleep 0.1; done
[ -e "$svc/tenants2/web/memory.max" ]; ok $? "daemon: after a reload with tenant_root = tenants2, web is at <unit>/tenants2"
[ ! -e "$svc/supervisor/tenants2" ]; ok $? "daemon: and nothing was created below its own leaf"
grep -qF "groups below tenants (relative to tenantd's own cgroup, e.g. $svc/tenants) are no longer managed" \
        "$ENF_TMP/svc3.out"
ok $? "daemon: its notice names where the old relative tree is"
kill "$tdpid"; wait "$bgpid" 2>/dev/null; tdpid=
sed 's/^/# tenantd (running): /' "$ENF_TMP/svc3.out"

svc_config supervisor/tenants
svc_tenantd -l --once >"$ENF_TMP/svc4.out" 2>&1
rc=$?
sed 's/^/# tenantd (root in its own leaf): /' "$ENF_TMP/svc4.out"
is "$rc" 1 "daemon: tenant_root = supervisor/tenants is refused"
grep -q "$svc_conf: tenant_root: a relative tenant_root must not start with \"supervisor\"" "$ENF_TMP/svc4.out"
ok $? "daemon: the error names the file, the key and the reason"
svc_cleanup

# ---- README command 1 (tools/demo.sh) from a login session ------------------
# From a group that holds processes (here this test's shell, moved into a
# pretend login scope) the demo's relative root can't work on v2, so it
# takes /tenantd-demo at the top; everything else as on the v1 host
# (tests/integration/demo.sh).
. "$TD_SRCDIR/tests/helpers/demo.sh"
home=/sys/fs/cgroup$(own_cgroup "" | sed 's|/$||')
login=$home/tenantd-test-login-$$.scope
mkdir "$login" && echo $$ >"$login/cgroup.procs"
trap 'demo_stop; echo $$ >"$home/cgroup.procs"; rmdir "$login" 2>/dev/null; svc_cleanup; enf_cleanup' EXIT
demo_checks /sys/fs/cgroup/tenantd-demo /tenantd-demo
echo $$ >"$home/cgroup.procs"
rmdir "$login"; ok $? "demo: the pretend login scope is empty again"

# ---- a hybrid host: cpu and cpuacct on v1, the rest on v2 -------------------
# As on hosts that keep some controllers on v1 mounts: the v2 tree goes
# first (cpu can't leave the unified hierarchy while a group uses it), then
# cpu,cpuacct get a v1 hierarchy of their own, and one tenant's limits land
# in both and hold there with real workloads.
v1cpu=/run/tenantd-test-v1cpu-$$
hybrid_cleanup() {
        enf_cleanup
        mountpoint -q "$v1cpu" && umount "$v1cpu"
        [ -d "$v1cpu" ] && rmdir "$v1cpu"
}
trap hybrid_cleanup EXIT
enf_cleanup
echo -cpu >/sys/fs/cgroup/cgroup.subtree_control; ok $? "hybrid: cpu released from the unified hierarchy"
mkdir -p "$v1cpu" && mount -t cgroup -o cpu,cpuacct cgroup "$v1cpu"
ok $? "hybrid: cpu,cpuacct mounted as a v1 hierarchy at $v1cpu"
enf_init hybrid
enf_setup || skip_all "cannot create a temp dir"
printf 'cpu: { quota: 50%% }\nmemory: { max: 64M }\npids: { max: 16 }\n' | enf_tenant hy
enf_apply
rc=$?
sed 's/^/# apply: /' "$ENF_TMP/apply.out"
is "$rc" 0 "hybrid: apply exits 0"
tcj hy show --json hy
jget hy -- "(d['status'], d['layout'])"
is "${RC[hy]} ${J[0]}" "0 json ok" "hybrid: show --json exits 0 and parses"
is "${J[1]}" "('ok', 'hybrid')" "hybrid: show says ok, layout hybrid"
is "$(enf_read cpu hy cpu.cfs_quota_us)" 50000 "hybrid: the quota is in the v1 cpu group"
[[ $(enf_dir cpu hy) == "$v1cpu"/* ]]; ok $? "hybrid: and that group is on the v1 mount"
is "$(enf_read memory hy memory.max) $(enf_read pids hy pids.max)" "$((64 << 20)) 16" \
        "hybrid: memory.max and pids.max in the v2 group"
[ ! -e "$(enf_dir memory hy)/cpu.max" ]; ok $? "hybrid: no cpu.max in the v2 group (cpu is not on v2)"
enf_check_cpu hy
enf_check_memory hy 64
enf_check_pids hy 16
"$TENANTCTL" --config "$ENF_CONF" teardown --state "$ENF_TMP/cgroup.state" >"$ENF_TMP/td.out" 2>&1
is "$?" 0 "hybrid: teardown exits 0"
[ ! -e "$(enf_dir cpu "")" ] && [ ! -e "$(enf_dir memory "")" ]; ok $? "hybrid: both tenant roots are gone"

done_testing
