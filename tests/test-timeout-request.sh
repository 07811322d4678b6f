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
requires nbdkit --filter=log --filter=delay null --version

# The server is stopped once it has answered some reads (not after a fixed
# time: on a loaded machine that could be before the copy even connects).
# -t 1: with several threads per connection, nbdkit 1.32 can abort
# (connections.c:402, `sock >= 0') when a thread replies on a connection
# another thread has just closed, which is what a client that drops a
# silent connection makes likely; the reconnect was then refused.
src_server () {
  start_nbdkit "$1" -t 1 --filter=log --filter=delay pattern 64M \
    rdelay=100ms logfile="$tmp/$1.log"
  cleanup_fn "kill -CONT $(cat "$tmp/$1.pid") 2>/dev/null"
}

nbdcopy -- [ nbdkit pattern 64M ] "$tmp/want.img"
src_server src
start_nbdkit dst memory 64M

stop_after_reads src "$tmp/src.log" 8
expect_error 'failed at offset [0-9].*no reply from the server in 3 s' \
  timeout 120 $NBDFERRY -C 2 -R 2 --request-timeout=3 \
  "$(nbd_uri src)" "$(nbd_uri dst)"
[ "$fail_rc" -eq 1 ] || fail "exit status $fail_rc, expected 1"
wait $bg

src_server src2
stop_after_reads src2 "$tmp/src2.log" 8 8
timeout 120 $NBDFERRY -v -C 2 -R 2 --request-timeout=3 --retries=5 \
  --retry-delay=0.5 "$(nbd_uri src2)" "$(nbd_uri dst)" 2>"$tmp/log" ||
  fail "copy failed: $(cat "$tmp/log")"
dump "$(nbd_uri dst)" "$tmp/got.img"
cmp "$tmp/want.img" "$tmp/got.img" || fail "images differ"
[ "$(summary_count "$tmp/log" reconnect)" -gt 0 ] ||
  fail "no reconnect counted: $(cat "$tmp/log")"
wait $bg
