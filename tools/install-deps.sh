#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install the Debian packages listed in packaging/debian-deps.txt.
#   tools/install-deps.sh build        what compiling needs
#   tools/install-deps.sh build test   everything the test suite needs
# Already-installed packages are not touched; apt-get runs only when
# something is missing, so repeated runs are fast and work offline.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- build
want=""
for kind in "$@"; do
        want="$want $(awk -v k="$kind" '$1 == k { print $2 }' "$here/packaging/debian-deps.txt")"
done
missing=""
for p in $want; do
        dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $p"
done
[ -n "$missing" ] || exit 0
if [ "$(id -u)" -ne 0 ]; then
        echo "install-deps: missing packages:$missing (run as root to install them)" >&2
        exit 1
fi
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
