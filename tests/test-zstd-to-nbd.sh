#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A seekable zstd image restored into a fresh nbdkit memory export: its zero
# frames are holes, so only the frames holding data are written, and the
# export ends up with the image's bytes.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/zstd-functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
sparse_input "$tmp/in"
$NBDFERRY "$tmp/in" "zstd:$tmp/in.zst"
size=$(stat -c %s "$tmp/in")
start_nbdkit dst --filter=log memory "$size" logfile="$tmp/dst.log"
# -S 0: no zero detection in the data, so only the extents keep holes out.
$NBDFERRY -S 0 "zstd:$tmp/in.zst" "$(nbd_uri dst)" || fail "copy failed"
nbdcopy "$(nbd_uri dst)" "$tmp/out"
cmp "$tmp/in" "$tmp/out" || fail "the export differs from the image"

# Data lies in frames [4M, 12M), [28M, 32M) and the last (4097 bytes):
# nothing else may be written, and no zero request is needed.
written=$(log_requests "$tmp/dst.log" Write | awk '{ n += $2 } END { print n + 0 }')
[ "$written" -le $((12 * 1024 * 1024 + 4097)) ] ||
  fail "wrote $written bytes: zero frames were written"
n=$(log_requests "$tmp/dst.log" Zero | wc -l)
[ "$n" -eq 0 ] || fail "$n zero requests sent to a fresh memory export"
