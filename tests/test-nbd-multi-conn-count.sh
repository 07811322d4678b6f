#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A copy from a multi-conn server opens at most one connection beyond -C
# (the init-state probe) and closes it before the copy starts: a server
# that refuses a client beyond -C connections (nbdkit's limit filter)
# still gets the whole copy, over several connections.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
for c in 2 4; do
  start_nbdkit src$c --filter=limit --filter=log sparse-random 256M seed=8 \
    percent=10 runlength=1048576 limit=$c logfile="$tmp/src$c.log"
  $NBDFERRY -C $c -T $c "$(nbd_uri src$c)" "$tmp/out$c" ||
    fail "-C $c: the copy needed more than $c connections at a time"
  n=$(log_connections "$tmp/src$c.log" Read)
  [ "$n" -ge 2 ] && [ "$n" -le $c ] ||
    fail "-C $c: expected 2 to $c connections reading, got $n"
  dump "$(nbd_uri src$c)" "$tmp/src$c.img"
  cmp "$tmp/src$c.img" "$tmp/out$c" || fail "-C $c: the copy differs"
done
# -C 1: the probe may be the one beyond.
start_nbdkit src1 --filter=limit sparse-random 64M seed=8 limit=2
$NBDFERRY -C 1 "$(nbd_uri src1)" "$tmp/out1" || fail "-C 1: copy failed"
