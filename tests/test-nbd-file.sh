#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# file -> nbdkit memory -> file: bytes and holes survive the round trip.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires qemu-img --version

dd if=/dev/urandom of="$tmp/in" bs=64k count=16 seek=10 status=none
truncate -s 8M "$tmp/in"
start_nbdkit mem memory 8M
$NBDFERRY "$tmp/in" "$(nbd_uri mem)" || fail "file -> nbd failed"
$NBDFERRY "$(nbd_uri mem)" "$tmp/out" || fail "nbd -> file failed"
cmp "$tmp/in" "$tmp/out" || fail "round trip changed the bytes"
[ "$(allocated "$tmp/out")" -lt $((4 * 1024 * 1024)) ] ||
  fail "holes were not kept: $(allocated "$tmp/out") bytes allocated"
