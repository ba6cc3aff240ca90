#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The bad-policy corpus: every directory in tests/data/bad/ is one case,
#   NNN-name/tenants.d/*.yaml, NNN-name/plans.d/*.yaml (either may be absent),
#   NNN-name/seccomp/*.json  (profiles the policies refer to, optional),
#   NNN-name/setup.sh        (optional: run in the copy before checking, e.g.
#                             to generate a file too large to commit; exit 77
#                             skips the case),
#   NNN-name/args            (optional: more words after `check`, such as
#                             "--effective acme"),
#   NNN-name/expected        (exactly what `tenantctl check` writes to stderr).
# Each case must make `tenantctl check --offline` exit 1 and print exactly
# `expected`. --offline: these are policy errors, the same on every host;
# checks against the host are tests/integration/check-host.sh.
# One TAP line per case.
#
# The checker refuses policy files that are writable by group or others, or
# not owned by root, when it runs as root; a git checkout may be 0664 and
# owned by a developer. So every case is copied into a private temporary
# directory with safe modes, and checked from inside that copy so the
# printed paths are the short relative ones ("tenants.d/acme.yaml:4:3: ...").
. "${TD_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

corpus="$TD_SRCDIR/tests/data/bad"
[ -x "$TENANTCTL" ] || skip_all "tenantctl not built ($TENANTCTL)"
[ -d "$corpus" ] || skip_all "no corpus at $corpus"

umask 022
work=$(mktemp -d "${TMPDIR:-/tmp}/tenantd-test-corpus-$$.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
# An empty configuration: built-in defaults, whatever /etc holds.
: > "$work/tenantd.conf"

for dir in "$corpus"/*/; do
        dir=${dir%/}
        name=${dir##*/}
        copy="$work/$name"

        if [ ! -f "$dir/expected" ]; then
                ok 1 "$name: no expected file"
                continue
        fi
        mkdir "$copy" && cp -R "$dir/." "$copy/" || { ok 1 "$name: copy failed"; continue; }
        rm -f "$copy/expected" "$copy/setup.sh" "$copy/args"
        args=
        [ -f "$dir/args" ] && args=$(cat "$dir/args")
        mkdir -p "$copy/tenants.d" "$copy/plans.d"
        chmod -R u=rwX,go=rX "$copy"

        if [ -f "$dir/setup.sh" ]; then
                (cd "$copy" && sh "$dir/setup.sh")
                rc=$?
                if [ "$rc" -eq 77 ]; then
                        _tap_n=$((_tap_n + 1))
                        echo "ok $_tap_n - $name # SKIP setup.sh needs root"
                        rm -rf "$copy"
                        continue
                elif [ "$rc" -ne 0 ]; then
                        ok 1 "$name: setup.sh failed ($rc)"
                        continue
                fi
        fi

        (cd "$copy" && "$TENANTCTL" --config "$work/tenantd.conf" \
                --tenants-dir tenants.d --plans-dir plans.d check --offline $args) \
                >"$work/$name.out" 2>"$work/$name.err"
        rc=$?
        # Warnings name the libseccomp release; expected files say X.Y.Z.
        sed -i 's/libseccomp [0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*/libseccomp X.Y.Z/' "$work/$name.err"

        if [ "$rc" -eq 1 ] && cmp -s "$dir/expected" "$work/$name.err"; then
                ok 0 "$name"
        else
                ok 1 "$name"
                diag "exit status $rc (want 1); stderr diff (- expected, + got):"
                diff -u "$dir/expected" "$work/$name.err" | sed -n '3,$s/^/#   /p'
        fi
        rm -rf "$copy"
done

done_testing
