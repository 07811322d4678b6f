#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Several workers on several connections write neighbouring pieces of a
# destination with 64 KiB blocks (each worker a 64 MiB unit), while the
# unaligned end goes through read-modify-write; repeated with new data at
# the same places, no write may be lost.  (The race of many RMW on one
# block is tested in tests/test-filters.c.)
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/blocksize-functions.sh"
size=$((260 * 1024 * 1024))
start_nbdkit dst --filter=log --filter=blocksize-policy \
  memory $size $(policy 65536 65536) logfile="$tmp/dst.log"
for i in 1 2 3 4; do
  n=$((size - i * 997))
  rm -f "$tmp/in"
  truncate -s $n "$tmp/in"
  # Data on both sides of every unit boundary and up to the end.
  for off in 0 $(seq $((64 * 1024 * 1024 - 300000)) $((64 * 1024 * 1024)) \
                    $((n - 1))) $((n - 200000)); do
    head -c 200000 /dev/urandom |
      dd of="$tmp/in" bs=4096 seek=$off oflag=seek_bytes conv=notrunc \
         status=none
  done
  truncate -s $n "$tmp/in"
  $NBDFERRY -T 4 -C 4 --request-size=65536 "$tmp/in" "$(nbd_uri dst)" ||
    fail "round $i: copy failed"
  check_requests "$tmp/dst.log" 65536 65536
  dump "$(nbd_uri dst)" "$tmp/out" 65536
  cmp -n $n "$tmp/in" "$tmp/out" || fail "round $i: data differs"
done
[ "$(log_connections "$tmp/dst.log" Write)" -ge 4 ] ||
  fail "expected writes on several connections"
