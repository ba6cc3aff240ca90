# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the cgroup core's integration tests (apply-v1.sh, teardown-v1.sh;
# h5). Source after tests/lib.sh. Everything lives below this test's own
# cgroup in each v1 hierarchy, under "tenantd-test-PID/tenants" (a relative
# tenant_root), and is removed on exit even on failure. Only processes this
# test starts (a `sleep`) are ever moved, and only within that subtree.

CG_CTRLS="cpu cpuacct cpuset memory blkio pids"
CG_TOP=tenantd-test-$$

# Mount point of a v1 controller ("" when it is not mounted as v1).
cg_mount() {
        awk -v c="$1" '{ for (i = 7; i <= NF && $i != "-"; i++); if ($(i+1) != "cgroup") next
                n = split($(i+3), o, ","); for (j = 1; j <= n; j++) if (o[j] == c) { print $5; exit } }' \
                /proc/self/mountinfo
}

# cg_path CTRL: this test's cgroup path in CTRL's hierarchy ("" for /).
cg_path() { local o; o=$(own_cgroup "$1"); echo "${o%/}"; }
# cg_dir CTRL [REL]: directory of <own>/tenantd-test-PID[/REL] in CTRL's hierarchy.
cg_dir() { echo "$(cg_mount "$1")$(cg_path "$1")/$CG_TOP${2:+/$2}"; }
# cg_tdir CTRL TENANT [procs]: a tenant's group or leaf.
cg_tdir() { cg_dir "$1" "tenants/$2${3:+/$3}"; }
# cg_read CTRL TENANT FILE: one knob on one line.
cg_read() { tr '\n' ' ' <"$(cg_tdir "$1" "$2")/$3" 2>/dev/null | sed 's/ *$//'; }

# cg_require: skip unless root with every controller mounted as v1.
cg_require() {
        local c
        [ "$(id -u)" -eq 0 ] || skip_all "needs root to create cgroups"
        [ -x "$TENANTCTL" ] || skip_all "tenantctl not built"
        for c in $CG_CTRLS; do
                [ -n "$(cg_mount "$c")" ] || skip_all "cgroup v1 controller $c is not mounted"
                [ -n "$(own_cgroup "$c")" ] || skip_all "no own cgroup for $c in /proc/self/cgroup"
        done
}

# cg_setup: temp dir, config, policy dirs; the EXIT trap cleans everything.
cg_setup() {
        CG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tenantd-test-$$.XXXXXX") || skip_all "cannot create a temp dir"
        CG_CONF=$CG_TMP/tenantd.conf
        CG_STATE=$CG_TMP/state
        CG_PIDS=
        mkdir -p "$CG_TMP/tenants.d" "$CG_TMP/plans.d"
        cg_conf refuse
        trap cg_cleanup EXIT
        trap 'exit 130' INT TERM
}

# cg_conf ON_BUSY: (re)write the config.
cg_conf() {
        printf '%s\n' "[tenantd]" "tenants_dir = $CG_TMP/tenants.d" "plans_dir = $CG_TMP/plans.d" \
                "cgroup_version = v1" "tenant_root = $CG_TOP/tenants" "[cgroup]" "on_busy = $1" >"$CG_CONF"
}

# cg_tenant NAME < YAML-BODY: write a tenant file (the name line is added).
cg_tenant() { { echo "tenant: $1"; cat; } >"$CG_TMP/tenants.d/$1.yaml"; }

# cg_ctl VERB ARGS...: tenantctl with this test's config; output in
# $CG_OUT (also shown as TAP comments), exit status returned.
cg_ctl() {
        local verb=$1; shift
        CG_OUT=$("$TENANTCTL" --config "$CG_CONF" "$verb" "$@" 2>&1)
        local rc=$?
        printf '%s\n' "$CG_OUT" | sed 's/^/#   /'
        return $rc
}
cg_apply() { cg_ctl apply --state "$CG_STATE" "$@"; }

# cg_spawn: start a sleep this test owns; its pid in $CG_SLEEP.
cg_spawn() {
        sleep 300 &
        CG_SLEEP=$!
        CG_PIDS="$CG_PIDS $CG_SLEEP"
}

# cg_enter PID TENANT: move a process this test started into TENANT's leaf
# in every hierarchy (all below the test's own cgroups).
cg_enter() {
        local c
        for c in $CG_CTRLS; do
                echo "$1" >"$(cg_tdir "$c" "$2" procs)/cgroup.procs" || return 1
        done
}

# cg_left: directories left below tenantd-test-PID/tenants, in all hierarchies.
cg_left() {
        local c
        for c in $CG_CTRLS; do
                [ -d "$(cg_dir "$c" tenants)" ] && find "$(cg_dir "$c" tenants)" -type d
        done
}

cg_cleanup() {
        local c p i
        for p in $CG_PIDS; do kill "$p" 2>/dev/null; done
        for p in $CG_PIDS; do wait "$p" 2>/dev/null; done
        for c in $CG_CTRLS; do
                [ -d "$(cg_dir "$c")" ] || continue
                for i in 1 2 3 4 5; do
                        find "$(cg_dir "$c")" -depth -type d -exec rmdir {} + 2>/dev/null
                        [ -d "$(cg_dir "$c")" ] || break
                        sleep 0.2
                done
        done
        rm -rf "$CG_TMP"
}
