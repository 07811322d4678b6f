#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A source server that dies in the middle of the copy: requests in flight
# fail, the copy stops with exit 1 naming an offset, and nothing hangs.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires timeout --version

start_nbdkit src --filter=delay pattern 256M rdelay=1000ms
start_nbdkit dst memory 256M
(sleep 1.5; kill "$(cat "$tmp/src.pid")") &
set +e
timeout 30 $NBDFERRY "$(nbd_uri src)" "$(nbd_uri dst)" 2>"$tmp/err"
r=$?
set -e
cat "$tmp/err" >&2
[ $r -eq 1 ] || fail "exit status $r, expected 1 (124 = hung)"
grep -q 'offset [0-9]' "$tmp/err" || fail "no offset in: $(cat "$tmp/err")"
