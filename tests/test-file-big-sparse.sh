#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A 1 GiB + 1 byte sparse file with data at its middle and its last byte.
source "$(dirname "$0")/functions.sh"
in=$tmp/in
truncate -s $((1024 * 1024 * 1024 + 1)) "$in"
printf 'middle' | dd of="$in" bs=1 seek=$((512 * 1024 * 1024 + 3)) \
  conv=notrunc status=none
printf 'z' | dd of="$in" bs=1 seek=$((1024 * 1024 * 1024)) \
  conv=notrunc status=none
for t in 1 8; do
  $NBDFERRY -T $t "$in" "$tmp/out"
  [ "$(stat -c %s "$tmp/out")" -eq $((1024 * 1024 * 1024 + 1)) ] ||
    fail "-T $t: wrong size"
  cmp "$in" "$tmp/out" || fail "-T $t: output differs"
  [ "$(allocated "$tmp/out")" -le $((1024 * 1024)) ] ||
    fail "-T $t: holes not kept: $(allocated "$tmp/out") bytes allocated"
done
