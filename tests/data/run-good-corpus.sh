#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The good-policy corpus: every directory in tests/data/good/ is one valid
# set of policies (tenants.d/, plans.d/, seccomp/ as in the bad corpus) that
# `tenantctl check` must accept with exit status 0. Its stderr must equal
# the case's `expected` file when there is one (warnings), else be empty.
# Cases are copied to a private temporary directory with safe modes, as in
# run-bad-corpus.sh, because the checker refuses unsafe files as root.
. "${TD_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

corpus="$TD_SRCDIR/tests/data/good"
[ -x "$TENANTCTL" ] || skip_all "tenantctl not built ($TENANTCTL)"
[ -d "$corpus" ] || skip_all "no corpus at $corpus"

umask 022
work=$(mktemp -d "${TMPDIR:-/tmp}/tenantd-test-good-$$.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
: > "$work/tenantd.conf"
: > "$work/empty"

for dir in "$corpus"/*/; do
        dir=${dir%/}
        name=${dir##*/}
        copy="$work/$name"
        want="$dir/expected"
        [ -f "$want" ] || want="$work/empty"

        mkdir "$copy" && cp -R "$dir/." "$copy/" || { ok 1 "$name: copy failed"; continue; }
        rm -f "$copy/expected"
        mkdir -p "$copy/tenants.d" "$copy/plans.d"
        chmod -R u=rwX,go=rX "$copy"

        (cd "$copy" && "$TENANTCTL" --config "$work/tenantd.conf" \
                --tenants-dir tenants.d --plans-dir plans.d check --offline) \
                >"$work/$name.out" 2>"$work/$name.err"
        rc=$?
        # Warnings name the libseccomp release; expected files say X.Y.Z.
        sed -i 's/libseccomp [0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*/libseccomp X.Y.Z/' "$work/$name.err"
        if [ "$rc" -eq 0 ] && cmp -s "$want" "$work/$name.err"; then
                ok 0 "$name"
        else
                ok 1 "$name"
                diag "exit status $rc (want 0); stderr diff (- expected, + got):"
                diff -u "$want" "$work/$name.err" | sed -n '3,$s/^/#   /p'
        fi
        rm -rf "$copy"
done

done_testing
