#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs INSIDE the test VM (tests/vm/enforce-v2.sh boots it): cgroup v2 at
# /sys/fs/cgroup, a scratch raw disk as $1 (default /dev/vda).
#
# 1. `tenantctl apply` of a tenant that sets every v2 knob tenantd manages,
#    read back from the kernel's files.
# 2. The enforcement checks of tests/integration/enforce-v1.sh, on v2: CPU
#    quota, memory.max with OOM kill, pids.max against a fork bomb, io.max
#    write bandwidth on the raw disk with O_DIRECT, cpuset pinning.
# 3. A realtime CPU policy is refused on v2 with an error naming the tenant
#    and the knob, and the other tenants stay as they were.
. "$TD_SRCDIR/tests/lib.sh"
. "$TD_SRCDIR/tests/helpers/enforce.sh"

[ "${TD_IN_VM:-}" = 1 ] || skip_all "runs only inside the test VM (tests/vm/enforce-v2.sh)"
disk=${1:-/dev/vda}
[ -b "$disk" ] || skip_all "no scratch disk $disk in the VM"
[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || skip_all "/sys/fs/cgroup is not cgroup2"

enf_init 2
enf_setup || skip_all "cannot create a temp dir"
trap enf_cleanup EXIT
disk_mm=$(cat "/sys/class/block/${disk#/dev/}/dev")
ncpu=$(nproc)
pin=$((ncpu - 1))

# ---- every knob, read back ----------------------------------------------
enf_tenant knobs <<EOF
cpu:
  weight: 250
  quota: 150%
  period: 50ms
  cpus: "$pin"
  mems: "0"
memory:
  max: 256M
  high: 192M
  swap_max: 32M
io:
  weight: 300
  devices:
    - device: $disk
      read_bps: 10M/s
      write_bps: 5M/s
      read_iops: 500
      write_iops: 400
pids:
  max: 123
EOF

# ---- enforcement tenants ------------------------------------------------
enf_tenant cpuhog <<'EOF'
cpu:
  quota: 50%
EOF
enf_tenant memhog <<'EOF'
memory:
  max: 64M
  swap_max: 0
EOF
enf_tenant bomb <<'EOF'
pids:
  max: 16
EOF
enf_tenant disk <<EOF
io:
  devices:
    - device: $disk
      write_bps: 2M/s
EOF
enf_tenant pin <<EOF
cpu:
  cpus: "$pin"
EOF

enf_apply
rc=$?
sed 's/^/# apply: /' "$ENF_TMP/apply.out"
is "$rc" 0 "tenantctl apply exits 0"

k() { enf_read "$1" knobs "$2"; }
is "$(k cpu cpu.weight)" 250 "v2 readback: cpu.weight"
is "$(k cpu cpu.max)" "75000 50000" "v2 readback: cpu.max (150% of a 50ms period)"
is "$(k memory memory.max)" $((256 << 20)) "v2 readback: memory.max"
is "$(k memory memory.high)" $((192 << 20)) "v2 readback: memory.high"
is "$(k memory memory.swap.max)" $((32 << 20)) "v2 readback: memory.swap.max"
is "$(k io io.max)" "$disk_mm rbps=$((10 << 20)) wbps=$((5 << 20)) riops=500 wiops=400" "v2 readback: io.max"
is "$(k io io.weight)" "default 300" "v2 readback: io.weight"
is "$(k pids pids.max)" 123 "v2 readback: pids.max"
is "$(k cpuset cpuset.cpus)" "$pin" "v2 readback: cpuset.cpus"
is "$(k cpuset cpuset.mems)" 0 "v2 readback: cpuset.mems"

enf_check_cpu cpuhog
enf_check_memory memhog 64
enf_check_pids bomb 16
enf_check_io disk "$disk" 8 2048
if [ "$ncpu" -ge 2 ]; then
        enf_check_cpuset pin "$pin"
else
        ok 0 "cpuset # SKIP one CPU only"
fi

# ---- realtime is v1-only ----------------------------------------------------
enf_tenant rt <<'EOF'
cpu:
  realtime:
    runtime: 10ms
    period: 1s
EOF
enf_apply
rc=$?
sed 's/^/# apply: /' "$ENF_TMP/apply.out"
is "$rc" 1 "apply with a realtime policy on v2 fails"
# The message must name both, e.g. "tenants.d/rt.yaml:3:3: cpu.realtime: ..."
grep -E '\brt\b' "$ENF_TMP/apply.out" | grep -q 'cpu\.realtime'
ok $? "the error names the tenant (rt) and the knob (cpu.realtime) in one message"
is "$(k memory memory.max)" $((256 << 20)) "the other tenants are left as they were"

done_testing
