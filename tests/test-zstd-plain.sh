#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# zstd files without a seek table (the zstd tool's own, several frames
# concatenated) and zstd:- from a pipe are read as streams.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/zstd-functions.sh"
sparse_input "$tmp/in"
head -c 1M "$tmp/in" > "$tmp/a"
tail -c +$((1024 * 1024 + 1)) "$tmp/in" > "$tmp/b"
zstd -q -c "$tmp/a" > "$tmp/in.zst"
zstd -q -c "$tmp/b" >> "$tmp/in.zst"

$NBDFERRY "zstd:$tmp/in.zst" "$tmp/out"
cmp "$tmp/in" "$tmp/out" || fail "zstd tool's file: differs"

$NBDFERRY "$tmp/in" "zstd:$tmp/ours.zst"
for f in in.zst ours.zst; do
  rm -f "$tmp/out"
  cat "$tmp/$f" | $NBDFERRY zstd:- "$tmp/out"
  cmp "$tmp/in" "$tmp/out" || fail "zstd:- from a pipe ($f): differs"
done

# And our own output to a pipe.
$NBDFERRY "$tmp/in" zstd:- | zstd -q -d | cmp - "$tmp/in" ||
  fail "zstd:- to a pipe: differs"
