#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `-` as the destination: written in order to a pipe, holes as zeroes.
source "$(dirname "$0")/functions.sh"
truncate -s 8M "$tmp/in"
head -c 100000 /dev/urandom | dd of="$tmp/in" bs=1 seek=12345 conv=notrunc status=none
printf 'end' >> "$tmp/in"
for t in 1 4; do
  $NBDFERRY -T $t "$tmp/in" - | cat > "$tmp/out"
  cmp "$tmp/in" "$tmp/out" || fail "-T $t: pipe output differs"
done
$NBDFERRY "$tmp/in" - > "$tmp/out2"
cmp "$tmp/in" "$tmp/out2" || fail "redirected stdout differs"
# Stream to stream.
cat "$tmp/in" | $NBDFERRY - - | cmp - "$tmp/in" || fail "pipe to pipe differs"
