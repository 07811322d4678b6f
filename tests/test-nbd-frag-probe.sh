#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A fragmented NBD source is not mapped in full unit after unit: once a
# unit's map showed 4 KiB of data every 8 KiB (read whole anyway), the next
# units are read in windows after a one-extent question (req_one) each,
# which finds the long holes so that they are still not read.  Bytes,
# holes and --blkhash are kept.  Image: 128 MiB fragmented, a 32 MiB hole,
# 4 KiB of data, a hole to 256 MiB (one worker: -C 1).
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires perl -e 1
requires python3 -c 1
requires nbdkit --filter=log file --version

M=$((1 << 20))
frag_image "$tmp/in" 16384 8192 $((256 * M))
printf 'island' | dd of="$tmp/in" bs=1 seek=$((160 * M)) conv=notrunc status=none
want=$(python3 "$abs_srcdir/tests/blkhash.py" sha256 65536 "$tmp/in")

start_nbdkit src --filter=log file "$tmp/in" logfile="$tmp/src.log"
$NBDFERRY -C 1 --blkhash=sha256 "$(nbd_uri src)" "$tmp/out" > "$tmp/hash" ||
  fail "copy failed"
cmp "$tmp/in" "$tmp/out" || fail "output differs"
[ "$(cat "$tmp/hash")" = "$want" ] ||
  fail "blkhash $(cat "$tmp/hash"), expected $want"
[ "$(allocated "$tmp/out")" -le $((65 * M)) ] ||
  fail "holes not kept: $(allocated "$tmp/out") bytes allocated"

full=$(grep -c ' Extents .*req_one=0' "$tmp/src.log" || true)
one=$(grep -c ' Extents .*req_one=1' "$tmp/src.log" || true)
[ "$full" -eq 1 ] || fail "$full units mapped in full, expected 1"
[ "$one" -ge 16 ] && [ "$one" -le 64 ] || fail "$one one-extent questions"
log_requests "$tmp/src.log" Read | while read -r off cnt; do
  end=$((off + cnt))
  [ $end -le $((128 * M)) ] || [ $off -ge $((160 * M)) -a $end -le $((164 * M)) ] ||
    fail "a read at $off of $cnt bytes is inside a long hole"
done
