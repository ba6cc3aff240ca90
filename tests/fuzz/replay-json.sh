#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Replay tests/fuzz/corpus/json/ (and matching test data) through fuzz-json.
TARGET=json
EXTRA_INPUTS="$TD_SRCDIR/tests/data/*/*/seccomp/*.json $TD_SRCDIR/tests/data/seccomp/*.json $TD_SRCDIR/policies/seccomp/*.json"
. "${TD_SRCDIR:?}/tests/fuzz/replay-common.sh"
