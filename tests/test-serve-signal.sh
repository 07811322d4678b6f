#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# SIGTERM while a client is writing: in-flight requests finish, the file
# is flushed, the server exits 0.  The client queues 1024 writes of 4 KiB,
# the server is signalled once the first is answered; every write answered
# is in the file, none is answered with an error, more than the first was
# answered, and the server calls fdatasync after the signal.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires strace -V

truncate -s 16M "$tmp/dst"
sock=$tmp/s.sock
uri="nbd+unix:///?socket=$sock"
strace -f -qq -e trace=fdatasync,fsync -o "$tmp/strace" \
  $NBDFERRY serve --unix="$sock" --pidfile="$tmp/s.pid" "$tmp/dst" &
tracer=$!
cleanup_fn "kill $tracer 2>/dev/null"
for i in $(seq 100); do
  [ -s "$tmp/s.pid" ] && [ -S "$sock" ] && break
  sleep 0.1
done
[ -S "$sock" ] || fail "nbdferry serve did not start"

export pid=$(cat "$tmp/s.pid")
nbdsh -u "$uri" -c '
import os, signal
bs = 4096
cookies = []
for i in range(1024):
    buf = nbd.Buffer.from_bytearray(bytearray([i % 255 + 1]) * bs)
    cookies.append((i, buf, h.aio_pwrite(buf, i * bs)))
while not h.aio_command_completed(cookies[0][2]):
    h.poll(-1)
os.kill(int(os.environ["pid"]), signal.SIGTERM)
while True:
    try:
        if h.aio_in_flight() == 0:
            break
        h.poll(-1)
    except nbd.Error:
        break
answered, failed = [0], []
for i, buf, c in cookies[1:]:
    try:
        if h.aio_command_completed(c):
            answered.append(i)
    except nbd.Error as e:
        if e.errno not in ("ENOTCONN", "ESHUTDOWN", "ECONNRESET"):
            failed.append((i, e.string))
assert not failed, "writes answered with an error: %r" % failed[:5]
print(" ".join(map(str, answered)))
' > "$tmp/answered" || fail "the client saw a write fail"

status=0
wait $tracer || status=$?
[ $status -eq 0 ] || fail "nbdferry serve exited with $status after SIGTERM"

echo "$(wc -w < "$tmp/answered") of 1024 writes answered"
[ "$(wc -w < "$tmp/answered")" -gt 1 ] ||
  fail "only the first write was answered: nothing was in flight"
for i in $(cat "$tmp/answered"); do
  want=$(printf '\\%03o' $((i % 255 + 1)))
  cmp <(tr '\0' "$want" < /dev/zero | head -c 4096) \
      <(dd if="$tmp/dst" bs=4K skip=$i count=1 status=none) ||
    fail "write $i was answered but is not in the file"
done
sed -n '/--- SIGTERM/,$p' "$tmp/strace" | grep -q 'fdatasync(\|fsync(' ||
  fail "no flush after SIGTERM: $(cat "$tmp/strace")"
