#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The init-state probe against the real servers, which do not send
# NBD_INFO_INIT_STATE: 0, promptly, and the server still usable after.
# qemu-nbd without -e takes one client and advertises no multi-conn: it is
# not probed at all (a second connection would wait for the deadline).
source "$(dirname "$0")/functions.sh"
requires nbdkit --version
requires qemu-nbd --version
requires nbdinfo --version
requires nbd-server -V
P=$abs_builddir/tests/test-probe
truncate -s 1M "$tmp/disk"

expect0 () {
  local got start=$(date +%s)
  got=$(timeout 10 "$P" "$@") || fail "probe of $* failed"
  [ "$got" = 0 ] || fail "probe of $*: got '$got', expected 0"
  [ $(( $(date +%s) - start )) -le 3 ] || fail "probe of $* was not prompt"
}

start_nbdkit k -v memory 1M 2>"$tmp/k.log"
expect0 "nbd+unix:///?socket=$sock"
grep -q 'NBD_OPT_INFO: ignoring NBD_INFO_\* request 4' "$tmp/k.log" ||
  fail "nbdkit was not probed"

qemu () {
  qemu-nbd -f raw -k "$tmp/$1.sock" "${@:2}" "$tmp/disk" &
  cleanup_fn "kill $! 2>/dev/null"
  for i in $(seq 50); do [ -S "$tmp/$1.sock" ] && break; sleep 0.1; done
}
qemu q1 -t
expect0 "nbd+unix:///?socket=$tmp/q1.sock"
qemu q2 -t -e 2
expect0 "nbd+unix:///?socket=$tmp/q2.sock"
for q in q1 q2; do
  [ "$(nbdinfo --size "nbd+unix:///?socket=$tmp/$q.sock")" = 1048576 ] ||
    fail "qemu-nbd ($q) unusable after the probe"
done

# [ CMD ] socket activation.
expect0 --cmd nbdkit memory 1M

# nbd-server, on TCP.
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
