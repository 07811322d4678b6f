#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# An existing destination is truncated to the source size: its old data is
# gone (holes in the source read as zero) and its size is the source's.
source "$(dirname "$0")/functions.sh"
head -c 32M /dev/urandom > "$tmp/out"
truncate -s 8M "$tmp/in"
head -c 4096 /dev/urandom | dd of="$tmp/in" bs=1M seek=2 conv=notrunc status=none
$NBDFERRY "$tmp/in" "$tmp/out"
[ "$(stat -c %s "$tmp/out")" -eq $((8 * 1024 * 1024)) ] ||
  fail "destination not truncated: $(stat -c %s "$tmp/out") bytes"
cmp "$tmp/in" "$tmp/out" || fail "old data left in the destination"
[ "$(allocated "$tmp/out")" -le $((1024 * 1024)) ] ||
  fail "holes not kept: $(allocated "$tmp/out") bytes allocated"

# A larger source grows a smaller destination.
head -c 100 /dev/urandom > "$tmp/small"
$NBDFERRY "$tmp/in" "$tmp/small"
cmp "$tmp/in" "$tmp/small" || fail "smaller destination not grown"
