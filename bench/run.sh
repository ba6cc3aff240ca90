#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The apply benchmark: tenantd's cold apply against the plain-syscall floor
# (bench/floor.c) and libcgroup's cgconfigparser, re-apply cost, peak RSS,
# and `tenantctl check` at scale. See bench/README.md.
#
#   bench/run.sh [SIZE...]            default sizes: 1000 10000
#
# Environment:
#   TD_BUILDDIR       build tree with tenantctl, bench/floor, bench/bench-apply
#                     (default: the current directory; `make bench` builds them)
#   BENCH_REPEAT      rounds of cold-apply runs (default 3); each round runs
#                     every method once, in turn, so that load from elsewhere
#                     on the host hits all of them alike; the best run counts
#   BENCH_SCENARIOS   "3" (cpu, memory, pids hierarchies only) and/or "all"
#                     (every hierarchy tenantd uses); default "3 all"
#   BENCH_PROFILE=1   perf-profile `tenantctl check` at the largest size
#   BENCH_KEEP=1      keep the temp dir with policies and logs (never cgroups)
#
# Needs root and cgroup v1 controller mounts. Every cgroup is created below
# this script's own cgroup in each hierarchy, named tenantd-test-bench-PID-*,
# and removed on exit, also on failure or interrupt. Numbers are printed,
# never judged: the exit status says only whether every step ran.
set -u
export LC_ALL=C

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
B=${TD_BUILDDIR:-$(pwd)}
TENANTCTL=$B/tenantctl
FLOOR=$B/bench/floor
LIB=$B/bench/bench-apply
GEN=$SRCDIR/bench/gen.awk
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000)
SCENARIOS=${BENCH_SCENARIOS:-"3 all"}
KNOWN="cpu cpuacct cpuset memory blkio pids"   # what tenantd manages on v1
ROOTBASE=tenantd-test-bench-$$

die() { echo "run.sh: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }
fail() { : > "$WORK/failed"; }   # a step failed (works from subshells)

[ "$(id -u)" = 0 ] || die "must run as root (it creates cgroups)"
for f in "$TENANTCTL" "$FLOOR" "$LIB"; do
        [ -x "$f" ] || die "$f missing: run \`make bench\` in the build tree, or set TD_BUILDDIR"
done
for n in "${SIZES[@]}"; do
        case $n in ''|*[!0-9]*) die "size \"$n\" is not a number";; esac
        [ "$n" -ge 2 ] && [ "$n" -le 30000 ] || die "size $n out of range 2..30000"
done
HAVE_CGCONFIG=1; command -v cgconfigparser >/dev/null || HAVE_CGCONFIG=0
HAVE_TIME=1; [ -x /usr/bin/time ] || HAVE_TIME=0
HAVE_STRACE=1; command -v strace >/dev/null || HAVE_STRACE=0

WORK=$(mktemp -d /tmp/tenantd-bench.XXXXXX) || die "mktemp failed"
RESULTS=$WORK/results

# ---- cgroup helpers ---------------------------------------------------------

# The cgroup this process sits in for a v1 controller.
own_cgroup() {
        awk -F: -v c="$1" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' /proc/self/cgroup
}

# v1 hierarchies holding any of the controllers in $1, in mountinfo order
# (the order tenantd walks them), one per line: "CTRLS MOUNT OWN" with
# CTRLS the comma list of our controllers on that mount.
hierarchies() {
        awk -v want="$1" '
                BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) W[w[i]] = 1 }
                {
                        for (s = 1; s <= NF && $s != "-"; s++) ;
                        if ($(s + 1) != "cgroup") next
                        m = split($(s + 3), o, ","); c = ""
                        for (i = 1; i <= m; i++) if (o[i] in W && !(o[i] in taken)) { c = c (c ? "," : "") o[i]; taken[o[i]] = 1 }
                        if (c != "") print c, $5
                }' /proc/self/mountinfo |
        while read -r ctrls mount; do
                echo "$ctrls $mount $(own_cgroup "${ctrls%%,*}")"
        done
}

