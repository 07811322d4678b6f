#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A [ CMD ] server does not outlive nbdferry, even when nbdferry is killed
# with SIGKILL in the middle of a copy.  qemu-nbd -t (persistent) would
# otherwise serve on forever.
source "$(dirname "$0")/functions.sh"
requires qemu-nbd --version
requires nbdkit --filter=delay null --dump-plugin

truncate -s 1G "$tmp/dst.img"
$NBDFERRY -- [ nbdkit --filter=delay pattern 1G rdelay=1 ] \
  [ qemu-nbd -t -f raw "$tmp/dst.img" ] &
ferry=$!
cleanup_fn "kill -9 $ferry 2>/dev/null"
server=
for i in $(seq 50); do
  server=$(pgrep -P $ferry qemu-nbd || true)
  [ -n "$server" ] && break
  sleep 0.1
done
[ -n "$server" ] || fail "qemu-nbd did not start"
cleanup_fn "kill -9 $server 2>/dev/null"
sleep 0.5
kill -9 $ferry
for i in $(seq 50); do
  kill -0 $server 2>/dev/null || exit 0
  sleep 0.1
done
fail "qemu-nbd $server still running after nbdferry was killed"
