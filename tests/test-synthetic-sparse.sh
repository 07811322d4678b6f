#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sparse-random: deterministic from its seed, about percent % data, holes
# kept; zero: is one hole; random: is dense.
source "$(dirname "$0")/functions.sh"
src="sparse-random:256M,percent=20,seed=3"
$NBDFERRY "$src" "$tmp/a"
$NBDFERRY -T 1 "$src" "$tmp/b"
cmp "$tmp/a" "$tmp/b" || fail "not deterministic"
$NBDFERRY "sparse-random:256M,percent=20,seed=4" "$tmp/c"
! cmp -s "$tmp/a" "$tmp/c" || fail "the seed changes nothing"
a=$(allocated "$tmp/a")
[ $a -ge $((20 * 1024 * 1024)) ] && [ $a -le $((90 * 1024 * 1024)) ] ||
  fail "expected about 20 % of 256 MiB allocated, got $a bytes"

$NBDFERRY zero:100M "$tmp/z"
[ "$(stat -c %s "$tmp/z")" -eq $((100 * 1024 * 1024)) ] || fail "zero: size"
[ "$(allocated "$tmp/z")" -eq 0 ] || fail "zero: not a hole"
cmp -n $((100 * 1024 * 1024)) "$tmp/z" /dev/zero ||
  fail "zero: not zero"

$NBDFERRY random:8M "$tmp/r"
[ "$(allocated "$tmp/r")" -ge $((8 * 1024 * 1024)) ] || fail "random: sparse"
