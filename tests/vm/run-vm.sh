#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run a test script inside a throwaway qemu VM with real cgroup v2, and
# relay its TAP on stdout.
#
#   tests/vm/run-vm.sh [--disk MIB] [--timeout SECS] GUEST_SCRIPT [ARGS...]
#
# The guest boots Debian's generic kernel (tools/vm-kernel.sh, cached) with a
# busybox initramfs built here (tests/vm/init). Its root is this host's /
# over 9p, read-only, with the source tree mounted again read-only and the
# build tree ($TD_BUILDDIR) read-write, both
# at the same path, so host binaries (tenantctl, test helpers) run there
# unchanged. GUEST_SCRIPT (an absolute path, or relative to $TD_SRCDIR) runs
# as root under bash with cgroup2 at /sys/fs/cgroup and +cpu +cpuset +memory
# +io +pids enabled at the top. --disk adds a zeroed raw disk of MIB MiB as
# the guest's first virtio disk, /dev/vda (the 9p shares are no block devices).
#
# Output: the guest's TAP lines, renumbered, then two checks of our own (the
# guest ran to its exit marker; its plan matches what arrived), then the
# plan. Exit 0/1 like any TAP test, 77 (with "1..0 # SKIP reason") when this
# host can not run the VM: no qemu, no kernel, no busybox, not root.
#
# Environment: TD_SRCDIR, TD_BUILDDIR (as in make check), QEMU and BUSYBOX (binaries),
# TD_VM_TIMEOUT (whole run, default 300 s), TD_VM_KEEP=1 (keep the work dir
# with console.log), TD_VM_VERBOSE=1 (relay every console line as a comment).
#
# Emulation only (TCG): KVM is present on some hosts but hangs on others,
# and a test that hangs is worse than a slow one. Boot takes 10-15 s.
set -u

: "${TD_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TD_BUILDDIR:=$TD_SRCDIR}"
timeout_s=${TD_VM_TIMEOUT:-300}
disk_mib=0

skip() { echo "1..0 # SKIP $*"; exit 77; }

while [ $# -gt 0 ]; do
        case $1 in
        --disk) disk_mib=$2; shift 2 ;;
        --timeout) timeout_s=$2; shift 2 ;;
        --) shift; break ;;
        -*) echo "run-vm.sh: unknown option $1" >&2; exit 2 ;;
        *) break ;;
        esac
