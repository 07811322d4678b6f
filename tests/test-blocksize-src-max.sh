#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A source with a 64 KiB maximum: the default options (1 MiB requests)
# still succeed, reading within the maximum.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/blocksize-functions.sh"
start_nbdkit src --filter=log --filter=blocksize-policy pattern 8M \
  blocksize-maximum=65536 blocksize-error-policy=error logfile="$tmp/src.log"
$NBDFERRY "$(nbd_uri src)" "$tmp/out" || fail "copy failed"
check_requests "$tmp/src.log" 1 65536
[ "$(log_requests "$tmp/src.log" Read | wc -l)" -ge 128 ] ||
  fail "expected at least 128 reads of 64 KiB"
dump "$(nbd_uri src)" "$tmp/in" 65536
cmp "$tmp/in" "$tmp/out" || fail "data differs"
