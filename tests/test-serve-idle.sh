#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Silent clients cannot lock others out: at the connection limit, a new
# client is served once a connected one has been silent for 5 s with
# nothing in flight (the longest-silent one is closed), and a client silent
# for --idle-timeout is disconnected.  -v says why.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires nbdinfo --version
requires nbdsh --version

truncate -s 1M "$tmp/img"
start_serve s --max-connections=4 --idle-timeout=0 -v "$tmp/img" 2> "$tmp/log"
pids=
for i in 1 2 3 4; do
  nbdsh -u "$uri" -c "import time; open('$tmp/connected$i', 'w'); time.sleep(60)" \
    2>/dev/null & pids="$pids $!"
done
cleanup_fn "kill $pids 2>/dev/null"
# Only once all four hold their connection (python starts slowly on a
# loaded machine).
for i in $(seq 600); do
  [ "$(ls "$tmp"/connected* 2>/dev/null | wc -l)" = 4 ] && break
  sleep 0.1
done
[ "$(ls "$tmp"/connected* 2>/dev/null | wc -l)" = 4 ] || fail "silent clients did not connect"
start=$(date +%s)
ok=
for i in $(seq 40); do
  if [ "$(nbdinfo --size "$uri" 2>/dev/null)" = 1048576 ]; then ok=1; break; fi
  sleep 0.5
done
[ "$ok" ] || fail "a new client was locked out by silent ones"
echo "served after $(( $(date +%s) - start )) s"
grep -q "closing the longest idle client" "$tmp/log" || fail "no eviction logged"
kill $pids 2>/dev/null; wait $pids 2>/dev/null || :
stop_serve

# --idle-timeout: a client silent for 2 s is dropped; a busy one is not.
start_serve t --idle-timeout=2 -v "$tmp/img" 2> "$tmp/log2"
nbdsh -u "$uri" -c '
import time
time.sleep(5)
try:
    h.pread(512, 0)
except nbd.Error:
    exit(0)
exit("a silent client was not disconnected")
' || fail "idle timeout"
nbdsh -u "$uri" -c '
import time
for i in range(8):
    h.pread(512, 0)
    time.sleep(0.5)
' || fail "a client active every 0.5 s was dropped"
grep -q "silent for 2 seconds" "$tmp/log2" || fail "idle close not logged"
stop_serve
expect_error "--idle-timeout: invalid value" $NBDFERRY serve --idle-timeout=-1 "$tmp/img"
