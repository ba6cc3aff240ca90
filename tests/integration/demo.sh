#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# README command 1, tools/demo.sh, as a user runs it: the daemon comes up in
# the foreground on the shipped policies/, every shipped tenant is live (by
# `tenantctl list` and by the kernel's files), and Ctrl-C (SIGINT to the
# demo's process group) stops it and removes the tree and the temp config.
#
# It uses the binaries of this build (TD_DEMO_NO_BUILD=1): the build step
# is what `make` already did. On this host the demo's root is relative
# ("tenantd-demo"), so the tree lives below this test's own cgroup; on
# cgroup v2 the VM test runs the same script (tests/vm/guest-enforce-v2.sh).
. "$TD_SRCDIR/tests/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root to create cgroups"
[ -x "$TENANTD" ] && [ -x "$TENANTCTL" ] || skip_all "tenantd or tenantctl not built"
command -v setsid >/dev/null || skip_all "setsid (util-linux) not installed"
. "$TD_SRCDIR/tests/helpers/enforce.sh"   # enf_v1_mount
. "$TD_SRCDIR/tests/helpers/demo.sh"

pids_mnt=$(enf_v1_mount pids)
[ -n "$pids_mnt" ] || skip_all "no cgroup v1 pids hierarchy"
root=$pids_mnt$(own_cgroup pids | sed 's|/$||')/tenantd-demo
[ ! -e "$root" ] || skip_all "$root exists already (a demo running?)"
trap demo_stop EXIT
demo_checks "$root" tenantd-demo
done_testing
