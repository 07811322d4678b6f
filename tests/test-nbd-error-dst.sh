#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A destination write that fails stops the copy with exit 1 naming the
# offset; so does a failing zero request on a destination with old data.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
start_nbdkit src pattern 8M
# Writes of [2M, 3M) fail with EIO.
start_nbdkit dst eval get_size='echo 8388608' \
  pread='head -c $3 /dev/zero' \
  pwrite='if [ $4 -ge 2097152 ] && [ $4 -lt 3145728 ]; then
            echo "EIO bad sector" >&2; exit 1; fi; cat >/dev/null'
set +e
$NBDFERRY --request-size=1M "$(nbd_uri src)" "$(nbd_uri dst)" 2>"$tmp/err"
r=$?
set -e
cat "$tmp/err" >&2
[ $r -eq 1 ] || fail "exit status $r, expected 1"
grep -q 'offset 2097152' "$tmp/err" ||
  fail "error does not name offset 2097152: $(cat "$tmp/err")"

# Old data on the destination must be zeroed where the source has holes:
# zero requests fail.
start_nbdkit hole sparse-random 8M seed=2 percent=10 runlength=65536
start_nbdkit old --filter=error memory 8M error=EIO error-zero-rate=100% \
  error-trim-rate=100%
nbdcopy -- [ nbdkit pattern 8M ] "$(nbd_uri old)" || fail "prefill failed"
set +e
$NBDFERRY "$(nbd_uri hole)" "$(nbd_uri old)" 2>"$tmp/err2"
r=$?
set -e
cat "$tmp/err2" >&2
[ $r -eq 1 ] || fail "exit status $r with failing zero requests, expected 1"
grep -q 'offset [0-9]' "$tmp/err2" || fail "no offset in: $(cat "$tmp/err2")"
