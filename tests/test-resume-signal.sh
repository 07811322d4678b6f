#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# SIGINT mid-copy: nbdferry stops issuing work, lets what is in flight
# finish, flushes, records the finished units and exits 130 saying how far
# it got; the same command then resumes to an identical image.  SIGTERM
# does the same with 143.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
source "$abs_srcdir/tests/resilience-functions.sh"
requires timeout --version

src=(--filter=delay sparse-random 1G percent=20 seed=3 rdelay=100ms)
nbdcopy -- [ nbdkit sparse-random 1G percent=20 seed=3 ] "$tmp/want.img"

for sig in INT TERM; do
  rm -f "$tmp/dst.img" "$tmp/state"
  start_nbdkit src$sig "${src[@]}"
  $NBDFERRY -C 2 -R 2 --resume="$tmp/state" "$(nbd_uri src$sig)" \
    "$tmp/dst.img" 2>"$tmp/err" &
  pid=$!
  sleep 7
  signal_wait $pid $sig
  cat "$tmp/err" >&2
  want=$([ $sig = INT ] && echo 130 || echo 143)
  [ $rc -eq $want ] || fail "SIG$sig: exit status $rc, expected $want"
  grep -q "stopped by SIG$sig after .* of 1.0 GiB; the same command resumes" \
    "$tmp/err" || fail "SIG$sig: no word of how far it got"
  grep -q '^done .*[1-9a-f]' "$tmp/state" || fail "SIG$sig: nothing recorded"
  $NBDFERRY -C 2 -R 2 --resume="$tmp/state" "$(nbd_uri src$sig)" \
    "$tmp/dst.img" || fail "SIG$sig: resumed copy failed"
  cmp "$tmp/want.img" "$tmp/dst.img" || fail "SIG$sig: images differ"
  [ ! -e "$tmp/state" ] || fail "SIG$sig: state not removed"
done
