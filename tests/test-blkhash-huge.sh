#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --blkhash of a 1 TiB sparse image: time goes to its data and to the outer
# hash over one digest per block, not to its holes: well under a second of
# data work (CPU time bounded generously for a loaded machine) and flat
# memory; the same digest from the file and through NBD with extents.
source "$(dirname "$0")/functions.sh"
requires nbdkit --version

truncate -s 1T "$tmp/huge"
for off in 0 123456789 $((1 << 39)) $(( (1 << 40) - 10 )); do
  printf 'island %d' $off | dd of="$tmp/huge" bs=1 seek=$off conv=notrunc status=none 2>/dev/null || true
done
truncate -s 1T "$tmp/huge"
/usr/bin/time -f "%U %S %M" -o "$tmp/time" \
  $NBDFERRY --blkhash "$tmp/huge" null: > "$tmp/file.hash"
read -r user sys rss < "$tmp/time"
echo "1 TiB sparse: user $user s, system $sys s, peak RSS $rss KiB" >&2
[ "$(echo "$user + $sys < 10" | bc)" = 1 ] ||
  fail "1 TiB sparse took $user + $sys s of CPU"
[ "$rss" -lt 65536 ] || fail "peak RSS $rss KiB for a 1 TiB sparse image"
nbdkit -U - file "$tmp/huge" --run '$NBDFERRY --blkhash "$uri" null:' \
  > "$tmp/nbd.hash"
[ "$(cat "$tmp/file.hash")" = "$(cat "$tmp/nbd.hash")" ] ||
  fail "file and NBD digests differ"
# Changing one byte of data changes the digest.
printf 'X' | dd of="$tmp/huge" bs=1 seek=123456789 conv=notrunc status=none
[ "$($NBDFERRY --blkhash "$tmp/huge" null:)" != "$(cat "$tmp/file.hash")" ] ||
  fail "a changed byte left the digest alone"
