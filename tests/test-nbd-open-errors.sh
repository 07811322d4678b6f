#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Unreachable server, wrong export name, read-only destination, destination
# smaller than the source: one-line errors naming the URI, nothing written.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires qemu-nbd --version

start_nbdkit src pattern 2M
src=$(nbd_uri src)

expect_error "$tmp/none.sock" $NBDFERRY "$src" "nbd+unix:///?socket=$tmp/none.sock"
expect_error "nbd://127.0.0.1:1/" $NBDFERRY "nbd://127.0.0.1:1/" "$src"

truncate -s 2M "$tmp/disk"
qemu-nbd -t -f raw -x good -k "$tmp/q.sock" "$tmp/disk" &
cleanup_fn "kill $! 2>/dev/null"
for i in $(seq 50); do [ -S "$tmp/q.sock" ] && break; sleep 0.1; done
expect_error "nbd+unix:///bad?socket=" $NBDFERRY "$src" "nbd+unix:///bad?socket=$tmp/q.sock"

start_nbdkit ro --filter=log -r memory 2M logfile="$tmp/ro.log"
expect_error "read-only" $NBDFERRY "$src" "$(nbd_uri ro)"
[ -z "$(log_requests "$tmp/ro.log" Write)" ] || fail "wrote to a read-only export"

start_nbdkit small --filter=log memory 1M logfile="$tmp/small.log"
expect_error "smaller than the source (1048576 < 2097152 bytes)" \
  $NBDFERRY "$src" "$(nbd_uri small)"
[ -z "$(log_requests "$tmp/small.log" Write)" ] ||
  fail "wrote to a destination that is too small"
