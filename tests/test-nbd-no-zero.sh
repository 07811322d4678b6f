#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A fresh nbdkit memory export reads as zero: it must receive no zero
# request and no write outside the source's data.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires nbdinfo --version

start_nbdkit src sparse-random 64M seed=11 percent=25 runlength=524288
start_nbdkit dst --filter=log memory 64M logfile="$tmp/dst.log"
$NBDFERRY "$(nbd_uri src)" "$(nbd_uri dst)" || fail "copy failed"
n=$(log_requests "$tmp/dst.log" Zero | wc -l)
[ "$n" -eq 0 ] || fail "$n zero requests sent to a fresh memory export"
n=$(log_requests "$tmp/dst.log" Trim | wc -l)
[ "$n" -eq 0 ] || fail "$n trim requests sent to a fresh memory export"
written=$(log_requests "$tmp/dst.log" Write | awk '{ n += $2 } END { print n + 0 }')
data=$(data_bytes "$(nbd_uri src)")
[ "$written" -le "$data" ] ||
  fail "wrote $written bytes for $data bytes of source data"
