#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Fetch and unpack Debian's generic amd64 kernel for the cgroup v2 VM tests.
#
#   tools/vm-kernel.sh [--print]
#
# The kernel is extracted (dpkg-deb -x), never installed, into a cache dir
# reused across runs: $TD_VM_CACHE, else $XDG_CACHE_HOME/tenantd-test, else
# /var/cache/tenantd-test (root) or ~/.cache/tenantd-test. Idempotent: once a
# kernel sits there nothing is downloaded again. On success prints the kernel
# directory (which holds boot/vmlinuz-* and lib/modules/*) on stdout.
#
# Why the generic package and not -cloud: the guest mounts the host's root
# over 9p, and only the generic flavour builds 9p at all.
set -eu

cache_dir() {
        if [ -n "${TD_VM_CACHE:-}" ]; then echo "$TD_VM_CACHE"
        elif [ -n "${XDG_CACHE_HOME:-}" ]; then echo "$XDG_CACHE_HOME/tenantd-test"
        elif [ "$(id -u)" -eq 0 ]; then echo /var/cache/tenantd-test
        else echo "${HOME:-/tmp}/.cache/tenantd-test"
        fi
}

die() { echo "vm-kernel: $*" >&2; exit 1; }

cache=$(cache_dir)
mkdir -p "$cache"
# Parallel test runs on a fresh machine: one fetches, the others wait and
# then find its result.
if command -v flock >/dev/null; then
        exec 9>"$cache/.lock"
        flock 9
fi

# Already there? Any complete extraction will do; "complete" is marked by a
# stamp written last, so an interrupted run is redone rather than trusted.
for stamp in "$cache"/kernel-*/.complete; do
        [ -e "$stamp" ] || continue
        dirname "$stamp"
        exit 0
done

command -v apt-get >/dev/null || die "apt-get not found (Debian/Ubuntu host needed)"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found"

# The meta package linux-image-amd64 depends on the versioned image package.
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
      awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
if [ -z "$pkg" ]; then
        # An empty package list (fresh machine) is the usual cause.
        apt-get update -qq >/dev/null 2>&1 || true
        pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
              awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
fi
[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 (apt-get update?)"

tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
(cd "$tmp" && apt-get download -qq "$pkg" >/dev/null 2>&1) ||
        die "apt-get download $pkg failed"
deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || die "apt-get download $pkg produced no .deb"

dest="$cache/kernel-$pkg"
rm -rf "$dest"
mkdir -p "$tmp/x"
dpkg-deb -x "$deb" "$tmp/x" || die "dpkg-deb -x $deb failed"
ls "$tmp"/x/boot/vmlinuz-* >/dev/null 2>&1 || die "$pkg holds no boot/vmlinuz-*"
# Keep only what the VM uses: vmlinuz, config, and the modules tree (drop
# firmware-ish/doc bits to save space).
rm -rf "$tmp/x/usr"
mv "$tmp/x" "$dest"
touch "$dest/.complete"
echo "$dest"
