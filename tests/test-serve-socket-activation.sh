#!/usr/bin/env bash
source "${abs_srcdir:-.}/tests/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
# nbdcopy starts nbdferry serve itself with socket activation.
requires nbdcopy --version
truncate -s 32M "$tmp/src"
for off in 0 5 17 31; do
  head -c 1048576 /dev/urandom |
    dd of="$tmp/src" bs=1M seek=$off conv=notrunc status=none
done
nbdcopy -- [ $NBDFERRY serve --read-only "$tmp/src" ] "$tmp/dst"
cmp "$tmp/src" "$tmp/dst" || fail "copied bytes differ"
# And as a destination.
truncate -s 32M "$tmp/dst2"
nbdcopy -- "$tmp/src" [ $NBDFERRY serve "$tmp/dst2" ]
cmp "$tmp/src" "$tmp/dst2" || fail "copied bytes differ (destination)"
