#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `tenantctl list` and `tenantctl show` on this host's real cgroup v1
# controllers: tenants applied with `tenantctl apply` from a temp config,
# workloads started here inside them, then the reported usage and fault
# counters are checked against what the workloads did (and against the
# kernel's own files), every JSON output is validated with python3, and the
# statuses ok / drift / not applied / invalid policy / orphan group appear
# where they should.
#
# Everything lives below this test's own cgroup in each controller (the
# tenant root is relative) and is removed on exit, even on failure. Only
# processes started here are moved, into tenants' "procs" leaves.
. "$TD_SRCDIR/tests/lib.sh"

CTRLS="cpu cpuacct memory blkio pids"      # where workloads are placed
ALL_CTRLS="cpu cpuacct cpuset memory blkio pids"
# Two components, like the default /tenantd.slice/tenants, so the default
# fallback (last component + "/_fallback") differs from "$ROOT/_fallback".
ROOT_TOP=tenantd-test-$$
ROOT=$ROOT_TOP/tenants

[ "$(id -u)" -eq 0 ] || skip_all "needs root to create cgroups"
[ -x "$TENANTCTL" ] || skip_all "tenantctl not built"
command -v python3 >/dev/null || skip_all "python3 is needed to check the JSON"
# The interpreter itself, not a wrapper script (pyenv's shims fork, which
# the pids test must not see).
PY=$(python3 -c 'import sys; print(sys.executable)') && [ -x "$PY" ] || skip_all "cannot find python3's executable"

# Mount point of a v1 controller ("" when not mounted as v1).
v1_mount() {
        awk -v c="$1" '{ for (i = 7; i <= NF && $i != "-"; i++); if ($(i+1) != "cgroup") next
                n = split($(i+3), o, ","); for (j = 1; j <= n; j++) if (o[j] == c) { print $5; exit } }' \
                /proc/self/mountinfo
}
for c in $CTRLS; do
        [ -n "$(v1_mount "$c")" ] || skip_all "cgroup v1 controller $c is not mounted"
done

