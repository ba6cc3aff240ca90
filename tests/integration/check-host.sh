#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `tenantctl check` compiles every valid tenant against this host's cgroups:
# a knob the host cannot honour is an error at check time, naming the file,
# the tenant, the knob and the reason, exactly as apply would refuse it.
# --offline skips that half. check never creates or writes a cgroup.
. "$TD_SRCDIR/tests/lib.sh"
. "$TD_SRCDIR/tests/integration/cgroup-lib.sh"
cg_require
cg_setup

cg_tenant good <<'Y'
pids: { max: 100 }
memory: { max: 256M }
Y
cg_tenant nodev <<'Y'
io:
  devices:
    - device: /dev/tenantd-no-such-disk
      write_bps: 1M/s
Y
cg_tenant notblk <<'Y'
io:
  devices:
    - device: /dev/null
      read_iops: 100
Y

cg_ctl check; rc=$?
is "$rc" 1 "check fails when the host can not honour a knob"
printf '%s\n' "$CG_OUT" | grep -q '^.*tenants.d/nodev.yaml:[0-9]*:[0-9]*: io.devices.device: tenant "nodev": this host can not honour it: device "/dev/tenantd-no-such-disk": No such file or directory$'
ok $? "missing device: file:line:col, knob, tenant and reason"
printf '%s\n' "$CG_OUT" | grep -q 'tenants.d/notblk.yaml:[0-9]*:[0-9]*: io.devices.device: tenant "notblk": .*"/dev/null" is not a block device'
ok $? "a character device is refused as not a block device"
printf '%s\n' "$CG_OUT" | grep -q 'good'
ok $((! $?)) "the valid tenant draws no error"
is "$(printf '%s\n' "$CG_OUT" | grep -c 'warning')" 0 "no reconciler warnings leak into check"

# io.weight needs blkio.weight or blkio.bfq.weight: a host-dependent knob.
blk=$(cg_mount blkio)$(cg_path blkio)
cg_tenant weighted <<'Y'
io: { weight: 200 }
Y
cg_ctl check
if [ -e "$blk/blkio.weight" ] || [ -e "$blk/blkio.bfq.weight" ]; then
        printf '%s\n' "$CG_OUT" | grep -q 'weighted'
        ok $((! $?)) "io.weight accepted on a host with a proportional I/O scheduler"
else
        printf '%s\n' "$CG_OUT" | grep -q 'tenants.d/weighted.yaml:2:7: io.weight: tenant "weighted": this host can not honour it: no blkio.weight'
        ok $? "io.weight refused on a host without blkio.weight (this one)"
fi

cg_ctl check --offline; rc=$?
is "$rc" 0 "--offline checks the policies alone"

ok "$([ -z "$(cg_left)" ] && [ ! -d "$(cg_dir pids)" ]; echo $?)" "check created no cgroup"

rm "$CG_TMP"/tenants.d/{nodev,notblk,weighted}.yaml
cg_ctl check; rc=$?
is "$rc" 0 "check passes once only honourable knobs are left"
done_testing
