#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The default data in flight where a side is NBD, 24 MiB, is shared by the
# workers however many connections -C opens: with -C 16 the reads
# outstanding on all connections together (nbdkit's log) never pass it,
# each worker starting below its usual 4 MiB, peak RSS stays under
# 64 MiB, and the bytes arrive intact.  (16 workers once kept 4 MiB each:
# 64 MiB in flight, 74 MiB peak RSS.)
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires /usr/bin/time --version
requires nbdkit --filter=log --filter=delay pattern --version

# The most bytes of reads outstanding at once over all connections.
max_read_bytes () {
  awk '$4 == "Read" { c = $7; sub (/count=/, "", c); b[$3 " " $5] = strtonum (c)
                      n += b[$3 " " $5]; if (n > m) m = n }
       $4 == "...Read" { n -= b[$3 " " $5] }
       END { print m + 0 }' "$1"
}

# 1 GiB: 16 units of 64 MiB, one per worker.
start_nbdkit src -r -t 64 --filter=log --filter=delay pattern 1G \
  delay-read=20ms logfile="$tmp/src.log"
/usr/bin/time -f %M -o "$tmp/rss" \
  $NBDFERRY -v -C 16 "$(nbd_uri src)" "$tmp/out" 2>"$tmp/err" ||
  { cat "$tmp/err"; fail "copy failed"; }
nbdcopy -- [ nbdkit pattern 1G ] - | cmp - "$tmp/out" || fail "output differs"
[ "$(log_connections "$tmp/src.log" Read)" -eq 16 ] ||
  fail "reads on $(log_connections "$tmp/src.log" Read) connections, not 16"
grep -q "in flight per worker: 6, up to 6 " "$tmp/err" ||
  fail "not 6 x 256 KiB per worker: $(grep 'in flight' "$tmp/err")"
m=$(max_read_bytes "$tmp/src.log")
echo "read bytes outstanding at once: $m; peak RSS $(cat "$tmp/rss") KiB"
[ "$m" -gt 0 ] || fail "no reads seen in the log"
[ "$m" -le $((24 << 20)) ] || fail "$m bytes of reads in flight, over 24 MiB"
nm "$NBDFERRY" 2>/dev/null | grep -q __asan_init ||
  [ "$(cat "$tmp/rss")" -le $((64 * 1024)) ] ||
  fail "peak RSS $(cat "$tmp/rss") KiB over 64 MiB"
