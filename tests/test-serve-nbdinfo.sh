#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbdinfo sees the served file's size, flags, block sizes and holes.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
requires nbdinfo --version

truncate -s 8M "$tmp/img"
printf 'data' | dd of="$tmp/img" bs=1 seek=$((2 << 20)) conv=notrunc status=none

start_serve s "$tmp/img" --blocksize-minimum=512 --blocksize-maximum=1M \
  --description="test disk"
nbdinfo --json "$uri" > "$tmp/info"
cat "$tmp/info"
grep -q '"export-size": 8388608' "$tmp/info" || fail "size"
grep -q '"is_read_only": false' "$tmp/info" || fail "read-only"
grep -q '"block_size_minimum": 512' "$tmp/info" || fail "minimum"
grep -q '"block_size_preferred": 4096' "$tmp/info" || fail "preferred"
grep -q '"block_size_maximum": 1048576' "$tmp/info" || fail "maximum"
grep -q '"description": "test disk"' "$tmp/info" || fail "description"
grep -q '"can_multi_conn": true' "$tmp/info" || fail "multi-conn"

# The only data is the block written at 2 MiB; the rest are holes.
nbdinfo --map "$uri" > "$tmp/map"
cat "$tmp/map"
[ "$(grep -c 'hole,zero' "$tmp/map")" -eq 2 ] || fail "holes"
grep -q "^ *2097152 .* 0 *data" "$tmp/map" || fail "data extent"
stop_serve

start_serve r --read-only "$tmp/img"
nbdinfo "$uri" | grep -q 'is_read_only: true' || fail "--read-only"
stop_serve
