#!/usr/bin/env bash
source "${abs_srcdir:-.}/tests/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
# nbdcopy reads a sparse file from the server: same bytes, holes kept.
requires nbdcopy --version
truncate -s 32M "$tmp/src"
for off in 0 5 17 31; do
  head -c 1048576 /dev/urandom |
    dd of="$tmp/src" bs=1M seek=$off conv=notrunc status=none
done
start_serve s --read-only "$tmp/src"
nbdcopy "$uri" "$tmp/dst"
stop_serve
cmp "$tmp/src" "$tmp/dst" || fail "copied bytes differ"
[ "$(allocated "$tmp/dst")" -le $((4 << 20)) ] ||
  fail "holes lost: $(allocated "$tmp/dst") bytes allocated"
