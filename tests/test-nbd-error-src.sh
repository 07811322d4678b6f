#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A source read that fails stops the copy: exit 1 and a message naming the
# offset of the failed request.
# Reads of [4M, 5M) fail with EIO; the rest reads as zeroes (no extents,
# so everything is read).
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
start_nbdkit src eval get_size='echo 8388608' \
  pread='if [ $4 -ge 4194304 ] && [ $4 -lt 5242880 ]; then
           echo "EIO bad sector" >&2; exit 1; fi; head -c $3 /dev/zero'
start_nbdkit dst memory 8M
r=0
$NBDFERRY --request-size=1M "$(nbd_uri src)" "$(nbd_uri dst)" 2>"$tmp/err" ||
  r=$?
cat "$tmp/err" >&2
[ $r -eq 1 ] || fail "exit status $r, expected 1"
grep -q 'offset 4194304' "$tmp/err" ||
  fail "error does not name offset 4194304: $(cat "$tmp/err")"

# The same through the error filter on every read.
start_nbdkit src2 --filter=error pattern 4M error=EIO error-pread-rate=100%
set +e
$NBDFERRY "$(nbd_uri src2)" "$(nbd_uri dst)" 2>"$tmp/err2"
r=$?
set -e
[ $r -eq 1 ] || fail "exit status $r, expected 1"
grep -q 'offset [0-9]' "$tmp/err2" || fail "no offset in: $(cat "$tmp/err2")"
