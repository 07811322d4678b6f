#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# [ qemu-nbd -f qcow2 ... ] as source and destination (qemu-nbd takes one
# client: one connection each side).
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires qemu-nbd --version
requires qemu-img --version

qemu-img create -q -f qcow2 "$tmp/src.qcow2" 16M
qemu-io -f qcow2 -c "write -P 0x55 1M 2M" -c "write -P 0xaa 9M 64k" \
  "$tmp/src.qcow2" >/dev/null || fail "qemu-io failed"
qemu-img create -q -f qcow2 "$tmp/dst.qcow2" 16M
$NBDFERRY -- [ qemu-nbd -f qcow2 "$tmp/src.qcow2" ] \
  [ qemu-nbd -f qcow2 "$tmp/dst.qcow2" ] || fail "copy failed"
qemu-img compare -q "$tmp/src.qcow2" "$tmp/dst.qcow2" ||
  fail "destination differs from source"
