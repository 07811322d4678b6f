#!/bin/bash
# Source and destination the same file (also through another name): refused
# before the destination is truncated.
source "$abs_srcdir/tests/functions.sh"

head -c 100000 /dev/urandom > "$tmp/in"
cp "$tmp/in" "$tmp/orig"
ln "$tmp/in" "$tmp/link"
expect_error "same file" $NBDFERRY "$tmp/in" "$tmp/in"
expect_error "same file" $NBDFERRY "$tmp/in" "$tmp/link"
cmp "$tmp/in" "$tmp/orig" || fail "the source was changed"
