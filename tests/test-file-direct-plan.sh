#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --direct makes a file asynchronous (libaio), not an NBD server: the plan
# stays a local one (1 MiB requests, one worker per CPU), the same workers
# and request size as without --direct.
source "$(dirname "$0")/functions.sh"
requires dd if=/dev/zero of="$tmp/probe" bs=4096 count=1 oflag=direct

truncate -s 256M "$tmp/in"
head -c 1M /dev/urandom | dd of="$tmp/in" bs=1M seek=200 conv=notrunc status=none
plan () {
  $NBDFERRY -v "$@" "$tmp/in" "$tmp/out" 2>&1 |
    sed -n 's/.*plan: \([0-9]* workers\?\),.*\(data requests [0-9]*\),.*/\1 \2/p'
}
buffered=$(plan)
direct=$(plan --direct)
echo "buffered: $buffered; direct: $direct"
[ -n "$buffered" ] || fail "no plan line in -v"
[ "$direct" = "$buffered" ] || fail "--direct planned '$direct', not '$buffered'"
cmp "$tmp/in" "$tmp/out" || fail "output differs"
