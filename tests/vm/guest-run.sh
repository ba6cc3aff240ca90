#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Stage 2 of the test VM: PID 1 inside the host's root (read-only over 9p).
# Runs $TD_VM_SCRIPT with $TD_VM_ARGS, prints its output (TAP) on the
# serial console, then the exit marker run-vm.sh waits for, and powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TD_IN_VM=1
cd "$TD_BUILDDIR" || cd /

echo "TENANTD-VM-UP uptime=$(cut -d' ' -f1 /proc/uptime) kernel=$(uname -r)"
# shellcheck disable=SC2086  # TD_VM_ARGS is a word list by design
bash "$TD_VM_SCRIPT" $TD_VM_ARGS </dev/null 2>&1
rc=$?
echo "TENANTD-VM-EXIT rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)"
sync
# Power off at once; should sysrq be unavailable, PID 1 exiting panics the
# kernel, and with panic=-1 and -no-reboot that ends qemu too.
echo o >/proc/sysrq-trigger
sleep 10
exit "$rc"