# gen.awk's hierarchy spec for tenant root NAME below our own cgroup.
hier_spec() {  # FILTER NAME
        hierarchies "$1" | while read -r ctrls mount own; do
                own=${own%/}
                printf '%s=%s=%s/%s ' "$ctrls" "$mount" "$own" "$2"
        done
}

# Remove every group this script created (deepest first). Safe to call at
# any time; never touches anything not named $ROOTBASE-*.
cleanup_cgroups() {
        local ctrls mount own d
        hierarchies "$KNOWN" | while read -r ctrls mount own; do
                for d in "$mount${own%/}/$ROOTBASE"-*; do
                        [ -d "$d" ] || continue
                        find "$d" -depth -type d -print0 | xargs -0 -r rmdir 2>/dev/null
                        [ -d "$d" ] && echo "run.sh: could not remove $d" >&2
                done
        done
        return 0
}

on_exit() {
        local rc=$?
        cleanup_cgroups
        if [ "${BENCH_KEEP:-0}" = 1 ]; then
                note "kept $WORK"
        else
                rm -rf "$WORK"
        fi
        exit $rc
}
trap on_exit EXIT
trap 'exit 130' INT TERM HUP

# CPU ticks (user + system) of all kworker threads: the kernel frees removed
# cgroups asynchronously (cgroup_free, cgroup_pidlist_destroy work items).
kworker_ticks() {
        cat /proc/[0-9]*/stat 2>/dev/null | awk '$2 ~ /^\(kworker/ { s += $14 + $15 } END { print s + 0 }'
}

# Wait (at most ~90 s) until the cgroup counts stop changing and the
# kworkers are quiet (< 4% of a CPU over half a second), so that freeing one
# run's 100,000 groups does not eat into the next run's time.
settle() {
        local prev=-1 cur k0 k1 i
        for i in $(seq 180); do
                cur=$(awk 'NR > 1 { s += $3 } END { print s }' /proc/cgroups)
                k0=$(kworker_ticks); sleep 0.5; k1=$(kworker_ticks)
                [ "$cur" = "$prev" ] && [ $((k1 - k0)) -le 2 ] && return 0
                prev=$cur
        done
        note "settle: kernel still busy after 90 s (cgroups=$cur, kworker ticks/0.5s=$((k1 - k0))); measuring anyway"
}

# Run a command, timing it: sets T_WALL (s), T_CPU (user + system s, "-"
# without /usr/bin/time) and T_RSS (peak KiB). Returns the command's status.
timed() {
        local t0 t1 rc
        t0=$EPOCHREALTIME
        if [ "$HAVE_TIME" = 1 ]; then
                /usr/bin/time -f '%U %S %M' -o "$WORK/time.out" "$@"
        else
                "$@"
        fi
        rc=$?
        t1=$EPOCHREALTIME
        T_WALL=$(elapsed "$t0" "$t1") T_CPU=- T_RSS=-
        if [ "$HAVE_TIME" = 1 ]; then
                read -r u sy T_RSS < <(tail -1 "$WORK/time.out")
                T_CPU=$(awk -v u="$u" -v s="$sy" 'BEGIN { printf "%.2f", u + s }')
        fi
        return $rc
}

# Groups below tenant root NAME in every hierarchy of FILTER.
count_groups() {  # FILTER NAME
        local ctrls mount own total=0 n
        while read -r ctrls mount own; do
                n=$(find "$mount${own%/}/$2" -maxdepth 2 -type d 2>/dev/null | wc -l)
                total=$((total + n))
        done < <(hierarchies "$1")
        echo "$total"
}

