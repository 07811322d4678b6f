#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# SIGTERM while a client is writing: in-flight requests finish, the target
# is flushed, the server exits 0.  The target is nbdkit with 0.5 s per write
# (delay filter), so the server is still busy with several writes when it
# is signalled (once the first is answered): more than the first must be
# answered, none with an error, each answered write is in the file, and
# the target sees a flush (log filter).
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires nbdkit --filter=delay --filter=log null --version

truncate -s 16M "$tmp/dst"
start_serve s [ nbdkit --filter=log --filter=delay file "$tmp/dst" \
  wdelay=500ms logfile="$tmp/target.log" ]

export pid=$serve_pid
nbdsh -u "$uri" -c '
import os, signal
bs = 4096
cookies = []
for i in range(16):
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
wait $serve_pid || status=$?
[ $status -eq 0 ] || fail "nbdferry serve exited with $status after SIGTERM"

echo "$(wc -w < "$tmp/answered") of 16 writes answered"
[ "$(wc -w < "$tmp/answered")" -gt 1 ] ||
  fail "only the first write was answered: those in flight were dropped"
for i in $(cat "$tmp/answered"); do
  want=$(printf '\\%03o' $((i % 255 + 1)))
  cmp <(tr '\0' "$want" < /dev/zero | head -c 4096) \
      <(dd if="$tmp/dst" bs=4K skip=$i count=1 status=none) ||
    fail "write $i was answered but is not in the file"
done
grep -q ' Flush ' "$tmp/target.log" ||
  fail "the target was not flushed: $(tail -5 "$tmp/target.log")"
