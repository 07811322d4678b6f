#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A server that accepts the connection but never speaks (SIGSTOP before we
# connect): --connect-timeout ends it with one line naming the URI, and
# the destination is untouched.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires timeout --version

start_nbdkit src pattern 1M
srcpid=$(cat "$tmp/src.pid")
cleanup_fn "kill -CONT $srcpid 2>/dev/null"
kill -STOP $srcpid
echo old > "$tmp/dst.img"
set +e
start=$SECONDS
timeout 60 $NBDFERRY --connect-timeout=2 "$(nbd_uri src)" "$tmp/dst.img" \
  2>"$tmp/err"
r=$?
set -e
cat "$tmp/err" >&2
[ $r -eq 1 ] || fail "exit status $r, expected 1 (124 = hung)"
[ $((SECONDS - start)) -lt 30 ] || fail "took $((SECONDS - start)) s"
[ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "more than one line of error"
grep -q "$tmp/src.sock: no answer within 2 s (--connect-timeout)" \
  "$tmp/err" || fail "error does not say what timed out"
[ "$(cat "$tmp/dst.img")" = old ] || fail "destination touched"
