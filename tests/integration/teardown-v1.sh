#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `tenantctl teardown` on this host's real cgroup v1 controllers: a dry run
# changes nothing; a busy tenant is kept (on_busy=refuse) with the root
# around it; once empty everything goes, deepest first, and nothing above
# the tenant root is touched. See cgroup-lib.sh for where the tree lives.
. "$TD_SRCDIR/tests/lib.sh"
. "$TD_SRCDIR/tests/integration/cgroup-lib.sh"

cg_require
cg_setup

for t in one two three; do
        printf 'pids: { max: 10 }\n' | cg_tenant "$t"
done
cg_apply; ok $? "apply three tenants"
# A group someone made inside a tenant (delegation): removed deepest first.
mkdir "$(cg_tdir pids two procs)/sub"; ok $? "a nested group below a tenant's leaf"

cg_ctl teardown --state "$CG_STATE" --dry-run; ok $? "teardown --dry-run succeeds"
check "dry run lists the nested group first" -- \
        grep -q "rmdir $(cg_tdir pids two procs)/sub$" <<<"$CG_OUT"
check "dry run lists the root" -- grep -qx "rmdir $(cg_dir pids tenants)" <<<"$CG_OUT"
is "$(cg_left | grep -c .)" 43 "dry run removed nothing (6 x (root + 3 x (group, leaf)) + sub)"

cg_spawn
cg_enter "$CG_SLEEP" two; ok $? "our sleep entered tenant two"
cg_ctl teardown --state "$CG_STATE"; is $? 1 "teardown with a busy tenant exits 1"
check "two reported busy" -- grep -q "two: busy" <<<"$CG_OUT"
check "one removed" -- test ! -d "$(cg_tdir cpu one)"
check "two kept" -- test -d "$(cg_tdir cpu two procs)"
check "root kept while busy" -- test -d "$(cg_dir memory tenants)"

kill "$CG_SLEEP"; wait "$CG_SLEEP" 2>/dev/null
cg_ctl teardown --state "$CG_STATE"; ok $? "teardown once our sleep is gone"
is "$(cg_left | grep -c .)" 0 "nothing left of the tenant tree"
for c in $CG_CTRLS; do
        check "the root's parent stays in $c" -- test -d "$(cg_dir "$c")"
done
cg_ctl teardown --state "$CG_STATE"; ok $? "teardown of nothing succeeds"
done_testing
