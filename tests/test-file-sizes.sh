#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Odd sizes (0, 1, 511, 4097 bytes) copy exactly with one and many threads.
source "$(dirname "$0")/functions.sh"
for size in 0 1 511 4097; do
  head -c $size /dev/urandom > "$tmp/in.$size"
  for t in 1 4; do
    $NBDFERRY -T $t "$tmp/in.$size" "$tmp/out.$size.$t"
    [ "$(stat -c %s "$tmp/out.$size.$t")" -eq $size ] ||
      fail "size $size -T $t: wrong output size"
    cmp "$tmp/in.$size" "$tmp/out.$size.$t" ||
      fail "size $size -T $t: output differs"
  done
done
