#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Bad sizes and options of the synthetic sources are refused in one line
# naming the argument; a synthetic image cannot be a destination.
source "$(dirname "$0")/functions.sh"
expect_error "pattern:12X: bad size '12X'" $NBDFERRY pattern:12X "$tmp/out"
expect_error "zero:: bad size" $NBDFERRY zero: "$tmp/out"
expect_error "random:99999999999999999999: bad size.*too large" \
  $NBDFERRY random:99999999999999999999 "$tmp/out"
expect_error "sparse-random:1M,percent=200: bad value for percent" \
  $NBDFERRY sparse-random:1M,percent=200 "$tmp/out"
expect_error "random:1M,colour=red: unknown option 'colour'" \
  $NBDFERRY random:1M,colour=red "$tmp/out"
[ ! -e "$tmp/out" ] || fail "a destination was created"
echo data > "$tmp/in"
expect_error "zero:1M: .*cannot be used as a destination" \
  $NBDFERRY "$tmp/in" zero:1M
