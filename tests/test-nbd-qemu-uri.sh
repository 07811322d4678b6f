#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# qemu-nbd as a plain URI destination (a writer without multi-conn, one
# client at a time: nothing may wait for a second connection).
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires qemu-nbd --version
requires qemu-img --version

dd if=/dev/urandom of="$tmp/src.raw" bs=64k count=32 seek=5 status=none
truncate -s 8M "$tmp/src.raw"
qemu-img create -q -f qcow2 "$tmp/dst.qcow2" 8M
start_nbdkit src file "$tmp/src.raw"
qemu-nbd -f qcow2 -k "$tmp/q.sock" "$tmp/dst.qcow2" &
cleanup_fn "kill $! 2>/dev/null"
for i in $(seq 50); do [ -S "$tmp/q.sock" ] && break; sleep 0.1; done
start=$(date +%s)
$NBDFERRY "$(nbd_uri src)" "nbd+unix:///?socket=$tmp/q.sock" ||
  fail "copy failed"
[ $(( $(date +%s) - start )) -lt 5 ] || fail "copy to qemu-nbd took too long"
wait $! 2>/dev/null || true
qemu-img compare -q -f raw -F qcow2 "$tmp/src.raw" "$tmp/dst.qcow2" ||
  fail "destination differs from source"
