#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Bad option values, for nbdferry and nbdferry serve alike, are refused in
# one line naming the option and the value, and nothing is created.
source "$(dirname "$0")/functions.sh"
expect_error "--request-size: invalid value '1x'" \
  $NBDFERRY --request-size=1x pattern:1M "$tmp/out"
expect_error "--request-size: invalid value '0': must not be 0" \
  $NBDFERRY --request-size=0 pattern:1M "$tmp/out"
expect_error "--threads: invalid value '-1'" $NBDFERRY -T -1 pattern:1M "$tmp/out"
expect_error "--connections: invalid value '4x'" \
  $NBDFERRY -C 4x pattern:1M "$tmp/out"
expect_error "--progress: invalid value 'x'" \
  $NBDFERRY --progress=x pattern:1M "$tmp/out"
expect_error "--progress-format: invalid value 'xml'" \
  $NBDFERRY --progress-format=xml pattern:1M "$tmp/out"
expect_error "--bogus: unknown option" $NBDFERRY --bogus pattern:1M "$tmp/out"
expect_error "expected SOURCE and DESTINATION" $NBDFERRY pattern:1M
[ ! -e "$tmp/out" ] || fail "a destination was created"

expect_error "serve: --threads: invalid value '4x'" \
  $NBDFERRY serve --threads=4x -r pattern:1M
expect_error "serve: --blocksize-maximum: invalid value '1q'" \
  $NBDFERRY serve --blocksize-maximum=1q -r pattern:1M
expect_error "serve: --size: invalid value 'big'" \
  $NBDFERRY serve --size=big "$tmp/out"
[ ! -e "$tmp/out" ] || fail "serve created its target"
