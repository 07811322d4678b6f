#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A destination full of old data ends byte-identical to a sparse source
# (its holes must be zeroed, not skipped).
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
start_nbdkit src sparse-random 32M seed=9 percent=20 runlength=131072
start_nbdkit dst memory 32M
nbdcopy -- [ nbdkit pattern 32M ] "$(nbd_uri dst)" || fail "prefill failed"
$NBDFERRY "$(nbd_uri src)" "$(nbd_uri dst)" || fail "copy failed"
dump "$(nbd_uri src)" "$tmp/src.img"
dump "$(nbd_uri dst)" "$tmp/dst.img"
cmp "$tmp/src.img" "$tmp/dst.img" || fail "old data survived the copy"
