#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --flush flushes the destination at the end, on every connection that
# wrote; without it nothing is flushed.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
start_nbdkit src sparse-random 256M seed=12 percent=5 runlength=1048576
start_nbdkit dst --filter=log memory 256M logfile="$tmp/dst.log"
$NBDFERRY "$(nbd_uri src)" "$(nbd_uri dst)" || fail "copy failed"
! grep -q ' Flush id=' "$tmp/dst.log" || fail "flushed without --flush"
start_nbdkit dst2 --filter=log memory 256M logfile="$tmp/dst2.log"
$NBDFERRY -C 4 --flush "$(nbd_uri src)" "$(nbd_uri dst2)" || fail "copy failed"
grep ' Flush id=' "$tmp/dst2.log" | sed -n 's/.*connection=\([0-9]*\).*/\1/p' |
  sort -u > "$tmp/flushed"
grep ' Write id=' "$tmp/dst2.log" | sed -n 's/.*connection=\([0-9]*\).*/\1/p' |
  sort -u > "$tmp/wrote"
[ -s "$tmp/flushed" ] || fail "no flush with --flush"
missing=$(comm -13 "$tmp/flushed" "$tmp/wrote")
[ -z "$missing" ] || fail "connections that wrote but were not flushed: $missing"
