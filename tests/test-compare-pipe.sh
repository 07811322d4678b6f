#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbdferry compare reads a pipe (-, /dev/fd/N, zstd:-) in one pass: the
# same answers as for the files, qemu-img compare's size messages once the
# pipe's end is known (with -s, read to the end first), and the same pipe
# given twice is refused.
source "$(dirname "$0")/functions.sh"
requires qemu-img --version
requires zstd --version

size=$((12 * 1024 * 1024 + 3))
$NBDFERRY "sparse-random:$size,percent=30,seed=21" "$tmp/a"
$NBDFERRY --allocated "$tmp/a" "$tmp/a-full"
cp "$tmp/a" "$tmp/b"
off=$((size / 2 + 99))
printf Z | dd of="$tmp/b" bs=1 seek=$off conv=notrunc status=none

expect () {                     # EXIT "LINES" COMMAND
  local want=$1 lines=$2 rc=0; shift 2
  bash -c "$*" > "$tmp/out" 2> "$tmp/err" || rc=$?
  [ $rc -eq "$want" ] && [ "$(cat "$tmp/out")" = "$(printf "$lines")" ] ||
    fail "$*: exit $rc (want $want): $(cat "$tmp/out" "$tmp/err")"
}
F=$NBDFERRY
A=$tmp/a AF=$tmp/a-full B=$tmp/b

expect 0 "Images are identical." "cat $A | $F compare - $AF"
expect 0 "Images are identical." "$F compare $AF <(cat $A)"
expect 0 "Images are identical." "$F compare <(cat $A) <(cat $AF)"
expect 0 "Images are identical." "zstd -q -c $AF | $F compare zstd:- $A"
expect 1 "Content mismatch at offset $off!" "cat $B | $F compare - $AF"
expect 1 "Content mismatch at offset $off!" "$F compare $A <(cat $B)"
expect 1 "Content mismatch at offset $off!" "zstd -q -c $B | $F compare zstd:- $A"

# Sizes: what qemu-img compare says of the same two files.
truncate -s $((size + 1048576)) "$tmp/long"
dd if="$A" of="$tmp/long" conv=notrunc status=none
L=$tmp/long
same_as_qemu () {               # OPTS X Y: X given through a pipe
  local rc=0
  qemu-img compare $1 -f raw -F raw "$2" "$3" > "$tmp/q" || rc=$?
  expect $rc "$(cat "$tmp/q")" "cat $2 | $F compare $1 - $3"
}
same_as_qemu "" "$L" "$A"
same_as_qemu "" "$A" "$L"
same_as_qemu -s "$L" "$A"
same_as_qemu -s "$A" "$L"
same_as_qemu -s "$B" "$L"
# A difference found before the pipe's end stops the read (as cmp):
# without -s the size is then not known and not warned about; the offset
# is the byte (qemu-img says its sector).
printf x | dd of="$L" bs=1 seek=$((size + 1000)) conv=notrunc status=none
expect 1 "Content mismatch at offset $((size + 1000))!" "cat $L | $F compare - $A"
expect 1 "Warning: Image size mismatch!\nContent mismatch at offset $((size + 1000))!" \
  "cat $A | $F compare - $L"

# One pipe cannot be both images.
expect 2 "" "cat $A | $F compare - -"
grep -q "same pipe" "$tmp/err" || fail "- -: $(cat "$tmp/err")"
expect 2 "" "cat $A | $F compare /dev/stdin -"
