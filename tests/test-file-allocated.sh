#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --allocated writes the holes: the destination is fully allocated.
source "$(dirname "$0")/functions.sh"
truncate -s 16M "$tmp/in"
head -c 4096 /dev/urandom | dd of="$tmp/in" bs=1M seek=3 conv=notrunc status=none
$NBDFERRY --allocated "$tmp/in" "$tmp/out"
cmp "$tmp/in" "$tmp/out" || fail "output differs"
[ "$(allocated "$tmp/out")" -ge $((16 * 1024 * 1024)) ] ||
  fail "--allocated: only $(allocated "$tmp/out") bytes allocated"

# And into an existing allocated file, the zeroes are written, not punched.
$NBDFERRY --allocated "$tmp/in" "$tmp/out"
[ "$(allocated "$tmp/out")" -ge $((16 * 1024 * 1024)) ] ||
  fail "--allocated again: only $(allocated "$tmp/out") bytes allocated"
