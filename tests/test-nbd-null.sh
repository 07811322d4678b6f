#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbd -> null: reads every data extent of the source and nothing else.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
start_nbdkit src --filter=log sparse-random 32M seed=3 percent=20 \
  runlength=131072 logfile="$tmp/src.log"
$NBDFERRY "$(nbd_uri src)" null: || fail "copy to null: failed"

# Both as merged "start end" ranges: what was read, what holds data.
merge () {
  sort -n | awk 'NR == 1 { s = $1; e = $2; next }
                 $1 <= e { if ($2 > e) e = $2; next }
                 { print s, e; s = $1; e = $2 }
                 END { if (NR) print s, e }'
}
log_requests "$tmp/src.log" Read | awk '{ print $1, $1 + $2 }' | merge \
  > "$tmp/read"
nbdinfo --map "$(nbd_uri src)" | awk '$3 == 0 { print $1, $1 + $2 }' | merge \
  > "$tmp/data"
[ -s "$tmp/data" ] || fail "the source has no data extents"
cmp -s "$tmp/read" "$tmp/data" ||
  fail "reads (left) are not the data extents (right):
$(diff "$tmp/read" "$tmp/data" | head -20)"
