#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Enforcement and apply/readback on real cgroup v2: boots the test VM once
# (run-vm.sh, about 10-15 s under emulation) with a 64 MiB scratch disk and
# runs tests/vm/guest-enforce-v2.sh there (enforcement, then list/show/check
# on what it left); relays its TAP. Skips, with the reason, where the VM
# can't run (no qemu, no kernel, not root).
. "$TD_SRCDIR/tests/lib.sh"
[ -x "$TENANTCTL" ] || skip_all "tenantctl not built"
for h in td-cpuhog td-memhog td-forkbomb td-dwrite td-affinity; do
        [ -x "$TD_BUILDDIR/tests/helpers/$h" ] || skip_all "helper $h not built (make check builds it)"
done
# The guest's root is this host's /: its python3 checks the JSON there.
command -v python3 >/dev/null || skip_all "python3 is needed to check tenantctl's JSON"
exec "$TD_SRCDIR/tests/vm/run-vm.sh" --disk 64 --timeout "${TD_VM_TIMEOUT:-240}" \
        tests/vm/guest-enforce-v2.sh /dev/vda
