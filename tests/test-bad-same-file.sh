#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Source and destination the same file (also through another name): refused
# before the destination is truncated.
source "$(dirname "$0")/functions.sh"
head -c 100000 /dev/urandom > "$tmp/in"
cp "$tmp/in" "$tmp/orig"
ln "$tmp/in" "$tmp/link"
expect_error "same file" $NBDFERRY "$tmp/in" "$tmp/in"
expect_error "same file" $NBDFERRY "$tmp/in" "$tmp/link"
cmp "$tmp/in" "$tmp/orig" || fail "the source was changed"
# ... and through zstd:, either side.
expect_error "same file" $NBDFERRY "$tmp/in" "zstd:$tmp/link"
$NBDFERRY "$tmp/in" "zstd:$tmp/in.zst"
cp "$tmp/in.zst" "$tmp/orig.zst"
expect_error "same file" $NBDFERRY "zstd:$tmp/in.zst" "zstd:$tmp/in.zst"
expect_error "same file" $NBDFERRY "zstd:$tmp/in.zst" "$tmp/in.zst"
cmp "$tmp/in" "$tmp/orig" || fail "the source was changed"
cmp "$tmp/in.zst" "$tmp/orig.zst" || fail "the zstd source was changed"
