#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A server that stops answering (SIGSTOP) mid-copy: without --retries the
# request timeout ends the copy with one line naming the offset; with
# --retries the silent connection counts as dropped, is reconnected once the
# server answers again, and the copy ends identical.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
source "$abs_srcdir/tests/resilience-functions.sh"
requires timeout --version

nbdcopy -- [ nbdkit pattern 64M ] "$tmp/want.img"
start_nbdkit src --filter=delay pattern 64M rdelay=100ms
start_nbdkit dst memory 64M
srcpid=$(cat "$tmp/src.pid")
cleanup_fn "kill -CONT $srcpid 2>/dev/null"

(sleep 2; kill -STOP $srcpid) &
bg=$!
expect_error 'failed at offset [0-9].*no reply from the server in 3 s' \
  timeout 120 $NBDFERRY -C 2 -R 2 --request-timeout=3 \
  "$(nbd_uri src)" "$(nbd_uri dst)"
[ "$fail_rc" -eq 1 ] || fail "exit status $fail_rc, expected 1"
wait $bg
kill -CONT $srcpid
# nbdkit 1.32 may abort once it sees the connections we dropped: a new one.
start_nbdkit src2 --filter=delay pattern 64M rdelay=100ms
srcpid=$(cat "$tmp/src2.pid")
cleanup_fn "kill -CONT $srcpid 2>/dev/null"

(sleep 2; kill -STOP $srcpid; sleep 8; kill -CONT $srcpid) &
bg=$!
timeout 120 $NBDFERRY -v -C 2 -R 2 --request-timeout=3 --retries=5 \
  --retry-delay=0.5 "$(nbd_uri src2)" "$(nbd_uri dst)" 2>"$tmp/log" ||
  fail "copy failed: $(cat "$tmp/log")"
dump "$(nbd_uri dst)" "$tmp/got.img"
cmp "$tmp/want.img" "$tmp/got.img" || fail "images differ"
[ "$(summary_count "$tmp/log" reconnect)" -gt 0 ] ||
  fail "no reconnect counted: $(cat "$tmp/log")"
wait $bg
