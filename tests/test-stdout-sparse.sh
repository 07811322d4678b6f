#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Standard output redirected to a regular file is written sparse: holes are
# sought over, not written as zeroes; the file ends at the image's end, also
# when the image ends in a hole.  Appending, or writing after other output
# on the same descriptor, still gives the right bytes.
source "$(dirname "$0")/functions.sh"
truncate -s 64M "$tmp/in"
$NBDFERRY random:1M - | dd of="$tmp/in" bs=1M seek=40 conv=notrunc status=none

$NBDFERRY "$tmp/in" - > "$tmp/out"
cmp "$tmp/in" "$tmp/out" || fail "redirected stdout differs"
[ "$(allocated "$tmp/out")" -lt $((8 * 1024 * 1024)) ] ||
  fail "the holes were written: $(allocated "$tmp/out") bytes allocated"

# After other output on the same descriptor, and followed by more.
{ printf 'head'; $NBDFERRY "$tmp/in" -; printf 'tail'; } > "$tmp/out2"
cmp <(printf 'head'; cat "$tmp/in"; printf 'tail') "$tmp/out2" ||
  fail "stdout shared with other output differs"
[ "$(allocated "$tmp/out2")" -lt $((8 * 1024 * 1024)) ] ||
  fail "the holes were written after other output"

# Append mode cannot seek: the zeroes are written, the bytes are right.
printf 'head' > "$tmp/out3"
$NBDFERRY "$tmp/in" - >> "$tmp/out3"
cmp <(printf 'head'; cat "$tmp/in") "$tmp/out3" || fail "appended stdout differs"
