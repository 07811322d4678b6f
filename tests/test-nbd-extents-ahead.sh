#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A remote source's extents are asked one unit ahead: the question for
# the next 64 MiB unit goes out before the reads of the current one, so
# its round trip overlaps them, and each unit is still asked about once.
# Bytes and holes arrive intact.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires nbdkit --filter=log null --version

unit=$((64 * 1024 * 1024))
# 4 KiB of data at the start of each of 4 units, holes between.
frag_image "$tmp/in" 4 $unit
# One server thread: requests are logged in the order they were sent.
start_nbdkit src -r -t 1 --filter=log file "$tmp/in" logfile="$tmp/src.log"
$NBDFERRY -C 1 "$(nbd_uri src)" "$tmp/out" || fail "copy failed"
cmp "$tmp/in" "$tmp/out" || fail "output differs"
[ "$(allocated "$tmp/out")" -le $((1024 * 1024)) ] ||
  fail "holes were written: $(allocated "$tmp/out") bytes allocated"

# The connection that read (the init-state probe has its own).
conn=$(sed -n 's/.*connection=\([0-9]*\) Read id=.*/\1/p' "$tmp/src.log" |
  head -1)
grep "connection=$conn " "$tmp/src.log" |
  grep -E " (Read|Extents) id=" > "$tmp/conn.log"
cat "$tmp/conn.log"
log_requests "$tmp/conn.log" Extents > "$tmp/extents"
[ "$(awk '{ print $1 }' "$tmp/extents" | sort -n | uniq -d)" = "" ] ||
  fail "a unit's extents were asked twice"
[ "$(wc -l < "$tmp/extents")" -eq 4 ] ||
  fail "$(wc -l < "$tmp/extents") extents questions for 4 units"
for u in 1 2 3; do
  ask=$(grep -n " Extents id=.* offset=$(printf 0x%x $((u * unit))) " \
    "$tmp/conn.log" | cut -d: -f1)
  read=$(grep -n " Read id=.* offset=$(printf 0x%x $(((u - 1) * unit))) " \
    "$tmp/conn.log" | head -1 | cut -d: -f1)
  [ -n "$ask" ] && [ -n "$read" ] || fail "unit $u: no question or no read"
  [ "$ask" -lt "$read" ] ||
    fail "unit $u's extents were asked after unit $((u - 1))'s reads"
done