# base CTRL: the tenant root in that controller's hierarchy.
base() { local own; own=$(own_cgroup "$1"); echo "$(v1_mount "$1")${own%/}/$ROOT"; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/tenantd-test-$$.XXXXXX") || skip_all "cannot create a temp dir"
CONF=$TMP/tenantd.conf
PIDS=
cleanup() {
        local p c i
        for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
        for p in $PIDS; do wait "$p" 2>/dev/null; done
        # Anything left in the tree was started here (nothing else is moved in).
        for c in $ALL_CTRLS; do
                [ -n "$(v1_mount "$c")" ] && [ -d "$(base "$c")" ] || continue
                for p in $(find "$(base "$c")" -name cgroup.procs -exec cat {} + 2>/dev/null); do
                        kill -9 "$p" 2>/dev/null
                done
        done
        "$TENANTCTL" --config "$CONF" teardown --state "$TMP/cgroup.state" >/dev/null 2>&1
        for c in $ALL_CTRLS; do
                [ -n "$(v1_mount "$c")" ] || continue
                for i in 1 2 3 4 5; do
                        [ -d "$(base "$c")" ] || break
                        find "$(base "$c")" -depth -type d -exec rmdir {} + 2>/dev/null
                        [ -d "$(base "$c")" ] && sleep 0.2
                done
                rmdir "$(dirname "$(base "$c")")" 2>/dev/null
        done
        rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$TMP/tenants.d" "$TMP/plans.d"
cat >"$CONF" <<EOF
[tenantd]
tenants_dir = $TMP/tenants.d
plans_dir = $TMP/plans.d
cgroup_version = v1
tenant_root = $ROOT
EOF
cat >"$TMP/plans.d/small.yaml" <<'EOF'
plan: small
cpu:
  quota: 50%
memory:
  max: 256M
pids:
  max: 64
EOF
cat >"$TMP/tenants.d/alpha.yaml" <<'EOF'
tenant: alpha
inherits: small
description: "Alpha \"quoted\" \\ and a tab:\t."
EOF
printf 'tenant: beta\npids:\n  max: 4\n' >"$TMP/tenants.d/beta.yaml"
printf 'tenant: hog\nmemory:\n  max: 16M\n' >"$TMP/tenants.d/hog.yaml"
printf 'tenant: delta\nmemory:\n  max: lots\n' >"$TMP/tenants.d/delta.yaml"

tc() { "$TENANTCTL" --config "$CONF" "$@"; }
# jget FILE EXPR: evaluate EXPR over the JSON document `d` in FILE.
# Odd names reach EXPR through the environment (os.environ), never inline.
jget() { ODD=$ODD "$PY" -c 'import json, os, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
# The status of one tenant in a `list --json` output.
jstatus() { NAME=$2 jget "$1" "[t['status'] for t in d['tenants'] if t['name'] == os.environ['NAME']]"; }
valid_json() { "$PY" -m json.tool "$1" >/dev/null 2>"$TMP/json.err"; }

# ---- before apply: nothing exists yet ----------------------------------
tc list --json >"$TMP/l0.json" 2>"$TMP/l0.err"
is "$?" 0 "list --json before apply exits 0"
valid_json "$TMP/l0.json"; ok $? "list --json before apply is valid JSON"
is "$(jstatus "$TMP/l0.json" alpha)" "['not applied']" "before apply: alpha is not applied"
is "$(jstatus "$TMP/l0.json" delta)" "['invalid policy']" "before apply: delta has an invalid policy"
grep -q "error" "$TMP/l0.err"; ok $? "list points at the policy errors on stderr"

# ---- apply -------------------------------------------------------------
tc apply --state "$TMP/cgroup.state" >"$TMP/apply.out" 2>&1
diag "apply exit $?: $(tr '\n' ' ' <"$TMP/apply.out" | cut -c1-300)"
for t in alpha beta hog; do
        [ -d "$(base memory)/$t/procs" ] && [ -d "$(base pids)/$t/procs" ]
        ok $? "apply created $t and its procs leaf"
done

# After apply: a policy nobody applied yet, and groups without a policy
# (names with a quote, backslash, tab and a non-UTF-8 byte test the JSON
# escaping; only directories, created and removed by this test).
printf 'tenant: gamma\npids:\n  max: 10\n' >"$TMP/tenants.d/gamma.yaml"
ODD=$(printf 'or"ph\\an\tx')
BAD=$(printf 'bad\377name')
mkdir "$(base memory)/$ODD" "$(base pids)/$BAD"; ok $? "created two orphan groups"
# The fallback group of on_busy=move lives in the root by default
# (tenant_root's last component + "/_fallback"): not an orphan.
mkdir "$(base pids)/_fallback"; ok $? "created the default fallback group"

# ---- workloads -----------------------------------------------------------
# start_in TENANT OUT CMD...: run CMD in the background inside the tenant's
# leaf in every controller; it moves itself before exec, so all its life is
# accounted there.
start_in() {
        local t=$1 out=$2; shift 2
        (for c in $CTRLS; do echo "$BASHPID" >"$(base "$c")/$t/procs/cgroup.procs" || exit 126; done
         exec "$@") >"$out" 2>&1 &
        PIDS="$PIDS $!"
}
run_in() {
        local t=$1; shift
        (for c in $CTRLS; do echo "$BASHPID" >"$(base "$c")/$t/procs/cgroup.procs" || exit 126; done
         exec "$@")
}
wait_for() {   # wait_for FILE WORD: up to 20 s
        local i
        for i in $(seq 1 200); do
                grep -q "$2" "$1" 2>/dev/null && return 0
                sleep 0.1
        done
        return 1
}

# alpha: touch 20 MiB, burn CPU for 0.5 s (under a 50% quota), then sleep.
start_in alpha "$TMP/alpha.out" "$PY" -c '
import time
b = bytearray(b"\x5a") * (20 << 20)
end = time.time() + 0.5
while time.time() < end:
    pass
print("ready", flush=True)
time.sleep(120)'
wait_for "$TMP/alpha.out" ready; ok $? "alpha workload is running"
# "ready" is printed from inside the last period of the burst, which can
# still end throttled: wait until nr_throttled holds still (the workload
# sleeps now), so that show and the check below read the same number.
thr_now() { awk '$1 == "nr_throttled" { print $2 }' "$(base cpu)/alpha/cpu.stat"; }
prev=
for _ in $(seq 50); do
        cur=$(thr_now)
        [ "$cur" = "$prev" ] && break
        prev=$cur
        sleep 0.2
done

tc show --json alpha >"$TMP/alpha.json"
is "$?" 0 "show --json alpha exits 0"
valid_json "$TMP/alpha.json"; ok $? "show --json alpha is valid JSON"
mem=$(jget "$TMP/alpha.json" "d['usage']['memory_current_bytes']")
pids=$(jget "$TMP/alpha.json" "d['usage']['pids_current']")
cpu=$(jget "$TMP/alpha.json" "d['usage']['cpu_ns']")
thr=$(jget "$TMP/alpha.json" "d['faults']['cpu_throttled_periods']")
diag "alpha: memory $mem bytes, pids $pids, cpu $cpu ns, throttled $thr periods"
[ "$mem" -ge $((20 << 20)) ]; ok $? "alpha: memory current ($mem) covers the 20 MiB touched"
[ "$pids" -ge 1 ]; ok $? "alpha: pids current ($pids) >= 1"
is "$pids" "$(cat "$(base pids)/alpha/pids.current")" "alpha: pids current matches the kernel's pids.current"
[ "$cpu" -gt 0 ]; ok $? "alpha: cpu time ($cpu ns) > 0"
# Whether a short burst gets throttled depends on the scheduler; that the
# number is the group's own nr_throttled does not (the burst is over).
is "$thr" "$(thr_now)" \
        "alpha: throttled periods match the group's cpu.stat nr_throttled"
is "$(jget "$TMP/alpha.json" "d['status']")" ok "alpha: status ok"
is "$(jget "$TMP/alpha.json" "d['plan']")" small "alpha: plan small"
is "$(jget "$TMP/alpha.json" "d['description'] == 'Alpha \"quoted\" \\\\ and a tab:\\t.'")" True \
        "alpha: description with quotes, backslash and tab survives the JSON escaping"
is "$(jget "$TMP/alpha.json" "[(r['configured'], r['live'], r['drift']) for r in d['limits'] if r['key'] == 'memory.max']")" \
        "[(268435456, 268435456, False)]" "alpha: memory.max configured and live side by side"
is "$(jget "$TMP/alpha.json" "[r['live'] for r in d['limits'] if r['key'] == 'cpu.quota']")" "[500]" \
        "alpha: cpu.quota live 500 millicores"
# memory.peak is v2-only; v1's max_usage_in_bytes must be a number here.
[ "$(jget "$TMP/alpha.json" "d['usage']['memory_peak_bytes']")" -ge "$mem" ]
ok $? "alpha: memory peak >= current"

# hog: 64 MiB under a 16 MiB limit: limit hits, maybe an OOM kill.
run_in hog "$PY" -c 'b = bytearray(b"\x5a") * (64 << 20)' >/dev/null 2>&1
rc=$?
tc show --json hog >"$TMP/hog.json"
valid_json "$TMP/hog.json"; ok $? "show --json hog is valid JSON"
hits=$(jget "$TMP/hog.json" "d['faults']['memory_max_hits']")
kills=$(jget "$TMP/hog.json" "d['faults']['oom_kills']")
diag "hog: exit $rc, memory limit hits $hits, oom kills $kills"
[ "$hits" -ge 1 ]; ok $? "hog: memory limit hits ($hits) >= 1 after exceeding memory.max"
[ "$hits" -ge "$(cat "$(base memory)/hog/memory.failcnt")" ]; ok $? "hog: hits include the group's memory.failcnt"
if [ "$rc" -eq 137 ]; then
        [ "$kills" -ge 1 ]; ok $? "hog: the OOM kill that ended it is counted ($kills)"
else
        is "$kills" 0 "hog: survived (swap), so no OOM kill counted"
fi

# beta: 10 fork attempts under pids.max 4; the parent is one of the 4.
run_in beta "$PY" -c '
import os, time
kids, fails = [], 0
for i in range(10):
    try:
        pid = os.fork()
    except OSError:
        fails += 1
        continue
    if pid == 0:
        time.sleep(10)
        os._exit(0)
    kids.append(pid)
for k in kids:
    os.kill(k, 9)
    os.waitpid(k, 0)
print("forks=%d fails=%d" % (len(kids), fails))' >"$TMP/beta.out" 2>&1
diag "beta: $(cat "$TMP/beta.out")"
fails=$(sed -n 's/.*fails=//p' "$TMP/beta.out")
is "$fails" 7 "beta: 7 of 10 forks refused by pids.max 4"
tc show --json beta >"$TMP/beta.json"
valid_json "$TMP/beta.json"; ok $? "show --json beta is valid JSON"
is "$(jget "$TMP/beta.json" "d['faults']['pids_max_hits']")" "${fails:-?}" \
        "beta: pids max hits equal the refused forks"

# ---- list ----------------------------------------------------------------
tc list --json >"$TMP/list.json"
is "$?" 0 "list --json exits 0"
valid_json "$TMP/list.json"; ok $? "list --json is valid JSON (odd group names escaped)"
for t in alpha beta hog; do
        is "$(jstatus "$TMP/list.json" $t)" "['ok']" "list: $t ok"
done
is "$(jstatus "$TMP/list.json" gamma)" "['not applied']" "list: gamma not applied"
is "$(jstatus "$TMP/list.json" delta)" "['invalid policy']" "list: delta invalid policy"
is "$(jstatus "$TMP/list.json" "$ODD")" "['orphan group']" "list: group with odd name is an orphan"
is "$(jget "$TMP/list.json" "[t['status'] for t in d['tenants'] if t['name'].startswith('bad')]")" \
        "['orphan group']" "list: group with a non-UTF-8 name is an orphan"
is "$(jget "$TMP/list.json" "len(d['tenants'])")" 7 "list: all five tenants and two orphans"
is "$(jget "$TMP/list.json" "[t['name'] for t in d['tenants'] if t['name'] == '_fallback']")" "[]" \
        "list: the fallback group is not an orphan"
is "$(jget "$TMP/list.json" "[(t['memory_max_bytes'], t['pids_max']) for t in d['tenants'] if t['name'] == 'alpha']")" \
        "[(268435456, 64)]" "list: alpha's limits"

tc list >"$TMP/list.txt"
is "$?" 0 "list exits 0"
sed 's/^/# /' "$TMP/list.txt"
is "$(head -n1 "$TMP/list.txt" | awk '{ print $1, $NF }')" "TENANT STATUS" "list: header"
is "$(wc -l <"$TMP/list.txt")" 8 "list: one line per tenant and a header"
grep -Eq '^alpha +small +50% +[0-9.]+M/256M +[1-9][0-9]*/64 +ok$' "$TMP/list.txt"
ok $? "list: alpha's row (plan, quota, memory, pids, status)"
grep -Eq '^delta .*invalid policy$' "$TMP/list.txt"; ok $? "list: delta's row"
! grep -q "$(printf '\t')" "$TMP/list.txt"; ok $? "list: no raw control characters in the table"

# ---- drift -----------------------------------------------------------------
echo 536870912 >"$(base memory)/alpha/memory.limit_in_bytes"
tc show --json alpha >"$TMP/drift.json"
is "$(jget "$TMP/drift.json" "d['status']")" drift "drift: status after raising memory.limit_in_bytes by hand"
is "$(jget "$TMP/drift.json" "[(r['expected'], r['live'], r['drift']) for r in d['limits'] if r['key'] == 'memory.max']")" \
        "[(268435456, 536870912, True)]" "drift: memory.max flagged with both values"
is "$(jget "$TMP/drift.json" "d['drift']")" 1 "drift: exactly one limit differs"
tc show alpha >"$TMP/drift.txt"
sed 's/^/# /' "$TMP/drift.txt"
grep -Eq '^  memory\.max +memory\.limit_in_bytes +256M +512M +<- drift$' "$TMP/drift.txt"
ok $? "drift: text shows configured and live side by side, flagged"
tc apply --state "$TMP/cgroup.state" >/dev/null 2>&1
is "$(tc show --json alpha | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["status"])')" ok \
        "drift: apply restores it"

# ---- other tenants and errors --------------------------------------------------
tc show --json delta >"$TMP/delta.json"
is "$?" 0 "show delta exits 0"
valid_json "$TMP/delta.json"; ok $? "show --json delta is valid JSON"
jget "$TMP/delta.json" "d['errors']" | grep -q "memory.max"; ok $? "show delta: the policy error is listed"
tc show --json "$ODD" >"$TMP/odd.json"
is "$?" 0 "show an orphan group exits 0"
valid_json "$TMP/odd.json"; ok $? "show --json of the odd orphan is valid JSON"
is "$(jget "$TMP/odd.json" "(d['name'] == os.environ['ODD'], d['status'], d['policy_file'])")" \
        "(True, 'orphan group', None)" "show orphan: name round-trips through JSON"

tc show nosuch >/dev/null 2>"$TMP/nosuch.err"
is "$?" 1 "show of an unknown tenant exits 1"
grep -q 'no tenant "nosuch"' "$TMP/nosuch.err"; ok $? "show unknown: clear message"
tc show alpah >/dev/null 2>"$TMP/typo.err"
grep -q 'did you mean "alpha"' "$TMP/typo.err"; ok $? "show unknown: suggests a close name"
tc show >/dev/null 2>&1; is "$?" 2 "show without a tenant exits 2"
tc show alpha beta >/dev/null 2>&1; is "$?" 2 "show with two tenants exits 2"
tc show --bogus alpha >/dev/null 2>&1; is "$?" 2 "show with an unknown option exits 2"
tc list extra >/dev/null 2>&1; is "$?" 2 "list with an argument exits 2"
tc show ../../.. >/dev/null 2>&1; is "$?" 1 "show of a path is an unknown tenant, not a walk up the tree"

done_testing
