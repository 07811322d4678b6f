#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A write that fails only when it is written back (here: a file system on
# a loop device whose backing file, on a 8 MiB tmpfs, runs out of room)
# fails the copy: one line naming the destination, non-zero exit.  The
# page-cache window's sync_file_range meets the error first and consumes
# it: a final fdatasync on the same open file would report nothing.  Both
# the dense path (started, then waited) and the fragmented one (the
# writeback thread) are checked.
source "$(dirname "$0")/functions.sh"
requires_root
requires mkfs.ext4 -V

frag_image "$tmp/frag" 8192 8192  # 32 MiB of data, 64 MiB file
$NBDFERRY random:32M "$tmp/dense"

for src in dense frag; do
  mkdir "$tmp/back-$src" "$tmp/mnt-$src"
  requires mount -t tmpfs -o size=8M tmpfs "$tmp/back-$src"
  cleanup_fn umount "$tmp/back-$src"
  truncate -s 128M "$tmp/back-$src/fs"
  loop_device "$tmp/back-$src/fs"
  mkfs.ext4 -q -O ^has_journal -E nodiscard "$dev"
  mount "$dev" "$tmp/mnt-$src" ||
    skip "mounting a loop device is not permitted here"
  cleanup_fn umount "$tmp/mnt-$src"
  out=$tmp/mnt-$src/out
  expect_error "^nbdferry: $out: .*writing back offset [0-9]* ([0-9]* bytes) failed: " \
    $NBDFERRY "$tmp/$src" "$out"
done
