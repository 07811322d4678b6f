#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A loop device holding old data is zeroed where the source has holes, not
# all over first: zeroing the data areas too would unmap them in the backing
# file only for the copy's writes to allocate them again.
source "$(dirname "$0")/functions.sh"
requires strace -V

truncate -s 64M "$tmp/backing"
loop_device "$tmp/backing"

# Data at [8M, 12M), holes around it.
truncate -s 64M "$tmp/in"
head -c 4M /dev/urandom | dd of="$tmp/in" bs=1M seek=8 conv=notrunc status=none
head -c 64M /dev/urandom | dd of="$dev" bs=1M oflag=direct status=none

# LeakSanitizer cannot run under ptrace (an --enable-asan build).
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
strace -f -qq -e trace=fallocate,ioctl -o "$tmp/trace" \
  $NBDFERRY -v "$tmp/in" "$dev" 2> "$tmp/err" || {
  cat "$tmp/err"; fail "copy failed"; }
cmp "$tmp/in" "$dev" || fail "device differs from the source"
grep -q "known zero" "$tmp/err" &&
  fail "the device was taken as zero: $(grep 'known zero' "$tmp/err")"

# Every zeroing call (fallocate OFFSET, LEN or BLKZEROOUT/BLKDISCARD
# [OFFSET, LEN]) stays outside the data.
grep -Eo '(fallocate\([0-9]+, [A-Z_|]+, [0-9]+, [0-9]+|BLK(ZEROOUT|DISCARD), \[[0-9]+, [0-9]+)' \
  "$tmp/trace" | grep -Eo '[0-9]+, [0-9]+$' > "$tmp/ranges" || true
[ -s "$tmp/ranges" ] || fail "no zeroing call seen: $(cat "$tmp/trace")"
lo=$((8 * 1024 * 1024)) hi=$((12 * 1024 * 1024))
while IFS=', ' read -r off len; do
  [ $((off + len)) -le $lo ] || [ "$off" -ge $hi ] ||
    fail "zeroed [$off, +$len) over the source's data"
done < "$tmp/ranges"
