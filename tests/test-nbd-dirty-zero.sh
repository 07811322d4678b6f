#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# An NBD destination full of old data (one that can zero fast) is never
# zeroed where the source has data: a dense source sends no zero request at
# all, a sparse one zero requests only over its holes, and both end
# byte-identical to the source.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires nbdinfo --version
requires nbdkit --filter=log memory --version

start_nbdkit dense random 32M seed=3
start_nbdkit sparse sparse-random 64M seed=4 percent=25 runlength=1048576

# copy_dirty SRC: into a 64M memory export prefilled with data; its log
# after the prefill is in $tmp/SRC.log.
copy_dirty () {
  start_nbdkit "dst-$1" --filter=log memory 64M logfile="$tmp/dst-$1.full"
  nbdcopy -- [ nbdkit pattern 64M ] "$(nbd_uri "dst-$1")" ||
    fail "prefill failed"
  lines=$(wc -l < "$tmp/dst-$1.full")
  $NBDFERRY "$(nbd_uri "$1")" "$(nbd_uri "dst-$1")" || fail "$1: copy failed"
  tail -n +$((lines + 1)) "$tmp/dst-$1.full" > "$tmp/$1.log"
  dump "$(nbd_uri "$1")" "$tmp/src.img"
  dump "$(nbd_uri "dst-$1")" "$tmp/dst.img"
  cmp -n "$(stat -c %s "$tmp/src.img")" "$tmp/src.img" "$tmp/dst.img" ||
    fail "$1: the destination differs from the source"
}

copy_dirty dense
[ "$(log_requests "$tmp/dense.log" Zero | wc -l)" -eq 0 ] ||
  fail "dense source: zero requests sent: $(log_requests "$tmp/dense.log" Zero | head -3)"
[ "$(log_requests "$tmp/dense.log" Write | wc -l)" -gt 0 ] ||
  fail "dense source: no writes logged (is the log read right?)"

copy_dirty sparse
nbdinfo --map "$(nbd_uri sparse)" |
  awk '$3 == 0 { print $1, $1 + $2 }' > "$tmp/data"
[ -s "$tmp/data" ] || fail "the sparse source has no data"
[ "$(log_requests "$tmp/sparse.log" Zero | wc -l)" -gt 0 ] ||
  fail "sparse source: its holes were not zeroed"
log_requests "$tmp/sparse.log" Zero | while read -r off cnt; do
  awk -v s="$off" -v e=$((off + cnt)) \
      '$1 < e && s < $2 { print "zero " s ".." e " over data " $1 ".." $2; exit 1 }' \
      "$tmp/data" || fail "sparse source: a zero request over its data"
done
