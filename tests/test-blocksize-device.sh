#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A loop device with 4096-byte sectors opened with --direct (minimum 4096):
# sources of 1, 4097 bytes and 100 bytes short of the device are copied
# exactly, the rest of the device keeps its old bytes, and -v says the tail
# went through read-modify-write.  Several threads and stdin (a stream) too.
source "$(dirname "$0")/functions.sh"
requires dd if=/dev/zero of="$tmp/probe" bs=4096 count=1 oflag=direct

size=$((4 * 1024 * 1024))
truncate -s $size "$tmp/backing"
loop_device "$tmp/backing" --sector-size 4096
requires test "$(blockdev --getss "$dev")" = 4096

tr '\0' '\252' < /dev/zero | head -c $size > "$tmp/fill"

check () {  # check NAME SRC-SIZE [nbdferry options]
  local name=$1 n=$2; shift 2
  dd if="$tmp/fill" of="$dev" bs=1M oflag=direct status=none
  $NBDFERRY -v --direct "$@" "$tmp/in" "$dev" 2> "$tmp/log" ||
    { cat "$tmp/log"; fail "$name: copy failed"; }
  cmp -n $n "$tmp/in" "$dev" || fail "$name: data differs"
  cmp -i $n:$n -n $((size - n)) "$tmp/fill" "$dev" ||
    fail "$name: bytes past the source changed"
  grep -q "destination.*min 4096" "$tmp/log" ||
    fail "$name: -v does not show the destination minimum"
  grep -q "the last $((n % 4096)) bytes are not whole destination blocks" \
    "$tmp/log" || fail "$name: -v does not show the tail"
}

head -c 1 /dev/urandom > "$tmp/in"
check "1 byte" 1
head -c 4097 /dev/urandom > "$tmp/in"
check "4097 bytes" 4097
# Data islands in zeroes, 100 bytes short: zero runs and data share the
# last block.
n=$((size - 100))
truncate -s 0 "$tmp/in"; truncate -s $n "$tmp/in"
for off in 1 70001 1234567 $((n - 5000)); do
  head -c 3000 /dev/urandom |
    dd of="$tmp/in" bs=1 seek=$off conv=notrunc status=none
done
check "100 bytes short" $n
check "100 bytes short, 4 threads, 512-byte zero detection" $n -T 4 -S 512
check "100 bytes short, --synchronous" $n --synchronous

# A stream of unknown size (a pipe: a file redirected to stdin is read as
# a file): the end is written by read-modify-write.
dd if="$tmp/fill" of="$dev" bs=1M oflag=direct status=none
cat "$tmp/in" | $NBDFERRY --direct - "$dev" || fail "stdin: copy failed"
cmp -n $n "$tmp/in" "$dev" || fail "stdin: data differs"
cmp -i $n:$n -n 100 "$tmp/fill" "$dev" || fail "stdin: bytes past changed"
