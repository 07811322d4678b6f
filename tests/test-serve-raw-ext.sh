#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Extended headers: INIT_STATE, 64-bit BLOCK_STATUS and WRITE_ZEROES over a
# 6 GiB export (tests/nbdraw.c "ext").
source "$(dirname "$0")/functions.sh"
source "$abs_srcdir/tests/serve-functions.sh"
truncate -s 6G "$tmp/big"
start_serve s "$tmp/big"
nbdraw "$sock" ext
stop_serve
[ "$(allocated "$tmp/big")" -le $((1 << 20)) ] || fail "zeroing did not punch"
