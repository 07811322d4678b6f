#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --rate=SIZE: data read from the source, all workers together, at SIZE
# bytes per second (a 10 s copy takes 10 s: never less than 9 s, and
# allowing for a loaded machine, not more than 15 s); holes cost nothing;
# the bytes are right.
source "$(dirname "$0")/functions.sh"
requires nbdkit --version

elapsed () {                    # CMD...: run it, print the seconds taken
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >&2
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
within () {                     # WHAT SECONDS LOW HIGH
  echo "$1: $2 s (expected $3 .. $4 s)" >&2
  [ "$(echo "$2 >= $3 && $2 <= $4" | bc)" = 1 ] ||
    fail "$1 took $2 s, expected $3 .. $4 s"
}

# 20 MiB of data at 2 MiB/s over 4 workers sharing the bucket: 10 s.
$NBDFERRY pattern:20M "$tmp/src"
t=$(elapsed $NBDFERRY -T 4 --rate=2M "$tmp/src" "$tmp/dst")
within "file, 4 workers, 2M/s" "$t" 9.0 15
cmp "$tmp/src" "$tmp/dst" || fail "the copy is wrong"

# An NBD source (asynchronous reads): 10 MiB at 2 MiB/s, 5 s.
t=$(elapsed nbdkit -U - pattern 10M --run '$NBDFERRY --rate=2M "$uri" null:')
within "NBD, 2M/s" "$t" 4.5 9

# Holes are not read, so not charged: 1 MiB of data in 4 GiB at 1 MiB/s.
truncate -s 4G "$tmp/sparse"
dd if="$tmp/src" of="$tmp/sparse" bs=1M count=1 seek=2000 conv=notrunc status=none
t=$(elapsed $NBDFERRY --rate=1M "$tmp/sparse" null:)
within "4 GiB sparse, 1 MiB data, 1M/s" "$t" 0.5 5

expect_error "--rate" $NBDFERRY --rate=0 "$tmp/src" null:
expect_error "--rate" $NBDFERRY --rate=fast "$tmp/src" null:
