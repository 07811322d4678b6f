#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# [ nbdkit ... ] as source and destination: nbdferry starts both servers
# with socket activation, opens several connections to the multi-conn
# destination, and stops both at the end.
# Data in several 64M work units, so that several workers (connections)
# write.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
for mb in 3 70 140 200; do
  dd if=/dev/urandom of="$tmp/in" bs=1M count=2 seek=$mb conv=notrunc \
     status=none
done
truncate -s 256M "$tmp/in"
truncate -s 256M "$tmp/out"
$NBDFERRY -C 4 -- \
  [ nbdkit -P "$tmp/s.pid" file "$tmp/in" ] \
  [ nbdkit -P "$tmp/d.pid" --filter=log file "$tmp/out" \
      logfile="$tmp/dst.log" ] || fail "copy failed"
cmp "$tmp/in" "$tmp/out" || fail "destination differs from source"
for p in s d; do
  ! kill -0 "$(cat "$tmp/$p.pid")" 2>/dev/null || fail "server $p still running"
done
n=$(log_connections "$tmp/dst.log" Write)
[ "$n" -ge 2 ] || fail "expected several connections writing, got $n"
