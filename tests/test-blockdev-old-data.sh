#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A loop device holding old data: after the copy it reads as the source
# (holes zeroed on the device), and the part beyond the source is untouched.
source "$(dirname "$0")/functions.sh"
truncate -s 64M "$tmp/backing"
loop_device "$tmp/backing"

truncate -s 32M "$tmp/in"
head -c 3M /dev/urandom | dd of="$tmp/in" bs=1M seek=5 conv=notrunc status=none
printf 'last' | dd of="$tmp/in" bs=1 seek=$((32 * 1024 * 1024 - 4)) \
  conv=notrunc status=none

for t in 1 4; do
  head -c 64M /dev/urandom | dd of="$dev" bs=1M oflag=direct status=none
  dd if="$dev" bs=1M skip=32 iflag=direct status=none > "$tmp/tail.before"
  $NBDFERRY -T $t "$tmp/in" "$dev"
  [ -b "$dev" ] || fail "the device node was replaced"
  cmp -n $((32 * 1024 * 1024)) "$tmp/in" "$dev" ||
    fail "-T $t: device differs from the source"
  dd if="$dev" bs=1M skip=32 iflag=direct status=none > "$tmp/tail.after"
  cmp "$tmp/tail.before" "$tmp/tail.after" ||
    fail "-T $t: data beyond the source size was changed"
  # The source's 28 MiB of holes were zeroed by punching (through the loop
  # device into its backing file), not by writing zeroes.
  [ "$(allocated "$tmp/backing")" -le $((40 * 1024 * 1024)) ] ||
    fail "-T $t: holes written as zeroes: $(allocated "$tmp/backing") bytes"
done

# --direct on the device.
head -c 64M /dev/urandom | dd of="$dev" bs=1M oflag=direct status=none
$NBDFERRY --direct "$tmp/in" "$dev"
cmp -n $((32 * 1024 * 1024)) "$tmp/in" "$dev" || fail "--direct: differs"
