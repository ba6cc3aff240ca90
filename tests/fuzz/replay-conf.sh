#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Replay tests/fuzz/corpus/conf/ (and matching test data) through fuzz-conf.
TARGET=conf
EXTRA_INPUTS="$TD_SRCDIR/tests/data/conf/*.conf $TD_SRCDIR/policies/tenantd.conf"
. "${TD_SRCDIR:?}/tests/fuzz/replay-common.sh"
