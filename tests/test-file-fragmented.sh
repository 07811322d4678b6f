#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A fragmented image (4 KiB of data every 64 KiB) copies to a new file with
# a bounded number of system calls per extent: the page-cache window is
# driven per byte range, not per write, and each extent boundary costs one
# lseek.  Bytes and holes are kept.
source "$(dirname "$0")/functions.sh"
requires strace -V
requires perl -e 1

extents=1024
in=$tmp/in
frag_image "$in" $extents 65536

strace -f -c -o "$tmp/counts" $NBDFERRY "$in" "$tmp/out"
cmp "$in" "$tmp/out" || fail "output differs"
[ "$(allocated "$tmp/out")" -le $((extents * 4096 * 2)) ] ||
  fail "holes not kept: $(allocated "$tmp/out") bytes allocated"

# calls NAME...: how many calls of these names strace -c counted.
calls () {
  local n=0 c v
  for c in "$@"; do
    v=$(awk -v c="$c" '$NF == c { print $4; exit }' "$tmp/counts")
    n=$((n + ${v:-0}))
  done
  echo "$n"
}
wb=$(calls sync_file_range fadvise64)
[ "$wb" -le $((extents / 16)) ] ||
  fail "$wb page-cache calls for $extents extents (per write, not per range)"
seeks=$(calls lseek)
[ "$seeks" -le $((extents * 2 + 64)) ] ||
  fail "$seeks lseek calls for $extents extents"
[ "$(calls pwrite64 pwrite)" -ge "$extents" ] || fail "fewer writes than extents?"
