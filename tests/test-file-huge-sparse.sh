#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# An 8 TiB sparse file (131,072 units of 64 MiB) to a new file: bytes and
# holes identical, memory flat, and a hole is asked about once, not once
# per unit (lseek calls counted).  Across such skipped holes --blkhash
# gives the digest of an independent implementation (tests/blkhash.py) and
# of the NBD path, and a copy interrupted and resumed with --resume ends
# identical.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
source "$abs_srcdir/tests/resilience-functions.sh"
requires strace -V
requires timeout --version
requires python3 -c 'import hashlib'

# Islands: the first bytes, across a unit boundary, deep inside, the end.
islands () {
  local size=$1
  echo 0 $((64 * 1024 * 1024 - 3)) $((size / 3 + 12345)) $((size - 5))
}
make_image () {
  local f=$1 size=$2 off
  truncate -s "$size" "$f"
  for off in $(islands "$size"); do
    printf 'isle%d' "$off" | dd of="$f" bs=1 seek="$off" conv=notrunc \
      status=none
  done
  truncate -s "$size" "$f"
}
same_islands () {
  local a=$1 b=$2 size=$3 off
  for off in $(islands "$size"); do
    cmp <(dd if="$a" bs=1 skip="$off" count=16 status=none) \
        <(dd if="$b" bs=1 skip="$off" count=16 status=none) ||
      fail "$b differs at $off"
  done
}

size=$((8 << 40))
make_image "$tmp/in" $size
/usr/bin/time -f "%U %S %M" -o "$tmp/time" \
  strace -f -qq -e trace=lseek -o "$tmp/strace" $NBDFERRY "$tmp/in" "$tmp/out"
read -r user sys rss < "$tmp/time"
lseeks=$(wc -l < "$tmp/strace")
echo "8 TiB sparse: $lseeks lseek calls, user $user s, system $sys s," \
  "peak RSS $rss KiB (with strace)" >&2
[ "$(stat -c %s "$tmp/out")" -eq $size ] || fail "wrong size"
same_islands "$tmp/in" "$tmp/out" $size
[ "$(allocated "$tmp/out")" -le $((1024 * 1024)) ] ||
  fail "holes not kept: $(allocated "$tmp/out") bytes allocated"
# Per unit it would be over 131,072.
[ "$lseeks" -lt 4096 ] || fail "$lseeks lseek calls for 8 islands of data"
[ "$rss" -lt 65536 ] || fail "peak RSS $rss KiB"

# 256 GiB (4096 units) for the rest, hashed in 1 MiB blocks.
size=$((256 << 30))
rm -f "$tmp/in" "$tmp/out"
make_image "$tmp/in" $size
want=$(python3 "$abs_srcdir/tests/blkhash.py" sha256 1048576 "$tmp/in")
got=$($NBDFERRY --blkhash=sha256/1M "$tmp/in" "$tmp/out")
[ "$want" = "$got" ] || fail "file digest $got, want $want"
same_islands "$tmp/in" "$tmp/out" $size
got=$(nbdkit -U - -r file "$tmp/in" \
        --run '$NBDFERRY --blkhash=sha256/1M "$uri" null:')
[ "$want" = "$got" ] || fail "NBD digest $got, want $want"

# --resume: writes are slow, so SIGINT stops the copy half way.
start_nbdkit dst --filter=delay memory $size delay-write=1 delay-zero=0
$NBDFERRY -C 2 -R 1 --resume="$tmp/state" "$tmp/in" "$(nbd_uri dst)" \
  2>"$tmp/err" &
pid=$!
sleep 1.5
signal_wait $pid INT
cat "$tmp/err" >&2
[ $rc -eq 130 ] || fail "SIGINT: exit status $rc"
[ -e "$tmp/state" ] || fail "nothing recorded"
$NBDFERRY -v -C 2 --resume="$tmp/state" "$tmp/in" "$(nbd_uri dst)" \
  2>"$tmp/log" || fail "resumed copy failed: $(cat "$tmp/log")"
grep -q 'finished by an earlier run' "$tmp/log" || fail "nothing was resumed"
got=$($NBDFERRY --blkhash=sha256/1M "$(nbd_uri dst)" null:)
[ "$want" = "$got" ] || fail "resumed copy: digest $got, want $want"