# Compare the live knobs of tenant I below root NAME with gen.awk's values.
# Prints "ok" or what differs.
spot_check() {  # FILTER NAME I CHANGED
        local want ctrls mount own kv file val got bad=""
        want=$(awk -f "$GEN" -v mode=values -v i="$3" -v changed="${4:-0}")
        while read -r ctrls mount own; do
                for kv in $want; do
                        file=${kv%%=*} val=${kv#*=}
                        case ",$ctrls," in *",${file%%.*},"*) ;; *) continue;; esac
                        got=$(cat "$mount${own%/}/$2/$(printf 't%06d' "$3")/$file" 2>/dev/null)
                        [ "$got" = "$val" ] || bad="$bad $file=$got(want $val)"
                done
        done < <(hierarchies "$1")
        echo "${bad:-ok}"
}

# ---- helpers ------------------------------------------------------------------

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }
kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" | head -1; }   # KEY < line
min_of() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { if (t + 0 > 0) printf "%.0f", n / t; else print "-" }'; }
ms() { awk -v t="$1" 'BEGIN { printf "%.2f", t * 1000 }'; }

row() { printf '%s\n' "$*" >> "$RESULTS"; }

# Policies for N tenants: $WORK/N/{plans.d,tenants.d}, root-owned, 0644 in
# 0755 dirs (the loader refuses group/other-writable files), plus the
# changed variant of the middle tenant for the re-apply runs.
make_policies() {  # N
        local d=$WORK/$1 c=$(( $1 / 2 ))
        mkdir -p "$d/plans.d" "$d/tenants.d"
        chmod 0755 "$d" "$d/plans.d" "$d/tenants.d"
        (umask 022; awk -f "$GEN" -v mode=yaml -v n="$1" -v dir="$d") || die "gen.awk failed"
        (umask 022; awk -f "$GEN" -v mode=one -v i="$c" -v changed="$c" > "$d/changed.yaml")
        cp "$d/tenants.d/$(printf 't%06d' $c).yaml" "$d/original.yaml"
        echo "$c" > "$d/changed-index"
}

write_conf() {  # N ROOTNAME FILE
        local d=$WORK/$1
        printf '[tenantd]\ntenants_dir = %s\nplans_dir = %s\ncgroup_version = v1\ntenant_root = %s\n' \
                "$d/tenants.d" "$d/plans.d" "$2" > "$3"
        chmod 0644 "$3"
}

replace_tenant() {  # N FILE: put FILE in place of the changed tenant's policy
        local d=$WORK/$1 c
        c=$(cat "$d/changed-index")
        cp "$2" "$d/tenants.d/.new.yaml.tmp" && mv "$d/tenants.d/.new.yaml.tmp" "$d/tenants.d/$(printf 't%06d' "$c").yaml"
}

filter_of() { [ "$1" = 3 ] && echo "cpu memory pids" || echo "$KNOWN"; }
label_of() { [ "$1" = 3 ] && echo "cpu,memory,pids" || echo "all:$(hierarchies "$KNOWN" | awk '{ printf "%s%s", s, $1; s = "," }')"; }

# ---- methods: one cold run each, appending "run N SCEN METHOD WALL CPU MKDIRS
# WRITES" to $RESULTS; the groups are removed afterwards unless said otherwise.

run_floor() {  # N SCEN ROUND
        local name=$ROOTBASE-floor-$2-$1 out
        awk -f "$GEN" -v mode=floor -v n="$1" -v hiers="$(hier_spec "$(filter_of "$2")" "$name")" \
                -v cpuset_cpus="$CPUSET_CPUS" -v cpuset_mems="$CPUSET_MEMS" > "$WORK/floor.script"
        settle
        if out=$("$FLOOR" "$WORK/floor.script"); then
                row "run $1 $2 floor $(echo "$out" | kv elapsed_s) $(echo "$out" | kv cpu_s)" \
                    "$(echo "$out" | kv mkdirs) $(echo "$out" | kv writes)"
                [ "$3" = 1 ] && note "floor N=$1 $2: groups=$(count_groups "$(filter_of "$2")" "$name")" \
                                     "values=$(spot_check "$(filter_of "$2")" "$name" 1)"
        else
                fail
        fi
        # Plain removal for comparison with tenantd's teardown.
        local t0=$EPOCHREALTIME
        cleanup_cgroups
        row "rmdir $1 $2 $3 $(elapsed "$t0" "$EPOCHREALTIME")"
}

