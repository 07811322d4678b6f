#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --dirty-bitmap into an NBD destination (nbdkit file over the earlier
# copy) that takes only whole 4 KiB blocks of at most 64 KiB: the result is
# the fresh qemu-img convert, every request kept the limits, and nothing
# outside the dirty ranges was written or zeroed.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/dirty-functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires nbdkit --filter=blocksize-policy null --version
requires nbdkit --filter=log null --version

size=$((16 * MiB + 12288))
make_dirty_image $size
cp "$tmp/old.raw" "$tmp/dst"
start_nbdkit dst --filter=log --filter=blocksize-policy file "$tmp/dst" \
  logfile="$tmp/log" blocksize-minimum=4096 blocksize-maximum=65536 \
  blocksize-error-policy=error
$NBDFERRY -v --dirty-bitmap=b0 "${qemu_src[@]}" "$(nbd_uri dst)"
cmp "$tmp/dst" "$tmp/new.raw" || fail "differs from a fresh qemu-img convert"

# Every write and zero lies in a dirty granule (the bitmap's 64 KiB, cut at
# the end of the image) and keeps the limits.
dirty_granule () {
  local g=$(( $1 / 65536 ))
  [ $g -ge 16 -a $g -lt 18 ] || [ $g -ge 32 -a $g -lt 36 ] || [ $g -ge 64 -a $g -lt 80 ] ||
    [ $g -eq 128 ] || [ $g -eq $(( (size - 1) / 65536 )) ]
}
n=0
for op in Write Zero; do
  while read -r off cnt; do
    n=$((n + 1))
    [ $((off % 4096)) -eq 0 ] && [ $((cnt % 4096)) -eq 0 ] ||
      fail "$op at $off ($cnt bytes) is not whole 4 KiB blocks"
    [ "$op" = Zero ] || [ "$cnt" -le 65536 ] ||
      fail "$op at $off: $cnt bytes is over the 64 KiB maximum"
    dirty_granule "$off" && dirty_granule $((off + cnt - 1)) ||
      fail "$op at $off ($cnt bytes) lies outside the dirty ranges"
  done < <(log_requests "$tmp/log" $op)
done
[ $n -gt 0 ] || fail "no writes were logged"
