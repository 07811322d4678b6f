#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# pattern:SIZE gives the same bytes as nbdkit's pattern plugin.
source "$(dirname "$0")/functions.sh"
requires nbdkit pattern --version
requires nbdcopy --version

for size in 4097 3M; do
  $NBDFERRY pattern:$size "$tmp/ours"
  nbdkit -U - pattern $size --run "nbdcopy \"\$uri\" $tmp/theirs"
  cmp "$tmp/ours" "$tmp/theirs" || fail "pattern:$size differs from nbdkit"
done
