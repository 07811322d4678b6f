#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbdferry compare A B: qemu-img compare's answers (exit 0 identical, 1
# different with the first differing byte, 2 error; different sizes per
# its rule), across endpoint types, sparse-aware.
source "$(dirname "$0")/functions.sh"
requires nbdkit --version
requires qemu-img --version

size=$((48 * 1024 * 1024 + 4096))
$NBDFERRY "sparse-random:$size,percent=25,seed=11" "$tmp/a"
# The same bytes, every zero written out: allocation differs, data not.
$NBDFERRY --allocated "$tmp/a" "$tmp/a-full"
[ "$(allocated "$tmp/a-full")" -gt "$(allocated "$tmp/a")" ] ||
  fail "setup: --allocated copy is not more allocated"

same () {                       # A B
  $NBDFERRY compare "$@" > "$tmp/out" || fail "compare $*: exit $?"
  grep -qx "Images are identical." "$tmp/out" || fail "compare $*: $(cat "$tmp/out")"
}
differ_at () {                  # OFFSET A B
  local off=$1 rc=0; shift
  $NBDFERRY compare "$@" > "$tmp/out" || rc=$?
  [ $rc -eq 1 ] || fail "compare $*: exit $rc, expected 1"
  grep -qx "Content mismatch at offset $off!" "$tmp/out" ||
    fail "compare $*: expected offset $off, got: $(cat "$tmp/out")"
  rc=0; qemu-img compare -q -f raw -F raw "$@" || rc=$?
  [ $rc -eq 1 ] || fail "qemu-img compare $*: exit $rc (test setup)"
}

same "$tmp/a" "$tmp/a-full"
same "$tmp/a-full" "$tmp/a"
same -T 1 "$tmp/a" "$tmp/a-full"
same --no-extents "$tmp/a" "$tmp/a-full"
same "sparse-random:$size,percent=25,seed=11" "$tmp/a-full"
$NBDFERRY "$tmp/a" "zstd:$tmp/a.zst"
same "zstd:$tmp/a.zst" "$tmp/a"
nbdkit -U - file "$tmp/a-full" --run '$NBDFERRY compare "$uri" "'"$tmp/a"'"' \
  > "$tmp/out" || fail "compare NBD file: exit $?"
grep -qx "Images are identical." "$tmp/out" || fail "NBD: $(cat "$tmp/out")"

# One changed byte at the start, in a hole in the middle, and at the very
# end is found at its exact offset, whichever side holds it.
for off in 0 $((size / 2 + 12345)) $((size - 1)); do
  cp --sparse=always "$tmp/a" "$tmp/b"
  old=$(od -An -tu1 -j $off -N1 "$tmp/b" | tr -d ' ')
  printf "\\$(printf %o $(( (old + 1) % 256 )))" |
    dd of="$tmp/b" bs=1 seek=$off conv=notrunc status=none
  differ_at $off "$tmp/a" "$tmp/b"
  differ_at $off "$tmp/b" "$tmp/a-full"
  rc=0
  nbdkit -U - file "$tmp/b" --run '$NBDFERRY compare "$uri" "'"$tmp/a"'"' \
    > "$tmp/out" || rc=$?
  [ $rc -eq 1 ] && grep -qx "Content mismatch at offset $off!" "$tmp/out" ||
    fail "NBD: byte $off: exit $rc: $(cat "$tmp/out")"
done

# Different sizes: the excess of the longer one must read as zero, unless
# --strict, where any size difference is a difference (qemu-img compare).
truncate -s $((size + 1048576)) "$tmp/long"
dd if="$tmp/a" of="$tmp/long" conv=notrunc,sparse status=none
$NBDFERRY compare "$tmp/a" "$tmp/long" > "$tmp/out" || fail "longer, zero excess"
[ "$(cat "$tmp/out")" = "$(printf 'Warning: Image size mismatch!\nImages are identical.')" ] ||
  fail "longer, zero excess: $(cat "$tmp/out")"
qemu-img compare -q -f raw -F raw "$tmp/a" "$tmp/long" || fail "qemu-img disagrees"
rc=0; $NBDFERRY compare -s "$tmp/a" "$tmp/long" > "$tmp/out" || rc=$?
[ $rc -eq 1 ] && grep -qx "Strict mode: Image size mismatch!" "$tmp/out" ||
  fail "--strict: exit $rc: $(cat "$tmp/out")"
printf x | dd of="$tmp/long" bs=1 seek=$((size + 1000)) conv=notrunc status=none
differ_at $((size + 1000)) "$tmp/long" "$tmp/a"
differ_at $((size + 1000)) "$tmp/a" "$tmp/long"

# -q: nothing on stdout.
rc=0; $NBDFERRY compare -q "$tmp/a" "$tmp/long" > "$tmp/out" || rc=$?
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] || fail "-q: exit $rc, output $(cat "$tmp/out")"

# Errors are exit 2 with one line naming what failed.
rc=0; $NBDFERRY compare "$tmp/a" "$tmp/missing" 2> "$tmp/err" || rc=$?
[ $rc -eq 2 ] && grep -q "missing" "$tmp/err" || fail "missing image: exit $rc"
rc=0; $NBDFERRY compare "$tmp/a" 2> "$tmp/err" || rc=$?
[ $rc -eq 2 ] || fail "one image: exit $rc"
rc=0; $NBDFERRY compare --nosuch "$tmp/a" "$tmp/a" 2> "$tmp/err" || rc=$?
[ $rc -eq 2 ] || fail "bad option: exit $rc"

# Sparse-aware: 8 GiB of holes on both sides are not read.
truncate -s 8G "$tmp/h1" "$tmp/h2"
printf data | dd of="$tmp/h1" bs=1 seek=5000000000 conv=notrunc status=none
printf data | dd of="$tmp/h2" bs=1 seek=5000000000 conv=notrunc status=none
$NBDFERRY compare -v "$tmp/h1" "$tmp/h2" > "$tmp/out" 2> "$tmp/err" ||
  fail "sparse pair: exit $?"
grep -q "read [0-9.]* [KM]iB" "$tmp/err" || fail "sparse pair read too much: $(cat "$tmp/err")"
