#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A destination device smaller than the source is refused with one line,
# and nothing is written to it.
source "$(dirname "$0")/functions.sh"
truncate -s 8M "$tmp/backing"
head -c 8M /dev/urandom > "$tmp/backing"
cp "$tmp/backing" "$tmp/backing.orig"
loop_device "$tmp/backing"

head -c 9M /dev/urandom > "$tmp/in"
expect_error "$dev: device is smaller than the source (8388608 < 9437184 bytes)" \
  $NBDFERRY "$tmp/in" "$dev"
cmp "$dev" "$tmp/backing.orig" || fail "the device was written"
[ -b "$dev" ] || fail "the device node was replaced"
