#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A fragmented image through an NBD source (4 KiB of data every 8 KiB):
# the short holes, known to read as zero, are read with the data around
# them, so there are far fewer reads than extents, with zero detection on
# or off (-S 0: the extent map, not the bytes, says where the holes are);
# the copy keeps the bytes and the holes, its --blkhash is the reference
# digest, and no read covers a long hole.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires perl -e 1
requires python3 -c 1
requires nbdkit --filter=log file --version

extents=512
frag_image "$tmp/in" $extents 8192 $((extents * 8192 + (1 << 20)))  # then a 1 MiB hole
want=$(python3 "$abs_srcdir/tests/blkhash.py" sha256 65536 "$tmp/in")

for sparse in 4096 0; do
  rm -f "$tmp/out"
  log=$tmp/src$sparse.log
  start_nbdkit src$sparse --filter=log file "$tmp/in" logfile="$log"
  $NBDFERRY -S $sparse --blkhash=sha256 "$(nbd_uri src$sparse)" "$tmp/out" \
    > "$tmp/hash" || fail "-S $sparse: copy failed"
  cmp "$tmp/in" "$tmp/out" || fail "-S $sparse: output differs"
  [ "$(allocated "$tmp/out")" -le $((extents * 4096 * 2)) ] ||
    fail "-S $sparse: holes not kept: $(allocated "$tmp/out") bytes allocated"
  [ "$(cat "$tmp/hash")" = "$want" ] ||
    fail "-S $sparse: blkhash $(cat "$tmp/hash"), expected $want"
  reads=$(log_requests "$log" Read | wc -l)
  [ "$reads" -le $((extents / 8)) ] ||
    fail "-S $sparse: $reads reads for $extents extents"
  log_requests "$log" Read | while read -r off cnt; do
    [ $((off + cnt)) -le $((extents * 8192)) ] ||
      fail "-S $sparse: a read at $off of $cnt bytes covers the final 1 MiB hole"
  done
done
