#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Damaged zstd images: one line naming the image and the offset, exit 1.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/zstd-functions.sh"
sparse_input "$tmp/in"
$NBDFERRY "$tmp/in" "zstd:$tmp/in.zst"
size=$(stat -c %s "$tmp/in.zst")

# A flipped byte inside the first data frame (the frame checksum catches it).
cp "$tmp/in.zst" "$tmp/bad.zst"
printf '\xff' | dd of="$tmp/bad.zst" bs=1 seek=1000 conv=notrunc status=none
cmp -s "$tmp/bad.zst" "$tmp/in.zst" && fail "test setup: nothing flipped"
expect_error "zstd:$tmp/bad.zst: read failed at offset [0-9]*.*zstd frame 1 " \
  $NBDFERRY "zstd:$tmp/bad.zst" "$tmp/out"

# Cut short: the seek table is gone, what is left is a truncated stream.
head -c $((size / 2)) "$tmp/in.zst" > "$tmp/short.zst"
expect_error "read failed at offset .*truncated" \
  $NBDFERRY "zstd:$tmp/short.zst" "$tmp/out"

# A seek table that does not describe the file.
cp "$tmp/in.zst" "$tmp/table.zst"
printf '\x01' | dd of="$tmp/table.zst" bs=1 seek=$((size - 9 - 8 * 3)) \
  conv=notrunc status=none
expect_error "zstd:$tmp/table.zst: bad zstd seek table" \
  $NBDFERRY "zstd:$tmp/table.zst" "$tmp/out"

# A frame holding fewer bytes than the table says (frame 1: 4 MiB + 1).
cp "$tmp/in.zst" "$tmp/dsize.zst"
n=$(( (64 * 1024 * 1024 + 4097 + 4194303) / 4194304 ))
printf '\x01\x00\x40\x00' | dd of="$tmp/dsize.zst" bs=1 \
  seek=$((size - 9 - 8 * (n - 1) + 4)) conv=notrunc status=none
expect_error "read failed at offset 4194304 .*zstd frame 1 .*shorter than the seek table" \
  $NBDFERRY "zstd:$tmp/dsize.zst" "$tmp/out"

# Not zstd at all.
head -c 100000 /dev/urandom > "$tmp/junk"
expect_error "zstd:$tmp/junk: not a zstd image" \
  $NBDFERRY "zstd:$tmp/junk" "$tmp/out"

expect_error "zstd:: no file name" $NBDFERRY "$tmp/in" zstd:
expect_error "$tmp: is a directory" $NBDFERRY "$tmp/in" "zstd:$tmp"
