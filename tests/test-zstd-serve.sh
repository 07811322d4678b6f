#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbdferry serve exports a seekable zstd image read-only: nbdcopy reads the
# image, nbdinfo sees its zero frames as holes.  Without --read-only it is
# served read-only, and the file is left alone.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/zstd-functions.sh"
requires nbdcopy --version
requires nbdinfo --version

sparse_input "$tmp/in"
$NBDFERRY "$tmp/in" "zstd:$tmp/in.zst"
cp "$tmp/in.zst" "$tmp/orig.zst"

nbdcopy -- [ $NBDFERRY serve --read-only "zstd:$tmp/in.zst" ] "$tmp/out"
cmp "$tmp/in" "$tmp/out" || fail "nbdcopy read other bytes"

nbdinfo --map -- [ $NBDFERRY serve --read-only "zstd:$tmp/in.zst" ] \
  > "$tmp/map"
cat "$tmp/map"
# Frames of 4 MiB: [0, 4M) hole, [4M, 12M) data (5M+123 .. 8M+123).
grep -Eq '^ +0 +4194304 +3 +hole,zero$' "$tmp/map" ||
  fail "the first frame is not a hole"
grep -Eq '^ +4194304 +8388608 +0 +data$' "$tmp/map" ||
  fail "the data frames are not data"

# Without --read-only it is served read-only all the same (it can only be
# written in order), and the file is left alone.
nbdinfo -- [ $NBDFERRY serve "zstd:$tmp/in.zst" ] > "$tmp/info"
grep -q 'is_read_only: true' "$tmp/info" || fail "served writable"
cmp "$tmp/in.zst" "$tmp/orig.zst" || fail "the image was changed"
