#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Proving an NBD destination zero asks its extents in growing windows, the
# first of at most 16 MiB: a destination full of data answers "data" to
# that one small question (a server may walk all of a range asked to say
# so), and a fresh one is still proven zero, in few questions.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
requires nbdkit --filter=log memory --version
requires nbdinfo --version

start_nbdkit src sparse-random 256M seed=5 percent=2 runlength=1048576
dump "$(nbd_uri src)" "$tmp/src.img"

# copy_to NAME: into the memory export NAME; its Extents requests (after
# any prefill) in $tmp/NAME.ext, and the copy compared with the source.
copy_to () {
  local lines
  lines=$(wc -l < "$tmp/$1.full")
  $NBDFERRY -v "$(nbd_uri src)" "$(nbd_uri "$1")" 2> "$tmp/$1.err" ||
    fail "$1: copy failed: $(cat "$tmp/$1.err")"
  tail -n +$((lines + 1)) "$tmp/$1.full" > "$tmp/$1.log"
  log_requests "$tmp/$1.log" Extents > "$tmp/$1.ext"
  dump "$(nbd_uri "$1")" "$tmp/$1.img"
  cmp "$tmp/src.img" "$tmp/$1.img" || fail "$1: the copy differs"
}

start_nbdkit dirty --filter=log memory 256M logfile="$tmp/dirty.full"
nbdcopy -- [ nbdkit pattern 256M ] "$(nbd_uri dirty)" || fail "prefill failed"
copy_to dirty
[ "$(wc -l < "$tmp/dirty.ext")" -eq 1 ] ||
  fail "dirty: not one extents request: $(cat "$tmp/dirty.ext")"
read -r off cnt < "$tmp/dirty.ext"
[ "$off" -eq 0 ] && [ "$cnt" -le $((16 << 20)) ] ||
  fail "dirty: the first extents request is $off+$cnt, not 0+(16 MiB or less)"
grep -q 'known zero' "$tmp/dirty.err" && fail "dirty: called zero"

start_nbdkit fresh --filter=log memory 256M logfile="$tmp/fresh.full"
copy_to fresh
grep -q 'known zero from: extents' "$tmp/fresh.err" ||
  fail "fresh: not proven zero by its extents: $(cat "$tmp/fresh.err")"
n=$(wc -l < "$tmp/fresh.ext")
[ "$n" -ge 2 ] && [ "$n" -le 4 ] ||
  fail "fresh: $n extents requests, not 2-4: $(cat "$tmp/fresh.ext")"
[ "$(log_requests "$tmp/fresh.log" Zero | wc -l)" -eq 0 ] ||
  fail "fresh: zero requests sent to a destination proven zero"
# Its holes stay holes: the writes sent carry the source's data and no
# more (nbdkit memory would store written zeroes as holes, so its map
# could not tell).
src=$(data_bytes "$(nbd_uri src)")
written=$(log_requests "$tmp/fresh.log" Write | awk '{ n += $2 } END { print n + 0 }')
[ "$written" -le $((src + (1 << 20))) ] ||
  fail "fresh: $written bytes written for the source's $src: holes written"
