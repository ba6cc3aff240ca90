#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The whole test suite, from a fresh Debian machine: install what is
# missing, build with gcc -Werror and run every test (unit, corpus, fuzz
# replay, integration on the host's cgroups, the cgroup v2 VM, e2e), run the
# unit tests again under ASan+UBSan (clang), then `make distcheck`.
# Run as root (cgroup, PAM and VM tests need it). .ci/run calls this.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${TD_TEST_BUILD:-$src/build}
jobs=$(nproc)
start=$SECONDS

step() { printf '\n=== %s (%ds)\n' "$*" $((SECONDS - start)); }

# Add up automake's test-suite.log summaries for one closing line.
passed=0 failed=0 skipped=0
count() {
        local log=$1/test-suite.log n
        [ -f "$log" ] || return 0
        n=$(awk '/^# PASS:/ {print $3}' "$log"); passed=$((passed + ${n:-0}))
        n=$(awk '/^# (FAIL|ERROR|XPASS):/ {s += $3} END {print s + 0}' "$log"); failed=$((failed + n))
        n=$(awk '/^# SKIP:/ {print $3}' "$log"); skipped=$((skipped + ${n:-0}))
}
summary() { echo "tests: $passed passed, $failed failed, $skipped skipped"; }

step "dependencies"
"$src/tools/install-deps.sh" build test
# The VM tests boot a Debian kernel; fetch it once, up front, so a slow
# mirror shows up here and not as a test timeout.
"$src/tools/vm-kernel.sh" >/dev/null || echo "vm kernel unavailable; the VM tests will skip"

step "autogen (autoreconf + TAP driver)"
"$src/autogen.sh" >/dev/null 2>&1

step "gcc -Werror build and full make check"
mkdir -p "$out/gcc"
(cd "$out/gcc" && "$src/configure" -q --enable-werror CFLAGS="-O2 -g" && make -s -j"$jobs")
rc=0
(cd "$out/gcc" && make -s -j"$jobs" check) || rc=$?
count "$out/gcc"
if [ $rc -ne 0 ]; then
        for f in $(cd "$out/gcc" && grep -l -E '^(not ok|ERROR|FAIL)' $(find . -name '*.log' -not -name config.log -not -name test-suite.log) 2>/dev/null); do
                echo "--- $f"; tail -n 40 "$out/gcc/$f"
        done
        summary
        exit $rc
fi

step "unit tests under ASan+UBSan (clang)"
mkdir -p "$out/asan"
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
(cd "$out/asan" && "$src/configure" -q CC=clang CFLAGS="-O1 -g $san" LDFLAGS="$san" && make -s -j"$jobs")
rc=0
(cd "$out/asan" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 make -s -j"$jobs" check-unit) || rc=$?
count "$out/asan"
if [ $rc -ne 0 ]; then
        find "$out/asan" -name '*.log' -newer "$out/asan/config.status" -exec grep -l -E '^(not ok|ERROR)|Sanitizer|runtime error' {} + | while read -r f; do
                echo "--- $f"; grep -E -B2 -A12 '^not ok|Sanitizer|runtime error' "$f" | head -n 60; done
        summary
        exit 1
fi

step "make distcheck"
(cd "$out/gcc" && make -s distcheck TESTS="$(make -s print-unit-tests)" >/dev/null)

step "done"
echo "all test stages passed in $((SECONDS - start))s"
summary
