#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build the libFuzzer targets with clang (ASan + UBSan) outside the source
# tree and run each for SECONDS seconds (default 60).
#   tools/fuzz.sh [SECONDS] [TARGET...]      targets: yaml-policy json conf
# Each target starts from tests/fuzz/corpus/<target>/ plus the matching test
# data; new inputs that libFuzzer finds go to the build directory's working
# corpus, never into the source tree. A crash stops that target (libFuzzer's
# default) and leaves crash-*/leak-*/timeout-*/oom-* files in
# $build/artifacts/<target>/: minimise one with
#   $build/tests/fuzz/fuzz-<target> -minimize_crash=1 -runs=10000 FILE
# and save it under tests/fuzz/corpus/<target>/ once fixed, so `make check`
# replays it forever. Exit status: 0 when no target crashed.
# Environment: TD_FUZZ_BUILDDIR (default /tmp/td-fuzz-build), TD_SHARED_DATA.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(yaml-policy json conf)
build=${TD_FUZZ_BUILDDIR:-/tmp/td-fuzz-build}
shared=${TD_SHARED_DATA:-$src/../shared/data}

case $secs in *[!0-9]* | "") echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2 ;; esac
command -v clang >/dev/null || { echo "fuzz.sh: clang is required (apt-get install clang)" >&2; exit 1; }

mkdir -p "$build"
cd "$build"
if [ ! -f Makefile ]; then  # later runs: make itself re-runs configure when needed
        [ -x "$src/configure" ] && [ -x "$src/build-aux/tap-driver.sh" ] || "$src/autogen.sh"
        # The library needs the same coverage and sanitizer instrumentation
        # as the targets; fuzzer-no-link adds coverage without libFuzzer's
        # main(). UBSan must abort, or libFuzzer never sees its findings.
        "$src/configure" -q --enable-fuzzing CC=clang \
                CFLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
fi
make -j"$(nproc)" "${targets[@]/#/tests/fuzz/fuzz-}" >"$build/build.log" 2>&1 ||
        { tail -n 40 "$build/build.log"; echo "fuzz.sh: build failed (log: $build/build.log)" >&2; exit 1; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

seed_globs() {
        case $1 in
        yaml-policy) echo "$src/tests/data/*/*/*/*.yaml $src/policies/*/*.yaml" ;;
        json) echo "$src/tests/data/*/*/seccomp/*.json $src/policies/seccomp/*.json $shared/docker-default-seccomp.json" ;;
        conf) echo "$src/tests/data/conf/*.conf $src/policies/tenantd.conf" ;;
        esac
}

failed=0
printf '%-12s %12s %8s %8s  %s\n' target executions exec/s crashes artifacts
for t in "${targets[@]}"; do
        bin="$build/tests/fuzz/fuzz-$t"
        work="$build/corpus/$t"
        art="$build/artifacts/$t"
        log="$build/fuzz-$t.log"
        mkdir -p "$work" "$art"
        cp -n "$src/tests/fuzz/corpus/$t/"* "$work/" 2>/dev/null || true
        for f in $(seed_globs "$t"); do
                [ -f "$f" ] && cp "$f" "$work/seed-$(echo "${f#"$src"/}" | tr / _)"
        done
        set +e
        "$bin" "$work" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
                -max_len=65536 -artifact_prefix="$art/" </dev/null >"$log" 2>&1
        rc=$?
        set -e
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
        crashes=$(find "$art" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
        printf '%-12s %12s %8s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$crashes" "$art"
        if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
                failed=1
                echo "--- fuzz-$t exited $rc; the report (full log: $log):"
                grep -E -A40 '^==[0-9]+==ERROR|runtime error|^SUMMARY|Test unit written' "$log" | head -n 60 || tail -n 40 "$log"
        fi
done
exit $failed
