#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbdferry compare on a block device (a loop device over a file): equal
# to the file it shows, the first difference at its offset, mapped and
# with --no-map, against a file and against an NBD export.
source "$(dirname "$0")/functions.sh"
requires nbdkit --version

size=$((16 * 1024 * 1024))
$NBDFERRY "sparse-random:$size,percent=30,seed=3" "$tmp/a"
cp "$tmp/a" "$tmp/disk"
loop_device "$tmp/disk"

for opt in "" --no-map; do
  $NBDFERRY compare $opt "$dev" "$tmp/a" > "$tmp/out" ||
    fail "compare $opt device file: exit $?"
  grep -qx "Images are identical." "$tmp/out" || fail "$(cat "$tmp/out")"
done
nbdkit -U - file "$tmp/a" --run '$NBDFERRY compare "$uri" "'"$dev"'"' \
  > "$tmp/out" || fail "compare NBD device: exit $?"
grep -qx "Images are identical." "$tmp/out" || fail "NBD: $(cat "$tmp/out")"

off=$((size / 2 + 777))
printf 'Z' | dd of="$dev" bs=1 seek=$off conv=notrunc status=none
blockdev --flushbufs "$dev"
for opt in "" --no-map; do
  rc=0; $NBDFERRY compare $opt "$tmp/a" "$dev" > "$tmp/out" || rc=$?
  [ $rc -eq 1 ] && grep -qx "Content mismatch at offset $off!" "$tmp/out" ||
    fail "compare $opt file device: exit $rc: $(cat "$tmp/out")"
done
