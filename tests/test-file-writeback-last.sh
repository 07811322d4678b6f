#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A copy whose writes fail only when the last of them are written back
# fails: one worker (-T 1) writes 12 MiB, less than its page-cache window
# holds, so nothing is waited for before the copy ends, and the writeback
# errors (the loop device's backing tmpfs of 8 MiB is full) come when the
# window is drained at the end.  They once came only when the file was
# closed, after the copy had succeeded: exit 0 and the data lost.  Dense
# (the window) and fragmented (the writeback thread), and zstd: too.
source "$(dirname "$0")/functions.sh"
requires_root
requires mkfs.ext4 -V

frag_image "$tmp/frag" 3072 8192  # 12 MiB of data, 24 MiB file
$NBDFERRY random:12M "$tmp/dense"

for src in dense frag; do
  writeback_fails "$src" $NBDFERRY -T 1 "$tmp/$src" "$tmp/mnt-$src/out"
done
writeback_fails zstd $NBDFERRY -T 1 "$tmp/dense" "zstd:$tmp/mnt-zstd/out.zst"
