#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The init-state probe reads NBD_INFO_INIT_STATE from a server that sends
# it (our Python test double: infos in a non-standard order, an unknown
# reply type, with or without an ACK to NBD_OPT_ABORT), asks for types
# 0, 3 and 4 of the right export, and gives 0 without failing on servers
# that refuse, lie about lengths, or hang.
source "$(dirname "$0")/functions.sh"
requires python3 --version
P=$abs_builddir/tests/test-probe
server=$abs_srcdir/tests/init-state-server.py

n=0
probe () {                      # probe MODE MASK EXPECTED
  local sock=$tmp/s$n.sock got
  n=$((n+1))
  python3 "$server" "$sock" "$1" "$2" "$tmp/log" &
  cleanup_fn "kill $! 2>/dev/null"
  for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  got=$("$P" "nbd+unix:///exp%20name?socket=$sock")
  [ "$got" = "$3" ] || fail "mode $1 mask $2: got '$got', expected '$3'"
}

probe ack-abort 3 3
probe close-abort 3 3
probe close-abort 1 1
probe ack-abort 2 2
probe ack-abort 0 0
probe ack-abort 65532 0         # unknown bits only
probe ack-abort 65535 3
probe err 3 0
probe huge 3 0

grep -qx 'export=exp name types=0,3,4' "$tmp/log" ||
  fail "probe did not ask for export 'exp name' with types 0,3,4: $(cat "$tmp/log")"

# A server that accepts and says nothing costs the timeout, not a hang.
start=$(date +%s)
probe hang 3 0
[ $(( $(date +%s) - start )) -le 8 ] || fail "probe of a stuck server took too long"
