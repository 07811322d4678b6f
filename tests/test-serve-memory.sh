#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Clients that queue large reads and never read the replies hold a bounded
# amount of the server's memory (32 MiB of reply data per connection, 256
# MiB for the server): with four of them queueing 64 reads of 32 MiB each
# (8 GiB asked), the server's peak RSS stays under 200 MiB, an honest
# client is served meanwhile, and the RSS returns to within 32 MiB of its
# start after they close.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires python3 --version
requires nbdinfo --version

rss () { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" /proc/$serve_pid/status; }
start_serve m --blocksize-maximum=32M pattern:1G
start=$(rss VmRSS)
python3 "$abs_srcdir/tests/nbd-flood.py" "$sock" 4 64 $((32 << 20)) 8 \
  > "$tmp/flood" & flood=$!
for i in $(seq 100); do grep -q flooding "$tmp/flood" && break; sleep 0.1; done
sleep 2
[ "$(nbdinfo --size "$uri")" = 1073741824 ] || fail "honest client not served"
during=$(rss VmRSS)
wait $flood || fail "the flooding client failed"
sleep 3
peak=$(rss VmHWM)
after=$(rss VmRSS)
echo "RSS: start $start kB, during $during kB, peak $peak kB, after $after kB"
[ "$peak" -lt $((200 << 10)) ] || fail "peak RSS $peak kB under the flood"
[ "$after" -lt $((start + (32 << 10))) ] || fail "RSS $after kB not given back"
stop_serve
