#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Requests respect the limits each server advertises (blocksize-policy):
# nothing over the maximum, everything aligned to the minimum, and the copy
# is right.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
pol="blocksize-minimum=4096 blocksize-preferred=65536 blocksize-maximum=262144 blocksize-error-policy=error"
start_nbdkit src --filter=log --filter=blocksize-policy pattern 8M $pol \
  logfile="$tmp/src.log"
start_nbdkit dst --filter=log --filter=blocksize-policy memory 8M $pol \
  logfile="$tmp/dst.log"
$NBDFERRY --request-size=4M "$(nbd_uri src)" "$(nbd_uri dst)" ||
  fail "copy failed"
for f in src dst; do
  for op in Read Write; do
    log_requests "$tmp/$f.log" $op
  done
done | while read -r off cnt; do
  [ "$cnt" -le 262144 ] || fail "request of $cnt bytes over the maximum"
  [ $((off % 4096)) -eq 0 ] && [ $((cnt % 4096)) -eq 0 ] ||
    fail "unaligned request at $off ($cnt bytes)"
done
[ "$(log_requests "$tmp/dst.log" Write | wc -l)" -gt 0 ] || fail "nothing written"
dump "$(nbd_uri src)" "$tmp/src.img"
dump "$(nbd_uri dst)" "$tmp/dst.img"
cmp "$tmp/src.img" "$tmp/dst.img" || fail "destination differs from source"
