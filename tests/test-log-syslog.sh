#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# serve --log=syslog: the -v log reaches the system log as NOTICE of the
# daemon facility, tagged nbdferry-serve[PID], and not standard error.  The
# server runs in its own mount namespace whose /dev/log is a datagram socket
# this test listens on, so the machine's syslog is never touched.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires_root
requires unshare -m true

# The listener: each datagram it receives is one line of $tmp/syslog.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536) + b"\n")
' "$tmp/log.sock" "$tmp/syslog" &
cleanup_fn "kill $!"
for i in $(seq 100); do [ -S "$tmp/log.sock" ] && break; sleep 0.1; done
[ -S "$tmp/log.sock" ] || fail "the syslog listener did not start"

# nbdferry in a mount namespace with a /dev of its own: the real /dev's
# entries, and log -> our socket (bound over, whether or not /dev/log
# exists on this machine).  unshare and sh exec: the pid is nbdferry's.
cat > "$tmp/in-ns" <<NS
#!/bin/sh
set -e
mkdir -p "$tmp/olddev"
mount --rbind /dev "$tmp/olddev"
mount -t tmpfs tmpfs /dev
for f in "$tmp"/olddev/*; do ln -s "\$f" /dev/; done
rm -f /dev/log
ln -s "$tmp/log.sock" /dev/log
exec "$NBDFERRY" "\$@"
NS
chmod +x "$tmp/in-ns"
NBDFERRY="unshare -m $tmp/in-ns"

head -c 1M /dev/urandom > "$tmp/img"
start_serve s -v --log=syslog "$tmp/img" 2>"$tmp/stderr"
pid=$(cat "$tmp/s.pid")
# A client whose flags are wrong: the server logs "bad client flags 0x40".
python3 -c '
import sys; sys.path.insert(0, sys.argv[2])
from nbdwire import *
s = greet(sys.argv[1], 0x40)
while s.recv(4096):
    pass
' "$sock" "$abs_srcdir/tests"
# The server still serves (the log did not break it).
nbdcopy "$uri" "$tmp/out" && cmp "$tmp/img" "$tmp/out" || fail "copy differs"
for i in $(seq 100); do
  grep -q 'bad client flags' "$tmp/syslog" 2>/dev/null && break
  sleep 0.1
done
stop_serve
cat "$tmp/syslog"
# <29>: LOG_DAEMON (3) * 8 + LOG_NOTICE (5); then the time stamp.
grep -q "^<29>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]\{8\} nbdferry-serve\[$pid\]: bad client flags 0x40\$" \
  "$tmp/syslog" || fail "no 'bad client flags 0x40' notice from pid $pid in syslog"
! grep -q 'bad client flags' "$tmp/stderr" ||
  fail "--log=syslog also wrote to stderr: $(cat "$tmp/stderr")"
