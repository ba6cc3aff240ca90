#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Enforcement on this host's cgroup v1: `tenantctl apply` sets limits from a
# temp config, then real workloads (tests/helpers) run inside the tenants
# and must be held to them: CPU quota, memory limit with OOM kill, pids.max
# against a fork bomb, write bandwidth with O_DIRECT, cpuset pinning.
# The same checks run on cgroup v2 in tests/vm/guest-enforce-v2.sh.
#
# Everything lives below this test's own cgroup in each controller
# (tenant_root is relative), and is removed on exit, even on failure.
. "$TD_SRCDIR/tests/lib.sh"
. "$TD_SRCDIR/tests/helpers/enforce.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root to create cgroups"
for c in cpu cpuset memory blkio pids; do
        [ -n "$(enf_v1_mount "$c")" ] || skip_all "cgroup v1 controller $c is not mounted"
done
[ -x "$TENANTCTL" ] || skip_all "tenantctl not built"
for h in td-cpuhog td-memhog td-forkbomb td-dwrite td-affinity; do
        [ -x "$ENF_HELPERS/$h" ] || skip_all "helper $h not built (make check builds it)"
done

enf_init 1
enf_setup || skip_all "cannot create a temp dir"
trap enf_cleanup EXIT
trap 'exit 130' INT TERM

# The disk the temp dir lives on, for the write_bps limit: a whole disk
# (throttling is per disk, a partition's parent is used), by its /dev path,
# which apply must resolve.
io_dev= io_mm= io_skip=
mm=$("$ENF_HELPERS/td-dwrite" --dev "$ENF_TMP")
if [ "${mm%%:*}" = 0 ] || [ ! -e "/sys/dev/block/$mm" ]; then
        io_skip="$ENF_TMP is not on a block device ($mm)"
else
        sys=$(readlink -f "/sys/dev/block/$mm")
        [ -e "$sys/partition" ] && sys=$(dirname "$sys")
        io_mm=$(cat "$sys/dev")
        io_dev=/dev/$(sed -n 's/^DEVNAME=//p' "$sys/uevent")
        [ -b "$io_dev" ] || io_skip="no device node for $io_mm"
fi
ncpu=$(nproc)

enf_tenant cpuhog <<'EOF'
cpu:
  quota: 50%
EOF
enf_tenant memhog <<'EOF'
memory:
  max: 64M
EOF
enf_tenant bomb <<'EOF'
pids:
  max: 16
EOF
if [ -z "$io_skip" ]; then
        enf_tenant disk <<EOF
io:
  devices:
    - device: $io_dev
      write_bps: 2M/s
EOF
fi
if [ "$ncpu" -ge 2 ]; then
        enf_tenant pin <<EOF
cpu:
  cpus: "$((ncpu - 1))"
EOF
fi

enf_apply
rc=$?
sed 's/^/# apply: /' "$ENF_TMP/apply.out"
is "$rc" 0 "tenantctl apply exits 0"

# What apply wrote, read back from the kernel (a failing enforcement check
# below then points at the kernel side, not at apply).
is "$(enf_read cpu cpuhog cpu.cfs_quota_us)/$(enf_read cpu cpuhog cpu.cfs_period_us)" 50000/100000 \
        "apply: cpuhog cpu.cfs_quota_us/cfs_period_us = 50000/100000"
is "$(enf_read memory memhog memory.limit_in_bytes)" 67108864 "apply: memhog memory.limit_in_bytes = 64M"
is "$(enf_read pids bomb pids.max)" 16 "apply: bomb pids.max = 16"
[ -z "$io_skip" ] && is "$(enf_read blkio disk blkio.throttle.write_bps_device)" "$io_mm 2097152" \
        "apply: disk blkio.throttle.write_bps_device = $io_mm 2097152"
[ "$ncpu" -ge 2 ] && is "$(enf_read cpuset pin cpuset.cpus procs)" "$((ncpu - 1))" \
        "apply: pin cpuset.cpus = $((ncpu - 1)) (in the leaf too)"

enf_check_cpu cpuhog
enf_check_memory memhog 64
enf_check_pids bomb 16
if [ -n "$io_skip" ]; then
        ok 0 "io # SKIP $io_skip"
else
        enf_check_io disk "$ENF_TMP/dwrite" 8 2048
fi
if [ "$ncpu" -ge 2 ]; then
        enf_check_cpuset pin "$((ncpu - 1))"
else
        ok 0 "cpuset # SKIP one CPU only"
fi

done_testing
