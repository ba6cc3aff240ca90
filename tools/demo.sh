#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The main job on a fresh Debian machine: install what is needed, build, and
# run tenantd in the foreground on the shipped example policies (policies/)
# under a safe tenant root: "tenantd-demo", relative, so the tree is built
# below the cgroup this script already runs in, in every hierarchy, and
# nothing above it is touched. Ctrl-C stops the daemon; the demo tree is
# then torn down again.
#
# On a pure cgroup v2 host that place is not usable unless it is the root
# cgroup: v2 enables controllers for child groups only in a group without
# processes, this script stays in its group while the daemon runs, and it
# moves nothing else (a login session's shell, sudo). Then the root is
# /tenantd-demo, a new group at the top of the hierarchy, whose parent (the
# root cgroup) is exempt from that rule.
#
# Environment: TD_DEMO_BUILD (build directory, default build/demo);
# TD_DEMO_NO_BUILD=1 runs the binaries already in TD_DEMO_BUILD (tests).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${TD_DEMO_BUILD:-$src/build/demo}

if [ "$(id -u)" -ne 0 ]; then
        echo "demo: run as root: tenantd manages cgroups" >&2
        exit 1
fi
"$src/tools/install-deps.sh" build
if [ "${TD_DEMO_NO_BUILD:-0}" != 1 ]; then
        # Generate and configure once; after that make's own rules notice changes.
        [ -x "$src/configure" ] && [ -x "$src/build-aux/tap-driver.sh" ] || "$src/autogen.sh" >/dev/null 2>&1
        mkdir -p "$out"
        (cd "$out" && { [ -f Makefile ] || "$src/configure" -q; } && make -s -j"$(nproc)" >/dev/null)
fi

root=tenantd-demo
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
        own=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
        if [ "$own" != / ]; then
                root=/tenantd-demo
                echo "demo: cgroup v2, and $own holds processes (this script's at least): tenant root $root"
        fi
fi

# tenantd refuses policy files that a non-root user could change (it runs as
# root and writes cgroup limits from them). A checkout may belong to another
# user, so run on a root-owned copy.
etc=$(mktemp -d /run/tenantd-demo.XXXXXX)
cp -r "$src/policies/." "$etc/"
chown -R root:root "$etc"
chmod -R go-w "$etc"

# The shipped policies throttle I/O on /dev/vda, a virtio disk. Elsewhere
# the demo's copy names the disk under / instead (the whole disk: the
# kernel throttles disks, not partitions or device-mapper volumes), or,
# failing that, the first real disk.
root_disk() {
        local s d
        s=$(findmnt -no SOURCE / 2>/dev/null) || s=
        d=$(lsblk -rsno NAME,TYPE "$s" 2>/dev/null | awk '$2 == "disk" { print $1; exit }')
        [ -n "$d" ] || d=$(lsblk -dno NAME,TYPE 2>/dev/null | awk '$2 == "disk" && $1 !~ /^(zram|loop|ram)/ { print $1; exit }')
        [ -n "$d" ] && [ -b "/dev/$d" ] && echo "/dev/$d"
}
if [ ! -b /dev/vda ]; then
        if disk=$(root_disk); then
                sed -i "s|device: /dev/vda\b|device: $disk|" "$etc"/plans.d/*.yaml "$etc"/tenants.d/*.yaml
                echo "demo: no /dev/vda here: the I/O limits of the example policies use $disk"
        else
                echo "demo: no /dev/vda and no other disk here: tenants with I/O limits will be refused"
        fi
fi
cat > "$etc/tenantd.conf" <<CONF
; Demo configuration written by tools/demo.sh
[tenantd]
tenants_dir = $etc/tenants.d
plans_dir = $etc/plans.d
tenant_root = $root
socket = $etc/tenantd.sock
log_level = info
sweep_interval = 30s
CONF

cleanup() {
        # --no-state: the daemon keeps none, and a real install's apply cache
        # in /run/tenantd is not the demo's to remove.
        if "$out/tenantctl" --config "$etc/tenantd.conf" teardown --no-state >/dev/null; then
                echo "demo: tenant tree removed"
        else
                echo "demo: teardown failed; see: $out/tenantctl --config $etc/tenantd.conf teardown" >&2
        fi
        rm -rf "$etc"
}
trap cleanup EXIT

# A tenant this host can't serve is reported and skipped; the rest run.
"$out/tenantctl" --config "$etc/tenantd.conf" check ||
        echo "demo: check found problems on this host (above); tenantd applies every tenant it can"
echo "demo: starting tenantd in the foreground (Ctrl-C to stop); try in another shell:"
echo "  $out/tenantctl --config $etc/tenantd.conf list"
# Not exec: the trap must run after the daemon exits.
"$out/tenantd" --foreground --config "$etc/tenantd.conf" "$@" || true
