# SPDX-License-Identifier: LGPL-2.1-or-later
# Replay saved fuzz inputs through one target; sourced by replay-TARGET.sh
# with TARGET and, optionally, EXTRA_INPUTS (globs of live test data that
# are also worth replaying). One TAP line per input; a crash, a sanitizer
# report (sanitizer builds exit non-zero on those) or a hang over 60 s
# fails that line. Works with both builds: replay.c, or a libFuzzer binary,
# which runs each file given as an argument once.
. "${TD_SRCDIR:?}/tests/lib.sh"

bin="$TD_BUILDDIR/tests/fuzz/fuzz-$TARGET"
corpus="$TD_SRCDIR/tests/fuzz/corpus/$TARGET"
[ -x "$bin" ] || skip_all "fuzz-$TARGET is not built"
[ -d "$corpus" ] || skip_all "no saved inputs in $corpus"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
n=0
for f in "$corpus"/* $EXTRA_INPUTS; do
        [ -f "$f" ] || continue
        n=$((n + 1))
        timeout 60 "$bin" "$f" >"$log" 2>&1 </dev/null
        rc=$?
        ok $rc "fuzz-$TARGET ${f#"$TD_SRCDIR"/}"
        [ $rc -eq 0 ] || { diag "exit status $rc; last output:"; tail -n 30 "$log" | sed 's/^/# /'; }
done
[ $n -gt 0 ]
ok $? "replayed $n inputs"
done_testing
