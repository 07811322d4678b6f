#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --progress=FD with FD not open (or open read-only) fails at start with
# one line, before the destination is created.
source "$(dirname "$0")/functions.sh"
exec 9>&-
expect_error "progress=9: file descriptor 9 is not open" \
  $NBDFERRY --progress=9 pattern:1M "$tmp/out"
[ ! -e "$tmp/out" ] || fail "the destination was created"
expect_error "progress=0: file descriptor 0 is not open for writing" \
  $NBDFERRY --progress=0 pattern:1M "$tmp/out" < /dev/null
[ ! -e "$tmp/out" ] || fail "the destination was created"
$NBDFERRY --progress=9 pattern:1M "$tmp/out" 9> "$tmp/progress"
[ "$(tail -n1 "$tmp/progress")" = "100/100" ] || fail "no progress written"
