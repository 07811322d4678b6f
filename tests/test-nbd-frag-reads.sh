#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A fragmented image through an NBD source (4 KiB of data every 8 KiB):
# the short holes are read with the data around them, so there are far
# fewer reads than extents; the copy keeps the bytes and the holes, and
# no read covers a long hole.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires perl -e 1
requires nbdkit --filter=log file --version

extents=512
frag_image "$tmp/in" $extents 8192 $((extents * 8192 + (1 << 20)))  # then a 1 MiB hole

start_nbdkit src --filter=log file "$tmp/in" logfile="$tmp/src.log"
$NBDFERRY "$(nbd_uri src)" "$tmp/out" || fail "copy failed"
cmp "$tmp/in" "$tmp/out" || fail "output differs"
[ "$(allocated "$tmp/out")" -le $((extents * 4096 * 2)) ] ||
  fail "holes not kept: $(allocated "$tmp/out") bytes allocated"
reads=$(log_requests "$tmp/src.log" Read | wc -l)
[ "$reads" -le $((extents / 8)) ] ||
  fail "$reads reads for $extents extents"
log_requests "$tmp/src.log" Read | while read -r off cnt; do
  [ $((off + cnt)) -le $((extents * 8192)) ] ||
    fail "a read at $off of $cnt bytes covers the final 1 MiB hole"
done
