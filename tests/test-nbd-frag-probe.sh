#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A fragmented NBD source is not mapped in full unit after unit: once a
# unit's map showed 4 KiB of data every 8 KiB (read whole anyway), the next
# units are read in windows after a one-extent question (req_one) each,
# which finds the long holes so that they are still not read.  Bytes,
# holes and --blkhash are kept.  Image: 128 MiB fragmented, a 32 MiB hole,
# 4 KiB of data, a hole to 256 MiB (one worker: -C 1).
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"

island_source
$NBDFERRY -C 1 --blkhash=sha256 "$(nbd_uri src)" "$tmp/out" > "$tmp/hash" ||
  fail "copy failed"
cmp "$tmp/in" "$tmp/out" || fail "output differs"
[ "$(cat "$tmp/hash")" = "$want" ] ||
  fail "blkhash $(cat "$tmp/hash"), expected $want"
[ "$(allocated "$tmp/out")" -le $((65 << 20)) ] ||
  fail "holes not kept: $(allocated "$tmp/out") bytes allocated"

check_probed "$tmp/src.log"
