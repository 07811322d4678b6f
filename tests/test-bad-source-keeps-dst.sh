#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every kind of source is opened and checked before the destination is
# created, truncated or zeroed: a source that fails leaves an existing
# destination byte for byte as it was (a file, a zstd image, an NBD
# export) and a missing one missing.
source "$(dirname "$0")/functions.sh"
requires nbdkit --version
requires zstd --version

head -c 1M /dev/urandom > "$tmp/orig"
cp "$tmp/orig" "$tmp/dst"
zstd -q -c "$tmp/orig" > "$tmp/dst.zst"
cp "$tmp/dst.zst" "$tmp/orig.zst"
cp "$tmp/orig" "$tmp/served"
start_nbdkit dst file "$tmp/served"
nbd="nbd+unix:///?socket=$sock"

# Bad sources: not zstd, empty, a seek table that does not fit the file.
head -c 100000 /dev/urandom > "$tmp/junk"
: > "$tmp/empty"
$NBDFERRY "$tmp/orig" "zstd:$tmp/good.zst"
cp "$tmp/good.zst" "$tmp/table.zst"
size=$(stat -c %s "$tmp/table.zst")
printf '\x01' | dd of="$tmp/table.zst" bs=1 seek=$((size - 9 - 8)) \
  conv=notrunc status=none
mkdir "$tmp/dir"

# check ARG... : the copy from ARG... to each destination fails and
# changes nothing.  Standard input is $stdin.
check () {
  local d
  for d in "$tmp/dst" "zstd:$tmp/dst.zst" "$nbd" "$tmp/missing"; do
    expect_fail $NBDFERRY "$@" "$d" < "$stdin"
  done
  cmp "$tmp/dst" "$tmp/orig" || fail "$*: the file destination changed"
  cmp "$tmp/dst.zst" "$tmp/orig.zst" || fail "$*: the zstd destination changed"
  cmp "$tmp/served" "$tmp/orig" || fail "$*: the NBD destination changed"
  [ ! -e "$tmp/missing" ] || fail "$*: a missing destination was created"
}

stdin=/dev/null
check "$tmp/no-such-file"                       # file
check "$tmp/dir"
check /dev/zero
check "nbd+unix:///?socket=$tmp/no-such.sock"   # NBD
check "zstd:$tmp/junk"                          # zstd
check "zstd:$tmp/empty"
check "zstd:$tmp/table.zst"
check "pattern:12x"                             # synthetic
check "sparse-random:1M,percent=300"
check -- [ false ]                              # [ CMD ]
check -- [ "$tmp/no-such-command" ]
stdin=$tmp/dir check -                          # stdin
stdin=$tmp/junk check zstd:-
stdin=$tmp/empty check zstd:-
