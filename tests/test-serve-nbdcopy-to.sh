#!/usr/bin/env bash
source "${abs_srcdir:-.}/tests/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
# nbdcopy writes into a receiving end created by serve --size: same bytes,
# holes kept, the target reads as zero at connect time.
requires nbdcopy --version
truncate -s 32M "$tmp/src"
for off in 0 5 17 31; do
  head -c 1048576 /dev/urandom |
    dd of="$tmp/src" bs=1M seek=$off conv=notrunc status=none
done
start_serve s --size=32M "$tmp/dst"
[ "$(nbdraw "$sock" info | sed 's/.*init=//')" = 3 ] ||
  fail "a new target should say INIT_SPARSE|INIT_ZERO"
nbdcopy "$tmp/src" "$uri"
stop_serve
cmp "$tmp/src" "$tmp/dst" || fail "copied bytes differ"
[ "$(allocated "$tmp/dst")" -le $((4 << 20)) ] ||
  fail "holes lost: $(allocated "$tmp/dst") bytes allocated"
