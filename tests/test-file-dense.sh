#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A dense file copies byte for byte with one and with many threads.
source "$(dirname "$0")/functions.sh"
head -c $((3 * 1024 * 1024 + 1)) /dev/urandom > "$tmp/in"
for t in 1 8; do
  $NBDFERRY -T $t "$tmp/in" "$tmp/out.$t"
  cmp "$tmp/in" "$tmp/out.$t" || fail "-T $t: output differs"
done