run_cgconfig() {  # N SCEN ROUND
        local name=$ROOTBASE-cgcfg-$2-$1
        [ "$HAVE_CGCONFIG" = 1 ] || return 0
        awk -f "$GEN" -v mode=cgconfig -v n="$1" -v hiers="$(hier_spec "$(filter_of "$2")" "$name")" \
                -v cpuset_cpus="$CPUSET_CPUS" -v cpuset_mems="$CPUSET_MEMS" > "$WORK/cgconfig.conf"
        settle
        if timed cgconfigparser -l "$WORK/cgconfig.conf" > "$WORK/cgconfig.log" 2>&1; then
                # The groups and values of the floor script (run_floor ran
                # first); whatever else libcgroup does on the way is its cost.
                row "run $1 $2 cgconfigparser $T_WALL $T_CPU $(grep -c '^m ' "$WORK/floor.script")" \
                    "$(grep -c '^w ' "$WORK/floor.script")"
                [ "$3" = 1 ] && note "cgconfigparser N=$1 $2: groups=$(count_groups "$(filter_of "$2")" "$name")" \
                                     "values=$(spot_check "$(filter_of "$2")" "$name" 1)"
        else
                note "cgconfigparser failed: $(tail -3 "$WORK/cgconfig.log")"
                fail
        fi
        cleanup_cgroups
}

# The library. On the last round also the re-apply phases; bench-apply's
# output of that run stays in $WORK/lib.out.
run_lib() {  # N SCEN ROUND
        local name=$ROOTBASE-lib-$2-$1 out ctl=() extra=() c
        [ "$2" = 3 ] && ctl=(--controllers cpu,memory,pids)
        c=$(cat "$WORK/$1/changed-index")
        if [ "$3" = "$REPEAT" ]; then
                cp "$WORK/$1/changed.yaml" "$WORK/$1/changed.tmp"
                extra=(--change "$(printf 't%06d' "$c")=$WORK/$1/changed.tmp" --toggles 21 --verify)
        fi
        settle
        "$LIB" --plans-dir "$WORK/$1/plans.d" --tenants-dir "$WORK/$1/tenants.d" --tenant-root "$name" \
                "${ctl[@]}" "${extra[@]}" > "$WORK/lib.out" 2> "$WORK/lib.err" ||
                { fail; note "bench-apply failed: $(tail -3 "$WORK/lib.err")"; }
        [ "$3" = "$REPEAT" ] && replace_tenant "$1" "$WORK/$1/original.yaml"
        cleanup_cgroups
        out=$(grep '^phase=cold' "$WORK/lib.out")
        [ -n "$out" ] && row "run $1 $2 library $(echo "$out" | kv elapsed_s) $(echo "$out" | kv cpu_s)" \
                             "$(echo "$out" | kv mkdirs) $(echo "$out" | kv writes) $(grep '^maxrss_kb' "$WORK/lib.out" | kv maxrss_kb)"
        cp "$WORK/lib.out" "$WORK/lib.out.$1.$2"
}

cli_apply() {  # CONF STATE [ARGS...]: timed tenantctl apply; sets SUMMARY (its last line)
        local conf=$1 st=$2; shift 2
        timed "$TENANTCTL" --config "$conf" apply --state "$st" "$@" > "$WORK/cli.out" 2> "$WORK/cli.err" ||
                { fail; note "tenantctl apply $*: $(tail -3 "$WORK/cli.err")"; }
        SUMMARY=$(tail -1 "$WORK/cli.out")
}

summary_writes() { echo "$1" | sed -n 's/.* \([0-9][0-9]*\) writes\{0,1\},.*/\1/p'; }
summary_mkdirs() { echo "$1" | sed -n 's/.* \([0-9][0-9]*\) mkdir.*/\1/p'; }

