#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Generate configure and Makefile.in from a fresh checkout.
# autoreconf --install copies most of build-aux/, but not automake's TAP
# driver (tap-driver.sh is only installed on request), so copy it here
# from the automake that generates the Makefile.in it must match.
set -eu
cd "$(dirname "$0")"
mkdir -p build-aux m4
autoreconf -fi "$@"
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/tap-driver.sh
chmod +x build-aux/tap-driver.sh
