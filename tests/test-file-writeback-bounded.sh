#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# While a fragmented image is copied, the writeback threads write back
# behind the workers and the pages they wrote are dropped: the
# destination's page cache (dirty pages and all) stays under a bound that
# does not grow with the image.  Per worker at most two windows of ranges
# (2 x 16 x 1 MiB written) plus the open range; two workers here.
source "$(dirname "$0")/functions.sh"
requires fincore --version

extents=40960                   # 4 KiB every 8 KiB: 160 MiB of data
frag_image "$tmp/frag" $extents 8192
bound=$((2 * (2 * 16 + 1) * 1024 * 1024 + 8 * 1024 * 1024))

$NBDFERRY -T 2 "$tmp/frag" "$tmp/out" &
pid=$!
max=0 samples=0
while kill -0 $pid 2>/dev/null; do
  res=$(fincore --bytes --noheadings --output RES "$tmp/out" 2>/dev/null) ||
    continue
  samples=$((samples + 1))
  [ "$res" -le "$max" ] || max=$res
done
wait $pid
echo "$samples samples, at most $max bytes of the destination cached"
cmp "$tmp/frag" "$tmp/out" || fail "output differs"
[ "$(allocated "$tmp/out")" -le $((extents * 4096 * 2)) ] ||
  fail "holes not kept: $(allocated "$tmp/out") bytes allocated"
[ "$max" -le "$bound" ] ||
  fail "$max bytes of the destination cached during the copy (bound $bound)"