# tenantctl end to end (every hierarchy it detects). Cold apply with peak
# RSS; on the last round then the re-applies, each as the default apply (a
# full pass that reads every knob) and with --trust-state (the state file
# lets unchanged tenants cost nothing), when this tenantctl has it; one
# re-apply runs under strace for an independent count of cgroup writes.
run_cli() {  # N ROUND
        local n=$1 name=$ROOTBASE-cli-$1 conf=$WORK/$1/tenantd.conf st=$WORK/$1/state c sw trust=()
        write_conf "$n" "$name" "$conf"
        settle
        rm -f "$st"
        cli_apply "$conf" "$st"
        row "run $n all cli $T_WALL $T_CPU $(summary_mkdirs "$SUMMARY") $(summary_writes "$SUMMARY") $T_RSS"
        if [ "$2" != "$REPEAT" ]; then
                cleanup_cgroups
                return
        fi
        note "tenantctl N=$n: groups=$(count_groups "$KNOWN" "$name") values=$(spot_check "$KNOWN" "$name" 1)"
        c=$(cat "$WORK/$n/changed-index")
        "$TENANTCTL" apply --help 2>&1 | grep -q -- --trust-state && trust=(--trust-state)

        cli_apply "$conf" "$st"
        row "cli $n noop $T_WALL $T_CPU $(summary_writes "$SUMMARY")"
        if [ ${#trust[@]} -gt 0 ]; then
                cli_apply "$conf" "$st" "${trust[@]}"
                row "cli $n noop-trust $T_WALL $T_CPU $(summary_writes "$SUMMARY")"
        fi
        replace_tenant "$n" "$WORK/$n/changed.yaml"
        cli_apply "$conf" "$st" "${trust[@]}"
        row "cli $n change${trust:+-trust} $T_WALL $T_CPU $(summary_writes "$SUMMARY") values-$(spot_check "$KNOWN" "$name" "$c" "$c")"
        replace_tenant "$n" "$WORK/$n/original.yaml"
        if [ "$HAVE_STRACE" = 1 ]; then
                strace -f -y -e trace=write -o "$WORK/strace.txt" \
                        "$TENANTCTL" --config "$conf" apply --state "$st" "${trust[@]}" > "$WORK/cli.out" 2>&1 || fail
                sw=$(grep -c '^[0-9]* *write([0-9]*</sys/fs/cgroup/' "$WORK/strace.txt")
                row "cli $n back - - $(summary_writes "$(tail -1 "$WORK/cli.out")") $sw"
        fi
        replace_tenant "$n" "$WORK/$n/changed.yaml"
        cli_apply "$conf" "$st"
        row "cli $n change $T_WALL $T_CPU $(summary_writes "$SUMMARY") values-$(spot_check "$KNOWN" "$name" "$c" "$c")"
        replace_tenant "$n" "$WORK/$n/original.yaml"
        timed "$TENANTCTL" --config "$conf" teardown > "$WORK/cli.out" 2>&1 || fail
        row "cli $n teardown $T_WALL $T_CPU $(tail -1 "$WORK/cli.out" | sed -n 's/.* \([0-9]*\) rmdir.*/\1/p')"
        cleanup_cgroups
}

run_check() {  # N
        timed "$TENANTCTL" --plans-dir "$WORK/$1/plans.d" --tenants-dir "$WORK/$1/tenants.d" check \
                > "$WORK/check.out" 2>&1 || { fail; note "tenantctl check: $(tail -3 "$WORK/check.out")"; }
        row "check $1 $T_WALL $T_CPU $T_RSS"
}

profile_check() {  # N
        command -v perf >/dev/null || { note "perf not installed: no profile"; return; }
        perf record -q -g --call-graph dwarf -F 499 -o "$WORK/perf.data" "$TENANTCTL" --plans-dir "$WORK/$1/plans.d" \
                --tenants-dir "$WORK/$1/tenants.d" check > /dev/null 2>&1 || return
        echo
        echo "perf profile of \`tenantctl check\` at $1 tenants (children %, >= 4%):"
        perf report -i "$WORK/perf.data" --children --stdio -g none --percent-limit 4 2>/dev/null |
                grep -v '^#' | grep -v '^$' | awk '{ printf "  %-8s %-8s %s\n", $1, $2, $NF }' | head -25
}

# ---- main ---------------------------------------------------------------------

for c in cpu memory pids; do
        [ -n "$(own_cgroup "$c")" ] || die "no cgroup v1 \"$c\" hierarchy here"
done
CPUSET_CPUS="" CPUSET_MEMS=""
cs=$(hierarchies cpuset | awk '{ print $2 $3 }')
if [ -n "$cs" ]; then
        CPUSET_CPUS=$(cat "${cs%/}/cpuset.cpus") CPUSET_MEMS=$(cat "${cs%/}/cpuset.mems")
fi

echo "tenantd apply benchmark -- $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "host: $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), kernel $(uname -r)," \
     "$(awk '/MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
echo "libcgroup $(dpkg-query -W -f '${Version}' libcgroup2 2>/dev/null || echo '?'); own cgroups:" \
     "$(hierarchies "$KNOWN" | awk '{ printf "%s%s=%s", s, $1, $3; s = " " }')"
echo "tenantd: $TENANTCTL"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

: > "$RESULTS"
REPEAT=${BENCH_REPEAT:-3}
for n in "${SIZES[@]}"; do
        note "N=$n: generating policies"
        make_policies "$n"
        run_check "$n"
        for s in $SCENARIOS; do
                for r in $(seq "$REPEAT"); do
                        note "N=$n hierarchies=$s round $r/$REPEAT"
                        run_floor "$n" "$s" "$r"
                        run_cgconfig "$n" "$s" "$r"
                        run_lib "$n" "$s" "$r"
                        [ "$s" = all ] && run_cli "$n" "$r"
                done
                l=$WORK/lib.out.$n.$s
                for p in noop change verify teardown; do
                        x=$(grep "^phase=$p " "$l")
                        row "lib $n $s $p $(echo "$x" | kv elapsed_s) $(echo "$x" | kv cpu_s) $(echo "$x" | kv writes)" \
                            "$(echo "$x" | kv reads) $(echo "$x" | kv mkdirs) $(echo "$x" | kv rmdirs)"
                done
                x=$(grep '^phase=toggle' "$l")
                row "toggle $n $s $(echo "$x" | kv runs) $(echo "$x" | kv min_s) $(echo "$x" | kv median_s)" \
                    "$(echo "$x" | kv max_s) $(echo "$x" | kv writes_min) $(echo "$x" | kv writes_max)"
                x=$(grep '^phase=load' "$l")
                row "load $n $s $(echo "$x" | kv load_s) $(echo "$x" | kv effective_s) $(grep '^maxrss_kb' "$l" | kv maxrss_kb)"
                x=$(grep '^phase=reload' "$l")
                row "reload $n $s $(echo "$x" | kv load_s) $(echo "$x" | kv effective_s)"
        done
done

# ---- report -------------------------------------------------------------------

get() { awk -v k="$*" 'index($0, k " ") == 1 { sub("^" k " ", ""); print; exit }' "$RESULTS"; }
# Best of the runs of one method: "WALL CPU MKDIRS WRITES ALLWALLS" with the
# minimum wall and the minimum CPU time (each over all runs) and every
# run's wall time, "a/b/c", to show the spread.
best() {  # N SCEN METHOD
        awk -v k="run $1 $2 $3" 'index($0, k " ") == 1 {
                        w = $5; c = $6
                        if (bw == "" || w + 0 < bw + 0) bw = w
                        if (c != "-" && (bc == "" || c + 0 < bc + 0)) bc = c
                        m = $7; wr = $8; all = all (all == "" ? "" : "/") sprintf("%.2f", w)
                }
                END { if (bw != "") print bw, (bc == "" ? "-" : bc), m, wr, all }' "$RESULTS"
}
fmt='  %-34s %7s %7s %9s %9s %9s %6s %6s %6s %6s\n'

echo
echo "COLD APPLY. groups = cgroup directories created (tenant + tenant/procs per hierarchy,"
echo "plus the tenant root); groups/s by wall time; best of BENCH_REPEAT runs."
echo "vs = this method's rate / the other's, by wall time (w) and by CPU time (c,"
echo "user + system of the measuring process: robust against other load on the host)."
for n in "${SIZES[@]}"; do
        for s in $SCENARIOS; do
                echo
                echo "N=$n tenants, hierarchies $(label_of "$s")"
                printf "$fmt" method groups writes wall_s cpu_s groups/s floor/w floor/c cgcfg/w cgcfg/c
                read -r fw fc fm fwr fall <<< "$(best "$n" "$s" floor)"
                read -r cw cc cm cwr call <<< "$(best "$n" "$s" cgconfigparser)"
                spread=""
                line() {  # LABEL WALL CPU MKDIRS WRITES ALLWALLS
                        printf "$fmt" "$1" "$4" "$5" "$2" "$3" "$(rate "$4" "$2")" \
                                "$(ratio "$fw" "$2")" "$(ratio "$fc" "$3")" "$(ratio "${cw:-}" "$2")" "$(ratio "${cc:-}" "$3")"
                        spread="$spread${spread:+; }${1%%[ :(]*} $6"
                }
                line "floor (mkdir + open/write/close)" "$fw" "$fc" "$fm" "$fwr" "$fall"
                [ -n "${cw:-}" ] && line "cgconfigparser -l (libcgroup)" "$cw" "$cc" "$cm" "$cwr" "$call"
                read -r lw lc lm lwr lall <<< "$(best "$n" "$s" library)"
                line "tenantd library: td_cg_reconcile" "$lw" "$lc" "$lm" "$lwr" "$lall"
                if [ "$s" = all ]; then
                        read -r xw xc xm xwr xall <<< "$(best "$n" all cli)"
                        line "tenantctl apply, end to end" "$xw" "$xc" "$xm" "$xwr" "$xall"
                fi
                echo "  wall time of every run, s: $spread"
                [ "$fm" = "$lm" ] || echo "  NOTE: floor and tenantd created different numbers of groups ($fm vs $lm)"
                read -r lo ef rss <<< "$(get load "$n" "$s")"
                echo "  outside the library number: td_policy_set_load ${lo}s, td_cg_tenants_from_set ${ef}s;" \
                     "bench-apply peak RSS ${rss} KiB"
        done
done

echo
echo "RE-APPLY, library: td_cg_reconcile on a kept td_cg (in-memory cache, as the daemon keeps it)"
printf '  %-7s %-4s %-38s %20s %8s %7s\n' N hier case wall_ms writes reads
for n in "${SIZES[@]}"; do
        for s in $SCENARIOS; do
                for p in noop change verify teardown; do
                        read -r t c w r m d <<< "$(get lib "$n" "$s" "$p")"
                        case $p in
                        noop) what="no change";;
                        change) what="one tenant changed (its file replaced)";;
                        verify) what="TD_RECONCILE_VERIFY (reads every knob)";;
                        teardown) what="td_cg_teardown ($d rmdirs)";;
                        esac
                        printf '  %-7s %-4s %-38s %20s %8s %7s\n' "$n" "$s" "$what" "$(ms "${t:-0}")" "${w:--}" "${r:--}"
                done
                t=$(awk -v k="rmdir $n $s" 'index($0, k " ") == 1 { if (b == "" || $5 + 0 < b + 0) b = $5 } END { print b }' "$RESULTS")
                printf '  %-7s %-4s %-38s %20s\n' "$n" "$s" "(plain find | xargs rmdir, same groups)" "$(ms "${t:-0}")"
                read -r runs tmin tmed tmax wmin wmax <<< "$(get toggle "$n" "$s")"
                printf '  %-7s %-4s %-38s %20s %8s\n' "$n" "$s" "one changed, x$runs: min/median/max" \
                        "$(ms "${tmin:-0}")/$(ms "${tmed:-0}")/$(ms "${tmax:-0}")" "$wmin..$wmax"
                read -r rl re <<< "$(get reload "$n" "$s")"
                echo "                (reloading the set after the file change: ${rl}s load + ${re}s effective policies)"
        done
