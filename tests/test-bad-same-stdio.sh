#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Standard input or output that is the other side's file (also through
# zstd:) is refused, and the file is left as it was.
source "$(dirname "$0")/functions.sh"
head -c 300000 /dev/urandom > "$tmp/f"
cp "$tmp/f" "$tmp/orig"
ln "$tmp/f" "$tmp/link"
expect_error "same file" $NBDFERRY - "$tmp/f" < "$tmp/f"
expect_error "same file" $NBDFERRY - "$tmp/link" < "$tmp/f"
expect_error "same file" $NBDFERRY - "zstd:$tmp/f" < "$tmp/f"
# 1<> opens stdout without truncating it, as a script's redirection might.
expect_error "same file" $NBDFERRY "$tmp/f" - 1<> "$tmp/f"
expect_error "same file" $NBDFERRY "$tmp/link" "zstd:-" 1<> "$tmp/f"
cmp "$tmp/f" "$tmp/orig" || fail "the file was changed"

$NBDFERRY "$tmp/f" "zstd:$tmp/f.zst"
cp "$tmp/f.zst" "$tmp/orig.zst"
expect_error "same file" $NBDFERRY zstd:- "$tmp/f.zst" < "$tmp/f.zst"
expect_error "same file" $NBDFERRY "zstd:$tmp/f.zst" - 1<> "$tmp/f.zst"
cmp "$tmp/f.zst" "$tmp/orig.zst" || fail "the zstd file was changed"

# Different files through stdio still copy.
$NBDFERRY - "$tmp/copy" < "$tmp/f"
cmp "$tmp/copy" "$tmp/orig" || fail "copy from stdin differs"
