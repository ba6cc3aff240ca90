#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The example policies shipped in policies/ must pass `tenantctl check`,
# through a configuration file that points at them, and every tenant's
# effective policy must build. Spot checks of `--effective acme` prove the
# plan chain (starter -> business) really merged into the tenant.
. "${TD_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

src="$TD_SRCDIR/policies"
[ -x "$TENANTCTL" ] || skip_all "tenantctl not built ($TENANTCTL)"
[ -d "$src/tenants.d" ] || skip_all "no policies/ in $TD_SRCDIR"

umask 022
work=$(mktemp -d "${TMPDIR:-/tmp}/tenantd-test-shipped-$$.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

# Copy with safe modes (the checker refuses writable files as root); the
# seccomp profiles come along because the plans refer to ../seccomp/.
for d in plans.d tenants.d seccomp; do
        [ -d "$src/$d" ] && cp -R "$src/$d" "$work/$d"
done
chmod -R u=rwX,go=rX "$work"
cat > "$work/tenantd.conf" <<'CONF'
[tenantd]
tenants_dir = tenants.d
plans_dir = plans.d
CONF

"$TENANTCTL" --config "$work/tenantd.conf" check >"$work/out" 2>"$work/err"
rc=$?
is "$rc" 0 "tenantctl check accepts policies/"
sed 's/^/#   /' "$work/err"
# Warnings are allowed (a profile may name calls this libseccomp lacks);
# errors are not.
n=$(grep -vc ': warning: ' "$work/err")
is "$n" 0 "no error lines from check"

tenants=$(sed -n 's/^tenant: *\([a-z0-9_-]*\).*/\1/p' "$src"/tenants.d/*.yaml)
count=0
for t in $tenants; do
        count=$((count + 1))
        "$TENANTCTL" --config "$work/tenantd.conf" check --effective "$t" \
                >"$work/eff-$t" 2>"$work/err-$t"
        ok $? "check --effective $t"
done
[ "$count" -ge 5 ]
ok $? "at least 5 shipped tenants ($count)"

# acme: memory.max from its own file, swap_max from business, the cpu
# period from starter, its own inline seccomp filter instead of the profile.
eff="$work/eff-acme"
check "acme: memory.max 3G (own file)" -- grep -Eq '^ +max: 3G$' "$eff"
check "acme: memory.swap_max 512M (business)" -- grep -Eq '^ +swap_max: 512M$' "$eff"
check "acme: cpu.quota 150% (business)" -- grep -Eq '^ +quota: 150%$' "$eff"
check "acme: cpu.period 100ms (starter)" -- grep -Eq '^ +period: 100ms$' "$eff"
check "acme: inline seccomp replaces the profile" -- grep -Eq '^ +default_action: allow$' "$eff"
if grep -q 'profile:' "$eff"; then ok 1 "acme: no seccomp profile left"; else ok 0 "acme: no seccomp profile left"; fi

done_testing