done

if [[ " $SCENARIOS " == *" all "* ]]; then
        echo
        echo "TENANTCTL END TO END (all hierarchies; --state file; output to a file)"
        printf '  %-7s %-44s %9s %9s %8s\n' N case wall_s cpu_s writes
        for n in "${SIZES[@]}"; do
                read -r t c m w rss <<< "$(awk -v k="run $n all cli" 'index($0, k " ") == 1 { l = $0 } END { print l }' "$RESULTS" | cut -d" " -f5-)"
                printf '  %-7s %-44s %9s %9s %8s\n' "$n" "cold apply, last round (peak RSS ${rss:--} KiB)" "$t" "$c" "$w"
                for k in noop noop-trust change change-trust; do
                        read -r t c w chk <<< "$(get cli "$n" "$k")"
                        [ -n "${t:-}" ] || continue
                        case $k in
                        noop) what="no change (default: full pass)";;
                        noop-trust) what="no change, --trust-state";;
                        change) what="one tenant changed (full pass; ${chk:-})";;
                        change-trust) what="one changed, --trust-state (${chk:-})";;
                        esac
                        printf '  %-7s %-44s %9s %9s %8s\n' "$n" "$what" "$t" "$c" "$w"
                done
                read -r t c w sw <<< "$(get cli "$n" back)"
                [ -n "${sw:-}" ] && printf '  %-7s %-44s %9s %9s %8s\n' "$n" "changed back: cgroup write(2)s by strace: $sw" "-" "-" "$w"
                read -r t c d <<< "$(get cli "$n" teardown)"
                printf '  %-7s %-44s %9s %9s %8s\n' "$n" "teardown ($d rmdirs)" "$t" "$c" "-"
        done
