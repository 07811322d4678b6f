#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbdferry compare maps local files' page cache instead of reading them
# (no pread of the data) and gives the same answers as with --no-map
# (pread into buffers): equal across allocation, the first difference at
# its exact offset, also in a last page that is only partly in the file.
source "$(dirname "$0")/functions.sh"
requires strace -V

size=$((20 * 1024 * 1024 + 5))   # not a whole number of pages
$NBDFERRY "sparse-random:$size,percent=30,seed=5" "$tmp/a"
$NBDFERRY --allocated "$tmp/a" "$tmp/a-full"

answer () {                     # EXPECTED-EXIT EXPECTED-LINE ARGS...
  local want=$1 line=$2 rc=0; shift 2
  $NBDFERRY compare "$@" > "$tmp/out" || rc=$?
  [ $rc -eq "$want" ] && grep -qx "$line" "$tmp/out" ||
    fail "compare $*: exit $rc, expected $want: $(cat "$tmp/out")"
}

for opt in "" --no-map; do
  answer 0 "Images are identical." $opt "$tmp/a" "$tmp/a-full"
  answer 0 "Images are identical." $opt -T 1 "$tmp/a-full" "$tmp/a"
  for off in 0 4095 4096 $((size / 3)) $((size - 5)) $((size - 1)); do
    cp "$tmp/a-full" "$tmp/b"
    old=$(od -An -tu1 -j $off -N1 "$tmp/b" | tr -d ' ')
    printf "\\$(printf %o $(( (old + 1) % 256 )))" |
      dd of="$tmp/b" bs=1 seek=$off conv=notrunc status=none
    answer 1 "Content mismatch at offset $off!" $opt "$tmp/a" "$tmp/b"
    answer 1 "Content mismatch at offset $off!" $opt "$tmp/b" "$tmp/a-full"
  done
done

# Mapped: no data is read with pread (a handful of small reads at most);
# --no-map reads all of it.
preads () {
  strace -f -qq -e trace=pread64 -o "$tmp/trace" \
    $NBDFERRY compare "$@" "$tmp/a" "$tmp/a-full" > /dev/null ||
    fail "compare $* under strace: exit $?"
  grep -c 'pread64(' "$tmp/trace" || true
}
mapped=$(preads)
unmapped=$(preads --no-map)
[ "$mapped" -le 4 ] || fail "mapped compare made $mapped preads"
[ "$unmapped" -ge 20 ] || fail "--no-map made only $unmapped preads"
