#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Source min 512 / max 128 KiB with data islands at odd offsets, into a
# destination min 16 KiB / max 64 KiB holding old data; the source ends
# 1536 bytes into a destination block.  Identical result, every request
# within both sides' limits.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/blocksize-functions.sh"
dsize=$((4 * 1024 * 1024))
ssize=$((dsize - 16384 + 1536))
start_nbdkit src --filter=log --filter=blocksize-policy \
  data "@1 (0x11)*3000 @70001 (0x22 0x33)*5000 @1234567 (0x44)*100000
        @$((ssize - 20001)) (0x55)*20000 @$ssize" size=$ssize \
  $(policy 512 131072) logfile="$tmp/src.log"
start_nbdkit dst --filter=log --filter=blocksize-policy \
  data "(0xaa)*$dsize" $(policy 16384 65536) logfile="$tmp/dst.log"

$NBDFERRY -v "$(nbd_uri src)" "$(nbd_uri dst)" || fail "copy failed"
check_requests "$tmp/src.log" 512 131072
check_requests "$tmp/dst.log" 16384 65536

dump "$(nbd_uri src)" "$tmp/in" 65536
dump "$(nbd_uri dst)" "$tmp/out" 65536
cmp -n $ssize "$tmp/in" "$tmp/out" || fail "data differs"
byte_file "$tmp/aa" $((dsize - ssize)) '\252'
cmp -i $ssize:0 "$tmp/out" "$tmp/aa" || fail "bytes past the source changed"
