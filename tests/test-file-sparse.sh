#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Holes in a sparse file stay holes, with one and many threads, also with
# zero detection off (-S 0): then only the extents (SEEK_DATA) keep them.
source "$(dirname "$0")/functions.sh"
in=$tmp/in
truncate -s 64M "$in"
for mb in 1 7 20 33 63; do
  head -c 65536 /dev/urandom |
    dd of="$in" bs=1M seek=$mb conv=notrunc status=none
done
for t in "-T 1" "-T 8" "-T 1 -S 0" "-T 8 -S 0"; do
  $NBDFERRY $t "$in" "$tmp/out"
  cmp "$in" "$tmp/out" || fail "$t: output differs"
  a=$(allocated "$tmp/out")
  [ "$a" -le $((2 * 1024 * 1024)) ] ||
    fail "$t: holes not kept: $a bytes allocated of 64 MiB"
  [ "$a" -ge $((5 * 65536)) ] || fail "$t: data missing: $a bytes"
done