done
[ $# -ge 1 ] || { echo "usage: run-vm.sh [--disk MIB] [--timeout SECS] GUEST_SCRIPT [ARGS...]" >&2; exit 2; }
script=$1; shift
case $script in /*) ;; *) script=$TD_SRCDIR/$script ;; esac
[ -r "$script" ] || { echo "run-vm.sh: no guest script $script" >&2; exit 2; }
TD_BUILDDIR=$(cd "$TD_BUILDDIR" && pwd -P)
TD_SRCDIR=$(cd "$TD_SRCDIR" && pwd -P)

# ---- can this host run it? -------------------------------------------------
[ "$(id -u)" -eq 0 ] || skip "needs root (9p export of /, cgroup writes in the guest)"
qemu=${QEMU:-$(command -v qemu-system-x86_64 || true)}
[ -n "$qemu" ] && [ -x "$qemu" ] || skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
# The initramfs has no libc: busybox must be the static build (ldd fails on
# a static binary; busybox-static installs it as /bin/busybox).
busybox=
for b in "${BUSYBOX:-}" /bin/busybox "$(command -v busybox)"; do
        [ -n "$b" ] && [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1 &&
                "$b" --list 2>/dev/null | grep -qx switch_root && { busybox=$b; break; }
done
[ -n "$busybox" ] || skip "no static busybox (apt-get install busybox-static)"
kdir=$("$TD_SRCDIR/tools/vm-kernel.sh" 2>/dev/null) || skip "no VM kernel: tools/vm-kernel.sh failed (apt mirror unreachable?)"
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* 2>/dev/null | head -n1)
moddir=$(ls -d "$kdir"/lib/modules/* 2>/dev/null | head -n1)
[ -n "$vmlinuz" ] && [ -n "$moddir" ] || skip "kernel cache $kdir is incomplete"

work=$(mktemp -d "${TMPDIR:-/tmp}/tenantd-vm.XXXXXX")
cleanup() {
        [ -s "$work/timeout.pid" ] && kill "$(cat "$work/timeout.pid")" 2>/dev/null
        if [ "${TD_VM_KEEP:-0}" = 1 ]; then echo "# kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- initramfs -------------------------------------------------------------
# Modules in load order: each after its dependencies (read from the .ko's
# modinfo "depends=" string; the extracted tree has no modules.dep). A
# module without a .ko is taken as built in when modules.builtin lists it.
declare -A seen=()
modlist=()
mod_file() {
        local n=$1 f
        for f in "$n" "${n//_/-}"; do
                f=$(find "$moddir/kernel" -name "$f.ko" -o -name "$f.ko.xz" | head -n1)
                [ -n "$f" ] && { echo "$f"; return 0; }
        done
        return 1
}
add_module() {
        local n=$1 f dep
        [ -n "${seen[$n]:-}" ] && return 0
        seen[$n]=1
        if ! f=$(mod_file "$n"); then
                grep -qE "/(${n}|${n//_/-})\.ko" "$moddir/modules.builtin" && return 0
                echo "run-vm.sh: module $n neither in $moddir nor built in" >&2
                return 1
        fi
        for dep in $( (case $f in *.xz) xz -dc "$f" ;; *) cat "$f" ;; esac) |
                        tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '); do
                add_module "$dep" || return 1
        done
        case $f in
        *.xz) xz -dc "$f" >"$work/initramfs/lib/modules/$n.ko" ;;
        *) cp "$f" "$work/initramfs/lib/modules/$n.ko" ;;
        esac
        modlist+=("$n")
}

mkdir -p "$work"/initramfs/{bin,dev,proc,sys,newroot,lib/modules}
cp "$busybox" "$work/initramfs/bin/busybox"
cp "$TD_SRCDIR/tests/vm/init" "$work/initramfs/init"
chmod 0755 "$work/initramfs/init"
for m in virtio_pci 9pnet_virtio 9p virtio_blk; do
        add_module "$m" || skip "kernel $kdir lacks module $m"
done
printf '%s\n' "${modlist[@]}" >"$work/initramfs/modules.list"
{
        printf 'TD_SRCDIR=%q\nTD_BUILDDIR=%q\nTD_VM_SCRIPT=%q\n' "$TD_SRCDIR" "$TD_BUILDDIR" "$script"
        printf 'TD_VM_ARGS=%q\nTD_SHARED_DATA=%q\n' "$*" "${TD_SHARED_DATA:-}"
} >"$work/initramfs/td.env"
# GNU cpio when installed, else busybox's (both write newc).
cpio=(cpio --quiet)
command -v cpio >/dev/null || cpio=("$busybox" cpio)
(cd "$work/initramfs" && find . | "${cpio[@]}" -o -H newc >"$work/initrd") ||
        skip "could not pack the initramfs with ${cpio[*]}"

drive=()
if [ "$disk_mib" -gt 0 ]; then
        truncate -s "${disk_mib}M" "$work/disk.img"
        drive=(-drive "file=$work/disk.img,if=virtio,format=raw,cache=unsafe")
fi

# ---- boot and relay ----------------------------------------------------------
# The console carries kernel messages too; only TAP-shaped lines and our
# markers are relayed, the rest stays in console.log. loglevel=1 keeps the
# OOM killer's reports (which the tests provoke) off the console.
append="console=ttyS0 panic=-1 quiet loglevel=1 mitigations=off nokaslr"
n=0 guest_plan= exit_rc= up_at= skip_reason=
t0=$EPOCHREALTIME
failed=0 guest_failed=0
tap_line() {  # print "ok N - rest" with our own numbering
        n=$((n + 1))
        local status=$1 rest=$2
        [ "$status" = ok ] || failed=$((failed + 1))
        echo "$status $n${rest:+ $rest}"
}
# timeout runs in the background of the substitution so its pid can be
# recorded: cleanup TERMs it, and it takes qemu down with it.
exec 3< <(timeout -k 10 "$timeout_s" "$qemu" -accel tcg -M pc -cpu max -m 2G -smp 2 \
        -nodefaults -no-user-config -display none -serial stdio -monitor none -no-reboot \
        -kernel "$vmlinuz" -initrd "$work/initrd" -append "$append" \
        -fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap" \
        -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
        -fsdev "local,id=src,path=$TD_SRCDIR,security_model=none,readonly=on,multidevs=remap" \
        -device virtio-9p-pci,fsdev=src,mount_tag=src \
        -fsdev "local,id=build,path=$TD_BUILDDIR,security_model=none,multidevs=remap" \
        -device virtio-9p-pci,fsdev=build,mount_tag=build \
        "${drive[@]}" </dev/null 2>&1 &
        echo $! >"$work/timeout.pid"
        wait $!
        rc=$?
        rm -f "$work/timeout.pid"   # gone: never signal a recycled pid
        echo "TENANTD-VM-QEMU-RC $rc")
qemu_rc=
while IFS= read -r line <&3; do
        line=${line%$'\r'}
        printf '%s\n' "$line" >>"$work/console.log"
        [ "${TD_VM_VERBOSE:-0}" = 1 ] && printf '# console: %s\n' "$line"
        case $line in
        "ok "* | "not ok "*)
                # Split "ok 12 - name" into status and the text after the number.
                if [[ $line =~ ^(ok|not\ ok)\ [0-9]+(.*)$ ]]; then
                        tap_line "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]# }"
                else
                        tap_line "${line%% *}" "${line#* }"
                fi
                [ "${line#not ok}" = "$line" ] || guest_failed=$((guest_failed + 1)) ;;
        "1..0 # SKIP"*) skip_reason=${line#*SKIP} ;;
        1..*) guest_plan=${line#1..} ;;
        "#"* | "Bail out!"*) echo "$line" ;;
        TENANTD-VM-UP*) up_at=$EPOCHREALTIME; echo "# guest up: ${line#TENANTD-VM-UP }" ;;
        TENANTD-VM-INIT-FAIL*) echo "# $line" ;;
        TENANTD-VM-EXIT*) exit_rc=${line#*rc=}; exit_rc=${exit_rc%% *} ;;
        TENANTD-VM-QEMU-RC*) qemu_rc=${line##* } ;;
        esac
done
exec 3<&-
echo "# vm timing: $(awk -v a="$t0" -v u="${up_at:-}" -v b="$EPOCHREALTIME" \
        'BEGIN { printf "boot to guest script %ss, whole run %.1fs", u == "" ? "?" : sprintf("%.1f", u - a), b - a }') (qemu rc ${qemu_rc:-?})"

if [ "$exit_rc" = 77 ] && [ "$n" -eq 0 ]; then
        echo "1..0 # SKIP (in the VM)${skip_reason}"
        exit 77
fi
seen_guest=$n
if [ -z "$exit_rc" ]; then
        tap_line "not ok" "- guest ran to its exit marker (timeout ${timeout_s}s, qemu rc ${qemu_rc:-?})"
        echo "# last console lines:"
        tail -n 25 "$work/console.log" | sed 's/^/#   /'
elif [ "$exit_rc" != 0 ] && [ "$guest_failed" -eq 0 ]; then
        # A failing script must show a failing test, else it died early.
        tap_line "not ok" "- guest script exited $exit_rc without reporting a failure"
        tail -n 25 "$work/console.log" | sed 's/^/#   /'
else
        tap_line "ok" "- guest ran to its exit marker (script rc $exit_rc)"
fi
if [ -n "$guest_plan" ] && [ "$guest_plan" -eq "$seen_guest" ] && [ "$seen_guest" -gt 0 ]; then
        tap_line "ok" "- guest plan 1..$guest_plan matches the results relayed"
else
        tap_line "not ok" "- guest plan 1..${guest_plan:-?} matches the $seen_guest results relayed"
fi
echo "1..$n"
[ "$failed" -eq 0 ]
