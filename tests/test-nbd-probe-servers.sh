#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The init-state probe against the real servers, which do not send
# NBD_INFO_INIT_STATE: 0, promptly, and the server is still usable after
# (qemu-nbd serves one client and exits after it: the probe must not count).
source "$(dirname "$0")/functions.sh"
requires nbdkit --version
requires qemu-nbd --version
requires nbdinfo --version
P=$abs_builddir/tests/test-probe
truncate -s 1M "$tmp/disk"

expect0 () {
  local got
  got=$(timeout 10 "$P" "$1") || fail "probe of $1 failed"
  [ "$got" = 0 ] || fail "probe of $1: got '$got', expected 0"
}

start_nbdkit k memory 1M
expect0 "nbd+unix:///?socket=$sock"

qemu-nbd -f raw -k "$tmp/q.sock" "$tmp/disk" &
qpid=$!
cleanup_fn "kill $qpid 2>/dev/null"
for i in $(seq 50); do [ -S "$tmp/q.sock" ] && break; sleep 0.1; done
expect0 "nbd+unix:///?socket=$tmp/q.sock"
[ "$(nbdinfo --size "nbd+unix:///?socket=$tmp/q.sock")" = 1048576 ] ||
  fail "qemu-nbd unusable after the probe"

# [ CMD ] socket activation.
got=$("$P" --cmd nbdkit memory 1M)
[ "$got" = 0 ] || fail "probe of [ nbdkit ]: got '$got'"

if nbd-server -V >/dev/null 2>&1; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat > "$tmp/ns.conf" <<CONF
[generic]
  port = $port
  listenaddr = 127.0.0.1
[disk]
  exportname = $tmp/disk
CONF
  nbd-server -C "$tmp/ns.conf" -p "$tmp/ns.pid"
  for i in $(seq 50); do [ -s "$tmp/ns.pid" ] && break; sleep 0.1; done
  cleanup_fn "kill \$(cat $tmp/ns.pid) 2>/dev/null"
  sleep 0.3
  expect0 "nbd://127.0.0.1:$port/disk"
  [ "$(nbdinfo --size "nbd://127.0.0.1:$port/disk")" = 1048576 ] ||
    fail "nbd-server unusable after the probe"
fi
