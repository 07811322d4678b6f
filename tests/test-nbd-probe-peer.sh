#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The init-state probe reaches the server libnbd is connected to, at the
# address of libnbd's socket and with libnbd's export name: over a Unix
# socket and TCP, for two exports with different answers; a server bound
# at a relative path is not mistaken for another one at that path in our
# directory; over TLS there is no probe (the same server answers a
# clear-text client).
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires python3 --version
requires psktool --version
requires sh -c '$NBDFERRY serve --version | grep -q "TLS: yes"'
P=$abs_builddir/tests/test-probe

expect () {                     # expect MASK URI
  local got
  got=$(timeout 20 "$P" "$2") || fail "probe of $2 failed"
  [ "$got" = "$1" ] || fail "probe of $2: got '$got', expected '$1'"
}

# zero: a new sparse file (INIT_SPARSE | INIT_ZERO); data: all data (0).
truncate -s 1M "$tmp/zero.img"
head -c 1M /dev/urandom > "$tmp/data.img"
exports="zero=$tmp/zero.img data=$tmp/data.img"

start_serve u $exports
expect 3 "nbd+unix:///zero?socket=$sock"
expect 0 "nbd+unix:///data?socket=$sock"
stop_serve

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$NBDFERRY serve --port=$port --pidfile="$tmp/tcp.pid" $exports &
cleanup_fn "kill $! 2>/dev/null"
for i in $(seq 100); do [ -s "$tmp/tcp.pid" ] && break; sleep 0.1; done
expect 3 "nbd://127.0.0.1:$port/zero"
expect 0 "nbd://127.0.0.1:$port/data"

# Two servers bound at "s.sock", each in its own directory: libnbd reaches
# the one in a/ by its full path, and getpeername() says "s.sock".
mkdir "$tmp/a" "$tmp/b"
double () {
  (cd "$tmp/$1" && exec python3 "$abs_srcdir/tests/init-state-server.py" \
     s.sock ack-abort "$2") &
  cleanup_fn "kill $! 2>/dev/null"
  for i in $(seq 50); do [ -S "$tmp/$1/s.sock" ] && break; sleep 0.1; done
}
double a 1
double b 3
(cd "$tmp/a" && expect 1 "nbd+unix:///?socket=$tmp/a/s.sock")
(cd "$tmp/b" && expect 0 "nbd+unix:///?socket=$tmp/a/s.sock")

# TLS offered (--tls=on): in clear text the probe answers, through TLS it
# is not made.
psktool -u alice -p "$tmp/keys.psk" >/dev/null
chmod 600 "$tmp/keys.psk"
start_serve t --tls=on --tls-psk="$tmp/keys.psk" $exports
expect 3 "nbd+unix:///zero?socket=$sock"
expect 0 "nbds+unix://alice@/zero?socket=$sock&tls-psk-file=$tmp/keys.psk"
stop_serve
