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
  writeback_fails "$src" $NBDFERRY "$tmp/$src" "$tmp/mnt-$src/out"
done
