#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A destination server killed with SIGKILL mid-copy and restarted on the
# same socket: the writes it had acknowledged but not flushed are gone
# (nbdkit's cache filter holds them until a flush), and nbdferry must
# write them again.  The image ends byte-identical.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
source "$abs_srcdir/tests/resilience-functions.sh"
requires timeout --version
requires nbdkit --filter=cache null --dump-plugin

src=(--filter=delay pattern 64M rdelay=100ms)
dst=(--filter=cache file "$tmp/dst.img")
nbdcopy -- [ nbdkit pattern 64M ] "$tmp/want.img"
truncate -s 64M "$tmp/dst.img"

start_nbdkit src "${src[@]}"
start_nbdkit dst "${dst[@]}"
(sleep 3; restart_nbdkit dst 1 "${dst[@]}") &
timeout 300 $NBDFERRY -v -C 2 -R 2 --retries=6 --retry-delay=0.5 \
  "$(nbd_uri src)" "$(nbd_uri dst)" 2>"$tmp/log" ||
  fail "copy failed: $(cat "$tmp/log")"
cat "$tmp/log" >&2
# Everything was flushed through the cache into the file.
cmp "$tmp/want.img" "$tmp/dst.img" || fail "images differ"
[ "$(summary_count "$tmp/log" reconnect)" -gt 0 ] ||
  fail "the kill did not land mid-copy"
grep -q '[1-9][0-9.]* [KMG]iB written again after a reconnect' "$tmp/log" ||
  fail "nothing written again after the reconnect"
