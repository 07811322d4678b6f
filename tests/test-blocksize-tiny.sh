#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# 1-byte and 4097-byte sources into a destination with minimum 4096.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/blocksize-functions.sh"
byte_file "$tmp/aa" 65536 '\252'
for n in 1 4097; do
  start_nbdkit dst$n --filter=log --filter=blocksize-policy \
    data "(0xaa)*65536" $(policy 4096 65536) logfile="$tmp/dst$n.log"
  head -c $n /dev/urandom > "$tmp/in$n"
  $NBDFERRY "$tmp/in$n" "$(nbd_uri dst$n)" || fail "$n bytes: copy failed"
  check_requests "$tmp/dst$n.log" 4096 65536
  dump "$(nbd_uri dst$n)" "$tmp/out$n" 65536
  cmp -n $n "$tmp/in$n" "$tmp/out$n" || fail "$n bytes: data differs"
  cmp -i $n:$n "$tmp/out$n" "$tmp/aa" || fail "$n bytes: the rest changed"
done
