#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A directory as the source or the destination is refused, nothing lost.
source "$(dirname "$0")/functions.sh"
mkdir "$tmp/dir"
echo keep > "$tmp/dir/file"
echo data > "$tmp/in"
expect_error "$tmp/dir: is a directory" $NBDFERRY "$tmp/dir" "$tmp/out"
[ ! -e "$tmp/out" ] || fail "a destination was created"
expect_error "$tmp/dir: is a directory" $NBDFERRY "$tmp/in" "$tmp/dir"
[ "$(cat "$tmp/dir/file")" = keep ] || fail "the directory was changed"
