# SPDX-License-Identifier: LGPL-2.1-or-later
# tenantd without cgroups: the command line, configuration errors (exit 1,
# every message with its position), and --check over good and broken
# policies. Nothing here may touch a cgroup; the last test makes sure.
. "${TD_SRCDIR:-$(dirname "$0")/../..}/tests/lib.sh"

[ -x "$TENANTD" ] || skip_all "tenantd not built ($TENANTD)"

tmp=$(mktemp -d "/tmp/tenantd-test-$$.XXXXXX") || skip_all "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out
err=$tmp/err

# run ARGS...: tenantd with stdout/stderr captured; sets $rc.
run() {
        "$TENANTD" "$@" >"$out" 2>"$err"
        rc=$?
}
# count PATTERN FILE: lines matching an extended regex
count() { grep -cE -- "$1" "$2"; }

# A private copy of the shipped policies, with a config next to them
# (relative directories resolve against the config file's directory).
mkpolicies() {
        rm -rf "$tmp/p"
        mkdir -p "$tmp/p"
        cp -R "$TD_SRCDIR/policies/plans.d" "$TD_SRCDIR/policies/tenants.d" "$TD_SRCDIR/policies/seccomp" "$tmp/p/"
        chmod -R u+w,go-w "$tmp/p"
        printf '[tenantd]\ntenants_dir = tenants.d\nplans_dir = plans.d\n' >"$tmp/p/tenantd.conf"
}
n_plans=$(ls "$TD_SRCDIR"/policies/plans.d/*.yaml | wc -l)
n_tenants=$(ls "$TD_SRCDIR"/policies/tenants.d/*.yaml | wc -l)

# --- command line ---------------------------------------------------------
run --help
is "$rc" 0 "--help exits 0"
check "--help prints usage" -- grep -q '^Usage: tenantd' "$out"
run --version
is "$rc" 0 "--version exits 0"
run --no-such-option
is "$rc" 2 "unknown option exits 2"
run --once --check
is "$rc" 2 "--once with --check exits 2"
check "--once with --check says why" -- grep -q 'exclude each other' "$err"
run --check stray-argument
is "$rc" 2 "a stray argument exits 2"

# --- configuration errors -------------------------------------------------
run --check --config "$tmp/missing.conf"
is "$rc" 1 "--config naming a missing file exits 1"
check "missing config: message names the file" -- \
        grep -q "^$tmp/missing.conf: cannot read: No such file or directory" "$err"

bad=$TD_SRCDIR/tests/data/conf/bad-everything.conf
run --check --config "$bad"
is "$rc" 1 "--check with a bad config exits 1"
is "$(count "^$bad:[0-9]+:[0-9]+: " "$err")" 9 "all 9 errors reported with line and column"
check "bad value reported as expected/got" -- \
        grep -qF "$bad:4:18: tenantd.cgroup_version: expected one of auto, v1, v2, got \"3\"" "$err"
check "unknown key with a hint" -- \
        grep -qF "$bad:6:1: tenantd.loglevel: unknown key (did you mean \"log_level\"?)" "$err"
is "$(cat "$out")" "" "a bad config prints no summary"

# The daemon proper and --once refuse a bad config before touching cgroups.
run --foreground --config "$bad"
is "$rc" 1 "daemon with a bad config exits 1"
is "$(count "^$bad:[0-9]+:[0-9]+: " "$err")" 9 "daemon logs every config error to stderr"
run --once --config "$bad"
is "$rc" 1 "--once with a bad config exits 1"

mkpolicies
run --check --config "$tmp/p/tenantd.conf" --tenant-root /a/../b
is "$rc" 1 "--tenant-root with .. exits 1"
check "--tenant-root error names the option" -- \
        grep -qF -- '--tenant-root: tenant_root: expected a cgroup path' "$err"

# --- --check over policies --------------------------------------------------
run --check --config "$tmp/p/tenantd.conf"
is "$rc" 0 "--check with the shipped policies exits 0"
is "$(cat "$out")" "tenantd: configuration and policies OK ($n_plans plans, $n_tenants tenants)" \
        "--check summary line"
is "$(cat "$err")" "" "--check of valid policies is silent on stderr"

# Command-line directories override the config's.
run --check --config "$tmp/p/tenantd.conf" --tenants-dir "$tmp/empty-does-not-exist"
is "$rc" 1 "--check with a missing tenants directory exits 1"
check "missing tenants directory is named" -- grep -qF "$tmp/empty-does-not-exist: " "$err"

# One broken tenant: the others stay valid, the error has its position.
sed -i 's/^\( *\)max: 200$/\1max: lots/' "$tmp/p/tenants.d/bakery.yaml"
printf 'tenant: bakery2\nmemory:\n  max: 1G\n  hgh: 2\n' >"$tmp/p/tenants.d/typo.yaml"
run --check --config "$tmp/p/tenantd.conf"
is "$rc" 1 "--check with a broken tenant exits 1"
check "unknown policy key reported with position" -- \
        grep -qE "^$tmp/p/tenants.d/typo.yaml:4:3: memory.hgh: " "$err"
check "summary counts valid tenants" -- \
        grep -qE "^tenantd: [0-9]+ errors? \\(.* of $((n_tenants + 1)) tenants valid\\)$" "$out"

# A broken plan shows up once, not once per tenant below it.
mkpolicies
printf 'bogus_key: 1\n' >>"$tmp/p/plans.d/starter.yaml"
run --check --config "$tmp/p/tenantd.conf"
is "$rc" 1 "--check with a broken plan exits 1"
is "$(count 'starter.yaml:[0-9]+:[0-9]+: bogus_key' "$err")" 1 "a plan's error is reported once"

# A YAML syntax error in one file doesn't hide the rest.
mkpolicies
printf 'tenant: [\n' >"$tmp/p/tenants.d/zz-broken.yaml"
printf 'cpu: {weight: 0}\n' >>"$tmp/p/tenants.d/acme.yaml"
run --check --config "$tmp/p/tenantd.conf"
is "$rc" 1 "--check with a syntax error exits 1"
check "syntax error reported" -- grep -q "zz-broken.yaml:[0-9]*:[0-9]*: " "$err"
check "other files still checked" -- grep -q "acme.yaml:[0-9]*:[0-9]*: " "$err"

# --- --check touches no cgroup --------------------------------------------
mkpolicies
probe=tenantd-test-$$
run --check --config "$tmp/p/tenantd.conf" --tenant-root "$probe"
is "$rc" 0 "--check with a relative tenant root exits 0"
created=0
for ctrl in cpu memory pids; do
        own=$(own_cgroup "$ctrl")
        [ -n "$own" ] && [ -e "/sys/fs/cgroup/$ctrl$own/$probe" ] && created=1
done
own=$(own_cgroup "")
[ -n "$own" ] && [ -e "/sys/fs/cgroup/unified$own/$probe" ] && created=1
is "$created" 0 "--check created no cgroup"

done_testing
