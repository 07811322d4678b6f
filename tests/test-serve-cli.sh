#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# serve's command line and lifecycle details: --port outside 1-65535 or not
# a number is refused in one line; the pidfile goes with the socket on
# SIGTERM; -v names the real reason a handshake failed.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
truncate -s 1M "$tmp/img"
for p in 99999 65536 -1 abc 10809x ''; do
  expect_error "--port: invalid value '$p'" $NBDFERRY serve --port="$p" "$tmp/img"
done

start_serve s -v --handshake-timeout=2 "$tmp/img" 2> "$tmp/log"
for kind in badmagic biglen badflags; do
  nbdraw "$sock" hostile $kind || fail "hostile $kind not dropped"
done
stop_serve
cat "$tmp/log"
grep -q "handshake ended: bad option magic" "$tmp/log" || fail "bad magic reason"
grep -q "handshake ended: option data too long" "$tmp/log" || fail "biglen reason"
grep -q "handshake ended: bad client flags" "$tmp/log" || fail "flags reason"
grep -q "Success" "$tmp/log" && fail "a reason logged as Success"
[ -e "$tmp/s.pid" ] && fail "pidfile left behind after SIGTERM"
[ -e "$sock" ] && fail "socket left behind after SIGTERM"
:
