#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# No read inside a hole of a sparse source: the bytes read are exactly the
# bytes base:allocation calls data.
source "${abs_srcdir:-$(dirname "$0")/..}/tests/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires nbdinfo --version

start_nbdkit src --filter=log sparse-random 64M seed=5 percent=10 \
  runlength=65536 logfile="$tmp/src.log"
start_nbdkit dst memory 64M
$NBDFERRY "$(nbd_uri src)" "$(nbd_uri dst)" || fail "copy failed"
data=$(data_bytes "$(nbd_uri src)")
read=$(log_requests "$tmp/src.log" Read | awk '{ n += $2 } END { print n + 0 }')
[ "$read" -eq "$data" ] || fail "read $read bytes for $data bytes of data"
