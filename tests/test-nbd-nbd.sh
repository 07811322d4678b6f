#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nbd -> nbd: a sparse source served by nbdkit arrives byte for byte in an
# nbdkit memory export.
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/nbd-functions.sh"
start_nbdkit src sparse-random 64M seed=7 percent=30 runlength=262144
start_nbdkit dst memory 64M
$NBDFERRY "$(nbd_uri src)" "$(nbd_uri dst)" || fail "copy failed"
dump "$(nbd_uri src)" "$tmp/src.img"
dump "$(nbd_uri dst)" "$tmp/dst.img"
cmp "$tmp/src.img" "$tmp/dst.img" || fail "destination differs from source"
