#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbdferry compare and the page cache of local files: cached data is
# compared through page faults, not faulted in ahead (MADV_POPULATE_READ
# would mark every page accessed, and move the pages a copy read once to
# the active list); uncached data is read ahead and faulted in when mapped
# (so an unreadable range is read again with pread, which says where), and
# both give the same answers.
source "$(dirname "$0")/functions.sh"
requires strace -V
requires python3 --version

size=$((24 * 1024 * 1024))
$NBDFERRY "sparse-random:$size,percent=50,seed=7" "$tmp/a"
cp "$tmp/a" "$tmp/b"
off=$((size / 2 + 4097))
cp "$tmp/a" "$tmp/c"
printf '\377' | dd of="$tmp/c" bs=1 seek=$off conv=notrunc status=none
cmp -s "$tmp/a" "$tmp/c" && fail "setup: c is a"
sync "$tmp/a" "$tmp/b" "$tmp/c"

drop () { for f; do dd if="$f" iflag=nocache count=0 status=none; done; }
populates () {                  # EXPECTED-EXIT ARGS...: MADV_POPULATE_READ calls
  local want=$1 rc=0; shift
  strace -f -qq -e trace=madvise -o "$tmp/trace" \
    $NBDFERRY compare "$@" > "$tmp/out" || rc=$?
  [ $rc -eq "$want" ] || fail "compare $*: exit $rc, expected $want"
  grep -c 'MADV_POPULATE_READ' "$tmp/trace" || true
}

# Uncached: faulted in when mapped, and the right answers.
drop "$tmp/a" "$tmp/b" "$tmp/c"
n=$(populates 0 "$tmp/a" "$tmp/b")
[ "$n" -gt 0 ] || fail "uncached data was not faulted in ahead"
drop "$tmp/a" "$tmp/c"
n=$(populates 1 "$tmp/a" "$tmp/c")
grep -qx "Content mismatch at offset $off!" "$tmp/out" ||
  fail "uncached: $(cat "$tmp/out")"

# Cached: no faulting in ahead, the same answers.
cat "$tmp/a" "$tmp/b" "$tmp/c" > /dev/null
n=$(populates 0 "$tmp/a" "$tmp/b")
[ "$n" -eq 0 ] || fail "cached data was faulted in ahead ($n calls)"
n=$(populates 1 "$tmp/c" "$tmp/a")
grep -qx "Content mismatch at offset $off!" "$tmp/out" ||
  fail "cached: $(cat "$tmp/out")"

# Pages read once (as a copy leaves them) stay off the active list.  Not
# checked where /proc/kpageflags cannot be read (not root), nor with the
# multi-generational LRU, which has no active list to move them to.
gen=$(cat /sys/kernel/mm/lru_gen/enabled 2>/dev/null || echo 0)
if [ ! -r /proc/kpageflags ] || [ $((gen)) -ne 0 ]; then
  echo "$0: the LRU part is not checked here" >&2
  exit 0
fi
active () {
  python3 "$abs_srcdir/tests/page-active.py" "$1" > "$tmp/active" ||
    fail "page-active.py $1"
  read -r act cached < "$tmp/active"
}
drop "$tmp/a" "$tmp/b"
cat "$tmp/a" "$tmp/b" > /dev/null
active "$tmp/a"
[ "$cached" -gt 0 ] && [ "$act" -lt $((cached / 10)) ] ||
  fail "setup: pages read once are already active ($act of $cached)"
$NBDFERRY compare "$tmp/a" "$tmp/b" > /dev/null || fail "compare: exit $?"
for f in "$tmp/a" "$tmp/b"; do
  active "$f"
  [ "$act" -lt $((cached / 10)) ] ||
    fail "compare moved $act of $cached cached pages of $f to the active list"
done
