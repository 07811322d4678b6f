#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A sparse file copied to a pipe: the holes come out as zeroes, but only
# the data is read from the source.
source "$(dirname "$0")/functions.sh"
truncate -s 64M "$tmp/sparse"
$NBDFERRY random:1M - | dd of="$tmp/sparse" bs=1M seek=40 conv=notrunc status=none
$NBDFERRY -v "$tmp/sparse" - 2>"$tmp/log" | cmp - "$tmp/sparse" ||
  fail "the pipe got different bytes"
cat "$tmp/log"
grep -q "read 1.0 MiB, wrote 1.0 MiB, zeroed 63.0 MiB" "$tmp/log" ||
  fail "holes were read, or not written as zeroes"
