#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# libnbd's debug messages follow -v, as in nbdcopy (nbd_set_debug (h,
# verbose)): on for every connection with -v, off without it whatever
# LIBNBD_DEBUG says (only libnbd's own lines before we can turn it off).
# Several 64M units, so that -C 2 gives two workers, four connections.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
start_nbdkit src sparse-random 256M seed=3
start_nbdkit dst memory 256M
uri_src=$(nbd_uri src) uri_dst=$(nbd_uri dst)

LIBNBD_DEBUG=1 $NBDFERRY -C 2 "$uri_src" "$uri_dst" 2>"$tmp/quiet"
# nbd_create's own line and our nbd_set_debug call, per handle: nothing else.
if grep -v -e 'nbd_create: opening handle' -e 'nbd_set_debug: enter' \
     "$tmp/quiet" | grep -q 'libnbd: debug'; then
  fail "libnbd debug output without -v: $(grep -c . "$tmp/quiet") lines"
fi

$NBDFERRY -v -C 2 "$uri_src" "$uri_dst" 2>"$tmp/loud"
# Every handle: both sides', the second worker's too.
n=$(sed -n 's/^libnbd: debug: \(nbd[0-9]*\): .*/\1/p' "$tmp/loud" | sort -u | wc -l)
[ "$n" -eq 4 ] || fail "-v: debug output from $n handles, expected 4"
