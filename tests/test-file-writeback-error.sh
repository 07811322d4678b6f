#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A write that fails only when it is written back (here: a file system on
# a loop device whose backing file, on a 8 MiB tmpfs, runs out of room)
# fails the copy: one line naming the destination, non-zero exit.  The
# page-cache window's sync_file_range meets the error first and consumes
# it: a final fdatasync on the same open file would report nothing.
# - 32 MiB: the failure is met during the copy, on the dense path (ranges
#   started, then waited) and the fragmented one (the writeback thread).
# - 12 MiB with one worker (-T 1): less than its window holds, so nothing
#   is waited for before the copy ends; the failure is met when the sink
#   is finished.  It used to be met only when the file was closed, after
#   the copy had succeeded: exit 0 and the data lost.  zstd: too.
source "$(dirname "$0")/functions.sh"
requires_root
requires mkfs.ext4 -V

frag_image "$tmp/frag" 8192 8192     # 32 MiB of data, 64 MiB file
frag_image "$tmp/frag12" 3072 8192   # 12 MiB of data, 24 MiB file
$NBDFERRY random:32M "$tmp/dense"
$NBDFERRY random:12M "$tmp/dense12"

for src in dense frag; do
  writeback_fails "$src" $NBDFERRY "$tmp/$src" "$tmp/mnt-$src/out"
done
for src in dense12 frag12; do
  writeback_fails "$src" $NBDFERRY -T 1 "$tmp/$src" "$tmp/mnt-$src/out"
done
writeback_fails zstd $NBDFERRY -T 1 "$tmp/dense12" "zstd:$tmp/mnt-zstd/out.zst"
