#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The daemon's main loop on this host's cgroup v1: first reconcile, the
# sweep timer undoing a tampered limit, SIGHUP reloads (valid tenants
# updated, a broken tenant keeping its last valid limits, no removal while
# a tenant file is unreadable, a bad config changing nothing), and SIGTERM
# leaving the tree in place; then --once.
#
# The tree lives below this test's own cgroup in each controller
# (tenant_root is relative) and is removed on exit, even on failure. No
# process is moved anywhere: the tenants stay empty.
. "$TD_SRCDIR/tests/lib.sh"
. "$TD_SRCDIR/tests/helpers/enforce.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root to create cgroups"
[ -n "$(enf_v1_mount pids)" ] || skip_all "cgroup v1 pids controller is not mounted"
[ -x "$TENANTD" ] || skip_all "tenantd not built"

enf_init 1
enf_setup || skip_all "cannot create a temp dir"
daemon_pid=
cleanup() {
        if [ -n "$daemon_pid" ]; then
                kill "$daemon_pid" 2>/dev/null
                wait "$daemon_pid" 2>/dev/null
        fi
        enf_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LOG=$ENF_TMP/daemon.log
printf 'sweep_interval = 1s\nlog_level = debug\n' >>"$ENF_CONF"
cat >"$ENF_TMP/plans.d/basic.yaml" <<'EOF'
plan: basic
pids:
  max: 100
EOF
printf 'inherits: basic\npids:\n  max: 50\n' | enf_tenant alpha
printf 'inherits: basic\n' | enf_tenant beta
printf 'pids:\n  max: 70\n' | enf_tenant gamma

# wait_for CMD...: poll up to 30s while the daemon lives. A wait, not a
# timing assertion: the checks below are on values, not on speed.
wait_for() {
        local i
        for i in $(seq 1 300); do
                "$@" && return 0
                kill -0 "$daemon_pid" 2>/dev/null || return 1
                sleep 0.1
        done
        return 1
}
log_count() { grep -cF -- "$1" "$LOG"; }
log_has_n() { [ "$(log_count "$1")" -ge "$2" ]; }
pids_max() { enf_read pids "$1" pids.max; }
pids_is() { [ "$(pids_max "$1")" = "$2" ]; }
reconciles() { log_count "reconciled "; }

"$TENANTD" --foreground --config "$ENF_CONF" 2>"$LOG" &
daemon_pid=$!

wait_for log_has_n "ready: 3 tenants" 1; ok $? "daemon reconciled and reported ready"
is "$(pids_max alpha)" 50 "alpha: its own pids.max"
is "$(pids_max beta)" 100 "beta: pids.max from its plan"
is "$(pids_max gamma)" 70 "gamma: pids.max"

# --- the sweep rewrites a limit changed behind the daemon's back ---
echo 999 >"$(enf_dir pids alpha)/pids.max"
wait_for pids_is alpha 50; ok $? "sweep restored alpha's tampered pids.max"

# --- reload: one tenant updated, one broken ---
printf 'inherits: basic\npids:\n  max: 80\n' | enf_tenant beta
printf 'inherits: basic\npids:\n  max: lots\n' | enf_tenant alpha
kill -HUP "$daemon_pid"
wait_for log_has_n "still enforcing its last valid policy" 1; ok $? "reload: broken alpha is named in the log"
wait_for pids_is beta 80; ok $? "reload: valid beta got its new pids.max"
check "reload: the bad value is logged with its position" -- \
        grep -qE "alpha.yaml:[0-9]+:[0-9]+: pids.max: expected" "$LOG"
is "$(pids_max alpha)" 50 "reload: broken alpha keeps its last valid pids.max"
# ... and that kept policy is still enforced by the sweep.
echo 998 >"$(enf_dir pids alpha)/pids.max"
wait_for pids_is alpha 50; ok $? "sweep enforces alpha's kept policy"

# --- a file too broken to name its tenant: nothing is removed ---
printf 'tenant: [\n' >"$ENF_TMP/tenants.d/zz-broken.yaml"
rm "$ENF_TMP/tenants.d/gamma.yaml"
kill -HUP "$daemon_pid"
wait_for log_has_n "tenant group gamma is kept" 1; ok $? "reload: gamma's group kept while a file is unreadable"
check "gamma's group still exists" -- test -d "$(enf_dir pids gamma)"
n=$(reconciles)
rm "$ENF_TMP/tenants.d/zz-broken.yaml"
kill -HUP "$daemon_pid"
wait_for log_has_n "reconciled " $((n + 1)); ok $? "reload after the fix reconciled"
gone() { [ ! -d "$(enf_dir pids gamma)" ]; }
wait_for gone; ok $? "gamma's group removed once every file is readable"

# --- a tenants directory that can't be read is not an empty one ---
n=$(reconciles)
mv "$ENF_TMP/tenants.d" "$ENF_TMP/tenants.off"
kill -HUP "$daemon_pid"
wait_for log_has_n "reconciled " $((n + 1)); ok $? "reload without a tenants directory reconciled"
check "missing tenants directory is logged" -- grep -qF "cannot read the tenants directory" "$LOG"
check "alpha's group kept" -- test -d "$(enf_dir pids alpha)"
check "beta's group kept" -- test -d "$(enf_dir pids beta)"
mv "$ENF_TMP/tenants.off" "$ENF_TMP/tenants.d"

# --- a bad configuration on reload changes nothing ---
cp "$ENF_CONF" "$ENF_TMP/good.conf"
printf 'bogus_key = 1\n' >>"$ENF_CONF"
printf 'inherits: basic\npids:\n  max: 60\n' | enf_tenant beta
kill -HUP "$daemon_pid"
wait_for log_has_n "reload: configuration has errors" 1; ok $? "reload with a bad config is refused"
check "the config error has its position" -- grep -qE "tenantd.conf:[0-9]+:1: tenantd.bogus_key: unknown key" "$LOG"
kill -0 "$daemon_pid" 2>/dev/null; ok $? "daemon still running"
is "$(pids_max beta)" 80 "beta unchanged: policies were not reloaded either"
cp "$ENF_TMP/good.conf" "$ENF_CONF"

# --- SIGTERM: exit 0, tree left in place ---
kill -TERM "$daemon_pid"
wait "$daemon_pid"
is "$?" 0 "SIGTERM: exit status 0"
daemon_pid=
check "SIGTERM: tenant groups left in place" -- test -d "$(enf_dir pids beta)"
is "$(pids_max beta)" 80 "SIGTERM: limits left in place"

# --- --once: one reconcile, status 1 while a policy is broken ---
"$TENANTD" --once --config "$ENF_CONF" >"$ENF_TMP/once.out" 2>&1
is "$?" 1 "--once with broken alpha exits 1"
is "$(pids_max alpha)" 50 "--once: broken alpha's group left as it is"
is "$(pids_max beta)" 60 "--once: beta got the policy written while the config was bad"
printf 'inherits: basic\n' | enf_tenant alpha
"$TENANTD" --once --config "$ENF_CONF" >"$ENF_TMP/once.out" 2>&1
is "$?" 0 "--once with valid policies exits 0"
is "$(pids_max alpha)" 100 "--once: fixed alpha gets its plan's pids.max"

diag "daemon log: $(wc -l <"$LOG") lines"; [ -n "${TD_SHOW_LOG:-}" ] && sed "s/^/# /" "$LOG"
done_testing
