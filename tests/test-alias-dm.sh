#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A device-mapper device over a loop device over file X is X: copies
# X -> /dev/mapper/NAME and back are refused in one line and X is untouched
# (engine/file/alias.c follows /sys/block/dm-N/slaves to the loop device,
# and the loop device to its file).
source "$(dirname "$0")/functions.sh"
requires dmsetup --version
requires_root
# Needs the kernel's device-mapper, which some kernels do not have.
requires dmsetup targets
head -c 4M /dev/urandom > "$tmp/x"
cp "$tmp/x" "$tmp/orig"
loop_device "$tmp/x"
name=nbdferry-test-${tmp##*.}
dmsetup create "$name" --table "0 8192 linear $dev 0" ||
  fail "dmsetup create failed"
cleanup_fn dmsetup remove "$name"
dm=/dev/mapper/$name
[ -b "$dm" ] || fail "$dm is not a block device"
cmp "$dm" "$tmp/x" || fail "$dm does not read as the file"

expect_error "same file" $NBDFERRY "$tmp/x" "$dm"
expect_error "same file" $NBDFERRY "$dm" "$tmp/x"
cmp "$tmp/x" "$tmp/orig" || fail "the file was changed"

# Another file still copies to the dm device (and so into x).
head -c 4M /dev/urandom > "$tmp/y"
$NBDFERRY "$tmp/y" "$dm"
cmp "$tmp/y" "$tmp/x" || fail "copy to the dm device differs"
