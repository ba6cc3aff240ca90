#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Replay tests/fuzz/corpus/yaml-policy/ (and matching test data) through fuzz-yaml-policy.
TARGET=yaml-policy
EXTRA_INPUTS="$TD_SRCDIR/tests/data/bad/*/*/*.yaml $TD_SRCDIR/tests/data/good/*/*/*.yaml $TD_SRCDIR/policies/*/*.yaml"
. "${TD_SRCDIR:?}/tests/fuzz/replay-common.sh"
