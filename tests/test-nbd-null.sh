#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbd -> null: reads every data extent of the source and nothing else.
source "${abs_srcdir:-$(dirname "$0")/..}/tests/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"

start_nbdkit src --filter=log sparse-random 32M seed=3 percent=20 \
  runlength=131072 logfile="$tmp/src.log"
requires_driver null:
$NBDFERRY "$(nbd_uri src)" null: || fail "copy to null: failed"
log_requests "$tmp/src.log" Read > "$tmp/reads"
[ -s "$tmp/reads" ] || fail "no data was read from the source"
