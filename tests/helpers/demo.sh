# SPDX-License-Identifier: LGPL-2.1-or-later
# README command 1 (tools/demo.sh) under test, shared by
# tests/integration/demo.sh (cgroup v1 here) and tests/vm/guest-enforce-v2.sh
# (cgroup v2). Source after tests/lib.sh.
#
# demo_checks ROOT TENANT_ROOT: start the demo with this build's binaries in a process
# group of its own, wait for the daemon to be ready, check that every
# shipped tenant is live below ROOT (the demo's tenant root directory in a
# hierarchy with the pids controller; the daemon must say it uses
# TENANT_ROOT) with its effective pids.max, and that
# `tenantctl list` reports each one ok; then send SIGINT to the group, as
# Ctrl-C does, and check that the tree and the temp config are gone.

demo_pgid=
demo_stop() {
        [ -n "$demo_pgid" ] || return 0
        kill -INT -- "-$demo_pgid" 2>/dev/null
        wait "$demo_pgid" 2>/dev/null
        local rc=$?
        demo_pgid=
        return $rc
}

demo_checks() {
        local root=$1 tenant_root=$2 out etc conf rc t want live n=0 ready=1 list
        out=$(mktemp "${TMPDIR:-/tmp}/tenantd-test-demo.XXXXXX") || { ok 1 "demo: temp file"; return; }
        # setsid: its own process group, so SIGINT reaches demo.sh and
        # tenantd together, as Ctrl-C in a terminal does.
        TD_DEMO_BUILD=$TD_BUILDDIR TD_DEMO_NO_BUILD=1 setsid "$TD_SRCDIR/tools/demo.sh" >"$out" 2>&1 &
        demo_pgid=$!
        for _ in $(seq 600); do
                grep -q 'ready: ' "$out" && { ready=0; break; }
                kill -0 "$demo_pgid" 2>/dev/null || break
                sleep 0.2
        done
        ok $ready "demo: tenantd came up in the foreground (its ready line)"
        grep -q "ready: [0-9]* tenants below $tenant_root\$" "$out"
        ok $? "demo: the daemon's tenant root is $tenant_root"
        conf=$(sed -n 's/^  .* --config \(.*\) list$/\1/p' "$out")
        etc=${conf%/tenantd.conf}
        list=$("$TENANTCTL" --config "$conf" list 2>&1)
        rc=$?
        is "$rc" 0 "demo: tenantctl list (the command it prints) exits 0"
        for f in "$TD_SRCDIR"/policies/tenants.d/*.yaml; do
                t=$(basename "$f" .yaml)
                n=$((n + 1))
                want=$("$TENANTCTL" --plans-dir "$TD_SRCDIR/policies/plans.d" \
                        --tenants-dir "$TD_SRCDIR/policies/tenants.d" check --offline --effective "$t" 2>/dev/null |
                        awk '/^pids:/ { p = 1; next } p && /^  max:/ { print $2; exit }')
                live=$(cat "$root/$t/pids.max" 2>/dev/null)
                is "$live" "${want:-max}" "demo: shipped tenant $t is live with its pids.max"
                [[ $list =~ (^|$'\n')"$t "+[^$'\n']*" ok"($'\n'|$|" ") ]]
                ok $? "demo: tenantctl list reports $t ok"
        done
        ok $(( n < 3 )) "demo: the shipped policies hold several tenants ($n)"
        demo_stop
        rc=$?
        is "$rc" 0 "demo: Ctrl-C (SIGINT to its process group) ends it with status 0"
        grep -q '^demo: tenant tree removed$' "$out"; ok $? "demo: it says it removed the tree"
        [ ! -e "$root" ]; ok $? "demo: the tenant root $root is gone"
        [ -n "$etc" ] && [ ! -e "$etc" ]; ok $? "demo: its temp config ${etc:-?} is gone"
        sed 's/^/# demo: /' "$out"
        rm -f "$out"
}
