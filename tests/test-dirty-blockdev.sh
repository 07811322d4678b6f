#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --dirty-bitmap into a loop device holding the earlier copy: the device
# reads as the fresh qemu-img convert, is still the device, and a clean
# range that differs from the source is left as it was.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/dirty-functions.sh"
size=$((16 * MiB + 12288))
make_dirty_image $size
cp "$tmp/old.raw" "$tmp/before"
printf MARK | dd of="$tmp/before" bs=1 seek=$((12 * MiB)) conv=notrunc \
  status=none
truncate -s $size "$tmp/backing"
cp "$tmp/new.raw" "$tmp/expected"
printf MARK | dd of="$tmp/expected" bs=1 seek=$((12 * MiB)) conv=notrunc \
  status=none
loop_device "$tmp/backing"

for direct in "" --direct; do
  dd if="$tmp/before" of="$dev" bs=1M oflag=direct status=none
  cmp "$dev" "$tmp/before"
  $NBDFERRY $direct --dirty-bitmap=b0 "${qemu_src[@]}" "$dev"
  [ -b "$dev" ] || fail "the device node was replaced"
  cmp "$dev" "$tmp/expected" || fail "$direct: the device differs"
done
