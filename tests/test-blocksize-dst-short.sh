#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A source 100 bytes short of a destination with minimum 4096 and maximum
# 64 KiB, prefilled: the data lands, the last 100 bytes keep their old
# value, and no request breaks a limit or is refused.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/blocksize-functions.sh"
size=$((1024 * 1024))
start_nbdkit dst --filter=log --filter=blocksize-policy \
  data "(0xaa)*$size" $(policy 4096 65536) logfile="$tmp/dst.log"
head -c $((size - 100)) /dev/urandom > "$tmp/in"
# Zeroes at the start and across the last block: zero runs and data share
# the tail block.
dd if=/dev/zero of="$tmp/in" bs=1 count=3000 seek=$((size - 4000)) \
  conv=notrunc status=none
dd if=/dev/zero of="$tmp/in" bs=4096 count=8 conv=notrunc status=none

$NBDFERRY -v "$tmp/in" "$(nbd_uri dst)" 2> "$tmp/err" ||
  { cat "$tmp/err"; fail "copy failed"; }
cat "$tmp/err"
check_requests "$tmp/dst.log" 4096 65536
grep -q "the last 3996 bytes are not whole destination blocks" "$tmp/err" ||
  fail "-v does not show the read-modify-write tail"

dump "$(nbd_uri dst)" "$tmp/out" 65536
cmp -n $((size - 100)) "$tmp/in" "$tmp/out" || fail "data differs"
byte_file "$tmp/aa" 100 '\252'
cmp -i $((size - 100)):0 "$tmp/out" "$tmp/aa" ||
  fail "the last 100 bytes changed"
