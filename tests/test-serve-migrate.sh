#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Both ends of a migration: `nbdferry serve --size` receives into a new
# file and advertises INIT_STATE; the sending nbdferry reads it at connect
# time and writes only data.  The received file keeps its holes.  A
# receiving file full of old data must not be taken for zero.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
start_serve recv --size=512M "$tmp/recv.img"
$NBDFERRY -v sparse-random:512M,seed=7 "$uri" 2>"$tmp/log"
stop_serve
cat "$tmp/log"
grep -q "destination known zero from: initial state" "$tmp/log" ||
  fail "the sender did not use the receiver's INIT_STATE"
grep -q "zeroed 0 B" "$tmp/log" || fail "zero requests were sent"
cmp <($NBDFERRY sparse-random:512M,seed=7 -) "$tmp/recv.img" ||
  fail "received image differs"
data=$($NBDFERRY -v sparse-random:512M,seed=7 null: 2>&1 |
       sed -n 's/.*read \([0-9.]*\) MiB.*/\1/p')
alloc=$(( $(allocated "$tmp/recv.img") / 1048576 ))
echo "data ${data} MiB, allocated ${alloc} MiB"
[ "$alloc" -le "$(printf '%.0f' "$data")" ] || fail "holes were filled"

# Old data in place: the receiver is not zero and must end identical.
$NBDFERRY random:512M,seed=3 "$tmp/old.img"
start_serve old "$tmp/old.img"
$NBDFERRY -v sparse-random:512M,seed=7 "$uri" 2>"$tmp/log2"
stop_serve
grep -q "known zero from: initial state" "$tmp/log2" &&
  fail "a file with old data was taken for zero"
cmp <($NBDFERRY sparse-random:512M,seed=7 -) "$tmp/old.img" ||
  fail "old data survived"
