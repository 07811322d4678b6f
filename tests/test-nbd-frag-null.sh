#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# null: drops what it is given, so nothing is scanned for zeroes on the
# way to it (-v: zero detection 0), yet a fragmented NBD source is still
# probed window by window rather than mapped in full, its long hole is
# still not read, and --blkhash still proves every byte.  The image of
# test-nbd-frag-probe: 128 MiB with 4 KiB of data every 8 KiB, a 32 MiB
# hole, 4 KiB of data, a hole to 256 MiB (one worker: -C 1).
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"

island_source
$NBDFERRY -v -C 1 --blkhash=sha256 "$(nbd_uri src)" null: \
  > "$tmp/hash" 2> "$tmp/err" || { cat "$tmp/err"; fail "copy failed"; }
[ "$(cat "$tmp/hash")" = "$want" ] ||
  fail "blkhash $(cat "$tmp/hash"), expected $want"
grep -q 'zero detection 0;' "$tmp/err" ||
  fail "zero detection on for null: $(grep 'plan:' "$tmp/err")"

check_probed "$tmp/src.log"
