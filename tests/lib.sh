# SPDX-License-Identifier: LGPL-2.1-or-later
# TAP helpers for shell tests. Source it; call plan-free checks, end with done_testing.
# Paths: TD_SRCDIR and TD_BUILDDIR come from AM_TESTS_ENVIRONMENT.
: "${TD_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TD_BUILDDIR:=$TD_SRCDIR}"
TENANTCTL="$TD_BUILDDIR/tenantctl"
TENANTD="$TD_BUILDDIR/tenantd"
_tap_n=0
_tap_failed=0

ok() {  # ok CONDITION-EXIT-CODE NAME...
        local rc=$1; shift
        _tap_n=$((_tap_n + 1))
        if [ "$rc" -eq 0 ]; then echo "ok $_tap_n - $*"; else echo "not ok $_tap_n - $*"; _tap_failed=$((_tap_failed + 1)); fi
}
check() {  # check NAME -- COMMAND...: passes when COMMAND exits 0
        local name=$1; shift; [ "$1" = "--" ] && shift
        "$@"; ok $? "$name"
}
is() {  # is GOT WANT NAME
        local got=$1 want=$2; shift 2
        if [ "$got" = "$want" ]; then ok 0 "$*"; else ok 1 "$*"; printf '#   got  %s\n#   want %s\n' "$got" "$want"; fi
}
skip_all() { echo "1..0 # SKIP $*"; exit 77; }
diag() { printf '# %s\n' "$*"; }
done_testing() { echo "1..$_tap_n"; [ "$_tap_failed" -eq 0 ]; exit $?; }

# The cgroup this very process sits in, for one v1 controller or the
# unified hierarchy (""). Tests build tenant trees only beneath it.
own_cgroup() {
        local ctrl=$1
        if [ -z "$ctrl" ]; then awk -F: '$1=="0"{print $3}' /proc/self/cgroup; return; fi
        awk -F: -v c="$ctrl" '{ n=split($2,a,","); for(i=1;i<=n;i++) if(a[i]==c) print $3 }' /proc/self/cgroup
}
