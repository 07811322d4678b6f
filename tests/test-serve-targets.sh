#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# serve zstd:IMG without -r serves it read-only (a zstd image is only
# written in order), and a missing file without --size is refused with a
# line saying that --size creates it.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires nbdinfo --version
requires nbdcopy --version

head -c 2M /dev/urandom > "$tmp/img"
$NBDFERRY "$tmp/img" "zstd:$tmp/img.zst" || fail "making the zstd image"
start_serve z "zstd:$tmp/img.zst"
nbdinfo "$uri" | grep -q 'is_read_only: true' || fail "zstd not read-only"
nbdcopy "$uri" "$tmp/back" || fail "reading the zstd export"
cmp "$tmp/img" "$tmp/back" || fail "zstd export differs"
stop_serve

expect_error "no such file (--size=SIZE creates it)" \
  $NBDFERRY serve -U "$tmp/x.sock" "$tmp/nosuch"
[ ! -e "$tmp/nosuch" ] || fail "a missing file was created without --size"