fi

echo
echo "TENANTCTL CHECK (each tenant: its own user and a 10-uid range, so the cross-file checks run)"
printf '  %-7s %9s %9s %10s %12s\n' N wall_s cpu_s us/tenant peak_RSS_KiB
for n in "${SIZES[@]}"; do
        read -r t c rss <<< "$(get check "$n")"
        printf '  %-7s %9s %9s %10s %12s\n' "$n" "$t" "$c" "$(awk -v t="$t" -v n="$n" 'BEGIN { printf "%.1f", t * 1e6 / n }')" "$rss"
done
if [ ${#SIZES[@]} -gt 1 ]; then
        first=${SIZES[0]} last=${SIZES[${#SIZES[@]}-1]}
        read -r t1 c1 _ <<< "$(get check "$first")"
        read -r t2 c2 _ <<< "$(get check "$last")"
        echo "  $first -> $last tenants (x$(ratio "$last" "$first")): wall x$(ratio "$t2" "$t1"), cpu x$(ratio "$c2" "$c1")" \
             "(linear: x$(ratio "$last" "$first"), quadratic: x$(awk -v a="$last" -v b="$first" 'BEGIN { printf "%.0f", (a / b) ^ 2 }'))"
fi
if [ "${BENCH_PROFILE:-0}" = 1 ]; then
        profile_check "${SIZES[${#SIZES[@]}-1]}"
fi
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

[ ! -e "$WORK/failed" ] || { echo "run.sh: some step failed (see the messages above)" >&2; exit 1; }
exit 0
