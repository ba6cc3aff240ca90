#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# `tenantctl check`: exit codes, the summary line, de-duplicated errors,
# explicit files, and --effective output that checks clean when saved as a
# tenant file of its own.
. "${TD_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

[ -x "$TENANTCTL" ] || skip_all "tenantctl not built ($TENANTCTL)"

umask 022
work=$(mktemp -d "${TMPDIR:-/tmp}/tenantd-test-check-$$.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
cd "$work" || exit 99
mkdir plans.d tenants.d other
: > tenantd.conf
tc() { "$TENANTCTL" --config tenantd.conf --plans-dir plans.d --tenants-dir tenants.d "$@"; }

cat > plans.d/starter.yaml <<'YAML'
plan: starter
cpu: { weight: 100 }
memory: { max: 1G, high: 768M }
rlimits: { nofile: 1024 }
YAML
cat > plans.d/business.yaml <<'YAML'
plan: business
inherits: starter
memory: { max: 4G }
YAML
cat > tenants.d/acme.yaml <<'YAML'
tenant: acme
inherits: business
members: { users: [acme], uids: [20000-20999] }
memory: { high: 3G }
YAML
cat > tenants.d/beta.yaml <<'YAML'
tenant: beta
inherits: starter
members: { users: [beta] }
YAML

out=$(tc check 2>err); rc=$?
is "$rc" 0 "valid tree exits 0"
is "$out" "checked 2 plans and 2 tenants: ok" "summary on stdout"
is "$(cat err)" "" "nothing on stderr"

tc check --effective acme > acme-effective.yaml 2>err; rc=$?
is "$rc" 0 "--effective exits 0"
check "--effective shows merged values" -- grep -qx '  max: 4G' acme-effective.yaml
check "--effective keeps inherited keys" -- grep -qx '  weight: 100' acme-effective.yaml
is "$(grep -c checked acme-effective.yaml)" 0 "--effective prints no summary"
# The printed policy is itself a valid tenant file (checked on its own).
sed 's/^inherits: business$//' acme-effective.yaml > other/acme-flat.yaml
out=$(tc check other/acme-flat.yaml 2>err); rc=$?
is "$rc" 0 "printed effective policy checks clean as a file"
is "$out" "checked 0 plans and 1 tenant: ok" "explicit file summary"

# A clash in a plan is reported once, although two tenants inherit it.
cat > plans.d/starter.yaml <<'YAML'
plan: starter
cpu: { weight: 100, shares: 1024 }
memory: { max: 1G }
YAML
out=$(tc check 2>err); rc=$?
is "$rc" 1 "invalid tree exits 1"
is "$out" "checked 2 plans and 2 tenants: 1 error" "one error, singular"
is "$(grep -c 'cpu.shares: cannot be combined with cpu.weight' err)" 1 "plan error printed once"

# Several bad files: every error, sorted by file and line.
printf 'tenant: bad\nmemory: { maxx: 1G }\n' > tenants.d/bad.yaml
printf 'tenant: worse\ncpu: { weight: 0 }\n' > tenants.d/worse.yaml
out=$(tc check 2>err); rc=$?
is "$out" "checked 2 plans and 4 tenants: 3 errors" "errors from every file counted"
is "$(sed -n 2p err)" 'tenants.d/bad.yaml:2:11: memory.maxx: unknown key; did you mean "max"?' "file order"
is "$(sed -n 3p err)" 'tenants.d/worse.yaml:2:16: cpu.weight: expected a number from 1 to 10000, got 0' "second file"

# An explicit file is checked with the plans it needs, nothing else.
out=$(tc check tenants.d/bad.yaml 2>err); rc=$?
is "$rc" 1 "explicit bad file exits 1"
is "$out" "checked 0 plans and 1 tenant: 1 error" "only that file"

tc check --effective acm > /dev/null 2>err; rc=$?
is "$rc" 1 "unknown tenant exits 1"
is "$(cat err | tail -n 1)" 'tenantctl: no tenant named "acm"; did you mean "acme"?' "unknown tenant hint"
tc check --effective acme > /dev/null 2>err; rc=$?
is "$rc" 1 "tenant below a broken plan exits 1"

tc check --no-such-option > /dev/null 2>&1; rc=$?
is "$rc" 2 "unknown option exits 2"
tc check --effective > /dev/null 2>&1; rc=$?
is "$rc" 2 "--effective without a tenant exits 2"
tc check --help > help.txt 2>&1; rc=$?
is "$rc" 0 "--help exits 0"

"$TENANTCTL" --config "$work/missing.conf" --plans-dir plans.d --tenants-dir tenants.d check > /dev/null 2>err; rc=$?
is "$rc" 1 "missing --config file is an error"

# A broken configuration is reported and the policies are still checked,
# in the directories given on the command line.
printf '[nonsense]\nkey = 1\n' > broken.conf
"$TENANTCTL" --config broken.conf --plans-dir plans.d --tenants-dir tenants.d check > out 2>err; rc=$?
is "$rc" 1 "broken configuration exits 1"
check "configuration error reported" -- grep -q '^broken.conf:' err
check "policies still checked with the --*-dir overrides" -- grep -q '^tenants.d/worse.yaml:2:16: cpu.weight' err

done_testing
