#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A source whose every read takes 50 ms (nbdkit's delay filter, 64
# threads): a worker keeps more reads outstanding than the 16 it starts
# with (nbdkit's log shows them on the connection), never more than its
# 64 slots, and the bytes arrive intact.  Over 4 connections peak RSS stays
# at most nbdcopy's on the same source; a local copy does not go deeper.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires /usr/bin/time --version
requires nbdkit --filter=log --filter=delay null --version

# The most reads outstanding at once on any one connection of a log.
max_reads () {
  awk '$4 == "Read" { if (++n[$3] > m) m = n[$3] }
       $4 == "...Read" { n[$3]-- }
       END { print m + 0 }' "$1"
}

$NBDFERRY random:64M "$tmp/in"
start_nbdkit src -r -t 64 --filter=log --filter=delay file "$tmp/in" \
  delay-read=50ms logfile="$tmp/src.log"
$NBDFERRY -C 1 "$(nbd_uri src)" "$tmp/out" || fail "copy failed"
cmp "$tmp/in" "$tmp/out" || fail "output differs"
m=$(max_reads "$tmp/src.log")
echo "reads outstanding at once: $m"
[ "$m" -gt 16 ] || fail "never more than $m reads in flight: no deeper"
[ "$m" -le 64 ] || fail "$m reads in flight: over the 64 slots"
kill "$(cat "$tmp/src.pid")"
rm -f "$tmp/out"

# Four workers deepening at once stay under nbdcopy's memory.
start_nbdkit slow -r -t 64 --filter=delay pattern 256M delay-read=20ms
/usr/bin/time -f %M -o "$tmp/ours" $NBDFERRY "$(nbd_uri slow)" null: ||
  fail "copy failed"
/usr/bin/time -f %M -o "$tmp/theirs" nbdcopy "$(nbd_uri slow)" null: ||
  fail "nbdcopy failed"
echo "peak RSS: $(cat "$tmp/ours") KiB, nbdcopy $(cat "$tmp/theirs") KiB"
# (AddressSanitizer's shadow memory is no measure of ours.)
nm "$NBDFERRY" 2>/dev/null | grep -q __asan_init ||
  [ "$(cat "$tmp/ours")" -le "$(cat "$tmp/theirs")" ] ||
  fail "peak RSS $(cat "$tmp/ours") KiB over nbdcopy's $(cat "$tmp/theirs")"

# A local copy through libaio (async, as NBD is) keeps its starting depth,
# and its memory: 2 workers x 4 MiB, plus about 8 MiB of libraries.
/usr/bin/time -f %M -o "$tmp/local" \
  $NBDFERRY -v -T 2 --direct "$tmp/in" "$tmp/out" 2>"$tmp/err" ||
  fail "local copy failed"
grep -q "in flight per worker: 4, up to 4 (deepest reached: 4)" "$tmp/err" ||
  fail "a local copy went deeper: $(grep 'in flight' "$tmp/err")"
cmp "$tmp/in" "$tmp/out" || fail "local output differs"
echo "local peak RSS: $(cat "$tmp/local") KiB"
nm "$NBDFERRY" 2>/dev/null | grep -q __asan_init ||
  [ "$(cat "$tmp/local")" -le $((24 * 1024)) ] ||
  fail "a local copy's peak RSS is $(cat "$tmp/local") KiB"
