#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# -C, -R and -T take what nbdcopy takes: -T 0 (the default: as many as
# fit), counts above 1024 (maxima: a copy uses what it can), and 0 is
# refused for -C and -R by both.
source "$(dirname "$0")/functions.sh"
requires nbdcopy --version

$NBDFERRY pattern:200M "$tmp/ref"
for opts in "-T 0" "-T 5000" "-C 5000" "-R 100000" "-T 2000 -C 2000 -R 4000000000"; do
  nbdcopy $opts "$tmp/ref" null: || fail "test setup: nbdcopy refuses $opts"
  rm -f "$tmp/out"
  $NBDFERRY -v $opts pattern:200M "$tmp/out" 2>"$tmp/err" ||
    fail "$opts refused: $(cat "$tmp/err")"
  cmp "$tmp/ref" "$tmp/out" || fail "$opts: the copy differs"
  # Through NBD too, where -C and -T open connections.
  $NBDFERRY $opts -- [ nbdkit pattern 200M ] "$tmp/out" ||
    fail "$opts: NBD copy refused"
  cmp "$tmp/ref" "$tmp/out" || fail "$opts: the NBD copy differs"
done
for opt in -C -R; do
  ! nbdcopy $opt 0 "$tmp/ref" null: 2>/dev/null ||
    fail "test setup: nbdcopy takes $opt 0"
  expect_error "invalid value '0'" $NBDFERRY $opt 0 pattern:1M "$tmp/out"
done
