#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# One server, several exports by name: nbdinfo --list lists them with their
# own sizes and read-only states, the default export is the first, copies
# into two exports at once from separate clients land byte for byte, and a
# name that does not exist is refused (NBD_REP_ERR_UNKNOWN).
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires nbdinfo --version
requires nbdcopy --version

truncate -s 8M "$tmp/a.img"
truncate -s 16M "$tmp/b.img"
head -c 4M /dev/urandom > "$tmp/c.img"
head -c 8M /dev/urandom > "$tmp/srca"
sparse_image "$tmp/srcb"
truncate -s 16M "$tmp/srcb"

start_serve s disk0="$tmp/a.img" disk1="$tmp/b.img" \
  "ro=pattern:4M" --description=vm
nbdinfo --list --json "$uri" > "$tmp/list"
cat "$tmp/list"
for n in disk0 disk1 ro; do
  grep -q "\"export-name\": \"$n\"" "$tmp/list" || fail "$n not listed"
done
u () { echo "nbd+unix:///$1?socket=$sock"; }
[ "$(nbdinfo --size "$(u disk1)")" = 16777216 ] || fail "disk1 size"
[ "$(nbdinfo --size "$(u ro)")" = 4194304 ] || fail "ro size"
nbdinfo "$(u ro)" | grep -q 'is_read_only: true' || fail "ro read-only"
nbdinfo "$(u disk0)" | grep -q 'is_read_only: false' || fail "disk0 writable"
# The default export "" is the first one.
[ "$(nbdinfo --size "$uri")" = 8388608 ] || fail "default export"

nbdcopy "$tmp/srca" "$(u disk0)" & a=$!
nbdcopy "$tmp/srcb" "$(u disk1)" & b=$!
wait $a || fail "copy into disk0"
wait $b || fail "copy into disk1"
cmp "$tmp/srca" "$tmp/a.img" || fail "disk0 differs"
cmp "$tmp/srcb" "$tmp/b.img" || fail "disk1 differs"

expect_fail nbdinfo --size "$(u nosuch)"
cat "$tmp/err"
grep -q "no export named 'nosuch'\|unknown" "$tmp/err" ||
  fail "unknown export: not refused as unknown"
stop_serve

# Two plain targets, or a name given twice, are refused in one line.
expect_error "each must be NAME=TARGET" $NBDFERRY serve -U "$tmp/x" \
  "$tmp/a.img" "$tmp/b.img"
expect_error "named twice" $NBDFERRY serve -U "$tmp/x" \
  d="$tmp/a.img" d="$tmp/b.img"
