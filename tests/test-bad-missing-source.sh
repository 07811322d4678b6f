#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A missing source: one line naming it, exit 1, no destination created.
source "$(dirname "$0")/functions.sh"
expect_error "$tmp/missing: No such file or directory" \
  $NBDFERRY "$tmp/missing" "$tmp/out"
[ ! -e "$tmp/out" ] || fail "a destination was created"
# A missing directory on the destination side.
echo data > "$tmp/in"
expect_error "$tmp/nodir/out: No such file or directory" \
  $NBDFERRY "$tmp/in" "$tmp/nodir/out"
