#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# SIGINT mid-copy: nbdferry stops issuing work, lets what is in flight
# finish, flushes, records the finished units and exits 130 saying how far
# it got; the same command then resumes to an identical image.  SIGTERM
# does the same with 143.  The SIGINT copy goes to a file; the SIGTERM one
# to the same file behind nbdkit's log filter, which shows a completed
# flush after the last write.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
source "$abs_srcdir/tests/resilience-functions.sh"
requires timeout --version

src=(--filter=delay sparse-random 1G percent=20 seed=3 rdelay=100ms)
nbdcopy -- [ nbdkit sparse-random 1G percent=20 seed=3 ] "$tmp/want.img"

for sig in INT TERM; do
  rm -f "$tmp/dst.img" "$tmp/state"
  start_nbdkit src$sig "${src[@]}"
  dst=$tmp/dst.img
  if [ $sig = TERM ]; then
    truncate -s 1G "$tmp/dst.img"
    start_nbdkit dst --filter=log file "$tmp/dst.img" logfile="$tmp/dst.log"
    dst=$(nbd_uri dst)
  fi
  $NBDFERRY -C 2 -R 2 --resume="$tmp/state" "$(nbd_uri src$sig)" \
    "$dst" 2>"$tmp/err" &
  pid=$!
  sleep 7
  signal_wait $pid $sig
  cat "$tmp/err" >&2
  want=$([ $sig = INT ] && echo 130 || echo 143)
  [ $rc -eq $want ] || fail "SIG$sig: exit status $rc, expected $want"
  grep -q "stopped by SIG$sig after .* of 1.0 GiB; the same command resumes" \
    "$tmp/err" || fail "SIG$sig: no word of how far it got"
  grep -q '^done .*[1-9a-f]' "$tmp/state" || fail "SIG$sig: nothing recorded"
  if [ $sig = TERM ]; then
    last_write=$(grep -n 'Write id=' "$tmp/dst.log" | tail -1 | cut -d: -f1)
    flushed=$(grep -n ' \.\.\.Flush id=[0-9]* return=0' "$tmp/dst.log" |
              tail -1 | cut -d: -f1)
    [ -n "$last_write" ] || fail "SIG$sig: nothing written before the signal"
    [ "${flushed:-0}" -gt "$last_write" ] ||
      fail "SIG$sig: no flush completed after the last write"
  fi
  $NBDFERRY -C 2 -R 2 --resume="$tmp/state" "$(nbd_uri src$sig)" \
    "$dst" 2> "$tmp/resumed" || fail "SIG$sig: resumed copy failed"
  grep -q "^nbdferry: resuming: .* finished by an earlier run" \
    "$tmp/resumed" || fail "SIG$sig: the resumed run did not say so"
  cmp "$tmp/want.img" "$tmp/dst.img" || fail "SIG$sig: images differ"
  [ ! -e "$tmp/state" ] || fail "SIG$sig: state not removed"
done
