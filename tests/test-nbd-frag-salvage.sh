#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A read across short holes (a coalesced read) that fails is read again
# piece by piece: the data pieces are read, the holes are known zero and
# not read.  So an unreadable data piece is zeroed and listed alone
# (--salvage, exit 2; without, the error names that piece), and a failure
# inside a hole loses nothing: the copy is complete, exit 0.  The source
# is an nbdkit eval plugin over a fragmented image (4 KiB of data every
# 8 KiB) failing reads that touch a bad range.
source "$(dirname "$0")/functions.sh"
requires perl -e 1
requires nbdkit eval --version

extents=64
frag_image "$tmp/img" $extents 8192
export img="$tmp/img"

failing () {                    # failing BAD_START BAD_END CMD
  bad_start=$1 bad_end=$2 nbdkit -U - eval \
    get_size='stat -c %s "$img"' \
    pread='if [ $(( $4 < bad_end && $4 + $3 > bad_start )) = 1 ]; then
             echo "EIO bad sector" >&2; exit 1; fi
           dd if="$img" skip=$4 count=$3 iflag=skip_bytes,count_bytes status=none' \
    extents='o=$(( $4 / 4096 * 4096 ))
             while [ $o -lt $(( $4 + $3 )) ]; do
               echo $o 4096 $(( o / 4096 % 2 ? 3 : 0 )); o=$(( o + 4096 ))
             done' \
    --run "$3"
}

# The 11th data piece is unreadable: only it is zeroed and listed.
piece=$((10 * 8192))
rc=0
failing $piece $((piece + 4096)) \
  '$NBDFERRY --salvage "$uri" "'"$tmp/dst"'" 2>"'"$tmp/err"'"' || rc=$?
cat "$tmp/err" >&2
[ $rc -eq 2 ] || fail "a bad data piece: exit $rc, expected 2"
grep -qx "nbdferry: unreadable: offset $piece, 4096 bytes" "$tmp/err" ||
  fail "the bad piece is not listed alone"
cmp -n $piece "$tmp/img" "$tmp/dst" || fail "bytes before the piece differ"
cmp -i $((piece + 4096)) "$tmp/img" "$tmp/dst" || fail "bytes after the piece differ"
cmp -n 4096 -i $piece:0 "$tmp/dst" /dev/zero || fail "the piece is not zero"
[ "$(allocated "$tmp/dst")" -le $((extents * 4096 + 65536)) ] ||
  fail "holes not kept: $(allocated "$tmp/dst") bytes allocated"

# Without --salvage: the error names the piece, not the whole read.
rc=0
failing $piece $((piece + 4096)) \
  '$NBDFERRY "$uri" "'"$tmp/dst2"'" 2>"'"$tmp/err"'"' || rc=$?
[ $rc -eq 1 ] || fail "without --salvage: exit $rc, expected 1"
grep -q "read failed at offset $piece\b" "$tmp/err" ||
  fail "without --salvage: $(cat "$tmp/err")"

# The hole after it fails to read: nothing is lost, with or without
# --salvage.
for opt in --salvage ""; do
  rm -f "$tmp/dst3"
  failing $((piece + 4096)) $((piece + 8192)) \
    '$NBDFERRY '"$opt"' "$uri" "'"$tmp/dst3"'"' ||
    fail "a failing hole ($opt): the copy failed"
  cmp "$tmp/img" "$tmp/dst3" || fail "a failing hole ($opt): output differs"
  [ "$(allocated "$tmp/dst3")" -le $((extents * 4096 + 65536)) ] ||
    fail "a failing hole ($opt): holes not kept: $(allocated "$tmp/dst3")"
done
