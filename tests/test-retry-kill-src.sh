#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A source server killed with SIGKILL mid-copy and restarted on the same
# socket within the retry window: the copy reconnects, sends again what was
# in flight, and ends identical.  Restarted only after the retry budget:
# a clean failure naming the offset and the retries made.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
source "$abs_srcdir/tests/resilience-functions.sh"
requires timeout --version

# 64 MiB at 2 connections x 2 requests of 256 KiB per 100 ms: ~6 s.
src=(--filter=delay pattern 64M rdelay=100ms)
nbdcopy -- [ nbdkit pattern 64M ] "$tmp/want.img"

start_nbdkit src "${src[@]}"
start_nbdkit dst memory 64M
(sleep 2; restart_nbdkit src 1 "${src[@]}") &
bg=$!
timeout 120 $NBDFERRY -v -C 2 -R 2 --retries=6 --retry-delay=0.5 \
  "$(nbd_uri src)" "$(nbd_uri dst)" 2>"$tmp/log" ||
  fail "copy failed: $(cat "$tmp/log")"
dump "$(nbd_uri dst)" "$tmp/got.img"
cmp "$tmp/want.img" "$tmp/got.img" || fail "images differ"
[ "$(summary_count "$tmp/log" reconnect)" -gt 0 ] ||
  fail "the kill did not land mid-copy: $(cat "$tmp/log")"

# Budget: 0.1 + 0.2 s of retries; the server is back only after 5 s.
start_nbdkit src2 "${src[@]}"
(sleep 2; restart_nbdkit src2 5 "${src[@]}") &
bg=$!
expect_error 'failed at offset [0-9].*gave up after 2 retries' \
  timeout 120 $NBDFERRY -C 2 -R 2 --retries=2 --retry-delay=0.1 \
  "$(nbd_uri src2)" "$(nbd_uri dst)"
[ "$fail_rc" -eq 1 ] || fail "exit status $fail_rc, expected 1"
wait $bg
