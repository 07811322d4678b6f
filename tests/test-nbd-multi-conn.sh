#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A server advertising multi-conn gets several connections (-C 4), each
# carrying data; the result is still right.  (The engine hands out 64M
# units, so the image needs several of them.)
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
start_nbdkit src sparse-random 256M seed=8 percent=10 runlength=1048576
start_nbdkit dst --filter=log memory 256M logfile="$tmp/dst.log"
$NBDFERRY -C 4 -T 4 "$(nbd_uri src)" "$(nbd_uri dst)" || fail "copy failed"
n=$(log_connections "$tmp/dst.log" Write)
[ "$n" -ge 2 ] || fail "expected several connections writing, got $n"
dump "$(nbd_uri src)" "$tmp/src.img"
dump "$(nbd_uri dst)" "$tmp/dst.img"
cmp "$tmp/src.img" "$tmp/dst.img" || fail "destination differs from source"
