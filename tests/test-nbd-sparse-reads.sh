#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# No read inside a long hole of a sparse source: the bytes read are the
# bytes base:allocation calls data, plus at most the holes of up to 16 KiB
# between data (read with their neighbours: cheaper than a request).
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires nbdinfo --version

start_nbdkit src --filter=log sparse-random 64M seed=5 percent=10 \
  runlength=65536 logfile="$tmp/src.log"
start_nbdkit dst memory 64M
$NBDFERRY "$(nbd_uri src)" "$(nbd_uri dst)" || fail "copy failed"
data=$(data_bytes "$(nbd_uri src)")
short=$(nbdinfo --map "$(nbd_uri src)" |
  awk 'NR > 1 && $3 != 0 && $2 <= 16384 && !last { n += $2 }
       { last = $3 != 0 } END { print n + 0 }')
read=$(log_requests "$tmp/src.log" Read | awk '{ n += $2 } END { print n + 0 }')
[ "$read" -ge "$data" ] && [ "$read" -le $((data + short)) ] ||
  fail "read $read bytes for $data bytes of data and $short of short holes"
nbdinfo --map "$(nbd_uri src)" |
  awk '$3 != 0 && $2 > 16384 { print $1, $1 + $2 }' > "$tmp/holes"
log_requests "$tmp/src.log" Read | while read -r off cnt; do
  awk -v s="$off" -v e=$((off + cnt)) \
      '$1 < e && s < $2 { print "read " s ".." e " in hole " $1 ".." $2; exit 1 }' \
      "$tmp/holes" || fail "a read inside a long hole"
done
