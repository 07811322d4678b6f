#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The page-cache window starts the writeback of a range early only when
# the range was written in long runs.  A fragmented image's 4 KiB runs are
# written back by write-and-wait calls (as fsync writes, not held to a few
# in flight by the block layer's writeback throttling) made by the
# handle's writeback thread, not by the worker that writes; a dense
# copy's 1 MiB writes are still started as they land.  Bytes and holes
# are kept either way.
source "$(dirname "$0")/functions.sh"
requires strace -V
requires perl -e 1

extents=8192                    # 4 KiB every 8 KiB: 32 ranges of 1 MiB
frag_image "$tmp/frag" $extents 8192
$NBDFERRY random:8M "$tmp/dense"

# starts LOG: sync_file_range calls that only start writeback.
starts () { grep -c 'sync_file_range(.*, SYNC_FILE_RANGE_WRITE)' "$1" || :; }
waits () { grep -c 'SYNC_FILE_RANGE_WRITE|SYNC_FILE_RANGE_WAIT_AFTER' "$1" || :; }

strace -f -e trace=sync_file_range,pwrite64 -o "$tmp/frag.log" \
       $NBDFERRY "$tmp/frag" "$tmp/frag.out"
cmp "$tmp/frag" "$tmp/frag.out" || fail "fragmented: output differs"
[ "$(allocated "$tmp/frag.out")" -le $((extents * 4096 * 2)) ] ||
  fail "holes not kept: $(allocated "$tmp/frag.out") bytes allocated"
[ "$(starts "$tmp/frag.log")" -eq 0 ] ||
  fail "fragmented: $(starts "$tmp/frag.log") ranges started early"
[ "$(waits "$tmp/frag.log")" -ge 1 ] ||
  fail "fragmented: no range was written and waited for"
# Ranges are written back during the copy (before its last write), by
# threads that do not write.  Twice the window's ranges: the worker cannot
# close them all before a write-and-wait has returned.
others=$(awk '/pwrite64\(/ { w[$1] = 1; for (p in t) before[p] = t[p] }
              /WAIT_AFTER/ { t[$1]++ }
              END { n = 0; for (p in before) if (!(p in w)) n += before[p];
                    print n }' "$tmp/frag.log")
[ "$others" -ge 1 ] ||
  fail "fragmented: no write-and-wait during the copy by a thread that does not write"

strace -f -e trace=sync_file_range -o "$tmp/dense.log" \
       $NBDFERRY "$tmp/dense" "$tmp/dense.out"
cmp "$tmp/dense" "$tmp/dense.out" || fail "dense: output differs"
[ "$(starts "$tmp/dense.log")" -ge 4 ] ||
  fail "dense: only $(starts "$tmp/dense.log") ranges started early"
