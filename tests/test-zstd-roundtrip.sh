#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A sparse image through zstd:FILE and back: the same bytes, the holes kept,
# a file that plain `zstd -d` reads, and far smaller than the image.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/zstd-functions.sh"
sparse_input "$tmp/in"
for t in 1 4; do
  rm -f "$tmp/img.zst" "$tmp/out"
  $NBDFERRY -T $t "$tmp/in" "zstd:$tmp/img.zst"
  zstd -q -t "$tmp/img.zst" || fail "zstd -t rejects our image"
  zstd -q -d -c "$tmp/img.zst" | cmp - "$tmp/in" ||
    fail "zstd -d gives other bytes"
  [ "$(stat -c %s "$tmp/img.zst")" -lt $((4 * 1024 * 1024)) ] ||
    fail "image not compressed: $(stat -c %s "$tmp/img.zst") bytes"

  $NBDFERRY -T $t "zstd:$tmp/img.zst" "$tmp/out"
  cmp "$tmp/in" "$tmp/out" || fail "-T $t: the copy back differs"
  # Data, and the frames around it: 3 MiB + 2 MiB spread over 4 MiB frames.
  [ "$(allocated "$tmp/out")" -le $((16 * 1024 * 1024)) ] ||
    fail "-T $t: holes not kept: $(allocated "$tmp/out") bytes allocated"
done

# Empty image.
: > "$tmp/empty"
$NBDFERRY "$tmp/empty" "zstd:$tmp/empty.zst"
$NBDFERRY "zstd:$tmp/empty.zst" "$tmp/empty.out"
[ -f "$tmp/empty.out" ] && [ ! -s "$tmp/empty.out" ] || fail "empty image"
